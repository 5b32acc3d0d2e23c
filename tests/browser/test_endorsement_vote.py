"""An endorsement vote in real browsers, with real sign-in: an admin opens the vote, three members
sign in and vote on their own ballot page, the admin closes it and the outcome is shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lib import coalition
from lib.endorsements import races
from lib.store.sql import SqlStore
from tests.browser.axe import expect_accessible
from tests.browser.conftest import OUTPUT, sign_in, signed_server, wait_for_app
from tests.browser.test_journeys import press

pytestmark = pytest.mark.browser
ADMIN = "dana.okafor@example.org"


def endorsing(store: SqlStore) -> None:
    for name, value in (("tax_status", "501(c)(4)"), ("coalition_name", "Riverton Fair Housing")):
        coalition.save_setting(store, name, value, ADMIN, store.read_fresh("settings"))


@pytest.fixture
def voting_app(tmp_path: Path) -> Iterator[tuple[str, SqlStore]]:
    with signed_server(tmp_path, "endorsement-vote", endorsing) as served:
        yield served


def council(store: SqlStore) -> dict:
    store.clear_cache()
    found = races.races(store.read("candidates"), store.read("races"))
    return found[found["stage"] == "primary"].iloc[0].to_dict()


def vote_tab(page: Page, url: str, race_id: str) -> None:
    page.goto(f"{url}/endorsements?race={race_id}")
    wait_for_app(page)
    page.get_by_role("tab", name="Vote").click()


def vote_as(browser: Browser, url: str, email: str, choice: str, *, check_access: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, url, email)
    page.goto(f"{url}/ballot")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My ballot")).to_be_visible()
    if check_access:
        expect_accessible(page)
    page.get_by_test_id("stRadio").get_by_text(choice, exact=True).click()
    wait_for_app(page)
    press(page, "Cast my vote")
    expect(page.get_by_text("Your vote was saved.")).to_be_visible()
    expect(page.get_by_text("You have voted; you can change your vote until")).to_be_visible()
    # The choice made is not left showing on the screen.
    expect(page.get_by_test_id("stRadio").locator("input:checked")).to_have_count(0)
    if check_access:
        page.screenshot(path=OUTPUT / "endorsement-vote-ballot.png", full_page=True)
        expect_accessible(page)
    context.close()


def test_members_vote_and_the_admin_closes_the_vote(
    browser: Browser, voting_app: tuple[str, SqlStore]
) -> None:
    url, store = voting_app
    race = council(store)
    members = store.read("members")
    names = dict(zip(store.read("candidates")["id"], store.read("candidates")["name"], strict=True))
    first, second = (names[candidate] for candidate in race["candidate_ids"][:2])

    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    sign_in(page, url, ADMIN)
    vote_tab(page, url, race["id"])
    press(page, "Open the vote")
    expect(page.get_by_text("The vote is open.")).to_be_visible()

    voters = [email for email in members["email"] if email != ADMIN][:3]
    for number, (email, choice) in enumerate(zip(voters, [first, first, second], strict=True)):
        vote_as(browser, url, email, choice, check_access=number == 0)

    vote_tab(page, url, race["id"])
    expect(page.get_by_text("3 of 8 have voted so far.")).to_be_visible()
    page.get_by_text("Close the vote and count it").click()
    press(page, "Close the vote now and count it")
    expect(page.get_by_text("The vote is closed and counted.")).to_be_visible()
    expect(page.get_by_text(f"Outcome: Endorsed: {first}")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Turnout")).to_contain_text("3 of 8")
    page.screenshot(path=OUTPUT / "endorsement-vote-outcome.png", full_page=True)
    admin.close()

    store.clear_cache()
    (vote,) = store.read("votes").to_dict("records")
    assert (vote["status"], vote["outcome"]) == ("closed", "endorsed")
    assert vote["winner"] == race["candidate_ids"][0]
    ballots = store.read("ballots")
    cast = ballots[ballots["choice"] != ""]
    assert len(cast) == 3 and set(cast["voter"]) == {""}
