"""The coalition's lists: what an edited table means for the store (lib.lists)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib import lists, schema
from lib.store.sql import SqlStore


@pytest.fixture
def store(tmp_path) -> SqlStore:
    store = SqlStore(f"sqlite:///{tmp_path / 'lists.db'}")
    store.ensure_schema()
    return store


def stored(store: SqlStore, table: str, rows: list[dict]) -> pd.DataFrame:
    store.append(table, rows)
    store.clear_cache()
    return store.read(table)


def edit(frame: pd.DataFrame, position: int, **values: object) -> pd.DataFrame:
    edited = frame.copy()
    for name, value in values.items():
        edited.at[position, name] = value
    return edited


def add(frame: pd.DataFrame, **values: object) -> pd.DataFrame:
    row = {name: None for name in frame.columns} | values
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


def test_the_editor_shows_active_entries_first_typed_for_editing(store: SqlStore) -> None:
    candidates = stored(
        store,
        "candidates",
        [
            {"name": "Zoe Park", "election_date": "2027-02-16", "priorities": "housing; jobs"},
            {"name": "Al Moss", "active": False},
            {"name": "Bea Cruz"},
        ],
    )
    shown = lists.editor_frame("candidates", candidates)
    assert shown["name"].tolist() == ["Bea Cruz", "Zoe Park", "Al Moss"]
    assert list(shown.columns) == [*lists.HIDDEN, *lists.FIELDS["candidates"]]
    zoe = shown[shown["name"] == "Zoe Park"].iloc[0]
    assert zoe["priorities"] == ["housing", "jobs"]
    assert zoe["election_date"].date() == date(2027, 2, 16)
    assert lists.editor_frame("candidates", candidates, include_archived=False)[
        "name"
    ].tolist() == ["Bea Cruz", "Zoe Park"]


def test_an_edit_becomes_an_update_of_only_the_changed_fields_at_the_version_shown(
    store: SqlStore,
) -> None:
    issues = stored(store, "issues", [{"name": "Transit", "ask": "More buses"}])
    shown = lists.editor_frame("issues", issues)
    changes = lists.plan_changes("issues", shown, edit(shown, 0, ask="Free buses"))
    assert changes.errors == [] and changes.appends == []
    [update] = changes.updates
    assert update.id == issues.iloc[0]["id"]
    assert update.changes == {"ask": "Free buses"}
    assert update.expected_updated_at == issues.iloc[0]["updated_at"]
    assert update.action == "edited"


def test_unticking_active_archives_and_ticking_it_restores(store: SqlStore) -> None:
    partners = stored(store, "partners", [{"name": "Nurses United"}, {"name": "Old Friends"}])
    shown = lists.editor_frame("partners", partners)
    [archive] = lists.plan_changes("partners", shown, edit(shown, 0, active=False)).updates
    assert (archive.changes, archive.action) == ({"active": "FALSE"}, "archived")
    store.update("partners", archive.id, archive.changes)
    store.clear_cache()
    shown = lists.editor_frame("partners", store.read("partners"))
    archived_row = shown.index[~shown["active"]][0]
    [restore] = lists.plan_changes(
        "partners", shown, edit(shown, archived_row, active=True)
    ).updates
    assert restore.action == "restored"


def test_added_rows_become_appends_and_blank_added_rows_are_ignored(store: SqlStore) -> None:
    shown = lists.editor_frame("candidates", store.read("candidates"))
    edited = add(
        add(shown, name="Ana Díaz", stage="primary", priorities=["housing", "our own tag"]),
        active=True,
    )
    changes = lists.plan_changes("candidates", shown, edited)
    assert changes.errors == [] and changes.updates == []
    [record] = changes.appends
    assert record["name"] == "Ana Díaz"
    assert record["priorities"] == "housing; our own tag"
    assert "id" not in record  # the store makes the id


def test_unchanged_rows_give_no_changes_even_with_values_typed_by_hand(store: SqlStore) -> None:
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO candidates (id, name, election_date, priorities, stage, active) "
            "VALUES ('cand-1', 'Zoe Park', '11/3/2026', 'housing;jobs', 'Primary', 'yes')"
        )
    store.clear_cache()
    shown = lists.editor_frame("candidates", store.read("candidates"))
    assert lists.plan_changes("candidates", shown, shown.copy()).empty
    [update] = lists.plan_changes("candidates", shown, edit(shown, 0, party="Green")).updates
    assert update.changes == {"party": "Green"}  # the hand-typed cells are left as they are


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("name", "   ", "needs a name"),
        ("ask", "x" * (schema.MAX_CELL_CHARS + 1), "at most 50,000"),
        ("description", "y" * (schema.MAX_CELL_CHARS + 5), "Shorten it"),
    ],
)
def test_invalid_values_are_refused_naming_the_row_and_field(
    store: SqlStore, column: str, value: str, words: str
) -> None:
    issues = stored(store, "issues", [{"name": "Transit"}])
    shown = lists.editor_frame("issues", issues)
    changes = lists.plan_changes("issues", shown, edit(shown, 0, **{column: value}))
    [error] = changes.errors
    assert (error.row, error.column) == ("Transit", column)
    assert words in error.message
    assert lists.label(column) in str(error)


def test_a_choice_outside_the_schema_is_refused(store: SqlStore) -> None:
    shown = lists.editor_frame("candidates", stored(store, "candidates", [{"name": "Zoe"}]))
    [error] = lists.plan_changes("candidates", shown, edit(shown, 0, stage="semi-final")).errors
    assert error.column == "stage"
    assert all(label in error.message for label in schema.STAGE.labels.values())


def test_a_new_row_without_a_name_or_with_a_bad_email_is_refused(store: SqlStore) -> None:
    shown = lists.editor_frame("partners", store.read("partners"))
    edited = add(add(shown, kind="union"), name="Teachers", contact_email="not an email")
    errors = lists.plan_changes("partners", shown, edited).errors
    assert {(error.row, error.column) for error in errors} == {
        ("New row 1", "name"),
        ("New row 2", "contact_email"),
    }


def test_an_issue_name_already_used_even_by_an_archived_issue_is_refused(
    store: SqlStore,
) -> None:
    issues = stored(store, "issues", [{"name": "Transit", "active": False}, {"name": "Housing"}])
    shown = lists.editor_frame("issues", issues, include_archived=False)
    changes = lists.plan_changes("issues", shown, add(shown, name=" transit "), stored=issues)
    [error] = changes.errors
    assert error.row == "New row 1" and "already has this name" in error.message
    # Candidates may share a name: two people can.
    candidates = stored(store, "candidates", [{"name": "Sam Lee"}])
    shown = lists.editor_frame("candidates", candidates)
    assert not lists.plan_changes("candidates", shown, add(shown, name="Sam Lee")).errors


def test_saving_appends_updates_and_audits(store: SqlStore) -> None:
    issues = stored(store, "issues", [{"name": "Transit", "ask": "More buses"}])
    shown = lists.editor_frame("issues", issues)
    edited = add(edit(shown, 0, ask="Free buses", active=False), name="Housing")
    result = lists.save(store, "issues", lists.plan_changes("issues", shown, edited), "jo@x.org")
    assert result.added == ["Housing"] and [u.action for u in result.updated] == ["archived"]
    assert lists.summary("issues", result) == "Saved: added 1 issue, archived 1 issue."
    store.clear_cache()
    saved = store.read("issues").set_index("name")
    assert saved.loc["Transit", "ask"] == "Free buses"
    assert not saved.loc["Transit", "active"] and saved.loc["Housing", "active"]
    audit = store.read("audit")
    assert sorted(audit["action"]) == ["added", "archived"]
    assert set(audit["by"]) == {"jo@x.org"}


def test_a_record_changed_by_someone_else_is_reported_not_overwritten(store: SqlStore) -> None:
    issues = stored(store, "issues", [{"name": "Transit", "ask": "More buses"}])
    shown = lists.editor_frame("issues", issues)
    store.update("issues", issues.iloc[0]["id"], {"ask": "Their ask"})  # someone else, meanwhile
    changes = lists.plan_changes("issues", shown, edit(shown, 0, ask="My ask"))
    result = lists.save(store, "issues", changes, "me")
    [(update, reason)] = result.failed
    assert "Someone else changed" in reason
    store.clear_cache()
    assert store.read("issues").iloc[0]["ask"] == "Their ask"
    unsaved = lists.unsaved_rows("issues", result.failed)
    assert unsaved.to_dict("records") == [
        {"Entry": "Transit", "Field": "Ask", "Your value": "My ask"}
    ]


def test_a_save_with_one_conflict_saves_nothing_and_keeps_everything_typed(
    store: SqlStore,
) -> None:
    issues = stored(
        store, "issues", [{"name": "Transit", "ask": "More buses"}, {"name": "Parks", "ask": "x"}]
    )
    shown = lists.editor_frame("issues", issues)
    edited = add(edit(edit(shown, 0, ask="My ask"), 1, ask="Open later"), name="Housing")
    changes = lists.plan_changes("issues", shown, edited)
    store.update("issues", issues.iloc[1]["id"], {"ask": "Their ask"})  # someone else, meanwhile
    before = {name: len(frame) for name, frame in store.read_all().items()}
    result = lists.save(store, "issues", changes, "me")
    assert not result.wrote and len(result.failed) == 2
    assert "Someone else changed" in dict((u.name, r) for u, r in result.failed)["Parks"]
    store.clear_cache()
    after = store.read_all()
    assert {name: len(frame) for name, frame in after.items()} == before  # no issue, no audit
    assert after["issues"].set_index("name")["ask"].to_dict() == {
        "Transit": "More buses",
        "Parks": "Their ask",
    }
    unsaved = lists.unsaved_rows("issues", result.failed, result.not_added)
    assert {"My ask", "Open later", "Housing"} <= set(unsaved["Your value"])


def test_a_list_save_is_one_write_with_its_audit_rows(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    issues = stored(store, "issues", [{"name": "Transit", "ask": "More buses"}])
    shown = lists.editor_frame("issues", issues)
    changes = lists.plan_changes("issues", shown, add(edit(shown, 0, ask="Free"), name="Parks"))
    writes = []
    real = store.change
    monkeypatch.setattr(store, "change", lambda *a, **k: writes.append(a) or real(*a, **k))
    monkeypatch.setattr(store, "append", lambda *a, **k: pytest.fail("a second write"))
    monkeypatch.setattr(store, "update", lambda *a, **k: pytest.fail("a second write"))
    lists.save(store, "issues", changes, "me")
    assert len(writes) == 1
    store.clear_cache()
    assert sorted(store.read("audit")["action"]) == ["added", "edited"]


def test_options_keep_values_already_in_use_after_the_suggestions(store: SqlStore) -> None:
    partners = stored(store, "partners", [{"name": "A", "strengths": "labor; bike couriers"}])
    options = lists.options("partners", "strengths", partners, schema.SUGGESTED_STRENGTHS)
    assert options[: len(schema.SUGGESTED_STRENGTHS)] == list(schema.SUGGESTED_STRENGTHS)
    assert options[len(schema.SUGGESTED_STRENGTHS) :] == ["bike couriers"]


def test_has_edits_reads_the_editor_state() -> None:
    assert not lists.has_edits(None)
    assert not lists.has_edits({"edited_rows": {}, "added_rows": [], "deleted_rows": []})
    assert lists.has_edits({"edited_rows": {0: {"name": "x"}}})
    assert lists.has_edits({"added_rows": [{"name": "x"}]})
