"""Reading questionnaires that were run elsewhere (a Google Form, SurveyMonkey, a hand-made sheet).

Coalitions often collected answers before they used the tracker, or still send some candidates a
Form. This module turns such a sheet, already read into a frame of text, into answers per
candidate, so the import page only has to show them and ask which candidate each name is.

Layouts (:func:`read_answers` decides which, in this order):

1. **One row per candidate** when the header has a candidate-name column: "Candidate name",
   "Candidate", "Name", "Your name", "Full name" and a few variants, compared without case,
   spacing or punctuation ("Your name:" counts). Every other column is a question except
   metadata that exports add ("Timestamp", "Email address", "Submitted", "Start date",
   "IP address", "Respondent ID", "Office", "District", "Race", "Party", ...; see
   ``_METADATA_HEADERS``) and columns without a header.
2. **One row per question** otherwise, when a column is headed "Question" (or "Questions",
   "Question text", "Prompt"), or the first column's header is blank or "#", or most of the
   first column's filled cells look like questions (end with "?" or run to six words or more).
   The question column is the one headed "Question" if there is one, else the first; columns
   before it (numbering) are ignored, and every later column with a header is a candidate
   named by that header, except the metadata headers above and "Topic", "Category",
   "Section", "Notes", "Issue". Rows whose question is a metadata or name heading ("Party",
   "District", "Name") are skipped, as those columns are in the other layout.
3. Anything else raises ``ValueError`` saying which layouts are expected, as does a sheet with a
   candidate-name column but no question columns.

What comes back keeps the source's own words: names and question texts lose only surrounding
whitespace, answers are kept exactly (a formula such as "=SUM(A1)" or Markdown stays text).

Non-answers count as unanswered so a candidate who skipped a question is not shown as having
answered "N/A": a blank or whitespace-only cell, the tokens "N/A", "NA", "N.A.", "-", "--",
"–", "—", "None", and the phrases in ``_NON_ANSWER_PHRASES`` ("Did not respond", "No
response", "Declined to answer", "Did not complete questionnaire", ...). Matching is on the
whole cell, ignoring case, surrounding whitespace, a trailing full stop and enclosing brackets,
so real answers that merely start that way stay answers: "No", "None of the above", "No
response is needed because ...".

A candidate who submitted twice (two rows whose names fold to the same :func:`candidate_key`)
is read from the last of those rows, the latest submission in a Form export, and named as
written there; an earlier, fuller submission is not merged in. Rows whose name is blank (or a
non-answer such as "N/A") are skipped. In that layout, every name-like column ("Your name" next to
"Candidate name") is left out of the questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

Answers = dict[str, str]

# Folded forms (see _fold) of headers naming the candidate, best first.
_NAME_HEADERS = (
    "candidate name",
    "candidates name",
    "candidate full name",
    "candidates full name",
    "name of candidate",
    "candidate",
    "full name",
    "your name",
    "your full name",
    "what is your name",
    "name",
)
_METADATA_HEADERS = frozenset(
    {
        "timestamp",
        "email address",
        "email",
        "e mail",
        "username",
        "submitted",
        "submitted at",
        "submission date",
        "start date",
        "end date",
        "start time",
        "completion time",
        "last modified time",
        "ip address",
        "respondent id",
        "collector id",
        "id",
        "score",
        "office",
        "district",
        "race",
        "party",
    }
)
_NOT_QUESTION_HEADERS = _METADATA_HEADERS | frozenset(_NAME_HEADERS)
_QUESTION_HEADERS = frozenset({"question", "questions", "question text", "prompt"})
_NOT_CANDIDATE_HEADERS = _METADATA_HEADERS | {"topic", "category", "section", "notes", "issue"}

_NON_ANSWER_TOKENS = frozenset({"", "n/a", "na", "n.a", "-", "--", "–", "—", "none"})
_NON_ANSWER_PHRASES = frozenset(
    {
        "did not complete questionnaire",
        "did not complete the questionnaire",
        "did not return questionnaire",
        "did not return the questionnaire",
        "did not respond",
        "did not answer",
        "no response",
        "no answer",
        "not answered",
        "declined to respond",
        "declined to answer",
        "declined to complete questionnaire",
        "declined to complete the questionnaire",
    }
)

# Titles dropped from the start of a name by candidate_key, as folded token sequences.
_TITLES = tuple(
    sorted(
        (
            tuple(title.split())
            for title in (
                "rep",
                "representative",
                "state rep",
                "state representative",
                "sen",
                "senator",
                "state senator",
                "councilmember",
                "council member",
                "councilman",
                "councilwoman",
                "councillor",
                "councilor",
                "mayor",
                "dr",
                "mr",
                "ms",
                "mrs",
                "mx",
                "hon",
                "honorable",
                "the honorable",
                "judge",
                "commissioner",
                "assemblymember",
                "assembly member",
                "assemblyman",
                "assemblywoman",
                "delegate",
                "supervisor",
            )
        ),
        key=len,
        reverse=True,
    )
)

_PANDAS_PLACEHOLDER = re.compile(r"Unnamed: \d+(_level_\d+)?")
_LAYOUT_HELP = (
    "Expected either one row per candidate, with a column headed 'Candidate name' (or 'Name') "
    "and one column per question, as a Google Form or SurveyMonkey export has; or one row per "
    "question, with a first column headed 'Question' and one column per candidate headed with "
    "the candidate's name."
)


def read_answers(frame: pd.DataFrame) -> dict[str, Answers | None]:
    """Each candidate's answers in a questionnaire sheet, in either orientation.

    Returns ``{name as written: {question as written: answer as written}}`` with unanswered
    questions left out, and ``None`` for a candidate who answered nothing, so the import page
    can tell "did not respond" from "answered some". The layout rules are in the module
    docstring; raises ``ValueError`` when the sheet fits neither layout.
    """
    name_column = _name_column(frame)
    if name_column is not None:
        return _read_rows_per_candidate(frame, name_column)
    question_column = _question_column(frame)
    if question_column is not None:
        return _read_rows_per_question(frame, question_column)
    raise ValueError(
        "Could not tell how this questionnaire is laid out: no column names the candidate "
        f"and the first column does not hold questions. {_LAYOUT_HELP}"
    )


def is_non_answer(value: object) -> bool:
    """Whether a cell means "not answered": blank, NaN, or a token like "N/A" or "No response"."""
    text = _text(value)
    folded = " ".join(text.split()).casefold()
    if folded.startswith(("(", "[")) and folded.endswith((")", "]")):
        folded = folded[1:-1].strip()
    folded = folded.removesuffix(".").strip()
    return folded in _NON_ANSWER_TOKENS or folded in _NON_ANSWER_PHRASES


def candidate_key(name: str) -> str:
    """``name`` folded for matching: "Rep. José Núñez" and "jose nunez" give the same key.

    Accents, case, punctuation, spacing and leading titles ("Rep.", "Council Member", "The
    Honorable Judge", ...) are dropped, since sheets typed by hand vary in exactly these. A
    title is never dropped when it is all that is left of the name.
    """
    tokens = _fold(name).split()
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLES:
            if len(tokens) > len(title) and tuple(tokens[: len(title)]) == title:
                tokens = tokens[len(title) :]
                stripped = True
                break
    return " ".join(tokens)


def match_candidates(names: Iterable[str], candidates: pd.DataFrame) -> dict[str, str | None]:
    """Each source name mapped to the id of the candidate it names, by :func:`candidate_key`.

    ``candidates`` has columns ``id`` and ``name``. A name maps to ``None`` when no candidate
    folds to its key, so the page can offer to add it, and also when two or more candidates
    fold to that key: guessing between them could file answers under the wrong person.
    """
    ids_by_key: dict[str, set[str]] = {}
    for candidate_id, candidate_name in zip(candidates["id"], candidates["name"], strict=True):
        key = candidate_key(_text(candidate_name))
        if key:
            ids_by_key.setdefault(key, set()).add(str(candidate_id))
    matches: dict[str, str | None] = {}
    for name in names:
        found = ids_by_key.get(candidate_key(name), set())
        matches[name] = next(iter(found)) if len(found) == 1 else None
    return matches


def _read_rows_per_candidate(frame: pd.DataFrame, name_column: int) -> dict[str, Answers | None]:
    questions = [
        (position, _text(header).strip())
        for position, header in enumerate(frame.columns)
        if not _is_blank_header(header) and _fold(header) not in _NOT_QUESTION_HEADERS
    ]
    if not questions:
        raise ValueError(f"Found a candidate name column but no question columns. {_LAYOUT_HELP}")
    latest: dict[str, tuple[str, Answers]] = {}
    for row in frame.itertuples(index=False, name=None):
        name = _text(row[name_column]).strip()
        if is_non_answer(name):
            continue
        key = candidate_key(name) or name
        # Popping first moves a resubmission to where it was last submitted.
        latest.pop(key, None)
        latest[key] = (
            name,
            _answered((question, row[position]) for position, question in questions),
        )
    return {name: answers or None for name, answers in latest.values()}


def _answered(pairs: Iterable[tuple[str, object]]) -> Answers:
    return {question: _text(cell) for question, cell in pairs if not is_non_answer(cell)}


def _read_rows_per_question(frame: pd.DataFrame, question_column: int) -> dict[str, Answers | None]:
    candidate_columns = [
        (position, _text(header).strip())
        for position, header in enumerate(frame.columns)
        if position > question_column
        and not _is_blank_header(header)
        and _fold(header)
        and _fold(header) not in _NOT_CANDIDATE_HEADERS
    ]
    answers: dict[str, Answers] = {name: {} for _, name in candidate_columns}
    for row in frame.itertuples(index=False, name=None):
        question = _text(row[question_column]).strip()
        if not question or _fold(question) in _NOT_QUESTION_HEADERS:
            continue
        for position, name in candidate_columns:
            if not is_non_answer(row[position]):
                answers[name][question] = _text(row[position])
    return {name: given or None for name, given in answers.items()}


def _name_column(frame: pd.DataFrame) -> int | None:
    folded = [_fold(header) for header in frame.columns]
    for wanted in _NAME_HEADERS:
        if wanted in folded:
            return folded.index(wanted)
    return None


def _question_column(frame: pd.DataFrame) -> int | None:
    if len(frame.columns) == 0:
        return None
    for position, header in enumerate(frame.columns):
        if _fold(header) in _QUESTION_HEADERS:
            return position
    first = frame.columns[0]
    if _is_blank_header(first) or not _fold(first) or _looks_like_questions(frame.iloc[:, 0]):
        return 0
    return None


def _looks_like_questions(cells: pd.Series) -> bool:
    texts = [text for text in (_text(cell).strip() for cell in cells) if text]
    questionlike = [text for text in texts if text.endswith("?") or len(text.split()) >= 6]
    return bool(texts) and len(questionlike) * 2 > len(texts)


def _is_blank_header(header: object) -> bool:
    text = _text(header).strip()
    return not text or _PANDAS_PLACEHOLDER.fullmatch(text) is not None


def _fold(text: object) -> str:
    """Accents, case, apostrophes and punctuation dropped; words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", _text(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    bare = re.sub(r"['’`]", "", bare)
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def _text(value: object) -> str:
    """A cell as text: NaN, None and pandas' missing markers are blank, anything else is str."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:  # NaN, numpy's included
        return ""
    return str(value)
