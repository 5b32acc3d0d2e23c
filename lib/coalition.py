"""The coalition's own settings, kept in the store so every session and replica sees the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from lib import audit, schema
from lib.store import Edit, Store

TAX_STATUSES = ("501(c)(3)", "501(c)(4)", "501(c)(5)", "501(c)(6)", "political committee", "other")
DEFAULT_SINCE_DAYS = 14


@dataclass(frozen=True)
class Settings:
    coalition_name: str = ""
    tax_status: str = ""
    last_meeting: str = ""  # YYYY-MM-DD, or "" before the first meeting is saved
    scorecard: str = ""  # "yes" once a coalition that may endorse turns the scorecard on
    linked_form: str = ""  # a Google Form's responses tab brought in as reports (lib.imports)

    @property
    def nonpartisan(self) -> bool:
        """A 501(c)(3) may not support or oppose candidates: features that rank them stay off."""
        return self.tax_status == "501(c)(3)"

    @property
    def may_endorse(self) -> bool:
        """Endorsements are for a coalition that has said its tax status and is not a
        501(c)(3); a blank or unreadable tax status keeps them off."""
        return self.tax_status in TAX_STATUSES and not self.nonpartisan

    @property
    def capabilities(self) -> frozenset[str]:
        """The optional features this coalition has (see ``schema.Table.capability``)."""
        return frozenset({schema.ENDORSEMENTS}) if self.may_endorse else frozenset()

    @property
    def shows_scorecard(self) -> bool:
        """Ranking candidates is only for a coalition that has said it may endorse (a tax status
        other than 501(c)(3)) and has turned it on; a hand-edited sheet cannot switch it on for
        a 501(c)(3)."""
        return (
            bool(self.tax_status)
            and not self.nonpartisan
            and bool(schema.parse_bool(self.scorecard))
        )

    def meeting_since(self, today: date) -> date:
        """Where a meeting's review starts: the last meeting, or two weeks back."""
        saved = schema.parse_date(self.last_meeting) if self.last_meeting else None
        if saved is not None and saved <= today.isoformat():
            return date.fromisoformat(saved)
        return today - timedelta(days=DEFAULT_SINCE_DAYS)


def settings_of(tables: dict[str, pd.DataFrame]) -> Settings:
    stored: dict[str, str] = {}
    conflicting = set()
    for key, value in zip(tables["settings"]["key"], tables["settings"]["value"], strict=True):
        if stored.setdefault(key, value) != value:
            conflicting.add(key)
    # A setting typed twice with two values is unreadable: blank, which turns features off.
    stored.update(dict.fromkeys(conflicting, ""))
    return Settings(**{name: stored.get(name, "") for name in Settings.__dataclass_fields__})


def available_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with those of features this coalition does not have emptied: rows typed by
    hand into an endorsement tab of a 501(c)(3) count for nothing anywhere."""
    has = settings_of(tables).capabilities if "settings" in tables else frozenset()
    return {
        name: _emptied(frame)
        if name in schema.TABLES and schema.table(name).capability not in ("", *has)
        else frame
        for name, frame in tables.items()
    }


def _emptied(frame: pd.DataFrame) -> pd.DataFrame:
    """No rows, and nothing to report: a missing tab or an unreadable cell of a feature the
    coalition does not have is no problem of theirs (and would name the feature)."""
    empty = frame.iloc[0:0].copy()
    empty.attrs = {**frame.attrs, "problems": []}
    return empty


def save_setting(store: Store, name: str, value: str, author: str, current: pd.DataFrame) -> None:
    """Write one setting with its audit row, in one write; a concurrent change by someone else
    raises ConflictError and writes nothing."""
    if name not in Settings.__dataclass_fields__:
        raise KeyError(f"There is no setting {name!r}.")
    logged = audit.entry(author, "changed setting", "settings", name, f"{name}: {value}")
    existing = current[current["key"] == name]
    if existing.empty:
        added = {"key": name, "value": value, "updated_by": author}
        store.change([], {"settings": [added], "audit": [logged]})
    else:
        edit = Edit(
            "settings",
            name,
            {"value": value, "updated_by": author},
            expected_updated_at=existing.iloc[0]["updated_at"],
        )
        store.change([edit], {"audit": [logged]})
