"""The endorsement process as pure functions: races, the guide's timeline, the fair process
ledger and research (lib/endorsements)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from lib import schema
from lib.coalition import Settings
from lib.endorsements import ledger, races, research, timeline


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A well-formed table holding these rows, read as the store reads it."""
    columns = list(schema.table(table).column_names)
    raw = pd.DataFrame(rows, columns=columns, dtype=object).fillna("")
    return schema.normalise(table, raw)


def candidate(record_id: str, name: str, **more: object) -> dict[str, object]:
    return {
        "id": record_id,
        "name": name,
        "office": "Riverton City Council",
        "district": "03",
        "election_date": "2027-02-16",
        "stage": "primary",
        "status": "running",
        "active": "TRUE",
        **more,
    }


CANDIDATES = frame(
    "candidates",
    [
        candidate("cand-ines", "Inés Márquez"),
        candidate("cand-tom", "Tom Whitaker"),
        # The same race typed with other spacing and capitals.
        candidate("cand-priya", "Priya Raman", office=" riverton  city COUNCIL", district="03 "),
        candidate("cand-gone", "Wes Withdrawn", status="withdrawn"),
        candidate("cand-old", "Archie Archived", active="FALSE"),
        candidate(
            "cand-mayor",
            "Marcus Bell",
            office="Mayor",
            district="",
            stage="general",
            election_date="2027-11-02",
        ),
        candidate(
            "cand-held",
            "Zoë Halvorsen",
            office="Board",
            stage="in_office",
            election_date="2028-11-07",
        ),
    ],
)


# --- races ----------------------------------------------------------------------------------


def test_candidates_are_grouped_into_races_by_office_district_date_and_stage() -> None:
    found = races.races(CANDIDATES, frame("races", []))
    council = found[found["office"].str.contains("Council", case=False)].iloc[0]
    assert sorted(council["candidate_ids"]) == ["cand-ines", "cand-priya", "cand-tom"]
    assert len(found) == 3  # the council primary, the mayor's general, the board in office
    assert list(found["election_date"]) == sorted(found["election_date"])
    assert set(found["decision"]) == {races.UNDECIDED}
    assert council["title"] == "Riverton City Council 03, primary on 2027-02-16"


def test_a_race_id_is_the_same_however_the_race_is_typed() -> None:
    first = races.race_id("Riverton City Council", "03", "2027-02-16", "primary")
    assert first == races.race_id("  riverton city  council ", "03 ", "2027-02-16", "primary")
    assert first.startswith("race-") and len(first) == len("race-") + 12
    assert first != races.race_id("Riverton City Council", "03", "2027-02-16", "general")
    assert first != races.race_id("Riverton City Council", "04", "2027-02-16", "primary")


def test_a_decision_joins_its_race_by_id_or_by_what_was_typed() -> None:
    council = races.race_id("Riverton City Council", "03", "2027-02-16", "primary")
    stored = frame(
        "races",
        [
            {
                "id": council,
                "office": "Riverton City Council",
                "district": "03",
                "election_date": "2027-02-16",
                "stage": "primary",
                "decision": "engaging",
                "capacity_note": "Two volunteers",
                "updated_at": "2026-11-01T00:00:00+00:00",
            },
            # Typed by hand, with an id of its own.
            {
                "id": "race-typed",
                "office": "Mayor",
                "district": "",
                "election_date": "2027-11-02",
                "stage": "general",
                "decision": "Not this cycle",
            },
        ],
    )
    found = races.races(CANDIDATES, stored).set_index("id")
    assert found.loc[council, "decision"] == "engaging"
    assert found.loc[council, "capacity_note"] == "Two volunteers"
    mayor = races.race_id("Mayor", "", "2027-11-02", "general")
    assert found.loc[mayor, "decision"] == "not_this_cycle"
    assert found.loc[mayor, "stored_id"] == "race-typed"


def test_deciding_a_race_with_no_row_adds_it_under_its_own_id() -> None:
    race = races.races(CANDIDATES, frame("races", [])).iloc[0].to_dict()
    edits, rows = races.decision_change(race, "engaging", "  Two volunteers ", "dana@example.org")
    assert edits == []
    [row] = rows["races"]
    assert row["id"] == race["id"] and row["capacity_note"] == "Two volunteers"
    assert rows["audit"][0]["record_id"] == race["id"]
    with pytest.raises(schema.InvalidValue):
        races.decision_change(race, "maybe", "", "dana@example.org")


# --- the timeline ---------------------------------------------------------------------------


def dues(proposal: list[dict]) -> dict[str, date]:
    return {step["step"]: date.fromisoformat(step["due"]) for step in proposal}


@pytest.mark.parametrize(
    ("stage", "election", "earliest_months", "latest_months"),
    [("general", date(2026, 11, 3), 5, 4), ("primary", date(2027, 2, 16), 3, 2)],
)
def test_the_proposal_follows_the_guide(
    stage: str, election: date, earliest_months: int, latest_months: int
) -> None:
    proposal = timeline.propose(election, stage)
    assert [step["step"] for step in proposal] == list(timeline.STEPS)
    due = dues(proposal)
    # The final endorsement: four to five months before a general, two to three before a primary.
    assert election - relativedelta(months=earliest_months) <= due["announce"]
    assert due["announce"] <= election - relativedelta(months=latest_months)
    # At least a month of research before the review and the vote.
    assert (due["review"] - due["research"]).days >= 30
    assert list(due.values()) == sorted(due.values())
    assert all(step["title"] and not step["done"] for step in proposal)


def test_the_proposal_for_a_general_election_on_its_dates() -> None:
    assert dues(timeline.propose(date(2026, 11, 3), "general")) == {
        "prepare": date(2026, 4, 22),
        "research": date(2026, 5, 6),
        "invite": date(2026, 5, 20),
        "review": date(2026, 6, 19),
        "vote": date(2026, 6, 26),
        "announce": date(2026, 7, 3),
    }


def test_the_proposal_for_a_primary_on_its_dates() -> None:
    assert dues(timeline.propose(date(2027, 2, 16), "primary")) == {
        "prepare": date(2026, 10, 5),
        "research": date(2026, 10, 19),
        "invite": date(2026, 11, 2),
        "review": date(2026, 12, 2),
        "vote": date(2026, 12, 9),
        "announce": date(2026, 12, 16),
    }


def test_a_race_in_office_or_without_a_date_has_no_timeline() -> None:
    with pytest.raises(timeline.NoTimeline, match="in office stage has no endorsement timeline"):
        timeline.propose(date(2028, 11, 7), "in_office")
    with pytest.raises(timeline.NoTimeline, match="no election date"):
        timeline.propose(None, "general")
    said = timeline.warnings([], date(2026, 1, 1), date(2028, 11, 7), "in_office")
    assert said == [
        "A race at the in office stage has no endorsement timeline: the guide's schedule is for "
        "a primary or a general election."
    ]


def test_a_plan_made_too_late_says_when_preparation_should_have_started() -> None:
    proposal = timeline.propose(date(2027, 2, 16), "primary")
    said = timeline.warnings(proposal, date(2026, 11, 16), date(2027, 2, 16), "primary")
    assert said[0] == (
        "Following the guide, preparation should have started on 2026-10-05; 30 days remain "
        "before the final endorsement."
    )
    # The other steps already past are said one by one; preparation only once.
    assert "The start of the research was due on 2026-10-19 and is not done." in said
    assert not [line for line in said if line.startswith("The preparation was due")]
    on_time = timeline.warnings(proposal, date(2026, 9, 1), date(2027, 2, 16), "primary")
    assert on_time == []


def saved(proposal: list[dict], made: str) -> list[dict]:
    return [{**step, "created_at": f"{made}T09:00:00+00:00"} for step in proposal]


def test_a_step_not_done_after_its_date_is_overdue() -> None:
    steps = saved(timeline.propose(date(2027, 2, 16), "primary"), "2026-09-01")
    for step in steps:
        step["done"] = step["step"] in ("prepare", "research", "invite", "review")
    said = timeline.warnings(steps, date(2026, 12, 10), date(2027, 2, 16), "primary")
    assert said == ["The vote was due on 2026-12-09 and is not done."]


def test_an_announcement_moved_outside_the_window_is_said() -> None:
    steps = saved(timeline.propose(date(2026, 11, 3), "general"), "2026-03-01")
    for step in steps:
        if step["step"] == "announce":
            step["due"] = "2026-08-20"  # under three months before the election
    said = timeline.warnings(steps, date(2026, 3, 2), date(2026, 11, 3), "general")
    assert said == [
        "The announcement on 2026-08-20 is outside the guide's window for a general election: "
        "between 2026-06-03 and 2026-07-03, four to five months before the election on "
        "2026-11-03."
    ]


def test_research_cut_short_and_steps_out_of_order_are_said() -> None:
    steps = saved(timeline.propose(date(2026, 11, 3), "general"), "2026-03-01")
    for step in steps:
        if step["step"] == "research":
            step["due"] = "2026-06-01"
        if step["step"] == "vote":
            step["due"] = "2026-07-10"
    said = timeline.warnings(steps, date(2026, 3, 2), date(2026, 11, 3), "general")
    assert "Research has 18 days before the review; the guide asks for at least 30." in said
    assert (
        "The sending of the questionnaires and Q&A invitations (2026-05-20) comes before the "
        "start of the research (2026-06-01)." in said
    )
    assert "The announcement (2026-07-03) comes before the vote (2026-07-10)." in said


def test_proposal_rows_have_one_id_per_race_and_step() -> None:
    proposal = timeline.propose(date(2027, 2, 16), "primary")
    first = timeline.proposal_rows("race-1", "Council", proposal, "dana")
    again = timeline.proposal_rows("race-1", "Council", proposal, "rafael")
    ids = [row["id"] for row in first["endorsement_steps"]]
    assert ids == [row["id"] for row in again["endorsement_steps"]]
    assert len(set(ids)) == 6
    assert len(first["audit"]) == 6
    other = timeline.proposal_rows("race-2", "Mayor", proposal, "dana")
    assert not set(ids) & {row["id"] for row in other["endorsement_steps"]}


# --- the fair process ledger ----------------------------------------------------------------

COUNCIL = races.races(CANDIDATES, frame("races", [])).iloc[0].to_dict()
PEOPLE = races.candidates_in(COUNCIL, CANDIDATES)


def offers(rows: list[dict]) -> pd.DataFrame:
    return frame("offers", [{"race_id": COUNCIL["id"], **row} for row in rows])


def test_an_offer_one_candidate_had_and_another_did_not_is_said_naming_both() -> None:
    made = offers(
        [
            {
                "id": "o1",
                "candidate_id": "cand-ines",
                "offer": "qa_session",
                "offered_on": "2026-10-02",
            },
            {
                "id": "o2",
                "candidate_id": "cand-priya",
                "offer": "qa_session",
                "offered_on": "2026-10-05",
                "response": "declined",
            },
        ]
    )
    found = ledger.offers_in(
        COUNCIL["id"], PEOPLE["id"].tolist(), made, frame("invitations", []), {}
    )
    said = ledger.unequal_offers(PEOPLE, found)
    assert said == [
        "Inés Márquez (on 2026-10-02) and Priya Raman (on 2026-10-05) were offered a Q&A "
        "session; Tom Whitaker was not."
    ]
    only_one = found[found["candidate_id"] == "cand-ines"]
    assert ledger.unequal_offers(PEOPLE, only_one) == [
        "Inés Márquez was offered a Q&A session on 2026-10-02; Priya Raman and Tom Whitaker "
        "were not."
    ]


def test_the_same_offer_to_everyone_raises_no_warning() -> None:
    made = offers(
        [
            {"id": f"o{n}", "candidate_id": person, "offer": "pledge", "offered_on": "2026-10-01"}
            for n, person in enumerate(PEOPLE["id"])
        ]
    )
    found = ledger.offers_in(
        COUNCIL["id"], PEOPLE["id"].tolist(), made, frame("invitations", []), {}
    )
    assert ledger.unequal_offers(PEOPLE, found) == []
    table = ledger.matrix(PEOPLE, found)
    assert list(table["Pledge"]) == ["Offered 2026-10-01: No response yet"] * 3
    assert list(table["Q&A session"]) == [ledger.NOT_OFFERED] * 3


def test_questionnaire_links_count_as_questionnaire_offers() -> None:
    invitations = frame(
        "invitations",
        [
            {
                "id": "inv-1",
                "questionnaire_id": "qnr-1",
                "candidate_id": "cand-ines",
                "status": "submitted",
                "sent_at": "2026-10-01T10:00:00+00:00",
                "submitted_at": "2026-10-09T10:00:00+00:00",
            },
            {
                "id": "inv-2",
                "questionnaire_id": "qnr-1",
                "candidate_id": "cand-tom",
                "status": "sent",
                "sent_at": "2026-10-01T10:00:00+00:00",
            },
            # A link made and never sent offers nothing yet.
            {
                "id": "inv-3",
                "questionnaire_id": "qnr-1",
                "candidate_id": "cand-priya",
                "status": "not_sent",
            },
            {
                "id": "inv-4",
                "questionnaire_id": "qnr-1",
                "candidate_id": "cand-mayor",
                "status": "sent",
                "sent_at": "2026-10-01T10:00:00+00:00",
            },
        ],
    )
    found = ledger.offers_in(
        COUNCIL["id"], PEOPLE["id"].tolist(), offers([]), invitations, {"qnr-1": "Housing 2027"}
    )
    assert list(found["candidate_id"]) == ["cand-ines", "cand-tom"]
    ines = found[found["candidate_id"] == "cand-ines"].iloc[0]
    assert (ines["offer"], ines["response"], ines["responded_on"]) == (
        "questionnaire",
        "completed",
        "2026-10-09",
    )
    assert ines["source"] == ledger.FROM_QUESTIONNAIRES and "Housing 2027" in ines["notes"]
    assert ledger.unequal_offers(PEOPLE, found) == [
        "Inés Márquez (on 2026-10-01) and Tom Whitaker (on 2026-10-01) were offered the "
        "questionnaire; Priya Raman was not."
    ]


def test_an_offer_is_checked_before_it_is_recorded() -> None:
    assert set(ledger.offer_problems({})) == {"offer", "offered_on"}
    assert ledger.offer_problems(
        {
            "offer": "pledge",
            "offered_on": "2026-10-05",
            "response": "accepted",
            "responded_on": "2026-10-01",
        }
    ) == {"responded_on": "The response cannot come before the offer."}
    rows = ledger.offer_row(
        "ofr-1",
        COUNCIL,
        "cand-tom",
        {"offer": "pledge", "offered_on": "2026-10-05"},
        "dana",
        "Tom Whitaker",
    )
    assert rows["offers"][0]["response"] == "" and rows["audit"][0]["record_id"] == "ofr-1"


# --- research -------------------------------------------------------------------------------


RESEARCH = frame(
    "research",
    [
        {
            "id": "r1",
            "candidate_id": "cand-ines",
            "topic": "cash_on_hand",
            "value": "$120,000",
            "source_url": "https://fec.example/ines",
            "as_of": "2026-10-01",
            "visibility": "coalition",
        },
        {
            "id": "r2",
            "candidate_id": "cand-ines",
            "topic": "polling",
            "value": "31%",
            "source_url": "",
            "as_of": "",
            "visibility": "coalition",
        },
        {
            "id": "r3",
            "candidate_id": "cand-ines",
            "topic": "past_vote",
            "value": "Yes on SB 12",
            "source_url": "javascript:alert(1)",
            "as_of": "2025-06-01",
            "visibility": "public",
        },
        {
            "id": "r4",
            "candidate_id": "cand-ines",
            "topic": "note",
            "value": "Warm at the forum",
            "visibility": "coalition",
        },
        {
            "id": "r5",
            "candidate_id": "cand-tom",
            "topic": "cash_on_hand",
            "value": "$5,000",
            "source_url": "https://fec.example/tom",
            "as_of": "2026-10-01",
            "visibility": "coalition",
        },
    ],
)


def test_research_is_grouped_by_topic_with_safe_links() -> None:
    found = research.items("cand-ines", RESEARCH)
    assert list(found["topic"]) == ["cash_on_hand", "polling", "past_vote", "note"]
    assert list(found["source"]) == ["https://fec.example/ines", "", "", ""]
    assert found.iloc[0]["Topic"] == "Cash on hand"


def test_research_without_a_source_or_a_date_is_pointed_out() -> None:
    said = research.warnings(research.items("cand-ines", RESEARCH), RESEARCH)
    assert said == [
        "Polling “31%” has no source link and no date: add them so it can be checked.",
        "Past vote “Yes on SB 12” has a source that is not a web address: add them so it can "
        "be checked.",
    ]


def test_a_research_item_is_checked_before_it_is_added() -> None:
    problems = research.item_problems(
        {"topic": "polling", "value": "", "source_url": "ftp://x", "visibility": "coalition"}
    )
    assert set(problems) == {"value", "source_url", "as_of"}
    assert (
        research.item_problems(
            {"topic": "note", "value": "Met at the forum", "visibility": "restricted"}
        )
        == {}
    )
    rows = research.item_rows(
        "rsc-1",
        "cand-tom",
        {
            "topic": "cash_on_hand",
            "value": "$5,000",
            "source_url": "https://fec.example/tom",
            "as_of": "2026-10-01",
            "visibility": "coalition",
        },
        "dana",
        "Tom Whitaker",
    )
    assert rows["research"][0]["id"] == "rsc-1" and rows["audit"][0]["table"] == "research"


def test_questionnaire_scores_need_the_scorecard() -> None:
    tables = {
        name: frame(name, [])
        for name in ("questionnaires", "questions", "invitations", "answers", "candidates")
    }
    assert (
        research.questionnaire_scores("cand-ines", tables, Settings(tax_status="501(c)(4)")) is None
    )
    on = Settings(tax_status="501(c)(4)", scorecard="yes")
    assert research.questionnaire_scores("cand-ines", tables, on) == []


def test_the_questionnaire_score_and_dealbreakers_come_from_the_questionnaire() -> None:
    stamp = "2026-10-01T10:00:00+00:00"
    tables = {
        "candidates": CANDIDATES,
        "questionnaires": frame(
            "questionnaires",
            [
                {
                    "id": "qnr-1",
                    "series_id": "qnr-1",
                    "version": "1",
                    "title": "Housing 2027",
                    "candidate_ids": "cand-ines; cand-tom",
                    "visibility": "coalition",
                    "created_at": stamp,
                }
            ],
        ),
        "questions": frame(
            "questions",
            [
                {
                    "id": "q1",
                    "questionnaire_id": "qnr-1",
                    "number": "1",
                    "kind": "yes_no",
                    "text": "Will you fund the housing trust?",
                    "hoped_answer": "Yes",
                    "dealbreaker": "TRUE",
                },
                {
                    "id": "q2",
                    "questionnaire_id": "qnr-1",
                    "number": "2",
                    "kind": "yes_no",
                    "text": "Will you meet tenants?",
                    "hoped_answer": "Yes",
                },
            ],
        ),
        "invitations": frame(
            "invitations",
            [
                {
                    "id": "inv-1",
                    "questionnaire_id": "qnr-1",
                    "candidate_id": "cand-ines",
                    "status": "submitted",
                },
                {
                    "id": "inv-2",
                    "questionnaire_id": "qnr-1",
                    "candidate_id": "cand-tom",
                    "status": "sent",
                },
            ],
        ),
        "answers": frame(
            "answers",
            [
                {
                    "id": "a1",
                    "invitation_id": "inv-1",
                    "questionnaire_id": "qnr-1",
                    "question_id": "q1",
                    "candidate_id": "cand-ines",
                    "text": "No",
                    "state": "original",
                    "submitted_on": "2026-10-05",
                },
                {
                    "id": "a2",
                    "invitation_id": "inv-1",
                    "questionnaire_id": "qnr-1",
                    "question_id": "q2",
                    "candidate_id": "cand-ines",
                    "text": "Yes",
                    "state": "original",
                    "submitted_on": "2026-10-05",
                },
            ],
        ),
    }
    on = Settings(tax_status="501(c)(4)", scorecard="yes")
    [ines] = research.questionnaire_scores("cand-ines", tables, on)
    assert (ines.title, ines.response, ines.score) == ("Housing 2027", "Responded", 50.0)
    assert ines.dealbreakers_missed == ("1. Will you fund the housing trust?",)
    assert not ines.passes
    [tom] = research.questionnaire_scores("cand-tom", tables, on)
    assert (tom.response, tom.score) == ("Did not respond", None)
