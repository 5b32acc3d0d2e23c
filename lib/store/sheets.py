"""The store in the coalition's shared Google Sheet, read and written with gspread.

The sheet is edited by people too, so: rows are found by their ``id`` cell, never by a remembered
row number; only the cells that change are written; user text is written RAW so it can never
become a formula; columns and tabs a person added are left alone.

Request budget (the Sheets API quota is per minute): ``read_all`` is one ``values.batchGet``
(plus one metadata request the first time), ``append`` one ``values.append`` while the tab's header
is fresh in the cache, ``update`` one ``values.batchGet`` to find the row and one
``values.batchUpdate`` to write it.

Appends are idempotent by id: keys known to be in the tab (from the last read and this process's
own appends) are skipped, and when an earlier append's outcome is unknown (a timeout or a 5xx
after the request was sent) the tab's id column is read first.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import gspread
import pandas as pd
import requests
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.utils import extract_id_from_url, rowcol_to_a1

from lib import schema
from lib.store.base import (
    ConflictError,
    Edit,
    NotFoundError,
    SchemaError,
    Store,
    StoreError,
    UnavailableError,
)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
NEW_TAB_ROWS = 1000

T = TypeVar("T")


class SheetAccessError(StoreError):
    """The sheet exists but the service account may not open it."""


class SheetNotFoundError(StoreError):
    """No spreadsheet has that key, or the URL is wrong."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter, so many sessions do not retry in step."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**retry))


@dataclass(frozen=True)
class Tab:
    title: str
    sheet_id: int
    rows: int
    columns: int

    @property
    def quoted(self) -> str:
        return _quoted(self.title)


def _quoted(title: str) -> str:
    """A tab's title as the A1 notation of its whole grid."""
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Metadata:
    title: str
    tabs: dict[str, Tab]  # by contract table name
    cells: int  # grid cells of every tab, the figure Google's 10 million limit counts
    other_tabs: list[str]  # titles of the tabs that are not the tracker's own, in sheet order


def spreadsheet_key(spreadsheet: str) -> str:
    """The key from a sheet's URL, or the key itself."""
    spreadsheet = spreadsheet.strip()
    if "/" not in spreadsheet:
        return spreadsheet
    try:
        return extract_id_from_url(spreadsheet)
    except NoValidUrlKeyFound:
        raise SheetNotFoundError(
            f"{spreadsheet!r} is not a Google Sheet URL. Copy the address of the sheet from your "
            "browser; it looks like https://docs.google.com/spreadsheets/d/<key>/edit."
        ) from None


def _column_letter(position: int) -> str:
    return rowcol_to_a1(1, position + 1)[:-1]


def _status_of(error: Exception) -> int | None:
    if isinstance(error, APIError):
        return error.response.status_code
    return None


def _unknown_range(error: StoreError) -> bool:
    """Google's answer when a tab named in a request no longer exists (renamed or deleted)."""
    cause = error.__cause__
    return (
        isinstance(cause, APIError)
        and _status_of(cause) == 400
        and "Unable to parse range" in str(cause.error.get("message", ""))
    )


class SheetStore(Store):
    """The contract's tables as tabs of one Google Sheet."""

    cache_ttl = 30.0

    def __init__(
        self,
        client: gspread.Client,
        spreadsheet: str,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 20.0,
        service_account_email: str | None = None,
    ) -> None:
        super().__init__()
        client.set_timeout(timeout)  # gspread waits forever by default
        self.http = client.http_client
        self.key = spreadsheet_key(spreadsheet)
        self.retry = retry or RetryPolicy()
        self.service_account_email = service_account_email or getattr(
            getattr(self.http, "auth", None), "service_account_email", None
        )
        self._metadata_cache: _Metadata | None = None
        self._headers: dict[str, tuple[list[str], float]] = {}
        # Keys known to be in each tab (from the last read and our own appends), so a repeated
        # append is skipped without a request; keys whose append failed ambiguously are checked.
        self._known_keys: dict[str, set[str]] = {}
        self._unconfirmed_ids: set[str] = set()
        self._state_lock = threading.Lock()
        # Finding a row and writing it are two requests; within this process (every session of
        # the app) updates take turns so that two of them cannot both pass the conflict check.
        self._update_lock = threading.Lock()

    # --- identity ----------------------------------------------------------------------------

    @property
    def identity(self) -> str:
        return f"google-sheet:{self.key}"

    @property
    def label(self) -> str:
        try:
            return f"Google Sheet: {self._metadata().title}"
        except StoreError:
            return "Google Sheet (cannot be opened)"

    @property
    def title(self) -> str:
        return self._metadata().title

    # --- requests ------------------------------------------------------------------------------

    def _with_retries(self, call: Callable[[], T], *, writes: bool = False) -> T:
        """Run ``call``, retrying quota errors, server errors and timeouts a bounded number of
        times; anything else, and the last failure, becomes a :class:`StoreError`."""
        for attempt in range(self.retry.attempts):
            try:
                return call()
            except (APIError, requests.exceptions.RequestException) as error:
                status = _status_of(error)
                transient = status in RETRYABLE_STATUSES or status is None
                if not transient or attempt + 1 == self.retry.attempts:
                    raise self._explain(error, writes=writes) from error
                time.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _explain(self, error: Exception, *, writes: bool) -> StoreError:
        status = _status_of(error)
        if status == 403:
            who = self.service_account_email or "the service account in .streamlit/secrets.toml"
            return SheetAccessError(
                f"The Google Sheet is not shared with the app. In Google Sheets, click Share and "
                f"add {who} as an Editor."
            )
        if status == 404:
            return SheetNotFoundError(
                f"No Google Sheet has the key {self.key!r}. Check `spreadsheet` under "
                "[connections.gsheets] in .streamlit/secrets.toml."
            )
        if status is None or status in RETRYABLE_STATUSES:
            reason = (
                f"{status} {error.error.get('message', '')}".strip()
                if isinstance(error, APIError)
                else type(error).__name__
            )
            outcome = (
                "Your change is kept here; try again in a minute."
                if writes
                else "Try again in a minute."
            )
            return UnavailableError(
                f"Google Sheets did not answer after {self.retry.attempts} attempts ({reason}). "
                + outcome
            )
        message = error.error.get("message", str(error)) if isinstance(error, APIError) else error
        return StoreError(f"Google Sheets refused the request: {message}")

    def _metadata(self, *, refresh: bool = False) -> _Metadata:
        with self._state_lock:
            cached = self._metadata_cache
        if cached is not None and not refresh:
            return cached
        raw = self._with_retries(lambda: self.http.fetch_sheet_metadata(self.key))
        by_fold = {schema.fold(name): name for name in schema.TABLES}
        tabs: dict[str, Tab] = {}
        for sheet in raw.get("sheets", []):
            properties = sheet["properties"]
            name = by_fold.get(schema.fold(properties["title"]))
            if name is None or name in tabs:
                continue
            grid = properties.get("gridProperties", {})
            tabs[name] = Tab(
                properties["title"],
                properties["sheetId"],
                grid.get("rowCount", 0),
                grid.get("columnCount", 0),
            )
        cells = sum(
            sheet["properties"].get("gridProperties", {}).get("rowCount", 0)
            * sheet["properties"].get("gridProperties", {}).get("columnCount", 0)
            for sheet in raw.get("sheets", [])
        )
        own = {tab.title for tab in tabs.values()}
        others = [
            sheet["properties"]["title"]
            for sheet in raw.get("sheets", [])
            if sheet["properties"]["title"] not in own
        ]
        metadata = _Metadata(raw["properties"]["title"], tabs, cells, others)
        with self._state_lock:
            self._metadata_cache = metadata
        return metadata

    def _tab(self, table: str) -> Tab:
        tab = self._metadata().tabs.get(table)
        if tab is None:
            raise SchemaError(
                f"The Google Sheet has no {table!r} tab. Open Settings → Data and sheet and "
                'choose "Create the missing tabs".'
            )
        return tab

    def _batch_get(self, ranges: list[str], major: str = "ROWS") -> list[list[list[str]]]:
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": major}
        body = self.http.values_batch_get(self.key, ranges, params=params)
        return [value_range.get("values", []) for value_range in body.get("valueRanges", [])]

    def _remember_header(self, table: str, header: list[str]) -> None:
        with self._state_lock:
            self._headers[table] = (header, time.monotonic())

    def _fresh_header(self, table: str) -> list[str] | None:
        with self._state_lock:
            cached = self._headers.get(table)
        if cached and time.monotonic() - cached[1] <= self.cache_ttl:
            return cached[0]
        return None

    # --- reading -------------------------------------------------------------------------------

    def _read_tables(self) -> dict[str, pd.DataFrame]:
        metadata = self._metadata()
        if not metadata.tabs:
            return {
                name: schema.normalise(name, pd.DataFrame(), missing_table=True)
                for name in schema.TABLES
            }
        try:
            grids = self._with_retries(
                lambda: self._batch_get([tab.quoted for tab in metadata.tabs.values()])
            )
        except StoreError as error:
            if not _unknown_range(error):
                raise
            # A tab was renamed or deleted by hand since the metadata was read.
            metadata = self._metadata(refresh=True)
            grids = self._with_retries(
                lambda: self._batch_get([tab.quoted for tab in metadata.tabs.values()])
            )
        values_of = dict(zip(metadata.tabs, grids, strict=True))
        frames = {}
        for name in schema.TABLES:
            if name not in values_of:
                frames[name] = schema.normalise(name, pd.DataFrame(), missing_table=True)
                continue
            frames[name] = self._frame_of(name, values_of[name])
            key = schema.table(name).key
            if key:
                with self._state_lock:
                    self._known_keys[name] = set(frames[name][key])
        return frames

    def _read_table(self, table: str) -> pd.DataFrame:
        tab = self._metadata().tabs.get(table)
        if tab is None:
            return schema.normalise(table, pd.DataFrame(), missing_table=True)
        return self._frame_of(table, self._with_retries(lambda: self._batch_get([tab.quoted]))[0])

    def source_tabs(self) -> list[str]:
        """The spreadsheet's other tabs (a Form's "Form Responses 1", an old tracker), which
        can be brought in; asked afresh, since a tab may have been added a minute ago."""
        return self._metadata(refresh=True).other_tabs

    def read_source_tab(self, title: str) -> pd.DataFrame:
        """One of :meth:`source_tabs` as written: its first row as the header, every cell as the
        text the sheet shows, rows that end early filled with blanks. Only ever read."""
        if title not in self.source_tabs():
            raise StoreError(f"The Google Sheet has no tab called {title!r} to bring in.")
        grid = self._with_retries(lambda: self._batch_get([_quoted(title)]))[0]
        if not grid:
            return pd.DataFrame()
        width = max(len(row) for row in grid)
        cells = [[str(cell) for cell in row] + [""] * (width - len(row)) for row in grid]
        return pd.DataFrame(cells[1:], columns=cells[0], dtype=str)

    def _frame_of(self, table: str, grid: list[list[str]]) -> pd.DataFrame:
        """A tab's cells (header first) as the contract's table."""
        header = [str(cell) for cell in grid[0]] if grid else []
        self._remember_header(table, header)
        return schema.normalise_rows(table, header, grid[1:])

    # --- writing -------------------------------------------------------------------------------

    def _header(self, table: str) -> list[str]:
        header = self._fresh_header(table)
        if header is None:
            tab = self._tab(table)
            grid = self._with_retries(lambda: self._batch_get([f"{tab.quoted}!1:1"]))[0]
            header = [str(cell) for cell in grid[0]] if grid else []
            self._remember_header(table, header)
        return header

    @staticmethod
    def _positions(table: str, header: list[str]) -> dict[str, int]:
        """Where each contract column sits in the tab, matched as forgivingly as reading does."""
        by_fold = schema.header_lookup(schema.table(table))
        positions: dict[str, int] = {}
        for position, cell in enumerate(header):
            name = by_fold.get(schema.fold(cell))
            if name is not None and name not in positions:
                positions[name] = position
        return positions

    def _missing_columns_error(self, table: str, missing: list[str]) -> SchemaError:
        return SchemaError(
            f"The {table!r} tab has no column {', '.join(missing)}. Open Settings → Data and "
            'sheet and choose "Add the missing columns"; nothing in the sheet is changed '
            "otherwise."
        )

    def _stored_keys(self, tab: Tab, key_position: int) -> set[str]:
        """Every key already in the tab: one request, made only when a row may already be there."""
        letter = _column_letter(key_position)
        column = self._batch_get([f"{tab.quoted}!{letter}2:{letter}"], major="COLUMNS")[0]
        return {str(cell).strip() for cell in (column[0] if column else [])}

    def _with_current_tabs(self, table: str, write: Callable[[], None]) -> None:
        """Run a write; if the tab was renamed or deleted since it was looked up, look again."""
        try:
            write()
        except StoreError as error:
            if not _unknown_range(error):
                raise
            self._metadata(refresh=True)
            with self._state_lock:
                self._headers.pop(table, None)
            self._tab(table)  # says plainly that the tab is gone, if it is
            write()

    def _append_records(self, table: str, records: list[dict[str, str]]) -> None:
        self._with_current_tabs(table, lambda: self._append_now(table, records))

    def _update_record(
        self, table: str, key: str, cells: dict[str, str], expected_updated_at: str | None
    ) -> None:
        self._with_current_tabs(
            table, lambda: self._update_now(table, key, cells, expected_updated_at)
        )

    def _append_now(self, table: str, records: list[dict[str, str]]) -> None:
        tab = self._tab(table)
        header = self._header(table)
        positions = self._positions(table, header)
        missing = [
            name
            for name in schema.table(table).column_names
            if name not in positions and any(record[name] for record in records)
        ]
        if missing:
            raise self._missing_columns_error(table, missing)
        key = schema.table(table).key
        pending = records
        if key:
            with self._state_lock:
                known = set(self._known_keys.get(table, ()))
                uncertain = self._unconfirmed_ids & {record[key] for record in records}
            pending = [record for record in records if record[key] not in known]
            if uncertain:
                stored = self._with_retries(lambda: self._stored_keys(tab, positions[key]))
                pending = [record for record in pending if record[key] not in stored]

        width = max(len(header), max(positions.values(), default=-1) + 1)

        def row_of(record: dict[str, str]) -> list[str]:
            row = [""] * width
            for name, position in positions.items():
                row[position] = record[name]
            return row

        attempts = 0

        def send() -> None:
            nonlocal pending, attempts
            attempts += 1
            if attempts > 1 and key:
                # The previous attempt may have landed before the error reached us.
                stored = self._stored_keys(tab, positions[key])
                pending = [record for record in pending if record[key] not in stored]
            if pending:
                self.http.values_append(
                    self.key,
                    f"{tab.quoted}!A1",
                    params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                    body={
                        "majorDimension": "ROWS",
                        "values": [row_of(record) for record in pending],
                    },
                )

        ids = {record[key] for record in records} if key else set()
        self._send_tracking_ids(send, {table: ids} if key else {})

    def _write(self, edits: list[Edit], records: dict[str, list[dict[str, str]]]) -> None:
        try:
            self._write_now(edits, records)
        except StoreError as error:
            if "No grid with id" not in str(error.__cause__ or "") and not _unknown_range(error):
                raise
            # A tab was deleted, renamed or re-created by hand since it was looked up.
            self._metadata(refresh=True)
            with self._state_lock:
                for table in {*records, *(edit.table for edit in edits)}:
                    self._headers.pop(table, None)
            self._write_now(edits, records)

    def _write_now(self, edits: list[Edit], records: dict[str, list[dict[str, str]]]) -> None:
        """One spreadsheets.batchUpdate, which Google applies whole or not at all: updateCells
        for each edited cell, found by the record's id, and appendCells for the new rows. Cells
        are sent as strings, so nothing typed can become a formula, and each value goes under
        its column's header; columns a person added are left empty."""
        layout: dict[str, tuple[Tab, dict[str, int], int]] = {}
        for table in records:
            tab, header = self._tab(table), self._header(table)
            positions = self._positions(table, header)
            missing = [
                name
                for name in schema.table(table).column_names
                if name not in positions and any(record[name] for record in records[table])
            ]
            if missing:
                raise self._missing_columns_error(table, missing)
            width = max(len(header), max(positions.values(), default=-1) + 1)
            layout[table] = (tab, positions, width)
        key_of = {table: schema.table(table).key or "" for table in records}
        keyed = [table for table, key in key_of.items() if key]
        ids = {record[key_of[table]] for table in keyed for record in records[table]}

        def key_range(table: str) -> str:
            letter = _column_letter(layout[table][1][key_of[table]])
            return f"{layout[table][0].quoted}!{letter}2:{letter}"

        def still_to_send() -> dict[str, list[dict[str, str]]]:
            """The records not stored yet; nothing when every keyed record is (a retry of a
            batch that landed), so its audit rows are not added twice."""
            with self._state_lock:
                stored = {table: set(self._known_keys.get(table, ())) for table in keyed}
                uncertain = [
                    table
                    for table in keyed
                    if self._unconfirmed_ids & {row[key_of[table]] for row in records[table]}
                ]
            if uncertain:
                columns = self._batch_get([key_range(t) for t in uncertain], major="COLUMNS")
                for table, column in zip(uncertain, columns, strict=True):
                    stored[table] |= {str(cell).strip() for cell in (column[0] if column else [])}
            fresh = {
                table: [row for row in records[table] if row[key_of[table]] not in stored[table]]
                for table in keyed
            }
            if keyed and not any(fresh.values()):
                return {}
            return {
                table: fresh.get(table, rows)
                for table, rows in records.items()
                if fresh.get(table, rows)
            }

        def row_of(table: str, record: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
            _, positions, width = layout[table]
            cells: list[dict[str, Any]] = [{} for _ in range(width)]
            for name, position in positions.items():
                if record[name]:
                    cells[position] = {"userEnteredValue": {"stringValue": record[name]}}
            return {"values": cells}

        attempts = 0

        def send() -> None:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                with self._state_lock:
                    self._unconfirmed_ids |= ids  # the last attempt may have landed unseen
            changes = [edit_requests(edit) for edit in edits]
            # Edits alone (with audit rows, which have no key) that all landed before: a retry
            # of a write whose answer was lost, so its audit rows landed too.
            if edits and not keyed and not any(changes):
                return
            pending = still_to_send()
            if records and not pending:
                return
            requests = [request for requested in changes for request in requested]
            requests += [
                {
                    "appendCells": {
                        "sheetId": layout[table][0].sheet_id,
                        "rows": [row_of(table, record) for record in rows],
                        "fields": "userEnteredValue",
                    }
                }
                for table, rows in pending.items()
            ]
            if requests:
                self.http.batch_update(self.key, {"requests": requests})

        def edit_requests(edit: Edit) -> list[dict[str, Any]]:
            """The updateCells for one edit, after checking it against the stored version."""
            tab = self._tab(edit.table)
            key_name = schema.table(edit.table).key
            assert key_name is not None
            row, header, current_stamp = self._locate(edit.table, tab, key_name, edit.id)
            stamp = edit.changes.get("updated_at")
            if stamp and current_stamp == stamp:
                return []  # an earlier attempt landed before its answer was lost
            if edit.expected_updated_at is not None and current_stamp != edit.expected_updated_at:
                raise ConflictError(
                    edit.table, edit.id, edit.expected_updated_at, {"updated_at": current_stamp}
                )
            positions = self._positions(edit.table, header)
            missing = [name for name in edit.changes if name not in positions]
            if missing:
                raise self._missing_columns_error(edit.table, missing)
            return [
                {
                    "updateCells": {
                        "range": {
                            "sheetId": tab.sheet_id,
                            "startRowIndex": row - 1,
                            "endRowIndex": row,
                            "startColumnIndex": positions[name],
                            "endColumnIndex": positions[name] + 1,
                        },
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": value}}]}],
                        "fields": "userEnteredValue",
                    }
                }
                for name, value in edit.changes.items()
            ]

        with self._update_lock:  # edits are read-then-write: one at a time in this process
            self._send_tracking_ids(
                send, {table: {row[key_of[table]] for row in records[table]} for table in keyed}
            )

    def _send_tracking_ids(self, send: Callable[[], None], ids: dict[str, set[str]]) -> None:
        """Send a write with retries. Ids of a write that failed may have landed unseen: they are
        checked against the sheet before the next write of them; those of one that succeeded
        are known to be stored."""
        every = set().union(*ids.values())
        try:
            self._with_retries(send, writes=True)
        except UnavailableError:
            with self._state_lock:
                self._unconfirmed_ids |= every
            raise
        with self._state_lock:
            self._unconfirmed_ids -= every
            for table, stored in ids.items():
                self._known_keys.setdefault(table, set()).update(stored)

    def _update_now(
        self, table: str, key: str, cells: dict[str, str], expected_updated_at: str | None
    ) -> None:
        tab = self._tab(table)
        key_name = schema.table(table).key
        assert key_name is not None
        has_stamp = "updated_at" in cells

        def send() -> None:
            row, header, current_stamp = self._locate(table, tab, key_name, key)
            if has_stamp and current_stamp == cells["updated_at"]:
                return  # an earlier attempt landed before its answer was lost
            if expected_updated_at is not None and current_stamp != expected_updated_at:
                raise ConflictError(table, key, expected_updated_at, {"updated_at": current_stamp})
            positions = self._positions(table, header)
            missing = [name for name in cells if name not in positions]
            if missing:
                raise self._missing_columns_error(table, missing)
            data = [
                {
                    "range": f"{tab.quoted}!{_column_letter(positions[name])}{row}",
                    "values": [[value]],
                }
                for name, value in cells.items()
            ]
            self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})

        with self._update_lock:
            self._with_retries(send, writes=True)

    def _locate(self, table: str, tab: Tab, key_name: str, key: str) -> tuple[int, list[str], str]:
        """(row number, header, current updated_at) of the record, in one request."""
        header = self._fresh_header(table)
        if header is None:
            grid = self._batch_get([tab.quoted])[0]
            header = [str(cell) for cell in grid[0]] if grid else []
            self._remember_header(table, header)
            positions = self._positions(table, header)
            if key_name not in positions:
                raise self._missing_columns_error(table, [key_name])
            key_cells = [
                row[positions[key_name]] if len(row) > positions[key_name] else "" for row in grid
            ]
            stamp_position = positions.get("updated_at")
            stamps = [
                row[stamp_position]
                if stamp_position is not None and len(row) > stamp_position
                else ""
                for row in grid
            ]
        else:
            positions = self._positions(table, header)
            if key_name not in positions:
                raise self._missing_columns_error(table, [key_name])
            ranges = [
                f"{tab.quoted}!1:1",
                f"{tab.quoted}!{_column_letter(positions[key_name])}:"
                f"{_column_letter(positions[key_name])}",
            ]
            if "updated_at" in positions:
                letter = _column_letter(positions["updated_at"])
                ranges.append(f"{tab.quoted}!{letter}:{letter}")
            grids = self._batch_get(ranges, major="COLUMNS")
            live_header = [str(column[0]) if column else "" for column in grids[0]]
            if [schema.fold(cell) for cell in live_header] != [
                schema.fold(cell) for cell in header
            ]:
                # Columns were moved by hand: forget the header and look again.
                with self._state_lock:
                    self._headers.pop(table, None)
                return self._locate(table, tab, key_name, key)
            key_cells = [str(cell) for cell in (grids[1][0] if grids[1] else [])]
            stamps = [str(cell) for cell in (grids[2][0] if len(grids) > 2 and grids[2] else [])]
        matches = [
            index for index, cell in enumerate(key_cells) if index and str(cell).strip() == key
        ]
        if not matches:
            raise NotFoundError(table, key)
        if len(matches) > 1:
            raise SchemaError(
                f"Rows {', '.join(str(index + 1) for index in matches)} of the {table!r} tab share "
                f"the id {key!r}. Give one of them a new id in the sheet, then try again."
            )
        index = matches[0]
        return index + 1, header, stamps[index] if index < len(stamps) else ""

    # --- repairs ---------------------------------------------------------------------------------

    @property
    def cells_used(self) -> int:
        """Cells in every tab, towards Google's limit (as of the last look at the metadata)."""
        return self._metadata().cells

    def give_ids(self, table: str) -> int:
        """Give each row typed in by hand without an id a new one; returns how many.

        The one write that addresses rows by number: it is made straight after reading the tab,
        in a single request, and only into id cells that are empty.
        """
        tab = self._tab(table)
        key = schema.table(table).key
        assert key is not None
        grid = self._with_retries(lambda: self._batch_get([tab.quoted]))[0]
        header = [str(cell) for cell in grid[0]] if grid else []
        positions = self._positions(table, header)
        if key not in positions:
            raise self._missing_columns_error(table, [key])
        letter = _column_letter(positions[key])
        data = [
            {"range": f"{tab.quoted}!{letter}{number}", "values": [[schema.new_id(table)]]}
            for number, row in enumerate(grid[1:], start=2)
            if any(str(cell).strip() for cell in row)
            and (len(row) <= positions[key] or not str(row[positions[key]]).strip())
        ]
        if data:
            self._with_retries(
                lambda: self.http.values_batch_update(
                    self.key, {"valueInputOption": "RAW", "data": data}
                ),
                writes=True,
            )
            self.clear_cache()
        return len(data)

    # --- schema --------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Add missing tabs, then missing header cells after the last used one; no data moves."""
        metadata = self._metadata(refresh=True)
        missing_tabs = [name for name in schema.TABLES if name not in metadata.tabs]
        if missing_tabs:
            requests_ = [
                {
                    "addSheet": {
                        "properties": {
                            "title": name,
                            "gridProperties": {
                                "rowCount": NEW_TAB_ROWS,
                                "columnCount": max(26, len(schema.table(name).columns)),
                            },
                        }
                    }
                }
                for name in missing_tabs
            ]
            self._with_retries(
                lambda: self.http.batch_update(self.key, {"requests": requests_}), writes=True
            )
            metadata = self._metadata(refresh=True)

        tabs = list(metadata.tabs.items())
        headers = self._with_retries(
            lambda: self._batch_get([f"{tab.quoted}!1:1" for _, tab in tabs])
        )
        widen: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        for (name, tab), grid in zip(tabs, headers, strict=True):
            header = [str(cell) for cell in grid[0]] if grid else []
            positions = self._positions(name, header)
            missing = [
                column for column in schema.table(name).column_names if column not in positions
            ]
            if not missing:
                continue
            used = max(
                (index + 1 for index, cell in enumerate(header) if str(cell).strip()), default=0
            )
            needed = used + len(missing)
            if needed > tab.columns:
                widen.append(
                    {
                        "appendDimension": {
                            "sheetId": tab.sheet_id,
                            "dimension": "COLUMNS",
                            "length": needed - tab.columns,
                        }
                    }
                )
            data.append({"range": f"{tab.quoted}!{_column_letter(used)}1", "values": [missing]})
        if widen:
            self._with_retries(
                lambda: self.http.batch_update(self.key, {"requests": widen}), writes=True
            )
        if data:
            self._with_retries(
                lambda: self.http.values_batch_update(
                    self.key, {"valueInputOption": "RAW", "data": data}
                ),
                writes=True,
            )
        with self._state_lock:
            self._headers.clear()
        self._metadata(refresh=True)
        self.clear_cache()
