"""Meeting mode and the report-back: nothing restricted leaks, insights follow the rules."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pandas as pd
import pytest

from lib import coalition, digest, insights, sample, schema, visibility
from lib.calendar_ics import follow_up_calendar, owners
from lib.store.sql import SqlStore
from tests.apptest import app, chart_texts
from tests.shared import wrapped_in

TODAY = date.today()
YEAR_AGO = TODAY - timedelta(days=365)


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return schema.normalise(table, pd.DataFrame(rows, dtype=object).fillna(""))


def restricted_texts(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Distinctive text of every restricted record: none of it may be shown or exported."""
    texts = set()
    for name, fields in (
        ("interactions", ("takeaways", "quotes", "education_needed")),
        ("commitments", ("text",)),
        ("positions", ("evidence",)),
    ):
        rows = tables[name][tables[name]["visibility"] == "restricted"]
        texts |= {
            row[field].strip()
            for _, row in rows.iterrows()
            for field in fields
            if len(row[field].strip()) > 25
        }
    # Text repeated in a record others may see is not a secret of the restricted one.
    open_text = " ".join(
        " ".join(tables[name][tables[name]["visibility"] != "restricted"][field])
        for name, field in (("interactions", "takeaways"), ("commitments", "text"))
    )
    return {text for text in texts if text not in open_text}


@pytest.fixture(scope="module")
def sample_tables() -> dict[str, pd.DataFrame]:
    return {
        name: schema.normalise(name, frame_)
        for name, frame_ in {
            **sample.sample_tables(TODAY),
            **{
                "settings": pd.DataFrame(columns=schema.table("settings").column_names),
                "audit": pd.DataFrame(columns=schema.table("audit").column_names),
            },
        }.items()
    }


def test_the_sample_has_restricted_records_to_hide(sample_tables) -> None:
    assert len(restricted_texts(sample_tables)) >= 10


def test_visible_tables_drop_restricted_records_and_what_hangs_off_them(sample_tables) -> None:
    shown = visibility.visible_tables(sample_tables, visibility.COALITION)
    for name in ("interactions", "positions", "commitments"):
        assert set(shown[name]["visibility"]) == {"public", "coalition"}
    hidden = set(sample_tables["commitments"]["id"]) - set(shown["commitments"]["id"])
    assert hidden and not set(shown["updates"]["commitment_id"]) & hidden
    assert not set(shown["actions"]["commitment_id"]) & hidden
    public = visibility.visible_tables(sample_tables, visibility.PUBLIC)
    assert set(public["commitments"]["visibility"]) == {"public"}


def test_an_author_also_sees_their_own_restricted_reports(sample_tables) -> None:
    restricted = sample_tables["interactions"][
        sample_tables["interactions"]["visibility"] == "restricted"
    ].iloc[0]
    mine = visibility.visible_tables(
        sample_tables, visibility.COALITION, author=restricted["created_by"]
    )
    assert restricted["id"] in set(mine["interactions"]["id"])


@pytest.mark.parametrize("audience", list(digest.AUDIENCES))
def test_the_digest_holds_nothing_restricted(sample_tables, audience: str) -> None:
    built = digest.build(sample_tables, YEAR_AGO, TODAY, audience, "Riverton Forward", TODAY)
    text = "\n".join(digest.plain_lines(built))
    leaked = [secret for secret in restricted_texts(sample_tables) if secret in text]
    assert leaked == []
    if audience == "public":
        coalition_only = sample_tables["commitments"][
            sample_tables["commitments"]["visibility"] == "coalition"
        ]["text"]
        assert not [text_ for text_ in coalition_only if text_ in text]


def test_the_digest_pdf_renders_and_says_what_the_markdown_says(
    sample_tables, tmp_path: Path
) -> None:
    built = digest.build(sample_tables, YEAR_AGO, TODAY, "coalition", "Riverton Forward", TODAY)
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(digest.to_pdf(built))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page-*.png"))
    printed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout

    def words(text: str) -> str:
        return " ".join(re.sub(r"[•\\]", " ", text).split())

    markdown = digest.to_markdown(built)
    for line in digest.plain_lines(built):
        assert words(line) in words(printed.replace("\n", " ")) or wrapped_in(line, printed)
        assert words(line) in words(markdown), line


def crafted() -> dict[str, pd.DataFrame]:
    return {
        "candidates": frame(
            "candidates",
            [
                {
                    "id": "c1",
                    "name": "Alma Reyes",
                    "priorities": "economy; housing",
                    "status": "running",
                },
                {"id": "c2", "name": "Ben Ortiz", "priorities": "", "status": "running"},
                {"id": "c3", "name": "Cara Diaz", "priorities": "child care", "status": "lost"},
            ],
        ),
        "partners": frame(
            "partners",
            [
                {
                    "id": "p1",
                    "name": "Main Street Alliance",
                    "strengths": "business voices; media relations",
                },
                {"id": "p2", "name": "Nurses United", "strengths": "labor; Health Professionals"},
                {
                    "id": "p3",
                    "name": "Old Partner",
                    "strengths": "business voices",
                    "active": "FALSE",
                },
            ],
        ),
        "interactions": frame(
            "interactions",
            [
                {"id": "n1", "candidate_id": "c1", "date": (TODAY - timedelta(days=5)).isoformat()},
                {
                    "id": "n2",
                    "candidate_id": "c2",
                    "date": (TODAY - timedelta(days=90)).isoformat(),
                    "candidate_priorities": "health care; jobs; health care",
                },
            ],
        ),
        "commitments": frame(
            "commitments",
            [
                {
                    "id": "k1",
                    "candidate_id": "c1",
                    "text": "Fund the trust",
                    "owner": "",
                    "status": "in_the_works",
                },
                {
                    "id": "k2",
                    "candidate_id": "c2",
                    "text": "Ride the bus",
                    "owner": "",
                    "status": "kept",
                },
                {"id": "k3", "candidate_id": "c2", "text": "Hold a hearing", "owner": "Jo"},
            ],
        ),
    }


def test_insights_match_priorities_to_partner_strengths() -> None:
    assert insights.priority_matches(crafted()) == [
        "Alma Reyes names the economy as a top priority; partners with business voices: "
        "Main Street Alliance; partners with labor: Nurses United.",
        "Ben Ortiz names health care as a top priority; partners with health professionals: "
        "Nurses United; partners with labor: Nurses United.",
    ]


def test_insights_name_open_commitments_with_no_owner() -> None:
    assert insights.unowned_commitments(crafted()) == [
        "No one owns the follow-up of Alma Reyes's commitment: Fund the trust"
    ]


def test_insights_name_candidates_nobody_met_in_60_days() -> None:
    assert insights.not_met_recently(crafted(), TODAY) == [
        f"Nobody has met Ben Ortiz in 60 days (last report: {(TODAY - timedelta(days=90))})."
    ]


def test_every_rule_names_strengths_partners_can_have() -> None:
    suggested = set(schema.SUGGESTED_STRENGTHS)
    for priority, strengths in insights.STRENGTHS_FOR_PRIORITY.items():
        assert priority in schema.PRIORITY_TAGS
        assert set(strengths) <= suggested, priority


def test_the_calendar_lists_open_follow_ups_without_restricted_ones(sample_tables) -> None:
    calendar = icalendar.Calendar.from_ical(
        follow_up_calendar(sample_tables, None, datetime(2026, 11, 23, 12, 0))
    )
    events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    commitments = sample_tables["commitments"].set_index("id")
    restricted = set(commitments.index[commitments["visibility"] == "restricted"])
    assert events and not restricted & set(events)
    open_dated = commitments[
        commitments["status"].isin(schema.OPEN_STATUSES)
        & (commitments["follow_up_by"] != "")
        & (commitments["visibility"] != "restricted")
    ]
    assert set(open_dated.index) <= set(events)
    some = open_dated.index[0]
    assert events[some]["dtstart"].dt == date.fromisoformat(open_dated.loc[some, "follow_up_by"])
    owner = owners(sample_tables)[0]
    mine = icalendar.Calendar.from_ical(follow_up_calendar(sample_tables, owner, datetime.now()))
    assert all(f"Owner: {owner}" == str(event["description"]) for event in mine.walk("VEVENT"))


def test_the_meeting_page_shows_no_restricted_record(sample_store: SqlStore) -> None:
    tables = sample_store.read_all()
    at = app("pages/meeting.py")
    assert not at.exception
    shown = " ".join(
        element.value
        for kind in ("markdown", "caption", "subheader", "header")
        for element in at.get(kind)
    )
    charts = " ".join(chart_texts(at))
    # The charts' own text is checked too: it names the candidates the page is about.
    assert any(name in charts for name in tables["candidates"]["name"])
    shown += " " + charts
    secrets = restricted_texts(tables)
    assert secrets
    assert [secret for secret in secrets if secret[:40] in shown.replace("\\", "")] == []
    headers = [element.value.replace("\\", "") for element in at.header]
    assert headers[:6] == [
        f"New since {TODAY - timedelta(days=14)}",
        "Where candidates stand",
        "Commitments by status",
        "Follow-ups due and overdue",
        "What candidates need education on",
        "Actionable insights",
    ]


def test_the_meeting_starts_from_the_last_saved_meeting(sample_store: SqlStore) -> None:
    last = TODAY - timedelta(days=30)
    coalition.save_setting(
        sample_store, "last_meeting", last.isoformat(), "jo", sample_store.read("settings")
    )
    at = app("pages/meeting.py")
    assert at.date_input(key="meeting.since").value == last
    assert at.header[0].value.replace("\\", "") == f"New since {last}"
    [mark] = [button for button in at.button if button.label.startswith("Save today")]
    mark.click().run()
    sample_store.clear_cache()
    assert coalition.settings_of(sample_store.read_all()).last_meeting == TODAY.isoformat()
