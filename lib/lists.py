"""The coalition's own lists (issues, partner organisations, candidates), edited as tables.

The Settings page shows each list in an editable table. What the user changed is worked out here:
:func:`plan_changes` compares the edited table with the one shown and returns the rows to add and,
for every changed row, only the fields that changed together with the version (``updated_at``) the
user saw, so that :func:`save` can refuse to overwrite a change someone else made meanwhile.
Records are never deleted: archiving unticks ``active``, and past reports keep pointing at them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from lib import audit, schema
from lib.store import ConflictError, Edit, NotFoundError, Store, StoreError
from lib.text import safe_url

#: The editable fields of each list, in the order the table shows them: Active right after the
#: name, so archiving is always in view however wide the table.
FIELDS: dict[str, tuple[str, ...]] = {
    "issues": ("name", "active", "ask", "description"),
    "partners": (
        "name",
        "active",
        "kind",
        "strengths",
        "tax_status",
        "contact_name",
        "contact_email",
        "notes",
    ),
    "candidates": (
        "name",
        "active",
        "office",
        "district",
        "party",
        "election_date",
        "stage",
        "status",
        "website",
        "priorities",
    ),
}
#: Carried in the table but not shown: which record a row is, and the version the user saw.
HIDDEN = ("id", "updated_at")
NOUNS = {"issues": "issue", "partners": "partner organisation", "candidates": "candidate"}
#: Lists where two entries with the same name would be indistinguishable in the report form.
UNIQUE_NAMES = frozenset({"issues", "partners"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RowError:
    """A value that cannot be saved: which row (as the user knows it), which field, and why."""

    row: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}, {label(self.column)}: {self.message}"


@dataclass(frozen=True)
class Update:
    id: str
    name: str
    changes: dict[str, str]
    expected_updated_at: str

    @property
    def action(self) -> str:
        if self.changes.get("active") == "FALSE":
            return "archived"
        if self.changes.get("active") == "TRUE":
            return "restored"
        return "edited"


@dataclass
class Changes:
    appends: list[dict[str, str]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.appends or self.updates)


@dataclass
class SaveResult:
    added: list[str] = field(default_factory=list)  # names
    updated: list[Update] = field(default_factory=list)
    #: changes not saved, each with the reason; the user's values are in ``Update.changes``
    failed: list[tuple[Update, str]] = field(default_factory=list)
    #: new rows not added because the save did not land, as typed
    not_added: list[dict[str, str]] = field(default_factory=list)
    #: the store did not answer, or refused a value: nothing was saved
    error: str = ""

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.updated)


def label(column: str) -> str:
    return schema.Column(column).label


# --- the table shown --------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple)):
        return not value
    if hasattr(value, "__len__") and not isinstance(value, str):
        return len(value) == 0  # an array from the editor's list column
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def editor_frame(table: str, frame: pd.DataFrame, *, include_archived: bool = True) -> pd.DataFrame:
    """The rows to edit, typed for the editor: dates as dates, lists as lists, flags as bools.

    Active entries come first, by name; archived ones follow (or are left out).
    """
    spec = schema.table(table)
    rows = frame if include_archived else frame[frame["active"].astype(bool)]
    rows = rows.assign(_order=~rows["active"].astype(bool), _name=rows["name"].str.casefold())
    rows = rows.sort_values(["_order", "_name"], kind="stable")
    columns: dict[str, pd.Series] = {}
    for name in (*HIDDEN, *FIELDS[table]):
        column = spec.column(name)
        values = rows[name].tolist()
        if column.kind is schema.Kind.BOOL:
            # Nullable, so that a row added in the editor can hold "not set yet".
            columns[name] = pd.Series([bool(value) for value in values], dtype="boolean")
        elif column.kind is schema.Kind.DATE:
            columns[name] = pd.to_datetime(
                pd.Series([value or None for value in values], dtype=object),
                format="%Y-%m-%d",
                errors="coerce",
            )
        elif column.kind is schema.Kind.LIST:
            columns[name] = pd.Series([schema.split_list(value) for value in values], dtype=object)
        else:
            columns[name] = pd.Series([str(value) for value in values], dtype=object)
    shown = pd.DataFrame(columns, index=range(len(rows)))
    return shown


def options(table: str, column: str, frame: pd.DataFrame, suggested: Sequence[str]) -> list[str]:
    """Suggested values first, then any other value already in the list (kept selectable)."""
    spec = schema.table(table).column(column)
    seen = list(suggested)
    for text in frame.get(column, []):
        values = schema.split_list(text) if spec.kind is schema.Kind.LIST else [str(text).strip()]
        for value in values:
            if value and value not in seen:
                seen.append(value)
    return seen


# --- what changed -----------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """An editor cell as to_cell takes it: blanks as None, timestamps as dates, arrays as lists."""
    if _is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, (str, bytes, date, bool, list, tuple)) and hasattr(value, "tolist"):
        return value.tolist()  # numpy scalars and arrays
    return value


def _cell(column: schema.Column, value: Any) -> str:
    return schema.to_cell(column, _value(value))


def _shown_cell(column: schema.Column, value: Any) -> str:
    """The stored text of a value as it was shown (already valid, or as it was typed by hand)."""
    try:
        return _cell(column, value)
    except schema.InvalidValue:
        return str(value)


def _row_name(row: Mapping[str, Any]) -> str:
    name = row.get("name")
    return "" if _is_blank(name) else str(name).strip()


def _check(table: str, column: schema.Column, text: str) -> str | None:
    """Rules of the lists beyond the contract's; a message, or None."""
    if column.name == "name" and not text.strip():
        return f"Every {NOUNS[table]} needs a name."
    if column.name == "contact_email" and text.strip() and not _EMAIL.match(text.strip()):
        return f"{text!r} is not an email address."
    if column.name == "website" and text.strip():
        return _website_problem(text.strip())
    return None


def _website_problem(text: str) -> str | None:
    """Why ``text`` cannot be a candidate's website, or None. Pages turn it into a link, so it
    must be exactly the address :func:`lib.text.safe_url` would link to: anything that could
    break out of the link (into an image or another link) is refused, not quietly changed."""
    safe = safe_url(text)
    if safe is None:
        return (
            f"{text!r} is not a web address: start it with https:// followed by the site's "
            "name (letters, digits, dots and hyphens only), such as https://example.org/about."
        )
    # safe_url lowercases the scheme and the site's name; any other difference is a character
    # that a link cannot hold as typed.
    if safe.lower() != text.lower():
        return (
            f"{text!r} holds characters a web address cannot hold as typed (spaces, brackets, "
            f"quotes…); if it is the address you mean, write it as {safe}."
        )
    return None


def _checked_cells(
    table: str,
    row: Mapping[str, Any],
    where: str,
    errors: list[RowError],
    before: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """A row's fields as stored text, each checked, problems added to ``errors``; given the row
    as it was shown (``before``), only the fields that differ from it."""
    spec = schema.table(table)
    cells: dict[str, str] = {}
    for name in FIELDS[table]:
        column = spec.column(name)
        try:
            text = _cell(column, row.get(name))
        except schema.InvalidValue as error:
            errors.append(RowError(where, name, error.message))
            continue
        if before is not None and text == _shown_cell(column, before.get(name)):
            continue
        problem = _check(table, column, text)
        if problem:
            errors.append(RowError(where, name, problem))
        cells[name] = text
    return cells


def plan_changes(
    table: str,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    stored: pd.DataFrame | None = None,
) -> Changes:
    """Rows to append and per-record field changes, comparing the edited table with the shown one.

    ``original`` is the table as shown (see :func:`editor_frame`); ``edited`` is what the editor
    returned: the same rows, possibly changed, then any added rows (without an id). Added rows left
    completely blank are ignored. ``stored`` (the whole list, archived entries included) lets a
    new name be checked against entries that were not shown. Nothing may be saved while
    ``errors`` is not empty.
    """
    spec = schema.table(table)
    fields = FIELDS[table]
    changes = Changes()
    shown_by_id = {str(row["id"]): row for row in original.to_dict("records")}
    new_number = 0
    final_names: dict[str, list[str]] = {}  # folded name -> rows using it, after the edit
    if stored is not None:
        for record_id, name in zip(stored["id"], stored["name"], strict=True):
            if str(record_id) not in shown_by_id:
                final_names.setdefault(schema.fold(name), []).append(f"not shown: {record_id}")

    for position, row in enumerate(edited.to_dict("records"), start=1):
        record_id = "" if _is_blank(row.get("id")) else str(row["id"])
        before = shown_by_id.get(record_id)
        if before is None:
            if all(_is_blank(row.get(name)) or name == "active" for name in fields):
                continue  # an added row left empty
            new_number += 1
            where = f"New row {new_number}"
            cells = _checked_cells(table, row, where, changes.errors)
            if not cells.get("active"):
                cells.pop("active", None)  # a new entry is active unless unticked
            changes.appends.append(cells)
            final_names.setdefault(schema.fold(cells.get("name", "")), []).append(where)
            continue

        where = _row_name(before) or f"Row {position}"
        changed = _checked_cells(table, row, where, changes.errors, before)
        final_name = changed.get("name", _shown_cell(spec.column("name"), before.get("name")))
        final_names.setdefault(schema.fold(final_name), []).append(where)
        if changed:
            changes.updates.append(
                Update(record_id, where, changed, str(before.get("updated_at") or ""))
            )

    if table in UNIQUE_NAMES:
        renamed = {update.name for update in changes.updates if "name" in update.changes}
        new_rows = {f"New row {number}" for number in range(1, new_number + 1)}
        for folded, rows in final_names.items():
            touched = [row for row in rows if row in renamed or row in new_rows]
            if folded and len(rows) > 1 and touched:
                for row in touched:
                    changes.errors.append(
                        RowError(
                            row,
                            "name",
                            f"Another {NOUNS[table]} already has this name; use that one "
                            "(tick Active to bring back an archived one) or choose another name.",
                        )
                    )
    return changes


def has_edits(editor_state: Any) -> bool:
    """Whether a data editor's state (from session_state) holds unsaved edits."""
    if not isinstance(editor_state, Mapping):
        return False
    return bool(
        editor_state.get("edited_rows")
        or editor_state.get("added_rows")
        or editor_state.get("deleted_rows")
    )


# --- saving -----------------------------------------------------------------------------------


def save(store: Store, table: str, changes: Changes, author: str) -> SaveResult:
    """Add the new rows, change each edited record and write their audit rows, in one write
    that lands whole or not at all.

    Each edited record must still be the version shown: if someone changed one meanwhile,
    nothing is saved and ``failed`` lists every change, the one that met the other person's
    first, so the person sees what they typed and decides again. When the store does not
    answer, ``error`` says so and nothing is saved either.
    """
    if changes.errors:
        raise ValueError("Changes with errors cannot be saved.")
    result = SaveResult()
    key = schema.table(table).key or "id"
    # Ids are decided here, once: the store's own retries of this write then add nothing twice.
    appends = [{**cells, key: cells.get(key) or schema.new_id(table)} for cells in changes.appends]
    names = [cells.get("name") or f"New row {number}" for number, cells in enumerate(appends, 1)]
    audit_rows = [
        audit.entry(author, "added", table, cells[key], cells.get("name", "")) for cells in appends
    ] + [
        audit.entry(
            author,
            update.action,
            table,
            update.id,
            f"{update.name}: " + ", ".join(label(name) for name in update.changes),
        )
        for update in changes.updates
    ]
    edits = [
        Edit(table, update.id, update.changes, update.expected_updated_at)
        for update in changes.updates
    ]
    # Every cell is checked before the write, so a value the contract refuses (one too long for
    # a cell) is named with its row; plan_changes normally caught it already.
    checked = [*zip(names, appends, strict=True), *((u.name, u.changes) for u in changes.updates)]
    for where, cells in checked:
        try:
            schema.to_cells(table, cells)
        except schema.InvalidValue as error:
            result.error = str(RowError(where, error.column, error.message))
            return result
    try:
        store.change(edits, {table: appends, "audit": audit_rows})
    except (ConflictError, NotFoundError) as error:
        first = [u for u in changes.updates if u.id == error.record_id]
        others = [u for u in changes.updates if u.id != error.record_id]
        kept = "Not saved: the save is all or nothing."
        result.failed = [(u, str(error)) for u in first] + [(u, kept) for u in others]
        result.not_added = list(changes.appends)
        return result
    except (StoreError, schema.InvalidValue) as error:
        result.error = str(error)
        return result
    result.added = [cells.get("name", "") for cells in changes.appends]
    result.updated = list(changes.updates)
    return result


def summary(table: str, result: SaveResult) -> str:
    """One sentence for the user about what was saved."""
    noun = NOUNS[table]
    parts = []
    if result.added:
        parts.append(f"added {_count(len(result.added), noun)}")
    for action in ("edited", "archived", "restored"):
        count = sum(1 for update in result.updated if update.action == action)
        if count:
            parts.append(f"{action} {_count(count, noun)}")
    if not parts:
        return "Nothing was saved."
    text = ", ".join(parts)
    return "Saved: " + text[0].lower() + text[1:] + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def unsaved_rows(
    table: str,
    failed: Sequence[tuple[Update, str]],
    not_added: Sequence[Mapping[str, str]] = (),
) -> pd.DataFrame:
    """The user's own values that were not saved, so nothing typed is lost."""
    rows = []
    for update, _reason in failed:
        for name, value in update.changes.items():
            rows.append({"Entry": update.name, "Field": label(name), "Your value": value})
    for cells in not_added:
        entry = f"{cells.get('name') or 'New row'} (new)"
        for name, value in cells.items():
            rows.append({"Entry": entry, "Field": label(name), "Your value": value})
    return pd.DataFrame(rows, columns=["Entry", "Field", "Your value"])
