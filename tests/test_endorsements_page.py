"""The Endorsements page through AppTest, on the sample coalition as a 501(c)(4): deciding a
race, its timeline, the fair process ledger and research; who may write."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import coalition
from lib.endorsements import races, timeline
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import app, as_read
from tests.test_roles import AUTH, as_member, member_with

PAGE = "pages/endorsements.py"
TODAY = date.today()


def fresh(store: SqlStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def said(at: AppTest, *kinds: str) -> str:
    kinds = kinds or ("error", "warning", "success", "info", "caption", "markdown", "header")
    return " ".join(as_read(element.value) for kind in kinds for element in at.get(kind))


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


@pytest.fixture
def endorsing(sample_store: SqlStore) -> SqlStore:
    coalition.save_setting(
        sample_store, "tax_status", "501(c)(4)", "dana", sample_store.read("settings")
    )
    return sample_store


def council(store: SqlStore) -> dict:
    """The sample's city council primary: the race with the most candidates."""
    found = races.races(fresh(store, "candidates"), fresh(store, "races"))
    primaries = found[found["stage"] == "primary"]
    return primaries.iloc[0].to_dict()


def opened(store: SqlStore, at: AppTest | None = None) -> AppTest:
    """The page on the council race, chosen as a shared link would choose it."""
    if at is None:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["race"] = council(store)["id"]
    at.run()
    at.switch_page(PAGE).run()
    return at


def test_the_page_lists_the_races_and_opens_one_from_a_link(endorsing: SqlStore) -> None:
    at = app(PAGE)
    assert not at.exception
    assert at.title[0].value == "Endorsements"
    listed = at.dataframe[0].value
    assert "Riverton City Council 03, primary on" in " ".join(listed["Race"])
    assert set(listed["Decision"]) == {"Undecided"}
    race = council(endorsing)
    assert f"endorsements?race={race['id']}" in set(listed["Open"])
    at = opened(endorsing)
    assert not at.exception
    assert as_read(at.header[0].value) == race["title"]
    assert [tab.label for tab in at.tabs] == ["Timeline", "Fair process", "Research", "Vote"]


def test_deciding_a_race_writes_one_row_under_its_own_id_with_an_audit_row(
    endorsing: SqlStore,
) -> None:
    race = council(endorsing)
    at = opened(endorsing)
    at.radio(key=f"end.{race['id']}.decision.choice").set_value("engaging")
    at.text_area(key=f"end.{race['id']}.decision.note").input("Two volunteers until March")
    click(at, "Save the decision")
    assert not at.exception
    stored = fresh(endorsing, "races")
    assert list(stored["id"]) == [race["id"]]
    assert (stored.iloc[0]["decision"], stored.iloc[0]["capacity_note"]) == (
        "engaging",
        "Two volunteers until March",
    )
    audit = fresh(endorsing, "audit")
    assert list(audit.loc[audit["record_id"] == race["id"], "action"]) == ["decided"]
    assert "We are engaging** · Two volunteers until March" in said(at, "markdown")
    assert "We are engaging" in set(at.dataframe[0].value["Decision"])
    # Changed again: the same row, edited.
    at.radio(key=f"end.{race['id']}.decision.choice").set_value("not_this_cycle")
    click(at, "Save the decision")
    stored = fresh(endorsing, "races")
    assert list(stored["decision"]) == ["not_this_cycle"]


def test_proposing_a_timeline_then_editing_a_step(endorsing: SqlStore) -> None:
    race = council(endorsing)
    at = opened(endorsing)
    expected = timeline.propose(date.fromisoformat(race["election_date"]), "primary")
    shown = at.dataframe[1].value
    assert list(shown["Due"]) == [step["due"] for step in expected]
    click(at, "Use this timeline")
    assert not at.exception
    assert "Timeline saved" in said(at, "success")
    steps = fresh(endorsing, "endorsement_steps")
    assert sorted(steps["step"]) == sorted(timeline.STEPS)
    assert set(steps["race_id"]) == {race["id"]}
    assert set(steps["id"]) == {timeline.step_id(race["id"], step) for step in timeline.STEPS}
    audit = fresh(endorsing, "audit")
    assert (audit["table"] == "endorsement_steps").sum() == 6

    vote = timeline.step_id(race["id"], "vote")
    at.selectbox(key=f"end.{race['id']}.step").set_value(vote).run()
    later = date.fromisoformat(expected[4]["due"]) + timedelta(days=3)
    at.date_input(key=f"end.{vote}.due").set_value(later)
    owner = at.selectbox(key=f"end.{vote}.owner")
    owner.set_value(owner.options[0])
    at.checkbox(key=f"end.{vote}.done").check()
    click(at, "Save the step")
    assert not at.exception
    assert "Step saved." in said(at, "success")
    row = fresh(endorsing, "endorsement_steps").set_index("id").loc[vote]
    assert (row["due"], row["owner"], bool(row["done"])) == (
        later.isoformat(),
        owner.options[0],
        True,
    )
    audit = fresh(endorsing, "audit")
    assert list(audit.loc[audit["record_id"] == vote, "action"]) == ["planned", "edited"]


def test_an_offer_made_to_one_candidate_only_is_warned_about(endorsing: SqlStore) -> None:
    race = council(endorsing)
    people = races.candidates_in(race, fresh(endorsing, "candidates"))
    first, *others = people.to_dict("records")
    at = opened(endorsing)
    key = f"end.{race['id']}.offer"
    at.multiselect(key=f"{key}.who").set_value([first["id"]])
    at.selectbox(key=f"{key}.kind").set_value("qa_session")
    on = TODAY - timedelta(days=2)
    at.date_input(key=f"{key}.on").set_value(on)
    click(at, "Record the offer")
    assert not at.exception
    stored = fresh(endorsing, "offers")
    assert list(stored["candidate_id"]) == [first["id"]]
    assert list(stored["offer"]) == ["qa_session"]
    others_named = " and ".join(person["label"] for person in others)
    assert (
        f"{first['label']} was offered a Q&A session on {on}; {others_named} "
        f"{'was' if len(others) == 1 else 'were'} not." in said(at, "warning")
    )
    matrix = at.dataframe[2].value.set_index("Candidate")
    assert matrix.loc[first["label"], "Q&A session"] == f"Offered {on}: No response yet"
    # The form is empty again; the same offer to the others, and the warning goes.
    assert at.multiselect(key=f"{key}.1.who").value == [
        person["id"] for person in people.to_dict("records")
    ]
    at.multiselect(key=f"{key}.1.who").set_value([person["id"] for person in others])
    at.selectbox(key=f"{key}.1.kind").set_value("qa_session")
    click(at, "Record the offer")
    assert "Not the same for everyone" not in said(at, "warning")
    assert len(fresh(endorsing, "offers")) == len(people)


def test_an_offer_without_a_date_is_refused_and_kept(endorsing: SqlStore) -> None:
    race = council(endorsing)
    at = opened(endorsing)
    key = f"end.{race['id']}.offer"
    at.date_input(key=f"{key}.on").set_value(None)
    at.text_area(key=f"{key}.notes").input("Invited to the May forum")
    click(at, "Record the offer")
    assert "Offered on:" in said(at, "error")
    assert at.text_area(key=f"{key}.notes").value == "Invited to the May forum"
    assert fresh(endorsing, "offers").empty


def test_adding_research_with_its_source(endorsing: SqlStore) -> None:
    race = council(endorsing)
    candidate = races.candidates_in(race, fresh(endorsing, "candidates")).iloc[0]
    at = opened(endorsing)
    key = f"end.{candidate['id']}.research"
    at.selectbox(key=f"{key}.t").set_value("cash_on_hand")
    at.text_input(key=f"{key}.value").input("$120,000")
    at.text_input(key=f"{key}.url").input("javascript:alert(1)")
    click(at, "Add the item")
    assert "must be a web address" in said(at, "error")
    assert at.text_input(key=f"{key}.value").value == "$120,000"
    assert fresh(endorsing, "research").empty

    at.text_input(key=f"{key}.url").input("https://campaignfinance.example/ines")
    click(at, "Add the item")
    assert not at.exception
    stored = fresh(endorsing, "research")
    assert list(stored["value"]) == ["$120,000"]
    assert list(stored["source_url"]) == ["https://campaignfinance.example/ines"]
    assert list(stored["as_of"]) == [TODAY.isoformat()]
    research = [frame.value for frame in at.dataframe if "Finding" in frame.value.columns]
    assert list(research[0]["Source"]) == ["https://campaignfinance.example/ines"]
    assert list(research[0]["Topic"]) == ["Cash on hand"]
    assert at.text_input(key=f"{key}.1.value").value == ""  # ready for the next item


def test_a_viewer_reads_but_cannot_write(endorsing: SqlStore) -> None:
    viewer = member_with(endorsing, "viewer")["email"]
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for name, value in AUTH.items():
        at.secrets[name] = value
    at.user = {"is_logged_in": True, "email": viewer}
    at = opened(endorsing, at)
    assert not at.exception
    assert at.title[0].value == "Endorsements"
    assert [button.label for button in at.button] == ["Sign out"]
    assert not at.get("form")


def test_staff_demoted_while_the_page_is_open_write_nothing(endorsing: SqlStore) -> None:
    staff = member_with(endorsing, "staff")["email"]
    at = as_member(PAGE, staff)
    at.selectbox(key="end.race").set_value(council(endorsing)["id"]).run()
    endorsing.update("members", staff, {"role": "viewer"})
    click(at, "Use this timeline")
    assert "Your role is now viewer" in said(at, "error")
    assert fresh(endorsing, "endorsement_steps").empty


def test_an_in_office_race_has_no_timeline(endorsing: SqlStore) -> None:
    found = races.races(fresh(endorsing, "candidates"), fresh(endorsing, "races"))
    held = found[found["stage"] == "in_office"].iloc[0]
    at = app(PAGE)
    at.selectbox(key="end.race").set_value(held["id"]).run()
    assert "has no endorsement timeline" in said(at, "info")
    assert "Use this timeline" not in [button.label for button in at.button]
