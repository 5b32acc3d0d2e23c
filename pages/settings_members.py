"""Settings → Members: who may sign in, and with which role."""

import pandas as pd
import streamlit as st

from lib import access, analytics, audit, schema, ui
from lib.settings_ui import still_allowed
from lib.store import Edit, Store, StoreError
from lib.text import plural

ui.page_frame()

state = st.session_state


def members_section(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    st.caption(
        "Who may sign in, and their role. Viewers read public and coalition records; advocates "
        "also file reports; staff see everything and update commitments; admins also change "
        "settings. Members are never removed: untick Active."
    )
    if not ui.sign_in_configured():
        st.info(
            "Sign-in is off, so this list has no effect yet: see *Sign-in and roles* in the "
            "README.",
            icon=":material/lock_open:",
        )
    members = tables["members"].sort_values("email").reset_index(drop=True)
    partners = analytics.names(tables["partners"])
    edited = st.data_editor(
        members[["email", "name", "partner_id", "role", "active"]],
        hide_index=True,
        num_rows="add",
        key="settings.members.editor",
        column_config={
            "email": st.column_config.TextColumn("Email", required=True),
            "name": st.column_config.TextColumn("Name"),
            "partner_id": st.column_config.SelectboxColumn(
                "Partner organisation",
                options=list(partners),
                format_func=lambda pid: partners.get(pid, pid),
            ),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(access.ROLES), required=True, default="viewer"
            ),
            # New rows start ticked here, in the editor: the save gives access only to a ticked
            # box, never to a blank one.
            "active": st.column_config.CheckboxColumn(
                "Active", default=True, help="Only a ticked box lets them sign in."
            ),
        },
    )
    changes = access.plan_member_changes(members, edited)
    for error in changes.errors:
        st.error(ui.md("{}", error), icon=":material/error:")
    pending = len(changes.added) + len(changes.updated)
    if not st.button(
        "Save members", disabled=bool(changes.errors) or not pending, key="settings.members.save"
    ):
        return
    if not still_allowed():
        return
    author = ui.author()
    audit_rows = [
        audit.entry(
            author,
            "changed member",
            "members",
            email,
            ", ".join(f"{name}: {value}" for name, value in fields.items()),
        )
        for email, fields in [*((row["email"], row) for row in changes.added), *changes.updated]
    ]
    edits = [Edit("members", email, fields) for email, fields in changes.updated]
    try:
        store.change(edits, {"members": changes.added, "audit": audit_rows})
    except (StoreError, schema.InvalidValue) as error:
        st.error(ui.md("**Not saved.** {} Your changes are still in the table.", error))
        return
    state.pop("settings.members.editor", None)
    st.toast(ui.md("Saved {}.", plural(pending, "member change")))
    st.rerun()


st.title("Members")
ui.require("change settings")
members_section(ui.store_or_stop(), ui.tables())
