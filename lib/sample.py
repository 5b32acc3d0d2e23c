"""The sample coalition shipped in data/sample/, loaded so that it always looks current.

The CSVs are written as if today were the anchor date in data/sample/anchor.txt; loading shifts
every date and timestamp by the days since then, so "overdue" and "next 14 days" stay meaningful.

Run ``python -m lib.sample`` (``make demo``) to load it into the configured store.
"""

from __future__ import annotations

import functools
import sys
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from lib import schema
from lib.store import Store, StoreError, open_store
from lib.store.sql import PROJECT_ROOT

SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
# The tables the sample has, in the order that never leaves rows pointing at nothing.
# Settings, reminders sent and the audit are the coalition's own history, never sample data;
# the sample's tax status is not set, so it has no endorsements either.
LOAD_ORDER = tuple(
    name
    for name in schema.DEPENDENCY_ORDER
    if name not in ("settings", "reminders", "audit") and not schema.table(name).capability
)
CORE_TABLES = ("candidates", "issues", "partners", "interactions", "commitments")


class SampleRefused(StoreError):
    """The store holds records or members of the coalition's own: the sample's fictional ones
    (an admin among its members) must never mix with them."""


def anchor_date(sample_dir: Path = SAMPLE_DIR) -> date:
    return date.fromisoformat((sample_dir / "anchor.txt").read_text().strip())


def _shift_date(text: str, days: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat() if text else ""


def _shift_stamp(text: str, days: int) -> str:
    if not text:
        return ""
    return (datetime.fromisoformat(text) + timedelta(days=days)).isoformat(timespec="microseconds")


def sample_tables(today: date, sample_dir: Path = SAMPLE_DIR) -> dict[str, pd.DataFrame]:
    """The sample's tables with every date moved so the anchor date falls on ``today``."""
    days = (today - anchor_date(sample_dir)).days
    tables = {}
    for name in LOAD_ORDER:
        frame = pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        for column in schema.table(name).columns:
            if column.kind is schema.Kind.DATE:
                frame[column.name] = frame[column.name].map(lambda text: _shift_date(text, days))
            elif column.kind is schema.Kind.TIMESTAMP:
                frame[column.name] = frame[column.name].map(lambda text: _shift_stamp(text, days))
        tables[name] = frame
    return tables


def is_empty(tables: Mapping[str, pd.DataFrame]) -> bool:
    """True when the coalition has recorded nothing yet (members alone do not count)."""
    return all(tables[name].empty for name in CORE_TABLES)


@functools.cache
def _sample_keys(sample_dir: Path = SAMPLE_DIR) -> dict[str, frozenset[str]]:
    keys = {}
    for name in LOAD_ORDER:
        key = schema.table(name).key
        assert key is not None
        frame = pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        keys[name] = frozenset(frame[key])
    return keys


def own_records(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The tables holding records that are not the sample's: the coalition's own data or
    members. Settings and the audit log do not count; nor does the sample itself, so that a
    load cut short can be finished."""
    keys = _sample_keys()
    return [
        name
        for name in LOAD_ORDER
        if not set(tables[name][schema.table(name).key]) <= keys[name]  # type: ignore[index]
    ]


def may_load(tables: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the sample may go into a store holding ``tables``: only one with no records and
    no members of its own."""
    return not own_records(tables)


def load_sample(store: Store, today: date | None = None) -> dict[str, int]:
    """Add the sample's rows that the store lacks; returns how many rows each table gained.

    Only into a store with no records and no members of its own (see :func:`own_records`),
    checked on a fresh read just before writing; raises :class:`SampleRefused` otherwise.
    Loading twice adds nothing the second time: rows are matched by their fixed ids.
    """
    store.clear_cache()  # decide on the store as it is now, not on a read from a while ago
    existing = store.read_all()
    own = own_records(existing)
    if own:
        raise SampleRefused(
            "The sample coalition goes only into an empty tracker, and this one already has "
            f"{' and '.join(', '.join(own).rsplit(', ', 1))} of its own. Its fictional "
            "records and members would mix with them, so nothing was added."
        )
    added = {}
    for name, frame in sample_tables(today or date.today()).items():
        key = schema.table(name).key
        assert key is not None
        present = set(existing[name][key])
        rows = [row for row in frame.to_dict("records") if row[key] not in present]
        store.append(name, rows)
        added[name] = len(rows)
    if any(added.values()):
        store.append(
            "audit",
            [
                {
                    "by": "sample loader",
                    "action": "loaded the sample coalition",
                    "table": "all",
                    "record_id": "",
                    "detail": ", ".join(f"{n} {name}" for name, n in added.items()),
                }
            ],
        )
    return added


def read_secrets(path: Path = PROJECT_ROOT / ".streamlit" / "secrets.toml") -> dict:
    """The same secrets Streamlit reads, for command-line use."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def main() -> int:
    try:
        store = open_store(read_secrets())
        added = load_sample(store)
    except StoreError as error:
        print(f"Could not load the sample coalition: {error}", file=sys.stderr)
        return 1
    print(f"Sample coalition loaded into {store.label}:")
    for name, count in added.items():
        print(f"  {name:<13} {count:>4} rows added")
    if not any(added.values()):
        print("  (it was already there; nothing was duplicated)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
