"""Exports that open safely in Excel and Google Sheets: no cell can run as a formula."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A leading apostrophe makes Excel and Sheets show the text instead of evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads accents and emoji right)."""
    safe = frame.astype(str).map(neutralise)
    safe.columns = [neutralise(str(column)) for column in frame.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


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
                cell.value = value
                cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
        for column_number, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[get_column_letter(column_number)].width = min(60, longest + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
