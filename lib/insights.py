"""Actionable insights: who in the coalition should carry which message to which candidate.

The matching rules are the table below: a candidate's priority (as they name it) and the partner
strengths that speak to it best. Edit the table to change the advice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pandas as pd

from lib import analytics, schema
from lib.frames import collected_by, latest_by

STRENGTHS_FOR_PRIORITY: dict[str, tuple[str, ...]] = {
    "economy": ("business voices", "labor"),
    "jobs": ("labor", "business voices"),
    "taxes": ("business voices", "policy research"),
    "health care": ("health professionals", "labor"),
    "housing": ("faith leaders", "grassroots turnout", "legal expertise"),
    "education": ("educators", "parents"),
    "child care": ("parents", "educators"),
    "public safety": ("faith leaders", "legal expertise"),
    "environment": ("youth organizing", "policy research"),
    "transportation": ("grassroots turnout", "policy research"),
    "immigration": ("immigrant communities", "legal expertise"),
}
NOT_MET_DAYS = 60
CAMPAIGNING = {"running", "in_office", ""}


def top_priority(candidate_priorities: str, said: list[str]) -> str | None:
    """The first priority on the candidate's record, else the one most named in reports."""
    listed = schema.split_list(candidate_priorities)
    if listed:
        return listed[0].lower()
    counts = Counter(tag.lower() for text in said for tag in schema.split_list(text))
    return counts.most_common(1)[0][0] if counts else None


def partners_for(priority: str, partners: pd.DataFrame) -> dict[str, list[str]]:
    """Strength -> active partners that have it, for the strengths this priority calls for."""
    active = partners[partners["active"]]
    # Keyed by id: two partners with one name are two partners, each with its own strengths.
    labels = analytics.labels(active, detail="kind")
    strengths = {
        partner: {s.lower() for s in schema.split_list(text)}
        for partner, text in zip(active["id"].tolist(), active["strengths"].tolist(), strict=True)
    }
    matches: dict[str, list[str]] = {}
    for strength in STRENGTHS_FOR_PRIORITY.get(priority, ()):
        names = sorted(labels[partner] for partner, has in strengths.items() if strength in has)
        if names:
            matches[strength] = names
    return matches


def priority_matches(tables: dict[str, pd.DataFrame]) -> list[str]:
    """ "Alma Reyes names the economy as a top priority; partners with business voices: ..."."""
    interactions = tables["interactions"]
    said = collected_by(interactions["candidate_id"], interactions["candidate_priorities"])
    labels = analytics.candidate_labels(tables["candidates"])
    sentences = []
    partners_by_priority: dict[str, dict[str, list[str]]] = {}
    for candidate in _campaigning(tables["candidates"]).itertuples():
        priority = top_priority(candidate.priorities, said.get(candidate.id, []))
        if priority is None:
            continue
        if priority not in partners_by_priority:
            partners_by_priority[priority] = partners_for(priority, tables["partners"])
        matches = partners_by_priority[priority]
        if not matches:
            continue
        who = "; ".join(
            f"partners with {strength}: {', '.join(names)}" for strength, names in matches.items()
        )
        sentences.append(f"{labels[candidate.id]} names {_the(priority)} as a top priority; {who}.")
    return sentences


def unowned_commitments(tables: dict[str, pd.DataFrame]) -> list[str]:
    commitments = tables["commitments"]
    orphans = commitments[analytics.is_open(commitments) & (commitments["owner"].str.strip() == "")]
    names = analytics.candidate_labels(tables["candidates"])
    return [
        f"No one owns the follow-up of {names.get(row.candidate_id, 'a candidate')}'s "
        f"commitment: {row.text}"
        for row in orphans.itertuples()
    ]


def not_met_recently(
    tables: dict[str, pd.DataFrame], today: date, days: int = NOT_MET_DAYS
) -> list[str]:
    interactions = tables["interactions"]
    last_met = latest_by(interactions["candidate_id"], interactions["date"])
    cutoff = (today - timedelta(days=days)).isoformat()
    labels = analytics.candidate_labels(tables["candidates"])
    sentences = []
    for candidate in _campaigning(tables["candidates"]).itertuples():
        met = last_met.get(candidate.id, "")
        if not met:
            sentences.append(f"Nobody has reported meeting {labels[candidate.id]} yet.")
        elif met < cutoff:
            sentences.append(
                f"Nobody has met {labels[candidate.id]} in {days} days (last report: {met})."
            )
    return sentences


def insights(tables: dict[str, pd.DataFrame], today: date) -> list[str]:
    return priority_matches(tables) + unowned_commitments(tables) + not_met_recently(tables, today)


def _campaigning(candidates: pd.DataFrame) -> pd.DataFrame:
    return candidates[candidates["active"] & candidates["status"].isin(CAMPAIGNING)].sort_values(
        "name"
    )


def _the(priority: str) -> str:
    """ "the economy", "health care": the article reads better for some priorities."""
    return f"the {priority}" if priority in {"economy", "environment"} else priority
