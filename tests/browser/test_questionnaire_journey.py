"""A candidate answers a questionnaire on a phone through their private link; staff then read the
answer, as the characters typed, beside the others, on the candidates' page and in a profile."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lib.questionnaires import links, versions
from lib.store.sql import SqlStore
from lib.text import WORD_JOINER
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app, wait_for_drawing

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESK = {"width": 1440, "height": 900}
HOSTILE = '=HYPERLINK("http://x") **bold** <b>x</b> because rents rose'
CLOSED = "This link no longer opens a questionnaire"
SENT = "Thank you: your answers were sent to the coalition."
CONFIRM = "These are my answers, ready to send."


def shown_text(page: Page) -> str:
    return page.locator("[data-testid='stApp']").inner_text().replace(WORD_JOINER, "")


def fits(page: Page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def shoot(page: Page, name: str) -> None:
    """What the phone's screen shows now (the page scrolls inside the app, not the document)."""
    page.screenshot(path=OUTPUT / f"questionnaire-375-{name}.png")


def questionnaire_for(
    store: SqlStore, title: str, candidate_id: str, issue_id: str
) -> tuple[str, dict[str, Any]]:
    """A questionnaire sent to one candidate: its link's token and the stored invitation."""
    questions = [
        {"text": "Will you fund the housing trust?", "kind": "yes_no", "issue_id": issue_id},
        {
            "text": "Why, in a few words?",
            "kind": "free_text",
            "limit": "20",
            "limit_unit": "words",
        },
    ]
    rows = versions.new_questionnaire(
        title,
        "Thank you for answering.",
        [candidate_id],
        date.today() + timedelta(days=30),
        "public",
        questions,
        "staff@example.org",
    )
    store.change([], rows)
    store.clear_cache()
    questionnaires = store.read("questionnaires")
    [questionnaire] = questionnaires[questionnaires["title"] == title].to_dict("records")
    invited, tokens = links.invite_rows(questionnaire, [candidate_id], {}, "staff@example.org")
    store.change([], invited)
    store.clear_cache()
    invitations = store.read("invitations")
    [invitation] = invitations[invitations["questionnaire_id"] == questionnaire["id"]].to_dict(
        "records"
    )
    edit, logged = links.mark_sent(invitation, "staff@example.org", "2026-01-05T10:00:00+00:00")
    store.change([edit], {"audit": [logged]})
    store.clear_cache()
    invitations = store.read("invitations")
    [invitation] = invitations[invitations["id"] == invitation["id"]].to_dict("records")
    return tokens[candidate_id], invitation


@pytest.fixture
def store(sample_app: AppServer) -> Iterator[SqlStore]:
    opened = SqlStore(sample_app.database_url)
    yield opened
    opened.engine.dispose()


def press(page: Page, name: str) -> None:
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_app(page)


def test_a_candidate_answers_on_a_phone_and_staff_read_it_as_typed(
    browser: Browser, sample_app: AppServer, store: SqlStore
) -> None:
    candidates = store.read("candidates")
    candidate = candidates.iloc[0]
    issue = store.read("issues").iloc[0]
    title = f"Housing questions {uuid.uuid4().hex[:8]}"
    token, invitation = questionnaire_for(store, title, candidate["id"], issue["id"])

    # --- the candidate, on a phone, through the private link ---------------------------------
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{sample_app.url}/respond?token={token}")
    wait_for_app(phone)
    expect(phone.get_by_role("heading", name=title)).to_be_visible()
    shoot(phone, "opened")
    fits(phone, PHONE["width"])
    # Nothing of the coalition's own app: no sidebar, no page links, no other candidate.
    for hidden in (
        "stSidebar",
        "stSidebarNav",
        "stSidebarCollapsedControl",
        "stExpandSidebarButton",
    ):
        expect(phone.get_by_test_id(hidden)).to_have_count(0)
    expect(phone.get_by_role("link", name="Overview")).to_have_count(0)
    expect(phone.locator("a[href*='/candidates'], a[href*='/report']")).to_have_count(0)
    text = shown_text(phone)
    assert "Overview" not in text
    assert [name for name in candidates["name"] if name in text] == []
    expect_accessible(phone)

    phone.get_by_test_id("stRadio").get_by_text("Yes", exact=True).click()
    wait_for_app(phone)
    answer = phone.get_by_label(re.compile(r"Why, in a few words\?"))
    answer.scroll_into_view_if_needed()
    answer.fill(HOSTILE)
    answer.press("Tab")  # Streamlit takes the text when the field loses focus
    wait_for_app(phone)
    expect(phone.get_by_text("6 of 20 words")).to_be_visible()
    shoot(phone, "answered")
    fits(phone, PHONE["width"])

    press(phone, "Save and finish later")
    expect(phone.get_by_text("Saved. Come back with the same link to finish.")).to_be_visible()
    shoot(phone, "saved")
    fits(phone, PHONE["width"])

    phone.reload()  # a new visit with the same link
    wait_for_app(phone)
    expect(phone.get_by_role("radio", name="Yes")).to_be_checked()
    expect(answer).to_have_value(HOSTILE)
    shoot(phone, "reloaded")
    fits(phone, PHONE["width"])

    send = phone.get_by_role("button", name="Send my answers")
    expect(send).to_be_disabled()  # not before the candidate says they are ready
    confirm = phone.get_by_text(CONFIRM)
    confirm.scroll_into_view_if_needed()
    confirm.click()
    wait_for_app(phone)
    expect(send).to_be_enabled()
    press(phone, "Send my answers")
    expect(phone.get_by_text(SENT)).to_be_visible()
    expect(phone.get_by_text("Your answers were sent on")).to_be_visible()
    shoot(phone, "sent")
    fits(phone, PHONE["width"])
    expect_accessible(phone)
    context.close()

    store.clear_cache()
    answers = store.read("answers")
    mine = answers[answers["invitation_id"] == invitation["id"]]
    assert HOSTILE in set(mine[mine["state"] == "original"]["text"])  # stored exactly as typed

    # --- staff, at a desk ---------------------------------------------------------------------
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.goto(f"{sample_app.url}/questionnaires")
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()  # what the candidate never sees
    picker = page.get_by_role("combobox", name="Questionnaire", exact=True)
    picker.click()
    page.keyboard.type(title)
    page.get_by_role("option", name=re.compile(re.escape(title))).click()
    wait_for_app(page)
    expect(picker).to_have_value(f"{title} (version 1)")
    page.get_by_role("tab", name="Answers").click()
    panel = page.get_by_role("tabpanel", name="Answers")
    table = panel.get_by_test_id("stDataFrame").first
    table.locator("canvas").first.wait_for(state="attached", timeout=30_000)
    # The table draws on a canvas; its accessible grid holds each cell's text.
    cells = table.locator("[role=gridcell]")
    expect(cells.filter(has_text="HYPERLINK")).to_have_count(1)
    assert HOSTILE in cells.all_text_contents()
    expect(cells.filter(has_text="Yes")).to_have_count(1)
    main = page.get_by_test_id("stMain")
    expect(main.locator("b")).to_have_count(0)
    expect(main.locator("a[href^='http://x']")).to_have_count(0)
    page.screenshot(path=OUTPUT / "questionnaire-1440-answers.png")
    expect_accessible(page)

    page.goto(f"{sample_app.url}/candidates")
    wait_for_app(page)
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] svg .role-axis-label", state="attached", timeout=30_000
    )

    page.goto(f"{sample_app.url}/candidates?candidate={candidate['id']}")
    wait_for_drawing(page)
    expect(page.get_by_role("heading", name="Questionnaires")).to_be_visible()
    expander = page.get_by_test_id("stExpander").filter(has_text=title)
    expect(expander).to_have_count(1)
    expander.locator("summary").click()
    shown = expander.get_by_test_id("stExpanderDetails")
    expect(shown).to_be_visible()
    assert HOSTILE in shown.inner_text().replace(WORD_JOINER, "")
    expect(expander.locator("b, a[href^='http://x']")).to_have_count(0)
    expander.scroll_into_view_if_needed()
    page.screenshot(path=OUTPUT / "questionnaire-1440-profile.png")
    context.close()


def test_a_wrong_link_and_a_revoked_one_say_the_same_and_show_nothing(
    browser: Browser, sample_app: AppServer, store: SqlStore
) -> None:
    candidate = store.read("candidates").iloc[1]
    issue = store.read("issues").iloc[0]
    title = f"Transit questions {uuid.uuid4().hex[:8]}"
    token, invitation = questionnaire_for(store, title, candidate["id"], issue["id"])
    edit, logged = links.revoke(invitation, "staff@example.org")
    store.change([edit], {"audit": [logged]})

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    said = []
    for address in ("respond?token=nope", f"respond?token={token}"):
        page.goto(f"{sample_app.url}/{address}")
        wait_for_app(page)
        expect(page.get_by_text(CLOSED)).to_be_visible()
        said.append(shown_text(page))
        assert title not in said[-1] and "Thank you for answering" not in said[-1]
        expect(page.locator("textarea, input[type=radio]")).to_have_count(0)
        expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    page.screenshot(path=OUTPUT / "questionnaire-375-closed.png")
    assert said[0] == said[1]
    fits(page, PHONE["width"])
    expect_accessible(page)
    context.close()
