"""Candidates: where each candidate stands on the coalition's issues."""

import streamlit as st

from lib import ui

ui.page_frame()

st.title("Candidates")
tables = ui.tables()
left, right = st.columns(2)
left.metric("Candidates", len(tables["candidates"]))
right.metric("Positions observed", len(tables["positions"]))
