"""Shared fixtures: a private PostgreSQL server, and a store per backend for the contract suite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import gspread
import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st

import lib.store as store_module
from lib import hosting, sample, schema
from lib.store import Store, sql
from lib.store.sheets import RetryPolicy, SheetStore
from lib.store.sql import SqlStore
from tests import hosts, pgserver
from tests.apptest import router_always_runs
from tests.fake_sheets import FakeSheets

NO_WAIT = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback for this test session; yields its base URL."""
    given = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        with pgserver.running() as url:
            yield url
    except pgserver.NotInstalled as missing:
        pytest.fail(str(missing))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server."""
    name = f"tracker_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield f"{postgres_server}/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fake() -> FakeSheets:
    return FakeSheets()


def sheet_store(fake: FakeSheets, key: str, **options: object) -> SheetStore:
    options.setdefault("retry", NO_WAIT)
    return SheetStore(gspread.Client(auth=None, session=fake), key, **options)  # type: ignore[arg-type]


@dataclass
class Backend:
    """A store plus the means to look behind it and to edit it the way a person would."""

    name: str
    store: Store
    #: replace a table's contents with this header and these rows, as typed by hand
    hand_edit: Callable[[str, list[str], list[list[str]]], None]
    #: the table exactly as stored, every column including ones a person added
    raw: Callable[[str], pd.DataFrame]


def canonical_header(table: str, header: list[str]) -> list[str]:
    """Contract columns under their contract names, whatever their spelling; others as they are."""
    names = {schema.fold(name): name for name in schema.table(table).column_names}
    return [names.get(schema.fold(cell), cell) for cell in header]


def _sql_backend(name: str, url: str) -> Backend:
    store = SqlStore(url)
    store.ensure_schema()
    engine = store.engine

    def hand_edit(table: str, header: list[str], rows: list[list[str]]) -> None:
        header = canonical_header(table, header)
        preparer = engine.dialect.identifier_preparer
        with engine.begin() as connection:
            present = {column["name"] for column in sa.inspect(connection).get_columns(table)}
            for column in header:
                if column not in present:
                    connection.execute(
                        sa.text(
                            f"ALTER TABLE {preparer.quote(table)} ADD COLUMN "
                            f"{preparer.quote(column)} TEXT"
                        )
                    )
            connection.execute(sa.text(f"DELETE FROM {preparer.quote(table)}"))
            target = sa.Table(table, sa.MetaData(), autoload_with=connection)
            for row in rows:
                if any(cell.strip() for cell in row):  # a database has no blank rows
                    connection.execute(
                        sa.insert(target).values(dict(zip(header, row, strict=True)))
                    )
        store.clear_cache()

    def raw(table: str) -> pd.DataFrame:
        with engine.connect() as connection:
            return pd.read_sql_table(table, connection).fillna("")

    return Backend(name, store, hand_edit, raw)


def _sheets_backend(fake: FakeSheets) -> Backend:
    key = fake.create_spreadsheet("Coalition Tracker")
    store = sheet_store(fake, key)
    store.ensure_schema()

    def hand_edit(table: str, header: list[str], rows: list[list[str]]) -> None:
        fake.delete_tab(key, table)
        fake.add_tab(key, table, [header, *rows])
        store.clear_cache()

    def raw(table: str) -> pd.DataFrame:
        grid = fake.grid(key, table)
        width = len(grid[0])
        return pd.DataFrame(
            [row + [""] * (width - len(row)) for row in grid[1:]],
            columns=canonical_header(table, grid[0]),
        )

    return Backend("sheets", store, hand_edit, raw)


@pytest.fixture(params=["sqlite", "postgres", "sheets"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return _sql_backend("sqlite", f"sqlite:///{tmp_path / 'tracker.db'}")
    if request.param == "postgres":
        return _sql_backend("postgres", request.getfixturevalue("postgres_url"))
    return _sheets_backend(request.getfixturevalue("fake"))


# --- the app under AppTest ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_store_cache() -> None:
    """Each test opens its own store; a store cached by an earlier test must not leak in."""
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def own_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded default is this test's own file, never the app's data/tracker.db."""
    monkeypatch.setattr(store_module, "DEFAULT_DATABASE_URL", f"sqlite:///{tmp_path / 'own.db'}")


@pytest.fixture(autouse=True)
def immediate_change_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests change the data between app runs within milliseconds; look every time."""
    monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 0.0)


@pytest.fixture(autouse=True)
def own_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Writes waiting to sync go to this test's own file, never the app's data/outbox.db."""
    path = tmp_path / "outbox.db"
    monkeypatch.setenv("TRACKER_OUTBOX_PATH", str(path))
    return path


@pytest.fixture(autouse=True)
def on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app sees a developer's laptop, wherever the tests run (a CI container would otherwise
    make it warn on every page that its data will be lost); tests of other hosts say so."""
    hosts.simulate(monkeypatch)
    yield
    hosting.detected.cache_clear()


@pytest.fixture(autouse=True)
def steady_router() -> Iterator[None]:
    with router_always_runs():
        yield


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqlStore:
    """An empty SQLite database that the app under test uses."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    store = SqlStore(url)
    store.ensure_schema()
    return store


@pytest.fixture
def sample_store(empty_store: SqlStore) -> SqlStore:
    sample.load_sample(empty_store, date.today())
    return empty_store


@pytest.fixture
def fake_google(monkeypatch: pytest.MonkeyPatch) -> FakeSheets:
    """The app's real configuration path, with gspread talking to the Sheets fake."""
    fake = FakeSheets()
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setattr(
        gspread,
        "service_account_from_dict",
        lambda info, scopes: gspread.Client(auth=None, session=fake),
    )
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, retry: 0.0)
    return fake
