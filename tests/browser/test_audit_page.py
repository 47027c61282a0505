"""The audit queue and the quality page in a real browser (chromium, local server on
moto, ``AuditRate=1.0``): two delivered documents audited with the keyboard, one
confirmed and one corrected, then the quality page's counts, table and plots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import Site, review_site, shot, wait_for_document
from tests.functional.audit_support import AS_READ, run

pytestmark = pytest.mark.browser  # `make test` installs chromium (make browser-deps)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    def seeder(env: Any) -> list[str]:
        return run(env, good=2, flagged=1)["EXTRACTED"]

    with review_site(seeder, "medextract-audit-ui", {"AuditRate": 1.0}) as site:
        yield site


def accept_every_field(page: Any, corrections: dict[str, str]) -> None:
    """Each field in turn: corrected if asked, then accepted with Enter."""
    for name in page.eval_on_selector_all(".field", "rows => rows.map(r => r.dataset.field)"):
        page.focus(f"#f-{name}")
        if name in corrections:
            page.keyboard.press("Control+A")
            page.keyboard.type(corrections[name])
        page.keyboard.press("Enter")


def test_audit_confirm_and_correction_end_in_the_quality_page_s_counts(page: Any, site: Site):
    page.goto(f"{site.url}/#/?status=AUDIT")
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 2")
    listed = page.eval_on_selector_all("#queue tbody tr", "rows => rows.map(r => r.dataset.id)")
    page.locator("#queue tbody tr").first.get_by_role("link", name="open").click()
    wait_for_document(page)
    shot(page, "audit-1-blind")
    first = page.evaluate("() => location.hash.split('/').pop()")
    rows = page.locator(".field")
    marks = page.eval_on_selector_all(".field .conf", "spans => spans.map(s => s.textContent)")
    coloured = page.locator(".field.conf-high, .field.conf-mid, .field.conf-low, .field.flagged")
    reasons = page.locator(".field .reasons").count()
    blocked = page.locator("#submit").is_disabled()

    accept_every_field(page, {})
    page.keyboard.press("Control+Enter")  # a confirm, then the next audit
    page.wait_for_function(f"() => !location.hash.endsWith('{first}')")
    wait_for_document(page)
    confirmed = page.locator("#message").text_content()
    second = page.evaluate("() => location.hash.split('/').pop()")
    accept_every_field(page, {"refills": "2"})
    page.keyboard.press("Control+Enter")  # a correction: the audit queue is then empty
    page.wait_for_selector("#queue-view:not([hidden])")
    emptied = page.locator("#message").text_content()

    page.goto(f"{site.url}/#/quality")
    page.wait_for_selector('#quality-summary[data-audited="2"]')
    shot(page, "audit-2-quality")
    summary = page.locator("#quality-summary")
    refills = page.locator('.quality-form[data-form="prescription"] tr[data-field="refills"] td')
    name = page.locator('.quality-form[data-form="prescription"] tr[data-field="patient_name"] td')
    dot = page.locator('.quality-plot circle[data-field="refills"]')

    assert sorted(listed) == sorted(site.ids) and {first, second} == set(site.ids)
    assert rows.count() == len(AS_READ) and coloured.count() == 0 and reasons == 0
    assert set(marks) == {"check"}  # no confidence shown on an audit
    assert blocked  # every field must be checked first
    assert "every field confirmed as read" in confirmed
    assert "1 field corrected" in emptied and "nothing left to review" in emptied
    assert summary.get_attribute("data-silent") == "1"
    assert refills.nth(1).text_content() == "2" and refills.nth(2).text_content() == "1"
    assert refills.nth(3).text_content() == "50.0 %"
    assert name.nth(1).text_content() == "2" and name.nth(2).text_content() == "0"
    assert float(dot.get_attribute("data-rate")) == 0.5
    assert 0.5 < float(dot.get_attribute("data-high")) < 1
    assert page.locator(".week-plot").count() == len(AS_READ)
    assert site.errors.messages == []
    items = {i["document_id"]: i for i in site.env.items()}
    assert items[second]["fields"]["refills"]["value"] == 2
    assert {items[d]["status"] for d in (first, second)} == {"REVIEWED"}
