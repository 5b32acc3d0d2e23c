"""Overview: the coalition at a glance, or a first-run choice on an empty store."""

from datetime import date

import streamlit as st

from lib import sample, ui
from lib.store import StoreError

ui.page_frame()

st.title("Coalition Tracker")
tables = ui.tables()

if sample.is_empty(tables) and not st.session_state.get("start_empty"):
    st.subheader("Welcome! Your coalition's tracker is empty.")
    st.write(
        "Try it with a fictional sample coalition (4 partner organisations, 8 candidates, "
        "about 40 meeting reports), or start with your own issues and partners."
    )
    load, empty = st.columns(2)
    if load.button("Load the sample coalition", type="primary", width="stretch"):
        try:
            with st.spinner("Loading the sample coalition…"):
                added = sample.load_sample(ui.store(), date.today())
        except StoreError as error:
            st.error(f"The sample could not be loaded: {error}")
        else:
            st.toast(f"Loaded {sum(added.values())} sample records.")
            st.rerun()
    if empty.button("Start empty", width="stretch"):
        st.session_state["start_empty"] = True
        st.rerun()
    st.stop()

counts = {name: len(frame) for name, frame in tables.items()}
columns = st.columns(5)
columns[0].metric("Candidates", counts["candidates"])
columns[1].metric("Issues", counts["issues"])
columns[2].metric("Partner organisations", counts["partners"])
columns[3].metric("Reports filed", counts["interactions"])
columns[4].metric("Commitments", counts["commitments"])
