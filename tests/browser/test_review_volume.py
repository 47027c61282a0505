"""What a reviewer at volume uses besides the review loop, each with the keyboard: tab
counts, who holds what, filters and the id search, an alternative taken with one key,
a failed document handled, a reviewed one reopened, the history without its noise."""

from __future__ import annotations

from typing import Any

import pytest
from medextract.review.models import Reviewer

from tests.browser.support import review_site, wait_for_document
from tests.functional.review_support import SUGGESTED, seed

pytestmark = pytest.mark.browser
BOB = Reviewer(subject="sub-bob", name="bob", groups=["reviewer"])


def open_document(page: Any, url: str, document_id: str) -> None:
    page.goto(f"{url}/#/doc/{document_id}")
    page.wait_for_function(f"() => location.hash.endsWith('{document_id}')")
    wait_for_document(page)


def rows(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("#queue tbody tr", "rs => rs.map(r => r.dataset.id)"))


def test_queue_counts_each_tab_and_says_who_holds_a_document_since_when(page: Any):
    with review_site(lambda env: seed(env, 2, failed=1)) as site:
        held, free = site.by_status("NEEDS_REVIEW")
        site.service.claim(BOB, held)

        page.goto(f"{site.url}/")
        page.wait_for_selector("#queue tbody tr")
        page.wait_for_function("() => document.querySelector('#tabs .count').textContent")
        counts = page.eval_on_selector_all(
            "#tabs a",
            "as => as.map(a => [a.dataset.status, a.querySelector('.count').textContent])",
        )
        holder = page.locator(f'#queue tr[data-id="{held}"] td').nth(7).text_content()
        deadline = page.locator("#deadline").text_content()

        assert dict(counts) == {
            "NEEDS_REVIEW": "2",
            "FAILED": "1",
            "REVIEWED": "0",
            "EXTRACTED": "0",
            "AUDIT": "0",
        }
        assert rows(page) == [held, free]
        assert holder.startswith("held by bob since ")
        assert deadline.startswith("oldest waiting ") and deadline.endswith(" of 24 h")


def test_queue_filter_by_source_and_the_id_search_open_by_keyboard(page: Any):
    with review_site(lambda env: seed(env, 2, half=1)) as site:
        record = next(i["document_id"] for i in site.env.items() if "record-" in i["source_key"])
        page.goto(f"{site.url}/")
        page.wait_for_selector("#queue tbody tr")

        page.focus("#filter-source")
        page.keyboard.type("clinic/record-")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 1")
        filtered = rows(page)
        page.keyboard.press("Escape")  # out of the filter
        page.keyboard.press("/")
        page.keyboard.type(record)
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => location.hash.endsWith('{record}')")

        assert filtered == [record]


def test_alt_1_takes_the_suggestion_and_the_submit_records_it(page: Any):
    with review_site(lambda env: seed(env, 0, suggest=1)) as site:
        (doc,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site.url, doc)
        shown = page.input_value("#f-directions")

        page.keyboard.press("Alt+1")  # the focus is on directions, the first flagged field
        taken = page.input_value("#f-directions")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # refills: accepted as read
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#queue-view:not([hidden])")

        assert shown == SUGGESTED[0] and taken == SUGGESTED[1]
        item = site.service.table.get(doc)
        assert item["fields"]["directions"]["value"] == SUGGESTED[1]
        assert item["fields"]["directions"]["review"]["changed"] is True


def test_failed_document_marked_handled_by_keyboard_leaves_the_failed_tab(page: Any):
    with review_site(lambda env: seed(env, 0, failed=1)) as site:
        (failed,) = site.by_status("FAILED")
        page.goto(f"{site.url}/#/doc/{failed}")
        page.wait_for_selector("#failure:not([hidden])")
        what_to_do = page.locator("#failure").text_content()
        focused = page.evaluate("() => document.activeElement.id")

        page.keyboard.press("Enter")
        page.wait_for_selector("#handled", state="hidden")
        page.keyboard.press("Alt+q")
        page.wait_for_selector("#queue-view:not([hidden])")
        page.wait_for_function("() => document.querySelector('#message').textContent")

        assert "clinic/locked-0.pdf" in what_to_do and "unlocked copy" in what_to_do
        assert focused == "handled"
        assert rows(page) == []
        assert site.service.table.get(failed)["handled_by"] == "dev-reviewer"


def test_reviewed_document_reopened_is_back_in_review_and_held_by_me(page: Any):
    with review_site(lambda env: seed(env, 1)) as site:
        (doc,) = site.by_status("NEEDS_REVIEW")
        open_document(page, site.url, doc)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#queue-view:not([hidden])")
        open_document(page, site.url, doc)

        page.focus("#reopen")
        page.keyboard.press("Enter")
        page.wait_for_selector('#doc-state[data-status="NEEDS_REVIEW"]')
        # the history is read after the document is drawn: wait for it, not race it
        page.wait_for_selector('#history li[data-action="REOPENED"]', state="attached")
        submit_disabled = page.locator("#submit").is_disabled()
        page.locator("#history-box summary").focus()
        page.keyboard.press("Enter")
        decisions = page.eval_on_selector_all(
            "#history li", "ls => ls.filter(l => l.offsetParent).map(l => l.dataset.action)"
        )
        page.check("#show-claims")
        everything = page.eval_on_selector_all(
            "#history li", "ls => ls.filter(l => l.offsetParent).map(l => l.dataset.action)"
        )

        item = site.service.table.get(doc)
        assert item["status"] == "NEEDS_REVIEW" and item["version"] == 3
        assert item["claim_holder"] == "dev-reviewer"
        assert submit_disabled  # its flagged fields are to be checked again
        assert decisions == ["REVIEWED", "REOPENED"]
        assert everything[0] == "CLAIMED" and set(everything) >= {"CLAIMED", "REVIEWED"}
