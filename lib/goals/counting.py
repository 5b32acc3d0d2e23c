"""How far each coalition goal has come, as pure functions of the store's tables.

A goal is an issue, a measurable target and a date. What counts toward each kind:

- ``candidates_supporting``: active candidates whose current stance on the issue (the latest
  observation, :func:`lib.analytics.current_stances`) is *supports* or *strongly supports*.
- ``commitments_made``: commitments on the issue made on or after the goal's start (the date
  made, else the day the commitment was recorded).
- ``commitments_kept``: commitments on the issue whose status is *kept*, whenever made.
- ``candidates_met``: distinct candidates with a report of a meeting dated from the start to
  today. With an issue, only meetings where it came up count (a position or a commitment on the
  issue was recorded from that meeting); without one, every meeting counts.
- ``race_asked``: candidates in the race (active, neither withdrawn nor lost) with any recorded
  position on the issue; the target is how many candidates run in it, so the goal's own target
  is not used.

Only the rows given count: pages pass the tables the viewer may see, so a shared screen counts
only what the whole coalition may see. Progress is judged against a straight line from the
start (blank: the day the goal was set) to the due date: by a date a third of the way there, a
third of the target is expected. A goal whose target, kind, issue, race or dates cannot be read
is said to be unreadable, with the reason; nothing here raises on hand-edited data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property

import pandas as pd

from lib import analytics, schema
from lib.frames import among
from lib.text import plural

MET = "met"
ON_TRACK = "on track"
BEHIND = "behind"
MISSED = "missed"
UNREADABLE = "unreadable"
#: Every state in words, as a person reads it (never a colour alone).
STATE_LABELS = {
    MET: "Met",
    ON_TRACK: "On track",
    BEHIND: "Behind",
    MISSED: "Missed",
    UNREADABLE: "Cannot be read",
}
NO_ISSUE = "All issues"
#: Candidates who are out of a race are not asked any more.
OUT_OF_RACE = frozenset({"withdrawn", "lost"})
_WHOLE_NUMBER = re.compile(r"\d{1,3}(,\d{3})+|\d+")


@dataclass(frozen=True)
class GoalProgress:
    """One goal's standing on a day; ``sentence`` says it all in one line."""

    goal_id: str
    kind: str
    issue_id: str
    label: str  # the issue's name; "All issues"; the goal's own words when its issue is unknown
    description: str
    starts_on: str
    due: str
    value: int
    target: int  # 0 when unreadable
    fraction: float  # value / target, at most 1
    expected: int  # how many the straight line expects by today (rounded up)
    state: str
    sentence: str
    problem: str = ""  # why the goal cannot be read, for an unreadable one

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def whole_number(text: object) -> int | None:
    """A positive whole number typed as text ("5", " 1,000 "), else None."""
    cleaned = str(text).strip()
    if not _WHOLE_NUMBER.fullmatch(cleaned):
        return None
    number = int(cleaned.replace(",", ""))
    return number if number > 0 else None


def race_key(text: object) -> str:
    """A race as compared: case and spacing aside."""
    return " ".join(str(text).split()).casefold()


def expected_by(target: int, start: date, due: date, today: date) -> int:
    """How many the straight line from ``start`` (none) to ``due`` (all of ``target``) expects
    by ``today``, rounded up: with 5 to reach over 100 days, 61 days in, 4 are expected."""
    span = (due - start).days
    elapsed = min(max((today - start).days, 0), span)
    return math.ceil(Fraction(target * elapsed, span))


def progress(
    goals: pd.DataFrame, tables: dict[str, pd.DataFrame], today: date
) -> list[GoalProgress]:
    """The active goals' progress on ``today``, counted over ``tables``, soonest due first."""
    issue_names = analytics.labels(tables["issues"])  # two issues of one name told apart
    records = _Records(tables)
    shown = [_one(goal, records, issue_names, today) for goal in _rows(goals) if goal["active"]]
    return sorted(shown, key=lambda item: (item.state == UNREADABLE, item.due, item.label))


def progress_in(tables: dict[str, pd.DataFrame], today: date) -> list[GoalProgress]:
    """:func:`progress` of the goals among ``tables`` (the form ``ui.derived`` calls)."""
    return progress(tables["goals"], tables, today)


# --- one goal ----------------------------------------------------------------------------------


def _one(goal: dict, records: _Records, issue_names: dict[str, str], today: date) -> GoalProgress:
    kind, issue_id = str(goal["kind"]), str(goal["issue_id"])
    label = issue_names.get(issue_id) or (NO_ISSUE if not issue_id else _named(goal))
    start_text = str(goal["starts_on"]) or str(goal["created_at"])[:10]
    base = {
        "goal_id": str(goal["id"]),
        "kind": kind,
        "issue_id": issue_id,
        "label": label,
        "description": str(goal["description"]),
        "starts_on": start_text,
        "due": str(goal["due"]),
    }
    problem = _problem(goal, kind, issue_id, issue_names, start_text)
    target = whole_number(goal["target"])
    in_race: dict[str, str] = {}
    if not problem and kind == "race_asked":
        in_race = records.running_in(str(goal["race"]))
        target = len(in_race)
        if not target:
            problem = (
                f"no active candidate runs in the race {goal['race']!r}; check its spelling, or "
                "the candidates' office and district in Settings → Lists"
            )
    if problem or target is None:
        return _unreadable(base, problem or _target_problem(goal["target"]))
    start, due = _day(start_text), _day(str(goal["due"]))
    assert start is not None and due is not None  # _problem said otherwise
    value = _value(kind, issue_id, start, today, records, in_race)
    expected = expected_by(target, start, due, today)
    if value >= target:
        state = MET
    elif today > due:
        state = MISSED
    else:
        state = ON_TRACK if value >= expected else BEHIND
    return GoalProgress(
        **base,
        value=value,
        target=target,
        fraction=min(value / target, 1.0),
        expected=expected,
        state=state,
        sentence=_sentence(
            label,
            kind,
            value,
            target,
            # The race as its candidates' records word it, whatever the goal's spelling.
            next(iter(in_race.values()), str(goal["race"])),
            base["due"],
            state,
            expected,
        ),
    )


def _problem(goal: dict, kind: str, issue_id: str, issue_names: dict[str, str], start: str) -> str:
    """Why this goal cannot be counted, or ""."""
    if kind not in schema.GOAL_KIND.labels:
        # A kind the sheet spells in no known way reads as blank.
        known = ", ".join(schema.GOAL_KIND.labels.values())
        return f"its kind is blank or not one the app knows (one of: {known})"
    if issue_id and issue_id not in issue_names:
        return f"its issue {issue_id!r} is not in the coalition's list of issues"
    if not issue_id and kind != "candidates_met":
        return "it names no issue"
    if kind == "race_asked" and not str(goal["race"]).strip():
        return "it names no race"
    if _day(goal["due"]) is None:
        return "it has no date to reach it by"
    if _day(start) is None:
        return "it has no start date (and no record of when it was set)"
    if goal["due"] <= start:
        return f"its date ({goal['due']}) is not after its start ({start})"
    return ""


def _named(goal: dict) -> str:
    """A goal whose issue is unknown, as an admin would recognise it."""
    words = " ".join(str(goal["description"]).split())
    return f"{words[:60]}…" if len(words) > 60 else words or f"Goal {goal['id']}"


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _target_problem(target: object) -> str:
    text = str(target).strip()
    if not text:
        return "it has no target"
    return f"its target {text!r} is not a whole number above zero"


def _unreadable(base: dict, problem: str) -> GoalProgress:
    return GoalProgress(
        **base,
        value=0,
        target=0,
        fraction=0.0,
        expected=0,
        state=UNREADABLE,
        sentence=(
            f"{base['label']}: this goal cannot be read: {problem}. "
            "An admin can correct it in Settings → Goals and framing."
        ),
        problem=problem,
    )


class _Records:
    """The tables goals are counted from, with what several goals share worked out once. Goals
    are counted column by column: filtering whole tables, or reading columns into Python,
    costs a large coalition a tenth of a second."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables

    @cached_property
    def commitment_days(self) -> pd.Series:
        """The day each commitment was made, else the day it was recorded."""
        commitments = self.tables["commitments"]
        made = commitments["made_on"]
        return made.where(made != "", commitments["created_at"].str.slice(0, 10))

    @cached_property
    def races(self) -> dict[str, dict[str, str]]:
        """race (compared) -> {candidate: the race as worded} of the candidates still running."""
        candidates = self.tables["candidates"]
        running: dict[str, dict[str, str]] = {}
        for row in _rows(candidates[["id", "office", "district", "status", "active"]]):
            race = f"{row['office']} {row['district']}".strip()
            if row["active"] and row["status"] not in OUT_OF_RACE:
                running.setdefault(race_key(race), {})[row["id"]] = race
        return running

    def running_in(self, race: str) -> dict[str, str]:
        return self.races.get(race_key(race), {})

    @cached_property
    def active_candidates(self) -> set[str]:
        candidates = self.tables["candidates"]
        return set(candidates.loc[candidates["active"].astype(bool), "id"])


def _rows(frame: pd.DataFrame) -> list[dict]:
    """A small table's rows as dicts (pandas' own to_dict is slow on Arrow text)."""
    columns = list(frame.columns)
    return [
        dict(zip(columns, values, strict=True))
        for values in zip(*(frame[name].tolist() for name in columns), strict=True)
    ]


def _distinct(ids: pd.Series) -> int:
    """How many records: rows sharing an id (a row copied by hand) count once."""
    blank = ids == ""
    return int(ids[~blank].nunique() + blank.sum())


def _value(
    kind: str,
    issue_id: str,
    start: date,
    today: date,
    records: _Records,
    in_race: dict[str, str],
) -> int:
    since, until = start.isoformat(), today.isoformat()
    positions, commitments = records.tables["positions"], records.tables["commitments"]
    on_issue = commitments["issue_id"] == issue_id
    positions_on_issue = positions["issue_id"] == issue_id
    if kind == "candidates_supporting":
        stances = analytics.current_stances(positions[positions_on_issue])
        agreeing = set(stances.loc[stances["stance"].isin(analytics.AGREEING), "candidate_id"])
        return len(agreeing & records.active_candidates)
    if kind == "commitments_made":
        return _distinct(commitments["id"][on_issue & (records.commitment_days >= since)])
    if kind == "commitments_kept":
        return _distinct(commitments["id"][on_issue & (commitments["status"] == "kept")])
    if kind == "candidates_met":
        meetings = records.tables["interactions"]
        chosen = (meetings["date"] >= since) & (meetings["date"] <= until)
        if issue_id:
            raised = pd.concat(
                [
                    positions["interaction_id"][positions_on_issue],
                    commitments["interaction_id"][on_issue],
                ]
            )
            chosen &= among(meetings["id"], raised[raised != ""])
        met = meetings["candidate_id"][chosen]
        return int(met[met != ""].nunique())
    # race_asked
    asked = set(positions["candidate_id"][positions_on_issue].unique())
    return len(asked & set(in_race))


def _sentence(
    label: str,
    kind: str,
    value: int,
    target: int,
    race: str,
    due: str,
    state: str,
    expected: int,
) -> str:
    counted = {
        "candidates_supporting": "at Supports or better",
        "commitments_made": "made",
        "commitments_kept": "kept",
        "candidates_met": "met",
        "race_asked": f"in {' '.join(race.split())} asked",
    }[kind]
    noun = "commitment" if kind.startswith("commitments") else "candidate"
    head = f"{label}: {value:,} of {plural(target, noun)} {counted} by {due}"
    if state in (ON_TRACK, BEHIND):
        return f"{head} — {state} ({expected:,} expected by now)"
    if state == MISSED:
        return f"{head} — missed (the date has passed)"
    return f"{head} — met"
