"""Streamlit glue shared by the pages: the store for this app, and its data or a clear error."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pandas as pd
import streamlit as st

from lib import schema
from lib.store import Store, StoreError, UnavailableError, open_store
from lib.text import escape_markdown

_LAST_READ = "ui.last_read"


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
    """Every table; during an outage, the last copy this session read, said to be such.

    Pages keep working (and forms keep what was typed) while the data source is unreachable.
    """
    store = store_or_stop()
    try:
        frames = store.read_all()
    except UnavailableError as error:
        last = st.session_state.get(_LAST_READ)
        if last is None or last[0] is not store:
            st.error(f"**The coalition's data cannot be read.** {error}", icon=":material/error:")
            st.stop()
        st.warning(
            f"**The data source is not answering**, so this page shows the data as it was "
            f"at {last[1]:%H:%M}. {error}",
            icon=":material/cloud_off:",
        )
        return last[2]
    except StoreError as error:
        st.error(f"**The coalition's data cannot be read.** {error}", icon=":material/error:")
        st.stop()
    st.session_state[_LAST_READ] = (store, datetime.now(), frames)
    return frames


def filters_from_url(fields: dict[str, tuple[str, list[str] | None]], page: str) -> None:
    """Fill filter widgets from the URL when it changed from outside (a shared link).

    ``fields`` maps URL key -> (widget key, allowed values, or None for free text). Values that
    name nothing real are dropped, so a stale link never breaks the page.
    """
    url = {name: st.query_params.get_all(name) for name in fields}
    if url == st.session_state.get(f"{page}.url"):
        return
    for name, (widget, allowed) in fields.items():
        values = url[name]
        if allowed is None:
            st.session_state[widget] = values[0] if values else ""
        else:
            st.session_state[widget] = [value for value in values if value in set(allowed)]
    st.session_state[f"{page}.url"] = url


def filters_to_url(fields: dict[str, tuple[str, list[str] | None]], page: str) -> None:
    """Write the filter widgets' values into the URL, so the address reproduces the view."""
    url = {}
    for name, (widget, _) in fields.items():
        value = st.session_state.get(widget)
        url[name] = [value] if isinstance(value, str) and value else list(value or [])
    if url != st.session_state.get(f"{page}.url"):
        st.query_params.from_dict({name: values for name, values in url.items() if values})
        st.session_state[f"{page}.url"] = url


def chart(figure: object, key: str) -> None:
    """A chart as lib.charts styled it (Streamlit's theme would grey out the labels)."""
    st.plotly_chart(figure, theme=None, config={"displayModeBar": False}, key=key)


def author() -> str:
    """Who is making a change, for created_by and the audit: the signed-in email if any."""
    email = st.user.get("email")
    return str(email) if email else "local admin"


def author_name() -> str:
    name = st.user.get("name")
    return str(name) if name else ""


plain = escape_markdown  # user text shown inside st.markdown


def problem_count(frames: dict[str, pd.DataFrame]) -> int:
    return sum(len(schema.problems_of(frame)) for frame in frames.values())
