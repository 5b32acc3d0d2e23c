"""Endorsements, for a coalition that may make them (never a 501(c)(3)): the races it takes part
in, a timeline from the guide, a ledger that shows every candidate was offered the same, research
with sources, and the vote. Every member reads it; staff and admins keep it."""

from datetime import date

import streamlit as st

from lib import coalition, ui
from lib.endorsements import screen

ui.page_frame()
tables = ui.tables()
if not coalition.settings_of(tables).may_endorse:
    # Reached only by a typed address: the navigation lists this page only for such coalitions.
    st.info("This page is not available.")
    st.stop()

st.title("Endorsements")
member = ui.require("see endorsements")
staff = member.may(screen.ACTION)
today = date.today()
screen.show_flash()

all_races = screen.race_list(tables)
if all_races.empty:
    st.info(
        "No races yet: races are made from the candidates' office, district, election date and "
        "stage. Add candidates in Settings → Lists."
    )
    st.stop()
st.caption(
    "Decide which races the coalition has capacity for, plan each from the election date, offer "
    "every candidate the same, and research each with sources before the vote."
)
screen.races_overview(all_races, tables)
race = screen.pick_race(all_races)
if race is None:
    st.stop()

st.header(ui.md("{}", race["title"]))
screen.decision_section(race, staff)
timeline_tab, ledger_tab, research_tab, vote_tab = st.tabs(
    ["Timeline", "Fair process", "Research", "Vote"]
)
with timeline_tab:
    screen.timeline_section(race, tables, today, staff)
with ledger_tab:
    screen.ledger_section(race, tables, staff)
with research_tab:
    screen.research_section(race, tables, staff)
with vote_tab:
    # The vote and its announcement: lib/endorsements/vote_screen.py.
    screen.vote_section(race)
