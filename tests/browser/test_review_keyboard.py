"""Review at volume, on the demo's own documents (real scans read by tesseract once,
then replayed: ``tests/browser/demo_queue.py``): ten flagged documents cleared with the
keyboard alone, and every control of the page on a 1366×768 screen without scrolling.
Screenshots at 1366×768 and 2560×1440 go to ``out/review/``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.demo_queue import (
    DemoDocument,
    as_text,
    flagged_demo_documents,
    review_queue_by_keyboard,
    seed_demo_queue,
)
from tests.browser.support import LAPTOP, LARGE, Site, review_site, shot, wait_for_document

pytestmark = pytest.mark.browser
QUEUE = 10


@pytest.fixture(scope="module")
def documents() -> list[DemoDocument]:
    return flagged_demo_documents(QUEUE)


def truths(site: Site, documents: list[DemoDocument]) -> dict[str, dict[str, Any]]:
    by_key = {d.key: d.truth for d in documents}
    return {i["document_id"]: by_key[i["source_key"]] for i in site.env.items()}


def test_ten_flagged_demo_documents_reviewed_with_the_keyboard_alone(
    page: Any, documents: list[DemoDocument]
):
    with review_site(lambda env: seed_demo_queue(env, documents)) as site:
        page.add_init_script(
            "window.__pointer = 0; for (const t of ['pointerdown', 'mousedown', 'click'])"
            " addEventListener(t, (e) => { if (e.isTrusted) window.__pointer++; }, true);"
        )
        printed = truths(site, documents)

        tally = review_queue_by_keyboard(page, site.url, printed)
        shot(page, "keyboard-queue-done")
        pointer = page.evaluate("() => window.__pointer")
        said = page.locator("#message").text_content()
        items = {i["document_id"]: i for i in site.env.items()}

    assert tally.documents == QUEUE and sorted(tally.reviewed) == sorted(printed)
    assert pointer == 0  # not one mouse event
    assert "queue is empty" in said
    for document_id, item in items.items():
        assert item["status"] == "REVIEWED" and item["reviewed_by"] == "dev-reviewer"
        for name in item["flagged_fields"]:  # each flagged value is now the printed one
            assert as_text(item["fields"][name]["value"]) == as_text(printed[document_id][name]), (
                document_id,
                name,
            )
    assert tally.keys >= QUEUE  # at least a submit each: the count is a real tally


CONTROLS = [
    "#tabs a",
    "#who",
    "#keys-button",
    "#page-tools button",
    "#actions button:not([hidden])",
    "#fields input, #fields textarea",
]


def outside_viewport(page: Any, viewport: dict[str, int]) -> list[str]:
    """Each visible control that the window does not show whole, without scrolling."""
    out = []
    for selector in CONTROLS:
        for n in range(page.locator(selector).count()):
            control = page.locator(selector).nth(n)
            if not control.is_visible():
                continue
            box = control.bounding_box()
            if (
                box["x"] < 0
                or box["y"] < 0
                or box["x"] + box["width"] > viewport["width"]
                or box["y"] + box["height"] > viewport["height"]
            ):
                out.append(f"{selector} #{n}")
    scrolled = page.evaluate(
        "() => { const f = document.querySelector('#fields');"
        " return [document.documentElement.scrollHeight > innerHeight,"
        " f.scrollHeight > f.clientHeight]; }"
    )
    if scrolled[0]:
        out.append("the page scrolls")
    if scrolled[1]:
        out.append("the fields scroll")
    return out


@pytest.mark.parametrize(
    ("viewport", "name"), [(LAPTOP, "1366x768"), (LARGE, "2560x1440")], ids=["laptop", "large"]
)
def test_every_control_shows_without_scrolling_on_each_demo_form(
    browser: Any, documents: list[DemoDocument], viewport: dict[str, int], name: str
):
    forms = {}
    for doc in documents:
        forms.setdefault(doc.extracted.result.document_type.value, doc)
    with review_site(lambda env: seed_demo_queue(env, list(forms.values()))) as site:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        hidden = {}
        try:
            page.goto(f"{site.url}/")
            page.wait_for_selector("#queue tbody tr")
            shot(page, f"queue-{name}")
            for item in site.env.items():
                page.goto(f"{site.url}/#/doc/{item['document_id']}")
                page.wait_for_function(f"() => location.hash.endsWith('{item['document_id']}')")
                wait_for_document(page)
                shot(page, f"{item['document_type']}-{name}")
                hidden[item["document_type"]] = outside_viewport(page, viewport)
        finally:
            context.close()

    assert set(hidden) == {"prescription", "patient_details"}
    assert hidden == {"prescription": [], "patient_details": []}
