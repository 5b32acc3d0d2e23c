"""Reading an uploaded spreadsheet (CSV or XLSX) into a frame of text, header found, rows numbered.

What a coalition uploads is rarely tidy: a title above the header, blank rows, two columns headed
"Notes", an export saved in Windows' code page, a formula someone left in a cell. Each is either
handled or refused with a message saying what to do; nothing is guessed silently.

The frame has one column per header cell (blank headers are named after their column letter,
repeated ones numbered: "Notes (2)"), every cell as the text it showed, and in ``frame.attrs``:
``source`` (the file or tab name), ``header_row`` (the spreadsheet row holding the header, so the
first data row is ``header_row + 1``) and ``notices`` (what was done to the file, in words).
Blank rows under the header are kept, so each row's position gives its spreadsheet row number.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from datetime import date, datetime, time

import pandas as pd

from lib.names import cell_text

MAX_SOURCE_BYTES = 20 * 1024 * 1024
#: how far down a header row is looked for, under titles and blank rows
HEADER_SEARCH_ROWS = 20

_PLACEHOLDER = re.compile(r"Unnamed: \d+(_level_\d+)?")
_NOT_SPREADSHEETS = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old-style Excel (.xls) or Word file",
}
_SAVE_AS = "Save it as .xlsx or .csv (in Google Sheets: File → Download) and upload that."


class SourceError(ValueError):
    """A file that cannot be imported; ``str(error)`` says why and what to do, for the user."""


def read_source(name: str, data: bytes, sheet: str | int = 0) -> pd.DataFrame:
    """An uploaded CSV or XLSX file as a frame of text (see the module's notes).

    The format is told from the content, not the name. Raises :class:`SourceError` for a file
    that is empty, too large (checked before anything is parsed), not a spreadsheet, or has no
    row that looks like a header.
    """
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(
            f"“{name}” is {len(data) / 1024 / 1024:.1f} MB; files up to "
            f"{MAX_SOURCE_BYTES // 1024 // 1024} MB can be imported. Remove the columns and rows "
            "you do not need, or split it into several files."
        )
    if not data.strip():
        raise SourceError(f"“{name}” is empty: there is nothing to import.")
    for magic, what in _NOT_SPREADSHEETS.items():
        if data.startswith(magic):
            raise SourceError(f"“{name}” is {what}, not a spreadsheet. {_SAVE_AS}")
    if data.startswith(b"PK\x03\x04"):
        grid, notices = _xlsx_grid(name, data, sheet)
    else:
        grid, notices = _csv_grid(name, data), []
    frame = frame_from_grid(grid, source=name)
    frame.attrs["notices"] = notices + frame.attrs["notices"]
    return frame


def sheet_names(data: bytes) -> list[str]:
    """The sheets of an XLSX file, to let the user choose one; :class:`SourceError` otherwise."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception as error:
        raise SourceError(f"This file is not an Excel workbook. {_SAVE_AS}") from error
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def frame_from_grid(grid: Sequence[Sequence[object]], source: str = "") -> pd.DataFrame:
    """A frame from a sheet's rows of cells (a tab's values, or a file read by rows).

    The header is the first row, or the first that looks like one under a title and blank
    rows; trailing blank rows and blank unnamed columns are dropped. Raises
    :class:`SourceError` when no row looks like a header.
    """
    rows = [[cell_text(cell) for cell in row] for row in grid]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SourceError(f"“{source or 'The sheet'}” has no rows: there is nothing to import.")
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    notices: list[str] = []
    at = header_position(rows)
    if at > 0:
        above = [cell.strip() for row in rows[:at] for cell in row if cell.strip()]
        notices.append(
            f"The header was found on row {at + 1}"
            + (f"; the rows above it ({_quoted(above[:3])}) were left out." if above else ".")
        )
    header, body = rows[at], rows[at + 1 :]
    # A column with neither a header nor any value is spacing, not data.
    keep = [
        position
        for position in range(width)
        if not _is_blank_header(header[position]) or any(row[position].strip() for row in body)
    ]
    names, renamed = unique_headers([header[position] for position in keep], keep)
    notices += renamed
    frame = pd.DataFrame([[row[p] for p in keep] for row in body], columns=names, dtype=object)
    frame.attrs.update(source=source, header_row=at + 1, notices=notices)
    return frame


def header_position(rows: Sequence[Sequence[str]]) -> int:
    """Where the header is: the first row filled at least half as widely as the widest row
    near the top (a title fills one cell). :class:`SourceError` when there is none."""
    top = rows[:HEADER_SEARCH_ROWS]
    filled = [sum(1 for cell in row if str(cell).strip()) for row in top]
    widest = max(filled, default=0)
    if widest == 0:
        raise SourceError(
            f"The first {len(top)} rows are blank. Put the column headings (such as Date, "
            "Candidate, Notes) in the first row and the data under them."
        )
    needed = max(1 if widest == 1 else 2, (widest + 1) // 2)
    return next(position for position, count in enumerate(filled) if count >= needed)


def unique_headers(headers: Sequence[object], positions: Sequence[int]) -> tuple[list[str], list]:
    """Headers made unique and never blank: a blank one is named after its column letter, a
    repeated one numbered ("Notes (2)"); with a notice for each change worth telling."""
    names: list[str] = []
    notices: list[str] = []
    seen: dict[str, int] = {}
    for header, position in zip(headers, positions, strict=True):
        text = cell_text(header).strip()
        if _is_blank_header(text):
            text = f"Column {column_letter(position)}"
        count = seen.get(text.casefold(), 0) + 1
        seen[text.casefold()] = count
        if count > 1:
            renamed = f"{text} ({count})"
            notices.append(
                f"Two columns are headed “{text}”; the one in column {column_letter(position)} "
                f"is called “{renamed}” here, so both are kept."
            )
            text = renamed
        names.append(text)
    return names, notices


def column_letter(position: int) -> str:
    """A spreadsheet's name for the column at ``position`` (0 → A, 26 → AA)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _is_blank_header(text: object) -> bool:
    text = cell_text(text).strip()
    return not text or _PLACEHOLDER.fullmatch(text) is not None


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"“{text[:60]}”" for text in texts)


# --- CSV --------------------------------------------------------------------------------------


def _csv_grid(name: str, data: bytes) -> list[list[str]]:
    text = _decode(name, data)
    delimiter = _delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SourceError(f"“{name}” could not be read as CSV ({error}). {_SAVE_AS}") from error


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's CSV on Windows
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n")
    if "\x00" in text or controls > len(text) // 100:
        raise SourceError(f"“{name}” does not look like a spreadsheet. {_SAVE_AS}")
    return text


def _delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever splits the first rows most evenly
    into the most columns."""
    sample = text[:50_000]
    best, best_width = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            first = itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 30)
            rows = [row for row in first if any(row)]
        except csv.Error:
            continue
        if not rows:
            continue
        widths = [len(row) for row in rows]
        common = max(set(widths), key=widths.count)
        if common > best_width and widths.count(common) * 2 >= len(widths):
            best, best_width = delimiter, common
    return best


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_grid(name: str, data: bytes, sheet: str | int) -> tuple[list[list[str]], list[str]]:
    """The sheet's cells as shown (a formula's last calculated value), and notices for
    columns whose cells were formulas."""
    import openpyxl

    try:
        shown = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        typed = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        raise SourceError(f"“{name}” is not an Excel workbook. {_SAVE_AS}") from error
    try:
        names = list(shown.sheetnames)
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise SourceError(
                    f"“{name}” has {len(names)} sheets; there is no sheet {sheet + 1}."
                )
            title = names[sheet]
        elif sheet in names:
            title = sheet
        else:
            raise SourceError(
                f"“{name}” has no sheet called “{sheet}”; its sheets are {_quoted(names)}."
            )
        grid: list[list[str]] = []
        formulas: dict[int, list[int]] = {}
        for workbook in (shown, typed):
            workbook[title].reset_dimensions()  # a size recorded wrongly must not cut rows off
        values_rows = shown[title].iter_rows(values_only=True)
        typed_rows = typed[title].iter_rows(values_only=True)
        for number, (values, typed_row) in enumerate(zip(values_rows, typed_rows, strict=False), 1):
            row = []
            for position, value in enumerate(values):
                written = typed_row[position] if position < len(typed_row) else None
                if isinstance(written, str) and written.startswith("=") and written != value:
                    formulas.setdefault(position, []).append(number)
                    # Never calculated (a file written by a script): the formula stays as text.
                    row.append(written if value is None else _xlsx_text(value))
                else:
                    row.append(_xlsx_text(value))
            grid.append(row)
    finally:
        shown.close()
        typed.close()
    notices = [
        f"Column {column_letter(position)} holds formulas (row {_rows_said(rows)}); the values "
        "they last showed are imported, and a formula never calculated is kept as its text."
        for position, rows in sorted(formulas.items())
    ]
    return grid, notices


def _xlsx_text(value: object) -> str:
    """A cell's value as the sheet shows it: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_said(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:5]))
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
