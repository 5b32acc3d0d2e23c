"""Confidentiality that survives a hand-edited sheet: what cannot be read is never shown wider.

Each table declares how its rows are governed (lib/schema.py); lib/visibility.py derives every
filter from those declarations. These tests hold that to every table of the contract, and check
the ways a careless edit used to make restricted records visible to every viewer.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import streamlit as st

from lib import access, coalition, digest, health, schema, visibility
from lib.sample import load_sample, sample_tables
from lib.schema import Rule
from lib.store.sheets import SheetStore
from lib.store.sql import SqlStore
from tests.apptest import app, sheet_secrets
from tests.conftest import sheet_store
from tests.fake_sheets import FakeSheets
from tests.test_roles import AUTH, everything_shown, member_with

TODAY = date.today()
VIEWER = access.Member("viewer@example.org", "Viewer", "viewer")
SECRET = "Met privately about the settlement terms"


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    spec = schema.table(table)
    raw = pd.DataFrame([{name: "" for name in spec.column_names} | row for row in rows])
    return schema.normalise(table, raw if rows else pd.DataFrame(columns=spec.column_names))


def _empty_tables() -> dict[str, pd.DataFrame]:
    return {name: _frame(name, []) for name in schema.TABLES}


# --- every table is governed -------------------------------------------------------------------


def test_every_table_declares_how_its_rows_are_governed() -> None:
    for spec in schema.TABLES.values():
        assert isinstance(spec.governance, schema.Governance), spec.name
        assert spec.governance.rule in set(Rule), spec.name
        if spec.has("visibility"):
            assert spec.governance.rule is Rule.OWN_VISIBILITY, spec.name
        for column, target in spec.governance.links:
            assert target == "" or target in schema.TABLES, (spec.name, target)
            holder = schema.table(target) if spec.governance.rule is Rule.SUBJECT else spec
            assert holder.has(column), (spec.name, column)


def _hidden_row(table: str, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A row of ``table`` that a viewer must not see, by the rule the table declares; a rule
    this does not know fails the test, so a new kind of table cannot slip through."""
    spec = schema.table(table)
    rule = spec.governance.rule
    row = {"id": f"{spec.id_prefix}-hidden"} if spec.key == "id" else {}
    if rule is Rule.OWN_VISIBILITY:
        return row | {"visibility": "restricted", "created_by": "staff@example.org"}
    if rule is Rule.LINKED:
        column, target = spec.governance.links[0]
        return row | {column: tables[target]["id"].iloc[0]}
    if rule is Rule.SUBJECT:
        return row | {"name": "Hidden Subject"}
    if rule is Rule.ADMINS:
        return {"email": "someone@example.org", "role": "admin", "active": "TRUE"}
    if rule is Rule.ABOUT_RECORD:
        return {"record_id": tables["commitments"]["id"].iloc[0], "detail": SECRET}
    assert rule is Rule.EVERYONE, f"{table}: no test knows the rule {rule!r}"
    return {}


def test_every_table_of_the_contract_is_filtered_for_a_viewer() -> None:
    """One restricted record of each own-visibility table, and for every other table a row that
    hangs off those records (or a member, or an audit line about them): a viewer sees none."""
    tables = _empty_tables()
    for name in schema.TABLES:  # own-visibility tables first: the others point at them
        if schema.table(name).governance.rule is Rule.OWN_VISIBILITY:
            tables[name] = _frame(name, [_hidden_row(name, tables)])
    tables["interactions"] = _frame(
        "interactions",
        [
            _hidden_row("interactions", tables)
            | {"candidate_id": "cand-hidden", "takeaways": SECRET}
        ],
    )
    for name in schema.TABLES:
        rule = schema.table(name).governance.rule
        if rule not in (Rule.OWN_VISIBILITY, Rule.EVERYONE):
            tables[name] = _frame(name, [_hidden_row(name, tables)])
    # A coalition that may endorse, so that the endorsement tables take part too.
    tables["settings"] = _frame("settings", [{"key": "tax_status", "value": "501(c)(4)"}])
    shown = access.visible_for(tables, VIEWER)
    for name, spec in schema.TABLES.items():
        if spec.governance.rule is Rule.EVERYONE:
            continue
        assert shown[name].empty, f"a viewer sees a row of {name} that they may not"
    everything = access.visible_for(tables, access.Member("a@example.org", "A", "admin"))
    assert all(len(everything[name]) == len(tables[name]) for name in schema.TABLES)


# --- finding 1: a visibility nobody can read is restricted --------------------------------------


@pytest.mark.parametrize(
    "typed", ["staff only", "Restricted (staff)", "vertraulich", "", "   ", "coalitoin"]
)
def test_a_visibility_that_cannot_be_read_is_restricted(typed: str) -> None:
    frame = _frame(
        "commitments", [{"id": "cmt-1", "visibility": typed, "text": SECRET, "created_by": "x"}]
    )
    assert frame["visibility"].tolist() == ["restricted"]
    assert schema.problems_of(frame), "the unreadable or blank visibility is reported"
    assert access.visible_for({**_empty_tables(), "commitments": frame}, VIEWER)[
        "commitments"
    ].empty


def test_a_missing_visibility_column_makes_every_row_restricted_and_health_says_so() -> None:
    raw = pd.DataFrame(
        [{"id": "int-1", "date": "2026-11-02", "candidate_id": "cand-1", "Confidentiality": "x"}]
    )
    frame = schema.normalise("interactions", raw)
    assert frame["visibility"].tolist() == ["restricted"]
    tables = {**_empty_tables(), "interactions": frame}
    warnings = health.access_findings(tables)
    assert any(f.table == "interactions" and "restricted" in f.message for f in warnings)


def _sheet_with_sample(fake: FakeSheets) -> tuple[str, SheetStore]:
    key = fake.create_spreadsheet("Coalition")
    store = sheet_store(fake, key)
    store.ensure_schema()
    load_sample(store, TODAY)
    return key, store


def test_a_renamed_visibility_header_on_the_sheet_hides_every_row_from_viewers(
    fake_google: FakeSheets,
) -> None:
    key, store = _sheet_with_sample(fake_google)
    header = fake_google.grid(key, "interactions")[0]
    column = chr(ord("A") + header.index("visibility"))
    fake_google.set_values(key, "interactions", f"{column}1", [["Who can see"]])
    viewer = store.read("members")
    viewer = viewer[(viewer["role"] == "viewer") & viewer["active"]].iloc[0]["email"]
    st.cache_resource.clear()
    at = app(
        "pages/candidates.py",
        {**sheet_secrets(key), **AUTH},
        {"is_logged_in": True, "email": viewer},
    )
    assert not at.exception
    takeaways = [text for text in store.read("interactions")["takeaways"] if len(text) > 25]
    assert takeaways
    shown = everything_shown(at)
    assert not [text for text in takeaways if text[:40] in shown]
    admin = app("pages/settings_data.py", sheet_secrets(key))  # sign-in off: the local admin
    assert "treated as restricted" in everything_shown(admin)


def test_a_dropped_visibility_column_re_added_by_ensure_schema_stays_restricted(
    sample_store: SqlStore,
) -> None:
    import sqlalchemy as sa

    with sample_store.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE commitments DROP COLUMN visibility"))
    sample_store.ensure_schema()  # adds the column back, empty
    sample_store.clear_cache()
    tables = sample_store.read_all()
    assert set(tables["commitments"]["visibility"]) == {"restricted"}
    assert access.visible_for(tables, VIEWER)["commitments"].empty
    assert any(f.table == "commitments" for f in health.access_findings(tables))


@pytest.mark.parametrize("typed", ["inactive", "revoked", "disabled", "", "maybe", "TRUE?"])
def test_a_member_whose_active_cell_is_not_clearly_true_has_no_access(typed: str) -> None:
    members = _frame(
        "members", [{"email": "kim@example.org", "name": "Kim", "role": "staff", "active": typed}]
    )
    assert access.member_for("kim@example.org", members) is None


def test_a_clearly_active_member_still_signs_in() -> None:
    members = _frame(
        "members", [{"email": "kim@example.org", "name": "Kim", "role": "staff", "active": "Yes"}]
    )
    assert access.member_for("Kim@Example.org", members).role == "staff"


# --- finding 2: a candidate known only from restricted records ---------------------------------


def _with_secret_candidate(store: SqlStore) -> str:
    """A new candidate whose only record is a restricted report; returns their name."""
    name = "Evelyn Secretcandidate"
    [candidate] = store.append("candidates", [{"name": name, "office": "Mayor"}])
    interactions = store.read("interactions")
    store.append(
        "interactions",
        [
            {
                "date": TODAY,
                "candidate_id": candidate,
                "kind": "one_on_one",
                "takeaways": SECRET,
                "visibility": "restricted",
                "created_by": interactions["created_by"].iloc[0],
            }
        ],
    )
    return name


def test_a_candidate_known_only_from_restricted_records_is_hidden_from_viewers(
    sample_store: SqlStore,
) -> None:
    name = _with_secret_candidate(sample_store)
    viewer = member_with(sample_store, "viewer")["email"]
    for page in ("pages/candidates.py", "pages/meeting.py", "pages/overview.py"):
        at = app(page, AUTH, {"is_logged_in": True, "email": viewer})
        assert not at.exception
        assert name not in everything_shown(at), page
    staff = member_with(sample_store, "staff")["email"]
    at = app("pages/candidates.py", AUTH, {"is_logged_in": True, "email": staff})
    assert name in everything_shown(at)


def test_the_public_report_back_never_names_a_candidate_known_only_in_confidence(
    sample_store: SqlStore,
) -> None:
    name = _with_secret_candidate(sample_store)
    tables = sample_store.read_all()
    for audience in ("public", "coalition"):
        built = digest.build(tables, TODAY.replace(day=1), TODAY, audience, "Coalition", TODAY)
        assert name not in digest.to_markdown(built), audience
    assert name in " ".join(
        visibility.visible_tables(tables, visibility.EVERYTHING)["candidates"]["name"]
    )


# --- finding 5: a restricted row copied by hand -------------------------------------------------


def test_a_row_copied_by_hand_and_set_to_coalition_reveals_nothing() -> None:
    tables = sample_tables(TODAY)
    tables = {name: schema.normalise(name, frame.astype(str)) for name, frame in tables.items()}
    commitments = tables["commitments"]
    restricted = commitments[commitments["visibility"] == "restricted"].iloc[[0]]
    copy = restricted.assign(visibility="coalition", text="A harmless-looking copy")
    tables["commitments"] = pd.concat([commitments, copy], ignore_index=True)
    record_id = restricted["id"].iloc[0]
    assert (tables["updates"]["commitment_id"] == record_id).any()
    shown = access.visible_for(tables, VIEWER)
    assert record_id not in set(shown["commitments"]["id"])
    assert record_id not in set(shown["updates"]["commitment_id"])
    listed = health.access_findings(tables)
    assert any(record_id in finding.message for finding in listed)


def test_a_restricted_row_copied_on_the_sheet_shows_its_history_to_no_viewer(
    fake_google: FakeSheets,
) -> None:
    key, store = _sheet_with_sample(fake_google)
    grid = fake_google.grid(key, "commitments")
    header = grid[0]
    position = header.index("visibility")
    original = next(row for row in grid[1:] if row[position] == "restricted")
    notes = store.read("updates")
    notes = notes[notes["commitment_id"] == original[0]]["note"].tolist()
    assert notes
    copy = list(original)
    copy[position] = "coalition"
    fake_google.set_values(key, "commitments", f"A{len(grid) + 1}", [copy])
    viewer = store.read("members")
    viewer = viewer[(viewer["role"] == "viewer") & viewer["active"]].iloc[0]["email"]
    st.cache_resource.clear()
    at = app(
        "pages/commitments.py",
        {**sheet_secrets(key), **AUTH},
        {"is_logged_in": True, "email": viewer},
    )
    assert not at.exception
    assert original[0] not in at.dataframe[0].value["Id"].tolist()
    assert not [note for note in notes if note[:30] in everything_shown(at)]
    admin = app("pages/settings_data.py", sheet_secrets(key))
    assert original[0] in everything_shown(admin)


@pytest.mark.parametrize("tax_status", ["501(c)(3)", "", "a charity, I think"])
def test_rows_typed_into_endorsement_tabs_count_for_nothing_without_endorsements(
    tax_status: str,
) -> None:
    """A 501(c)(3), or a coalition whose tax status cannot be read, has no endorsements: rows
    typed by hand into those tabs reach nobody, admins included."""
    tables = _empty_tables()
    tables["settings"] = _frame("settings", [{"key": "tax_status", "value": tax_status}])
    tables["races"] = _frame("races", [{"id": "race-typed", "office": "Mayor"}])
    tables["votes"] = _frame("votes", [{"id": "vote-typed", "status": "open"}])
    admin = access.Member("a@example.org", "A", "admin")
    shown = access.visible_for(tables, admin)
    assert shown["races"].empty and shown["votes"].empty
    assert list(shown["races"].columns) == list(tables["races"].columns)


def test_a_tax_status_typed_twice_with_two_values_turns_endorsements_off() -> None:
    tables = _empty_tables()
    tables["settings"] = _frame(
        "settings",
        [{"key": "tax_status", "value": "501(c)(4)"}, {"key": "tax_status", "value": "501(c)(3)"}],
    )
    assert not coalition.settings_of(tables).may_endorse
