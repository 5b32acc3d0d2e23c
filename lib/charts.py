"""Chart builders: plotly figures from DataFrames, sized to be read on a shared screen.

Colours are colour-blind safe: stances on a blue-to-orange diverging scale (ColorBrewer), statuses
from the Okabe-Ito palette. Every cell and bar segment also carries its value in words or numbers,
so nothing depends on colour alone.

Plotly reads a subset of HTML in every label, legend and hover text, and fills ``%{...}`` in
hover templates. So user text (names) goes into a figure only through :func:`_text` or
:func:`_wrapped`, which escape it with :func:`lib.text.escape_chart`, and reaches hover text as
data (``customdata``), never as part of a template. Axes key their rows and columns on one value
per record, shown through tick text, so two records with one name never become one row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from lib import schema
from lib.text import escape_chart

INK = "#1f1f1f"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 16, "color": INK}
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
HOVER_WIDTH = 60
STATUS_COLOURS = {
    "kept": "#009E73",
    "compromise": "#56B4E9",
    "in_the_works": "#0072B2",
    "not_yet_rated": "#BBBBBB",
    "stalled": "#E69F00",
    "broken": "#D55E00",
}


# The parts of plotly_white these charts use. A figure copies its whole template, and copying a
# full one took longer than drawing the chart.
_AXIS = {
    "gridcolor": "#EBF0F8",
    "linecolor": "#EBF0F8",
    "zerolinecolor": "#EBF0F8",
    "zerolinewidth": 2,
    "ticks": "",
    "automargin": True,
}
TEMPLATE = go.layout.Template(layout={"xaxis": _AXIS, "yaxis": _AXIS, "hovermode": "closest"})


def _figure(data: object = None) -> go.Figure:
    return go.Figure(data, layout={"template": TEMPLATE})


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        font=FONT,
        height=height,
        margin={"l": 10, "r": 20, "t": 30, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    figure.update_xaxes(tickfont={"color": INK}, title_font={"color": INK}, automargin=True)
    figure.update_yaxes(tickfont={"color": INK}, automargin=True)
    return figure


def _text(text: object) -> str:
    """User text as plotly shows it: as characters, not as markup."""
    return escape_chart(" ".join(str(text).split()))


def _wrapped(label: object, width: int = 14) -> str:
    """User text on several lines, so a long axis label can stay horizontal and readable.

    Lines are escaped one by one before the app's own ``<br>`` joins them, so those are the
    only line breaks and tags in the result.
    """
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape_chart(line) for line in lines)


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
    """One category per row or column, even where two labels are equal, so that plotly never
    draws two records as one; the axis shows tick text, not these."""
    keys: list[str] = []
    for label in labels:
        key = base = _text(label)
        count = 1
        while key in keys:
            count += 1
            key = f"{base} ({count})"
        keys.append(key)
    return keys


def _category_axis(keys: list[str], ticks: list[str]) -> dict[str, object]:
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": keys,
        "tickmode": "array",
        "tickvals": keys,
        "ticktext": ticks,
    }


def positions_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Candidates x issues, each cell coloured by the current stance and labelled in words."""
    order = list(STANCE_COLOURS)
    steps = len(order)
    colourscale = []
    for index, stance in enumerate(order):
        colourscale += [
            [index / steps, STANCE_COLOURS[stance]],
            [(index + 1) / steps, STANCE_COLOURS[stance]],
        ]
    codes = matrix.apply(lambda column: column.map(order.index))
    labels = matrix.apply(
        lambda column: column.map(
            lambda stance: schema.STANCE.label(stance) if stance else NO_RECORD
        )
    )
    dark = matrix.isin(DARK_CELLS)
    candidates = [str(label) for label in matrix.index]
    issues = [str(label) for label in matrix.columns]
    x, y = _keys(issues), _keys(candidates)
    # Whole names on hover, where the axes may show them cut.
    hover = [
        [
            f"{_wrapped(candidate, HOVER_WIDTH)} on {_wrapped(issue, HOVER_WIDTH)}: <b>{word}</b>"
            for issue, word in zip(issues, row, strict=True)
        ]
        for candidate, row in zip(candidates, labels.values.tolist(), strict=True)
    ]
    common = {
        "x": x,
        "y": y,
        "zmin": -0.5,
        "zmax": steps - 0.5,
        "colorscale": colourscale,
        "showscale": False,
        "xgap": 3,
        "ygap": 3,
        "texttemplate": "%{text}",
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    figure = _figure(
        [
            # Every cell, with dark text on the light cells...
            go.Heatmap(
                z=codes.values,
                text=labels.where(~dark, "").values,
                textfont={"size": 15, "color": INK},
                **common,
            ),
            # ...and the dark cells again on top, with light text.
            go.Heatmap(
                z=codes.where(dark).values,
                text=labels.where(dark, "").values,
                textfont={"size": 15, "color": "white"},
                hoverinfo="skip",
                **common,
            ),
        ]
    )
    figure.update_xaxes(
        side="top",
        tickfont={"size": 16},
        tickangle=0,
        showgrid=False,
        **_category_axis(x, [_wrapped(issue) for issue in _tick_labels(issues)]),
    )
    figure.update_yaxes(
        autorange="reversed",
        tickfont={"size": 16},
        showgrid=False,
        **_category_axis(y, [_text(candidate) for candidate in _tick_labels(candidates)]),
    )
    return _layout(figure, height=130 + 58 * max(len(matrix.index), 1))


def status_bars(tally: pd.DataFrame) -> go.Figure:
    """One horizontal bar per candidate, stacked by commitment status, counts on the segments."""
    figure = _figure()
    candidates = [str(label) for label in tally.index]
    keys = _keys(candidates)
    # Whole names on hover, where the axis may show them cut.
    hover = [_wrapped(candidate, HOVER_WIDTH) for candidate in candidates]
    for status in schema.COMMITMENT_STATUS.values:
        counts = tally[status] if status in tally else pd.Series(0, index=tally.index)
        figure.add_bar(
            y=keys,
            x=list(counts),
            name=schema.COMMITMENT_STATUS.label(status),
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            text=[str(count) if count else "" for count in counts],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": 15},
            customdata=hover,
            hovertemplate="%{customdata}: %{x} "
            + schema.COMMITMENT_STATUS.label(status).lower()
            + "<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": 15},
            "traceorder": "normal",
        },
    )
    figure.update_xaxes(title="Commitments", showgrid=True, gridcolor="#e5e5e5", dtick=_tick(tally))
    figure.update_yaxes(
        tickfont={"size": 16},
        **_category_axis(keys, [_text(candidate) for candidate in _tick_labels(candidates)]),
    )
    return _layout(figure, height=140 + 46 * max(len(tally.index), 1))


def status_breakdown(commitments: pd.DataFrame) -> go.Figure:
    """How many commitments are at each status, in the scale's order."""
    counts = (
        commitments["status"].value_counts().reindex(schema.COMMITMENT_STATUS.values, fill_value=0)
    )
    labels = [schema.COMMITMENT_STATUS.label(status) for status in counts.index]
    figure = _figure(
        go.Bar(
            x=list(counts),
            y=labels,
            orientation="h",
            marker_color=[STATUS_COLOURS[status] for status in counts.index],
            text=[str(count) for count in counts],
            textposition="outside",
            textfont={"size": 16},
            hovertemplate="%{y}: %{x}<extra></extra>",
            cliponaxis=False,
        )
    )
    figure.update_yaxes(autorange="reversed", tickfont={"size": 16})
    figure.update_xaxes(showgrid=True, gridcolor="#e5e5e5", title="Commitments")
    return _layout(figure, height=360)


def _tick(tally: pd.DataFrame) -> int | None:
    largest = int(tally.sum(axis=1).max()) if not tally.empty else 0
    return 1 if largest <= 12 else None
