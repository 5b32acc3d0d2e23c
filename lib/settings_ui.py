"""Streamlit helpers the Settings pages share: asking again, at the moment of a write, whether the
member may still change settings, the message that outlives the rerun after a save, and the button
that gives a data source the tabs and columns it lacks."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import access, ui
from lib.store import Store, StoreError


def still_allowed(where: DeltaGenerator | None = None) -> bool:
    """Whether the current member may still change settings, asked of the members list as stored
    now: they may have been demoted or deactivated since the page was drawn. Says why not."""
    try:
        ui.authorise("change settings")
    except access.NotAllowed as error:
        (where or st).error(ui.md("{}", error), icon=":material/lock:")
        return False
    except StoreError as error:
        (where or st).error(
            ui.md(
                "**Not saved.** Whether you may still change settings could not be checked: {}",
                error,
            ),
            icon=":material/error:",
        )
        return False
    return True


def show_flash(name: str) -> None:
    """A message kept across the rerun that follows a save: (kind, text)."""
    flash = st.session_state.pop(name, None)
    if flash:
        kind, text = flash
        {"success": st.success, "error": st.error, "info": st.info}[kind](text)


def create_missing_tabs(store: Store, label: str, failed: str, key: str | None = None) -> bool:
    """A button that adds the tabs and columns ``store`` lacks, changing nothing else; whether it
    did. ``failed`` says why not, with ``{}`` for the error."""
    if not (st.button(ui.md("{}", label), key=key, type="primary") and still_allowed()):
        return False
    try:
        store.ensure_schema()
    except StoreError as error:
        st.error(ui.md(failed, error))
        return False
    return True
