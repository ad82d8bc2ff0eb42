"""The back-test and the calibration as Markdown tables (``ibcf backtest``,
``ibcf calibrate``; ``docs/projection.md`` quotes them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.projection.backtest import (
    DEFAULT_ORIGINS,
    HORIZON_GROUPS,
    TERCILES,
    Backtest,
    best_method,
    coverage_table,
    published_p50_wape,
    run_backtest,
    summarise_points,
)
from simulator.projection.calibration import (
    cash_releasing_per_day,
    fit_theta,
    forder_bound,
    gaughan_theta,
    national_falls,
)
from simulator.projection.forecast import METHODS
from simulator.projection.identification import identification


def _md(table: pd.DataFrame, digits: int = 3) -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in table.itertuples(index=False):
        cells = [f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def backtest_report(
    history: np.ndarray, months: list[str], methods: tuple[str, ...] = METHODS
) -> tuple[str, dict[str, pd.DataFrame]]:
    """The rolling-origin table in Markdown, and its tables for CSV."""
    bt = run_backtest(history, months, methods=methods)
    parts = [f"Rolling origins: {', '.join(bt.origins)}; 12 months ahead."]
    for attribution in ("total", "social_care"):
        s = summarise_points(bt.points, attribution)
        s = s[["rank", "method", "council_wape", "council_mase", "national_wape", "national_mase"]]
        parts += [f"\nPoint accuracy, {attribution} (mean over origins):", _md(s)]
    wape = bt.points[bt.points["attribution"] == "total"].pivot(
        index="origin", columns="method", values="council_wape"
    )
    better = {m: int((wape[m] <= wape["persistence"]).sum()) for m in wape.columns}
    parts.append(
        "\nOrigins at which council WAPE (total) is no worse than persistence: "
        + ", ".join(f"{m} {k}/{len(wape)}" for m, k in better.items())
    )
    chosen = best_method(bt.points)
    if chosen in bt.paths:
        parts += [
            f"\nPublished P50 against persistence, council WAPE per origin ({chosen}; "
            "the P50 is the point forecast, the error pools centred on their median; "
            "'uncentred' is the P50 an uncentred pool gives, its drift included):",
            _md(published_p50_table(bt, chosen)),
        ]
    by_h = coverage_table(bt.bands, ("attribution", "horizon"))
    by_t = coverage_table(bt.bands, ("attribution", "tercile"))
    overall = coverage_table(bt.bands, ("attribution",))
    cover = by_h.pivot_table(index=["method", "attribution"], columns="horizon", values="coverage")
    cover_t = by_t.pivot_table(
        index=["method", "attribution"], columns="tercile", values="coverage"
    )
    cover = cover[[f"{a}-{b}" for a, b in HORIZON_GROUPS]]
    cover_t = cover_t[list(TERCILES)]
    both = cover.join(cover_t).join(
        overall.set_index(["method", "attribution"])[["coverage", "interval_score"]]
    )
    parts += [
        "\nCouncil P10-P90 coverage by horizon group and size tercile, and interval score "
        "(beds a day; lower is better). '0.2.0' is the previous bands on persistence:",
        _md(both.reset_index()),
    ]
    nat = bt.national.groupby(["method", "attribution"])["inside"].sum().unstack()
    parts += [
        f"\nNational 12-month average inside its P10-P90 band (of {len(bt.origins)} origins):",
        _md(nat.reset_index(), 0),
    ]
    tables = {
        "backtest_points": bt.points,
        "backtest_bands": bt.bands,
        "backtest_national": bt.national,
    }
    return "\n".join(parts), tables


def published_p50_table(bt: Backtest, method: str) -> pd.DataFrame:
    """Per origin and scored attribution: council WAPE of persistence (point), of the
    published P50 of ``method`` and of its uncentred P50, and whether the published P50
    is no worse than persistence; a last row counts the origins where it is."""
    paths = bt.paths[method]
    centred = published_p50_wape(paths, bt.origins)
    raw = published_p50_wape(paths, bt.origins, centred=False)
    pts = bt.points[bt.points["method"] == "persistence"].set_index(["origin", "attribution"])
    rows = []
    for attribution in ("total", "social_care"):
        c = centred[centred["attribution"] == attribution].set_index("origin")["council_wape"]
        r = raw[raw["attribution"] == attribution].set_index("origin")["council_wape"]
        wins = 0
        for origin in bt.origins:
            persistence = float(pts.at[(origin, attribution), "council_wape"])  # type: ignore[arg-type]
            ok = bool(c[origin] <= persistence + 1e-12)
            wins += ok
            rows.append(
                {
                    "attribution": attribution,
                    "origin": origin,
                    "persistence": persistence,
                    "published_p50": float(c[origin]),
                    "uncentred_p50": float(r[origin]),
                    "no_worse": "yes" if ok else "no",
                }
            )
        rows.append(
            {
                "attribution": attribution,
                "origin": "origins no worse",
                "persistence": np.nan,
                "published_p50": np.nan,
                "uncentred_p50": np.nan,
                "no_worse": f"{wins}/{len(bt.origins)}",
            }
        )
    return pd.DataFrame(rows)


def calibration_figures(
    history: np.ndarray,
    months: list[str],
    original: np.ndarray,
    spring_budget: np.ndarray,
    money: np.ndarray,
) -> dict[str, float]:
    """Every calibration figure the docs and parameter sources quote. ``money``: each
    council's 2017/18 iBCF (£; the dataset's direct 2017/18 reconstruction)."""
    out: dict[str, float] = {"money_2017_18_gbpm": float(money.sum() / 1e6)}
    out.update(national_falls(history, months))
    for control in ("none", "nhs"):
        fit = fit_theta(history, months, money, control=control)
        out[f"theta_{control}"] = fit.estimate
        out[f"theta_{control}_se"] = fit.standard_error
        out[f"theta_{control}_low95"] = fit.interval[0]
        out[f"theta_{control}_high95"] = fit.interval[1]
        out[f"theta_{control}_r2"] = fit.r_squared
        out[f"observed_fall_beds_{control}"] = fit.observed_fall_beds
    out["nhs_fall_against_counterfactual_pct"] = fit.nhs_fall_pct
    lo = gaughan_theta(history, months, 120.0)
    hi = gaughan_theta(history, months, 85.0)
    out["mean_social_care_days_per_council_2017_18"] = lo[
        "mean_social_care_days_per_council_2017_18"
    ]
    out["gaughan_theta_low"] = lo["theta_low"]
    out["gaughan_theta_high"] = hi["theta_high"]
    out["forder_bound"] = forder_bound(313.0)
    out["cash_releasing_gbp_per_day"] = cash_releasing_per_day()
    return out


def identification_figures(
    history: np.ndarray,
    months: list[str],
    original: np.ndarray,
    spring_budget: np.ndarray,
    regions: np.ndarray,
    names: np.ndarray,
    money: np.ndarray,
) -> dict[str, float]:
    """The identification diagnostics of the 2017/18 fit (net of the NHS fall). ``money``:
    each council's 2017/18 iBCF (£; the dataset's direct 2017/18 reconstruction)."""
    return identification(history, months, money, regions, names).figures()


def calibration_report(
    history: np.ndarray,
    months: list[str],
    original: np.ndarray,
    spring_budget: np.ndarray,
    money: np.ndarray,
    regions: np.ndarray | None = None,
    names: np.ndarray | None = None,
) -> str:
    """The calibration figures, and with ``regions`` and ``names`` the identification
    diagnostics of the 2017/18 fit. ``money``: each council's 2017/18 iBCF (£)."""
    figures = calibration_figures(history, months, original, spring_budget, money)
    table = pd.DataFrame({"figure": list(figures), "value": list(figures.values())})
    out = _md(table, 3)
    if regions is not None and names is not None:
        ident = identification_figures(
            history, months, original, spring_budget, regions, names, money
        )
        out += (
            "\n\nIdentification of the 2017/18 fit (θ in days per £1m; refitted without the "
            "bound at 0; standard errors from the model linearised at θ; the bootstrap "
            "re-estimates the NHS control; shares of Σ z·y signed):\n"
            + _md(pd.DataFrame({"diagnostic": list(ident), "value": list(ident.values())}), 3)
        )
    return out


__all__ = [
    "DEFAULT_ORIGINS",
    "backtest_report",
    "calibration_figures",
    "calibration_report",
    "identification_figures",
    "published_p50_table",
]
