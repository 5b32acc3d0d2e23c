"""The outbox: writes made while Google does not answer land later, exactly once."""

from __future__ import annotations

import asyncio
import runpy
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.web.server.app_discovery import discover_asgi_app

from lib import access, followup, outbox, report, server
from lib.store import UnavailableError
from lib.store.sheets import SheetStore
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets
from tests.test_report_page import click, fill_full_report, first_ids, sheet_with_sample


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


# --- the sender starts with the server -------------------------------------------------------


def wait_until(condition: Callable[[], bool], seconds: float = 10) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "not within the time allowed"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_new_sender_sends_what_waited_at_once(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    """After a restart: nothing nudges it, and its next round would be an hour away."""
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    queue.put("Report", a_report("Waited through a restart"))
    outbox.SyncWorker(queue, store, interval=3600)
    assert wait_until(lambda: not queue.waiting(), 5) < 5
    assert len(rows(fake, store, "interactions")) == 1


def test_the_sender_tries_again_soon_while_the_data_source_is_down(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    queue.put("Report", a_report("Sent once Google answers"))
    fake.fail(status=503, times=None)
    outbox.SyncWorker(queue, store, interval=3600, retry=0.05)
    time.sleep(0.3)
    assert queue.waiting() == 1
    fake.heal()  # nobody nudges it or presses anything
    assert wait_until(lambda: not queue.waiting(), 5) < 5
    assert len(rows(fake, store, "interactions")) == 1


def test_at_server_start_the_sender_starts_once_the_data_source_opens(
    fake: FakeSheets, store: SheetStore, tmp_path: Path
) -> None:
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    queue.put("Report", a_report("Waited through a restart"))
    tries: list[int] = []

    def open_store() -> SheetStore:
        tries.append(1)
        if len(tries) < 3:  # no network yet
            raise UnavailableError("Google did not answer")
        return store

    started: list[outbox.SyncWorker] = []

    def sender_for(opened: SheetStore) -> outbox.SyncWorker:
        started.append(outbox.SyncWorker(queue, opened, interval=3600))
        return started[-1]

    outbox.start_when_ready(open_store, sender_for, retry=0.05).join(timeout=5)
    assert len(tries) == 3 and len(started) == 1
    assert wait_until(lambda: not queue.waiting(), 5) < 5
    assert len(rows(fake, store, "interactions")) == 1


def test_streamlit_run_app_py_serves_an_app_that_starts_the_sender() -> None:
    """`streamlit run app.py` (make run, Community Cloud) finds ``app`` and runs its lifespan at
    server start; importing app.py for that draws nothing and opens no data source."""
    result = discover_asgi_app(PROJECT_ROOT / "app.py")
    assert result.is_asgi_app and result.import_string == "app:app"
    served = runpy.run_path(str(PROJECT_ROOT / "app.py"), run_name="app")
    assert isinstance(served["app"], st.App)
    assert served["app"]._user_lifespan is server.lifespan
    assert "page" not in served  # the router did not run


def test_the_lifespan_sends_what_waited_before_anyone_opens_a_page(
    sample_store: SqlStore, own_outbox: Path
) -> None:
    _, ops = a_report_on(sample_store, "Waited through a restart")
    queue = outbox.Outbox(own_outbox, sample_store.identity)
    queue.put("Report", ops)

    async def serve_briefly() -> None:
        async with server.lifespan(None):
            pass

    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    serving = threading.Thread(target=asyncio.run, args=(serve_briefly(),))
    serving.start()
    serving.join()
    assert wait_until(lambda: not queue.waiting(), 10) < 10
    sample_store.clear_cache()
    assert (sample_store.read("interactions")["takeaways"] == "Waited through a restart").sum() == 1


def a_report_on(store: SqlStore, text: str) -> tuple[str, list[dict]]:
    """A report about the store's first candidate, by the local admin (sign-in off)."""
    draft = report.new_draft()
    draft.update(
        date=date(2026, 11, 20),
        candidate_id=store.read("candidates").iloc[0]["id"],
        kind="call",
        takeaways=text,
    )
    records = report.records(draft, access.LOCAL_ADMIN, "2026-11-20T10:00:00+00:00")
    return draft["id"], report.operations(records)


def test_a_tab_showing_a_queued_report_says_so_once_the_sender_has_sent_it(
    fake_google: FakeSheets, own_outbox: Path
) -> None:
    """No button pressed: the page's next timed look (a rerun here) finds it sent."""
    key, at = sheet_with_sample(fake_google)
    fill_full_report(at, *first_ids(fake_google, key))
    fake_google.fail(status=503, times=None)
    click(at, "Save the report")
    assert any(w.value.startswith("**Report kept on this computer.**") for w in at.warning)
    assert waiting_in(own_outbox) == 1

    fake_google.heal()
    assert wait_until(lambda: not waiting_in(own_outbox), 10) < 10  # the background sender
    at.run()
    assert at.success[0].value.startswith("**Report saved.**")
    assert not at.sidebar.warning  # and the sidebar's count went with it
    draft_id = at.session_state["report.draft"]["id"]
    assert sum(row[0] == draft_id for row in fake_google.grid(key, "interactions")) == 1


def waiting_in(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        query = "SELECT COUNT(*) FROM entries WHERE state = ?"
        return connection.execute(query, (outbox.WAITING,)).fetchone()[0]


@pytest.mark.parametrize("demoted", [False, True], ids=["still-advocate", "made-viewer"])
def test_a_queued_write_checks_the_writers_role_when_it_is_sent(
    tmp_path: Path, demoted: bool
) -> None:
    """A report filed while the data source was down waits with its permission check, which is
    made when the report is finally written: access withdrawn meanwhile stops it."""
    store = SqlStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    store.ensure_schema()
    store.append("members", [{"email": "ann@example.org", "role": "advocate", "active": True}])
    queue = outbox.Outbox(tmp_path / "outbox.db", store.identity)
    ops = [
        outbox.check_op("ann@example.org", "file reports"),
        outbox.append_op("interactions", [{"takeaways": "Supports the trust fund"}]),
    ]
    queue.put("Report", ops, "the data source did not answer")
    if demoted:
        store.update("members", "ann@example.org", {"role": "viewer"})
    assert queue.replay(store) == (0 if demoted else 1)
    assert len(store.read("interactions")) == (0 if demoted else 1)
    if demoted:
        [entry] = queue.entries()
        assert entry.state == outbox.STUCK and "viewer" in entry.last_error
