"""My follow-ups (/mine) under AppTest, with sign-in on: each member sees exactly what they owe,
updates it there, and cannot update what is not theirs; the sidebar counts what is due."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from lib import access, outbox, owners, schema
from lib.my_followups import mine
from lib.my_followups.items import KINDS, due_soon, items_for
from lib.store.sql import SqlStore
from tests.apptest import app, as_read
from tests.test_roles import AUTH

PAGE = "pages/mine.py"
TOMAS = "tomas.herrera@example.org"
GUS = "gus.petrakis@example.org"  # the sample's viewer
RAFAEL = "rafael.quintero@example.org"  # staff


def as_member(email: str, page: str | None = PAGE) -> AppTest:
    return app(page, AUTH, {"is_logged_in": True, "email": email})


def expected_items(store: SqlStore, email: str) -> pd.DataFrame:
    """What ``email`` owes, from the tables as stored now and as that member may see them."""
    store.clear_cache()
    tables = store.read_all()
    member = access.member_for(email, tables["members"])
    everyone = owners.people(tables["members"], tables["partners"])
    person = owners.with_email(email, everyone)
    return items_for(access.visible_for(tables, member), person, everyone, date.today())


def line(item: pd.Series) -> str:
    """An item's heading as the page shows it."""
    candidate = f" · {item['candidate']}" if item["candidate"] else ""
    return f"**{KINDS[item['kind']]}**{candidate}: {item['what']}"


def shown_items(at: AppTest) -> list[str]:
    headings = tuple(f"**{kind}**" for kind in KINDS.values())
    return [as_read(element.value) for element in at.markdown if element.value.startswith(headings)]


def form_of(at: AppTest, commitment_id: str) -> Block:
    [form] = [form for form in at.form if form.key == f"mine.form.{commitment_id}"]
    return form


def save_status(at: AppTest, commitment_id: str, status: str, note: str = "") -> AppTest:
    at.selectbox(key=f"mine.status.{commitment_id}").set_value(status)
    if note:
        at.text_input(key=f"mine.note.{commitment_id}").input(note)
    return form_of(at, commitment_id).button[0].click().run()


def nav_title(at: AppTest, page: str = PAGE) -> str:
    """The page's name in the sidebar's navigation (Streamlit keeps it with the page)."""
    pages = at._registered_pages.values()  # AppTest shows it nowhere else
    [title] = [info["page_name"] for info in pages if info["script_path"].endswith(page)]
    return title


def first_of(items: pd.DataFrame, kind: str) -> pd.Series:
    return items[items["kind"] == kind].iloc[0]


def add_unanswered_invitation(store: SqlStore, sent_by: str) -> str:
    """A questionnaire link ``sent_by`` sent a week ago, still unanswered; returns its title."""
    candidate = store.read("candidates").iloc[0]["id"]
    title = "Housing questionnaire 2026"
    [questionnaire] = store.append(
        "questionnaires",
        [
            {
                "series_id": "qs-housing",
                "version": "1",
                "title": title,
                "candidate_ids": candidate,
                "deadline": date.today() + timedelta(days=5),
                "visibility": "coalition",
            }
        ],
    )
    store.append(
        "invitations",
        [
            {
                "questionnaire_id": questionnaire,
                "candidate_id": candidate,
                "contact_email": "campaign@example.net",
                "token_hash": "not-a-real-hash",
                "status": "sent",
                "sent_at": "2026-11-20T10:00:00+00:00",
                "sent_by": sent_by,
                "revoked": False,
            }
        ],
    )
    return title


def test_an_advocate_sees_exactly_their_follow_ups_overdue_first(sample_store: SqlStore) -> None:
    title = add_unanswered_invitation(sample_store, TOMAS)
    at = as_member(TOMAS)
    assert not at.exception
    expected = expected_items(sample_store, TOMAS)
    assert set(expected["kind"]) == {"commitment", "action", "invitation"}
    assert shown_items(at) == [line(item) for _, item in expected.iterrows()]
    assert list(expected["overdue"]) == sorted(expected["overdue"], reverse=True)
    assert any(f"Not yet answered: {title}" in text for text in shown_items(at))
    assert [link.proto.page for link in at.get("page_link")] == ["questionnaires"]

    # Nobody else's: every other open commitment and unfinished action is left out.
    tables = sample_store.read_all()
    everyone = owners.people(tables["members"], tables["partners"])
    tomas = owners.with_email(TOMAS, everyone)
    commitments = tables["commitments"]
    others = commitments[~owners.owned_by(commitments["owner"], tomas, everyone)]
    shown = " ".join(shown_items(at))
    assert not [text for text in others["text"] if text in shown]
    # The sample's other members all own follow-ups that Tomás does not see.
    assert {"Dana Okafor", "Jordan Ellison"} <= set(others["owner"])
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Open follow-ups"] == str(len(expected))
    assert metrics["Overdue"] == str(int(expected["overdue"].sum()))


def test_a_status_set_from_my_follow_ups_writes_its_dated_update(sample_store: SqlStore) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    updates_before = len(sample_store.read("updates"))
    save_status(at, commitment["id"], "kept")
    assert not at.exception
    assert "is now Promise kept" in as_read(at.success[0].value)

    sample_store.clear_cache()
    tables = sample_store.read_all()
    stored = tables["commitments"].set_index("id").loc[commitment["id"]]
    assert stored["status"] == "kept"
    assert stored["updated_at"] != commitment["updated_at"]
    updates = tables["updates"]
    assert len(updates) == updates_before + 1
    written = updates[updates["commitment_id"] == commitment["id"]].iloc[-1]
    assert (written["status"], written["date"], written["created_by"]) == (
        "kept",
        date.today().isoformat(),
        TOMAS,
    )
    assert written["note"] == "Status set to Promise kept from My follow-ups by Tomás Herrera."
    audit = tables["audit"][tables["audit"]["record_id"] == commitment["id"]].iloc[-1]
    assert (audit["by"], audit["action"]) == (TOMAS, "updated status")
    assert audit["table"] == "commitments"
    assert schema.problems_of(updates) == []
    # Kept is not open: it has left the list.
    assert not [text for text in shown_items(at) if commitment["what"] in text]


def test_a_note_typed_with_the_status_is_the_update_s_note(sample_store: SqlStore) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    save_status(at, commitment["id"], "in_the_works", "Called the office; a vote is set for May")
    sample_store.clear_cache()
    updates = sample_store.read("updates")
    written = updates[updates["commitment_id"] == commitment["id"]].iloc[-1]
    assert written["note"] == "Called the office; a vote is set for May"
    # Still open: it stays, with its new status.
    assert at.selectbox(key=f"mine.status.{commitment['id']}").value == "in_the_works"


def test_keeping_the_status_without_a_note_writes_nothing(sample_store: SqlStore) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    before = len(sample_store.read("updates"))
    save_status(at, commitment["id"], commitment["status"])
    assert "Choose a new status, or write a note" in at.error[0].value
    sample_store.clear_cache()
    assert len(sample_store.read("updates")) == before


def test_an_action_is_marked_done_with_its_audit_row(sample_store: SqlStore) -> None:
    at = as_member(TOMAS)
    action = first_of(expected_items(sample_store, TOMAS), "action")
    at.button(key=f"mine.done.{action['id']}").click().run()
    assert not at.exception
    assert "Marked done" in as_read(at.success[0].value)
    sample_store.clear_cache()
    tables = sample_store.read_all()
    stored = tables["actions"].set_index("id").loc[action["id"]]
    assert bool(stored["done"]) is True
    assert stored["updated_at"] != action["updated_at"]
    audit = tables["audit"][tables["audit"]["record_id"] == action["id"]].iloc[-1]
    assert (audit["by"], audit["action"], audit["table"]) == (TOMAS, "marked done", "actions")
    assert not [text for text in shown_items(at) if action["what"] in text]


def test_a_viewer_sees_what_they_own_but_cannot_update_it(sample_store: SqlStore) -> None:
    commitment = sample_store.read("commitments").query("status == 'in_the_works'").iloc[0]
    sample_store.update(
        "commitments", commitment["id"], {"owner": "Gus Petrakis", "visibility": "coalition"}
    )
    at = as_member(GUS)
    assert not at.exception
    assert any(commitment["text"] in text for text in shown_items(at))
    assert not at.form and not [b for b in at.button if b.label == "Mark done"]
    assert "Your role (viewer) lets you see these" in as_read(at.caption[0].value)
    # Nor could a write of theirs carry it: their role is checked when it is made.
    ops = [
        outbox.check_op(GUS, mine.OWN),
        outbox.update_op("commitments", commitment["id"], {"status": "kept"}, None),
    ]
    with pytest.raises(access.NotAllowed):
        outbox.apply_ops(sample_store, ops)


def test_an_advocate_cannot_update_a_commitment_that_is_no_longer_theirs(
    sample_store: SqlStore,
) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    updates_before = len(sample_store.read("updates"))
    # Handed to Dana by retyping the owner cell in the sheet: the row's updated_at stays as it
    # was, so only the ownership check, made when the write is made, can catch it.
    with sample_store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE commitments SET owner = 'Dana Okafor' WHERE id = ?", (commitment["id"],)
        )
    sample_store.clear_cache()
    save_status(at, commitment["id"], "kept")
    assert "no longer yours to update" in as_read(at.error[0].value)
    sample_store.clear_cache()
    assert len(sample_store.read("updates")) == updates_before
    stored = sample_store.read("commitments").set_index("id").loc[commitment["id"]]
    assert stored["status"] == commitment["status"]


def test_an_advocate_cannot_write_to_a_commitment_someone_else_owns(
    sample_store: SqlStore,
) -> None:
    commitments = sample_store.read("commitments")
    danas = commitments[commitments["owner"] == "Dana Okafor"].iloc[0]
    ops = [
        outbox.check_op(TOMAS, mine.OWN),
        outbox.owner_op(TOMAS, "commitments", danas["id"]),
        outbox.update_op("commitments", danas["id"], {"status": "broken"}, danas["updated_at"]),
    ]
    with pytest.raises(access.NotAllowed, match="no longer yours"):
        outbox.apply_ops(sample_store, ops)
    sample_store.clear_cache()
    assert (
        sample_store.read("commitments").set_index("id").loc[danas["id"], "status"]
        == (danas["status"])
    )
    # Staff update any commitment: no ownership check goes with theirs.
    staff = access.member_for(RAFAEL, sample_store.read("members"))
    assert mine.permission(staff) == mine.ANY
    assert mine.ownership_checks(staff, "commitments", danas["id"]) == []


def test_someone_else_s_change_meanwhile_is_not_overwritten(sample_store: SqlStore) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    sample_store.update("commitments", commitment["id"], {"status": "broken"})
    save_status(at, commitment["id"], "kept")
    assert "someone else changed this commitment first" in as_read(at.warning[0].value)
    sample_store.clear_cache()
    stored = sample_store.read("commitments").set_index("id").loc[commitment["id"]]
    assert stored["status"] == "broken"


def test_an_advocate_demoted_while_the_page_was_open_saves_nothing(
    sample_store: SqlStore,
) -> None:
    at = as_member(TOMAS)
    commitment = first_of(expected_items(sample_store, TOMAS), "commitment")
    sample_store.update("members", TOMAS, {"role": "viewer"})
    save_status(at, commitment["id"], "kept")
    assert "Your role is now viewer" in as_read(at.error[0].value)
    sample_store.clear_cache()
    stored = sample_store.read("commitments").set_index("id").loc[commitment["id"]]
    assert stored["status"] == commitment["status"]


def test_the_sidebar_counts_what_is_overdue_or_due_within_a_week(sample_store: SqlStore) -> None:
    at = as_member(TOMAS, None)
    due = due_soon(expected_items(sample_store, TOMAS), date.today())
    assert len(due) > 0
    assert nav_title(at) == f"My follow-ups ({len(due)})"

    overdue = due[due["kind"] == "commitment"].iloc[0]
    sample_store.update("commitments", overdue["id"], {"status": "kept"})
    at.run()
    assert nav_title(at) == f"My follow-ups ({len(due) - 1})"
    assert nav_title(as_member(GUS, None)) == "My follow-ups"  # owes nothing: no count


def test_with_sign_in_off_the_page_asks_whose_follow_ups(sample_store: SqlStore) -> None:
    at = app(PAGE)
    assert not at.exception
    assert nav_title(at) == "My follow-ups"
    chooser = at.selectbox(key="mine.person")
    assert chooser.label == "Whose follow-ups?"
    assert "Tomás Herrera" in chooser.options
    assert not shown_items(at)

    tables = sample_store.read_all()
    everyone = owners.people(tables["members"], tables["partners"])
    tomas = owners.with_email(TOMAS, everyone)
    chooser.set_value(tomas).run()
    expected = items_for(tables, tomas, everyone, date.today())
    assert shown_items(at) == [line(item) for _, item in expected.iterrows()]
    # The local admin may update any of them.
    commitment = first_of(expected, "commitment")
    status = "in_the_works" if commitment["status"] != "in_the_works" else "stalled"
    save_status(at, commitment["id"], status)
    sample_store.clear_cache()
    updates = sample_store.read("updates")
    written = updates[updates["commitment_id"] == commitment["id"]].iloc[-1]
    label = schema.COMMITMENT_STATUS.label(status)
    assert written["note"] == f"Status set to {label} from My follow-ups by Local admin."


def test_someone_who_owes_nothing_is_told_so(sample_store: SqlStore) -> None:
    at = as_member(GUS)
    assert not at.exception
    assert [info.value for info in at.info] == ["Nothing is waiting on you."]
