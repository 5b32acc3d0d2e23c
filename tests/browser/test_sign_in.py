"""The real sign-in flow: Streamlit's OIDC login against a local OpenID provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from lib.store.sql import SqlStore
from tests.browser.conftest import OUTPUT, sign_in, signed_server, wait_for_app
from tests.browser.test_journeys import choose, press, type_into

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_app(tmp_path: Path) -> Iterator[tuple[str, SqlStore]]:
    """The app with sign-in on, against a mock OpenID provider; yields its URL and its store."""
    with signed_server(tmp_path, "sign-in") as served:
        yield served


def test_a_viewer_sees_no_restricted_record_and_staff_update_a_commitment(
    browser: Browser, signed_app: tuple[str, SqlStore]
) -> None:
    url, store = signed_app
    members = store.read("members")
    viewer = members[members["role"] == "viewer"].iloc[0]["email"]
    staff = members[members["role"] == "staff"].iloc[0]["email"]
    commitments = store.read("commitments")
    restricted = commitments[commitments["visibility"] == "restricted"]

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    sign_in(page, url, viewer)
    expect(page.get_by_text("(viewer)")).to_be_visible()
    page.goto(f"{url}/commitments")
    wait_for_app(page)
    rows = page.locator("[data-testid='stDataFrame'] [role=row]")
    rows.first.wait_for(state="attached")
    table = " ".join(rows.nth(index).text_content() for index in range(rows.count()))
    assert not [text for text in restricted["text"] if text[:40] in table]
    page.screenshot(path=OUTPUT / "sign-in-viewer.png")
    context.close()

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    sign_in(page, url, staff)
    expect(page.get_by_text("(staff)")).to_be_visible()
    target = restricted.iloc[0]
    page.goto(f"{url}/commitments?candidate={target['candidate_id']}&visibility=restricted")
    wait_for_app(page)
    rows = page.locator("[data-testid='stDataFrame'] [role=row]")
    expect(rows.filter(has_text=target["text"][:40])).to_have_count(1)
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    wait_for_app(page)
    choose(page, "New status", "Stalled")
    type_into(page.get_by_label("Note"), "No reply since the budget hearing")
    press(page, "Save the update")
    expect(page.get_by_text("Saved the update to")).to_be_visible()
    page.screenshot(path=OUTPUT / "sign-in-staff-updated.png")
    store.clear_cache()
    updates = store.read("updates")
    saved = updates[updates["note"] == "No reply since the budget hearing"]
    assert list(saved["created_by"]) == [staff]
    context.close()
