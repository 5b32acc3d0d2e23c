"""Overview, Candidates and Commitments under AppTest on the sample coalition."""

from __future__ import annotations

import json
from datetime import date

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from lib import analytics, schema
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.apptest import app, metrics


def app_at(page: str, **query: str | list[str]) -> AppTest:
    """The app opened on a URL with these query parameters, as from a shared link."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def chart_spec(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("vega_lite_chart")[index].proto.spec)


def chart_data(at: AppTest, index: int = 0) -> list[dict]:
    """The rows a chart draws: Streamlit sends a specification's inline data apart, as Arrow."""
    chart = at.get("vega_lite_chart")[index]
    return convert_arrow_bytes_to_pandas_df(chart.proto.data.data).to_dict("records")


def chart_candidates(at: AppTest, index: int = 0) -> list[str]:
    """The candidates a chart has a row for, by name: one per row, even if two share a name."""
    rows = {row["candidate"]: row["candidate_name"] for row in chart_data(at, index)}
    return sorted(rows.values())


def test_overview_headline_figures_match_the_data(sample_store: SqlStore) -> None:
    at = app()
    figures = analytics.headline(sample_store.read_all(), date.today())
    shown = metrics(at)
    assert shown["Candidates engaged"] == str(figures["candidates_engaged"])
    assert shown["Reports, last 30 days"] == str(figures["interactions_30_days"])
    assert shown["Open commitments"] == str(figures["open_commitments"])
    assert shown["Overdue follow-ups"] == str(figures["overdue_follow_ups"])
    assert shown["Promises kept"] == str(figures["kept"])
    labels = [schema.COMMITMENT_STATUS.label(s) for s in schema.COMMITMENT_STATUS.values]
    assert [row["status"] for row in chart_data(at)] == labels
    assert chart_spec(at)["encoding"]["y"]["sort"] == labels
    counts = sample_store.read("commitments")["status"].value_counts()
    assert [row["count"] for row in chart_data(at)] == [
        counts.get(s, 0) for s in schema.COMMITMENT_STATUS.values
    ]
    due = at.dataframe[0].value
    assert not due.empty and (due["Due"] >= date.today().isoformat()).all()
    assert "Owner" in due.columns


def test_candidates_matrix_follows_the_stage_filter(sample_store: SqlStore) -> None:
    candidates = sample_store.read("candidates")
    at = app("pages/candidates.py")
    assert chart_candidates(at) == sorted(candidates["name"])
    at.multiselect(key="cand.stages").set_value(["primary"]).run()
    primary = candidates[candidates["stage"] == "primary"]["name"]
    assert chart_candidates(at) == sorted(primary)
    profiles = at.dataframe[0].value
    assert sorted(profiles["Candidate"]) == sorted(primary)


def test_a_profile_link_shows_the_candidates_record_and_shifts(sample_store: SqlStore) -> None:
    tables = sample_store.read_all()
    shifts = analytics.stance_shifts(tables["positions"], tables["interactions"])
    candidate = tables["candidates"].set_index("id").loc[shifts[0].candidate_id]
    at = app_at("pages/candidates.py", candidate=shifts[0].candidate_id)
    assert not at.exception
    assert at.title[0].value == candidate["name"]
    text = " ".join(element.value for element in at.markdown)
    assert "moved from" in text
    commitments = at.dataframe[1].value
    own = tables["commitments"][tables["commitments"]["candidate_id"] == shifts[0].candidate_id]
    assert sorted(commitments["Id"]) == sorted(own["id"])
    assert len(at.expander) == int(
        (tables["interactions"]["candidate_id"] == shifts[0].candidate_id).sum()
    )


def test_a_link_to_an_unknown_candidate_says_so(sample_store: SqlStore) -> None:
    at = app_at("pages/candidates.py", candidate="cand-gone")
    assert not at.exception
    assert "names no candidate" in at.warning[0].value


def test_commitments_link_filters_by_candidate(sample_store: SqlStore) -> None:
    commitments = sample_store.read("commitments")
    candidate_id = commitments["candidate_id"].iloc[0]
    at = app_at("pages/commitments.py", candidate=candidate_id)
    own = commitments[commitments["candidate_id"] == candidate_id]
    assert metrics(at)["Commitments shown"] == str(len(own))
    assert sorted(at.dataframe[0].value["Id"]) == sorted(own["id"])
    assert at.multiselect(key="cmt.candidates").value == [candidate_id]
    assert chart_candidates(at) == [
        sample_store.read("candidates").set_index("id").loc[candidate_id, "name"]
    ]
    assert sum(row["count"] for row in chart_data(at)) == len(own)


def test_filters_change_the_view_and_the_url_reproduces_it(sample_store: SqlStore) -> None:
    commitments = sample_store.read("commitments")
    at = app("pages/commitments.py")
    assert metrics(at)["Commitments shown"] == str(len(commitments))
    statuses, windows = ["not_yet_rated", "in_the_works"], ["next_14_days", "no_date"]
    at.multiselect(key="cmt.statuses").set_value(statuses)
    at.multiselect(key="cmt.due").set_value(windows).run()
    in_window = analytics.due_window(commitments, windows[0], date.today()) | analytics.due_window(
        commitments, windows[1], date.today()
    )
    expected = commitments[commitments["status"].isin(statuses) & in_window]
    assert 0 < len(expected) < len(commitments)
    assert metrics(at)["Commitments shown"] == str(len(expected))
    assert at.query_params["status"] == statuses
    assert at.query_params["due"] == windows

    shared = app_at("pages/commitments.py", status=statuses, due=windows)
    assert sorted(shared.dataframe[0].value["Id"]) == sorted(expected["id"])


def test_a_stale_link_value_is_ignored(sample_store: SqlStore) -> None:
    at = app_at("pages/commitments.py", status=["kept", "teleported"], issue="iss-gone")
    assert not at.exception
    assert at.multiselect(key="cmt.statuses").value == ["kept"]
    assert at.multiselect(key="cmt.issues").value == []


def select_rows(at: AppTest, rows: list[int]) -> AppTest:
    at.session_state["cmt.table"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def save_update(at: AppTest, status: str, note: str) -> AppTest:
    at.selectbox(key="cmt.new_status").set_value(status)
    at.text_area(key="cmt.new_note").input(note)
    [save] = [button for button in at.button if button.label == "Save the update"]
    return save.click().run()


def test_a_status_update_writes_the_history_and_the_commitment(sample_store: SqlStore) -> None:
    at = app("pages/commitments.py")
    target = at.dataframe[0].value.iloc[0]["Id"]
    before = len(sample_store.read("updates"))
    select_rows(at, [0])
    save_update(at, "kept", "Voted yes on 11/20; confirmed with her office")
    assert not at.exception
    assert at.success[0].value == "Saved the update to 1 commitment."
    sample_store.clear_cache()
    tables = sample_store.read_all()
    assert tables["commitments"].set_index("id").loc[target, "status"] == "kept"
    updates = tables["updates"]
    assert len(updates) == before + 1
    latest = updates[updates["commitment_id"] == target].sort_values("created_at").iloc[-1]
    assert (latest["status"], latest["date"]) == ("kept", date.today().isoformat())
    assert latest["note"] == "Voted yes on 11/20; confirmed with her office"
    history = " ".join(element.value for element in at.markdown)
    assert "confirmed with her office" in history
    [changes] = [e for e in at.expander if e.label == "Who changed this record, and when"]
    assert list(changes.dataframe[0].value["What"]) == ["updated status"]
    logged = sample_store.read("audit")
    assert ((logged["record_id"] == target) & (logged["action"] == "updated status")).sum() == 1


def test_a_bulk_update_applies_to_every_selected_row(sample_store: SqlStore) -> None:
    at = app("pages/commitments.py")
    chosen = list(at.dataframe[0].value.iloc[[1, 2, 3]]["Id"])
    select_rows(at, [1, 2, 3])
    save_update(at, "stalled", "No reply to three emails")
    assert at.success[0].value == "Saved the update to 3 commitments."
    sample_store.clear_cache()
    statuses = sample_store.read("commitments").set_index("id").loc[chosen, "status"]
    assert set(statuses) == {"stalled"}


def test_a_conflicting_edit_is_reported_and_theirs_is_kept(sample_store: SqlStore) -> None:
    at = app("pages/commitments.py")
    target = at.dataframe[0].value.iloc[0]["Id"]
    select_rows(at, [0])
    record = sample_store.read("commitments").set_index("id").loc[target]
    sample_store.update(
        "commitments",
        target,
        {"status": "broken", "owner": "Someone Else"},
        expected_updated_at=record["updated_at"],
    )
    save_update(at, "kept", "I think she kept it")
    assert "someone else changed this commitment first" in at.warning[0].value
    assert "Promise broken" in at.warning[0].value and "Someone Else" in at.warning[0].value
    sample_store.clear_cache()
    assert sample_store.read("commitments").set_index("id").loc[target, "status"] == "broken"
    notes = sample_store.read("updates")["note"]
    assert "I think she kept it" not in set(notes)


def test_an_update_needs_a_note(sample_store: SqlStore) -> None:
    at = select_rows(app("pages/commitments.py"), [0])
    save_update(at, "kept", "")
    assert "Say what happened: who checked, and what they found." in [
        e.value.replace("\\", "") for e in at.error
    ]
