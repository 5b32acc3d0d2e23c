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

:func:`plan_questionnaire_import` turns what was read into the rows that store it (a
questionnaire, its questions, an invitation and answers per candidate), with ids derived from
what is imported, so bringing in the same file twice adds nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from lib import audit, schema
from lib.names import candidate_key, match_candidates
from lib.names import cell_text as _text
from lib.names import fold_name as _fold
from lib.questionnaires import forms, links
from lib.questionnaires.responses import derived_id
from lib.store.base import Edit

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


# --- bringing a questionnaire in -------------------------------------------------------------

#: what the preview says in place of a candidate for a name that matched none
NEW, UNKNOWN = "new", "unknown"
PREVIEW_COLUMNS = ("Candidate as written", "Matched candidate", "Questions answered")


@dataclass
class ImportPlan:
    """What importing a sheet will write (``rows``, for ``store.change([], rows)``), what the
    page shows before it does (``preview``), the names no candidate has (``unknown_names``,
    to offer as new candidates) and what could not be brought in (``problems``)."""

    questionnaire_id: str
    rows: dict[str, list[dict[str, Any]]]
    preview: pd.DataFrame
    unknown_names: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: imported invitations of candidates who did not respond before and now have answers
    edits: list[Edit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.edits and not any(self.rows.values())


def read_upload(name: str, data: bytes, sheet: str | int = 0) -> pd.DataFrame:
    """An uploaded CSV or Excel file as a frame of text, every cell kept as written. Raises
    ``ValueError`` with a message for staff when the file cannot be read."""
    try:
        if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
            frame = pd.read_excel(
                io.BytesIO(data), sheet_name=sheet, dtype=str, keep_default_na=False
            )
            return frame.fillna("")
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except Exception as error:
        raise ValueError(
            f"Could not read {name!r} as a CSV or Excel file ({error}). Export the responses "
            "again as CSV or XLSX and upload that."
        ) from error


def sheet_names(data: bytes) -> list[str]:
    """The sheets of an Excel file; ``ValueError`` when it is not one."""
    try:
        return [str(name) for name in pd.ExcelFile(io.BytesIO(data)).sheet_names]
    except Exception as error:
        raise ValueError(f"Could not open this file as an Excel workbook ({error}).") from error


def plan_questionnaire_import(
    frame: pd.DataFrame,
    title: str,
    tables: Mapping[str, pd.DataFrame],
    *,
    new_candidates: Iterable[str] = (),
    visibility: str = "coalition",
    author: str,
    today: date,
) -> ImportPlan:
    """The rows that bring in a questionnaire run elsewhere, read by :func:`read_answers`.

    One questionnaire (the latest version of one titled the same, case and spacing aside, if
    there is one; else a new one), a question per distinct question text (yes/no when every
    answer to it is yes or no, else free text), and per candidate an invitation that was
    answered elsewhere: ``submitted`` with an ``original`` answer per answered question dated
    ``today``, or ``sent`` with nothing answered for a candidate who left everything blank, so
    comparisons say "Did not respond". The invitation is revoked and its token hash belongs to
    no link: nobody can open it. An answer that differs from the one already imported for that
    question becomes a dated amendment. Imported questions are not linked to issues, so no
    positions are written; link them by a new version if they should count as stances.

    Ids are derived from the questionnaire, the candidate and the question (and the answer's
    text), so importing the same file again adds nothing. Names that match no candidate (or
    more than one) are left out unless listed in ``new_candidates``, which become candidates.
    Raises ``ValueError`` for a blank title or a sheet in neither layout.
    """
    if forms.is_blank(title):
        raise ValueError("Give the questionnaire a title.")
    title = " ".join(title.split())
    read = read_answers(frame)
    candidates = tables["candidates"]
    matches = match_candidates(read, candidates)
    adding = {candidate_key(name) for name in new_candidates}
    problems: list[str] = []
    rows: dict[str, list[dict[str, Any]]] = {
        "candidates": [],
        "questionnaires": [],
        "questions": [],
        "invitations": [],
        "answers": [],
        "audit": [],
    }

    questionnaire = _same_title(title, tables["questionnaires"])
    if questionnaire is None:
        questionnaire_id = derived_id("questionnaires", "import", _fold(title))
    else:
        questionnaire_id = str(questionnaire["id"])
    asked = tables["questions"][tables["questions"]["questionnaire_id"] == questionnaire_id]
    question_ids = {_fold(row["text"]): str(row["id"]) for row in asked.to_dict("records")}
    kinds = {str(row["id"]): row for row in asked.to_dict("records")}
    next_number = max([0, *(int(n) for n in asked["number"] if str(n).strip().isdigit())]) + 1

    # Questions in the order the sheet has them.
    order = _sheet_order(frame)
    texts = list(dict.fromkeys(q for given in read.values() if given for q in given))
    texts.sort(key=lambda text: order.get(text, len(order)))
    for text in texts:
        if _fold(text) in question_ids:
            continue
        question_id = derived_id("questions", questionnaire_id, _fold(text))
        said = [given[text] for given in read.values() if given and text in given]
        question = {
            "id": question_id,
            "questionnaire_id": questionnaire_id,
            "number": str(next_number),
            "text": text[: schema.MAX_CELL_CHARS],
            "kind": "yes_no" if all(_is_yes_no(answer) for answer in said) else "free_text",
            "created_by": author,
        }
        next_number += 1
        question_ids[_fold(text)] = question_id
        kinds[question_id] = question
        rows["questions"].append(question)

    stored = tables["answers"][tables["answers"]["questionnaire_id"] == questionnaire_id]
    before = _latest_texts(stored)
    preview: list[tuple[str, str, int]] = []
    unknown: list[str] = []
    names = _names(candidates)
    invited = tables["invitations"].drop_duplicates("id").set_index("id")
    edits: list[Edit] = []
    candidate_ids: list[str] = []
    for name, given in read.items():
        candidate_id = matches[name]
        shown = names.get(candidate_id or "", "")
        if candidate_id is None:
            key = candidate_key(name) or name
            if key not in adding:
                unknown.append(name)
                preview.append((name, UNKNOWN, len(given or {})))
                problems.append(_unknown_message(name, key, candidates))
                continue
            candidate_id = derived_id("candidates", "import", key)
            shown = NEW
            if candidate_id not in set(candidates["id"]):
                rows["candidates"].append({"id": candidate_id, "name": name, "created_by": author})
        if candidate_id in candidate_ids:
            problems.append(f"{name}: the same candidate as an earlier column; left out.")
            continue
        candidate_ids.append(candidate_id)
        invitation_id = derived_id("invitations", questionnaire_id, candidate_id)
        answered = 0
        for text, answer in (given or {}).items():
            if len(answer) > schema.MAX_CELL_CHARS:
                problems.append(
                    f"{name}: the answer to “{text[:80]}” is {len(answer):,} characters, more "
                    f"than a cell holds ({schema.MAX_CELL_CHARS:,}); it was left out."
                )
                continue
            question_id = question_ids[_fold(text)]
            answer = forms.normal_answer(kinds[question_id], answer)
            earlier = before.get((invitation_id, question_id))
            if earlier == answer:
                answered += 1
                continue
            state = "original" if earlier is None else "amendment"
            rows["answers"].append(
                {
                    "id": derived_id("answers", invitation_id, question_id, state, answer),
                    "invitation_id": invitation_id,
                    "questionnaire_id": questionnaire_id,
                    "question_id": question_id,
                    "candidate_id": candidate_id,
                    "text": answer,
                    "state": state,
                    "submitted_on": today,
                }
            )
            answered += 1
        if invitation_id not in invited.index:
            rows["invitations"].append(
                {
                    "id": invitation_id,
                    "questionnaire_id": questionnaire_id,
                    "candidate_id": candidate_id,
                    # A hash of a token nobody was given: the candidate answered elsewhere.
                    "token_hash": links.token_hash(links.new_token()),
                    "status": "submitted" if answered else "sent",
                    "submitted_at": schema.now_stamp() if answered else "",
                    "revoked": True,
                    "created_by": author,
                }
            )
        preview.append((name, shown, answered))
        if answered and invitation_id in invited.index:
            stored_invitation = invited.loc[invitation_id]
            if stored_invitation["status"] != "submitted":
                changes = {
                    "status": "submitted",
                    "submitted_at": schema.now_stamp(),
                    "updated_at": schema.now_stamp(),
                }
                expected = str(stored_invitation["updated_at"])
                edits.append(Edit("invitations", invitation_id, changes, expected))

    if questionnaire is None:
        rows["questionnaires"].append(
            {
                "id": questionnaire_id,
                "series_id": questionnaire_id,
                "version": "1",
                "title": title,
                "introduction": "Answered outside the tracker and imported.",
                "candidate_ids": candidate_ids,
                "visibility": visibility,
                "created_by": author,
            }
        )
    detail = (
        f"Imported “{title}”: {len(rows['questions'])} new questions, "
        f"{len(rows['answers'])} answers from {len(candidate_ids)} candidates "
        f"({len(rows['candidates'])} added); {len(unknown)} names left out."
    )
    if edits or any(rows.values()):  # nothing new (the same file again): no audit row either
        rows["audit"].append(
            audit.entry(
                author, "imported questionnaire", "questionnaires", questionnaire_id, detail
            )
        )
    return ImportPlan(
        questionnaire_id,
        {table: found for table, found in rows.items() if found},
        pd.DataFrame(preview, columns=list(PREVIEW_COLUMNS)),
        unknown,
        problems,
        edits,
    )


def _names(candidates: pd.DataFrame) -> dict[str, str]:
    """candidate id -> name, as the preview shows the candidate a name was matched to."""
    return {str(i): _text(n) for i, n in zip(candidates["id"], candidates["name"], strict=True)}


def _same_title(title: str, questionnaires: pd.DataFrame) -> pd.Series | None:
    """The latest version of a questionnaire titled ``title`` (case and spacing aside)."""
    wanted = title.casefold()
    same = questionnaires[
        questionnaires["title"].map(lambda t: " ".join(str(t).split()).casefold()) == wanted
    ]
    if same.empty:
        return None
    numbers = same["version"].map(lambda v: int(v) if str(v).strip().isdigit() else 1)
    ordered = same.assign(_n=numbers).sort_values(["_n", "created_at"], kind="stable")
    return ordered.iloc[-1]


def _sheet_order(frame: pd.DataFrame) -> dict[str, int]:
    """Where each text first appears in the sheet: headers, then cells column by column."""
    seen: dict[str, int] = {}
    for text in [*frame.columns, *(cell for column in frame.columns for cell in frame[column])]:
        seen.setdefault(_text(text).strip(), len(seen))
    return seen


def _is_yes_no(answer: str) -> bool:
    return forms.choice_of({"kind": "yes_no"}, answer) is not None


def _latest_texts(answers: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(invitation, question) -> the submitted answer that counts now."""
    sent = answers[answers["state"].isin(("original", "amendment"))]
    ordered = sent.assign(_amended=sent["state"].eq("amendment")).sort_values(
        ["_amended", "submitted_on", "created_at"], kind="stable"
    )
    return {
        (row["invitation_id"], row["question_id"]): row["text"]
        for row in ordered.to_dict("records")
    }


def _unknown_message(name: str, key: str, candidates: pd.DataFrame) -> str:
    same = [c for c in candidates["name"] if candidate_key(_text(c)) == key]
    if len(same) > 1:
        return f"{name}: matches {len(same)} candidates of that name; left out to avoid a mix-up."
    return f"{name}: no candidate of that name; add them as a new candidate or they are left out."
