"""Map: the 152 councils as a hex map, coloured by status, change in £ or DToC rate.
Clicking a council opens its card below the map."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import streamlit as st

from app import charts, council_card, services, show, state
from app.context import Ctx
from app.display import short_labels
from app.services import YEAR, gbp, month_name

COLOUR = "map_colour"
LAST_PICK = "_map_last_pick"
COLOURINGS = {
    "status": "Status",
    "change": "Change in £",
    "rate": "DToC rate",
}
STATUS_WORDS = {
    "selected": "Selected",
    "exempt": "Exempt (improved)",
    "not selected": "Not selected",
    "no DToC data": "No DToC data",
}
FIND = "map_find"
# A hexagon's label needs about 30 px: on a map narrower than 600 px (a phone) the
# labels would print over each other, so the map drops them there, whatever the screen
# (the map's own width decides); hover and "Find a council" still name each council.
# The chart's container carries its key (show.chart names it chart_hex_map).
NARROW_PX = 600
MAP_CSS = f"""
<style>
.st-key-chart_hex_map {{ container-type: inline-size; container-name: hexmap; }}
@container hexmap (max-width: {NARROW_PX}px) {{
    .st-key-chart_hex_map .scatterlayer .textpoint {{ display: none !important; }}
}}
</style>
"""
WORKSHOP_NOTE = (
    "Workshop mode: councils carry neutral labels here and in every export; a hexagon's "
    "place is roughly where the council lies."
)


def hover_text(row: Mapping[Any, object]) -> str:
    """One council's hover lines: name, status, change and DToC rate with its month
    (the chart shows each line as text, one under the other).

    >>> hover_text({"council": "Northshire", "status": "selected", "change": -12_000,
    ...     "rate": 9.46, "rate_month": "2017-07"}).split("\\n")[1:]
    ['Selected; change -£12,000', '9.5 delayed beds a day per 100,000 adults, July 2017']
    """
    rate = float(row["rate"])  # type: ignore[arg-type]
    rate_text = (
        f"{rate:.1f} delayed beds a day per 100,000 adults, {month_name(str(row['rate_month']))}"
        if math.isfinite(rate)
        else "no DToC data"
    )
    return (
        f"{row['council']}\n{STATUS_WORDS.get(str(row['status']), row['status'])}; "
        f"change {gbp(float(row['change']))}\n{rate_text}"  # type: ignore[arg-type]
    )


def render(ctx: Ctx) -> None:
    frame = services.map_frame(ctx.result)
    if ctx.workshop:  # neutral labels, no codes on the page
        frame = frame.assign(council=[ctx.name(c) for c in frame["gss_code"]])
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with left:
        colour = (
            st.segmented_control(
                "Colour by",
                list(COLOURINGS),
                default="status",
                key=COLOUR,
                format_func=lambda v: COLOURINGS[v],
            )
            or "status"
        )
    names = list(frame["council"])
    wanted = right.selectbox(
        "Find a council",
        sorted(names),
        index=None,
        key=FIND,
        placeholder="Type a name to outline it",
    )
    found = names.index(wanted) if wanted in names else None
    if found is not None:
        st.session_state[state.COUNCIL] = str(frame["gss_code"].iloc[found])
    basis = str(frame["rate_basis"].iloc[0]).replace("_", " ")
    month = month_name(str(frame["rate_month"].iloc[0]))
    legends = {
        "status": "",
        "change": f"£, {YEAR}",
        "rate": "per 100,000 adults",
    }
    titles = {
        "status": f"Councils selected by the scenario, {YEAR}",
        "change": f"Change in allocation, {YEAR} (conditioned money is not a change)",
        "rate": f"Delayed beds a day per 100,000 adults 18+ ({basis}), {month}",
    }
    hover = [hover_text(row) for row in frame.to_dict("records")]
    labels = short_labels(names)
    st.html(MAP_CSS)
    figure = charts.hex_map(
        frame, colour, titles[colour], legends[colour], STATUS_WORDS, hover, labels, found,
        codes=not ctx.workshop,
    )  # fmt: skip
    event = show.chart(
        figure,
        ctx.shown(frame.drop(columns=["q", "r", "x", "y"])),
        ctx,
        "hex_map",
        "map values by council",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        "One hexagon per council with adult social care duties in 2017/18, roughly where it "
        "lies (layout: Open Innovations' upper-tier hex map, adapted from 2019 to 2017/18 "
        "for Bournemouth, Poole and Dorset), labelled with a short form of its name where "
        "the map is wide enough to read it (on a phone, hover or find a council by name). "
        "Click a council, or find it by name, to open its card below."
        + (f" {WORKSHOP_NOTE}" if ctx.workshop else "")
    )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        index = points[0].get("point_index", points[0].get("point_number"))
        code = points[0].get("customdata") or (
            str(frame["gss_code"].iloc[int(index)]) if index is not None else None
        )
        if code and code != st.session_state.get(LAST_PICK):
            st.session_state[LAST_PICK] = code
            st.session_state[state.COUNCIL] = code
    st.divider()
    council_card.render(ctx)
