"""A coalition meeting run from the shared screen in a real browser: present mode on a 1920x1080
projector and on a 1280x720 one, stepped with the arrow keys, with an agreed action captured."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from lib.store.sql import SqlStore
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app
from tests.browser.test_journeys import press

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1920, "height": 1080}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
WHAT = "Ask the clerk for the budget workshop agenda"
# Someone without an account: the shared app's members owe nothing more after this journey.
OWNER = "Marisol from the tenants union"


def body_text_px(page: Page) -> float:
    """The computed size of the smallest text on screen (body, captions, the bar at the top)."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll(
            "[data-testid='stMain'] [data-testid='stMarkdownContainer'] :is(p, li)"
        )].map(element => parseFloat(getComputedStyle(element).fontSize)))"""
    )


def overflowing(page: Page) -> list[str]:
    """What sticks out of the window: past its right edge (anything wider than it), or below
    its bottom (a section that does not fit on one screen)."""
    return page.evaluate(
        """() => {
            const found = [];
            if (document.documentElement.scrollWidth > innerWidth) found.push('page is wider');
            for (const element of document.querySelectorAll(
                "[data-testid='stMainBlockContainer'] *"
            )) {
                if (!element.getClientRects().length) continue;
                const box = element.getBoundingClientRect();
                const what = element.getAttribute('data-testid') || element.tagName;
                if (box.right > innerWidth + 1) found.push(`${what} ends at x=${box.right}`);
                if (box.bottom > innerHeight + 1) found.push(`${what} ends at y=${box.bottom}`);
            }
            return found.slice(0, 5);
        }"""
    )


def step_of(page: Page) -> int:
    found = re.search(r"[?&]step=(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def arrived(page: Page, step: int, total: int) -> None:
    """Wait until the section ``step`` is on screen (the address changes first)."""
    page.wait_for_url(re.compile(rf"[?&]step={step}\b"))
    expect(page.get_by_text(f"{step} of {total}", exact=True)).to_be_visible()
    wait_for_app(page)


def heading(page: Page) -> str:
    return page.locator("[data-testid='stMain'] h1").inner_text()


def test_a_meeting_is_run_from_the_screen(browser: Browser, sample_app: AppServer) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.goto(f"{sample_app.url}/present")
    wait_for_app(page)
    # Nothing but the agenda: no sidebar with its navigation, no sign-in banner.
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_text("Sign-in is off")).to_have_count(0)
    expect(page.get_by_role("link", name="Leave present mode")).to_have_attribute(
        "href", re.compile(r"(^|/)meeting$")
    )
    total = int(re.search(r"1 of (\d+)", page.get_by_text(re.compile(r"^1 of")).inner_text())[1])
    assert total >= 8
    expect_accessible(page)

    headings = []
    for step in range(1, total + 1):
        assert step_of(page) == step
        headings.append(heading(page))
        assert body_text_px(page) >= 24, headings[-1]
        assert overflowing(page) == [], headings[-1]
        page.screenshot(path=OUTPUT / f"present-1920-{step}.png")
        if step < total:
            page.keyboard.press("ArrowRight")  # the presenter's clicker sends the arrow keys
            arrived(page, step + 1, total)
    assert len(set(headings)) == total and headings[-1] == "Agreed actions"
    page.keyboard.press("ArrowLeft")
    arrived(page, total - 1, total)
    page.keyboard.press("ArrowRight")
    arrived(page, total, total)

    # An agreed action, captured on the shared screen. The arrow keys move the cursor in a
    # field, not the meeting.
    field = page.get_by_label("What was agreed")
    field.fill(WHAT)
    field.press("ArrowLeft")
    field.press("Tab")
    wait_for_app(page)
    assert step_of(page) == total
    page.get_by_role("combobox", name="Owner").click()
    page.keyboard.type(OWNER)
    page.get_by_role("option", name=f"Add: {OWNER}").click()
    due = date.today() + timedelta(days=21)
    page.get_by_role("spinbutton", name="year, Due").click()
    page.keyboard.type(due.strftime("%Y%m%d"))
    press(page, "Add the action")
    expect(page.get_by_text(f"{WHAT} (owner: {OWNER}; due {due})").first).to_be_visible()
    page.screenshot(path=OUTPUT / "present-1920-agreed.png")
    assert overflowing(page) == []
    expect_accessible(page)
    actions = SqlStore(sample_app.database_url).read("actions")
    stored = actions[actions["title"] == WHAT]
    assert stored[["owner", "due"]].values.tolist() == [[OWNER, due.isoformat()]]
    context.close()

    # A smaller projector: every section still fits, with nothing cut off at the side.
    context = browser.new_context(viewport=SMALL_PROJECTOR)
    page = context.new_page()
    page.goto(f"{sample_app.url}/present")
    wait_for_app(page)
    for step in range(1, total + 1):
        assert overflowing(page) == [], heading(page)
        page.screenshot(path=OUTPUT / f"present-1280-{step}.png")
        if step < total:
            press(page, "Next")
            arrived(page, step + 1, total)
    context.close()
