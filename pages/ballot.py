"""My ballot: the endorsement votes open to the signed-in member, one ballot each, changeable
until the close, and the results of the votes they could vote in. Only for a coalition that may
endorse (never a 501(c)(3))."""

import streamlit as st

from lib import access, coalition, ui
from lib.endorsements import vote_screen

ui.page_frame()
tables = ui.tables()
if not coalition.settings_of(tables).may_endorse:
    # Reached only by a typed address: the navigation lists this page only for such coalitions.
    st.info("This page is not available.")
    st.stop()

st.title("My ballot")
current = ui.member()
key = vote_screen.ballot_key()
if current is None or current is access.LOCAL or key is None:
    st.info(ui.md(vote_screen.NEEDS_SIGN_IN), icon=":material/lock:")
    st.stop()
st.caption(
    "Vote in your coalition's endorsement votes. You can change your vote until the vote "
    "closes; your new ballot replaces the old one."
)
vote_screen.show_flash()
vote_screen.my_ballots(current, tables, key)
