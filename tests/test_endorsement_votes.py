"""Endorsement votes: opening, anonymous and named ballots, one ballot per member even when many
vote at once, refusals that write nothing, the count and the runoff, and the announcement."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib import coalition, sample, schema
from lib.endorsements import NO_ENDORSEMENT, races, voting
from lib.store import Store
from lib.store.sql import SqlStore
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets

KEY = b"a-ballot-key-for-the-tests"
NOW = datetime.now(UTC)
ADMIN = "dana.okafor@example.org"
VOTE_TABLES = ("votes", "ballots", "voters", "audit")


def prepare(store: Store, extra_members: int = 0) -> None:
    """The sample coalition, as a 501(c)(4) with a third candidate in the council primary and
    ``extra_members`` more members who may vote."""
    sample.load_sample(store, date.today())
    coalition.save_setting(store, "tax_status", "501(c)(4)", ADMIN, store.read("settings"))
    race = council_race(store)
    store.append(
        "candidates",
        [
            {
                "id": "cand-third",
                "name": "Lena Ortiz",
                "office": race["office"],
                "district": race["district"],
                "election_date": race["election_date"],
                "stage": race["stage"],
                "status": "running",
                "active": True,
            }
        ],
    )
    store.append(
        "members",
        [
            {"email": f"member{n:02}@example.org", "name": f"Member {n}", "role": "viewer"}
            | {"active": True}
            for n in range(extra_members)
        ],
    )
    store.clear_cache()


def council_race(store: Store) -> dict:
    every = races.races(store.read("candidates"), store.read("races"))
    return every[every["title"].str.contains("Council")].iloc[0].to_dict()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The prepared database, made once: each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("votes") / "votes.db"
    made = SqlStore(f"sqlite:///{path}")
    made.ensure_schema()
    prepare(made, extra_members=22)
    made.engine.dispose()
    return path


@pytest.fixture
def store(prepared: Path, tmp_path: Path) -> SqlStore:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{prepared}{suffix}").exists():
            shutil.copy(f"{prepared}{suffix}", tmp_path / f"votes.db{suffix}")
    return SqlStore(f"sqlite:///{tmp_path / 'votes.db'}")


def open_one(store: Store, **rules: object) -> str:
    race = council_race(store)
    chosen = rules.pop("candidates", race["candidate_ids"])
    settings = {"method": "two_thirds", "closes_at": NOW + timedelta(days=2), **rules}
    return voting.start(store, race, chosen, voting.Rules(**settings), ADMIN, NOW, KEY)  # type: ignore[arg-type]


def vote_row(store: Store, vote_id: str) -> dict:
    return voting.fresh_vote(store, vote_id)


def filled(store: Store, vote_id: str) -> pd.DataFrame:
    ballots = store.read_fresh("ballots")
    return ballots[(ballots["vote_id"] == vote_id) & (ballots["choice"] != "")]


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {name: store.read_fresh(name).to_dict("records") for name in VOTE_TABLES}


def active(store: Store) -> list[str]:
    return voting.active_emails(store.read_fresh("members"))


# --- anonymity -----------------------------------------------------------------------------------


def test_no_stored_row_links_a_voter_to_their_choice_in_an_anonymous_vote(store: SqlStore) -> None:
    vote_id = open_one(store)
    before = vote_row(store, vote_id)
    ballots_before = store.read_fresh("ballots")["id"].tolist()
    choices = voting.choices_of(before)
    chose = {email: choices[n % len(choices)] for n, email in enumerate(active(store)[:7])}
    for email, choice in chose.items():
        voting.submit(store, vote_id, email, choice, False, NOW, KEY)

    mine = store.read_fresh("ballots")
    mine = mine[mine["vote_id"] == vote_id]
    assert set(mine["voter"]) == {""}
    assert schema.table("ballots").column_names == ("id", "vote_id", "choice", "voter", "pledge")
    # The ballots were laid out when the vote opened, by id; voting added none and moved none.
    assert store.read_fresh("ballots")["id"].tolist() == ballots_before
    assert mine["id"].tolist() == sorted(mine["id"])
    assert sorted(filled(store, vote_id)["choice"]) == sorted(chose.values())
    # The vote itself is untouched by voting: it lists every member and every candidate alike.
    assert vote_row(store, vote_id) == before
    for name in ("ballots", "voters", "audit"):
        for row in store.read_fresh(name).to_dict("records"):
            text = " ".join(str(value) for value in row.values())
            for email, choice in chose.items():
                linked = email in text and choice in text
                assert not linked, f"{name} row links {email} to {choice}: {row}"
    voters = store.read_fresh("voters")
    assert sorted(voters[voters["vote_id"] == vote_id]["voter"]) == sorted(chose)
    audit = store.read_fresh("audit")
    voted = audit[audit["action"] == "voted"]
    assert len(voted) == len(chose) and set(voted["table"]) == {"voters"}


def test_a_ballot_id_needs_the_key() -> None:
    first = voting.ballot_id(KEY, "vote-1", "Jo@Example.org ")
    assert first == voting.ballot_id(KEY, "vote-1", "jo@example.org")
    assert first != voting.ballot_id(b"another key", "vote-1", "jo@example.org")
    assert first != voting.ballot_id(KEY, "vote-2", "jo@example.org")
    assert first.startswith("blt-") and len(first) == 4 + 16


def test_a_named_vote_stores_the_voter(store: SqlStore) -> None:
    vote_id = open_one(store, anonymous=False)
    email = active(store)[0]
    race = council_race(store)
    voting.submit(store, vote_id, email, race["candidate_ids"][0], False, NOW, KEY)
    ballot = filled(store, vote_id)
    assert ballot[["voter", "choice"]].values.tolist() == [[email, race["candidate_ids"][0]]]


def test_a_second_ballot_replaces_the_first(store: SqlStore) -> None:
    vote_id = open_one(store)
    email = active(store)[3]
    first, second = council_race(store)["candidate_ids"][:2]
    assert voting.submit(store, vote_id, email, first, False, NOW, KEY) is False
    assert voting.submit(store, vote_id, email, second, False, NOW, KEY) is True
    assert filled(store, vote_id)["choice"].tolist() == [second]
    voters = store.read_fresh("voters")
    assert len(voters[voters["vote_id"] == vote_id]) == 1
    actions = store.read_fresh("audit")["action"].tolist()
    assert actions.count("voted") == 1 and actions.count("changed their vote") == 1


# --- many at once --------------------------------------------------------------------------------


def vote_at_once(stores: list[Store], vote_id: str, emails: list[str], choice: str) -> list:
    """Every member votes from their own session (their own store object) at the same moment."""
    start = threading.Barrier(len(emails))
    failures: list = []

    def one(store: Store, email: str) -> None:
        start.wait()
        try:
            voting.submit(store, vote_id, email, choice, False, datetime.now(UTC), KEY)
        except Exception as error:  # reported below, with the member
            failures.append((email, error))

    threads = [
        threading.Thread(target=one, args=(own, email))
        for own, email in zip(stores, emails, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def check_twenty(store: Store, make: Callable[[], Store]) -> None:
    vote_id = open_one(store)
    emails = active(store)[:20]
    choice = council_race(store)["candidate_ids"][0]
    assert vote_at_once([make() for _ in emails], vote_id, emails, choice) == []
    store.clear_cache()
    ballots = filled(store, vote_id)
    assert len(ballots) == 20 and ballots["id"].is_unique
    voters = store.read_fresh("voters")
    assert sorted(voters[voters["vote_id"] == vote_id]["voter"]) == sorted(emails)
    assert store.read_fresh("audit")["action"].tolist().count("voted") == 20


def test_twenty_members_voting_at_once_give_twenty_ballots(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'votes.db'}"
    store = SqlStore(url)
    store.ensure_schema()
    prepare(store, extra_members=22)
    check_twenty(store, lambda: SqlStore(url))


def test_twenty_members_voting_at_once_on_a_google_sheet() -> None:
    fake = FakeSheets()
    key = fake.create_spreadsheet("Coalition Tracker")
    store = sheet_store(fake, key)
    store.ensure_schema()
    prepare(store, extra_members=22)
    check_twenty(store, lambda: sheet_store(fake, key))


# --- refusals write nothing ----------------------------------------------------------------------


def refused(store: Store, vote_id: str, email: str, choice: str, **options: object) -> str:
    before = snapshot(store)
    settings = {"pledge": False, "now": NOW, "key": KEY, **options}
    with pytest.raises(voting.VoteRefused) as caught:
        voting.submit(store, vote_id, email, choice, **settings)  # type: ignore[arg-type]
    assert snapshot(store) == before
    return str(caught.value)


def test_a_member_not_on_the_chosen_list_is_refused(store: SqlStore) -> None:
    members = active(store)
    vote_id = open_one(store, eligible=tuple(members[:3]))
    assert voting.eligible_of(vote_row(store, vote_id)) == sorted(members[:3])
    choice = council_race(store)["candidate_ids"][0]
    assert "not on this vote's list" in refused(store, vote_id, members[5], choice)


def test_a_deactivated_member_is_refused(store: SqlStore) -> None:
    vote_id = open_one(store)
    email = active(store)[4]
    store.update("members", email, {"active": False})
    choice = council_race(store)["candidate_ids"][0]
    assert "access was removed" in refused(store, vote_id, email, choice)


def test_a_member_added_after_the_opening_cannot_vote(store: SqlStore) -> None:
    vote_id = open_one(store)
    store.append("members", [{"email": "late@example.org", "name": "Late", "active": True}])
    choice = council_race(store)["candidate_ids"][0]
    assert "not on this vote's list" in refused(store, vote_id, "late@example.org", choice)


def test_after_the_close_nobody_votes(store: SqlStore) -> None:
    vote_id = open_one(store)
    email = active(store)[0]
    choice = council_race(store)["candidate_ids"][0]
    later = NOW + timedelta(days=2, seconds=1)
    assert "closed" in refused(store, vote_id, email, choice, now=later)
    voting.finish(store, vote_id, "", ADMIN, NOW, KEY)
    assert "closed" in refused(store, vote_id, email, choice)


def test_a_501c3_takes_no_ballots(store: SqlStore) -> None:
    vote_id = open_one(store)
    coalition.save_setting(store, "tax_status", "501(c)(3)", ADMIN, store.read_fresh("settings"))
    choice = council_race(store)["candidate_ids"][0]
    assert "Endorsements are off" in refused(store, vote_id, active(store)[0], choice)


def test_a_choice_the_vote_did_not_offer_and_a_missing_pledge_are_refused(
    store: SqlStore,
) -> None:
    vote_id = open_one(store, no_endorsement_option=False, pledge=True)
    email = active(store)[0]
    assert "not one of this vote's choices" in refused(store, vote_id, email, NO_ENDORSEMENT)
    choice = council_race(store)["candidate_ids"][0]
    assert "pledge" in refused(store, vote_id, email, choice)
    voting.submit(store, vote_id, email, choice, True, NOW, KEY)
    assert filled(store, vote_id)["pledge"].tolist() == [True]


def test_only_an_admin_opens_or_closes_a_vote(store: SqlStore) -> None:
    from lib.access import NotAllowed

    race = council_race(store)
    staff = "rafael.quintero@example.org"
    rules = voting.Rules("majority", NOW + timedelta(days=1))
    with pytest.raises(NotAllowed):
        voting.start(store, race, race["candidate_ids"], rules, staff, NOW, KEY)
    vote_id = open_one(store)
    with pytest.raises(NotAllowed):
        voting.finish(store, vote_id, "", staff, NOW, KEY)
    assert vote_row(store, vote_id)["status"] == "open"


@pytest.mark.parametrize(
    ("vote", "why"),
    [
        ({"status": "open", "closes_at": "next Tuesday"}, "closing time cannot be read"),
        ({"status": "open", "closes_at": ""}, "closing time cannot be read"),
        ({"status": "closed", "closes_at": "2999-01-01T00:00:00+00:00"}, "closed"),
    ],
)
def test_a_vote_whose_state_cannot_be_read_takes_no_ballots(vote: dict, why: str) -> None:
    row = {"id": "vote-x", "eligible": "jo@example.org", "candidate_ids": "cand-a", **vote}
    assert not voting.takes_ballots(row, NOW)
    with pytest.raises(voting.VoteRefused, match=why):
        voting.cast(
            row, "jo@example.org", "cand-a", False, NOW, KEY, ballot_stored=True, voted_before=False
        )


# --- opening rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"closes_at": NOW - timedelta(minutes=1)}, "closes_at"),
        ({"min_turnout": 101.0}, "min_turnout"),
        ({"min_turnout": -1.0}, "min_turnout"),
        ({"candidates": []}, "candidate_ids"),
        ({"candidates": ["cand-elsewhere"]}, "candidate_ids"),
        ({"eligible": ("stranger@example.net",)}, "eligible"),
        ({"method": "loudest"}, "method"),
    ],
)
def test_rules_that_cannot_work_are_refused(store: SqlStore, change: dict, column: str) -> None:
    before = snapshot(store)
    with pytest.raises(schema.InvalidValue) as caught:
        open_one(store, **change)
    assert caught.value.column == column
    assert snapshot(store) == before


def test_the_pledge_is_for_primaries_only(store: SqlStore) -> None:
    every = races.races(store.read("candidates"), store.read("races"))
    general = every[every["stage"] == "general"].iloc[0].to_dict()
    rules = voting.Rules("majority", NOW + timedelta(days=1), pledge=True)
    with pytest.raises(schema.InvalidValue, match="primaries"):
        voting.start(store, general, general["candidate_ids"], rules, ADMIN, NOW, KEY)


def test_the_eligible_members_are_fixed_when_the_vote_opens(store: SqlStore) -> None:
    vote_id = open_one(store)
    vote = vote_row(store, vote_id)
    assert voting.eligible_of(vote) == active(store)
    ballots = store.read_fresh("ballots")
    assert (ballots["vote_id"] == vote_id).sum() == len(active(store))
    store.update("members", active(store)[0], {"active": False})
    assert voting.eligible_of(vote_row(store, vote_id)) == voting.eligible_of(vote)


# --- closing and counting ------------------------------------------------------------------------


def vote_many(store: Store, vote_id: str, plan: dict[str, int]) -> None:
    emails = iter(active(store))
    for choice, n in plan.items():
        for _ in range(n):
            voting.submit(store, vote_id, next(emails), choice, False, NOW, KEY)


def test_closing_counts_the_ballots_and_records_the_outcome(store: SqlStore) -> None:
    first, second, third = council_race(store)["candidate_ids"]
    vote_id = open_one(store, candidates=[first, second], eligible=tuple(active(store)[:9]))
    vote_many(store, vote_id, {first: 6, NO_ENDORSEMENT: 2})
    closed = voting.finish(store, vote_id, "Housing *first*.", ADMIN, NOW, KEY)
    assert closed["status"] == "closed" and closed["closed_at"]
    assert closed["outcome"] == "endorsed" and closed["winner"] == first
    assert voting.parse_counts(closed["counts"]) == {first: 6, NO_ENDORSEMENT: 2, second: 0}
    assert closed["reasons"] == "Housing *first*."
    result = voting.result_of(closed)
    assert result is not None
    assert (result.cast, result.eligible, result.threshold_met) == (8, 9, True)
    with pytest.raises(voting.VoteRefused, match="already"):
        voting.finish(store, vote_id, "", ADMIN, NOW, KEY)
    assert [e.votes_for for e in voting.endorsements_of(first, store.read_fresh("votes"))] == [6]


def test_a_runoff_opens_between_the_top_two(store: SqlStore) -> None:
    first, second, third = council_race(store)["candidate_ids"]
    vote_id = open_one(store, candidates=[first, second, third])
    vote_many(store, vote_id, {second: 4, first: 3, third: 2})
    with pytest.raises(schema.InvalidValue, match="runoff"):
        voting.finish(store, vote_id, "", ADMIN, NOW, KEY)
    # Closed, so no ballot arrives, but not counted until the runoff has a closing time.
    assert vote_row(store, vote_id)["status"] == "closed"
    assert not vote_row(store, vote_id)["outcome"]
    runoff_closes = NOW + timedelta(days=5)
    closed = voting.finish(store, vote_id, "", ADMIN, NOW, KEY, runoff_closes)
    assert closed["outcome"] == "runoff" and not closed["winner"]
    votes = store.read_fresh("votes")
    runoff = votes[votes["previous_vote_id"] == vote_id].iloc[0].to_dict()
    assert schema.split_list(runoff["candidate_ids"]) == [second, first]
    assert (runoff["status"], runoff["round"], runoff["race_id"]) == (
        "open",
        "2",
        closed["race_id"],
    )
    assert runoff["eligible"] == closed["eligible"] and runoff["method"] == closed["method"]
    assert voting.moment(runoff["closes_at"]) == runoff_closes.replace(microsecond=0)
    voting.submit(store, runoff["id"], active(store)[0], first, False, NOW, KEY)
    assert len(filled(store, runoff["id"])) == 1


def test_a_hand_copied_ballot_counts_once(store: SqlStore) -> None:
    first = council_race(store)["candidate_ids"][0]
    vote_id = open_one(store, eligible=tuple(active(store)[:3]))
    vote_many(store, vote_id, {first: 2})
    ballots = store.read_fresh("ballots")
    copied = pd.concat([ballots, filled(store, vote_id).iloc[:1]], ignore_index=True)
    vote = vote_row(store, vote_id)
    writes = voting.close_vote(vote, copied, NOW, "", ADMIN, key=KEY)
    (edit,) = writes.edits
    assert voting.parse_counts(edit.changes["counts"])[first] == 2
    copied.loc[len(copied) - 1, "choice"] = NO_ENDORSEMENT
    with pytest.raises(voting.VoteRefused, match="appears twice"):
        voting.close_vote(vote, copied, NOW, "", ADMIN, key=KEY)


def test_a_ballot_typed_in_by_hand_stops_the_count(store: SqlStore) -> None:
    first = council_race(store)["candidate_ids"][0]
    vote_id = open_one(store)
    store.append("ballots", [{"id": "blt-stuffed", "vote_id": vote_id, "choice": first}])
    with pytest.raises(voting.VoteRefused, match="no eligible member"):
        voting.finish(store, vote_id, "", ADMIN, NOW, KEY)
    assert not vote_row(store, vote_id)["outcome"]


# --- the announcement ----------------------------------------------------------------------------


def test_the_announcement_says_who_for_what_by_how_much_and_why() -> None:
    vote = {
        "id": "vote-1",
        "outcome": "endorsed",
        "winner": "cand-a",
        "counts": "cand-a: 7; no_endorsement: 2",
        "reasons": "She wrote the *tenant* [protection](http://x) bill.",
        "closed_at": "2027-01-20T18:00:00+00:00",
    }
    race = {
        "office": "Riverton City Council",
        "district": "03",
        "election_date": "2027-02-16",
        "stage": "primary",
    }
    text = voting.announcement("Riverton Fair Housing", vote, {"name": "Inés Márquez"}, race)
    assert text.startswith(
        "# Riverton Fair Housing endorses Inés Márquez for Riverton City Council, District 03"
    )
    assert "January 20, 2027" in text
    assert "in the primary election on February 16, 2027, with 7 of 9 votes, 78%." in text
    assert r"She wrote the \*tenant\* \[protection\](http://x) bill." in text
    assert voting.QUOTE_PLACEHOLDER in text
    with pytest.raises(ValueError):
        voting.announcement("Group", {**vote, "outcome": "runoff"}, {}, race)


# --- the key -------------------------------------------------------------------------------------


def test_the_ballot_key_comes_from_the_secrets_never_from_the_data() -> None:
    assert voting.ballot_key({"endorsements": {"ballot_key": " own "}}) == b"own"
    derived = voting.ballot_key({"auth": {"cookie_secret": "cookie"}})
    assert derived is not None and derived != b"cookie" and len(derived) == 32
    both = {"endorsements": {"ballot_key": "own"}, "auth": {"cookie_secret": "cookie"}}
    assert voting.ballot_key(both) == b"own"
    assert voting.ballot_key({}) is None
    assert voting.ballot_key({"auth": {"cookie_secret": " "}}) is None


def test_without_a_key_nobody_votes(store: SqlStore) -> None:
    vote_id = open_one(store)
    choice = council_race(store)["candidate_ids"][0]
    assert "sign-in" in refused(store, vote_id, active(store)[0], choice, key=None)


def test_a_vote_typed_in_by_hand_takes_ballots_as_they_come(store: SqlStore) -> None:
    race = council_race(store)
    email = active(store)[0]
    store.append(
        "votes",
        [
            {
                "id": "vote-typed",
                "race_id": race["id"],
                "candidate_ids": race["candidate_ids"],
                "method": "majority",
                "eligible": [email],
                "closes_at": (NOW + timedelta(days=1)).isoformat(),
                "status": "open",
            }
        ],
    )
    first, second = race["candidate_ids"][:2]
    voting.submit(store, "vote-typed", email, first, False, NOW, KEY)
    voting.submit(store, "vote-typed", email, second, False, NOW, KEY)
    ballots = filled(store, "vote-typed")
    assert ballots[["id", "choice"]].values.tolist() == [
        [voting.ballot_id(KEY, "vote-typed", email), second]
    ]


def test_one_open_vote_per_race(store: SqlStore) -> None:
    open_one(store)
    before = snapshot(store)
    with pytest.raises(voting.VoteRefused, match="open already"):
        open_one(store)
    assert snapshot(store) == before


def test_a_cancelled_vote_takes_no_ballots_and_is_never_counted(store: SqlStore) -> None:
    vote_id = open_one(store)
    voting.cancel(store, vote_id, ADMIN, NOW)
    assert vote_row(store, vote_id)["status"] == "cancelled"
    choice = council_race(store)["candidate_ids"][0]
    assert "closed" in refused(store, vote_id, active(store)[0], choice)
    with pytest.raises(voting.VoteRefused, match="cancelled"):
        voting.finish(store, vote_id, "", ADMIN, NOW, KEY)
    open_one(store)  # the race may vote again
