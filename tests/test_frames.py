"""Arrow membership tests must agree with pandas' own, since visibility filtering relies on them."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from lib.frames import among

texts = st.lists(st.sampled_from(["", "a", "b", "restricted", "coalition", "é", "=1+1"]))


@given(values=texts, allowed=texts)
def test_among_agrees_with_isin_for_lists_sets_and_series(values, allowed) -> None:
    series = pd.Series(values, dtype="str", index=range(10, 10 + len(values)))
    expected = series.isin(allowed).astype(bool)
    for given_allowed in (allowed, set(allowed), pd.Series(allowed, dtype="str")):
        found = among(series, given_allowed)
        pd.testing.assert_series_equal(found, expected, check_names=False)
