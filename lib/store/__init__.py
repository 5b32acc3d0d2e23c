"""Choosing the coalition's store from the app's secrets.

Precedence: ``TRACKER_DATABASE_URL`` (tests, benchmarks, deployments), then a Google Sheet under
``[connections.gsheets]``, then a SQL database under ``[connections.sql]``, then the embedded
SQLite database at ``data/tracker.db``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from lib.store.base import (
    ConflictError,
    Edit,
    NotFoundError,
    SchemaError,
    Store,
    StoreError,
    UnavailableError,
)
from lib.store.sql import PROJECT_ROOT, SqlStore

__all__ = [
    "ConfigError",
    "ConflictError",
    "Edit",
    "NotFoundError",
    "SchemaError",
    "Store",
    "StoreError",
    "UnavailableError",
    "DEFAULT_DATABASE_URL",
    "open_store",
]

EMBEDDED_DATABASE = PROJECT_ROOT / "data" / "tracker.db"
DEFAULT_DATABASE_URL = f"sqlite:///{EMBEDDED_DATABASE}"
SERVICE_ACCOUNT_KEYS = ("client_email", "private_key", "token_uri")
SECRETS_FILE = ".streamlit/secrets.toml"


class ConfigError(StoreError):
    """A secret is missing or malformed; the message names the key."""


def open_store(secrets: Mapping[str, Any]) -> Store:
    """The store the app should use, given the contents of ``.streamlit/secrets.toml``."""
    url = os.environ.get("TRACKER_DATABASE_URL", "").strip()
    if url:
        return _sql_store(url, "the TRACKER_DATABASE_URL environment variable")
    connections = secrets.get("connections") or {}
    if not isinstance(connections, Mapping):
        raise ConfigError(f"[connections] in {SECRETS_FILE} must be a table of connections.")
    gsheets = connections.get("gsheets")
    # Service-account credentials without a spreadsheet are a coalition getting ready to move:
    # Settings uses them to test a sheet, and the app stays on its current data meanwhile.
    if isinstance(gsheets, Mapping) and str(gsheets.get("spreadsheet", "")).strip():
        return _sheet_store(gsheets)
    if gsheets is not None and not isinstance(gsheets, Mapping):
        raise ConfigError(f"[connections.gsheets] in {SECRETS_FILE} must be a table of settings.")
    if "sql" in connections:
        sql = connections["sql"]
        if not isinstance(sql, Mapping) or not str(sql.get("url", "")).strip():
            raise ConfigError(
                f"connections.sql.url is missing in {SECRETS_FILE}; set it to a "
                "SQLAlchemy URL such as postgresql://user:password@host/dbname."
            )
        return _sql_store(str(sql["url"]).strip(), f"connections.sql.url in {SECRETS_FILE}")
    return _sql_store(DEFAULT_DATABASE_URL, "the embedded database")


def _sql_store(url: str, where: str) -> SqlStore:
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        store = SqlStore(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise ConfigError(f"{where} is not a database URL this app can use ({error}).") from error
    store.ensure_schema()
    return store


def _sheet_store(settings: Any) -> Store:
    import gspread
    from google.auth.exceptions import GoogleAuthError

    from lib.store.sheets import SCOPES, SheetStore

    if not isinstance(settings, Mapping):
        raise ConfigError(f"[connections.gsheets] in {SECRETS_FILE} must be a table of settings.")
    spreadsheet = str(settings.get("spreadsheet", "")).strip()
    if not spreadsheet:
        raise ConfigError(
            f"connections.gsheets.spreadsheet is missing in {SECRETS_FILE}; set it "
            "to the Google Sheet's URL."
        )
    for key in SERVICE_ACCOUNT_KEYS:
        if not str(settings.get(key, "")).strip():
            raise ConfigError(
                f"connections.gsheets.{key} is missing in {SECRETS_FILE}; copy it "
                "from the service account's JSON key file."
            )
    info = {key: value for key, value in settings.items() if key != "spreadsheet"}
    info.setdefault("type", "service_account")
    try:
        client = gspread.service_account_from_dict(info, scopes=list(SCOPES))
    except (ValueError, GoogleAuthError) as error:
        raise ConfigError(
            f"connections.gsheets.private_key in {SECRETS_FILE} is not a valid "
            f"service-account key ({error})."
        ) from error
    return SheetStore(client, spreadsheet, service_account_email=str(settings["client_email"]))
