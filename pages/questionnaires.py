"""Questionnaires: the same questions to every candidate, private links, answers side by side and
a nonpartisan voter guide. Staff and admins write and send; every member may read the answers."""

from datetime import date

import pandas as pd
import streamlit as st

from lib import analytics, coalition, digest, schema, ui
from lib.questionnaires import compare, editor, guide, screen, versions

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


if flash := state.pop(screen.FLASH, None):
    st.success(ui.md("{}", flash), icon=":material/check_circle:")

latest = questionnaires.sort_values("version", key=lambda v: v.map(versions.version_number))
latest = latest.drop_duplicates("series_id", keep="last").sort_values("created_at", ascending=False)
choices = {row.id: f"{row.title} (version {row.version})" for row in latest.itertuples()}

if staff:
    with st.expander("Write a new questionnaire", expanded=not choices):
        title = st.text_input("Title", key="qnr.new.title")
        introduction = st.text_area("Introduction shown to candidates", key="qnr.new.intro")
        races = st.multiselect(
            "Races it goes to (every candidate running in them)",
            versions.race_choices(candidates),
            key="qnr.new.races",
        )
        picked_one_by_one = st.multiselect(
            "Other candidates it goes to",
            list(candidate_names),
            format_func=candidate_names.get,
            key="qnr.new.candidates",
        )
        chosen = versions.audience(picked_one_by_one, races, candidates)
        screen.fairness_warning(chosen, candidates)
        deadline = st.date_input("Deadline", value=None, min_value=today, key="qnr.new.deadline")
        visibility = ui.visibility_choice(
            "qnr.new.visibility", "Only a public questionnaire can be published in a voter guide."
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
                screen.save(rows, done="Questionnaire saved. Make the candidates' links below.")
    with st.expander("Bring in a questionnaire run elsewhere"):
        screen.import_section(tables, today)

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
    if staff and not locked:
        with st.expander("Title, introduction, candidates and deadline"):
            details = {
                "title": st.text_input("Title", questionnaire["title"], key=f"qnr.{picked}.t"),
                "introduction": st.text_area(
                    "Introduction shown to candidates",
                    questionnaire["introduction"],
                    key=f"qnr.{picked}.intro",
                ),
                "candidate_ids": st.multiselect(
                    "Candidates it goes to",
                    list(candidate_names),
                    [
                        c
                        for c in schema.split_list(questionnaire["candidate_ids"])
                        if c in candidate_names
                    ],
                    format_func=candidate_names.get,
                    key=f"qnr.{picked}.who",
                ),
                "deadline": st.date_input(
                    "Deadline",
                    date.fromisoformat(questionnaire["deadline"])
                    if questionnaire["deadline"]
                    else None,
                    key=f"qnr.{picked}.deadline",
                ),
            }
            screen.fairness_warning(details["candidate_ids"], candidates)
            if st.button("Save these details", key=f"qnr.{picked}.details"):
                try:
                    edit, logged = versions.edit(questionnaire, details, invitations, ui.author())
                except (versions.QuestionnaireInvalid, versions.Locked) as error:
                    st.error(ui.md("**Not saved.** {} Everything you typed is kept.", error))
                else:
                    screen.save({"audit": [logged]}, [edit], done="Details saved.")
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
                screen.save(
                    rows, done="Saved as a new version; the earlier one and its links stay."
                )
    else:
        st.dataframe(editor.question_table(asked, issue_names, False), hide_index=True)

with links_tab:
    screen.links_section(
        questionnaire, tables, candidate_names, settings.coalition_name, today, staff=staff
    )

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
