"""The st-gsheets-connection side of `make bench-compare`, run in its own virtualenv.

st-gsheets-connection pins gspread below 6 while the app pins gspread 6, so this script runs in
.venv-peer with the connector's own gspread 5 and imports nothing from lib/. It gets the sheets
and the rows to write from bench/compare.py as JSON, talks to the same in-process Sheets fake
(tests/fake_sheets.py needs only requests and the standard library) and answers with JSON.

Usage: ``.venv-peer/bin/python bench/peer_gsheets_connection.py INPUT.json OUTPUT.json``

How the connector reaches the fake:
- ``GSheetsServiceAccountClient`` builds its gspread client with the name
  ``service_account_from_dict`` imported into ``streamlit_gsheets.gsheets_connection``; that name
  is replaced, as tests/conftest.py replaces ``gspread.service_account_from_dict`` for the app,
  by a function returning ``gspread.Client(auth=None, session=...)``.
- gspread 5's ``Client.request`` calls ``session.get/post/put/delete(url, ...)`` where gspread 6
  calls ``session.request(method, url, ...)``; the fake has only ``request``, so a small
  adapter turns the verb methods into ``request`` calls. Every request still reaches the fake and
  is counted there.
- The connector saves with gspread-formatting, whose ``format_with_dataframe`` sends formatting
  requests (``repeatCell``...) that the fake does not model; ``FormattingFake`` accepts those as
  no-ops (formatting changes no value) and still counts the request.
- ``st.connection`` reads ``[connections.gsheets]`` from a temporary secrets file named in the
  ``secrets.files`` option, with the sheet's URL (a bare key or a title would send the connector
  to the Drive API).

Outside a Streamlit server, ``st.cache_data`` falls back to an in-memory cache with the same TTL
("No runtime found, using MemoryCacheStorageManager"), process-wide like a server's, so the
connector's default one-hour cache behaves here as it does in a deployed app.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake lives in tests/, outside this virtualenv

import gspread  # noqa: E402
import pandas as pd  # noqa: E402
import requests  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit_gsheets.gsheets_connection as connector  # noqa: E402
from streamlit import config  # noqa: E402
from streamlit import logger as streamlit_logger  # noqa: E402
from streamlit_gsheets import GSheetsConnection  # noqa: E402

from bench.measure import (  # noqa: E402
    altered_cells,
    concurrent,
    interaction_ids,
    milliseconds,
)
from tests.fake_sheets import FakeSheets  # noqa: E402

FORMATTING_REQUESTS = (
    "repeatCell",
    "updateDimensionProperties",
    "updateBorders",
    "autoResizeDimensions",
    "updateSheetProperties",  # frozen rows; a real resize is left to the fake's own handler
)


class FormattingFake(FakeSheets):
    """The fake, also accepting the formatting requests gspread-formatting sends."""

    def _requests(self) -> dict[str, Callable[..., dict[str, Any]]]:
        handlers = super()._requests()
        for name in FORMATTING_REQUESTS:
            handlers.setdefault(name, lambda sheets, arguments, where: {})
        return handlers


class VerbSession:
    """gspread 5 calls ``session.get(url, ...)``; the fake answers ``request("GET", url, ...)``."""

    def __init__(self, fake: FakeSheets) -> None:
        self.fake = fake
        self.headers = fake.headers

    def get(self, url: str, **options: Any) -> requests.Response:
        return self.fake.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> requests.Response:
        return self.fake.request("POST", url, **options)

    def put(self, url: str, **options: Any) -> requests.Response:
        return self.fake.request("PUT", url, **options)

    def delete(self, url: str, **options: Any) -> requests.Response:
        return self.fake.request("DELETE", url, **options)


class Bench:
    """One seeded spreadsheet on a fresh fake, and a connection to it as an app would open it."""

    def __init__(self, tabs: dict[str, list[list[str]]], name: str) -> None:
        self.fake = FormattingFake()
        # The key is the connection's name, so the secrets file can be written before any fake.
        self.key = self.fake.create_spreadsheet("Coalition", tabs=tabs, spreadsheet_id=name)
        connector.service_account_from_dict = self._client  # the connector's only client seam
        self.conn = st.connection(name, type=GSheetsConnection)

    def _client(self, info: dict[str, Any], scopes: Any = None) -> gspread.Client:
        return gspread.Client(auth=None, session=VerbSession(self.fake))

    def requests_for(self, action: Callable[[], object]) -> int:
        self.fake.reset_log()
        action()
        return self.fake.count()

    def page_view(self, tables: list[str]) -> dict[str, pd.DataFrame]:
        """What a page of the app needs, read as the connector's README reads a tab."""
        return {table: self.conn.read(worksheet=table) for table in tables}

    def save(self, rows_by_table: dict[str, list[dict[str, str]]], ttl: int | None = 0) -> None:
        """The connector's way to add rows: read the tab, add to the DataFrame, write it all back.

        The read before writing is uncached (``ttl=0``), the most favourable choice: with the
        default hour-long cache the frame written back misses every row added since it was read.
        """
        for table, rows in rows_by_table.items():
            frame = (
                self.conn.read(worksheet=table)
                if ttl is None
                else self.conn.read(worksheet=table, ttl=ttl)
            )
            frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
            self.conn.update(worksheet=table, data=frame)

    def change_status(self, change: dict[str, Any]) -> None:
        """A status update: the commitment's cells in its frame, then the history and audit rows."""
        frame = self.conn.read(worksheet="commitments", ttl=0)
        match = frame["id"] == change["commitment_id"]
        for column, value in change["cells"].items():
            frame[column] = frame[column].astype(object)
            frame.loc[match, column] = value
        self.conn.update(worksheet="commitments", data=frame)
        self.save(change["append"])

    def interaction_ids(self) -> Counter[str]:
        return interaction_ids(self.fake.grid(self.key, "interactions"))


def names(number: int) -> dict[str, str]:
    """The connections (and spreadsheet keys) of one dataset's measurements."""
    return {role: f"{role}{number}" for role in ("pages", "writers", "alone")}


def write_secrets(directory: Path, count: int, url: Callable[[str], str]) -> None:
    """``[connections.<name>]`` for every connection the run opens, as a deployed app has it."""
    sections = [
        f'[connections.{name}]\nspreadsheet = "{url(name)}"\ntype = "service_account"\n'
        for number in range(count)
        for name in names(number).values()
    ]
    secrets = directory / "secrets.toml"
    secrets.write_text("\n".join(sections))
    config.set_option("secrets.files", [str(secrets)])


def measure(dataset: dict[str, Any], runs: int, number: int) -> dict:
    tables: list[str] = dataset["tables"]
    bench = Bench(dataset["tabs"], names(number)["pages"])
    st.cache_data.clear()
    result: dict[str, Any] = {}
    result["first_view_requests"] = bench.requests_for(lambda: bench.page_view(tables))
    result["repeat_view_requests"] = bench.requests_for(lambda: bench.page_view(tables))
    result["repeat_view_ms"] = milliseconds(lambda: bench.page_view(tables), runs)

    def expired_view() -> None:
        st.cache_data.clear()  # what the hour's TTL running out does
        bench.page_view(tables)

    result["expired_view_requests"] = bench.requests_for(expired_view)
    result["expired_view_ms"] = milliseconds(expired_view, runs)
    bench.save(dataset["warm_up"])
    bench.page_view(tables)
    started = time.perf_counter()
    result["report_requests"] = bench.requests_for(lambda: bench.save(dataset["report"]))
    result["report_ms"] = (time.perf_counter() - started) * 1000
    result["altered_cells"] = altered_cells(
        {table: dataset["tabs"][table] for table in dataset["report"]},
        lambda table: bench.fake.grid(bench.key, table),
    )
    started = time.perf_counter()
    result["status_requests"] = bench.requests_for(lambda: bench.change_status(dataset["status"]))
    result["status_ms"] = (time.perf_counter() - started) * 1000
    if dataset.get("writers"):
        fresh = Bench(dataset["tabs"], names(number)["writers"])
        st.cache_data.clear()
        result["concurrent"] = concurrent(
            lambda report: fresh.save(report, ttl=0), dataset["writers"], fresh.interaction_ids
        )
        # The same reports from ONE writer, reading before each save as the README reads.
        alone = Bench(dataset["tabs"], names(number)["alone"])
        st.cache_data.clear()
        result["single_writer_default_ttl"] = concurrent(
            lambda report: alone.save(report, ttl=None),
            [dataset["writers"][0]],
            alone.interaction_ids,
        )
    return result


def quiet() -> None:
    """Bare-mode Streamlit warns on every cached call; the warnings say nothing new here."""
    warnings.filterwarnings("ignore")
    streamlit_logger.set_log_level("error")  # also for the loggers Streamlit makes later


def main(argv: list[str]) -> int:
    source, target = Path(argv[1]), Path(argv[2])
    job = json.loads(source.read_text())
    quiet()
    results = []
    with tempfile.TemporaryDirectory() as directory:
        write_secrets(Path(directory), len(job["datasets"]), FakeSheets().url)
        for number, dataset in enumerate(job["datasets"]):
            results.append(measure(dataset, job["runs"], number))
    versions = {
        "gspread": gspread.__version__,
        "streamlit": st.__version__,
        "pandas": pd.__version__,
    }
    target.write_text(json.dumps({"versions": versions, "datasets": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
