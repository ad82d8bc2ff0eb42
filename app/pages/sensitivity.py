"""Sensitivity: which assumptions move the projection, the Monte Carlo spread, and the
councils near the line whose status flips with a small change or another month of data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, services, show
from app.context import Ctx
from app.services import (
    FLIP_NOTE,
    LABELS,
    YEAR,
    ambition_text,
    beds_figure,
    beds_text,
    evidence_label,
)

NEAR_BEDS = "near_beds"
SHIFT = "month_shift"


def tornado_frame(ctx: Ctx) -> pd.DataFrame:
    table = services.tornado(ctx.result).copy()
    table.insert(0, "label", [LABELS.get(p, p) for p in table["parameter"]])
    return table


def render(ctx: Ctx) -> None:
    _spread(ctx)
    _near(ctx)
    _overlap(ctx)
    _another_month(ctx)


def _spread(ctx: Ctx) -> None:
    """The tornado of one-at-a-time sensitivities and the Monte Carlo draws."""
    proj = ctx.projection
    left, right = st.columns(2)
    with left:
        table = tornado_frame(ctx)
        base = float(table["beds_freed_base"].iloc[0]) if len(table) else 0.0
        show.chart(charts.tornado(table, base), table, ctx, "tornado", "tornado")
        st.caption(
            f"Central projection (no Monte Carlo), {evidence_label(proj.evidence_set)}: "
            f"{beds_figure(base)} beds a day freed. The Overview's headline is another quantity, "
            f"the median of the Monte Carlo draws ({beds_figure(proj.beds_freed['p50'])}), which "
            "also varies the forecast. Evidence (θ and the response) and forecast noise are "
            "apart: the bars are evidence only. Each bar sets one assumption to its low or "
            "high value (P10 and P90 of its distribution), the others held at the "
            "scenario's values."
        )
    with right:
        if proj.draws and len(proj.national_draws):
            draws = pd.Series(proj.national_draws, name="beds_freed_per_day")
            show.chart(
                charts.histogram(
                    draws,
                    proj.beds_freed["p10"],
                    proj.beds_freed["p50"],
                    proj.beds_freed["p90"],
                    f"Beds freed a day, {YEAR} average",
                ),
                draws.to_frame(),
                ctx,
                "monte_carlo",
                "Monte Carlo draws of beds freed",
            )
            fn = proj.forecast_noise
            st.caption(
                f"{proj.draws:,} draws, seed {proj.seed}: the same seed gives the same numbers. "
                f"Total delays, {evidence_label(proj.evidence_set)}. Evidence alone: "
                f"{beds_text(proj.beds_freed_evidence)}; with forecast noise: "
                f"{beds_text(proj.beds_freed)}. Forecast noise alone puts national delays at "
                f"{fn['baseline_p10']:,.0f} to {fn['baseline_p90']:,.0f} beds a day (P10-P90). "
                f"Chance that national delays meet the ambition: "
                f"{ambition_text(proj)}."
            )
        else:
            st.info("The scenario has no Monte Carlo draws (projection draws = 0).")


def _near(ctx: Ctx) -> None:
    """Councils whose status flips with a small change of delays."""
    st.markdown("#### Councils near the line")
    c1, c2 = st.columns([2, 3])
    limit = c1.slider(
        "Within (delayed beds a day)",
        min_value=0.5,
        max_value=20.0,
        value=2.0,
        step=0.5,
        key=NEAR_BEDS,
        help="Councils whose selection would flip with a change of at most this many delayed "
        f"beds a day: {FLIP_NOTE}.",
    )
    near = services.near_the_line(
        ctx.result, beds=limit, flip=services.distance_to_flip(ctx.result)
    )
    c2.caption(
        f"{len(near)} councils would change status with a change of {limit:g} delayed beds a "
        "day or less, in the months named. Selected councils: the cut that would clear "
        "them (negative); others: the rise that would select them. Composite scores and "
        "manual lists are not covered."
    )
    show.table(near, ctx, "near_the_line", "councils near the line", height=300)


def _overlap(ctx: Ctx) -> None:
    if len(ctx.result.outcomes) > 1:
        st.markdown("#### Tests that fail the same councils")
        st.caption(
            "Overlap: councils failing both tests as a share of the smaller group failing "
            "either (1 = together they add nothing); rank correlation: Spearman's, between "
            "the two tests' values. Tests that largely coincide give the appearance of "
            "several criteria while selecting on one."
        )
        show.table(
            services.overlap_of_tests(ctx.result),
            ctx,
            "test_overlap",
            "overlap between the scenario's tests",
            height=220,
        )


def _another_month(ctx: Ctx) -> None:
    """Councils that flip when every window moves by a month or two."""
    st.markdown("#### Another month of data")
    k = st.segmented_control(
        "Move every window the scenario reads by",
        [-2, -1, 1, 2],
        default=1,
        key=SHIFT,
        format_func=lambda v: f"{v:+d} month" + ("s" if abs(v) > 1 else ""),
    )
    if k is None:
        return
    flips = services.month_flips(ctx.result, int(k))
    if flips is None:
        st.info("The data do not cover the moved windows (DToC data run to March 2018).")
    elif flips.empty:
        st.success(f"No council changes status when the windows move by {int(k):+d} month(s).")
    else:
        st.caption(
            f"{len(flips)} councils change status when the windows move by {int(k):+d} month(s)."
        )
        show.table(flips, ctx, "month_flips", "councils that flip with another month")
