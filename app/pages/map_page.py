"""Map: the 152 councils as a hex map, coloured by status, change in £ or DToC rate.
Clicking a council opens its card below the map."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import streamlit as st

from app import charts, council_card, services, show, state
from app.context import Ctx
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
HIDDEN = (
    "The map is hidden in workshop mode: a council's place on a map identifies it "
    "whatever its label. The Councils view lists them by neutral label."
)


def hover_text(row: Mapping[Any, object]) -> str:
    """One council's hover line: name, status, change and DToC rate with its month.

    >>> hover_text({"council": "Northshire", "status": "selected", "change": -12_000,
    ...     "rate": 9.46, "rate_month": "2017-07"}).split("<br>")[1:]
    ['Selected; change -£12,000', '9.5 delayed beds a day per 100,000 adults, July 2017']
    """
    rate = float(row["rate"])  # type: ignore[arg-type]
    rate_text = (
        f"{rate:.1f} delayed beds a day per 100,000 adults, {month_name(str(row['rate_month']))}"
        if math.isfinite(rate)
        else "no DToC data"
    )
    return (
        f"{row['council']}<br>{STATUS_WORDS.get(str(row['status']), row['status'])}; "
        f"change {gbp(float(row['change']))}<br>{rate_text}"  # type: ignore[arg-type]
    )


def render(ctx: Ctx) -> None:
    st.markdown(f"#### The 152 councils, {YEAR}")
    if ctx.workshop:
        st.info(HIDDEN, icon=":material/visibility_off:")
        return
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
    frame = services.map_frame(ctx.result)
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
    event = show.chart(
        charts.hex_map(frame, colour, titles[colour], legends[colour], STATUS_WORDS, hover),
        frame.drop(columns=["q", "r", "x", "y"]),
        ctx,
        "hex_map",
        "map values by council",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        "One hexagon per council with adult social care duties in 2017/18, roughly where it "
        "lies (layout: Open Innovations' upper-tier hex map, adapted from 2019 to 2017/18 "
        "for Bournemouth, Poole and Dorset). Click a council to open its card below."
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
