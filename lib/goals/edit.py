"""Checking and saving the goals and framing rules admins type in Settings.

Each check returns a message per field, in words for the person who typed it, so a form can show
it beside the field and keep everything typed. A save writes the row and its audit row in one
write, with the permission checks (:func:`lib.outbox.check_op`) made by the store at that moment.
Rows are never deleted: archiving unticks ``active``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lib import audit, outbox, schema
from lib.goals.counting import whole_number
from lib.store import Store

FIELDS = {
    "goals": ("issue_id", "kind", "target", "race", "starts_on", "due", "description", "active"),
    "framing": ("priority", "issue_id", "text", "active"),
}
NOUNS = {"goals": "goal", "framing": "framing rule"}


@dataclass(frozen=True)
class Saved:
    record_id: str
    action: str  # added, edited, archived, restored; "" when nothing had changed


def _too_long(values: Mapping[str, Any], table: str, problems: dict[str, str]) -> None:
    """The contract's own refusals (a text longer than a cell holds), said per field."""
    spec = schema.table(table)
    for name in FIELDS[table]:
        if name in problems:
            continue
        try:
            schema.to_cell(spec.column(name), values.get(name))
        except schema.InvalidValue as error:
            problems[name] = error.message


def goal_problems(
    values: Mapping[str, Any], issue_ids: Collection[str], start_if_blank: date
) -> dict[str, str]:
    """What is wrong with a goal as typed, per field; empty when it may be saved.

    ``start_if_blank`` is where a goal without a start date starts: the day it was set.
    """
    problems: dict[str, str] = {}
    kind = values.get("kind") or ""
    issue = values.get("issue_id") or ""
    if kind not in schema.GOAL_KIND.labels:
        problems["kind"] = "Choose what the goal counts."
    if issue and issue not in issue_ids:
        problems["issue_id"] = "That issue is no longer in the list; choose another."
    elif not issue and kind != "candidates_met":
        problems["issue_id"] = "Choose the issue (only a goal of candidates met may go without)."
    if kind == "race_asked":
        if not str(values.get("race") or "").strip():
            problems["race"] = "Choose the race whose candidates are to be asked."
    elif whole_number(values.get("target") or "") is None:
        problems["target"] = (
            f"The target must be a whole number above zero, such as 5; {values.get('target')!r} "
            "is not."
            if str(values.get("target") or "").strip()
            else "Give the target: a whole number above zero, such as 5."
        )
    due, start = values.get("due"), values.get("starts_on") or start_if_blank
    if not isinstance(due, date):
        problems["due"] = "Choose the date to reach it by."
    elif due <= start:
        problems["due"] = f"The date to reach it by must be after its start ({start})."
    _too_long(values, "goals", problems)
    return problems


def framing_problems(values: Mapping[str, Any], issue_ids: Collection[str]) -> dict[str, str]:
    """What is wrong with a framing rule as typed, per field; empty when it may be saved."""
    problems: dict[str, str] = {}
    if not str(values.get("priority") or "").strip():
        problems["priority"] = "Say which priority of a candidate's this is for, such as economy."
    issue = values.get("issue_id") or ""
    if issue and issue not in issue_ids:
        problems["issue_id"] = "That issue is no longer in the list; choose another."
    if not str(values.get("text") or "").strip():
        problems["text"] = "Write how to present the issue to such a candidate."
    _too_long(values, "framing", problems)
    return problems


def cells(table: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The row's fields as stored text. A goal keeps only what its kind uses: a race for a race
    goal (whose target is how many run in it), a target for every other kind."""
    row = {name: values.get(name) for name in FIELDS[table]}
    if table == "goals":
        if row["kind"] == "race_asked":
            row["target"] = ""
        else:
            row["race"] = ""
            row["target"] = str(whole_number(row["target"]) or row["target"] or "")
        row["race"] = " ".join(str(row["race"] or "").split())
    if table == "framing":
        row["priority"] = " ".join(str(row["priority"] or "").split())
    row["active"] = True if row.get("active") is None else bool(row["active"])
    return schema.to_cells(table, row)


def _detail(table: str, row: Mapping[str, str]) -> str:
    if table == "goals":
        kind = schema.GOAL_KIND.label(row.get("kind", ""))
        target = row.get("target") or row.get("race", "")
        return f"{kind}: {target} by {row.get('due', '')}"
    return f"{row.get('priority', '')}: {row.get('text', '')}"


def save(
    store: Store,
    table: str,
    values: Mapping[str, Any],
    author: str,
    existing: Mapping[str, Any] | None = None,
    checks: Sequence[dict[str, Any]] = (),
) -> Saved:
    """Add the row (``existing`` None) or change the fields that differ from ``existing`` (as
    read, with the ``updated_at`` the person saw), with its audit row, in one write; ``checks``
    are made first, by the store, at the moment of writing. Raises what the store raises:
    :class:`lib.access.NotAllowed`, :class:`lib.store.ConflictError` (someone else changed it
    meanwhile), :class:`lib.store.StoreError`; nothing is written then."""
    row = cells(table, values)
    if existing is None:
        record_id = schema.new_id(table)
        ops = [
            outbox.append_op(table, [{**row, "id": record_id, "created_by": author}]),
            outbox.append_op(
                "audit", [audit.entry(author, "added", table, record_id, _detail(table, row))]
            ),
        ]
        outbox.apply_ops(store, [*checks, *ops])
        return Saved(record_id, "added")
    record_id = str(existing["id"])
    before = cells(table, existing)
    changes = {name: text for name, text in row.items() if text != before.get(name)}
    if not changes:
        return Saved(record_id, "")
    action = {"FALSE": "archived", "TRUE": "restored"}.get(changes.get("active", ""), "edited")
    ops = [
        outbox.update_op(table, record_id, changes, str(existing.get("updated_at") or "")),
        outbox.append_op(
            "audit", [audit.entry(author, action, table, record_id, _detail(table, row))]
        ),
    ]
    outbox.apply_ops(store, [*checks, *ops])
    return Saved(record_id, action)
