"""Settings → Goals and framing: the coalition's goals (an issue, a target, a date) and the rules
for presenting an issue to a candidate with a given priority."""

from datetime import date

import pandas as pd
import streamlit as st

from lib import analytics, goals, lists, schema, ui
from lib.goals.form import NEW, WIDGETS, picker, save_button, seen, show_error, with_current

ui.page_frame()

state = st.session_state


def issue_column(ids: pd.Series, names: dict[str, str], blank: str) -> pd.Series:
    return ids.map(names).fillna(ids).where(ids != "", blank)


def goals_section(tables: dict[str, pd.DataFrame], issue_names: dict[str, str]) -> None:
    st.caption(
        "A goal is an issue, a target and a date. The Overview and the Meeting screen show each "
        "active goal's progress against a straight line from its start to its date, and the "
        "report-back lists them. Untick Active to archive one."
    )
    picker(
        "goals",
        tables["goals"],
        lambda row: (
            f"{issue_names.get(row['issue_id'], row['issue_id']) or 'All issues'}: "
            f"{schema.GOAL_KIND.label(row['kind'])}, by {row['due'] or 'no date'}"
        ),
    )
    widget = WIDGETS["goals"]
    active = tables["issues"][tables["issues"]["active"]]["id"].tolist()
    races = sorted(set(analytics.races(tables["candidates"])) - {""})
    left, right = st.columns(2, gap="large")
    with left:
        st.selectbox(
            "Issue",
            with_current([NEW, *active], state.get(widget["issue_id"])),
            format_func=lambda issue: (
                issue_names.get(issue, issue) if issue else "No issue (only for candidates met)"
            ),
            key=widget["issue_id"],
        )
        show_error("goals", "issue_id")
        st.selectbox(
            "What it counts",
            schema.GOAL_KIND.values,
            index=None,
            format_func=schema.GOAL_KIND.label,
            key=widget["kind"],
            placeholder="Choose what the goal counts",
        )
        show_error("goals", "kind")
        st.text_input(
            "Target",
            key=widget["target"],
            help="A whole number, such as 5. For every candidate in a race asked, the target is "
            "how many run in it: leave this blank.",
        )
        show_error("goals", "target")
        st.selectbox(
            "Race",
            with_current(races, state.get(widget["race"])),
            index=None,
            key=widget["race"],
            placeholder="Only for every candidate in a race asked",
        )
        show_error("goals", "race")
    with right:
        st.date_input(
            "Start",
            value=None,
            key=widget["starts_on"],
            format="YYYY-MM-DD",
            help="Left blank, the goal starts the day it is saved.",
        )
        st.date_input("Reach it by", value=None, key=widget["due"], format="YYYY-MM-DD")
        show_error("goals", "due")
        # No max_chars: Streamlit would cut a longer text silently; the save says so instead.
        st.text_area("Description", key=widget["description"], height=100)
        show_error("goals", "description")
        st.checkbox("Active", key=widget["active"], disabled=not seen("goals"))
    save_button("goals")

    rows = tables["goals"]
    if rows.empty:
        st.caption("No goals set yet.")
        return
    standing = {
        item.goal_id: f"Cannot be read: {item.problem}"
        if item.state == goals.UNREADABLE
        else f"{item.state_label}: {item.value:,} of {item.target:,}"
        for item in ui.derived(goals.progress_in, date.today())
    }
    st.dataframe(
        pd.DataFrame(
            {
                "Issue": issue_column(rows["issue_id"], issue_names, "All issues"),
                "Counts": schema.GOAL_KIND.label_all(rows["kind"]),
                "Target": rows["target"].where(
                    rows["kind"] != "race_asked", "Everyone in " + rows["race"]
                ),
                "Start": rows["starts_on"],
                "By": rows["due"],
                "Active": rows["active"],
                "Progress": rows["id"].map(standing).fillna("Archived"),
                "Description": rows["description"],
            }
        ),
        hide_index=True,
    )


def framing_section(tables: dict[str, pd.DataFrame], issue_names: dict[str, str]) -> None:
    st.caption(
        "How to present an issue to a candidate whose priority is, say, the economy. Leave the "
        "issue at *Every issue* for a rule that holds for all of them."
    )
    picker(
        "framing",
        tables["framing"],
        lambda row: (
            f"{row['priority']}: "
            f"{issue_names.get(row['issue_id'], row['issue_id']) or 'every issue'}"
        ),
    )
    widget = WIDGETS["framing"]
    active = tables["issues"][tables["issues"]["active"]]["id"].tolist()
    priorities = lists.options("framing", "priority", tables["framing"], schema.PRIORITY_TAGS)
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.selectbox(
            "For a candidate whose priority is",
            with_current(priorities, state.get(widget["priority"])),
            index=None,
            accept_new_options=True,
            key=widget["priority"],
            placeholder="Choose or type a priority",
        )
        show_error("framing", "priority")
        st.selectbox(
            "Present this issue",
            with_current([NEW, *active], state.get(widget["issue_id"])),
            format_func=lambda issue: issue_names.get(issue, issue) if issue else "Every issue",
            key=widget["issue_id"],
        )
        show_error("framing", "issue_id")
        st.checkbox("Active", key=widget["active"], disabled=not seen("framing"))
    with right:
        st.text_area(
            "Like this",
            key=widget["text"],
            height=150,
            help="In the text, {issue} and {ask} stand for the issue's name and the coalition's "
            "ask.",
        )
        show_error("framing", "text")
    save_button("framing")

    rows = tables["framing"]
    if not rows.empty:
        st.dataframe(
            pd.DataFrame(
                {
                    "Priority": rows["priority"],
                    "Issue": issue_column(rows["issue_id"], issue_names, "Every issue"),
                    "Like this": rows["text"],
                    "Active": rows["active"],
                }
            ),
            hide_index=True,
            column_config={"Like this": st.column_config.TextColumn(width="large")},
        )


st.title("Goals and framing")
ui.require("change settings")
ui.store_or_stop()
tables = ui.tables()
issue_names = analytics.labels(tables["issues"])
goals_tab, framing_tab = st.tabs(["Goals", "Framing rules"])
with goals_tab:
    goals_section(tables, issue_names)
with framing_tab:
    framing_section(tables, issue_names)
