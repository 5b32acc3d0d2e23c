"""An admin brings the coalition's old meeting log in through Settings → Import in a real browser,
and the imported report is there on the candidate's profile."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from lib.store.sql import SqlStore
from lib.text import WORD_JOINER
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app, wait_for_drawing

pytestmark = pytest.mark.browser

CANDIDATE = "Linda Kowalczyk"


def meeting_log(day: str, notes: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["Riverton meetings, kept by hand"],
            ["Meeting date", "Candidate", "Notes", "Confidential?"],
            [day, CANDIDATE, notes, "No"],
            ["someday", "Tom Whitaker", "Not dated", "No"],
        ]
    )
    return out.getvalue().encode()


def test_a_meeting_log_uploaded_on_the_import_page_shows_on_the_candidates_profile(
    sample_app: AppServer, page: Page
) -> None:
    day = (date.today() - timedelta(days=4)).isoformat()
    notes = f"Backs the nurse staffing bill, wants the cost study ({uuid.uuid4().hex[:6]})"
    page.goto(f"{sample_app.url}/import")
    wait_for_app(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Spreadsheet (CSV or XLSX)")
    uploader.locator("input[type=file]").set_input_files(
        files=[
            {"name": "old meetings.csv", "mimeType": "text/csv", "buffer": meeting_log(day, notes)}
        ]
    )
    wait_for_app(page)
    go = page.get_by_role("button", name="Import 1 row")
    expect(go).to_be_visible(timeout=30_000)
    expect(page.get_by_text("The header was found on row 2")).to_be_visible()
    wait_for_drawing(page)
    page.screenshot(path=OUTPUT / "import-preview.png", full_page=True)
    expect_accessible(page)

    go.scroll_into_view_if_needed()
    go.click()
    wait_for_app(page)
    expect(page.get_by_text("Imported 1 row")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Nothing new to import")).to_be_visible()

    store = SqlStore(sample_app.database_url)
    interactions = store.read("interactions")
    [report] = interactions[interactions["takeaways"] == notes].to_dict("records")
    candidates = store.read("candidates").set_index("id")
    assert candidates.loc[report["candidate_id"], "name"] == CANDIDATE
    assert report["visibility"] == "coalition"

    page.goto(f"{sample_app.url}/candidates?candidate={report['candidate_id']}")
    wait_for_drawing(page)
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(CANDIDATE)
    imported = page.get_by_test_id("stExpander").filter(has_text=f"{day} · Other · Coalition")
    expect(imported).to_have_count(1)
    imported.locator("summary").click()
    details = imported.get_by_test_id("stExpanderDetails")
    expect(details).to_be_visible()
    assert notes in details.inner_text().replace(WORD_JOINER, "")
    imported.scroll_into_view_if_needed()
    page.screenshot(path=OUTPUT / "import-on-the-profile.png")
