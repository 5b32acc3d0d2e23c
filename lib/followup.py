"""Following up on commitments: a dated status update, written so a retry never doubles it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lib import analytics, audit, charts, outbox, schema
from lib.store import ConflictError, Store, UnavailableError

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


def made_on(commitments: pd.DataFrame) -> date | None:
    """The latest day any of these commitments was made (made_on, else the day it was
    recorded): no update of theirs can be older."""
    days = [
        schema.parse_date(made) or schema.parse_date(str(created)[:10])
        for made, created in zip(commitments["made_on"], commitments["created_at"], strict=True)
    ]
    known = [date.fromisoformat(day) for day in days if day]
    return max(known, default=None)


def validate_change(
    status: str | None,
    on: date | None,
    note: str,
    today: date,
    not_before: date | None = None,
    *,
    several: bool = False,
) -> dict[str, str]:
    """What is wrong with a status update, by field. ``not_before`` is the day the commitment
    (of ``several``, the latest of them) was made."""
    errors = {}
    if status not in schema.COMMITMENT_STATUS.values:
        errors["status"] = "Choose the new status."
    if on is None:
        errors["date"] = "Give the date of this update."
    elif on > today:
        errors["date"] = "The date is in the future."
    elif not_before is not None and on < not_before:
        made = "the latest of these commitments was" if several else "the commitment was"
        errors["date"] = (
            f"The date is before {not_before}, when {made} made: an update cannot be older "
            "than its commitment."
        )
    if not note.strip():
        errors["note"] = "Say what happened: who checked, and what they found."
    elif len(note) > schema.MAX_CELL_CHARS:
        errors["note"] = (
            f"The note is {len(note):,} characters; the most it can hold is "
            f"{schema.MAX_CELL_CHARS:,}."
        )
    return errors


def already_recorded(change: StatusChange, updates: pd.DataFrame) -> pd.Series | None:
    """The history row that records this very update (same commitment, status, date, note and
    author), if one exists: pressing Save again after a lost answer or a server restart, whose
    new session no longer knows the first press, must not add it twice."""
    same = updates[
        (updates["commitment_id"] == change.commitment_id)
        & (updates["status"] == change.status)
        & (updates["date"] == change.on.isoformat())
        & (updates["note"].str.strip() == change.note.strip())
        & (updates["created_by"] == change.author)
    ]
    return None if same.empty else same.iloc[-1]


def is_latest(update: dict[str, str], updates: pd.DataFrame) -> bool:
    """Whether ``update`` (a complete updates row) would be its commitment's latest, in the very
    order the history shows (analytics.history), so the status and the history always agree."""
    combined = pd.concat([updates, pd.DataFrame([update])], ignore_index=True)
    return analytics.history(combined, update["commitment_id"]).iloc[-1]["id"] == update["id"]


def change_ops(change: StatusChange, updates: pd.DataFrame | None = None) -> list[dict]:
    """The writes of a status change: the commitment (checked against the version the person
    saw), its dated history row, and the audit row. Ids and stamps are decided here, once, and
    every cell is checked here, so a value too long for a cell stops the change before anything
    is written (schema.InvalidValue).

    With ``updates`` (the history so far), an update dated before the commitment's latest one
    goes into the history without changing the status; the commitment is still touched, so
    anyone who saw it before is told it changed.
    """
    dated = outbox.append_op(
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
    )
    row = dated["rows"][0]
    latest = updates is None or is_latest(row, updates)
    label = schema.COMMITMENT_STATUS.label(change.status)
    if latest:
        action, detail = "updated status", f"{label}: {change.note}"
    else:
        action = "added an earlier update"
        detail = f"{label} on {row['date']}, before the latest update; status unchanged: "
        detail += change.note
    return [
        outbox.update_op(
            "commitments",
            change.commitment_id,
            {"status": change.status} if latest else {},
            change.expected_updated_at,
        ),
        dated,
        outbox.append_op(
            "audit",
            [audit.entry(change.author, action, "commitments", change.commitment_id, detail)],
        ),
    ]


def commitment_op(ops: list[dict]) -> dict:
    """The write to the commitment itself among a change's writes."""
    return next(op for op in ops if op["op"] == "update" and op["table"] == "commitments")


def changes_status(ops: list[dict]) -> bool:
    """Whether the writes of :func:`change_ops` move the commitment's status."""
    return "status" in commitment_op(ops)["changes"]


@dataclass
class Outcome:
    saved: int = 0
    queued: int = 0
    conflicts: list[ConflictError] = field(default_factory=list)
    earlier: int = 0  # saved or queued, dated before the latest update: the status stayed


def out_of_date(commitments: pd.DataFrame, changes: list[list[dict]]) -> list[ConflictError]:
    """The changes whose commitment is gone, or changed since the version the person saw (a
    change of theirs that already landed, on an earlier try, aside)."""
    current = commitments.drop_duplicates("id").set_index("id")
    stale = []
    for ops in changes:
        update = commitment_op(ops)
        if update["id"] not in current.index:
            stale.append(
                ConflictError("commitments", update["id"], update["expected_updated_at"], {})
            )
            continue
        theirs = current.loc[update["id"]]
        if theirs["updated_at"] not in (
            update["expected_updated_at"],
            update["changes"]["updated_at"],
        ):
            stale.append(
                ConflictError(
                    "commitments",
                    update["id"],
                    update["expected_updated_at"],
                    {"id": update["id"], **theirs.to_dict()},
                )
            )
    return stale


def apply_changes(
    store: Store,
    queue: outbox.Outbox | None,
    changes: list[list[dict]],
    checks: Sequence[dict] = (),
) -> Outcome:
    """Apply every change's writes in one write, or none of them if any commitment is gone or
    was changed by someone else since the person saw it (reported in ``conflicts``). ``checks``
    (outbox.check_op) are made first, as part of the write. When the store does not answer, the
    changes wait in the outbox (with ``queue``), checked when sent, and still all together."""
    try:
        stale = out_of_date(store.read_fresh("commitments"), changes)
    except UnavailableError:
        stale = []
    if stale:
        return Outcome(conflicts=stale)
    label = "Commitment status update" + "s" * (len(changes) != 1)
    try:
        ops = [*checks, *(op for ops in changes for op in ops)]
        landed = outbox.write_or_queue(store, queue, label, ops)
    except ConflictError as conflict:  # changed between the look above and the write
        return Outcome(conflicts=[conflict])
    outcome = Outcome(earlier=sum(not changes_status(ops) for ops in changes))
    if landed:
        outcome.saved = len(changes)
    else:
        outcome.queued = len(changes)
    return outcome


@dataclass(frozen=True)
class Selection:
    """The commitments a person ticked in the table, by id, with the version (updated_at) of
    each as they last saw it, the filters they ticked them under, and the rows shown ticked."""

    versions: dict[str, str] = field(default_factory=dict)
    filters: object = None
    ticked: tuple[int, ...] = ()

    @property
    def ids(self) -> list[str]:
        return list(self.versions)


def reselect(
    before: Selection,
    ticked: Sequence[int],
    seen: Sequence[tuple[str, str]],
    shown: Sequence[tuple[str, str]],
    filters: object,
) -> tuple[Selection, list[str]]:
    """The selection for this run, and the ids let go because the person's filters hide them.

    The table reports ticked rows by position. A position only means something in the table as
    it was on screen when the person ticked it (``seen``: (id, updated_at) per row); the rows
    may have moved since (someone else's change, a filter), so the selection is kept by id and
    positions are never looked up in ``shown`` (this run's table). Chosen rows that left the
    list because the data changed stay chosen (a save then reports the change); rows the
    person's own new filters hide are let go.
    """
    on_screen = dict(reversed(seen))  # the first row of an id (a hand-made duplicate) wins
    if sorted(ticked) != sorted(before.ticked):
        ids = [seen[row][0] for row in ticked if 0 <= row < len(seen)]
        versions = {record_id: on_screen[record_id] for record_id in ids}
        hidden: list[str] = []
    else:
        versions = {
            record_id: on_screen.get(record_id, version)
            for record_id, version in before.versions.items()
        }
        present = {record_id for record_id, _ in shown}
        hidden = [] if filters == before.filters else [i for i in versions if i not in present]
        versions = {i: version for i, version in versions.items() if i not in hidden}
    position: dict[str, int] = {}
    for row, (record_id, _) in enumerate(shown):
        position.setdefault(record_id, row)
    rows = tuple(position[record_id] for record_id in versions if record_id in position)
    return Selection(versions, filters, rows), hidden


@dataclass(frozen=True)
class View:
    """The commitments page's data for one choice of filters."""

    shown: pd.DataFrame  # the commitments the filters let through
    overdue: pd.Series
    readable: pd.DataFrame  # the same, for people: names, labels and an Overdue column
    chart: charts.Chart


def view(tables: dict[str, pd.DataFrame], chosen: analytics.CommitmentFilters, today: date) -> View:
    shown = analytics.filter_commitments(
        tables["commitments"], chosen, today, tables["interactions"]
    )
    overdue = analytics.is_overdue(shown, today)
    table = readable(shown, tables)
    table.insert(4, "Overdue", overdue.map({True: "Overdue", False: ""}).to_numpy())
    chart = charts.status_bars(analytics.status_tally(shown, tables["candidates"]))
    return View(shown, overdue, table, chart)


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
