"""Questions and the answers they accept: what is offered, what is refused, what it says.

Pure functions of one question (a ``questions`` row, as a Series or a dict). The same rules serve
the candidate's form, the check made when an answer is written, and the voter guide, so an answer
the form accepted is never refused when it is saved, nor cut differently when it is published.

Linked questions (``issue_id`` set) are phrased so that "Yes" or "Agree" supports the
coalition's ask on that issue: that is what lets an answer become a stance (:func:`stance_of`).
A question phrased the other way round must not be linked to its issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lib import schema

YES, NO, YES_WITH_EXCEPTIONS = "Yes", "No", "Yes, with exceptions"
AGREE_SCALE = (
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
)
FIXED_CHOICES: Mapping[str, tuple[str, ...]] = {
    "yes_no": (YES, NO),
    "yes_no_exceptions": (YES, NO, YES_WITH_EXCEPTIONS),
    "agree_scale": AGREE_SCALE,
}
#: the kinds whose answer is one of the offered choices
CLOSED_KINDS = frozenset({*FIXED_CHOICES, "one_choice"})
#: the kinds whose answer says where the candidate stands, when the question is linked
STANCE_KINDS = frozenset(FIXED_CHOICES)
STANCE_OF_CHOICE: Mapping[str, str] = {
    YES: "supports",
    NO: "opposes",
    # Support hedged by exceptions commits them to nothing in particular yet.
    YES_WITH_EXCEPTIONS: "undecided",
    "Strongly agree": "strongly_supports",
    "Agree": "supports",
    "Neither agree nor disagree": "undecided",
    "Disagree": "opposes",
    "Strongly disagree": "strongly_opposes",
}
ELLIPSIS = "…"

_LIMIT = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?\s*$")
_WORD = re.compile(r"\S+")


def kind_of(question: Mapping[str, Any]) -> str:
    """The question's kind; a kind nobody can read is free text, which accepts any answer
    rather than refusing a candidate for a typo in the sheet."""
    kind = schema.QUESTION_KIND.lookup().get(schema.fold(str(question.get("kind") or "")))
    return kind or "free_text"


def answer_choices(question: Mapping[str, Any]) -> list[str]:
    """The answers offered, in the order shown; empty for free text."""
    kind = kind_of(question)
    if kind in FIXED_CHOICES:
        return list(FIXED_CHOICES[kind])
    if kind == "one_choice":
        return schema.split_list(str(question.get("options") or ""))
    return []


def is_closed(question: Mapping[str, Any]) -> bool:
    """Whether the answer must be one of the offered choices. A one-choice question with no
    options offers nothing to choose, so it takes free text instead of refusing every answer."""
    return kind_of(question) in CLOSED_KINDS and bool(answer_choices(question))


def choice_of(question: Mapping[str, Any], text: str) -> str | None:
    """The offered choice ``text`` is (case and surrounding spaces aside), else None."""
    wanted = " ".join(str(text).split()).casefold()
    for choice in answer_choices(question):
        if " ".join(choice.split()).casefold() == wanted:
            return choice
    return None


def normal_answer(question: Mapping[str, Any], text: str) -> str:
    """The answer as stored: a closed answer as the choice itself, free text exactly as typed
    (it is published verbatim, so nothing is trimmed or escaped here)."""
    if is_closed(question):
        return choice_of(question, text) or str(text)
    return str(text)


def is_blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


# --- limits -----------------------------------------------------------------------------------


def limit_unit(question: Mapping[str, Any]) -> str:
    """``characters`` or ``words``; characters where the sheet says neither."""
    unit = schema.LIMIT_UNIT.lookup().get(schema.fold(str(question.get("limit_unit") or "")))
    return unit or "characters"


def parse_limit(limit: int | str | None) -> int | None:
    """A length limit typed into the sheet ("500", "1,000", "500.0"); None when it is blank,
    unreadable or not above zero, because a limit nobody can read must not refuse answers."""
    if isinstance(limit, bool) or limit is None:
        return None
    if isinstance(limit, int):
        return limit if limit > 0 else None
    found = _LIMIT.match(str(limit))
    if not found:
        return None
    value = int(found.group(1).replace(",", ""))
    return value if value > 0 else None


def limit_of(question: Mapping[str, Any]) -> int | None:
    return parse_limit(question.get("limit"))


def measure(text: str, unit: str) -> int:
    """The length of ``text`` in ``unit``: characters, or words (runs of non-space)."""
    if unit == "words":
        return len(_WORD.findall(str(text)))
    return len(str(text))


def _amount(count: int, unit: str) -> str:
    noun = unit[:-1] if count == 1 else unit
    return f"{count:,} {noun}"


def limit_problem(question: Mapping[str, Any], text: str) -> str | None:
    """What is wrong with the answer's length, said so the candidate knows how much to cut and
    that their text is still there; None when it fits."""
    limit = limit_of(question)
    if limit is None:
        return None
    unit = limit_unit(question)
    length = measure(text, unit)
    if length <= limit:
        return None
    return (
        f"This answer is {_amount(length, unit)}; the limit is {limit:,}. "
        "Shorten it; nothing you typed is lost."
    )


def answer_problem(question: Mapping[str, Any], text: str) -> str | None:
    """Why this answer cannot be saved, or None. A blank answer is never a problem: leaving a
    question unanswered is the candidate's choice, and says so on its own."""
    if is_blank(text):
        return None
    if is_closed(question) and choice_of(question, text) is None:
        return "Choose one of the answers offered: " + ", ".join(answer_choices(question)) + "."
    if len(str(text)) > schema.MAX_CELL_CHARS:
        return (
            f"This answer is {len(str(text)):,} characters; the most it can hold is "
            f"{schema.MAX_CELL_CHARS:,}. Shorten it; nothing you typed is lost."
        )
    return limit_problem(question, text)


# --- what an answer says ------------------------------------------------------------------------


def is_linked(question: Mapping[str, Any]) -> bool:
    return not is_blank(question.get("issue_id"))


def stance_of(question: Mapping[str, Any], text: str) -> str | None:
    """The stance an answer takes on the question's issue, or None when it takes none (the
    question is not linked, free text, one of several choices, or the answer is not a choice).

    Linked questions are phrased so that yes or agree supports the coalition's ask."""
    if not is_linked(question) or kind_of(question) not in STANCE_KINDS:
        return None
    choice = choice_of(question, text)
    return STANCE_OF_CHOICE.get(choice) if choice else None


def cut(text: str, limit: int | str | None, unit: str) -> str:
    """The answer as the voter guide prints it: whole when it fits, else its first ``limit``
    characters or words followed by "…", so a reader sees it was cut."""
    most = parse_limit(limit)
    text = str(text)
    if most is None or measure(text, unit) <= most:
        return text
    if unit == "words":
        end = [word.end() for word in _WORD.finditer(text)][most - 1]
        return text[:end] + ELLIPSIS
    return text[:most].rstrip() + ELLIPSIS


# --- writing questions ----------------------------------------------------------------------


def question_problems(question: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with a question as staff wrote it, by field; empty when it can be sent.
    Caught before sending, because once a candidate has it the question cannot change."""
    problems: dict[str, str] = {}
    if is_blank(question.get("text")):
        problems["text"] = "Write the question."
    kind = schema.QUESTION_KIND.lookup().get(schema.fold(str(question.get("kind") or "")))
    if kind is None:
        problems["kind"] = "Choose the kind of answer: " + ", ".join(
            schema.QUESTION_KIND.labels.values()
        )
    options = question.get("options") or ""
    offered = schema.split_list(options) if isinstance(options, str) else list(options)
    if kind == "one_choice" and len(offered) < 2:
        problems["options"] = "Give at least two answers to choose from, one per line."
    limit = question.get("limit")
    if not is_blank(limit if limit is None else str(limit)) and parse_limit(limit) is None:
        problems["limit"] = "Give the limit as a whole number above zero, or leave it blank."
    unit = str(question.get("limit_unit") or "")
    if unit.strip() and schema.LIMIT_UNIT.lookup().get(schema.fold(unit)) is None:
        problems["limit_unit"] = "Count the limit in characters or in words."
    return problems
