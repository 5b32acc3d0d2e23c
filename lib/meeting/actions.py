"""The actions a coalition meeting agrees on: checked, written, and found again.

An agreed action is an ordinary row of the ``actions`` table, so it lands on its owner's My
follow-ups, in the reminders and in the calendar like any other. It is linked to nothing (no
candidate, report or commitment): an action linked to nothing is seen by every member, so what
the room agreed on a shared screen can never be hidden from, or reveal, anything restricted.

What makes it *agreed at a meeting* is its audit row, written in the same write: action
:data:`AGREED`, detail "Agreed at the meeting of YYYY-MM-DD: <what>". The audit follows the
record it is about, so every member who sees the action sees that row too, and the meeting's
list (and its minutes) is every action with such a row for that day. A meeting is known by its
day: two meetings held on one day share their list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lib import audit, outbox, schema
from lib.store import Store

AGREED = "agreed at a meeting"
_MEETING_DAY = re.compile(r"^Agreed at the meeting of (\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Planned:
    """The writes of one agreed action (its row and its audit row), or what is wrong, by
    field ("title", "owner", "due")."""

    ops: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _too_long(length: int) -> str:
    return f"This is {length:,} characters; the most a cell can hold is {schema.MAX_CELL_CHARS:,}."


def validate(title: str, owner: str | None, due: date | None, meeting_day: date) -> dict[str, str]:
    """What is wrong with an action as typed, by field. Every agreed action has an owner and a
    date: that is what makes it a follow-up somebody answers for."""
    errors = {}
    if not title.strip():
        errors["title"] = "Say what was agreed: what needs doing."
    elif len(title.strip()) > schema.MAX_CELL_CHARS:
        errors["title"] = _too_long(len(title.strip()))
    owner = (owner or "").strip()
    if not owner:
        errors["owner"] = "Choose who will do it, or type the name of someone without an account."
    elif len(owner) > schema.MAX_CELL_CHARS:
        errors["owner"] = _too_long(len(owner))
    if due is None:
        errors["due"] = "Give the date it is due."
    elif due < meeting_day:
        errors["due"] = f"The due date is in the past: choose {meeting_day} or later."
    return errors


def plan(
    title: str, owner: str | None, due: date | None, author: str, meeting_day: date
) -> Planned:
    """The action and its audit row, with the id and stamps decided now: sending the same
    writes again (after an answer that never came) adds nothing twice."""
    errors = validate(title, owner, due, meeting_day)
    if errors:
        return Planned(errors=errors)
    what = title.strip()
    row = {
        "title": what,
        "owner": (owner or "").strip(),
        "due": due,
        "done": False,
        "created_by": author,
    }
    appended = outbox.append_op("actions", [row])
    action_id = appended["rows"][0]["id"]
    detail = f"Agreed at the meeting of {meeting_day.isoformat()}: {what}"
    logged = audit.entry(author, AGREED, "actions", action_id, detail)
    return Planned(ops=[appended, outbox.append_op("audit", [logged])])


def action_id(ops: list[dict]) -> str:
    """The id of the action among :func:`plan`'s writes."""
    return next(op for op in ops if op.get("table") == "actions")["rows"][0]["id"]


def save(
    store: Store, queue: outbox.Outbox | None, ops: list[dict], checks: Sequence[dict] = ()
) -> bool:
    """Write the action and its audit row in one write, the permission ``checks``
    (outbox.check_op) made first, from a fresh read of the members. True when written; False
    when the data source did not answer and the writes wait in ``queue``, checked again when
    sent. A refusal (lib.access.NotAllowed) is raised and nothing is written."""
    return outbox.write_or_queue(store, queue, "Action agreed at a meeting", [*checks, *ops])


def agreed_at(tables: dict[str, pd.DataFrame], meeting_day: date) -> pd.DataFrame:
    """The actions agreed at the meeting of ``meeting_day``, in the order they were agreed,
    from the tables as given (pass the tables the reader may see)."""
    marks = tables["audit"]
    marks = marks[(marks["action"] == AGREED) & (marks["table"] == "actions")]
    days = marks["detail"].str.extract(_MEETING_DAY, expand=False)
    agreed = set(marks.loc[days == meeting_day.isoformat(), "record_id"])
    actions = tables["actions"]
    found = actions[actions["id"].isin(agreed)].drop_duplicates("id")
    return found.sort_values(["created_at", "id"]).reset_index(drop=True)


def line(action: pd.Series) -> str:
    """One agreed action as the screen and the minutes say it."""
    owner = action["owner"].strip() or "no owner yet"
    due = f"due {action['due']}" if action["due"] else "no due date"
    done = "; done" if action["done"] else ""
    return f"{action['title'].strip()} (owner: {owner}; {due}{done})"


def lines(actions: pd.DataFrame) -> list[str]:
    return [line(row) for _, row in actions.iterrows()]
