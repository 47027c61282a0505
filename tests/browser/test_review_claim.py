"""A claim's service lines on the review page, in Debian's chromium: a grid of lines and
columns, the flagged cell highlighted and focused first, fixed with the keyboard alone
and stored typed; a missed line added and a misread one removed with their keys; a bad
cell refused under itself; the claim's sections as its form file prints them.
Screenshots go to ``out/review/``."""

from __future__ import annotations

from typing import Any

import pytest
from medextract.review.store import plain

from tests.browser.support import Site, review_site, shot, wait_for_document
from tests.claim_support import COLUMNS, FIXED_CHARGE, LINES
from tests.functional.review_support import seed_claims

pytestmark = pytest.mark.browser

FLAGGED = "service_lines[1].charges"
POINTER = (
    "window.__pointer = 0; for (const t of ['pointerdown', 'mousedown', 'click'])"
    " addEventListener(t, (e) => { if (e.isTrusted) window.__pointer++; }, true);"
)


def stored(site: Site, document_id: str) -> dict[str, Any]:
    (item,) = [i for i in site.env.items() if i["document_id"] == document_id]
    return plain(item)


def open_claim(page: Any, site: Site, document_id: str) -> None:
    page.goto(f"{site.url}/#/doc/{document_id}")
    wait_for_document(page)
    page.wait_for_selector(".grid tbody tr")


def focused(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def saved(page: Any) -> None:
    page.wait_for_function("() => document.querySelector('#message').textContent.includes('Saved')")


def test_the_grid_shows_every_line_and_column_with_the_flagged_cell_first(page: Any):
    with review_site(lambda env: seed_claims(env, 1)) as site:
        (doc,) = site.ids
        page.goto(f"{site.url}/")
        page.wait_for_selector("#queue tbody tr")
        queue_flagged = page.locator("#queue tbody tr td").nth(4).text_content()
        open_claim(page, site, doc)
        shot(page, "claim-grid")

        lines = page.locator(".grid tbody tr").count()
        headers = page.locator(".grid thead th").all_text_contents()
        flagged = page.locator(".grid td.flagged").evaluate_all(
            "(e) => e.map((c) => c.dataset.field)"
        )
        first = focused(page)
        box_flagged = page.locator(f'.box[data-field="{FLAGGED}"]').get_attribute("class")
        boxes = page.locator(".box").count()
        sections = page.locator("#fields h3").all_text_contents()
        table_section = page.evaluate(
            "() => { let e = document.querySelector('.table-field');"
            " while (e && e.tagName !== 'H3') e = e.previousElementSibling;"
            " return e && e.textContent; }"
        )
        keys_help = page.locator("#keys").text_content()

    assert queue_flagged == "service_lines (1 cell)"
    assert lines == len(LINES)
    assert [h for h in headers if h not in ("#", "")] == [c.replace("_", " ") for c in COLUMNS]
    assert flagged == [FLAGGED]  # the one flagged cell, and no other
    assert first == f"f-{FLAGGED}"  # opened on it
    assert "flagged" in box_flagged
    assert boxes == len(LINES) * len(COLUMNS) + 2  # each cell's box, and the two fields'
    assert sections == ["Patient and insured", "Physician or supplier"]
    assert table_section == "Physician or supplier"
    assert "Alt+L" in keys_help and "Alt+Delete" in keys_help


def test_a_flagged_cell_fixed_with_the_keyboard_is_stored_typed(page: Any):
    with review_site(lambda env: seed_claims(env, 2)) as site:
        doc = site.ids[0]
        page.add_init_script(POINTER)
        open_claim(page, site, doc)

        page.keyboard.press("Control+A")
        page.keyboard.type("$80 00")
        page.keyboard.press("Enter")  # the cell accepted: no flagged cell left, to submit
        after_enter = focused(page)
        page.keyboard.press("Control+Enter")
        saved(page)
        item = stored(site, doc)
        pointer = page.evaluate("() => window.__pointer")

    table = item["fields"]["service_lines"]
    assert after_enter == "submit"
    assert item["status"] == "REVIEWED"
    assert table["rows"][1]["charges"]["value"] == FIXED_CHARGE  # typed by the column
    assert table["value"][1]["charges"] == FIXED_CHARGE
    assert table["rows"][1]["charges"]["review"]["extracted_value"] == "8O 0O"
    assert table["rows"][2]["units"]["value"] == 2  # an int still: sent as text, typed back
    assert pointer == 0


def test_a_missed_line_is_added_and_a_misread_one_removed_with_their_keys(page: Any):
    with review_site(lambda env: seed_claims(env, 1)) as site:
        (doc,) = site.ids
        open_claim(page, site, doc)

        page.keyboard.press("Control+A")
        page.keyboard.type(FIXED_CHARGE)
        page.keyboard.press("Alt+L")  # a line after line 2, its first cell focused
        added_focus = focused(page)
        for value in ("01 16 26", "01 16 26", "11", "99214", "", "A", "90.00", "1", "1234567893"):
            page.keyboard.type(value)
            page.keyboard.press("Tab")
        page.locator('[id="f-service_lines[2].date_from"]').focus()  # line 4, as read line 3
        page.keyboard.press("Alt+Delete")
        lines_shown = page.locator(".grid tbody tr").count()
        shot(page, "claim-line-added")
        page.keyboard.press("Control+Enter")
        saved(page)
        item = stored(site, doc)

    table = item["fields"]["service_lines"]
    assert added_focus == "f-service_lines[+0].date_from"
    assert lines_shown == 3
    assert [r["procedure_code"] for r in table["value"]] == ["99213", "85025", "99214"]
    added = table["rows"][2]
    assert added["charges"]["value"] == "90.00" and added["date_from"]["iso"] == "2026-01-16"
    assert added["units"]["value"] == 1 and added["modifiers"]["value"] == []
    assert added["charges"]["confidence"] == 0 and added["charges"]["review_reasons"] == ["MISSING"]
    assert len(table["review"]["extracted_value"]) == 3  # the three lines as read, kept


def test_a_bad_cell_is_refused_under_itself(page: Any):
    with review_site(lambda env: seed_claims(env, 1)) as site:
        (doc,) = site.ids
        open_claim(page, site, doc)

        page.keyboard.press("Control+A")
        page.keyboard.type("eighty")
        page.keyboard.press("Enter")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(".grid td.refused")
        refused = page.locator(".grid td.refused").get_attribute("data-field")
        note = page.locator(".table-notes .error").text_content()
        refocused = focused(page)
        shot(page, "claim-cell-refused")
        item = stored(site, doc)

    assert refused == FLAGGED and refocused == f"f-{FLAGGED}"
    assert "line 2" in note and "charges" in note and "dollars and cents" in note
    assert item["status"] == "NEEDS_REVIEW"  # nothing saved


def test_a_reopened_claim_asks_for_its_flagged_cell_again(page: Any):
    with review_site(lambda env: seed_claims(env, 1)) as site:
        (doc,) = site.ids
        open_claim(page, site, doc)
        page.keyboard.press("Control+A")
        page.keyboard.type(FIXED_CHARGE)
        page.keyboard.press("Enter")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#queue-view:not([hidden])")
        open_claim(page, site, doc)
        page.focus("#reopen")
        page.keyboard.press("Enter")
        page.wait_for_selector('#doc-state[data-status="NEEDS_REVIEW"]')
        first = focused(page)
        blocked = page.locator("#submit").is_disabled()
        page.keyboard.press("Enter")  # confirmed as it stands
        page.keyboard.press("Control+Enter")
        saved(page)
        item = stored(site, doc)

    assert first == f"f-{FLAGGED}" and blocked
    assert item["status"] == "REVIEWED" and item["version"] == 4
    assert item["fields"]["service_lines"]["rows"][1]["charges"]["value"] == FIXED_CHARGE
