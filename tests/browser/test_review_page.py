"""The review page in a real browser: Debian's chromium, driven by Playwright's Python
package (never ``playwright install``), against the local server on moto.

One module-scoped run: the queue, a document, each drawn box against its ``box``, a
flagged field corrected with the keyboard, the submit, the REVIEWED item and its audit
record. Screenshots go to ``out/review/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from medextract_dev.review_local import DEV_REVIEWER

from tests.browser.support import LARGE, Site, review_site, shot
from tests.functional.review_support import FIELDS, FLAGGED, seed

pytestmark = pytest.mark.browser  # `make test` installs chromium (make browser-deps)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with review_site(lambda env: seed(env, 2, failed=1)) as site:
        site.ids = site.by_status("NEEDS_REVIEW")
        yield site


def open_first_document(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/")
    page.wait_for_selector("#queue tbody tr")
    page.locator("#queue tbody tr").first.get_by_role("link", name="open").click()
    page.wait_for_function(
        "() => document.querySelector('#page').complete"
        " && document.querySelector('#page').naturalWidth > 0"
    )
    page.wait_for_selector(".field")


def boxes_in_place(page: Any) -> list[tuple[str, float]]:
    """Each drawn box's largest distance (px) from where its field's ``box`` says."""
    image = page.locator("#page").bounding_box()
    out = []
    for name, (_, _, _, (left, top, width, height), _) in FIELDS.items():
        drawn = page.locator(f'.box[data-field="{name}"]').bounding_box()
        expected = (
            image["x"] + left * image["width"],
            image["y"] + top * image["height"],
            width * image["width"],
            height * image["height"],
        )
        got = (drawn["x"], drawn["y"], drawn["width"], drawn["height"])  # border-box
        out.append((name, max(abs(a - b) for a, b in zip(got, expected, strict=True))))
    return out


def test_queue_lists_the_flagged_documents(page: Any, site: Site):
    page.goto(f"{site.url}/")
    page.wait_for_selector("#queue tbody tr")
    shot(page, "1-queue")

    rows = page.locator("#queue tbody tr")
    assert rows.count() == len(site.ids)
    assert [rows.nth(i).get_attribute("data-id") for i in range(rows.count())] == site.ids
    assert page.locator("#who").text_content() == f"signed in as {DEV_REVIEWER.name}"


def test_each_drawn_box_sits_where_its_field_box_says(page: Any, site: Site):
    open_first_document(page, site)
    fitted = boxes_in_place(page)
    fitted_width = page.locator("#page").bounding_box()["width"]
    page.click("#zoom-in")
    page.click("#zoom-in")
    zoomed = boxes_in_place(page)
    shot(page, "2-document-zoomed")

    assert len(fitted) == len(FIELDS)
    assert all(distance <= 1.5 for _, distance in fitted), fitted
    assert all(distance <= 1.5 for _, distance in zoomed), zoomed
    assert page.locator("#page").bounding_box()["width"] >= 1.5 * fitted_width  # it zoomed


def test_clicking_a_box_highlights_its_field_and_focusing_a_field_its_box(page: Any, site: Site):
    open_first_document(page, site)
    page.click("#zoom-reset")  # the whole page: it opens zoomed on the first flagged box

    page.click('.box[data-field="patient_name"]')
    focused = page.evaluate("() => document.activeElement.name")
    page.focus("#f-refills")

    assert focused == "patient_name"
    assert "active" in page.locator('.box[data-field="refills"]').get_attribute("class")
    assert "active" not in page.locator('.box[data-field="patient_name"]').get_attribute("class")
    assert "active" in page.locator('.field[data-field="refills"]').get_attribute("class")


def test_fields_in_the_forms_sections_start_at_the_first_flagged_with_reasons_in_words(
    page: Any, site: Site
):
    open_first_document(page, site)

    order = page.eval_on_selector_all(".field", "rows => rows.map(r => r.dataset.field)")
    headings = page.eval_on_selector_all("#fields h3", "hs => hs.map(h => h.textContent)")
    focused = page.evaluate("() => document.activeElement.name")
    flagged = page.eval_on_selector_all(".field.flagged", "rows => rows.map(r => r.dataset.field)")
    reasons = page.locator('.field[data-field="refills"] .reasons').text_content()

    assert headings == ["Patient", "Rx"]  # the fake prescription has no prescriber
    assert order == [
        "patient_name",
        "prescription_date",
        "patient_address",
        "directions",
        "refills",
    ]
    assert focused == FLAGGED[0] and flagged == FLAGGED
    assert reasons == "OCR unsure of a word"
    assert "conf-low" in page.locator('.field[data-field="refills"]').get_attribute("class")


def test_correct_a_flagged_field_with_the_keyboard_and_submit(page: Any, site: Site):
    open_first_document(page, site)
    document_id = page.evaluate("() => location.hash.split('/').pop()")
    assert page.evaluate("() => document.activeElement.name") == FLAGGED[0]

    page.keyboard.press("Control+Enter")  # refused: flagged fields untouched
    refused = page.locator("#message").text_content()
    page.keyboard.press("Enter")  # directions accepted as read
    page.keyboard.press("Control+A")
    page.keyboard.type("lots")  # refills: a bad value first
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector('.field[data-field="refills"] .error')
    shot(page, "3-refused-value")
    error = page.locator('.field[data-field="refills"] .error').get_attribute("data-reason")
    page.focus("#f-refills")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")  # submit and next
    page.wait_for_function(f"() => !location.hash.endsWith('{document_id}')")
    page.wait_for_selector('#doc-state[data-status="NEEDS_REVIEW"]')
    saved = page.locator("#message").text_content()
    next_id = page.evaluate("() => location.hash.split('/').pop()")
    page.goto(f"{site.url}/#/doc/{document_id}")
    page.wait_for_selector('#doc-state[data-status="REVIEWED"]')
    page.wait_for_selector('#history li[data-action="REVIEWED"]', state="attached")
    shot(page, "4-reviewed")
    machine = page.locator('.field[data-field="refills"] .machine').text_content()

    assert refused.startswith("Check every flagged field first")
    assert error == "PATTERN_MISMATCH"
    item = site.service.table.get(document_id)
    assert item["status"] == "REVIEWED" and item["reviewed_by"] == DEV_REVIEWER.name
    assert item["fields"]["refills"]["value"] == 2
    assert item["fields"]["refills"]["review"]["extracted_value"] == 25
    audit = [e for e in site.service.table.history(document_id) if e["action"] == "REVIEWED"]
    assert [c["field"] for c in audit[0]["changes"]] == ["refills"]
    assert machine == "read as: 25"
    assert saved.endswith("1 field corrected.")
    assert next_id in site.ids and next_id != document_id


def test_failed_document_shows_its_reason(page: Any, site: Site):
    page.goto(f"{site.url}/#/doc/{site.by_status('FAILED')[0]}")
    page.wait_for_selector("#failure:not([hidden])")
    shot(page, "5-failed")

    assert "ENCRYPTED_PDF" in page.locator("#failure").text_content()
    assert page.locator(".field").count() == 0
    assert page.locator("#submit").is_hidden()


def test_page_fits_a_large_monitor(browser: Any, site: Site):
    context = browser.new_context(viewport=LARGE)
    page = context.new_page()
    try:
        open_first_document(page, site)
        shot(page, "6-large-monitor")
        viewer = page.locator("#viewer").bounding_box()
        panel = page.locator("#panel").bounding_box()
    finally:
        context.close()

    assert viewer["x"] + viewer["width"] <= panel["x"]  # side by side
    assert viewer["width"] > panel["width"]
