"""Settings in a real browser: staff add an issue and a partner organisation in the lists, and the
report form offers them at once; each settings page, reached from the sidebar, shows its
controls."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lib.store.sql import SqlStore
from tests.browser.conftest import OUTPUT, AppServer, sample_server, wait_for_app

pytestmark = pytest.mark.browser
ROW_HEIGHT = 35  # Streamlit's data editor: header and rows


@pytest.fixture(scope="module")
def settings_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app on its own copy of the sample coalition, so other journeys see none of this."""
    with sample_server(tmp_path_factory.mktemp("settings"), "settings") as server:
        yield server


def add_row(page: Page, panel: Locator, rows: int, name: str) -> None:
    """Type a name into the table's empty last row, which adds a row, as a person does."""
    grid = panel.get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    cell_editor = page.locator("textarea.gdg-input")  # the grid's editor for the chosen cell
    for _ in range(3):  # the grid is a canvas: until it has drawn itself, a click lands nowhere
        grid.hover()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 60, box["y"] + ROW_HEIGHT * (rows + 1) + ROW_HEIGHT // 2)
        try:
            cell_editor.wait_for(state="visible", timeout=2_000)
            break
        except PlaywrightTimeoutError:
            wait_for_app(page)
    page.wait_for_timeout(500)  # as long as a person takes to start typing
    cell_editor.type(name, delay=20)
    expect(cell_editor).to_have_value(name)
    page.keyboard.press("Enter")
    # Once the app has the edit, it offers to discard it.
    expect(panel.get_by_role("button", name="Discard my changes")).to_be_visible()
    wait_for_app(page)


def open_tab(page: Page, name: str) -> Locator:
    page.get_by_role("tab", name=name).click()
    panel = page.get_by_role("tabpanel", name=name)
    expect(panel.get_by_test_id("stDataFrame")).to_be_visible()
    return panel


def offered(page: Page, label: str, typed: str, widget: str) -> Locator:
    """Open a select box or multiselect, type, and return the options it offers."""
    box = page.get_by_test_id(widget).filter(has_text=label).first
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.type(typed)
    return page.get_by_role("option")


def close_dropdown(page: Page) -> None:
    """Close an open select box by clicking beside it, as a person does."""
    page.mouse.click(1300, 60)
    expect(page.get_by_role("listbox")).to_have_count(0)
    wait_for_app(page)


def test_an_issue_and_a_partner_added_in_settings_are_offered_in_the_report_form(
    settings_app: AppServer, page: Page
) -> None:
    store = SqlStore(settings_app.database_url)
    active_issues = int(store.read("issues")["active"].sum())
    active_partners = int(store.read("partners")["active"].sum())

    page.goto(f"{settings_app.url}/lists")
    wait_for_app(page)
    issues = open_tab(page, "Issues")
    add_row(page, issues, active_issues, "Safe streets for cyclists")
    issues.get_by_role("button", name="Save the issues").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: added 1 issue.")).to_be_visible()

    partners = open_tab(page, "Partners")
    add_row(page, partners, active_partners, "Riverton Cyclists Union")
    partners.get_by_role("button", name="Save the partner organisations").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: added 1 partner organisation.")).to_be_visible()
    page.screenshot(path=OUTPUT / "settings-partner-added.png")

    store.clear_cache()
    assert "Safe streets for cyclists" in set(store.read("issues")["name"])
    assert "Riverton Cyclists Union" in set(store.read("partners")["name"])

    page.goto(f"{settings_app.url}/report")
    wait_for_app(page)
    partners_offered = offered(page, "Partner organisations present", "Cyclists", "stMultiSelect")
    expect(partners_offered.filter(has_text="Riverton Cyclists Union")).to_have_count(1)
    close_dropdown(page)
    add = page.get_by_role("button", name="Add a commitment")
    add.scroll_into_view_if_needed()
    add.click()
    wait_for_app(page)
    issues_offered = offered(page, "Issue", "Safe streets", "stSelectbox")
    expect(issues_offered.filter(has_text=re.compile("^Safe streets for cyclists$"))).to_have_count(
        1
    )
    page.screenshot(path=OUTPUT / "settings-issue-offered-in-report.png")
    close_dropdown(page)


# Each settings page as the sidebar names it, and the controls of each of its tabs (None: no tabs).
SETTINGS_CONTROLS = {
    "Coalition": {None: "Save the coalition's settings"},
    "Lists": {
        "Issues": "Save the issues",
        "Partners": "Save the partner organisations",
        "Candidates": "Save the candidates",
    },
    "Members": {None: "Save members"},
    "Data and sheet": {"Google Sheet": "Test connection", "Backup": "Download the backup"},
}


def test_every_settings_page_shows_its_controls_on_a_wide_screen(
    settings_app: AppServer, page: Page
) -> None:
    page.goto(f"{settings_app.url}/settings")
    wait_for_app(page)
    for title, tabs in SETTINGS_CONTROLS.items():
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=f"Settings: {title}").click()
        wait_for_app(page)
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(title)
        if title == "Data and sheet":
            healthy = page.get_by_text("Everything in the data source reads as expected.")
            expect(healthy).to_be_visible()
        for tab, control in tabs.items():
            where: Page | Locator = page
            if tab is not None:
                page.get_by_role("tab", name=tab).click()
                where = page.get_by_role("tabpanel", name=tab)
            expect(where.get_by_role("button", name=control)).to_be_visible()
            shot = f"settings-{title}-{tab}" if tab else f"settings-{title}"
            page.screenshot(path=OUTPUT / f"{shot.lower().replace(' ', '-')}.png")
        # Nothing is wider than the screen: wide tables scroll inside themselves.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1440
