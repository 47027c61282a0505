"""What the review page shows and does around one document, each test on its own queue:
a page image never outlives its document, a release is a clean 204, a missing page is
said, a stale submit offers the reload, zoom keys never type, submit moves on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import Site, review_site, shot, wait_for_document
from tests.functional.review_support import RECORD_PAGE_2, seed

pytestmark = pytest.mark.browser


def open_document(page: Any, site: Site, document_id: str) -> None:
    page.goto(f"{site.url}/#/doc/{document_id}")
    page.wait_for_function(f"() => location.hash.endsWith('{document_id}')")
    wait_for_document(page)


def current_id(page: Any) -> str:
    return str(page.evaluate("() => location.hash.split('/').pop()"))


def fill_flagged_and_submit(page: Any) -> None:
    """Accept every flagged field as read (Enter on each), then Ctrl+Enter."""
    for name in page.eval_on_selector_all(
        ".field.flagged", "rows => rows.map(r => r.dataset.field)"
    ):
        page.focus(f"#f-{name}")
        page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")


# ---------------------------------------------------------------- bug 1
def test_failed_document_opened_after_a_record_shows_no_page_of_that_record(page: Any):
    with review_site(lambda env: seed(env, 1, failed=1, failure="BLANK_PAGE")) as site:
        (record,), (failed,) = site.by_status("NEEDS_REVIEW"), site.by_status("FAILED")
        open_document(page, site, record)

        page.goto(f"{site.url}/#/doc/{failed}")
        page.wait_for_selector("#failure:not([hidden])")
        shot(page, "bug1-failed-after-record")

        assert "BLANK_PAGE" in page.locator("#failure").text_content()
        assert not page.locator("#page").is_visible()
        assert page.locator("#page").get_attribute("src") is None
        assert page.locator(".box").count() == 0
        assert not page.locator("#zoom-in").is_visible()


def test_failed_document_opened_first_shows_no_broken_image_and_no_zoom(page: Any):
    with review_site(lambda env: seed(env, 0, failed=1, failure="BLANK_PAGE")) as site:
        (failed,) = site.by_status("FAILED")

        page.goto(f"{site.url}/#/doc/{failed}")
        page.wait_for_selector("#failure:not([hidden])")

        assert not page.locator("#page").is_visible()
        assert not page.locator("#zoom-in").is_visible()
        assert not page.locator("#zoom-out").is_visible()
        assert page.locator("#no-page").is_visible()


# ---------------------------------------------------------------- bug 2
def test_release_on_next_document_is_a_clean_204_without_a_server_error(page: Any):
    with review_site(lambda env: seed(env, 2)) as site:
        first, second = site.by_status("NEEDS_REVIEW")
        open_document(page, site, first)

        with page.expect_response(lambda r: r.url.endswith(f"/{first}/release")) as released:
            page.keyboard.press("Alt+n")
        page.wait_for_function(f"() => location.hash.endsWith('{second}')")
        failure = released.value.finished()

        assert released.value.status == 204
        assert failure is None
        assert site.errors.messages == []
        assert "claim_holder" not in site.service.table.get(first)


# ---------------------------------------------------------------- bug 3
def test_record_sent_without_its_second_page_says_so_and_shows_no_field_of_it_as_read(
    page: Any,
):
    with review_site(lambda env: seed(env, 0, half=1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        page.goto(f"{site.url}/")
        page.wait_for_selector("#queue tbody tr")
        in_queue = page.locator(f'#queue tbody tr[data-id="{record}"]').text_content()
        open_document(page, site, record)
        shot(page, "bug3-missing-page")
        notice = page.locator("#doc-reasons")
        rows = {
            name: (
                page.locator(f'.field[data-field="{name}"]').get_attribute("class"),
                page.locator(f'.field[data-field="{name}"] .conf').text_content(),
            )
            for name in RECORD_PAGE_2
        }

        assert "page 2 not sent" in in_queue
        assert notice.is_visible() and "page 2 of 2 was not sent" in notice.text_content()
        for name, (classes, conf) in rows.items():
            assert "unsent" in classes.split(), name
            assert not {"conf-high", "conf-mid", "conf-low"} & set(classes.split()), name
            assert conf == "not on the pages sent", name


# ---------------------------------------------------------------- bug 4
def test_second_tab_submitting_a_document_already_reviewed_is_offered_the_reload(
    browser: Any,
):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        first, second = context.new_page(), context.new_page()
        try:
            open_document(first, site, record)
            open_document(second, site, record)
            fill_flagged_and_submit(first)
            first.wait_for_selector("#queue-view:not([hidden])")

            fill_flagged_and_submit(second)
            second.wait_for_selector("#reload")
            offered = second.locator("#message").text_content()
            focused = second.evaluate("() => document.activeElement.id")
            second.keyboard.press("Enter")
            second.wait_for_selector('#doc-state[data-status="REVIEWED"]')
        finally:
            context.close()

        assert "version 2, not 1" in offered
        assert focused == "reload"


# ---------------------------------------------------------------- bug 5
def stage_holds(page: Any, name: str) -> bool:
    stage = page.locator("#stage").bounding_box()
    box = page.locator(f'.box[data-field="{name}"]').bounding_box()
    return (
        stage["x"] <= box["x"]
        and box["x"] + box["width"] <= stage["x"] + stage["width"]
        and stage["y"] <= box["y"]
        and box["y"] + box["height"] <= stage["y"] + stage["height"]
    )


def test_zoom_keys_in_a_field_zoom_around_its_box_and_type_nothing(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site, record)
        page.focus("#f-patient_address")
        before = page.input_value("#f-patient_address")
        width = page.locator("#page").bounding_box()["width"]

        for _ in range(3):
            page.keyboard.press("Alt+Equal")
        shot(page, "bug5-zoomed-in-a-field")

        assert page.input_value("#f-patient_address") == before
        assert page.locator("#page").bounding_box()["width"] >= 1.9 * width
        assert stage_holds(page, "patient_address")


def test_zoom_buttons_keep_the_active_flagged_box_in_view(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site, record)
        page.focus("#f-refills")

        for _ in range(3):
            page.click("#zoom-in")

        assert stage_holds(page, "refills")


# ---------------------------------------------------------------- bug 6
def test_submit_moves_to_the_next_document_and_says_nothing_was_changed(page: Any):
    with review_site(lambda env: seed(env, 2)) as site:
        first, second = site.by_status("NEEDS_REVIEW")
        open_document(page, site, first)

        fill_flagged_and_submit(page)
        page.wait_for_function(f"() => location.hash.endsWith('{second}')")
        wait_for_document(page)
        said = page.locator("#message").text_content()

        assert "nothing changed" in said and "corrected record" not in said
        assert site.service.table.get(first)["status"] == "REVIEWED"


def test_reviewed_field_loses_its_red_confidence_bar(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site, record)
        fill_flagged_and_submit(page)
        page.wait_for_selector("#queue-view:not([hidden])")

        open_document(page, site, record)
        classes = page.locator('.field[data-field="refills"]').get_attribute("class").split()

        assert "conf-low" not in classes and "reviewed" in classes


def test_last_document_submitted_lands_on_an_empty_queue_that_says_so(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site, record)

        fill_flagged_and_submit(page)
        page.wait_for_selector("#queue-view:not([hidden])")
        page.wait_for_function("() => document.querySelector('#message').textContent")
        shot(page, "bug6-queue-empty")

        assert "queue is empty" in page.locator("#message").text_content()
        assert page.locator(f'#queue tbody tr[data-id="{record}"]').count() == 0


def test_next_on_the_last_document_stays_and_says_it_is_the_last(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (record,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site, record)

        page.keyboard.press("Alt+n")
        page.wait_for_function("() => document.querySelector('#message').textContent")

        assert current_id(page) == record
        assert "this is the last one" in page.locator("#message").text_content()
        assert site.service.table.get(record)["claim_holder"] == "dev-reviewer"
