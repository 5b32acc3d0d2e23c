"""Questionnaires run elsewhere must import as each candidate actually answered them.

A wrong reading here puts words in a candidate's mouth in a published voter guide: an "N/A" shown
as an answer, a resubmission ignored, a formula evaluated, or answers filed under the wrong
person. The sheets are built in each test, in both layouts coalitions really use.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.questionnaires import read_answers, versions
from lib.questionnaires.compare import DID_NOT_RESPOND, NO_ANSWER, side_by_side
from lib.questionnaires.importing import (
    ImportPlan,
    candidate_key,
    is_non_answer,
    match_candidates,
    plan_questionnaire_import,
    read_upload,
    sheet_names,
)
from lib.store.sql import SqlStore

Q_RENT = "Will you support rent stabilization?"
Q_TRANSIT = "How would you fund transit?"
Q_PARKS = "What is your plan for parks?"
LONG_ANSWER = ("We will fund transit through a mix of sources. " * 70)[:3000]
MARKUP = "**bold** <b>x</b>"
FORMULA = "=SUM(A1)"
SPACED = "  Yes, with conditions:\n  phased in over two years.  "

FORM_HEADER = ["Timestamp", "Email address", "Candidate name", Q_RENT, Q_TRANSIT, Q_PARKS]


def _form_export() -> pd.DataFrame:
    """A Google Forms export: metadata, a non-responder, N/A cells and a resubmission."""
    rows = [
        ["2024/03/01 9:00:00 AM", "ana@example.org", "Ana Lopez", "Yes", "Bonds", "More parks"],
        ["2024/03/01 10:00:00 AM", "ben@example.org", "Ben Ortiz", "N/A", LONG_ANSWER, FORMULA],
        ["2024/03/02 8:00:00 AM", "cara@example.org", "Cara Diaz", "", "  ", ""],
        ["2024/03/02 9:00:00 AM", "dev@example.org", "Dev Patel", MARKUP, "n/a", SPACED],
        ["2024/03/02 9:30:00 AM", "", "", "Stray row", "with no name", ""],
        ["2024/03/03 7:00:00 AM", "ana@example.org", "Ana Lopez", "No", "", "Protect them"],
    ]
    return pd.DataFrame(rows, columns=FORM_HEADER, dtype=str)


FORM_ANSWERS = {
    "Ben Ortiz": {Q_TRANSIT: LONG_ANSWER, Q_PARKS: FORMULA},
    "Cara Diaz": None,
    "Dev Patel": {Q_RENT: MARKUP, Q_PARKS: SPACED},
    "Ana Lopez": {Q_RENT: "No", Q_PARKS: "Protect them"},
}


def test_form_export_reads_each_candidates_answers() -> None:
    assert read_answers(_form_export()) == FORM_ANSWERS


def test_form_export_non_responder_is_none_and_na_cells_are_left_out() -> None:
    answers = read_answers(_form_export())

    assert answers["Cara Diaz"] is None
    assert Q_RENT not in answers["Ben Ortiz"]
    assert Q_TRANSIT not in answers["Dev Patel"]


def test_form_export_keeps_long_and_markup_answers_verbatim() -> None:
    answers = read_answers(_form_export())

    assert answers["Ben Ortiz"][Q_TRANSIT] == LONG_ANSWER
    assert len(answers["Ben Ortiz"][Q_TRANSIT]) == 3000
    assert answers["Ben Ortiz"][Q_PARKS] == "=SUM(A1)"
    assert answers["Dev Patel"][Q_RENT] == "**bold** <b>x</b>"
    assert answers["Dev Patel"][Q_PARKS] == SPACED


def test_form_resubmission_keeps_the_last_row_only() -> None:
    answers = read_answers(_form_export())

    # The first submission's "Bonds" is not merged into the later one, which left it blank.
    assert answers["Ana Lopez"] == {Q_RENT: "No", Q_PARKS: "Protect them"}
    assert list(answers).count("Ana Lopez") == 1


def test_resubmission_under_a_differently_typed_name_is_the_same_candidate() -> None:
    frame = pd.DataFrame(
        [["Jose Nunez", "Yes"], ["  Rep. José Núñez ", "No"]], columns=["Name", Q_RENT]
    )

    assert read_answers(frame) == {"Rep. José Núñez": {Q_RENT: "No"}}


def test_metadata_and_nameless_rows_are_not_imported() -> None:
    answers = read_answers(_form_export())

    assert "" not in answers
    every_question = {question for given in answers.values() if given for question in given}
    assert every_question <= {Q_RENT, Q_TRANSIT, Q_PARKS}


@pytest.mark.parametrize("keep_default_na", [False, True], ids=["blanks-as-text", "blanks-as-nan"])
def test_form_export_read_back_from_csv(tmp_path: Path, keep_default_na: bool) -> None:
    path = tmp_path / "form.csv"
    _form_export().to_csv(path, index=False)

    frame = pd.read_csv(path, dtype=str, keep_default_na=keep_default_na)

    assert read_answers(frame) == FORM_ANSWERS


def _hand_made_sheet() -> pd.DataFrame:
    """One row per question, one column per candidate; a numbering column before the questions."""
    not_done = "Did not complete questionnaire"
    return pd.DataFrame(
        {
            "#": ["1", "2", "3"],
            "Question": [Q_RENT, Q_TRANSIT, Q_PARKS],
            "Ana Lopez": ["No", "", "Protect them"],
            "Ben Ortiz": ["N/A", LONG_ANSWER, FORMULA],
            "Cara Diaz": [not_done, not_done, not_done],
        },
        dtype=str,
    )


def test_question_per_row_sheet_reads_each_candidate_column() -> None:
    answers = read_answers(_hand_made_sheet())

    assert answers == {
        "Ana Lopez": {Q_RENT: "No", Q_PARKS: "Protect them"},
        "Ben Ortiz": {Q_TRANSIT: LONG_ANSWER, Q_PARKS: FORMULA},
        "Cara Diaz": None,
    }


def test_question_per_row_sheet_read_back_from_xlsx_with_nan_blanks(tmp_path: Path) -> None:
    path = tmp_path / "answers.xlsx"
    sheet = _hand_made_sheet().replace({FORMULA: "Fee on parking"})
    sheet.to_excel(path, index=False)

    frame = pd.read_excel(path, dtype=str)

    assert frame["Ana Lopez"].isna().any(), "an empty cell should come back as NaN"
    assert read_answers(frame) == {
        "Ana Lopez": {Q_RENT: "No", Q_PARKS: "Protect them"},
        "Ben Ortiz": {Q_TRANSIT: LONG_ANSWER, Q_PARKS: "Fee on parking"},
        "Cara Diaz": None,
    }


def test_question_column_is_found_by_its_cells_when_unheaded() -> None:
    frame = pd.DataFrame(
        {"": [Q_RENT, Q_TRANSIT], "Ana Lopez": ["Yes", "Bonds"]},
        dtype=str,
    )
    renamed = frame.rename(columns={"": "Our 2024 questions"})

    expected = {"Ana Lopez": {Q_RENT: "Yes", Q_TRANSIT: "Bonds"}}
    assert read_answers(frame) == expected
    assert read_answers(renamed) == expected


SHARED = {
    "Ana Lopez": {Q_RENT: "Yes", Q_TRANSIT: "", Q_PARKS: "None of the above"},
    "Ben Ortiz": {Q_RENT: "N/A", Q_TRANSIT: "Declined to answer", Q_PARKS: "—"},
    "Cara Diaz": {Q_RENT: "No", Q_TRANSIT: "Congestion pricing", Q_PARKS: "none"},
}


def test_both_orientations_of_the_same_answers_read_the_same() -> None:
    questions = [Q_RENT, Q_TRANSIT, Q_PARKS]
    by_candidate = pd.DataFrame(
        [[name, "D", *(given[q] for q in questions)] for name, given in SHARED.items()],
        columns=["Candidate name", "Party", *questions],
    )
    by_question = pd.DataFrame(
        {"Question": ["Party", *questions]}
        | {name: ["D", *(given[q] for q in questions)] for name, given in SHARED.items()}
    )

    from_rows = read_answers(by_candidate)

    assert from_rows == read_answers(by_question)
    assert from_rows == {
        "Ana Lopez": {Q_RENT: "Yes", Q_PARKS: "None of the above"},
        "Ben Ortiz": None,
        "Cara Diaz": {Q_RENT: "No", Q_TRANSIT: "Congestion pricing"},
    }


@pytest.mark.parametrize("answer", ["No", "no", "None of the above", "Nope", "NA-12 zoning", "0"])
def test_real_answers_that_look_like_non_answers_stay_answers(answer: str) -> None:
    frame = pd.DataFrame([["Ana Lopez", answer]], columns=["Candidate", Q_RENT])

    assert not is_non_answer(answer)
    assert read_answers(frame) == {"Ana Lopez": {Q_RENT: answer}}


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "   ",
        "\n",
        float("nan"),
        None,
        "N/A",
        " n/a ",
        "NA",
        "-",
        "—",
        "None",
        "NONE",
        "Did not complete questionnaire",
        "did not respond.",
        "(No response)",
        "Declined to respond",
        "DECLINED TO ANSWER",
    ],
)
def test_non_answers_are_left_out(cell: object) -> None:
    frame = pd.DataFrame([["Ana Lopez", cell, "Yes"]], columns=["Your name", Q_RENT, Q_PARKS])

    assert is_non_answer(cell)
    assert read_answers(frame) == {"Ana Lopez": {Q_PARKS: "Yes"}}


def test_candidate_key_folds_accents_case_titles_and_punctuation() -> None:
    assert candidate_key("Rep. José Núñez") == candidate_key("jose  nunez") == "jose nunez"
    assert candidate_key("The Honorable Judge Mary-Anne O'Brien") == "mary anne obrien"
    assert candidate_key("Council Member Dana Wu") == candidate_key("Councilmember Dana Wu")
    assert candidate_key("Mayor") == "mayor", "a title that is the whole name is kept"


CANDIDATES = pd.DataFrame(
    {
        "id": ["c1", "c2", "c3", "c4"],
        "name": ["Jose Nunez", "Dana Wu", "Sam Lee", "Dr. Sam Lee"],
    }
)


def test_names_match_tracked_candidates_despite_accents_and_titles() -> None:
    matches = match_candidates(["Rep. José Núñez", "Senator DANA WU"], CANDIDATES)

    assert matches == {"Rep. José Núñez": "c1", "Senator DANA WU": "c2"}


def test_unknown_and_ambiguous_names_are_left_unmatched() -> None:
    matches = match_candidates(["Priya Shah", "Sam Lee", ""], CANDIDATES)

    # "Sam Lee" folds to two tracked candidates, so neither is guessed.
    assert matches == {"Priya Shah": None, "Sam Lee": None, "": None}


def test_unreadable_layout_raises_a_clear_error() -> None:
    frame = pd.DataFrame(
        [["2024/03/01", "ana@example.org", "Yes"]],
        columns=["Timestamp", "Respondent", "Rent?"],
    )

    with pytest.raises(ValueError, match="Candidate name.*Question"):
        read_answers(frame)


def test_name_column_without_questions_raises() -> None:
    frame = pd.DataFrame([["Ana Lopez", "ana@example.org"]], columns=["Name", "Email"])

    with pytest.raises(ValueError, match="no question columns"):
        read_answers(frame)


# --- planning an import through a real store ---------------------------------------------------

IMPORT_TODAY = date(2026, 3, 10)


def _question_rows_layout() -> pd.DataFrame:
    """A hand-made sheet: one row per question, one column per candidate."""
    rows = [
        ["1", Q_RENT, "yes", "N/A", "", "No"],
        ["2", Q_TRANSIT, "Bonds", LONG_ANSWER, "-", ""],
        ["3", Q_PARKS, "More parks", FORMULA, "No response", "Protect them"],
    ]
    header = ["#", "Question", "Rep. Ana López", "Ben Ortiz", "Cara Diaz", "Dev Patel"]
    return pd.DataFrame(rows, columns=header, dtype=str)


def _store_with_candidates(store: SqlStore) -> SqlStore:
    store.append(
        "candidates",
        [
            {"id": "cand-ana", "name": "Ana Lopez", "office": "Council", "district": "1"},
            {"id": "cand-ben", "name": "Ben Ortiz", "office": "Council", "district": "1"},
            {"id": "cand-cara", "name": "Cara Diaz", "office": "Council", "district": "1"},
        ],
    )
    return store


def _tables(store: SqlStore) -> dict[str, pd.DataFrame]:
    store.clear_cache()
    return store.read_all()


def _plan(store: SqlStore, frame: pd.DataFrame, **options: object) -> ImportPlan:
    options.setdefault("author", "staff@x.org")
    options.setdefault("today", IMPORT_TODAY)
    return plan_questionnaire_import(frame, "Council survey 2026", _tables(store), **options)


def _counts(store: SqlStore) -> dict[str, int]:
    tables = _tables(store)
    return {
        name: len(tables[name])
        for name in ("candidates", "questionnaires", "questions", "invitations", "answers", "audit")
    }


@pytest.mark.parametrize("layout", [_form_export, _question_rows_layout])
def test_import_plan_applies_and_shows_side_by_side(empty_store: SqlStore, layout) -> None:
    store = _store_with_candidates(empty_store)
    plan = _plan(store, layout())

    assert plan.unknown_names == ["Dev Patel"]
    assert any("Dev Patel" in problem for problem in plan.problems)
    preview = plan.preview.set_index("Candidate as written")["Matched candidate"].to_dict()
    assert preview["Dev Patel"] == "unknown" and "Ana Lopez" in preview.values()
    assert len(plan.rows["questionnaires"]) == 1 and len(plan.rows["questions"]) == 3
    assert len(plan.rows["invitations"]) == 3  # Dev Patel is left out until added
    statuses = {row["candidate_id"]: row["status"] for row in plan.rows["invitations"]}
    assert statuses == {"cand-ana": "submitted", "cand-ben": "submitted", "cand-cara": "sent"}
    assert all(row["state"] == "original" for row in plan.rows["answers"])
    assert all(row["submitted_on"] == IMPORT_TODAY for row in plan.rows["answers"])
    assert "N/A" not in {row["text"] for row in plan.rows["answers"]}

    store.change(plan.edits, plan.rows)
    tables = _tables(store)
    side = side_by_side(plan.questionnaire_id, tables).set_index("Question")
    assert side.loc[Q_TRANSIT, "Ben Ortiz"] == LONG_ANSWER
    assert len(side.loc[Q_TRANSIT, "Ben Ortiz"]) == 3000
    assert side.loc[Q_PARKS, "Ben Ortiz"] == FORMULA
    assert side.loc[Q_RENT, "Ben Ortiz"] == NO_ANSWER  # "N/A" is not an answer
    assert set(side["Cara Diaz"]) == {DID_NOT_RESPOND}
    # Nobody can open an imported invitation: it is revoked and its hash is of no token given.
    assert tables["invitations"]["revoked"].all()


def test_yes_no_questions_are_recognised_and_answers_normalised(empty_store: SqlStore) -> None:
    store = _store_with_candidates(empty_store)
    plan = _plan(store, _question_rows_layout(), new_candidates=["Dev Patel"])
    kinds = {row["text"]: row["kind"] for row in plan.rows["questions"]}
    assert kinds == {Q_RENT: "yes_no", Q_TRANSIT: "free_text", Q_PARKS: "free_text"}
    rent_id = next(row["id"] for row in plan.rows["questions"] if row["text"] == Q_RENT)
    rent = {
        row["candidate_id"]: row["text"]
        for row in plan.rows["answers"]
        if row["question_id"] == rent_id
    }
    assert rent["cand-ana"] == "Yes"  # typed "yes"
    assert [row["number"] for row in plan.rows["questions"]] == ["1", "2", "3"]


@pytest.mark.parametrize("layout", [_form_export, _question_rows_layout])
def test_importing_the_same_file_twice_adds_nothing(empty_store: SqlStore, layout) -> None:
    store = _store_with_candidates(empty_store)
    first = _plan(store, layout(), new_candidates=["Dev Patel"])
    assert [row["name"] for row in first.rows["candidates"]] == ["Dev Patel"]
    store.change(first.edits, first.rows)
    after_first = _counts(store)

    again = _plan(store, layout(), new_candidates=["Dev Patel"])
    assert again.unknown_names == [] and again.empty
    store.change(again.edits, again.rows)
    assert _counts(store) == after_first
    # The same plan applied twice (a double click) adds nothing either.
    store.change(first.edits, first.rows)
    assert _counts(store) == after_first
    side = side_by_side(first.questionnaire_id, _tables(store))
    assert len(set(side["Dev Patel"]) - {NO_ANSWER}) == 2  # the new candidate's answers


def test_a_changed_answer_on_reimport_is_an_amendment(empty_store: SqlStore) -> None:
    store = _store_with_candidates(empty_store)
    first = _plan(store, _question_rows_layout())
    store.change(first.edits, first.rows)
    changed = _question_rows_layout()
    changed.loc[2, "Ben Ortiz"] = "Bigger parks"
    changed.loc[0, "Cara Diaz"] = "Yes"  # a non-responder who answered later
    again = _plan(store, changed)
    assert sorted(row["state"] for row in again.rows["answers"]) == ["amendment", "original"]
    assert [edit.id for edit in again.edits] == [
        row["id"] for row in first.rows["invitations"] if row["candidate_id"] == "cand-cara"
    ]
    store.change(again.edits, again.rows)
    side = side_by_side(first.questionnaire_id, _tables(store)).set_index("Question")
    assert side.loc[Q_PARKS, "Ben Ortiz"].startswith("Bigger parks (amended")
    assert side.loc[Q_RENT, "Cara Diaz"] == "Yes"


def test_an_existing_questionnaire_of_that_title_is_reused(empty_store: SqlStore) -> None:
    store = _store_with_candidates(empty_store)
    made = versions.new_questionnaire(
        "Council Survey 2026", "", [], None, "coalition", [{"text": Q_RENT, "kind": "yes_no"}], "s"
    )
    store.change([], made)
    plan = _plan(store, _question_rows_layout())
    assert plan.questionnaire_id == made["questionnaires"][0]["id"]
    assert "questionnaires" not in plan.rows
    assert [row["text"] for row in plan.rows["questions"]] == [Q_TRANSIT, Q_PARKS]
    assert [row["number"] for row in plan.rows["questions"]] == ["2", "3"]


def test_import_refuses_a_blank_title_and_an_unreadable_sheet(empty_store: SqlStore) -> None:
    tables = _tables(empty_store)
    with pytest.raises(ValueError, match="title"):
        plan_questionnaire_import(_form_export(), "  ", tables, author="s", today=IMPORT_TODAY)
    with pytest.raises(ValueError, match="laid out"):
        plan_questionnaire_import(
            pd.DataFrame({"a": ["x"]}), "T", tables, author="s", today=IMPORT_TODAY
        )


def test_uploads_are_read_as_text_and_bad_files_say_so() -> None:
    data = b"Candidate name,Will you?\nAna,0012\nBen,N/A\n"
    frame = read_upload("answers.csv", data)
    assert frame.iloc[0, 1] == "0012" and frame.iloc[1, 1] == "N/A"
    buffer = io.BytesIO()
    sheet = _question_rows_layout().replace({FORMULA: "Plant trees"})
    with pd.ExcelWriter(buffer) as workbook:
        pd.DataFrame({"x": ["notes"]}).to_excel(workbook, sheet_name="Notes", index=False)
        sheet.to_excel(workbook, sheet_name="Responses", index=False)
    assert sheet_names(buffer.getvalue()) == ["Notes", "Responses"]
    read = read_upload("answers.xlsx", buffer.getvalue(), "Responses")
    assert read.equals(sheet.astype(read.dtypes.to_dict()))  # "N/A", "" and 3,000 characters
    with pytest.raises(ValueError, match="Could not read"):
        read_upload("a.xlsx", b"not a workbook")
