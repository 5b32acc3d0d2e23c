"""`make loadtest`: many people writing at once, on every backend.

20 writers, each making 50 operations: appends of new commitments, and status updates of shared
commitments checked against the version the writer read (as the Commitments page does). Then:
- lost: appended rows that are not in the store (must be 0);
- duplicated: rows stored more than once (must be 0);
- conflicts: updates refused because someone changed the record first (reported, not lost);
- silent overwrites: successful updates that did not build on the previous successful one
  (must be 0; every refused update is one a person would be told about).

Prints a Markdown table and writes it to bench/results/loadtest.md.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import gspread
import sqlalchemy as sa

from lib import schema
from lib.store import ConflictError, Store
from lib.store.sheets import SheetStore
from lib.store.sql import PROJECT_ROOT, SqlStore
from tests import pgserver
from tests.fake_sheets import FakeSheets

WRITERS = 20
OPERATIONS = 50
SHARED = 10  # commitments everyone updates, so conflicts really happen
RESULTS = PROJECT_ROOT / "bench" / "results" / "loadtest.md"


@dataclass
class Tally:
    appended: list[str] = field(default_factory=list)
    # (record, expected stamp, new stamp) of every update that succeeded
    updated: list[tuple[str, str, str]] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


def writer(store: Store, number: int, tally: Tally, lock: threading.Lock) -> None:
    rng = random.Random(number)
    for step in range(OPERATIONS):
        try:
            if step % 2 == 0:
                record_id = f"cmt-w{number:02d}-{step:03d}"
                store.append(
                    "commitments",
                    [
                        {
                            "id": record_id,
                            "text": f"Writer {number} #{step}",
                            "candidate_id": "cand-1",
                        }
                    ],
                )
                with lock:
                    tally.appended.append(record_id)
            else:
                target = f"cmt-shared-{rng.randrange(SHARED)}"
                seen = store.read("commitments").set_index("id").loc[target, "updated_at"]
                status = rng.choice(schema.COMMITMENT_STATUS.values)
                written = store.update(
                    "commitments", target, {"status": status}, expected_updated_at=seen
                )
                with lock:
                    tally.updated.append((target, seen, written["updated_at"]))
        except ConflictError:
            with lock:
                tally.conflicts += 1
        except Exception as error:  # every failure is counted and shown
            with lock:
                tally.errors.append(f"{type(error).__name__}: {error}")


def run(store: Store) -> dict[str, object]:
    store.ensure_schema()
    store.append(
        "commitments", [{"id": f"cmt-shared-{n}", "text": f"Shared {n}"} for n in range(SHARED)]
    )
    initial = dict(
        zip(store.read("commitments")["id"], store.read("commitments")["updated_at"], strict=True)
    )
    tally, lock = Tally(), threading.Lock()
    threads = [
        threading.Thread(target=writer, args=(store, n, tally, lock)) for n in range(WRITERS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    store.clear_cache()
    stored = Counter(store.read("commitments")["id"])
    chains: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record, expected, new in tally.updated:
        chains[record].append((expected, new))
    overwrites = 0
    for record, links in chains.items():
        previous = initial[record]
        for expected, new in sorted(links, key=lambda link: link[1]):
            overwrites += expected != previous
            previous = new
    return {
        "operations": WRITERS * OPERATIONS,
        "seconds": elapsed,
        "appended": len(tally.appended),
        "lost": sum(stored[record_id] == 0 for record_id in tally.appended),
        "duplicated": sum(count - 1 for count in stored.values() if count > 1),
        "updates": len(tally.updated),
        "conflicts": tally.conflicts,
        "overwrites": overwrites,
        "errors": tally.errors,
    }


def backends(directory: Path, postgres: str) -> dict[str, Callable[[], Store]]:
    fake = FakeSheets()

    def sheet() -> Store:
        key = fake.create_spreadsheet("Load test")
        return SheetStore(gspread.Client(auth=None, session=fake), key)  # type: ignore[arg-type]

    def postgresql() -> Store:
        admin = sa.create_engine(f"{postgres}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text('CREATE DATABASE "loadtest"'))
        admin.dispose()
        return SqlStore(f"{postgres}/loadtest")

    return {
        "SQLite": lambda: SqlStore(f"sqlite:///{directory / 'load.db'}"),
        "PostgreSQL": postgresql,
        "Google Sheet (in-process fake)": sheet,
    }


def main() -> int:
    lines = [
        f"{WRITERS} concurrent writers x {OPERATIONS} operations each (half appends, half "
        f"conflict-checked status updates of {SHARED} shared commitments). "
        f"Python {sys.version.split()[0]}.",
        "",
        "| backend | operations | time | lost | duplicated | updates saved | conflicts reported "
        "| silent overwrites | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    failed = False
    with tempfile.TemporaryDirectory() as directory, pgserver.running() as postgres:
        for name, make in backends(Path(directory), postgres).items():
            result = run(make())
            failed |= bool(
                result["lost"] or result["duplicated"] or result["overwrites"] or result["errors"]
            )
            lines.append(
                f"| {name} | {result['operations']} | {result['seconds']:.1f} s | "
                f"{result['lost']} | {result['duplicated']} | {result['updates']} | "
                f"{result['conflicts']} | {result['overwrites']} | {len(result['errors'])} |"
            )
            for error in result["errors"][:5]:
                lines.append(f"|  | error: {error} |||||||")
    report = "\n".join(lines)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
