"""Following up on commitments: a dated status update, written so a retry never doubles it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lib import analytics, schema
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


@dataclass
class StatusChange:
    """One commitment moving to a status, with the dated note that explains it."""

    commitment_id: str
    expected_updated_at: str
    status: str
    on: date
    note: str
    author: str
    update_id: str = field(default_factory=lambda: schema.new_id("updates"))
    commitment_saved: bool = False  # the first step landed; a retry only writes the rest


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


def apply_change(store: Store, change: StatusChange) -> None:
    """Write the commitment (checking nobody changed it meanwhile), then its history row.

    Raises ConflictError before writing anything if the commitment changed since it was read.
    """
    if not change.commitment_saved:
        store.update(
            "commitments",
            change.commitment_id,
            {"status": change.status},
            expected_updated_at=change.expected_updated_at,
        )
        change.commitment_saved = True
    store.append(
        "updates",
        [
            {
                "id": change.update_id,
                "commitment_id": change.commitment_id,
                "date": change.on,
                "status": change.status,
                "note": change.note,
                "created_by": change.author,
            }
        ],
    )
    store.append(
        "audit",
        [
            {
                "at": schema.now_stamp(),
                "by": change.author,
                "action": "updated status",
                "table": "commitments",
                "record_id": change.commitment_id,
                "detail": f"{schema.COMMITMENT_STATUS.label(change.status)}: {change.note}",
            }
        ],
    )


def apply_changes(store: Store, changes: list[StatusChange]) -> list[ConflictError]:
    """Apply each change; the ones someone else got to first are returned, not written."""
    conflicts = []
    for change in changes:
        try:
            apply_change(store, change)
        except ConflictError as conflict:
            conflicts.append(conflict)
    return conflicts


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
