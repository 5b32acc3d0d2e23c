"""Charts show user text as text, keep records with one name apart, and cut long names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from lib import analytics, charts, schema

LONG_NAME = " ".join(["Alexandria Wordsworth-Montgomery of the Riverton Valley"] * 3)[:150]
HOSTILE = [
    "<b>Bold</b> **x** <img src=http://203.0.113.9/x.png>",
    "<a href='http://203.0.113.9'>Click</a> %{y} Evil",
    '<span style="font-size:90px">Huge</span> Evil<br>Break',
]
HOSTILE_ISSUES = [
    "Housing <b>for</b> all the families of Riverton and Lake County",
    "<img src=x onerror=alert(1)>Transit %{x}",
]
# A word of each hostile name, to find any of them wherever it might turn up in a chart.
USER_WORDS = ("Bold", "Click", "Evil", "Huge", "Housing", "Transit", "Alexandria", "Lee")
# The fields the app's charts are drawn from; user text is only ever their values.
FIELDS = {
    "candidate",
    "issue",
    "stance",
    "word",
    "ink",
    "about",
    "words",
    "candidate_name",
    "issue_name",
    "status",
    "order",
    "start",
    "end",
    "middle",
    "count",
    "colour",
}
# Vega-Lite evaluates the strings under these keys as expressions.
EXPRESSION_KEYS = {"test", "expr", "labelExpr", "calculate", "filter"}


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return schema.normalise(table, pd.DataFrame(rows, dtype=object).fillna(""))


def walk(value: object, key: str = "") -> Iterator[tuple[str, object]]:
    """Every (key, value) in a chart's specification, however deep; list items under their
    list's key."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield name, item
            yield from walk(item, name)
    elif isinstance(value, list):
        for item in value:
            yield key, item
            yield from walk(item, key)


def strings(value: object) -> list[str]:
    return [item for _, item in walk(value) if isinstance(item, str)]


def keys(value: object) -> set[str]:
    """Every key of every object in the specification, data rows included."""
    found: set[str] = set()
    for _, item in walk({"": value}):
        if isinstance(item, dict):
            found |= set(item)
    return found


def rows(chart: charts.Chart) -> list[dict[str, Any]]:
    return chart["data"]["values"]


def encodings(chart: charts.Chart) -> list[dict[str, Any]]:
    """The encoding each layer draws with, the chart's shared encoding included."""
    shared = chart.get("encoding", {})
    return [shared | layer.get("encoding", {}) for layer in chart["layer"]]


def candidates(names: list[str]) -> pd.DataFrame:
    return frame(
        "candidates",
        [
            {"id": f"cand-{index:06d}", "name": name, "office": "Mayor"}
            for index, name in enumerate(names)
        ],
    )


def issues(names: list[str]) -> pd.DataFrame:
    return frame(
        "issues", [{"id": f"iss-{index:06d}", "name": name} for index, name in enumerate(names)]
    )


def stances(candidate_ids: list[str], issue_ids: list[str], stance: str) -> pd.DataFrame:
    return frame(
        "positions",
        [
            {
                "id": f"pos-{c}-{i}",
                "candidate_id": c,
                "issue_id": i,
                "stance": stance,
                "as_of": "2026-05-01",
            }
            for c in candidate_ids
            for i in issue_ids
        ],
    )


def commitments_of(candidate_ids: list[str], statuses: list[str]) -> pd.DataFrame:
    return frame(
        "commitments",
        [
            {"id": f"k{index}", "candidate_id": cid, "status": status, "text": HOSTILE[0]}
            for index, (cid, status) in enumerate(zip(candidate_ids, statuses, strict=True))
        ],
    )


def heatmap(names: list[str], issue_names: list[str], stance: str = "supports") -> charts.Chart:
    people, topics = candidates(names), issues(issue_names)
    positions = stances(list(people["id"]), list(topics["id"]), stance)
    return charts.positions_heatmap(analytics.positions_matrix(people, topics, positions))


def bars(names: list[str], statuses: list[str]) -> charts.Chart:
    people = candidates(names)
    made = commitments_of(list(people["id"]), statuses)
    return charts.status_bars(analytics.status_tally(made, analytics.names(people)))


def test_user_text_reaches_every_chart_only_as_data_and_never_as_an_expression() -> None:
    people = candidates([*HOSTILE, LONG_NAME])
    commitments = commitments_of(list(people["id"]), ["kept", "broken", "stalled", "kept"])
    figures = {
        "positions": heatmap([*HOSTILE, LONG_NAME], HOSTILE_ISSUES, "unknown"),
        "statuses": charts.status_bars(
            analytics.status_tally(commitments, analytics.names(people))
        ),
        "breakdown": charts.status_breakdown(commitments),
    }
    for title, figure in figures.items():
        # No name is a field name, and every field a layer draws is one of the app's.
        assert keys(rows(figure)) <= FIELDS, title
        drawn = {item for key, item in walk(figure) if key == "field"}
        assert drawn and drawn <= FIELDS, (title, drawn)
        # Expressions name only the app's fields and hold no user text.
        expressions = [item for key, item in walk(figure) if key in EXPRESSION_KEYS]
        for expression in expressions:
            assert isinstance(expression, str), (title, expression)
            # ("label" is an axis label's own text, which the issue axis puts on several lines.)
            named = set(re.findall(r"datum\.(\w+)", expression))
            assert named <= FIELDS | {"label"}, (title, expression)
        for text in [*strings(expressions), *keys(figure)]:
            assert not any(word in text for word in USER_WORDS), (title, text)
        # Outside the data, user text appears only in the order of the categories (which are
        # themselves data values) and in the chart's description (plain text, which the browser
        # is given as the chart's aria-label), and nothing anywhere is HTML-escaped, which would
        # show "&lt;b&gt;" to the reader of a chart that draws plain characters.
        setting = {key: value for key, value in figure.items() if key != "data"}
        for key, item in walk(setting):
            if isinstance(item, str) and key not in {"sort", "description"}:
                assert not any(word in item for word in USER_WORDS), (title, key, item)
        for text in strings(figure):
            assert "&lt;" not in text and "&amp;" not in text and "&#" not in text, (title, text)
    # The breakdown counts statuses: no name and no commitment text reaches it at all.
    assert not any(word in text for text in strings(figures["breakdown"]) for word in USER_WORDS)

    # The names are there, verbatim, as the values drawn and shown on hover.
    cells = rows(figures["positions"])
    assert {cell["candidate_name"] for cell in cells} == {*HOSTILE, LONG_NAME}
    assert {cell["issue_name"] for cell in cells} == set(HOSTILE_ISSUES)
    # On the axes, the start of each name, tags and all, as the characters typed.
    axis = {cell["candidate_name"]: cell["candidate"] for cell in cells}
    columns = {cell["issue_name"]: cell["issue"].replace("\n", " ").strip() for cell in cells}
    for name, tick in [*axis.items(), *columns.items()]:
        assert len(tick) <= charts.LABEL_LIMIT and name.startswith(tick.removesuffix("…")), tick
    assert axis[HOSTILE[0]].startswith("<b>Bold</b> **x** <img src=")
    assert columns[HOSTILE_ISSUES[1]] == HOSTILE_ISSUES[1]  # short enough to show whole
    # On hover, the whole name: the user's own "<br>" is text, not a line break.
    segments = rows(figures["statuses"])
    assert {segment["candidate_name"] for segment in segments} == {*HOSTILE, LONG_NAME}
    for encoding in encodings(figures["statuses"]):
        assert {"field": "candidate_name", "title": "Candidate"} in encoding["tooltip"]
    # A screen reader is told every name whole and as typed, in the chart's description.
    for title in ("positions", "statuses"):
        described = figures[title]["description"]
        assert all(name in described for name in [*HOSTILE, LONG_NAME]), title


def test_two_candidates_with_one_name_get_their_own_row_with_their_own_stances() -> None:
    people = frame(
        "candidates",
        [
            {"id": "cand-aaa111", "name": "Marcus Bell", "office": "City Council", "district": "3"},
            {"id": "cand-bbb222", "name": "Marcus Bell", "office": "Mayor"},
        ],
    )
    topics = issues(["Transit", "Transit"])
    positions = frame(
        "positions",
        [
            {"id": "p1", "candidate_id": "cand-aaa111", "issue_id": "iss-000000"}
            | {"stance": "supports", "as_of": "2026-05-01"},
            {"id": "p2", "candidate_id": "cand-bbb222", "issue_id": "iss-000001"}
            | {"stance": "strongly_opposes", "as_of": "2026-05-01"},
        ],
    )
    figure = charts.positions_heatmap(analytics.positions_matrix(people, topics, positions))
    cells = rows(figure)
    assert len(cells) == 4 and len({(cell["candidate"], cell["issue"]) for cell in cells}) == 4
    council, mayor = "Marcus Bell (City Council 3)", "Marcus Bell (Mayor)"
    first, second = "Transit (id 000000)", "Transit (id 000001)"
    assert figure["encoding"]["y"]["sort"] == [council, mayor]
    assert [key.replace("\n", " ").strip() for key in figure["encoding"]["x"]["sort"]] == [
        first,
        second,
    ]
    stance_of = {
        (cell["candidate"], cell["issue"].replace("\n", " ").strip()): (
            cell["stance"],
            cell["word"],
        )
        for cell in cells
    }
    assert stance_of == {
        (council, first): ("supports", "Supports"),
        (council, second): ("", charts.NO_RECORD),
        (mayor, first): ("", charts.NO_RECORD),
        (mayor, second): ("strongly_opposes", "Strongly opposes"),
    }
    inked = {
        (cell["candidate"], cell["issue"].replace("\n", " ").strip()): cell["ink"] for cell in cells
    }
    # Black on the dark orange: neither the charts' ink nor white reaches 4.5:1 on it.
    assert inked[mayor, second] == "#000000"
    assert {inked[council, first], inked[council, second], inked[mayor, first]} == {charts.INK}


def test_records_the_chart_is_given_under_one_label_stay_two_rows() -> None:
    matrix = pd.DataFrame(
        [["supports", "opposes"], ["opposes", ""]],
        index=["Marcus Bell", "Marcus  Bell"],
        columns=["Transit", "Transit"],
        dtype=object,
    )
    cells = rows(charts.positions_heatmap(matrix))
    assert [(cell["candidate"], cell["issue"], cell["word"]) for cell in cells] == [
        ("Marcus Bell", "Transit", "Supports"),
        ("Marcus Bell", "Transit (2)", "Opposes"),
        ("Marcus Bell (2)", "Transit", "Opposes"),
        ("Marcus Bell (2)", "Transit (2)", charts.NO_RECORD),
    ]
    # On hover, each shows the name it was given.
    assert [cell["candidate_name"] for cell in cells][::2] == ["Marcus Bell", "Marcus  Bell"]
    tally = pd.DataFrame(
        [[1, 0], [0, 2]], index=["Marcus Bell", "Marcus Bell"], columns=["kept", "broken"]
    )
    segments = rows(charts.status_bars(tally))
    assert [(s["candidate"], s["status"], s["count"]) for s in segments] == [
        ("Marcus Bell", "Promise kept", 1),
        ("Marcus Bell (2)", "Promise broken", 2),
    ]


def test_two_candidates_with_one_name_get_their_own_bar_with_their_own_counts() -> None:
    people = frame(
        "candidates",
        [
            {"id": "cand-aaa111", "name": "Marcus Bell", "office": "City Council", "district": "3"},
            {"id": "cand-bbb222", "name": "Marcus Bell", "office": "Mayor"},
        ],
    )
    made = commitments_of(
        ["cand-aaa111", "cand-bbb222", "cand-bbb222"], ["kept", "broken", "broken"]
    )
    kept, broken = (schema.COMMITMENT_STATUS.label(status) for status in ("kept", "broken"))
    for labelled_by, expected in (
        (people, ["Marcus Bell (City Council 3)", "Marcus Bell (Mayor)"]),
        (analytics.names(people), ["Marcus Bell (id aaa111)", "Marcus Bell (id bbb222)"]),
    ):
        segments = rows(charts.status_bars(analytics.status_tally(made, labelled_by)))
        counts = {(s["candidate"], s["status"]): s["count"] for s in segments}
        assert counts == {(expected[0], kept): 1, (expected[1], broken): 2}
        assert {s["candidate_name"] for s in segments} == set(expected)


def test_a_long_name_is_cut_on_the_axes_and_shown_whole_on_hover() -> None:
    assert len(LONG_NAME) == 150
    matrix_figure = heatmap([LONG_NAME, "Ana <Lee>"], [LONG_NAME])
    bars_figure = bars([LONG_NAME, "Ana <Lee>"], ["kept", "kept"])
    for figure in (matrix_figure, bars_figure):
        axis = {row["candidate_name"]: row["candidate"] for row in rows(figure)}
        tick = axis[LONG_NAME]
        assert len(tick) <= charts.LABEL_LIMIT and tick.endswith("…")
        assert tick == "Alexandria Wordsworth-Montgomery of the…"  # cut between words
        assert axis["Ana <Lee>"] == "Ana <Lee>"
        # Rows are drawn along the cut value; every layer's tooltip names the whole one.
        for encoding in encodings(figure):
            assert encoding["y"]["field"] == "candidate"
            shown = {(item["field"], item["title"]) for item in encoding["tooltip"]}
            assert ("candidate_name", "Candidate") in shown
            assert "candidate" not in {field for field, _ in shown}
    cell = rows(matrix_figure)[0]
    assert len(cell["issue"]) <= charts.LABEL_LIMIT and cell["issue"].endswith("…")
    assert cell["issue_name"] == LONG_NAME
    for encoding in encodings(matrix_figure):
        assert encoding["x"]["field"] == "issue"
        assert {"field": "issue_name", "title": "Issue"} in encoding["tooltip"]
        assert {"field": "word", "title": "Stance"} in encoding["tooltip"]


def test_long_names_that_differ_only_at_the_end_stay_apart_on_the_axis() -> None:
    people = frame(
        "candidates",
        [
            {"id": "cand-1", "name": LONG_NAME, "office": "County Board", "district": "12"},
            {"id": "cand-2", "name": LONG_NAME, "office": "County Board", "district": "13"},
        ],
    )
    matrix = analytics.positions_matrix(people, issues(["Transit"]), stances([], [], ""))
    figure = charts.positions_heatmap(matrix)
    ticks = figure["encoding"]["y"]["sort"]
    assert ticks == [cell["candidate"] for cell in rows(figure)]
    assert len(set(ticks)) == 2 and all(len(tick) <= charts.LABEL_LIMIT for tick in ticks)
    assert ticks[0].endswith("Board 12)") and ticks[1].endswith("Board 13)")
    assert [cell["candidate_name"] for cell in rows(figure)] == list(matrix.index)
