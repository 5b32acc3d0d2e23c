"""Who owns a follow-up: the coalition's members by name, and anyone else by what was typed.

An owner cell is free text, because people without an account (a partner's volunteer) own
follow-ups too. Forms offer the members' names; a name two members share is offered with the
email beside it, so each choice names one person. Matching folds accents, case and spacing, the
way names are typed by hand in the sheet ("tomas herrera" is Tomás Herrera).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from lib.access import NotAllowed
from lib.names import fold_name
from lib.store import Store

_EMAIL = re.compile(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+")


@dataclass(frozen=True)
class Person:
    """Someone who may own follow-ups, and where to reach them."""

    name: str
    email: str


def people(members: pd.DataFrame, partners: pd.DataFrame | None = None) -> list[Person]:
    """The active members, then partners' contacts who are not members: everyone with an email
    address an owner's name can lead to."""
    found: dict[str, Person] = {}
    active = members[members["active"]]
    for name, email in zip(active["name"], active["email"], strict=True):
        if email.strip():
            found.setdefault(email.strip().lower(), Person(name.strip() or email, email.strip()))
    if partners is not None:
        listed = partners[partners["active"]]
        for name, email in zip(listed["contact_name"], listed["contact_email"], strict=True):
            if email.strip() and name.strip():
                found.setdefault(email.strip().lower(), Person(name.strip(), email.strip()))
    return list(found.values())


def shared_names(everyone: Sequence[Person]) -> frozenset[str]:
    """Folded names that more than one person has: on their own they name nobody for sure."""
    counts = Counter(fold_name(person.name) for person in everyone)
    return frozenset(name for name, count in counts.items() if count > 1)


def label(person: Person, shared: frozenset[str]) -> str:
    """How a form offers this person as an owner."""
    if fold_name(person.name) in shared:
        return f"{person.name} ({person.email})"
    return person.name


def choices(members: pd.DataFrame) -> list[str]:
    """The owners a form offers: each active member once, sorted by name."""
    everyone = people(members)
    shared = shared_names(everyone)
    return sorted((label(person, shared) for person in everyone), key=fold_name)


def _keys(person: Person, shared: frozenset[str]) -> set[str]:
    email = person.email.strip().lower()
    keys = {email, fold_name(f"{person.name} ({person.email})")}
    if fold_name(person.name) not in shared:
        keys.add(fold_name(person.name))
    return keys


def _owner_key(owner: str) -> str:
    text = owner.strip()
    return text.lower() if _EMAIL.fullmatch(text) else fold_name(text)


def owned_by(owners: pd.Series, person: Person, everyone: Sequence[Person]) -> pd.Series:
    """Which owner cells name ``person``: their email, their name (unless another person has
    the same name) or the two together as :func:`label` writes them."""
    others = [someone for someone in everyone if someone.email.lower() != person.email.lower()]
    keys = _keys(person, shared_names([*others, person]))
    return owners.map(lambda owner: _owner_key(owner) in keys).astype(bool)


def person_for(owner: str, everyone: Sequence[Person]) -> Person | None:
    """The one person an owner cell names, or None (blank, unknown or ambiguous). An owner typed
    as an email address is that address, even for someone without an account."""
    key = _owner_key(owner)
    if not key:
        return None
    shared = shared_names(everyone)
    found = [person for person in everyone if key in _keys(person, shared)]
    if len(found) == 1:
        return found[0]
    if not found and _EMAIL.fullmatch(owner.strip()):
        return Person(owner.strip(), owner.strip())
    return None


def with_email(email: str, everyone: Sequence[Person]) -> Person | None:
    """The person with this email address (any case), if there is one."""
    wanted = email.strip().lower()
    return next((person for person in everyone if person.email.lower() == wanted), None)


def verify_owner(store: Store, email: str, table: str, record_id: str) -> None:
    """Raise :class:`lib.access.NotAllowed` unless the record's owner, as stored right now, is
    the member with this email. Made when a write is made (lib.outbox), so a follow-up handed to
    someone else meanwhile cannot be changed by its former owner. A record that is gone is left
    to the write itself, which reports it."""
    records = store.read_fresh(table)
    found = records[records["id"] == record_id]
    if found.empty:
        return
    everyone = people(store.read_fresh("members"), store.read_fresh("partners"))
    person = with_email(email, everyone) or Person(email, email)
    if not owned_by(found["owner"], person, everyone).all():
        raise NotAllowed(
            "This is no longer yours to update: its owner was changed, so this was not saved. "
            "Staff can update it, or ask them to make you its owner again."
        )
