"""A race's endorsement timeline, from the Indivisible endorsements guide.

The guide puts the final endorsement four to five months before a general election and two to
three months before a primary, with at least a month of research. The proposal announces at the
later edge of that window (four months before a general, two before a primary), which leaves the
most time to prepare, and counts the other steps back from the announcement:

    prepare  A - 72 days   agree the rules, the questionnaire, who researches
    research A - 58 days   research starts (44 days before the review, more than a month)
    invite   A - 44 days   the same questionnaire and Q&A invitation to every candidate
    review   A - 14 days   the research and the answers, side by side
    vote     A - 7 days
    announce A

Each step is then a dated follow-up anyone may move; the warnings say when the plan is late or
has moved outside the guide's window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
from dateutil.relativedelta import relativedelta

from lib import audit, schema

STEPS = tuple(schema.ENDORSEMENT_STEP.values)  # prepare, research, invite, review, vote, announce
#: days before the announcement each step is due
DAYS_BEFORE_ANNOUNCEMENT = {
    "prepare": 72,
    "research": 58,
    "invite": 44,
    "review": 14,
    "vote": 7,
    "announce": 0,
}
#: (earliest, latest) months before the election for the final endorsement, per the guide
WINDOW_MONTHS = {"general": (5, 4), "primary": (3, 2)}
WINDOW_WORDS = {"general": "four to five months", "primary": "two to three months"}
MIN_RESEARCH_DAYS = 30
TITLES = {
    "prepare": "Prepare: agree the races, the voting rules, the questionnaire and who researches",
    "research": "Start the research: values, policies and viability, each with a source",
    "invite": "Send every candidate the same questionnaire and the same Q&A invitation",
    "review": "Review the research and every candidate's answers side by side",
    "vote": "Vote, by the rules agreed beforehand",
    "announce": "Announce the endorsement (or that there is none)",
}
#: each step as the subject of a sentence
NOUNS = {
    "prepare": "preparation",
    "research": "start of the research",
    "invite": "sending of the questionnaires and Q&A invitations",
    "review": "review",
    "vote": "vote",
    "announce": "announcement",
}


class NoTimeline(ValueError):
    """The race cannot have the guide's timeline; the message says why."""


def _check(election_date: date | None, stage: str) -> date:
    if stage not in WINDOW_MONTHS:
        raise NoTimeline(
            f"A race at the {schema.STAGE.label(stage).lower() or 'unknown'} stage has no "
            "endorsement timeline: the guide's schedule is for a primary or a general election."
        )
    if election_date is None:
        raise NoTimeline(
            "The race has no election date, so no timeline can be proposed: give its "
            "candidates an election date first."
        )
    return election_date


def announcement(election_date: date | None, stage: str) -> date:
    """When the guide would have the final endorsement made: four months before a general
    election, two before a primary."""
    election = _check(election_date, stage)
    return election - relativedelta(months=WINDOW_MONTHS[stage][1])


def window(election_date: date | None, stage: str) -> tuple[date, date]:
    """(earliest, latest) date of the final endorsement that the guide allows."""
    election = _check(election_date, stage)
    earliest, latest = WINDOW_MONTHS[stage]
    return election - relativedelta(months=earliest), election - relativedelta(months=latest)


def propose(election_date: date | None, stage: str) -> list[dict[str, Any]]:
    """The guide's steps for a race, in order: ``step``, ``title``, ``due`` (YYYY-MM-DD) and
    ``done``. Raises :class:`NoTimeline` for an in-office race or one without a date."""
    announced = announcement(election_date, stage)
    return [
        {
            "step": step,
            "title": TITLES[step],
            "due": (announced - timedelta(days=DAYS_BEFORE_ANNOUNCEMENT[step])).isoformat(),
            "done": False,
        }
        for step in STEPS
    ]


def step_id(race_id: str, step: str) -> str:
    """One id per race and step: proposing twice at once, or again after a lost answer, writes
    the same rows, which the store keeps once."""
    return "step-" + hashlib.sha256(f"{race_id}\x1f{step}".encode()).hexdigest()[:12]


def proposal_rows(
    race_id: str, race_title: str, proposal: Sequence[Mapping[str, Any]], author: str
) -> dict[str, list[dict[str, Any]]]:
    """The rows that save a proposal, for ``store.change``: every step and one audit row each."""
    steps = [
        {**step, "id": step_id(race_id, step["step"]), "race_id": race_id, "created_by": author}
        for step in proposal
    ]
    logged = [
        audit.entry(
            author, "planned", "endorsement_steps", row["id"], f"{race_title}: {row['title']}"
        )
        for row in steps
    ]
    return {"endorsement_steps": steps, "audit": logged}


def steps_of(race_id: str, steps: pd.DataFrame) -> pd.DataFrame:
    """A race's steps in the guide's order (a step typed twice, by due date)."""
    mine = steps[steps["race_id"] == race_id]
    order = mine["step"].map({step: at for at, step in enumerate(STEPS)}).fillna(len(STEPS))
    ordered = mine.assign(_order=order).sort_values(["_order", "due", "id"], kind="stable")
    return ordered.drop(columns="_order").reset_index(drop=True)


def _day(text: str) -> date | None:
    parsed = schema.parse_date(text) if text else None
    return date.fromisoformat(parsed) if parsed else None


def _first_due(steps: Sequence[Mapping[str, Any]], step: str) -> date | None:
    dues = [_day(str(row.get("due", ""))) for row in steps if row.get("step") == step]
    found = [due for due in dues if due is not None]
    return min(found) if found else None


def _made_on(steps: Sequence[Mapping[str, Any]], today: date) -> date:
    """When the plan was made: its first step's creation, or today for a proposal not saved."""
    made = [_day(str(row.get("created_at", ""))[:10]) for row in steps]
    known = [day for day in made if day is not None]
    return min(known) if known else today


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def warnings(
    steps: Sequence[Mapping[str, Any]], today: date, election_date: date | None, stage: str
) -> list[str]:
    """What is wrong with a race's plan, in sentences: a plan made too late to follow the guide,
    steps overdue, an announcement moved outside the guide's window, research cut below a month,
    steps out of order. ``steps`` are saved rows or a fresh :func:`propose`."""
    try:
        earliest, latest = window(election_date, stage)
    except NoTimeline as reason:
        return [str(reason)]
    found: list[str] = []
    prepare = _first_due(steps, "prepare")
    announce = _first_due(steps, "announce")
    made = _made_on(steps, today)
    late_start = prepare is not None and prepare < made
    if late_start:
        remain = (announce - today).days if announce else None
        if remain is None:
            left = "no announcement date is set"
        elif remain >= 0:
            left = f"{remain} day{'s' * (remain != 1)} remain before the final endorsement"
        else:
            left = f"the final endorsement was due {-remain} days ago"
        found.append(f"Following the guide, preparation should have started on {prepare}; {left}.")
    for row in steps:
        due = _day(str(row.get("due", "")))
        step = str(row.get("step", ""))
        if row.get("done") or due is None or due >= today:
            continue
        if step == "prepare" and late_start:
            continue  # said above, with what it means for the rest of the plan
        noun = NOUNS.get(step) or f"step “{row.get('title', '')}”"
        found.append(_sentence(f"the {noun} was due on {due} and is not done."))
    if announce is not None and not earliest <= announce <= latest:
        found.append(
            f"The announcement on {announce} is outside the guide's window for a "
            f"{stage} election: between {earliest} and {latest}, {WINDOW_WORDS[stage]} before "
            f"the election on {election_date}."
        )
    research, review = _first_due(steps, "research"), _first_due(steps, "review")
    if research is not None and review is not None and (review - research).days < MIN_RESEARCH_DAYS:
        found.append(
            f"Research has {(review - research).days} days before the review; the guide asks "
            f"for at least {MIN_RESEARCH_DAYS}."
        )
    dated = [(step, _first_due(steps, step)) for step in STEPS]
    dated = [(step, due) for step, due in dated if due is not None]
    for (before, first), (after, then) in zip(dated, dated[1:], strict=False):
        if then < first:
            found.append(
                _sentence(
                    f"the {NOUNS[after]} ({then}) comes before the {NOUNS[before]} ({first})."
                )
            )
    return found
