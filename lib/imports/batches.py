"""Writing a planned import in parts, each part whole rows of the spreadsheet.

A large sheet is written in several changes, so that a progress bar moves and one failure does
not lose all the work. Each part holds everything made from its rows: a report with its
commitments, their first statuses, its positions and actions, and the candidates, partners or
issues it adds (in the first part that needs them). An import stopped half way then leaves no row
half stored, and importing again adds only the rest, since every id is derived from its row
(see lib.imports.plan).

The records made from one row point at the row's own record: children at their report
(``interaction_id``) or their commitment (``commitment_id``). Positions imported without a
report carry no such link; those made from one row share the candidate, the date, the evidence,
the visibility and the link, and are kept together by them (rows alike in all of these may
share a part, which keeps them whole all the same).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib import audit, schema

ROWS_PER_BATCH = 200
NAMED = ("candidates", "partners", "issues")
_REFERENCES = ("candidate_id", "issue_id", "partner_id", "partner_ids")
_POSITION_ROW = ("candidate_id", "as_of", "evidence", "visibility", "source_url")

Records = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Batch:
    """One change to write: ``rows`` for ``store.change([], rows)``, made from ``source_rows``
    rows of the spreadsheet."""

    rows: Records
    source_rows: int


def row_groups(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Records]:
    """The planned records (a plan's ``rows``, audit rows aside) grouped by the spreadsheet row
    they come from, in the sheet's order. A new candidate, partner or issue goes with the first
    row that names it; one no row names (a list of candidates) is a row of its own."""
    groups: dict[tuple, Records] = {}
    group_of: dict[tuple[str, str], tuple] = {}
    for table in schema.DEPENDENCY_ORDER:
        if table in NAMED or table == "audit":
            continue
        for record in rows.get(table, []):
            key = _group_key(table, record, group_of)
            group_of[(table, str(record.get("id", "")))] = key
            groups.setdefault(key, {}).setdefault(table, []).append(dict(record))
    for table in (name for name in rows if name not in schema.DEPENDENCY_ORDER):
        for record in rows[table]:  # not expected from a plan: kept, each on its own
            groups.setdefault((table, id(record)), {}).setdefault(table, []).append(dict(record))
    ordered = list(groups.values())
    first_naming: dict[str, int] = {}
    for at, group in enumerate(ordered):
        for named in _named_ids(group):
            first_naming.setdefault(named, at)
    for table in NAMED:
        for record in rows.get(table, []):
            at = first_naming.get(str(record.get("id", "")))
            if at is None:
                ordered.append({})
                at = len(ordered) - 1
            ordered[at].setdefault(table, []).append(dict(record))
    return [_in_dependency_order(group) for group in ordered]


def import_batches(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], rows_per_batch: int = ROWS_PER_BATCH
) -> list[Batch]:
    """The plan's rows as changes of at most ``rows_per_batch`` spreadsheet rows each, in
    order (the first part adds whatever later ones point at). Each part carries the plan's
    audit row, saying which part it is when there are several."""
    groups = row_groups(rows)
    parts = [groups[at : at + rows_per_batch] for at in range(0, len(groups), rows_per_batch)]
    batches = []
    for number, part in enumerate(parts, 1):
        merged: Records = {}
        for group in part:
            for table, records in group.items():
                merged.setdefault(table, []).extend(records)
        merged = _in_dependency_order(merged)
        logged = [_part_entry(entry, number, len(parts), merged) for entry in rows.get("audit", [])]
        if logged:
            merged["audit"] = logged
        batches.append(Batch(merged, len(part)))
    return batches


def unstored(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], tables: Mapping[str, pd.DataFrame]
) -> dict[str, list[str]]:
    """The planned records not found in ``tables`` (a fresh read after writing), by table:
    nothing when the import landed whole. Audit rows have no id and are not checked."""
    missing: dict[str, list[str]] = {}
    for table, records in rows.items():
        key = schema.table(table).key if table in schema.TABLES else None
        if not key:
            continue
        stored = set(tables[table][key].astype(str)) if table in tables else set()
        lacking = [str(record[key]) for record in records if str(record[key]) not in stored]
        if lacking:
            missing[table] = lacking
    return missing


def _group_key(
    table: str, record: Mapping[str, Any], group_of: dict[tuple[str, str], tuple]
) -> tuple:
    own = (table, str(record.get("id", "")))
    interaction = str(record.get("interaction_id") or "")
    if table == "interactions":
        return own
    if interaction:
        return ("interactions", interaction)
    commitment = str(record.get("commitment_id") or "")
    if commitment:
        return group_of.get(("commitments", commitment), ("commitments", commitment))
    if table == "positions":
        return ("positions", *(str(record.get(name, "")) for name in _POSITION_ROW))
    return own


def _named_ids(group: Records) -> list[str]:
    """The candidates, partners and issues the records of ``group`` point at."""
    found = []
    for records in group.values():
        for record in records:
            for field in _REFERENCES:
                value = record.get(field)
                found += [str(v) for v in value] if isinstance(value, list | tuple) else [value]
    return [str(named) for named in found if named]


def _in_dependency_order(records: Records) -> Records:
    order = {name: at for at, name in enumerate(schema.DEPENDENCY_ORDER)}
    return dict(sorted(records.items(), key=lambda item: order.get(item[0], len(order))))


def _part_entry(entry: Mapping[str, Any], number: int, parts: int, rows: Records) -> dict:
    if parts == 1:
        return dict(entry)
    made = ", ".join(f"{len(records)} {table}" for table, records in rows.items())
    detail = f"{entry.get('detail', '')} Part {number} of {parts}: {made}."
    return audit.entry(
        str(entry.get("by", "")),
        str(entry.get("action", "")),
        str(entry.get("table", "")),
        str(entry.get("record_id", "")),
        detail.strip(),
    )
