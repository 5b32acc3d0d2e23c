"""The Settings form for goals and framing rules, in Streamlit: one record at a time, picked from
a list or new, checked on the server when saved, with a message beside each field and everything
typed kept on any refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from lib import access, schema, ui
from lib.goals import edit
from lib.settings_ui import show_flash
from lib.store import ConflictError, StoreError

NEW = ""
#: The widget of each field of each form.
WIDGETS = {
    table: {name: f"goals.{table}.{name}" for name in fields}
    for table, fields in edit.FIELDS.items()
}


def key(table: str, part: str) -> str:
    return f"goals.{table}.{part}"


def _widget_value(name: str, row: dict[str, Any] | None) -> Any:
    """What a field's widget starts with: the stored row's value, or a new row's default."""
    if row is None:
        row = {"starts_on": date.today().isoformat(), "active": True}
    value = row.get(name, "")
    if name in ("starts_on", "due"):
        parsed = schema.parse_date(str(value)) if value else None
        return date.fromisoformat(parsed) if parsed else None
    if name == "active":
        return bool(value)
    if name in ("kind", "race", "priority"):
        return value or None
    return value


def load(table: str) -> None:
    """Fill the form with the chosen record (or a blank one); what was typed before goes."""
    chosen = st.session_state.get(key(table, "pick"), NEW)
    rows = ui.last_tables()[table]
    found = rows[rows["id"] == chosen].to_dict("records") if chosen else []
    row = found[0] if found else None
    st.session_state[key(table, "seen")] = row
    for name, widget in WIDGETS[table].items():
        st.session_state[widget] = _widget_value(name, row)
    for part in ("errors", "failure"):
        st.session_state.pop(key(table, part), None)


def seen(table: str) -> dict[str, Any]:
    """The record being edited, as it was when picked (or as found after a conflict)."""
    return st.session_state.get(key(table, "seen")) or {}


def typed(table: str) -> dict[str, Any]:
    return {name: st.session_state.get(widget) for name, widget in WIDGETS[table].items()}


def _problems(table: str, values: dict[str, Any], before: dict[str, Any]) -> dict[str, str]:
    issue_ids = set(ui.last_tables()["issues"]["id"])
    if table == "framing":
        return edit.framing_problems(values, issue_ids)
    # A goal saved without a start starts the day it was set.
    created = schema.parse_date(str(before.get("created_at", ""))[:10]) if before else None
    return edit.goal_problems(
        values, issue_ids, date.fromisoformat(created or date.today().isoformat())
    )


def save(table: str) -> None:
    """Check, then write with the permission check made at that moment; on any refusal the form
    keeps what was typed and says why."""
    state, before = st.session_state, seen(table)
    values = typed(table)
    problems = _problems(table, values, before)
    state[key(table, "errors")] = problems
    state.pop(key(table, "failure"), None)
    if problems:
        return
    store = ui.store()
    checks = ui.permit("change settings")
    try:
        saved = edit.save(store, table, values, ui.author(), before or None, checks)
    except access.NotAllowed as error:
        state[key(table, "failure")] = str(error)
        return
    except ConflictError as error:
        # Their version becomes the one seen: saving again replaces it, knowingly.
        current = store.read_fresh(table)
        found = current[current["id"] == error.record_id].to_dict("records")
        state[key(table, "seen")] = found[0] if found else None
        state[key(table, "failure")] = (
            f"{error} Your values are still in the form: save again to replace theirs, or "
            "choose it again above to see their version."
        )
        return
    except (StoreError, schema.InvalidValue) as error:
        state[key(table, "failure")] = f"{error} Your values are still in the form; try again."
        return
    noun = edit.NOUNS[table]
    state[key(table, "flash")] = (
        ("success", ui.md("Saved: {} the {}.", saved.action, noun))
        if saved.action
        else ("info", ui.md("Nothing to save: the {} is as stored.", noun))
    )
    state[key(table, "pick")] = NEW
    load(table)


def show_error(table: str, name: str) -> None:
    """The message for this field, right under it."""
    message = st.session_state.get(key(table, "errors"), {}).get(name)
    if message:
        st.error(ui.md("{}", message), icon=":material/error:")


def with_current(options: list[str], current: Any) -> list[str]:
    """The choices, with the record's own value kept selectable (an archived issue, a race
    nobody runs in any more, a priority typed anew)."""
    return [*options, current] if current and current not in options else options


def picker(table: str, rows: pd.DataFrame, describe: Callable[[dict[str, Any]], str]) -> None:
    """Which record the form edits: a new one, or one of ``rows`` (archived ones said so)."""
    labels = {
        row["id"]: describe(row) + ("" if row["active"] else " (archived)")
        for row in rows.to_dict("records")
    }
    noun = edit.NOUNS[table]
    if st.session_state.get(key(table, "pick"), NEW) not in (NEW, *labels):
        st.session_state[key(table, "pick")] = NEW
    st.selectbox(
        ui.md("Add or edit a {}", noun),
        [NEW, *labels],
        format_func=lambda chosen: labels.get(chosen, f"A new {noun}"),
        key=key(table, "pick"),
        on_change=load,
        args=(table,),
    )
    if WIDGETS[table]["active"] not in st.session_state:
        load(table)


def save_button(table: str) -> None:
    """The save button, and under it what became of the last save."""
    st.button(
        ui.md("Save the {}", edit.NOUNS[table]),
        type="primary",
        key=key(table, "save"),
        on_click=save,
        args=(table,),
    )
    show_flash(key(table, "flash"))
    if st.session_state.get(key(table, "errors")):
        st.error(
            "**Not saved yet.** Correct what is said above; everything you typed is kept.",
            icon=":material/error:",
        )
    failure = st.session_state.get(key(table, "failure"))
    if failure:
        st.error(ui.md("**Not saved.** {}", failure), icon=":material/error:")
