"""Planning a meeting from the briefing: the planned meeting other partners are warned of, and
a report draft that is ready when the meeting is over.

The report form (pages/report.py) keeps each tab's draft under the id of the report it will
become, as the values of its widgets' state keys. A draft made here uses the same keys, so
opening ``/report?draft=<id>`` shows the form filled in with the candidate, the date and the
objectives typed in the briefing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lib import audit, report, schema
from lib.text import Markdown, md

#: The report form's state keys all start with this (pages/report.py's ``key()``).
REPORT_STATE = "report."


@dataclass(frozen=True)
class Ids:
    """What a plan will be stored and drafted under, decided before the first attempt to save
    it, so pressing the button again after a failure never stores it twice."""

    plan: str
    report_draft: dict[str, Any]  # lib.report.new_draft(): the report's own ids

    @property
    def draft(self) -> str:
        return str(self.report_draft["id"])


def new_ids() -> Ids:
    return Ids(schema.new_id("planned_meetings"), report.new_draft())


def validate(day: date | None, objectives: str, visibility: str | None) -> dict[str, Markdown]:
    """Messages keyed by field (``date``, ``objectives``, ``visibility``); empty when all is
    well."""
    errors: dict[str, Markdown] = {}
    if day is None:
        errors["date"] = md("Give the date of the meeting.")
    if len(objectives) > schema.MAX_CELL_CHARS:
        errors["objectives"] = md(
            "This is {} characters; the most a field can hold is {}. Shorten it.",
            f"{len(objectives):,}",
            f"{schema.MAX_CELL_CHARS:,}",
        )
    if visibility not in schema.VISIBILITY.values:
        errors["visibility"] = md("Choose who may see this plan.")
    return errors


def planned_meeting(
    ids: Ids,
    candidate_id: str,
    day: date,
    objectives: str,
    visibility: str,
    *,
    partner_id: str,
    planned_by: str,
    author: str,
) -> dict[str, Any]:
    return {
        "id": ids.plan,
        "candidate_id": candidate_id,
        "date": day,
        "partner_id": partner_id,
        "planned_by": planned_by,
        "objectives": objectives.strip(),
        "visibility": visibility,
        "created_by": author,
    }


def writes(meeting: Mapping[str, Any], candidate_name: str, author: str) -> dict[str, list[dict]]:
    """The planned meeting and its audit row, to store together in one change."""
    detail = f"Meeting with {candidate_name} on {meeting['date']}"
    return {
        "planned_meetings": [dict(meeting)],
        "audit": [
            audit.entry(author, "planned meeting", "planned_meetings", meeting["id"], detail)
        ],
    }


def report_draft(
    ids: Ids,
    candidate_id: str,
    day: date,
    objectives: str,
    visibility: str,
    partner_ids: Iterable[str] = (),
) -> dict[str, Any]:
    """The report form's state for this meeting, as the form keeps its drafts; what the form
    starts with otherwise (the reporter's name, the setting) it fills in itself."""
    return {
        f"{REPORT_STATE}draft": ids.report_draft,
        f"{REPORT_STATE}candidate": candidate_id,
        f"{REPORT_STATE}date": day,
        f"{REPORT_STATE}objectives": objectives.strip(),
        f"{REPORT_STATE}visibility": visibility,
        f"{REPORT_STATE}partner_ids": list(partner_ids),
        # Tells the form this draft was prepared, not typed there and lost: nothing "is back".
        f"{REPORT_STATE}planned": True,
    }


def report_state(keys: Iterable[object]) -> list[str]:
    """The session's report-form state among ``keys``: dropped before opening a planned draft,
    so the form opens that draft rather than the one it had (which stays kept, and offered)."""
    return [key for key in keys if isinstance(key, str) and key.startswith(REPORT_STATE)]
