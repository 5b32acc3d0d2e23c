"""Following up on commitments: a dated status update, written so a retry never doubles it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lib import analytics, outbox, schema
from lib.store import ConflictError, Store

COMMITMENT_COLUMNS = {
    "Candidate": "candidate",
    "Commitment": "text",
    "Status": "status_label",
    "Follow up by": "follow_up_by",
    "Owner": "owner",
    "Issue": "issue",
    "Made on": "made_on",
    "Visibility": "visibility_label",
    "Id": "id",
}


@dataclass(frozen=True)
class StatusChange:
    """One commitment moving to a status, with the dated note that explains it."""

    commitment_id: str
    expected_updated_at: str
    status: str
    on: date
    note: str
    author: str


def validate_change(status: str | None, on: date | None, note: str, today: date) -> dict[str, str]:
    errors = {}
    if status not in schema.COMMITMENT_STATUS.values:
        errors["status"] = "Choose the new status."
    if on is None:
        errors["date"] = "Give the date of this update."
    elif on > today:
        errors["date"] = "The date is in the future."
    if not note.strip():
        errors["note"] = "Say what happened: who checked, and what they found."
    elif len(note) > schema.MAX_CELL_CHARS:
        errors["note"] = (
            f"The note is {len(note):,} characters; the most it can hold is "
            f"{schema.MAX_CELL_CHARS:,}."
        )
    return errors


def change_ops(change: StatusChange) -> list[dict]:
    """The writes of a status change: the commitment (checked against the version the person
    saw), its dated history row, and the audit row. Ids and stamps are decided here, once."""
    return [
        outbox.update_op(
            "commitments",
            change.commitment_id,
            {"status": change.status},
            change.expected_updated_at,
        ),
        outbox.append_op(
            "updates",
            [
                {
                    "commitment_id": change.commitment_id,
                    "date": change.on,
                    "status": change.status,
                    "note": change.note,
                    "created_by": change.author,
                }
            ],
        ),
        outbox.append_op(
            "audit",
            [
                {
                    "by": change.author,
                    "action": "updated status",
                    "table": "commitments",
                    "record_id": change.commitment_id,
                    "detail": f"{schema.COMMITMENT_STATUS.label(change.status)}: {change.note}",
                }
            ],
        ),
    ]


@dataclass
class Outcome:
    saved: int = 0
    queued: int = 0
    conflicts: list[ConflictError] = field(default_factory=list)


def apply_changes(store: Store, queue: outbox.Outbox | None, changes: list[list[dict]]) -> Outcome:
    """Apply each change's writes. One someone else got to first is reported, not written; when
    the store does not answer, the change waits in the outbox (with ``queue``)."""
    outcome = Outcome()
    for ops in changes:
        try:
            landed = outbox.write_or_queue(store, queue, "Commitment status update", ops)
        except ConflictError as conflict:
            outcome.conflicts.append(conflict)
            continue
        if landed:
            outcome.saved += 1
        else:
            outcome.queued += 1
    return outcome


def readable(commitments: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Commitments with names and labels instead of ids and codes, for tables and exports."""
    candidate_names = analytics.names(tables["candidates"])
    issue_names = analytics.names(tables["issues"])
    shown = pd.DataFrame(
        {
            "candidate": analytics.name_of(commitments["candidate_id"], candidate_names),
            "text": commitments["text"],
            "status_label": schema.COMMITMENT_STATUS.label_all(commitments["status"]),
            "follow_up_by": commitments["follow_up_by"],
            "owner": commitments["owner"],
            "issue": analytics.name_of(commitments["issue_id"], issue_names),
            "made_on": commitments["made_on"],
            "visibility_label": schema.VISIBILITY.label_all(commitments["visibility"]),
            "id": commitments["id"],
        }
    )
    shown.columns = list(COMMITMENT_COLUMNS)
    return shown
