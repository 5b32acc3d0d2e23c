"""Present mode (/present) under AppTest: the agenda one section per screen, agreed actions
captured on the shared screen, the end of the meeting and its minutes, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from lib import access, coalition, owners
from lib.meeting import actions, agenda
from lib.my_followups.items import items_for
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import app, as_read
from tests.test_meeting import restricted_texts
from tests.test_report_page import type_owner
from tests.test_roles import AUTH, everything_shown, member_with, restricted_secrets

PAGE = "pages/present.py"
TODAY = date.today()
DUE = TODAY + timedelta(days=10)
WHAT = "Send the pre-K cost brief to =Márquez's campaign"


def as_member(email: str) -> AppTest:
    return app(PAGE, AUTH, {"is_logged_in": True, "email": email})


def heading(at: AppTest) -> str:
    [title] = at.title
    return as_read(title.value)


def expected_headings(store: SqlStore) -> list[str]:
    store.clear_cache()
    since = coalition.settings_of(store.read_all()).meeting_since(TODAY)
    return [section.heading for section in agenda.sections(store.read_all(), since, TODAY)]


def to_last_step(at: AppTest) -> AppTest:
    while not at.button(key="present.next").disabled:
        at.button(key="present.next").click().run()
        assert not at.exception
    return at


def agree(at: AppTest, what: str, owner: str, due: date | None) -> AppTest:
    at.text_input(key="present.what").input(what)
    type_owner(at, "present.owner", owner)
    if due is not None:
        at.date_input(key="present.due").set_value(due)
    [submit] = [button for button in at.button if button.label == "Add the action"]
    return submit.click().run()


def shown(at: AppTest) -> str:
    return " ".join(as_read(part) for part in everything_shown(at).split("\n"))


def test_present_mode_steps_through_every_section_and_back(sample_store: SqlStore) -> None:
    at = app(PAGE)
    assert not at.exception
    # No sidebar: no navigation, no sign-in banner, no data source line.
    assert not at.sidebar.children
    expected = expected_headings(sample_store)
    assert len(expected) >= 8  # the sample's agenda: news, three candidates, and the rest
    seen = [heading(at)]
    assert at.query_params["step"] == "1"
    assert at.button(key="present.previous").disabled
    while not at.button(key="present.next").disabled:
        at.button(key="present.next").click().run()
        assert not at.exception
        seen.append(heading(at))
        assert at.query_params["step"] == str(len(seen))
        assert f"**{len(seen)} of {len(expected)}**" in [m.value for m in at.markdown]
    assert seen == expected
    for step in range(len(expected) - 1, 0, -1):
        at.button(key="present.previous").click().run()
        assert heading(at) == expected[step - 1]
        assert at.query_params["step"] == str(step)


def test_the_step_and_the_period_are_kept_in_the_address(sample_store: SqlStore) -> None:
    since = TODAY - timedelta(days=60)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.query_params.update({"step": "2", "since": since.isoformat()})
    at.switch_page(PAGE).run()
    sample_store.clear_cache()
    sections = agenda.sections(sample_store.read_all(), since, TODAY)
    assert heading(at) == sections[1].heading
    assert at.query_params["since"] == since.isoformat()
    # An address that names nothing real falls back to the first section of the usual period.
    at.query_params.update({"step": "nine", "since": "soon"})
    at.run()
    assert at.query_params["step"] == "1"
    assert heading(at) == expected_headings(sample_store)[0]


def test_the_meeting_page_and_the_overview_link_to_present_mode(sample_store: SqlStore) -> None:
    for page in ("pages/meeting.py", "pages/overview.py"):
        at = app(page)
        assert not at.exception
        links = [link for link in at.get("page_link") if link.proto.page.endswith("present")]
        assert links and as_read(links[0].proto.label).startswith("Present"), page
    at = app("pages/meeting.py")
    [link] = [link for link in at.get("page_link") if link.proto.page.endswith("present")]
    assert "since=" in link.proto.query_string


def test_an_agreed_action_is_stored_with_its_owner_and_due_date_and_is_theirs(
    sample_store: SqlStore,
) -> None:
    staff = member_with(sample_store, "staff")
    advocate = member_with(sample_store, "advocate")
    at = to_last_step(as_member(staff["email"]))
    assert heading(at) == "Agreed actions"
    before = len(sample_store.read("actions"))
    agree(at, WHAT, advocate["name"], DUE)
    assert not at.exception
    assert [as_read(s.value) for s in at.success] == [
        f"Agreed: {WHAT} (owner: {advocate['name']}; due {DUE})."
    ]
    sample_store.clear_cache()
    stored = sample_store.read("actions")
    assert len(stored) == before + 1
    row = stored[stored["title"] == WHAT].iloc[0]
    assert (row["owner"], row["due"], row["done"]) == (advocate["name"], DUE.isoformat(), False)
    assert row["created_by"] == staff["email"]
    assert (row["candidate_id"], row["interaction_id"], row["commitment_id"]) == ("", "", "")
    log = sample_store.read("audit")
    [mark] = log[log["record_id"] == row["id"]].to_dict("records")
    assert mark["action"] == actions.AGREED
    assert mark["detail"] == f"Agreed at the meeting of {TODAY}: {WHAT}"
    # On the screen's list of what was agreed, and the form is empty for the next one.
    assert f"{WHAT} (owner: {advocate['name']}; due {DUE})" in shown(at)
    assert at.text_input(key="present.what").value == ""
    assert at.selectbox(key="present.owner").value is None

    # Listed for its owner, on their own My follow-ups page.
    tables = sample_store.read_all()
    everyone = owners.people(tables["members"], tables["partners"])
    theirs = items_for(tables, owners.with_email(advocate["email"], everyone), everyone, TODAY)
    assert WHAT in set(theirs["what"])
    mine = app("pages/mine.py", AUTH, {"is_logged_in": True, "email": advocate["email"]})
    assert not mine.exception
    assert any(WHAT in as_read(element.value) for element in mine.markdown)


def test_an_action_as_typed_is_checked_and_kept_on_an_error(sample_store: SqlStore) -> None:
    at = to_last_step(app(PAGE))
    before = len(sample_store.read("actions"))
    agree(at, "  ", "Someone without an account", None)
    errors = " ".join(error.value for error in at.error)
    assert "Say what was agreed" in errors and "Give the date it is due" in errors
    assert at.selectbox(key="present.owner").value == "Someone without an account"
    sample_store.clear_cache()
    assert len(sample_store.read("actions")) == before
    # A name typed for someone without an account is an owner too.
    agree(at, "Book the library room", "Someone without an account", DUE)
    sample_store.clear_cache()
    assert "Someone without an account" in set(sample_store.read("actions")["owner"])


def test_a_viewer_can_neither_capture_nor_end_the_meeting(sample_store: SqlStore) -> None:
    viewer = member_with(sample_store, "viewer")
    at = to_last_step(as_member(viewer["email"]))
    assert not at.exception and heading(at) == "Agreed actions"
    assert not at.text_input and not at.date_input and not at.get("form")
    labels = [button.label for button in at.button]
    assert "Add the action" not in labels and "End the meeting" not in labels
    assert "No actions agreed yet at this meeting." in shown(at)
    # What the room agrees is on the viewer's screen too.
    planned = actions.plan(WHAT, "Tomás Herrera", DUE, "staff@example.org", TODAY)
    actions.save(sample_store, None, planned.ops)
    at.run()
    assert f"{WHAT} (owner: Tomás Herrera; due {DUE})" in shown(at)


@pytest.mark.parametrize("write", ["capture", "end"])
def test_a_click_from_someone_no_longer_staff_is_refused_when_writing(
    sample_store: SqlStore, write: str
) -> None:
    staff = member_with(sample_store, "staff")
    at = to_last_step(as_member(staff["email"]))
    before_actions = len(sample_store.read("actions"))
    if write == "capture":
        at.text_input(key="present.what").input(WHAT)
        at.selectbox(key="present.owner").set_value(staff["name"])
        at.date_input(key="present.due").set_value(DUE)
    else:
        at.button(key="present.end").click().run()
    # Made a viewer while the screen was open: the button on screen is no permission.
    sample_store.update("members", staff["email"], {"role": "viewer"})
    if write == "capture":
        [submit] = [button for button in at.button if button.label == "Add the action"]
        submit.click().run()
    else:
        at.button(key="present.end.yes").click().run()
    assert not at.exception
    refused = " ".join(error.value for error in at.error)
    assert "does not allow you to run meetings" in refused
    sample_store.clear_cache()
    assert len(sample_store.read("actions")) == before_actions
    assert coalition.settings_of(sample_store.read_all()).last_meeting == ""


def test_ending_the_meeting_saves_the_date_and_offers_the_minutes(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, *args, **kwargs):  # type: ignore[no-untyped-def]
        files[kwargs["file_name"]] = data_callable
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    last = TODAY - timedelta(days=30)
    coalition.save_setting(
        sample_store, "last_meeting", last.isoformat(), "jo", sample_store.read("settings")
    )
    staff = member_with(sample_store, "staff")
    at = to_last_step(as_member(staff["email"]))
    agree(at, WHAT, staff["name"], DUE)
    at.button(key="present.end").click().run()
    assert "End the meeting of" in at.warning[0].value
    assert coalition.settings_of(sample_store.read_all()).last_meeting == last.isoformat()
    at.button(key="present.end.no").click().run()
    assert not at.warning
    at.button(key="present.end").click().run()
    at.button(key="present.end.yes").click().run()
    assert not at.exception
    sample_store.clear_cache()
    assert coalition.settings_of(sample_store.read_all()).last_meeting == TODAY.isoformat()
    assert "has ended" in at.success[-1].value
    assert [as_read(b.label) for b in at.download_button] == [
        "Minutes (Markdown)",
        "Minutes (PDF)",
    ]
    # The period stays the one the meeting reviewed, though the last meeting is now today.
    assert at.query_params["since"] == last.isoformat()
    text = str(files[f"minutes-{TODAY}.md"]())
    for section in (
        "New in this period",
        "Where candidates stand",
        "Commitments by status",
        "Follow-ups due and overdue",
        "What candidates need education on",
        "Actionable insights",
        "Agreed actions",
    ):
        assert f"## {section}" in text
    assert f"{last} to {TODAY}" in text
    agreed = text.split("## Agreed actions", 1)[1]
    assert "cost brief" in agreed and staff["name"] in agreed and str(DUE) in agreed
    assert files[f"minutes-{TODAY}.pdf"]().startswith(b"%PDF")
    secrets = restricted_texts(sample_store.read_all())
    assert [secret for secret in secrets if secret in text] == []


@pytest.mark.parametrize("role", access.ROLES)
def test_nothing_restricted_appears_in_any_section(sample_store: SqlStore, role: str) -> None:
    who = member_with(sample_store, role)
    at = as_member(who["email"])
    at.query_params["since"] = (TODAY - timedelta(days=365)).isoformat()
    at.run()
    texts = [shown(at)]
    while not at.button(key="present.next").disabled:
        at.button(key="present.next").click().run()
        assert not at.exception
        texts.append(shown(at))
    everything = " ".join(texts)
    secrets = restricted_secrets(sample_store)
    assert secrets
    assert [secret for secret in secrets if secret[:40] in everything] == []


def test_a_signed_out_visitor_gets_the_sign_in(sample_store: SqlStore) -> None:
    at = app(PAGE, AUTH, {"is_logged_in": False})
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    assert not at.title or heading(at) == "Coalition Tracker"
