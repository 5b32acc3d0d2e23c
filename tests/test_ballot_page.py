"""My ballot and the vote on the Endorsements page through AppTest, signed in, on the sample
coalition as a 501(c)(4): members vote and change their vote, an admin opens and closes a vote
and sees the outcome, and an endorsed candidate's profile says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import coalition
from lib.endorsements import NO_ENDORSEMENT, races, voting
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import as_read
from tests.test_roles import AUTH, member_with

BALLOT = "pages/ballot.py"
KEY = voting.ballot_key(AUTH)
ADMIN = "dana.okafor@example.org"


@pytest.fixture
def endorsing(sample_store: SqlStore) -> SqlStore:
    coalition.save_setting(
        sample_store, "tax_status", "501(c)(4)", ADMIN, sample_store.read("settings")
    )
    coalition.save_setting(
        sample_store,
        "coalition_name",
        "Riverton Fair Housing",
        ADMIN,
        sample_store.read("settings"),
    )
    return sample_store


def council(store: SqlStore) -> dict:
    store.clear_cache()
    found = races.races(store.read("candidates"), store.read("races"))
    return found[found["stage"] == "primary"].iloc[0].to_dict()


def signed_in(email: str, page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in AUTH.items():
        at.secrets[name] = value
    at.user = {"is_logged_in": True, "email": email}
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def said(at: AppTest) -> str:
    kinds = ("error", "warning", "success", "info", "caption", "markdown", "subheader")
    shown = " ".join(as_read(element.value) for kind in kinds for element in at.get(kind))
    return shown.replace("**", "")


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    button.click().run()
    assert not at.exception
    return at


def open_vote(store: SqlStore, **rules: object) -> str:
    race = council(store)
    settings = {"method": "majority", "closes_at": datetime.now(UTC) + timedelta(days=3), **rules}
    return voting.start(
        store, race, race["candidate_ids"], voting.Rules(**settings), ADMIN, datetime.now(UTC), KEY
    )  # type: ignore[arg-type]


def cast_ballots(store: SqlStore, vote_id: str) -> pd.DataFrame:
    store.clear_cache()
    ballots = store.read("ballots")
    return ballots[(ballots["vote_id"] == vote_id) & (ballots["choice"] != "")]


def vote_on_page(at: AppTest, choice: str, button: str) -> AppTest:
    (radio,) = at.radio  # one open vote
    radio.set_value(choice)
    return click(at, button)


def test_a_member_votes_and_changes_their_vote(endorsing: SqlStore) -> None:
    vote_id = open_vote(endorsing)
    first, second = council(endorsing)["candidate_ids"][:2]
    email = member_with(endorsing, "advocate")["email"]
    at = signed_in(email, BALLOT)
    assert at.title[0].value == "My ballot"
    assert [as_read(option) for option in at.radio[0].options][-1] == "No endorsement"
    vote_on_page(at, first, "Cast my vote")
    shown = said(at)
    assert "Your vote was saved." in shown
    assert "You have voted; you can change your vote until" in shown
    assert "cannot show which choice you made" in shown
    assert at.radio[0].value is None  # the choice made is not left showing
    assert cast_ballots(endorsing, vote_id)["choice"].tolist() == [first]
    vote_on_page(at, second, "Change my vote")
    ballots = cast_ballots(endorsing, vote_id)
    assert ballots["choice"].tolist() == [second] and ballots["voter"].tolist() == [""]


def test_an_eligible_viewer_can_vote(endorsing: SqlStore) -> None:
    vote_id = open_vote(endorsing, anonymous=False)
    viewer = member_with(endorsing, "viewer")["email"]
    at = signed_in(viewer, BALLOT)
    vote_on_page(at, NO_ENDORSEMENT, "Cast my vote")
    assert "Your vote: No endorsement" in said(at)
    ballots = cast_ballots(endorsing, vote_id)
    assert ballots[["voter", "choice"]].values.tolist() == [[viewer, NO_ENDORSEMENT]]


def test_a_member_not_on_the_list_sees_no_open_vote(endorsing: SqlStore) -> None:
    open_vote(endorsing, eligible=(ADMIN,))
    at = signed_in(member_with(endorsing, "viewer")["email"], BALLOT)
    assert "No vote is open for you right now." in said(at)
    assert not at.radio


def test_an_admin_opens_a_vote_closes_it_and_sees_the_outcome(endorsing: SqlStore) -> None:
    race = council(endorsing)
    at = signed_in(ADMIN, "pages/endorsements.py", race=race["id"])
    assert "No vote yet." in said(at)
    click(at, "Open the vote")
    assert "The vote is open." in said(at)
    endorsing.clear_cache()
    (vote,) = endorsing.read("votes").to_dict("records")
    assert vote["status"] == "open" and vote["race_id"] == race["id"]
    assert voting.eligible_of(vote) == voting.active_emails(endorsing.read("members"))
    first = race["candidate_ids"][0]
    for email in voting.eligible_of(vote)[:3]:
        voting.submit(endorsing, vote["id"], email, first, False, datetime.now(UTC), KEY)

    at = signed_in(ADMIN, "pages/endorsements.py", race=race["id"])
    assert "3 of 8 have voted so far." in said(at)
    at.text_area(key=f"vote.{vote['id']}.close.reasons").set_value("Tenant protections.")
    click(at, "Close the vote now and count it")
    shown = said(at)
    assert "The vote is closed and counted." in shown
    assert "Outcome: Endorsed" in shown
    assert "The group's reasons: Tenant protections." in shown
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Turnout"] == "3 of 8 (38%)" and metrics["Threshold met"] == "Yes"
    (draft,) = at.code
    assert "Riverton Fair Housing endorses" in draft.value
    assert "with 3 of 3 votes, 100%" in draft.value
    assert voting.QUOTE_PLACEHOLDER in draft.value

    at = signed_in(
        member_with(endorsing, "viewer")["email"], "pages/candidates.py", candidate=first
    )
    assert "Endorsed by Riverton Fair Housing on" in said(at)
    assert "(100% of votes)" in said(at)


def test_no_ballot_page_for_a_501c3(endorsing: SqlStore) -> None:
    open_vote(endorsing)
    coalition.save_setting(
        endorsing, "tax_status", "501(c)(3)", ADMIN, endorsing.read_fresh("settings")
    )
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in AUTH.items():
        at.secrets[name] = value
    at.user = {"is_logged_in": True, "email": ADMIN}
    at.run()
    with pytest.raises(Exception):  # noqa: B017 - the page is not registered at all
        at.switch_page(BALLOT).run()
