"""What the pages say when this host will not keep the coalition's data (see lib/hosting.py)."""

from __future__ import annotations

import streamlit as st

from lib import access, hosting, ui
from lib.store import Store


def data_at_risk(store: Store) -> str | None:
    return hosting.at_risk(hosting.detected(), store)


def warn_if_at_risk(store: Store, current: access.Member | None) -> None:
    """The warning, with the way out, when the store is a file this host will not keep.

    Everyone sees it, since everyone's reports would be lost; only someone who may change the
    settings gets the link, as the page it leads to is theirs.
    """
    risk = data_at_risk(store)
    if risk is None:
        return
    headline, _, rest = risk.partition(". ")
    st.warning(ui.md("**{}.** {}", headline, rest), icon=":material/warning:")
    if current is not None and current.may("change settings"):
        st.page_link(
            "pages/settings_data.py",
            label="Settings → Data and sheet: connect a Google Sheet or PostgreSQL",
            icon=":material/database:",
        )
    else:
        st.caption("Tell your coalition's admin, who can connect it in Settings.")


def outbox_note() -> str | None:
    """A sentence for wherever changes wait to sync, when the file they wait in is not kept."""
    return hosting.outbox_at_risk(hosting.detected(), ui.outbox_path())
