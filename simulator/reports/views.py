"""The frames the app's pages draw, cut from the model's data and results.

Each function is pure (no Streamlit, no Plotly) and takes what it reads: the app's
pages format these frames and never compute them. The command line and the exports
may read them too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine.run import Result, RunSummary
from simulator.inputs import allocation, data
from simulator.inputs.data import Dataset
from simulator.projection.evidence import evidence_set, evidence_sets
from simulator.projection.result import ProjectionResult
from simulator.reports.anonymous import anonymised_names
from simulator.reports.words import beds_figure, evidence_rows
from simulator.rules.measures import rate_per_100k
from simulator.schema.calendar import month_name
from simulator.schema.selection import GapTest, RateTest, TrendTest
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, ATTRIBUTIONS, YEAR

TOTAL = ATTRIBUTIONS.index("total")
Pounds = Callable[[float], str]


# ---------------------------------------------------------------------- workshop names
def alias_map(codes: list[str], seed: int = 2017) -> dict[str, str]:
    """A fixed shuffle of 'Council A'... over GSS codes, so aliases do not follow the
    alphabetical order of codes or names (and stay the same between reruns).

    >>> m = alias_map(["E1", "E2", "E3"]); sorted(m.values())
    ['Council A', 'Council B', 'Council C']
    """
    order = np.random.default_rng(seed).permutation(len(codes))
    names = anonymised_names(len(codes))
    return {code: names[int(k)] for code, k in zip(codes, order, strict=True)}


# ---------------------------------------------------------------------- the ledger
def ledger_steps(summary: RunSummary) -> pd.DataFrame:
    """The ledger's steps for the waterfall (amounts straight from the summary)."""
    base = int(summary["total_baseline"])
    withheld = int(summary["total_withheld"])
    received = int(summary["total_received"])
    retained = int(summary["total_retained"])
    final = int(summary["total_final"])
    return pd.DataFrame(
        [
            (f"{YEAR} allocations before review", base, "absolute"),
            ("Withheld from councils", -withheld, "relative"),
            ("Redistributed to councils", received, "relative"),
            ("Final allocations to councils", final, "total"),
            ("Retained by the centre", retained, "relative"),
            ("Accounted for", final + retained, "total"),
        ],
        columns=["step", "amount_gbp", "measure"],
    )


def ledger_flows(table: pd.DataFrame, summary: RunSummary) -> pd.DataFrame:
    """Flows for the Sankey, in one step from the allocations before review: to councils
    not selected, selected councils' untouched money, conditioned, and withheld then
    redistributed or retained (one column of targets, so small flows' labels never sit
    on each other). Amounts come from the results table and summary; zero flows are
    dropped."""
    published = f"{YEAR} iBCF before review"
    selected = table["selected"].to_numpy()
    conditioned = int(summary["total_conditioned"])
    withheld = int(summary["total_withheld"])
    rows = [
        (published, "Councils not selected", int(table.loc[~selected, "allocation_total"].sum())),
        (
            published,
            "Selected councils, neither conditioned nor withheld",
            int(table.loc[selected, "allocation_total"].sum()) - conditioned - withheld,
        ),
        (published, "Conditioned (stays with councils)", conditioned),
        (published, "Withheld, redistributed to councils", int(summary["total_received"])),
        (published, "Withheld, retained by the centre", int(summary["total_retained"])),
    ]
    frame = pd.DataFrame(rows, columns=["source", "target", "amount_gbp"])
    return frame[frame["amount_gbp"] != 0].reset_index(drop=True)


# ---------------------------------------------------------------------- delays
def national_history(dtoc_beds: np.ndarray, months: list[str], n: int = 24) -> pd.DataFrame:
    """Reported delayed beds a day (all organisations) summed over councils, for the
    last ``n`` months (the projection's basis); a council with no data adds nothing.

    >>> beds = np.zeros((2, 3, 4)); beds[:, :, 3] = [[1.0, 2.0, 3.0], [np.nan, 5.0, 6.0]]
    >>> national_history(beds, ["2018-01", "2018-02", "2018-03"], n=2).to_dict("list")
    {'month': ['2018-02', '2018-03'], 'beds': [7.0, 9.0]}
    """
    total = np.nansum(dtoc_beds[:, -n:, TOTAL], axis=0)
    return pd.DataFrame({"month": months[-n:], "beds": total})


def council_history(
    data: Dataset,
    i: int,
    expectation: float,
    tests: Sequence[RateTest | GapTest | TrendTest],
    start: str = "2015-04",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly delayed beds a day and rates per 100,000 adults by attribution for the
    council at position ``i``, and marks for its September 2017 ``expectation`` (a rate,
    social care) and for the last month each test reads."""
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
    marks: list[dict[str, Any]] = [
        {
            "kind": "expectation",
            "month": "2017-09",
            "value": round(float(expectation), 3),
            "label": "September 2017 expectation (social care, reconstructed)",
        }
    ]
    for test in tests:
        ends = (
            [test.before.end, test.after.end] if isinstance(test, TrendTest) else [test.window.end]
        )
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


def council_projection(proj: ProjectionResult, i: int) -> pd.DataFrame | None:
    """The council's projected delayed beds a day (all organisations) by month: no
    change and the scenario's P10, P50 and P90; ``None`` for a council with no data."""
    if not np.isfinite(proj.baseline_p50[i, :, TOTAL]).any():
        return None
    return pd.DataFrame(
        {
            "month": proj.months,
            "baseline": proj.baseline_p50[i, :, TOTAL],
            "p10": proj.scenario_p10[i, :, TOTAL],
            "p50": proj.scenario_p50[i, :, TOTAL],
            "p90": proj.scenario_p90[i, :, TOTAL],
        }
    )


def evidence_frame(proj: ProjectionResult) -> pd.DataFrame:
    """Beds freed a day in 2018/19 (England, total delays) under every evidence set, no
    effect first: θ's median and P10-P90, and beds freed P50 with P10 and P90 (written by
    the one rule for beds, :func:`simulator.reports.words.beds_figure`); the default set
    marked, the scenario's own set said."""
    rows = []
    for row in evidence_rows(proj):
        s = evidence_set(str(row["set"]))
        lo, hi = s.interval()
        rows.append(
            {
                "evidence set": str(row["label"])
                + (" (default)" if row["default"] else "")
                + (" ← this scenario" if row["chosen"] else ""),
                "θ median, days per £1m": round(s.median(), 1),
                "θ P10-P90": f"{lo:,.0f} to {hi:,.0f}",
                "beds freed a day, P50": beds_figure(float(row["p50"])),  # type: ignore[arg-type]
                "P10": beds_figure(float(row["p10"])),  # type: ignore[arg-type]
                "P90": beds_figure(float(row["p90"])),  # type: ignore[arg-type]
                "source": s.record.source,
            }
        )
    return pd.DataFrame(rows)


def council_evidence_frame(proj: ProjectionResult, i: int) -> pd.DataFrame:
    """One council's beds freed a day in 2018/19 under every evidence set, central path:
    θ at each set's median, and at its P10 and at its P90 (other parameters central, no
    forecast noise), by the one rule for beds. The option adds to the status quo's
    effect, which saturates faster as θ rises, so the figure at the P90 can be the
    smaller: the two are given in the order of θ, not as a band."""
    by_set = proj.council_beds_by_set
    rows = []
    for s in evidence_sets():
        if s.name not in by_set:
            continue
        low = by_set.get(f"{s.name}:p10", by_set[s.name])[i]
        high = by_set.get(f"{s.name}:p90", by_set[s.name])[i]
        rows.append(
            {
                "evidence set": s.label + (" (default)" if s.is_default else ""),
                "beds freed a day (θ at the set's median)": beds_figure(float(by_set[s.name][i])),
                "with θ at the set's P10; at its P90": f"{beds_figure(float(low))}; "
                f"{beds_figure(float(high))}",
            }
        )
    return pd.DataFrame(rows)


def month_flips(now: pd.DataFrame, moved: pd.DataFrame, k: int) -> pd.DataFrame:
    """Councils whose selection differs between the results table ``now`` and the table
    ``moved`` of the same scenario with every window moved by ``k`` months: both
    selections, conditioned money and change, side by side."""
    flips = now["selected"].to_numpy() != moved["selected"].to_numpy()
    return pd.DataFrame(
        {
            "gss_code": now["gss_code"],
            "council": now["council"],
            "selected now": now["selected"],
            f"selected with months {k:+d}": moved["selected"],
            f"conditioned now £ {YEAR}": now["conditioned"],
            f"conditioned with months {k:+d} £ {YEAR}": moved["conditioned"],
            f"change now £ {YEAR}": now["change"],
            f"change with months {k:+d} £ {YEAR}": moved["change"],
        }
    )[flips]


# ---------------------------------------------------------------------- who gains
def gains_and_losses(
    councils: pd.DataFrame, n: int, columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """The ``n`` largest gains and losses (``columns`` of the councils table), and how
    many councils gain, lose and are unchanged."""
    gains = councils[councils["change"] > 0].nlargest(n, "change")[columns]
    losses = councils[councils["change"] < 0].nsmallest(n, "change")[columns]
    counts = {
        "gain": int((councils["change"] > 0).sum()),
        "lose": int((councils["change"] < 0).sum()),
        "unchanged": int((councils["change"] == 0).sum()),
    }
    return gains, losses, counts


# ---------------------------------------------------------------------- data and checks
def provenance(d: Dataset) -> pd.DataFrame:
    """Every input, its status, its source and a note with the figure that checks it."""
    n_recon = int(d.allocations["allocation_status"].str.startswith("reconstructed").sum())
    n_reported = int((d.allocations["allocation_status"] == "reported 2018-19 outturn").sum())
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
                "status": d.allocation_status.upper() if n_recon + n_reported else "official",
                "source": d.sources.get("allocations", ""),
                "note": (
                    f"{n_reported} of 152 councils as they reported (MHCLG revenue outturn "
                    "2018-19), "
                    if n_reported
                    else ""
                )
                + f"{n_recon} of 152 councils reconstructed; national totals exact "
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


REPORTED_LABELS = {
    "council": "council",
    "report_status": "status",
    "reported_2018_19": "reported £",
    "allocation_total": "allocation in use £",
    "rebuilt_2018_19": "rebuilt £ (precept equalisation)",
    "difference": "rebuilt − reported £",
    "difference_pct": "rebuilt − reported %",
    "implied_share_ratio": "need share implied / used",
    "report_reason": "flag",
}


def reported_figures(d: Dataset) -> pd.DataFrame:
    """Every council's reported 2018-19 iBCF beside the precept-equalisation rebuild and
    the allocation in use: status, the difference and the flag's reason; flagged and
    unreported councils first, then by the size of the difference (empty when the
    dataset has no reports).

    >>> frame = pd.DataFrame({"council": ["A", "B"], "report_status": ["reported 2018-19 "
    ...     "outturn", "reported, flagged"], "reported_2018_19": [100.0, 0.0],
    ...     "allocation_total": [100, 90], "rebuilt_2018_19": [95, 90], "difference": [-5.0, 90],
    ...     "difference_pct": [-5.0, float("nan")], "implied_share_ratio": [0.97, 0.4],
    ...     "report_reason": ["", "reports £0"]})
    >>> class D:
    ...     reported = frame
    >>> reported_figures(D())["council"].tolist()
    ['B', 'A']
    """
    frame = d.reported
    if frame is None:
        return pd.DataFrame()
    used = frame["report_status"] == "reported 2018-19 outturn"
    order = pd.DataFrame(
        {"used": used.to_numpy(), "gap": -frame["difference_pct"].abs().fillna(np.inf)}
    ).sort_values(["used", "gap"], kind="stable")
    out = frame.loc[order.index, list(REPORTED_LABELS)]
    return out.rename(columns=REPORTED_LABELS).reset_index(drop=True)


def need_share_sources(d: Dataset) -> pd.DataFrame:
    """Councils whose need share is not the renormalised tranche-1 proxy, and why
    (shares as percentages, to four decimals)."""
    frame = data.reconstruction_frame(d)
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


def reconstruction_checks(d: Dataset, pounds: Pounds) -> list[tuple[str, str, bool]]:
    """Checks of the reconstruction itself: every element-year sums to its pot and no
    value is negative (none when the official table is loaded)."""
    recon = d.reconstruction
    if recon is None:
        return []
    sums = [
        int(getattr(recon, e)[y].sum()) == pot[y]
        for e, pot in (
            ("original", allocation.ORIGINAL_POTS),
            ("spring_budget", allocation.SPRING_BUDGET_POTS),
        )
        for y in allocation.YEARS
    ]
    smallest = min(
        int(getattr(recon, e)[y].min())
        for e in ("original", "spring_budget")
        for y in allocation.YEARS
    )
    return [
        (
            "Reconstruction: both elements sum to their pots in 2017/18, 2018/19 and 2019/20",
            f"{sum(sums)} of {len(sums)} element-years exact",
            all(sums),
        ),
        (
            "Reconstruction: no council's element is negative in any year",
            f"{pounds(smallest)} smallest",
            smallest >= 0,
        ),
    ]


def validation_checks(d: Dataset, result: Result, sq: Result, pounds: Pounds) -> pd.DataFrame:
    """The validation panel: each check of the data, the scenario's ``result`` and the
    status quo's ``sq``, what was found (amounts written by ``pounds``) and whether it
    passed."""
    summary, table = result.summary, result.table
    alloc = d.allocations
    original = int(alloc["allocation_original"].sum())
    spring = int(alloc["allocation_spring_budget"].sum())
    month = d.months[-1]
    i = d.month_index(month)
    council_sum = float(np.nansum(d.dtoc_days[:, i, TOTAL]))
    england = float(d.england_days[i, TOTAL])
    share = council_sum / england if england else float("nan")
    rows = [
        (
            "Original element sums to £825,000,000",
            pounds(original),
            original == data.ORIGINAL_TOTAL_2018_19,
        ),
        (
            "Spring Budget 2017 element sums to £674,000,000",
            pounds(spring),
            spring == data.SPRING_BUDGET_TOTAL_2018_19,
        ),
        (
            "This scenario's ledger balances (withheld = redistributed + retained)",
            f"{pounds(summary['total_withheld'])} = {pounds(summary['total_received'])}"
            f" + {pounds(summary['total_retained'])}",
            bool(summary["ledger_balanced"]),
        ),
        (
            "No final allocation is negative",
            pounds(int(table["final_allocation"].min())) + " smallest",
            bool((table["final_allocation"] >= 0).all()),
        ),
        (
            "Status quo gives zero change for every council",
            f"largest change {pounds(int(sq.table['change'].abs().max()))}",
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
        *reconstruction_checks(d, pounds),
    ]
    return pd.DataFrame(rows, columns=["check", "found", "passed"])
