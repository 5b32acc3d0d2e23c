"""A coalition's own spreadsheet must come into the tracker as it was meant, and only once.

A wrong reading here files a meeting under the wrong candidate, turns "in progress" into a kept
promise, shows a confidential report to every member, or doubles every record on the second
upload. The sheets are built in each test the way coalitions really keep them: a meeting log
with a title above the header, a Google Form's responses, a candidates × issues matrix.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib import sample
from lib.imports import (
    MAX_SOURCE_BYTES,
    SourceError,
    frame_from_grid,
    plan_import,
    read_source,
    suggest_mapping,
)
from lib.imports import source as source_module
from lib.store.sql import SqlStore

TODAY = date(2026, 11, 30)
JOSE = "cand-jose-nunez"
# From the sample coalition (data/sample).
INES, TOM, MARCUS, LINDA, ZOE, NGUYEN = (
    "cand-e255accb",
    "cand-39292d22",
    "cand-99dd251d",
    "cand-9f199504",
    "cand-c88b2875",
    "cand-8e7aa6e9",
)
HOUSING, COUNSEL, NURSES, PRE_K = "iss-8306d03b", "iss-a5aec797", "iss-dc28ff90", "iss-f3f49249"
BUSINESS, NURSES_UNION, PARENTS, COMMON_GROUND = (
    "ptn-1e7ea419",
    "ptn-51c9bc70",
    "ptn-80a4df5a",
    "ptn-f38b2ffc",
)
ID = re.compile(r"^[a-z]+-[0-9a-f]{12}$")


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    """The sample coalition, as conftest's sample_store loads it, plus a candidate whose name
    people type with accents and a title."""
    store = SqlStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    store.ensure_schema()
    sample.load_sample(store, date.today())
    store.append("candidates", [{"id": JOSE, "name": "Jose Nunez", "office": "State Assembly"}])
    return store


def tables_of(store: SqlStore) -> dict[str, pd.DataFrame]:
    store.clear_cache()
    return store.read_all()


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


def apply(store: SqlStore, plan) -> None:
    store.change([], plan.rows)
    store.clear_cache()


# --- 1. a one-row-per-meeting tracker ---------------------------------------------------------

MEETING_HEADER = [
    "Meeting date",
    "Candidate",
    "Who went",
    "Notes",
    "Commitments made",
    "Status",
    "Follow up by",
    "Owner",
    "Confidential?",
]
NOTES = "Met at his district office.\nAsked about the housing fund.\n\n**Key:** wants numbers"
MEETINGS = [
    ["Riverton Coalition — candidate meetings 2026", "", "", "", "", "", "", "", ""],
    [""] * 9,
    MEETING_HEADER,
    [
        "11/02/2026",
        "Rep. José Núñez",
        "Dana Okafor; Mei-Ling Sato",
        NOTES,
        "Co-sponsor the housing fund\nMeet the tenants' union",
        "✔\nin progress",
        "12/05/2026",
        "Dana Okafor",
        "No",
    ],
    [
        "Nov 4, 2026",
        "Inés Marquez",
        "Jordan Ellison",
        "Short call.",
        "Ask the city attorney for a cost estimate",
        "Stalled",
        "Dec 12, 2026",
        "Jordan Ellison",
        "Yes",
    ],
    ["2026-11-06", "tom  whitaker", "Rafael", "=SUM(A1) was on his whiteboard", "", "", "", "", ""],
    [""] * 9,
    ["next week", "Marcus Bell", "Dana", "Lunch", "", "", "", "", "No"],
    ["7 Nov 2026", "Priya Shah", "Dana", "First meeting", "", "", "", "", "No"],
    [
        "11/09/2026",
        "Zoë Halvorsen",
        "Dana",
        "Walked Mill Street",
        "Support the storefront fund; Tour Mill Street",
        "broken",
        "19 Dec 2026",
        "Carla",
        "maybe",
    ],
]
MORE_MEETINGS = [
    ["11/20/2026", "Linda Kowalczyk", "Jordan", "Budget talk", "", "", "", "", "No"],
    [
        "11/21/2026",
        "Jose Nunez",
        "Dana",
        "Second visit",
        "Hold a hearing",
        "in progress",
        "",
        "",
        "",
    ],
]


def meetings_frame(rows: list[list[str]] = MEETINGS) -> pd.DataFrame:
    return read_source("Meetings 2026.csv", csv_bytes(rows))


def test_meeting_tracker_header_is_found_under_its_title_and_columns_are_suggested() -> None:
    frame = meetings_frame()
    assert frame.attrs["header_row"] == 3
    assert frame.attrs["notices"] == [
        "The header was found on row 3; the rows above it "
        "(“Riverton Coalition — candidate meetings 2026”) were left out."
    ]
    mapping = suggest_mapping(frame, "reports")
    assert mapping["columns"] == {
        "Meeting date": "date",
        "Candidate": "candidate",
        "Who went": "attendees",
        "Notes": "takeaways",
        "Commitments made": "commitment",
        "Status": "status",
        "Follow up by": "follow_up_by",
        "Owner": "owner",
        "Confidential?": "visibility",
    }
    assert mapping["values"]["status"] == {
        "✔": "kept",
        "in progress": "in_the_works",
        "Stalled": "stalled",
        "broken": "broken",
    }
    assert mapping["values"]["visibility"] == {
        "No": "coalition",
        "Yes": "restricted",
        "maybe": None,
    }
    assert mapping["defaults"]["visibility"] == "restricted"
    assert mapping["source"] == "Meetings 2026.csv"


def test_meeting_tracker_plans_reports_with_their_commitments(store: SqlStore) -> None:
    plan = plan_import(
        meetings_frame(), "reports", tables_of(store), author="staff@example.org", today=TODAY
    )

    interactions = plan.rows["interactions"]
    assert [(row["date"], row["candidate_id"], row["visibility"]) for row in interactions] == [
        ("2026-11-02", JOSE, "coalition"),  # "Rep. José Núñez" is Jose Nunez
        ("2026-11-04", INES, "restricted"),  # Confidential? Yes
        ("2026-11-06", TOM, "restricted"),  # no answer: the default, restricted
        ("2026-11-09", ZOE, "restricted"),  # "maybe" cannot be read: restricted
    ]
    assert all(ID.match(row["id"]) and row["id"].startswith("int-") for row in interactions)
    first = interactions[0]
    assert first["takeaways"] == NOTES, "multi-line notes and Markdown are kept as typed"
    assert first["attendees"] == "Dana Okafor; Mei-Ling Sato"
    assert interactions[2]["takeaways"] == "=SUM(A1) was on his whiteboard"

    commitments = plan.rows["commitments"]
    assert [
        (row["interaction_id"], row["text"], row["status"], row["follow_up_by"], row["owner"])
        for row in commitments
    ] == [
        (first["id"], "Co-sponsor the housing fund", "kept", "2026-12-05", "Dana Okafor"),
        (first["id"], "Meet the tenants' union", "in_the_works", "2026-12-05", "Dana Okafor"),
        (
            interactions[1]["id"],
            "Ask the city attorney for a cost estimate",
            "stalled",
            "2026-12-12",
            "Jordan Ellison",
        ),
        (interactions[3]["id"], "Support the storefront fund", "broken", "2026-12-19", "Carla"),
        (interactions[3]["id"], "Tour Mill Street", "broken", "2026-12-19", "Carla"),
    ]
    assert [row["made_on"] for row in commitments[:2]] == ["2026-11-02", "2026-11-02"]
    assert [row["visibility"] for row in commitments] == [
        "coalition",
        "coalition",
        "restricted",
        "restricted",
        "restricted",
    ]
    assert [(u["commitment_id"], u["status"]) for u in plan.rows["updates"]] == [
        (row["id"], row["status"]) for row in commitments
    ]
    [entry] = plan.rows["audit"]
    assert entry["by"] == "staff@example.org" and "Meetings 2026.csv" in entry["detail"]

    assert plan.problems == [
        "Row 6: “Notes” starts with “=” like a spreadsheet formula (=SUM(A1) was on his "
        "whiteboard); it is imported as text exactly as typed and never calculated.",
        "Row 8 left out: “Meeting date” holds “next week”, which is not a date; write it like "
        "2026-11-23, 11/23/2026 or Nov 23, 2026.",
        "Row 9 left out: no candidate called “Priya Shah” in the tracker; say in the mapping "
        "whether to add it or which one it is.",
        "Row 10: “Confidential?” holds “maybe”, which the mapping does not say how to share; "
        "the row is imported as restricted (staff and its author only).",
    ]
    assert plan.counts == {"new": 4, "already imported": 0, "left out": 2}
    assert [row for row, _ in plan.skipped] == [8, 9]
    assert plan.unknown == {"candidates": ["Priya Shah"], "partners": [], "issues": []}
    assert plan.mapping["names"]["candidates"] == {"Priya Shah": None}


def test_meeting_tracker_applied_then_imported_again_adds_only_new_rows(store: SqlStore) -> None:
    plan = plan_import(meetings_frame(), "reports", tables_of(store), today=TODAY)
    apply(store, plan)
    stored = tables_of(store)
    assert set(by_id(plan.rows["interactions"])) <= set(stored["interactions"]["id"])
    kept = stored["commitments"].set_index("id").loc[plan.rows["commitments"][0]["id"]]
    assert (kept["status"], kept["follow_up_by"], kept["candidate_id"]) == (
        "kept",
        "2026-12-05",
        JOSE,
    )
    assert (
        stored["interactions"].set_index("id").loc[plan.rows["interactions"][0]["id"]]["takeaways"]
        == NOTES
    )

    again = plan_import(meetings_frame(), "reports", stored, today=TODAY)
    assert again.rows == {}
    assert again.counts == {"new": 0, "already imported": 4, "left out": 2}

    grown = plan_import(meetings_frame(MEETINGS + MORE_MEETINGS), "reports", stored, today=TODAY)
    assert [(r["candidate_id"], r["date"]) for r in grown.rows["interactions"]] == [
        (LINDA, "2026-11-20"),
        (JOSE, "2026-11-21"),
    ]
    assert [(r["text"], r["status"]) for r in grown.rows["commitments"]] == [
        ("Hold a hearing", "in_the_works")
    ]
    assert grown.counts == {"new": 2, "already imported": 4, "left out": 2}
    assert [row for row, _ in grown.skipped] == [8, 9]


def test_an_unknown_candidate_comes_in_once_the_mapping_says_to_add_them(store: SqlStore) -> None:
    tables = tables_of(store)
    first = plan_import(meetings_frame(), "reports", tables, today=TODAY)
    apply(store, first)
    mapping = json.loads(json.dumps(first.mapping))
    mapping["names"]["candidates"]["Priya Shah"] = "create"

    plan = plan_import(meetings_frame(), "reports", tables_of(store), mapping, today=TODAY)
    [new] = plan.rows["candidates"]
    assert new["name"] == "Priya Shah" and ID.match(new["id"])
    [report] = plan.rows["interactions"]
    assert (report["candidate_id"], report["date"]) == (new["id"], "2026-11-07")
    assert plan.counts == {"new": 1, "already imported": 4, "left out": 1}

    # Or say who it is: the row is filed under that candidate, and nobody is added.
    mapping["names"]["candidates"]["Priya Shah"] = "cand-e5121482"  # Priya Raman
    plan = plan_import(meetings_frame(), "reports", tables_of(store), mapping, today=TODAY)
    assert "candidates" not in plan.rows
    assert plan.rows["interactions"][0]["candidate_id"] == "cand-e5121482"

    # Or leave the row out on purpose: said, and not listed as undecided.
    mapping["names"]["candidates"]["Priya Shah"] = "ignore"
    plan = plan_import(meetings_frame(), "reports", tables_of(store), mapping, today=TODAY)
    assert (9, "the mapping leaves “Priya Shah” out.") in plan.skipped
    assert plan.unknown["candidates"] == []


def test_a_value_the_mapping_does_not_cover_holds_the_row_back(store: SqlStore) -> None:
    mapping = suggest_mapping(meetings_frame(), "reports")
    del mapping["values"]["status"]["✔"]
    plan = plan_import(meetings_frame(), "reports", tables_of(store), mapping, today=TODAY)
    assert (
        "Row 4 left out: “Status” holds “✔”, which the mapping does not say how to read (as one "
        "of: Not yet rated, In the works, Stalled, Promise kept, Compromise, Promise broken)."
    ) in plan.problems
    assert plan.mapping["values"]["status"]["✔"] is None, "listed for the user to decide"
    assert JOSE not in {row["candidate_id"] for row in plan.rows["interactions"]}
    # A contract word ("broken") is read as the contract says, map or not.
    del mapping["values"]["status"]["broken"]
    plan = plan_import(meetings_frame(), "reports", tables_of(store), mapping, today=TODAY)
    assert plan.mapping["values"]["status"]["broken"] == "broken"


# --- 2. a Google Form's responses -------------------------------------------------------------

Q_CANDIDATE = "Which candidate did you meet with?"
Q_HOUSING = "Where does the candidate stand on the Affordable housing fund?"
Q_COUNSEL = "Do they support tenant right to counsel?"
FORM_HEADER = [
    "Timestamp",
    "Email address",
    Q_CANDIDATE,
    "What type of meeting was it?",
    "Which partner organizations were there?",
    "Key takeaways",
    "What did the candidate commit to? (one per line)",
    Q_HOUSING,
    Q_COUNSEL,
    "What follow-up is needed?",
    "Should this report be kept confidential?",
]
FORM = [
    FORM_HEADER,
    [
        "11/23/2026 14:05:33",
        "dana@example.org",
        "Marcus Bell",
        "Phone call",
        "Riverton Main Street Business Alliance, Lake County Nurses United, Local 214",
        "Supportive overall.",
        "Attend the housing forum",
        "Leaning yes",
        "Undecided",
        "Send the cost study\nInvite him to the forum",
        "No",
    ],
    [
        "11/24/2026 9:12:45",
        "jordan@example.org",
        "Mayor Linda Kowalczyk",
        "1:1",
        "Common Ground Housing Collaborative",
        "Tense.",
        "",
        "Oppose",
        "Strongly oppose",
        "",
        "Yes",
    ],
    [
        "11/25/2026 10:00:00",
        "mei@example.org",
        "Zoe Halvorsen",
        "Coffee",
        "Riverton Parents",
        "Friendly.",
        "",
        "Yes",
        "",
        "",
        "No",
    ],
]
MORE_FORM = [
    ["11/27/2026 16:30:00", "dana@example.org", "Nguyen Thao", "Town hall", "", "Big crowd.", "",
     "", "Support", "", "No"],
    ["11/28/2026 08:00:00", "mei@example.org", "Ines Marquez", "Site visit", "", "Toured.", "",
     "Strongly support", "", "", "No"],
]  # fmt: skip


def form_frame(rows: list[list[str]] = FORM) -> pd.DataFrame:
    return read_source("Form Responses 1.csv", csv_bytes(rows))


def test_form_responses_suggest_a_mapping_from_question_headers(store: SqlStore) -> None:
    mapping = suggest_mapping(form_frame(), "reports", tables_of(store))
    assert mapping["columns"] == {
        "Timestamp": "date",  # the Form's only date
        "Email address": "reported_by",
        Q_CANDIDATE: "candidate",
        "What type of meeting was it?": "kind",
        "Which partner organizations were there?": "partner",
        "Key takeaways": "takeaways",
        "What did the candidate commit to? (one per line)": "commitment",
        Q_HOUSING: f"position:{HOUSING}",
        Q_COUNSEL: f"position:{COUNSEL}",
        "What follow-up is needed?": "action",
        "Should this report be kept confidential?": "visibility",
    }
    assert mapping["values"]["stance"] == {
        "Leaning yes": "supports",
        "Oppose": "opposes",
        "Yes": "supports",
        "Undecided": "undecided",
        "Strongly oppose": "strongly_opposes",
    }
    assert mapping["values"]["kind"] == {
        "Phone call": "call",
        "1:1": "one_on_one",
        "Coffee": "one_on_one",
    }


def test_form_responses_plan_reports_positions_and_actions(store: SqlStore) -> None:
    plan = plan_import(
        form_frame(), "reports", tables_of(store), author="staff@example.org", today=TODAY
    )
    interactions = plan.rows["interactions"]
    assert [
        (
            r["date"],
            r["candidate_id"],
            r["kind"],
            r["partner_ids"],
            r["reported_by"],
            r["visibility"],
        )
        for r in interactions
    ] == [
        ("2026-11-23", MARCUS, "call", [BUSINESS, NURSES_UNION], "dana@example.org", "coalition"),
        ("2026-11-24", LINDA, "one_on_one", [COMMON_GROUND], "jordan@example.org", "restricted"),
    ]
    marcus, linda = (row["id"] for row in interactions)
    assert [(p["interaction_id"], p["issue_id"], p["stance"], p["as_of"], p["visibility"])
            for p in plan.rows["positions"]] == [
        (marcus, HOUSING, "supports", "2026-11-23", "coalition"),
        (marcus, COUNSEL, "undecided", "2026-11-23", "coalition"),
        (linda, HOUSING, "opposes", "2026-11-24", "restricted"),
        (linda, COUNSEL, "strongly_opposes", "2026-11-24", "restricted"),
    ]  # fmt: skip
    assert [(a["title"], a["interaction_id"], a["candidate_id"]) for a in plan.rows["actions"]] == [
        ("Send the cost study", marcus, MARCUS),
        ("Invite him to the forum", marcus, MARCUS),
    ]
    [commitment] = plan.rows["commitments"]
    assert (commitment["text"], commitment["status"]) == (
        "Attend the housing forum",
        "not_yet_rated",
    )
    assert plan.problems == [
        "Row 4 left out: no partner organisation called “Riverton Parents” in the tracker; say "
        "in the mapping whether to add it or which one it is."
    ]
    assert plan.unknown["partners"] == ["Riverton Parents"]


def test_form_responses_import_once_and_then_only_new_responses(store: SqlStore) -> None:
    plan = plan_import(form_frame(), "reports", tables_of(store), today=TODAY)
    mapping = json.loads(json.dumps(plan.mapping))
    assert (
        plan_import(form_frame(), "reports", tables_of(store), mapping, today=TODAY).rows
        == plan.rows
    ), "the mapping, saved as JSON and given back, plans the same rows"
    apply(store, plan)
    assert plan_import(form_frame(), "reports", tables_of(store), mapping, today=TODAY).rows == {}

    mapping["names"]["partners"]["Riverton Parents"] = PARENTS
    grown = plan_import(
        form_frame(FORM + MORE_FORM), "reports", tables_of(store), mapping, today=TODAY
    )
    assert [(r["candidate_id"], r["date"], r["kind"]) for r in grown.rows["interactions"]] == [
        (ZOE, "2026-11-25", "one_on_one"),  # decided since: Riverton Parents is a partner
        (NGUYEN, "2026-11-27", "town_hall"),
        (INES, "2026-11-28", "site_visit"),
    ]
    assert grown.rows["interactions"][0]["partner_ids"] == [PARENTS]
    assert grown.counts == {"new": 3, "already imported": 2, "left out": 0}
    # "Support" was not in the saved map, but it is the contract's own word for supports.
    assert [(r["candidate_id"], r["stance"]) for r in grown.rows["positions"]] == [
        (ZOE, "supports"),
        (NGUYEN, "supports"),
        (INES, "strongly_supports"),
    ]


# --- 3. a candidates × issues matrix ---------------------------------------------------------

MATRIX = [
    [None, "AFFORDABLE HOUSING FUND", "Tenant right-to-counsel", "Safe nurse staffing?",
     "Rent control"],
    ["Inés Márquez", "Yes", "Leaning yes", None, "Strongly support"],
    ["Sen. Tom Whitaker", "No", "Oppose", "Undecided", "N/A"],
    ["NGUYEN THAO", "Support", "?", "", ""],
]  # fmt: skip
MORE_MATRIX = [
    ["Marcus Bell", "Yes", "", "", ""],
    ["Linda Kowalczyk", "", "Strongly oppose", "", ""],
]


def matrix_frame(rows: list[list[object]] = MATRIX) -> pd.DataFrame:
    return read_source("stances.xlsx", xlsx_bytes(rows, "Stances"), sheet="Stances")


def test_stance_matrix_is_recognised(store: SqlStore) -> None:
    mapping = suggest_mapping(matrix_frame(), "positions", tables_of(store))
    assert mapping["layout"] == "matrix"
    assert mapping["columns"] == {
        "Column A": "candidate",
        "AFFORDABLE HOUSING FUND": f"position:{HOUSING}",
        "Tenant right-to-counsel": f"position:{COUNSEL}",
        "Safe nurse staffing?": f"position:{NURSES}",
        "Rent control": "position:Rent control",
    }
    assert mapping["values"]["stance"] == {
        "Yes": "supports",
        "No": "opposes",
        "Support": "supports",
        "Leaning yes": "supports",
        "Oppose": "opposes",
        "?": "unknown",
        "Undecided": "undecided",
        "Strongly support": "strongly_supports",
    }


def test_stance_matrix_plans_positions_and_waits_for_an_unknown_issue(store: SqlStore) -> None:
    plan = plan_import(matrix_frame(), "positions", tables_of(store), today=TODAY)
    assert [(p["candidate_id"], p["issue_id"], p["stance"]) for p in plan.rows["positions"]] == [
        (TOM, HOUSING, "opposes"),
        (TOM, COUNSEL, "opposes"),
        (TOM, NURSES, "undecided"),
        (NGUYEN, HOUSING, "supports"),
        (NGUYEN, COUNSEL, "unknown"),
    ]
    assert {(p["as_of"], p["visibility"], p["interaction_id"]) for p in plan.rows["positions"]} == {
        (TODAY.isoformat(), "restricted", "")
    }
    assert plan.problems == [
        "Row 2 left out: no issue called “Rent control” in the tracker; say in the mapping "
        "whether to add it or which one it is."
    ]
    assert plan.unknown["issues"] == ["Rent control"]

    mapping = json.loads(json.dumps(plan.mapping))
    mapping["names"]["issues"]["Rent control"] = "create"
    mapping["defaults"]["date"] = "Nov 1, 2026"
    mapping["defaults"]["visibility"] = "coalition"
    plan = plan_import(matrix_frame(), "positions", tables_of(store), mapping, today=TODAY)
    [issue] = plan.rows["issues"]
    assert issue["name"] == "Rent control" and issue["id"].startswith("iss-")
    ines = [
        (p["issue_id"], p["stance"]) for p in plan.rows["positions"] if p["candidate_id"] == INES
    ]
    assert ines == [
        (HOUSING, "supports"),
        (COUNSEL, "supports"),
        (issue["id"], "strongly_supports"),
    ]
    assert {(p["as_of"], p["visibility"]) for p in plan.rows["positions"]} == {
        ("2026-11-01", "coalition")
    }


def test_stance_matrix_applied_then_grown_plans_only_the_new_candidates(store: SqlStore) -> None:
    mapping = suggest_mapping(matrix_frame(), "positions", tables_of(store))
    mapping["names"]["issues"]["Rent control"] = "create"
    plan = plan_import(matrix_frame(), "positions", tables_of(store), mapping, today=TODAY)
    apply(store, plan)
    stored = tables_of(store)
    assert set(by_id(plan.rows["positions"])) <= set(stored["positions"]["id"])
    assert "Rent control" in set(stored["issues"]["name"])

    assert plan_import(matrix_frame(), "positions", stored, mapping, today=TODAY).rows == {}
    grown = plan_import(
        matrix_frame(MATRIX + MORE_MATRIX), "positions", stored, mapping, today=TODAY
    )
    assert [(p["candidate_id"], p["issue_id"], p["stance"]) for p in grown.rows["positions"]] == [
        (MARCUS, HOUSING, "supports"),
        (LINDA, COUNSEL, "strongly_opposes"),
    ]
    assert grown.counts == {"new": 2, "already imported": 3, "left out": 0}


# --- the other kinds --------------------------------------------------------------------------


def test_a_commitments_sheet_plans_commitments_with_their_first_status(store: SqlStore) -> None:
    rows = [
        ["Candidate", "Commitment", "Promise kept?", "Issue", "Owner", "Follow-up date", "Date"],
        ["Rep. Jose Nunez", "Co-sponsor the fund", "Done", "Affordable housing fund", "Dana",
         "1/15/2027", "11/02/2026"],
        ["Marcus Bell", "Meet tenants", "In progress", "", "", "", ""],
        ["Marcus Bell", "Fund transit", "In progress", "Transit", "", "", ""],
    ]  # fmt: skip
    frame = read_source("commitments.csv", csv_bytes(rows))
    plan = plan_import(frame, "commitments", tables_of(store), today=TODAY)
    assert plan.mapping["columns"] == {
        "Candidate": "candidate",
        "Commitment": "commitment",
        "Promise kept?": "status",
        "Issue": "issue",
        "Owner": "owner",
        "Follow-up date": "follow_up_by",
        "Date": "date",
    }
    assert [
        (c["candidate_id"], c["text"], c["status"], c["issue_id"], c["follow_up_by"], c["made_on"])
        for c in plan.rows["commitments"]
    ] == [
        (JOSE, "Co-sponsor the fund", "kept", HOUSING, "2027-01-15", "2026-11-02"),
        (MARCUS, "Meet tenants", "in_the_works", "", "", ""),
    ]
    assert {c["interaction_id"] for c in plan.rows["commitments"]} == {""}
    assert [(u["date"], u["status"]) for u in plan.rows["updates"]] == [
        ("2026-11-02", "kept"),
        (TODAY.isoformat(), "in_the_works"),
    ]
    assert plan.problems == [
        "Row 4 left out: no issue called “Transit” in the tracker; say in the mapping whether "
        "to add it or which one it is."
    ]
    apply(store, plan)
    assert plan_import(frame, "commitments", tables_of(store), plan.mapping, today=TODAY).rows == {}


def test_candidate_and_partner_lists_add_only_who_is_not_in_the_tracker(store: SqlStore) -> None:
    candidates = read_source(
        "candidates.csv",
        csv_bytes(
            [
                ["Candidate name", "Office", "District", "Party", "Incumbent?", "Election date"],
                ["Ines Marquez", "City Council", "3", "", "yes", "11/3/2026"],
                ["Dana Wu", "City Council", "03", "Green", "no", "Nov 3, 2026"],
                ["dana  wu", "City Council", "03", "", "", ""],
            ]
        ),
    )
    plan = plan_import(candidates, "candidates", tables_of(store), today=TODAY)
    [dana] = plan.rows["candidates"]
    assert {k: dana[k] for k in ("name", "district", "party", "incumbent", "election_date")} == {
        "name": "Dana Wu",
        "district": "03",  # text as typed: a leading zero stays
        "party": "Green",
        "incumbent": False,
        "election_date": "2026-11-03",
    }
    assert plan.counts == {"new": 1, "already imported": 1, "left out": 1}
    assert plan.problems == ["Row 4 left out: the same candidate as row 3."]

    partners = read_source(
        "partners.csv",
        csv_bytes(
            [
                ["Organization", "Type", "Strengths", "Contact", "Email"],
                ["Lake County Nurses United Local 214", "union", "", "", ""],
                [
                    "Eastside Tenants Union",
                    "union",
                    "grassroots turnout; legal expertise",
                    "Ana Ruiz",
                    "ana@example.org",
                ],
            ]  # fmt: skip
        ),
    )
    plan = plan_import(partners, "partners", tables_of(store), today=TODAY)
    [union] = plan.rows["partners"]
    assert (union["name"], union["strengths"], union["contact_email"]) == (
        "Eastside Tenants Union",
        ["grassroots turnout", "legal expertise"],
        "ana@example.org",
    )
    apply(store, plan)
    assert plan_import(partners, "partners", tables_of(store), today=TODAY).counts["new"] == 0


def test_positions_as_rows_of_candidate_issue_and_stance(store: SqlStore) -> None:
    rows = [
        ["Candidate", "Issue", "Stance", "Evidence", "As of", "Confidential"],
        ["Marcus Bell", "Universal pre-K", "Strongly support", "Said so at the forum",
         "10/30/2026", "no"],
        ["Marcus Bell", "Safe nurse staffing", "", "", "", ""],
    ]  # fmt: skip
    frame = read_source("positions.csv", csv_bytes(rows))
    plan = plan_import(frame, "positions", tables_of(store), today=TODAY)
    assert plan.mapping["layout"] == "rows"
    [position] = plan.rows["positions"]
    assert (position["issue_id"], position["stance"], position["as_of"]) == (
        PRE_K,
        "strongly_supports",
        "2026-10-30",
    )
    assert (position["evidence"], position["visibility"]) == ("Said so at the forum", "coalition")
    assert plan.skipped == [(3, "no stance is given.")]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n"])
def test_an_empty_file_says_so(data: bytes) -> None:
    with pytest.raises(SourceError, match="^“blank.csv” is empty: there is nothing to import.$"):
        read_source("blank.csv", data)


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object) -> None:
        raise AssertionError("a file over the limit was parsed")

    monkeypatch.setattr(source_module, "_csv_grid", never)
    monkeypatch.setattr(source_module, "_xlsx_grid", never)
    big = (b"Date,Candidate\n" + b"11/02/2026,Marcus Bell\n" * 2_300_000)[: 50 * 1024 * 1024]
    with pytest.raises(SourceError) as refused:
        read_source("everything.csv", big)
    assert str(refused.value) == (
        "“everything.csv” is 50.0 MB; files up to 20 MB can be imported. Remove the columns "
        "and rows you do not need, or split it into several files."
    )
    assert MAX_SOURCE_BYTES == 20 * 1024 * 1024


def _zip_of_text() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "“photo.csv” is a PNG image, not a"),
        ("minutes.xlsx", b"%PDF-1.7\n%...", "“minutes.xlsx” is a PDF document, not a"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "an old-style Excel"),
        ("archive.xlsx", _zip_of_text(), "“archive.xlsx” is not an Excel workbook."),
        ("data.csv", bytes(range(256)) * 8, "“data.csv” does not look like a spreadsheet."),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_says_what_it_is(
    name: str, data: bytes, says: str
) -> None:
    with pytest.raises(SourceError) as refused:
        read_source(name, data)
    assert says in str(refused.value)
    assert "Save it as .xlsx or .csv" in str(refused.value)


def test_a_sheet_with_no_header_near_the_top_says_what_is_expected() -> None:
    with pytest.raises(SourceError) as refused:
        read_source("blank-top.csv", b"\r\n" * 25 + b"Date,Candidate\r\n")
    assert str(refused.value) == (
        "The first 20 rows are blank. Put the column headings (such as Date, Candidate, Notes) "
        "in the first row and the data under them."
    )


def test_a_tab_read_with_its_title_as_header_still_numbers_rows_as_the_sheet(
    store: SqlStore,
) -> None:
    grid = [list(row) for row in MEETINGS]
    frame = pd.DataFrame(grid[1:], columns=grid[0])  # a title row read as the header
    plan = plan_import(frame, "reports", tables_of(store), today=TODAY)
    assert [row for row, _ in plan.skipped] == [8, 9]
    assert plan.notices[0].startswith("The header was found on row 3")
    assert len(plan.rows["interactions"]) == 4


def test_repeated_headers_are_both_kept_and_told_apart(store: SqlStore) -> None:
    rows = [
        ["Date", "Candidate", "Notes", "Notes", ""],
        ["11/02/2026", "Marcus Bell", "Before: wary", "After: warmer", ""],
    ]
    frame = read_source("twice.csv", csv_bytes(rows))
    assert list(frame.columns) == ["Date", "Candidate", "Notes", "Notes (2)"]
    assert frame.attrs["notices"] == [
        "Two columns are headed “Notes”; the one in column D is called “Notes (2)” here, "
        "so both are kept."
    ]
    plan = plan_import(frame, "reports", tables_of(store), today=TODAY)
    assert plan.rows["interactions"][0]["takeaways"] == (
        "Notes:\nBefore: wary\n\nNotes (2):\nAfter: warmer"
    )
    # A frame handed over with the same header twice is told apart the same way.
    same = pd.DataFrame([rows[1][:4]], columns=rows[0][:4])
    assert (
        plan_import(same, "reports", tables_of(store), today=TODAY).rows["interactions"][0][
            "takeaways"
        ]
        == plan.rows["interactions"][0]["takeaways"]
    )


def test_formula_like_cells_are_said_and_stored_exactly_as_typed(store: SqlStore) -> None:
    rows = [
        ["Date", "Candidate", "Who went", "Notes", "Next steps", "Owner"],
        ["11/02/2026", "Marcus Bell", "@dana", '=HYPERLINK("http://x")', "+1 call back", "-Dana"],
        ["11/03/2026", "Marcus Bell", "", "- a bullet, not a formula", "", ""],
    ]
    plan = plan_import(
        read_source("risky.csv", csv_bytes(rows)), "reports", tables_of(store), today=TODAY
    )
    said = [problem.split(";")[0] for problem in plan.problems]
    assert said == [
        "Row 2: “Who went” starts with “@” like a spreadsheet formula (@dana)",
        'Row 2: “Notes” starts with “=” like a spreadsheet formula (=HYPERLINK("http://x"))',
        "Row 2: “Next steps” starts with “+” like a spreadsheet formula (+1 call back)",
        "Row 2: “Owner” starts with “-” like a spreadsheet formula (-Dana)",
    ]
    apply(store, plan)
    stored = tables_of(store)
    interaction = stored["interactions"].set_index("id").loc[plan.rows["interactions"][0]["id"]]
    assert (interaction["attendees"], interaction["takeaways"]) == ("@dana", rows[1][3])
    [action] = [a for a in stored["actions"].to_dict("records") if a["title"] == "+1 call back"]
    assert action["owner"] == "-Dana"


def test_an_xlsx_formula_shows_its_value_or_stays_text(store: SqlStore) -> None:
    data = xlsx_bytes(
        [
            ["Date", "Candidate", "Notes", "Follow up by"],
            [date(2026, 11, 2), "Marcus Bell", "=SUM(1,2)", "12/05/2026"],
        ]
    )
    frame = read_source("formulas.xlsx", data)
    assert frame.iloc[0].tolist() == ["2026-11-02", "Marcus Bell", "=SUM(1,2)", "12/05/2026"]
    assert frame.attrs["notices"] == [
        "Column C holds formulas (row 2); the values they last showed are imported, and a "
        "formula never calculated is kept as its text."
    ]
    with pytest.raises(SourceError, match="has no sheet called “Responses”; its sheets are"):
        read_source("formulas.xlsx", data, sheet="Responses")


def test_a_semicolon_csv_from_windows_excel_is_read() -> None:
    text = "Datum;Candidate;Notes\r\n02.11.2026;Inés Márquez;Café talk\r\n"
    frame = read_source("export.csv", text.encode("cp1252"))
    assert list(frame.columns) == ["Datum", "Candidate", "Notes"]
    assert frame.iloc[0].tolist() == ["02.11.2026", "Inés Márquez", "Café talk"]


def test_a_cell_over_a_sheet_cells_limit_holds_back_only_its_row(store: SqlStore) -> None:
    rows = [
        ["Date", "Candidate", "Notes"],
        ["11/02/2026", "Marcus Bell", "x" * 50_001],
        ["11/03/2026", "Marcus Bell", "fine"],
    ]
    plan = plan_import(
        read_source("long.csv", csv_bytes(rows)), "reports", tables_of(store), today=TODAY
    )
    assert [row["takeaways"] for row in plan.rows["interactions"]] == ["fine"]
    assert plan.problems == [
        "Row 2 left out: Takeaways is 50,001 characters long; a cell holds at most 50,000. "
        "Shorten it."
    ]


def test_nothing_is_planned_when_no_column_names_the_candidate(store: SqlStore) -> None:
    rows = [["When", "Notes"], ["11/02/2026", "Met someone"]]
    plan = plan_import(
        read_source("vague.csv", csv_bytes(rows)), "reports", tables_of(store), today=TODAY
    )
    assert plan.rows == {}
    assert plan.notices == [
        "Nothing can be imported: no column is mapped to Candidate. Choose those columns in "
        "the mapping."
    ]
    assert plan.skipped == [(2, "no column is mapped to Candidate")]
    with pytest.raises(ValueError, match="There is no 'meetings' import"):
        plan_import(frame_from_grid(rows), "meetings", tables_of(store), today=TODAY)


def test_a_meeting_not_held_yet_and_an_ambiguous_name_are_left_out(store: SqlStore) -> None:
    store.append("candidates", [{"name": "Dana Wu"}, {"name": "DANA WU", "office": "Mayor"}])
    rows = [
        ["Date", "Candidate", "Notes"],
        ["12/15/2026", "Marcus Bell", "Scheduled: coffee"],
        ["11/02/2026", "Councilmember Dana Wu", "Which one?"],
    ]
    plan = plan_import(
        read_source("log.csv", csv_bytes(rows)), "reports", tables_of(store), today=TODAY
    )
    assert plan.rows == {}
    assert plan.problems == [
        "Row 2 left out: the meeting date 2026-12-15 is after today: it has not happened yet.",
        "Row 3 left out: “Councilmember Dana Wu” matches 2 candidates of that name; say in the "
        "mapping which.",
    ]
    assert plan.unknown["candidates"] == ["Councilmember Dana Wu"]


def test_the_mapping_can_say_a_sheet_is_a_matrix(store: SqlStore) -> None:
    rows = [["Name", "Stance", "Affordable housing fund"], ["Marcus Bell", "", "Oppose"]]
    frame = read_source("odd.csv", csv_bytes(rows))
    assert suggest_mapping(frame, "positions")["layout"] == "rows"
    mapping = suggest_mapping(frame, "positions", tables_of(store), layout="matrix")
    assert mapping["columns"] == {
        "Name": "candidate",
        "Stance": "position:Stance",
        "Affordable housing fund": f"position:{HOUSING}",
    }
    plan = plan_import(frame, "positions", tables_of(store), {"layout": "matrix"}, today=TODAY)
    assert [(p["issue_id"], p["stance"]) for p in plan.rows["positions"]] == [(HOUSING, "opposes")]
