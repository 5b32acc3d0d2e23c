"""Comparing candidates' questionnaire answers: side by side, by response rate, per candidate.

Pure functions of the store's tables. Only submitted answers count: a draft is a candidate still
making up their mind, and showing it would put words in their mouth. Every invited candidate is
shown, answered or not, so a table of answers never makes a silent candidate look absent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from lib import analytics, schema

Tables = Mapping[str, pd.DataFrame]

DID_NOT_RESPOND = "Did not respond"
DECLINED = schema.STANCE.label("declined")  # "Declined to answer", as positions say it
NO_ANSWER = schema.STANCE.label("no_answer")  # "No answer"
NO_RACE = "No race given"

#: answer states that a candidate has sent in; a draft is still theirs to change
SUBMITTED_STATES = ("original", "amendment")

#: a candidate's response to one questionnaire, from all their invitations to it
SUBMITTED, DECLINED_IT, NO_RESPONSE = "submitted", "declined", "none"
RESPONSE_LABELS = {SUBMITTED: "Responded", DECLINED_IT: DECLINED, NO_RESPONSE: DID_NOT_RESPOND}

_LEADING_NUMBER = re.compile(r"\s*(\d+)")


# --- which answer counts --------------------------------------------------------------------


def latest_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """Per (invitation, question), the one answer that counts: an amendment over the original,
    then the newest by ``submitted_on`` and ``created_at``. Drafts never count: a candidate
    may still change them, and they have not said them to anyone."""
    sent = answers[answers["state"].isin(SUBMITTED_STATES)]
    ordered = sent.assign(_amended=sent["state"] == "amendment").sort_values(
        ["_amended", "submitted_on", "created_at"], kind="stable"
    )
    latest = ordered.groupby(["invitation_id", "question_id"], sort=False).tail(1)
    return latest.drop(columns="_amended")


def counted_answers(questionnaire_id: str, tables: Tables) -> pd.DataFrame:
    """The answer that counts per (candidate, question) of one questionnaire, from submitted
    invitations only, with the candidate taken from the invitation (the link they answered
    through). A candidate invited twice keeps the newest of their answers."""
    submitted = _invitations(questionnaire_id, tables)
    submitted = submitted[submitted["status"] == SUBMITTED]
    owner = dict(zip(submitted["id"].tolist(), submitted["candidate_id"].tolist(), strict=True))
    answers = tables["answers"]
    latest = latest_answers(answers[answers["invitation_id"].isin(list(owner))])
    latest = latest.assign(candidate_id=latest["invitation_id"].map(owner))
    ordered = latest.sort_values(["submitted_on", "created_at"], kind="stable")
    return ordered.groupby(["candidate_id", "question_id"], sort=False).tail(1)


def answer_cell(text: str, state: str, submitted_on: str) -> str:
    """An answer as shown: verbatim, "No answer" if blank, and an amendment says when it was
    made, so nobody mistakes a changed answer for the first one."""
    shown = text if text.strip() else NO_ANSWER
    if state != "amendment":
        return shown
    return f"{shown} (amended {submitted_on})" if submitted_on else f"{shown} (amended)"


# --- who was asked ----------------------------------------------------------------------------


def question_order(numbers: pd.Series) -> pd.Series:
    """A sort key for question numbers typed as text, so "10" comes after "9" and "2b" after
    "2"; numbers that are not numbers go last, alphabetically."""

    def key(number: str) -> tuple[float, str]:
        found = _LEADING_NUMBER.match(number)
        value = float(found.group(1)) if found else math.inf
        rest = number[found.end() :] if found else number
        return value, rest.strip().casefold()

    return numbers.map(key)


def questions_of(questionnaire_id: str, tables: Tables) -> pd.DataFrame:
    """A questionnaire's questions in the order the candidates saw them."""
    questions = tables["questions"]
    mine = questions[questions["questionnaire_id"] == questionnaire_id]
    return mine.sort_values("number", key=question_order, kind="stable").reset_index(drop=True)


def invitees(questionnaire_id: str, tables: Tables) -> pd.DataFrame:
    """Every candidate a questionnaire was for (listed on it, or sent an invitation to it), in
    alphabetical order by name, with columns ``candidate_id``, ``name``, ``label`` (told apart
    from a namesake), ``race``, ``party`` and ``response`` (submitted, declined or none).

    A candidate who submitted counts as submitted even if another invitation of theirs was
    declined: what they said outweighs a refusal they took back."""
    ids = _invited_ids(questionnaire_id, tables)
    known = tables["candidates"].drop_duplicates("id").set_index("id")
    found = known.reindex(ids).fillna("")
    # An id no candidate row has is shown as itself, so it can still be looked up.
    names = [name or record_id for name, record_id in zip(found["name"], ids, strict=True)]
    races = analytics.races(found).tolist() if ids else []
    people = pd.DataFrame(
        {
            "candidate_id": ids,
            "name": names,
            "label": analytics.distinct_labels(ids, names, races),
            "race": races,
            "party": found["party"].tolist(),
            "response": [_response(questionnaire_id, tables, record_id) for record_id in ids],
        },
        columns=["candidate_id", "name", "label", "race", "party", "response"],
    )
    return _alphabetical(people)


def _invited_ids(questionnaire_id: str, tables: Tables) -> list[str]:
    questionnaires = tables["questionnaires"]
    listed = questionnaires.loc[questionnaires["id"] == questionnaire_id, "candidate_ids"]
    ids = [i for cell in listed for i in schema.split_list(cell)]
    ids += _invitations(questionnaire_id, tables)["candidate_id"].tolist()
    return list(dict.fromkeys(i for i in ids if i))


def _invitations(questionnaire_id: str, tables: Tables) -> pd.DataFrame:
    invitations = tables["invitations"]
    return invitations[invitations["questionnaire_id"] == questionnaire_id]


def _response(questionnaire_id: str, tables: Tables, candidate_id: str) -> str:
    invitations = _invitations(questionnaire_id, tables)
    statuses = set(invitations.loc[invitations["candidate_id"] == candidate_id, "status"])
    if SUBMITTED in statuses:
        return SUBMITTED
    return DECLINED_IT if DECLINED_IT in statuses else NO_RESPONSE


def _alphabetical(people: pd.DataFrame) -> pd.DataFrame:
    """By name as a reader sorts (case aside), then by label and id so the order never varies."""
    folded = people["name"].map(lambda name: " ".join(str(name).split()).casefold())
    ordered = people.assign(_folded=folded).sort_values(
        ["_folded", "label", "candidate_id"], kind="stable"
    )
    return ordered.drop(columns="_folded").reset_index(drop=True)


# --- side by side -----------------------------------------------------------------------------


def side_by_side(questionnaire_id: str, tables: Tables) -> pd.DataFrame:
    """One row per question (in number order; the number is the index), the question's text
    first, then one column per invited candidate in alphabetical order, each cell their answer
    verbatim or what stands in for it: a reader must see a silence as clearly as an answer."""
    questions = questions_of(questionnaire_id, tables)
    people = invitees(questionnaire_id, tables)
    given = answer_cells(counted_answers(questionnaire_id, tables))
    columns = ["Question", *people["label"].tolist()]
    cells = [questions["text"].tolist()]
    cells += [
        candidate_cells(person.candidate_id, person.response, questions["id"].tolist(), given)
        for person in people.itertuples()
    ]
    rows = list(zip(*cells, strict=True)) if len(questions) else []
    return pd.DataFrame(rows, columns=columns, index=pd.Index(questions["number"], name="No."))


def answer_cells(
    answers: pd.DataFrame, shorten: Callable[[str, str], str] | None = None
) -> dict[tuple[str, str], str]:
    """(candidate id, question id) -> the answer as shown, from :func:`counted_answers`.
    ``shorten(text, question_id)`` cuts an answer first (a guide keeps to each question's
    limit); the amendment note comes after it, so it is never the part cut off."""
    found = {}
    for row in answers.itertuples():
        text = shorten(row.text, row.question_id) if shorten else row.text
        found[(row.candidate_id, row.question_id)] = answer_cell(text, row.state, row.submitted_on)
    return found


def candidate_cells(
    candidate_id: str,
    response: str,
    question_ids: list[str],
    given: Mapping[tuple[str, str], str],
) -> list[str]:
    """One candidate's cell per question: what stands in for a declined or missing response
    fills every cell, so a silence cannot be read as an answer to one question only."""
    if response == DECLINED_IT:
        return [DECLINED] * len(question_ids)
    if response != SUBMITTED:
        return [DID_NOT_RESPOND] * len(question_ids)
    return [given.get((candidate_id, question_id), NO_ANSWER) for question_id in question_ids]


# --- response rates ---------------------------------------------------------------------------

RATE_COLUMNS = ["Questionnaire", "Race", "Invited", "Submitted", "Declined", "Response rate (%)"]


def response_rates(tables: Tables) -> pd.DataFrame:
    """Per questionnaire and race: how many candidates were invited, submitted and declined,
    and the share who submitted, so a coalition can see where to follow up before a guide
    goes out half empty."""
    questionnaires = tables["questionnaires"].drop_duplicates("id")
    titles = questionnaire_labels(questionnaires)
    rows = []
    for questionnaire_id in questionnaires.sort_values(["title", "version", "id"])["id"]:
        people = invitees(questionnaire_id, tables)
        people = people.assign(race=people["race"].replace("", NO_RACE))
        for race, group in people.groupby("race", sort=True):
            invited = len(group)
            submitted = int((group["response"] == SUBMITTED).sum())
            declined = int((group["response"] == DECLINED_IT).sum())
            rate = round(100 * submitted / invited, 1)
            rows.append([titles[questionnaire_id], race, invited, submitted, declined, rate])
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def questionnaire_labels(questionnaires: pd.DataFrame) -> dict[str, str]:
    """id -> title, told apart by version (then id) where two questionnaires share a title."""
    ids = questionnaires["id"].tolist()
    versions = [f"version {v}" if v.strip() else "" for v in questionnaires["version"]]
    titles = [title or "Untitled questionnaire" for title in questionnaires["title"]]
    return dict(zip(ids, analytics.distinct_labels(ids, titles, versions), strict=True))


# --- one candidate's answers ------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerVersion:
    """One submitted answer: the original or an amendment of it."""

    text: str
    state: str  # "original" or "amendment"
    submitted_on: str  # YYYY-MM-DD, or "" if the sheet lost it

    @property
    def heading(self) -> str:
        """What a profile shows above the text: which answer this is and when it came."""
        word = "Amended" if self.state == "amendment" else "Submitted"
        return f"{word} {self.submitted_on}" if self.submitted_on else word


@dataclass(frozen=True)
class AnsweredQuestion:
    number: str
    text: str
    #: newest first (by date; an amendment before an original of the same day). Empty: none.
    versions: tuple[AnswerVersion, ...]


@dataclass(frozen=True)
class QuestionnaireAnswers:
    questionnaire_id: str
    title: str
    response: str  # submitted, declined or none (see RESPONSE_LABELS)
    questions: tuple[AnsweredQuestion, ...]

    @property
    def response_label(self) -> str:
        return RESPONSE_LABELS[self.response]


def candidate_answers(candidate_id: str, tables: Tables) -> list[QuestionnaireAnswers]:
    """For a candidate's profile: every questionnaire they were asked (newest first), each
    question with every answer they submitted, newest first, so an amendment is shown with the
    original it replaced rather than hiding it."""
    questionnaires = tables["questionnaires"].drop_duplicates("id")
    newest = questionnaires.sort_values(["created_at", "title"], ascending=[False, True])
    titles = questionnaire_labels(questionnaires)
    found = []
    for questionnaire_id in newest["id"]:
        if candidate_id not in _invited_ids(questionnaire_id, tables):
            continue
        response = _response(questionnaire_id, tables, candidate_id)
        versions = (
            _versions(candidate_id, questionnaire_id, tables) if response == SUBMITTED else {}
        )
        questions = tuple(
            AnsweredQuestion(row.number, row.text, versions.get(row.id, ()))
            for row in questions_of(questionnaire_id, tables).itertuples()
        )
        found.append(
            QuestionnaireAnswers(questionnaire_id, titles[questionnaire_id], response, questions)
        )
    return found


def _versions(
    candidate_id: str, questionnaire_id: str, tables: Tables
) -> dict[str, tuple[AnswerVersion, ...]]:
    """question id -> the candidate's submitted answers to it, newest first."""
    invitations = _invitations(questionnaire_id, tables)
    theirs = invitations[
        (invitations["candidate_id"] == candidate_id) & (invitations["status"] == SUBMITTED)
    ]
    answers = tables["answers"]
    sent = answers[
        answers["invitation_id"].isin(theirs["id"].tolist())
        & answers["state"].isin(SUBMITTED_STATES)
    ]
    ordered = sent.assign(_amended=sent["state"] == "amendment").sort_values(
        ["submitted_on", "created_at", "_amended"], ascending=False, kind="stable"
    )
    versions: dict[str, list[AnswerVersion]] = {}
    for row in ordered.itertuples():
        versions.setdefault(row.question_id, []).append(
            AnswerVersion(row.text, row.state, row.submitted_on)
        )
    return {question_id: tuple(found) for question_id, found in versions.items()}
