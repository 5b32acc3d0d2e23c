"""Chart builders: Vega-Lite specifications from DataFrames, sized to be read on a shared screen.

Vega-Lite, not plotly: Streamlit loads its chart library into the browser for the first chart on a
page, and plotly's costs more than a second on every page load where Vega-Lite's costs about half
(bench/browser.py measures time until drawn).

Colours are colour-blind safe: stances on a blue-to-orange diverging scale (ColorBrewer), statuses
from the Okabe-Ito palette. Every cell and bar segment also carries its value in words or numbers,
so nothing depends on colour alone.

User text (names) reaches a chart only as data values, which Vega-Lite draws as plain characters
and its tooltips escape; it never becomes part of an expression. Rows and columns are keyed on one
value per record, so two records with one name never become one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from lib import schema

#: A Vega-Lite specification, with its data inline.
Chart = dict[str, Any]

INK = "#1f1f1f"
FONT = "Source Sans Pro, Arial, sans-serif"
NO_RECORD = "No record"
# Blue for support, orange for opposition, pale grey for undecided, mid grey for unknown.
STANCE_COLOURS = {
    "strongly_supports": "#08519c",
    "supports": "#6baed6",
    "undecided": "#f0f0f0",
    "opposes": "#fdae6b",
    "strongly_opposes": "#d94801",
    "unknown": "#969696",
    "declined": "#d9d9d9",
    "no_answer": "#d9d9d9",
    "": "#ffffff",
}
DARK_CELLS = {"strongly_supports", "strongly_opposes", "unknown"}
# Longer names are cut on the axes (and shown whole on hover): a 150-character name would
# otherwise leave the chart beside it a sliver.
LABEL_LIMIT = 40
LINE_HEIGHT = 19
HOVER_WIDTH = 60
STATUS_COLOURS = {
    "kept": "#009E73",
    "compromise": "#56B4E9",
    "in_the_works": "#0072B2",
    "not_yet_rated": "#BBBBBB",
    "stalled": "#E69F00",
    "broken": "#D55E00",
}


def _shortened(label: str, limit: int = LABEL_LIMIT) -> str:
    """``label`` in at most ``limit`` characters, cut with "…" at a word boundary if one is near."""
    label = " ".join(str(label).split())
    if len(label) <= limit:
        return label
    # The last word boundary that leaves room for "…": before a space, or after a hyphen.
    boundary = max(label.rfind(" ", 0, limit), label.rfind("-", 0, limit - 2) + 1)
    # Cutting far back to reach a boundary would hide more of the name than it helps.
    cut = label[:boundary] if boundary >= limit * 2 // 3 else label[: limit - 1]
    return (cut.rstrip(" ,;:.(") or cut) + "…"


def _both_ends(label: str, limit: int) -> str:
    label = " ".join(label.split())
    tail = limit // 2
    return label[: limit - 1 - tail].rstrip() + "…" + label[-tail:].lstrip()


def _tick_labels(labels: Sequence[str], limit: int = LABEL_LIMIT) -> list[str]:
    """Labels cut to fit beside a chart. Where cutting would make two labels look the same (a
    long name told apart by the race or id at its end), those keep both of their ends."""
    cuts = [_shortened(label, limit) for label in labels]
    return [
        _both_ends(label, limit) if cuts.count(cut) > 1 and cut.endswith("…") else cut
        for label, cut in zip(labels, cuts, strict=True)
    ]


def _keys(labels: Sequence[str]) -> list[str]:
    """One category per row or column, cut to fit beside the chart, unique even where two labels
    are equal, so two records are never drawn as one."""
    keys: list[str] = []
    for label in _tick_labels([" ".join(str(label).split()) for label in labels]):
        key, count = label, 1
        while key in keys:
            count += 1
            key = f"{label} ({count})"
        keys.append(key)
    return keys


def _wrapped(label: str, width: int = 16) -> str:
    """A label on lines of about ``width`` characters, broken between words."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _spec(values: list[dict[str, Any]], height: int, **spec: Any) -> Chart:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": values},
        "width": "container",
        "height": height,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {
                "labelColor": INK,
                "titleColor": INK,
                "labelFontSize": 16,
                "titleFontSize": 15,
                "grid": False,
                "domainColor": "#bbbbbb",
                "tickColor": "#bbbbbb",
            },
            "legend": {"labelColor": INK, "labelFontSize": 15, "titleColor": INK},
        },
        **spec,
    }


def positions_heatmap(matrix: pd.DataFrame) -> Chart:
    """Candidates x issues, each cell coloured by the current stance and labelled in words."""
    candidates = [str(label) for label in matrix.index]
    issues = [str(label) for label in matrix.columns]
    rows, columns = _keys(candidates), [_wrapped(key) for key in _keys(issues)]
    # Every issue on as many lines as the longest, blank lines first: Vega draws a label's
    # lines downwards from one point, so an equal count lets one padding lift them all clear.
    lines = max((column.count("\n") + 1 for column in columns), default=1)
    columns = ["\n" * (lines - 1 - column.count("\n")) + column for column in columns]
    values = [
        {
            "candidate": row,
            "issue": column,
            "stance": stance,
            "word": schema.STANCE.label(stance) if stance else NO_RECORD,
            "dark": stance in DARK_CELLS,
            "candidate_name": candidate,
            "issue_name": issue,
        }
        for row, candidate, stances in zip(rows, candidates, matrix.values.tolist(), strict=True)
        for column, issue, stance in zip(columns, issues, stances, strict=True)
    ]
    position = {
        "x": {
            "field": "issue",
            "type": "nominal",
            "sort": columns,
            "title": None,
            # Each issue on a few short lines, so the columns keep their whole names.
            "axis": {
                "orient": "top",
                "labelAngle": 0,
                "labelLimit": 220,
                "labelPadding": 8 + (lines - 1) * LINE_HEIGHT,
                "labelExpr": "split(datum.label, '\\n')",
                "labelLineHeight": LINE_HEIGHT,
            },
        },
        "y": {
            "field": "candidate",
            "type": "nominal",
            "sort": rows,
            "title": None,
            "axis": {"labelLimit": 320, "labelPadding": 8},
        },
    }
    tooltip = [
        {"field": "candidate_name", "title": "Candidate"},
        {"field": "issue_name", "title": "Issue"},
        {"field": "word", "title": "Stance"},
    ]
    stances = list(STANCE_COLOURS)
    return _spec(
        values,
        height=58 * max(len(rows), 1),
        encoding=position,
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 3},
                "encoding": {
                    "color": {
                        "field": "stance",
                        "type": "nominal",
                        "scale": {"domain": stances, "range": [STANCE_COLOURS[s] for s in stances]},
                        "legend": None,
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "fontSize": 15},
                "encoding": {
                    "text": {"field": "word"},
                    "color": {"condition": {"test": "datum.dark", "value": "white"}, "value": INK},
                    "tooltip": tooltip,
                },
            },
        ],
    )


def status_bars(tally: pd.DataFrame) -> Chart:
    """One horizontal bar per candidate, stacked by commitment status, counts on the segments."""
    candidates = [str(label) for label in tally.index]
    rows = _keys(candidates)
    statuses = list(schema.COMMITMENT_STATUS.values)
    values = []
    for row, candidate, (_, counts) in zip(rows, candidates, tally.iterrows(), strict=True):
        start = 0
        for order, status in enumerate(statuses):
            count = int(counts.get(status, 0))
            if count:
                values.append(
                    {
                        "candidate": row,
                        "candidate_name": candidate,
                        "status": schema.COMMITMENT_STATUS.label(status),
                        "order": order,
                        "start": start,
                        "end": start + count,
                        # Counts are written in the middle of their segment, placed here rather
                        # than by the chart's own stacking so the number always sits on its bar.
                        "middle": start + count / 2,
                        "count": count,
                    }
                )
                start += count
    labels = [schema.COMMITMENT_STATUS.label(status) for status in statuses]
    largest = int(tally.sum(axis=1).max()) if not tally.empty else 0
    y = {
        "field": "candidate",
        "type": "nominal",
        "sort": list(reversed(rows)),
        "title": None,
        "axis": {"labelLimit": 320, "labelPadding": 8},
    }
    tooltip = [
        {"field": "candidate_name", "title": "Candidate"},
        {"field": "status", "title": "Status"},
        {"field": "count", "title": "Commitments"},
    ]
    return _spec(
        values,
        height=46 * max(len(rows), 1),
        layer=[
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "start",
                        "type": "quantitative",
                        "title": "Commitments",
                        "axis": {"grid": True, "gridColor": "#e5e5e5", "tickMinStep": 1},
                        "scale": {"domainMax": max(largest, 1)},
                    },
                    "x2": {"field": "end"},
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {
                            "domain": labels,
                            "range": [STATUS_COLOURS[status] for status in statuses],
                        },
                        "legend": {"orient": "top", "title": None, "direction": "horizontal"},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "fontSize": 15, "color": INK},
                "encoding": {
                    "y": y,
                    "x": {"field": "middle", "type": "quantitative"},
                    "text": {"field": "count"},
                    "tooltip": tooltip,
                },
            },
        ],
    )


def status_breakdown(commitments: pd.DataFrame) -> Chart:
    """How many commitments are at each status, in the scale's order."""
    counts = (
        commitments["status"].value_counts().reindex(schema.COMMITMENT_STATUS.values, fill_value=0)
    )
    labels = [schema.COMMITMENT_STATUS.label(status) for status in counts.index]
    values = [
        {"status": label, "count": int(count), "colour": STATUS_COLOURS[status]}
        for status, label, count in zip(counts.index, labels, counts, strict=True)
    ]
    y = {"field": "status", "type": "nominal", "sort": labels, "title": None}
    x = {
        "field": "count",
        "type": "quantitative",
        "title": "Commitments",
        "axis": {"grid": True, "gridColor": "#e5e5e5", "tickMinStep": 1},
    }
    tooltip = [{"field": "status", "title": "Status"}, {"field": "count", "title": "Commitments"}]
    return _spec(
        values,
        height=300,
        encoding={"y": y, "x": x, "tooltip": tooltip},
        layer=[
            {"mark": {"type": "bar"}, "encoding": {"color": {"field": "colour", "scale": None}}},
            {
                "mark": {"type": "text", "align": "left", "dx": 5, "fontSize": 16, "color": INK},
                "encoding": {"text": {"field": "count"}},
            },
        ],
    )
