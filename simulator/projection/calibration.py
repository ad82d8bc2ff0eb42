"""Calibration figures: the 2017/18 fits of θ and the conversions behind the evidence sets.

In 2017/18, the first year of the iBCF (£105m original + £1,010m Spring Budget),
delayed transfers of care fell. :func:`fit_theta` fits θ (delayed days avoided per £1m
of discharge-relevant care, :mod:`simulator.projection.response`) so that the money
each council received explains the fall in its delays against its own counterfactual
(a forecast from March 2017):

    observed_i  = Σ_months (counterfactual_i − actual_i)·days   (total delays by default)
    predicted_i = Σ_months ramp_h·g_i·a_ih·days,  g_i = D_i(1 − exp(−θ·m_i/D_i)) / D_i

Putting the whole fall down to the money (``control="none"``) gives an upper bound.
With ``control="nhs"`` the proportional fall NHS-attributed delays also saw is taken
out first: a difference-in-differences, since social care money does not buy NHS
delays down directly. :func:`calibration_figures` gathers every figure the docs and
the parameter sources quote; ``ibcf calibrate`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize, stats

from simulator.projection.forecast import SEASON, forecast
from simulator.projection.response import (
    affected_parts,
    care_bought_gbpm,
    lag_ramp,
    saturating_response,
)
from simulator.schema.calendar import days_in_months, month_at, month_index
from simulator.schema.evidence import (
    FORDER_SAVING_PER_GBP,
    GAUGHAN_BEDS_PER_COUNCIL,
    GAUGHAN_CUT,
)
from simulator.schema.projection import ProjectionParams

THETA_MAX = 50_000.0
Outcome = Literal["total", "social_care_and_both"]
_OUTCOME_INDEX = {"total": 3, "social_care_and_both": 1}

# House of Commons Library CBP-7415: delays cost NHS providers £173m in 2016/17 for
# about 2.3 million delayed days.
CBP7415_COST_GBP, CBP7415_DAYS = 173e6, 2.3e6


@dataclass(frozen=True, eq=False)
class ThetaFit:
    """Least-squares fit of θ across councils, with a 95% profile interval."""

    estimate: float
    standard_error: float
    interval: tuple[float, float]
    r_squared: float
    n_councils: int
    observed_fall_beds: float
    predicted_fall_beds: float
    nhs_fall_pct: float
    control: str
    outcome: str
    method: str
    window: tuple[str, str]


@dataclass(frozen=True, eq=False)
class ThetaDesign:
    """Per council, what a fit of θ over one window uses (councils in ``valid`` only
    count): the counterfactual and actual delayed days of the outcome and of NHS-
    attributed delays, the care bought (£m), the capacity D and the share of D after
    the lag."""

    counterfactual: np.ndarray
    actual: np.ndarray
    counterfactual_nhs: np.ndarray
    actual_nhs: np.ndarray
    care: np.ndarray
    capacity: np.ndarray
    lagged: np.ndarray
    valid: np.ndarray
    nhs_ok: np.ndarray
    days: float
    window: tuple[str, str]

    def nhs_fall(self, mask: np.ndarray | None = None) -> float:
        """Proportional fall of NHS-attributed delays against their counterfactual,
        over the councils in ``mask`` (default: all with NHS data)."""
        ok = self.nhs_ok if mask is None else self.nhs_ok & mask
        return float(1.0 - self.actual_nhs[ok].sum() / self.counterfactual_nhs[ok].sum())

    def observed(self, control: float) -> np.ndarray:
        """The fall put down to the money: counterfactual − actual, less ``control``
        (a proportional fall shared by all) of the counterfactual."""
        return self.counterfactual - self.actual - control * self.counterfactual


def theta_design(
    history: np.ndarray,
    months: list[str],
    money_gbp: np.ndarray,
    *,
    params: ProjectionParams | None = None,
    origin: str = "2017-03",
    window_end: str = "2018-03",
    method: str = "persistence",
    outcome: Outcome = "total",
    counterfactual: Literal["forecast", "last_year"] = "forecast",
) -> ThetaDesign:
    """The design of a fit of θ to the window after ``origin``: counterfactual by
    ``method`` from the origin (or the same months a year earlier, ``last_year``)."""
    p = params or ProjectionParams()
    arr = np.asarray(history, dtype=float)
    i0, i1 = months.index(origin), months.index(window_end)
    if i1 <= i0:
        raise ValueError("window_end must be after origin")
    horizon = i1 - i0
    window = [month_at(month_index(origin) + h) for h in range(1, horizon + 1)]
    days = np.array(days_in_months(window), dtype=float)
    cf = forecast(arr[:, : i0 + 1], months[: i0 + 1], method, horizon)
    act = arr[:, i0 + 1 : i1 + 1]
    sc, both = affected_parts(cf)
    aff = sc + p.both_share_affected * both  # (n, h)
    if counterfactual == "last_year":
        if i0 + 1 - SEASON < 0:
            raise ValueError("a year-on-year counterfactual needs the year before the window")
        cf = arr[:, i0 + 1 - SEASON : i1 + 1 - SEASON]
    elif counterfactual != "forecast":
        raise ValueError(f"unknown counterfactual {counterfactual!r}")
    ramp = lag_ramp(np.array([p.lag_months]), horizon)[0]
    capacity = aff @ days
    j = _OUTCOME_INDEX[outcome]
    cf_out, act_out = cf[..., j] @ days, act[..., j] @ days
    money = np.asarray(money_gbp, dtype=float) * days.sum() / 365.0
    care = care_bought_gbpm(
        np.zeros_like(money),
        np.zeros_like(money),
        money,
        discharge_share=p.discharge_share,
        price_share=p.price_share,
    )
    valid = (
        np.isfinite(capacity)
        & np.isfinite(cf_out)
        & np.isfinite(act_out)
        & (capacity > 0)
        & np.isfinite(care)
    )
    nhs_ok = valid & np.isfinite(act[..., 2]).all(1) & np.isfinite(cf[..., 2]).all(1)
    lagged = (aff * ramp[None, :]) @ days / np.where(capacity > 0, capacity, 1.0)
    return ThetaDesign(
        counterfactual=cf_out,
        actual=act_out,
        counterfactual_nhs=np.where(nhs_ok, np.nan_to_num(cf[..., 2]) @ days, 0.0),
        actual_nhs=np.where(nhs_ok, np.nan_to_num(act[..., 2]) @ days, 0.0),
        care=care,
        capacity=capacity,
        lagged=lagged,
        valid=valid,
        nhs_ok=nhs_ok,
        days=float(days.sum()),
        window=(window[0], window[-1]),
    )


def fit_theta(
    history: np.ndarray,
    months: list[str],
    money_gbp: np.ndarray,
    *,
    params: ProjectionParams | None = None,
    origin: str = "2017-03",
    window_end: str = "2018-03",
    method: str = "persistence",
    control: Literal["none", "nhs"] = "none",
    outcome: Outcome = "total",
) -> ThetaFit:
    """Fit θ to the fall in delays after the 2017/18 money (``money_gbp`` per council).

    The money is unconditioned: care bought = money·s·(1 − p), acting after the
    scenario's central lag (months counted from the window's first month).
    """
    if control not in ("none", "nhs"):
        raise ValueError(f"unknown control {control!r}")
    d = theta_design(
        history,
        months,
        money_gbp,
        params=params,
        origin=origin,
        window_end=window_end,
        method=method,
        outcome=outcome,
    )
    nhs_fall = d.nhs_fall()
    observed = d.observed(nhs_fall if control == "nhs" else 0.0)
    valid = d.valid
    obs, cap, xv, lagged = observed[valid], d.capacity[valid], d.care[valid], d.lagged[valid]
    n = int(valid.sum())
    if n < 2:
        raise ValueError("need at least two councils with data to calibrate")

    def predicted(theta: float) -> np.ndarray:
        return lagged * saturating_response(xv, cap, theta)

    def ssr(theta: float) -> float:
        r = predicted(theta) - obs
        return float(r @ r)

    grid = np.concatenate([[0.0], np.geomspace(0.1, THETA_MAX, 300)])
    start = grid[int(np.argmin([ssr(t) for t in grid]))]
    fit = optimize.least_squares(
        lambda t: predicted(float(t[0])) - obs,
        x0=[start],
        bounds=([0.0], [THETA_MAX]),
        # Converged to the Gauss-Newton refit of the diagnostics (the defaults stop
        # about 0.01% short on these flat sums of squares).
        xtol=1e-12,
        ftol=1e-12,
        gtol=1e-12,
    )
    theta = float(fit.x[0])
    best = ssr(theta)
    jac = lagged * xv * np.exp(-theta * xv / cap)
    info = float(jac @ jac)
    dof = max(n - 1, 1)
    se = float(np.sqrt(best / dof / info)) if info > 0 else float("inf")
    limit = best * (1.0 + stats.f.ppf(0.95, 1, dof) / dof)
    low = 0.0 if ssr(0.0) <= limit else float(optimize.brentq(lambda t: ssr(t) - limit, 0, theta))
    high = (
        THETA_MAX
        if ssr(THETA_MAX) <= limit
        else float(optimize.brentq(lambda t: ssr(t) - limit, theta, THETA_MAX))
    )
    sst = float(((obs - obs.mean()) ** 2).sum())
    return ThetaFit(
        estimate=theta,
        standard_error=se,
        interval=(low, high),
        r_squared=1.0 - best / sst if sst > 0 else float("nan"),
        n_councils=n,
        observed_fall_beds=float(obs.sum() / d.days),
        predicted_fall_beds=float(predicted(theta).sum() / d.days),
        nhs_fall_pct=float(100 * nhs_fall),
        control=control,
        outcome=outcome,
        method=method,
        window=d.window,
    )


def national_falls(history: np.ndarray, months: list[str]) -> dict[str, float]:
    """Percentage change of national delays, 2017/18 against 2016/17 (sum of councils,
    delayed days over April to March), per attribution part."""
    i = months.index("2017-04")
    days_now = np.array(days_in_months(months[i : i + 12]), dtype=float)
    days_then = np.array(days_in_months(months[i - 12 : i]), dtype=float)
    now = np.nansum(history[:, i : i + 12], axis=0).T @ days_now
    then = np.nansum(history[:, i - 12 : i], axis=0).T @ days_then
    return {
        "social_care_and_both_pct": float(100 * (now[1] / then[1] - 1)),
        "nhs_pct": float(100 * (now[2] / then[2] - 1)),
        "total_pct": float(100 * (now[3] / then[3] - 1)),
        "social_care_share_2016_17_pct": float(100 * then[0] / then[3]),
        "social_care_share_2017_18_pct": float(100 * now[0] / now[3]),
    }


def gaughan_theta(history: np.ndarray, months: list[str], care_home_gbp_per_day: float) -> dict:
    """θ implied by Gaughan et al. (2015): 250 more care-home beds in a council cut its
    social care delayed days by 6-9%. θ = cut × mean social care delayed days per council
    in 2017/18 / (£m cost of 250 beds for a year at ``care_home_gbp_per_day``)."""
    i = months.index("2017-04")
    days = np.array(days_in_months(months[i : i + 12]), dtype=float)
    per_council = history[:, i : i + 12, 0] @ days
    mean_days = float(np.nanmean(per_council))
    cost_gbpm = GAUGHAN_BEDS_PER_COUNCIL * 365 * care_home_gbp_per_day / 1e6
    return {
        "mean_social_care_days_per_council_2017_18": mean_days,
        "cost_of_250_beds_gbpm": cost_gbpm,
        "theta_low": GAUGHAN_CUT[0] * mean_days / cost_gbpm,
        "theta_high": GAUGHAN_CUT[1] * mean_days / cost_gbpm,
    }


def forder_bound(notional_gbp_per_day: float) -> float:
    """Forder (2009): £0.35 less hospital spending per £1 on care homes, as bed days per
    £1m at the notional cost: an upper bound on θ (not every pound saved is a delay)."""
    return FORDER_SAVING_PER_GBP * 1e6 / notional_gbp_per_day


def cash_releasing_per_day() -> float:
    """£173m / 2.3m delayed days (House of Commons Library CBP-7415, 2016/17)."""
    return CBP7415_COST_GBP / CBP7415_DAYS
