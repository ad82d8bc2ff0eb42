"""Plotly figures built from frames the model produced (no model arithmetic here).

Each function takes the numbers to draw and returns a figure; the page shows it
next to a CSV of the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app import text as plain
from app.display import gbp

YEAR = "2018/19"
BLUE, ORANGE, GREY, GREEN, RED = "#1f5fa8", "#d9822b", "#7a7a7a", "#2e8b57", "#b03a2e"
ATTRIBUTION_COLOURS = {
    "social care": BLUE,
    "social care and both": "#6a9fd8",
    "NHS": ORANGE,
    "all organisations": GREY,
}


def _plain(values: object) -> list[object] | None:
    """Text values of a trace as Plotly must get them to show them literally, or
    ``None`` when nothing needs changing (setting a trace's data is costly)."""
    if not isinstance(values, tuple | list | np.ndarray | pd.Series):
        return None
    items = list(values)
    shown = [plain.chart(v) if isinstance(v, str) else v for v in items]
    return shown if shown != items else None


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """Common layout; every text a chart carries (council names, scenario and test
    labels) is shown as text, not read as Plotly's HTML-like markup."""
    for trace in fig.data:
        if isinstance(trace.name, str) and plain.chart(trace.name) != trace.name:
            trace.name = plain.chart(trace.name)
        for attr in ("x", "y", "text", "labels"):
            shown = _plain(trace[attr]) if attr in trace else None
            if shown is not None:
                trace[attr] = shown
        if trace.type == "sankey":
            labels = _plain(trace.node.label)
            if labels is not None:
                trace.node.label = labels
    fig.update_layout(
        title={"text": plain.chart(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        font={"family": "sans-serif"},
    )
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode is None:
            trace.mode = "lines"
    return fig


def ledger_sankey(flows: pd.DataFrame) -> go.Figure:
    """Where every pound goes: ``flows`` has ``source``, ``target`` and ``amount_gbp``.

    Node labels carry the amounts, so flows of a few £m beside £1.5bn stay readable.
    """
    nodes: list[str] = []
    for name in list(flows["source"]) + list(flows["target"]):
        if name not in nodes:
            nodes.append(name)
    totals = {n: 0 for n in nodes}
    for _, row in flows.iterrows():
        totals[row["target"]] += int(row["amount_gbp"])
    first = flows["source"].iloc[0]
    totals[first] = int(flows.loc[flows["source"] == first, "amount_gbp"].sum())
    colours = {
        "Conditioned": ORANGE,
        "Withheld, redistributed": GREEN,
        "Withheld, retained": GREY,
    }
    node_colours = [next((c for k, c in colours.items() if n.startswith(k)), BLUE) for n in nodes]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            textfont={"color": "#222222", "size": 12},
            valueformat=",.0f",
            valuesuffix=" £",
            node={
                "label": [f"{n}: {gbp(totals[n])}" for n in nodes],
                "color": node_colours,
                "pad": 18,
                "thickness": 16,
                "line": {"width": 0},
            },
            link={
                "source": [nodes.index(x) for x in flows["source"]],
                "target": [nodes.index(x) for x in flows["target"]],
                "value": flows["amount_gbp"].clip(lower=0),
                "color": "rgba(120,120,120,0.25)",
            },
        )
    )
    return _layout(fig, f"Where every pound of the {YEAR} iBCF goes", 380)


def fan_chart(history: pd.DataFrame, path: pd.DataFrame) -> go.Figure:
    """National delayed beds a day: recent history, the counterfactual baseline and the
    scenario with P10-P90 bands, against the national ambition."""
    fig = go.Figure()
    x = path["month"]
    if {"baseline_p10", "baseline_p90"} <= set(path.columns):
        _band(fig, x, path["baseline_p10"], path["baseline_p90"], BASELINE_FILL, "Baseline P10–P90")
    _band(fig, x, path["p10"], path["p90"], SCENARIO_FILL, "Scenario P10–P90")
    fig.add_trace(
        go.Scatter(
            x=history["month"],
            y=history["beds"],
            name="Reported",
            line={"color": "black", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=path["baseline"],
            name="Baseline (no change)",
            line={"color": GREY, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(x=x, y=path["p50"], name="Scenario P50", line={"color": BLUE, "width": 2})
    )
    fig.add_trace(
        go.Scatter(
            x=list(history["month"]) + list(x),
            y=[path["ambition"].iloc[0]] * (len(history) + len(x)),
            name="National ambition",
            line={"color": RED, "dash": "dot"},
        )
    )
    fig.update_yaxes(title="Delayed beds a day (all organisations)", rangemode="tozero")
    fig.update_xaxes(title=None)
    return _layout(fig, f"National delayed transfers: reported and projected {YEAR}", 420)


def histogram(draws: pd.Series, p10: float, p50: float, p90: float, unit: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=draws, nbinsx=50, marker={"color": BLUE}, name="draws"))
    for value, text, where in (
        (p10, "P10", "top left"),
        (p50, "P50", "top right"),
        (p90, "P90", "top right"),
    ):
        fig.add_vline(
            x=value,
            line={"color": RED if text == "P50" else GREY, "dash": "dot"},
            annotation_text=f"{text} {value:,.0f}",
            annotation_position=where,
            annotation_yshift=-14 if text == "P90" else 0,
        )
    fig.update_xaxes(title=unit)
    fig.update_yaxes(title="draws")
    return _layout(fig, f"Monte Carlo: beds freed, {YEAR} average ({len(draws):,} draws)")


def tornado(table: pd.DataFrame, base: float) -> go.Figure:
    """One-at-a-time swings of beds freed (central projection)."""
    t = table.iloc[::-1]
    labels = t["label"]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=t["beds_freed_low"] - base,
            base=base,
            orientation="h",
            name="Parameter at its low value",
            marker={"color": ORANGE},
            customdata=t["low"],
            hovertemplate="low %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=t["beds_freed_high"] - base,
            base=base,
            orientation="h",
            name="Parameter at its high value",
            marker={"color": BLUE},
            customdata=t["high"],
            hovertemplate="high %{customdata}<extra></extra>",
        )
    )
    fig.add_vline(x=base, line={"color": "black", "width": 1})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=f"Beds freed a day, {YEAR} average")
    fig = _layout(fig, "Tornado: beds freed when one assumption moves", 190 + 34 * len(t))
    fig.update_layout(legend={"y": -0.25, "yanchor": "top", "x": 0})
    return fig


def council_history(history: pd.DataFrame, marks: pd.DataFrame, title: str) -> go.Figure:
    """A council's monthly rate by attribution, with its expectation and test months."""
    fig = go.Figure()
    for name, frame in history.groupby("attribution", sort=False):
        fig.add_trace(
            go.Scatter(
                x=frame["month"],
                y=frame["rate"],
                name=str(name),
                line={"color": ATTRIBUTION_COLOURS.get(str(name), GREY)},
            )
        )
    for _, row in marks.iterrows():
        if row["kind"] == "expectation":
            fig.add_trace(
                go.Scatter(
                    x=[row["month"]],
                    y=[row["value"]],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 11, "color": RED},
                    name=row["label"],
                )
            )
        else:
            fig.add_vline(x=row["month"], line={"color": GREY, "dash": "dot", "width": 1})
    fig.update_yaxes(title="Delayed beds a day per 100,000 adults 18+", rangemode="tozero")
    return _layout(fig, title, 360)


def council_projection(frame: pd.DataFrame, title: str) -> go.Figure:
    fig = go.Figure()
    _band(fig, frame["month"], frame["p10"], frame["p90"], SCENARIO_FILL, "Scenario P10–P90")
    fig.add_trace(
        go.Scatter(
            x=frame["month"],
            y=frame["baseline"],
            name="Baseline",
            line={"color": GREY, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(x=frame["month"], y=frame["p50"], name="Scenario P50", line={"color": BLUE})
    )
    fig.update_yaxes(title="Delayed beds a day", rangemode="tozero")
    return _layout(fig, title, 320)


def bars(
    frame: pd.DataFrame, x: str, y: str, title: str, axis: str, colour_by_sign: bool = True
) -> go.Figure:
    colours = (
        [GREEN if v > 0 else RED if v < 0 else GREY for v in frame[y]] if (colour_by_sign) else BLUE
    )
    fig = go.Figure(go.Bar(x=frame[x], y=frame[y], marker={"color": colours}))
    fig.update_yaxes(title=axis)
    fig.update_xaxes(title=None)
    return _layout(fig, title)


def hbars(frame: pd.DataFrame, y: str, x: str, title: str, axis: str) -> go.Figure:
    colours = [GREEN if v > 0 else RED if v < 0 else GREY for v in frame[x]]
    fig = go.Figure(go.Bar(y=frame[y], x=frame[x], orientation="h", marker={"color": colours}))
    fig.update_xaxes(title=axis)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, 120 + 24 * len(frame))


def hgrouped(frame: pd.DataFrame, y: str, series: list[str], title: str, axis: str) -> go.Figure:
    fig = go.Figure()
    colours = [ORANGE, RED, GREEN, BLUE, GREY]
    for k, name in enumerate(series):
        fig.add_trace(
            go.Bar(
                y=frame[y],
                x=frame[name],
                name=name,
                orientation="h",
                marker={"color": colours[k % len(colours)]},
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=axis)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, 160 + 12 * len(frame) * len(series))


def grouped(frame: pd.DataFrame, x: str, series: list[str], title: str, axis: str) -> go.Figure:
    fig = go.Figure()
    colours = [ORANGE, RED, GREEN, BLUE, GREY]
    for k, name in enumerate(series):
        fig.add_trace(
            go.Bar(x=frame[x], y=frame[name], name=name, marker={"color": colours[k % 5]})
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=axis)
    return _layout(fig, title)


SCENARIO_FILL = "rgba(31,95,168,0.25)"
BASELINE_FILL = "rgba(122,122,122,0.15)"


def _band(
    fig: go.Figure, x: pd.Series, low: pd.Series, high: pd.Series, fill: str, name: str
) -> None:
    """A shaded P10-P90 band: an invisible upper edge, then the lower edge filled up to it."""
    fig.add_trace(go.Scatter(x=x, y=high, line={"width": 0}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(
        go.Scatter(x=x, y=low, fill="tonexty", fillcolor=fill, line={"width": 0}, name=name)
    )
