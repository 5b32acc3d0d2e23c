"""The store in a SQL database: SQLite (the embedded default) or PostgreSQL, on SQLAlchemy Core.

Every column is text, exactly like a sheet cell, so the same contract round-trips on every backend
("0123" stays "0123", "=1+1" stays text).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
#: the stamp columns, in the order the fingerprint takes the first one present
STAMP_COLUMNS = ("updated_at", "created_at", "at")

Row = tuple[Any, ...]
#: each table's row count and latest stamp, as the database reports them
Fingerprint = dict[str, tuple[int, str | None]]


@dataclass
class _Loaded:
    """One table as last read: its rows as stored (before normalise) and the frame made of them."""

    columns: list[str]
    rows: list[Row]
    #: key -> position in ``rows``; None for a table without a key (audit, only ever added to)
    positions: dict[str, int] | None
    frame: pd.DataFrame
    #: after a partial read: the rows fetched, where each landed before any sorting, and for
    #: each row of ``rows`` its place among the rows before followed by the rows fetched
    patch: tuple[list[Row], list[int], list[int]] | None = None
    #: the highest stamp in any stamp column, and the highest as the fingerprint takes them
    #: (the first stamp present in each row); worked out when first needed
    stamps: tuple[str | None, str | None] | None = None


#: each table's frame when it has no rows, by table and columns read
_EMPTY: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}


def _later(first: str | None, second: str | None) -> str | None:
    if first is None:
        return second
    return first if second is None else max(first, second)


def _stamps_of(rows: Sequence[Row], at: Sequence[int]) -> tuple[str | None, str | None]:
    highest = max((row[i] for row in rows for i in at if row[i] is not None), default=None)
    latest = max(
        (next((row[i] for i in at if row[i] is not None), "") for row in rows), default=None
    )
    return highest, latest


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
    tables are read again in full anyway, for edits made by hand in the database.

    A change is read in part: only the rows stamped after the latest stamp already read (or
    after the earliest stamp of this store's own writes since) are fetched and merged by key,
    and only the tables they belong to are normalised again. A merge that does not add up to
    the fingerprint's row count and latest stamp (a row deleted or added by hand, a stamp that
    went backwards) is thrown away and that table is read in full.
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
        self._checked_at = 0.0
        #: the tables as last read, and the fingerprint they were checked against
        self._loaded: dict[str, _Loaded | None] | None = None
        self._seen: Fingerprint | None = None
        self._noticed: Fingerprint | None = None
        self._full_read_at = 0.0
        # This store's own writes since the last read: which tables, and from which stamp on.
        # Writers only touch these under their own lock, so a write never waits for a read.
        self._pending_lock = threading.Lock()
        self._pending_since: dict[str, str] = {}
        self._pending_full: set[str] = set()
        self._stale = False
        #: rows fetched by reads so far (for tests and benchmarks)
        self.rows_fetched = 0
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

    @property
    def _postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    def _text_order(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        # Byte order, as Python compares strings: a database collation may order stamps and
        # keys otherwise, and merged rows are checked and sorted in Python.
        return column.collate("C") if self._postgres else column

    def _stamp_columns(self, name: str) -> list[str]:
        return [column for column in STAMP_COLUMNS if column in self.tables[name].c]

    def _fingerprint_query(self) -> sa.Select:
        parts = []
        for name, table in self.tables.items():
            stamps = [table.c[column] for column in self._stamp_columns(name)]
            latest = (
                sa.func.max(self._text_order(sa.func.coalesce(*stamps, "")))
                if stamps
                else sa.literal("")
            )
            parts.append(
                sa.select(
                    sa.literal(name).label("name"),
                    sa.func.count().label("rows"),
                    latest.label("latest"),
                ).select_from(table)
            )
        return sa.union_all(*parts)

    def _fingerprint(self) -> Fingerprint | None:
        """None when it cannot be taken (a table is missing, the database is down)."""
        try:
            with self._connect() as connection:
                rows = connection.execute(self._fingerprint_query())
                return {name: (int(count), latest) for name, count, latest in rows}
        except (StoreError, DBAPIError):
            return None

    def _changed_since_read(self) -> bool:
        now = time.monotonic()
        if (
            self._stale
            or self._loaded is None
            or self._seen is None
            or now - self._full_read_at > self.cache_ttl
        ):
            return True
        # One look per second is enough: a page run reads several times within milliseconds.
        if now - self._checked_at < FINGERPRINT_INTERVAL:
            return False
        self._checked_at = now
        fingerprint = self._fingerprint()
        if fingerprint is not None and fingerprint == self._seen:
            return False
        self._noticed = fingerprint
        return True

    def clear_cache(self) -> None:
        """Forget every read: the next one reads every table in full."""
        with self._cache_lock:
            self._cache = None
            self._loaded = None
            self._seen = None

    def _written(self, cells: Mapping[str, Sequence[Mapping[str, str]]]) -> None:
        with self._pending_lock:
            for name, rows in cells.items():
                stamp_columns = self._stamp_columns(name)
                stamps = [
                    row[column] for row in rows for column in stamp_columns if row.get(column)
                ]
                if not stamp_columns or not all(
                    any(row.get(column) for column in stamp_columns) for row in rows
                ):
                    # A change that leaves no stamp (a member's role, a position's evidence)
                    # cannot be found by stamp: read that table again in full.
                    self._pending_full.add(name)
                elif stamps:
                    earliest = min(stamps)
                    self._pending_since[name] = min(
                        self._pending_since.get(name, earliest), earliest
                    )
            self._stale = True

    def _read_tables(self) -> dict[str, pd.DataFrame]:
        with self._pending_lock:
            since, full = self._pending_since, self._pending_full
            self._pending_since, self._pending_full, self._stale = {}, set(), False
        noticed, self._noticed = self._noticed, None
        try:
            return self._refresh(since, full, noticed)
        except BaseException:
            # The read failed: its writes still need reading next time.
            with self._pending_lock:
                for name, stamp in since.items():
                    self._pending_since[name] = min(self._pending_since.get(name, stamp), stamp)
                self._pending_full |= full
                self._stale = True
            raise

    def _refresh(
        self, since: dict[str, str], full: set[str], noticed: Fingerprint | None
    ) -> dict[str, pd.DataFrame]:
        loaded = self._loaded
        if (
            loaded is None
            or self._seen is None
            or time.monotonic() - self._full_read_at > self.cache_ttl
            or any(table is None for table in loaded.values())
        ):
            return self._read_everything()
        # A fingerprint taken before this store's own writes were collected could predate them.
        fingerprint = noticed if noticed is not None and not since and not full else None
        fingerprint = fingerprint or self._fingerprint()
        if fingerprint is None:
            return self._read_everything()
        loaded = dict(loaded)
        with self._connect() as connection:
            for name, table in loaded.items():
                assert table is not None
                if (
                    fingerprint.get(name) == self._seen.get(name)
                    and name not in since
                    and name not in full
                ):
                    continue
                merged = None
                if name not in full and self._stamp_columns(name):
                    merged = self._read_newer(connection, name, table, since.get(name))
                if merged is None or not self._adds_up(name, merged, fingerprint[name]):
                    merged = self._read_in_full(connection, name)
                    if merged is None:
                        return self._read_everything()
                if merged is not table:
                    merged.frame = self._frame_of(name, merged, table)
                loaded[name] = merged
        self._loaded, self._seen = loaded, fingerprint
        self._checked_at = time.monotonic()
        return {name: table.frame for name, table in loaded.items() if table is not None}

    def _read_everything(self) -> dict[str, pd.DataFrame]:
        # Taken first: a write landing during the read then shows as a change next time.
        fingerprint = self._fingerprint()
        started = time.monotonic()
        loaded: dict[str, _Loaded | None] = {}
        frames = {}
        with self._connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            for name, table in self.tables.items():
                read = self._read_in_full(connection, name, present)
                loaded[name] = read
                if read is None:
                    empty = pd.DataFrame(columns=table.columns.keys())
                    frames[name] = schema.normalise(name, empty, missing_table=True)
                else:
                    read.frame = self._normalise(name, read.columns, read.rows)
                    frames[name] = read.frame
        self._loaded, self._seen = loaded, fingerprint
        self._checked_at = self._full_read_at = started
        return frames

    def _read_in_full(
        self, connection: sa.Connection, name: str, present: set[str] | None = None
    ) -> _Loaded | None:
        """Every row of one table, or None when the table is missing (from ``present``, the
        tables there are, when known: one question for all of them instead of one each)."""
        exists = (
            name in present
            if present is not None
            else connection.dialect.has_table(connection, name)
        )
        if not exists:
            return None
        columns, rows = self._fetch(connection, name)
        key = schema.table(name).key
        positions = None
        if key is not None:
            at = columns.index(key)
            positions = {row[at]: position for position, row in enumerate(rows)}
        return _Loaded(columns, rows, positions, pd.DataFrame())

    def _read_newer(
        self, connection: sa.Connection, name: str, table: _Loaded, own_since: str | None
    ) -> _Loaded | None:
        """The table with the rows stamped since it was read merged in; None to read it all."""
        stamp_columns = self._stamp_columns(name)
        at = [table.columns.index(column) for column in stamp_columns]
        seen = self._stamps(name, table)[0]
        target = self.tables[name]
        if table.positions is None:
            # Rows without a key are only ever added: fetch strictly after the latest one seen,
            # so none comes twice; one stamped earlier shows in the row count.
            if seen is None:
                return None
            newer = sa.or_(*(self._text_order(target.c[c]) > seen for c in stamp_columns))
        elif own_since is not None and (seen is None or own_since <= seen):
            # This store's own write may have been stamped before a row it read already.
            newer = sa.or_(*(self._text_order(target.c[c]) >= own_since for c in stamp_columns))
        elif seen is None:
            return None
        else:
            newer = sa.or_(*(self._text_order(target.c[c]) > seen for c in stamp_columns))
        columns, fetched = self._fetch(connection, name, newer)
        if columns != table.columns:
            return None
        if not fetched:
            return table
        rows = list(table.rows)
        landed = []
        highest, latest = self._stamps(name, table)
        fetched_highest, fetched_latest = _stamps_of(fetched, at)
        stamps: tuple[str | None, str | None] | None = (
            _later(highest, fetched_highest),
            _later(latest, fetched_latest),
        )
        if table.positions is None:
            landed = list(range(len(rows), len(rows) + len(fetched)))
            rows.extend(fetched)
            positions = None
        else:
            positions = dict(table.positions)
            key = columns.index(schema.table(name).key or "")
            for row in fetched:
                position = positions.get(row[key])
                if position is None:
                    position = positions[row[key]] = len(rows)
                    rows.append(row)
                else:
                    # The row replaced may have held the highest stamp: then work them out anew.
                    if stamps is not None and set(_stamps_of([rows[position]], at)) & {
                        highest,
                        latest,
                    }:
                        stamps = None
                    rows[position] = row
                landed.append(position)
        before = len(table.rows)
        order = list(range(before)) + [0] * (len(rows) - before)
        for index, position in enumerate(landed):
            order[position] = before + index
        if self._postgres and len(rows) > before:
            # A changed row keeps its key and so its place; an added one goes in key order.
            sort_key = self._sort_key(name, columns)
            ranked = sorted(range(len(rows)), key=lambda i: sort_key(rows[i]))
            rows = [rows[i] for i in ranked]
            order = [order[i] for i in ranked]
            if positions is not None:
                positions = {row[key]: position for position, row in enumerate(rows)}
        return _Loaded(columns, rows, positions, pd.DataFrame(), (fetched, landed, order), stamps)

    def _stamps(self, name: str, table: _Loaded) -> tuple[str | None, str | None]:
        if table.stamps is None:
            at = [table.columns.index(column) for column in self._stamp_columns(name)]
            table.stamps = _stamps_of(table.rows, at)
        return table.stamps

    def _frame_of(self, name: str, table: _Loaded, before: _Loaded) -> pd.DataFrame:
        """The merged table normalised. Normalising a large table takes a while, so where it
        surely gives the same frame, only the fetched rows are normalised and put in place."""
        whole = table.patch is None or not before.rows or schema.problems_of(before.frame)
        # A blank row is left out of the frame, and then positions in it are not those in rows.
        if whole or len(before.frame) != len(before.rows):
            return self._normalise(name, table.columns, table.rows)
        assert table.patch is not None
        fetched, landed, order = table.patch
        part = self._normalise(name, table.columns, fetched)
        if schema.problems_of(part) or len(part) != len(fetched):
            return self._normalise(name, table.columns, table.rows)
        frame = pd.concat([before.frame, part], ignore_index=True).take(order)
        frame = frame.reset_index(drop=True)
        key = schema.table(name).key
        if key is not None:
            # Keys are unique as stored, but not always once trimmed: any clash, and the whole
            # table is normalised to list it.
            replaced = {position for position in landed if position < len(before.rows)}
            clashes = np.flatnonzero(before.frame[key].isin(set(part[key])))
            if part[key].duplicated().any() or not replaced.issuperset(clashes.tolist()):
                return self._normalise(name, table.columns, table.rows)
        frame.attrs["problems"] = []
        return frame

    def _adds_up(self, name: str, table: _Loaded, expected: tuple[int, str | None]) -> bool:
        """Whether the merged rows have the row count and latest stamp the database reports."""
        count, latest = expected
        if len(table.rows) != count:
            return False
        return self._stamps(name, table)[1] == latest

    def _order(self, name: str) -> list[sa.ColumnElement[Any]]:
        """The order rows are read in; a merge keeps it, so a partial read equals a full one."""
        if not self._postgres:
            return [sa.literal_column("rowid")]  # the order rows were added in
        # PostgreSQL keeps no such order (an update moves a row): sort by key, or by everything.
        return [self._text_order(self.tables[name].c[c]) for c in self._order_columns(name)]

    def _order_columns(self, name: str) -> list[str]:
        spec = schema.table(name)
        if spec.key is not None:
            return [spec.key]
        stamps = self._stamp_columns(name)
        return stamps + [c for c in spec.column_names if c not in stamps]

    def _sort_key(self, name: str, columns: list[str]) -> Callable[[Row], tuple]:
        at = [columns.index(column) for column in self._order_columns(name)]
        # PostgreSQL puts nulls last when sorting up.
        return lambda row: tuple((row[i] is None, row[i] or "") for i in at)

    def _fetch(
        self, connection: sa.Connection, name: str, where: sa.ColumnElement[bool] | None = None
    ) -> tuple[list[str], list[Row]]:
        statement = sa.select(self.tables[name])
        if where is not None:
            statement = statement.where(where)
        result = connection.execute(statement.order_by(*self._order(name)))
        # Every column is text, which needs no conversion: the driver's own tuples, fetched in
        # one call, cost a third less than SQLAlchemy's Row objects on a large table.
        rows = result.cursor.fetchall()
        result.close()
        self.rows_fetched += len(rows)
        return list(result.keys()), rows

    @staticmethod
    def _normalise(name: str, columns: list[str], rows: list[Row]) -> pd.DataFrame:
        if not rows:
            # Normalising costs milliseconds even with no rows; an empty table is common.
            empty = _EMPTY.get((name, tuple(columns)))
            if empty is None:
                empty = _EMPTY[(name, tuple(columns))] = schema.normalise_rows(name, columns, [])
            return empty.copy()
        return schema.normalise_rows(name, columns, rows)

    def _read_table(self, table: str) -> pd.DataFrame:
        with self._connect() as connection:
            read = self._read_in_full(connection, table)
        if read is None:
            empty = pd.DataFrame(columns=self.tables[table].columns.keys())
            return schema.normalise(table, empty, missing_table=True)
        return self._normalise(table, read.columns, read.rows)

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
            applied = [
                self._apply_edit(
                    connection, edit.table, edit.id, dict(edit.changes), edit.expected_updated_at
                )
                for edit in edits
            ]
            if edits and not fresh and not any(applied):
                return  # edits alone, all landed before: their audit rows landed with them
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
    ) -> bool:
        """One record's change inside the caller's transaction; a stale one raises. False when
        this very change had landed before (a replayed write)."""
        target = self.tables[table]
        key_column = target.c[schema.table(table).key]
        statement = sa.update(target).where(key_column == key).values(cells)
        if expected_updated_at is not None:
            statement = statement.where(
                sa.func.coalesce(target.c.updated_at, "") == expected_updated_at
            )
        if connection.execute(statement).rowcount:
            return True
        current = connection.execute(sa.select(target).where(key_column == key)).mappings().first()
        if current is None:
            raise NotFoundError(table, key)
        if cells.get("updated_at") and current.get("updated_at") == cells["updated_at"]:
            return False  # this very change landed earlier (a replayed write)
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
