"""Fast operations on the store's text columns."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def among(values: pd.Series, allowed: Iterable[str]) -> pd.Series:
    """``values.isin(allowed)``, done in Arrow: pandas checks text one value at a time, which
    costs tens of milliseconds per call on a large coalition."""
    found = pc.is_in(_arrow_text(values), value_set=_arrow_text(allowed))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def repeated(values: pd.Series) -> pd.Series:
    """``values.duplicated(keep=False)``; a column of ids nearly never repeats one, and saying
    so takes a fraction of the time finding which takes."""
    if values.is_unique:
        return pd.Series(False, index=values.index, dtype=bool)
    return values.duplicated(keep=False)


def _arrow_text(values: Iterable[str]) -> pa.Array:
    # A Series converts column-wise; iterating one (as list() would) costs a Python call per value.
    if isinstance(values, pd.Series):
        return pa.array(values.astype(str), type=pa.large_string())
    return pa.array(list(values), type=pa.large_string())


def latest_by(keys: pd.Series, values: pd.Series) -> dict[str, str]:
    """``values.groupby(keys).max().to_dict()`` for text such as ISO dates, skipping blank
    values: pandas groups Arrow text a hundred times slower than this loop on a large coalition."""
    latest: dict[str, str] = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        if value and value > latest.get(key, ""):
            latest[key] = value
    return latest


def collected_by(keys: pd.Series, values: pd.Series) -> dict[str, list[str]]:
    """``values.groupby(keys).agg(list).to_dict()``, in the rows' order, as fast as
    :func:`latest_by`."""
    collected: dict[str, list[str]] = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        collected.setdefault(key, []).append(value)
    return collected
