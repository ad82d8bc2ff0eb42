"""Data and assumptions: where every input comes from and its status, the assumptions
register, the projection's back-test and a validation panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app import model, show
from app.context import Ctx
from app.display import YEAR, gbp_exact, month_name
from simulator.inputs import allocation as sim_allocation
from simulator.inputs import data as sim_data
from simulator.inputs.allocation import explanation
from simulator.projection import (
    AUTO_ATTRIBUTION,
    AUTO_METRIC,
    METHOD_LABELS,
    coverage_table,
    summarise_points,
)
from simulator.reports.assumptions import assumptions_register
from simulator.reports.excel import parameters_frame

# The back-test's scores in words (beds a day, except the unitless MASE).
METRIC_WORDS = {
    "council_mase": "council-level MASE (mean absolute scaled error, averaged over councils)",
    "council_wape": "council-level WAPE (absolute error over actual delays)",
    "national_wape": "national WAPE",
    "national_mase": "national MASE",
    "national_bias": "national bias (beds a day)",
}


def provenance(ctx: Ctx) -> pd.DataFrame:
    d = ctx.data
    alloc = d.allocations
    n_recon = int(alloc["allocation_status"].str.startswith("reconstructed").sum())
    official_exp = d.official_expectations is not None
    return pd.DataFrame(
        [
            {
                "input": "Councils, regions, authority types",
                "status": "official",
                "source": "MHCLG Oflog adult social care dataset (2017/18 councils)",
                "note": "152 councils with adult social care duties; joined on GSS code",
            },
            {
                "input": "Adults aged 18+ (rates per 100,000)",
                "status": "official",
                "source": d.sources.get("councils", "ONS mid-2017 population estimates"),
                "note": f"England adults 18+: {int(d.councils['adults_18plus'].sum()):,}",
            },
            {
                "input": f"{YEAR} iBCF allocations",
                "status": d.allocation_status.upper() if n_recon else "official",
                "source": d.sources.get("allocations", ""),
                "note": f"{n_recon} of 152 councils reconstructed; national totals exact "
                f"(original £825m, Spring Budget 2017 £674m)",
            },
            {
                "input": "Council tax: tax base, Band D, ASC precept (2014-15 to 2019-20)",
                "status": "official",
                "source": "MHCLG Council Tax Requirement returns (CTR1/CTR2); Council "
                "Taxbase returns (October 2015-2017) as a control",
                "note": "The precept each council can raise, netted off in the equalisation",
            },
            {
                "input": "Adult social care need shares (ASC RNF)",
                "status": "official where published, proxy elsewhere",
                "source": "£240m winter pressures grant (exact for 4 councils, rounded for "
                "4); COVID-19 tranche 1 (March 2020) for the rest",
                "note": "See 'Need shares not taken from the proxy' below",
            },
            {
                "input": "September 2017 DToC expectations",
                "status": "official" if official_exp else "RECONSTRUCTED",
                "source": "Rule fitted to published examples (Shropshire, Hampshire, "
                "Northamptonshire); see the Expectations settings",
                "note": "The official council table was not available",
            },
            {
                "input": "Monthly delayed transfers of care",
                "status": "official (revised)",
                "source": d.sources.get("dtoc", "NHS England DToC"),
                "note": f"{d.months[0]} to {d.months[-1]}; revised figures, not those first "
                f"published in 2017; {int(d.has_dtoc.sum())} councils with data",
            },
            {
                "input": "Data hash",
                "status": "",
                "source": d.data_hash,
                "note": "Changes when any input file changes; stamped on saved scenarios",
            },
        ]
    )


def allocation_method_text(ctx: Ctx) -> list[tuple[str, str]]:
    """The reconstruction in plain words, with its evidence (from the model)."""
    return explanation(ctx.data.allocation_method, name_councils=not ctx.workshop)


KNOWN_FIGURE_LABELS = {
    "council": "council",
    "element": "element",
    "year": "year",
    "published": "published £",
    "precision": "precision",
    "reconstructed": "reconstructed £",
    "difference": "difference £",
    "difference_pct": "difference %",
    "within_rounding": "within rounding",
    "implied_need_share_pct": "need share implied %",
    "need_share_pct": "need share used %",
    "proxy_share_pct": "tranche-1 proxy share %",
    "share_source": "need share from",
    "source": "source",
}


def known_figures_view(ctx: Ctx) -> pd.DataFrame:
    """Every published figure beside the reconstruction, with readable headings."""
    table = ctx.data.known_figures
    if table.empty:
        return table
    view = table[[c for c in KNOWN_FIGURE_LABELS if c in table.columns]].copy()
    view = view.sort_values(
        ["council", "element", "year"], key=lambda c: c.replace("England", "~"), kind="stable"
    )
    if "within_rounding" in view:
        view["within_rounding"] = view["within_rounding"].map({True: "yes", False: "no"})
    return view.rename(columns=KNOWN_FIGURE_LABELS)


def need_share_sources(ctx: Ctx) -> pd.DataFrame:
    """Councils whose need share is not the renormalised tranche-1 proxy, and why."""
    frame = sim_data.reconstruction_frame(ctx.data)
    if frame.empty:
        return frame
    own = ~frame["need_share_source"].str.startswith("proxy (COVID-19")
    out = frame.loc[own, ["council", "need_share", "proxy_share", "need_share_source"]]
    return out.assign(
        need_share=(100 * out["need_share"]).round(4),
        proxy_share=(100 * out["proxy_share"]).round(4),
    ).rename(
        columns={
            "need_share": "need share %",
            "proxy_share": "tranche-1 proxy share %",
            "need_share_source": "from",
        }
    )


def reconstruction_checks(ctx: Ctx) -> list[tuple[str, str, bool]]:
    """Checks of the reconstruction itself: every element-year sums to its pot and no
    value is negative."""
    recon = ctx.data.reconstruction
    if recon is None:
        return []
    sums = [
        int(getattr(recon, e)[y].sum()) == pot[y]
        for e, pot in (
            ("original", sim_allocation.ORIGINAL_POTS),
            ("spring_budget", sim_allocation.SPRING_BUDGET_POTS),
        )
        for y in sim_allocation.YEARS
    ]
    smallest = min(
        int(getattr(recon, e)[y].min())
        for e in ("original", "spring_budget")
        for y in sim_allocation.YEARS
    )
    return [
        (
            "Reconstruction: both elements sum to their pots in 2017/18, 2018/19 and 2019/20",
            f"{sum(sums)} of {len(sums)} element-years exact",
            all(sums),
        ),
        (
            "Reconstruction: no council's element is negative in any year",
            f"{gbp_exact(smallest)} smallest",
            smallest >= 0,
        ),
    ]


def checks(ctx: Ctx) -> pd.DataFrame:
    """The validation panel: each check with what was found and whether it passed."""
    d = ctx.data
    alloc = d.allocations
    r = ctx.result
    sq = model.status_quo()
    original = int(alloc["allocation_original"].sum())
    spring = int(alloc["allocation_spring_budget"].sum())
    month = d.months[-1]
    i = d.month_index(month)
    council_sum = float(np.nansum(d.dtoc_days[:, i, 3]))
    england = float(d.england_days[i, 3])
    share = council_sum / england if england else float("nan")
    rows = [
        (
            "Original element sums to £825,000,000",
            gbp_exact(original),
            original == sim_data.ORIGINAL_TOTAL_2018_19,
        ),
        (
            "Spring Budget 2017 element sums to £674,000,000",
            gbp_exact(spring),
            spring == sim_data.SPRING_BUDGET_TOTAL_2018_19,
        ),
        (
            "This scenario's ledger balances (withheld = redistributed + retained)",
            f"{gbp_exact(r.summary['total_withheld'])} = {gbp_exact(r.summary['total_received'])}"
            f" + {gbp_exact(r.summary['total_retained'])}",
            bool(r.summary["ledger_balanced"]),
        ),
        (
            "No final allocation is negative",
            gbp_exact(int(r.table["final_allocation"].min())) + " smallest",
            bool((r.table["final_allocation"] >= 0).all()),
        ),
        (
            "Status quo gives zero change for every council",
            f"largest change {gbp_exact(int(sq.table['change'].abs().max()))}",
            bool((sq.table["change"] == 0).all() and sq.summary["councils_selected"] == 0),
        ),
        (
            f"Council DToC rows sum to England's, {month_name(month)} (England includes "
            "patients resident outside England, so slightly more)",
            f"{council_sum:,.0f} of {england:,.0f} delayed days ({100 * share:.1f}%)",
            bool(0.95 <= share <= 1.0),
        ),
        (
            "152 councils; 151 with DToC data (Isles of Scilly reported within Cornwall)",
            f"{len(d.codes)} councils, {int(d.has_dtoc.sum())} with data",
            len(d.codes) == 152 and int(d.has_dtoc.sum()) == 151,
        ),
        *reconstruction_checks(ctx),
    ]
    return pd.DataFrame(rows, columns=["check", "found", "passed"])


def backtest_view(summary: pd.DataFrame, metric: str = AUTO_METRIC) -> pd.DataFrame:
    """The back-test summary as shown: method, description, rank, then the score that
    decides the default method, then the others.

    >>> frame = pd.DataFrame({"method": ["naive"], "rank": [1], "national_mae": [4.0],
    ...     "council_mase": [1.1], "origins": [9]})
    >>> list(backtest_view(frame).columns)
    ['method', 'description', 'rank', 'council_mase', 'national_mae', 'origins']
    """
    out = summary.copy()
    out.insert(1, "description", out["method"].map(METHOD_LABELS))
    first = ["method", "description", "rank", metric]
    return out[first + [c for c in out.columns if c not in first]]


def backtest_caption(method: str, origins: int, metric: str = AUTO_METRIC) -> str:
    """What the back-test table shows and which score chose the method in use.

    >>> text = backtest_caption("persistence", 9)
    >>> "lowest council-level MASE" in text, text.endswith("latest 3 months).")
    (True, True)
    """
    return (
        f"Each method is fitted on data up to an origin month and scored on the next 12 "
        f"months ({origins} origins, {AUTO_ATTRIBUTION} delays); lower is better on every "
        f"score except bias, where nearer 0 is better. The default method is the one with "
        f"the lowest {METRIC_WORDS.get(metric, metric)}, the first score shown and the "
        f"order of the table; the national scores are for reference and may rank the "
        f"methods differently. In use: {METHOD_LABELS.get(method, method)}."
    )


def render(ctx: Ctx) -> None:
    status = ctx.result.summary["allocation_status"]
    if status != "official":
        st.markdown("#### How the allocations were rebuilt")
        for item, text in allocation_method_text(ctx):
            st.markdown(f"**{item.removeprefix('Allocations: ').capitalize()}.** {text}")
    st.markdown("#### Inputs and their status")
    show.table(provenance(ctx), ctx, "provenance", "data provenance")
    st.info(
        "Isles of Scilly: NHS England reports its delayed transfers within Cornwall, so it "
        "has no DToC data of its own. It keeps its allocation, is never selected on DToC "
        "grounds and is left out of quartiles and projections.",
        icon=":material/info:",
    )

    st.markdown("#### Validation")
    table = checks(ctx)
    passed = int(table["passed"].sum())
    (st.success if passed == len(table) else st.error)(f"{passed} of {len(table)} checks pass.")
    st.dataframe(
        table.assign(passed=table["passed"].map({True: "✓ pass", False: "✗ FAIL"})),
        hide_index=True,
        width="stretch",
        key="checks",
    )

    st.markdown("#### Published figures beside the reconstruction")
    if ctx.workshop:
        st.caption(
            "Left out in workshop mode: each published figure and its source name a "
            "council, so they would undo the neutral labels."
        )
    else:
        st.caption(
            "Every per-council iBCF figure found in public sources (and two adult social "
            "care support grant figures, shared on need alone), with the reconstructed "
            "value, the difference, whether it is within the figure's rounding, and the "
            "need share the figure implies under the method beside the share used and the "
            "COVID-19 tranche-1 proxy share. They show how far the reconstruction may be "
            "from the official table."
        )
        pounds = st.column_config.NumberColumn(format="localized")
        show.table(
            known_figures_view(ctx),
            ctx,
            "known_figures",
            "allocation checks",
            column_config={c: pounds for c in ("published £", "reconstructed £", "difference £")},
        )
        st.markdown("#### Need shares not taken from the proxy")
        st.caption(
            "Exact where the winter pressures grant (allocated by the ASC RNF) is published "
            "to the pound; moved to the nearest share a rounded figure allows. Every other "
            "council keeps its tranche-1 proxy share, renormalised."
        )
        show.table(need_share_sources(ctx), ctx, "need_shares", "need shares")
        st.markdown("#### How much each choice of method moves the result")
        st.caption(
            "The default and each single change from it: how many published council iBCF "
            "figures fall within their rounding, the mean and largest difference, and the "
            f"{YEAR} money that moves between councils against the default."
        )
        show.table(ctx.data.method_comparison, ctx, "allocation_methods", "allocation methods")

    st.markdown("#### Assumptions register")
    st.caption(
        "Quality on the AQuA Book scale: green (published), amber (proxy or "
        "reconstruction), red (modelling assumption with weak evidence)."
    )
    show.table(
        assumptions_register(ctx.scenario.projection), ctx, "assumptions", "assumptions register"
    )

    st.markdown("#### Every scenario parameter: value, unit, range and source")
    show.table(parameters_frame(ctx.result), ctx, "parameters", "parameters")

    st.markdown("#### Projection baseline: back-test of the forecasting methods")
    method, backtest = model.backtest(ctx.scenario.projection)  # no Monte Carlo needed here
    if backtest is None or backtest.points.empty:
        st.caption(f"Method fixed by the scenario: {METHOD_LABELS.get(method)}.")
    else:
        summary = summarise_points(backtest.points)
        origins = int(summary["origins"].max()) if "origins" in summary else 0
        st.caption(backtest_caption(method, origins))
        show.table(backtest_view(summary), ctx, "backtest", "projection back-test")
        if not backtest.bands.empty:
            st.caption(
                "Council P10-P90 bands of the method in use: share of council-months inside "
                "the band at the same origins (nominal 80%), by horizon and by council-size "
                "tercile, built only from origins whose 12 months do not overlap "
                "(docs/projection.md §3)."
            )
            cover = coverage_table(backtest.bands, ("attribution", "horizon"))
            cover = cover[cover["method"] == method]
            show.table(
                cover[["attribution", "horizon", "coverage", "interval_score"]].round(3),
                ctx,
                "band_coverage",
                "band coverage",
            )
