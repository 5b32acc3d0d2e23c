"""The report form (/report) under AppTest: success on SQLite and on a Google Sheet, every
validation message, and a Google outage that loses nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import report, schema, text
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import SERVICE_ACCOUNT, app, sheet_secrets
from tests.fake_sheets import FakeSheets

PAGE = "pages/report.py"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def type_owner(at: AppTest, widget: str, name: str) -> None:
    """Choose an owner, or type one: the box offers the members and takes any other name, which
    the browser then sends just as it sends a listed one."""
    box = at.selectbox(key=widget)
    if name not in box.options:
        box.options.append(name)
    box.set_value(name)


def fill_full_report(at: AppTest, candidate_id: str, issue_id: str) -> AppTest:
    """What an advocate types after a one-on-one: a commitment, a position and an action."""
    at.selectbox(key="report.candidate").set_value(candidate_id)
    at.selectbox(key="report.kind").set_value("one_on_one")
    at.text_area(key="report.talking_points").input("Housing trust fund costs and benefits")
    at.text_area(key="report.quotes").input("We'll find the money")
    at.text_area(key="report.education_needed").input(FORMULA)
    at.run()
    click(at, "Add a commitment")
    click(at, "Add a position")
    click(at, "Add a follow-up action")
    commitment = row_id(at, "commitments")
    at.text_area(key=f"report.commitments.{commitment}.text").input(
        "Co-sponsor the trust fund ordinance"
    )
    at.selectbox(key=f"report.commitments.{commitment}.issue_id").set_value(issue_id)
    type_owner(at, f"report.commitments.{commitment}.owner", "Dana Okafor")
    at.date_input(key=f"report.commitments.{commitment}.follow_up_by").set_value(
        date.today() + timedelta(days=14)
    )
    position = row_id(at, "positions")
    at.selectbox(key=f"report.positions.{position}.issue_id").set_value(issue_id)
    at.selectbox(key=f"report.positions.{position}.stance").set_value("supports")
    at.text_area(key=f"report.positions.{position}.evidence").input("Said yes in the meeting")
    action = row_id(at, "actions")
    at.text_input(key=f"report.actions.{action}.title").input("Send the cost memo")
    type_owner(at, f"report.actions.{action}.owner", "Sam Lee")
    return at.run()


def row_id(at: AppTest, kind: str) -> str:
    [row] = at.session_state["report.draft"][kind]
    return row["id"]


def first(frame: pd.DataFrame, column: str, value: str) -> pd.Series:
    return frame[frame[column] == value].iloc[0]


def test_a_full_report_lands_in_every_table_on_sqlite(sample_store: SqlStore) -> None:
    before = {name: len(frame) for name, frame in sample_store.read_all().items()}
    candidate = first(sample_store.read("candidates"), "name", "Inés Márquez")
    issue = sample_store.read("issues").iloc[0]
    at = fill_full_report(app(PAGE), candidate["id"], issue["id"])
    draft = at.session_state["report.draft"]
    click(at, "Save the report")
    assert not at.exception
    assert at.success[0].value.startswith("**Report saved.**")
    sample_store.clear_cache()
    tables = sample_store.read_all()
    grew = {name for name, frame in tables.items() if len(frame) == before[name] + 1}
    assert grew == {"interactions", "commitments", "updates", "positions", "actions", "audit"}
    interaction = first(tables["interactions"], "id", draft["id"])
    assert interaction["candidate_id"] == candidate["id"]
    assert interaction["education_needed"] == FORMULA
    assert interaction["visibility"] == "coalition"
    assert interaction["created_by"] == "local admin"  # sign-in is off in this test
    saved = first(tables["commitments"], "id", draft["commitments"][0]["id"])
    assert (saved["text"], saved["issue_id"], saved["owner"], saved["status"]) == (
        "Co-sponsor the trust fund ordinance",
        issue["id"],
        "Dana Okafor",
        "not_yet_rated",
    )
    assert saved["follow_up_by"] == (date.today() + timedelta(days=14)).isoformat()
    assert first(tables["updates"], "commitment_id", saved["id"])["status"] == "not_yet_rated"
    assert first(tables["positions"], "interaction_id", draft["id"])["stance"] == "supports"
    assert first(tables["actions"], "interaction_id", draft["id"])["title"] == "Send the cost memo"
    summary = " ".join(element.value for element in at.markdown)
    assert "Co\\-sponsor the trust fund ordinance" in summary
    links = at.get("page_link")
    assert links[-1].proto.label == "Open the candidate's page"
    assert f"candidate={candidate['id']}" in links[-1].proto.page or links[-1].proto.query_string


def test_a_report_with_a_new_candidate_lands_in_a_google_sheet(fake_google: FakeSheets) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    at.switch_page(PAGE).run()
    at.selectbox(key="report.candidate").set_value(report.NEW_CANDIDATE).run()
    at.text_input(key="report.new.name").input("Alma Reyes")
    at.text_input(key="report.new.district").input("03")
    at.text_area(key="report.takeaways").input(FORMULA)
    at.run()
    click(at, "Save the report")
    assert not at.exception
    assert at.success, [error.value for error in at.error]
    candidates = fake_google.grid(key, "candidates")
    assert [row[1] for row in candidates[1:]] == ["Alma Reyes"]
    assert candidates[1][3] == "03"
    interactions = fake_google.grid(key, "interactions")
    assert len(interactions) == 2
    column = interactions[0].index("takeaways")
    assert interactions[1][column] == FORMULA
    letter = chr(ord("A") + column)
    assert fake_google.cell(key, "interactions", f"{letter}2").kind == "text"
    assert len(fake_google.grid(key, "audit")) == 2


def test_a_blank_report_names_what_is_missing_and_keeps_what_was_typed(
    sample_store: SqlStore,
) -> None:
    at = app(PAGE)
    at.text_area(key="report.takeaways").input("They want the cost estimate first")
    at.run()
    click(at, "Save the report")
    assert "Choose the candidate you met, or add a new one." in [e.value for e in at.error]
    assert at.text_area(key="report.takeaways").value == "They want the cost estimate first"
    assert len(sample_store.read("interactions")) == 42


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda at: at.date_input(key="report.date").set_value(date.today() + timedelta(days=2)),
            "The meeting date is in the future; reports are filed after meetings.",
        ),
        (
            lambda at: at.selectbox(key="report.candidate").set_value(report.NEW_CANDIDATE),
            "Give the new candidate's name.",
        ),
        (
            lambda at: at.text_area(key="report.quotes").input("q" * 50_001),
            "This is 50,001 characters; the most a field can hold is 50,000. "
            "Shorten it or split it.",
        ),
    ],
    ids=["future-date", "new-candidate-without-name", "too-long"],
)
def test_each_meeting_field_rule_has_its_message(sample_store: SqlStore, setup, message) -> None:
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(sample_store.read("candidates").iloc[0]["id"])
    setup(at)
    at.run()
    click(at, "Save the report")
    assert message in [error.value for error in at.error]
    assert "1 field needs attention" in at.error[-1].value


def test_outcome_rows_have_their_own_messages(sample_store: SqlStore) -> None:
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(sample_store.read("candidates").iloc[0]["id"])
    at.date_input(key="report.date").set_value(date.today() - timedelta(days=3))
    at.run()
    click(at, "Add a commitment")
    click(at, "Add a position")
    click(at, "Add a follow-up action")
    cmt, pos, act = (row_id(at, kind) for kind in ("commitments", "positions", "actions"))
    type_owner(at, f"report.commitments.{cmt}.owner", "Jo")
    at.date_input(key=f"report.commitments.{cmt}.follow_up_by").set_value(
        date.today() - timedelta(days=5)
    )
    at.text_area(key=f"report.positions.{pos}.evidence").input("Nodded along")
    type_owner(at, f"report.actions.{act}.owner", "Sam")
    at.run()
    click(at, "Save the report")
    messages = [error.value for error in at.error]
    assert {
        "Say what the candidate committed to.",
        "Choose the issue this commitment is about.",
        "The follow-up date is before the meeting.",
        "Choose the issue this position is on.",
        "Choose the stance you observed.",
        "Say what needs doing.",
    } <= set(messages)
    assert at.selectbox(key=f"report.commitments.{cmt}.owner").value == "Jo"
    assert at.text_area(key=f"report.positions.{pos}.evidence").value == "Nodded along"


def sheet_with_sample(fake_google: FakeSheets) -> tuple[str, AppTest]:
    key = fake_google.create_spreadsheet("Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    click(at, "Create the missing tabs and columns")
    at.switch_page("pages/overview.py").run()
    click(at, "Load the sample coalition")
    return key, at.switch_page(PAGE).run()


def first_ids(fake: FakeSheets, key: str) -> tuple[str, str]:
    """The ids of the sheet's first candidate and first issue."""
    return fake.grid(key, "candidates")[1][0], fake.grid(key, "issues")[1][0]


def test_an_outage_keeps_the_report_and_sends_it_once_when_google_answers(
    fake_google: FakeSheets,
) -> None:
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    interactions_before = len(fake_google.grid(key, "interactions"))

    fake_google.fail(status=503, times=None)
    click(at, "Save the report")
    assert not at.exception
    assert any(w.value.startswith("**Report kept on this computer.**") for w in at.warning)
    assert "1 change waiting to sync" in " ".join(w.value for w in at.sidebar.warning)
    assert len(fake_google.grid(key, "interactions")) == interactions_before

    fake_google.heal()
    click(at, "Try sending now")
    assert at.success[0].value.startswith("**Report saved.**")
    draft_id = at.session_state["report.draft"]["id"]
    interactions = fake_google.grid(key, "interactions")
    assert len(interactions) == interactions_before + 1
    assert sum(row[0] == draft_id for row in interactions) == 1
    commitments = fake_google.grid(key, "commitments")
    assert sum(row[4] == "Co-sponsor the trust fund ordinance" for row in commitments) == 1
    at.run()
    assert not at.sidebar.warning  # nothing left waiting


def test_an_unshared_sheet_keeps_the_form_and_try_again_saves_it(
    fake_google: FakeSheets,
) -> None:
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    fake_google.share(key, False)
    click(at, "Save the report")
    failure = [error.value for error in at.error if "could not be saved" in error.value]
    assert failure and text.md("{}", SERVICE_ACCOUNT) in failure[0]  # shown escaped
    assert (
        at.text_area(key="report.talking_points").value == "Housing trust fund costs and benefits"
    )
    fake_google.share(key, True)
    click(at, "Try again")
    assert at.success[0].value.startswith("**Report saved.**")
    draft_id = at.session_state["report.draft"]["id"]
    assert sum(row[0] == draft_id for row in fake_google.grid(key, "interactions")) == 1


def test_file_another_report_starts_a_fresh_form(sample_store: SqlStore) -> None:
    candidate_id = sample_store.read("candidates").iloc[0]["id"]
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(candidate_id)
    at.text_area(key="report.takeaways").input("First report")
    at.run()
    first_id = at.session_state["report.draft"]["id"]
    click(at, "Save the report")
    click(at, "File another report")
    assert at.text_area(key="report.takeaways").value == ""
    assert at.selectbox(key="report.candidate").value is None
    assert at.session_state["report.draft"]["id"] != first_id


def test_a_link_from_a_candidate_preselects_them(sample_store: SqlStore) -> None:
    candidate_id = sample_store.read("candidates").iloc[2]["id"]
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["candidate"] = candidate_id
    at.run()
    at.switch_page(PAGE).run()
    assert at.selectbox(key="report.candidate").value == candidate_id


def test_only_the_schemas_choices_are_offered(sample_store: SqlStore) -> None:
    at = app(PAGE)
    assert at.selectbox(key="report.kind").options == [
        schema.INTERACTION_KIND.label(value) for value in schema.INTERACTION_KIND.values
    ]
    assert at.radio(key="report.visibility").value == "coalition"


HOSTILE = "<img src=x onerror=alert(1)> [win a prize](javascript:alert(1)) **loud** :red[x]"


def test_hostile_text_is_shown_as_text_never_as_markup(sample_store: SqlStore) -> None:
    candidate_id = sample_store.read("candidates").iloc[0]["id"]
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(candidate_id)
    at.text_area(key="report.takeaways").input(HOSTILE)
    at.run()
    click(at, "Save the report")
    sample_store.clear_cache()
    assert HOSTILE in set(sample_store.read("interactions")["takeaways"])  # stored as typed

    profile = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    profile.query_params["candidate"] = candidate_id
    profile.run()
    profile.switch_page("pages/candidates.py").run()
    shown = [element.value for element in profile.markdown if "img src" in element.value]
    assert shown, "the report's takeaways appear on the candidate's page"
    for source in shown:
        unescaped = re.compile(r"(?<!\\)(<img|\]\(javascript|\*\*loud|:red\[)")
        assert not unescaped.search(source), source


# --- drafts: a reload, a closed tab or another page loses nothing ------------------------------


def typed_values(at: AppTest) -> dict[str, object]:
    commitment = row_id(at, "commitments")
    return {
        "candidate": at.selectbox(key="report.candidate").value,
        "talking points": at.text_area(key="report.talking_points").value,
        "commitment": at.text_area(key=f"report.commitments.{commitment}.text").value,
        "follow up by": at.date_input(key=f"report.commitments.{commitment}.follow_up_by").value,
        "stance": at.selectbox(key=f"report.positions.{row_id(at, 'positions')}.stance").value,
        "interaction id": at.session_state["report.draft"]["id"],
    }


def test_a_visit_to_another_page_keeps_the_report_being_typed(sample_store: SqlStore) -> None:
    candidate = first(sample_store.read("candidates"), "name", "Inés Márquez")
    at = fill_full_report(app(PAGE), candidate["id"], sample_store.read("issues").iloc[0]["id"])
    typed = typed_values(at)
    at.switch_page("pages/candidates.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert typed_values(at) == typed
    assert "did not send" not in " ".join(md.value for md in at.markdown)


def test_an_unsent_report_is_offered_after_a_reload_and_restored_whole(
    sample_store: SqlStore,
) -> None:
    candidate = first(sample_store.read("candidates"), "name", "Inés Márquez")
    typing = fill_full_report(app(PAGE), candidate["id"], sample_store.read("issues").iloc[0]["id"])
    typed = typed_values(typing)

    reloaded = app(PAGE)  # a new browser session: the reload, or the phone's tab reopened
    offer = [md.value for md in reloaded.markdown if "did not send" in md.value]
    assert offer and "about Inés Márquez" in offer[0]
    assert reloaded.selectbox(key="report.candidate").value is None  # nothing forced on them
    click(reloaded, "Restore it")
    assert not reloaded.exception
    assert typed_values(reloaded) == typed
    assert not [md for md in reloaded.markdown if "did not send" in md.value]

    click(reloaded, "Save the report")
    assert reloaded.success[0].value.startswith("**Report saved.**")
    sample_store.clear_cache()
    saved = sample_store.read("interactions")
    assert list(saved["id"]).count(typed["interaction id"]) == 1
    assert not [md for md in app(PAGE).markdown if "did not send" in md.value]


def test_a_discarded_draft_is_not_offered_again(sample_store: SqlStore) -> None:
    typing = app(PAGE)
    typing.text_area(key="report.takeaways").input("Half a thought").run()
    reloaded = app(PAGE)
    assert [md for md in reloaded.markdown if "did not send" in md.value]
    reloaded.text_area(key="report.takeaways").input("A new report meanwhile").run()
    click(reloaded, "Discard it")
    assert not [md for md in reloaded.markdown if "did not send" in md.value]
    assert reloaded.text_area(key="report.takeaways").value == "A new report meanwhile"
    # What is offered next time is the report typed since, not the discarded one.
    later = app(PAGE)
    assert len([md for md in later.markdown if "did not send" in md.value]) == 1
    click(later, "Restore it")
    assert later.text_area(key="report.takeaways").value == "A new report meanwhile"


def test_a_restored_draft_about_a_candidate_archived_since_asks_for_a_candidate_again(
    sample_store: SqlStore,
) -> None:
    candidate = first(sample_store.read("candidates"), "name", "Inés Márquez")
    typing = app(PAGE)
    typing.selectbox(key="report.candidate").set_value(candidate["id"])
    typing.text_area(key="report.takeaways").input("Met at the forum").run()
    sample_store.update("candidates", candidate["id"], {"active": False}, candidate["updated_at"])
    sample_store.clear_cache()
    reloaded = app(PAGE)
    click(reloaded, "Restore it")
    assert not reloaded.exception
    assert reloaded.text_area(key="report.takeaways").value == "Met at the forum"
    click(reloaded, "Save the report")
    assert "Choose the candidate" in " ".join(error.value for error in reloaded.error)
