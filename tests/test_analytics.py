"""The coalition's questions, answered by pure functions on small crafted tables."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from lib import analytics, charts, export, insights, schema

TODAY = date(2026, 11, 23)


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A table as the store returns it, from only the columns a test cares about (records seen
    by the whole coalition unless a test says otherwise)."""
    if schema.table(table).has("visibility"):
        rows = [{"visibility": "coalition", **row} for row in rows]
    return schema.normalise(table, pd.DataFrame(rows, dtype=object).fillna(""))


CANDIDATES = frame(
    "candidates",
    [
        {"id": "c1", "name": "Alma Reyes", "office": "Mayor", "district": ""},
        {"id": "c2", "name": "Ben Ortiz", "office": "City Council", "district": "03"},
    ],
)
ISSUES = frame("issues", [{"id": "i1", "name": "Housing"}, {"id": "i2", "name": "Transit"}])


def commitments() -> pd.DataFrame:
    return frame(
        "commitments",
        [
            {
                "id": "k1",
                "candidate_id": "c1",
                "issue_id": "i1",
                "status": "in_the_works",
                "follow_up_by": "2026-11-01",
                "owner": "Jo",
                "text": "Fund the trust",
                "interaction_id": "n1",
            },
            {
                "id": "k2",
                "candidate_id": "c1",
                "issue_id": "i2",
                "status": "kept",
                "follow_up_by": "2026-11-01",
                "owner": "Sam",
                "text": "Ride the bus",
            },
            {
                "id": "k3",
                "candidate_id": "c2",
                "issue_id": "i1",
                "status": "stalled",
                "follow_up_by": "2026-11-30",
                "owner": "Jo",
                "text": "Hold a hearing",
                "interaction_id": "n2",
            },
            {
                "id": "k4",
                "candidate_id": "c2",
                "issue_id": "i2",
                "status": "not_yet_rated",
                "follow_up_by": "",
                "owner": "",
                "text": "Visit the depot",
            },
            {
                "id": "k5",
                "candidate_id": "c2",
                "issue_id": "i2",
                "status": "broken",
                "follow_up_by": "2026-12-25",
                "owner": "Sam",
                "text": "Fund night buses",
                "visibility": "restricted",
            },
        ],
    )


def test_overdue_means_open_and_past_its_follow_up_date() -> None:
    overdue = analytics.is_overdue(commitments(), TODAY)
    assert list(commitments()[overdue]["id"]) == ["k1"]  # k2 is past too, but kept


def test_due_windows() -> None:
    table = commitments()
    assert list(table[analytics.due_window(table, "next_14_days", TODAY)]["id"]) == ["k3"]
    assert list(table[analytics.due_window(table, "no_date", TODAY)]["id"]) == ["k4"]


def test_filters_combine_across_fields_and_any_within_one() -> None:
    table = commitments()
    interactions = frame(
        "interactions", [{"id": "n1", "partner_ids": "p1; p2"}, {"id": "n2", "partner_ids": "p3"}]
    )

    def ids(**chosen: object) -> list[str]:
        filters = analytics.CommitmentFilters(**chosen)
        return list(analytics.filter_commitments(table, filters, TODAY, interactions)["id"])

    assert ids() == ["k1", "k2", "k3", "k4", "k5"]
    assert ids(candidates=["c2"], issues=["i2"]) == ["k4", "k5"]
    assert ids(statuses=["kept", "broken"]) == ["k2", "k5"]
    assert ids(owners=["Jo"], due=["overdue", "next_14_days"]) == ["k1", "k3"]
    assert ids(partners=["p2"]) == ["k1"]
    assert ids(visibilities=["restricted"]) == ["k5"]
    assert ids(search="FUND") == ["k1", "k5"]


def test_status_tally_counts_each_candidate_in_scale_order() -> None:
    tally = analytics.status_tally(commitments(), analytics.names(CANDIDATES))
    assert list(tally.columns) == list(schema.COMMITMENT_STATUS.values)
    assert tally.loc["Ben Ortiz"].to_dict() == {
        "not_yet_rated": 1,
        "in_the_works": 0,
        "stalled": 1,
        "kept": 0,
        "compromise": 0,
        "broken": 1,
    }
    assert list(tally.index) == ["Alma Reyes", "Ben Ortiz"]  # fewest first: bars read top-down


POSITIONS = frame(
    "positions",
    [
        {
            "id": "p1",
            "candidate_id": "c1",
            "issue_id": "i1",
            "stance": "opposes",
            "as_of": "2026-03-01",
            "interaction_id": "n1",
            "created_at": "2026-03-01T10:00:00+00:00",
        },
        {
            "id": "p2",
            "candidate_id": "c1",
            "issue_id": "i1",
            "stance": "supports",
            "as_of": "2026-05-02",
            "interaction_id": "n2",
            "created_at": "2026-05-02T10:00:00+00:00",
        },
        {
            "id": "p3",
            "candidate_id": "c1",
            "issue_id": "i1",
            "stance": "supports",
            "as_of": "2026-06-01",
            "created_at": "2026-06-01T10:00:00+00:00",
        },
        {
            "id": "p4",
            "candidate_id": "c2",
            "issue_id": "i2",
            "stance": "unknown",
            "as_of": "2026-04-01",
            "created_at": "2026-04-01T10:00:00+00:00",
        },
    ],
)
INTERACTIONS = frame(
    "interactions", [{"id": "n1", "kind": "one_on_one"}, {"id": "n2", "kind": "forum"}]
)


def test_the_current_stance_is_the_latest_observation() -> None:
    current = analytics.current_stances(POSITIONS).set_index("id")
    assert sorted(current.index) == ["p3", "p4"]


def test_shifts_are_stated_in_words_with_their_source() -> None:
    [shift] = analytics.stance_shifts(POSITIONS, INTERACTIONS)
    assert (shift.candidate_id, shift.issue_id) == ("c1", "i1")
    assert (
        shift.sentence() == "moved from opposes to supports on 2026-05-02, per a candidate "
        "forum report"
    )


def test_the_matrix_tells_unknown_from_never_observed() -> None:
    matrix = analytics.positions_matrix(CANDIDATES, ISSUES, POSITIONS)
    assert matrix.to_dict() == {
        "Housing": {"Alma Reyes": "supports", "Ben Ortiz": ""},
        "Transit": {"Alma Reyes": "", "Ben Ortiz": "unknown"},
    }
    chart = charts.positions_heatmap(matrix)
    cells = {(cell["candidate_name"], cell["issue_name"]): cell for cell in chart["data"]["values"]}
    grid = [[cells[(candidate, issue)] for issue in matrix.columns] for candidate in matrix.index]
    assert [[cell["word"] for cell in row] for row in grid] == [
        ["Supports", charts.NO_RECORD],
        [charts.NO_RECORD, "Unknown"],
    ]
    boxes, words = chart["layer"]
    assert words["encoding"]["text"] == {"field": "word"}  # every cell says its stance in words
    # Each cell's words in the colour its data names: white on dark blue, ink on the pale ones,
    # always at least 4.5:1 on the cell.
    assert words["encoding"]["color"] == {"field": "ink", "type": "nominal", "scale": None}
    for cell in chart["data"]["values"]:
        fill = charts.STANCE_COLOURS[cell["stance"]]
        assert charts.contrast(cell["ink"], fill) >= 4.5, (cell["stance"], cell["ink"])
    assert {cell["ink"] for cell in (grid[0][0], grid[0][1], grid[1][0], grid[1][1])} == {
        charts.INK
    }
    assert charts.text_colour(charts.STANCE_COLOURS["strongly_supports"]) == "#ffffff"
    colour = boxes["encoding"]["color"]
    assert colour["field"] == "stance"
    colour_of = dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True))
    assert colour_of[grid[0][0]["stance"]] == charts.STANCE_COLOURS["supports"]
    assert colour_of[grid[1][1]["stance"]] == charts.STANCE_COLOURS["unknown"]
    assert colour_of[grid[0][1]["stance"]] == charts.STANCE_COLOURS[""]
    assert colour_of[grid[1][0]["stance"]] == charts.STANCE_COLOURS[""]
    assert charts.STANCE_COLOURS["unknown"] != charts.STANCE_COLOURS["undecided"]


def test_status_bars_label_every_segment_with_its_count() -> None:
    tally = analytics.status_tally(commitments(), analytics.names(CANDIDATES))
    chart = charts.status_bars(tally)
    bar, counts, words = chart["layer"]
    colour = bar["encoding"]["color"]
    assert colour["field"] == "status" and colour["legend"] is not None
    assert colour["scale"]["domain"] == [
        schema.COMMITMENT_STATUS.label(status) for status in schema.COMMITMENT_STATUS.values
    ]
    assert colour["scale"]["range"] == [
        charts.STATUS_COLOURS[status] for status in schema.COMMITMENT_STATUS.values
    ]
    assert counts["mark"]["type"] == "text" and counts["encoding"]["text"] == {"field": "count"}
    assert counts["encoding"]["x"]["field"] == "middle"
    # Under each bar, its statuses in words, in the order of its segments: readable without
    # telling the colours apart.
    assert words["mark"]["type"] == "text" and words["encoding"]["text"] == {"field": "words"}
    said = {s["candidate_name"]: s["words"] for s in chart["data"]["values"] if s["words"]}
    assert said["Ben Ortiz"].replace("\n", " · ") == "1 not yet rated · 1 stalled · 1 broken"
    for status in schema.COMMITMENT_STATUS.values:
        fill = charts.STATUS_COLOURS[status]
        assert charts.contrast(charts.text_colour(fill), fill) >= 4.5, status
    segments = chart["data"]["values"]
    stalled = [
        segment
        for segment in segments
        if segment["status"] == schema.COMMITMENT_STATUS.label("stalled")
    ]
    assert [(segment["candidate_name"], segment["count"]) for segment in stalled] == [
        ("Ben Ortiz", 1)
    ]
    # Each count sits in the middle of its own segment; a bar's segments follow one another.
    for segment in segments:
        assert segment["end"] - segment["start"] == segment["count"] > 0
        assert segment["middle"] == (segment["start"] + segment["end"]) / 2
    for name, total in (("Alma Reyes", 2), ("Ben Ortiz", 3)):
        own = [segment for segment in segments if segment["candidate_name"] == name]
        assert [segment["start"] for segment in own] == [0] + [s["end"] for s in own[:-1]]
        assert own[-1]["end"] == total


def test_headline_figures() -> None:
    tables = {
        "interactions": frame(
            "interactions",
            [
                {"id": "n1", "candidate_id": "c1", "date": "2026-11-20"},
                {"id": "n2", "candidate_id": "c1", "date": "2026-09-01"},
                {"id": "n3", "candidate_id": "c2", "date": "2026-11-01"},
            ],
        ),
        "commitments": commitments(),
        "actions": frame(
            "actions",
            [
                {"id": "a1", "due": "2026-11-02", "done": "FALSE"},
                {"id": "a2", "due": "2026-11-02", "done": "TRUE"},
            ],
        ),
    }
    assert analytics.headline(tables, TODAY) == {
        "candidates_engaged": 2,
        "interactions_30_days": 2,
        "open_commitments": 3,
        "overdue_follow_ups": 2,
        "kept": 1,
        "broken": 1,
    }


def test_follow_ups_due_soon_list_commitments_and_actions_with_owners() -> None:
    tables = {
        "candidates": CANDIDATES,
        "commitments": commitments(),
        "actions": frame(
            "actions",
            [
                {"id": "a1", "title": "Send memo", "due": "2026-11-25", "candidate_id": "c1"},
                {"id": "a2", "title": "Done already", "due": "2026-11-25", "done": "TRUE"},
                {"id": "a3", "title": "Later", "due": "2027-01-25"},
            ],
        ),
    }
    due = analytics.follow_ups_due(tables, TODAY)
    assert due.to_dict("records") == [
        {
            "Due": "2026-11-25",
            "Owner": "No owner yet",
            "Candidate": "Alma Reyes",
            "Kind": "Action",
            "What": "Send memo",
        },
        {
            "Due": "2026-11-30",
            "Owner": "Jo",
            "Candidate": "Ben Ortiz",
            "Kind": "Commitment",
            "What": "Hold a hearing",
        },
    ]


def test_csv_export_cannot_run_formulas() -> None:
    table = pd.DataFrame(
        {"Commitment": ['=HYPERLINK("http://x")', "+1", "-2", "@a", "\tx", "Fund it", "Ünïcode"]}
    )
    text = export.csv_bytes(table).decode("utf-8-sig")
    lines = text.splitlines()[1:]
    assert lines[:5] == ['"\'=HYPERLINK(""http://x"")"', "'+1", "'-2", "'@a", "'\tx"]
    assert lines[5:] == ["Fund it", "Ünïcode"]


def test_xlsx_export_stores_formula_text_as_text() -> None:
    table = pd.DataFrame({"Commitment": ["=1+1", "0123"], "Owner": ["Jo", "@sam"]})
    workbook = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes({"Commitments": table})))
    sheet = workbook["Commitments"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "0123" and sheet["B3"].value == "@sam"


def test_the_scorecard_ranks_by_share_of_observed_stances_that_agree() -> None:
    matrix = pd.DataFrame(
        {
            "Housing": ["supports", "opposes", "", "unknown"],
            "Transit": ["undecided", "strongly_supports", "", "supports"],
            "Parks": ["strongly_supports", "strongly_opposes", "", ""],
        },
        index=["Ana", "Ben", "Cy", "Di"],
    )
    card = analytics.scorecard(matrix)
    assert list(card["Candidate"]) == ["Di", "Ana", "Ben", "Cy"]  # Cy: nothing known, last
    assert card.set_index("Candidate").loc["Ana"].to_dict() == {
        "Agrees": 2,
        "Undecided": 1,
        "Opposes": 0,
        "Not known": 0,
        "Agreement": 67.0,
    }
    assert card.set_index("Candidate").loc["Di", "Not known"] == 2
    assert pd.isna(card.set_index("Candidate").loc["Cy", "Agreement"])


TWO_BELLS = frame(
    "candidates",
    [
        {"id": "cand-aaa111", "name": "Marcus Bell", "office": "City Council", "district": "03"},
        {"id": "cand-bbb222", "name": "Marcus  bell", "office": "Mayor", "district": ""},
        {"id": "cand-ccc333", "name": "Alma Reyes", "office": "Mayor", "status": "running"},
    ],
)


def test_labels_tell_records_with_one_name_apart_by_race_then_id() -> None:
    assert analytics.candidate_labels(TWO_BELLS) == {
        "cand-aaa111": "Marcus Bell (City Council 03)",
        "cand-bbb222": "Marcus  bell (Mayor)",  # spacing and case do not tell names apart
        "cand-ccc333": "Alma Reyes",
    }
    same_race = analytics.distinct_labels(
        ["cand-aaa111", "cand-bbb222"], ["Marcus Bell"] * 2, ["Mayor"] * 2
    )
    assert same_race == ["Marcus Bell (Mayor, id aaa111)", "Marcus Bell (Mayor, id bbb222)"]
    same_start = analytics.distinct_labels(["x-abcdef1", "x-abcdef2"], ["Housing", "Housing"])
    assert same_start == ["Housing (id x-abcdef1)", "Housing (id x-abcdef2)"]


def test_the_matrix_keeps_candidates_and_issues_with_one_name_apart() -> None:
    issues = frame(
        "issues", [{"id": "iss-1", "name": "Transit"}, {"id": "iss-2", "name": "Transit"}]
    )
    positions = frame(
        "positions",
        [
            {"id": "p1", "candidate_id": "cand-aaa111", "issue_id": "iss-1", "stance": "supports"},
            {"id": "p2", "candidate_id": "cand-bbb222", "issue_id": "iss-1", "stance": "opposes"},
            {"id": "p3", "candidate_id": "cand-bbb222", "issue_id": "iss-2", "stance": "unknown"},
        ],
    )
    matrix = analytics.positions_matrix(TWO_BELLS, issues, positions)
    assert matrix.to_dict("index") == {
        "Marcus Bell (City Council 03)": {"Transit (id 1)": "supports", "Transit (id 2)": ""},
        "Marcus  bell (Mayor)": {"Transit (id 1)": "opposes", "Transit (id 2)": "unknown"},
        "Alma Reyes": {"Transit (id 1)": "", "Transit (id 2)": ""},
    }
    # Only the candidates shown are told apart: one Marcus Bell alone keeps his plain name.
    alone = analytics.positions_matrix(TWO_BELLS.iloc[:1], issues.iloc[:1], positions)
    assert list(alone.index) == ["Marcus Bell"] and list(alone.columns) == ["Transit"]


def test_status_tally_counts_candidates_with_one_name_apart() -> None:
    made = frame(
        "commitments",
        [
            {"id": "k1", "candidate_id": "cand-aaa111", "status": "kept"},
            {"id": "k2", "candidate_id": "cand-bbb222", "status": "broken"},
            {"id": "k3", "candidate_id": "cand-bbb222", "status": "broken"},
        ],
    )
    by_race = analytics.status_tally(made, TWO_BELLS)
    assert by_race[["kept", "broken"]].to_dict("index") == {
        "Marcus Bell (City Council 03)": {"kept": 1, "broken": 0},
        "Marcus  bell (Mayor)": {"kept": 0, "broken": 2},
    }
    by_id = analytics.status_tally(made, analytics.names(TWO_BELLS))
    assert list(by_id.index) == ["Marcus Bell (id aaa111)", "Marcus  bell (id bbb222)"]
    assert list(by_id["broken"]) == [0, 2]
    # Told apart only among the candidates counted.
    assert list(analytics.status_tally(made.iloc[:1], TWO_BELLS).index) == ["Marcus Bell"]


def test_follow_ups_tell_candidates_with_one_name_apart() -> None:
    tables = {
        "candidates": TWO_BELLS,
        "commitments": frame(
            "commitments",
            [
                {"id": "k1", "candidate_id": "cand-bbb222", "status": "in_the_works"}
                | {"follow_up_by": "2026-11-25", "text": "Hold a hearing"}
            ],
        ),
        "actions": frame("actions", []),
    }
    due = analytics.follow_ups_due(tables, TODAY)
    assert list(due["Candidate"]) == ["Marcus  bell (Mayor)"]


def test_insights_tell_candidates_and_partners_with_one_name_apart() -> None:
    tables = {
        "candidates": frame(
            "candidates",
            [
                {"id": "cand-aaa111", "name": "Marcus Bell", "office": "City Council"}
                | {"priorities": "housing", "status": "running"},
                {"id": "cand-bbb222", "name": "Marcus Bell", "office": "Mayor"}
                | {"priorities": "economy", "status": "running"},
            ],
        ),
        "partners": frame(
            "partners",
            [
                {"id": "p1", "name": "Riverton United", "kind": "union", "strengths": "labor"},
                {"id": "p2", "name": "Riverton United", "kind": "faith group"}
                | {"strengths": "faith leaders"},
            ],
        ),
        "interactions": frame("interactions", []),
        "commitments": frame(
            "commitments",
            [{"id": "k1", "candidate_id": "cand-bbb222", "text": "Fund it", "owner": ""}],
        ),
    }
    assert insights.priority_matches(tables) == [
        "Marcus Bell (City Council) names housing as a top priority; partners with faith "
        "leaders: Riverton United (faith group).",
        "Marcus Bell (Mayor) names the economy as a top priority; partners with labor: "
        "Riverton United (union).",
    ]
    assert insights.unowned_commitments(tables) == [
        "No one owns the follow-up of Marcus Bell (Mayor)'s commitment: Fund it"
    ]
    assert insights.not_met_recently(tables, TODAY) == [
        "Nobody has reported meeting Marcus Bell (City Council) yet.",
        "Nobody has reported meeting Marcus Bell (Mayor) yet.",
    ]
