"""`make bench`: how the store performs on a large coalition.

Seeds 10,000 interactions and 20,000 commitments (plus the candidates, issues and partners they
point at, and a goal of each kind), then measures on SQLite and on the in-process Sheets fake:
- ``read_all`` with a cold cache (median of several runs);
- how many HTTP requests ``read_all``, ``append`` and ``update`` cost against the Sheets API;
- the rerun time of each page on SQLite, with this large dataset and with the sample coalition
  (median of several reruns, through Streamlit's AppTest, which runs the page's script exactly
  as the server does for a browser session), and its first view: the run that computes
  everything the page shows from a snapshot of the data no page has looked at yet (median of a
  few);
- the time until each page is fully drawn in headless Chromium, served by `streamlit run`, with
  the same two datasets: the first visit after a server start and the median of warm visits
  (bench/browser.py says what "fully drawn" waits for).

Prints a Markdown table and writes it to bench/results/latest.md.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import gspread

from bench.browser import browser_lines, url_path
from lib import schema, server
from lib.sample import load_sample
from lib.store import Store
from lib.store.sheets import SheetStore
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests.fake_sheets import FakeSheets

INTERACTIONS = 10_000
COMMITMENTS = 20_000
RUNS = 5
RESULTS = PROJECT_ROOT / "bench" / "results" / "latest.md"


def seed_rows(
    rng: random.Random,
    interactions_count: int = INTERACTIONS,
    commitments_count: int = COMMITMENTS,
    positions_count: int = 3_000,
) -> dict[str, list[dict[str, object]]]:
    """A coalition of the benchmark's size (or the given one), with realistic lengths of text."""
    today = date.today()
    issues = [{"id": f"iss-{n:04d}", "name": f"Issue {n}", "ask": "Fund it " * 4} for n in range(8)]
    partners = [
        {"id": f"ptn-{n:04d}", "name": f"Partner {n}", "strengths": ["labor", "parents"]}
        for n in range(6)
    ]
    candidates = [
        {
            "id": f"cand-{n:04d}",
            "name": f"Candidate {n}",
            "office": "City Council",
            "district": f"{n % 9:02d}",
            "stage": "general",
            "status": "running",
            "priorities": ["economy", "housing"],
        }
        for n in range(120)
    ]
    interactions = [
        {
            "id": f"int-{n:06d}",
            "date": (today - timedelta(days=rng.randint(0, 700))).isoformat(),
            "candidate_id": rng.choice(candidates)["id"],
            "kind": rng.choice(schema.INTERACTION_KIND.values),
            "visibility": rng.choice(schema.VISIBILITY.values),
            "partner_ids": [rng.choice(partners)["id"]],
            "talking_points": "We explained the housing trust fund and its costs. " * 3,
            "takeaways": "Supportive in principle; wants a cost estimate before committing. " * 2,
        }
        for n in range(interactions_count)
    ]
    positions = [
        {
            "id": f"pos-{n:06d}",
            "candidate_id": rng.choice(candidates)["id"],
            "issue_id": rng.choice(issues)["id"],
            "stance": rng.choice(schema.STANCE.values),
            "as_of": (today - timedelta(days=rng.randint(0, 700))).isoformat(),
            "evidence": "Said so at the forum.",
        }
        for n in range(positions_count)
    ]
    commitments = [
        {
            "id": f"cmt-{n:06d}",
            "candidate_id": rng.choice(candidates)["id"],
            "issue_id": rng.choice(issues)["id"],
            "interaction_id": rng.choice(interactions)["id"],
            "text": "Will co-sponsor the ordinance and vote for full funding.",
            "made_on": (today - timedelta(days=rng.randint(0, 700))).isoformat(),
            "status": rng.choice(schema.COMMITMENT_STATUS.values),
            "owner": f"Staffer {rng.randint(1, 12)}",
            "follow_up_by": (today + timedelta(days=rng.randint(-60, 90))).isoformat(),
            "visibility": rng.choice(schema.VISIBILITY.values),
        }
        for n in range(commitments_count)
    ]
    return {
        "issues": issues,
        "partners": partners,
        "candidates": candidates,
        "goals": bench_goals(today),
        "interactions": interactions,
        "positions": positions,
        "commitments": commitments,
    }


def bench_goals(today: date) -> list[dict[str, object]]:
    """A goal of each kind, some on an issue and one on every issue, started months ago."""
    started, due = (
        (today - timedelta(days=120)).isoformat(),
        (today + timedelta(days=90)).isoformat(),
    )
    kinds = (
        ("iss-0000", "candidates_supporting", "60", ""),
        ("iss-0001", "commitments_made", "2000", ""),
        ("iss-0002", "commitments_kept", "500", ""),
        ("", "candidates_met", "120", ""),
        ("iss-0003", "candidates_met", "100", ""),
        ("iss-0004", "race_asked", "", "City Council 03"),
    )
    return [
        {
            "id": f"goal-{n:04d}",
            "issue_id": issue,
            "kind": kind,
            "target": target,
            "race": race,
            "starts_on": started,
            "due": due,
            "description": "Set for the benchmark.",
        }
        for n, (issue, kind, target, race) in enumerate(kinds)
    ]


def seed(store: Store, rows: dict[str, list[dict[str, object]]]) -> None:
    store.ensure_schema()
    for table, records in rows.items():
        store.append(table, records)


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def cold_read(store: Store) -> Callable[[], object]:
    def read() -> object:
        store.clear_cache()
        return store.read_all()

    return read


def read_after_write(store: Store) -> float:
    """Median time of the first ``read_all`` after the store's own write to one commitment."""
    timings = []
    for run in range(RUNS):
        commitment = store.read("commitments").iloc[run]
        store.update("commitments", commitment["id"], {"owner": "Bench"}, commitment["updated_at"])
        started = time.perf_counter()
        store.read_all()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def requests_for(fake: FakeSheets, action: Callable[[], object]) -> str:
    fake.reset_log()
    action()
    kinds = [entry.kind for entry in fake.log]
    return f"{len(kinds)} ({', '.join(kinds)})"


RERUNS = 7
FIRST_VIEWS = 3


def page_rerun_lines(label: str, fill: Callable[[Store], object]) -> list[str]:
    """Median rerun and first-view times of each page on a SQLite database that ``fill`` has
    filled."""
    from streamlit.testing.v1 import AppTest

    from lib import ui
    from tests.apptest import PAGES, router_always_runs

    lines = []
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'pages.db'}"
        store = SqlStore(url)
        store.ensure_schema()
        fill(store)
        os.environ["TRACKER_DATABASE_URL"] = url
        server.warm_up()  # as the server does at start, before anyone opens a page
        with router_always_runs():
            for page in PAGES:
                at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
                firsts = []
                for _ in range(FIRST_VIEWS):
                    # As if the data had just changed: nothing computed yet but for the
                    # overview, the page a visit starts on.
                    ui._KEPT.clear()
                    at.switch_page("pages/overview.py")
                    at.run()
                    at.switch_page(page)
                    firsts.append(median_seconds(at.run, runs=1))
                    if at.exception:
                        raise RuntimeError(f"{page} failed: {at.exception[0].value}")
                first = statistics.median(firsts)
                rerun = median_seconds(at.run, runs=RERUNS)
                # The very first also pays what a running server paid once, long before
                # (compiling the page's script): said apart.
                lines.append(
                    f"| `/{url_path(page)}` rerun, {label} (median of {RERUNS}; first view "
                    f"{first * 1000:.0f} ms, median of {FIRST_VIEWS}; the very first "
                    f"{firsts[0] * 1000:.0f} ms) | {rerun * 1000:.0f} ms |"
                )
    return lines


def main() -> int:
    rows = seed_rows(random.Random(2026))
    lines = [
        f"Dataset: {INTERACTIONS:,} interactions, {COMMITMENTS:,} commitments, "
        f"{len(rows['positions']):,} positions, {len(rows['candidates'])} candidates, "
        f"{len(rows['goals'])} goals. "
        f"Python {sys.version.split()[0]}.",
        "",
        "| measurement | result |",
        "|---|---|",
    ]

    with tempfile.TemporaryDirectory() as directory:
        sqlite = SqlStore(f"sqlite:///{Path(directory) / 'bench.db'}")
        seed(sqlite, rows)
        lines.append(
            f"| SQLite `read_all`, cold cache (median of {RUNS}) | "
            f"{median_seconds(cold_read(sqlite)) * 1000:.0f} ms |"
        )
        lines.append(
            f"| SQLite `read_all`, warm cache (median of {RUNS}) | "
            f"{median_seconds(sqlite.read_all) * 1000:.1f} ms |"
        )
        lines.append(
            f"| SQLite `read_all` after one write of its own (median of {RUNS}) | "
            f"{read_after_write(sqlite) * 1000:.0f} ms |"
        )
        sqlite.engine.dispose()

    fake = FakeSheets()
    key = fake.create_spreadsheet("Benchmark coalition")
    sheet = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
    seed(sheet, rows)
    fresh = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
    lines.append(
        f"| Sheets fake: first `read_all` of a new store | {requests_for(fake, fresh.read_all)} |"
    )
    lines.append(
        f"| Sheets fake: `read_all` after the cache expires | "
        f"{requests_for(fake, cold_read(fresh))} |"
    )
    lines.append(
        f"| Sheets fake: `read_all`, cold cache (median of {RUNS}) | "
        f"{median_seconds(cold_read(fresh)) * 1000:.0f} ms |"
    )
    fresh.read_all()
    lines.append(
        "| Sheets fake: `append` one commitment (after a read) | "
        + requests_for(fake, lambda: fresh.append("commitments", [{"text": "New"}]))
        + " |"
    )
    stamp = fresh.read("commitments").set_index("id").loc["cmt-000042", "updated_at"]
    lines.append(
        "| Sheets fake: `update` one commitment (after a read) | "
        + requests_for(
            fake,
            lambda: fresh.update(
                "commitments", "cmt-000042", {"status": "kept"}, expected_updated_at=stamp
            ),
        )
        + " |"
    )
    cold = SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]
    cold.title  # noqa: B018 - metadata only, so the counts below are for a cold header cache
    lines.append(
        "| Sheets fake: `append` with no read first | "
        + requests_for(fake, lambda: cold.append("commitments", [{"text": "Cold"}]))
        + " |"
    )
    lines.append(
        "| Sheets fake: `update` with no read first | "
        + requests_for(
            fake, lambda: cold.update("commitments", "cmt-000043", {"status": "stalled"})
        )
        + " |"
    )

    lines += page_rerun_lines("large dataset", lambda store: seed(store, rows))
    lines += page_rerun_lines("sample coalition", load_sample)
    lines += browser_lines("large dataset", lambda store: seed(store, rows))
    lines += browser_lines("sample coalition", load_sample)
    report = "\n".join(lines)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
