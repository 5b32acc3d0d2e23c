"""Commitments: every promise a candidate made, and its follow-up."""

import streamlit as st

from lib import schema, ui

ui.page_frame()

st.title("Commitments")
commitments = ui.tables()["commitments"]
st.metric("Commitments", len(commitments))
counts = commitments["status"].value_counts()
columns = st.columns(len(schema.COMMITMENT_STATUS.values))
for column, status in zip(columns, schema.COMMITMENT_STATUS.values, strict=True):
    column.metric(schema.COMMITMENT_STATUS.label(status), int(counts.get(status, 0)))
