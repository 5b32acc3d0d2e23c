"""The report form can be trusted: it writes nothing a person may no longer write, never adds a
candidate twice by mistake, lets any candidate id be reported on, and refuses before writing
whatever could not be written whole."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from lib import report, schema, text
from lib.store import sql
from lib.store.sql import SqlStore
from tests.apptest import app
from tests.test_report_page import HOSTILE, click, first
from tests.test_roles import as_member, member_with

PAGE = "pages/report.py"
ADD_NEW = "＋ Add a new candidate"


def count(store: SqlStore, table: str) -> int:
    store.clear_cache()
    return len(store.read(table))


def errors(at: AppTest) -> str:
    return " ".join(error.value for error in at.error)


def start_report(at: AppTest, candidate_id: str, takeaways: str) -> AppTest:
    at.selectbox(key="report.candidate").set_value(candidate_id)
    at.text_area(key="report.takeaways").input(takeaways)
    return at.run()


# --- 9. access withdrawn while the form is open -----------------------------------------------


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"role": "viewer"}, "Your role is now viewer, which does not allow you to file reports"),
        ({"active": False}, "Your access was removed or deactivated, so this was not saved"),
    ],
    ids=["made-viewer", "deactivated"],
)
def test_access_withdrawn_while_the_form_is_open_saves_nothing_and_keeps_the_form(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch, change: dict, why: str
) -> None:
    # The page's own copy of the members list still says advocate, as it does for a while.
    monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 3600.0)
    advocate = member_with(sample_store, "advocate")
    at = as_member(PAGE, advocate["email"])
    start_report(at, sample_store.read("candidates").iloc[0]["id"], "Typed before the change")
    before = count(sample_store, "interactions")

    sample_store.update("members", advocate["email"], change)
    click(at, "Save the report")

    assert not at.exception
    assert count(sample_store, "interactions") == before
    assert text.md("{}", why) in errors(at)
    assert not at.success
    assert at.text_area(key="report.takeaways").value == "Typed before the change"


def test_a_demoted_advocate_keeps_the_form_when_the_page_already_knows(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "FINGERPRINT_INTERVAL", 0.0)  # the page notices the change at once
    advocate = member_with(sample_store, "advocate")
    at = as_member(PAGE, advocate["email"])
    start_report(at, sample_store.read("candidates").iloc[0]["id"], "Typed before the change")
    before = count(sample_store, "interactions")

    sample_store.update("members", advocate["email"], {"role": "viewer"})
    click(at, "Save the report")

    assert not at.exception
    assert count(sample_store, "interactions") == before
    assert "Your role is now viewer" in errors(at)
    assert at.text_area(key="report.takeaways").value == "Typed before the change"
    click(at, "Try again")  # asked again, refused again
    assert count(sample_store, "interactions") == before
    assert "Your role is now viewer" in errors(at)


# --- 11. a new candidate who may already be in the tracker ------------------------------------


def test_namesakes_ignore_case_accents_and_spaces_and_nothing_else() -> None:
    candidates = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3"],
            "name": ["Inés Márquez", "Marcus Bell", "Marcus Bellamy"],
            "office": ["City Council", "Mayor", ""],
            "district": ["03", "", ""],
            "active": [True, False, True],
        }
    )
    assert list(report.namesakes("  ines   MARQUEZ ", candidates)["id"]) == ["c1"]
    assert list(report.namesakes("marcusbell", candidates)["id"]) == ["c2"]
    assert report.namesakes("Marcus Belle", candidates).empty
    assert report.namesakes("   ", candidates).empty
    assert report.namesakes("Marcus Bell", candidates, "c2").empty  # not the new one itself
    found = report.namesakes("Marcus Bell", candidates)
    assert report.describe_namesakes(found) == text.md("{}", "Marcus Bell · Mayor (archived)")


def test_a_new_candidate_named_like_an_existing_one_is_added_only_once_confirmed(
    sample_store: SqlStore,
) -> None:
    candidates_before = count(sample_store, "candidates")
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(report.NEW_CANDIDATE).run()
    at.text_input(key="report.new.name").input(" ines  MARQUEZ").run()
    at.text_area(key="report.takeaways").input("Met at the forum").run()

    warning = " ".join(w.value for w in at.warning)
    assert "Already in the tracker" in warning
    assert "Inés Márquez · Riverton City Council 03" in warning  # office and district

    click(at, "Save the report")
    assert "Already in the tracker: Inés Márquez · Riverton City Council 03" in errors(at)
    assert report.DIFFERENT_PERSON in errors(at)
    assert count(sample_store, "candidates") == candidates_before
    assert at.text_input(key="report.new.name").value == " ines  MARQUEZ"

    at.checkbox(key="report.new.different_person").check().run()
    click(at, "Save the report")
    assert at.success, errors(at)
    assert count(sample_store, "candidates") == candidates_before + 1


def test_a_new_candidate_with_a_name_of_their_own_is_not_questioned(
    sample_store: SqlStore,
) -> None:
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(report.NEW_CANDIDATE).run()
    at.text_input(key="report.new.name").input("Alma Reyes").run()
    assert not at.warning and not at.checkbox
    click(at, "Save the report")
    assert at.success, errors(at)


def test_names_in_the_warning_and_the_summary_are_shown_as_text(sample_store: SqlStore) -> None:
    sample_store.append("candidates", [{"name": HOSTILE, "office": "Mayor", "active": True}])
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(report.NEW_CANDIDATE).run()
    at.text_input(key="report.new.name").input(HOSTILE).run()
    [warning] = at.warning
    assert text.md("{}", HOSTILE) in warning.value
    at.checkbox(key="report.new.different_person").check().run()
    click(at, "Save the report")
    summary = " ".join(element.value for element in at.markdown)
    assert text.md("- {}", f"New candidate added: {HOSTILE}.") in summary


# --- 13. a candidate whose id a person typed as "new" ------------------------------------------


@pytest.mark.parametrize("typed_id", ["new", "NEW", " new "])
def test_a_candidate_whose_id_reads_new_can_be_reported_on(
    sample_store: SqlStore, typed_id: str
) -> None:
    # Inserted as typed into a cell, surrounding spaces included.
    table = sample_store.tables["candidates"]
    with sample_store.engine.begin() as connection:
        connection.execute(
            sa.insert(table).values(
                id=typed_id, name="Noor Haddad", office="School Board", district="2", active="TRUE"
            )
        )
    sample_store.clear_cache()
    candidates_before = count(sample_store, "candidates")

    at = app(PAGE)
    options = at.selectbox(key="report.candidate").options
    assert options.count(ADD_NEW) == 1
    assert "Noor Haddad · School Board 2" in options
    start_report(at, typed_id.strip(), "Talked about the school budget")
    assert not [field for field in at.text_input if field.key == "report.new.name"]
    click(at, "Save the report")

    assert at.success, errors(at)
    interactions = sample_store.read("interactions")
    saved = first(interactions, "takeaways", "Talked about the school budget")
    assert saved["candidate_id"] == typed_id.strip()
    assert count(sample_store, "candidates") == candidates_before


# --- 19. what passes validation can always be written -----------------------------------------


@pytest.mark.parametrize("kind", report.QUOTE_KINDS)
def test_quotes_leave_room_for_their_marker_and_say_how_much_to_cut(
    sample_store: SqlStore, kind: str
) -> None:
    marker = len(f" ({kind})")
    before = count(sample_store, "interactions")
    at = app(PAGE)
    at.selectbox(key="report.candidate").set_value(sample_store.read("candidates").iloc[0]["id"])
    at.text_area(key="report.quotes").input("q" * 49_995)
    at.segmented_control(key="report.quote_kind").set_value(kind)
    at.run()
    click(at, "Save the report")

    cut = 49_995 + marker - schema.MAX_CELL_CHARS
    message = text.md(
        "This is 49,995 characters; cut at least {} so it fits in a cell with its “{}” marker.",
        cut,
        kind,
    )
    assert message in [error.value for error in at.error]
    assert count(sample_store, "interactions") == before
    assert not [error for error in at.error if "could not be saved" in error.value]

    at.text_area(key="report.quotes").input("q" * (schema.MAX_CELL_CHARS - marker)).run()
    click(at, "Save the report")
    assert at.success, errors(at)
    draft_id = at.session_state["report.draft"]["id"]
    saved = first(sample_store.read("interactions"), "id", draft_id)
    assert len(saved["quotes"]) == schema.MAX_CELL_CHARS
    assert saved["quotes"].endswith(f"({kind})")


def test_choices_kept_in_one_cell_are_refused_when_together_they_would_not_fit() -> None:
    draft = {
        **report.new_draft(),
        "date": date(2026, 11, 23),
        "candidate_id": "cand-1",
        "candidate_priorities": ["a" * 25_000, "b" * 25_000],
    }
    errors = report.validate(draft, date(2026, 11, 23))
    assert set(errors) == {"candidate_priorities"}
    assert "50,002 characters" in errors["candidate_priorities"]


def test_a_report_that_passes_validation_fits_every_cell_it_writes() -> None:
    """Every text at its limit, the quotes with their marker, many outcome rows: each record the
    report writes is accepted by the schema, and the audit detail stays short."""
    day = date(2026, 11, 23)
    longest = schema.MAX_CELL_CHARS
    draft = {
        **report.new_draft(),
        **{field: "t" * longest for field in report.TEXT_FIELDS},
        "date": day,
        "candidate_id": report.NEW_CANDIDATE,
        "kind": "one_on_one",
        "quotes": "q" * (longest - len(" (paraphrased)")),
        "quote_kind": "paraphrased",
        "candidate_priorities": ["p" * 24_000, "r" * 25_998],
        "visibility": "coalition",
    }
    draft["new_candidate"].update(name="n" * longest, office="o" * longest, district="d")
    for kind, fields in (
        ("commitments", {"text": "c" * longest, "issue_id": "iss-1", "owner": "w" * longest}),
        ("positions", {"issue_id": "iss-1", "stance": "supports", "evidence": "e" * longest}),
        ("actions", {"title": "a" * longest, "owner": "w" * longest, "due": day}),
    ):
        draft[kind] = [{**report.new_outcome(kind), **fields} for _ in range(150)]
    draft["commitments"][0]["follow_up_by"] = day + timedelta(days=3)

    assert report.validate(draft, day) == {}
    written = report.records(draft, "x" * 320 + "@example.org", schema.now_stamp())
    for table, rows in written.items():
        for row in rows:
            schema.to_cells(table, row)  # raises InvalidValue for a cell that cannot be written
    [audit] = written["audit"]
    assert len(audit["detail"]) < 200


@pytest.mark.parametrize("kind", [None, *report.QUOTE_KINDS])
def test_at_every_length_around_the_limit_either_validation_refuses_or_the_cell_is_written(
    kind: str | None,
) -> None:
    day = date(2026, 11, 23)
    for length in range(schema.MAX_CELL_CHARS - 16, schema.MAX_CELL_CHARS + 2):
        tags = ["p" * (length - 30_002), "r" * 30_000]  # joined with the app's separator
        draft = {
            **report.new_draft(),
            "date": day,
            "candidate_id": "cand-1",
            "quotes": "q" * length,
            "quote_kind": kind,
            "candidate_priorities": tags,
        }
        refused = report.validate(draft, day)
        interaction = report.records(draft, "jo@example.org", schema.now_stamp())["interactions"][0]
        for field in ("quotes", "candidate_priorities"):
            try:
                schema.to_cells("interactions", {field: interaction[field]})
            except schema.InvalidValue:
                assert field in refused, (field, length)
            else:
                assert field not in refused, (field, length)
