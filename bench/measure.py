"""Measurements shared by `make bench-compare` and the connector's side of it, which runs in a
virtualenv of its own: standard library only, so both can import it."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

Report = dict[str, list[dict[str, Any]]]


def milliseconds(action: Callable[[], object], runs: int) -> float:
    """The median time of ``runs`` calls, in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def altered_cells(before: dict[str, list[list[str]]], now: Callable[[str], list[list[str]]]) -> int:
    """Cells of the rows already in the tabs (header included) that a save changed or removed:
    a save should add rows and leave every other cell as it was."""
    changed = 0
    for table, old in before.items():
        new = now(table)
        for number, old_row in enumerate(old):
            new_row = new[number] if number < len(new) else []
            width = max(len(old_row), len(new_row))
            old_row = old_row + [""] * (width - len(old_row))
            new_row = new_row + [""] * (width - len(new_row))
            changed += sum(a != b for a, b in zip(old_row, new_row, strict=True))
    return changed


def interaction_ids(grid: list[list[str]]) -> Counter[str]:
    """How many rows of an interactions tab (header first) hold each id."""
    position = grid[0].index("id")
    return Counter(row[position] for row in grid[1:] if len(row) > position)


def concurrent(
    save: Callable[[Report], object],
    writers: Sequence[Sequence[Report]],
    count: Callable[[], Counter[str]],
) -> dict[str, Any]:
    """Every writer saves its reports at the same moment; then the interactions are counted."""
    start = threading.Barrier(len(writers))
    errors: list[str] = []
    lock = threading.Lock()

    def write(reports: Sequence[Report]) -> None:
        start.wait()
        for report in reports:
            try:
                save(report)
            except Exception as error:  # every failure is counted and shown
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])

    threads = [threading.Thread(target=write, args=(reports,)) for reports in writers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    stored = count()
    expected = [
        row["id"] for reports in writers for report in reports for row in report["interactions"]
    ]
    return {
        "expected": len(expected),
        "lost": sum(stored[record_id] == 0 for record_id in expected),
        "duplicated": sum(max(stored[record_id] - 1, 0) for record_id in set(expected)),
        "errors": errors[:3],
        "error_count": len(errors),
        "seconds": seconds,
    }
