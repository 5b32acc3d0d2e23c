"""Who may do what: members, their roles, and the one filter that decides what each may see.

Roles build on each other:
- viewer: public and coalition records, read-only;
- advocate: also files reports, sees the restricted reports they wrote, and updates the
  follow-ups they own (their commitments' statuses, their actions);
- staff: sees everything, updates commitments and their statuses;
- admin: also settings, members and the data source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lib import coalition, schema, visibility
from lib.store import Store, StoreError

ROLES = ("viewer", "advocate", "staff", "admin")
# The least role each action needs.
NEEDS = {
    "file reports": "advocate",
    # Only what the writer owns, checked against the record as stored when the write is made.
    "update own follow-ups": "advocate",
    "update commitments": "staff",
    "manage questionnaires": "staff",
    # Endorsements (only for a coalition that may make them): every member reads the process,
    # staff keep it (races, timeline, offers, research).
    "see endorsements": "viewer",
    "run endorsements": "staff",
    # Capturing a meeting's agreed actions and ending it (which moves the last meeting date).
    "run meetings": "staff",
    "see restricted records": "staff",
    "change settings": "admin",
}
LOCAL_ADMIN = "local admin"


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    role: str
    partner_id: str = ""

    def may(self, action: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(NEEDS[action])


LOCAL = Member(LOCAL_ADMIN, "Local admin", "admin")


def member_for(email: str, members: pd.DataFrame) -> Member | None:
    """The active member with this email (any case), or None: an unknown person sees nothing."""
    wanted = email.strip().lower()
    if not wanted:
        return None
    found = members[(members["email"].str.strip().str.lower() == wanted) & members["active"]]
    if found.empty:
        return None
    row = found.iloc[0]
    role = row["role"] if row["role"] in ROLES else "viewer"
    return Member(wanted, row["name"] or wanted, role, row["partner_id"])


class NotAllowed(StoreError):
    """The writer's role, read at the moment of writing, does not allow the change."""


def authorise(store: Store, email: str, action: str) -> Member:
    """The member behind ``email`` if the members list, read afresh from the store now, lets
    them ``action``; raises :class:`NotAllowed` otherwise (removed, deactivated, demoted)."""
    current = member_for(email, store.read_fresh("members"))
    if current is None:
        raise NotAllowed(
            "Your access was removed or deactivated, so this was not saved. Ask your "
            "coalition admin if you need access; what you typed is still here."
        )
    if not current.may(action):
        raise NotAllowed(
            f"Your role is now {current.role}, which does not allow you to {action}, so this "
            "was not saved. Ask your coalition admin if you need to; what you typed is still here."
        )
    return current


def visible_for(tables: Mapping[str, pd.DataFrame], member: Member) -> dict[str, pd.DataFrame]:
    """Every table as this member may see it. Pages, charts, exports, digests and calendars all
    start from this; nothing reads the store's tables unfiltered for display."""
    return visibility.visible_tables(
        coalition.available_tables(tables),
        visibility.EVERYTHING if member.may("see restricted records") else visibility.COALITION,
        author=member.email if member.may("file reports") else None,
        admin=member.may("change settings"),
    )


@dataclass
class MemberChanges:
    added: list[dict[str, object]]
    updated: list[tuple[str, dict[str, object]]]  # (email, changed fields)
    errors: list[str]


def plan_member_changes(original: pd.DataFrame, edited: pd.DataFrame) -> MemberChanges:
    """What an admin's edit of the members list asks for, or why it cannot be saved.

    Members are never deleted (mark them inactive), an email is never changed (add the new
    address as a member), and at least one active admin must remain. Only a ticked Active box
    gives access (the editor ticks it for new rows), and every cell is checked against the
    contract, its length included, so nothing is refused half-way through the save.
    """
    spec = schema.table("members")
    changes = MemberChanges([], [], [])
    before = {str(row["email"]).strip().lower(): row for _, row in original.iterrows()}
    final: dict[str, dict[str, object]] = {}
    for number, row in enumerate(edited.to_dict("records"), start=1):
        email = _text(row.get("email")).lower()
        if not email and not _text(row.get("name")):
            continue  # an empty new row
        if "@" not in email or "." not in email.split("@")[-1]:
            changes.errors.append(f"Row {number}: {email or 'the email'} is not an email address.")
            continue
        if email in final:
            changes.errors.append(f"Row {number}: {email} is listed twice.")
            continue
        role = _text(row.get("role")) or "viewer"
        if role not in ROLES:
            changes.errors.append(f"Row {number}: the role must be one of {', '.join(ROLES)}.")
            continue
        active = row.get("active")
        fields = {
            "name": _text(row.get("name")),
            "partner_id": _text(row.get("partner_id")),
            "role": role,
            # A blank cell, NaN or text is not a clear yes, and access is given by a clear yes.
            "active": pd.api.types.is_bool(active) and bool(active),
        }
        final[email] = fields
        invalid = []
        for name, value in {"email": email, **fields}.items():
            try:
                schema.to_cell(spec.column(name), value)
            except schema.InvalidValue as error:
                invalid.append(f"Row {number}, {spec.column(name).label}: {error.message}")
        if invalid:
            changes.errors.extend(invalid)
            continue
        if email not in before:
            changes.added.append({"email": email, **fields})
            continue
        changed = {name: value for name, value in fields.items() if value != before[email][name]}
        if changed:
            changes.updated.append((str(before[email]["email"]), changed))
    if set(before) - set(final):
        changes.errors.append(
            "Members are never removed, and an email is never changed: untick "
            "Active instead, and add a new address as a new member."
        )
    if final and not any(f["role"] == "admin" and f["active"] for f in final.values()):
        changes.errors.append(
            "At least one active admin must remain, or nobody could change settings any more."
        )
    return changes


def _text(value: object) -> str:
    """An editor cell as text: blanks (None, NaN) as ""."""
    return (
        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    )
