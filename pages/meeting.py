"""Meeting mode: what the coalition reviews together on a shared screen."""

import streamlit as st

from lib import ui

ui.page_frame()

st.title("Coalition meeting")
tables = ui.tables()
left, middle, right = st.columns(3)
left.metric("Candidates", len(tables["candidates"]))
middle.metric("Reports filed", len(tables["interactions"]))
right.metric("Follow-up actions", len(tables["actions"]))
