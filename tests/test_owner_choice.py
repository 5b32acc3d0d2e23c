"""The report form's owners: chosen from the coalition's members, or typed for someone without an
account, and kept as typed in a draft brought back after a restart."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.drafts import Drafts
from lib.store.sql import SqlStore
from tests.test_drafts import click, reopened, stored, typed
from tests.test_report_page import type_owner


def outcome_ids(at: AppTest) -> tuple[str, str]:
    """The report's commitment and a new follow-up action's row ids."""
    click(at, "Add a follow-up action")
    draft = at.session_state["report.draft"]
    return draft["commitments"][0]["id"], draft["actions"][0]["id"]


def test_owners_are_offered_from_the_members_by_name(sample_store: SqlStore) -> None:
    at = typed(sample_store, "Owners offered")
    commitment, action = outcome_ids(at)
    names = sorted(sample_store.read("members").query("active")["name"])
    for widget in (f"report.commitments.{commitment}.owner", f"report.actions.{action}.owner"):
        box = at.selectbox(key=widget)
        assert sorted(box.options) == names  # names only: no addresses on offer
        assert box.value is None


def test_an_owner_typed_for_someone_without_an_account_survives_a_restart(
    sample_store: SqlStore,
) -> None:
    at = typed(sample_store, "A volunteer follows up")
    commitment, action = outcome_ids(at)
    type_owner(at, f"report.commitments.{commitment}.owner", "Marisol from the tenants union")
    type_owner(at, f"report.actions.{action}.owner", "Siobhán Kelly")
    at.text_input(key=f"report.actions.{action}.title").input("Send the flyer")
    at.run()

    back = reopened(at.session_state["report.draft"]["id"])
    box = back.selectbox(key=f"report.commitments.{commitment}.owner")
    assert box.value == "Marisol from the tenants union"
    assert "Marisol from the tenants union" in box.options  # shown, not only held
    assert back.selectbox(key=f"report.actions.{action}.owner").value == "Siobhán Kelly"
    click(back, "Save the report")
    assert back.success[0].value.startswith("**Report saved.**")
    assert stored(sample_store, "commitments", "owner", "Marisol from the tenants union") == 1
    assert stored(sample_store, "actions", "title", "Send the flyer") == 1


def test_a_draft_kept_when_owners_were_typed_in_a_text_box_comes_back(
    sample_store: SqlStore, own_outbox: Path
) -> None:
    at = typed(sample_store, "Kept by the earlier form")
    commitment, action = outcome_ids(at)
    report_id = at.session_state["report.draft"]["id"]
    kept = Drafts(own_outbox).find(sample_store.identity, "local admin", report_id)
    # The earlier form kept an untouched owner as "" and a typed one as its text.
    values = {
        **kept.values,
        f"report.commitments.{commitment}.owner": "Jo",
        f"report.actions.{action}.owner": "",
    }
    Drafts(own_outbox).keep(sample_store.identity, "local admin", report_id, values)

    back = reopened(report_id)
    assert not back.exception
    assert back.selectbox(key=f"report.commitments.{commitment}.owner").value == "Jo"
    assert back.selectbox(key=f"report.actions.{action}.owner").value is None
    click(back, "Save the report")
    assert back.success[0].value.startswith("**Report saved.**")
    assert stored(sample_store, "commitments", "owner", "Jo") == 1
