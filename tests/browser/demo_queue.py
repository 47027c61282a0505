"""The demo's flagged documents as a review queue, and a reviewer who clears it with the
keyboard alone: the keyboard test (``test_review_keyboard``) and ``make bench-review``.

The documents are ``make review``'s own (``medextract_dev.demo``: seed 4242, its forms and
formats), read once by the real core (tesseract) and kept under ``out/review-cache/``
(not committed): the file, its result and its page images, keyed by the demo's seed and
index and the result schema. Reading is the slow part (seconds per document on two
cores); a cached run seeds the queue in about a second. Delete the folder to read again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medextract.aws.process import Extracted
from medextract.result import SCHEMA_VERSION, DocumentType, Result

CACHE = Path(__file__).resolve().parents[2] / "out" / "review-cache"
READ_AT_MOST = 80  # demo documents read, at most, to find the flagged ones asked for


@dataclass(frozen=True)
class DemoDocument:
    key: str  # where the demo drops it in the input bucket
    data: bytes
    extracted: Extracted
    truth: dict[str, Any]  # field -> the value printed (the generator's truth)
    document_type: str | None  # what the uploader said, as the demo does


def _entry(index: int) -> Path:
    from medextract_dev import demo

    return CACHE / f"seed{demo.SEED}-{index:03d}-schema{SCHEMA_VERSION}"


def _load(folder: Path) -> DemoDocument | None:
    try:
        meta = json.loads((folder / "meta.json").read_text())
        result = Result.model_validate_json((folder / "result.json").read_text())
        images = [(folder / f"page-{n}.webp").read_bytes() for n in range(1, meta["pages"] + 1)]
        data = (folder / meta["file"]).read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return DemoDocument(
        meta["key"], data, Extracted(result, images), meta["truth"], meta["document_type"]
    )


def _read(index: int) -> DemoDocument:
    """Demo document ``index`` as ``medextract_dev.demo`` drops it, read by the real core."""
    from medextract.aws.runtime import core_extractor
    from medextract.settings import get_settings
    from medextract_dev import demo
    from medextract_dev.synth import generate_document

    doc_type, fmt, named = demo.SAMPLES[index % len(demo.SAMPLES)]
    generated = generate_document(demo.SEED, index, doc_type=doc_type, fmt=fmt)
    key = f"demo/clinic-{index % 2 + 1}/{generated.filename}"
    told = doc_type if named else None
    extracted = core_extractor(get_settings())(
        generated.data, generated.filename, DocumentType(told) if told else None
    )
    assert isinstance(extracted, Extracted)
    truth = generated.truth.model_dump(mode="json")["fields"]
    folder = _entry(index)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / generated.filename).write_bytes(generated.data)
    (folder / "result.json").write_text(extracted.result.model_dump_json())
    for n, image in enumerate(extracted.page_images, start=1):
        (folder / f"page-{n}.webp").write_bytes(image)
    meta = {
        "key": key,
        "file": generated.filename,
        "pages": len(extracted.page_images),
        "truth": truth,
        "document_type": told,
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    return DemoDocument(key, generated.data, extracted, truth, told)


def flagged_demo_documents(count: int) -> list[DemoDocument]:
    """The demo's first ``count`` documents that need review, in the demo's order."""
    found: list[DemoDocument] = []
    for index in range(READ_AT_MOST):
        doc = _load(_entry(index)) or _read(index)
        if doc.extracted.result.needs_review:
            found.append(doc)
        if len(found) == count:
            return found
    raise AssertionError(f"only {len(found)} of the first {READ_AT_MOST} demo documents flagged")


class Replay:
    """The pipeline's extractor for cached documents: each file's recorded reading."""

    def __init__(self, documents: list[DemoDocument]) -> None:
        self.by_hash = {hashlib.sha256(d.data).hexdigest(): d.extracted for d in documents}

    def __call__(self, data: bytes, name: str, doc_type: DocumentType | None) -> Extracted:
        return self.by_hash[hashlib.sha256(data).hexdigest()]


def seed_demo_queue(env: Any, documents: list[DemoDocument]) -> list[str]:
    """The documents through the pipeline on moto (recorded readings); ids oldest first."""
    for doc in documents:
        env.put(doc.key, doc.data, doc.document_type)
    env.drain_with(env.pipeline(Replay(documents)))
    items = sorted(env.items(), key=lambda i: (i["received_at"], i["document_id"]))
    return [i["document_id"] for i in items]


# ---------------------------------------------------------------- the reviewer
def as_text(value: Any) -> str:
    """A value as the page shows it in its field (review.js ``asText``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


@dataclass
class Tally:
    documents: int = 0
    keys: int = 0  # every key pressed, each typed character one
    typed: int = 0  # of which characters typed into fields
    accepted: int = 0  # flagged fields accepted as read (Enter)
    taken: int = 0  # flagged fields set from a suggestion or the text as read (Alt+1/2)
    retyped: int = 0  # flagged fields typed out
    refused: int = 0  # submits refused (a value without its field's shape)
    seconds: float = 0.0
    reviewed: list[str] = field(default_factory=list)

    def press(self, page: Any, key: str) -> None:
        page.keyboard.press(key)
        self.keys += 1

    def type(self, page: Any, text: str) -> None:
        page.keyboard.type(text)
        self.keys += len(text)
        self.typed += len(text)


def _field_state(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
          const el = document.activeElement;
          const row = el && el.closest('.field');
          return {
            name: row ? row.dataset.field : null,
            value: el ? el.value : null,
            takes: row ? [...row.querySelectorAll('.take')].map(b => b.title) : [],
            flagged: row ? row.classList.contains('flagged') : false,
          };
        }"""
        )
    )


def _type_value(tally: Tally, page: Any, text: str) -> None:
    """Select the field's text and type ``text`` over it (Shift+Enter between lines)."""
    tally.press(page, "Control+a")
    for n, line in enumerate(text.split("\n")):
        if n:
            tally.press(page, "Shift+Enter")
        tally.type(page, line)


def _left_or_refused(page: Any, document_id: str) -> None:
    page.wait_for_function(
        f"() => !location.hash.endsWith('{document_id}') || document.querySelector('.field .error')"
    )


def review_queue_by_keyboard(page: Any, base_url: str, truths: dict[str, dict[str, Any]]) -> Tally:
    """From the queue page, review every document of ``truths`` (document id -> the
    printed values) with the keyboard alone: at each flagged field, Enter when the value
    shown is the printed one, Alt+1/Alt+2 for an offered alternative that is, else select
    all and type it; Ctrl+Enter submits and opens the next. A refused value is typed
    again as printed. Ends on the empty queue."""
    tally = Tally()
    page.goto(f"{base_url}/")
    page.wait_for_selector("#queue tbody tr")
    started = time.perf_counter()
    tally.press(page, "Alt+n")  # the oldest free document
    for _ in range(len(truths)):
        page.wait_for_function(
            "() => document.querySelector('#doc-state').dataset.status === 'NEEDS_REVIEW'"
            " && document.activeElement && document.activeElement.closest('.field')"
        )
        document_id = str(page.evaluate("() => location.hash.split('/').pop()"))
        truth = truths[document_id]
        seen: set[str] = set()
        while True:
            current = _field_state(page)
            name = current["name"]
            if not name or not current["flagged"] or name in seen:
                break  # Enter moved to the submit button: every flagged field checked
            seen.add(name)
            wanted = as_text(truth[name]) if name in truth else current["value"]
            takes = current["takes"]  # each alternative's whole value
            if current["value"] == wanted:
                tally.accepted += 1
            elif wanted in takes:
                tally.press(page, f"Alt+{takes.index(wanted) + 1}")
                tally.taken += 1
            else:
                _type_value(tally, page, wanted)
                tally.retyped += 1
            tally.press(page, "Enter")
        tally.press(page, "Control+Enter")
        _left_or_refused(page, document_id)
        for _attempt in range(3):
            if not page.locator(".field .error").count():
                break
            tally.refused += 1  # the focus is on the first refused field
            name = str(page.evaluate("() => document.activeElement.name"))
            _type_value(tally, page, as_text(truth.get(name)))
            tally.press(page, "Control+Enter")
            _left_or_refused(page, document_id)
        else:
            raise AssertionError(f"{document_id}: the printed values were refused")
        tally.reviewed.append(document_id)
        tally.documents += 1
    page.wait_for_selector("#queue-view:not([hidden])")
    tally.seconds = time.perf_counter() - started
    return tally
