"""Who may do what: members, their roles, and the one filter that decides what each may see.

Roles build on each other:
- viewer: public and coalition records, read-only;
- advocate: also files reports, and sees the restricted reports they wrote;
- staff: sees everything, updates commitments and their statuses;
- admin: also settings, members and the data source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lib import visibility

ROLES = ("viewer", "advocate", "staff", "admin")
# The least role each action needs.
NEEDS = {
    "file reports": "advocate",
    "update commitments": "staff",
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


def visible_for(tables: Mapping[str, pd.DataFrame], member: Member) -> dict[str, pd.DataFrame]:
    """Every table as this member may see it. Pages, charts, exports, digests and calendars all
    start from this; nothing reads the store's tables unfiltered for display."""
    if member.may("see restricted records"):
        return dict(tables)
    shown = visibility.visible_tables(
        dict(tables),
        visibility.COALITION,
        author=member.email if member.may("file reports") else None,
    )
    if not member.may("change settings"):
        shown["members"] = shown["members"].iloc[0:0]  # who belongs is for admins
        shown["audit"] = shown["audit"][
            shown["audit"]["record_id"].isin(
                set(shown["interactions"]["id"])
                | set(shown["commitments"]["id"])
                | set(shown["candidates"]["id"])
            )
        ]
    return shown
