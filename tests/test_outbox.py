"""The outbox: writes made while Google does not answer land later, exactly once."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from lib import followup, outbox, report
from lib.store import UnavailableError
from lib.store.sheets import SheetStore
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets


@pytest.fixture
def store(fake: FakeSheets) -> SheetStore:
    key = fake.create_spreadsheet("Coalition")
    created = sheet_store(fake, key)
    created.ensure_schema()
    created.append("candidates", [{"id": "cand-1", "name": "Alma Reyes"}])
    created.append("issues", [{"id": "iss-1", "name": "Housing"}])
    return created


def a_report(text: str) -> list[dict]:
    draft = report.new_draft()
    commitment = {**report.new_outcome("commitments"), "text": text, "issue_id": "iss-1"}
    draft.update(
        date=date(2026, 11, 20),
        candidate_id="cand-1",
        kind="call",
        commitments=[commitment],
        takeaways=text,
    )
    return report.operations(report.records(draft, "jo@example.org", "2026-11-20T10:00:00+00:00"))


def rows(fake: FakeSheets, store: SheetStore, tab: str) -> list[list[str]]:
    return fake.grid(store.key, tab)[1:]


def test_reports_filed_during_an_outage_each_land_once_after_it(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    fake.fail(status=503, times=None)
    texts = ["Fund the trust", "Hold a hearing", "=SUM(A1:A3) is not a formula"]
    for text in texts:
        assert outbox.write_or_queue(store, queue, f"Report: {text}", a_report(text)) is False
    assert queue.waiting() == 3
    assert queue.replay(store) == 0  # still down: everything stays
    assert queue.waiting() == 3

    fake.heal()
    assert queue.replay(store) == 3
    assert queue.waiting() == 0
    takeaways = [row[14] for row in rows(fake, store, "interactions")]
    assert sorted(takeaways) == sorted(texts)
    assert sorted(row[4] for row in rows(fake, store, "commitments")) == sorted(texts)
    assert queue.replay(store) == 0
    assert len(rows(fake, store, "interactions")) == 3


def test_a_write_that_landed_before_the_outage_is_not_repeated_by_a_new_process(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    path = tmp_path / "outbox.db"
    fake.fail(status=503, times=1, kinds="spreadsheets.batchUpdate", apply_then=True)
    fake.fail(status=503, times=None)
    queue = outbox.Outbox(path, store.identity)
    assert outbox.write_or_queue(store, queue, "Report", a_report("Fund the trust")) is False
    fake.heal()

    restarted = sheet_store(fake, store.key)  # the app restarted: nothing remembered in memory
    later = outbox.Outbox(path, restarted.identity)
    assert later.waiting() == 1
    assert later.replay(restarted) == 1
    assert len(rows(fake, store, "interactions")) == 1
    assert len(rows(fake, store, "commitments")) == 1


def test_a_queued_status_change_that_now_conflicts_is_set_aside_not_forced(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    store.append("commitments", [{"id": "cmt-1", "text": "Fund it", "candidate_id": "cand-1"}])
    seen = store.read("commitments").iloc[0]["updated_at"]
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    change = followup.StatusChange("cmt-1", seen, "kept", date(2026, 11, 21), "Voted yes", "jo")
    fake.fail(status=503, times=None)
    with pytest.raises(UnavailableError):
        outbox.apply_ops(store, followup.change_ops(change))
    queue.put("Status", followup.change_ops(change))
    fake.heal()
    store.update("commitments", "cmt-1", {"status": "broken"}, expected_updated_at=seen)

    assert queue.replay(store) == 0
    [entry] = queue.entries()
    assert entry.state == outbox.STUCK and "Someone else changed" in entry.last_error
    assert store.read("commitments").iloc[0]["status"] == "broken"


def test_a_replayed_update_that_already_landed_is_recognised(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    store.append("commitments", [{"id": "cmt-1", "text": "Fund it"}])
    seen = store.read("commitments").iloc[0]["updated_at"]
    ops = followup.change_ops(
        followup.StatusChange("cmt-1", seen, "kept", date(2026, 11, 21), "Voted yes", "jo")
    )
    outbox.apply_ops(store, ops)
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    queue.put("Status", ops)
    assert queue.replay(store) == 1  # not a conflict: the same change, already there
    assert len(rows(fake, store, "updates")) == 1


def test_the_background_worker_sends_waiting_writes(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    fake.fail(status=503, times=None)
    outbox.write_or_queue(store, queue, "Report", a_report("Fund the trust"))
    worker = outbox.SyncWorker(queue, store, interval=0.05)
    time.sleep(0.3)
    assert queue.waiting() == 1
    fake.heal()
    worker.nudge()
    deadline = time.monotonic() + 10
    while queue.waiting() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.waiting() == 0
    assert len(rows(fake, store, "interactions")) == 1


def test_each_store_has_its_own_queue(store: SheetStore, tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox.Outbox(path, store.identity).put("Report", a_report("Fund the trust"))
    assert outbox.Outbox(path, "sqlite:///elsewhere.db").waiting() == 0
    assert outbox.Outbox(path, store.identity).waiting() == 1
