"""The Settings pages can be trusted with what it writes: text shows as typed, websites cannot carry
an image, every write asks afresh whether the admin still may, and nothing half-fits a cell."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import access, lists, schema
from lib.audit import DETAIL_CHARS
from lib.store import sql
from lib.store.sql import SqlStore
from tests.apptest import app, as_read
from tests.test_roles import AUTH

COALITION = "pages/settings.py"
LISTS = "pages/settings_lists.py"
MEMBERS = "pages/settings_members.py"
BREAKOUT = "https://ok.example)![x](http://198.51.100.7/x.png)"


def click(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def texts(elements) -> str:
    """What the elements say, as read on screen (Markdown escapes removed)."""
    return " ".join(as_read(element.value) for element in elements)


def fresh(store: SqlStore, table: str) -> pd.DataFrame:
    store.clear_cache()
    return store.read(table)


def type_into(at: AppTest, key: str, edited: dict | None = None, added: list | None = None) -> None:
    at.session_state[key] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": [],
    }
    at.run()


# --- escaping ------------------------------------------------------------------------------------


def test_a_name_typed_as_markdown_shows_as_typed_in_the_lists_messages(
    sample_store: SqlStore,
) -> None:
    hostile = "![x](http://198.51.100.7/x.png) **Housing**"
    sample_store.append("issues", [{"name": hostile}])
    at = app(LISTS)
    row = at.data_editor(key="settings.issues.editor").value["name"].tolist().index(hostile)
    type_into(at, "settings.issues.editor", edited={row: {"name": ""}})
    click(at, "Save the issues")
    assert not at.exception
    [error] = at.error
    assert "![x](" not in error.value and "**Housing**" not in error.value
    assert f"{hostile}, Name: Every issue needs a name." in texts(at.error)


# --- websites ------------------------------------------------------------------------------------


def website_errors(website: str) -> list[str]:
    shown = lists.editor_frame(
        "candidates", pd.DataFrame(columns=schema.table("candidates").column_names)
    )
    edited = pd.concat(
        [shown, pd.DataFrame([{"name": "Ana Díaz", "website": website}])], ignore_index=True
    )
    return [str(error) for error in lists.plan_changes("candidates", shown, edited).errors]


def test_a_website_that_could_break_out_of_its_link_is_refused() -> None:
    [message] = website_errors(BREAKOUT)
    assert message.startswith("New row 1, Website: ") and "is not a web address" in message
    [message] = website_errors("https://ok.example/a)![x](http://198.51.100.7/x.png)")
    assert "write it as https://ok.example/a%29!%5Bx%5D%28http://198.51.100.7/x.png%29" in message
    assert "start it with https://" in website_errors("javascript:alert(1)")[0]
    assert website_errors("https://Example.org/Campaign%20Page?ref=1#top") == []


def test_the_lists_page_refuses_such_a_website_next_to_its_row(sample_store: SqlStore) -> None:
    before = fresh(sample_store, "candidates")
    at = app(LISTS)
    typed = [{"name": "Ana Díaz", "website": BREAKOUT}]
    type_into(at, "settings.candidates.editor", added=typed)
    click(at, "Save the candidates")
    assert not at.exception
    assert "New row 1, Website: " in texts(at.error)
    assert "is not a web address" in texts(at.error)
    assert fresh(sample_store, "candidates").equals(before)
    assert at.session_state["settings.candidates.editor"]["added_rows"] == typed


# --- permission at the moment of writing ---------------------------------------------------------


@pytest.fixture
def admin_then_viewer(sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch):
    """A function that opens a page signed in as an admin, and one that demotes them to viewer in
    the store, as a second admin would, while the app's read of the members list is still the
    earlier one (as it is on a Google Sheet for up to half a minute)."""
    members = sample_store.read("members")
    admin = members[members["role"] == "admin"]["email"].iloc[0]
    other = members[members["role"] == "advocate"]["email"].iloc[0]
    sample_store.update("members", other, {"role": "admin"})  # one admin must remain

    def demote() -> None:
        monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 3600.0)
        sample_store.update("members", admin, {"role": "viewer"})

    def open_as_admin(page: str) -> AppTest:
        at = app(page, AUTH, {"is_logged_in": True, "email": admin})
        assert not at.exception
        assert not [info for info in at.info if "does not allow you" in info.value]
        return at

    return open_as_admin, demote


def unchanged_except_members(store: SqlStore, before: dict[str, pd.DataFrame]) -> bool:
    store.clear_cache()
    after = store.read_all()
    return all(after[name].equals(before[name]) for name in before if name != "members")


def test_a_list_save_by_an_admin_demoted_meanwhile_is_refused(
    sample_store: SqlStore, admin_then_viewer
) -> None:
    open_as_admin, demote = admin_then_viewer
    at = open_as_admin(LISTS)
    typed = [{"name": "Safe streets"}]
    type_into(at, "settings.issues.editor", added=typed)
    before = sample_store.read_all()
    demote()
    click(at, "Save the issues")
    assert not at.exception
    assert "Your role is now viewer" in texts(at.error)
    assert unchanged_except_members(sample_store, before)
    assert at.session_state["settings.issues.editor"]["added_rows"] == typed


def test_a_members_save_by_an_admin_demoted_meanwhile_is_refused(
    sample_store: SqlStore, admin_then_viewer
) -> None:
    open_as_admin, demote = admin_then_viewer
    at = open_as_admin(MEMBERS)
    typed = [{"email": "new.person@example.org", "role": "admin", "active": True}]
    type_into(at, "settings.members.editor", added=typed)
    demote()
    members_before = fresh(sample_store, "members")
    before = sample_store.read_all()
    click(at, "Save members")
    assert not at.exception
    assert "Your role is now viewer" in texts(at.error)
    assert fresh(sample_store, "members").equals(members_before)
    assert unchanged_except_members(sample_store, before)
    assert at.session_state["settings.members.editor"]["added_rows"] == typed


def test_the_coalition_settings_save_by_an_admin_demoted_meanwhile_is_refused(
    sample_store: SqlStore, admin_then_viewer
) -> None:
    open_as_admin, demote = admin_then_viewer
    at = open_as_admin(COALITION)
    at.text_input(key="settings.coalition.name").input("Taken over").run()
    before = sample_store.read_all()
    demote()
    click(at, "Save the coalition's settings")
    assert not at.exception
    assert "Your role is now viewer" in texts(at.error)
    assert unchanged_except_members(sample_store, before)
    assert at.text_input(key="settings.coalition.name").value == "Taken over"


# --- cell limits ---------------------------------------------------------------------------------


def test_a_member_with_a_name_as_long_as_a_cell_allows_is_saved_with_its_audit_row(
    sample_store: SqlStore,
) -> None:
    name = "n" * (schema.MAX_CELL_CHARS - 1)
    at = app(MEMBERS)
    type_into(
        at,
        "settings.members.editor",
        added=[{"email": "long@example.org", "name": name, "role": "viewer", "active": True}],
    )
    click(at, "Save members")
    assert not at.exception
    assert fresh(sample_store, "members").set_index("email").loc["long@example.org", "name"] == name
    [logged] = (
        fresh(sample_store, "audit").query("record_id == 'long@example.org'").to_dict("records")
    )
    assert len(logged["detail"]) == DETAIL_CHARS and logged["detail"].endswith("…")


def test_a_member_name_longer_than_a_cell_is_refused_before_anything_is_written(
    sample_store: SqlStore,
) -> None:
    before = sample_store.read_all()
    at = app(MEMBERS)
    type_into(
        at,
        "settings.members.editor",
        added=[
            {
                "email": "long@example.org",
                "name": "n" * (schema.MAX_CELL_CHARS + 1),
                "role": "viewer",
                "active": True,
            }
        ],
    )
    assert not at.exception
    assert "Name: Name is 50,001 characters long" in texts(at.error)
    [save] = [button for button in at.button if button.label == "Save members"]
    assert save.disabled  # so it cannot be clicked
    sample_store.clear_cache()
    after = sample_store.read_all()
    assert all(after[table].equals(before[table]) for table in before)


def test_a_list_entry_as_long_as_a_cell_allows_is_saved_with_a_short_audit_row(
    sample_store: SqlStore,
) -> None:
    name = "p" * (schema.MAX_CELL_CHARS - 1)
    at = app(LISTS)
    type_into(
        at,
        "settings.partners.editor",
        added=[{"name": name, "notes": "q" * (schema.MAX_CELL_CHARS - 1)}],
    )
    click(at, "Save the partner organisations")
    assert not at.exception
    assert "Saved: added 1 partner organisation." in texts(at.success)
    partner = fresh(sample_store, "partners").set_index("name").loc[name]
    [logged] = (
        fresh(sample_store, "audit").query(f"record_id == '{partner['id']}'").to_dict("records")
    )
    assert len(logged["detail"]) == DETAIL_CHARS and logged["detail"].endswith("…")


def test_saving_a_list_checks_every_cell_before_the_first_write(tmp_path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'lists.db'}")
    store.ensure_schema()
    changes = lists.Changes(
        appends=[{"name": "Fine"}, {"name": "Too long", "notes": "x" * (schema.MAX_CELL_CHARS + 1)}]
    )
    result = lists.save(store, "partners", changes, "jo@example.org")
    assert result.error.startswith("Too long, Notes: Notes is 50,001 characters long")
    assert not result.wrote
    assert store.read("partners").empty and store.read("audit").empty


# --- a new member's Active box -------------------------------------------------------------------


def members_frame(rows: list[dict]) -> pd.DataFrame:
    return schema.normalise("members", pd.DataFrame(rows, dtype=object).fillna(""))


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA, ""])
def test_a_new_member_whose_active_cell_is_not_a_ticked_box_gets_no_access(blank: object) -> None:
    before = members_frame(
        [{"email": "dana@example.org", "name": "Dana", "role": "admin", "active": "TRUE"}]
    )
    added = pd.DataFrame(
        [
            {"email": "sam@example.org", "name": "Sam", "role": "admin", "active": blank},
            {"email": "jo@example.org", "name": "Jo", "role": "viewer", "active": True},
        ],
        dtype=object,
    )
    edited = pd.concat([before, added], ignore_index=True)
    changes = access.plan_member_changes(before, edited)
    assert changes.errors == []
    assert {row["email"]: row["active"] for row in changes.added} == {
        "sam@example.org": False,
        "jo@example.org": True,
    }


def test_a_blank_active_cell_does_not_count_as_the_remaining_admin() -> None:
    before = members_frame(
        [{"email": "dana@example.org", "name": "Dana", "role": "admin", "active": "TRUE"}]
    )
    edited = before.copy()
    edited.loc[0, "active"] = False
    edited = pd.concat(
        [edited, pd.DataFrame([{"email": "sam@example.org", "role": "admin", "active": None}])],
        ignore_index=True,
    )
    assert "At least one active admin" in access.plan_member_changes(before, edited).errors[0]
