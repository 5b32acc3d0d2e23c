"""A candidate's answers through their private link: drafts, submission, amendments, declining.

Each write is checked at the moment it is made. The link is looked up again in the tables as
stored right now (``store.read_fresh``), not in a read a few seconds old, and the write carries
an edit of the invitation checked against the version just read: a link revoked or renewed
between that look and the write makes the write fail whole (a conflict), the look is made again,
and the candidate is told the link is closed (:class:`LinkClosed`). Nothing is ever half written:
each action is one ``store.change``.

Ids are derived from what is written (the invitation, the version of it the write starts from,
the question and the text), so the same action from the same state is the same change: a
double click, or two tabs sending the same answers, adds nothing the second time. Submitting
answers identical to those already submitted is no change at all; submitting different ones
amends them.

What the candidate writes is kept exactly as typed. It is text in every backend (a formula or
markup is never evaluated here), and it is the evidence of the stance it takes, verbatim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from lib import audit, schema
from lib.questionnaires import compare, forms, links
from lib.store.base import ConflictError, Edit, NotFoundError, Store

#: who the rows a candidate's answers write are by: the link, not a member
AUTHOR = "questionnaire"
SUBMITTED_STATES = ("original", "amendment")
#: how many times a write that met a concurrent change is worked out again from a fresh look
ATTEMPTS = 3

Answers = Mapping[str, str | None]


class LinkClosed(Exception):
    """The link no longer opens a questionnaire (revoked, expired, renewed, or unknown). One
    message for every reason: the person holding the link learns nothing from it."""

    def __init__(self) -> None:
        super().__init__(
            "This link no longer opens a questionnaire. If you still need to answer, ask the "
            "coalition for a new link."
        )


class AnswerRefused(Exception):
    """An answer that cannot be saved. ``question_id`` and ``message`` are the first; every one
    found is in ``problems``. Nothing was written."""

    def __init__(self, question_id: str, message: str, problems: Mapping[str, str] | None = None):
        self.question_id = question_id
        self.message = message
        self.problems = dict(problems or {question_id: message})
        super().__init__(message)


class AlreadySubmitted(Exception):
    """The answers were sent already: they can be changed (amended), not drafted or declined."""

    def __init__(self, submitted_at: str) -> None:
        self.submitted_at = submitted_at
        super().__init__(
            "Your answers were already sent"
            + (f" ({submitted_at[:10]})" if submitted_at else "")
            + ". You can still change an answer: the change is shown with its date."
        )


@dataclass(frozen=True)
class Opened:
    """What a link opens, as stored at the moment it was looked at."""

    invitation: pd.Series
    questionnaire: pd.Series
    questions: pd.DataFrame  # in the order the candidate sees them
    answers: pd.DataFrame  # every answer row of this invitation


@dataclass
class Outcome:
    """What an action wrote: ``action`` in a word, and the ids of the rows it added."""

    action: str
    answers: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # the questions whose answer changed


@dataclass
class Plan:
    """One write: the edits and rows for ``store.change``, and what it will have done."""

    edits: list[Edit]
    rows: dict[str, list[dict[str, Any]]]
    outcome: Outcome

    @property
    def empty(self) -> bool:
        return not self.edits and not any(self.rows.values())


# --- looking at a link ------------------------------------------------------------------------


def open_link(store: Store, token: str, today: date) -> Opened:
    """The invitation, questionnaire, questions and answers behind a link, as stored now.
    Raises :class:`LinkClosed` when the link does not open (see links.invitation_for)."""
    invitations = store.read_fresh("invitations")
    questionnaires = store.read_fresh("questionnaires")
    invitation = links.invitation_for(token, invitations, questionnaires, today)
    if invitation is None:
        raise LinkClosed()
    questionnaire = links.questionnaire_of(invitation, questionnaires)
    assert questionnaire is not None  # invitation_for found it
    answers = store.read_fresh("answers")
    asked = {"questions": store.read_fresh("questions")}
    return Opened(
        invitation,
        questionnaire,
        compare.questions_of(str(questionnaire["id"]), asked),
        answers[answers["invitation_id"] == invitation["id"]].reset_index(drop=True),
    )


def _apply(store: Store, token: str, today: date, plan_for: Callable[[Opened], Plan]) -> Outcome:
    """Look at the link, work out the write, make it; when someone changed the invitation or
    an answer in between, look again (the link may have closed) and work it out anew."""
    for attempt in range(1, ATTEMPTS + 1):
        plan = plan_for(open_link(store, token, today))
        if plan.empty:
            return plan.outcome
        try:
            store.change(plan.edits, plan.rows)
        except (ConflictError, NotFoundError):  # the invitation changed, or went, meanwhile
            if attempt == ATTEMPTS:
                raise
            continue
        return plan.outcome
    raise AssertionError("unreachable")


# --- pieces of a write --------------------------------------------------------------------------


def derived_id(table: str, *parts: str) -> str:
    """An id for a row, the same whenever the same parts are given: see the module's notes."""
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return f"{schema.table(table).id_prefix}-{hashlib.sha256(joined).hexdigest()[:12]}"


def _state_of(opened: Opened) -> tuple[str, str]:
    """The invitation and the version of it this write starts from."""
    return str(opened.invitation["id"]), str(opened.invitation["updated_at"])


def _touch(opened: Opened, changes: Mapping[str, Any] | None = None) -> Edit:
    """The edit of the invitation every write carries, checked against the version looked at:
    it is what makes a link closed in between stop the write."""
    stamped = {**(changes or {}), "updated_at": schema.now_stamp()}
    invitation = opened.invitation
    return Edit("invitations", str(invitation["id"]), stamped, str(invitation["updated_at"]))


def _first_look(opened: Opened, stamp: str) -> dict[str, str]:
    """``opened_at`` for an invitation opened just now; nothing if it was opened before."""
    return {} if str(opened.invitation["opened_at"]).strip() else {"opened_at": stamp}


def problems(questions: pd.DataFrame, answers: Answers) -> dict[str, str]:
    """Why answers cannot be saved, by question id; empty when every one can."""
    by_id = {str(row["id"]): row for row in questions.to_dict("records")}
    found: dict[str, str] = {}
    for question_id, text in answers.items():
        question = by_id.get(question_id)
        if question is None:
            found[question_id] = "This question is not part of this questionnaire."
            continue
        problem = forms.answer_problem(question, text or "")
        if problem:
            found[question_id] = problem
    return found


def _checked(opened: Opened, answers: Answers) -> dict[str, str]:
    """The answers as stored (see forms.normal_answer), once every one has passed; else
    :class:`AnswerRefused`, before anything is written."""
    found = problems(opened.questions, answers)
    if found:
        first = next(iter(found))
        raise AnswerRefused(first, found[first], found)
    by_id = {str(row["id"]): row for row in opened.questions.to_dict("records")}
    return {
        question_id: forms.normal_answer(by_id[question_id], text or "")
        for question_id, text in answers.items()
    }


def _newest(rows: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per question, the newest of these answer rows: an amendment over the original, then by
    date and time (the order comparisons and the voter guide use)."""
    ordered = rows.assign(_amended=rows["state"].eq("amendment")).sort_values(
        ["_amended", "submitted_on", "created_at", "updated_at"], kind="stable"
    )
    return {row["question_id"]: row for row in ordered.drop(columns="_amended").to_dict("records")}


def _drafts(opened: Opened) -> dict[str, dict[str, Any]]:
    return _newest(opened.answers[opened.answers["state"] == "draft"])


def _submitted(opened: Opened) -> pd.DataFrame:
    return opened.answers[opened.answers["state"].isin(SUBMITTED_STATES)]


def _answer_row(opened: Opened, answer_id: str, question_id: str, text: str, **more: Any) -> dict:
    invitation = opened.invitation
    return {
        "id": answer_id,
        "invitation_id": invitation["id"],
        "questionnaire_id": invitation["questionnaire_id"],
        "question_id": question_id,
        "candidate_id": invitation["candidate_id"],
        "text": text,
        **more,
    }


def _position(
    opened: Opened,
    position_id: str,
    issue_id: str,
    stance: str,
    today: date,
    evidence: str,
    answer_id: str = "",
) -> dict[str, Any]:
    return {
        "id": position_id,
        "candidate_id": opened.invitation["candidate_id"],
        "issue_id": issue_id,
        "stance": stance,
        "as_of": today,
        "evidence": evidence,
        "source": "questionnaire",
        "answer_id": answer_id,
        "visibility": opened.questionnaire["visibility"],
        "created_by": AUTHOR,
    }


def _title(opened: Opened) -> str:
    return str(opened.questionnaire["title"]).strip() or "the questionnaire"


def _entry(opened: Opened, action: str, detail: str) -> dict[str, str]:
    return audit.entry(AUTHOR, action, "invitations", str(opened.invitation["id"]), detail)


# --- drafts ---------------------------------------------------------------------------------------


def _draft_plan(opened: Opened, answers: Answers) -> Plan:
    status = str(opened.invitation["status"])
    if status == "submitted":
        raise AlreadySubmitted(str(opened.invitation["submitted_at"]))
    given = _checked(opened, answers)
    invitation_id, version = _state_of(opened)
    drafts = _drafts(opened)
    edits: list[Edit] = []
    added: list[dict[str, Any]] = []
    changed: list[str] = []
    for question_id, text in given.items():
        draft = drafts.get(question_id)
        if draft is not None:
            if draft["text"] == text:
                continue
            changes = {"text": text, "updated_at": schema.now_stamp()}
            edits.append(Edit("answers", draft["id"], changes, draft["updated_at"]))
        elif forms.is_blank(text):
            continue
        else:
            answer_id = derived_id("answers", invitation_id, version, question_id, "draft", text)
            added.append(_answer_row(opened, answer_id, question_id, text, state="draft"))
        changed.append(question_id)
    typed = any(not forms.is_blank(text) for text in given.values()) or any(
        not forms.is_blank(draft["text"]) for draft in drafts.values()
    )
    wanted = "started" if typed else ("opened" if status in ("not_sent", "sent") else status)
    stamp = schema.now_stamp()
    touch = {"status": wanted} if wanted != status else {}
    if touch or changed:
        touch.update(_first_look(opened, stamp))
        edits.append(_touch(opened, touch))
    outcome = Outcome("drafted", [row["id"] for row in added], questions=changed)
    return Plan(edits, {"answers": added}, outcome)


def save_draft(store: Store, token: str, answers: Answers, today: date) -> Outcome:
    """Keep the candidate's unfinished answers on the server (one draft row per question, added
    or changed), so closing the tab or changing computers loses nothing, and mark the
    invitation started. Every answer is checked first (:class:`AnswerRefused`, nothing
    written); after submission, raises :class:`AlreadySubmitted`."""
    return _apply(store, token, today, lambda opened: _draft_plan(opened, answers))


def mark_opened(store: Store, token: str, now: datetime) -> Outcome:
    """Record that the candidate opened the link: the first time, and a status of not sent or
    sent becoming opened. Opening again writes nothing."""

    def plan(opened: Opened) -> Plan:
        status = str(opened.invitation["status"])
        changes: dict[str, Any] = _first_look(opened, links.as_stamp(now))
        if status in ("not_sent", "sent"):
            changes["status"] = "opened"
        edits = [_touch(opened, changes)] if changes else []
        return Plan(edits, {}, Outcome("opened" if changes else "unchanged"))

    return _apply(store, token, now.date(), plan)


# --- submitting and amending --------------------------------------------------------------------


def _submission_plan(opened: Opened, given: dict[str, str], today: date) -> Plan:
    """First submission: drafts of answered questions become the submitted answers (the rest
    stay drafts), a position per answer that takes a stance and a "no answer" one per linked
    question left blank, the invitation submitted, and the audit row."""
    if all(forms.is_blank(text) for text in given.values()):
        raise AnswerRefused("", "Answer at least one question before sending, or decline.")
    invitation_id, version = _state_of(opened)
    drafts = _drafts(opened)
    edits: list[Edit] = []
    added: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    answered: list[str] = []
    for question in opened.questions.to_dict("records"):
        question_id, text = str(question["id"]), given.get(str(question["id"]), "")
        if forms.is_blank(text):
            if forms.is_linked(question):
                position_id = derived_id(
                    "positions", invitation_id, version, question_id, "no_answer"
                )
                evidence = (
                    f"Left question {question['number']} of “{_title(opened)}” unanswered: "
                    f"{question['text']}"
                )
                positions.append(
                    _position(
                        opened,
                        position_id,
                        question["issue_id"],
                        "no_answer",
                        today,
                        evidence[: schema.MAX_CELL_CHARS],
                    )
                )
            continue
        submitted = {"state": "original", "submitted_on": today}
        draft = drafts.get(question_id)
        if draft is not None:
            answer_id = str(draft["id"])
            changes = {"text": text, **submitted, "updated_at": schema.now_stamp()}
            edits.append(Edit("answers", answer_id, changes, draft["updated_at"]))
        else:
            answer_id = derived_id("answers", invitation_id, version, question_id, "original", text)
            added.append(_answer_row(opened, answer_id, question_id, text, **submitted))
        answered.append(question_id)
        stance = forms.stance_of(question, text)
        if stance is not None:
            position_id = derived_id("positions", answer_id, version, stance, text)
            positions.append(
                _position(opened, position_id, question["issue_id"], stance, today, text, answer_id)
            )
    stamp = schema.now_stamp()
    edits.append(
        _touch(opened, {"status": "submitted", "submitted_at": stamp, **_first_look(opened, stamp)})
    )
    detail = (
        f"{len(answered)} of {len(opened.questions)} questions of “{_title(opened)}” "
        f"(version {opened.questionnaire['version'] or 1}) answered by candidate "
        f"{opened.invitation['candidate_id']}; {len(positions)} positions recorded."
    )
    rows = {
        "answers": added,
        "positions": positions,
        "audit": [_entry(opened, "submitted questionnaire answers", detail)],
    }
    outcome = Outcome(
        "submitted",
        [row["id"] for row in added] + [edit.id for edit in edits if edit.table == "answers"],
        [row["id"] for row in positions],
        answered,
    )
    return Plan(edits, rows, outcome)


def _amendment_plan(opened: Opened, given: dict[str, str], today: date) -> Plan:
    """After submission: each changed answer a new dated amendment (the original stays), a new
    position where the stance changed, and the audit row. A blank answer changes nothing: what
    was said stays said. Identical answers write nothing."""
    invitation_id, version = _state_of(opened)
    latest = _newest(_submitted(opened))
    added: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    changed: list[str] = []
    for question in opened.questions.to_dict("records"):
        question_id, text = str(question["id"]), given.get(str(question["id"]), "")
        before = latest.get(question_id)
        if forms.is_blank(text) or (before is not None and before["text"] == text):
            continue
        answer_id = derived_id("answers", invitation_id, version, question_id, "amendment", text)
        added.append(
            _answer_row(opened, answer_id, question_id, text, state="amendment", submitted_on=today)
        )
        changed.append(question_id)
        stance = forms.stance_of(question, text)
        was = forms.stance_of(question, before["text"]) if before is not None else None
        if stance is not None and stance != was:
            position_id = derived_id("positions", answer_id, version, stance, text)
            positions.append(
                _position(opened, position_id, question["issue_id"], stance, today, text, answer_id)
            )
    if not added:
        return Plan([], {}, Outcome("unchanged"))
    numbers = dict(zip(opened.questions["id"], opened.questions["number"], strict=True))
    detail = (
        f"Changed the answer to question {', '.join(str(numbers[q]) for q in changed)} of "
        f"“{_title(opened)}”; {len(positions)} new positions recorded."
    )
    rows = {
        "answers": added,
        "positions": positions,
        "audit": [_entry(opened, "amended questionnaire answers", detail)],
    }
    outcome = Outcome(
        "amended", [row["id"] for row in added], [row["id"] for row in positions], changed
    )
    return Plan([_touch(opened)], rows, outcome)


def _response_plan(opened: Opened, answers: Answers, today: date) -> Plan:
    given = _checked(opened, answers)
    if str(opened.invitation["status"]) == "submitted":
        return _amendment_plan(opened, given, today)
    return _submission_plan(opened, given, today)


def submit(store: Store, token: str, answers: Answers, today: date) -> Outcome:
    """Send the candidate's answers, in one write: the answers, the positions they take (and
    "no answer" for linked questions left blank), the invitation submitted, the audit row.
    Sending the same answers again changes nothing; sending changed ones amends them."""
    return _apply(store, token, today, lambda opened: _response_plan(opened, answers, today))


def amend(store: Store, token: str, answers: Answers, today: date) -> Outcome:
    """Change answers already sent: each changed answer is added as a dated amendment and the
    original stays, so anyone comparing sees both. Before anything was sent, this submits."""
    return _apply(store, token, today, lambda opened: _response_plan(opened, answers, today))


# --- declining ------------------------------------------------------------------------------------


def _decline_plan(opened: Opened, today: date) -> Plan:
    status = str(opened.invitation["status"])
    if status == "submitted":
        raise AlreadySubmitted(str(opened.invitation["submitted_at"]))
    if status == "declined":
        return Plan([], {}, Outcome("unchanged"))
    invitation_id, version = _state_of(opened)
    issues = list(dict.fromkeys(q for q in opened.questions["issue_id"] if q.strip()))
    evidence = f"Declined to answer “{_title(opened)}”."
    positions = [
        _position(
            opened,
            derived_id("positions", invitation_id, version, issue_id, "declined"),
            issue_id,
            "declined",
            today,
            evidence,
        )
        for issue_id in issues
    ]
    stamp = schema.now_stamp()
    edit = _touch(opened, {"status": "declined", **_first_look(opened, stamp)})
    detail = (
        f"Candidate {opened.invitation['candidate_id']} declined “{_title(opened)}”; "
        f"{len(positions)} positions recorded."
    )
    rows = {"positions": positions, "audit": [_entry(opened, "declined questionnaire", detail)]}
    return Plan([edit], rows, Outcome("declined", positions=[row["id"] for row in positions]))


def decline(store: Store, token: str, today: date) -> Outcome:
    """The candidate declines to answer: the invitation says so, and so does a "declined"
    position on each issue the questionnaire asks about (shown only where nothing else is known
    of their stance). Declining twice changes nothing; after submission, raises
    :class:`AlreadySubmitted`. Drafts stay: a candidate may still change their mind."""
    return _apply(store, token, today, lambda opened: _decline_plan(opened, today))


# --- reading answers back ---------------------------------------------------------------------


def form_answers(answers: pd.DataFrame, invitation_id: str) -> dict[str, str]:
    """What the candidate's form shows per question: the answer that counts once sent (the
    newest submitted), else their draft."""
    mine = answers[answers["invitation_id"] == invitation_id]
    shown = {q: row["text"] for q, row in _newest(mine[mine["state"] == "draft"]).items()}
    sent = mine[mine["state"].isin(SUBMITTED_STATES)]
    shown.update({q: row["text"] for q, row in _newest(sent).items()})
    return shown


HISTORY_COLUMNS = (
    "question_id",
    "number",
    "question",
    "text",
    "state",
    "state_label",
    "submitted_on",
    "latest",
    "id",
)


def history(
    answers: pd.DataFrame, invitation_id: str, questions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every submitted answer of an invitation, per question (in question order, with its
    number and text when ``questions`` are given), newest first: the original and each dated
    amendment, ``latest`` marking the one that counts. Drafts are not history: nothing was
    said until it was sent."""
    mine = answers[
        (answers["invitation_id"] == invitation_id) & answers["state"].isin(SUBMITTED_STATES)
    ]
    ordered = mine.assign(_amended=mine["state"].eq("amendment")).sort_values(
        ["_amended", "submitted_on", "created_at", "updated_at"], ascending=False, kind="stable"
    )
    if questions is not None:
        asked = questions.drop_duplicates("id")
        number = dict(zip(asked["id"], asked["number"], strict=True))
        wording = dict(zip(asked["id"], asked["text"], strict=True))
    else:
        number, wording = {}, {}
    shown = pd.DataFrame(
        {
            "question_id": ordered["question_id"],
            "number": ordered["question_id"].map(number).fillna(""),
            "question": ordered["question_id"].map(wording).fillna(""),
            "text": ordered["text"],
            "state": ordered["state"],
            "state_label": schema.ANSWER_STATE.label_all(ordered["state"]),
            "submitted_on": ordered["submitted_on"],
            "latest": ~ordered["question_id"].duplicated(),
            "id": ordered["id"],
        },
        columns=list(HISTORY_COLUMNS),
    )
    # Questions in their order; without their numbers, newest answered first.
    first_seen = {
        question_id: at for at, question_id in enumerate(dict.fromkeys(shown["question_id"]))
    }
    shown = shown.assign(
        _order=compare.question_order(shown["number"]), _seen=shown["question_id"].map(first_seen)
    ).sort_values(["_order", "_seen"], kind="stable")
    return shown.drop(columns=["_order", "_seen"]).reset_index(drop=True)
