"""The Streamlit parts of the questionnaires page that have most to show: the links and the
import. Kept here so that pages/questionnaires.py reads as the page's outline; what they compute
lives in the package's pure modules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib import schema, source_screen, ui
from lib.questionnaires import editor, importing, links, versions
from lib.store import Store, StoreError

FLASH = "qnr.flash"


def save(rows: dict, edits: list | None = None, done: str = "Saved.") -> None:
    """One write, with the writer's permission checked now; a failure is said, nothing lost."""
    try:
        ui.authorise("manage questionnaires")
        ui.store().change(edits or [], rows)
    except (StoreError, schema.InvalidValue) as error:
        st.error(ui.md("**Not saved.** {} What you typed is still here.", error))
        st.stop()
    st.session_state[FLASH] = done
    st.rerun()


def fairness_warning(candidate_ids: list[str], candidates: pd.DataFrame) -> None:
    """Said before saving: someone in the race of a chosen candidate would not be asked."""
    missing = versions.left_out(candidate_ids, candidates)
    if missing:
        st.warning(
            ui.md(
                "**Send the same questionnaire to every candidate in a race.** {}",
                " ".join(missing),
            ),
            icon=":material/balance:",
        )


def links_section(
    questionnaire: pd.Series,
    tables: Mapping[str, pd.DataFrame],
    candidate_names: Mapping[str, str],
    coalition_name: str,
    today: date,
    *,
    staff: bool,
) -> None:
    """Each candidate's private link: progress for everyone, and for staff the contact emails,
    the links to copy with their email, and sending, renewing, extending and revoking."""
    picked = str(questionnaire["id"])
    invitations = tables["invitations"]
    mine = invitations[invitations["questionnaire_id"] == picked]
    questionnaires = tables["questionnaires"]
    shown = links.progress(mine, tables["answers"], today, questionnaires)
    if shown.empty:
        st.caption("No links yet.")
    else:
        st.dataframe(editor.links_table(shown, candidate_names), hide_index=True)
        reminders = links.reminders(mine, tables["answers"], today, questionnaires)
        st.caption(ui.md("{} link(s) still open: remind them.", len(reminders)))
    if not staff:
        return
    without = [
        candidate_id
        for candidate_id in schema.split_list(questionnaire["candidate_ids"])
        if candidate_id not in set(mine["candidate_id"])
    ]
    if without:
        make_links(questionnaire, without, candidate_names, invitations)
    tokens = st.session_state.get(f"qnr.{picked}.tokens", {})
    base = (st.context.url or "").rsplit("/", 1)[0]
    for candidate_id, token in tokens.items():
        name = candidate_names.get(candidate_id, candidate_id)
        with st.expander(ui.md("Link and email for {}", name), expanded=len(tokens) == 1):
            text = editor.invitation_email(
                coalition_name,
                questionnaire["title"],
                name,
                f"{base}/respond?token={token}",
                questionnaire["deadline"],
            )
            st.code(text, language=None, wrap_lines=True)
    for invitation in mine.to_dict("records"):
        link_controls(invitation, candidate_names, today)


def make_links(
    questionnaire: pd.Series,
    without: list[str],
    candidate_names: Mapping[str, str],
    invitations: pd.DataFrame,
) -> None:
    picked = str(questionnaire["id"])
    st.markdown(ui.md("**{} candidate(s) have no link yet.**", len(without)))
    edited = st.data_editor(
        editor.contacts_table(without, candidate_names),
        column_config={
            "candidate_id": None,
            "Candidate": st.column_config.TextColumn(disabled=True),
            "Contact email": st.column_config.TextColumn(
                help="Where you will send the link; kept with the invitation."
            ),
        },
        hide_index=True,
        key=f"qnr.{picked}.contacts.{len(without)}",
    )
    if st.button("Make their links", key=f"qnr.{picked}.invite"):
        emails, problems = editor.contact_emails(edited)
        if problems:
            st.error(ui.md("**No links made yet.** {} Fix it and press again.", " ".join(problems)))
            return
        rows, tokens = links.invite_rows(
            questionnaire, without, emails, ui.author(), invitations=invitations
        )
        st.session_state[f"qnr.{picked}.tokens"] = tokens
        save(rows, done=f"Made {len(tokens)} link(s). Copy them now: they are shown once.")


def link_controls(
    invitation: dict[str, Any], candidate_names: Mapping[str, str], today: date
) -> None:
    """One link's buttons, each a single write with its audit row."""
    key = invitation["id"]
    name = candidate_names.get(invitation["candidate_id"], invitation["candidate_id"])
    with st.container(border=True):
        st.markdown(ui.md("**{}** {}", name, invitation["contact_email"]))
        sent, renew, extend, revoke = st.columns(4)
        if invitation["status"] == "not_sent" and sent.button(
            "Mark as sent", key=f"qnr.sent.{key}"
        ):
            edit, logged = links.mark_sent(invitation, ui.author(), datetime.now())
            save({"audit": [logged]}, [edit], done=f"Marked as sent to {name}.")
        if renew.button("New link", key=f"qnr.renew.{key}"):
            edit, token, logged = links.renew_link(invitation, ui.author())
            picked = invitation["questionnaire_id"]
            st.session_state[f"qnr.{picked}.tokens"] = {invitation["candidate_id"]: token}
            save({"audit": [logged]}, [edit], done="New link made; the old one no longer works.")
        with extend.popover("Extend"):
            until = st.date_input("Good until", min_value=today, value=None, key=f"qnr.until.{key}")
            if st.button("Extend this link", key=f"qnr.extend.{key}", disabled=until is None):
                edit, logged = links.extend(invitation, until, ui.author())
                save({"audit": [logged]}, [edit], done=f"{name}'s link works until {until}.")
        if not invitation["revoked"] and revoke.button("Revoke", key=f"qnr.revoke.{key}"):
            edit, logged = links.revoke(invitation, ui.author())
            save({"audit": [logged]}, [edit], done=f"The link for {name} no longer works.")


def import_section(tables: Mapping[str, pd.DataFrame], today: date) -> None:
    """A questionnaire run elsewhere (a Form, SurveyMonkey, a sheet), from a file or a tab of the
    connected Google Sheet, previewed, then brought in by one write."""
    store = ui.store()
    from_sheet = source_screen.from_sheet(store, "Answers from", key="qnr.imp.source")
    title = st.text_input("Title", key="qnr.imp.title")
    shown_to = ui.visibility_choice("qnr.imp.visibility")
    refused = (
        "**This tab cannot be imported.** {}"
        if from_sheet
        else "**This file cannot be imported.** {}"
    )
    try:
        frame = read_source(store, from_sheet)
    except (ValueError, StoreError) as error:
        st.error(ui.md(refused, error))
        return
    if frame is None or not title.strip():
        st.caption("Choose the answers and give the questionnaire a title to see a preview.")
        return
    options = {"author": ui.author(), "today": today, "visibility": shown_to}
    try:
        plan = importing.plan_questionnaire_import(frame, title, tables, **options)
        adding = st.multiselect("Add as new candidates", plan.unknown_names, key="qnr.imp.new")
        if adding:
            plan = importing.plan_questionnaire_import(
                frame, title, tables, new_candidates=adding, **options
            )
    except ValueError as error:
        st.error(ui.md(refused, error))
        return
    st.dataframe(plan.preview, hide_index=True)
    for problem in plan.problems:
        st.warning(ui.md("{}", problem))
    if plan.empty:
        st.info("Everything here is in the tracker already.")
    elif st.button("Import", type="primary", key="qnr.imp.go"):
        save(plan.rows, plan.edits, done=f"Imported “{title}”. Find it in the list below.")


def read_source(store: Store, from_sheet: bool) -> pd.DataFrame | None:
    """The chosen file or tab as a frame of text, or None until one is chosen."""
    chosen = source_screen.chosen_source(
        store,
        from_sheet,
        "qnr.imp",
        file_label="Answers (CSV or XLSX)",
        read_file=importing.read_upload,
        sheet_names=importing.sheet_names,
    )
    return None if chosen is None else chosen.frame
