"""What every backend shares: validating writes, ids and stamps, and the read cache."""

from __future__ import annotations

import itertools
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib import schema


class StoreError(Exception):
    """A failure the user can act on; ``str(error)`` is written for them."""


class ConflictError(StoreError):
    """The record changed since it was read; ``current`` holds the stored values where known."""

    def __init__(
        self, table: str, record_id: str, expected: str | None, current: Mapping[str, str]
    ):
        self.table = table
        self.record_id = record_id
        self.expected = expected
        self.current = dict(current)
        super().__init__(
            f"Someone else changed this {table[:-1]} ({record_id}) after you opened it "
            f"(at {self.current.get('updated_at') or 'an unknown time'}). "
            "Your change was not saved; review their version and try again."
        )


class NotFoundError(StoreError, KeyError):
    def __init__(self, table: str, record_id: str):
        self.table = table
        self.record_id = record_id
        super().__init__(
            f"No {table[:-1]} with id {record_id!r} exists (it may have been deleted "
            "from the sheet by hand)."
        )

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class SchemaError(StoreError):
    """The store's tabs or columns do not match the contract in a way that stops a write."""


class UnavailableError(StoreError):
    """The backend did not answer (after retries); nothing was written by the failed call."""


@dataclass(frozen=True)
class Edit:
    """A change to some fields of one record, checked against the version its author saw."""

    table: str
    id: str
    changes: Mapping[str, Any]
    expected_updated_at: str | None = None


_SNAPSHOT_NUMBERS = itertools.count(1)


class Store(ABC):
    """A coalition's data: the tables of :mod:`lib.schema`, read as DataFrames of text."""

    #: how long a read stays fresh; edits made outside the app show up after at most this long
    cache_ttl: float = 5.0

    def __init__(self) -> None:
        self._cache: dict[str, pd.DataFrame] | None = None
        self._cache_time = 0.0
        self._cache_number = 0
        self._cache_lock = threading.Lock()

    # --- what a backend implements -------------------------------------------------------------

    @property
    @abstractmethod
    def identity(self) -> str:
        """Which data this is, for keeping queued writes apart (no passwords in it)."""

    @property
    @abstractmethod
    def label(self) -> str:
        """Which data source this is, as the sidebar says it."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create missing tables/tabs and columns; never drops or rewrites data."""

    @abstractmethod
    def _read_tables(self) -> dict[str, pd.DataFrame]:
        """Every table, normalised (see :func:`lib.schema.normalise`)."""

    @abstractmethod
    def _append_records(self, table: str, records: list[dict[str, str]]) -> None:
        """Store complete records, skipping any whose key is already stored."""

    @abstractmethod
    def _write(self, edits: list[Edit], records: dict[str, list[dict[str, str]]]) -> None:
        """Apply ``edits`` (cells already checked and stamped) and store ``records`` in one
        atomic write. When every keyed record is stored already (a retry of a write that
        landed), write nothing, audit rows included; an edit whose new ``updated_at`` is
        already stored landed before and is skipped; any other stale edit raises
        :class:`ConflictError` and nothing is written."""

    @abstractmethod
    def _update_record(
        self, table: str, key: str, cells: dict[str, str], expected_updated_at: str | None
    ) -> None:
        """Write ``cells`` into the record with this key, checking ``updated_at`` when given."""

    # --- the interface ---------------------------------------------------------------------------

    def _changed_since_read(self) -> bool:
        """Whether the cached read may be out of date; backends with a cheap check override it."""
        return time.monotonic() - self._cache_time > self.cache_ttl

    def read_all(self) -> dict[str, pd.DataFrame]:
        return self.read_snapshot()[1]

    def read_snapshot(self) -> tuple[int, dict[str, pd.DataFrame]]:
        """:meth:`read_all`, with a number that changes whenever the tables may have (unique in
        the process), so what is computed from them can be kept until then."""
        with self._cache_lock:
            if self._cache is None or self._changed_since_read():
                fresh = self._read_tables()
                # A backend that found nothing new hands back the same frames: same snapshot.
                if self._cache is None or any(
                    fresh.get(name) is not frame for name, frame in self._cache.items()
                ):
                    self._cache_number = next(_SNAPSHOT_NUMBERS)
                self._cache = fresh
                self._cache_time = time.monotonic()
            cached, number = self._cache, self._cache_number
        # Copy-on-write pandas makes shallow copies cheap and keeps callers from editing the cache.
        return number, {name: frame.copy(deep=False) for name, frame in cached.items()}

    def read(self, table: str) -> pd.DataFrame:
        schema.table(table)
        return self.read_all()[table]

    def read_fresh(self, table: str) -> pd.DataFrame:
        """One table as stored right now, bypassing the cache: for decisions that must not rest
        on a read a few seconds old, such as whether a writer still may write."""
        schema.table(table)
        return self._read_table(table)

    def _read_table(self, table: str) -> pd.DataFrame:
        """One table, uncached; backends that can read a single table cheaply override this."""
        return self._read_tables()[table]

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache = None

    def _written(self, cells: Mapping[str, Sequence[Mapping[str, str]]]) -> None:
        """After every write attempt, landed or not: the cells sent, by table. The cached read is
        dropped; backends that can bring a read up to date in part override this."""
        self.clear_cache()

    def append(self, table: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """Add rows; ids and stamps are filled in where missing. Rows whose id is already stored
        are skipped, so repeating an append with the same ids never duplicates anything."""
        records = [self.new_record(table, row) for row in rows]
        if not records:
            return []
        try:
            self._append_records(table, records)
        finally:
            self._written({table: records})
        key = schema.table(table).key
        return [record[key] for record in records] if key else []

    def append_many(self, batch: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[str]]:
        """Add rows to several tables at once: every row lands, or none does.

        ``batch`` maps table names to rows, as :meth:`append` takes them; the answer maps them to
        the ids. Every row is checked before anything is written. Repeating a batch with the
        same ids (a retry after an answer was lost) adds nothing, not even its audit rows.
        """
        return self.change([], batch)

    def change(
        self,
        edits: Sequence[Edit],
        append: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    ) -> dict[str, list[str]]:
        """Change records and add rows in one write that lands whole or not at all.

        A status update is one: the commitment's new status, its dated history row and the
        audit row. Each edit is checked against the version its author saw (raising
        :class:`ConflictError`, with nothing written). Give the rows their ids (and the edits
        their ``updated_at``) before the first attempt: a retry of a change that landed then
        changes nothing.
        """
        append = append or {}
        unknown = set(append) - set(schema.TABLES)
        if unknown:
            raise schema.InvalidValue("table", f"There is no {sorted(unknown)[0]!r} table.")
        records = {
            name: [self.new_record(name, row) for row in append[name]]
            for name in schema.DEPENDENCY_ORDER
            if append.get(name)
        }
        checked = [
            Edit(edit.table, str(edit.id), self._edit_cells(edit), edit.expected_updated_at)
            for edit in edits
        ]
        if records or checked:
            try:
                self._write(checked, records)
            finally:
                written: dict[str, list[Mapping[str, str]]] = {n: [*r] for n, r in records.items()}
                for edit in checked:
                    written.setdefault(edit.table, []).append(edit.changes)
                self._written(written)
        ids: dict[str, list[str]] = {}
        for name in append:
            key = schema.table(name).key
            ids[name] = [record[key] for record in records.get(name, [])] if key else []
        return ids

    def update(
        self,
        table: str,
        id: str,
        changes: Mapping[str, Any],
        expected_updated_at: str | None = None,
    ) -> dict[str, str]:
        """Change some fields of one record; returns the cells written (with the new updated_at).

        With ``expected_updated_at``, raises :class:`ConflictError` if the record was changed
        after that stamp was read.
        """
        cells = self._edit_cells(Edit(table, id, changes, expected_updated_at))
        try:
            self._update_record(table, str(id), cells, expected_updated_at)
        finally:
            self._written({table: [cells]})
        return cells

    # --- helpers for backends ----------------------------------------------------------------

    @staticmethod
    def _edit_cells(edit: Edit) -> dict[str, str]:
        """The cells an edit writes, checked, with a new ``updated_at`` where the table has one."""
        spec = schema.table(edit.table)
        if spec.key is None:
            raise SchemaError(f"Rows of the {edit.table} table are never changed, only added.")
        frozen = {spec.key, "created_at", "created_by"} & set(edit.changes)
        if frozen:
            raise schema.InvalidValue(
                sorted(frozen)[0], f"{', '.join(sorted(frozen))} cannot be changed."
            )
        if edit.expected_updated_at is not None and not spec.has("updated_at"):
            raise SchemaError(
                f"The {edit.table} table has no updated_at to check conflicts against."
            )
        cells = schema.to_cells(edit.table, edit.changes)
        if spec.has("updated_at") and not cells.get("updated_at"):
            # A caller replaying a queued change passes the stamp it chose the first time, so a
            # change that already landed is recognised instead of reported as a conflict.
            cells["updated_at"] = schema.now_stamp()
        return cells

    @staticmethod
    def new_record(table: str, row: Mapping[str, Any]) -> dict[str, str]:
        """A complete record of text cells, with id and stamps filled where the caller left them."""
        spec = schema.table(table)
        cells = schema.to_cells(table, row)
        record = {name: cells.get(name, "") for name in spec.column_names}
        for column in spec.columns:
            if not record[column.name] and column.default != "":
                record[column.name] = schema.to_cell(column, column.default)
        if spec.key == "id" and not record["id"]:
            record["id"] = schema.new_id(table)
        if spec.key and not record[spec.key]:
            raise schema.InvalidValue(spec.key, f"A {table[:-1]} needs a {spec.key}.")
        stamp = schema.now_stamp()
        for name in ("created_at", "updated_at", "at"):
            if spec.has(name) and not record[name]:
                record[name] = stamp
        return record
