"""The briefing before a meeting, as pure functions: the 7-day warning, framing by priority,
commitments overdue first, quotes marked verbatim or not, planning, and the one-page PDF."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib import sample, schema, visibility
from lib.briefing import content, framing, pdf, planning
from tests.shared import tables_of, wrapped_in

TODAY = date(2026, 12, 3)
MEETING = TODAY + timedelta(days=2)
OWN, OTHER, THIRD = "ptn-own", "ptn-other", "ptn-third"


def day(offset: int) -> str:
    return (MEETING + timedelta(days=offset)).isoformat()


def partners() -> list[dict]:
    return [
        {"id": OWN, "name": "Parents United", "strengths": "parents; educators", "active": "TRUE"},
        {"id": OTHER, "name": "Nurses Local 9", "strengths": "labor", "active": "TRUE"},
        {"id": THIRD, "name": "Main Street", "strengths": "business voices", "active": "TRUE"},
    ]


def issues() -> list[dict]:
    return [
        {"id": "iss-k", "name": "Universal pre-K", "ask": "Fund pre-K for all", "active": "TRUE"},
        {"id": "iss-h", "name": "Housing fund", "ask": "Fund 500 homes", "active": "TRUE"},
        {"id": "iss-old", "name": "Old issue", "ask": "", "active": "FALSE"},
    ]


def candidate(**changes: str) -> dict:
    return {
        "id": "cand-1",
        "name": "Alma Reyes",
        "office": "City Council",
        "district": "4",
        "stage": "general",
        "status": "running",
        "website": "https://example.org/alma",
        "priorities": "economy; child care",
        **changes,
    }


def interaction(when: str, partner_ids: str, kind: str = "one_on_one", **more: str) -> dict:
    return {
        "id": f"int-{when}-{partner_ids or 'none'}",
        "date": when,
        "candidate_id": "cand-1",
        "kind": kind,
        "partner_ids": partner_ids,
        "visibility": "coalition",
        **more,
    }


def planned(when: str, partner_id: str, objectives: str = "Ask about ratios") -> dict:
    return {
        "id": f"plan-{when}-{partner_id or 'none'}",
        "candidate_id": "cand-1",
        "date": when,
        "partner_id": partner_id,
        "objectives": objectives,
        "visibility": "coalition",
    }


def briefing_of(own: str = OWN, **rows: list[dict]) -> content.Briefing:
    tables = tables_of(candidates=[candidate()], partners=partners(), issues=issues(), **rows)
    return content.build(tables, "cand-1", viewer_partner_id=own, meeting_day=MEETING, today=TODAY)


# --- the 7-day warning -------------------------------------------------------------------------


def test_another_partners_meeting_within_7_days_is_a_warning() -> None:
    briefing = briefing_of(interactions=[interaction(day(-5), f"{OWN}; {OTHER}")])
    [near] = briefing.nearby
    assert (near.partner, near.day, near.planned) == ("Nurses Local 9", day(-5), False)
    assert near.sentence() == (
        f"Nurses Local 9 met them on {day(-5)} (5 days before your meeting): a one-on-one meeting"
    )


def test_meetings_further_than_7_days_away_or_by_the_readers_own_partner_do_not_warn() -> None:
    briefing = briefing_of(
        interactions=[
            interaction(day(-8), OTHER),
            interaction(day(8), THIRD, kind="call"),
            interaction(day(1), OWN),
            interaction(day(0), ""),  # no partner named: nobody to coordinate with
        ],
        planned_meetings=[planned(day(3), OWN), planned(day(2), ""), planned(day(-9), OTHER)],
    )
    assert briefing.nearby == []


def test_the_window_is_7_days_either_side_inclusive() -> None:
    briefing = briefing_of(
        interactions=[interaction(day(-7), OTHER, kind="call")],
        planned_meetings=[planned(day(7), THIRD)],
    )
    assert [(near.day, near.partner) for near in briefing.nearby] == [
        (day(-7), "Nurses Local 9"),
        (day(7), "Main Street"),
    ]


def test_a_planned_meeting_warns_with_its_objectives() -> None:
    briefing = briefing_of(planned_meetings=[planned(day(3), OTHER, "Co-sponsor the ratio bill")])
    [near] = briefing.nearby
    assert near.planned and near.days_from_meeting == 3
    assert near.sentence() == (
        f"Nurses Local 9 plans to meet them on {day(3)} (3 days after your meeting): "
        "Co-sponsor the ratio bill"
    )


def test_a_reader_without_a_partner_is_warned_of_every_partners_meeting() -> None:
    briefing = briefing_of(
        own="",
        interactions=[interaction(day(0), OWN)],
        planned_meetings=[planned(day(1), OTHER)],
    )
    assert [near.partner for near in briefing.nearby] == ["Parents United", "Nurses Local 9"]
    assert "the same day as your meeting" in briefing.nearby[0].sentence()


# --- framing -----------------------------------------------------------------------------------


def issue_frame() -> pd.DataFrame:
    return tables_of(issues=issues())["issues"]


def rules(*rows: dict) -> pd.DataFrame:
    return tables_of(framing=[{"active": "TRUE", **row} for row in rows])["framing"]


def test_each_priority_frames_each_active_issue_with_a_suggestion() -> None:
    found = framing.framing_for(["economy", "child care"], issue_frame(), rules())
    assert [(f.priority, f.issue) for f in found] == [
        ("economy", "Housing fund"),
        ("economy", "Universal pre-K"),
        ("child care", "Housing fund"),
        ("child care", "Universal pre-K"),
    ]
    assert {f.source for f in found} == {framing.SUGGESTED}
    assert found[0].text.startswith("Present Housing fund as an investment in the local economy")
    assert "Old issue" not in {f.issue for f in found}


def test_an_admins_rule_replaces_the_suggestion_for_its_priority_and_issue() -> None:
    found = framing.framing_for(
        ["Economy"],
        issue_frame(),
        rules(
            {
                "id": "frm-1",
                "priority": "  ECONOMY ",
                "issue_id": "iss-k",
                "text": "Child care lets parents work; every dollar returns four.",
            }
        ),
    )
    by_issue = {f.issue: f for f in found}
    assert by_issue["Universal pre-K"] == framing.Framing(
        "Economy",
        "Universal pre-K",
        "Child care lets parents work; every dollar returns four.",
        framing.COALITION_RULE,
    )
    assert by_issue["Housing fund"].source == framing.SUGGESTED
    assert found[0].source == framing.COALITION_RULE  # the coalition's own words first


def test_a_rule_with_no_issue_speaks_to_every_issue_and_adds_a_priority() -> None:
    found = framing.framing_for(
        ["faith", "economy"],
        issue_frame(),
        rules(
            {"id": "frm-1", "priority": "Faith", "text": "{issue} answers a call: {ask}."},
            {
                "id": "frm-2",
                "priority": "economy",
                "issue_id": "iss-h",
                "text": "Homes keep shops staffed.",
            },
            {"id": "frm-3", "priority": "economy", "text": "Every dollar returns."},
            {
                "id": "frm-4",
                "priority": "faith",
                "issue_id": "iss-k",
                "text": "Off.",
                "active": "FALSE",
            },
        ),
    )
    assert [(f.priority, f.issue, f.text, f.source) for f in found] == [
        ("faith", "Housing fund", "Housing fund answers a call: Fund 500 homes.", "coalition rule"),
        (
            "faith",
            "Universal pre-K",
            "Universal pre-K answers a call: Fund pre-K for all.",
            "coalition rule",
        ),
        ("economy", "Housing fund", "Homes keep shops staffed.", "coalition rule"),
        ("economy", "Universal pre-K", "Every dollar returns.", "coalition rule"),
    ]


def test_a_priority_with_no_rule_and_no_suggestion_frames_nothing() -> None:
    assert framing.framing_for(["stamp collecting"], issue_frame(), rules()) == []


def test_placeholders_are_filled_once_and_nothing_else_is_read_as_a_template() -> None:
    assert framing.filled("{issue}: {ask} {0} {x} {issue!r}", "{ask}", "Fund it") == (
        "{ask}: Fund it {0} {x} {issue!r}"
    )
    assert framing.filled("Ask: {ask}", "Housing", "") == "Ask: Housing"


def test_the_suggestions_cover_every_suggested_priority() -> None:
    assert set(framing.SUGGESTIONS) == set(schema.PRIORITY_TAGS)
    assert all("{issue}" in text for text in framing.SUGGESTIONS.values())


def test_the_briefing_frames_the_candidates_profile_and_reported_priorities() -> None:
    briefing = briefing_of(
        interactions=[interaction(day(-30), OWN, candidate_priorities="Housing; Child Care")]
    )
    assert [p.name for p in briefing.priorities] == ["economy", "child care", "Housing"]
    assert [p.reports for p in briefing.priorities] == [0, 1, 1]
    assert [f.priority for f in briefing.framing][::2] == ["economy", "child care", "Housing"]


# --- the other sections ------------------------------------------------------------------------


def commitment(number: int, status: str, due: str, **more: str) -> dict:
    return {
        "id": f"cmt-{number}",
        "candidate_id": "cand-1",
        "issue_id": "iss-h",
        "text": f"Commitment {number}",
        "status": status,
        "follow_up_by": due,
        "made_on": "2026-01-01",
        "visibility": "coalition",
        **more,
    }


def test_open_commitments_are_listed_overdue_first_then_by_date_undated_last() -> None:
    briefing = briefing_of(
        commitments=[
            commitment(1, "in_the_works", (TODAY + timedelta(days=10)).isoformat()),
            commitment(2, "not_yet_rated", ""),
            commitment(3, "stalled", (TODAY - timedelta(days=3)).isoformat(), owner="Jo"),
            commitment(4, "in_the_works", (TODAY - timedelta(days=30)).isoformat()),
            commitment(5, "kept", (TODAY - timedelta(days=60)).isoformat()),
            commitment(6, "not_yet_rated", (TODAY + timedelta(days=1)).isoformat()),
        ]
    )
    assert [c.text for c in briefing.commitments] == [
        "Commitment 4",
        "Commitment 3",
        "Commitment 6",
        "Commitment 1",
        "Commitment 2",
    ]
    assert [c.overdue for c in briefing.commitments] == [True, True, False, False, False]
    assert briefing.commitments[1].owner == "Jo" and briefing.commitments[1].status == "Stalled"


@pytest.mark.parametrize(
    ("stored", "text", "verbatim", "note"),
    [
        ('"Bring me numbers." (verbatim)', '"Bring me numbers."', True, ""),
        ('"Fine." (Verbatim, forum video)', '"Fine."', True, "forum video"),
        (
            "Said she would think. (paraphrased by Tomás)",
            "Said she would think.",
            False,
            "by Tomás",
        ),
        ('"No marker here."', '"No marker here."', None, ""),
    ],
)
def test_quotes_say_whether_they_are_verbatim(
    stored: str, text: str, verbatim: bool | None, note: str
) -> None:
    quote = content.quote_of("2026-11-01", stored)
    assert (quote.text, quote.verbatim, quote.note) == (text, verbatim, note)


def test_the_report_forms_quote_marker_reads_back() -> None:
    from lib.report import QUOTE_KINDS, with_quote_kind

    for kind in QUOTE_KINDS:
        quote = content.quote_of("2026-11-01", with_quote_kind('"We will."', kind))
        assert quote.verbatim == (kind == "verbatim") and quote.text == '"We will."'


def test_stances_give_every_active_issue_its_evidence_source_and_date() -> None:
    briefing = briefing_of(
        interactions=[interaction("2026-10-01", OTHER, kind="forum", reported_by="Dana")],
        positions=[
            {
                "id": "pos-1",
                "candidate_id": "cand-1",
                "issue_id": "iss-h",
                "stance": "supports",
                "as_of": "2026-10-01",
                "evidence": "Said yes at the forum.",
                "interaction_id": "int-2026-10-01-ptn-other",
                "visibility": "coalition",
            }
        ],
    )
    housing, prek = briefing.stances
    assert (housing.issue, housing.label, housing.as_of, housing.evidence) == (
        "Housing fund",
        "Supports",
        "2026-10-01",
        "Said yes at the forum.",
    )
    assert housing.source == "Candidate forum on 2026-10-01, reported by Dana"
    assert (prek.issue, prek.label) == ("Universal pre-K", "No record")


def test_partners_last_contact_lists_every_partner_most_recent_first() -> None:
    briefing = briefing_of(
        interactions=[
            interaction("2026-09-01", f"{OWN}; {OTHER}", takeaways="First."),
            interaction("2026-11-01", OTHER, kind="call", takeaways="Second."),
        ],
        planned_meetings=[planned((TODAY + timedelta(days=20)).isoformat(), THIRD)],
    )
    assert [(c.partner, c.last_day, c.next_planned) for c in briefing.contacts] == [
        ("Nurses Local 9", "2026-11-01", ""),
        ("Parents United", "2026-09-01", ""),
        ("Main Street", "", (TODAY + timedelta(days=20)).isoformat()),
    ]
    assert briefing.contacts[0].last_kind == "Phone or video call"


def test_partners_to_come_along_follow_the_insights_rules() -> None:
    briefing = briefing_of()
    assert [(c.priority, c.strength, c.partners) for c in briefing.companions] == [
        ("economy", "business voices", ("Main Street",)),
        ("economy", "labor", ("Nurses Local 9",)),
        ("child care", "parents", ("Parents United",)),
        ("child care", "educators", ("Parents United",)),
    ]


def test_an_unsafe_website_is_never_offered_as_a_link() -> None:
    tables = tables_of(
        candidates=[candidate(website="javascript:alert(1)")], partners=partners(), issues=issues()
    )
    built = content.build(tables, "cand-1", viewer_partner_id="", meeting_day=MEETING, today=TODAY)
    assert built.website == ""


# --- planning ----------------------------------------------------------------------------------


def test_planning_needs_a_date_and_objectives_that_fit_a_cell() -> None:
    assert planning.validate(MEETING, "Ask about ratios", "coalition") == {}
    errors = planning.validate(None, "x" * (schema.MAX_CELL_CHARS + 1), "secret")
    assert set(errors) == {"date", "objectives", "visibility"}
    assert "50,000" in errors["objectives"]


def test_a_plan_is_stored_with_its_audit_row_under_ids_decided_up_front() -> None:
    ids = planning.new_ids()
    meeting = planning.planned_meeting(
        ids,
        "cand-1",
        MEETING,
        "  Ask about ratios ",
        "restricted",
        partner_id=OWN,
        planned_by="Tomás",
        author="tomas@example.org",
    )
    writes = planning.writes(meeting, "Alma Reyes", "tomas@example.org")
    assert writes["planned_meetings"] == [
        {
            "id": ids.plan,
            "candidate_id": "cand-1",
            "date": MEETING,
            "partner_id": OWN,
            "planned_by": "Tomás",
            "objectives": "Ask about ratios",
            "visibility": "restricted",
            "created_by": "tomas@example.org",
        }
    ]
    [logged] = writes["audit"]
    assert (logged["record_id"], logged["table"]) == (ids.plan, "planned_meetings")
    assert logged["detail"] == f"Meeting with Alma Reyes on {MEETING}"


def test_the_report_draft_uses_the_report_forms_own_state_keys() -> None:
    ids = planning.new_ids()
    values = planning.report_draft(ids, "cand-1", MEETING, " Ask ", "coalition", [OWN])
    assert values == {
        "report.draft": ids.report_draft,
        "report.candidate": "cand-1",
        "report.date": MEETING,
        "report.objectives": "Ask",
        "report.visibility": "coalition",
        "report.partner_ids": [OWN],
        "report.planned": True,
    }
    assert ids.draft == ids.report_draft["id"] and ids.draft.startswith("int-")
    assert planning.report_state(["report.date", "brief.day", 3, "reporter"]) == ["report.date"]


# --- the PDF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_tables() -> dict[str, pd.DataFrame]:
    loaded = sample.sample_tables(TODAY)
    return tables_of() | {name: schema.normalise(name, frame) for name, frame in loaded.items()}


def printed(data: bytes, folder: Path) -> tuple[int, str]:
    """How many pages the PDF has, after rendering each (as pdftoppm does), and its text."""
    path = folder / "briefing.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(folder / "page")], check=True)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert len(list(folder.glob("page-*.png"))) == pages
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return pages, text.stdout


@pytest.mark.parametrize("name", ["Marcus Bell", "Nguyễn Thảo", "Inés Márquez"])
def test_a_sample_candidates_briefing_prints_on_one_page(
    sample_tables: dict[str, pd.DataFrame], name: str, tmp_path: Path
) -> None:
    candidates = sample_tables["candidates"]
    candidate_id = candidates[candidates["name"] == name]["id"].iloc[0]
    briefing = content.build(
        sample_tables, candidate_id, viewer_partner_id="", meeting_day=TODAY, today=TODAY
    )
    pages, text = printed(pdf.to_pdf(briefing), tmp_path)
    assert pages == 1
    assert f"Briefing: {name}" in text
    for heading in content.HEADINGS.values():
        assert heading in text
    assert wrapped_in(briefing.stances[0].issue, text)


def test_the_pdf_shows_the_warning_and_cuts_long_sections(tmp_path: Path) -> None:
    many = [commitment(n, "in_the_works", "", text=f"Promise number {n} " * 12) for n in range(40)]
    briefing = briefing_of(
        commitments=many, planned_meetings=[planned(day(1), OTHER, "Bring the nurses")]
    )
    pages, text = printed(pdf.to_pdf(briefing), tmp_path)
    assert pages == 1
    assert wrapped_in("Another partner within 7 days: Nurses Local 9", text)
    assert wrapped_in("Bring the nurses", text)
    assert wrapped_in("…and 35 more (see the app).", text)


def test_a_viewers_pdf_holds_nothing_restricted(
    sample_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    shown = visibility.visible_tables(sample_tables, visibility.COALITION)
    candidate_id = "cand-99dd251d"
    briefing = content.build(
        shown, candidate_id, viewer_partner_id="", meeting_day=TODAY, today=TODAY
    )
    assert not briefing.has_restricted
    _, text = printed(pdf.to_pdf(briefing), tmp_path)
    restricted = sample_tables["commitments"][
        (sample_tables["commitments"]["visibility"] == "restricted")
        & (sample_tables["commitments"]["candidate_id"] == candidate_id)
    ]
    assert len(restricted)
    assert not [secret for secret in restricted["text"] if wrapped_in(secret, text)]
    assert "For coalition members" in text
