"""How this works: the path from the data to the tests, the money and the projection,
with the sources, for a reader who has five minutes. Every figure is read from the
data or the scenario's results; none is typed here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Ctx
from app.services import YEAR, gbp, month_name

STEPS = ("1. The data", "2. The tests", "3. The money", "4. The projection", "5. The checks")


def steps(ctx: Ctx) -> list[tuple[str, str]]:
    """The five steps as (heading, text), with the scenario's own figures."""
    d = ctx.data
    s = ctx.result.summary
    sc = ctx.scenario
    p = sc.projection
    status = str(s["allocation_status"])
    tests = len(sc.selection.tests)
    return [
        (
            STEPS[0],
            f"{len(d.codes)} councils with adult social care duties in 2017/18. Monthly "
            f"delayed transfers of care from NHS England, {month_name(d.months[0])} to "
            f"{month_name(d.months[-1])} (the revised figures, not those first published), "
            "turned into delayed beds a day per 100,000 adults aged 18+ (ONS mid-2017). "
            f"The {YEAR} iBCF allocations, {gbp(float(s['total_baseline']))} in all, are "
            f"{status}"
            + (
                " (the official per-council table could not be obtained; see Data and assumptions)."
                if status != "official"
                else "."
            ),
        ),
        (
            STEPS[1],
            f"This scenario has {tests} test{'s' if tests != 1 else ''} on data to "
            f"{month_name(str(s['data_month']))}: a council's rate, its gap to its September "
            "2017 expectation, or its trend, against a line (a quartile, a number of "
            "councils or a threshold). The tests combine into a selection: "
            f"{s['councils_selected']} of {len(d.codes)} councils here. The Councils view "
            "shows each council's margins and what would change its status.",
        ),
        (
            STEPS[2],
            f"Selected councils have {sc.consequences.condition_pct:g}% of the chosen base "
            f"conditioned and {sc.consequences.reduction_pct:g}% withheld, within the caps "
            f"and floor. Here {gbp(float(s['total_conditioned']))} is conditioned (it stays "
            f"with councils), {gbp(float(s['total_withheld']))} withheld, "
            f"{gbp(float(s['total_received']))} redistributed to other councils and "
            f"{gbp(float(s['total_retained']))} retained by the centre. The ledger "
            "balances to the pound.",
        ),
        (
            STEPS[3],
            "Each council's delays in 2018/19 are forecast as if nothing changed (the "
            "method chosen by a back-test on past years), then moved by the money: "
            "conditioned and received money buys care that frees delayed beds, withheld "
            "money the reverse, with the evidence for each assumption in the register "
            f"(Data and assumptions). The uncertainty comes from {p.draws:,} random draws "
            f"of those assumptions. The national ambition is {p.ambition_rate_per_100k:g} "
            "delayed beds a day per 100,000 adults; a delayed bed day is valued at "
            f"£{p.excess_bed_day_cost_gbp:,.0f} (NHS reference costs), a notional value, not "
            "cash.",
        ),
        (
            STEPS[4],
            "Every number on every page comes from one model run on this scenario; the "
            "command line (ibcf run) gives the same tables to the pound. Tests check that "
            "the ledger balances, that a scenario with no consequence reproduces the "
            "allocations exactly, and that the projection's back-test and its goldens hold.",
        ),
    ]


def render(ctx: Ctx) -> None:
    st.markdown("#### How this works")
    st.caption(
        "From the data to the tests, the money and the projection, in five steps; the "
        "figures are this scenario's."
    )
    for heading, text in steps(ctx):
        with st.container(border=True):
            st.markdown(f"**{heading}**")
            st.text(text)
    st.markdown("**Sources**")
    sources = [
        ("Delayed transfers of care", ctx.data.sources.get("dtoc", "NHS England")),
        ("Councils and populations", ctx.data.sources.get("councils", "ONS, MHCLG")),
        (f"{YEAR} iBCF allocations", ctx.data.sources.get("allocations", "")),
        (
            "The review",
            "The two Secretaries of State's letter of 10 October 2017 and the December "
            "2017 tests (each shipped scenario's notes give its sources)",
        ),
        ("Assumptions", "The assumptions register: Data and assumptions, and the Excel pack"),
    ]
    # A static table: long sources wrap instead of being cut at the cell's edge.
    frame = pd.DataFrame({"What": [a for a, _ in sources], "Source": [b for _, b in sources]})
    st.table(frame.set_index("What"))
