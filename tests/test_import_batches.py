"""A large import is written in parts, each part whole rows of the spreadsheet: stopped half way,
no row is half stored, and importing again adds only the rest."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib import sample
from lib.imports import plan_import, read_source
from lib.imports.batches import import_batches, row_groups, unstored
from lib.store.sql import SqlStore

TODAY = date.today()
DAY = (TODAY - timedelta(days=5)).isoformat()
CANDIDATES = ["Inés Márquez", "Tom Whitaker", "Marcus Bell", "Linda Kowalczyk"]


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    opened = SqlStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    opened.ensure_schema()
    sample.load_sample(opened, TODAY)
    return opened


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def meeting_log(count: int, newcomer_every: int = 0) -> pd.DataFrame:
    """``count`` meetings, each with two commitments and a stance on housing; every
    ``newcomer_every``-th with someone the tracker does not know yet, the same person each time."""
    rows = [
        ["Date", "Candidate", "Notes", "Commitments", "Affordable housing fund", "Confidential?"]
    ]
    for number in range(count):
        candidate = CANDIDATES[number % len(CANDIDATES)]
        if newcomer_every and number % newcomer_every == newcomer_every - 1:
            candidate = "Priya Shah"
        rows.append(
            [DAY, candidate, f"Meeting {number}", f"Fund it {number}\nTour {number}", "Yes", "No"]
        )
    return read_source("log.csv", csv_bytes(rows))


def planned(store: SqlStore, frame: pd.DataFrame, kind: str = "reports"):
    store.clear_cache()
    plan = plan_import(frame, kind, store.read_all(), author="staff@example.org", today=TODAY)
    mapping = {**plan.mapping, "names": {**plan.mapping["names"]}}
    if plan.unknown.get("candidates"):
        mapping["names"]["candidates"] = {name: "create" for name in plan.unknown["candidates"]}
        plan = plan_import(frame, kind, store.read_all(), mapping, author="x", today=TODAY)
    return plan


def ids(rows: dict[str, list[dict]]) -> dict[str, set[str]]:
    return {
        table: {r["id"] for r in records} for table, records in rows.items() if table != "audit"
    }


def test_each_group_is_one_meeting_with_everything_made_from_it(store: SqlStore) -> None:
    plan = planned(store, meeting_log(3))
    groups = row_groups(plan.rows)
    assert len(groups) == 3
    for group, interaction in zip(groups, plan.rows["interactions"], strict=True):
        [own] = group["interactions"]
        assert own["id"] == interaction["id"]
        assert len(group["commitments"]) == 2 and len(group["updates"]) == 2
        assert len(group["positions"]) == 1
        assert {c["interaction_id"] for c in group["commitments"]} == {own["id"]}
        commitments = {c["id"] for c in group["commitments"]}
        assert {u["commitment_id"] for u in group["updates"]} == commitments
    merged: dict[str, set[str]] = {}
    for group in groups:
        for table, found in ids(group).items():
            merged.setdefault(table, set()).update(found)
    assert merged == ids(plan.rows), "every planned record is in exactly one group"


def test_a_new_candidate_goes_with_the_first_row_that_names_them(store: SqlStore) -> None:
    plan = planned(store, meeting_log(9, newcomer_every=3))
    [newcomer] = plan.rows["candidates"]
    groups = row_groups(plan.rows)
    holding = [at for at, group in enumerate(groups) if "candidates" in group]
    naming = [
        at
        for at, group in enumerate(groups)
        if group["interactions"][0]["candidate_id"] == newcomer["id"]
    ]
    assert naming == [2, 5, 8]
    assert holding == [2], "added once, no later than the first report filed under them"
    batches = import_batches(plan.rows, rows_per_batch=4)
    assert [batch.source_rows for batch in batches] == [4, 4, 1]
    assert "candidates" in batches[0].rows and "candidates" not in batches[1].rows


def test_batches_hold_whole_rows_and_each_says_which_part_it_is(store: SqlStore) -> None:
    plan = planned(store, meeting_log(450))
    batches = import_batches(plan.rows)
    assert [batch.source_rows for batch in batches] == [200, 200, 50]
    assert [len(batch.rows["interactions"]) for batch in batches] == [200, 200, 50]
    assert [len(batch.rows["commitments"]) for batch in batches] == [400, 400, 100]
    details = [batch.rows["audit"][0]["detail"] for batch in batches]
    assert all("Imported 450 rows from “log.csv”" in detail for detail in details)
    assert [detail.split(" Part ")[1][:6] for detail in details] == ["1 of 3", "2 of 3", "3 of 3"]
    assert list(batches[0].rows) == ["interactions", "positions", "commitments", "updates", "audit"]

    single = import_batches(planned(store, meeting_log(3)).rows)
    assert len(single) == 1 and "Part" not in single[0].rows["audit"][0]["detail"]


def test_an_import_stopped_half_way_leaves_whole_rows_and_finishes_when_run_again(
    store: SqlStore,
) -> None:
    frame = meeting_log(30)
    plan = planned(store, frame)
    batches = import_batches(plan.rows, rows_per_batch=12)
    store.change([], batches[0].rows)  # and then the connection went: the rest never landed
    store.clear_cache()
    tables = store.read_all()
    missing = unstored(plan.rows, tables)
    assert len(missing["interactions"]) == 18
    assert len(missing["commitments"]) == 36, "no meeting stored without its commitments"

    again = planned(store, frame)
    assert (again.new, again.already_imported) == (18, 12)
    for batch in import_batches(again.rows):
        store.change([], batch.rows)
    store.clear_cache()
    assert unstored(plan.rows, store.read_all()) == {}
    assert planned(store, frame).new == 0


def test_positions_from_a_grid_keep_each_candidates_row_together(store: SqlStore) -> None:
    grid = [
        ["Candidate", "Affordable housing fund", "Tenant right to counsel", "Safe nurse staffing"],
        ["Inés Márquez", "Yes", "Oppose", "Undecided"],
        ["Tom Whitaker", "No", "Yes", ""],
        ["Marcus Bell", "Yes", "", "Yes"],
    ]
    plan = planned(store, read_source("grid.csv", csv_bytes(grid)), "positions")
    assert len(plan.rows["positions"]) == 7
    groups = row_groups(plan.rows)
    assert [len(group["positions"]) for group in groups] == [3, 2, 2]
    assert [len({p["candidate_id"] for p in group["positions"]}) for group in groups] == [1, 1, 1]
