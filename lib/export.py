"""Exports that open safely in Excel and Google Sheets: no cell can run as a formula, and no
character a spreadsheet, calendar or PDF cannot hold breaks the file.

What odd characters become, in every export (tested in tests/test_exports.py):

* Spreadsheets (CSV, XLSX, the backup): CR, CRLF, vertical tab (Word's Shift+Enter) and form
  feed become a line feed; the other control characters XML 1.0 cannot hold (U+0000-U+0008,
  U+000E-U+001F), U+FFFE, U+FFFF and lone surrogates are removed. Tab and line feed are kept.
* One-line text (calendar fields, file names, PDF lines): every line break becomes a space and
  every other control character is removed.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CELL_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
# Not allowed in XML 1.0, so openpyxl refuses them (IllegalCharacterError) or, for U+FFFE/U+FFFF,
# writes a workbook nobody can open again.
_NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ANY_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FILE_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def cell_text(value: object) -> str:
    """``value`` as text every spreadsheet format can hold, line breaks as line feeds."""
    return _NOT_IN_XML.sub("", _CELL_BREAKS.sub("\n", str(value)))


def one_line(value: object) -> str:
    """``value`` as one line of plain text: line breaks become spaces, controls go."""
    return _CONTROLS.sub("", _ANY_BREAK.sub(" ", str(value).replace("\t", " ")))


def safe_file_name(name: str) -> str:
    """A download's file name with nothing that could end a header or name another folder."""
    return _FILE_NAME_UNSAFE.sub("-", one_line(name)).strip(" .") or "download"


def neutralise(text: str) -> str:
    """A leading apostrophe makes Excel and Sheets show the text instead of evaluating it.

    Leading white space counts too: an import that trims cells would otherwise expose a formula.
    """
    formula = text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS[:4])
    return "'" + text if formula else text


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads accents and emoji right).

    A bare CR would be an unquoted row break, so line breaks become line feeds and the line
    terminator is CRLF: a field holding either character is then always quoted, and the text
    after a line break stays inside its cell, which no spreadsheet evaluates as a formula.
    """
    safe = frame.astype(str).map(lambda value: neutralise(cell_text(value)))
    safe.columns = [neutralise(cell_text(column)) for column in frame.columns]
    return safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).encode(
        "utf-8-sig"
    )


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame; every cell is stored as text, never as a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        rows = [list(map(str, frame.columns)), *frame.astype(str).values.tolist()]
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number)
                cell.value = cell_text(value)
                cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
        for column_number, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[get_column_letter(column_number)].width = min(60, longest + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
