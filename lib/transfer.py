"""Moving a coalition between data sources, and backing it up to one workbook.

* :func:`check_connection` opens a Google Sheet from a pasted URL with the service account in the
  app's secrets and says, in plain words, whether it worked and why not.
* :func:`plan_copy`, :func:`copy` and :func:`verify` copy every table from one store into another
  (the local database into the coalition's sheet, or a sheet into a SQL database). Copying is
  idempotent: rows are matched by their key (``id``, ``email``, ``key``), audit rows by
  (at, record_id, action), so running it twice adds nothing the second time; nothing already in
  the target is changed.
* :func:`backup_bytes` writes every table into one XLSX workbook in the contract's layout, every
  value as text; :func:`read_backup` reads such a workbook back, and :func:`copy` restores it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from lib import coalition, schema
from lib.export import xlsx_bytes
from lib.store import ConfigError, Store, StoreError, UnavailableError
from lib.store.sheets import SheetAccessError, SheetNotFoundError, spreadsheet_key

COPY_ORDER = schema.DEPENDENCY_ORDER
AUDIT_KEY = ("at", "record_id", "action")
BATCH_ROWS = 500  # rows per append: a few requests per table, each well under Google's size limit

Tables = Mapping[str, pd.DataFrame]
Progress = Callable[[int, int, str], None]  # (rows done, rows in all, table being copied)

assert set(COPY_ORDER) == set(schema.TABLES), "every table must be copied"


# --- what is in a store -----------------------------------------------------------------------


def tables_of(source: Store | Tables, *, fresh: bool = False) -> dict[str, pd.DataFrame]:
    """The tables of a store (read afresh if asked: edits made elsewhere count) or a mapping."""
    if isinstance(source, Store):
        if fresh:
            source.clear_cache()
        return source.read_all()
    return dict(source)


def missing_structure(
    tables: Tables, wanted: Iterable[str] = COPY_ORDER
) -> tuple[list[str], dict[str, list[str]]]:
    """(tables whose tab is missing, {table: its missing columns}), from what reading reported,
    among the ``wanted`` tables (see :func:`tables_for`)."""
    missing_tabs: list[str] = []
    missing_columns: dict[str, list[str]] = {}
    for name in wanted:
        frame = tables.get(name)
        if frame is None:
            missing_tabs.append(name)
            continue
        for problem in schema.problems_of(frame):
            if problem.message == f"The {name!r} tab is missing.":
                missing_tabs.append(name)
            elif problem.message.startswith("Missing columns: ") and problem.value:
                missing_columns.setdefault(name, []).extend(problem.value.split(", "))
    return missing_tabs, missing_columns


def tables_for(tables: Tables) -> tuple[str, ...]:
    """The tables this coalition has, in copy order. Those of a feature it does not have (the
    endorsement tables, for a 501(c)(3) or a coalition that has not said its tax status) are
    left out of its counts, copies and backups, with any rows typed into them by hand."""
    has = coalition.settings_of(dict(tables)).capabilities if "settings" in tables else frozenset()
    return tuple(name for name in COPY_ORDER if schema.table(name).capability in ("", *has))


def record_counts(tables: Tables) -> dict[str, int]:
    return {name: len(tables[name]) for name in tables_for(tables) if name in tables}


def is_empty(tables: Tables) -> bool:
    return not any(record_counts(tables).values())


def _key_of(table: str, row: Mapping[str, Any]) -> str:
    spec = schema.table(table)
    if spec.key:
        return str(row[spec.key]).strip()
    return " · ".join(str(row[name]) for name in AUDIT_KEY)


def _keys(table: str, frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return []
    spec = schema.table(table)
    if spec.key:
        return [str(key).strip() for key in frame[spec.key]]
    return [" · ".join(str(cell) for cell in row) for row in frame[list(AUDIT_KEY)].to_numpy()]


def _cell_text(column: schema.Column, value: Any) -> str:
    try:
        return schema.to_cell(column, value)
    except schema.InvalidValue:  # kept as it is (too long for a cell, or typed by hand)
        return "" if value is None else str(value)


def text_record(table: str, row: Mapping[str, Any]) -> dict[str, str]:
    """A read row as the text the store keeps (TRUE/FALSE, YYYY-MM-DD, ``; `` lists)."""
    return {
        column.name: _cell_text(column, row.get(column.name, ""))
        for column in schema.table(table).columns
    }


def text_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table in the contract's column order with every value as stored text."""
    out = pd.DataFrame(index=frame.index)
    for column in schema.table(table).columns:
        if column.name not in frame:
            out[column.name] = ""
            continue
        values = frame[column.name]
        if column.kind in (schema.Kind.TEXT, schema.Kind.TIMESTAMP):
            out[column.name] = values.fillna("").astype(str)
        elif column.kind is schema.Kind.KEY:
            out[column.name] = values.fillna("").astype(str).str.strip()
        else:  # few distinct values (flags, choices, dates): convert each once
            distinct = {value: _cell_text(column, value) for value in values.unique()}
            out[column.name] = values.map(distinct).fillna("").astype(str)
    return out.reset_index(drop=True).astype(object)


# --- copying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    table: str
    key: str
    reason: str


def _to_copy(
    table: str, source: pd.DataFrame, target: pd.DataFrame
) -> tuple[pd.DataFrame, list[Skipped]]:
    """The source's rows the target lacks, as a frame of text; and rows that cannot be copied."""
    spec = schema.table(table)
    text = text_frame(table, source)
    if text.empty:
        return text, []
    keys = pd.Series(_keys(table, text), index=text.index, dtype=object)
    lengths = pd.DataFrame({name: text[name].str.len() for name in text.columns})
    too_long = (lengths > schema.MAX_CELL_CHARS).any(axis=1)
    blank = keys == "" if spec.key else pd.Series(False, index=text.index)
    wanted = ~keys.isin(set(_keys(table, target))) & ~blank
    skipped = [
        Skipped(table, "", f"a row without {spec.key} cannot be matched")
        for _ in range(int(blank.sum()))
    ]
    for position in text.index[wanted & too_long]:
        columns = [
            name for name in text.columns if lengths.at[position, name] > schema.MAX_CELL_CHARS
        ]
        skipped.append(
            Skipped(
                table,
                str(keys[position]),
                f"{', '.join(columns)} is longer than a cell's "
                f"{schema.MAX_CELL_CHARS:,} characters",
            )
        )
    chosen = wanted & ~too_long & ~keys.duplicated()  # a key repeated in the source: once
    return text[chosen], skipped


def rows_to_copy(
    table: str, source: pd.DataFrame, target: pd.DataFrame
) -> tuple[list[dict[str, str]], list[Skipped]]:
    """The source's rows the target lacks, as text records; and rows that cannot be copied."""
    frame, skipped = _to_copy(table, source, target)
    return frame.to_dict("records"), skipped


def plan_copy(source_tables: Tables, target_tables: Tables) -> dict[str, int]:
    """How many rows of each table the copy would add to the target."""
    return {
        name: len(_to_copy(name, source_tables[name], target_tables[name])[0])
        for name in tables_for(source_tables)
    }


def preview(
    source_tables: Tables,
    target_tables: Tables,
    source_label: str = "In the source",
    target_label: str = "Already in the target",
) -> pd.DataFrame:
    """Per table: rows in the source, rows already in the target, rows the copy adds ("To copy").

    Rows that cannot be copied are listed in ``attrs["skipped"]``.
    """
    names = tables_for(source_tables)
    planned = {name: _to_copy(name, source_tables[name], target_tables[name]) for name in names}
    frame = pd.DataFrame(
        {
            "Table": list(names),
            source_label: [len(source_tables[name]) for name in names],
            target_label: [len(target_tables[name]) for name in names],
            "To copy": [len(planned[name][0]) for name in names],
        }
    )
    frame.attrs["skipped"] = [skip for name in names for skip in planned[name][1]]
    return frame


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.copied.values())


def copy(
    source: Store | Tables,
    target: Store,
    progress: Progress | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
) -> CopyReport:
    """Add to ``target`` every row of ``source`` it lacks, table by table, in batches.

    Rows already in the target (same key) are left as they are. A failure stops the copy with a
    StoreError; what was copied stays, and running the copy again carries on where it stopped.
    """
    source_tables = tables_of(source, fresh=True)
    target_tables = tables_of(target, fresh=True)
    names = tables_for(source_tables)
    work = {}
    report = CopyReport()
    for name in names:
        records, skipped = rows_to_copy(name, source_tables[name], target_tables[name])
        work[name] = records
        report.skipped.extend(skipped)
    total = sum(len(records) for records in work.values())
    done = 0
    if progress:
        progress(0, total, names[0])
    for name in names:
        records = work[name]
        report.copied[name] = 0
        for start in range(0, len(records), batch_rows):
            batch = records[start : start + batch_rows]
            target.append(name, batch)
            report.copied[name] += len(batch)
            done += len(batch)
            if progress:
                progress(done, total, name)
    target.clear_cache()
    return report


def verify(source: Store | Tables, target: Store | Tables) -> dict[str, list[str]]:
    """Per table, the keys of source rows that are not in the target (empty lists: all there)."""
    source_tables, target_tables = tables_of(source, fresh=True), tables_of(target, fresh=True)
    missing = {}
    for name in tables_for(source_tables):
        present = set(_keys(name, target_tables[name]))
        wanted = [key for key in _keys(name, source_tables[name]) if key]
        missing[name] = sorted({key for key in wanted if key not in present})
    return missing


# --- the coalition's Google Sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    """The answer to "Test connection", in words for the user."""

    ok: bool
    message: str
    title: str = ""
    store: Store | None = None
    #: contract tables the sheet has no tab for (all of them on a new, empty sheet)
    missing_tabs: tuple[str, ...] = ()
    #: tables whose tab lacks columns, with the columns
    missing_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def gsheets_settings(secrets: Mapping[str, Any]) -> dict[str, Any]:
    connections = secrets.get("connections") or {}
    gsheets = connections.get("gsheets") if isinstance(connections, Mapping) else None
    return dict(gsheets) if isinstance(gsheets, Mapping) else {}


def service_account_email(secrets: Mapping[str, Any]) -> str:
    return str(gsheets_settings(secrets).get("client_email", "")).strip()


def open_sheet(secrets: Mapping[str, Any], url: str) -> Store:
    """The store on the sheet at ``url``, with the service account in the app's secrets.

    Uses the same path as the app's own configuration (lib.store), with the pasted URL in place
    of the configured one; TRACKER_DATABASE_URL plays no part here.
    """
    from lib.store import _sheet_store

    return _sheet_store({**gsheets_settings(secrets), "spreadsheet": url.strip()})


def check_connection(
    secrets: Mapping[str, Any], url: str, wanted: Iterable[str] = COPY_ORDER
) -> Connection:
    """Open the sheet at ``url`` and read its tabs; a plain answer either way. Only the
    ``wanted`` tables (those of the coalition moving in, see :func:`tables_for`) are looked for."""
    url = url.strip()
    email = service_account_email(secrets)
    if not url:
        return Connection(False, "Paste the Google Sheet's address first.")
    try:
        spreadsheet_key(url)
        store = open_sheet(secrets, url)
        title = store.title  # type: ignore[attr-defined]
        tables = store.read_all()
    except ConfigError as error:
        return Connection(
            False,
            "The service account's credentials in .streamlit/secrets.toml are missing or not "
            f"valid, so the app cannot open Google Sheets. {error}",
        )
    except SheetAccessError:
        who = email or "the service account"
        return Connection(
            False,
            f"The sheet is not shared with {who}. In Google Sheets, click Share, add {who} as "
            "an Editor, then test again.",
        )
    except SheetNotFoundError as error:
        if "/" in url and "docs.google.com" not in url:
            return Connection(False, str(error))
        return Connection(
            False,
            "There is no Google Sheet at that address. Open the sheet in your browser and copy "
            "the whole address from the address bar; it looks like "
            "https://docs.google.com/spreadsheets/d/<key>/edit.",
        )
    except UnavailableError as error:
        return Connection(False, f"Google Sheets did not answer. {error}")
    except StoreError as error:
        return Connection(False, f"The sheet could not be opened. {error}")
    wanted = tuple(wanted)
    missing_tabs, missing_columns = missing_structure(tables, wanted)
    if set(missing_tabs) == set(wanted):
        state = "It has none of the app's tabs yet: create them below."
    elif missing_tabs or missing_columns:
        state = "Some of the app's tabs or columns are missing: create them below."
    else:
        state = "It has every tab and column the app needs."
    return Connection(
        True,
        f"Connected to the Google Sheet “{title}”. {state}",
        title=title,
        store=store,
        missing_tabs=tuple(missing_tabs),
        missing_columns={name: tuple(columns) for name, columns in missing_columns.items()},
    )


def _columns(table: str) -> tuple[str, ...]:
    return schema.table(table).column_names


def secrets_snippet(url: str) -> str:
    """The lines of .streamlit/secrets.toml that switch the app to this sheet."""
    return f'[connections.gsheets]\nspreadsheet = "{url.strip()}"'


def sql_snippet(url: str) -> str:
    return f'[connections.sql]\nurl = "{url.strip()}"'


# --- backup and restore -----------------------------------------------------------------------


class BackupError(StoreError):
    """The workbook cannot be restored; the message says why, naming tabs and columns."""


def backup_bytes(tables: Tables) -> bytes:
    """Every table as one sheet of an XLSX workbook: contract columns in order, values as text.

    A workbook cannot hold every character a sheet cell can (see :func:`lib.export.cell_text`):
    CR, vertical tab (Word's Shift+Enter) and form feed come back as line feeds, and the other
    control characters are left out, so a stray one never stops the backup being made.
    """
    return xlsx_bytes({name: text_frame(name, tables[name]) for name in tables_for(tables)})


def _text(value: Any) -> str:
    """A workbook cell as text, as a person would read it; text cells exactly as stored."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def read_backup(data: bytes) -> dict[str, pd.DataFrame]:
    """The tables of a backup workbook, read as the contract says (cells as text).

    Raises BackupError naming every missing tab and column.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BackupError(
            "This file is not an Excel workbook (.xlsx); choose a backup downloaded from this page."
        ) from error
    try:
        sheets = {schema.fold(sheet.title): sheet for sheet in workbook.worksheets}
        grids: dict[str, list[list[str]]] = {}
        missing_tabs = []
        missing_columns = []
        for name in COPY_ORDER:
            sheet = sheets.get(schema.fold(name))
            if sheet is None:
                # A coalition without the feature has no sheet for its tables: none is needed.
                if not schema.table(name).capability:
                    missing_tabs.append(name)
                continue
            grid = [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
            header = grid[0] if grid else []
            found = {
                schema.header_lookup(schema.table(name)).get(schema.fold(cell)) for cell in header
            }
            lacking = [column for column in _columns(name) if column not in found]
            if lacking:
                missing_columns.append(f"{name} (no {', '.join(lacking)})")
            grids[name] = grid
    finally:
        workbook.close()
    if missing_tabs or missing_columns:
        parts = []
        if missing_tabs:
            parts.append("it has no sheet for " + ", ".join(missing_tabs))
        if missing_columns:
            parts.append("some sheets lack columns: " + "; ".join(missing_columns))
        raise BackupError(
            "This workbook cannot be restored: "
            + "; and ".join(parts)
            + ". Restore a backup downloaded from this page, with every sheet and column."
        )
    tables = {}
    for name in COPY_ORDER:
        grid = grids.get(name) or [list(_columns(name))]
        tables[name] = schema.normalise_rows(name, grid[0], grid[1:])
    return tables
