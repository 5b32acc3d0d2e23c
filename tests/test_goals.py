"""Coalition goals counted on a dataset made by hand: every kind, every state, the straight line."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib import goals, schema, visibility
from lib.goals import edit
from tests.shared import tables_of

TODAY = date(2026, 6, 1)
HOUSING, TRANSIT = "iss-housing", "iss-transit"


def crafted(*goal_rows: dict) -> dict[str, pd.DataFrame]:
    """Candidates in two races, their stances, commitments and meetings, and ``goal_rows``."""
    council = {"office": "City Council", "district": "3", "status": "running"}
    return tables_of(
        issues=[
            {"id": HOUSING, "name": "Housing fund"},
            {"id": TRANSIT, "name": "Transit", "active": "FALSE"},
        ],
        candidates=[
            {"id": "cand-a", "name": "Ada", **council},
            {"id": "cand-b", "name": "Ben", **council},
            {"id": "cand-w", "name": "Wes", **council, "status": "withdrawn"},
            {"id": "cand-c", "name": "Cy", "office": "Mayor", "status": "running"},
            {"id": "cand-d", "name": "Di", "office": "Mayor", "active": "FALSE"},
        ],
        positions=[
            # Ada: supports, then strongly supports; counted once.
            _position("cand-a", HOUSING, "supports", "2026-02-01", "int-a1"),
            _position("cand-a", HOUSING, "strongly_supports", "2026-05-02"),
            # Ben supported, then moved to opposes: his current stance does not count.
            _position("cand-b", HOUSING, "supports", "2026-02-01"),
            _position("cand-b", HOUSING, "opposes", "2026-04-01"),
            _position("cand-c", HOUSING, "supports", "2026-03-01"),
            # Di supports but is archived; Wes withdrew; Ben's support on transit is another issue.
            _position("cand-d", HOUSING, "supports", "2026-03-01"),
            _position("cand-w", HOUSING, "undecided", "2026-03-01"),
            _position("cand-b", TRANSIT, "supports", "2026-03-01"),
            # Kept from the shared screen: Cy's later, restricted, opposition.
            {
                **_position("cand-c", HOUSING, "strongly_opposes", "2026-05-20"),
                "visibility": "restricted",
            },
        ],
        commitments=[
            _commitment("cmt-1", HOUSING, "2026-05-10", "kept"),
            _commitment("cmt-2", HOUSING, "2026-04-01", "in_the_works"),  # before the start
            _commitment("cmt-3", HOUSING, "", "stalled", created="2026-05-20T10:00:00+00:00"),
            _commitment("cmt-4", TRANSIT, "2026-05-11", "kept"),  # another issue
        ],
        interactions=[
            _meeting("int-a1", "cand-a", "2026-05-02"),
            _meeting("int-a2", "cand-a", "2026-05-03"),  # Ada again: one candidate
            _meeting("int-b1", "cand-b", "2026-05-15"),
            _meeting("int-c1", "cand-c", "2026-04-01"),  # before the start
            _meeting("int-d1", "cand-d", "2026-06-02"),  # after today
        ],
        goals=list(goal_rows),
    )


def _position(candidate: str, issue: str, stance: str, on: str, meeting: str = "") -> dict:
    return {
        "id": f"pos-{candidate}-{issue}-{on}",
        "candidate_id": candidate,
        "issue_id": issue,
        "stance": stance,
        "as_of": on,
        "interaction_id": meeting,
        "visibility": "coalition",
        "created_at": f"{on}T12:00:00+00:00",
    }


def _commitment(
    record_id: str, issue: str, made_on: str, status: str, created: str = "2026-01-01T00:00:00Z"
) -> dict:
    return {
        "id": record_id,
        "candidate_id": "cand-a",
        "issue_id": issue,
        "text": "Will vote for it.",
        "made_on": made_on,
        "status": status,
        "visibility": "coalition",
        "created_at": created,
    }


def _meeting(record_id: str, candidate: str, on: str) -> dict:
    return {"id": record_id, "candidate_id": candidate, "date": on, "visibility": "coalition"}


def goal(kind: str, target: str = "", **fields: str) -> dict:
    return {
        "id": f"goal-{kind}",
        "issue_id": HOUSING,
        "kind": kind,
        "target": target,
        "starts_on": "2026-05-01",
        "due": "2026-12-31",
        "created_at": "2026-04-20T09:00:00+00:00",
        **fields,
    }


def one(row: dict, today: date = TODAY, audience: frozenset[str] | None = None):
    tables = crafted(row)
    if audience is not None:
        tables = visibility.visible_tables(tables, audience)
    (item,) = goals.progress(tables["goals"], tables, today)
    return item


# --- the straight line ------------------------------------------------------------------------


def test_the_straight_line_expects_a_share_of_the_target_by_each_day() -> None:
    start, due = date(2026, 1, 1), date(2026, 4, 11)  # 100 days
    assert goals.expected_by(5, start, due, date(2026, 3, 3)) == 4  # 61 days: 3.05, rounded up
    assert goals.expected_by(10, start, due, date(2026, 2, 20)) == 5  # 50 days: exactly half
    assert goals.expected_by(5, start, due, date(2025, 12, 1)) == 0  # before the start
    assert goals.expected_by(5, start, due, start) == 0
    assert goals.expected_by(5, start, due, due) == 5
    assert goals.expected_by(5, start, due, date(2027, 1, 1)) == 5  # after the date


# --- each kind --------------------------------------------------------------------------------


def test_candidates_at_supports_or_better_count_current_stances_of_active_candidates() -> None:
    item = one(goal("candidates_supporting", "5", starts_on="2026-01-01"))
    # Ada only: Cy's latest observation is opposition, Ben now opposes, Di is archived.
    assert item.value == 1
    assert (item.target, item.state) == (5, goals.BEHIND)
    # 151 of 364 days: 2.07 expected, rounded up.
    assert item.expected == 3
    assert item.sentence == (
        "Housing fund: 1 of 5 candidates at Supports or better by 2026-12-31 — behind "
        "(3 expected by now)"
    )
    assert item.fraction == pytest.approx(0.2)


def test_what_the_shared_screen_may_not_see_does_not_count() -> None:
    row = goal("candidates_supporting", "5", starts_on="2026-01-01")
    assert one(row).value == 1
    # Without Cy's restricted opposition his latest visible stance is support.
    assert one(row, audience=visibility.COALITION).value == 2


def test_commitments_made_count_from_the_start_with_the_recorded_day_when_undated() -> None:
    item = one(goal("commitments_made", "2", starts_on="2026-05-01", due="2026-07-01"))
    assert (item.value, item.target, item.state) == (2, 2, goals.MET)
    assert item.fraction == 1.0
    assert item.sentence == "Housing fund: 2 of 2 commitments made by 2026-07-01 — met"


def test_commitments_kept_past_their_date_are_missed() -> None:
    item = one(goal("commitments_kept", "3", starts_on="2026-01-01", due="2026-03-01"))
    assert (item.value, item.target, item.state) == (1, 3, goals.MISSED)
    assert item.sentence == (
        "Housing fund: 1 of 3 commitments kept by 2026-03-01 — missed (the date has passed)"
    )


def test_candidates_met_count_each_candidate_once_within_the_dates() -> None:
    item = one(goal("candidates_met", "4", issue_id=""))
    assert (item.value, item.target) == (2, 4)  # Ada (twice) and Ben; Cy before, Di after
    assert item.label == "All issues"
    # 31 of 244 days: 0.51 expected, so one by now, and two were met.
    assert (item.expected, item.state) == (1, goals.ON_TRACK)
    assert item.sentence == (
        "All issues: 2 of 4 candidates met by 2026-12-31 — on track (1 expected by now)"
    )


def test_candidates_met_on_an_issue_count_meetings_where_it_came_up() -> None:
    item = one(goal("candidates_met", "4"))
    assert item.value == 1  # only Ada's first meeting recorded a position on housing


def test_every_candidate_in_a_race_asked_counts_those_still_running() -> None:
    item = one(goal("race_asked", "", race="city council  3", due="2026-06-30"))
    # Ada and Ben run (Wes withdrew, Cy runs for mayor); both have a position on housing.
    assert (item.value, item.target, item.state) == (2, 2, goals.MET)
    assert item.sentence == (
        "Housing fund: 2 of 2 candidates in City Council 3 asked by 2026-06-30 — met"
    )


def test_a_race_goal_is_behind_when_candidates_are_not_asked_in_time() -> None:
    tables = crafted(goal("race_asked", "99", race="City Council 3", due="2026-06-30"))
    tables["positions"] = tables["positions"][tables["positions"]["candidate_id"] != "cand-b"]
    (item,) = goals.progress(tables["goals"], tables, TODAY)
    # The target is how many run, whatever the goal's own target says.
    assert (item.value, item.target) == (1, 2)
    assert (item.expected, item.state) == (2, goals.BEHIND)  # 31 of 60 days: 1.03, rounded up


# --- what cannot be read, and what is not shown -----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"target": "five"}, "its target 'five' is not a whole number above zero"),
        ({"target": "0"}, "its target '0' is not a whole number above zero"),
        ({"target": ""}, "it has no target"),
        ({"kind": "petitions"}, "its kind is blank or not one the app knows"),
        ({"issue_id": "iss-gone"}, "its issue 'iss-gone' is not in the coalition's list"),
        ({"issue_id": ""}, "it names no issue"),
        ({"kind": "race_asked", "race": ""}, "it names no race"),
        ({"kind": "race_asked", "race": "Dog catcher"}, "no active candidate runs in the race"),
        ({"due": ""}, "it has no date to reach it by"),
        ({"due": "someday"}, "it has no date to reach it by"),
        ({"due": "2026-04-01"}, "its date (2026-04-01) is not after its start (2026-05-01)"),
        ({"starts_on": "", "created_at": ""}, "it has no start date"),
    ],
)
def test_a_goal_that_cannot_be_read_says_why_and_counts_nothing(
    changes: dict[str, str], problem: str
) -> None:
    item = one({**goal("commitments_made", "3"), **changes})
    assert item.state == goals.UNREADABLE
    assert problem in item.problem
    assert (item.value, item.target, item.fraction) == (0, 0, 0.0)
    assert "this goal cannot be read" in item.sentence and "Settings" in item.sentence


def test_a_blank_start_is_the_day_the_goal_was_set() -> None:
    item = one(goal("commitments_made", "2", starts_on="", created_at="2026-05-05T08:00:00Z"))
    assert item.starts_on == "2026-05-05"
    assert item.value == 2  # made 2026-05-10 and recorded 2026-05-20


def test_archived_goals_are_left_out_and_the_rest_come_soonest_due_first() -> None:
    tables = crafted(
        goal("commitments_kept", "1", id="goal-late", due="2027-01-01"),
        goal("commitments_kept", "1", id="goal-soon", due="2026-09-01"),
        goal("commitments_kept", "1", id="goal-old", active="FALSE"),
        goal("commitments_kept", "x", id="goal-bad"),
    )
    ids = [item.goal_id for item in goals.progress_in(tables, TODAY)]
    assert ids == ["goal-soon", "goal-late", "goal-bad"]


def test_whole_numbers_are_read_as_people_type_them() -> None:
    assert [goals.whole_number(text) for text in ("5", " 12 ", "1,000", "0", "-3", "2.5", "")] == [
        5,
        12,
        1000,
        None,
        None,
        None,
        None,
    ]


# --- what admins type --------------------------------------------------------------------------


def test_a_goal_as_typed_is_checked_field_by_field() -> None:
    problems = edit.goal_problems(
        {"kind": "commitments_made", "issue_id": "", "target": "five", "due": date(2026, 1, 1)},
        {HOUSING},
        date(2026, 5, 1),
    )
    assert set(problems) == {"issue_id", "target", "due"}
    assert "whole number above zero" in problems["target"]
    assert "after its start (2026-05-01)" in problems["due"]
    fine = {
        "kind": "race_asked",
        "issue_id": HOUSING,
        "race": "City Council 3",
        "due": date(2026, 6, 1),
        "description": "=1+1",
    }
    assert edit.goal_problems(fine, {HOUSING}, date(2026, 5, 1)) == {}
    too_long = {**fine, "description": "x" * (schema.MAX_CELL_CHARS + 1)}
    assert (
        "at most 50,000" in edit.goal_problems(too_long, {HOUSING}, date(2026, 5, 1))["description"]
    )


def test_a_framing_rule_needs_a_priority_and_words() -> None:
    assert set(edit.framing_problems({"issue_id": "iss-gone"}, {HOUSING})) == {
        "priority",
        "issue_id",
        "text",
    }
    assert edit.framing_problems({"priority": "faith", "text": "@everyone"}, {HOUSING}) == {}
