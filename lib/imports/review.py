"""What the Import page shows while a person checks a mapping: the fields a column may go to, a
sample of each column, the choices for a name the tracker does not know, the rows as they will
be stored (names, not ids), and a saved mapping read back. Pure functions of frames and plans."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lib import schema
from lib.imports.fields import CREATE, FIELDS, IGNORE, KINDS, POSITION
from lib.imports.plan import MAIN_TABLE, ImportPlan
from lib.imports.values import CHOICES
from lib.names import cell_text

NOT_IMPORTED = "Not imported"
KIND_LABELS = {
    "reports": "Reports of meetings (a meeting log, a Google Form's responses)",
    "commitments": "Commitments",
    "candidates": "Candidates",
    "partners": "Partner organisations",
    "positions": "Positions (where candidates stand on the issues)",
}
LAYOUT_LABELS = {
    "rows": "One row per stance: a candidate, an issue and a stance in each row",
    "matrix": "A grid: one row per candidate, one column per issue",
}
VALUE_LABELS = {
    "status": "Commitment statuses",
    "stance": "Stances",
    "visibility": "Confidentiality",
    "kind": "Kinds of meeting",
    "setting": "In person or virtual",
    "stage": "Stages of the race",
    "candidate_status": "Candidates' statuses",
}
NAME_NOUNS = {"candidates": "candidate", "partners": "partner organisation", "issues": "issue"}
_HIDDEN = {"id", "created_at", "created_by", "updated_at", "interaction_id", "active"}
_NAMED_COLUMNS = {"candidate_id": "candidates", "issue_id": "issues", "partner_id": "partners"}


def column_choices(
    kind: str, tables: Mapping[str, pd.DataFrame], mapping: Mapping[str, Any]
) -> dict[str, str | None]:
    """What a column may be imported as, label → field: every field of ``kind``, and for
    reports and positions a stance on each issue (those the mapping names too), or nothing."""
    choices: dict[str, str | None] = {NOT_IMPORTED: None}
    choices.update({field.label: field.name for field in FIELDS[kind]})
    if kind not in ("reports", "positions"):
        return choices
    issues = tables.get("issues", pd.DataFrame(columns=["id", "name"]))
    names = dict(zip(issues["id"].astype(str), issues["name"].astype(str), strict=True))
    targets = [POSITION + issue_id for issue_id in names]
    targets += [
        target
        for target in mapping.get("columns", {}).values()
        if target and str(target).startswith(POSITION) and target not in targets
    ]
    for target in targets:
        issue = target.removeprefix(POSITION)
        known = names.get(issue)
        choices[f"Stance on {known}" if known else f"Stance on “{issue}” (not an issue yet)"] = (
            target
        )
    return choices


def label_of(choices: Mapping[str, str | None], target: str | None) -> str:
    """The label a field goes by among ``choices``; a field not among them is not imported."""
    return next((label for label, field in choices.items() if field == target), NOT_IMPORTED)


def sample_of(frame: pd.DataFrame, header: str, count: int = 3) -> str:
    """A few different values of a column, as a person recognises it."""
    column = frame.loc[:, header]
    if isinstance(column, pd.DataFrame):
        column = column.iloc[:, 0]
    seen: list[str] = []
    for cell in column:
        text = " ".join(cell_text(cell).split())
        if text and text not in seen:
            seen.append(text if len(text) <= 40 else text[:39] + "…")
        if len(seen) == count:
            break
    return " · ".join(seen)


def value_choices(group: str) -> dict[str, str]:
    """The contract's values a text of a column of choices may mean, label → value."""
    return {label: value for value, label in CHOICES[group].labels.items()}


def name_choices(group: str, tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """What a name the tracker does not know may become, decision → label: added as new, its
    rows left out, or one of the tracker's own records (the same person, differently written)."""
    noun = NAME_NOUNS[group]
    choices = {CREATE: f"Add as a new {noun}", IGNORE: "Leave its rows out"}
    table = tables.get(group)
    if table is None:
        return choices
    for record in table.sort_values("name").to_dict("records"):
        detail = record.get("office") or record.get("district") or ""
        name = cell_text(record["name"])
        choices[str(record["id"])] = f"Same as {name}" + (f" ({detail})" if detail else "")
    return choices


def readable_rows(plan: ImportPlan, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows the import adds to its main table as they will be stored, with names for ids
    and labels for values; columns nothing fills are left out."""
    main = MAIN_TABLE[plan.kind]
    names = {group: _names_by_id(group, tables, plan.rows) for group in NAME_NOUNS}
    spec = schema.table(main)
    shown = []
    for record in plan.rows.get(main, []):
        row: dict[str, str] = {}
        for column in spec.columns:
            if column.name in _HIDDEN or column.name not in record:
                continue
            value = record[column.name]
            if column.name in _NAMED_COLUMNS:
                label = NAME_NOUNS[_NAMED_COLUMNS[column.name]].capitalize()
                row[label] = names[_NAMED_COLUMNS[column.name]].get(str(value), str(value or ""))
            elif column.name == "partner_ids":
                row["Partner organisations"] = "; ".join(
                    names["partners"].get(str(item), str(item)) for item in value or []
                )
            else:
                row[column.label] = _readable(column, value)
        shown.append(row)
    frame = pd.DataFrame(shown, dtype=object)
    filled = [name for name in frame.columns if frame[name].astype(str).str.strip().any()]
    return frame[filled]


_MADE = {
    "interactions": ("report", "reports"),
    "commitments": ("commitment", "commitments"),
    "updates": ("first status", "first statuses"),
    "positions": ("position", "positions"),
    "actions": ("follow-up action", "follow-up actions"),
    "candidates": ("new candidate", "new candidates"),
    "partners": ("new partner organisation", "new partner organisations"),
    "issues": ("new issue", "new issues"),
}


def made_said(plan: ImportPlan) -> str:
    """What the import adds, in words: "2 reports, 3 commitments, 3 first statuses"."""
    said = []
    for table, records in plan.rows.items():
        if table == "audit" or not records:
            continue
        one, many = _MADE.get(table, (table, table))
        said.append(f"{len(records):,} {one if len(records) == 1 else many}")
    return ", ".join(said)


def mapping_file(mapping: Mapping[str, Any]) -> bytes:
    """A mapping as the JSON file a person downloads to reuse it."""
    return json.dumps(mapping, ensure_ascii=False, indent=2).encode("utf-8")


def read_mapping_file(data: bytes) -> dict[str, Any]:
    """A downloaded mapping read back; ValueError, in words, for a file that is not one."""
    try:
        mapping = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError("This file is not a saved import mapping (it is not JSON).") from error
    if (
        not isinstance(mapping, dict)
        or mapping.get("kind") not in KINDS
        or not isinstance(mapping.get("columns"), dict)
    ):
        raise ValueError(
            "This file is not a saved import mapping: download one from this page, after "
            "choosing how the columns read."
        )
    for part in ("values", "defaults", "names"):
        if not isinstance(mapping.get(part, {}), dict):
            raise ValueError(f"This saved mapping's “{part}” cannot be read.")
    return mapping


def _names_by_id(
    group: str, tables: Mapping[str, pd.DataFrame], rows: Mapping[str, list[dict[str, Any]]]
) -> dict[str, str]:
    names: dict[str, str] = {}
    if group in tables:
        names.update(zip(tables[group]["id"].astype(str), tables[group]["name"], strict=True))
    names.update({str(record["id"]): str(record["name"]) for record in rows.get(group, [])})
    return names


def _readable(column: schema.Column, value: Any) -> str:
    if value is None:
        return ""
    if column.choices is not None:
        return column.choices.label(str(value)) if value else ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)
