"""Questionnaires: the same questions to every candidate, private links, answers side by side and
a nonpartisan voter guide. Staff and admins write and send; every member may read the answers."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from lib import analytics, coalition, digest, schema, ui
from lib.questionnaires import compare, editor, guide, importing, links, versions
from lib.store import StoreError

ui.page_frame()
state = st.session_state
today = date.today()

st.title("Questionnaires")
tables = ui.tables()
member = ui.member()
staff = member is not None and member.may("manage questionnaires")
settings = coalition.settings_of(tables)
scoring = settings.shows_scorecard
candidates = tables["candidates"]
candidate_names = analytics.candidate_labels(candidates)
issue_names = analytics.names(tables["issues"][tables["issues"]["active"]])
issue_ids = {name: issue_id for issue_id, name in issue_names.items()}
questionnaires = tables["questionnaires"]


def write(rows: dict, edits: list | None = None, done: str = "Saved.") -> None:
    """One write, with the writer's permission checked now; a failure is said, nothing lost."""
    try:
        ui.authorise("manage questionnaires")
        ui.store().change(edits or [], rows)
    except (StoreError, schema.InvalidValue) as error:
        st.error(ui.md("**Not saved.** {} What you typed is still here.", error))
        st.stop()
    state["qnr.flash"] = done
    st.rerun()


def question_editor(questions: pd.DataFrame, key: str) -> list[dict]:
    kinds = list(schema.QUESTION_KIND.labels.values())
    columns = {
        "text": st.column_config.TextColumn("Question", width="large", required=True),
        "kind": st.column_config.SelectboxColumn("Kind", options=kinds, required=True),
        "options": st.column_config.TextColumn("Choices (for one of several; separate with ;)"),
        "limit": st.column_config.TextColumn("Limit"),
        "limit_unit": st.column_config.SelectboxColumn("Unit", options=["Words", "Characters"]),
        "issue": st.column_config.SelectboxColumn("Coalition issue", options=list(issue_ids)),
        "hoped_answer": st.column_config.TextColumn("Answer we hope for"),
        "weight": st.column_config.TextColumn("Weight"),
        "dealbreaker": st.column_config.CheckboxColumn("Dealbreaker"),
    }
    edited = st.data_editor(
        editor.question_table(questions, issue_names, scoring),
        num_rows="dynamic",
        column_config=columns,
        hide_index=True,
        key=key,
    )
    return editor.questions_from_table(edited, issue_ids)


def show_problems(error: versions.QuestionnaireInvalid) -> None:
    st.error(
        ui.md(
            "**Not saved yet.** {} Everything you typed is kept.", " ".join(error.problems.values())
        )
    )


def import_elsewhere() -> None:
    """A questionnaire run elsewhere (a Form, SurveyMonkey, a sheet), brought in by one write."""
    upload = st.file_uploader("Answers (CSV or XLSX)", type=["csv", "xlsx"], key="qnr.imp.file")
    title = st.text_input("Title", key="qnr.imp.title")
    shown_to = st.selectbox(
        "Visibility",
        schema.VISIBILITY.values,
        index=1,
        format_func=schema.VISIBILITY.label,
        key="qnr.imp.visibility",
    )
    if upload is None or not title.strip():
        st.caption("Upload the answers and give the questionnaire a title to see a preview.")
        return
    data, excel = upload.getvalue(), upload.name.lower().endswith(".xlsx")
    options = {"author": ui.author(), "today": today, "visibility": shown_to}
    try:
        sheet = (
            st.selectbox("Sheet", importing.sheet_names(data), key="qnr.imp.sheet") if excel else 0
        )
        frame = importing.read_upload(upload.name, data, sheet)
        plan = importing.plan_questionnaire_import(frame, title, tables, **options)
        adding = st.multiselect("Add as new candidates", plan.unknown_names, key="qnr.imp.new")
        if adding:
            plan = importing.plan_questionnaire_import(
                frame, title, tables, new_candidates=adding, **options
            )
    except ValueError as error:
        st.error(ui.md("**This file cannot be imported.** {}", error))
        return
    st.dataframe(plan.preview, hide_index=True)
    for problem in plan.problems:
        st.warning(ui.md("{}", problem))
    if plan.empty:
        st.info("Everything in this file is in the tracker already.")
    elif st.button("Import", type="primary", key="qnr.imp.go"):
        write(plan.rows, plan.edits, done=f"Imported “{title}”. Find it in the list below.")


if flash := state.pop("qnr.flash", None):
    st.success(ui.md("{}", flash), icon=":material/check_circle:")

latest = questionnaires.sort_values("version", key=lambda v: v.map(versions.version_number))
latest = latest.drop_duplicates("series_id", keep="last").sort_values("created_at", ascending=False)
choices = {row.id: f"{row.title} (version {row.version})" for row in latest.itertuples()}

if staff:
    with st.expander("Write a new questionnaire", expanded=not choices):
        title = st.text_input("Title", key="qnr.new.title")
        introduction = st.text_area("Introduction shown to candidates", key="qnr.new.intro")
        chosen = st.multiselect(
            "Candidates it goes to (send the same questionnaire to every candidate in a race)",
            list(candidate_names),
            format_func=candidate_names.get,
            key="qnr.new.candidates",
        )
        deadline = st.date_input("Deadline", value=None, min_value=today, key="qnr.new.deadline")
        visibility = st.selectbox(
            "Visibility",
            schema.VISIBILITY.values,
            index=1,
            format_func=schema.VISIBILITY.label,
            key="qnr.new.visibility",
            help="Only a public questionnaire can be published in a voter guide.",
        )
        typed = question_editor(pd.DataFrame(), "qnr.new.questions")
        if st.button("Save the questionnaire", type="primary", key="qnr.new.save"):
            try:
                rows = versions.new_questionnaire(
                    title, introduction, chosen, deadline, visibility, typed, ui.author()
                )
            except versions.QuestionnaireInvalid as error:
                show_problems(error)
            else:
                write(rows, done="Questionnaire saved. Make the candidates' links below.")
    with st.expander("Bring in a questionnaire run elsewhere"):
        import_elsewhere()

if not choices:
    st.info("No questionnaires yet." + (" Write the first one above." if staff else ""))
    st.stop()

picked = st.selectbox("Questionnaire", list(choices), format_func=choices.get, key="qnr.pick")
questionnaire = latest.set_index("id").loc[picked]
questionnaire["id"] = picked
asked = compare.questions_of(picked, tables)
invitations = tables["invitations"]
locked = versions.is_locked(picked, invitations)

questions_tab, links_tab, answers_tab, guide_tab = st.tabs(
    ["Questions", "Links", "Answers", "Voter guide"]
)
with questions_tab:
    received = versions.who_received(questionnaire["series_id"], questionnaires, invitations)
    if locked:
        st.info(
            "Sent to candidates, so these questions are locked: every candidate is compared on "
            "the same wording. Saving a change makes a new version.",
            icon=":material/lock:",
        )
    if not received.empty:
        st.caption("Who received which version")
        st.dataframe(editor.received_table(received, candidate_names), hide_index=True)
    if staff:
        typed = question_editor(asked, f"qnr.{picked}.questions")
        if st.button(
            "Save as a new version" if locked else "Save the questions", key=f"qnr.{picked}.save"
        ):
            try:
                rows = versions.new_version(
                    questionnaire, typed, ui.author(), questionnaires=questionnaires
                )
            except versions.QuestionnaireInvalid as error:
                show_problems(error)
            else:
                write(rows, done="Saved as a new version; the earlier one and its links stay.")
    else:
        st.dataframe(editor.question_table(asked, issue_names, False), hide_index=True)

with links_tab:
    mine = invitations[invitations["questionnaire_id"] == picked]
    shown = links.progress(mine, tables["answers"], today, questionnaires)
    if not shown.empty:
        st.dataframe(editor.links_table(shown, candidate_names), hide_index=True)
        reminders = links.reminders(mine, tables["answers"], today, questionnaires)
        st.caption(ui.md("{} link(s) still open: remind them.", len(reminders)))
    if staff:
        audience = schema.split_list(questionnaire["candidate_ids"])
        if st.button("Make links for candidates without one", key=f"qnr.{picked}.invite"):
            rows, tokens = links.invite_rows(
                questionnaire, audience, {}, ui.author(), invitations=invitations
            )
            state[f"qnr.{picked}.tokens"] = tokens
            write(rows, done=f"Made {len(tokens)} link(s). Copy them now: they are shown once.")
        base = (st.context.url or "").rsplit("/", 1)[0]
        for candidate_id, token in state.get(f"qnr.{picked}.tokens", {}).items():
            link = f"{base}/respond?token={token}"
            name = candidate_names.get(candidate_id, candidate_id)
            with st.expander(ui.md("Link and email for {}", name)):
                st.code(
                    editor.invitation_email(
                        settings.coalition_name,
                        questionnaire["title"],
                        name,
                        link,
                        questionnaire["deadline"],
                    ),
                    language=None,
                    wrap_lines=True,
                )
        for invitation in mine.to_dict("records"):
            name = candidate_names.get(invitation["candidate_id"], invitation["candidate_id"])
            with st.container(border=True):
                st.markdown(ui.md("**{}**", name))
                sent, renew, revoke = st.columns(3)
                if invitation["status"] == "not_sent" and sent.button(
                    "Mark as sent", key=f"qnr.sent.{invitation['id']}"
                ):
                    edit, logged = links.mark_sent(invitation, ui.author(), datetime.now())
                    write({"audit": [logged]}, [edit], done=f"Marked as sent to {name}.")
                if renew.button("New link", key=f"qnr.renew.{invitation['id']}"):
                    edit, token, logged = links.renew_link(invitation, ui.author())
                    state[f"qnr.{picked}.tokens"] = {invitation["candidate_id"]: token}
                    write(
                        {"audit": [logged]},
                        [edit],
                        done="New link made; the old one no longer works.",
                    )
                if not invitation["revoked"] and revoke.button(
                    "Revoke", key=f"qnr.revoke.{invitation['id']}"
                ):
                    edit, logged = links.revoke(invitation, ui.author())
                    write({"audit": [logged]}, [edit], done=f"The link for {name} no longer works.")

with answers_tab:
    st.dataframe(compare.side_by_side(picked, tables), hide_index=True)
    st.caption("Response rate per race")
    rates = compare.response_rates(tables)
    st.dataframe(
        rates[rates["Questionnaire"].str.startswith(questionnaire["title"])], hide_index=True
    )

with guide_tab:
    races = guide.races_of(picked, tables)
    if not races:
        st.caption("No candidate invited yet.")
    else:
        race = st.selectbox("Race", races, key=f"qnr.{picked}.race")
        try:
            built = guide.voter_guide(tables, picked, race, settings, today)
        except ValueError as refused:
            st.info(ui.md("{}", refused), icon=":material/info:")
        else:
            left, right = st.columns(2)
            with left:
                ui.download(
                    "Voter guide (Markdown)",
                    lambda: digest.to_markdown(built).encode(),
                    file_name=f"voter-guide-{race}.md",
                    mime="text/markdown",
                    key=f"qnr.{picked}.md",
                )
            with right:
                ui.download(
                    "Voter guide (PDF)",
                    lambda: digest.to_pdf(built),
                    file_name=f"voter-guide-{race}.pdf",
                    mime="application/pdf",
                    key=f"qnr.{picked}.pdf",
                )
        if staff and scoring:
            st.subheader("Scores (staff only; never published)")
            st.dataframe(guide.scores(tables, picked, settings), hide_index=True)
