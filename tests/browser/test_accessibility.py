"""Every page passes axe-core's WCAG 2.0 and 2.1 A and AA checks, on a desk (1440 px) and on a
phone (375 px): signed out (the sign-in screen), with sign-in off (the local admin) and as a
signed-in advocate, with the report form's validation errors showing and the charts drawn.

The pages are read from app.py's own st.Page calls, so a page added there is checked here too.
One server per configuration and one browser tab per person and width serve every page.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lib import coalition
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.browser.axe import expect_accessible
from tests.browser.conftest import (
    OUTPUT,
    AppServer,
    sign_in,
    signed_server,
    wait_for_app,
    wait_for_drawing,
)

pytestmark = pytest.mark.browser

WIDTHS = {
    1440: {"viewport": {"width": 1440, "height": 900}},
    375: {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
MEMBER = "tomas.herrera@example.org"  # an advocate: files reports, owns follow-ups
ADMIN = "dana.okafor@example.org"
# Views of one page that show something else: a candidate's profile and their briefing.
PROFILE = "candidates?candidate={candidate}"
VIEWS = {"candidates": [PROFILE, f"{PROFILE}&view=brief"]}


def registered_pages() -> dict[str, list[str]]:
    """The address of every page app.py registers, by the name it is kept under (PAGES,
    SETTINGS_PAGES, ...; "PAGES" for one made where it is used): read from its source, since
    which pages the running app offers depends on who asks."""
    tree = ast.parse((PROJECT_ROOT / "app.py").read_text(encoding="utf-8"))
    kept_under: dict[ast.AST, str] = {}
    for statement in ast.walk(tree):
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            group = statement.targets[0].id
        elif (
            isinstance(statement, ast.Call)
            and isinstance(statement.func, ast.Attribute)
            and statement.func.attr == "append"
            and isinstance(statement.func.value, ast.Name)
        ):
            group = statement.func.value.id
        else:
            continue
        for node in ast.walk(statement):
            kept_under.setdefault(node, group)
    groups: dict[str, list[str]] = {}
    for call in ast.walk(tree):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "Page"
        ):
            continue
        words = {word.arg: word.value for word in call.keywords}
        if isinstance(words.get("default"), ast.Constant) and words["default"].value:
            address = ""
        elif isinstance(words.get("url_path"), ast.Constant):
            address = words["url_path"].value
        else:
            address = Path(call.args[0].value).stem
        addresses = groups.setdefault(kept_under.get(call, "PAGES"), [])
        if address not in addresses:
            addresses.append(address)
    return groups


GROUPS = registered_pages()
RESPOND = GROUPS.pop("RESPOND")[0]  # a candidate's questionnaire link: no sign-in, no sidebar
# Offered only to a coalition that may endorse: the signed-in run's coalition is one.
ENDORSING = GROUPS.pop("ENDORSEMENT_PAGES", [])
MAIN = [address for addresses in GROUPS.values() for address in addresses]
# An advocate is told on every settings page that it is for admins: one of them shows that.
FOR_A_MEMBER = [
    *(
        address
        for group, addresses in GROUPS.items()
        if group != "SETTINGS_PAGES"
        for address in addresses
    ),
    *ENDORSING,
    *GROUPS.get("SETTINGS_PAGES", [])[:1],
]


def with_views(addresses: list[str]) -> list[str]:
    return [view for address in addresses for view in [address, *VIEWS.get(address, [])]]


def ids(address: str) -> str:
    return address.replace("{candidate}", "id") or "overview"


@pytest.fixture(scope="module")
def signed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SqlStore]]:
    """The sample coalition with sign-in on, as a coalition that may endorse (a 501(c)(4))."""

    def endorsing(store: SqlStore) -> None:
        coalition.save_setting(
            store, "tax_status", "501(c)(4)", ADMIN, store.read_fresh("settings")
        )

    with signed_server(tmp_path_factory.mktemp("accessibility"), "accessibility", endorsing) as app:
        yield app


Tab = Callable[[str, int], tuple[Page, str, SqlStore]]


@pytest.fixture(scope="module")
def tab(browser: Browser, sample_app: AppServer, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """One tab per person and width, opened the first time it is asked for, kept for the
    module: "local" (sign-in off), "member" (signed in) or "visitor" (signed out). The server
    with sign-in on starts only when one of the last two is asked for."""
    opened: dict[tuple[str, int], tuple[Page, str, SqlStore]] = {}
    local_store = SqlStore(sample_app.database_url)

    def get(who: str, width: int) -> tuple[Page, str, SqlStore]:
        if (who, width) not in opened:
            page = browser.new_context(**WIDTHS[width]).new_page()
            if who == "local":
                url, store = sample_app.url, local_store
            else:
                url, store = request.getfixturevalue("signed_app")
            if who == "member":
                sign_in(page, url, MEMBER)
            opened[who, width] = page, url, store
        return opened[who, width]

    yield get
    for page, _, _ in opened.values():
        page.context.close()
    local_store.engine.dispose()


def open_page(page: Page, url: str, store: SqlStore, address: str) -> None:
    if "{candidate}" in address:
        address = address.format(candidate=store.read("candidates").iloc[0]["id"])
    page.goto(f"{url}/{address}")
    wait_for_drawing(page)
    assert page.get_by_test_id("stException").count() == 0
    # Every chart drawn has a text alternative of its own: Vega's default label means none.
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.and_(page.locator("[aria-label='Vega visualization']"))).to_have_count(0)


def check_signed_in(page: Page, url: str, store: SqlStore, address: str, name: str) -> None:
    open_page(page, url, store, address)
    if address == "report":
        # The form's validation errors, as someone pressing Save too soon sees them.
        save = page.get_by_role("button", name="Save the report")
        save.scroll_into_view_if_needed()
        save.click()
        wait_for_app(page)
        expect(page.get_by_text("The report was not saved yet.")).to_be_visible()
    if address == "meeting":
        # Both charts drawn, each with its text alternative as the chart element's label.
        for said in ("Where each candidate stands", "Commitments by status, for each candidate"):
            chart = page.locator(f"[data-testid='stVegaLiteChart'][aria-label^='{said}']")
            expect(chart.locator("svg .role-mark").first).to_be_attached()
    if address in ("report", "meeting"):
        width = page.viewport_size["width"]
        page.screenshot(path=OUTPUT / f"accessibility-{name}-{width}-{address}.png")
    expect_accessible(page, address or "/")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("address", with_views(MAIN), ids=ids)
def test_each_page_with_sign_in_off(tab: Tab, address: str, width: int) -> None:
    check_signed_in(*tab("local", width), address, "local")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("address", with_views(FOR_A_MEMBER), ids=ids)
def test_each_page_signed_in_as_an_advocate(tab: Tab, address: str, width: int) -> None:
    check_signed_in(*tab("member", width), address, "member")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("address", [*MAIN, f"{RESPOND}?token=not-a-link"], ids=ids)
def test_each_page_signed_out(tab: Tab, address: str, width: int) -> None:
    page, url, store = tab("visitor", width)
    page.goto(f"{url}/{address}")
    wait_for_app(page)
    if address.startswith(RESPOND):
        expect(page.get_by_text("This link no longer opens a questionnaire")).to_be_visible()
    else:
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect_accessible(page, address or "/")


@pytest.mark.parametrize("who", ["local", "member"])
def test_the_sidebar_opened_on_a_phone(tab: Tab, who: str) -> None:
    """A phone shows the sidebar only when asked; opened, it passes too."""
    page, url, store = tab(who, 375)
    open_page(page, url, store, "")
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stSidebarNav")).to_be_in_viewport()
    page.screenshot(path=OUTPUT / f"accessibility-{who}-375-sidebar.png")
    expect_accessible(page, "/ with the sidebar open")


@pytest.mark.parametrize("who", ["local", "member"])
def test_every_page_in_the_navigation_is_checked(tab: Tab, who: str) -> None:
    page, url, store = tab(who, 1440)
    open_page(page, url, store, "")
    links = page.get_by_test_id("stSidebarNav").locator("a")
    listed = {
        links.nth(index).get_attribute("href").removeprefix(url).strip("/")
        for index in range(links.count())
    }
    checked = set(MAIN + (ENDORSING if who == "member" else []))
    assert listed and listed <= checked
