"""Unsent report drafts on this machine: kept whole, per person and data source."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from lib.drafts import Drafts

TYPED = {
    "report.date": date(2026, 11, 20),
    "report.takeaways": "Said yes to the trust fund; =1+1 stays text",
    "report.partner_ids": ["prt-1", "prt-2"],
    "report.candidate": None,
    "report.draft": {"id": "int-1", "commitments": [{"id": "cmt-1"}]},
}


def test_a_draft_comes_back_as_typed_with_its_dates(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", TYPED)
    kept = drafts.find("sheet-a", "ana@example.org")
    assert kept is not None and kept.values == TYPED
    drafts.keep("sheet-a", "ana@example.org", {**TYPED, "report.takeaways": "Changed"})
    assert drafts.find("sheet-a", "ana@example.org").values["report.takeaways"] == "Changed"


def test_drafts_are_kept_apart_by_person_and_data_source(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", TYPED)
    assert drafts.find("sheet-a", "ben@example.org") is None
    assert drafts.find("sheet-b", "ana@example.org") is None
    drafts.discard("sheet-a", "ana@example.org")
    assert drafts.find("sheet-a", "ana@example.org") is None


def test_a_damaged_draft_is_dropped_instead_of_breaking_the_form(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "local.db")
    drafts.keep("sheet-a", "ana@example.org", TYPED)
    with sqlite3.connect(tmp_path / "local.db") as connection:
        connection.execute("UPDATE drafts SET body = '{not json'")
    assert drafts.find("sheet-a", "ana@example.org") is None
