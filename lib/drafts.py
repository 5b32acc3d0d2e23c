"""Unsent report drafts, kept on this machine so a reload, a closed tab or a restart of the app
loses nothing typed.

Each browser tab has its own draft, named by the id of the report it will become (the URL says
which: ``/report?draft=<id>``), so a person may have several, one per tab, in the same local
SQLite file as the outbox. A draft is replaced as the person types and removed once the report is
saved (or queued to sync). Because a draft keeps its report's ids, a report restored after it was
stored is recognised, never stored twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from lib import localdb, outbox

_DATE = "$date"  # JSON has no dates; the form's date fields are tagged so they come back as dates


def encode(values: Mapping[str, Any]) -> str:
    def tagged(value: object) -> object:
        if isinstance(value, date):
            return {_DATE: value.isoformat()}
        raise TypeError(f"A draft cannot keep {type(value).__name__} values.")

    return json.dumps(dict(values), default=tagged, ensure_ascii=False)


def decode(text: str) -> dict[str, Any]:
    def untagged(value: dict[str, Any]) -> object:
        if set(value) == {_DATE}:
            return date.fromisoformat(value[_DATE])
        return value

    return json.loads(text, object_hook=untagged)


@dataclass(frozen=True)
class Draft:
    id: str
    saved_at: datetime
    values: dict[str, Any]


_DRAFTS = (
    "CREATE TABLE IF NOT EXISTS tab_drafts (target TEXT NOT NULL, owner TEXT NOT NULL, "
    "id TEXT NOT NULL, saved_at TEXT NOT NULL, body TEXT NOT NULL, "
    "PRIMARY KEY (target, owner, id))"
)
_REPORT = "report.draft"  # the form's state key holding the report's ids


class Drafts:
    """The drafts kept in one SQLite file, each under (data source, person, draft id)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return localdb.connect(self.path, _DRAFTS)

    def keep(self, target: str, owner: str, draft_id: str, values: Mapping[str, Any]) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO tab_drafts (target, owner, id, saved_at, body) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target, owner, id) DO UPDATE SET "
                "saved_at = excluded.saved_at, body = excluded.body",
                (
                    target,
                    owner,
                    draft_id,
                    datetime.now().isoformat(timespec="seconds"),
                    encode(values),
                ),
            )

    def find(self, target: str, owner: str, draft_id: str) -> Draft | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT id, saved_at, body FROM tab_drafts "
                "WHERE target = ? AND owner = ? AND id = ?",
                (target, owner, draft_id),
            ).fetchone()
        return None if row is None else self._read(target, owner, row)

    def unsent(self, target: str, owner: str) -> list[Draft]:
        """This person's drafts on this data source, the last changed first."""
        with self._connect() as connection:
            self._adopt_single_drafts(connection)
            rows = connection.execute(
                "SELECT id, saved_at, body FROM tab_drafts WHERE target = ? AND owner = ? "
                "ORDER BY saved_at DESC, id",
                (target, owner),
            ).fetchall()
        found = [self._read(target, owner, row) for row in rows]
        return [draft for draft in found if draft is not None]

    def discard(self, target: str, owner: str, draft_id: str) -> None:
        with self._connect() as connection:
            connection.execute(
                "DELETE FROM tab_drafts WHERE target = ? AND owner = ? AND id = ?",
                (target, owner, draft_id),
            )

    def _read(self, target: str, owner: str, row: tuple[str, str, str]) -> Draft | None:
        try:
            return Draft(row[0], datetime.fromisoformat(row[1]), decode(row[2]))
        except ValueError:  # damaged by hand: not worth an error page, and nothing to restore
            self.discard(target, owner, row[0])
            return None

    @staticmethod
    def _adopt_single_drafts(connection: sqlite3.Connection) -> None:
        """Move drafts kept by earlier versions (one per person) into the per-tab table."""
        old = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'drafts'"
        ).fetchone()
        if old is None:
            return
        for target, owner, saved_at, body in connection.execute(
            "SELECT target, owner, saved_at, body FROM drafts"
        ).fetchall():
            try:
                draft_id = str(decode(body)[_REPORT]["id"])
            except (ValueError, KeyError, TypeError):
                continue  # nothing that could be restored
            connection.execute(
                "INSERT OR IGNORE INTO tab_drafts (target, owner, id, saved_at, body) "
                "VALUES (?, ?, ?, ?, ?)",
                (target, owner, draft_id, saved_at, body),
            )
        connection.execute("DROP TABLE drafts")


@dataclass(frozen=True)
class Sent:
    """A report that already left a form: stored (at ``stored_at``) or waiting to sync (None)."""

    candidate_id: str
    stored_at: str | None


def sent(
    report: str, author: str, interactions: pd.DataFrame | None, queue: outbox.Outbox
) -> Sent | None:
    """Where ``author``'s report ``report`` went, if it left its form; None if it did not.

    ``interactions`` is the stored table, or None when the data source cannot be read (then only
    the outbox can tell). Another person's report with the same id (a copied link to a draft)
    does not count.
    """
    if interactions is not None and {"id", "created_by"} <= set(interactions.columns):
        stored = interactions[
            (interactions["id"] == report) & (interactions["created_by"] == author)
        ]
        if len(stored):
            row = stored.iloc[0]
            return Sent(str(row.get("candidate_id") or ""), str(row.get("created_at") or ""))
    entry = queue.holding("interactions", report)
    if entry is None or entry.state != outbox.WAITING:
        return None
    for op in entry.ops:
        for row in op.get("rows", []) if op["table"] == "interactions" else []:
            if row.get("id") == report and row.get("created_by") == author:
                return Sent(str(row.get("candidate_id") or ""), None)
    return None


def moment(stamp: str) -> str:
    """A stored timestamp as people read it, in this computer's time zone."""
    try:
        at = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp or "an earlier moment"
    return f"{at:%H:%M} on {at:%A %d %B}"
