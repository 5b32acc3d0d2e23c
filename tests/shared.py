"""Helpers several test modules share: tables built by hand, and reading printed text."""

from __future__ import annotations

import pandas as pd

from lib import schema


def tables_of(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    """Every table, empty but for the rows given, read the way a store reads them."""
    return {
        name: schema.normalise(
            name,
            pd.DataFrame(
                rows.get(name, []), columns=schema.table(name).column_names, dtype=object
            ).fillna(""),
        )
        for name in schema.TABLES
    }


def wrapped_in(line: str, printed: str) -> bool:
    """True when every word of ``line`` appears, in order, in the printed text (a PDF wraps
    long lines wherever it must)."""
    flat = " ".join(printed.split())
    position = 0
    for word in line.split():
        found = flat.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True
