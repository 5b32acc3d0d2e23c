"""How to present each coalition issue in the terms of a candidate's own priorities.

The suggestions below cover the priorities people name most (lib.schema.PRIORITY_TAGS). Admins add
the coalition's own rules in the ``framing`` table: a rule for a priority and an issue replaces the
suggestion for that pair, a rule with no issue speaks to every issue, and a rule may name a
priority the suggestions do not cover. Rules are written in plain words; ``{issue}`` and ``{ask}``
in them become the issue's name and its ask.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from lib import analytics, schema

COALITION_RULE = "coalition rule"
SUGGESTED = "suggested"

SUGGESTIONS: dict[str, str] = {
    "economy": (
        "Present {issue} as an investment in the local economy: it keeps working families "
        "earning and spending here, and every dollar put in comes back in wages, local spending "
        "and savings."
    ),
    "jobs": (
        "Present {issue} as a jobs measure: it helps people find and keep work, and helps "
        "employers fill and keep their positions."
    ),
    "health care": (
        "Connect {issue} to health: stable, secure families are healthier and need less of the "
        "costly emergency care that a crisis brings."
    ),
    "housing": (
        "Tie {issue} to housing stability: it helps families stay in their homes and keeps "
        "neighbourhoods together."
    ),
    "education": (
        "Link {issue} to education: children learn best when their families are stable and "
        "supported, and this helps make them so."
    ),
    "public safety": (
        "Present {issue} as public safety: secure households mean fewer crises on the street and "
        "less strain on police and emergency services."
    ),
    "environment": (
        "Relate {issue} to the environment: communities where people can live near work, school "
        "and care mean shorter commutes and cleaner air."
    ),
    "transportation": (
        "Connect {issue} to transportation: when people can live, work and find care close by, "
        "commutes shorten and roads and transit carry less strain."
    ),
    "taxes": (
        "Put {issue} in terms of taxpayers' money: prevention costs less than the emergency "
        "services and lost revenue that follow when it is missing."
    ),
    "immigration": (
        "Show what {issue} means for immigrant families: it reaches neighbours who are often left "
        "out, and strengthens the community they work and raise children in."
    ),
    "child care": (
        "Connect {issue} to child care: parents can work and children thrive when families have "
        "stable, affordable support."
    ),
}
_PLACEHOLDER = re.compile(r"\{(issue|ask)\}")


class Framing(NamedTuple):
    priority: str
    issue: str
    text: str
    source: str  # COALITION_RULE or SUGGESTED


def filled(template: str, issue: str, ask: str) -> str:
    """``template`` with ``{issue}`` and ``{ask}`` put in, in one pass: an issue named
    "{ask}" stays as typed, and nothing else in the text is read as a placeholder."""
    values = {"issue": issue, "ask": ask or issue}
    return _PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def _coalition_rules(framing_rows: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(folded priority, issue id or "") -> text of the active rules; where two rules say the
    same, the one changed last counts."""
    active = framing_rows[framing_rows["active"] & (framing_rows["text"].str.strip() != "")]
    active = active.sort_values(["updated_at", "created_at"], kind="stable")
    return {
        (schema.fold(priority), issue_id): text.strip()
        for priority, issue_id, text in zip(
            active["priority"], active["issue_id"], active["text"], strict=True
        )
        if schema.fold(priority)
    }


def framing_for(
    priorities: Sequence[str], issues: pd.DataFrame, framing_rows: pd.DataFrame
) -> list[Framing]:
    """For each priority (in the order given) and each active issue, how to present the issue:
    the coalition's rule for that issue, else its rule for every issue, else the suggestion.
    Within a priority, the coalition's rules come first."""
    rules = _coalition_rules(framing_rows)
    suggestions = {schema.fold(priority): text for priority, text in SUGGESTIONS.items()}
    active = issues[issues["active"]].sort_values("name", kind="stable")
    issue_labels = analytics.labels(active)
    found: list[Framing] = []
    seen: set[str] = set()
    for priority in priorities:
        folded = schema.fold(priority)
        if not folded or folded in seen:
            continue
        seen.add(folded)
        ruled, suggested = [], []
        for issue_id, ask in zip(active["id"], active["ask"], strict=True):
            name = issue_labels[issue_id]
            rule = rules.get((folded, issue_id)) or rules.get((folded, ""))
            if rule:
                ruled.append(Framing(priority, name, filled(rule, name, ask), COALITION_RULE))
            elif folded in suggestions:
                text = filled(suggestions[folded], name, ask)
                suggested.append(Framing(priority, name, text, SUGGESTED))
        found += ruled + suggested  # what the coalition chose to say comes first
    return found
