"""Settings → Coalition: the coalition's own name, tax status, date of its last meeting and
whether it shows a candidate scorecard."""

from datetime import date

import pandas as pd
import streamlit as st

from lib import coalition, schema, ui
from lib.settings_ui import show_flash, still_allowed
from lib.store import ConflictError, Store, StoreError

ui.page_frame()

state = st.session_state
LONG = schema.MAX_CELL_CHARS

SETTING_WIDGETS = {
    "coalition_name": "settings.coalition.name",
    "tax_status": "settings.coalition.tax_status",
    "last_meeting": "settings.coalition.last_meeting",
    "scorecard": "settings.coalition.scorecard",
}


def widget_values(saved: coalition.Settings) -> dict:
    meeting = schema.parse_date(saved.last_meeting) if saved.last_meeting else None
    return {
        "coalition_name": saved.coalition_name,
        "tax_status": saved.tax_status or None,
        "last_meeting": date.fromisoformat(meeting) if meeting else None,
        "scorecard": bool(schema.parse_bool(saved.scorecard)),
    }


def setting_text(name: str, value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def coalition_section(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    shown_key = "settings.coalition.shown"
    typed = {name: state.get(widget) for name, widget in SETTING_WIDGETS.items()}
    shown = state.get(shown_key)
    pending = (
        shown is not None
        and all(w in state for w in SETTING_WIDGETS.values())
        and any(
            setting_text(name, typed[name]) != setting_text(name, shown[1][name]) for name in typed
        )
    )
    if not pending:
        # Nothing typed since the last look: show what is stored now.
        shown = (tables["settings"], widget_values(coalition.settings_of(tables)))
        state[shown_key] = shown
        for name, widget in SETTING_WIDGETS.items():
            state[widget] = shown[1][name]
    frame, values = shown

    st.caption(
        "Other pages use these: the name heads the meeting page and its report-back, which "
        "reviews what happened since the last meeting."
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.text_input("Coalition name", key=SETTING_WIDGETS["coalition_name"], max_chars=LONG)
        statuses = list(coalition.TAX_STATUSES)
        if values["tax_status"] and values["tax_status"] not in statuses:
            statuses.append(values["tax_status"])
        st.selectbox(
            "Tax status",
            statuses,
            index=None,
            key=SETTING_WIDGETS["tax_status"],
            placeholder="Choose the coalition's tax status",
            help="501(c)(3) organisations may not support or oppose candidates.",
        )
        st.date_input(
            "Date of the last coalition meeting",
            value=None,
            key=SETTING_WIDGETS["last_meeting"],
            format="YYYY-MM-DD",
            help="The meeting page reviews what happened since this date.",
        )
        chosen_status = state.get(SETTING_WIDGETS["tax_status"])
        st.checkbox(
            "Show a candidate scorecard",
            key=SETTING_WIDGETS["scorecard"],
            disabled=chosen_status in (None, "501(c)(3)"),
            help="Ranks candidates on the Candidates page by how often they agree with our "
            "asks. For groups that may endorse candidates: choose a tax status other than "
            "501(c)(3) first.",
        )
    with right:
        if chosen_status == "501(c)(3)":
            st.info(
                "**Nonpartisan.** As a 501(c)(3), the coalition may not support or oppose "
                "candidates, so the app keeps features that rank or endorse candidates switched "
                "off. It records candidates' positions on the coalition's policies and their "
                "commitments, for policy advocacy.",
                icon=":material/balance:",
            )
    show_flash("settings.coalition.flash")
    if not st.button("Save the coalition's settings", key="settings.coalition.save"):
        return
    changed = {
        name: setting_text(name, state.get(widget))
        for name, widget in SETTING_WIDGETS.items()
        if setting_text(name, state.get(widget)) != setting_text(name, values[name])
    }
    if not changed:
        st.info("Nothing to save: the settings are as stored.")
        return
    if not still_allowed():
        return
    try:
        for name, text in changed.items():
            coalition.save_setting(store, name, text, ui.author(), frame)
    except schema.InvalidValue as error:
        st.error(ui.md("**Not saved.** {}", error.message))
        return
    except ConflictError as error:
        store.clear_cache()
        fresh = store.read_all()
        theirs = widget_values(coalition.settings_of(fresh))
        state[shown_key] = (fresh["settings"], theirs)
        their_text = "; ".join(
            f"{schema.Column(name).label}: {setting_text(name, theirs[name]) or '(blank)'}"
            for name in changed
        )
        state["settings.coalition.flash"] = (
            "error",
            ui.md(
                "{} Their version: {}. Your values are still in the form; save again to replace "
                "theirs.",
                error,
                their_text,
            ),
        )
        st.rerun()
    except StoreError as error:
        st.error(ui.md("**Not saved.** {} Your values are still in the form; try again.", error))
        return
    state.pop(shown_key, None)
    state["settings.coalition.flash"] = ("success", "Saved the coalition's settings.")
    st.rerun()


st.title("Coalition")
ui.require("change settings")
coalition_section(ui.store_or_stop(), ui.tables())
