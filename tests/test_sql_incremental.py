"""Reading a change on SQL: only the rows written since the last read are fetched, and the tables
come out exactly as a full read makes them, also when someone edits the database by hand."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from bench.run import seed, seed_rows
from lib import schema
from lib.store.base import Edit, UnavailableError
from lib.store.sql import SqlStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    """A store over a few hundred rows (the benchmark's coalition, cut down), read once."""
    store = SqlStore(url)
    rows = seed_rows(random.Random(7))
    seed(store, {table: records[:150] for table, records in rows.items()})
    store.append("members", [{"email": "ana@example.org", "role": "staff", "active": True}])
    store.read_all()
    yield store
    store.engine.dispose()


def assert_same_as_a_full_read(store: SqlStore) -> None:
    """Every table frame for frame, problems included, as a new store reads it."""
    fresh = SqlStore(store.url.render_as_string(hide_password=False))
    try:
        expected = fresh.read_all()
    finally:
        fresh.engine.dispose()
    actual = store.read_all()
    assert set(actual) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(actual[name], frame, obj=name)
        assert schema.problems_of(actual[name]) == schema.problems_of(frame), name


def fetched_by_next_read(store: SqlStore) -> int:
    before = store.rows_fetched
    store.read_all()
    return store.rows_fetched - before


def execute(store: SqlStore, statement: str, **values: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text(statement), values)


def test_a_write_is_read_back_by_fetching_only_the_rows_it_wrote(store: SqlStore) -> None:
    commitment = store.read("commitments").iloc[3]
    store.update(
        "commitments",
        commitment["id"],
        {"status": "kept"},
        expected_updated_at=commitment["updated_at"],
    )
    assert fetched_by_next_read(store) == 1
    assert store.read("commitments").set_index("id").loc[commitment["id"], "status"] == "kept"
    assert_same_as_a_full_read(store)

    store.append("interactions", [{"candidate_id": "cand-0001", "takeaways": "Will vote yes"}])
    assert fetched_by_next_read(store) == 1
    assert_same_as_a_full_read(store)

    # A status update: the commitment, its dated history row and an audit row, in one write.
    commitment = store.read("commitments").iloc[10]
    store.change(
        [Edit("commitments", commitment["id"], {"status": "broken"}, commitment["updated_at"])],
        {
            "updates": [{"commitment_id": commitment["id"], "status": "broken"}],
            "audit": [{"action": "status", "table": "commitments", "record_id": commitment["id"]}],
        },
    )
    assert fetched_by_next_read(store) == 3
    assert_same_as_a_full_read(store)
    assert fetched_by_next_read(store) == 0  # nothing changed since


def test_a_change_without_a_stamp_reads_its_small_table_again(store: SqlStore) -> None:
    store.update("members", "ana@example.org", {"role": "admin"})
    assert fetched_by_next_read(store) == 1  # the whole members table: one row
    assert store.read("members").iloc[0]["role"] == "admin"
    position = store.read("positions").iloc[0]
    store.update("positions", position["id"], {"evidence": "Voted for it."})
    assert fetched_by_next_read(store) == len(store.read("positions"))
    assert_same_as_a_full_read(store)


def test_a_write_by_another_store_is_merged_in(url: str, store: SqlStore) -> None:
    other = SqlStore(url)
    try:
        issue = other.read("issues").iloc[0]
        other.update("issues", issue["id"], {"ask": "Fund it now"}, issue["updated_at"])
        other.append("candidates", [{"name": "New Candidate", "office": "Mayor"}])
    finally:
        other.engine.dispose()
    assert fetched_by_next_read(store) == 2
    assert store.read("issues").set_index("id").loc[issue["id"], "ask"] == "Fund it now"
    assert_same_as_a_full_read(store)


def test_a_row_deleted_by_hand_is_gone_at_the_next_read(store: SqlStore) -> None:
    gone = store.read("commitments").iloc[5]["id"]
    execute(store, "DELETE FROM commitments WHERE id = :id", id=gone)
    store.append("commitments", [{"text": "Something new", "candidate_id": "cand-0002"}])
    assert fetched_by_next_read(store) > 1  # the merge did not add up: read in full
    assert gone not in set(store.read("commitments")["id"])
    assert_same_as_a_full_read(store)


def test_a_stamp_set_back_by_hand_makes_the_table_read_in_full(store: SqlStore) -> None:
    frame = store.read("commitments")
    latest = frame.loc[frame["updated_at"].idxmax()]
    execute(
        store,
        "UPDATE commitments SET owner = 'Hand', updated_at = :stamp WHERE id = :id",
        stamp="2020-01-01T00:00:00.000000+00:00",
        id=latest["id"],
    )
    assert fetched_by_next_read(store) == len(frame)
    assert store.read("commitments").set_index("id").loc[latest["id"], "owner"] == "Hand"
    assert_same_as_a_full_read(store)


def test_a_hand_edit_the_fingerprint_cannot_see_is_read_at_the_next_full_read(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = store.read("commitments").iloc[7]["id"]
    execute(
        store,
        "UPDATE commitments SET owner = 'Hand', updated_at = :stamp WHERE id = :id",
        stamp="2020-01-01T00:00:00.000000+00:00",
        id=edited,
    )
    # The store's own writes are read in part meanwhile; they must not put off the full read.
    store.append("commitments", [{"text": "Another", "candidate_id": "cand-0003"}])
    assert fetched_by_next_read(store) == 1
    monkeypatch.setattr(store, "cache_ttl", 0.0)
    assert store.read("commitments").set_index("id").loc[edited, "owner"] == "Hand"
    assert_same_as_a_full_read(store)
    monkeypatch.setattr(store, "cache_ttl", SqlStore.cache_ttl)
    store.clear_cache()  # what an admin does after editing the database
    assert fetched_by_next_read(store) == sum(len(f) for f in store.read_all().values())


def test_a_write_stamped_before_a_row_already_read_is_still_fetched(store: SqlStore) -> None:
    """Two writers in one process: the one stamped first may land last."""
    early = schema.now_stamp()
    commitment = store.read("commitments").iloc[2]
    store.append("commitments", [{"text": "Later", "candidate_id": "cand-0004"}])
    store.read_all()
    store.update(
        "commitments",
        commitment["id"],
        {"owner": "Early", "updated_at": early},
        expected_updated_at=commitment["updated_at"],
    )
    store.read_all()
    assert store.read("commitments").set_index("id").loc[commitment["id"], "owner"] == "Early"
    assert_same_as_a_full_read(store)


def test_rows_added_by_hand_with_problems_or_without_stamps_read_as_in_full(
    store: SqlStore,
) -> None:
    execute(
        store,
        "INSERT INTO commitments (id, text, made_on, created_at, updated_at) "
        "VALUES (:id, 'By hand', 'someday', :stamp, :stamp)",
        id="cmt-hand",
        stamp=schema.now_stamp(),
    )
    assert fetched_by_next_read(store) == 1
    problems = schema.problems_of(store.read("commitments"))
    assert "someday" in {problem.value for problem in problems}
    assert_same_as_a_full_read(store)
    execute(store, "INSERT INTO interactions (id, takeaways) VALUES ('int-hand', 'No stamps')")
    assert fetched_by_next_read(store) == len(store.read("interactions"))
    assert "int-hand" in set(store.read("interactions")["id"])
    assert_same_as_a_full_read(store)


def test_a_write_is_still_read_after_a_read_that_failed(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.update("members", "ana@example.org", {"role": "admin"})
    fetch = store._fetch
    failures = [UnavailableError("The database did not answer.")]

    def fetch_once_down(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return fetch(*args, **kwargs)

    monkeypatch.setattr(store, "_fetch", fetch_once_down)
    with pytest.raises(UnavailableError):
        store.read_all()
    assert store.read("members").iloc[0]["role"] == "admin"
    assert_same_as_a_full_read(store)
