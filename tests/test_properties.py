"""Property-based tests: the value parsers, and a round trip through every backend."""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import schema
from tests.conftest import Backend

# Text people (and hostile people) type: any printable unicode, formula starters, new lines.
typed_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
) | st.sampled_from(["=1+1", "+44 20 7946 0000", "-5", "@all", "0123", "\tindented", " "])


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%d %B %Y", "%b %d %Y"]),
)
def test_any_date_typed_in_a_common_format_reads_back(day: date, pattern: str) -> None:
    assert schema.parse_date(day.strftime(pattern)) == day.isoformat()


@given(st.text(max_size=40))
def test_parse_date_never_raises(text: str) -> None:
    parsed = schema.parse_date(text)
    assert parsed is None or date.fromisoformat(parsed)


@given(
    st.sampled_from(list(schema.COMMITMENT_STATUS.values)),
    st.booleans(),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from([str.upper, str.lower, str.title]),
)
def test_a_status_reads_back_however_it_is_written(
    status: str, as_label: bool, pad: str, case
) -> None:
    shown = schema.COMMITMENT_STATUS.label(status) if as_label else status.replace("_", " ")
    typed = pad + case(shown) + pad
    column = schema.table("commitments").column("status")
    assert schema.to_cell(column, typed) == status
    frame = schema.normalise("commitments", pd.DataFrame({"id": ["c"], "status": [typed]}))
    assert frame.iloc[0]["status"] == status


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";\n\x00"),
            min_size=1,
            max_size=20,
        )
        .map(str.strip)
        .filter(bool),
        max_size=6,
    )
)
def test_lists_round_trip(items: list[str]) -> None:
    stored = schema.to_cell(schema.table("candidates").column("priorities"), items)
    assert schema.split_list(stored) == items


@given(typed_text)
def test_text_cells_are_stored_exactly(text: str) -> None:
    assert schema.to_cells("commitments", {"text": text}) == {"text": text}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=typed_text,
    owner=typed_text,
    due=st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
    status=st.sampled_from(list(schema.COMMITMENT_STATUS.values)),
)
def test_any_commitment_round_trips_on_every_backend(
    backend: Backend, text: str, owner: str, due: date | None, status: str
) -> None:
    record_id = f"cmt-{uuid.uuid4().hex[:12]}"
    backend.store.append(
        "commitments",
        [{"id": record_id, "text": text, "owner": owner, "follow_up_by": due, "status": status}],
    )
    stored = backend.store.read("commitments").set_index("id").loc[record_id]
    assert stored["text"] == text
    assert stored["owner"] == owner
    assert stored["follow_up_by"] == (due.isoformat() if due else "")
    assert stored["status"] == status


def test_a_nul_character_is_dropped_rather_than_breaking_a_backend() -> None:
    assert schema.to_cells("commitments", {"text": "a\x00b"}) == {"text": "ab"}
