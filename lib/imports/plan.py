"""Planning an import: the rows a spreadsheet adds to the tracker, and why others are left out.

Every row's id is derived from the source's name (``mapping["source"]``) and the row's content
(every filled cell, under its header), and the records made from it (commitments, positions,
actions) from that id. So importing the same file or tab again, or after rows were added to it,
plans only what is not stored yet. A row whose cells are corrected afterwards is a new row.

A row with anything that cannot be read (an unknown candidate, a date without a year, a status
the value map does not cover) is left out whole, with a message naming its spreadsheet row, so
that once it is fixed it comes in whole. Two things never hold a row back: a confidentiality
value that cannot be read (the row is restricted: staff and its author only) and text that looks
like a formula (kept exactly as typed; the store writes it as text).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from lib import audit, report, schema
from lib.imports.fields import (
    CREATE,
    DEFAULT_VISIBILITY,
    FIELDS,
    IGNORE,
    KINDS,
    POSITION,
    choice_columns,
    field_of,
    suggest_mapping,
)
from lib.imports.source import frame_from_grid, unique_headers
from lib.imports.values import CHOICES, cell_items, suggest_values, value_key
from lib.names import candidate_key, cell_text, fold_name, ids_by_key
from lib.questionnaires.importing import is_non_answer
from lib.questionnaires.responses import derived_id

MAIN_TABLE = {
    "reports": "interactions",
    "commitments": "commitments",
    "positions": "positions",
    "candidates": "candidates",
    "partners": "partners",
}
NAME_GROUPS = ("candidates", "partners", "issues")
_NOUN = {"candidates": "candidate", "partners": "partner organisation", "issues": "issue"}
_KEY: dict[str, Callable[[str], str]] = {
    "candidates": candidate_key,
    "partners": fold_name,
    "issues": fold_name,
}
_FORMULA_LIKE = re.compile(r"^[=+@]|^-(?=[^\s-])")
_YEAR = re.compile(r"\b\d{4}\b|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b")
NEW, ALREADY = "new", "already imported"


@dataclass(frozen=True)
class ImportPlan:
    """What importing a sheet would add (``rows``, ready for ``store.change([], rows)``), and
    everything a page shows before it does."""

    kind: str
    source: str
    rows: dict[str, list[dict[str, Any]]]
    #: per-row messages, each naming the row as the spreadsheet numbers it
    problems: list[str]
    #: the mapping used, with every value and name still to decide listed as None
    mapping: dict[str, Any]
    #: what was done to the sheet as a whole (header found lower down, columns renamed)
    notices: list[str] = field(default_factory=list)
    new: int = 0
    already_imported: int = 0
    #: (row, why) for each row left out
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: names matching nothing in the tracker, by table, as first written in the sheet
    unknown: dict[str, list[str]] = field(default_factory=dict)
    #: each row's fate: "new", "already imported" or why it was left out
    outcome: dict[int, str] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            NEW: self.new,
            ALREADY: self.already_imported,
            "left out": len(self.skipped),
        }

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())


def plan_import(
    frame: pd.DataFrame,
    kind: str,
    tables: Mapping[str, pd.DataFrame],
    mapping: Mapping[str, Any] | None = None,
    *,
    author: str = "",
    today: date | None = None,
) -> ImportPlan:
    """The rows importing ``frame`` as ``kind`` would add, given what ``tables`` (the store's
    ``read_all()``) already hold; ``mapping`` ``None`` means the suggested one. ``today``
    dates what the sheet leaves undated (the first status of a commitment, a matrix of
    stances), and a meeting after it has not happened: it is left out, as the report form
    refuses it."""
    if kind not in KINDS:
        raise ValueError(f"There is no {kind!r} import; the kinds are {', '.join(KINDS)}.")
    frame, notices = _prepared(frame)
    used = complete_mapping(frame, kind, tables, mapping, notices)
    planner = _Planner(frame, used, tables, author, today or date.today(), notices)
    return planner.plan()


def complete_mapping(
    frame: pd.DataFrame,
    kind: str,
    tables: Mapping[str, pd.DataFrame],
    mapping: Mapping[str, Any] | None,
    notices: list[str],
) -> dict[str, Any]:
    """The mapping as used: the suggestion where ``mapping`` says nothing, every source column
    listed, and values found in the sheet that a given value map lacks added as ``None``."""
    given = copy.deepcopy(dict(mapping or {}))
    suggested = suggest_mapping(frame, kind, tables, layout=given.get("layout"))
    if mapping is None:
        return suggested
    if given.get("kind", kind) != kind:
        raise ValueError(f"This mapping is for importing {given['kind']}, not {kind}.")
    used = {**suggested, "kind": kind, "source": given.get("source") or suggested["source"]}
    if "columns" in given:
        columns = {str(h): t for h, t in given["columns"].items() if str(h) in frame.columns}
        for header in frame.columns:
            if header not in columns:
                columns[header] = None
                notices.append(f"The column “{header}” is new; map it to import what it holds.")
        for header in given["columns"]:
            if str(header) not in frame.columns and given["columns"][header]:
                notices.append(f"The mapping's column “{header}” is not in this sheet.")
        used["columns"] = columns
    for header, target in used["columns"].items():
        if target and field_of(kind, target) is None:
            notices.append(f"“{header}” is mapped to “{target}”, which is not a field here.")
            used["columns"][header] = None
    used["values"] = suggest_values(choice_columns(frame, used), given.get("values"))
    used["defaults"] = {**suggested["defaults"], **given.get("defaults", {})}
    used["names"] = {
        group: dict(given.get("names", {}).get(group, {}) or {}) for group in NAME_GROUPS
    }
    return used


def _prepared(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame with unique, non-blank headers and text cells; a title sitting in the header
    row (as a tab read with its first row as header has) is looked past."""
    notices = list(frame.attrs.get("notices", []))
    source = str(frame.attrs.get("source", ""))
    header_row = int(frame.attrs.get("header_row", 1))
    headers = [cell_text(header) for header in frame.columns]
    rows = [[cell_text(cell) for cell in row] for row in frame.itertuples(index=False, name=None)]
    named = sum(1 for h in headers if h.strip() and not h.startswith("Unnamed:"))
    if len(headers) >= 2 and named <= 1 and rows:
        rebuilt = frame_from_grid([headers, *rows], source)
        rebuilt.attrs["header_row"] += header_row - 1
        rebuilt.attrs["notices"] = notices + rebuilt.attrs["notices"]
        return rebuilt, list(rebuilt.attrs["notices"])
    names, renamed = unique_headers(headers, range(len(headers)))
    prepared = pd.DataFrame(rows, columns=names, dtype=object)
    prepared.attrs.update(source=source, header_row=header_row)
    return prepared, notices + renamed


class _Planner:
    """Walks the sheet row by row; ``_row_*`` methods build one row's records."""

    def __init__(
        self,
        frame: pd.DataFrame,
        mapping: dict[str, Any],
        tables: Mapping[str, pd.DataFrame],
        author: str,
        today: date,
        notices: list[str],
    ) -> None:
        self.frame, self.mapping, self.tables = frame, mapping, tables
        self.kind: str = mapping["kind"]
        self.source: str = mapping["source"]
        self.author, self.today, self.notices = author, today, notices
        self.stored: dict[str, set[str]] = {
            name: set(table["id"]) for name, table in tables.items() if "id" in table.columns
        }
        self.known = {
            group: ids_by_key(tables[group], _KEY[group]) if group in tables else {}
            for group in NAME_GROUPS
        }
        self.decisions = {
            group: {_KEY[group](name): decision for name, decision in names.items()}
            for group, names in mapping["names"].items()
        }
        self.columns: dict[str, list[str]] = {}
        for header, target in mapping["columns"].items():
            if target:
                self.columns.setdefault(target, []).append(header)
        self.defaults = self._checked_defaults()
        self.value_maps = {
            group: {value_key(text): value for text, value in values.items()}
            for group, values in mapping["values"].items()
        }
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.planned: set[tuple[str, str]] = set()
        self.problems: list[str] = []
        self.unknown: dict[str, dict[str, str]] = {group: {} for group in NAME_GROUPS}
        self.outcome: dict[int, str] = {}
        self.seen: dict[str, int] = {}
        self.listed: dict[str, int] = {}  # a list's names, to tell a name given twice

    # --- the whole sheet ---------------------------------------------------------------------

    def plan(self) -> ImportPlan:
        missing = self._missing_fields()
        first = int(self.frame.attrs.get("header_row", 1)) + 1
        if self.frame.empty:
            self.notices.append("There are no rows under the header: nothing to import.")
        for position, values in enumerate(self.frame.itertuples(index=False, name=None)):
            cells = dict(zip(self.frame.columns, values, strict=True))
            if not any(text.strip() for text in cells.values()):
                continue  # spacing in a hand-kept sheet
            number = first + position
            if missing:
                self.outcome[number] = missing
                continue
            self._plan_row(number, cells)
        for group, names in self.unknown.items():
            for name in names.values():
                self.mapping["names"][group].setdefault(name, None)
        if self.rows:
            self._add_audit()
        skipped = [(n, why) for n, why in self.outcome.items() if why not in (NEW, ALREADY)]
        return ImportPlan(
            kind=self.kind,
            source=self.source,
            rows={name: self.rows[name] for name in schema.DEPENDENCY_ORDER if name in self.rows},
            problems=self.problems,
            mapping=self.mapping,
            notices=self.notices,
            new=sum(why == NEW for why in self.outcome.values()),
            already_imported=sum(why == ALREADY for why in self.outcome.values()),
            skipped=skipped,
            unknown={group: list(names.values()) for group, names in self.unknown.items()},
            outcome=self.outcome,
        )

    def _missing_fields(self) -> str:
        """Why no row can be imported, when a column every row needs is not mapped."""
        needed = {
            "reports": ["candidate"] + ([] if self.defaults["date"] else ["date"]),
            "commitments": ["candidate", "commitment"],
            "positions": ["candidate"],
            "candidates": ["name"],
            "partners": ["name"],
        }[self.kind]
        labels = {f.name: f.label for f in FIELDS[self.kind]}
        lacking = [labels[name] for name in needed if name not in self.columns]
        if self.kind == "positions" and not any(
            target == "stance" or target.startswith(POSITION) for target in self.columns
        ):
            lacking.append("Stance (or a column per issue)")
        if not lacking:
            return ""
        why = "no column is mapped to " + " or ".join(lacking)
        self.notices.append(f"Nothing can be imported: {why}. Choose those columns in the mapping.")
        return why

    def _checked_defaults(self) -> dict[str, str]:
        given = self.mapping["defaults"]
        checked = {}
        for name, group, fallback in (
            ("visibility", "visibility", DEFAULT_VISIBILITY),
            ("status", "status", "not_yet_rated"),
            ("kind", "kind", ""),
        ):
            value = str(given.get(name) or fallback)
            if value and value not in CHOICES[group].values:
                self.notices.append(
                    f"The default {name} “{value}” is not one of "
                    f"{', '.join(CHOICES[group].values)}; {fallback or 'blank'} "
                    "is used."
                )
                value = fallback
            checked[name] = value
        day = str(given.get("date") or "").strip()
        checked["date"] = _read_date(day) or "" if day else ""
        if day and not checked["date"]:
            self.notices.append(f"The default date “{day}” is not a date; it is not used.")
        return checked

    def _add_audit(self) -> None:
        made = ", ".join(f"{len(rows)} {name}" for name, rows in self.rows.items())
        new = sum(why == NEW for why in self.outcome.values())
        detail = f"Imported {new} rows from “{self.source or 'a sheet'}” ({made})."
        main = MAIN_TABLE[self.kind]
        self.rows["audit"] = [
            audit.entry(self.author, f"imported {self.kind}", main, self.source, detail)
        ]

    # --- one row -----------------------------------------------------------------------------

    def _plan_row(self, number: int, cells: dict[str, str]) -> None:
        self.number, self.cells = number, cells
        self.blocking: list[str] = []
        self.notes: list[str] = []  # worth telling, but not holding the row back
        self.creating: list[tuple[str, str, str]] = []
        content = "\x1e".join(
            sorted(f"{fold_name(h)}\x1f{text.strip()}" for h, text in cells.items() if text.strip())
        )
        if content in self.seen:
            self.outcome[number] = f"the same as row {self.seen[content]}"
            self.problems.append(
                f"Row {number} is the same as row {self.seen[content]}; it is imported once."
            )
            return
        self.seen[content] = number
        self.row_key = content
        for header in (h for headers in self.columns.values() for h in headers):
            text = cells.get(header, "")
            if _FORMULA_LIKE.match(text):
                self.notes.append(
                    f"Row {number}: “{header}” starts with “{text[0]}” like a spreadsheet "
                    f"formula ({_short(text)}); it is imported as text exactly as typed and "
                    "never calculated."
                )
        built = getattr(self, f"_row_{self.kind}")()
        if built is not None and not self.blocking:
            for group, record_id, name in self.creating:
                built.setdefault(group, []).insert(0, self._new_named(group, record_id, name))
            self._check_cells(built)
        if built is None or self.blocking:
            self.outcome[number] = "; ".join(self.blocking) or "nothing to import"
            for why in self.blocking:
                self.problems.append(f"Row {number} left out: {why}")
            return
        self.problems += self.notes
        fresh = False
        for table, records in built.items():
            for record in records:
                key = (table, str(record["id"]))
                if record["id"] in self.stored.get(table, set()) or key in self.planned:
                    continue
                self.planned.add(key)
                self.rows.setdefault(table, []).append(record)
                fresh = True
        self.outcome[number] = NEW if fresh else ALREADY

    def _check_cells(self, built: dict[str, list[dict[str, Any]]]) -> None:
        """Every record as the store will check it: a cell over the limit holds the row back
        here, instead of failing the whole import when it is written."""
        for table, records in built.items():
            for record in records:
                try:
                    schema.to_cells(table, record)
                except schema.InvalidValue as error:
                    self.blocking.append(error.message)

    def _new_named(self, group: str, record_id: str, name: str) -> dict[str, Any]:
        record: dict[str, Any] = {"id": record_id, "name": name, "created_by": self.author}
        if group != "candidates":
            record["active"] = True
        return {
            column: value for column, value in record.items() if schema.table(group).has(column)
        }

    # --- reading cells -----------------------------------------------------------------------

    def _cells(self, name: str) -> list[tuple[str, str]]:
        return [(h, self.cells.get(h, "")) for h in self.columns.get(name, [])]

    def text(self, name: str) -> str:
        """A text field as typed; several columns are joined, each under its header."""
        filled = [(h, text) for h, text in self._cells(name) if text.strip()]
        if len(filled) == 1:
            return filled[0][1]
        return "\n\n".join(f"{header}:\n{text}" for header, text in filled)

    def date(self, name: str, fallback: str = "", required: bool = False) -> str:
        cells = self._cells(name)
        if not cells or not cells[0][1].strip() or is_non_answer(cells[0][1]):
            if required and not fallback:
                where = f"“{cells[0][0]}” is blank" if cells else "there is no date"
                self.blocking.append(f"{where}; the date is needed.")
            return fallback
        header, text = cells[0]
        day = _read_date(text)
        if day is None:
            hint = " has no year" if schema.parse_date(text) else " is not a date"
            self.blocking.append(
                f"“{header}” holds “{_short(text)}”, which{hint}; write it like 2026-11-23, "
                "11/23/2026 or Nov 23, 2026."
            )
            return ""
        return day

    def choice(self, name: str, group: str, default: str = "", text: str | None = None) -> str:
        """A value through the mapping's value map; a text the map lacks holds the row back."""
        cells = self._cells(name)
        header = cells[0][0] if cells else name
        if text is None:
            text = cells[0][1] if cells else ""
        if not text.strip() or is_non_answer(text):
            return default
        value = self.value(group, text)
        if value is None:
            self.blocking.append(
                f"“{header}” holds “{_short(text)}”, which the mapping does not say how to read "
                f"(as one of: {', '.join(CHOICES[group].labels.values())})."
            )
            return default
        return value

    def value(self, group: str, text: str) -> str | None:
        value = self.value_maps.get(group, {}).get(value_key(text))
        return value if value in CHOICES[group].values else None

    def visibility(self) -> str:
        """The row's visibility; what cannot be read is restricted (never wider)."""
        cells = self._cells("visibility")
        if not cells or not cells[0][1].strip() or is_non_answer(cells[0][1]):
            return self.defaults["visibility"]
        header, text = cells[0]
        value = self.value("visibility", text)
        if value is None:
            self.notes.append(
                f"Row {self.number}: “{header}” holds “{_short(text)}”, which the mapping does "
                "not say how to share; the row is imported as restricted (staff and its author "
                "only)."
            )
            return "restricted"
        return value

    def name(self, name: str, group: str, text: str | None = None) -> str:
        """The id a name cell (or ``text``) refers to; blank when ignored or blank."""
        if text is None:
            cells = self._cells(name)
            text = cells[0][1] if cells else ""
        text = " ".join(text.split())
        if not text or is_non_answer(text):
            return ""
        found = self.resolve(group, text)
        return "" if found in (None, IGNORE) else found

    def candidate(self) -> str:
        """The id of the candidate the row names; a row without one is held back."""
        said = len(self.blocking)
        found = self.name("candidate", "candidates")
        if not found and len(self.blocking) == said:
            cells = self._cells("candidate")
            text = cells[0][1].strip() if cells else ""
            blank = not text or is_non_answer(text)
            self.blocking.append(
                "the candidate is blank." if blank else f"the mapping leaves “{text}” out."
            )
        return found

    def names(self, name: str, group: str) -> list[str]:
        """The ids a cell of several names refers to: one per line or ";", and a Form's
        checkboxes joined by commas (a name with a comma in it is still found whole)."""
        ids: list[str] = []
        for item in cell_items(self.text(name)):
            for part in self._comma_parts(group, item):
                found = self.resolve(group, part)
                if found not in (None, IGNORE) and found not in ids:
                    ids.append(found)
        return ids

    def _comma_parts(self, group: str, item: str) -> list[str]:
        if "," not in item or self._is_known(group, item):
            return [item]
        pieces = [piece.strip() for piece in item.split(",")]
        parts, start = [], 0
        while start < len(pieces):
            end = next(
                (
                    e
                    for e in range(len(pieces), start, -1)
                    if self._is_known(group, ", ".join(pieces[start:e]))
                ),
                start + 1,
            )
            parts.append(", ".join(pieces[start:end]))
            start = end
        return [part for part in parts if part]

    def _is_known(self, group: str, name: str) -> bool:
        key = _KEY[group](name)
        return (
            bool(self.decisions.get(group, {}).get(key)) or len(self.known[group].get(key, ())) == 1
        )

    def resolve(self, group: str, name: str) -> str | None:
        """The id ``name`` refers to, by the mapping's decision or by matching; ``None`` (and a
        message holding the row back) when it is unknown or undecided."""
        key = _KEY[group](name)
        decision = self.decisions.get(group, {}).get(key)
        noun = _NOUN[group]
        if decision == IGNORE:
            return IGNORE
        if decision == CREATE:
            record_id = derived_id(group, "import", key or name)
            if record_id not in self.stored.get(group, set()):
                self.creating.append((group, record_id, name))
            return record_id
        if decision:
            if decision in self.stored.get(group, set()):
                return str(decision)
            self.blocking.append(f"“{name}” is mapped to {decision}, which is no {noun}'s id.")
            return None
        if group == "issues" and name in self.stored.get("issues", set()):
            return name  # a column mapped to an issue by its id
        found = self.known[group].get(key, set())
        if len(found) == 1:
            return next(iter(found))
        self.unknown[group].setdefault(key, name)
        if found:
            self.blocking.append(
                f"“{name}” matches {len(found)} {noun}s of that name; say in the mapping which."
            )
        else:
            self.blocking.append(
                f"no {noun} called “{name}” in the tracker; say in the mapping whether to add "
                "it or which one it is."
            )
        return None

    def row_id(self, table: str) -> str:
        return derived_id(table, "import", self.source, self.row_key)

    def statuses(self, count: int) -> list[str]:
        """One status per commitment: one per line or ";" beside them, or one for all."""
        cells = self._cells("status")
        items = cell_items(cells[0][1]) if cells else []
        default = self.defaults["status"]
        if not count:
            return []  # a status beside no commitment ("Did they commit?": "No") says nothing
        if not items:
            return [default] * count
        if len(items) not in (1, count):
            self.blocking.append(
                f"{count} commitments but {len(items)} statuses in “{cells[0][0]}”; give one "
                "status, or one per commitment on its own line."
            )
            return [default] * count
        read = [self.choice("status", "status", default, text=item) for item in items]
        return read * count if len(read) == 1 else read

    def positions(self, row_issue: str) -> list[dict[str, str]]:
        """Stances from columns per issue and from an issue and stance pair."""
        found = []
        evidence = self.text("evidence")
        for target, headers in self.columns.items():
            if not target.startswith(POSITION):
                continue
            for header in headers:
                text = self.cells.get(header, "")
                if not text.strip() or is_non_answer(text):
                    continue
                stance = self.choice(target, "stance", text=text)
                issue_id = self.name(target, "issues", text=target.removeprefix(POSITION))
                if stance and issue_id:
                    label = "column " + fold_name(target.removeprefix(POSITION))
                    found.append({"label": label, "issue_id": issue_id, "stance": stance})
        cells = self._cells("stance")
        if cells and cells[0][1].strip() and not is_non_answer(cells[0][1]):
            stance = self.choice("stance", "stance")
            issue_cells = self._cells("issue")
            if not issue_cells or not issue_cells[0][1].strip():
                self.blocking.append(f"“{cells[0][0]}” gives a stance but no issue is named.")
            elif stance and row_issue:
                found.append({"label": "pair", "issue_id": row_issue, "stance": stance})
        return [{**position, "evidence": evidence} for position in found]

    # --- the kinds ---------------------------------------------------------------------------

    def _row_reports(self) -> dict[str, list[dict[str, Any]]] | None:
        candidate_id = self.candidate()
        day = self.date("date", self.defaults["date"], required=True)
        if day > self.today.isoformat():
            self.blocking.append(f"the meeting date {day} is after today: it has not happened yet.")
        visibility = self.visibility()
        issue_id = self.name("issue", "issues")
        owner = self.text("owner").strip()
        follow_up_by = self.date("follow_up_by")
        texts = cell_items(self.text("commitment"))
        statuses = self.statuses(len(texts))
        due = self.date("due") or follow_up_by
        interaction_id = self.row_id("interactions")
        draft: dict[str, Any] = {field: self.text(field) for field in report.TEXT_FIELDS}
        draft.update(
            id=interaction_id,
            date=day,
            candidate_id=candidate_id,
            kind=self.choice("kind", "kind", self.defaults["kind"]),
            setting=self.choice("setting", "setting"),
            partner_ids=self.names("partner", "partners"),
            candidate_priorities=schema.split_list(self.text("candidate_priorities")),
            visibility=visibility,
            commitments=[
                {
                    "id": (
                        commitment_id := derived_id("commitments", interaction_id, "c", str(at))
                    ),
                    "update_id": derived_id("updates", commitment_id),
                    "text": text,
                    "status": status,
                    "issue_id": issue_id,
                    "owner": owner,
                    "follow_up_by": follow_up_by,
                    "visibility": visibility,
                }
                for at, (text, status) in enumerate(zip(texts, statuses, strict=True))
            ],
            positions=[
                {**position, "id": derived_id("positions", interaction_id, position["label"])}
                for position in self.positions(issue_id)
            ],
            actions=[
                {
                    "id": derived_id("actions", interaction_id, "a", str(at)),
                    "title": title,
                    "owner": owner,
                    "due": due,
                }
                for at, title in enumerate(cell_items(self.text("action")))
            ],
        )
        if self.blocking:
            return None
        for position in draft["positions"]:
            del position["label"]
        built = report.records(draft, self.author, "")
        built.pop("audit", None)
        return built

    def _outcomes_only(self, draft: dict[str, Any], tables: tuple[str, ...]) -> dict[str, list]:
        """Commitments or positions made the way a report makes them, but with no meeting."""
        draft = {"id": "", "candidate_id": "", **draft}
        built = report.records(draft, self.author, "")
        return {table: built[table] for table in tables if table in built}

    def _row_commitments(self) -> dict[str, list[dict[str, Any]]] | None:
        candidate_id = self.candidate()
        text = self.text("commitment").strip()
        if not text:
            self.blocking.append("the commitment is blank.")
        made_on = self.date("date", self.defaults["date"])
        visibility = self.visibility()
        (status,) = self.statuses(1)
        commitment_id = self.row_id("commitments")
        commitment = {
            "id": commitment_id,
            "update_id": derived_id("updates", commitment_id),
            "text": text,
            "status": status,
            "issue_id": self.name("issue", "issues"),
            "owner": self.text("owner").strip(),
            "follow_up_by": self.date("follow_up_by"),
            "visibility": visibility,
        }
        if self.blocking:
            return None
        draft = {"date": made_on, "candidate_id": candidate_id, "visibility": visibility}
        built = self._outcomes_only(
            {**draft, "commitments": [commitment]}, ("commitments", "updates")
        )
        for update in built["updates"]:
            update["date"] = made_on or self.today.isoformat()
            update["note"] = f"Imported from “{self.source or 'a sheet'}”, row {self.number}."
        return built

    def _row_positions(self) -> dict[str, list[dict[str, Any]]] | None:
        candidate_id = self.candidate()
        as_of = self.date("date", self.defaults["date"] or self.today.isoformat())
        visibility = self.visibility()
        row_id = self.row_id("positions")
        found = [
            {**position, "id": derived_id("positions", row_id, position.pop("label"))}
            for position in self.positions(self.name("issue", "issues"))
        ]
        if self.blocking:
            return None
        if not found:
            self.blocking.append("no stance is given.")
            return None
        draft = {"date": as_of, "candidate_id": candidate_id, "visibility": visibility}
        built = self._outcomes_only({**draft, "positions": found}, ("positions",))
        source_url = self.text("source_url").strip()
        for position in built["positions"]:
            position["source_url"] = source_url
        return built

    def _row_candidates(self) -> dict[str, list[dict[str, Any]]] | None:
        return self._listed("candidates", self._candidate_fields)

    def _row_partners(self) -> dict[str, list[dict[str, Any]]] | None:
        return self._listed("partners", self._partner_fields)

    def _listed(self, group: str, read: Callable[[], dict[str, Any]]) -> dict | None:
        """A row of a list of candidates or partners; one already in the tracker is not added
        again (it counts as already imported)."""
        name = " ".join(self.text("name").split())
        fields = read()
        if not name:
            self.blocking.append("the name is blank.")
        if self.blocking:
            return None
        key = _KEY[group](name)
        if key in self.listed:
            self.blocking.append(f"the same {_NOUN[group]} as row {self.listed[key]}.")
            return None
        self.listed[key] = self.number
        record_id = derived_id(group, "import", key or name)
        if len(self.known[group].get(key, ())) and record_id not in self.stored.get(group, set()):
            return {}  # the tracker has it already, under its own id
        record = {"id": record_id, "name": name, **fields, "created_by": self.author}
        return {group: [_only_columns(group, record)]}

    def _candidate_fields(self) -> dict[str, Any]:
        incumbent = self.text("incumbent").strip()
        read_incumbent = schema.parse_bool(incumbent) if incumbent else False
        if read_incumbent is None:
            self.blocking.append(f"“{incumbent}” in the incumbent column is not yes or no.")
        return {
            **{f: self.text(f).strip() for f in ("office", "district", "party", "website")},
            "notes": self.text("notes"),
            "election_date": self.date("election_date"),
            "stage": self.choice("stage", "stage"),
            "status": self.choice("status", "candidate_status"),
            "incumbent": bool(read_incumbent),
            "priorities": schema.split_list(self.text("priorities")),
        }

    def _partner_fields(self) -> dict[str, Any]:
        return {
            **{f: self.text(f).strip() for f in ("kind", "tax_status", "contact_name")},
            "contact_email": self.text("contact_email").strip(),
            "notes": self.text("notes"),
            "strengths": schema.split_list(self.text("strengths")),
            "active": True,
        }


def _only_columns(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``record`` that ``table`` has (issues and partners keep no author)."""
    return {name: value for name, value in record.items() if schema.table(table).has(name)}


def _read_date(text: str) -> str | None:
    """``YYYY-MM-DD`` from a date typed with its year; a date without one ("12/1", "Friday")
    would be a guess at the year."""
    text = text.strip()
    if not _YEAR.search(text):
        return None
    return schema.parse_date(text)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"
