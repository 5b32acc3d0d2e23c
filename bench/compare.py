"""`make bench-compare`: three ways to put a Streamlit front end on a Google Sheet, side by side.

1. our store (``SheetStore`` with its read cache): ``read_all`` per page view, a report saved with
   ``append_many`` (one spreadsheets.batchUpdate), a status update with ``change``;
2. Streamlit's ``GSheetsConnection`` (st-gsheets-connection) as its README uses it: ``conn.read``
   per tab per page view (hour-long ``st.cache_data``), saving by read, add a row to the
   DataFrame, ``conn.update`` (clear the tab, write it all back). It pins gspread below 6, so it
   runs in .venv-peer through bench/peer_gsheets_connection.py (see that file for how it reaches
   the fake);
3. plain gspread 6, hand-written: ``get_all_records`` per tab per page view, ``append_row`` and
   ``update_cell`` to write.

Every one talks to the in-process Sheets fake (tests/fake_sheets.py) holding the same cells: each
dataset is loaded once through our store, and every way starts from a copy of those grids on a
fresh fake. The fake counts requests; rows lost and duplicated are counted in its grid.

Prints a Markdown table per dataset and writes them to bench/results/compare.md.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import gspread
import pandas as pd

from bench import run as large
from bench.measure import altered_cells, concurrent, interaction_ids, milliseconds
from lib import report, schema
from lib.sample import load_sample
from lib.store import Edit, Store
from lib.store.sheets import SheetStore
from lib.store.sql import PROJECT_ROOT
from tests.fake_sheets import FakeSheets

RESULTS = PROJECT_ROOT / "bench" / "results" / "compare.md"
PEER_PYTHON = PROJECT_ROOT / ".venv-peer" / "bin" / "python"
PEER_SCRIPT = PROJECT_ROOT / "bench" / "peer_gsheets_connection.py"
RUNS = 5
WRITERS = 5
REPORTS_EACH = 20
MID_INTERACTIONS = 2_000
MID_COMMITMENTS = 4_000
TABLES = list(schema.TABLES)

Rows = dict[str, list[dict[str, str]]]


# --- datasets --------------------------------------------------------------------------------


def mid_rows(rng: random.Random) -> dict[str, list[dict[str, object]]]:
    """A coalition a few years into using the tracker, with realistic lengths of text."""
    return large.seed_rows(rng, MID_INTERACTIONS, MID_COMMITMENTS, positions_count=600)


def seeded_grids(fill: Callable[[Store], object]) -> dict[str, list[list[str]]]:
    """Every tab's cells after ``fill`` wrote through our store, to copy onto fresh fakes."""
    fake = FakeSheets()
    key = fake.create_spreadsheet("Seed")
    store = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
    store.ensure_schema()
    fill(store)
    return {tab: fake.grid(key, tab) for tab in fake.tabs(key)}


def fill_mid(store: Store) -> None:
    for table, rows in mid_rows(random.Random(2026)).items():
        store.append(table, rows)


def spreadsheet(grids: dict[str, list[list[str]]]) -> tuple[FakeSheets, str]:
    fake = FakeSheets()
    return fake, fake.create_spreadsheet("Coalition", tabs=grids)


def frame_of(grids: dict[str, list[list[str]]], table: str) -> pd.DataFrame:
    grid = grids[table]
    width = len(grid[0])
    return pd.DataFrame([row + [""] * (width - len(row)) for row in grid[1:]], columns=grid[0])


# --- what gets written -----------------------------------------------------------------------


def report_rows(grids: dict[str, list[list[str]]], author: str) -> Rows:
    """A report as the Report page builds it (lib.report.records): the interaction, a commitment
    with its first history row, a position, an action and the audit row; every cell decided."""
    candidates = frame_of(grids, "candidates")["id"].tolist()
    issues = frame_of(grids, "issues")["id"].tolist()
    draft = report.new_draft()
    draft.update(
        date=date.today(),
        candidate_id=random.choice(candidates),
        kind="one_on_one",
        setting="in_person",
        source="firsthand",
        visibility="coalition",
        reported_by=author,
        talking_points="Housing trust fund: the ask and its costs.",
        takeaways="Supportive in principle; wants a cost estimate before committing.",
        commitments=[
            {
                **report.new_outcome("commitments"),
                "issue_id": random.choice(issues),
                "text": "Will ask the budget chair for a cost estimate.",
                "owner": author,
                "status": "in_the_works",
            }
        ],
        positions=[
            {
                **report.new_outcome("positions"),
                "issue_id": random.choice(issues),
                "stance": "supports",
                "evidence": "Said so in the meeting.",
            }
        ],
        actions=[
            {**report.new_outcome("actions"), "title": "Send the fact sheet", "owner": author}
        ],
    )
    written = report.records(draft, author, schema.now_stamp())
    return {
        table: [Store.new_record(table, row) for row in rows] for table, rows in written.items()
    }


def status_change(grids: dict[str, list[list[str]]]) -> dict[str, Any]:
    """A commitment moved to "kept", with its dated history row and its audit row."""
    commitment = frame_of(grids, "commitments").iloc[len(grids["commitments"]) // 2 - 1]
    note = "Confirmed with the council office: the ordinance passed."
    append = {
        "updates": [
            {
                "commitment_id": commitment["id"],
                "date": date.today(),
                "status": "kept",
                "note": note,
                "created_by": "staff@example.org",
            }
        ],
        "audit": [
            {
                "by": "staff@example.org",
                "action": "updated status",
                "table": "commitments",
                "record_id": commitment["id"],
                "detail": f"Promise kept: {note}",
            }
        ],
    }
    return {
        "commitment_id": commitment["id"],
        "expected_updated_at": commitment["updated_at"],
        "cells": {"status": "kept", "updated_at": schema.now_stamp()},
        "append": {
            table: [Store.new_record(table, row) for row in rows] for table, rows in append.items()
        },
    }


# --- measuring ---------------------------------------------------------------------------------


def requests_for(fake: FakeSheets, action: Callable[[], object]) -> int:
    fake.reset_log()
    action()
    return fake.count()


def measure_ours(dataset: dict[str, Any]) -> dict[str, Any]:
    fake, key = spreadsheet(dataset["tabs"])
    store = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
    result: dict[str, Any] = {}
    result["first_view_requests"] = requests_for(fake, store.read_all)
    result["repeat_view_requests"] = requests_for(fake, store.read_all)
    result["repeat_view_ms"] = milliseconds(store.read_all, RUNS)

    def expired_view() -> None:
        store.clear_cache()  # what the 30 s TTL running out does
        store.read_all()

    result["expired_view_requests"] = requests_for(fake, expired_view)
    result["expired_view_ms"] = milliseconds(expired_view, RUNS)
    store.append_many(dataset["warm_up"])
    store.read_all()
    started = time.perf_counter()
    result["report_requests"] = requests_for(fake, lambda: store.append_many(dataset["report"]))
    result["report_ms"] = (time.perf_counter() - started) * 1000
    result["altered_cells"] = altered_cells(
        {table: dataset["tabs"][table] for table in dataset["report"]},
        lambda table: fake.grid(key, table),
    )
    change = dataset["status"]
    edit = Edit(
        "commitments",
        change["commitment_id"],
        change["cells"],
        expected_updated_at=change["expected_updated_at"],
    )
    store.read_all()
    started = time.perf_counter()
    result["status_requests"] = requests_for(fake, lambda: store.change([edit], change["append"]))
    result["status_ms"] = (time.perf_counter() - started) * 1000
    if dataset.get("writers"):
        fake, key = spreadsheet(dataset["tabs"])
        # One store for every session of the app's process, as st.cache_resource shares it.
        shared = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
        shared.read_all()
        result["concurrent"] = concurrent(
            shared.append_many,
            dataset["writers"],
            lambda: interaction_ids(fake.grid(key, "interactions")),
        )
    return result


class HandWritten:
    """A front end written straight on gspread 6: open the sheet once, read every tab per page
    view with get_all_records, append rows with append_row, change cells with update_cell."""

    def __init__(self, fake: FakeSheets, key: str) -> None:
        self.client = gspread.Client(auth=None, session=fake)  # type: ignore[arg-type]
        self.key = key
        self.tabs: dict[str, gspread.Worksheet] = {}

    def page_view(self) -> dict[str, pd.DataFrame]:
        if not self.tabs:  # kept for the process, like a st.cache_resource'd client
            sheet = self.client.open_by_key(self.key)
            self.tabs = {tab.title: tab for tab in sheet.worksheets()}
        return {table: pd.DataFrame(self.tabs[table].get_all_records()) for table in TABLES}

    def save(self, rows_by_table: Rows) -> None:
        for table, rows in rows_by_table.items():
            for row in rows:
                self.tabs[table].append_row(list(row.values()), value_input_option="RAW")

    def change_status(self, change: dict[str, Any]) -> None:
        tab = self.tabs["commitments"]
        header = schema.table("commitments").column_names
        found = tab.find(change["commitment_id"], in_column=1)
        assert found is not None
        for name, value in change["cells"].items():
            tab.update_cell(found.row, header.index(name) + 1, value)
        self.save(change["append"])


def measure_plain(dataset: dict[str, Any]) -> dict[str, Any]:
    fake, key = spreadsheet(dataset["tabs"])
    app = HandWritten(fake, key)
    result: dict[str, Any] = {}
    result["first_view_requests"] = requests_for(fake, app.page_view)
    result["repeat_view_requests"] = requests_for(fake, app.page_view)
    result["repeat_view_ms"] = milliseconds(app.page_view, RUNS)
    result["expired_view_requests"] = result["repeat_view_requests"]  # no cache to expire
    result["expired_view_ms"] = result["repeat_view_ms"]
    app.save(dataset["warm_up"])
    started = time.perf_counter()
    result["report_requests"] = requests_for(fake, lambda: app.save(dataset["report"]))
    result["report_ms"] = (time.perf_counter() - started) * 1000
    result["altered_cells"] = altered_cells(
        {table: dataset["tabs"][table] for table in dataset["report"]},
        lambda table: fake.grid(key, table),
    )
    started = time.perf_counter()
    result["status_requests"] = requests_for(fake, lambda: app.change_status(dataset["status"]))
    result["status_ms"] = (time.perf_counter() - started) * 1000
    if dataset.get("writers"):
        fake, key = spreadsheet(dataset["tabs"])
        shared = HandWritten(fake, key)
        shared.page_view()
        result["concurrent"] = concurrent(
            shared.save, dataset["writers"], lambda: interaction_ids(fake.grid(key, "interactions"))
        )
    return result


class Peer:
    """The connector's measurements, run in its own virtualenv. Started only after ours and
    plain gspread's are done: on a 2-core machine, timing both at once tripled some figures."""

    def __init__(self, datasets: list[dict[str, Any]], directory: Path) -> None:
        self.job, self.answer = directory / "job.json", directory / "answer.json"
        self.process: subprocess.Popen[str] | None = None
        self.problem = ""
        if not PEER_PYTHON.exists():
            self.problem = (
                f"{PEER_PYTHON.relative_to(PROJECT_ROOT)} is missing (`make bench-compare`)"
            )
            return
        self.job.write_text(json.dumps({"runs": RUNS, "datasets": datasets}, default=str))
        self.process = subprocess.Popen(
            [str(PEER_PYTHON), str(PEER_SCRIPT), str(self.job), str(self.answer)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def results(self) -> tuple[list[dict[str, Any]] | None, str]:
        """The connector's figures per dataset, or None and why not; then its versions."""
        if self.process is None:
            return None, self.problem
        _, errors = self.process.communicate()
        if self.process.returncode != 0:
            return None, "the peer script failed: " + errors[-2000:]
        reply = json.loads(self.answer.read_text())
        versions = ", ".join(f"{name} {version}" for name, version in reply["versions"].items())
        return reply["datasets"], versions


# --- the table -------------------------------------------------------------------------------


def ratio(ours: float, others: list[float | None], lower_is_better: bool = True) -> str:
    """Ours against the best of the others ("0.5×": half of the best other's figure)."""
    known = [value for value in others if value is not None]
    if not known:
        return "n/a"
    best = min(known) if lower_is_better else max(known)
    if best == 0:
        return "same (0)" if ours == 0 else "best other: 0"
    return f"{ours / best:.2g}×"


def cell(result: dict[str, Any] | None, name: str, unit: str = "") -> str:
    if result is None:
        return "not run"
    value = result[name]
    if isinstance(value, float):
        return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
    return f"{value}{unit}"


def concurrent_cell(result: dict[str, Any] | None, name: str) -> str:
    if result is None or "concurrent" not in result:
        return "not run"
    figures = result["concurrent"]
    text = f"{figures[name]} of {figures['expected']}"
    if name == "lost" and figures["error_count"]:
        text += f" ({figures['error_count']} saves failed)"
    return text


def table_lines(
    name: str,
    ours: dict[str, Any],
    peer: dict[str, Any] | None,
    plain: dict[str, Any],
) -> list[str]:
    lines = [
        f"### {name}",
        "",
        "| measurement | our store | GSheetsConnection | plain gspread 6 | ours ÷ best other |",
        "|---|---|---|---|---|",
    ]
    rows = [
        ("Google requests, first page view", "first_view_requests", ""),
        ("Google requests, repeat page view (cache fresh)", "repeat_view_requests", ""),
        ("Google requests, page view after the cache expired", "expired_view_requests", ""),
        ("time, repeat page view (median)", "repeat_view_ms", " ms"),
        ("time, page view after the cache expired (median)", "expired_view_ms", " ms"),
        ("Google requests per report saved", "report_requests", ""),
        ("time per report saved", "report_ms", " ms"),
        ("cells of existing rows changed by saving a report", "altered_cells", ""),
        ("Google requests per status update", "status_requests", ""),
        ("time per status update", "status_ms", " ms"),
    ]
    for label, key, unit in rows:
        others = [peer[key] if peer else None, plain[key]]
        lines.append(
            f"| {label} | {cell(ours, key, unit)} | {cell(peer, key, unit)} | "
            f"{cell(plain, key, unit)} | {ratio(ours[key], others)} |"
        )
    lines.append(
        "| cache TTL (how stale a page view may be) | 30 s | 3600 s (default `ttl`) | none | |"
    )
    if "concurrent" in ours:
        for label, key in (("lost", "lost"), ("duplicated", "duplicated")):
            others = [
                run["concurrent"][key] if run and "concurrent" in run else None
                for run in (peer, plain)
            ]
            lines.append(
                f"| {WRITERS} writers × {REPORTS_EACH} reports at once: interactions {label} | "
                f"{concurrent_cell(ours, key)} | {concurrent_cell(peer, key)} | "
                f"{concurrent_cell(plain, key)} | "
                f"{ratio(ours['concurrent'][key], others)} |"
            )
        seconds = [
            f"{run['concurrent']['seconds']:.1f} s" if run and "concurrent" in run else "not run"
            for run in (ours, peer, plain)
        ]
        lines.append(
            f"| {WRITERS} writers × {REPORTS_EACH} reports at once: wall time | "
            + " | ".join(seconds)
            + " | |"
        )
    if peer and "single_writer_default_ttl" in peer:
        alone = peer["single_writer_default_ttl"]
        lines += [
            "",
            f"GSheetsConnection, one writer saving {alone['expected']} reports one after "
            "another, the save's read left at the default `ttl` (the README's "
            f"`conn.read(worksheet=...)`): {alone['lost']} of {alone['expected']} interactions "
            "lost. The table's connector figures read with `ttl=0` before each save, its most "
            "favourable setting.",
        ]
    for who, run in (("our store", ours), ("GSheetsConnection", peer), ("plain gspread", plain)):
        for error in (run or {}).get("concurrent", {}).get("errors", []):
            lines.append(f"\n{who}, a failed save: `{error}`")
    return lines + [""]


def main() -> int:
    random.seed(2026)
    started = time.perf_counter()
    sources = {
        "Sample coalition": load_sample,
        f"Mid-size: {MID_INTERACTIONS:,} interactions, {MID_COMMITMENTS:,} commitments": fill_mid,
    }
    datasets: list[dict[str, Any]] = []
    for number, (name, fill) in enumerate(sources.items()):
        grids = seeded_grids(fill)
        dataset: dict[str, Any] = {
            "name": name,
            "tables": TABLES,
            "tabs": grids,
            "report": report_rows(grids, "advocate@example.org"),
            # Saved first, untimed, by each way: a first save also pays one-off costs (imports,
            # compiled patterns) that no later save does.
            "warm_up": report_rows(grids, "advocate@example.org"),
            "status": status_change(grids),
        }
        if number == 0:  # the connector rewrites whole tabs: on large ones this takes minutes
            dataset["writers"] = [
                [report_rows(grids, f"writer{w}@example.org") for _ in range(REPORTS_EACH)]
                for w in range(WRITERS)
            ]
        datasets.append(dataset)

    with tempfile.TemporaryDirectory() as directory:
        measured = [(measure_ours(dataset), measure_plain(dataset)) for dataset in datasets]
        peer_results, peer_note = Peer(datasets, Path(directory)).results()
    lines = [
        "Each way starts from the same cells on a fresh in-process Sheets fake; requests are "
        "counted by the fake. A page view reads every tab of the contract "
        f"({len(TABLES)} tabs). Times are medians of {RUNS} runs on the fake, so they compare "
        "the ways' work (requests, parsing, DataFrames), not Google's latency. "
        f"Python {sys.version.split()[0]}, gspread {gspread.__version__}; connector: {peer_note}.",
        "",
    ]
    for number, (dataset, (ours, plain)) in enumerate(zip(datasets, measured, strict=True)):
        connector = peer_results[number] if peer_results else None
        lines += table_lines(dataset["name"], ours, connector, plain)
    lines.append(f"Whole run: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n")
    return 0 if peer_results is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
