"""Property-based tests: the value parsers, and a round trip through every backend."""

from __future__ import annotations

import functools
import io
import uuid
from datetime import date, datetime

import icalendar
import openpyxl
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lib import calendar_ics, digest, export, schema, transfer
from tests.conftest import Backend
from tests.test_exports import csv_cells, follow_up_tables, unguarded_formulas

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


# --- every export survives any text ------------------------------------------------------------

CONTROL_CHARACTERS = [chr(code) for code in range(0x20)] + ["\x7f", "\u2028"]
# Any text at all (lone surrogates cannot be encoded, so no file could hold them), and text made
# mostly of control characters, formula starters and right-to-left or wide letters.
odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80) | st.lists(
    st.sampled_from(
        [*CONTROL_CHARACTERS, "\r\n", "a", "=", "+", "-", "@", " ", "王", "ש", "ب", "👍"]
    ),
    max_size=24,
).map("".join)
EXPORT_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@functools.cache
def _follow_ups() -> dict[str, pd.DataFrame]:
    return follow_up_tables("Jo")


def follow_ups(owner: str, text: str) -> dict[str, pd.DataFrame]:
    """The follow-up tables (read once: reading is slow) with this owner and commitment text."""
    tables = {name: frame.copy() for name, frame in _follow_ups().items()}
    tables["commitments"].loc[0, ["owner", "text"]] = [owner, text]
    tables["actions"].loc[0, "owner"] = owner
    return tables


@EXPORT_SETTINGS
@given(st.lists(odd_text, min_size=1, max_size=3), odd_text)
def test_any_text_survives_the_csv_export(cells: list[str], header: str) -> None:
    typed = [[header, "Other"], *[[cell, "x"] for cell in cells]]
    rows = csv_cells(export.csv_bytes(pd.DataFrame(typed[1:], columns=typed[0])))
    expected = [[export.neutralise(export.cell_text(value)) for value in row] for row in typed]
    assert rows == expected
    assert unguarded_formulas(rows) == []


@EXPORT_SETTINGS
@given(st.lists(odd_text, min_size=1, max_size=3), odd_text)
def test_any_text_survives_the_excel_export(cells: list[str], header: str) -> None:
    frame = pd.DataFrame({header: cells})
    workbook = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes({"Commitments": frame})))
    read = [
        [cell or "" for cell in row] for row in workbook["Commitments"].iter_rows(values_only=True)
    ]
    assert read == [[export.cell_text(value)] for value in [header, *cells]]


# Slow (a workbook of every table, written and read back): fewer examples.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=odd_text, text=odd_text, owner=odd_text)
def test_any_text_survives_a_backup(name: str, text: str, owner: str) -> None:
    tables = follow_ups(owner, text)
    tables["candidates"].loc[0, "name"] = name
    restored = transfer.read_backup(transfer.backup_bytes(tables))
    for table, column in (
        ("candidates", "name"),
        ("commitments", "text"),
        ("commitments", "owner"),
        ("actions", "owner"),
    ):
        assert restored[table][column].tolist() == [
            export.cell_text(value) for value in tables[table][column]
        ]


@EXPORT_SETTINGS
@given(owner=odd_text, text=odd_text)
def test_any_text_survives_the_calendar(owner: str, text: str) -> None:
    assume(owner != "Someone Else")
    tables = follow_ups(owner, text)
    data = calendar_ics.follow_up_calendar(tables, owner or None, datetime(2026, 11, 23))
    events = {
        str(event["uid"]): event for event in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    expected = {"cmt-1", "act-1"} if owner else {"cmt-1", "cmt-2", "act-1"}
    assert set(events) == {f"{record}@coalition-tracker" for record in expected}
    mine = events["cmt-1@coalition-tracker"]
    assert str(mine["summary"]) == export.one_line(f"Follow up: Ana Ruiz: {text}")
    assert str(mine["description"]) == export.one_line(f"Owner: {owner or 'no owner yet'}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=odd_text, lines=st.lists(odd_text, max_size=3))
def test_any_text_survives_the_digest(heading: str, lines: list[str]) -> None:
    built = digest.Digest(
        heading,
        "For: coalition members.",
        [digest.Section("New", parts=[digest.Section(heading, lines)])],
    )
    assert digest.to_pdf(built).startswith(b"%PDF")
    assert "\r" not in digest.to_markdown(built)
