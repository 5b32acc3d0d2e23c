"""The coalition's goals on a page: a progress bar per goal, its standing said in words."""

from __future__ import annotations

import streamlit as st

from lib import ui
from lib.goals.counting import UNREADABLE, GoalProgress


def show(items: list[GoalProgress], *, admin: bool) -> None:
    """A bar per goal with its sentence ("… 3 of 5 … — behind (4 expected by now)"), so the
    standing is read, not told by colour; a goal that cannot be read says why. With no goals,
    says so, and admins get the way to set them."""
    if not items:
        st.caption("No goals set yet.")
        if admin:
            st.page_link(
                "pages/settings_goals.py", label="Set the coalition's goals", icon=":material/flag:"
            )
        return
    for item in items:
        if item.state == UNREADABLE:
            st.warning(ui.md("{}", item.sentence), icon=":material/help:")
        else:
            # The standing in bold, so it is read at a glance from across a room.
            head, _, standing = item.sentence.rpartition(" — ")
            st.progress(item.fraction, text=ui.md("{} — **{}**", head, standing))
    if admin and any(item.state == UNREADABLE for item in items):
        st.page_link("pages/settings_goals.py", label="Correct the goals", icon=":material/flag:")
