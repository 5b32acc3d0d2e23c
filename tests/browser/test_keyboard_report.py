"""An advocate files a report with the keyboard alone: Tab and Shift+Tab to move, arrows, Space
and Enter to choose, and typing; no mouse and no filling of fields from outside the page."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from lib import schema
from lib.store.sql import SqlStore
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app

pytestmark = pytest.mark.browser

# What a screen reader would announce for the element with the keyboard focus: its label, else
# its text (a button's icon name comes first, so its last line is what it says).
FOCUSED = """() => {
    const element = document.activeElement;
    const label = element.getAttribute('aria-label')
        || (element.labels && element.labels[0] && element.labels[0].innerText)
        || element.innerText || '';
    return label.trim().split('\\n').pop().trim();
}"""


RADIO = "a radio group"
ON_A_RADIO = "() => document.activeElement.type === 'radio'"


def focused(page: Page) -> str:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, name: str, *, back: bool = False, most: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focus is on ``name`` (any option of a radio group, if
    ``name`` is RADIO), as a person would; fail if it never gets there, which is what an
    unreachable control or a focus trap looks like."""
    passed = []
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        passed.append(focused(page))
        if passed[-1] == name or (name == RADIO and page.evaluate(ON_A_RADIO)):
            return
    page.screenshot(path=OUTPUT / "keyboard-report-lost.png", full_page=True)
    pytest.fail(f"{name!r} is never reached with the keyboard; the focus went to {passed}")


def arrow_to(page: Page, name: str, key: str, most: int = 10) -> None:
    """Press an arrow until the focus is on ``name``: in a radio group, that also chooses it."""
    for _ in range(most):
        if focused(page) == name:
            return
        page.keyboard.press(key)
        wait_for_app(page)
    assert focused(page) == name


def choose_typing(page: Page, typed: str, option: str) -> None:
    """In the focused drop-down: type to narrow it down, then Enter on the first match."""
    page.keyboard.type(typed)
    expect(page.get_by_role("option", name=option).first).to_be_visible()
    page.keyboard.press("Enter")
    wait_for_app(page)


def test_an_advocate_files_a_report_with_the_keyboard_alone(
    browser: Browser, sample_app: AppServer
) -> None:
    store = SqlStore(sample_app.database_url)
    candidates = store.read("candidates")
    candidate = candidates[candidates["active"]].sort_values("name").iloc[-1]
    issue = store.read("issues").sort_values("name").iloc[0]
    # Told apart from what other tests on this server file.
    takeaway = f"Open to a cost share, said so twice {uuid.uuid4().hex[:8]}"
    promise = f"Will raise the cost share at the county board {uuid.uuid4().hex[:8]}"
    met = date.today() - timedelta(days=9)

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{sample_app.url}/report")
    wait_for_app(page)

    # The date: its year, month and day are typed in turn, each moving on to the next.
    tab_to(page, "year, Date of the meeting")
    page.keyboard.type(f"{met:%Y%m%d}")
    page.keyboard.press("Tab")  # on to the calendar button; the date is taken
    wait_for_app(page)

    tab_to(page, "Candidate")
    choose_typing(page, candidate["name"][:6], candidate["name"])

    # The kind, by arrows: the list opens on the first arrow, the next ones move down it.
    tab_to(page, "Kind of interaction")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_for_app(page)
    kind_label = page.get_by_role("combobox", name="Kind of interaction").input_value()

    # The setting's options are one stop: arrows move between them, Space picks one.
    tab_to(page, schema.SETTING.label("in_person"))
    arrow_to(page, schema.SETTING.label("virtual"), "ArrowRight")
    page.keyboard.press("Space")
    wait_for_app(page)

    tab_to(page, "Partner organisations present")
    partner = store.read("partners").sort_values("name").iloc[0]["name"]
    choose_typing(page, partner[:5], partner)
    page.keyboard.press("Escape")  # the list stays open for more; closed, the form goes on

    tab_to(page, "Who attended")
    page.keyboard.type("Ana Ruiz (tenant leader), Ben Cole")
    tab_to(page, "Talking points we used")
    page.keyboard.type("Right to counsel saves shelter costs")
    tab_to(page, "Key takeaways")
    page.keyboard.type(takeaway)

    # A commitment: Enter on the button adds its fields just above it, back with Shift+Tab.
    tab_to(page, "Add a commitment")
    page.keyboard.press("Enter")
    wait_for_app(page)
    tab_to(page, "What they committed to", back=True)
    page.keyboard.type(promise)
    tab_to(page, "Issue")
    choose_typing(page, issue["name"][:6], issue["name"])

    # Who may see it: the radio group is one stop, on its chosen option; arrows move the choice.
    tab_to(page, RADIO)
    arrow_to(page, schema.VISIBILITY.label("public"), "ArrowUp")
    public = page.get_by_role("radio", name=schema.VISIBILITY.label("public"), exact=True)
    expect(public).to_be_checked()

    tab_to(page, "Save the report")
    page.screenshot(path=OUTPUT / "keyboard-report-filled.png", full_page=True)
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("Report saved.")).to_be_visible()
    page.screenshot(path=OUTPUT / "keyboard-report-saved.png")
    context.close()

    store.clear_cache()
    interactions = store.read("interactions")
    [saved] = interactions[interactions["takeaways"] == takeaway].to_dict("records")
    assert saved["date"] == met.isoformat()
    assert saved["candidate_id"] == candidate["id"]
    assert schema.INTERACTION_KIND.label(saved["kind"]) == kind_label
    assert saved["kind"] != "one_on_one"  # the arrows moved the choice off the first kind
    assert saved["setting"] == "virtual"
    assert saved["partner_ids"] == store.read("partners").set_index("name").loc[partner, "id"]
    assert saved["attendees"] == "Ana Ruiz (tenant leader), Ben Cole"
    assert saved["talking_points"] == "Right to counsel saves shelter costs"
    assert saved["visibility"] == "public"
    commitments = store.read("commitments")
    [commitment] = commitments[commitments["interaction_id"] == saved["id"]].to_dict("records")
    assert commitment["text"] == promise
    assert commitment["issue_id"] == issue["id"]
    store.engine.dispose()
