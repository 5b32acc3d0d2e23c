"""What only the SQL backend does: notice other writers at once, and say where its data lives."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import lib.store as store_module
from lib.store import ConfigError, open_store, sql
from lib.store.sql import PROJECT_ROOT, SqlStore


def test_a_write_by_another_process_is_seen_within_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 0.05)
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    mine, theirs = SqlStore(url), SqlStore(url)
    mine.ensure_schema()
    assert mine.read("issues").empty
    theirs.append("issues", [{"id": "iss-1", "name": "Housing"}])
    time.sleep(0.06)
    assert list(mine.read("issues")["id"]) == ["iss-1"]
    stamp = mine.read("issues").iloc[0]["updated_at"]
    theirs.update("issues", "iss-1", {"name": "Affordable housing"}, expected_updated_at=stamp)
    time.sleep(0.06)
    assert list(mine.read("issues")["name"]) == ["Affordable housing"]


def test_the_embedded_default_lives_in_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store_module.EMBEDDED_DATABASE == PROJECT_ROOT / "data" / "tracker.db"
    embedded = SqlStore(f"sqlite:///{store_module.EMBEDDED_DATABASE}")
    assert embedded.label == "Local database data/tracker.db"
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "DEFAULT_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    store = open_store({})
    assert store.label.endswith("d.db")
    assert store.read_all()["candidates"].empty  # created, with its tables, on first use


def test_the_environment_overrides_the_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'override.db'}")
    store = open_store({"connections": {"sql": {"url": "postgresql://nowhere/none"}}})
    assert store.label.endswith("override.db")


def test_a_sql_connection_without_a_url_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="connections.sql.url is missing"):
        open_store({"connections": {"sql": {}}})


def test_postgresql_urls_use_the_installed_driver(postgres_url: str) -> None:
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    store = SqlStore(plain)
    store.ensure_schema()
    assert store.label == "PostgreSQL"
    assert store.read_all()["commitments"].empty
