"""Chart builders: Vega-Lite specifications from DataFrames, sized to be read on a shared screen.

Vega-Lite, not plotly: Streamlit loads its chart library into the browser for the first chart on a
page, and plotly's costs more than a second on every page load where Vega-Lite's costs about half
(bench/browser.py measures time until drawn).

Colours are colour-blind safe: stances on a blue-to-orange diverging scale (ColorBrewer), statuses
from the Okabe-Ito palette. Nothing depends on colour alone (WCAG 1.4.1): every matrix cell says its
stance in words, and under every bar its statuses are written out with their counts, in the order
of its segments. Text on a coloured cell is black or white, whichever reaches 4.5:1 on it.

Every chart has a text alternative: its ``description``, which Vega gives the chart's element as
its aria-label, says in sentences what the chart draws; each mark has one of its own, and the
text drawn over marks is left out of what a screen reader is given, so nothing is read twice.

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


WORDS_SIZE = 14
WORDS_LINE_HEIGHT = 17
# A line of a bar's statuses in words, in characters: what fits beside the names on a phone.
WORDS_LINE_CHARS = 34
BAR_SIZE = 22


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a #rrggbb colour."""
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(fill: str) -> str:
    """The colour to write on ``fill``: the charts' ink where it reaches 4.5:1 (WCAG AA for
    text of any size), else white or black, whichever contrasts more."""
    if contrast(INK, fill) >= 4.5:
        return INK
    return max(("#ffffff", "#000000"), key=lambda colour: contrast(colour, fill))


def _wrapped_words(parts: Sequence[str], limit: int = WORDS_LINE_CHARS) -> str:
    """``parts`` joined by " · ", on lines of at most about ``limit`` characters."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= limit:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return "\n".join(lines)


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


def _spec(values: list[dict[str, Any]], height: Any, description: str, **spec: Any) -> Chart:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        # Plain text, never markup: Vega sets it as the chart's aria-label.
        "description": description,
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
    values = []
    sentences = []
    for row, candidate, stances in zip(rows, candidates, matrix.values.tolist(), strict=True):
        by_stance: dict[str, list[str]] = {}
        for column, issue, stance in zip(columns, issues, stances, strict=True):
            word = schema.STANCE.label(stance) if stance else NO_RECORD
            by_stance.setdefault(stance, []).append(issue)
            values.append(
                {
                    "candidate": row,
                    "issue": column,
                    "stance": stance,
                    "word": word,
                    "ink": text_colour(STANCE_COLOURS.get(stance, "#ffffff")),
                    "candidate_name": candidate,
                    "issue_name": issue,
                    "about": f"{candidate}, {issue}: {word}",
                }
            )
        said = [
            f"{schema.STANCE.label(stance) if stance else NO_RECORD}: {', '.join(named)}"
            for stance in [*STANCE_COLOURS, *by_stance]
            if (named := by_stance.pop(stance, None))
        ]
        sentences.append(f"{candidate}: {'; '.join(said)}.")
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
        description=" ".join(["Where each candidate stands on each issue.", *sentences]),
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
                    "description": {"field": "about"},
                },
            },
            {
                # The cell's own description already says the word.
                "mark": {"type": "text", "fontSize": 15, "aria": False},
                "encoding": {
                    "text": {"field": "word"},
                    "color": {"field": "ink", "type": "nominal", "scale": None},
                    "tooltip": tooltip,
                },
            },
        ],
    )


def _status_words(status: str) -> str:
    """A status as the words under a bar say it: "kept", not "Promise kept", beside its count."""
    return schema.COMMITMENT_STATUS.label(status).lower().removeprefix("promise ")


def status_bars(tally: pd.DataFrame) -> Chart:
    """One horizontal bar per candidate, stacked by commitment status, counts on the segments
    and, under each bar, its statuses in words ("3 kept · 2 in the works")."""
    candidates = [str(label) for label in tally.index]
    rows = _keys(candidates)
    statuses = list(schema.COMMITMENT_STATUS.values)
    values = []
    sentences = []
    most_lines = 1
    for row, candidate, (_, counts) in zip(rows, candidates, tally.iterrows(), strict=True):
        said = [
            f"{int(counts.get(status, 0))} {_status_words(status)}"
            for status in statuses
            if int(counts.get(status, 0))
        ]
        words = _wrapped_words(said)
        most_lines = max(most_lines, words.count("\n") + 1)
        sentences.append(f"{candidate}: {', '.join(said) or 'none'}.")
        start = 0
        for order, status in enumerate(statuses):
            count = int(counts.get(status, 0))
            if count:
                label = schema.COMMITMENT_STATUS.label(status)
                values.append(
                    {
                        "candidate": row,
                        "candidate_name": candidate,
                        "status": label,
                        "order": order,
                        "start": start,
                        "end": start + count,
                        # Counts are written in the middle of their segment, placed here rather
                        # than by the chart's own stacking so the number always sits on its bar.
                        "middle": start + count / 2,
                        "count": count,
                        "ink": text_colour(STATUS_COLOURS[status]),
                        "about": f"{candidate}: {count} {label.lower()}",
                        # The candidate's statuses in words, drawn once, under their first segment.
                        "words": words if start == 0 else "",
                    }
                )
                start += count
    labels = [schema.COMMITMENT_STATUS.label(status) for status in statuses]
    largest = int(tally.sum(axis=1).max()) if not tally.empty else 0
    # Each row: the bar at the top, its statuses in words below it, then a gap to the next.
    step = 6 + BAR_SIZE + 4 + most_lines * WORDS_LINE_HEIGHT + 12
    to_bar = 6 + BAR_SIZE / 2 - step / 2  # from the middle of the row to the middle of the bar
    y = {
        "field": "candidate",
        "type": "nominal",
        "sort": list(reversed(rows)),
        "title": None,
        "scale": {"paddingInner": 0, "paddingOuter": 0},
        # The name beside its bar, not halfway down to the words.
        "axis": {"labelLimit": 320, "labelPadding": 8, "labelOffset": to_bar, "ticks": False},
    }
    tooltip = [
        {"field": "candidate_name", "title": "Candidate"},
        {"field": "status", "title": "Status"},
        {"field": "count", "title": "Commitments"},
    ]
    return _spec(
        values,
        height={"step": step},
        # Read from the top bar down, as the chart shows them.
        description=" ".join(["Commitments by status, for each candidate.", *sentences[::-1]]),
        layer=[
            {
                "mark": {"type": "bar", "size": BAR_SIZE, "yOffset": to_bar},
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
                        "legend": {
                            "orient": "top",
                            "title": None,
                            "direction": "horizontal",
                            # In one row on a wide screen; on a phone, six in a row would be cut.
                            "columns": {"expr": "width < 600 ? 2 : 6"},
                            "labelFontSize": {"expr": "width < 600 ? 14 : 15"},
                            "columnPadding": 8,
                        },
                    },
                    "tooltip": tooltip,
                    "description": {"field": "about"},
                },
            },
            {
                # Each segment's own description already says its count.
                "mark": {
                    "type": "text",
                    "fontSize": 15,
                    "fontWeight": "bold",
                    "yOffset": to_bar,
                    "aria": False,
                },
                "encoding": {
                    "y": y,
                    "x": {"field": "middle", "type": "quantitative"},
                    "text": {"field": "count"},
                    "color": {"field": "ink", "type": "nominal", "scale": None},
                    "tooltip": tooltip,
                },
            },
            {
                # The chart's description says the same, candidate by candidate.
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "fontSize": WORDS_SIZE,
                    "lineHeight": WORDS_LINE_HEIGHT,
                    "lineBreak": "\n",
                    "color": INK,
                    "yOffset": to_bar + BAR_SIZE / 2 + 4,
                    "aria": False,
                },
                "encoding": {
                    "y": y,
                    "x": {"value": 0},
                    "text": {"field": "words"},
                    "tooltip": [{"field": "candidate_name", "title": "Candidate"}],
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
        {
            "status": label,
            "count": int(count),
            "colour": STATUS_COLOURS[status],
            "about": f"{label}: {int(count)}",
        }
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
    said = ", ".join(f"{int(count)} {_status_words(status)}" for status, count in counts.items())
    return _spec(
        values,
        height=300,
        description=f"Commitments by status: {said}.",
        encoding={"y": y, "x": x, "tooltip": tooltip},
        layer=[
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "color": {"field": "colour", "scale": None},
                    "description": {"field": "about"},
                },
            },
            {
                # Each bar's own description already says its count.
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 5,
                    "fontSize": 16,
                    "color": INK,
                    "aria": False,
                },
                "encoding": {"text": {"field": "count"}},
            },
        ],
    )
