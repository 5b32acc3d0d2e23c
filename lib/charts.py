"""Chart builders: plotly figures from DataFrames, sized to be read on a shared screen.

Colours are colour-blind safe: stances on a blue-to-orange diverging scale (ColorBrewer), statuses
from the Okabe-Ito palette. Every cell and bar segment also carries its value in words or numbers,
so nothing depends on colour alone.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import schema

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
    "": "#ffffff",
}
DARK_CELLS = {"strongly_supports", "strongly_opposes", "unknown"}
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


def _wrapped(label: str, width: int = 14) -> str:
    """A long axis label on several lines, so it can stay horizontal and readable."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


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
    x = [_wrapped(issue) for issue in matrix.columns]
    y = list(matrix.index)
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
        "customdata": labels.values,
        "hovertemplate": "%{y} on %{x}: <b>%{customdata}</b><extra></extra>",
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
    figure.update_xaxes(side="top", tickfont={"size": 16}, tickangle=0, showgrid=False)
    figure.update_yaxes(autorange="reversed", tickfont={"size": 16}, showgrid=False)
    return _layout(figure, height=130 + 58 * max(len(matrix.index), 1))


def status_bars(tally: pd.DataFrame) -> go.Figure:
    """One horizontal bar per candidate, stacked by commitment status, counts on the segments."""
    figure = _figure()
    for status in schema.COMMITMENT_STATUS.values:
        counts = tally[status] if status in tally else pd.Series(0, index=tally.index)
        figure.add_bar(
            y=list(tally.index),
            x=list(counts),
            name=schema.COMMITMENT_STATUS.label(status),
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            text=[str(count) if count else "" for count in counts],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": 15},
            hovertemplate="%{y}: %{x} "
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
    figure.update_yaxes(tickfont={"size": 16})
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
