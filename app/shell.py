"""The page: header, sidebar, the chosen view and the link in the address bar.

One run: the session's Scenario (already updated by any widget callback) -> the model
(cached by content hash) -> the chosen view. Only the chosen view is computed.
"""

from __future__ import annotations

import json
import time
from string import Template

import streamlit as st
import streamlit.components.v1 as components

from app import link, services, sidebar, state
from app.context import Ctx
from app.pages import (
    breakdowns,
    compare,
    councils,
    data_page,
    design,
    exports,
    how,
    map_page,
    overview,
    sensitivity,
    timeline,
)
from app.services import MODEL_VERSION, YEAR, Result
from app.show import RECONSTRUCTED_HEADLINE, RECONSTRUCTED_NOTE, RECONSTRUCTED_SHORT
from app.text import md

VIEWS = {
    "Overview": overview.render,
    "Map": map_page.render,
    "Councils": councils.render,
    "Compare": compare.render,
    "Sensitivity": sensitivity.render,
    "Design": design.render,
    "Breakdowns": breakdowns.render,
    "Timeline": timeline.render,
    "Data and assumptions": data_page.render,
    "Exports": exports.render,
    "How this works": how.render,
}
TIMING = "_last_run_seconds"

# The sidebar keeps Streamlit's own width, resizing and collapse: nothing here sizes it.
# Metric labels wrap between words (never inside one) instead of being cut short.
BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.6rem; }
h1 { font-size: 2.2rem !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; overflow-wrap: normal; word-break: normal; hyphens: manual;
}
[data-testid="stText"] { white-space: pre-wrap; overflow-wrap: break-word; }
[data-testid="stTable"] { overflow-x: auto; }
@media (max-width: 640px) {
    h1 { font-size: 1.55rem !important; }
    /* below the fixed header, not under it */
    [data-testid="stMainBlockContainer"] { padding-top: 3.8rem; }
    /* a grid's hover toolbar would sit over the heading or button above it */
    [data-testid="stElementToolbar"] { display: none; }
}
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
@media (max-width: 640px) { [data-testid="stMainBlockContainer"] { padding-top: 3.8rem; } }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    font-size: clamp(2.1rem, 3.1vw, 2.6rem) !important; line-height: 1.15;
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
    problems = services.data_problems()
    if problems:  # file names and cells are shown as text, never as markdown
        st.error("The data folder cannot be used: fix these and reload.")
        st.text("\n".join(problems))
        st.stop()
    data = services.dataset()
    presets = services.presets()
    state.init()
    ctx = Ctx(
        data=data,
        presets=presets,
        scenario=state.scenario(),
        preset_slug=state.preset_slug(),
        result=session_result(),
        workshop=state.workshop(),
    )
    if st.session_state.get(state.VIEW) not in VIEWS:
        st.session_state[state.VIEW] = "Overview"
    sync_url(ctx, st.session_state[state.VIEW])
    sidebar.render(ctx)
    st.html(BASE_CSS)
    if ctx.workshop:
        st.html(WORKSHOP_CSS)

    if st.session_state.pop(state.CHECK_LINK, False):
        oversized_link_notice()
    header(ctx)
    for kind, lines in st.session_state.get(state.LINK_NOTES, []):
        (st.error if kind == "error" else st.warning)(
            "\n\n".join(md(line) for line in lines), icon=":material/link:"
        )
    for kind, lines in state.take_flash():
        getattr(st, kind)("\n\n".join(md(line) for line in lines))

    view = (
        st.segmented_control(
            "View", list(VIEWS), key=state.VIEW, label_visibility="collapsed", required=True
        )
        or "Overview"
    )
    # A new visitor's first Overview leaves the charts out: the headline numbers reach
    # the screen without waiting for the chart library (several MB of script to fetch
    # and parse); the browser asks for the charts a moment after it has drawn them.
    light = view == "Overview" and not st.session_state.get(state.CHARTS_READY, False)
    st.session_state[state.LIGHT] = light
    st.session_state[state.CHARTS_READY] = True
    VIEWS[view](ctx)
    st.session_state[state.LIGHT] = False

    elapsed = time.perf_counter() - started
    st.session_state[TIMING] = elapsed
    st.caption(
        f"Model {MODEL_VERSION}; data {data.data_hash}; scenario {ctx.scenario.content_hash()}. "
        f"{view} drawn in {elapsed:.2f} s."
    )
    if light:
        st.session_state[ARMED] = True
        st.fragment(run_every=CHARTS_AFTER_S)(_charts_now)()


ARMED = "_charts_timer_armed"
CHARTS_AFTER_S = 1.0  # after the browser has drawn the numbers


def header(ctx: Ctx) -> None:
    """The title (one line in workshop mode) and the allocations' status warning: in full
    on the Overview, one line elsewhere, so a view (the map) starts high."""
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
        # In full on the Overview; one line elsewhere, so a view (the map) starts high.
        overview = st.session_state.get(state.VIEW, "Overview") == "Overview"
        if reconstructed and overview:
            st.warning(RECONSTRUCTED_HEADLINE, icon=":material/warning:")
        elif reconstructed:
            st.caption(f":material/warning: {RECONSTRUCTED_SHORT}", help=RECONSTRUCTED_NOTE)
        if overview:
            start_here(ctx)


def _charts_now() -> None:
    """Run in the script, it only arms itself; run again by the browser's timer, it
    redraws the whole page with its charts (and the timer goes with the light view)."""
    if st.session_state.pop(ARMED, False):
        return
    st.rerun()


OVERSIZED_LINK_SCRIPT = Template("""
<script>
(function () {
  var nav = parent.performance.getEntriesByType("navigation")[0];
  var query = new URL(nav ? nav.name : parent.location.href).search.replace(/^[?]/, "");
  var fields = query ? query.split("&").length : 0;
  if (fields <= $fields && query.length <= $chars) { return; }
  var box = parent.document.createElement("div");
  box.setAttribute("role", "alert");
  box.setAttribute("data-testid", "oversizedLink");
  box.textContent = $notice.replace("{fields}", fields.toLocaleString("en-GB"))
    .replace("{chars}", query.length.toLocaleString("en-GB")) + " (Click to close.)";
  box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:1000000;padding:12px 24px;"
    + "background:#fdecea;color:#611a15;font:16px sans-serif;border-bottom:2px solid #b03a2e";
  box.onclick = function () { box.remove(); };
  parent.document.body.appendChild(box);
})();
</script>
""").substitute(
    fields=link.MAX_FIELDS,
    chars=link.MAX_LINK_CHARS,
    notice=json.dumps(link.OVERSIZED),
)


def oversized_link_notice() -> None:
    """Streamlit drops a whole query string of more than 1,000 fields before the script
    sees it, so such a link would open the default scenario silently. On a session's
    first run with no query, a hidden component reads the address the page was opened
    with and, when it is over the limit (:data:`app.link.MAX_LINK_CHARS` characters or
    1,000 fields), says so on the page in the words the app uses for a link it refuses
    itself (fixed text and counts only: nothing from the link is shown)."""
    components.html(OVERSIZED_LINK_SCRIPT, height=0)


def session_result() -> Result:
    """The session's result. Every door checks a scenario before it is taken, so this
    cannot fail; if the model fails anyway, the session goes back to its shipped
    scenario with one readable line rather than failing on every rerun."""
    try:
        return services.evaluate(state.scenario())
    except services.MODEL_FAILURES:
        slug = state.preset_slug()
        state.replace(services.presets()[slug], slug)
        state.flash("error", [f"scenario: {services.CANNOT_RUN}; showing the shipped scenario"])
        return services.evaluate(state.scenario())


START_HERE = (
    "New here? Move a setting in the sidebar and watch the numbers below follow; how "
    "the model works, in five steps:"
)


def _open_how() -> None:
    st.session_state[state.VIEW] = "How this works"


def start_here(ctx: Ctx) -> None:
    """Where a newcomer starts: said on the first screen of a shipped scenario, with a
    button to the five steps (the last of the views)."""
    if ctx.scenario != ctx.presets[ctx.preset_slug]:
        return  # someone already at work
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(START_HERE)
    right.button(
        "How this works",
        key="start_here",
        icon=":material/school:",
        on_click=_open_how,
        width="stretch",
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
    # Saved snapshots travel in every view's link: a reload keeps them, a colleague gets them.
    snapshots, names = services.snapshot_params(st.session_state.get(state.SAVED, {}), ctx.presets)
    extra.update(snapshots)
    picks = link.encode_picks(st.session_state.get(state.COMPARE) or [], names)
    if view == "Compare" and picks:
        extra[link.COMPARE] = picks
    if view == "Design":
        extra[link.DESIGN] = design.link_value()
    preset = ctx.presets[ctx.preset_slug]
    params = services.link_params(ctx.preset_slug, preset, ctx.scenario, ctx.data.data_hash, extra)
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != params:
        st.query_params.from_dict(params)
