"""One council's card: why it is (or is not) selected, its history and projection,
its tests' margins, its money line by line and its letter (the Councils and Map views)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, services, show, state
from app.context import Ctx
from app.display import figure, gbp_exact
from app.services import FLIP_NOTE, YEAR, ReasonCard
from app.text import md, md_block


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


def _default_council(ctx: Ctx) -> str:
    selected = ctx.result.table.loc[ctx.result.table["selected"], "gss_code"]
    return str(selected.iloc[0]) if len(selected) else str(ctx.data.codes[0])


def render(ctx: Ctx) -> None:
    codes = ctx.council_codes()
    if st.session_state.get(state.COUNCIL) not in codes:
        st.session_state[state.COUNCIL] = _default_council(ctx)
    code = st.selectbox("Council card", codes, key=state.COUNCIL, format_func=ctx.name)
    r = ctx.result
    info = services.reason_card(r, code, services.distance_to_flip(r))
    i = ctx.data.position(code)
    st.markdown(f"### {md(ctx.name(code))}")
    status = (
        f"{YEAR} allocation {gbp_exact(int(ctx.result.table['allocation_total'].iloc[i]))}: "
        f"{info.allocation_status}; September 2017 expectation {info.expectation_status}."
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
    if not ctx.workshop:  # a reported figure and its source name the council
        st.caption(md(f"Source: {info.allocation_source}. {info.report}"))
    _firmness(ctx, i)
    _charts(ctx, code, i)
    _tests_and_money(ctx, code, info)


def _firmness(ctx: Ctx, i: int) -> None:
    """How firm the council's status is, and what one bed or a re-recording would move."""
    r = ctx.result
    if not r.scenario.selection.tests:
        return
    with st.container(border=True):
        st.markdown("**How firm, and what it rewards**")
        st.text(services.stability_line(services.selection_stability(r), i))
        for line in services.incentive_lines(services.option_incentives(r), i):
            st.text(line)


def _charts(ctx: Ctx, code: str, i: int) -> None:
    """The council's monthly history and its projection."""
    r = ctx.result
    left, right = st.columns(2)
    with left:
        hist, marks = services.council_history(r, i)
        show.chart(
            charts.council_history(hist, marks, f"Monthly delayed transfers, {ctx.name(code)}"),
            hist,
            ctx,
            "council_history",
            "council monthly DToC",
        )
    with right:
        proj_frame = services.council_projection(ctx.projection, i)
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
            show.table(
                services.council_evidence_frame(ctx.projection, i),
                ctx,
                "council_evidence_sets",
                "beds freed under every evidence set",
            )


def _tests_and_money(ctx: Ctx, code: str, info: ReasonCard) -> None:
    """The tests' results and margins, the money line by line and the letter."""
    r = ctx.result
    st.markdown("**Tests: results, margins and what would change them**")
    tests = pd.DataFrame(
        [
            {
                "Test": md(t.label) + (" (screen)" if t.screen else ""),  # drawn as markdown
                "Value, per 100,000 adults": figure(t.value, ".2f"),
                "Line, per 100,000 adults": figure(t.line, ".2f"),
                "Result": t.verdict,
                "Margin, per 100,000 adults": figure(t.margin_per_100k, "+.2f"),
                "Margin, beds a day": figure(t.margin_beds_per_day, "+.1f"),
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
        letter = ctx.hide(services.letter_preview(r, code), code)
        with st.container(border=True, height=380):
            st.markdown(md_block(letter))
