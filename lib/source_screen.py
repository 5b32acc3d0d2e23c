"""Choosing a spreadsheet to bring in: an uploaded file (CSV or XLSX, any sheet of a workbook) or
a tab of the connected Google Sheet, which is only ever read. Shared by the pages that import
(questionnaire answers, Settings → Import), so both offer the same choice in the same words."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib import ui
from lib.imports.source import MAX_SOURCE_BYTES
from lib.store import Store
from lib.store.sheets import SheetStore

FROM_FILE = "A file (CSV or XLSX)"
FROM_TAB = "A tab of the connected Google Sheet"
_WORKBOOK = b"PK\x03\x04"  # an XLSX file is a zip


@dataclass(frozen=True)
class Chosen:
    """The spreadsheet chosen: its rows, what it is called, and what identifies the choice."""

    frame: pd.DataFrame
    name: str  # the file's name, or the tab's title
    tab: str  # the tab's title when it is a tab of the connected Google Sheet, else ""
    fingerprint: str  # the same for the same file (and sheet) or tab; changes with another


def from_sheet(store: Store, label: str, key: str) -> bool:
    """Whether a tab of the connected Google Sheet is chosen over a file; a file is the only
    choice when the data source is not a Google Sheet."""
    sources = [FROM_FILE]
    if isinstance(store, SheetStore):
        sources.append(FROM_TAB)
    return st.radio(ui.md("{}", label), sources, horizontal=True, key=key) == FROM_TAB


def chosen_source(
    store: Store,
    tab_chosen: bool,
    key: str,
    *,
    file_label: str,
    read_file: Callable[[str, bytes, str | int], pd.DataFrame],
    sheet_names: Callable[[bytes], list[str]],
) -> Chosen | None:
    """The chosen tab or uploaded file, read; None until one is chosen. ``read_file`` and
    ``sheet_names`` raise ValueError with the reason a file cannot be read, and the store a
    StoreError for a tab; the caller says it. Widgets are keyed ``{key}.tab``, ``{key}.file``
    and ``{key}.sheet``."""
    if tab_chosen:
        assert isinstance(store, SheetStore)
        tab = st.selectbox("Tab", store.source_tabs(), index=None, key=f"{key}.tab")
        if tab is None:
            return None
        frame = store.read_source_tab(tab)
        frame.attrs.setdefault("source", tab)
        return Chosen(frame, tab, tab, f"tab:{tab}")
    upload = st.file_uploader(
        ui.md("{}", file_label),
        type=["csv", "xlsx"],
        key=f"{key}.file",
        # Said in the browser before a larger file is sent; read_file checks again.
        max_upload_size=MAX_SOURCE_BYTES // 2**20,
    )
    if upload is None:
        return None
    data = upload.getvalue()
    sheet: str | int = 0
    if upload.name.lower().endswith(".xlsx") or data.startswith(_WORKBOOK):
        sheet = st.selectbox("Sheet", sheet_names(data), key=f"{key}.sheet")
    fingerprint = f"file:{upload.name}:{hashlib.sha256(data).hexdigest()[:16]}:{sheet}"
    kept = st.session_state.get(f"{key}.read")
    if kept is not None and kept[0] == fingerprint:  # a rerun: the same file, read once
        return Chosen(kept[1], upload.name, "", fingerprint)
    frame = read_file(upload.name, data, sheet)
    st.session_state[f"{key}.read"] = (fingerprint, frame)
    return Chosen(frame, upload.name, "", fingerprint)
