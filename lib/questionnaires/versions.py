"""Writing questionnaires, and changing them once they are out: by a new version, never in place.

Candidates must be compared on the same questions. Once any link to a questionnaire has gone
out it is locked: a change becomes a new version (same ``series_id``, next ``version``), and the
old version, its questions, its invitations and its answers stay exactly as they were, so the
page can always say who received which wording.

Builders return ``{table: rows}`` (ids decided here, once) for ``store.change([], rows)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from lib import analytics, audit, schema
from lib.questionnaires import forms
from lib.store.base import Edit

#: the columns of a question that its author writes; the rest are decided here
QUESTION_FIELDS = (
    "text",
    "kind",
    "options",
    "limit",
    "limit_unit",
    "issue_id",
    "hoped_answer",
    "weight",
    "dealbreaker",
)
QUESTIONNAIRE_FIELDS = ("title", "introduction", "candidate_ids", "deadline", "visibility")

Rows = dict[str, list[dict[str, Any]]]


class QuestionnaireInvalid(ValueError):
    """A questionnaire that cannot be sent as written; ``problems`` maps fields (``title``,
    ``questions.2.options``) to what to fix."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))


class Locked(Exception):
    """The questionnaire has gone out to a candidate: change it by a new version."""

    def __init__(self, questionnaire_id: str) -> None:
        self.questionnaire_id = questionnaire_id
        super().__init__(
            "This questionnaire has been sent, so its wording cannot change: candidates must be "
            "compared on the same questions. Make a new version instead."
        )


# --- locking --------------------------------------------------------------------------------


def is_locked(questionnaire_id: str, invitations: pd.DataFrame) -> bool:
    """Whether any link to the questionnaire has gone out: a status past "not sent", or a
    sending date (a status someone blanked by hand does not unlock it)."""
    mine = invitations[invitations["questionnaire_id"] == questionnaire_id]
    return bool((mine["status"].ne("not_sent") | mine["sent_at"].str.strip().ne("")).any())


# --- who it goes to ---------------------------------------------------------------------------


def race_choices(candidates: pd.DataFrame) -> list[str]:
    """The races of the active candidates, for sending a questionnaire to a whole race."""
    active = candidates[candidates["active"]]
    return sorted({race for race in analytics.races(active) if race}, key=str.casefold)


def audience(
    candidate_ids: Iterable[str], races: Iterable[str], candidates: pd.DataFrame
) -> list[str]:
    """The candidates picked one by one, then every active candidate of the races picked."""
    active = candidates[candidates["active"]]
    in_races = active.loc[analytics.races(active).isin(list(races)), "id"].tolist()
    return list(dict.fromkeys([*candidate_ids, *in_races]))


def left_out(candidate_ids: Iterable[str], candidates: pd.DataFrame) -> list[str]:
    """A sentence per active candidate who runs in the race of someone chosen but is not chosen
    themselves: the same questionnaire goes to every candidate in a race."""
    chosen = set(candidate_ids)
    active = candidates[candidates["active"]].assign(race_of=analytics.races)
    races = set(active.loc[active["id"].isin(chosen), "race_of"]) - {""}
    missing = active[active["race_of"].isin(races) & ~active["id"].isin(chosen)]
    labels = analytics.candidate_labels(candidates)
    return [
        f"{labels[row.id]} also runs for {row.race_of} and is not on the list."
        for row in missing.sort_values(["race_of", "name"]).itertuples()
    ]


# --- checking and building --------------------------------------------------------------------


def problems(title: str, questions: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """What to fix before the questionnaire can be saved, by field; empty when it is fine."""
    found: dict[str, str] = {}
    if forms.is_blank(title):
        found["title"] = "Give the questionnaire a title."
    if not questions:
        found["questions"] = "Add at least one question."
    for position, question in enumerate(questions):
        for field, message in forms.question_problems(question).items():
            found[f"questions.{position}.{field}"] = message
    return found


def question_rows(
    questionnaire_id: str, questions: Sequence[Mapping[str, Any]], author: str
) -> list[dict[str, Any]]:
    """The question rows, numbered 1..n in the order given, each with a new id. Ids, numbers
    and owners in the input (questions copied from an earlier version) are not carried over."""
    return [
        {
            **{field: question[field] for field in QUESTION_FIELDS if field in question},
            "id": schema.new_id("questions"),
            "questionnaire_id": questionnaire_id,
            "number": str(number),
            "created_by": author,
        }
        for number, question in enumerate(questions, start=1)
    ]


def _check(title: str, questions: Sequence[Mapping[str, Any]]) -> None:
    found = problems(title, questions)
    if found:
        raise QuestionnaireInvalid(found)


def new_questionnaire(
    title: str,
    introduction: str,
    candidate_ids: Iterable[str],
    deadline: date | str | None,
    visibility: str,
    questions: Sequence[Mapping[str, Any]],
    author: str,
) -> Rows:
    """A first version (its own series) with its questions and an audit row. Raises
    :class:`QuestionnaireInvalid` when :func:`problems` finds any."""
    _check(title, questions)
    questionnaire_id = schema.new_id("questionnaires")
    row = {
        "id": questionnaire_id,
        "series_id": questionnaire_id,
        "version": "1",
        "title": title,
        "introduction": introduction,
        "candidate_ids": list(candidate_ids),
        "deadline": deadline or "",
        "visibility": visibility,
        "created_by": author,
    }
    detail = f"“{title}”, version 1, {len(questions)} questions."
    return {
        "questionnaires": [row],
        "questions": question_rows(questionnaire_id, questions, author),
        "audit": [
            audit.entry(author, "made questionnaire", "questionnaires", questionnaire_id, detail)
        ],
    }


def version_number(version: object) -> int:
    """A version as a number; one that is blank or not a number counts as 1."""
    text = str(version or "").strip()
    return int(text) if text.isdigit() else 1


def series(series_id: str, questionnaires: pd.DataFrame) -> pd.DataFrame:
    """Every version in a series, oldest first. A questionnaire with a blank series id (made by
    hand) is a series of its own."""
    own_series = questionnaires["series_id"].where(
        questionnaires["series_id"].str.strip().ne(""), questionnaires["id"]
    )
    mine = questionnaires[own_series == series_id]
    order = mine["version"].map(version_number)
    return mine.assign(_order=order).sort_values(["_order", "created_at"]).drop(columns="_order")


def latest_version(series_id: str, questionnaires: pd.DataFrame) -> pd.Series | None:
    found = series(series_id, questionnaires)
    return None if found.empty else found.iloc[-1]


def new_version(
    questionnaire: Mapping[str, Any],
    questions: Sequence[Mapping[str, Any]],
    author: str,
    *,
    questionnaires: pd.DataFrame | None = None,
    title: str | None = None,
    introduction: str | None = None,
    candidate_ids: Iterable[str] | None = None,
    deadline: date | str | None = None,
    visibility: str | None = None,
) -> Rows:
    """The next version of ``questionnaire``: a new row in its series with ``questions`` (all of
    them, as the new version asks them) and the fields given; fields not given are carried over.
    Nothing of the old version is touched. With ``questionnaires``, the number follows the
    highest version in the series, so two versions made from one never share a number."""
    series_id = str(questionnaire.get("series_id") or "").strip() or str(questionnaire["id"])
    highest = version_number(questionnaire.get("version"))
    if questionnaires is not None:
        numbers = series(series_id, questionnaires)["version"].map(version_number)
        highest = max([highest, *numbers])
    changed = {
        "title": title,
        "introduction": introduction,
        "candidate_ids": list(candidate_ids) if candidate_ids is not None else None,
        "deadline": deadline,
        "visibility": visibility,
    }
    fields = {
        name: questionnaire.get(name, "") if changed[name] is None else changed[name]
        for name in QUESTIONNAIRE_FIELDS
    }
    _check(str(fields["title"]), questions)
    questionnaire_id = schema.new_id("questionnaires")
    version = str(highest + 1)
    row = {
        **fields,
        "id": questionnaire_id,
        "series_id": series_id,
        "version": version,
        "created_by": author,
    }
    detail = (
        f"“{fields['title']}”, version {version} (from version "
        f"{questionnaire.get('version') or 1}, {questionnaire['id']}), {len(questions)} questions."
    )
    return {
        "questionnaires": [row],
        "questions": question_rows(questionnaire_id, questions, author),
        "audit": [
            audit.entry(
                author, "made questionnaire version", "questionnaires", questionnaire_id, detail
            )
        ],
    }


def edit(
    questionnaire: Mapping[str, Any],
    changes: Mapping[str, Any],
    invitations: pd.DataFrame,
    author: str,
) -> tuple[Edit, dict[str, str]]:
    """An edit of a questionnaire no candidate has received yet, checked against the version
    the person saw, with its audit row. Raises :class:`Locked` once it has gone out."""
    if is_locked(str(questionnaire["id"]), invitations):
        raise Locked(str(questionnaire["id"]))
    unknown = set(changes) - set(QUESTIONNAIRE_FIELDS)
    if unknown:
        raise schema.InvalidValue(sorted(unknown)[0], "Only the questionnaire's own fields change.")
    if "title" in changes and forms.is_blank(changes["title"]):
        raise QuestionnaireInvalid({"title": "Give the questionnaire a title."})
    stamped = {**changes, "updated_at": schema.now_stamp()}
    edit = Edit(
        "questionnaires",
        str(questionnaire["id"]),
        stamped,
        str(questionnaire.get("updated_at") or ""),
    )
    detail = "Changed " + ", ".join(sorted(changes)) + "."
    return edit, audit.entry(
        author, "edited questionnaire", "questionnaires", str(questionnaire["id"]), detail
    )


# --- who received what ------------------------------------------------------------------------


def who_received(
    series_id: str, questionnaires: pd.DataFrame, invitations: pd.DataFrame
) -> pd.DataFrame:
    """Per invitation to any version of the series: the candidate, the version they were asked
    (``questionnaire_id``, ``version``), the status and when it was sent; by candidate, then
    version. Lets the page say plainly who answered which wording."""
    versions = series(series_id, questionnaires).drop_duplicates("id")
    number = dict(zip(versions["id"], versions["version"].map(version_number), strict=True))
    mine = invitations[invitations["questionnaire_id"].isin(list(number))]
    received = pd.DataFrame(
        {
            "candidate_id": mine["candidate_id"],
            "questionnaire_id": mine["questionnaire_id"],
            "version": mine["questionnaire_id"].map(number).astype("Int64"),
            "status": mine["status"],
            "status_label": schema.INVITATION_STATUS.label_all(mine["status"]),
            "sent_at": mine["sent_at"],
            "invitation_id": mine["id"],
        }
    )
    return received.sort_values(["candidate_id", "version", "sent_at"]).reset_index(drop=True)
