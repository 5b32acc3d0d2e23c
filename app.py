"""Coalition Tracker: routes to the pages and frames them with the data source in use."""

import streamlit as st

from lib import ui
from lib.store import StoreError

st.set_page_config(page_title="Coalition Tracker", page_icon=":material/handshake:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/report.py", title="Report", icon=":material/edit_note:", url_path="report"),
    st.Page(
        "pages/candidates.py", title="Candidates", icon=":material/groups:", url_path="candidates"
    ),
    st.Page(
        "pages/commitments.py",
        title="Commitments",
        icon=":material/checklist:",
        url_path="commitments",
    ),
    st.Page("pages/meeting.py", title="Meeting", icon=":material/co_present:", url_path="meeting"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings"),
]

page = st.navigation(PAGES)

with st.sidebar:
    try:
        store = ui.store()
        source = store.label
        problems = ui.problem_count(store.read_all())
    except StoreError:  # the page itself explains what is wrong
        source, problems = "not connected", 0
    st.caption(f"Data source: **{source}**")
    if problems:
        st.page_link(
            "pages/settings.py",
            label=f"{problems} problem{'s' * (problems != 1)} in the data",
            icon=":material/warning:",
        )

page.run()
