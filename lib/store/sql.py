"""The store in a SQL database: SQLite (the embedded default) or PostgreSQL, on SQLAlchemy Core.

Every column is text, exactly like a sheet cell, so the same contract round-trips on every backend
("0123" stays "0123", "=1+1" stays text).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from lib import schema
from lib.store.base import (
    ConflictError,
    Edit,
    NotFoundError,
    Store,
    StoreError,
    UnavailableError,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FINGERPRINT_INTERVAL = 1.0  # seconds


def _engine_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        # psycopg 3 is the maintained driver; plain "postgresql://" would ask for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers carry on while one Streamlit session writes; busy_timeout makes
    # concurrent writers wait their turn instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqlStore(Store):
    """The contract's tables in a SQL database reached through a SQLAlchemy URL.

    Reads are cached until the data changes: a one-query fingerprint (row count and latest
    stamp of each table) notices writes from other processes, and after ``cache_ttl`` the
    tables are read again anyway, for edits made by hand in the database.
    """

    cache_ttl = 60.0

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = _engine_url(url)
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (
            None,
            "",
            ":memory:",
        ):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(self.url, pool_pre_ping=True)
        self._read_fingerprint: tuple | None = None
        self._checked_at = 0.0
        if self.url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.metadata = sa.MetaData()
        self.tables = {
            spec.name: sa.Table(
                spec.name,
                self.metadata,
                *(
                    sa.Column(
                        name, sa.Text, primary_key=(name == spec.key), nullable=name != spec.key
                    )
                    for name in spec.column_names
                ),
            )
            for spec in schema.TABLES.values()
        }

    @property
    def identity(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @property
    def label(self) -> str:
        backend = self.url.get_backend_name()
        if backend == "postgresql":
            return "PostgreSQL"
        if backend == "sqlite":
            path = Path(self.url.database or ":memory:")
            try:
                shown = path.resolve().relative_to(PROJECT_ROOT)
            except ValueError:
                shown = path
            return f"Local database {shown}"
        return self.url.get_backend_name()

    def ensure_schema(self) -> None:
        with self._connect() as connection:
            self.metadata.create_all(connection, checkfirst=True)
            inspector = sa.inspect(connection)
            preparer = connection.dialect.identifier_preparer
            for name, table in self.tables.items():
                present = {column["name"] for column in inspector.get_columns(name)}
                for column in table.columns:
                    if column.name not in present:
                        connection.execute(
                            sa.text(
                                f"ALTER TABLE {preparer.quote(name)} "
                                f"ADD COLUMN {preparer.quote(column.name)} TEXT"
                            )
                        )

    def _fingerprint_query(self) -> sa.Select:
        parts = []
        for name, table in self.tables.items():
            stamps = [
                table.c[column]
                for column in ("updated_at", "created_at", "at")
                if column in table.c
            ]
            latest = sa.func.max(sa.func.coalesce(*stamps, "")) if stamps else sa.literal("")
            parts.append(
                sa.select(
                    sa.literal(name).label("name"),
                    sa.func.count().label("rows"),
                    latest.label("latest"),
                ).select_from(table)
            )
        return sa.union_all(*parts)

    def _fingerprint(self) -> tuple | None:
        """None when it cannot be taken (a table is missing, the database is down)."""
        try:
            with self._connect() as connection:
                rows = connection.execute(self._fingerprint_query())
                return tuple(sorted(tuple(row) for row in rows))
        except (StoreError, DBAPIError):
            return None

    def _changed_since_read(self) -> bool:
        if super()._changed_since_read() or self._read_fingerprint is None:
            return True
        # One look per second is enough: a page run reads several times within milliseconds.
        if time.monotonic() - self._checked_at < FINGERPRINT_INTERVAL:
            return False
        self._checked_at = time.monotonic()
        return self._fingerprint() != self._read_fingerprint

    def _read_tables(self) -> dict[str, pd.DataFrame]:
        self._read_fingerprint = self._fingerprint()
        self._checked_at = time.monotonic()
        frames = {}
        with self._connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            for name, table in self.tables.items():
                if name not in present:
                    frames[name] = schema.normalise(
                        name, pd.DataFrame(columns=table.columns.keys()), missing_table=True
                    )
                    continue
                result = connection.execute(sa.select(table))
                # Plain tuples: pandas probes SQLAlchemy Row objects attribute by attribute.
                rows = [tuple(row) for row in result]
                raw = pd.DataFrame(rows, columns=list(result.keys()), dtype=object)
                frames[name] = schema.normalise(name, raw.fillna(""))
        return frames

    def _read_table(self, table: str) -> pd.DataFrame:
        with self._connect() as connection:
            if table not in set(sa.inspect(connection).get_table_names()):
                empty = pd.DataFrame(columns=self.tables[table].columns.keys())
                return schema.normalise(table, empty, missing_table=True)
            result = connection.execute(sa.select(self.tables[table]))
            rows = [tuple(row) for row in result]
            raw = pd.DataFrame(rows, columns=list(result.keys()), dtype=object)
        return schema.normalise(table, raw.fillna(""))

    def _append_records(self, table: str, records: list[dict[str, str]]) -> None:
        target = self.tables[table]
        key = schema.table(table).key
        with self._connect() as connection:
            if key is None:
                connection.execute(sa.insert(target), records)
                return
            dialect = sqlite if self.url.get_backend_name() == "sqlite" else postgresql
            statement = dialect.insert(target).on_conflict_do_nothing(index_elements=[key])
            connection.execute(statement, records)

    def _write(self, edits: list[Edit], records: dict[str, list[dict[str, str]]]) -> None:
        with self._connect() as connection:  # one transaction: all of it or none of it
            fresh: dict[str, list[dict[str, str]]] = {}
            for table, rows in records.items():
                key = schema.table(table).key
                if key is None:
                    continue
                column = self.tables[table].c[key]
                ids = [row[key] for row in rows]
                stored = set(connection.execute(sa.select(column).where(column.in_(ids))).scalars())
                fresh[table] = [row for row in rows if row[key] not in stored]
            if fresh and not any(fresh.values()):
                return  # this write landed before; its audit rows with it
            for edit in edits:
                self._apply_edit(
                    connection, edit.table, edit.id, dict(edit.changes), edit.expected_updated_at
                )
            for table, rows in records.items():
                rows = fresh.get(table, rows)
                if rows:
                    connection.execute(sa.insert(self.tables[table]), rows)

    def _update_record(
        self, table: str, key: str, cells: dict[str, str], expected_updated_at: str | None
    ) -> None:
        with self._connect() as connection:
            self._apply_edit(connection, table, key, cells, expected_updated_at)

    def _apply_edit(
        self,
        connection: sa.Connection,
        table: str,
        key: str,
        cells: dict[str, str],
        expected_updated_at: str | None,
    ) -> None:
        """One record's change inside the caller's transaction; a stale one raises."""
        target = self.tables[table]
        key_column = target.c[schema.table(table).key]
        statement = sa.update(target).where(key_column == key).values(cells)
        if expected_updated_at is not None:
            statement = statement.where(
                sa.func.coalesce(target.c.updated_at, "") == expected_updated_at
            )
        if connection.execute(statement).rowcount:
            return
        current = connection.execute(sa.select(target).where(key_column == key)).mappings().first()
        if current is None:
            raise NotFoundError(table, key)
        if cells.get("updated_at") and current.get("updated_at") == cells["updated_at"]:
            return  # this very change landed earlier (a replayed write)
        raise ConflictError(
            table, key, expected_updated_at, {name: value or "" for name, value in current.items()}
        )

    @contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """One transaction; a database that cannot be reached is reported in plain words."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as error:
            raise UnavailableError(f"The database did not answer: {error.orig}") from error
