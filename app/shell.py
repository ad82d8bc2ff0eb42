"""The page: header, sidebar, the chosen view and the link in the address bar.

One run: the session's Scenario (already updated by any widget callback) -> the model
(cached by content hash) -> the chosen view. Only the chosen view is computed.
"""

from __future__ import annotations

import time

import streamlit as st

from app import link, model, sidebar, state
from app.context import Ctx
from app.display import YEAR
from app.pages import (
    breakdowns,
    compare,
    councils,
    data_page,
    exports,
    how,
    map_page,
    overview,
    sensitivity,
)
from app.show import RECONSTRUCTED_NOTE, RECONSTRUCTED_SHORT
from simulator import MODEL_VERSION

VIEWS = {
    "Overview": overview.render,
    "Map": map_page.render,
    "Councils": councils.render,
    "Compare": compare.render,
    "Sensitivity": sensitivity.render,
    "Breakdowns": breakdowns.render,
    "Data and assumptions": data_page.render,
    "Exports": exports.render,
    "How this works": how.render,
}
TIMING = "_last_run_seconds"

# The sidebar keeps Streamlit's own width, resizing and collapse: nothing here sizes it.
# Metric labels wrap between words (never inside one) instead of being cut short.
BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; overflow-wrap: normal; word-break: normal; hyphens: manual;
}
[data-testid="stText"] { white-space: pre-wrap; overflow-wrap: break-word; }
@media (max-width: 640px) { h1 { font-size: 1.9rem !important; } }
</style>
"""
# Workshop mode: larger type everywhere, the headline numbers largest of all. The
# paragraph rule names the containers it enlarges, so it never reaches a metric's value.
WORKSHOP_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
[data-testid="stMainBlockContainer"] {
    padding: 1rem 1.6rem 2rem 1.6rem; max-width: none;
}
@media (max-width: 640px) { [data-testid="stMainBlockContainer"] { padding-top: 3.2rem; } }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    font-size: 2.6rem !important; line-height: 1.15;
}
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
[data-testid="stMain"] [data-testid="stElementContainer"] > [data-testid="stMarkdown"] p,
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
</style>
"""


def main() -> None:
    started = time.perf_counter()
    st.set_page_config(
        page_title="iBCF allocation review simulator",
        page_icon="🏛️",  # an emoji is drawn in the browser: nothing is fetched
        layout="wide",
        initial_sidebar_state="auto",  # collapsed on a phone, open on a desk,
    )
    data = model.dataset()
    presets = model.presets()
    state.init()
    ctx = Ctx(
        data=data,
        presets=presets,
        scenario=state.scenario(),
        preset_slug=state.preset_slug(),
        result=model.evaluate(state.scenario()),
        workshop=state.workshop(),
    )
    if st.session_state.get(state.VIEW) not in VIEWS:
        st.session_state[state.VIEW] = "Overview"
    sync_url(ctx, st.session_state[state.VIEW])
    sidebar.render(ctx)
    st.html(BASE_CSS)
    if ctx.workshop:
        st.html(WORKSHOP_CSS)

    reconstructed = ctx.result.summary["allocation_status"] != "official"
    if ctx.workshop:  # a projector's first screen holds the numbers: a one-line header
        st.text(f"{ctx.scenario.name}: {YEAR} iBCF allocations of 152 councils")
        if reconstructed:
            st.caption(f":material/warning: {RECONSTRUCTED_SHORT}", help=RECONSTRUCTED_NOTE)
    else:
        st.title("iBCF allocation review simulator")
        st.text(
            f"{ctx.scenario.name}: {YEAR} improved Better Care Fund allocations of 152 "
            "councils, reviewed by delayed transfers of care."
        )
        if reconstructed:
            st.warning(RECONSTRUCTED_NOTE, icon=":material/warning:")
    for kind, text in st.session_state.get(state.LINK_NOTES, []):
        (st.error if kind == "error" else st.warning)(text, icon=":material/link:")
    for kind, lines in state.take_flash():
        getattr(st, kind)("\n\n".join(lines))

    view = (
        st.segmented_control(
            "View", list(VIEWS), key=state.VIEW, label_visibility="collapsed", required=True
        )
        or "Overview"
    )
    VIEWS[view](ctx)

    elapsed = time.perf_counter() - started
    st.session_state[TIMING] = elapsed
    st.caption(
        f"Model {MODEL_VERSION}; data {data.data_hash}; scenario {ctx.scenario.content_hash()}. "
        f"Drawn in {elapsed:.2f} s."
    )


def sync_url(ctx: Ctx, view: str) -> None:
    """Keep the address bar a link to this view (only when something changed)."""
    extra = {}
    if view != "Overview":
        extra[link.VIEW] = view
    if ctx.workshop:
        extra[link.WORKSHOP] = "1"
    council = st.session_state.get(state.COUNCIL)
    if view == "Councils" and council and not ctx.workshop:  # codes stay hidden
        extra[link.COUNCIL] = council
    picks = link.encode_picks(st.session_state.get(state.COMPARE) or [])
    if view == "Compare" and picks:
        extra[link.COMPARE] = picks
    preset = ctx.presets[ctx.preset_slug]
    params = link.link_params(ctx.preset_slug, preset, ctx.scenario, ctx.data.data_hash, extra)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != params:
        st.query_params.from_dict(params)
