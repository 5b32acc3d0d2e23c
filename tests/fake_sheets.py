"""An in-process fake of the Google Sheets v4 REST API, handed to gspread as its HTTP session.

Why: the app reads and writes its Google Sheet through gspread. Stubbing gspread would test our
idea of gspread; this fake sits *below* it, so gspread's real request building, URL quoting and
error handling run exactly as in production, and only Google is simulated::

    fake = FakeSheets()
    key = fake.create_spreadsheet("Coalition Tracker", tabs={"candidates": [["id", "name"]]})
    client = gspread.Client(auth=None, session=fake)  # gspread calls fake.request(...)
    sh = client.open_by_key(key)

It answers with real ``requests.Response`` objects carrying Google's JSON bodies (and Google's
real error bodies), so ``APIError``, ``SpreadsheetNotFound`` and retry logic behave as they would
against Google. Tests can also look behind the API (``grid``, ``cell``, ``log``), edit the sheet
the way a person would (``set_values``, ``insert_rows``, ``move_column``, ``rename_tab``...), and
inject faults (``fail``, ``timeout``, including a write that lands but whose answer is lost).

Where the fake knowingly differs from Google:

* Formulas: only literal arithmetic (numbers, ``+ - * /``, parentheses) is computed; anything
  else (cell references, functions, ``^``) shows ``#NAME?``; a syntax error shows ``#ERROR!``.
* USER_ENTERED parsing knows numbers (``0123``, ``-1.5``, ``1e3``), ``TRUE``/``FALSE`` (any case),
  ISO dates ``YYYY-MM-DD`` (a date whose formatted value is the same text and whose unformatted
  value is the serial day number), a leading ``'`` (forces text) and ``=`` (formula). Google also
  converts ``1,234``, ``$5``, ``50%``, ``1/5/2024`` and times; here those stay text.
* Number display approximates Google's "Automatic" format: integers as digits, others with up to
  15 significant digits (Google often shows fewer decimals, e.g. ``0.3333333333``).
* values.append finds the "table" as the 4-connected block of non-empty cells touching the
  non-empty cells of the given range (for a bare tab name: the block holding the last non-empty
  cell), then writes below it from its first column; an empty range start means "write here".
  That reproduces Google's documented and observed behaviour (a blank row ends a table, so a
  later append lands in the gap; gspread's insert_row/insert_cols work) but Google's exact
  heuristics are unpublished. Like Google, append adds rows and columns to the grid as needed.
* Only the batchUpdate requests addSheet, deleteSheet, updateSheetProperties, appendDimension,
  insertDimension, deleteDimension, appendCells and updateCells (with a range; userEnteredValue
  only: stringValue, numberValue, boolValue, formulaValue) exist; others, the Drive API
  (``client.open(title)``, ``list_spreadsheet_files``, export, permissions) and
  ``spreadsheets.sheets.copyTo`` raise NotImplementedError. ``fields`` and ``includeGridData``
  of spreadsheets.get are ignored (full metadata, never grid data). Named ranges, formatting,
  notes and merges do not exist.
* Sheet titles in A1 ranges match case-insensitively (as in Google); response ranges quote a
  title unless it is a plain identifier that cannot be read as a cell, an approximation of
  Google's rule.
"""

from __future__ import annotations

import ast
import copy
import itertools
import json
import operator
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

KINDS = (
    "spreadsheets.get",
    "values.get",
    "values.batchGet",
    "values.append",
    "values.update",
    "values.batchUpdate",
    "values.clear",
    "values.batchClear",
    "spreadsheets.batchUpdate",
)
READ_KINDS = frozenset({"spreadsheets.get", "values.get", "values.batchGet"})

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
MAX_COLUMNS = 18278  # column ZZZ, the widest a sheet can be

Value = str | int | float | bool

_HOST = "sheets.googleapis.com"
_JSON = "application/json; charset=UTF-8"

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_NOT_FOUND = "Requested entity was not found."
_FORBIDDEN = "The caller does not have permission"
_FAULT_MESSAGES = {
    403: _FORBIDDEN,
    404: _NOT_FOUND,
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
# Google's front end answers a 502 with an HTML page, not JSON, so gspread's APIError gets code -1
# and only ``error.response.status_code`` tells what happened.
_HTML_502 = (
    "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
    "  <title>Error 502 (Server Error)!!1</title>\n"
    "  <p><b>502.</b> <ins>That\u2019s an error.</ins>\n"
    "  <p>The server encountered a temporary error and could not complete your request."
    "<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>\n"
).encode()
FAULT_STATUSES = frozenset({*_FAULT_MESSAGES, 429, 502})


def _quota_message(kind: str) -> str:
    what = "Read" if kind in READ_KINDS else "Write"
    return (
        f"Quota exceeded for quota metric '{what} requests' and limit '{what} requests per minute "
        "per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:000000000000'."
    )


class _ApiError(Exception):
    """An error Google would answer with; turned into a JSON error response."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _error_body(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": _STATUS_NAMES[code]}}


# --- cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCell:
    """What a cell holds, as Google stores it.

    ``kind`` is "text", "number", "bool", "formula" or "date". ``value`` is the text, the number,
    the bool, the formula source (``"=1+1"``) or the ISO date. Tests use it to prove, for example,
    that user input stayed text and never became a formula.
    """

    kind: str
    value: Value

    def render(self, option: str = "FORMATTED_VALUE") -> Value:
        """The cell as values.get returns it under ``valueRenderOption`` ``option``."""
        if self.kind == "formula" and option == "FORMULA":
            return self.value
        if self.kind == "date":
            assert isinstance(self.value, str)
            return self.value if option == "FORMATTED_VALUE" else _date_serial(self.value)
        value = _evaluate(str(self.value)) if self.kind == "formula" else self.value
        if option == "FORMATTED_VALUE":
            return _formatted(value)
        return _unformatted(value)


def _formatted(value: Value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if abs(value) < 1e15 and float(value).is_integer():
            return str(int(value))
        return format(float(value), ".15g").replace("e", "E")
    return value


def _unformatted(value: Value) -> Value:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _date_serial(iso: str) -> int:
    """Days since 1899-12-30, the spreadsheet epoch Google uses for unformatted dates."""
    return (date.fromisoformat(iso) - date(1899, 12, 30)).days


_ARITHMETIC: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class _Unsupported(Exception):
    """A formula uses something the fake cannot compute."""


def _evaluate(formula: str) -> float | str:
    """The result of a formula made of literal arithmetic, or a Google error string."""
    try:
        tree = ast.parse(formula[1:].strip(), mode="eval")
    except (SyntaxError, ValueError):
        return "#ERROR!"
    try:
        return _compute(tree.body)
    except ZeroDivisionError:
        return "#DIV/0!"
    except _Unsupported:
        return "#NAME?"


def _compute(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return _ARITHMETIC[type(node.op)](_compute(node.left), _compute(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _compute(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    raise _Unsupported


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _typed(text: str) -> StoredCell | None:
    """A string as Google stores it when a person types it (USER_ENTERED)."""
    if text.startswith("'"):
        return StoredCell("text", text[1:]) if len(text) > 1 else None
    if text.startswith("=") and len(text) > 1:
        return StoredCell("formula", text)
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return StoredCell("bool", stripped.upper() == "TRUE")
    if _NUMBER.fullmatch(stripped):
        number = float(stripped)
        return StoredCell("number", _unformatted(number))
    if _ISO_DATE.fullmatch(stripped):
        try:
            date.fromisoformat(stripped)
        except ValueError:
            return StoredCell("text", text)
        return StoredCell("date", stripped)
    return StoredCell("text", text)


class _Keep:
    """Marks a position whose cell a write leaves alone (a JSON null, or a ragged gap)."""


_KEEP = _Keep()
_Entry = StoredCell | None | _Keep  # None clears the cell


def _entry(value: Any, option: str, where: str) -> _Entry:
    if value is None:
        return _KEEP
    if isinstance(value, bool):
        return StoredCell("bool", value)
    if isinstance(value, int | float):
        return StoredCell("number", value)
    if isinstance(value, str):
        if value == "":
            return None
        return StoredCell("text", value) if option == "RAW" else _typed(value)
    shape = "list_value" if isinstance(value, list) else "struct_value"
    raise _ApiError(400, f"Invalid {where}: {shape}")


def _entries(values: Any, option: str, major: str) -> list[list[_Entry]]:
    """Request ``values`` as rows of entries, whatever the request's majorDimension."""
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(line, list) for line in values):
        raise _ApiError(400, "Invalid values: expected a list of lists.")
    lines = [
        [_entry(value, option, f"values[{i}][{j}]") for j, value in enumerate(line)]
        for i, line in enumerate(values)
    ]
    return _transpose(lines, _KEEP) if major == "COLUMNS" else lines


def _transpose(lines: list[list[Any]], fill: Any) -> list[list[Any]]:
    length = max((len(line) for line in lines), default=0)
    return [[line[i] if i < len(line) else fill for line in lines] for i in range(length)]


# --- A1 notation ---------------------------------------------------------------------------------


def _column_letter(number: int) -> str:
    """``1`` -> ``A``, ``27`` -> ``AA``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


_ENDPOINT = re.compile(r"\$?([A-Za-z]{0,3})\$?(\d*)")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*")

Box = tuple[int, int, int, int]  # top, left, bottom, right; 1-based, inclusive


def _quote_title(title: str, *, always: bool = False) -> str:
    if not always and _PLAIN_TITLE.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _format_range(title: str, box: Box, *, always_quote: bool = False) -> str:
    top, left, bottom, right = box
    cells = f"{_column_letter(left)}{top}"
    if (top, left) != (bottom, right):
        cells += f":{_column_letter(right)}{bottom}"
    return f"{_quote_title(title, always=always_quote)}!{cells}"


def _split_title(a1: str) -> tuple[str | None, str | None] | None:
    """(sheet title or None, cell part or None) of an A1 range; None if the quoting is broken."""
    if not a1.startswith("'"):
        title, bang, cells = a1.partition("!")
        return (title, cells) if bang else (None, a1)
    title, position = "", 1
    while position < len(a1):
        char = a1[position]
        if char == "'" and a1[position + 1 : position + 2] == "'":
            title += "'"
            position += 2
        elif char == "'":
            rest = a1[position + 1 :]
            if rest == "":
                return title, None
            return (title, rest[1:]) if rest.startswith("!") else None
        else:
            title += char
            position += 1
    return None


def _parse_cells(text: str) -> tuple[int, int, int | None, int | None, bool] | None:
    """(top, left, bottom, right, is_single_cell) of a cell part such as ``A2:C``; None: invalid.

    ``bottom``/``right`` are None when the range runs to the edge of the grid.
    """
    parts = text.split(":")
    if len(parts) > 2:
        return None
    ends: list[tuple[int | None, int | None]] = []
    for part in parts:
        match = _ENDPOINT.fullmatch(part.strip())
        if match is None or not (match[1] or match[2]):
            return None
        row = int(match[2]) if match[2] else None
        if row == 0:
            return None
        ends.append((row, _column_number(match[1]) if match[1] else None))
    if len(ends) == 1:
        row, column = ends[0]
        if row is None or column is None:
            return None
        return row, column, row, column, True
    (row_a, column_a), (row_b, column_b) = ends
    if (column_a is None and row_b is None) or (row_a is None and column_b is None):
        return None  # "1:A" mixes a row with a column
    top, bottom = _span(row_a, row_b)
    left, right = _span(column_a, column_b)
    return top, left, bottom, right, False


def _span(first: int | None, second: int | None) -> tuple[int, int | None]:
    if first is not None and second is not None:
        return min(first, second), max(first, second)
    if first is None and second is not None:
        return 1, second
    return first or 1, None


# --- sheets --------------------------------------------------------------------------------------


class _Sheet:
    """One tab: its properties and its cells (``rows`` has one list per grid row, ragged)."""

    def __init__(self, sheet_id: int, title: str, rows: int, columns: int) -> None:
        self.sheet_id = sheet_id
        self.title = title
        self.column_count = columns
        self.rows: list[list[StoredCell | None]] = [[] for _ in range(rows)]
        self.extra: dict[str, Any] = {}  # properties the fake only stores, e.g. tabColorStyle

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def copy(self) -> _Sheet:
        clone = _Sheet(self.sheet_id, self.title, 0, self.column_count)
        clone.rows = [list(row) for row in self.rows]
        clone.extra = copy.deepcopy(self.extra)
        return clone

    def properties(self, index: int) -> dict[str, Any]:
        extra = copy.deepcopy(self.extra)
        grid = {
            **extra.pop("gridProperties", {}),
            "rowCount": self.row_count,
            "columnCount": self.column_count,
        }
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
            **extra,
        }

    def apply(self, properties: Mapping[str, Any]) -> None:
        """Take title, grid size and stored extras from a full properties dict."""
        extra = copy.deepcopy(dict(properties))
        for managed in ("sheetId", "index", "sheetType"):
            extra.pop(managed, None)
        self.title = extra.pop("title", self.title)
        grid = extra.get("gridProperties", {})
        self.resize(
            grid.pop("rowCount", self.row_count), grid.pop("columnCount", self.column_count)
        )
        if not grid:
            extra.pop("gridProperties", None)
        self.extra = extra

    def resize(self, rows: int, columns: int) -> None:
        if rows < 1 or not 1 <= columns <= MAX_COLUMNS:
            raise _ApiError(400, f"Invalid grid size: {rows} rows, {columns} columns.")
        del self.rows[rows:]
        self.rows.extend([] for _ in range(rows - self.row_count))
        self.column_count = columns
        for row in self.rows:
            del row[columns:]

    def get(self, row: int, column: int) -> StoredCell | None:
        cells = self.rows[row - 1]
        return cells[column - 1] if column <= len(cells) else None

    def put(self, row: int, column: int, cell: StoredCell | None) -> None:
        cells = self.rows[row - 1]
        if column > len(cells):
            if cell is None:
                return
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = cell

    def insert_rows(self, index: int, count: int) -> None:
        self.rows[index:index] = [[] for _ in range(count)]

    def insert_columns(self, index: int, count: int) -> None:
        for row in self.rows:
            if len(row) > index:
                row[index:index] = [None] * count
        self.column_count += count

    def delete_columns(self, index: int, count: int) -> None:
        for row in self.rows:
            del row[index : index + count]
        self.column_count -= count

    def filled(self) -> set[tuple[int, int]]:
        return {
            (r, c)
            for r, row in enumerate(self.rows, 1)
            for c, cell in enumerate(row, 1)
            if cell is not None
        }

    def last_filled_row(self) -> int:
        for number in range(self.row_count, 0, -1):
            if any(cell is not None for cell in self.rows[number - 1]):
                return number
        return 0

    def render(self, box: Box, option: str, major: str) -> list[list[Value]]:
        """The cells of ``box``, trimmed the way Google trims responses."""
        top, left, bottom, right = box
        bottom = min(bottom, self.last_filled_row())
        lines = [[self.get(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        if major == "COLUMNS":
            lines = _transpose(lines, None)
        for line in lines:
            while line and line[-1] is None:
                line.pop()
        while lines and not lines[-1]:
            lines.pop()
        return [["" if cell is None else cell.render(option) for cell in line] for line in lines]


@dataclass
class _Range:
    """An A1 range resolved against a spreadsheet."""

    sheet: _Sheet
    top: int
    left: int
    bottom: int | None  # None: to the bottom of the grid
    right: int | None  # None: to the right edge of the grid
    is_cell: bool  # a single cell such as "B3": a write may spill beyond it
    whole_sheet: bool  # a bare tab name

    def box(self) -> Box:
        """The range clamped to the grid; a range starting outside it is an error, as in Google."""
        sheet = self.sheet
        if self.top > sheet.row_count or self.left > sheet.column_count:
            bottom = self.top if self.bottom is None else self.bottom
            right = self.left if self.right is None else self.right
            raise _grid_error(sheet, (self.top, self.left, bottom, right))
        bottom = sheet.row_count if self.bottom is None else min(self.bottom, sheet.row_count)
        right = sheet.column_count if self.right is None else min(self.right, sheet.column_count)
        return self.top, self.left, bottom, right


def _grid_error(sheet: _Sheet, box: Box) -> _ApiError:
    return _ApiError(
        400,
        f"Range ({_format_range(sheet.title, box, always_quote=True)}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}",
    )


def _find_sheet(sheets: Iterable[_Sheet], title: str) -> _Sheet | None:
    folded = title.casefold()
    return next((sheet for sheet in sheets if sheet.title.casefold() == folded), None)


@dataclass
class _Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[_Sheet]
    shared: bool = True

    def resolve(self, a1: str) -> _Range:
        """The range ``a1`` names, or Google's 400 "Unable to parse range"."""
        unparsable = _ApiError(400, f"Unable to parse range: {a1}")
        split = _split_title(a1)
        if split is None:
            raise unparsable
        title, cells = split
        if title is None:
            sheet = _find_sheet(self.sheets, a1)
            if sheet is not None:  # a bare, unquoted tab name
                cells = None
            else:
                sheet = self.sheets[0]
        else:
            sheet = _find_sheet(self.sheets, title)
        if sheet is None:
            raise unparsable
        if cells is None:
            return _Range(sheet, 1, 1, None, None, is_cell=False, whole_sheet=True)
        parsed = _parse_cells(cells)
        if parsed is None:
            raise unparsable
        top, left, bottom, right, is_cell = parsed
        return _Range(sheet, top, left, bottom, right, is_cell=is_cell, whole_sheet=False)

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
            },
            "sheets": [
                {"properties": sheet.properties(index)} for index, sheet in enumerate(self.sheets)
            ],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


def _find_table(rng: _Range) -> Box | None:
    """The "table" values.append appends to: the 4-connected block of non-empty cells that
    touches the non-empty cells of the range (for a bare tab name, the block holding the last
    non-empty cell). None when there is no such cell, so the append starts at the range."""
    filled = rng.sheet.filled()
    if not filled:
        return None
    if rng.whole_sheet:
        seeds = [max(filled)]
    else:
        top, left, bottom, right = rng.box()
        seeds = [(r, c) for r, c in filled if top <= r <= bottom and left <= c <= right]
    block = set(seeds)
    frontier = list(seeds)
    while frontier:
        r, c = frontier.pop()
        for neighbour in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if neighbour in filled and neighbour not in block:
                block.add(neighbour)
                frontier.append(neighbour)
    if not block:
        return None
    rows = [r for r, _ in block]
    columns = [c for _, c in block]
    return min(rows), min(columns), max(rows), max(columns)


@dataclass
class _Write:
    """Entries to put into a sheet from (top, left) on."""

    sheet: _Sheet
    top: int
    left: int
    lines: list[list[_Entry]]

    @property
    def height(self) -> int:
        return len(self.lines)

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)

    def box(self) -> Box:
        return self.top, self.left, self.top + self.height - 1, self.left + self.width - 1

    def apply(self) -> int:
        """Write the entries; returns how many cells were written."""
        written = 0
        for r, line in enumerate(self.lines, self.top):
            for c, entry in enumerate(line, self.left):
                if not isinstance(entry, _Keep):
                    self.sheet.put(r, c, entry)
                    written += 1
        return written

    def summary(self, spreadsheet_id: str, written: int) -> dict[str, Any]:
        answer: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
        if self.height and self.width:
            answer.update(
                updatedRange=_format_range(self.sheet.title, self.box()),
                updatedRows=self.height,
                updatedColumns=self.width,
                updatedCells=written,
            )
        return answer

    def updated_data(self, option: str) -> dict[str, Any]:
        box = self.box()
        data: dict[str, Any] = {
            "range": _format_range(self.sheet.title, box),
            "majorDimension": "ROWS",
        }
        values = self.sheet.render(box, option, "ROWS")
        if values:
            data["values"] = values
        return data


# --- query parameters ----------------------------------------------------------------------------

_ENUM_TYPES = {
    "valueRenderOption": "ValueRenderOption",
    "responseValueRenderOption": "ValueRenderOption",
    "majorDimension": "Dimension",
    "valueInputOption": "ValueInputOption",
    "insertDataOption": "InsertDataOption",
}
_RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
_DIMENSIONS = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
_INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def _enum(source: Mapping[str, Any], name: str, allowed: Sequence[str], default: str) -> str:
    value = source.get(name)
    if value is None:
        return default
    if value not in allowed:
        snake = re.sub(r"([A-Z])", r"_\1", name).lower()
        raise _ApiError(
            400,
            f"Invalid value at '{snake}' "
            f'(type.googleapis.com/google.apps.sheets.v4.{_ENUM_TYPES[name]}), "{value}"',
        )
    return "ROWS" if value == "DIMENSION_UNSPECIFIED" else value


def _input_option(source: Mapping[str, Any], missing_message: str) -> str:
    if source.get("valueInputOption") is None:
        raise _ApiError(400, missing_message)
    return _enum(source, "valueInputOption", _INPUT_OPTIONS, "RAW")


def _flag(source: Mapping[str, Any], name: str) -> bool:
    return str(source.get(name, "false")).lower() == "true"


_MISSING_INPUT_OPTION = "'valueInputOption' is required but not specified"
_UNSPECIFIED_INPUT_OPTION = "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED"


# --- requests ------------------------------------------------------------------------------------

_ROUTE = re.compile(r"/v4/spreadsheets/(?P<id>[^/:]+)(?P<rest>.*)")
_VALUES_ROUTE = re.compile(r"/values/(?P<range>.+?)(?P<verb>:append|:clear)?")
_PLAIN_ROUTES = {
    ("GET", ""): "spreadsheets.get",
    ("POST", ":batchUpdate"): "spreadsheets.batchUpdate",
    ("GET", "/values:batchGet"): "values.batchGet",
    ("POST", "/values:batchUpdate"): "values.batchUpdate",
    ("POST", "/values:batchClear"): "values.batchClear",
}
_RANGE_ROUTES = {
    ("GET", None): "values.get",
    ("PUT", None): "values.update",
    ("POST", ":append"): "values.append",
    ("POST", ":clear"): "values.clear",
}


def _route(method: str, url: str) -> tuple[str, str, str | None]:
    """(kind, spreadsheet id, decoded A1 range or None) of a Sheets API URL."""
    parts = urlsplit(url)
    match = _ROUTE.fullmatch(parts.path) if parts.netloc == _HOST else None
    if match is not None:
        rest = match["rest"]
        if (method, rest) in _PLAIN_ROUTES:
            return _PLAIN_ROUTES[(method, rest)], unquote(match["id"]), None
        values = _VALUES_ROUTE.fullmatch(rest)
        if values is not None and (method, values["verb"]) in _RANGE_ROUTES:
            kind = _RANGE_ROUTES[(method, values["verb"])]
            return kind, unquote(match["id"]), unquote(values["range"])
    raise NotImplementedError(f"FakeSheets does not implement {method} {url}")


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake received, including ones that failed."""

    method: str
    kind: str  # one of KINDS
    url: str
    spreadsheet_id: str
    params: dict[str, Any]  # query parameters; "ranges" is always a list
    body: Any  # the decoded JSON body, or None
    status: int | None  # None when the request timed out
    injected: bool  # the outcome came from fail() or timeout(), not from the sheet
    timeout: Any = None  # the timeout the client asked for

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 400


@dataclass
class _Fault:
    status: int | None  # None: time out
    remaining: int | None  # None: until heal()
    kinds: frozenset[str] | None  # None: every kind
    apply_then: bool


def _kind_set(kinds: str | Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    chosen = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = chosen - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown request kinds {sorted(unknown)}; choose from {KINDS}.")
    return chosen


def _response(
    prepared: requests.PreparedRequest, status: int, content: bytes, content_type: str = _JSON
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase
    response._content = content
    response.headers = CaseInsensitiveDict({"Content-Type": content_type})
    response.encoding = "utf-8"
    response.url = prepared.url or ""
    response.request = prepared
    response.elapsed = timedelta(0)
    return response


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


# --- the fake ------------------------------------------------------------------------------------


class FakeSheets:
    """A fake Google Sheets API holding any number of spreadsheets; pass it as gspread's session.

    Thread-safe: one lock guards all state, so many gspread clients in many threads may share it.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, _Spreadsheet] = {}
        self._faults: list[_Fault] = []
        self._sheet_ids = itertools.count(1)
        #: every request received, oldest first (see LoggedRequest)
        self.log: list[LoggedRequest] = []
        #: gspread's HTTPClient.login() would put its Authorization header here; it is never read
        self.headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()

    # --- the HTTP session gspread calls ----------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
        json: Any = None,  # the keyword gspread passes; shadows the module only in here
        timeout: float | tuple[float, float] | None = None,
    ) -> requests.Response:
        """Answer one HTTP request the way the Sheets API would (requests.Session's signature).

        Raises requests.exceptions.ReadTimeout when a timeout() fault matches, and
        NotImplementedError for endpoints the fake does not have.
        """
        prepared = requests.Request(
            method.upper(), url, params=params, data=data, headers=headers, files=files, json=json
        ).prepare()
        assert prepared.method is not None and prepared.url is not None
        kind, spreadsheet_id, a1 = _route(prepared.method, prepared.url)
        query = {
            name: values if name == "ranges" else values[-1]
            for name, values in parse_qs(
                urlsplit(prepared.url).query, keep_blank_values=True
            ).items()
        }
        with self._lock:
            fault = self._take_fault(kind)
            status, payload = 0, {}
            if fault is None or fault.apply_then:
                status, payload = self._answer(kind, spreadsheet_id, a1, query, prepared.body)
            if fault is not None:
                status = fault.status  # the answer Google gave is lost or replaced
            self.log.append(
                LoggedRequest(
                    prepared.method,
                    kind,
                    prepared.url,
                    spreadsheet_id,
                    query,
                    _logged_body(prepared.body),
                    status,
                    injected=fault is not None,
                    timeout=timeout,
                )
            )
        if status is None:
            raise requests.exceptions.ReadTimeout(
                f"HTTPSConnectionPool(host='{_HOST}', port=443): Read timed out. "
                f"(read timeout={timeout})",
                request=prepared,
            )
        if fault is None:
            return _response(prepared, status, _json_bytes(payload))
        if status == 502:
            return _response(prepared, status, _HTML_502, "text/html; charset=UTF-8")
        message = _quota_message(kind) if status == 429 else _FAULT_MESSAGES[status]
        return _response(prepared, status, _json_bytes(_error_body(status, message)))

    def _take_fault(self, kind: str) -> _Fault | None:
        for fault in self._faults:
            if fault.kinds is None or kind in fault.kinds:
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _answer(
        self,
        kind: str,
        spreadsheet_id: str,
        a1: str | None,
        query: dict[str, Any],
        raw_body: bytes | str | None,
    ) -> tuple[int, dict[str, Any]]:
        """(status, JSON payload) for a request that reaches the spreadsheet."""
        try:
            body = _decode(raw_body)
            spreadsheet = self._spreadsheets.get(spreadsheet_id)
            if spreadsheet is None:
                raise _ApiError(404, _NOT_FOUND)
            if not spreadsheet.shared:
                raise _ApiError(403, _FORBIDDEN)
            return 200, self._handlers()[kind](spreadsheet, a1, query, body or {})
        except _ApiError as error:
            return error.code, _error_body(error.code, error.message)

    def _handlers(self) -> dict[str, Callable[..., dict[str, Any]]]:
        return {
            "spreadsheets.get": self._spreadsheets_get,
            "values.get": self._values_get,
            "values.batchGet": self._values_batch_get,
            "values.append": self._values_append,
            "values.update": self._values_update,
            "values.batchUpdate": self._values_batch_update,
            "values.clear": self._values_clear,
            "values.batchClear": self._values_batch_clear,
            "spreadsheets.batchUpdate": self._spreadsheets_batch_update,
        }

    # --- endpoints -------------------------------------------------------------------------------

    @staticmethod
    def _spreadsheets_get(
        spreadsheet: _Spreadsheet, _a1: None, _query: dict[str, Any], _body: Any
    ) -> dict[str, Any]:
        return spreadsheet.metadata()

    @staticmethod
    def _value_range(
        spreadsheet: _Spreadsheet, a1: str, query: Mapping[str, Any]
    ) -> dict[str, Any]:
        option = _enum(query, "valueRenderOption", _RENDER_OPTIONS, "FORMATTED_VALUE")
        major = _enum(query, "majorDimension", _DIMENSIONS, "ROWS")
        rng = spreadsheet.resolve(a1)
        box = rng.box()
        answer: dict[str, Any] = {
            "range": _format_range(rng.sheet.title, box),
            "majorDimension": major,
        }
        values = rng.sheet.render(box, option, major)
        if values:
            answer["values"] = values
        return answer

    def _values_get(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, Any], _body: Any
    ) -> dict[str, Any]:
        return self._value_range(spreadsheet, a1, query)

    def _values_batch_get(
        self, spreadsheet: _Spreadsheet, _a1: None, query: dict[str, Any], _body: Any
    ) -> dict[str, Any]:
        answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
        ranges = query.get("ranges", [])
        if ranges:
            answer["valueRanges"] = [self._value_range(spreadsheet, a1, query) for a1 in ranges]
        return answer

    @staticmethod
    def _plan(spreadsheet: _Spreadsheet, a1: str, values: Any, major: Any, option: str) -> _Write:
        """A values.update-style write, checked against the range and the grid, not applied."""
        rng = spreadsheet.resolve(a1)
        direction = _enum({"majorDimension": major}, "majorDimension", _DIMENSIONS, "ROWS")
        write = _Write(rng.sheet, rng.top, rng.left, _entries(values, option, direction))
        if not (write.height and write.width):
            return write
        top, left, bottom, right = write.box()
        if not rng.is_cell and rng.bottom is not None and bottom > rng.bottom:
            raise _ApiError(
                400,
                f"Requested writing within range [{a1}], but tried writing to "
                f"row [{rng.bottom + 1}]",
            )
        if not rng.is_cell and rng.right is not None and right > rng.right:
            raise _ApiError(
                400,
                f"Requested writing within range [{a1}], but tried writing to "
                f"column [{_column_letter(rng.right + 1)}]",
            )
        if bottom > rng.sheet.row_count or right > rng.sheet.column_count:
            raise _grid_error(rng.sheet, write.box())
        return write

    def _values_update(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        option = _input_option(query, _MISSING_INPUT_OPTION)
        render = _enum(query, "responseValueRenderOption", _RENDER_OPTIONS, "FORMATTED_VALUE")
        write = self._plan(spreadsheet, a1, body.get("values"), body.get("majorDimension"), option)
        answer = write.summary(spreadsheet.spreadsheet_id, write.apply())
        if _flag(query, "includeValuesInResponse") and write.height and write.width:
            answer["updatedData"] = write.updated_data(render)
        return answer

    def _values_batch_update(
        self, spreadsheet: _Spreadsheet, _a1: None, _query: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        option = _input_option(body, _UNSPECIFIED_INPUT_OPTION)
        render = _enum(body, "responseValueRenderOption", _RENDER_OPTIONS, "FORMATTED_VALUE")
        writes = [
            self._plan(
                spreadsheet,
                item.get("range", ""),
                item.get("values"),
                item.get("majorDimension"),
                option,
            )
            for item in body.get("data", [])
        ]
        answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
        responses = []
        rows: set[tuple[int, int]] = set()
        columns: set[tuple[int, int]] = set()
        cells = 0
        for write in writes:
            written = write.apply()
            summary = write.summary(spreadsheet.spreadsheet_id, written)
            if _flag(body, "includeValuesInResponse") and write.height and write.width:
                summary["updatedData"] = write.updated_data(render)
            responses.append(summary)
            top, left, bottom, right = write.box()
            rows.update((write.sheet.sheet_id, r) for r in range(top, bottom + 1))
            columns.update((write.sheet.sheet_id, c) for c in range(left, right + 1))
            cells += written
        if cells:
            answer.update(
                totalUpdatedRows=len(rows),
                totalUpdatedColumns=len(columns),
                totalUpdatedCells=cells,
                totalUpdatedSheets=len({sheet for sheet, _ in rows}),
            )
        if responses:
            answer["responses"] = responses
        return answer

    def _values_append(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        option = _input_option(query, _MISSING_INPUT_OPTION)
        insert = _enum(query, "insertDataOption", ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE")
        render = _enum(query, "responseValueRenderOption", _RENDER_OPTIONS, "FORMATTED_VALUE")
        major = _enum(body, "majorDimension", _DIMENSIONS, "ROWS")
        rng = spreadsheet.resolve(a1)
        rng.box()  # a range starting outside the grid is an error
        table = _find_table(rng)
        top, left = (table[2] + 1, table[1]) if table else (rng.top, rng.left)
        write = _Write(rng.sheet, top, left, _entries(body.get("values"), option, major))
        sheet = rng.sheet
        if write.height and write.width:
            bottom, right = write.box()[2:]
            if right > MAX_COLUMNS:  # checked before anything changes
                raise _grid_error(sheet, write.box())
            if insert == "INSERT_ROWS":
                sheet.insert_rows(top - 1, write.height)
            sheet.resize(max(sheet.row_count, bottom), max(sheet.column_count, right))
        updates = write.summary(spreadsheet.spreadsheet_id, write.apply())
        if _flag(query, "includeValuesInResponse") and write.height and write.width:
            updates["updatedData"] = write.updated_data(render)
        answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
        if table is not None:
            answer["tableRange"] = _format_range(sheet.title, table)
        answer["updates"] = updates
        return answer

    @staticmethod
    def _clear(spreadsheet: _Spreadsheet, a1: str) -> str:
        rng = spreadsheet.resolve(a1)
        top, left, bottom, right = box = rng.box()
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                rng.sheet.put(r, c, None)
        return _format_range(rng.sheet.title, box)

    def _values_clear(
        self, spreadsheet: _Spreadsheet, a1: str, _query: dict[str, Any], _body: Any
    ) -> dict[str, Any]:
        return {
            "spreadsheetId": spreadsheet.spreadsheet_id,
            "clearedRange": self._clear(spreadsheet, a1),
        }

    def _values_batch_clear(
        self, spreadsheet: _Spreadsheet, _a1: None, _query: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        ranges = body.get("ranges", [])
        for a1 in ranges:
            spreadsheet.resolve(a1).box()  # all or nothing: check every range first
        return {
            "spreadsheetId": spreadsheet.spreadsheet_id,
            "clearedRanges": [self._clear(spreadsheet, a1) for a1 in ranges],
        }

    def _spreadsheets_batch_update(
        self, spreadsheet: _Spreadsheet, _a1: None, _query: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply every request to copies of the tabs, keeping them only if all succeed."""
        sheets = [sheet.copy() for sheet in spreadsheet.sheets]
        replies = []
        for number, item in enumerate(body.get("requests", [])):
            if len(item) != 1:
                raise _ApiError(
                    400, f"Invalid requests[{number}]: exactly one kind of request must be set."
                )
            [(name, arguments)] = item.items()
            handler = self._requests().get(name)
            if handler is None:
                raise NotImplementedError(
                    f"FakeSheets does not implement the batchUpdate request {name!r}"
                )
            replies.append(handler(sheets, arguments, f"Invalid requests[{number}].{name}"))
        spreadsheet.sheets = sheets
        return {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}

    # --- spreadsheets.batchUpdate requests -------------------------------------------------------

    def _requests(self) -> dict[str, Callable[[list[_Sheet], dict[str, Any], str], dict[str, Any]]]:
        return {
            "addSheet": self._add_sheet,
            "deleteSheet": _delete_sheet,
            "updateSheetProperties": _update_sheet_properties,
            "appendDimension": _append_dimension,
            "insertDimension": _insert_dimension,
            "deleteDimension": _delete_dimension,
            "appendCells": _append_cells,
            "updateCells": _update_cells,
        }

    def _add_sheet(
        self, sheets: list[_Sheet], arguments: dict[str, Any], where: str
    ) -> dict[str, Any]:
        properties = dict(arguments.get("properties", {}))
        title = properties.get("title") or next(
            name
            for name in (f"Sheet{n}" for n in itertools.count(len(sheets) + 1))
            if _find_sheet(sheets, name) is None
        )
        properties["title"] = title
        if _find_sheet(sheets, title) is not None:
            raise _ApiError(
                400,
                f'{where}: A sheet with the name "{title}" already exists. '
                "Please enter another name.",
            )
        taken = {sheet.sheet_id for sheet in sheets}
        sheet_id = properties.get("sheetId")
        if sheet_id in taken:
            raise _ApiError(400, f"{where}: A sheet with id {sheet_id} already exists.")
        if sheet_id is None:
            sheet_id = next(n for n in self._sheet_ids if n not in taken)
        grid = properties.setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLUMNS)
        sheet = _Sheet(sheet_id, title, 1, 1)
        sheet.apply(properties)
        index = min(properties.get("index", len(sheets)), len(sheets))
        sheets.insert(index, sheet)
        return {"addSheet": {"properties": sheet.properties(index)}}

    # --- test-side API ---------------------------------------------------------------------------

    def create_spreadsheet(
        self,
        title: str,
        tabs: Mapping[str, Sequence[Sequence[Any]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
    ) -> str:
        """Create a spreadsheet and return its key (usable in open_by_key and in its URL).

        ``tabs`` maps tab titles, in order, to their rows; without it there is one empty
        "Sheet1", as in a new Google spreadsheet. Strings are stored as typed text exactly (RAW);
        ints, floats and bools as numbers and bools; None and "" leave the cell empty. Each tab is
        1000 x 26 cells, or larger if its rows need it.
        """
        tabs = {"Sheet1": []} if tabs is None else tabs
        if not tabs:
            raise ValueError("A spreadsheet needs at least one tab.")
        key = spreadsheet_id or secrets.token_urlsafe(33)
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise ValueError(
                f"{key!r} cannot be a spreadsheet key: gspread's open_by_url only "
                "accepts letters, digits, '-' and '_'."
            )
        with self._lock:
            if key in self._spreadsheets:
                raise ValueError(f"A spreadsheet with key {key!r} already exists.")
            spreadsheet = _Spreadsheet(key, title, [])
            self._spreadsheets[key] = spreadsheet
            for number, (tab, rows) in enumerate(tabs.items()):
                self.add_tab(key, tab, rows, sheet_id=0 if number == 0 else None)
        return key

    def url(self, spreadsheet_id: str) -> str:
        """The browser URL of a spreadsheet, as a person would paste it into the app."""
        return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit#gid=0"

    def tabs(self, spreadsheet_id: str) -> list[str]:
        """The tab titles in order, to check which tabs the app created."""
        with self._editing(spreadsheet_id) as spreadsheet:
            return [sheet.title for sheet in spreadsheet.sheets]

    def grid(self, spreadsheet_id: str, tab: str) -> list[list[str]]:
        """The tab's formatted values, trimmed like the API trims them (what a person sees)."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            box = (1, 1, sheet.row_count, sheet.column_count)
            return [
                [str(value) for value in line]
                for line in sheet.render(box, "FORMATTED_VALUE", "ROWS")
            ]

    def cell(self, spreadsheet_id: str, tab: str, a1: str) -> StoredCell | None:
        """What one cell stores (kind and value), or None if it is empty."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            top, left = _cell_position(a1)
            if top > sheet.row_count or left > sheet.column_count:
                raise ValueError(f"{a1} is outside the {tab!r} grid.")
            return sheet.get(top, left)

    def set_values(
        self,
        spreadsheet_id: str,
        tab: str,
        a1: str,
        rows: Sequence[Sequence[Any]],
        value_input_option: str = "RAW",
    ) -> None:
        """Type ``rows`` into the tab from cell ``a1`` on, the way a person edits the sheet.

        With the default "RAW" strings stay text exactly; "USER_ENTERED" parses them as the Sheets
        UI does ("0123" becomes 123, "=1+1" a formula). None leaves a cell alone and "" empties it.
        The grid grows if the values need more room, as when pasting.
        """
        if value_input_option not in _INPUT_OPTIONS:
            raise ValueError(f"value_input_option must be one of {_INPUT_OPTIONS}.")
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            top, left = _cell_position(a1)
            write = _Write(
                sheet, top, left, _entries([list(row) for row in rows], value_input_option, "ROWS")
            )
            if write.height and write.width:
                bottom, right = write.box()[2:]
                sheet.resize(max(sheet.row_count, bottom), max(sheet.column_count, right))
            write.apply()

    def set_row(
        self,
        spreadsheet_id: str,
        tab: str,
        row: int,
        values: Sequence[Any],
        value_input_option: str = "RAW",
    ) -> None:
        """Replace row ``row`` (1-based) with ``values`` from column A, emptying the rest of it."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            if not 1 <= row <= sheet.row_count:
                raise ValueError(f"Row {row} is outside the {tab!r} grid.")
            sheet.rows[row - 1] = []
            self.set_values(spreadsheet_id, tab, f"A{row}", [values], value_input_option)

    def insert_rows(
        self,
        spreadsheet_id: str,
        tab: str,
        row: int,
        rows: Sequence[Sequence[Any]],
        value_input_option: str = "RAW",
    ) -> None:
        """Insert ``len(rows)`` rows above row ``row`` and fill them with ``rows``.

        Rows below move down and the grid grows, as with "Insert row above" in the Sheets UI.
        Pass ``[[]] * 3`` for three blank rows.
        """
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            if not 1 <= row <= sheet.row_count + 1:
                raise ValueError(f"Row {row} is outside the {tab!r} grid.")
            sheet.insert_rows(row - 1, len(rows))
            self.set_values(spreadsheet_id, tab, f"A{row}", rows, value_input_option)

    def delete_rows(self, spreadsheet_id: str, tab: str, row: int, count: int = 1) -> None:
        """Delete ``count`` rows from row ``row`` on; rows below move up and the grid shrinks."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            _delete_dimension(
                spreadsheet.sheets,
                {
                    "range": {
                        "sheetId": sheet.sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row - 1,
                        "endIndex": row - 1 + count,
                    }
                },
                "delete_rows",
            )

    def move_column(self, spreadsheet_id: str, tab: str, column: str, to: str) -> None:
        """Drag column ``column`` (a letter) so that it becomes column ``to``; others shift over."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, tab)
            source, target = _column_number(column), _column_number(to)
            if not (1 <= source <= sheet.column_count and 1 <= target <= sheet.column_count):
                raise ValueError(f"Columns {column} and {to} must both be inside the grid.")
            for cells in sheet.rows:
                cells.extend([None] * (max(source, target) - len(cells)))
                cells.insert(target - 1, cells.pop(source - 1))
                while cells and cells[-1] is None:
                    cells.pop()

    def add_tab(
        self,
        spreadsheet_id: str,
        title: str,
        rows: Sequence[Sequence[Any]] | None = None,
        *,
        row_count: int = DEFAULT_ROWS,
        column_count: int = DEFAULT_COLUMNS,
        index: int | None = None,
        sheet_id: int | None = None,
    ) -> int:
        """Add a tab holding ``rows`` (stored as in create_spreadsheet); returns its sheetId.

        The grid is ``row_count`` x ``column_count``, grown to fit ``rows``; ``index`` places the
        tab (default: last); ``sheet_id`` fixes its id (default: a fresh one).
        """
        rows = [list(row) for row in rows or []]
        width = max((len(row) for row in rows), default=0)
        properties: dict[str, Any] = {
            "title": title,
            "gridProperties": {
                "rowCount": max(row_count, len(rows)),
                "columnCount": max(column_count, width),
            },
        }
        if index is not None:
            properties["index"] = index
        if sheet_id is not None:
            properties["sheetId"] = sheet_id
        with self._editing(spreadsheet_id) as spreadsheet:
            reply = self._add_sheet(spreadsheet.sheets, {"properties": properties}, "add_tab")
            if rows:
                self.set_values(spreadsheet_id, title, "A1", rows)
            return reply["addSheet"]["properties"]["sheetId"]

    def delete_tab(self, spreadsheet_id: str, title: str) -> None:
        """Delete a tab, as a person might; its sheetId is gone for good."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, title)
            _delete_sheet(spreadsheet.sheets, {"sheetId": sheet.sheet_id}, "delete_tab")

    def rename_tab(self, spreadsheet_id: str, title: str, new_title: str) -> None:
        """Rename a tab, as a person might; its sheetId and cells stay."""
        with self._editing(spreadsheet_id) as spreadsheet:
            sheet = self._sheet(spreadsheet, title)
            _update_sheet_properties(
                spreadsheet.sheets,
                {"properties": {"sheetId": sheet.sheet_id, "title": new_title}, "fields": "title"},
                "rename_tab",
            )

    def share(self, spreadsheet_id: str, shared: bool = True) -> None:
        """Share the spreadsheet with the app's account or not; unshared, every request gets 403."""
        with self._editing(spreadsheet_id) as spreadsheet:
            spreadsheet.shared = shared

    def reset_log(self) -> None:
        """Forget the requests received so far, e.g. after a test's setup."""
        with self._lock:
            self.log.clear()

    def count(self, kind: str | None = None) -> int:
        """How many requests (failed ones included) were received, of ``kind`` or of any kind."""
        _kind_set(kind)
        with self._lock:
            return sum(1 for entry in self.log if kind is None or entry.kind == kind)

    def fail(
        self,
        status: int = 503,
        times: int | None = 1,
        kinds: str | Iterable[str] | None = None,
        *,
        apply_then: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with HTTP ``status`` and Google's body.

        ``status`` is 403, 404, 429 (a read or write quota message to suit the request), 500,
        502 (Google's HTML page, not JSON) or 503. ``kinds`` limits it to some request kinds
        (None: all); ``times=None`` fails until heal(). With ``apply_then=True`` the request is
        carried out first and only its answer is replaced: the write landed but the caller
        cannot know, which a retrying client must handle without writing twice.
        """
        if status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}.")
        self._add_fault(status, times, kinds, apply_then)

    def timeout(
        self,
        times: int | None = 1,
        kinds: str | Iterable[str] | None = None,
        *,
        apply_then: bool = False,
    ) -> None:
        """Make the next ``times`` matching requests raise requests.exceptions.ReadTimeout.

        ``kinds``, ``times`` and ``apply_then`` work as in fail(); with ``apply_then=True`` the
        request is carried out before the caller times out.
        """
        self._add_fault(None, times, kinds, apply_then)

    def heal(self) -> None:
        """Remove every pending fault."""
        with self._lock:
            self._faults.clear()

    def _add_fault(
        self,
        status: int | None,
        times: int | None,
        kinds: str | Iterable[str] | None,
        apply_then: bool,
    ) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for 'until heal()'.")
        fault = _Fault(status, times, _kind_set(kinds), apply_then)
        with self._lock:
            self._faults.append(fault)

    @contextmanager
    def _editing(self, spreadsheet_id: str) -> Iterator[_Spreadsheet]:
        """Hold the lock over a spreadsheet, reporting API-style errors as ValueError."""
        with self._lock:
            spreadsheet = self._spreadsheets.get(spreadsheet_id)
            if spreadsheet is None:
                raise KeyError(f"No spreadsheet with key {spreadsheet_id!r}.")
            try:
                yield spreadsheet
            except _ApiError as error:
                raise ValueError(error.message) from None

    @staticmethod
    def _sheet(spreadsheet: _Spreadsheet, tab: str) -> _Sheet:
        sheet = _find_sheet(spreadsheet.sheets, tab)
        if sheet is None:
            raise KeyError(f"No tab {tab!r}; the tabs are {[s.title for s in spreadsheet.sheets]}.")
        return sheet


def _decode(raw_body: bytes | str | None) -> Any:
    if not raw_body:
        return None
    try:
        return json.loads(raw_body)
    except ValueError:
        raise _ApiError(400, "Invalid JSON payload received.") from None


def _logged_body(raw_body: bytes | str | None) -> Any:
    """The body as the log keeps it: decoded JSON, or the raw payload if it is not JSON."""
    try:
        return _decode(raw_body)
    except _ApiError:
        return raw_body


def _cell_position(a1: str) -> tuple[int, int]:
    parsed = _parse_cells(a1)
    if parsed is None or not parsed[4]:
        raise ValueError(f"{a1!r} is not a single cell such as 'B3'.")
    return parsed[0], parsed[1]


def _sheet_by_id(sheets: list[_Sheet], sheet_id: Any, where: str) -> _Sheet:
    sheet = next((sheet for sheet in sheets if sheet.sheet_id == sheet_id), None)
    if sheet is None:
        raise _ApiError(400, f"{where}: No grid with id: {sheet_id}")
    return sheet


def _delete_sheet(sheets: list[_Sheet], arguments: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = _sheet_by_id(sheets, arguments.get("sheetId"), where)
    if len(sheets) == 1:
        raise _ApiError(400, f"{where}: You can't remove all the sheets in a document.")
    sheets.remove(sheet)
    return {}


def _copy_field(source: Mapping[str, Any], target: dict[str, Any], path: str) -> None:
    """Copy one field-mask path (``gridProperties.rowCount``) from source to target."""
    *parents, leaf = path.split(".")
    for key in parents:
        source = source.get(key, {})
        target = target.setdefault(key, {})
    if leaf in source:
        target[leaf] = copy.deepcopy(source[leaf])
    else:
        target.pop(leaf, None)


def _update_sheet_properties(
    sheets: list[_Sheet], arguments: dict[str, Any], where: str
) -> dict[str, Any]:
    wanted = arguments.get("properties", {})
    sheet = _sheet_by_id(sheets, wanted.get("sheetId"), where)
    mask = arguments.get("fields", "")
    if not mask:
        raise _ApiError(400, f"{where}: At least one field must be specified in 'fields'.")
    paths = (
        [name for name in wanted if name != "sheetId"]
        if mask.strip() == "*"
        else [path.strip().replace("/", ".") for path in mask.split(",")]
    )
    index = sheets.index(sheet)
    properties = sheet.properties(index)
    for path in paths:
        _copy_field(wanted, properties, path)
    title = properties.get("title", "")
    other = _find_sheet(sheets, title)
    if not title or (other is not None and other is not sheet):
        raise _ApiError(
            400,
            f'{where}: A sheet with the name "{title}" already exists. Please enter another name.',
        )
    sheet.apply(properties)
    if properties.get("index", index) != index:
        sheets.remove(sheet)
        sheets.insert(min(properties["index"], len(sheets)), sheet)
    return {}


def _dimension(arguments: Mapping[str, Any], where: str) -> str:
    dimension = arguments.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise _ApiError(400, f"{where}: dimension must be ROWS or COLUMNS.")
    return dimension


def _append_dimension(
    sheets: list[_Sheet], arguments: dict[str, Any], where: str
) -> dict[str, Any]:
    sheet = _sheet_by_id(sheets, arguments.get("sheetId"), where)
    length = arguments.get("length", 0)
    if length < 1:
        raise _ApiError(400, f"{where}: length must be greater than 0.")
    if _dimension(arguments, where) == "ROWS":
        sheet.resize(sheet.row_count + length, sheet.column_count)
    else:
        sheet.resize(sheet.row_count, sheet.column_count + length)
    return {}


_CELL_VALUES = {
    "stringValue": "text",
    "numberValue": "number",
    "boolValue": "bool",
    "formulaValue": "formula",
}


def _entered(cell: Mapping[str, Any], where: str) -> StoredCell | None:
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    [(kind, value)] = entered.items()
    if kind not in _CELL_VALUES:
        raise _ApiError(400, f"{where}: Unknown value kind {kind!r}.")
    if kind == "stringValue" and value == "":
        return None
    return StoredCell(_CELL_VALUES[kind], value)


def _check_fields(arguments: Mapping[str, Any], where: str) -> None:
    if not arguments.get("fields"):
        raise _ApiError(400, f"{where}: At least one field must be specified in 'fields'.")
    if arguments["fields"] not in ("userEnteredValue", "*"):
        raise NotImplementedError("FakeSheets knows only userEnteredValue fields.")


def _update_cells(sheets: list[_Sheet], arguments: dict[str, Any], where: str) -> dict[str, Any]:
    """Cells written from the top-left of ``range``; the range must lie inside the grid."""
    _check_fields(arguments, where)
    span = arguments.get("range")
    if span is None:
        raise NotImplementedError("FakeSheets updateCells needs a range (not start).")
    sheet = _sheet_by_id(sheets, span.get("sheetId"), where)
    top, left = span.get("startRowIndex", 0), span.get("startColumnIndex", 0)
    bottom = span.get("endRowIndex", sheet.row_count)
    right = span.get("endColumnIndex", sheet.column_count)
    if not (0 <= top < bottom <= sheet.row_count and 0 <= left < right <= sheet.column_count):
        raise _ApiError(
            400, f"{where}: Range ({top}, {left})-({bottom}, {right}) is outside the grid."
        )
    for offset, row in enumerate(arguments.get("rows", [])[: bottom - top]):
        for column, cell in enumerate(row.get("values", [])[: right - left]):
            sheet.put(top + offset + 1, left + column + 1, _entered(cell, where))
    return {}


def _append_cells(sheets: list[_Sheet], arguments: dict[str, Any], where: str) -> dict[str, Any]:
    """Rows after the last row with data, the grid growing as needed (as Google does)."""
    sheet = _sheet_by_id(sheets, arguments.get("sheetId"), where)
    _check_fields(arguments, where)
    rows = arguments.get("rows", [])
    start = sheet.last_filled_row() + 1
    widest = max((len(row.get("values", [])) for row in rows), default=0)
    if widest > sheet.column_count:
        raise _ApiError(400, f"{where}: Range exceeds grid limits ({widest} columns).")
    if start + len(rows) - 1 > sheet.row_count:
        sheet.resize(start + len(rows) - 1, sheet.column_count)
    for offset, row in enumerate(rows):
        for column, cell in enumerate(row.get("values", []), start=1):
            sheet.put(start + offset, column, _entered(cell, where))
    return {}


def _dimension_range(
    sheets: list[_Sheet], arguments: dict[str, Any], where: str
) -> tuple[_Sheet, bool, int, int]:
    """(sheet, is_rows, start, end) of a DimensionRange, checked against the grid."""
    span = arguments.get("range", {})
    sheet = _sheet_by_id(sheets, span.get("sheetId"), where)
    rows = _dimension(span, where) == "ROWS"
    start, end = span.get("startIndex", 0), span.get("endIndex", 0)
    if not 0 <= start < end:
        raise _ApiError(400, f"{where}: startIndex must be less than endIndex.")
    return sheet, rows, start, end


def _insert_dimension(
    sheets: list[_Sheet], arguments: dict[str, Any], where: str
) -> dict[str, Any]:
    sheet, rows, start, end = _dimension_range(sheets, arguments, where)
    if start > (sheet.row_count if rows else sheet.column_count):
        raise _ApiError(400, f"{where}: startIndex is beyond the end of the grid.")
    if rows:
        sheet.insert_rows(start, end - start)
    else:
        sheet.insert_columns(start, end - start)
    return {}


def _delete_dimension(
    sheets: list[_Sheet], arguments: dict[str, Any], where: str
) -> dict[str, Any]:
    sheet, rows, start, end = _dimension_range(sheets, arguments, where)
    size = sheet.row_count if rows else sheet.column_count
    end = min(end, size)
    if start == 0 and end == size:
        noun = "rows" if rows else "columns"
        raise _ApiError(400, f"{where}: You can't delete all the {noun} on the sheet.")
    if rows:
        del sheet.rows[start:end]
    else:
        sheet.delete_columns(start, end - start)
    return {}
