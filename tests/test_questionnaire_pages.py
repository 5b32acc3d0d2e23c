"""The questionnaires page (staff) and the candidate's private page, through AppTest."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import analytics, schema
from lib.questionnaires import links, versions
from lib.store.sql import SqlStore
from tests.apptest import app, as_read, sheet_secrets
from tests.test_dashboard_pages import chart_data

STAFF_PAGE = "pages/questionnaires.py"
RESPOND = "pages/respond.py"
TODAY = date.today()
CLOSED = "This link no longer opens a questionnaire"


def fresh(store: SqlStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def said(at: AppTest) -> str:
    return " ".join(
        as_read(element.value)
        for kind in ("error", "warning", "success", "info", "caption", "markdown", "title")
        for element in at.get(kind)
    )


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


@pytest.fixture
def sent(sample_store: SqlStore) -> tuple[SqlStore, str, str, dict]:
    """A questionnaire on housing sent to the sample's first candidate: (store, token, id)."""
    candidate = fresh(sample_store, "candidates").iloc[0]
    issue = fresh(sample_store, "issues").iloc[0]
    questions = [
        {"text": "Will you fund the housing trust?", "kind": "yes_no", "issue_id": issue["id"]},
        {"text": "Why?", "kind": "free_text", "limit": "10", "limit_unit": "words"},
    ]
    rows = versions.new_questionnaire(
        "Housing 2026",
        "Thank you for answering.",
        [candidate["id"]],
        TODAY + timedelta(days=30),
        "coalition",
        questions,
        "staff@x.org",
    )
    sample_store.change([], rows)
    questionnaire = fresh(sample_store, "questionnaires").iloc[0]
    invited, tokens = links.invite_rows(questionnaire, [candidate["id"]], {}, "staff@x.org")
    sample_store.change([], invited)
    invitation = fresh(sample_store, "invitations").iloc[0]
    edit, logged = links.mark_sent(invitation, "staff@x.org", "2026-12-01T10:00:00+00:00")
    sample_store.change([edit], {"audit": [logged]})
    return sample_store, tokens[candidate["id"]], str(questionnaire["id"]), dict(candidate)


def respond(token: str) -> AppTest:
    at = app()
    at.query_params["token"] = token
    at.switch_page(RESPOND)
    return at.run()


def test_a_wrong_revoked_or_expired_link_says_the_same_and_shows_nothing(sent) -> None:
    store, token, _, _ = sent
    for bad in ("", "nonsense", token[:-2] + "xx"):
        at = respond(bad)
        assert not at.exception and CLOSED in said(at)
        assert "Housing 2026" not in said(at) and not at.text_area
    invitation = fresh(store, "invitations").iloc[0]
    edit, logged = links.revoke(invitation, "staff@x.org")
    store.change([edit], {"audit": [logged]})
    at = respond(token)
    assert CLOSED in said(at) and "Housing 2026" not in said(at)


def test_a_candidate_saves_comes_back_and_submits_and_the_answer_becomes_a_position(
    sent,
) -> None:
    store, token, _, candidate = sent
    at = respond(token)
    assert not at.exception
    assert "Housing 2026" in said(at) and "Thank you for answering." in said(at)
    at.radio[0].set_value("Yes")
    at.text_area[0].input("Because **rent** is =SUM(A1) <b>too</b> high")
    click(at, "Save and finish later")
    assert "Saved." in said(at)

    again = respond(token)  # a new visit with the same link
    assert again.radio[0].value == "Yes"
    assert again.text_area[0].value == "Because **rent** is =SUM(A1) <b>too</b> high"
    again.checkbox[0].check().run()
    click(again, "Send my answers")
    assert "your answers were sent" in said(again)
    answers = fresh(store, "answers")
    assert "Because **rent** is =SUM(A1) <b>too</b> high" in set(answers["text"])
    stances = analytics.current_stances(fresh(store, "positions"))
    mine = stances[stances["candidate_id"] == candidate["id"]]
    assert "questionnaire" in set(mine["source"]) and "supports" in set(mine["stance"])


def test_an_answer_over_its_limit_is_refused_and_kept(sent) -> None:
    store, token, _, _ = sent
    at = respond(token)
    long_answer = "word " * 12
    at.text_area[0].input(long_answer).run()
    assert "12 of 10 words" in said(at)
    click(at, "Save and finish later")
    assert at.text_area[0].value == long_answer
    assert fresh(store, "answers").empty


def test_after_submitting_a_change_is_a_dated_amendment_beside_the_original(sent) -> None:
    store, token, _, _ = sent
    at = respond(token)
    at.radio[0].set_value("No")
    at.checkbox[0].check().run()
    click(at, "Send my answers")
    at = respond(token)
    at.radio[0].set_value("Yes")
    click(at, "Send my changes")
    answers = fresh(store, "answers")
    assert set(answers["state"]) >= {"original", "amendment"}
    shown = said(respond(token))
    assert shown.index("Amendment") < shown.index("Submitted")  # newest first


def test_staff_see_the_links_the_answers_and_a_locked_questionnaire(sent) -> None:
    store, _, questionnaire_id, candidate = sent
    at = app(STAFF_PAGE)
    assert not at.exception
    assert "these questions are locked" in said(at)
    assert [button.label for button in at.button if "version" in button.label] == [
        "Save as a new version"
    ]
    side = at.dataframe[-1].value if at.dataframe else None
    assert side is not None


def test_writing_a_questionnaire_and_a_new_version(sample_store: SqlStore) -> None:
    at = app(STAFF_PAGE)
    at.text_input(key="qnr.new.title").input("Transit 2026")
    click(at, "Save the questionnaire")
    assert "Add at least one question" in said(at)  # the blank question is not a question
    assert at.text_input(key="qnr.new.title").value == "Transit 2026"  # nothing typed is lost
    typed = {
        "edited_rows": {0: {"text": "Will you fund buses?"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.session_state["qnr.new.questions"] = typed
    click(at, "Save the questionnaire")
    assert "Questionnaire saved" in said(at)
    assert list(fresh(sample_store, "questionnaires")["title"]) == ["Transit 2026"]
    assert list(fresh(sample_store, "questions")["text"]) == ["Will you fund buses?"]
    click(at, "Save the questions")
    assert sorted(fresh(sample_store, "questionnaires")["version"]) == ["1", "2"]


def test_the_answers_show_on_the_profile_and_in_the_matrix(sent) -> None:
    store, token, _, candidate = sent
    at = respond(token)
    at.radio[0].set_value("Yes")
    at.text_area[0].input("Housing first")
    at.checkbox[0].check().run()
    click(at, "Send my answers")
    profile = app()
    profile.query_params["candidate"] = candidate["id"]
    profile.switch_page("pages/candidates.py").run()
    assert "Housing first" in said(profile) and "Housing 2026" in " ".join(
        as_read(e.label) for e in profile.expander
    )
    matrix = app("pages/candidates.py")
    cells = {(row["candidate_name"], row["word"]) for row in chart_data(matrix)}
    assert (candidate["name"], "Supports") in cells


def test_a_501c3_coalition_sees_no_scores(sent) -> None:
    store, _, _, _ = sent
    store.append("settings", [{"key": "tax_status", "value": "501(c)(3)"}])
    store.append("settings", [{"key": "scorecard", "value": "yes"}])
    at = app(STAFF_PAGE)
    assert not at.exception
    assert (
        "Scores" not in said(at)
        and "score"
        not in " ".join(
            str(column) for frame in at.dataframe for column in frame.value.columns
        ).lower()
    )


def preview_of(at: AppTest) -> pd.DataFrame:
    [preview] = [f.value for f in at.dataframe if "Matched candidate" in f.value.columns]
    return preview


def test_staff_bring_in_a_questionnaire_run_elsewhere(sample_store: SqlStore) -> None:
    known = fresh(sample_store, "candidates").iloc[0]
    sheet = pd.DataFrame(
        {
            "Question": ["Will you fund buses?", "Why?"],
            known["name"]: ["yes", "N/A"],
            "**Zed** <b>Newcomer</b>": ["No", "Too **costly**"],
        }
    )
    at = app(STAFF_PAGE)
    assert "Bring in a questionnaire run elsewhere" in [e.label for e in at.expander]
    at.file_uploader(key="qnr.imp.file").set_value(("bad.xlsx", b"not a workbook", "x")).run()
    at.text_input(key="qnr.imp.title").input("Transit survey").run()
    assert not at.exception and "This file cannot be imported" in said(at)

    data = sheet.to_csv(index=False).encode()
    at.file_uploader(key="qnr.imp.file").set_value(("answers.csv", data, "text/csv")).run()
    assert not at.exception
    assert "no candidate of that name" in said(at) and "**Zed**" in said(at)
    assert list(preview_of(at)["Matched candidate"]) == [known["name"], "unknown"]
    at.multiselect(key="qnr.imp.new").set_value(["**Zed** <b>Newcomer</b>"]).run()
    assert list(preview_of(at)["Matched candidate"]) == [known["name"], "new"]
    click(at, "Import")
    assert not at.exception and "Imported" in said(at)
    questionnaires = fresh(sample_store, "questionnaires")
    [imported] = questionnaires.loc[questionnaires["title"] == "Transit survey", "id"]
    answers = fresh(sample_store, "answers")
    mine = answers[answers["questionnaire_id"] == imported]
    assert set(mine["text"]) == {"Yes", "No", "Too **costly**"}
    assert "**Zed** <b>Newcomer</b>" in set(fresh(sample_store, "candidates")["name"])
    # The file still uploaded: importing it again would add nothing, and the page says so.
    assert "in the tracker already" in said(at) and "Import" not in [b.label for b in at.button]


def unsent(store: SqlStore) -> tuple[str, list[str]]:
    """A questionnaire to two of the sample's candidates, with no link made yet."""
    candidates = list(fresh(store, "candidates")["id"][:2])
    rows = versions.new_questionnaire(
        "Transit 2026",
        "Thank you.",
        candidates,
        TODAY + timedelta(days=20),
        "coalition",
        [{"text": "Will you fund buses?", "kind": "yes_no"}],
        "staff@x.org",
    )
    store.change([], rows)
    return rows["questionnaires"][0]["id"], candidates


def test_links_carry_the_contact_email_typed_and_a_bad_one_is_refused(
    sample_store: SqlStore,
) -> None:
    picked, candidates = unsent(sample_store)
    at = app(STAFF_PAGE)
    at.selectbox(key="qnr.pick").set_value(picked).run()
    assert "2 candidate(s) have no link yet" in said(at)
    editor_key = f"qnr.{picked}.contacts.2"
    at.session_state[editor_key] = {
        "edited_rows": {0: {"Contact email": "campaign at example"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    click(at, "Make their links")
    assert not at.exception and "No links made yet" in said(at)
    assert "is not an email address" in said(at)
    assert fresh(sample_store, "invitations").empty  # nothing written
    at.session_state[editor_key] = {
        "edited_rows": {0: {"Contact email": " scheduler@campaign.example "}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    click(at, "Make their links")
    assert not at.exception and "Made 2 link(s)" in said(at)
    invitations = fresh(sample_store, "invitations").set_index("candidate_id")
    assert invitations.loc[candidates[0], "contact_email"] == "scheduler@campaign.example"
    assert invitations.loc[candidates[1], "contact_email"] == ""
    shown = [f.value for f in at.dataframe if "Email" in f.value.columns]
    assert "scheduler@campaign.example" in set(shown[0]["Email"])
    assert "no link yet" not in said(at)


def test_one_link_is_extended_past_the_deadline_without_reopening_the_others(sent) -> None:
    store, token, picked, candidate = sent
    invitation = fresh(store, "invitations").iloc[0]
    at = app(STAFF_PAGE)
    at.selectbox(key="qnr.pick").set_value(picked).run()
    later = TODAY + timedelta(days=60)
    at.date_input(key=f"qnr.until.{invitation['id']}").set_value(later).run()
    click(at, "Extend this link")
    assert not at.exception and f"works until {later}" in said(at)
    extended = fresh(store, "invitations").iloc[0]
    assert extended["expires_on"] == later.isoformat()
    audit = fresh(store, "audit")
    assert "extended questionnaire link" in set(audit["action"])
    # Past the questionnaire's deadline, this link still opens.
    tables = store.read_all()
    late = links.progress(
        tables["invitations"],
        tables["answers"],
        TODAY + timedelta(days=45),
        tables["questionnaires"],
    )
    assert bool(late.iloc[0]["open"])


def test_an_unsent_questionnaire_is_corrected_in_place_and_a_sent_one_is_not(
    sample_store: SqlStore,
) -> None:
    picked, candidates = unsent(sample_store)
    at = app(STAFF_PAGE)
    at.selectbox(key="qnr.pick").set_value(picked).run()
    at.text_input(key=f"qnr.{picked}.t").input("Transit and buses 2026").run()
    click(at, "Save these details")
    assert not at.exception and "Details saved" in said(at)
    questionnaires = fresh(sample_store, "questionnaires")
    assert list(questionnaires["title"]) == ["Transit and buses 2026"]  # same row, no new version
    assert list(questionnaires["id"]) == [picked]
    click(at, "Make their links")
    invitation = fresh(sample_store, "invitations").iloc[0]
    edit, logged = links.mark_sent(invitation, "staff@x.org", "2026-12-01T10:00:00+00:00")
    sample_store.change([edit], {"audit": [logged]})
    at.run()
    assert "Save these details" not in [button.label for button in at.button]
    assert "locked" in said(at)


def test_answers_come_in_from_a_tab_of_the_connected_google_sheet(fake_google) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    at.switch_page("pages/overview.py").run()
    click(at, "Load the sample coalition")
    known = fake_google.grid(key, "candidates")[1]
    name = known[fake_google.grid(key, "candidates")[0].index("name")]
    fake_google.add_tab(
        key,
        "Form Responses 1",
        [
            ["Timestamp", "Candidate name", "Will you fund buses?", "Why?"],
            ["11/2/2026 10:04:55", name, "Yes", "=1+1 is what they typed"],
        ],
    )
    at.switch_page(STAFF_PAGE).run()
    at.radio(key="qnr.imp.source").set_value("A tab of the connected Google Sheet").run()
    at.text_input(key="qnr.imp.title").input("Bus survey").run()
    at.selectbox(key="qnr.imp.tab").set_value("Form Responses 1").run()
    assert not at.exception
    assert list(preview_of(at)["Matched candidate"]) == [name]
    before = fake_google.grid(key, "Form Responses 1")
    click(at, "Import")
    assert not at.exception and "Imported" in said(at)
    assert fake_google.grid(key, "Form Responses 1") == before  # the source is only read
    answers = fake_google.grid(key, "answers")
    texts = [row[answers[0].index("text")] for row in answers[1:]]
    assert "=1+1 is what they typed" in texts


def test_a_questionnaire_goes_to_a_whole_race_and_leaving_someone_out_is_said(
    sample_store: SqlStore,
) -> None:
    candidates = fresh(sample_store, "candidates")
    candidates = candidates[candidates["active"]].assign(race=analytics.races)
    race, runners = next(
        (race, group) for race, group in candidates.groupby("race") if len(group) > 1
    )
    at = app(STAFF_PAGE)
    at.multiselect(key="qnr.new.candidates").set_value([runners.iloc[0]["id"]]).run()
    assert "Send the same questionnaire to every candidate in a race" in said(at)
    assert f"also runs for {race}" in said(at)
    at.multiselect(key="qnr.new.candidates").set_value([]).run()
    at.multiselect(key="qnr.new.races").set_value([race]).run()
    assert "every candidate in a race" not in said(at)
    at.text_input(key="qnr.new.title").input("Transit 2026")
    at.session_state["qnr.new.questions"] = {
        "edited_rows": {0: {"text": "Will you fund buses?"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    click(at, "Save the questionnaire")
    assert "Questionnaire saved" in said(at)
    saved = fresh(sample_store, "questionnaires").iloc[0]["candidate_ids"]
    assert set(schema.split_list(saved)) == set(runners["id"])
