"""Figures show user text as text, keep records with one name apart, and cut long names."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib import analytics, charts, schema
from lib.text import escape_chart

LONG_NAME = " ".join(["Alexandria Wordsworth-Montgomery of the Riverton Valley"] * 3)[:150]
HOSTILE = [
    "<b>Bold</b> **x** <img src=http://203.0.113.9/x.png>",
    "<a href='http://203.0.113.9'>Click</a> %{y} Evil",
    '<span style="font-size:90px">Huge</span> Evil<br>Break',
]
HOSTILE_ISSUES = [
    "Housing <b>for</b> all the families of Riverton and Lake County",
    "<img src=x onerror=alert(1)> Transit %{x}",
]
# The only markup the app itself writes into figures.
APP_TAGS = re.compile(r"<br>|</?b>|<extra></extra>")


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return schema.normalise(table, pd.DataFrame(rows, dtype=object).fillna(""))


def strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, string) in a figure's JSON, however deep."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from strings(item, name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item, key)
    elif isinstance(value, np.ndarray):
        yield from strings(value.tolist(), key)
    elif isinstance(value, str):
        yield key, value


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


def heatmap(names: list[str], issue_names: list[str], stance: str = "supports") -> go.Figure:
    people, topics = candidates(names), issues(issue_names)
    positions = stances(list(people["id"]), list(topics["id"]), stance)
    return charts.positions_heatmap(analytics.positions_matrix(people, topics, positions))


def bars(names: list[str], statuses: list[str]) -> go.Figure:
    people = candidates(names)
    made = commitments_of(list(people["id"]), statuses)
    return charts.status_bars(analytics.status_tally(made, analytics.names(people)))


def test_user_text_reaches_every_figure_as_escaped_text_and_never_as_a_template() -> None:
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
        found = list(strings(figure.to_plotly_json()))
        for key, text in found:
            assert "<" not in APP_TAGS.sub("", text), (title, key, text)
            for fragment in ("<b>Bold", "<img", "<a ", "<span", "Evil<br>"):
                assert fragment not in text, (title, key, text)
            if key.endswith("template"):
                assert not any(word in text for word in ("Bold", "Evil", "Click", "Transit")), (
                    title,
                    text,
                )
    # The user's own "<br>" shows as text; the app's line breaks in wrapped labels still work.
    ticks = figures["positions"].layout.xaxis.ticktext
    assert "<br>" in ticks[0] and "&lt;b&gt;for&lt;/b&gt;" in ticks[0].replace("<br>", " ")
    assert ticks[1].startswith("&lt;img")
    rows = figures["positions"].layout.yaxis.ticktext
    assert "&lt;span" in rows[2] and "<br>" not in rows[2]
    hover = " ".join(text for key, text in strings(figures["statuses"].to_plotly_json()))
    assert "Evil&lt;br&gt;Break" in hover


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
    light, dark = figure.data
    assert len(set(light.y)) == 2 and len(set(light.x)) == 2
    assert list(figure.layout.yaxis.ticktext) == [
        "Marcus Bell (City Council 3)",
        "Marcus Bell (Mayor)",
    ]
    ticks = [tick.replace("<br>", " ") for tick in figure.layout.xaxis.ticktext]
    assert ticks == ["Transit (id 000000)", "Transit (id 000001)"]
    order = list(charts.STANCE_COLOURS)
    assert [list(row) for row in light.z] == [
        [order.index("supports"), order.index("")],
        [order.index(""), order.index("strongly_opposes")],
    ]
    assert dark.text[1][1] == "Strongly opposes" and light.text[0][0] == "Supports"


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
    for labelled_by, expected in (
        (people, ["Marcus Bell (City Council 3)", "Marcus Bell (Mayor)"]),
        (analytics.names(people), ["Marcus Bell (id aaa111)", "Marcus Bell (id bbb222)"]),
    ):
        figure = charts.status_bars(analytics.status_tally(made, labelled_by))
        kept, broken = (
            figure.data[list(schema.COMMITMENT_STATUS.values).index(status)]
            for status in ("kept", "broken")
        )
        assert len(set(kept.y)) == 2
        axis = figure.layout.yaxis
        label_of = dict(zip(axis.tickvals, axis.ticktext, strict=True))
        counts = {label_of[key]: (k, b) for key, k, b in zip(kept.y, kept.x, broken.x, strict=True)}
        assert counts == {expected[0]: (1, 0), expected[1]: (0, 2)}


def test_a_long_name_is_cut_on_the_axes_and_shown_whole_on_hover() -> None:
    assert len(LONG_NAME) == 150
    whole = escape_chart(LONG_NAME)
    matrix_figure = heatmap([LONG_NAME, "Ana <Lee>"], [LONG_NAME])
    bars_figure = bars([LONG_NAME, "Ana <Lee>"], ["kept", "kept"])
    for figure in (matrix_figure, bars_figure):
        tick = figure.layout.yaxis.ticktext[list(figure.layout.yaxis.tickvals).index(whole)]
        assert len(tick) <= charts.LABEL_LIMIT and tick.endswith("…")
        assert tick == "Alexandria Wordsworth-Montgomery of the…"  # cut between words
        assert "Ana &lt;Lee&gt;" in figure.layout.yaxis.ticktext
        hover = [text.replace("<br>", " ") for _, text in strings(figure.data[0].customdata)]
        assert any(whole in text for text in hover)
    column = matrix_figure.layout.xaxis.ticktext[0].replace("<br>", " ")
    assert len(column) <= charts.LABEL_LIMIT and column.endswith("…")


def test_long_names_that_differ_only_at_the_end_stay_apart_on_the_axis() -> None:
    people = frame(
        "candidates",
        [
            {"id": "cand-1", "name": LONG_NAME, "office": "County Board", "district": "12"},
            {"id": "cand-2", "name": LONG_NAME, "office": "County Board", "district": "13"},
        ],
    )
    matrix = analytics.positions_matrix(people, issues(["Transit"]), stances([], [], ""))
    ticks = list(charts.positions_heatmap(matrix).layout.yaxis.ticktext)
    assert len(set(ticks)) == 2 and all(len(tick) <= charts.LABEL_LIMIT for tick in ticks)
    assert ticks[0].endswith("Board 12)") and ticks[1].endswith("Board 13)")
