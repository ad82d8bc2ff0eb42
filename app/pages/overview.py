"""Overview: the headline numbers first, the option in plain English, the ledger and
the national projection against the ambition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, services, show
from app.context import Ctx
from app.display import gbp_exact, slug
from app.services import (
    METHOD_LABELS,
    NHS_VALUE_CAVEAT,
    SOCIAL_CARE_CAVEAT,
    YEAR,
    ProjectionResult,
    RunSummary,
    beds_figure,
    beds_range,
    beds_text,
    chance,
    chance_change,
    evidence_label,
    gbp,
    is_nil,
    month_name,
)
from app.text import md_block

# Metric labels (tests look the numbers up by these).
SELECTED = "Councils selected"
CONDITIONED = f"Conditioned, {YEAR}"
WITHHELD = f"Withheld, {YEAR}"
REDISTRIBUTED = f"Redistributed, {YEAR}"
RETAINED = f"Retained by the centre, {YEAR}"
BEDS = "Beds freed a day (central estimate)"
NHS_VALUE = f"NHS value, notional, {YEAR}"
NHS_CASH = f"NHS value, cash‑releasing, {YEAR}"  # a hyphen no line breaks at
AMBITION = "Chance national ambition is met"


def headline_values(summary: RunSummary, proj: ProjectionResult | None) -> dict[str, str]:
    """The headline numbers as shown, from the model's summary and projection."""
    out = {
        SELECTED: f"{summary['councils_selected']} of 152",
        CONDITIONED: gbp(float(summary["total_conditioned"])),
        WITHHELD: gbp(float(summary["total_withheld"])),
        REDISTRIBUTED: gbp(float(summary["total_received"])),
    }
    if summary["total_retained"] > 0:  # shown, and marked, only when money leaves
        out[RETAINED] = gbp(float(summary["total_retained"]))
    if proj is not None:
        out[BEDS] = "≈ nil" if is_nil(proj.beds_freed) else beds_figure(proj.beds_freed["p50"])
        out[NHS_VALUE] = gbp(proj.nhs_value_gbp["notional"])
        out[NHS_CASH] = gbp(proj.nhs_value_gbp["cash_releasing"])
        out[AMBITION] = chance(proj.probability_ambition_met)
    return out


def beds_note(freed: dict[str, float]) -> str:
    """The caption under the beds metric: its likely range (P10 to P90, said in plain
    words), and what a negative means.

    >>> note = beds_note({"p10": -2.9, "p50": -0.06, "p90": 2.4})
    >>> note.startswith("Likely range -2.9 to 2.4 beds a day"), note.endswith("no change.")
    (True, True)
    >>> beds_note({"p10": 10.0, "p50": 29.2, "p90": 79.9})
    'Likely range 10 to 80 beds a day (8 chances in 10)'
    """
    text = (
        f"Likely range {beds_figure(freed['p10'])} to {beds_figure(freed['p90'])} beds a day "
        "(8 chances in 10)"
    )
    if freed["p50"] < 0:
        text += ". Below 0: more delayed beds than with no change."
    return text


def render(ctx: Ctx) -> None:
    s = ctx.result.summary
    values = headline_values(s, None)
    if not ctx.workshop:
        st.caption(
            f"{YEAR} iBCF allocations in whole pounds; the tests read NHS England delayed "
            f"transfers data to {month_name(str(s['data_month']))}; the projection runs from "
            "April 2018 to March 2019."
        )
    _money(ctx, values)
    # The money is drawn before the Monte Carlo runs, so it updates first.
    proj = ctx.projection
    _projection(ctx, proj)
    _every_evidence_set(ctx, proj)
    _uncertainty(proj)
    _option(ctx)
    _ledger_and_path(ctx, proj)
    _who_bears(ctx)


def _money(ctx: Ctx, values: dict[str, str]) -> None:
    """The money's headline numbers (drawn before the Monte Carlo runs)."""
    s = ctx.result.summary
    c = show.metric_columns(4, ctx)
    c[0].metric(
        SELECTED,
        values[SELECTED],
        border=True,
        help="Councils the scenario selects for conditions or reductions, of the 152 "
        "with adult social care duties in 2017/18. How firm the list is: the councils "
        "whose status changes with another month of data are on the Sensitivity page.",
    )
    firm = services.robustness_text(ctx.result)
    if firm:
        c[0].caption(f"{firm[:1].upper()}{firm[1:]} (Sensitivity).")
    c[1].metric(
        CONDITIONED,
        values[CONDITIONED],
        border=True,
        help=f"Money that stays with the council but is ring-fenced for reducing "
        f"delayed transfers: {gbp_exact(float(s['total_conditioned']))} in "
        f"{s['councils_conditioned']} councils.",
    )
    c[2].metric(
        WITHHELD,
        values[WITHHELD],
        border=True,
        help=f"Money withheld from councils' {YEAR} allocations: "
        f"{gbp_exact(float(s['total_withheld']))} from "
        f"{s['councils_reduced']} councils.",
    )
    c[3].metric(
        REDISTRIBUTED,
        values[REDISTRIBUTED],
        border=True,
        help=f"Withheld money passed to other councils: "
        f"{gbp_exact(float(s['total_received']))} to "
        f"{s['councils_receiving']} councils; "
        f"{gbp_exact(float(s['total_retained']))} retained by the centre.",
    )
    warning = services.retained_warning(s)
    if warning is not None:
        left, right = st.columns([1.4, 2.6])
        left.metric(
            RETAINED,
            values[RETAINED],
            border=True,
            help="Withheld money that no council receives under the redistribution rule "
            "(rule 'retain', or gains capped so that nobody can take it).",
        )
        right.warning(warning, icon=":material/account_balance:")


def _projection(ctx: Ctx, proj: ProjectionResult) -> None:
    """The projection's headline numbers: beds freed, NHS value, the ambition."""
    r = ctx.result
    s = r.summary
    values = headline_values(s, proj)
    c = show.metric_columns(4, ctx)
    c[0].metric(
        BEDS,
        values[BEDS],
        border=True,
        help="Average delayed beds a day freed in 2018/19 (all organisations, summed "
        "over councils) against the no-change baseline: the median (P50) of the Monte Carlo "
        "draws. The Sensitivity page's 'central projection' is another quantity: every "
        "assumption at its central value, with no draws. "
        f"Range: {beds_range(**proj.beds_freed)}.",
    )
    c[0].caption(f"Total delays, {evidence_label(proj.evidence_set)}. {beds_note(proj.beds_freed)}")
    g = proj.gross
    if g["beds_gained"] > 0 and g["beds_lost"] > 0:
        c[0].caption(
            f"Gross: {beds_figure(g['beds_lost'])} beds a day lost where money is withheld, "
            f"{beds_figure(g['beds_gained'])} gained where it is conditioned or received; net "
            f"{beds_figure(g['net'])}."
        )
    c[1].metric(
        NHS_VALUE,
        values[NHS_VALUE],
        border=True,
        help=f"Delayed bed days avoided in 2018/19 ({proj.delayed_days_avoided:,.0f}) at "
        f"£{r.scenario.projection.excess_bed_day_cost_gbp:,.0f} a day (NHS reference "
        f"costs 2016/17 excess bed day): the full cost of the beds. {NHS_VALUE_CAVEAT}",
    )
    c[2].metric(
        NHS_CASH,
        values[NHS_CASH],
        border=True,
        help=f"The same days at £{r.scenario.projection.cash_releasing_gbp_per_day:,.1f} a "
        "day (House of Commons Library CBP-7415: delays cost NHS providers £173m in 2016/17 "
        f"for about 2.3m delayed days). {NHS_VALUE_CAVEAT}",
    )
    c[2].caption("Never to be added to, or set against, iBCF money.")
    days = proj.delayed_days_avoided
    c[1].caption(
        f"{days:,.0f} delayed bed days avoided"
        if days >= 0
        else f"{-days:,.0f} more delayed bed days than with no change"
    )
    change = chance_change(proj.probability_ambition_met, proj.probability_ambition_met_no_change)
    c[3].metric(
        AMBITION,
        values[AMBITION],
        delta=change.split(" on ")[0],
        delta_color="off",
        border=True,
        help="Share of Monte Carlo draws in which national delayed beds a day meet "
        f"the ambition of {r.scenario.projection.ambition_rate_per_100k:g} per 100,000 "
        f"adults 18+ ({proj.ambition_beds:,.0f} beds a day), measured as the "
        f"{proj.ambition_basis.replace('_', ' ')}. With no change, the same draws meet it "
        f"{chance(proj.probability_ambition_met_no_change)} of the time: the option's "
        f"effect is {change.split(' on ')[0]}.",
    )
    c[3].caption(
        f"{change[:1].upper()}{change[1:]}. Ambition: {proj.ambition_beds:,.0f} delayed beds "
        f"a day ({r.scenario.projection.ambition_rate_per_100k:g} per 100,000 adults)"
    )


def _every_evidence_set(ctx: Ctx, proj: ProjectionResult) -> None:
    """Beds freed under every evidence set side by side, and whether the effect could be
    seen in the 2018/19 data (nationally and in the selected councils)."""
    with st.container(border=True):
        st.markdown("**Beds freed under every evidence set**")
        show.table(services.evidence_frame(proj), ctx, "evidence_sets", "evidence sets")
        st.text("\n".join(services.detectability_lines(proj, ctx.result.selection.selected)))


def _uncertainty(proj: ProjectionResult) -> None:
    with st.container(border=True):
        st.markdown("**Two kinds of uncertainty, apart**")
        fn = proj.forecast_noise
        st.text(
            f"Evidence alone ({services.evidence_name(proj.evidence_set)} set), beds freed: "
            f"{beds_text(proj.beds_freed_evidence)}.\n"
            f"Forecast noise: national delays {fn['baseline_p10']:,.0f} to "
            f"{fn['baseline_p90']:,.0f} beds a day (P10-P90, 2018/19 average; central "
            f"{fn['baseline_beds']:,.0f}).\n"
            f"Social care delays (secondary): {beds_text(proj.beds_freed_social_care)}. "
            f"{SOCIAL_CARE_CAVEAT}"
        )


def _option(ctx: Ctx) -> None:
    """Beside the published document, the option in plain words and its brief."""
    r = ctx.result
    # Workshop mode leaves out the figures of a named council.
    reconciled = services.reconciliation_lines(r, "" if ctx.workshop else None)
    if reconciled:
        with st.container(border=True):
            st.markdown("**Beside the published document**")
            for line in reconciled:
                st.text(line)
    st.markdown("#### The option in plain English")
    with st.container(border=True):
        option = services.option_words(r)
        policy, details, method = option.policy, option.details, option.caveats
        st.markdown(f"**{md_block(policy)}**")  # test labels are user text: escaped
        if details:
            st.markdown(md_block(" ".join(details)))
        if method:
            st.caption("On method: " + md_block(" ".join(method)))
    show.brief_button(
        lambda: show.scenario_brief(ctx), f"{slug(r.scenario.name)}-brief.pdf", "overview_brief"
    )


def _ledger_and_path(ctx: Ctx, proj: ProjectionResult) -> None:
    """Where the money goes, and the national path against the ambition."""
    r = ctx.result
    s = r.summary
    p = r.scenario.projection
    left, right = st.columns(2)
    with left:
        flows = services.ledger_flows(r.table, s)
        show.chart(charts.ledger_sankey(flows), flows, ctx, "ledger", "ledger flows")
        balanced = "balances" if s["ledger_balanced"] else "DOES NOT BALANCE"
        st.caption(
            f"Withheld {gbp_exact(float(s['total_withheld']))} = redistributed "
            f"{gbp_exact(float(s['total_received']))} + retained "
            f"{gbp_exact(float(s['total_retained']))}: the ledger {balanced}. Conditioned "
            f"money ({gbp(float(s['total_conditioned']))}) stays with councils."
        )
    with right:
        history = services.national_history(ctx.data)
        path = proj.national_path
        frame = pd.concat(
            [history.assign(series="reported"), path.assign(series="projected")],
            ignore_index=True,
        )
        show.chart(
            charts.fan_chart(history, path),
            frame,
            ctx,
            "national_path",
            "national delayed beds a day",
        )
        st.caption(
            "Reported: NHS England DToC (revised), average delayed beds a day summed over "
            "councils. Projection: baseline forecast "
            f"({METHOD_LABELS.get(proj.method, proj.method).lower()}, chosen "
            f"{'by back-test' if p.method == 'auto' else 'in the scenario'}) plus the "
            "scenario's funding response; see Sensitivity for the assumptions that matter most."
        )


WHO_BEARS = "Who bears it"


def _who_bears(ctx: Ctx) -> None:
    """Money by deprivation decile, and a sentence on who bears the option."""
    r = ctx.result
    annex = services.annex(r)
    st.markdown(f"#### {WHO_BEARS}")
    with st.container(border=True):
        st.markdown(md_block(services.distribution_sentence(annex)))
        frame = services.decile_view(annex)
        if len(frame):
            show.chart(
                charts.grouped(
                    frame,
                    "decile",
                    ["conditioned", "withheld", "received"],
                    f"Money by deprivation decile of councils (IoD2015), {YEAR}",
                    "£",
                    names={
                        "conditioned": "Conditioned",
                        "withheld": "Withheld",
                        "received": "Redistributed to",
                    },
                    x_title=services.DECILE_AXIS,
                ),
                frame,
                ctx,
                "who_bears",
                "money by deprivation decile",
            )
        st.caption(
            "Deciles of the 152 councils by their IoD2015 average deprivation score "
            "(population-weighted from small areas; 1 = the most deprived tenth). The "
            "Excel pack's Distribution sheet has region, type, rural-urban class, ASC spend "
            "per adult and the equity measures."
        )
