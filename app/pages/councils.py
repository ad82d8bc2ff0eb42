"""Councils: every output column for all 152 councils, and one council's card."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from app import charts, model, show, state
from app.context import Ctx
from app.display import YEAR, gbp_exact, month_name
from app.text import md, md_block
from simulator.reports.card import reason_card
from simulator.reports.distance import FLIP_NOTE
from simulator.reports.letter import letter_preview
from simulator.reports.tables import expectation_rate
from simulator.rules.measures import rate_per_100k
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, ATTRIBUTIONS

SEARCH = "council_search"
ONLY_SELECTED = "only_selected"


def councils_table(ctx: Ctx) -> pd.DataFrame:
    return model.councils_frame(ctx.result)


def searched_columns(workshop: bool) -> list[str]:
    """The columns the search box reads: in workshop mode only the neutral label."""
    return ["council"] if workshop else ["council", "gss_code", "region", "authority_type"]


def filtered(frame: pd.DataFrame, ctx: Ctx, text: str, only_selected: bool) -> pd.DataFrame:
    shown = ctx.shown(frame)
    if only_selected:
        shown = shown[shown["selected"]]
    text = text.strip().lower()
    if text:
        hay = shown[searched_columns(ctx.workshop)].astype(str).agg(" ".join, axis=1)
        shown = shown[hay.str.lower().str.contains(text, regex=False)]
    return shown


def money_lines(money: pd.DataFrame, workshop: bool) -> pd.DataFrame:
    """The card's money lines; in workshop mode without the two allocation elements,
    which match published figures line for line.

    >>> lines = pd.DataFrame({"line": ["Original element", "Withheld"], "£": [10, 0]})
    >>> list(money_lines(lines, workshop=True)["line"])
    ['Withheld']
    """
    if not workshop:
        return money
    return money[~money["line"].str.endswith("element")].reset_index(drop=True)


def render(ctx: Ctx) -> None:
    table = councils_table(ctx)
    st.markdown(f"#### All 152 councils, {YEAR}")
    if ctx.workshop:
        st.caption(show.WORKSHOP_NOTE)
    c1, c2 = st.columns([3, 1])
    what = "label" if ctx.workshop else "name, code, region or type"
    text = c1.text_input(f"Search councils ({what})", key=SEARCH)
    only = c2.toggle("Selected only", key=ONLY_SELECTED)
    shown = filtered(table, ctx, text, only)
    st.caption(
        f"{len(shown)} of 152 councils shown. Click a column heading to sort. Money in whole "
        f"pounds, {YEAR}; test values and margins per 100,000 adults 18+ (margin: value minus "
        "the test's line, positive = fails by that much) and in delayed beds a day."
    )
    show.table(shown, ctx, "councils_shown", "councils (as filtered)", height=380)
    st.divider()
    card(ctx)


def _default_council(ctx: Ctx) -> str:
    selected = ctx.result.table.loc[ctx.result.table["selected"], "gss_code"]
    return str(selected.iloc[0]) if len(selected) else str(ctx.data.codes[0])


def card(ctx: Ctx) -> None:
    codes = ctx.council_codes()
    if st.session_state.get(state.COUNCIL) not in codes:
        st.session_state[state.COUNCIL] = _default_council(ctx)
    code = st.selectbox("Council card", codes, key=state.COUNCIL, format_func=ctx.name)
    r = ctx.result
    info = reason_card(r, code, model.distance_to_flip(r))
    i = ctx.data.position(code)
    st.markdown(f"### {md(ctx.name(code))}")
    status = (
        f"Allocation {info.allocation_status}; September 2017 expectation "
        f"{info.expectation_status}."
    )
    if ctx.workshop:
        st.caption(f"{status} Region, authority type and population are not shown.")
    else:
        st.caption(
            f"{info.region}, {info.authority_type}; {info.adults_18plus:,} adults "
            f"18+ (ONS mid-2017). {status}"
        )
    with st.container(border=True):
        st.markdown(f"**{md(ctx.hide(str(info.why), code))}**")
        if info.flip is not None:
            st.text(str(info.flip))
            st.caption(f"Found {FLIP_NOTE.removeprefix('found ')}.")
        for line in info.reconciliation:
            st.text(ctx.hide(line, code))
    left, right = st.columns(2)
    with left:
        hist, marks = history_frames(ctx, i)
        show.chart(
            charts.council_history(hist, marks, f"Monthly delayed transfers, {ctx.name(code)}"),
            hist,
            ctx,
            "council_history",
            "council monthly DToC",
        )
    with right:
        proj_frame = council_projection(ctx, i)
        if proj_frame is None:
            st.info("No DToC data for this council: nothing to project.")
        else:
            show.chart(
                charts.council_projection(
                    proj_frame, f"Projected delayed beds a day, {YEAR} (all organisations)"
                ),
                proj_frame,
                ctx,
                "council_projection",
                "council projection",
            )
    st.markdown("**Tests: results, margins and what would change them**")
    tests = pd.DataFrame(
        [
            {
                "Test": md(t.label) + (" (screen)" if t.screen else ""),  # drawn as markdown
                "Value, per 100,000 adults": _figure(t.value, ".2f"),
                "Line, per 100,000 adults": _figure(t.line, ".2f"),
                "Result": t.verdict,
                "Margin, per 100,000 adults": _figure(t.margin_per_100k, "+.2f"),
                "Margin, beds a day": _figure(t.margin_beds_per_day, "+.1f"),
                "What would change it": t.to_change,
            }
            for t in info.tests
        ]
    )
    if len(tests):
        # A static table: its few rows wrap their long words instead of scrolling sideways
        # past a projector's edge (the test's standard and what would change it).
        st.table(tests, hide_index=True)
    else:
        st.caption("The scenario has no tests.")
    money = pd.DataFrame(info.money, columns=["line", "£"])
    money = money_lines(money, ctx.workshop)
    # side by side at a desk; one under the other in workshop mode's larger type
    c1, c2 = (st.container(), st.container()) if ctx.workshop else st.columns([2, 3])
    with c1:
        st.markdown(f"**Money, line by line ({YEAR})**")
        st.dataframe(
            money.assign(**{"£": [gbp_exact(v) for v in money["£"]]}),
            hide_index=True,
            width="stretch",
            key="card_money",
        )
    with c2:
        st.markdown("**Letter preview**")
        letter = ctx.hide(letter_preview(r, code), code)
        with st.container(border=True, height=380):
            st.markdown(md_block(letter))


def history_frames(ctx: Ctx, i: int, start: str = "2015-04") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly rates by attribution for one council, and marks for its expectation and
    the months the scenario's tests read."""
    data = ctx.data
    first = data.months.index(start) if start in data.months else 0
    months = data.months[first:]
    rows = []
    for j, attribution in enumerate(ATTRIBUTIONS):
        beds = data.dtoc_beds[i, first:, j]
        rates = rate_per_100k(beds, data.adults[i])
        for m, value, rate in zip(months, beds, rates, strict=True):
            rows.append(
                {
                    "month": m,
                    "attribution": ATTRIBUTION_LABELS[attribution],
                    "beds_per_day": round(float(value), 3),
                    "rate": round(float(rate), 3) if np.isfinite(rate) else None,
                }
            )
    marks = [
        {
            "kind": "expectation",
            "month": "2017-09",
            "value": round(float(expectation_rate(ctx.result, "social_care")[i]), 3),
            "label": "September 2017 expectation (social care, reconstructed)",
        }
    ]
    for test in ctx.scenario.selection.tests:
        ends = [test.before.end, test.after.end] if test.kind == "trend" else [test.window.end]
        for end in ends:
            marks.append(
                {
                    "kind": "test",
                    "month": end,
                    "value": None,
                    "label": f"{test.id}: {month_name(end)}",
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(marks)


def council_projection(ctx: Ctx, i: int) -> pd.DataFrame | None:
    proj = ctx.projection
    total = ATTRIBUTIONS.index("total")
    if not np.isfinite(proj.baseline_p50[i, :, total]).any():
        return None
    return pd.DataFrame(
        {
            "month": proj.months,
            "baseline": proj.baseline_p50[i, :, total],
            "p10": proj.scenario_p10[i, :, total],
            "p50": proj.scenario_p50[i, :, total],
            "p90": proj.scenario_p90[i, :, total],
        }
    )


def _figure(value: object, spec: str) -> str:
    """A test figure as text for the static table; a council without data shows a dash.

    >>> _figure(6.849, ".2f"), _figure(-0.05, "+.1f"), _figure(float("nan"), ".2f")
    ('6.85', '-0.1', '–')
    """
    number = float(value)  # type: ignore[arg-type]
    return "–" if math.isnan(number) else format(number, spec)
