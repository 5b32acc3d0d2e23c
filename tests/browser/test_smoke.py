"""Every page loads in a real browser without a Streamlit exception, and the sidebar is right."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import OUTPUT, AppServer, start_app, wait_for_app, wait_for_drawing

pytestmark = pytest.mark.browser

NAVIGATION = [
    "Overview",
    "Report",
    "Candidates",
    "Commitments",
    "Meeting",
    "Questionnaires",
    "My follow-ups",
    "Settings: Coalition",
    "Settings: Lists",
    "Settings: Members",
    "Settings: Data and sheet",
    "Settings: Import",
    "Settings: Goals and framing",
]
PAGES = {
    "": "Coalition Tracker",
    "report": "Report a candidate interaction",
    "candidates": "Candidates",
    "commitments": "Commitments",
    "meeting": "Coalition meeting",
    "questionnaires": "Questionnaires",
    "mine": "My follow-ups",
    "settings": "Coalition",
    "lists": "Lists",
    "members": "Members",
    "data": "Data and sheet",
    "import": "Import",
    "goals": "Goals and framing",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_loads_without_an_exception(sample_app: AppServer, page: Page, path: str) -> None:
    page.goto(f"{sample_app.url}/{path}")
    wait_for_app(page)
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == PAGES[path]
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Local database" in page.locator("[data-testid='stSidebar']").inner_text()
    wait_for_drawing(page)  # every chart and table draws, and the screenshot shows them
    page.screenshot(path=OUTPUT / f"smoke-{path or 'overview'}.png", full_page=True)


def sidebar_labels(page: Page) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] a")
    # The visible label is the last line; the material icon's name comes first.
    return [
        links.nth(index).inner_text().strip().splitlines()[-1] for index in range(links.count())
    ]


def test_the_sidebar_lists_each_page_once(sample_app: AppServer, page: Page) -> None:
    page.goto(sample_app.url)
    wait_for_app(page)
    assert sidebar_labels(page) == list(NAVIGATION)
    # One list of links and nothing else in it: a heading inside the list would break it for
    # screen readers.
    assert page.get_by_test_id("stNavSectionHeader").count() == 0
    assert page.locator("[data-testid='stSidebarNavItems'] > :not(li)").count() == 0


def test_a_fresh_servers_first_request_for_a_page_gets_the_apps_own_frame(
    tmp_path: Path, page: Page
) -> None:
    """Bookmarks after a restart: /commitments must still come with app.py's sidebar."""
    process, url = start_app(f"sqlite:///{tmp_path / 'tracker.db'}", OUTPUT / "streamlit-fresh.log")
    try:
        page.goto(f"{url}/commitments")
        wait_for_app(page)
        assert page.locator("[data-testid='stMain'] h1").first.inner_text() == "Commitments"
        assert "Data source" in page.locator("[data-testid='stSidebar']").inner_text()
        assert sidebar_labels(page) == list(NAVIGATION)
    finally:
        process.terminate()
        process.wait(timeout=20)
