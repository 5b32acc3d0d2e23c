"""Sheet health: problems found in hand-edited data, and the safe repairs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import health, schema
from tests.apptest import app, sheet_secrets
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A complete, well-formed tab holding these rows (unnamed columns left blank)."""
    columns = list(schema.table(table).column_names)
    raw = pd.DataFrame(rows, columns=columns, dtype=object).fillna("")
    if "visibility" in raw:  # well-formed: a blank visibility is itself a finding
        raw["visibility"] = raw["visibility"].replace("", "coalition")
    return schema.normalise(table, raw)


def tables(**given: pd.DataFrame) -> dict[str, pd.DataFrame]:
    empty = {name: frame(name, []) for name in schema.TABLES}
    return {**empty, **given}


def messages(found: list[health.Finding]) -> list[str]:
    return [finding.message for finding in found]


def test_a_commitment_pointing_at_an_unknown_candidate_is_found() -> None:
    found = health.findings(
        tables(
            candidates=frame("candidates", [{"id": "cand-1", "name": "Alma"}]),
            commitments=frame(
                "commitments",
                [
                    {"id": "cmt-1", "candidate_id": "cand-9", "text": "x"},
                    {"id": "cmt-2", "candidate_id": "cand-1", "text": "y"},
                ],
            ),
        )
    )
    assert messages(found) == ["cmt-1 points at candidate 'cand-9', which does not exist."]


def test_hand_added_rows_without_an_id_can_be_given_one() -> None:
    found = health.findings(tables(issues=frame("issues", [{"id": "", "name": "Parks"}])))
    assert [(f.message, f.fix) for f in found] == [("Row 2 has no id.", health.GIVE_IDS)]


def test_cells_near_the_limit_and_a_nearly_full_sheet_are_flagged() -> None:
    long = "x" * (health.LONG_CELL + 1)
    found = health.findings(
        tables(interactions=frame("interactions", [{"id": "int-1", "takeaways": long}])),
        cells_used=9_000_000,
    )
    assert messages(found) == [
        f"int-1: takeaways holds {len(long):,} characters, close to the 50,000 a cell can hold.",
        "The spreadsheet uses 9,000,000 of the 10,000,000 cells Google Sheets allows. Move to "
        "PostgreSQL before it fills up.",
    ]


def test_unreadable_values_and_missing_columns_are_listed_with_their_fix() -> None:
    raw = pd.DataFrame([["cmt-1", "maybe"]], columns=["id", "status"])
    found = health.findings(tables(commitments=schema.normalise("commitments", raw)))
    fixes = {finding.message.split(":")[0]: finding.fix for finding in found}
    assert fixes["Missing columns"] == health.ADD_COLUMNS
    assert any("row 2: Status: 'maybe'" in message for message in messages(found))


def test_give_ids_fills_only_empty_id_cells(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet("Coalition")
    store = sheet_store(fake, key)
    store.ensure_schema()
    store.append("issues", [{"id": "iss-1", "name": "Housing"}])
    fake.insert_rows(key, "issues", 3, [["", "Parks", "More trees"], [], ["", "Transit"]])
    assert store.give_ids("issues") == 2
    issues = store.read("issues")
    assert list(issues["name"]) == ["Housing", "Parks", "Transit"]
    assert issues["id"].iloc[0] == "iss-1"
    assert issues["id"].str.startswith("iss-").all() and issues["id"].is_unique
    assert schema.problems_of(issues) == []
    assert store.give_ids("issues") == 0


def test_settings_shows_broken_links_and_gives_hand_added_rows_an_id(
    fake_google: FakeSheets,
) -> None:
    key = fake_google.create_spreadsheet("Coalition")
    at = app("pages/settings_data.py", sheet_secrets(key))
    [create] = [b for b in at.button if b.label == "Create the missing tabs and columns"]
    create.click().run()
    fake_google.set_values(key, "issues", "A2", [["", "Parks"], ["iss-1", "Housing"]])
    fake_google.set_values(key, "commitments", "A2", [["cmt-1", "cand-gone", "iss-1"]])
    st.cache_resource.clear()  # a later visit, after the read cache expired
    at = app("pages/settings_data.py", sheet_secrets(key))
    warnings = " ".join(warning.value for warning in at.warning)
    assert "cmt\\-1 points at candidate 'cand\\-gone', which does not exist" in warnings
    [give] = [b for b in at.button if b.label == "Give the rows typed in by hand an id"]
    give.click().run()
    ids = [row[0] for row in fake_google.grid(key, "issues")[1:]]
    assert ids[1] == "iss-1" and ids[0].startswith("iss-")
