"""Calibration of the funding response to the 2017/18 experience.

In 2017/18, the first year of the additional iBCF (£1,010m), delayed transfers of care
fell by about a third between February and December 2017. This module fits the marginal
response ``k`` of :func:`simulator.projection.saturating_response` so that the money
each council received explains the fall in its social-care-affected delays against its
own counterfactual (the forecast from March 2017):

    observed_i  = counterfactual_i − actual_i   (social care + 'both' delayed days,
                                                 April-December 2017)
    predicted_i = D_i · (1 − exp(−k · x_i / D_i))
    x_i         = money_i · spend share · share reaching delayed patients / unit cost

``money_i`` is the national £1,010m shared in proportion to the 2018/19 Spring Budget
allocation (same formula), pro rata for the months in the window.

Attributing the whole fall to the money gives an **upper bound** on ``k``: delays also
fell for reasons the money did not cause (national pressure, NHS action, winter
planning). With ``control="nhs"`` the fall that NHS-attributed delays also saw, in
proportion, is taken out first: a rough difference-in-differences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import optimize, stats

from simulator.projection import (
    ProjectionParams,
    affected_parts,
    days_in_month,
    forecast,
    month_label,
    month_number,
)

log = logging.getLogger(__name__)

ADDITIONAL_IBCF_2017_18_GBP = 1_010_000_000.0
K_MAX = 50.0


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Fitted ``response_k`` with its uncertainty and the quality of the fit.

    ``standard_error`` comes from the curvature of the least-squares fit;
    ``interval`` is a 95% profile interval (F test on the residual sum of squares);
    ``r_squared`` and ``rmse_days`` compare predicted and observed falls across councils
    (delayed days over the window). National falls are average beds per day over the
    window.
    """

    parameter: str
    estimate: float
    standard_error: float
    interval: tuple[float, float]
    r_squared: float
    rmse_days: float
    n_councils: int
    observed_fall_beds: float
    predicted_fall_beds: float
    counterfactual_beds: float
    control: str
    method: str
    window: tuple[str, str]
    observed_days: np.ndarray = field(repr=False)
    predicted_days: np.ndarray = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """Plain numbers for a table or a report."""
        return {
            "parameter": self.parameter,
            "estimate": self.estimate,
            "standard_error": self.standard_error,
            "interval_low": self.interval[0],
            "interval_high": self.interval[1],
            "r_squared": self.r_squared,
            "rmse_days": self.rmse_days,
            "n_councils": self.n_councils,
            "observed_fall_beds": self.observed_fall_beds,
            "predicted_fall_beds": self.predicted_fall_beds,
            "counterfactual_beds": self.counterfactual_beds,
            "control": self.control,
            "method": self.method,
            "window": f"{self.window[0]} to {self.window[1]}",
        }


def predicted_fall(k: float, days: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """D·(1 − exp(−k·x/D)) per council; 0 where D ≤ 0.

    >>> predicted_fall(1.0, np.array([10.0, 0.0]), np.array([10.0, 0.0])).round(3).tolist()
    [6.321, 0.0]
    """
    ok = capacity > 0
    safe = np.where(ok, capacity, 1.0)
    return np.where(ok, -safe * np.expm1(-k * days / safe), 0.0)


def calibrate_response(
    history: np.ndarray,
    months: list[str],
    spring_budget_2018: np.ndarray,
    *,
    params: ProjectionParams | None = None,
    total_gbp: float = ADDITIONAL_IBCF_2017_18_GBP,
    origin: str = "2017-03",
    window_end: str = "2017-12",
    method: str = "persistence",
    control: Literal["none", "nhs"] = "none",
) -> CalibrationResult:
    """Fit ``response_k`` to the fall in delays after the 2017/18 money.

    ``history`` (councils, months, 4) delayed beds/day; ``spring_budget_2018`` £ per
    council (only its shares are used). The counterfactual is ``method``'s forecast
    from ``origin``; the window runs from the month after ``origin`` to ``window_end``.
    ``params`` supplies the unit cost, the share reaching delayed patients, the share of
    unconditioned money spent on discharge (``received_response``) and the share of
    'both' delays affected.
    """
    p = params or ProjectionParams()
    arr = np.asarray(history, dtype=float)
    i0, i1 = months.index(origin), months.index(window_end)
    if i1 <= i0:
        raise ValueError("window_end must be after origin")
    horizon = i1 - i0
    window = [month_label(month_number(origin) + h) for h in range(1, horizon + 1)]
    days = days_in_month(window)
    cf = forecast(arr[:, : i0 + 1], months[: i0 + 1], method, horizon)
    act = arr[:, i0 + 1 : i1 + 1]
    theta = p.both_share_affected
    sc_cf, both_cf = affected_parts(cf)
    sc_act = act[..., 0]
    both_act = act[..., 1] - act[..., 0]
    # The money acts on social care delays and on a share theta of 'both' delays, so
    # the capacity is sc + theta·both; any fall in either counts as observed.
    capacity = (sc_cf + theta * both_cf) @ days
    joint_cf = (sc_cf + both_cf) @ days
    observed = joint_cf - (sc_act + both_act) @ days
    valid = np.isfinite(capacity) & np.isfinite(observed) & (capacity > 0)
    if control == "nhs":
        nhs_ok = valid & np.isfinite(act[..., 2]).all(1) & np.isfinite(cf[..., 2]).all(1)
        nhs_fall = 1.0 - (act[nhs_ok, :, 2] @ days).sum() / (cf[nhs_ok, :, 2] @ days).sum()
        observed = observed - nhs_fall * joint_cf
        log.info("NHS-attributed delays fell %.1f%% against their counterfactual", 100 * nhs_fall)
    elif control != "none":
        raise ValueError(f"unknown control {control!r}")
    shares = np.asarray(spring_budget_2018, dtype=float)
    money = total_gbp * shares / np.nansum(shares) * days.sum() / 365.0
    x = money * p.received_response * p.share_reaching_delayed / p.unit_cost_gbp_per_day
    valid &= np.isfinite(x)
    obs, cap, xv = observed[valid], capacity[valid], x[valid]
    n = int(valid.sum())
    if n < 2:
        raise ValueError("need at least two councils with data to calibrate")

    def ssr(k: float) -> float:
        r = predicted_fall(k, xv, cap) - obs
        return float(r @ r)

    grid = np.concatenate([[0.0], np.geomspace(1e-4, K_MAX, 200)])
    start = grid[int(np.argmin([ssr(k) for k in grid]))]
    fit = optimize.least_squares(
        lambda k: predicted_fall(float(k[0]), xv, cap) - obs,
        x0=[start],
        bounds=([0.0], [K_MAX]),
        method="trf",
    )
    k_hat = float(fit.x[0])
    best = ssr(k_hat)
    jac = xv * np.exp(-k_hat * xv / cap)  # d predicted / d k
    sigma2 = best / max(n - 1, 1)
    info = float(jac @ jac)
    se = float(np.sqrt(sigma2 / info)) if info > 0 else float("inf")
    limit = best * (1.0 + stats.f.ppf(0.95, 1, max(n - 1, 1)) / max(n - 1, 1))

    def excess(k: float) -> float:
        return ssr(k) - limit

    low = 0.0 if excess(0.0) <= 0 else float(optimize.brentq(excess, 0.0, k_hat))
    high = K_MAX if excess(K_MAX) <= 0 else float(optimize.brentq(excess, k_hat, K_MAX))
    pred = predicted_fall(k_hat, xv, cap)
    sst = float(((obs - obs.mean()) ** 2).sum())
    r2 = 1.0 - best / sst if sst > 0 else float("nan")
    observed_full = np.full(arr.shape[0], np.nan)
    predicted_full = np.full(arr.shape[0], np.nan)
    observed_full[valid] = obs
    predicted_full[valid] = pred
    total_days = days.sum()
    return CalibrationResult(
        parameter="response_k",
        estimate=k_hat,
        standard_error=se,
        interval=(low, high),
        r_squared=r2,
        rmse_days=float(np.sqrt(best / n)),
        n_councils=n,
        observed_fall_beds=float(obs.sum() / total_days),
        predicted_fall_beds=float(pred.sum() / total_days),
        counterfactual_beds=float(cap.sum() / total_days),
        control=control,
        method=method,
        window=(window[0], window[-1]),
        observed_days=observed_full,
        predicted_days=predicted_full,
    )
