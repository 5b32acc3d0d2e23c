"""Streamlit glue shared by the pages: the store for this app, and its data or a clear error."""

from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from lib import schema
from lib.store import Store, StoreError, open_store


def page_frame() -> None:
    """Make sure this page runs inside app.py's router; every page calls this first.

    A page file in pages/ can be run on its own when it is the first page a fresh server is asked
    for (Streamlit's older pages-directory convention), which would skip app.py's navigation and
    sidebar. Turning that convention off and rerunning sends the run through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def secrets() -> dict:
    """The app's secrets, or none when no secrets.toml exists (the embedded default)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


@st.cache_resource(show_spinner="Connecting to the coalition's data…")
def _open_store(configuration: str) -> Store:
    return open_store(json.loads(configuration))


def store() -> Store:
    """The store for the current configuration; changing the secrets opens a new one."""
    configuration = {
        "connections": secrets().get("connections", {}),
        "override": os.environ.get("TRACKER_DATABASE_URL", ""),
    }
    return _open_store(json.dumps(configuration, sort_keys=True, default=str))


def store_or_stop() -> Store:
    try:
        return store()
    except StoreError as error:
        st.error(f"**The coalition's data cannot be opened.** {error}", icon=":material/error:")
        st.stop()


def tables() -> dict[str, pd.DataFrame]:
    """Every table, or a plain explanation and a stop when the store cannot be read."""
    try:
        return store_or_stop().read_all()
    except StoreError as error:
        st.error(f"**The coalition's data cannot be read.** {error}", icon=":material/error:")
        st.stop()


def problem_count(frames: dict[str, pd.DataFrame]) -> int:
    return sum(len(schema.problems_of(frame)) for frame in frames.values())
