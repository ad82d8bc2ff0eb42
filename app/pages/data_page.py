"""Data and assumptions: where every input comes from and its status, the assumptions
register, the projection's back-test and a validation panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, services, show
from app.context import Ctx
from app.display import gbp_exact
from app.services import AUTO_ATTRIBUTION, AUTO_METRIC, METHOD_LABELS, YEAR
from app.text import md

# The back-test's scores in words (beds a day, except the unitless MASE).
METRIC_WORDS = {
    "council_mase": "council-level MASE (mean absolute scaled error, averaged over councils)",
    "council_wape": "council-level WAPE (absolute error over actual delays)",
    "national_wape": "national WAPE",
    "national_mase": "national MASE",
    "national_bias": "national bias (beds a day)",
}


def allocation_method_text(ctx: Ctx) -> list[tuple[str, str]]:
    """The reconstruction in plain words, with its evidence (from the model)."""
    return services.allocation_explanation(
        ctx.data.allocation_method, name_councils=not ctx.workshop
    )


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
    show.table(services.provenance(ctx.data), ctx, "provenance", "data provenance")
    st.info(
        "Isles of Scilly: NHS England reports its delayed transfers within Cornwall, so it "
        "has no DToC data of its own. It keeps its allocation, is never selected on DToC "
        "grounds and is left out of quartiles and projections.",
        icon=":material/info:",
    )

    st.markdown("#### Validation")
    table = services.validation_checks(ctx.result, gbp_exact)
    passed = int(table["passed"].sum())
    (st.success if passed == len(table) else st.error)(f"{passed} of {len(table)} checks pass.")
    st.dataframe(
        table.assign(passed=table["passed"].map({True: "✓ pass", False: "✗ FAIL"})),
        hide_index=True,
        width="stretch",
        key="checks",
    )

    _published(ctx)
    _reported(ctx)
    st.markdown("#### Assumptions register")
    st.caption(
        "Quality on the AQuA Book scale: green (published), amber (proxy or "
        "reconstruction), red (modelling assumption with weak evidence)."
    )
    show.table(
        services.assumptions_register(ctx.scenario.projection),
        ctx,
        "assumptions",
        "assumptions register",
    )

    st.markdown("#### Every scenario parameter: value, unit, range and source")
    show.table(services.parameters_frame(ctx.result), ctx, "parameters", "parameters")

    _backtest(ctx)


def _published(ctx: Ctx) -> None:
    """Published figures beside the reconstruction, need shares and the methods
    compared (left out in workshop mode: they name councils)."""
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
        show.table(services.need_share_sources(ctx.data), ctx, "need_shares", "need shares")
        st.markdown("#### How much each choice of method moves the result")
        st.caption(
            "The default and each single change from it: how many published council iBCF "
            "figures fall within their rounding, the mean and largest difference, and the "
            f"{YEAR} money that moves between councils against the default."
        )
        show.table(ctx.data.method_comparison, ctx, "allocation_methods", "allocation methods")


def _reported(ctx: Ctx) -> None:
    """Every council's reported 2018-19 iBCF beside the rebuild: table and chart (left
    out in workshop mode: each row names a council)."""
    table = services.reported_figures(ctx.data)
    if table.empty:
        return
    st.markdown(f"#### Reported {YEAR} figures beside the reconstruction, every council")
    if ctx.workshop:
        st.caption(
            "Left out in workshop mode: each reported figure names a council, so it would "
            "undo the neutral labels."
        )
        return
    counts = table["status"].value_counts()
    st.caption(
        "What each council reported receiving (MHCLG revenue outturn 2018-19, £000 as "
        "reported) beside its precept-equalisation rebuild and the allocation in use. "
        f"{int(counts.get('reported 2018-19 outturn', 0))} reports pass the plausibility "
        "screen and are the allocation; "
        f"{int(counts.get('reported, flagged', 0))} are flagged (£0, or implying a need "
        "share more than a third from the one used) and "
        f"{int(counts.get('not reported', 0))} are blank: those councils share the rest "
        "of each pot by precept equalisation. Flagged and unreported councils first."
    )
    pounds = st.column_config.NumberColumn(format="localized")
    money = [c for c in table.columns if c.endswith("£") or c.endswith("equalisation)")]
    show.table(
        table,
        ctx,
        "reported_figures",
        "reported figures",
        column_config={c: pounds for c in money},
    )
    show.chart(
        charts.reported_vs_rebuilt(table),
        table,
        ctx,
        "reported_vs_rebuilt",
        "reported against rebuilt",
    )
    if off_the_chart(table):
        st.caption(md(off_the_chart(table)))


def off_the_chart(table: pd.DataFrame) -> str:
    """The councils a log axis cannot show, in words.

    >>> t = pd.DataFrame({"council": ["A", "B", "C"], "reported £": [0.0, 5.0, 7.0],
    ...     "rebuilt £ (precept equalisation)": [3, 0, 8]})
    >>> off_the_chart(t)
    'Not on the chart (a log axis has no £0): A (reports £0); B (rebuilt £0).'
    """
    parts = []
    for column, words in (
        ("reported £", "reports"),
        ("rebuilt £ (precept equalisation)", "rebuilt"),
    ):
        names = table.loc[table[column] == 0, "council"].astype(str).tolist()
        if names:
            parts.append(", ".join(names) + f" ({words} £0)")
    return ("Not on the chart (a log axis has no £0): " + "; ".join(parts) + ".") if parts else ""


def _backtest(ctx: Ctx) -> None:
    """The back-test of the forecasting methods and the bands' coverage."""
    st.markdown("#### Projection baseline: back-test of the forecasting methods")
    method, backtest = services.backtest(ctx.scenario.projection)  # no Monte Carlo needed here
    if backtest is None or backtest.points.empty:
        st.caption(f"Method fixed by the scenario: {METHOD_LABELS.get(method)}.")
    else:
        summary = services.summarise_points(backtest.points)
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
            cover = services.coverage_table(backtest.bands, ("attribution", "horizon"))
            cover = cover[cover["method"] == method]
            show.table(
                cover[["attribution", "horizon", "coverage", "interval_score"]].round(3),
                ctx,
                "band_coverage",
                "band coverage",
            )
