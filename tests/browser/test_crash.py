"""The app's server killed (SIGKILL) while people save reports, then started again on the same
port and database: the open tabs reconnect by themselves, every report is stored exactly once,
each tab keeps its own draft, and writes that waited go out as soon as the server is up.

Each test runs its own server on a fresh SQLite database, with its own outbox and drafts file.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from lib import access, outbox, report
from lib.sample import load_sample
from lib.store.sql import SqlStore
from tests.browser.conftest import OUTPUT, start_app, wait_for_app
from tests.browser.test_journeys import choose, press, type_into
from tests.pgserver import free_port

pytestmark = pytest.mark.browser
RECONNECT = 45_000  # ms: a restart, then the browser's next try to reconnect


@dataclass
class Server:
    """The app on one port and one SQLite database, killed and started again at will."""

    database: Path
    name: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    url: str = ""
    starts: int = 0

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    def start(self) -> None:
        """Start it; returns once it answers its health check."""
        self.starts += 1
        log = OUTPUT / f"streamlit-crash-{self.name}-{self.starts}.log"
        self.process, self.url = start_app(self.database_url, log, port=self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def count(self, table: str, column: str, value: str) -> int:
        with closing(sqlite3.connect(self.database)) as connection:
            query = f"SELECT COUNT(*) FROM {table} WHERE {column} = ?"
            return connection.execute(query, (value,)).fetchone()[0]


@pytest.fixture
def server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Server]:
    OUTPUT.mkdir(exist_ok=True)
    database = tmp_path / "tracker.db"
    store = SqlStore(f"sqlite:///{database}")
    store.ensure_schema()
    load_sample(store, date.today())
    store.engine.dispose()
    monkeypatch.setenv("TRACKER_OUTBOX_PATH", str(tmp_path / "outbox.db"))  # drafts too
    started = Server(database, request.node.name)
    try:
        yield started
    finally:
        started.kill()


def write_lock(database: Path) -> sqlite3.Connection:
    """Hold the database's write lock: readers carry on, a write waits (the data source is not
    answering), and nothing is written until the lock goes."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def report_tab(
    page: Page, url: str, candidate: str, takeaways: str, *, commitment: bool = False
) -> str:
    """Type a report in ``page``; returns the id of the report, as the address names it."""
    page.bring_to_front()  # Chromium slows the timers of a tab in the background
    page.goto(f"{url}/report")
    wait_for_app(page)
    choose(page, "Candidate", candidate)
    type_into(page.get_by_label("Key takeaways"), takeaways)
    if commitment:
        press(page, "Add a commitment")
        type_into(page.get_by_label("What they committed to"), f"{takeaways}: a commitment")
        choose(page, "Issue", "Tenant right to counsel")
    expect(page).to_have_url(re.compile(r"[?&]draft=int-"))
    return re.search(r"draft=(int-[0-9a-f]+)", page.url).group(1)


def kill_when_stored(
    server: Server, text: str, *, table: str = "interactions", column: str = "takeaways"
) -> threading.Thread:
    """SIGKILL the server the moment the row holding ``text`` is in the database: after the
    write, before the page could say it was saved."""

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.count(table, column, text):
                server.kill()
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    return watcher


def offers(page: Page) -> int:
    return page.get_by_text("You have a report you did not send").count()


def test_a_report_stored_as_the_server_died_is_not_stored_again(
    browser: Browser, server: Server
) -> None:
    server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    takeaways = "Stored as the server died"
    report_tab(page, server.url, "Tom Whitaker", takeaways, commitment=True)

    watcher = kill_when_stored(server, takeaways)
    page.get_by_role("button", name="Save the report").click()
    watcher.join()
    assert server.process.returncode == -signal.SIGKILL
    assert server.count("interactions", "takeaways", takeaways) == 1
    # Killed in the window: written (the interaction at least), no confirmation on screen.
    assert page.get_by_text("Report saved.").count() == 0

    server.start()
    # The tab reconnects by itself and says what happened, in place of the form.
    expect(page.get_by_text("This report was already saved")).to_be_visible(timeout=RECONNECT)
    expect(page.get_by_role("button", name="Save the report")).to_have_count(0)
    page.screenshot(path=OUTPUT / "crash-already-saved.png")
    assert server.count("interactions", "takeaways", takeaways) == 1
    assert server.count("commitments", "text", f"{takeaways}: a commitment") == 1

    press(page, "File another report")
    assert offers(page) == 0  # the saved draft is not offered again
    context.close()


def test_reports_being_saved_when_the_server_died_are_each_stored_once(
    browser: Browser, server: Server
) -> None:
    server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = context.new_page(), context.new_page()
    first_id = report_tab(first, server.url, "Tom Whitaker", "Typed in the first tab")
    second_id = report_tab(second, server.url, "Ray Dunmore", "Typed in the second tab")
    assert first_id != second_id  # one draft per tab, not one per person

    lock = write_lock(server.database)  # the Save below cannot finish its write
    first.bring_to_front()
    first.get_by_role("button", name="Save the report").click()
    first.get_by_test_id("stStatusWidget").wait_for()  # the server is at it
    server.kill()
    lock.close()
    assert server.count("interactions", "takeaways", "Typed in the first tab") == 0

    server.start()
    for page, takeaways in ((first, "Typed in the first tab"), (second, "Typed in the second tab")):
        page.bring_to_front()
        # Said by the Save button, before anyone presses it: the first press will save.
        note = page.get_by_text("Your report is back")
        expect(note).to_be_visible(timeout=RECONNECT)
        expect(page.get_by_label("Key takeaways")).to_have_value(takeaways)
    # Each tab has its own report back; the other tab's draft is on offer, as any unsent one.
    expect(first.get_by_text(re.compile("did not send about Ray Dunmore"))).to_be_visible()
    expect(second.get_by_text(re.compile("did not send about Tom Whitaker"))).to_be_visible()
    first.screenshot(path=OUTPUT / "crash-report-back.png", full_page=True)

    for page in (first, second):
        page.bring_to_front()
        press(page, "Save the report")
        expect(page.get_by_text("Report saved.")).to_be_visible()
    for takeaways in ("Typed in the first tab", "Typed in the second tab"):
        assert server.count("interactions", "takeaways", takeaways) == 1
    assert server.count("interactions", "id", first_id) == 1
    assert server.count("interactions", "id", second_id) == 1

    first.bring_to_front()
    press(first, "File another report")
    assert offers(first) == 0  # both drafts went when their reports landed
    later = context.new_page()
    later.goto(f"{server.url}/report")
    wait_for_app(later)
    assert offers(later) == 0
    context.close()


def queue_report(server: Server, takeaways: str) -> str:
    """A report kept in the outbox, as Save leaves it when the data source does not answer."""
    store = SqlStore(server.database_url)
    draft = report.new_draft()
    draft.update(
        date=date.today(),
        candidate_id=store.read("candidates").iloc[0]["id"],
        kind="call",
        takeaways=takeaways,
    )
    records = report.records(draft, access.LOCAL_ADMIN, "2026-11-20T10:00:00+00:00")
    outbox.Outbox(server.database.parent / "outbox.db", store.identity).put(
        f"Report {draft['date']}", report.operations(records), "The database did not answer"
    )
    store.engine.dispose()
    return draft["id"]


def wait_for_row(server: Server, report_id: str, seconds: float) -> float:
    """How long until the report is stored (fails after ``seconds``)."""
    started = time.monotonic()
    while not server.count("interactions", "id", report_id):
        assert time.monotonic() - started < seconds, f"{report_id} was not sent"
        time.sleep(0.05)
    return time.monotonic() - started


def restart_and_reconnect(server: Server, page: Page, *, messages: int = 2) -> None:
    """Start the server again and wait until ``page`` is back: reconnected by itself, drawn by a
    new session, and (with ``messages=2``) sending that session its message's timed updates."""
    sent: list[object] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: sent.append(payload))

    page.on("websocket", watch)
    server.start()
    deadline = time.monotonic() + RECONNECT / 1000
    # The first message asks for the page to run; the next ones come from its timer.
    while len(sent) < messages:
        assert time.monotonic() < deadline, "the tab did not reconnect"
        page.wait_for_timeout(50)
    page.remove_listener("websocket", watch)


def test_writes_waiting_through_a_restart_go_out_without_a_page_load(
    browser: Browser, server: Server
) -> None:
    # Nobody has a page open: sent at server start, as soon as the database answers.
    nobody = queue_report(server, "Queued with no page open")
    server.start()
    assert wait_for_row(server, nobody, 10) < 10
    server.kill()

    # A tab shows a report kept on this computer; the server dies while it waits.
    waiting = queue_report(server, "Queued while the database was locked")
    lock = write_lock(server.database)
    server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/report?draft={waiting}")
    wait_for_app(page)
    expect(page.get_by_text("Report kept on this computer.")).to_be_visible()
    server.kill()
    restart_and_reconnect(server, page)
    expect(page.get_by_text("Report kept on this computer.")).to_be_visible()
    lock.close()  # the database answers again
    # No page load from here on: the server sends it, and the open tab's message changes.
    assert wait_for_row(server, waiting, 10) < 10
    expect(page.get_by_text("Report saved.")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Report kept on this computer.")).to_have_count(0)
    page.screenshot(path=OUTPUT / "crash-queued-then-saved.png")
    assert server.count("interactions", "id", waiting) == 1
    assert server.count("interactions", "id", nobody) == 1
    context.close()


def tick_first_row(page: Page) -> None:
    """Tick the first row; a box still ticked from before a restart is unticked, then ticked."""
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    for attempt in range(2):
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
        try:
            expect(page.get_by_text("History", exact=True)).to_be_visible(timeout=8_000)
            return
        except AssertionError:
            if attempt:
                raise


def test_a_status_update_stored_as_the_server_died_lands_once_and_the_tab_comes_back(
    browser: Browser, server: Server
) -> None:
    """Killed the moment the update's history row is written: the commitment's status, its
    history row and its audit row landed together (one write), once; the tab reconnects to the
    restarted server with the app's own pages and runs the page again. (Saving the same update
    again from a new session is recognised: see tests/test_commitments_trust.py.)"""
    store = SqlStore(server.database_url)
    candidate_id = store.read("commitments")["candidate_id"].value_counts().index[0]
    store.engine.dispose()
    server.start()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/commitments?candidate={candidate_id}")
    wait_for_app(page)
    tick_first_row(page)
    choose(page, "New status", "Stalled")
    note = "Saved as the server died: the office did not answer"
    type_into(page.get_by_label("Note"), note)
    watcher = kill_when_stored(server, note, table="updates", column="note")
    page.get_by_role("button", name="Save the update").click()  # no waiting: it dies
    watcher.join()
    assert page.get_by_text("Saved the update to 1 commitment.").count() == 0
    [commitment] = [
        row[0]
        for row in sqlite3.connect(server.database).execute(
            "SELECT commitment_id FROM updates WHERE note = ?", (note,)
        )
    ]
    assert server.count("commitments", "id", commitment) == 1
    with closing(sqlite3.connect(server.database)) as connection:
        status = connection.execute(
            "SELECT status FROM commitments WHERE id = ?", (commitment,)
        ).fetchone()[0]
        audits = connection.execute(
            "SELECT COUNT(*) FROM audit WHERE record_id = ? AND action = 'updated status'",
            (commitment,),
        ).fetchone()[0]
    assert (status, audits) == ("stalled", 1)  # all of the change, never a part of it

    restart_and_reconnect(server, page, messages=1)  # the same port: it reconnects by itself
    expect(page.locator("[data-testid='stSidebarNav']")).to_contain_text(
        "Commitments", timeout=30_000
    )
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "commitments" not in nav and "app" not in nav.split()  # the app's own pages
    # The page ran again in the new session, which asks for the selection afresh.
    expect(page.get_by_text("Select one or more rows")).to_be_visible(timeout=30_000)
    assert server.count("updates", "note", note) == 1
    page.screenshot(path=OUTPUT / "crash-status-update.png", full_page=True)
    context.close()
