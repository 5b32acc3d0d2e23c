"""The app's own small SQLite file on this machine: writes waiting to sync, unsent drafts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """One transaction on the file, its table created first if missing. Sessions writing at the
    same moment wait for each other (up to 30 s) instead of failing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as connection, connection:
        connection.execute(schema)
        yield connection
