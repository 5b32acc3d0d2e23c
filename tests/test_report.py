"""Filing a report: the pure rules of lib.report."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from lib import report, schema
from lib.store.sql import SqlStore

TODAY = date(2026, 11, 23)


def draft_with(**fields: object) -> dict:
    draft = report.new_draft()
    draft.update(date=TODAY, candidate_id="cand-1", kind="one_on_one", visibility="coalition")
    draft.update(fields)
    return draft


def commitment(**fields: object) -> dict:
    return {**report.new_outcome("commitments"), **fields}


def test_a_complete_report_has_no_errors() -> None:
    draft = draft_with(commitments=[commitment(text="Co-sponsor", issue_id="iss-1")])
    assert report.validate(draft, TODAY) == {}


def test_candidate_and_date_are_required_and_the_date_not_in_the_future() -> None:
    assert set(report.validate(draft_with(date=None, candidate_id=""), TODAY)) == {
        "date",
        "candidate_id",
    }
    future = report.validate(draft_with(date=TODAY + timedelta(days=1)), TODAY)
    assert future == {
        "date": "The meeting date is in the future; reports are filed after meetings."
    }


def test_a_new_candidate_needs_a_name() -> None:
    errors = report.validate(draft_with(candidate_id=report.NEW_CANDIDATE), TODAY)
    assert errors == {"new_candidate.name": "Give the new candidate's name."}


def test_a_commitment_needs_text_an_issue_and_a_follow_up_after_the_meeting() -> None:
    row = commitment(owner="Jo", follow_up_by=TODAY - timedelta(days=1))
    errors = report.validate(draft_with(commitments=[row]), TODAY)
    where = f"commitments.{row['id']}"
    assert set(errors) == {f"{where}.text", f"{where}.issue_id", f"{where}.follow_up_by"}


def test_outcome_rows_left_empty_are_ignored() -> None:
    draft = draft_with(
        commitments=[commitment(status="not_yet_rated")],
        positions=[report.new_outcome("positions")],
    )
    assert report.validate(draft, TODAY) == {}
    assert "commitments" not in report.records(draft, "jo@example.org", "stamp")


def test_text_over_the_cell_limit_is_refused_per_field() -> None:
    row = commitment(text="c" * 50_001, issue_id="iss-1")
    errors = report.validate(draft_with(quotes="q" * 50_001, commitments=[row]), TODAY)
    assert set(errors) == {"quotes", f"commitments.{row['id']}.text"}
    assert "50,000" in errors["quotes"]


def test_records_write_every_table_once_with_the_drafts_ids() -> None:
    row = commitment(text="=fund it", issue_id="iss-1", follow_up_by=TODAY + timedelta(days=7))
    position = {**report.new_outcome("positions"), "issue_id": "iss-1", "stance": "supports"}
    action = {**report.new_outcome("actions"), "title": "Send the fact sheet"}
    draft = draft_with(
        candidate_id=report.NEW_CANDIDATE,
        new_candidate={
            **report.new_draft()["new_candidate"],
            "name": "Alma Reyes",
            "stage": "primary",
        },
        commitments=[row],
        positions=[position],
        actions=[action],
        quotes="We will fund it",
        quote_kind="verbatim",
        visibility="restricted",
    )
    written = report.records(draft, "jo@example.org", "2026-11-23T10:00:00.000000+00:00")
    assert list(written) == list(report.WRITE_ORDER)
    assert {name: len(rows) for name, rows in written.items()} == dict.fromkeys(
        report.WRITE_ORDER, 1
    )
    candidate_id = draft["new_candidate"]["id"]
    assert written["candidates"][0]["id"] == candidate_id
    assert written["interactions"][0]["id"] == draft["id"]
    assert written["interactions"][0]["quotes"] == "We will fund it (verbatim)"
    cmt = written["commitments"][0]
    assert (cmt["id"], cmt["candidate_id"], cmt["text"], cmt["status"]) == (
        row["id"],
        candidate_id,
        "=fund it",
        "not_yet_rated",
    )
    assert cmt["visibility"] == "restricted"  # the report's, since the row did not choose
    assert written["updates"][0]["id"] == row["update_id"]
    assert written["positions"][0]["as_of"] == TODAY
    assert report.records(draft, "jo@example.org", "2026-11-23T10:00:00.000000+00:00") == written


def test_submitting_twice_writes_one_copy(tmp_path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'r.db'}")
    store.ensure_schema()
    draft = draft_with(commitments=[commitment(text="Fund it", issue_id="iss-1")])
    written = report.records(draft, "jo@example.org", schema.now_stamp())
    report.submit(store, written)
    report.submit(store, written)
    tables = store.read_all()
    assert [len(tables[name]) for name in ("interactions", "commitments", "updates")] == [1, 1, 1]


def test_the_summary_says_what_was_saved_in_words() -> None:
    row = commitment(
        text="Co-sponsor the ordinance",
        issue_id="iss-1",
        owner="Sam",
        follow_up_by=date(2026, 12, 1),
    )
    written = report.records(draft_with(commitments=[row]), "jo@example.org", "stamp")
    candidates = pd.DataFrame({"id": ["cand-1"], "name": ["Alma Reyes"]})
    issues = pd.DataFrame({"id": ["iss-1"], "name": ["Housing"]})
    assert report.summary(written, candidates, issues) == [
        "Report of a one-on-one meeting with Alma Reyes on 2026-11-23, visible to: coalition.",
        "Commitment on Housing: Co-sponsor the ordinance (Sam, follow up by 2026-12-01).",
    ]
