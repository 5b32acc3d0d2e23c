"""Questionnaires run elsewhere must import as each candidate actually answered them.

A wrong reading here puts words in a candidate's mouth in a published voter guide: an "N/A" shown
as an answer, a resubmission ignored, a formula evaluated, or answers filed under the wrong
person. The sheets are built in each test, in both layouts coalitions really use.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.questionnaires import read_answers
from lib.questionnaires.importing import candidate_key, is_non_answer, match_candidates

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
