"""Writes that could not reach the store yet, kept on this machine until they can.

When Google Sheets (or a database server) does not answer even after the store's retries, the
write is kept here, in a small SQLite file next to the app, and sent again in the background and
whenever someone presses "Sync now". Every queued write carries the ids and stamps it was first
tried with, so sending it again can never duplicate a row or overwrite someone else's change.

The sender starts with the server (see lib/server.py), so writes that waited through a restart
are sent as soon as the data source answers, whether or not anyone opens a page.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib import access, localdb, owners, schema
from lib.store import Edit, Store, StoreError, UnavailableError

_LOG = logging.getLogger(__name__)

WAITING = "waiting"
STUCK = "stuck"  # the store refused it (a conflict, a missing tab); a person must look


@dataclass(frozen=True)
class Entry:
    id: str
    created_at: str
    label: str
    ops: list[dict[str, Any]]
    state: str
    attempts: int
    last_error: str


def append_op(table: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """An append, with every row complete (ids and stamps decided now, values as text)."""
    return {"op": "append", "table": table, "rows": [Store.new_record(table, row) for row in rows]}


def update_op(
    table: str, record_id: str, changes: dict[str, Any], expected_updated_at: str | None
) -> dict[str, Any]:
    """An update whose new ``updated_at`` is decided now, so a replay is recognised if landed."""
    cells = schema.to_cells(table, changes)
    if schema.table(table).has("updated_at"):
        cells["updated_at"] = cells.get("updated_at") or schema.now_stamp()
    return {
        "op": "update",
        "table": table,
        "id": record_id,
        "changes": cells,
        "expected_updated_at": expected_updated_at,
    }


def check_op(email: str, action: str) -> dict[str, Any]:
    """A permission check carried with a write and made when the write is made, even if that is
    later, from the outbox: someone whose access is withdrawn meanwhile cannot write."""
    return {"op": "check", "email": email, "action": action}


def owner_op(email: str, table: str, record_id: str) -> dict[str, Any]:
    """A check, made like :func:`check_op`, that the record is still owned by this member: for
    writes a member may make only to what they own."""
    return {"op": "owner", "email": email, "table": table, "id": record_id}


def apply_ops(store: Store, ops: Sequence[dict[str, Any]]) -> None:
    """Every write of one change, as one atomic store write: a report, or a status update with
    its history and audit rows, lands whole or not at all, and a retry adds nothing twice.

    The permission checks among ``ops`` are made first, from a fresh read of the members (and,
    for an ownership check, of the record); :class:`lib.access.NotAllowed` stops the write.
    """
    for op in ops:
        if op["op"] == "check":
            access.authorise(store, op["email"], op["action"])
        elif op["op"] == "owner":
            owners.verify_owner(store, op["email"], op["table"], op["id"])
    edits = [
        Edit(op["table"], op["id"], op["changes"], op["expected_updated_at"])
        for op in ops
        if op["op"] == "update"
    ]
    rows: dict[str, list[dict[str, Any]]] = {}
    for op in ops:
        if op["op"] == "append":
            rows.setdefault(op["table"], []).extend(op["rows"])
    store.change(edits, rows)


def write_or_queue(
    store: Store, outbox: Outbox | None, label: str, ops: Sequence[dict[str, Any]]
) -> bool:
    """Write now if the store answers (True); otherwise keep the write to send later (False).

    Conflicts and refusals are raised: those need the person who made the change.
    """
    try:
        apply_ops(store, ops)
    except UnavailableError as error:
        if outbox is None:
            raise
        outbox.put(label, ops, str(error))
        return False
    return True


_ENTRIES = (
    "CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, target TEXT NOT NULL, "
    "created_at TEXT NOT NULL, label TEXT NOT NULL, ops TEXT NOT NULL, state TEXT NOT NULL, "
    "attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '')"
)


class Outbox:
    """A durable queue of writes for one store, identified by ``target``."""

    def __init__(self, path: Path, target: str) -> None:
        self.path = path
        self.target = target
        self._lock = threading.Lock()

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return localdb.connect(self.path, _ENTRIES)

    def put(self, label: str, ops: Sequence[dict[str, Any]], error: str = "") -> str:
        entry_id = uuid.uuid4().hex
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO entries (id, target, created_at, label, ops, state, attempts, "
                "last_error) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                (
                    entry_id,
                    self.target,
                    schema.now_stamp(),
                    label,
                    json.dumps(list(ops)),
                    WAITING,
                    error,
                ),
            )
        return entry_id

    def entries(self) -> list[Entry]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, created_at, label, ops, state, attempts, last_error FROM entries "
                "WHERE target = ? ORDER BY created_at",
                (self.target,),
            ).fetchall()
        return [
            Entry(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])
            for row in rows
        ]

    def waiting(self) -> int:
        return sum(entry.state == WAITING for entry in self.entries())

    def holding(self, table: str, record_id: str) -> Entry | None:
        """The queued write (waiting or stuck) that appends row ``record_id`` to ``table``."""
        for entry in self.entries():
            for op in entry.ops:
                appends = op["op"] == "append" and op["table"] == table
                if appends and any(row.get("id") == record_id for row in op["rows"]):
                    return entry
        return None

    def discard(self, entry_id: str) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM entries WHERE id = ?", (entry_id,))

    def _mark(self, entry_id: str, state: str, error: str) -> None:
        with self._connect() as connection:
            connection.execute(
                "UPDATE entries SET state = ?, attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                (state, error, entry_id),
            )

    def replay(self, store: Store) -> int:
        """Send the waiting writes in the order they were made; returns how many landed.

        Stops at the first one the store still cannot take (it is still down). A write the
        store refuses is set aside as stuck, with the reason, for a person to review.
        """
        with self._lock:
            waiting = [entry for entry in self.entries() if entry.state == WAITING]
            if not waiting:
                return 0
            # Read what is stored now: replayed appends skip rows that landed before the failure.
            store.clear_cache()
            try:
                store.read_all()
            except UnavailableError:
                return 0
            landed = 0
            for entry in waiting:
                try:
                    apply_ops(store, entry.ops)
                except UnavailableError as error:
                    self._mark(entry.id, WAITING, str(error))
                    break
                except (StoreError, schema.InvalidValue) as error:  # conflicts included
                    self._mark(entry.id, STUCK, str(error))
                    continue
                self.discard(entry.id)
                landed += 1
            return landed


class SyncWorker:
    """Sends waiting writes in the background: at once when started, then every ``interval``
    seconds, or when nudged. While writes wait and the store does not answer, it tries again
    sooner (``retry`` seconds, doubling up to ``interval``), so they land soon after it is back.
    """

    def __init__(
        self, outbox: Outbox, store: Store, interval: float = 30.0, retry: float = 1.0
    ) -> None:
        self.outbox = outbox
        self.store = store
        self.interval = interval
        self.retry = retry
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        delay = 0.0  # writes may have waited through a restart: try them now
        backoff = 0.0  # while writes wait: the wait before the next try, doubling
        while True:
            self._wake.wait(delay)
            self._wake.clear()
            try:
                if self.outbox.waiting():
                    self.outbox.replay(self.store)
                still = self.outbox.waiting()
            except Exception:  # a failed round must not end the sender for this process
                _LOG.exception("Sending the waiting writes failed; trying again later.")
                still = True
            if still:
                backoff = min(backoff * 2, self.interval) if backoff else self.retry
                delay = backoff
            else:
                backoff, delay = 0.0, self.interval


def start_when_ready(
    open_store: Callable[[], Store],
    sender_for: Callable[[Store], SyncWorker],
    retry: float = 5.0,
) -> threading.Thread:
    """Start the sender of the configured store's waiting writes, without waiting for a visit.

    Called once when the server starts. Opening the store can fail then (no network yet, a
    secrets file being fixed): it is tried again after ``retry`` seconds, then less and less
    often (at most every minute), until it opens.
    """

    def run() -> None:
        wait = retry
        while True:
            try:
                sender_for(open_store()).nudge()
                return
            except Exception as error:  # anything that stops it opening now may pass
                _LOG.warning("The data source did not open (%s); trying again.", error)
                time.sleep(wait)
                wait = min(wait * 2, 60.0)

    thread = threading.Thread(target=run, name="outbox-start", daemon=True)
    thread.start()
    return thread
