"""Unsent report drafts, kept on this machine so a reload or a closed tab loses nothing typed.

One draft per person and data source, in the same local SQLite file as the outbox. A draft is
replaced as the person types and removed once the report is saved (or queued to sync).
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

from lib import localdb

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
    saved_at: datetime
    values: dict[str, Any]


_DRAFTS = (
    "CREATE TABLE IF NOT EXISTS drafts (target TEXT NOT NULL, owner TEXT NOT NULL, "
    "saved_at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (target, owner))"
)


class Drafts:
    """The drafts kept in one SQLite file, each under (data source, person)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return localdb.connect(self.path, _DRAFTS)

    def keep(self, target: str, owner: str, values: Mapping[str, Any]) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO drafts (target, owner, saved_at, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (target, owner) DO UPDATE SET saved_at = excluded.saved_at, "
                "body = excluded.body",
                (target, owner, datetime.now().isoformat(timespec="seconds"), encode(values)),
            )

    def find(self, target: str, owner: str) -> Draft | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT saved_at, body FROM drafts WHERE target = ? AND owner = ?",
                (target, owner),
            ).fetchone()
        if row is None:
            return None
        try:
            return Draft(datetime.fromisoformat(row[0]), decode(row[1]))
        except ValueError:  # damaged by hand: not worth an error page, and nothing to restore
            self.discard(target, owner)
            return None

    def discard(self, target: str, owner: str) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM drafts WHERE target = ? AND owner = ?", (target, owner))
