"""Plotly figures built from frames the model produced (no model arithmetic here).

Each function takes the numbers to draw and returns a figure; the page shows it
next to a CSV of the same numbers.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from app import services
from app import text as plain
from app.services import YEAR, gbp, hexagon

BLUE, ORANGE, GREY, GREEN, RED = "#1f5fa8", "#d9822b", "#7a7a7a", "#2e8b57", "#b03a2e"
ATTRIBUTION_COLOURS = {
    "social care": BLUE,
    "social care and both": "#6a9fd8",
    "NHS": ORANGE,
    "all organisations": GREY,
}


def gbp_axis(amount: float) -> str:
    """Pounds on a chart axis: the short form without a needless decimal.

    >>> gbp_axis(20_000_000), gbp_axis(2_500_000), gbp_axis(-500_000), gbp_axis(0)
    ('£20m', '£2.5m', '-£500,000', '£0')
    """
    text = gbp(amount)
    return text.replace(".0m", "m")


def wrap_title(title: str, width: int = 52) -> str:
    """A chart title over as many lines as it needs (Plotly never wraps one).

    >>> wrap_title("National delayed transfers: reported and projected 2018/19", 30)
    'National delayed transfers:<br>reported and projected 2018/19'
    """
    return "<br>".join(textwrap.wrap(title, width)) or title


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
        title={
            "text": wrap_title(plain.chart(title)),
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 8, "b": 10},
            "automargin": True,
            "font": {"size": 15},
        },
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "xanchor": "left",
            "title": {"text": ""},
        },
        font={"family": "sans-serif", "size": 12},
        separators=".,",
    )
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode is None:
            trace.mode = "lines"
    return room_on_top(fig)


def room_on_top(fig: go.Figure) -> go.Figure:
    """A top margin holding the title's lines, then the legend's, then any labels drawn
    above the plot, so none sits on another (Plotly sizes them separately). Legends of
    more than three entries are allowed one line per entry, as on a narrow screen."""
    font = fig.layout.font.size or 12
    title = fig.layout.title.font.size or 15
    text = str(fig.layout.title.text or "")
    lines = text.count("<br>") + 1 if text else 0
    entries = sum(
        1
        for t in fig.data
        if t.type != "sankey" and getattr(t, "showlegend", None) is not False and t.name
    )
    if fig.layout.showlegend is False:
        entries = 0
    rows = 0 if entries == 0 else (1 if entries <= 3 else entries)
    top = 14 + round(lines * title * 1.35) + round(rows * font * 1.7) + labels_above(fig)
    fig.update_layout(title={"automargin": False}, margin={"t": top})
    return fig


# One row of labels drawn above a plot (a histogram's P10, P50 and P90) at 12 px type.
LABEL_ROW_PX = 20


def labels_above(fig: go.Figure) -> int:
    """The height the labels drawn above the plot need (those anchored on its top edge,
    rows apart by their ``yshift``): the highest row's shift and one row of its type."""
    font = fig.layout.font.size or 12
    above = [
        (a.yshift or 0) + round((a.font.size or font) * 1.5)
        for a in fig.layout.annotations or ()
        if a.yref == "paper" and a.y == 1 and a.yanchor == "bottom"
    ]
    return max(above, default=0)


def presenting(fig: go.Figure) -> go.Figure:
    """The same chart for a projector (workshop mode): every font larger, the chart
    taller by as much, so nothing is clipped."""
    out = go.Figure(fig)
    scale = 1.4
    base = out.layout.font.size or 12
    title = out.layout.title.font.size or 15
    text = str(out.layout.title.text or "").replace("<br>", " ")
    out.update_layout(
        font={"size": round(base * scale)},
        title={"text": wrap_title(text, 34), "font": {"size": round(title * scale)}},
        height=round((out.layout.height or 380) * 1.25),
    )
    for trace in out.data:
        if trace.type == "sankey":
            trace.textfont.size = round((trace.textfont.size or 12) * scale)
    for annotation in out.layout.annotations or ():
        annotation.font.size = round((annotation.font.size or base) * scale)
        annotation.yshift = round((annotation.yshift or 0) * scale)
    room_on_top(out)
    return out


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks.

    >>> nice_step(70_000_000), nice_step(9), nice_step(0)
    (20000000.0, 2.0, 1.0)
    """
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def money_ticks(values: list[float]) -> tuple[list[float], list[str]]:
    """Tick positions and labels for a £ axis in the app's short form (£20m, -£500,000).

    >>> money_ticks([0, 68_000_000])
    ([0.0, 20000000.0, 40000000.0, 60000000.0, 80000000.0], ['£0', '£20m', '£40m', '£60m', '£80m'])
    """
    finite = [float(v) for v in values if v == v] or [0.0]
    low, high = min(0.0, *finite), max(0.0, *finite)
    step = nice_step(high - low)
    start = math.floor(low / step) * step
    ticks = []
    k = 0
    while start + k * step <= high + step * 0.999 and k < 50:
        ticks.append(round(start + k * step, 6) + 0.0)
        k += 1
    return ticks, [gbp_axis(t) for t in ticks]


def money_axis(fig: go.Figure, values: list[float], axis: str = "y", title: str = "") -> None:
    """Label a £ axis £20m rather than 20M."""
    ticks, text = money_ticks(values)
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickmode="array", tickvals=ticks, ticktext=text, title=title or f"£, {YEAR}")


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
            node={
                "hovertemplate": "%{label}<extra></extra>",
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
                "hovertemplate": "%{source.label} → %{target.label}<extra></extra>",
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
        _band(
            fig,
            x,
            path["baseline_p10"],
            path["baseline_p90"],
            BASELINE_FILL,
            "No change, likely range",
        )
    _band(fig, x, path["p10"], path["p90"], SCENARIO_FILL, "With the scenario, likely range")
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
            name="No change, central",
            line={"color": GREY, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x, y=path["p50"], name="With the scenario, central", line={"color": BLUE, "width": 2}
        )
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
    """Monte Carlo draws with the range and central value marked; figures by the one
    rule for beds. Each line ends at the top of the plot and its label sits above it,
    where no line reaches, in a row of its own: no line crosses a label and no label
    covers another, however close the values. A label is centred on its line, or starts
    at it (a line in the left third of the draws' range) or ends at it (the right
    third), so that it stays within the chart."""
    fig = go.Figure(go.Histogram(x=draws, nbinsx=50, marker={"color": BLUE}, name="draws"))
    low, high = float(draws.min()), float(draws.max())
    for row, (value, text) in enumerate(
        ((p10, "Low (P10)"), (p50, "Central (P50)"), (p90, "High (P90)"))
    ):
        at = (value - low) / (high - low) if high > low else 0.5
        fig.add_vline(x=value, line={"color": RED if "P50" in text else GREY, "dash": "dot"})
        fig.add_annotation(
            x=value,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="left" if at < 1 / 3 else "right" if at > 2 / 3 else "center",
            yshift=row * LABEL_ROW_PX,
            showarrow=False,
            text=f"{text} {services.beds_figure(value)}",
        )
    fig.update_xaxes(title=unit)
    fig.update_yaxes(title="Number of draws")
    fig.update_layout(showlegend=False)
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
    fig = _layout(fig, "Tornado: beds freed when one assumption moves", 210 + 34 * len(t))
    # Long parameter names over two lines, so a phone's narrow chart keeps them whole
    # (Plotly cuts a label its margin cannot hold); wrapped after _layout made them text.
    wrapped = [wrap_title(str(label), 26) for label in fig.data[0].y]
    fig.update_traces(y=wrapped)
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
    tested: set[str] = set()
    for _, row in marks.iterrows():
        if row["kind"] == "test" and row["month"] in tested:
            continue
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
            tested.add(row["month"])
            fig.add_vline(x=row["month"], line={"color": GREY, "dash": "dot", "width": 1})
    if tested:  # the dotted lines, named once in the legend
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name="Months the tests read",
                line={"color": GREY, "dash": "dot", "width": 1},
            )
        )
    fig.update_yaxes(title="Beds a day per 100,000 adults", rangemode="tozero")
    return _layout(fig, title, 420)


def council_projection(frame: pd.DataFrame, title: str) -> go.Figure:
    fig = go.Figure()
    _band(
        fig,
        frame["month"],
        frame["p10"],
        frame["p90"],
        SCENARIO_FILL,
        "With the scenario, likely range",
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month"],
            y=frame["baseline"],
            name="No change, central",
            line={"color": GREY, "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month"],
            y=frame["p50"],
            name="With the scenario, central",
            line={"color": BLUE},
        )
    )
    fig.update_yaxes(title="Delayed beds a day", rangemode="tozero")
    return _layout(fig, title, 320)


def _axis(fig: go.Figure, values: list[float], axis: str, title: str) -> None:
    """A value axis: £ axes in the app's short form, others titled with their unit."""
    if title == "£":
        money_axis(fig, values, axis)
    else:
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(title=title)


def _values(frame: pd.DataFrame, series: list[str]) -> list[float]:
    return [float(v) for name in series for v in frame[name]]


def hbars(frame: pd.DataFrame, y: str, x: str, title: str, axis: str) -> go.Figure:
    colours = [GREEN if v > 0 else RED if v < 0 else GREY for v in frame[x]]
    fig = go.Figure(
        go.Bar(y=frame[y], x=frame[x], orientation="h", marker={"color": colours}, showlegend=False)
    )
    _axis(fig, _values(frame, [x]), "x", axis)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, 130 + 24 * len(frame))


def hgrouped(
    frame: pd.DataFrame,
    y: str,
    series: list[str],
    title: str,
    axis: str,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """Horizontal bars, one colour per series; ``names`` are the legend's words."""
    fig = go.Figure()
    colours = [ORANGE, RED, GREEN, BLUE, GREY]
    for k, name in enumerate(series):
        fig.add_trace(
            go.Bar(
                y=frame[y],
                x=frame[name],
                name=(names or {}).get(name, name),
                orientation="h",
                marker={"color": colours[k % len(colours)]},
            )
        )
    fig.update_layout(barmode="group")
    _axis(fig, _values(frame, series), "x", axis)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, 170 + 12 * len(frame) * len(series))


def grouped(
    frame: pd.DataFrame,
    x: str,
    series: list[str],
    title: str,
    axis: str,
    names: dict[str, str] | None = None,
    x_title: str | None = None,
) -> go.Figure:
    """Vertical bars, one colour per series; ``names`` are the legend's words;
    ``x_title`` titles the category axis (over lines of at most 20 characters, so a
    phone shows all of it, in workshop type too)."""
    fig = go.Figure()
    colours = [ORANGE, RED, GREEN, BLUE, GREY]
    for k, name in enumerate(series):
        fig.add_trace(
            go.Bar(
                x=frame[x],
                y=frame[name],
                name=(names or {}).get(name, name),
                marker={"color": colours[k % 5]},
            )
        )
    fig.update_layout(barmode="group")
    _axis(fig, _values(frame, series), "y", axis)
    # Long names over several level lines, never slanted (each line shown as text).
    ticks = [
        "<br>".join(plain.chart(line) for line in textwrap.wrap(str(v), 22)) or plain.chart(v)
        for v in frame[x]
    ]
    # Categories, even where most are numbers (deciles), or Plotly draws a number line.
    fig.update_xaxes(
        type="category",
        title="<br>".join(plain.chart(line) for line in textwrap.wrap(x_title, 20))
        if x_title
        else None,
        tickangle=0,
        tickvals=list(frame[x]),
        ticktext=ticks,
        automargin=True,
    )
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


STATUS_COLOURS = {
    "selected": RED,
    "exempt": ORANGE,
    "not selected": "#c9d6e3",
    "no DToC data": "#ffffff",
}


def _scale_colour(value: float, low: float, high: float, scale: str) -> str:
    if not math.isfinite(value):
        return "#ffffff"
    t = 0.5 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    return str(sample_colorscale(scale, [t])[0])


def hex_map(
    frame: pd.DataFrame,
    colour_by: str,
    title: str,
    legend: str,
    names: dict[str, str],
    hover: list[str],
    labels: list[str] | None = None,
    found: int | None = None,
    codes: bool = True,
) -> go.Figure:
    """The councils as hexagons (shapes in data units, so the map scales with the
    page), each with a short label, and one point at each centre to carry the hover
    text and the click that opens a council's card. ``colour_by`` is ``status``,
    ``change`` or ``rate``; ``hover`` is each council's text in the frame's order, one
    line per ``\n`` (each line shown as text); ``found`` is the position of a council
    to outline; ``codes`` False leaves the GSS codes out of the page (workshop)."""
    fig = go.Figure()
    colours, marker = _hex_colours(fig, frame, colour_by, legend, names)
    shapes = []
    for k, ((_, row), colour) in enumerate(zip(frame.iterrows(), colours, strict=True)):
        corners = hexagon(float(row["x"]), float(row["y"]), 0.94)
        path = "M " + " L ".join(f"{a:.3f},{b:.3f}" for a, b in corners) + " Z"
        outline = {"color": "#111111", "width": 3.5} if k == found else None
        shapes.append(
            {
                "type": "path",
                "path": path,
                "fillcolor": colour,
                "line": outline or {"color": "#8a8a8a", "width": 0.6},
                "layer": "above" if k == found else "below",
            }
        )
    # Plotly reads <br> as a line break: each line is escaped on its own, then joined.
    lines = ["<br>".join(plain.chart(line) for line in h.split("\n")) for h in hover]
    fig.add_trace(
        go.Scatter(
            x=frame["x"],
            y=frame["y"],
            mode="markers+text" if labels else "markers",
            marker=marker,
            customdata=frame["gss_code"] if codes else None,
            text=labels,
            textfont={"size": 9, "color": "#1a1a1a"},
            textposition="middle center",
            hovertext=lines,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="councils",
        )
    )
    fig.update_layout(shapes=shapes, hovermode="closest", clickmode="event+select", dragmode=False)
    fig.update_xaxes(visible=False, range=[frame["x"].min() - 1, frame["x"].max() + 1])
    fig.update_yaxes(
        visible=False,
        range=[frame["y"].min() - 1, frame["y"].max() + 1],
        scaleanchor="x",
        scaleratio=1,
    )
    return _layout(fig, title, 640)


def _hex_colours(
    fig: go.Figure, frame: pd.DataFrame, colour_by: str, legend: str, names: dict[str, str]
) -> tuple[list[str], dict[str, object]]:
    """Each hexagon's colour and the marker of the centre points: a legend of the
    statuses, or a colour scale of the change or the rate."""
    if colour_by == "status":
        colours = [STATUS_COLOURS.get(str(v), GREY) for v in frame["status"]]
        for status, colour in STATUS_COLOURS.items():
            if (frame["status"] == status).any():
                fig.add_trace(
                    go.Scatter(
                        x=[None],
                        y=[None],
                        mode="markers",
                        name=names.get(status, status),
                        marker={
                            "symbol": "hexagon",
                            "size": 14,
                            "color": colour,
                            "line": {"color": GREY, "width": 1},
                        },
                    )
                )
        marker: dict[str, object] = {"size": 18, "opacity": 0}
    else:
        values = frame[colour_by].astype(float)
        finite = values[np.isfinite(values)]
        if colour_by == "change":
            reach = float(finite.abs().max()) if len(finite) else 0.0
            low, high, scale = -reach, reach, "RdYlGn"
        else:
            low, high, scale = 0.0, float(finite.max()) if len(finite) else 1.0, "OrRd"
        colours = [_scale_colour(float(v), low, high, scale) for v in values]
        colorbar: dict[str, object] = {"title": {"text": legend}, "thickness": 14}
        if colour_by == "change":
            ticks, text = money_ticks([low, high])
            colorbar.update(tickmode="array", tickvals=ticks, ticktext=text)
        marker = {
            "size": 18,
            "opacity": 0,
            "color": values.fillna(low),
            "colorscale": scale,
            "cmin": low,
            "cmax": high if high > low else low + 1,
            "showscale": True,
            "colorbar": colorbar,
        }
    return colours, marker


def reported_vs_rebuilt(frame: pd.DataFrame) -> go.Figure:
    """Each council's reported 2018-19 iBCF (x) against the precept-equalisation rebuild
    (y), £ on log axes, coloured by report status, with the line where they agree.
    Councils reporting £0 cannot sit on a log axis: the page says so beside the chart.

    >>> f = pd.DataFrame({"council": ["A", "B", "C"], "reported £": [100.0, 0.0, 50.0],
    ...     "rebuilt £ (precept equalisation)": [110, 90, 200],
    ...     "status": ["reported 2018-19 outturn", "reported, flagged", "reported, flagged"]})
    >>> [(t.name, len(t.x)) for t in reported_vs_rebuilt(f).data]
    [('reported 2018-19 outturn', 1), ('reported, flagged', 1), ('rebuilt = reported', 2)]
    """
    shown = frame[frame["reported £"] > 0]
    fig = go.Figure()
    colours = {
        "reported 2018-19 outturn": BLUE,
        "reported, flagged": RED,
        "not reported": GREY,
    }
    for status, colour in colours.items():
        part = shown[shown["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["reported £"],
                y=part["rebuilt £ (precept equalisation)"],
                mode="markers",
                name=status,
                text=part["council"],
                marker={"color": colour, "size": 7},
                hovertemplate="%{text}<br>reported £%{x:,.0f}<br>rebuilt £%{y:,.0f}<extra></extra>",
            )
        )
    values = pd.concat([shown["reported £"], shown["rebuilt £ (precept equalisation)"]])
    values = values[values > 0]
    if len(values):
        low, high = float(values.min()), float(values.max())
        fig.add_trace(
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name="rebuilt = reported",
                line={"color": GREY, "dash": "dot"},
                hoverinfo="skip",
            )
        )
    # One labelled tick per power of ten (no unlabelled 2s and 5s between).
    fig.update_xaxes(type="log", dtick=1, title=f"reported {YEAR} iBCF, £ (log scale)")
    fig.update_yaxes(type="log", dtick=1, title="rebuilt by precept equalisation, £ (log scale)")
    return _layout(fig, f"Reported {YEAR} iBCF against the rebuild, every council", 460)


def design_frontier(
    pool: pd.DataFrame,
    pool_name: str,
    front: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    hover: list[str],
) -> go.Figure:
    """The designer's options: the pool (those keeping the guarantees) in grey, named
    ``pool_name``; the efficient ones in blue, each carrying its option number (what a
    click on it selects). ``hover`` is each efficient option's text in the frame's
    order, one line per ``\n`` (each line shown as text)."""
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=pool[x],
            y=pool[y],
            mode="markers",
            marker={"color": GREY, "size": 4, "opacity": 0.35},
            name=pool_name,
            hoverinfo="skip",
        )
    )
    # Plotly reads <br> as a line break: each line is escaped on its own, then joined.
    lines = ["<br>".join(plain.chart(line) for line in h.split("\n")) for h in hover]
    fig.add_trace(
        go.Scatter(
            x=front[x],
            y=front[y],
            mode="markers",
            marker={"color": BLUE, "size": 9},
            name="efficient options",
            customdata=[int(i) for i in front["option"]],
            hovertext=lines,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    fig.update_layout(hoverlabel={"align": "left"})
    return _layout(fig, f"{y_title} against {x_title.lower()}", height=420)
