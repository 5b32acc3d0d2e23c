"""The My follow-ups page's work, apart from drawing it: the count beside its name in the
sidebar, and the writes of its one-click updates with the checks they carry.

An advocate may update only what they own; whether they still own it is checked against the
record as stored when the write is made (lib.outbox.owner_op), not when the page was drawn.
Staff and admins update any commitment, as on the Commitments page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from lib import access, audit, followup, outbox, owners, schema
from lib.my_followups.items import due_soon, items_for

OWN = "update own follow-ups"
ANY = "update commitments"
PAGE_TITLE = "My follow-ups"


def due_count(
    tables: dict[str, pd.DataFrame],
    person: owners.Person,
    everyone: Sequence[owners.Person],
    today: date,
) -> int:
    """How many of the person's items are overdue or due within a week: the sidebar's count."""
    return len(due_soon(items_for(tables, person, everyone, today), today))


def member_due_count(tables: dict[str, pd.DataFrame], member: access.Member, today: date) -> int:
    """:func:`due_count` for a signed-in member, from every table unfiltered: they are matched
    as an owner against everyone, and counted in what they may see."""
    everyone = owners.people(tables["members"], tables["partners"])
    shown = access.visible_for(tables, member)
    return due_count(shown, person_of(member, everyone), everyone, today)


def page_name(count: int | None) -> str:
    """The page's name in the navigation, with the count when there is one to show."""
    return f"{PAGE_TITLE} ({count:,})" if count else PAGE_TITLE


def person_of(member: access.Member, everyone: Sequence[owners.Person]) -> owners.Person:
    """The signed-in member as an owner is matched to them."""
    return owners.with_email(member.email, everyone) or owners.Person(member.name, member.email)


def permission(member: access.Member) -> str:
    """The action a write from this page is made under: updating any commitment for those who
    may, else updating their own follow-ups."""
    return ANY if member.may(ANY) else OWN


def ownership_checks(member: access.Member, table: str, record_id: str) -> list[dict]:
    """The ownership check to send with a write made under :data:`OWN`; none for staff, who
    may change any follow-up, or with sign-in off (the one local user is the admin)."""
    if member is access.LOCAL or permission(member) != OWN:
        return []
    return [outbox.owner_op(member.email, table, record_id)]


def default_note(status: str, name: str) -> str:
    """The dated note of a status set without one: every update says who made it, and where."""
    label = schema.COMMITMENT_STATUS.label(status)
    return f"Status set to {label} from My follow-ups by {name}."


@dataclass(frozen=True)
class Planned:
    """A status update ready to write, or why it cannot be (by field: status, date, note)."""

    change: followup.StatusChange | None
    errors: dict[str, str]


def plan_status(
    commitment: pd.Series,
    status: str | None,
    note: str,
    author: str,
    name: str,
    today: date,
    *,
    version: str | None = None,
) -> Planned:
    """The update of one commitment to ``status``, dated today, checked as the Commitments page
    checks it. An empty note becomes :func:`default_note`; keeping the status needs a note (it
    is then a dated progress note), or there would be nothing to record."""
    unchanged = status == commitment["status"]
    if unchanged and not note.strip():
        return Planned(None, {"status": "Choose a new status, or write a note about progress."})
    note = note.strip() or default_note(str(status), name)
    made = followup.made_on(commitment.to_frame().T)
    errors = followup.validate_change(status, today, note, today, made)
    if errors:
        return Planned(None, errors)
    expected = commitment["updated_at"] if version is None else version
    change = followup.StatusChange(
        str(commitment["id"]), expected, str(status), today, note, author
    )
    return Planned(change, {})


def done_ops(action: pd.Series, author: str, version: str | None = None) -> list[dict]:
    """The writes of marking an action done: the action, checked against the version the person
    saw, and its audit row, as one write."""
    expected = action["updated_at"] if version is None else version
    return [
        outbox.update_op("actions", str(action["id"]), {"done": True}, expected),
        outbox.append_op(
            "audit",
            [
                audit.entry(
                    author,
                    "marked done",
                    "actions",
                    str(action["id"]),
                    f"Marked done from My follow-ups: {action['title']}",
                )
            ],
        ),
    ]


def record(frame: pd.DataFrame, record_id: str) -> pd.Series | None:
    """The row with this id (the first, if a hand-edited sheet repeats it), or None."""
    found = frame[frame["id"] == record_id]
    return None if found.empty else found.iloc[0]
