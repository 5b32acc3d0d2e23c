"""My follow-ups in a real browser: a member's open follow-ups, a status set in a click, and the
commitment leaving the list once kept; the page passes axe-core's WCAG A and AA checks."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lib import owners
from lib.my_followups.items import items_for
from lib.store.sql import SqlStore
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app
from tests.browser.test_journeys import choose

pytestmark = pytest.mark.browser
JORDAN = "jordan.ellison@example.org"


def open_count(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Open follow-ups")
    return metric.get_by_test_id("stMetricValue").inner_text()


def test_a_status_set_on_my_follow_ups_is_saved_and_the_commitment_moves_off(
    sample_app: AppServer, page: Page
) -> None:
    store = SqlStore(sample_app.database_url)
    tables = store.read_all()
    everyone = owners.people(tables["members"], tables["partners"])
    jordan = owners.with_email(JORDAN, everyone)
    owed = items_for(tables, jordan, everyone, date.today())
    commitment = owed[owed["kind"] == "commitment"].iloc[0]

    page.goto(f"{sample_app.url}/mine")
    wait_for_app(page)
    # Sign-in is off on this server: nobody is "me", so the page asks whose to show.
    expect(
        page.get_by_text("Choose a person to see every open follow-up they own.")
    ).to_be_visible()
    expect_accessible(page)
    choose(page, "Whose follow-ups?", "Jordan Ellison")
    expect(page.get_by_text(commitment["what"])).to_be_visible()
    assert open_count(page) == str(len(owed))
    expect_accessible(page)
    page.screenshot(path=OUTPUT / "mine-listed.png", full_page=True)

    form = page.get_by_test_id("stForm").filter(
        has=page.locator(f".st-key-mine-status-{commitment['id']}")
    )
    form.scroll_into_view_if_needed()
    form.get_by_test_id("stSelectbox").click()
    page.keyboard.type("Promise kept")
    page.get_by_role("option", name=re.compile("Promise kept")).first.click()
    note = "Voted yes on the first reading; minutes posted"
    form.get_by_label("Note (optional)").fill(note)
    form.get_by_role("button", name="Save the status").click()
    wait_for_app(page)

    expect(page.get_by_text(re.compile(r"is now Promise kept"))).to_be_visible()
    expect(page.locator(f".st-key-mine-status-{commitment['id']}")).to_have_count(0)
    assert open_count(page) == str(len(owed) - 1)
    expect_accessible(page)
    page.screenshot(path=OUTPUT / "mine-saved.png", full_page=True)

    store.clear_cache()
    updates = store.read("updates")
    written = updates[updates["note"] == note]
    assert list(written["commitment_id"]) == [commitment["id"]]
    assert list(written["status"]) == ["kept"]
    stored = store.read("commitments").set_index("id").loc[commitment["id"]]
    assert stored["status"] == "kept"
    store.engine.dispose()
