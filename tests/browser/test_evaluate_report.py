"""The evaluation report in a real browser (Debian's chromium through Playwright): it
opens from disk with no request leaving the file, every figure it shows is the one
``--json`` prints, and every wrong value's crop is drawn (chromium: the tier's
``browser`` fixture, tests/browser/conftest.py). The reading is a fake (no
OCR here): fixed results over a page with the values written in their boxes."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from medextract.cli import main
from medextract.extract import Extraction
from medextract.preprocess import PreparedPage
from medextract.result import (
    BoundingBox,
    DocumentType,
    ExtractedField,
    Result,
    ReviewReason,
    Source,
    Timings,
)
from PIL import Image, ImageDraw

from tests.browser.support import LAPTOP

SHOTS = Path(__file__).resolve().parents[2] / "out" / "evaluate"
WIDTH, HEIGHT = 1700, 2200
# name -> (truth, read, confidence, flagged, box): the prescription as the fake reads it
READ = {
    "patient_name": ("Ann Lee", "Ann Lee", 0.97, False, (0.2, 0.1, 0.3, 0.03)),
    "refills": (2, 3, 0.91, False, (0.6, 0.8, 0.1, 0.03)),  # wrong, NOT flagged
    "prescriber": ("Dr A Bee, M.D", "Dr A Bee, MD", 0.3, True, (0.3, 0.02, 0.4, 0.03)),
    "directions": ("Take one daily", "Take one daily", 0.45, True, (0.1, 0.6, 0.6, 0.04)),
    "medicines": (["Omeprazole 40 mg"], None, 0.0, True, None),  # not found
}

pytestmark = pytest.mark.browser


def _page() -> PreparedPage:
    image = Image.new("L", (WIDTH, HEIGHT), 250)
    draw = ImageDraw.Draw(image)
    for _, read, _, _, box in READ.values():
        if box:
            left, top = box[0] * WIDTH, box[1] * HEIGHT
            draw.text((left + 4, top + 4), str(read), fill=20)
    grey = np.asarray(image)
    return PreparedPage(binary=grey, grey=grey, rotation=0, skew=0.0, scale=1.0)


def _result(name: str, right: bool) -> Result:
    fields = {}
    for field, (truth, read, confidence, flagged, box) in READ.items():
        value = truth if right else read
        fields[field] = ExtractedField(
            value=value,
            text=None if value is None else str(value),
            confidence=0.98 if right else confidence,
            page=1 if value is not None else None,
            box=BoundingBox(left=box[0], top=box[1], width=box[2], height=box[3]) if box else None,
            needs_review=flagged and not right,
            review_reasons=[ReviewReason.LOW_OCR_CONFIDENCE] if flagged and not right else [],
        )
    return Result(
        source=Source(name=name, sha256="0" * 64, media_type="image/png", page_count=1),
        document_type=DocumentType.PRESCRIPTION,
        document_type_confidence=1.0,
        fields=fields,
        needs_review=any(f.needs_review for f in fields.values()),
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A folder of two scans (one read right, one with every kind of outcome) evaluated
    with --json and --report."""
    folder = tmp_path_factory.mktemp("scans")
    truth = {s: {"document_type": "prescription", "fields": {k: v[0] for k, v in READ.items()}}
             for s in ("right.png", "wrong.png")}  # fmt: skip
    (folder / "truth.json").write_text(json.dumps(truth))
    for name in truth:
        (folder / name).write_bytes(b"\x89PNG fake")
    page = _page()

    def extract_pages(data: bytes, name: str, doc_type: Any = None, **_: Any) -> Extraction:
        return Extraction(_result(name, right=name == "right.png"), [page])

    report = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr("medextract.extract.extract_pages", extract_pages)
        args = ["evaluate", str(folder), "--truth", str(folder / "truth.json"), "--jobs", "1"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main([*args, "--json"]) == 0
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([*args, "--report", str(report)]) == 0
    yield report / "index.html", json.loads(out.getvalue())


@pytest.fixture
def opened(
    browser: Any, evaluated: tuple[Path, dict[str, Any]]
) -> Iterator[tuple[Any, list[str], dict[str, Any]]]:
    """The report opened from disk; every request it makes beyond its own file is
    recorded and refused."""
    path, data = evaluated
    context = browser.new_context(viewport=LAPTOP, offline=True)
    page = context.new_page()
    outside: list[str] = []

    def refuse(route: Any) -> None:
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", refuse)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    yield page, outside, data
    context.close()


def _at(data: Any, path: str) -> Any:
    """The value at a ``data-figure`` path of the JSON (``fields.3.right``, ``wrong.length``)."""
    for part in path.split("."):
        data = len(data) if part == "length" else data[int(part)] if part.isdigit() else data[part]
    return data


def test_the_report_opens_offline_and_fetches_nothing(opened):
    page, outside, _ = opened
    assert outside == []
    assert page.locator("#reliability-diagram").is_visible()
    assert page.locator("#field-bars").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)


def test_every_figure_shown_is_the_one_json_prints(opened):
    page, _, data = opened
    figures = page.eval_on_selector_all(
        "[data-figure]", "els => els.map(e => [e.dataset.figure, e.textContent])"
    )
    assert len(figures) > 40  # the summary, every field row and band
    for path, shown in figures:
        expected = _at(data, path)
        if isinstance(expected, float):
            assert float(shown) == pytest.approx(expected, abs=5e-4), path
        else:
            assert shown == str(expected), path
    summary = data["summary"]["fields"]
    assert (summary["wrong_unflagged"], summary["wrong_flagged"]) == (1, 2)


def test_every_wrong_value_is_shown_with_its_crop_or_its_page(opened):
    page, _, data = opened
    cards = page.locator(".wrong")
    assert cards.count() == len(data["wrong"]) == 3
    for i in range(cards.count()):
        card = cards.nth(i)
        wrong = data["wrong"][i]
        assert card.get_attribute("data-field") == wrong["field"]
        image = card.locator("img")
        assert image.get_attribute("class") == ("crop" if wrong["box"] else "page")
        loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, wrong["field"]
    silent = page.locator('.wrong[data-field="refills"]')
    assert "NOT flagged" in silent.inner_text()
    # the crop of refills' box: about its width on the page, plus the margin
    width = silent.locator("img").evaluate("img => img.naturalWidth")
    assert abs(width - (0.1 + 2 * 0.015) * WIDTH) <= 3
