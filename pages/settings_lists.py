"""Settings → Lists: the coalition's issues, partner organisations and candidates, edited in
place."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lib import coalition, lists, schema, ui
from lib.settings_ui import show_flash, still_allowed
from lib.store import Store
from lib.text import join

ui.page_frame()

state = st.session_state
LONG = schema.MAX_CELL_CHARS
PLURAL = {"issues": "issues", "partners": "partner organisations", "candidates": "candidates"}


def tags_column(
    table: str, column: str, frame: pd.DataFrame, suggested: Sequence[str], label: str, **shown: str
) -> dict:
    """Tags picked from the suggestions and those already in use, or typed anew."""
    return st.column_config.MultiselectColumn(
        label,
        options=lists.options(table, column, frame, suggested),
        accept_new_options=True,
        **shown,
    )


def column_config(table: str, frame: pd.DataFrame) -> dict:
    active = st.column_config.CheckboxColumn(
        "Active",
        default=True,
        help="Untick to archive: it stays in past reports but is no longer offered in new ones.",
    )
    if table == "issues":
        return {
            "name": st.column_config.TextColumn("Issue", required=True, max_chars=LONG),
            "ask": st.column_config.TextColumn(
                "The coalition's ask",
                max_chars=LONG,
                width="large",
                help="What the coalition asks candidates to do about it.",
            ),
            "description": st.column_config.TextColumn(
                "Description", max_chars=LONG, width="large"
            ),
            "active": active,
        }
    if table == "partners":
        return {
            "name": st.column_config.TextColumn("Organisation", required=True, max_chars=LONG),
            "kind": st.column_config.TextColumn(
                "Kind", max_chars=LONG, help="union, nonprofit, faith group, parent group…"
            ),
            "strengths": tags_column(
                table,
                "strengths",
                frame,
                schema.SUGGESTED_STRENGTHS,
                "Strengths",
                width="medium",
                help="Pick from the suggestions or type your own.",
            ),
            "tax_status": st.column_config.SelectboxColumn(
                "Tax status",
                options=lists.options(table, "tax_status", frame, coalition.TAX_STATUSES),
            ),
            "contact_name": st.column_config.TextColumn("Contact", max_chars=LONG),
            "contact_email": st.column_config.TextColumn(
                "Contact email", max_chars=LONG, validate=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"
            ),
            "notes": st.column_config.TextColumn("Notes", max_chars=LONG, width="medium"),
            "active": active,
        }
    return {
        "name": st.column_config.TextColumn("Candidate", required=True, max_chars=LONG),
        "office": st.column_config.TextColumn("Office", max_chars=LONG),
        "district": st.column_config.TextColumn("District", max_chars=LONG, width="small"),
        "party": st.column_config.TextColumn("Party", max_chars=LONG),
        "election_date": st.column_config.DateColumn("Election date", format="YYYY-MM-DD"),
        "stage": st.column_config.SelectboxColumn(
            "Stage", options=schema.STAGE.values, format_func=schema.STAGE.label
        ),
        "status": st.column_config.SelectboxColumn(
            "Status",
            options=schema.CANDIDATE_STATUS.values,
            format_func=schema.CANDIDATE_STATUS.label,
        ),
        "website": st.column_config.LinkColumn("Website", max_chars=LONG),
        "priorities": tags_column(
            table,
            "priorities",
            frame,
            schema.PRIORITY_TAGS,
            "Priorities",
            width="large",
            help="The candidate's own priorities: pick or type your own.",
        ),
        "active": active,
    }


INTROS = {
    "issues": "The policies the coalition works on. The report form offers the active ones.",
    "partners": "The organisations in the coalition. Strengths suggest who to bring to a meeting: "
    "if a candidate cares about the economy, the partners whose strength is business voices.",
    "candidates": "The candidates and officeholders in the coalition's races.",
}


def discard(table: str) -> None:
    for name in ("editor", "shown", "tried", "left"):
        state.pop(f"settings.{table}.{name}", None)


def save_changes(store: Store, table: str, changes: lists.Changes) -> None:
    """Save a list's changes in one write; say what happened after the rerun."""
    base = f"settings.{table}"
    result = lists.save(store, table, changes, ui.author())
    if result.error:
        st.error(ui.md("**Nothing was saved.** {} Your changes are kept; try again.", result.error))
        return
    discard(table)
    if result.failed:
        conflict = result.failed[0][1]
        state[f"{base}.flash"] = (
            "error",
            ui.md(
                "**Nothing was saved.** {} Your changes are listed below; make them again on "
                "the current list.",
                conflict,
            ),
        )
        state[f"{base}.unsaved"] = lists.unsaved_rows(table, result.failed, result.not_added)
    else:
        state[f"{base}.flash"] = ("success", ui.md("{}", lists.summary(table, result)))
    st.rerun()


def changes_left_behind(store: Store, table: str, frame: pd.DataFrame) -> None:
    """Edits typed here before going to another page: Streamlit forgets a table's edits when it
    is not on screen, so the page keeps its own copy and offers to save or discard it."""
    base = f"settings.{table}"
    shown, edited = state[f"{base}.left"]
    changes = lists.plan_changes(table, shown, edited, stored=frame)
    if changes.empty:
        state.pop(f"{base}.left")
        return
    st.warning(
        ui.md(
            "**You left unsaved changes to the {} when you went to another page.** Here they "
            "are: save them now, or discard them.",
            PLURAL[table],
        ),
        icon=":material/edit_note:",
    )
    st.dataframe(
        lists.unsaved_rows(table, [(update, "") for update in changes.updates], changes.appends),
        hide_index=True,
    )
    for error in changes.errors:
        st.error(ui.md("{}", error), icon=":material/error:")
    buttons = st.container(horizontal=True)
    if (
        buttons.button("Save them now", key=f"{base}.left.save", disabled=bool(changes.errors))
        and still_allowed()
    ):
        save_changes(store, table, changes)
    buttons.button("Discard them", key=f"{base}.left.discard", on_click=discard, args=(table,))


def list_section(store: Store, table: str, frame: pd.DataFrame) -> None:
    base = f"settings.{table}"
    editor_key, shown_key = f"{base}.editor", f"{base}.shown"
    st.caption(
        ui.md(
            "{} Edit a cell to change it, add a row at the bottom, untick Active to archive. "
            "Nothing is deleted: archived entries stay in past reports.",
            INTROS[table],
        )
    )
    show_flash(f"{base}.flash")
    unsaved = state.pop(f"{base}.unsaved", None)
    if unsaved is not None:
        st.markdown("Your changes that were not saved (retype them after reviewing):")
        st.dataframe(unsaved, hide_index=True)

    pending = lists.has_edits(state.get(editor_key))
    if not pending and f"{base}.left" in state:
        changes_left_behind(store, table, frame)
    # Until those are saved or discarded, the list takes no new edits that would replace them.
    held = not pending and f"{base}.left" in state
    archived = int((~frame["active"].astype(bool)).sum())
    show_archived = st.toggle(
        ui.md("Show archived ({})", archived),
        key=f"{base}.archived",
        disabled=pending,
        help="Save or discard your changes first." if pending else None,
    )
    if not pending or shown_key not in state:
        # Nothing being edited: show the list as stored now. While editing, the version shown
        # (and its drop-down choices) stays put, and saving checks each record against it.
        state[shown_key] = (
            lists.editor_frame(table, frame, include_archived=show_archived),
            column_config(table, frame),
        )
    shown, config = state[shown_key]
    edited = st.data_editor(
        shown,
        key=editor_key,
        num_rows="add",
        hide_index=True,
        column_order=lists.FIELDS[table],
        column_config=config,
        width="stretch",
        placeholder="",
        disabled=held,
    )
    if pending:
        state[f"{base}.left"] = (shown, edited)
    messages = st.container()
    buttons = st.container(horizontal=True)
    clicked = buttons.button(
        ui.md("Save the {}", PLURAL[table]), key=f"{base}.save", type="primary"
    )
    if pending:
        buttons.button("Discard my changes", key=f"{base}.discard", on_click=discard, args=(table,))
    if not (clicked or (pending and state.get(f"{base}.tried"))):
        return
    changes = lists.plan_changes(table, shown, edited, stored=frame)
    if changes.errors:
        state[f"{base}.tried"] = True
        with messages:
            st.error(
                ui.md(
                    "**Not saved yet.** Correct these and save again; everything you typed is "
                    "kept:\n{}",
                    join("\n", [ui.md("- {}", error) for error in changes.errors]),
                ),
                icon=":material/error:",
            )
        return
    if not clicked:
        return
    if changes.empty:
        with messages:
            st.info("Nothing to save: no changes.")
        return
    if not still_allowed(messages):
        return
    with messages:
        save_changes(store, table, changes)


st.title("Lists")
ui.require("change settings")
store = ui.store_or_stop()
tables = ui.tables()
tabs = st.tabs(["Issues", "Partners", "Candidates"])
for tab, table in zip(tabs, ("issues", "partners", "candidates"), strict=True):
    with tab:
        list_section(store, table, tables[table])
