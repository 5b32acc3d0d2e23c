"""Report a candidate interaction."""

import streamlit as st

from lib import ui

ui.page_frame()

st.title("Report a candidate interaction")
interactions = ui.tables()["interactions"]
st.metric("Reports filed", len(interactions))
if not interactions.empty:
    st.caption(f"Latest report: {interactions['date'].max()}")
