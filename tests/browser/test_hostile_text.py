"""Names carrying Markdown, HTML and external links are shown as the characters typed, on every
page, and nothing makes the browser fetch anything from another address (no tracking pixel)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Locator, Page, Request

from lib import coalition
from lib.sample import load_sample
from lib.store.sql import SqlStore
from lib.text import WORD_JOINER
from tests.browser.conftest import OUTPUT, AppServer, start_app, wait_for_drawing

pytestmark = pytest.mark.browser

OUTSIDE = "203.0.113.9"  # TEST-NET-3: nothing answers there, and no request may try
CANDIDATE = "<b>Ann</b> **Bo** $x$ :red[Cy]"
ISSUE = f"![p](http://{OUTSIDE}/p.png) Parks"
COALITION = f"[Click](http://{OUTSIDE}/) <img src=http://{OUTSIDE}/i.png>"
WEBSITE = f"https://ok.example)![x](http://{OUTSIDE}/x.png)"
TAKEAWAY = f"Line one\n===\nsee https://{OUTSIDE}/more and <span style='color:red'>red</span>"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, str]]:
    directory = tmp_path_factory.mktemp("hostile")
    OUTPUT.mkdir(exist_ok=True)
    url = f"sqlite:///{directory / 'tracker.db'}"
    store = SqlStore(url)
    store.ensure_schema()
    load_sample(store, date.today())
    candidates = store.read("candidates")
    target = candidates.iloc[0]
    store.update("candidates", target["id"], {"name": CANDIDATE, "website": WEBSITE})
    issue = store.read("issues").iloc[0]
    store.update("issues", issue["id"], {"name": ISSUE})
    coalition.save_setting(store, "coalition_name", COALITION, "test", store.read("settings"))
    interactions = store.read("interactions")
    shared = interactions[
        (interactions["candidate_id"] == target["id"])
        & (interactions["visibility"] != "restricted")
    ].iloc[0]
    store.update("interactions", shared["id"], {"takeaways": TAKEAWAY})
    store.engine.dispose()
    process, address = start_app(url, OUTPUT / "streamlit-hostile.log")
    try:
        yield AppServer(address, url), target["id"]
    finally:
        process.terminate()
        process.wait(timeout=20)


def _visit(page: Page, address: str) -> str:
    page.goto(address)
    wait_for_drawing(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return page.locator("[data-testid='stApp']").inner_text().replace(WORD_JOINER, "")


def _drawn_charts(page: Page) -> Locator:
    """The page's charts, once each one in view has drawn its axes. Vega-Lite draws them as SVG,
    where every label is the text of a <text> element, so no markup in a name can take effect."""
    charts = page.locator("[data-testid='stVegaLiteChart']")
    for index in range(charts.count()):
        chart = charts.nth(index)
        if chart.is_visible():
            chart.scroll_into_view_if_needed()
            chart.locator("svg .role-axis-label text").first.wait_for(
                state="attached", timeout=30_000
            )
    page.locator("[data-testid='stMain'] h1").first.scroll_into_view_if_needed()
    return charts


def test_hostile_names_show_as_text_and_fetch_nothing_from_outside(
    hostile_app: tuple[AppServer, str], browser: Browser
) -> None:
    server, candidate_id = hostile_app
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def record(request: Request) -> None:
        if not request.url.startswith((server.url, "data:", "blob:")):
            outside.append(request.url)

    page.on("request", record)
    paths = [
        "",
        "report",
        "candidates",
        f"candidates?candidate={candidate_id}",
        "commitments",
        "meeting",
        "settings",
    ]
    for path in paths:
        shown = _visit(page, f"{server.url}/{path}")
        charts = _drawn_charts(page)
        name = path.split("?")[0] or "overview"
        page.screenshot(path=OUTPUT / f"hostile-{name}.png", full_page=True)
        # Nothing typed became an image, a link or formatting.
        assert page.locator(f"img[src*='{OUTSIDE}']").count() == 0, path
        assert page.locator(f"a[href*='{OUTSIDE}']").count() == 0, path
        assert page.locator("[data-testid='stMain'] .katex").count() == 0, path
        assert page.locator("[data-testid='stMain'] strong:text-is('Bo')").count() == 0, path
        # Charts hold SVG shapes and text, and never an element made from what was typed.
        assert charts.locator("b, strong, em, a, img, span, .katex").count() == 0, path
        if path in ("candidates", "commitments", "meeting"):
            # The name on the axis, tags and all, as the characters typed.
            # The chart may arrive after the script has finished: wait for its axes.
            axis = charts.locator("svg .role-axis-label text")
            axis.first.wait_for(state="attached", timeout=30_000)
            labels = axis.all_text_contents()
            assert CANDIDATE in labels, path
            # And whole on hover: the tooltip writes it as text, not as markup.
            # (Each cell or segment describes itself to a screen reader, starting with the name.)
            mark = charts.locator(f"svg [role=graphics-symbol][aria-label^='{CANDIDATE}']").first
            mark.scroll_into_view_if_needed()
            mark.hover(force=True)
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for(state="visible", timeout=10_000)
            assert CANDIDATE in tooltip.inner_text(), path
            assert tooltip.locator("b, strong, em, a, img, span").count() == 0, path
            page.mouse.move(0, 0)
        if path.startswith("candidates?"):
            assert page.locator("[data-testid='stMain'] h1").first.inner_text() == CANDIDATE
            markup = page.locator("[data-testid='stMain']").text_content() or ""
            assert "Line one" in markup and "===" in markup  # inside a closed expander
            assert (
                page.locator("[data-testid='stMain'] h1, h2, h3")
                .filter(has_text="Line one")
                .count()
                == 0
            )
            assert "Campaign website" not in shown  # an address that is not one is not linked
        if path == "meeting":
            assert COALITION in shown
    assert outside == []
    context.close()


def _toolbar_buttons(element: Locator) -> list[str]:
    """The buttons of the toolbar shown over an element while the pointer is on it."""
    element.hover()
    toolbar = element.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for(state="attached", timeout=10_000)
    return [button.get_attribute("aria-label") or "" for button in toolbar.locator("button").all()]


def test_tables_and_charts_offer_no_raw_download(
    hostile_app: tuple[AppServer, str], page: Page
) -> None:
    server, _ = hostile_app
    _visit(page, f"{server.url}/commitments")
    _drawn_charts(page)
    frames = page.locator("[data-testid='stFullScreenFrame']")
    table = frames.filter(has=page.locator("[data-testid='stDataFrame']")).first
    buttons = _toolbar_buttons(table)
    assert buttons and not [label for label in buttons if "ownload" in label]
    # A chart offers a picture of itself, and its data only to look at.
    charts = [
        index
        for index in range(frames.count())
        if frames.nth(index).locator("[data-testid='stVegaLiteChart']").count()
    ]
    chart = frames.nth(charts[0])  # by place: showing its data takes the chart away
    buttons = _toolbar_buttons(chart)
    assert [label for label in buttons if "ownload" in label] == ["Download as PNG"]
    # By keyboard: the pointer can lose the toolbar to the chart or the page header.
    chart.get_by_role("button", name="Show data").focus()
    page.keyboard.press("Enter")
    data = chart.locator("[data-testid='stDataFrame']")
    data.wait_for(state="visible", timeout=10_000)
    buttons = _toolbar_buttons(data)
    assert "Show chart" in buttons and not [label for label in buttons if "ownload" in label]
    # The app's own export is there instead, and it neutralises formulas.
    assert page.get_by_role("button", name="Download CSV").count() == 1
