"""The main journeys in a real browser: an advocate files a report on a phone, staff follow up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from lib.store.sql import SqlStore
from tests.browser.conftest import OUTPUT, AppServer, wait_for_app

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


def choose(page: Page, label: str, option: str, nth: int = 0) -> None:
    """Pick an option in a Streamlit selectbox by typing, as a person on a phone would."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).nth(nth)
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    wait_for_app(page)


def type_into(field: Locator, text: str) -> None:
    field.scroll_into_view_if_needed()
    field.fill(text)
    field.press("Tab")  # Streamlit commits text when the field loses focus
    wait_for_app(field.page)


def press(page: Page, name: str) -> None:
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_app(page)


def test_an_advocate_files_a_report_on_a_phone(browser: Browser, sample_app: AppServer) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{sample_app.url}/report")
    wait_for_app(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    choose(page, "Candidate", "Tom Whitaker")
    type_into(page.get_by_label("Talking points we used"), "Right to counsel saves shelter costs")
    type_into(page.get_by_label("Key takeaways"), "Open to it if the county shares the cost")
    press(page, "Add a commitment")
    type_into(page.get_by_label("What they committed to"), "Will ask the county for a cost share")
    choose(page, "Issue", "Tenant right to counsel")
    choose(page, "Owner (who follows up)", "Siobhán Kelly")
    press(page, "Add a position")
    choose(page, "Issue", "Tenant right to counsel", nth=1)
    choose(page, "Stance", "Undecided")
    press(page, "Add a follow-up action")
    type_into(page.get_by_label("What needs doing"), "Send the shelter cost study")
    page.screenshot(path=OUTPUT / "report-phone-filled.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    press(page, "Save the report")
    expect(page.get_by_text("Report saved.")).to_be_visible()
    page.screenshot(path=OUTPUT / "report-phone-saved.png")
    link = page.get_by_role("link", name="Open the candidate's page")
    candidate_id = re.search(r"candidate=([\w-]+)", link.get_attribute("href")).group(1)

    page.goto(f"{sample_app.url}/commitments?candidate={candidate_id}")
    wait_for_app(page)
    rows = page.locator("[data-testid='stDataFrame'] [role=row]")
    expect(rows.filter(has_text="Will ask the county for a cost share")).to_have_count(1)
    texts = [rows.nth(index).text_content() for index in range(1, rows.count())]
    assert texts and all("Tom Whitaker" in text for text in texts)
    page.screenshot(path=OUTPUT / "report-phone-commitments.png")

    store = SqlStore(sample_app.database_url)
    saved = store.read("commitments")
    saved = saved[saved["text"] == "Will ask the county for a cost share"]
    assert list(saved["owner"]) == ["Siobhán Kelly"]
    tables = store.read_all()
    interaction = saved.iloc[0]["interaction_id"]
    assert (tables["positions"]["interaction_id"] == interaction).sum() == 1
    assert (tables["actions"]["interaction_id"] == interaction).sum() == 1
    context.close()


def test_a_report_typed_on_a_phone_survives_a_reload(
    browser: Browser, sample_app: AppServer
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{sample_app.url}/report")
    wait_for_app(page)
    choose(page, "Candidate", "Ray Dunmore")
    type_into(page.get_by_label("Key takeaways"), "Wants the shelter numbers before deciding")
    press(page, "Add a commitment")
    type_into(page.get_by_label("What they committed to"), "Will read the shelter cost study")

    page.reload()  # the phone dropped the tab, or a thumb pulled to refresh
    wait_for_app(page)
    # The address names this tab's report (?draft=): it comes back by itself, said by Save.
    expect(page.get_by_text("Your report is back")).to_be_visible()
    page.screenshot(path=OUTPUT / "report-phone-draft-back.png")
    expect(page.get_by_label("Key takeaways")).to_have_value(
        "Wants the shelter numbers before deciding"
    )
    expect(page.get_by_label("What they committed to")).to_have_value(
        "Will read the shelter cost study"
    )
    choose(page, "Issue", "Tenant right to counsel")
    press(page, "Save the report")
    expect(page.get_by_text("Report saved.")).to_be_visible()
    saved = SqlStore(sample_app.database_url).read("commitments")
    assert (saved["text"] == "Will read the shelter cost study").sum() == 1
    context.close()


def test_staff_mark_a_commitment_kept_and_see_its_history(
    sample_app: AppServer, page: Page
) -> None:
    store = SqlStore(sample_app.database_url)
    commitments = store.read("commitments")
    candidates = store.read("candidates").set_index("id")
    candidate_id = commitments["candidate_id"].value_counts().index[0]
    name = candidates.loc[candidate_id, "name"]

    page.goto(f"{sample_app.url}/commitments?candidate={candidate_id}")
    wait_for_app(page)
    rows = page.locator("[data-testid='stDataFrame'] [role=row]")
    rows.first.wait_for(state="attached")
    texts = [rows.nth(index).text_content() for index in range(1, rows.count())]
    assert len(texts) == (commitments["candidate_id"] == candidate_id).sum()
    assert all(text.startswith(name) for text in texts)

    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    wait_for_app(page)
    expect(page.get_by_text("History", exact=True)).to_be_visible()

    choose(page, "New status", "Promise kept")
    note = "Confirmed at the council meeting: she voted yes"
    type_into(page.get_by_label("Note"), note)
    press(page, "Save the update")
    expect(page.get_by_text("Saved the update to 1 commitment.")).to_be_visible()
    history = page.get_by_test_id("stMarkdown").filter(has_text=note)
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Promise kept")
    page.screenshot(path=OUTPUT / "commitments-updated.png", full_page=True)

    store.clear_cache()
    updates = store.read("updates")
    assert (updates["note"] == note).sum() == 1


def test_the_meeting_screen_reads_from_across_a_room(
    browser: Browser, sample_app: AppServer
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{sample_app.url}/meeting")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Where candidates stand")).to_be_visible()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg .role-axis-label")
    page.screenshot(path=OUTPUT / "meeting-1920x1080.png")
    body = page.locator("[data-testid='stMain']").inner_text()
    interactions = SqlStore(sample_app.database_url).read("interactions")
    restricted = interactions[interactions["visibility"] == "restricted"]["takeaways"]
    assert [text for text in restricted if len(text) > 25 and text in body] == []
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector("
        "\"[data-testid='stMain'] [data-testid='stMarkdownContainer'] li\")).fontSize)"
    )
    assert size >= 20  # large type for a projector

    # The report-back downloads are the files they say they are.
    for name, opening in (("Markdown", b"# "), ("PDF", b"%PDF")):
        button = page.get_by_role("button", name=f"The public: {name}")
        button.scroll_into_view_if_needed()
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename.startswith("report-back-public-")
        assert Path(download.value.path()).read_bytes().startswith(opening)
    context.close()


def test_several_people_file_reports_at_the_same_moment(
    browser: Browser, sample_app: AppServer
) -> None:
    """Three sessions save within milliseconds of each other: every report lands, once."""
    people = ["Priya Raman", "Marcus Bell", "Ray Dunmore"]
    contexts = [browser.new_context(viewport=PHONE) for _ in people]
    pages = [context.new_page() for context in contexts]
    for page, candidate in zip(pages, people, strict=True):
        page.goto(f"{sample_app.url}/report")
        wait_for_app(page)
        choose(page, "Candidate", candidate)
        type_into(page.get_by_label("Key takeaways"), f"Filed at once about {candidate}")
    for page in pages:
        page.get_by_role("button", name="Save the report").click()
    for page in pages:
        expect(page.get_by_text("Report saved.")).to_be_visible(timeout=30_000)
    takeaways = SqlStore(sample_app.database_url).read("interactions")["takeaways"]
    for candidate in people:
        assert (takeaways == f"Filed at once about {candidate}").sum() == 1
    for context in contexts:
        context.close()
