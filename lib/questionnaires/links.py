"""Private links: how a candidate reaches their questionnaire without an account.

A link carries a random token of 256 bits. Only its SHA-256 is stored (``invitations.token_hash``),
so neither the sheet, a copy of the database nor the audit log can open anyone's questionnaire;
staff see the token once, when the link is made, and send it. A link that stops working (revoked,
expired, renewed, its questionnaire gone) says so in the same words whatever the reason, so a
guessed or leaked token learns nothing.

Every change here is returned as the edit and the audit row to pass to ``store.change`` together,
in one write; ids and stamps are decided here, once, so the same change sent again adds nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from lib import audit, schema
from lib.store.base import Edit

TOKEN_BYTES = 32  # 256 bits: far beyond guessing, and short enough for a link
#: longer than any token this module makes; anything longer is not worth hashing
MAX_TOKEN_CHARS = 200
#: the invitation statuses of a link that is out and not yet answered
OPEN_STATUSES = ("sent", "opened", "started")
NO_ANSWER_BY_DEADLINE = "No answer by the deadline"
REVOKED = "Link revoked"

Row = Mapping[str, Any]


def new_token() -> str:
    """A fresh token for a link, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def as_stamp(moment: datetime | str) -> str:
    """A moment as the timestamp columns store it (ISO 8601, UTC when the zone is known)."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def _version(row: Row) -> str:
    """The updated_at the edit is checked against: blank when a person made the row by hand,
    which the store compares as blank, so a conflict is still caught."""
    return str(row.get("updated_at") or "")


# --- opening a link ---------------------------------------------------------------------------


def deadline_of(invitation: Row, questionnaire: Row | None) -> str:
    """The last day the link works (ISO), or "" for none: the invitation's own date (it may have
    been extended), else its questionnaire's deadline."""
    own = str(invitation.get("expires_on") or "").strip()
    if own or questionnaire is None:
        return own
    return str(questionnaire.get("deadline") or "").strip()


def is_expired(deadline: str, today: date) -> bool:
    """Whether ``today`` is after the deadline; the deadline day itself still counts."""
    return bool(deadline) and today.isoformat() > deadline


def _matching(token: str, hashes: Iterable[str]) -> list[int]:
    """Positions of the stored hashes equal to the token's. Every row is compared, each in
    constant time, so how long a lookup takes says nothing about which hashes are stored."""
    wanted = token_hash(token).encode("ascii")
    return [
        position
        for position, stored in enumerate(hashes)
        if hmac.compare_digest(str(stored).strip().encode("utf-8", "replace"), wanted)
    ]


def invitation_for(
    token: object, invitations: pd.DataFrame, questionnaires: pd.DataFrame, today: date
) -> pd.Series | None:
    """The invitation this token opens, or None: for an unknown, empty or garbled token, a
    revoked or expired link, a missing questionnaire, or a token two rows share (a row copied
    by hand). One None for all of them, so the page says the same thing whatever the reason."""
    if not isinstance(token, str):
        return None
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        found = _matching(token, invitations["token_hash"])
    except UnicodeEncodeError:  # a lone surrogate: no token of ours
        return None
    if len(found) != 1:
        return None
    invitation = invitations.iloc[found[0]]
    if bool(invitation["revoked"]):
        return None
    questionnaire = questionnaire_of(invitation, questionnaires)
    if questionnaire is None or is_expired(deadline_of(invitation, questionnaire), today):
        return None
    # A date typed so it cannot be read reads as blank, which would keep the link open for ever.
    if _unreadable(invitations, invitation["id"], "expires_on") or _unreadable(
        questionnaires, questionnaire["id"], "deadline"
    ):
        return None
    return invitation


def _unreadable(frame: pd.DataFrame, record_id: str, column: str) -> bool:
    """Whether the sheet holds a value in this record's cell that could not be read."""
    return any(
        problem.column == column and problem.record_id == record_id
        for problem in schema.problems_of(frame)
    )


def questionnaire_of(invitation: Row, questionnaires: pd.DataFrame) -> pd.Series | None:
    """The questionnaire an invitation is to; the first row where a hand-made copy repeats it."""
    same = questionnaires[questionnaires["id"] == invitation.get("questionnaire_id")]
    return None if same.empty else same.iloc[0]


# --- making and changing links ------------------------------------------------------------------


def invite_rows(
    questionnaire: Row,
    candidate_ids: Iterable[str],
    contact_emails: Mapping[str, str],
    author: str,
    *,
    invitations: pd.DataFrame | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """The invitations to a questionnaire (status not sent, good until its deadline) with their
    audit rows, as ``{table: rows}`` for ``store.change([], rows)``; and the token per candidate,
    to show staff once: it is stored nowhere.

    A candidate listed twice gets one invitation; with ``invitations`` (those stored), a
    candidate already invited to this questionnaire gets none (renew their link instead)."""
    already = set()
    if invitations is not None:
        mine = invitations[invitations["questionnaire_id"] == questionnaire["id"]]
        already = set(mine["candidate_id"])
    rows: dict[str, list[dict[str, Any]]] = {"invitations": [], "audit": []}
    tokens: dict[str, str] = {}
    for candidate_id in dict.fromkeys(str(c).strip() for c in candidate_ids):
        if not candidate_id or candidate_id in already:
            continue
        token = new_token()
        invitation_id = schema.new_id("invitations")
        rows["invitations"].append(
            {
                "id": invitation_id,
                "questionnaire_id": questionnaire["id"],
                "candidate_id": candidate_id,
                "contact_email": contact_emails.get(candidate_id, ""),
                "token_hash": token_hash(token),
                "status": "not_sent",
                # Blank: the link follows the questionnaire's deadline, should it move, until
                # this one link is extended.
                "expires_on": "",
                "revoked": False,
                "created_by": author,
            }
        )
        rows["audit"].append(
            audit.entry(
                author,
                "made questionnaire link",
                "invitations",
                invitation_id,
                f"Link to questionnaire {questionnaire['id']} for candidate {candidate_id}.",
            )
        )
        tokens[candidate_id] = token
    return rows, tokens


def _edit(invitation: Row, changes: Mapping[str, Any]) -> Edit:
    """An edit of the invitation as the person saw it, stamped now, once, so that sending the
    same edit again is recognised as landed rather than reported as a conflict."""
    stamped = {**changes, "updated_at": schema.now_stamp()}
    return Edit("invitations", str(invitation["id"]), stamped, _version(invitation))


def _entry(author: str, action: str, invitation: Row, detail: str) -> dict[str, str]:
    return audit.entry(author, action, "invitations", str(invitation["id"]), detail)


def renew_link(invitation: Row, author: str) -> tuple[Edit, str, dict[str, str]]:
    """A new token for an invitation: the old link stops working at once. A renewed link works
    even if the old one was revoked: making a new link is how staff say it may be used."""
    token = new_token()
    edit = _edit(invitation, {"token_hash": token_hash(token), "revoked": False})
    detail = f"New link for candidate {invitation.get('candidate_id', '')}; the old one stopped."
    return edit, token, _entry(author, "renewed questionnaire link", invitation, detail)


def mark_sent(invitation: Row, author: str, now: datetime | str) -> tuple[Edit, dict[str, str]]:
    """Record that staff sent the link. A link the candidate already opened keeps its status:
    sending it again (a reminder) is not news about the candidate."""
    changes: dict[str, Any] = {"sent_at": as_stamp(now), "sent_by": author}
    if str(invitation.get("status") or "not_sent") == "not_sent":
        changes["status"] = "sent"
    detail = f"Link sent to {invitation.get('contact_email') or 'the candidate'}."
    return _edit(invitation, changes), _entry(author, "sent questionnaire link", invitation, detail)


def revoke(invitation: Row, author: str) -> tuple[Edit, dict[str, str]]:
    """Stop the link from working; answers already given stay."""
    edit = _edit(invitation, {"revoked": True})
    detail = f"Link of candidate {invitation.get('candidate_id', '')} no longer works."
    return edit, _entry(author, "revoked questionnaire link", invitation, detail)


def extend(invitation: Row, new_date: date, author: str) -> tuple[Edit, dict[str, str]]:
    """Let this one link work until ``new_date`` (inclusive), whatever the questionnaire's
    deadline: a candidate who asked for more time gets it without reopening it for everyone."""
    edit = _edit(invitation, {"expires_on": new_date})
    detail = f"Link good until {new_date.isoformat()} (was {invitation.get('expires_on') or '-'})."
    return edit, _entry(author, "extended questionnaire link", invitation, detail)


# --- who answered ---------------------------------------------------------------------------------


def _counts(answers: pd.DataFrame, states: tuple[str, ...]) -> dict[str, int]:
    """Per invitation, how many questions have an answer in one of these states."""
    chosen = answers[answers["state"].isin(states) & answers["text"].str.strip().ne("")]
    return chosen.groupby("invitation_id")["question_id"].nunique().to_dict()


def status_words(status: str, revoked: bool, deadline: str, today: date) -> str:
    """An invitation's status as staff read it. A link still out after its deadline is "No
    answer by the deadline", which is what staff need to know, not that it was once opened."""
    if status in ("submitted", "declined", "not_sent"):
        return schema.INVITATION_STATUS.label(status)
    if revoked:
        return REVOKED
    if is_expired(deadline, today):
        return NO_ANSWER_BY_DEADLINE
    return schema.INVITATION_STATUS.label(status)


PROGRESS_COLUMNS = (
    "id",
    "questionnaire_id",
    "candidate_id",
    "contact_email",
    "status",
    "status_words",
    "deadline",
    "open",
    "revoked",
    "sent_at",
    "opened_at",
    "submitted_at",
    "answered",
    "drafted",
)


def progress(
    invitations: pd.DataFrame,
    answers: pd.DataFrame,
    today: date,
    questionnaires: pd.DataFrame,
) -> pd.DataFrame:
    """One row per invitation: its status in words, its deadline (its own if extended, else its
    questionnaire's), whether the link is still out (``open``), and how many
    questions are answered (submitted) and drafted."""
    answered = _counts(answers, ("original", "amendment"))
    drafted = _counts(answers, ("draft",))
    rows = []
    for invitation in invitations.to_dict("records"):
        deadline = deadline_of(invitation, questionnaire_of(invitation, questionnaires))
        status, revoked = invitation["status"], bool(invitation["revoked"])
        words = status_words(status, revoked, deadline, today)
        rows.append(
            {
                **{name: invitation[name] for name in PROGRESS_COLUMNS if name in invitation},
                "status_words": words,
                "deadline": deadline,
                "revoked": revoked,
                "open": status in OPEN_STATUSES and not revoked and not is_expired(deadline, today),
                "answered": answered.get(invitation["id"], 0),
                "drafted": drafted.get(invitation["id"], 0),
            }
        )
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


def reminders(
    invitations: pd.DataFrame,
    answers: pd.DataFrame,
    today: date,
    questionnaires: pd.DataFrame,
) -> pd.DataFrame:
    """The links still out (sent, opened or started; not revoked; deadline not passed), soonest
    deadline first and those without one last: who to remind, in the order it matters."""
    shown = progress(invitations, answers, today, questionnaires)
    still_out = shown[shown["open"].astype(bool)]
    ordered = still_out.assign(_none=still_out["deadline"].eq("")).sort_values(
        ["_none", "deadline", "sent_at"], kind="stable"
    )
    return ordered.drop(columns="_none").reset_index(drop=True)
