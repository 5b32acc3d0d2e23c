"""An advocate prepares a meeting in a real browser: from the candidate's profile to the
briefing, then plans the meeting and lands on the report form, filled in for afterwards."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lib.store.sql import SqlStore
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app
from tests.browser.test_journeys import press, type_into

pytestmark = pytest.mark.browser
OBJECTIVES = "Ask her to co-sponsor the right-to-counsel ordinance; bring the pilot data."


def test_an_advocate_reads_the_briefing_and_plans_the_meeting(
    sample_app: AppServer, page: Page
) -> None:
    candidates = SqlStore(sample_app.database_url).read("candidates")
    candidate_id = candidates[candidates["name"] == "Inés Márquez"]["id"].iloc[0]
    page.goto(f"{sample_app.url}/candidates?candidate={candidate_id}")
    wait_for_app(page)
    page.get_by_role("link", name="Briefing before a meeting").click()
    expect(page.locator("[data-testid='stMain'] h1")).to_have_text("Briefing: Inés Márquez")
    wait_for_app(page)
    assert "view=brief" in page.url
    for heading in ("Where they stand on our issues", "Open commitments", "Suggested framing"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("button", name="Download briefing (PDF)")).to_be_visible()
    page.screenshot(path=OUTPUT / "briefing-desk.png", full_page=True)
    expect_accessible(page)

    type_into(page.get_by_label("Objectives for the meeting"), OBJECTIVES)
    press(page, "Plan this meeting")
    expect(page.locator("[data-testid='stMain'] h1")).to_have_text("Report a candidate interaction")
    wait_for_app(page)
    assert re.search(r"[?&]draft=int-\w+", page.url)
    expect(page.get_by_label("Our objectives for the meeting")).to_have_value(OBJECTIVES)
    today = date.today()
    for part, value in (("year", today.year), ("month", today.month), ("day", today.day)):
        field = page.get_by_role("spinbutton", name=f"{part}, Date of the meeting")
        expect(field).to_have_attribute("aria-valuenow", str(value))
    expect(page.get_by_role("combobox", name="Candidate", exact=True)).to_have_value(
        re.compile("^Inés Márquez")
    )
    page.screenshot(path=OUTPUT / "briefing-planned-report.png")

    planned = SqlStore(sample_app.database_url).read("planned_meetings")
    assert (planned["objectives"] == OBJECTIVES).sum() == 1
