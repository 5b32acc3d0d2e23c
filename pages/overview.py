"""Overview: the coalition at a glance, or a first-run choice on an empty store."""

from datetime import date

import pandas as pd
import streamlit as st

from lib import analytics, charts, goals, hosting_screen, sample, ui
from lib.goals import screen as goals_screen
from lib.store import StoreError

ui.page_frame()


def status_chart(tables: dict[str, pd.DataFrame]) -> charts.Chart:
    return charts.status_breakdown(tables["commitments"])


def latest_reports(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    labels = analytics.candidate_labels(tables["candidates"])
    return analytics.latest_reports(tables["interactions"], labels)


st.title("Coalition Tracker")
tables = ui.tables()
# Said before anything is recorded (the welcome screen too) if it would not be kept.
hosting_screen.warn_if_at_risk(ui.store(), ui.member())

if sample.is_empty(tables) and not st.session_state.get("start_empty"):
    current = ui.member()
    if not current.may("change settings"):
        st.subheader("Nothing recorded yet")
        st.write(
            "Your coalition's admin sets up its issues, partners and candidates in Settings; "
            "the reports filed after meetings then show here."
        )
        if current.may("file reports"):
            st.page_link("pages/report.py", label="File a report", icon=":material/edit_note:")
        st.stop()
    st.subheader("Welcome! Your coalition's tracker is empty.")
    # The sample's fictional members include an admin: never into a coalition that has members.
    offer_sample = sample.may_load(tables)
    st.write(
        "Try it with a fictional sample coalition (4 partner organisations, 8 candidates, "
        "about 40 meeting reports), or start with your own issues and partners."
        if offer_sample
        else "Start with your own issues, partners and candidates in Settings."
    )
    load, empty = st.columns(2)
    if offer_sample and load.button("Load the sample coalition", type="primary", width="stretch"):
        try:
            ui.authorise("change settings")  # asked now: the role may have changed meanwhile
            with st.spinner("Loading the sample coalition…"):
                added = sample.load_sample(ui.store(), date.today())
        except StoreError as error:
            st.error(ui.md("**The sample was not loaded.** {}", error), icon=":material/error:")
        else:
            st.toast(ui.md("Loaded {} sample records.", f"{sum(added.values()):,}"))
            st.rerun()
    if empty.button("Start empty", width="stretch"):
        st.session_state["start_empty"] = True
        st.rerun()
    st.stop()

today = date.today()
figures = ui.derived(analytics.headline, today)
row = st.columns(6)
row[0].metric("Candidates engaged", figures["candidates_engaged"])
row[1].metric("Reports, last 30 days", figures["interactions_30_days"])
row[2].metric("Open commitments", figures["open_commitments"])
row[3].metric("Overdue follow-ups", figures["overdue_follow_ups"])
row[4].metric("Promises kept", figures["kept"])
row[5].metric("Promises broken", figures["broken"])
st.page_link(
    "pages/present.py",
    label="Present: run a coalition meeting from the screen",
    icon=":material/slideshow:",
)

st.subheader("Coalition goals")
goals_screen.show(ui.derived(goals.progress_in, today), admin=ui.member().may("change settings"))

chart, due = st.columns([2, 3], gap="large")
with chart:
    st.subheader("Commitments by status")
    if tables["commitments"].empty:
        st.caption("No commitments recorded yet.")
    else:
        ui.chart(ui.derived(status_chart), key="overview.status")
with due:
    st.subheader("Follow-ups due in the next 14 days")
    upcoming = ui.derived(analytics.follow_ups_due, today)
    if upcoming.empty:
        st.caption("Nothing is due in the next 14 days.")
    else:
        st.dataframe(
            upcoming,
            hide_index=True,
            column_config={"What": st.column_config.TextColumn(width="large")},
        )
    st.page_link(
        "pages/commitments.py",
        label="See overdue commitments",
        icon=":material/schedule:",
        query_params={"due": "overdue"},
    )

st.subheader("Latest reports")
latest = ui.derived(latest_reports)
if latest.empty:
    st.caption("No reports filed yet.")
else:
    st.dataframe(
        latest,
        hide_index=True,
        column_config={"Takeaways": st.column_config.TextColumn(width="large")},
    )
st.page_link("pages/report.py", label="File a report", icon=":material/edit_note:")
