"""The sample coalition: consistent, current-looking, and loaded exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from lib import sample, schema
from lib.store.sql import PROJECT_ROOT, SqlStore


def test_the_sample_reads_without_a_single_problem() -> None:
    for name, frame in sample.sample_tables(date.today()).items():
        assert schema.problems_of(schema.normalise(name, frame)) == [], name


def test_the_sample_covers_what_a_demo_needs() -> None:
    tables = sample.sample_tables(date.today())
    assert 3 <= len(tables["partners"]) <= 4
    assert len(tables["issues"]) == 5 and len(tables["candidates"]) == 8
    assert set(tables["candidates"]["stage"]) >= {"primary", "general"}
    assert len(tables["commitments"]) == 60
    assert set(tables["commitments"]["status"]) == set(schema.COMMITMENT_STATUS.values)
    for name in ("interactions", "positions", "commitments"):
        assert set(tables[name]["visibility"]) == set(schema.VISIBILITY.values), name
    shifts = tables["positions"].groupby(["candidate_id", "issue_id"])["stance"].nunique()
    assert (shifts > 1).sum() >= 5


def test_dates_move_with_the_day_the_sample_is_loaded() -> None:
    today = date.today()
    actions = sample.sample_tables(today)["actions"]
    later = sample.sample_tables(today + timedelta(days=30))["actions"]
    first = date.fromisoformat(actions["due"].iloc[0])
    assert date.fromisoformat(later["due"].iloc[0]) == first + timedelta(days=30)
    open_actions = actions[actions["done"] == "FALSE"]
    assert (open_actions["due"] < today.isoformat()).any()  # some are overdue
    assert (open_actions["due"] >= today.isoformat()).any()  # some are still to come
    assert tables_are_referentially_whole(sample.sample_tables(today))


def tables_are_referentially_whole(tables: dict) -> bool:
    candidates = set(tables["candidates"]["id"])
    interactions = set(tables["interactions"]["id"])
    commitments = set(tables["commitments"]["id"])
    return (
        set(tables["interactions"]["candidate_id"]) <= candidates
        and set(tables["commitments"]["candidate_id"]) <= candidates
        and set(tables["commitments"]["interaction_id"]) - {""} <= interactions
        and set(tables["updates"]["commitment_id"]) <= commitments
    )


def test_make_demo_loads_the_sample_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    command = [sys.executable, "-m", "lib.sample"]
    first = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    second = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert "commitments     60 rows added" in first.stdout
    assert "nothing was duplicated" in second.stdout
    assert len(SqlStore(url).read("commitments")) == 60


def test_make_demo_explains_a_store_it_cannot_open(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_DATABASE_URL": "nonsense"}
    result = subprocess.run(
        [sys.executable, "-m", "lib.sample"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Could not load the sample coalition" in result.stderr
    assert "Traceback" not in result.stderr
