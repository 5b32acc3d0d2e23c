"""The sheet contract's forgiving reading and strict writing."""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd
import pytest

from lib import schema
from lib.health import LINKS


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-23", "2026-11-23"),
        ("11/23/2026", "2026-11-23"),
        ("11/23/26", "2026-11-23"),
        ("3/4/2026", "2026-03-04"),  # month first, as US spreadsheets show dates
        ("Nov 23, 2026", "2026-11-23"),
        ("23 November 2026", "2026-11-23"),
        (" 2026-11-23 ", "2026-11-23"),
        ("2026-11-23T10:00:00Z", "2026-11-23"),
    ],
)
def test_dates_are_read_the_ways_people_type_them(typed: str, expected: str) -> None:
    assert schema.parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["", "someday", "2026-02-30", "13/45/2026", "next week"])
def test_what_is_not_a_date_is_not_guessed(typed: str) -> None:
    assert schema.parse_date(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TRUE", True),
        ("yes", True),
        ("1", True),
        ("x", True),
        (" Y ", True),
        ("FALSE", False),
        ("no", False),
        ("0", False),
        ("n", False),
        ("maybe", None),
    ],
)
def test_booleans_accept_true_yes_and_one(typed: str, expected: bool | None) -> None:
    assert schema.parse_bool(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" Promise Kept ", "kept"),
        ("kept", "kept"),
        ("KEPT", "kept"),
        ("in the works", "in_the_works"),
        ("In-the-works", "in_the_works"),
        ("not_yet_rated", "not_yet_rated"),
        ("Promise broken", "broken"),
        ("compromise", "compromise"),
    ],
)
def test_statuses_accept_values_labels_and_any_case(typed: str, expected: str) -> None:
    assert schema.to_cell(schema.table("commitments").column("status"), typed) == expected


def test_lists_are_stored_with_semicolons_however_typed() -> None:
    column = schema.table("candidates").column("priorities")
    assert schema.to_cell(column, ["economy", " health care ", ""]) == "economy; health care"
    assert schema.to_cell(column, "economy;health care\nhousing") == "economy; health care; housing"
    assert schema.split_list("economy; health care") == ["economy", "health care"]


def test_writing_refuses_what_the_contract_does_not_allow() -> None:
    with pytest.raises(schema.InvalidValue, match="Stance") as unknown_stance:
        schema.to_cells("positions", {"stance": "loves it"})
    assert unknown_stance.value.column == "stance"
    with pytest.raises(schema.InvalidValue, match="no column"):
        schema.to_cells("positions", {"colour": "red"})
    with pytest.raises(schema.InvalidValue, match="not a date"):
        schema.to_cells("commitments", {"follow_up_by": "soon"})
    with pytest.raises(schema.InvalidValue, match="50,000"):
        schema.to_cells("interactions", {"quotes": "q" * 50_001})
    assert schema.to_cells("interactions", {"quotes": "q" * 50_000})["quotes"] == "q" * 50_000


def test_dates_and_booleans_are_written_in_one_form() -> None:
    cells = schema.to_cells("actions", {"due": date(2026, 12, 1), "done": "yes"})
    assert cells == {"due": "2026-12-01", "done": "TRUE"}


def test_formula_like_text_is_kept_verbatim() -> None:
    for text in ("=SUM(A1:A9)", "+1 555", "-3", "@channel"):
        assert schema.to_cells("commitments", {"text": text}) == {"text": text}


def test_ids_are_short_prefixed_and_unique() -> None:
    ids = {schema.new_id("commitments") for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(record_id.startswith("cmt-") and len(record_id) == 16 for record_id in ids)


def test_stamps_never_repeat_even_across_threads() -> None:
    stamps: list[str] = []

    def take() -> None:
        stamps.extend(schema.now_stamp() for _ in range(2_000))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(stamps)) == len(stamps) == 8_000
    assert all(stamp.endswith("+00:00") and "." in stamp for stamp in stamps)


def test_normalise_matches_headers_loosely_and_reports_what_it_cannot_read() -> None:
    raw = pd.DataFrame(
        [
            ["cmt-1", "Promise Kept", "12/01/2026", "x"],
            ["", "", "", ""],
            ["cmt-2", "soon-ish", "tomorrow", ""],
            ["", "stalled", "", ""],
        ],
        columns=[" ID ", "STATUS", "Follow-up by", "Notes from Jo"],
    )
    frame = schema.normalise("commitments", raw)
    assert list(frame.columns) == list(schema.table("commitments").column_names)
    assert frame["id"].tolist() == ["cmt-1", "cmt-2", ""]
    assert frame["status"].tolist() == ["kept", "not_yet_rated", "stalled"]
    assert frame["follow_up_by"].tolist() == ["2026-12-01", "", ""]
    found = [(problem.row, problem.column, problem.value) for problem in schema.problems_of(frame)]
    assert (4, "status", "soon-ish") in found
    assert (4, "follow_up_by", "tomorrow") in found
    assert (5, "id", None) in found  # a hand-added row without an id, on sheet row 5
    assert any("Missing columns" in problem.message for problem in schema.problems_of(frame))


def test_normalise_reports_duplicate_ids() -> None:
    raw = pd.DataFrame([["iss-1", "Housing"], ["iss-1", "Transit"]], columns=["id", "name"])
    messages = [problem.message for problem in schema.problems_of(schema.normalise("issues", raw))]
    assert any("'iss-1' is used by more than one row" in message for message in messages)


def test_blank_booleans_read_as_the_columns_default() -> None:
    raw = pd.DataFrame(
        [["iss-1", "Housing", ""], ["iss-2", "Parks", "no"]], columns=["id", "name", "active"]
    )
    assert schema.normalise("issues", raw)["active"].tolist() == [True, False]


def test_every_table_is_copied_after_the_tables_it_points_at() -> None:
    assert sorted(schema.DEPENDENCY_ORDER) == sorted(schema.TABLES)
    position = {name: index for index, name in enumerate(schema.DEPENDENCY_ORDER)}
    for table, column, target in LINKS:
        assert position[target] < position[table], (table, column, target)
