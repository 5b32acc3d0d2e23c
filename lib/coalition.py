"""The coalition's own settings, kept in the store so every session and replica sees the same."""

from __future__ import annotations

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
    stored = dict(
        zip(tables["settings"]["key"].tolist(), tables["settings"]["value"].tolist(), strict=True)
    )
    return Settings(**{name: stored.get(name, "") for name in Settings.__dataclass_fields__})


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
