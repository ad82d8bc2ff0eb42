"""Projection of delayed transfers of care (DToC) for 2018/19.

Three steps, each a pure function of arrays:

1. **Counterfactual baseline.** A forecasting method (:data:`METHODS`) projects each
   council's delayed beds per day for April 2018 to March 2019 from its own history.
   Every method is back-tested (:func:`backtest`): fit on data up to an origin month,
   forecast the next 12 months, score against what happened.
2. **Funding response.** Money that changes a council's discharge-related social care
   spending buys days of alternative care; those days avoid delayed days with
   diminishing returns (:func:`saturating_response`), so delays never fall below zero.
3. **Uncertainty.** Parameters drawn from distributions and forecast noise estimated
   from back-test errors, in a seeded Monte Carlo (:mod:`simulator.uncertainty`).

Arrays use axes (council, month, attribution) with the attribution order of
:data:`ATTRIBUTIONS`; values are average delayed beds per day; NaN means unknown and is
carried through (a council with no data, such as the Isles of Scilly, stays NaN).
See ``docs/projection.md`` for the formulas and the back-test.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from simulator.parameters import param

log = logging.getLogger(__name__)

ATTRIBUTIONS = ("social_care", "social_care_and_both", "nhs", "total")
PROJECTION_MONTHS = [f"{2018 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(4, 16)]
LAST_DATA_MONTH = "2018-03"  # the projection year starts the month after

Method = Literal[
    "naive",
    "persistence",
    "seasonal_naive",
    "seasonal_persistence",
    "damped_trend",
    "seasonal_damped_trend",
]
MethodChoice = Literal[
    "auto",
    "naive",
    "persistence",
    "seasonal_naive",
    "seasonal_persistence",
    "damped_trend",
    "seasonal_damped_trend",
]
METHODS: tuple[Method, ...] = (
    "naive",
    "persistence",
    "seasonal_naive",
    "seasonal_persistence",
    "damped_trend",
    "seasonal_damped_trend",
)
METHOD_LABELS = {
    "naive": "Naive (last month carried forward)",
    "persistence": "Persistence (mean of the latest 3 months)",
    "seasonal_naive": "Seasonal naive (same month a year earlier)",
    "seasonal_persistence": "Seasonal persistence (latest 3 months, national seasonal profile)",
    "damped_trend": "Damped trend (Holt, damped)",
    "seasonal_damped_trend": "Damped trend on seasonally adjusted data",
}
PERSISTENCE_WINDOW = 3  # months averaged by the persistence methods
SEASON = 12
# Default back-test origins: every 6 months from March 2013 to March 2017, so that each
# origin has at least two years of history and a full 12 months to score.
DEFAULT_ORIGINS = [f"{y}-{m:02d}" for y in range(2013, 2018) for m in (3, 9)][:-1]
# Method that ``method="auto"`` falls back to when the history is too short to back-test
# (it is the method the back-test on the bundled data picks; docs/projection.md).
FALLBACK_METHOD: Method = "persistence"
# ``auto`` picks the method with the lowest mean of this metric over back-test origins.
AUTO_ATTRIBUTION = "total"
AUTO_METRIC = "council_mase"

# Grid searched by the damped trend: smoothing of the level (alpha), of the trend
# (beta, as a share of alpha) and damping (phi); chosen per series by in-sample
# one-step squared error.
_ALPHAS = (0.1, 0.2, 0.35, 0.5, 0.7, 0.9)
_BETAS = (0.02, 0.1, 0.3)
_PHIS = (0.8, 0.9, 0.98)


# --------------------------------------------------------------------------- parameters
class ProjectionParams(BaseModel):
    """The ``[projection]`` table of a scenario: method, response and uncertainty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: MethodChoice = "auto"
    ambition_basis: Literal["annual_average", "march_2019", "every_month"] = "annual_average"
    draws: int = param(
        2000,
        unit="draws",
        ge=0,
        le=100_000,
        step=100,
        description="Monte Carlo draws (0: central projection only, no uncertainty)",
        source="Assumption: 2,000 draws give P10/P90 to about 1% of their value",
    )
    seed: int = param(
        20180401,
        unit="seed",
        ge=0,
        le=2**32 - 1,
        description="Random seed of the Monte Carlo (same seed, same numbers)",
        source="Assumption: any fixed integer; 20180401 is the first day of 2018/19",
    )
    unit_cost_gbp_per_day: float = param(
        100.0,
        unit="£/day",
        ge=20.0,
        le=500.0,
        step=5.0,
        description="Cost of one day of alternative care (care home place, home care "
        "package, reablement or step-down bed) bought with discharge-related spending",
        source="Assumption: a blend of a care-home place (about £85-£120 a day at 2017 "
        "fee levels) and cheaper home care and reablement; range £20-£500",
    )
    share_reaching_delayed: float = param(
        0.5,
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.05,
        description="Share of discharge-related spending that reaches patients who would "
        "otherwise be delayed (the rest supports admission avoidance and other patients)",
        source="Assumption: half; Gaughan, Gravelle & Siciliani (2015) and Forder (2009) "
        "find the effect real but smaller than one-for-one",
    )
    additionality: float = param(
        0.677,
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.01,
        description="Share of conditioned money that is new spending on discharge (the "
        "rest would have been spent on NHS pressures anyway)",
        source="MHCLG iBCF management information 2018/19 (4 October 2019): councils "
        "assigned 32.3% of the additional iBCF to reducing NHS pressures; 1 - 0.323",
    )
    withheld_response: float = param(
        0.323,
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.01,
        description="Share of withheld money that would have been spent on discharge-related "
        "care (a symmetric loss: each pound lost undoes what a pound gained would buy)",
        source="MHCLG iBCF management information 2018/19 (4 October 2019): 32.3% of the "
        "additional iBCF went to reducing NHS pressures; cuts assumed pro rata",
    )
    received_response: float = param(
        0.323,
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.01,
        description="Share of redistributed money received that is spent on discharge-related care",
        source="MHCLG iBCF management information 2018/19 (4 October 2019): 32.3% of the "
        "additional iBCF went to reducing NHS pressures",
    )
    response_k: float = param(
        0.05,
        unit="delayed days avoided per day of care bought",
        ge=0.0,
        le=5.0,
        step=0.005,
        description="Marginal response: delayed days avoided per day of alternative care "
        "reaching delayed patients, before saturation",
        source="Calibration to 2017/18 (docs/projection.md): 0.13 (95% 0.09-0.17) if the "
        "whole April-December 2017 fall in social care delays is put down to the £1,010m "
        "(an upper bound); 0.00-0.03 net of the fall NHS-attributed delays also saw. "
        "Assumption: 0.05, between the two",
    )
    both_share_affected: float = param(
        0.5,
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.05,
        description="Share of delays attributed to both NHS and social care that social "
        "care capacity can affect",
        source="Assumption: half, since both organisations are responsible",
    )
    incentive_effect_pct: float = param(
        0.0,
        unit="%",
        ge=0.0,
        le=50.0,
        step=0.5,
        description="Reduction in social-care-affected delays for councils reviewed "
        "(selected), from the scrutiny alone",
        source="Assumption: none by default; no evidence found on the size",
    )
    excess_bed_day_cost_gbp: float = param(
        313.0,
        unit="£/day",
        ge=200.0,
        le=500.0,
        step=1.0,
        description="NHS cost of one delayed bed day",
        source="NHS reference costs 2016/17, excess bed day £313 (HFMA summary, "
        "5 Dec 2017); NAO 2016 implies about £304 (£820m / 2.7m days)",
    )
    ambition_rate_per_100k: float = param(
        9.4,
        unit="delayed beds/day per 100,000 adults",
        ge=0.0,
        le=30.0,
        step=0.1,
        description="National ambition: total delayed beds per day per 100,000 adults 18+",
        source="DH/DCLG July 2017: DToC at 3.5% of occupied beds, about 9.4 per 100,000 adults",
    )
    forecast_noise_scale: float = param(
        1.0,
        unit="multiple",
        ge=0.0,
        le=3.0,
        step=0.1,
        description="Multiplier on the forecast noise estimated from back-test errors "
        "(0: parameter uncertainty only)",
        source="Assumption: 1, the noise the back-test measured",
    )


# --------------------------------------------------------------------------- months
def month_number(month: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` string.

    >>> month_number("2018-04") - month_number("2017-04")
    12
    """
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(number: int) -> str:
    """Inverse of :func:`month_number`.

    >>> month_label(month_number("2019-03") + 1)
    '2019-04'
    """
    return f"{number // 12}-{number % 12 + 1:02d}"


def days_in_month(months: list[str]) -> np.ndarray:
    """Days in each ``YYYY-MM`` month (float, for weighting).

    >>> days_in_month(PROJECTION_MONTHS).sum()
    np.float64(365.0)
    """
    return np.array([calendar.monthrange(*map(int, m.split("-")))[1] for m in months], dtype=float)


def _check_history(history: np.ndarray, months: list[str]) -> np.ndarray:
    arr = np.asarray(history, dtype=float)
    if arr.ndim != 3 or arr.shape[2] != len(ATTRIBUTIONS):
        raise ValueError(f"history must be (councils, months, 4), got {arr.shape}")
    if arr.shape[1] != len(months):
        raise ValueError(f"history has {arr.shape[1]} months but {len(months)} labels")
    numbers = [month_number(m) for m in months]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ValueError("months must be consecutive YYYY-MM strings")
    return arr


# --------------------------------------------------------------------------- components
def to_components(history: np.ndarray) -> np.ndarray:
    """Additive parts of the four attributions: social care, both, NHS, remainder.

    The remainder (total - social care - both - NHS) is zero in published data; it keeps
    the recomposition exact for any input.

    >>> h = np.array([[[2.0, 3.0, 4.0, 7.0]]])
    >>> to_components(h).tolist()
    [[[2.0, 1.0, 4.0, 0.0]]]
    """
    sc, scb, nhs, tot = (history[..., j] for j in range(4))
    return np.stack([sc, scb - sc, nhs, tot - scb - nhs], axis=-1)


def from_components(components: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_components`.

    >>> from_components(np.array([[[2.0, 1.0, 4.0, 0.0]]])).tolist()
    [[[2.0, 3.0, 4.0, 7.0]]]
    """
    sc, both, nhs, rest = (components[..., j] for j in range(4))
    return np.stack([sc, sc + both, nhs, sc + both + nhs + rest], axis=-1)


def fill_gaps(x: np.ndarray) -> np.ndarray:
    """Fill NaN along axis 1 with the previous value (leading NaN: the next value).

    Used only to fit; a series that is all NaN stays NaN (unknown is never zero).

    >>> fill_gaps(np.array([[np.nan, 1.0, np.nan, 3.0]])).tolist()
    [[1.0, 1.0, 1.0, 3.0]]
    """
    out = np.array(x, dtype=float)
    for _ in range(2):  # forward pass, then the same on the reversed series
        mask = np.isnan(out)
        shape = [1] * out.ndim
        shape[1] = out.shape[1]
        idx = np.where(mask, 0, np.arange(out.shape[1]).reshape(shape))
        np.maximum.accumulate(idx, axis=1, out=idx)
        filled = np.take_along_axis(out, idx, axis=1)
        out = np.where(mask, filled, out)[:, ::-1]
    return out


# --------------------------------------------------------------------------- forecasting
def seasonal_factors(national: np.ndarray, months: list[str], years: int = 3) -> np.ndarray:
    """Multiplicative seasonal factors by calendar month from a national series.

    Classical decomposition: ratio of each month to the centred 12-month moving average,
    averaged over the latest ``years`` years, normalised to mean 1. ``national`` is
    (months, k); the result is (12, k) indexed by calendar month (0 = January). Too short
    a series, or a zero average, gives factors of 1.

    >>> t = np.arange(48)
    >>> y = (100 + 10 * np.cos(2 * np.pi * t / 12))[:, None]
    >>> m = [month_label(month_number("2014-01") + i) for i in range(48)]
    >>> f = seasonal_factors(y, m)
    >>> round(float(f[0, 0]), 3), round(float(f[6, 0]), 3)
    (1.1, 0.9)
    """
    n, k = national.shape
    factors = np.ones((SEASON, k))
    if n < 2 * SEASON:
        return factors
    weights = np.r_[0.5, np.ones(SEASON - 1), 0.5] / SEASON
    cma = np.stack([np.convolve(national[:, j], weights, mode="valid") for j in range(k)], 1)
    centre = np.arange(SEASON // 2, n - SEASON // 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = national[centre] / cma
    keep = centre >= n - SEASON // 2 - years * SEASON
    cal = np.array([month_number(m) % 12 for m in months])[centre[keep]]
    ratio = ratio[keep]
    for c in range(SEASON):
        rows = ratio[cal == c]
        if len(rows):
            with _quiet():
                factors[c] = np.nanmean(np.where(np.isfinite(rows), rows, np.nan), axis=0)
    factors = np.where(np.isfinite(factors) & (factors > 0), factors, 1.0)
    return factors / factors.mean(axis=0, keepdims=True)


def _damped_trend(y: np.ndarray, horizon: int) -> np.ndarray:
    """Holt's damped additive trend, parameters chosen per series from a small grid.

    ``y`` is (series, months) without NaN; returns (series, horizon).
    """
    s, t_len = y.shape
    grid = np.array([(a, b, p) for a in _ALPHAS for b in _BETAS for p in _PHIS])
    alpha, beta, phi = (grid[:, j, None] for j in range(3))
    level = np.repeat(y[None, :, 0], len(grid), axis=0)
    if t_len >= 2 * SEASON:
        slope = (y[:, SEASON : 2 * SEASON].mean(1) - y[:, :SEASON].mean(1)) / SEASON
    elif t_len > 1:
        slope = (y[:, -1] - y[:, 0]) / (t_len - 1)
    else:
        slope = np.zeros(s)
    trend = np.repeat(slope[None, :], len(grid), axis=0)
    sse = np.zeros((len(grid), s))
    warm = min(SEASON, t_len // 2)
    for t in range(1, t_len):
        fitted = level + phi * trend
        err = y[None, :, t] - fitted
        if t >= warm:
            sse += err * err
        level = fitted + alpha * err
        trend = phi * trend + alpha * beta * err
    best = np.argmin(sse, axis=0)
    cols = np.arange(s)
    steps = np.cumsum(phi[best] ** np.arange(1, horizon + 1)[None, :], axis=1)
    return level[best, cols][:, None] + steps * trend[best, cols][:, None]


def forecast_components(
    components: np.ndarray, months: list[str], method: str, horizon: int
) -> np.ndarray:
    """Forecast each additive component ``horizon`` months past the last month given.

    ``components`` is (councils, months, 4) as from :func:`to_components`, ending at the
    forecast origin. Returns (councils, horizon, 4); series with no data are NaN. The
    first three components are floored at zero.
    """
    n, t_len, k = components.shape
    empty = np.isnan(components).all(axis=1)  # (n, k)
    y = fill_gaps(components)
    y = np.where(empty[:, None, :], 0.0, y)
    target = [month_label(month_number(months[-1]) + h) for h in range(1, horizon + 1)]
    w = min(PERSISTENCE_WINDOW, t_len)
    if method in ("seasonal_persistence", "seasonal_damped_trend"):
        fac = seasonal_factors(y.sum(axis=0), months)
        hist_fac = fac[[month_number(m) % 12 for m in months]]  # (t, k)
        fut_fac = fac[[month_number(m) % 12 for m in target]]  # (horizon, k)
    if method == "naive":
        out = np.repeat(y[:, -1:, :], horizon, axis=1)
    elif method == "persistence":
        out = np.repeat(y[:, -w:, :].mean(axis=1, keepdims=True), horizon, axis=1)
    elif method == "seasonal_naive":
        if t_len < SEASON:
            raise ValueError("seasonal_naive needs at least 12 months of history")
        lag = (np.arange(horizon) % SEASON) - SEASON
        out = y[:, lag, :]
    elif method == "seasonal_persistence":
        level = (y[:, -w:, :] / hist_fac[None, -w:, :]).mean(axis=1, keepdims=True)
        out = level * fut_fac[None, :, :]
    elif method in ("damped_trend", "seasonal_damped_trend"):
        adj = y / hist_fac[None] if method == "seasonal_damped_trend" else y
        flat = adj.transpose(0, 2, 1).reshape(n * k, t_len)
        fc = _damped_trend(flat, horizon).reshape(n, k, horizon).transpose(0, 2, 1)
        out = fc * fut_fac[None] if method == "seasonal_damped_trend" else fc
    else:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    out = np.array(out, dtype=float)
    out[..., :3] = np.maximum(out[..., :3], 0.0)
    return np.where(empty[:, None, :], np.nan, out)


def forecast(history: np.ndarray, months: list[str], method: str, horizon: int) -> np.ndarray:
    """Forecast the four attributions ``horizon`` months past the end of ``history``.

    Components are forecast and recomposed, so social care + both + NHS = total holds
    in every forecast; results are floored at zero.

    >>> h = np.tile(np.array([1.0, 2.0, 3.0, 5.0]), (1, 24, 1))
    >>> m = [month_label(month_number("2016-04") + i) for i in range(24)]
    >>> forecast(h, m, "persistence", 2)[0].tolist()
    [[1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 3.0, 5.0]]
    """
    arr = _check_history(history, months)
    comp = forecast_components(to_components(arr), months, method, horizon)
    return np.maximum(from_components(comp), 0.0)


def baseline_forecast(history: np.ndarray, months: list[str], method: str) -> np.ndarray:
    """Counterfactual delayed beds per day for April 2018 to March 2019.

    Fits on all history up to March 2018 (later months, if any, are ignored) and returns
    (councils, 12, 4) for :data:`PROJECTION_MONTHS`. ``method`` is one of
    :data:`METHODS` (``"auto"`` is resolved by :func:`resolve_method`).
    """
    arr = _check_history(history, months)
    end = month_number(LAST_DATA_MONTH)
    last = month_number(months[-1])
    if last > end:
        keep = len(months) - (last - end)
        arr, months = arr[:, :keep], months[:keep]
        last = end
    gap = end - last
    out = forecast(arr, months, method, gap + 12)
    return out[:, gap:, :]


# --------------------------------------------------------------------------- back-test
def _origin_positions(months: list[str], origins: list[str] | None, horizon: int) -> list[int]:
    wanted = DEFAULT_ORIGINS if origins is None else origins
    pos = []
    for origin in wanted:
        if origin not in months:
            if origins is None:
                continue
            raise ValueError(f"origin {origin} is not in the history months")
        i = months.index(origin)
        if i + horizon >= len(months) or i + 1 < SEASON + 1:
            if origins is None:
                continue
            raise ValueError(
                f"origin {origin} needs at least 13 months before it and {horizon} after"
            )
        pos.append(i)
    return pos


def backtest_forecasts(
    history: np.ndarray,
    months: list[str],
    method: str,
    origins: list[str] | None = None,
    horizon: int = 12,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Forecasts and actuals of one method at each back-test origin.

    Returns (origins used, forecasts, actuals), each array (origins, councils, horizon, 4).
    """
    arr = _check_history(history, months)
    pos = _origin_positions(months, origins, horizon)
    fc = np.empty((len(pos), arr.shape[0], horizon, 4))
    act = np.empty_like(fc)
    for j, i in enumerate(pos):
        fc[j] = forecast(arr[:, : i + 1], months[: i + 1], method, horizon)
        act[j] = arr[:, i + 1 : i + 1 + horizon]
    return [months[i] for i in pos], fc, act


def _seasonal_scale(series: np.ndarray) -> np.ndarray:
    """Mean absolute 12-month change along axis 1 (the MASE scale), NaN-aware."""
    diff = np.abs(series[:, SEASON:] - series[:, :-SEASON])
    with np.errstate(invalid="ignore"), _quiet():
        return np.nanmean(diff, axis=1)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's 'mean of empty slice' warnings (all-NaN councils are expected)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


def score_forecast(
    forecast_: np.ndarray, actual: np.ndarray, history: np.ndarray
) -> dict[str, np.ndarray]:
    """Scores of one forecast for each attribution.

    ``forecast_`` and ``actual`` are (councils, horizon, 4); ``history`` (councils,
    months, 4) is the data up to the origin, used for the MASE scale (mean absolute
    change over 12 months). National figures sum the councils with a complete forecast
    and complete actuals. Returns arrays of length 4:
    ``national_mae``, ``national_rmse``, ``national_mase``, ``national_bias`` (forecast
    minus actual, beds/day), ``council_mae`` (mean over councils) and ``council_mase``
    (mean over councils of each council's MAE over its own scale).
    """
    complete = np.isfinite(forecast_).all(axis=1) & np.isfinite(actual).all(axis=1)  # (n, 4)
    out: dict[str, np.ndarray] = {}
    nat_f = np.where(complete[:, None, :], forecast_, 0.0).sum(axis=0)  # (h, 4)
    nat_a = np.where(complete[:, None, :], actual, 0.0).sum(axis=0)
    nat_h = np.where(complete[:, None, :], fill_gaps(history), 0.0).sum(axis=0)  # (t, 4)
    err = nat_f - nat_a
    out["national_mae"] = np.abs(err).mean(axis=0)
    out["national_rmse"] = np.sqrt((err**2).mean(axis=0))
    out["national_bias"] = err.mean(axis=0)
    scale = _seasonal_scale(nat_h.T[:, :, None])[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["national_mase"] = np.where(scale > 0, out["national_mae"] / scale, np.nan)
    with _quiet():
        mae = np.nanmean(np.abs(forecast_ - actual), axis=1)  # (n, 4)
        c_scale = _seasonal_scale(history)  # (n, 4)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(c_scale > 0, mae / c_scale, np.nan)
        out["council_mae"] = np.nanmean(mae, axis=0)
        out["council_mase"] = np.nanmean(ratio, axis=0)
    out["n_councils"] = complete.sum(axis=0).astype(float)
    return out


METRICS = (
    "national_mae",
    "national_rmse",
    "national_mase",
    "national_bias",
    "council_mae",
    "council_mase",
)


def backtest(
    history: np.ndarray,
    months: list[str],
    *,
    origins: list[str] | None = None,
    methods: tuple[str, ...] = METHODS,
    horizon: int = 12,
) -> pd.DataFrame:
    """Rolling-origin back-test of each forecasting method.

    For each origin month M: fit on data up to M, forecast M+1 .. M+``horizon``, score
    against the data (:func:`score_forecast`). ``origins`` defaults to
    :data:`DEFAULT_ORIGINS` (those with enough data). Returns one row per method, origin
    and attribution with the columns of :data:`METRICS` (beds/day; MASE unitless) and
    ``n_councils``. Results are remembered for the last few histories (same input, same
    table).
    """
    arr = _check_history(history, months)
    key = (
        hashlib.sha1(np.ascontiguousarray(arr).tobytes()).hexdigest(),
        arr.shape,
        tuple(months),
        None if origins is None else tuple(origins),
        tuple(methods),
        horizon,
    )
    if key in _BACKTEST_MEMO:
        return _BACKTEST_MEMO[key].copy()
    table = _run_backtest(arr, months, origins, methods, horizon)
    _BACKTEST_MEMO[key] = table
    while len(_BACKTEST_MEMO) > _BACKTEST_MEMO_SIZE:
        _BACKTEST_MEMO.pop(next(iter(_BACKTEST_MEMO)))
    return table.copy()


# The back-test is deterministic; recent tables are kept so that repeated projections on
# the same history (the app, the command line, benchmarks) do not refit every method.
_BACKTEST_MEMO: dict[tuple[object, ...], pd.DataFrame] = {}
_BACKTEST_MEMO_SIZE = 8


def _run_backtest(
    arr: np.ndarray,
    months: list[str],
    origins: list[str] | None,
    methods: tuple[str, ...],
    horizon: int,
) -> pd.DataFrame:
    rows = []
    for method in methods:
        used, fc, act = backtest_forecasts(arr, months, method, origins, horizon)
        for j, origin in enumerate(used):
            i = months.index(origin)
            scores = score_forecast(fc[j], act[j], arr[:, : i + 1])
            for a, attribution in enumerate(ATTRIBUTIONS):
                row: dict[str, object] = {
                    "method": method,
                    "origin": origin,
                    "attribution": attribution,
                }
                row.update({k: float(v[a]) for k, v in scores.items()})
                rows.append(row)
    table = pd.DataFrame(rows)
    if not rows:
        return pd.DataFrame(columns=["method", "origin", "attribution", *METRICS, "n_councils"])
    table["n_councils"] = table["n_councils"].astype(int)
    return table


def summarise_backtest(table: pd.DataFrame, attribution: str = AUTO_ATTRIBUTION) -> pd.DataFrame:
    """Mean of each metric over origins, one row per method, best (lowest) first.

    Sorted by :data:`AUTO_METRIC`; ``rank`` is 1 for the method ``auto`` would pick.
    """
    part = table[table["attribution"] == attribution]
    summary = part.groupby("method", sort=False)[list(METRICS)].mean()
    summary["origins"] = part.groupby("method", sort=False)["origin"].nunique()
    order = {m: i for i, m in enumerate(METHODS)}
    summary = summary.sort_values(
        [AUTO_METRIC], kind="stable", key=lambda s: s.fillna(np.inf)
    ).reset_index()
    summary["tie"] = summary["method"].map(order)
    summary = summary.sort_values([AUTO_METRIC, "tie"], kind="stable").drop(columns="tie")
    summary.insert(1, "rank", np.arange(1, len(summary) + 1))
    return summary.reset_index(drop=True)


def best_method(table: pd.DataFrame, attribution: str = AUTO_ATTRIBUTION) -> str:
    """The method with the lowest mean :data:`AUTO_METRIC` over origins."""
    summary = summarise_backtest(table, attribution)
    if summary.empty or not np.isfinite(summary[AUTO_METRIC].iloc[0]):
        return FALLBACK_METHOD
    return str(summary["method"].iloc[0])


def resolve_method(
    history: np.ndarray, months: list[str], method: str
) -> tuple[str, pd.DataFrame | None]:
    """The method to use and, for ``"auto"``, the back-test that chose it."""
    if method != "auto":
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        return method, None
    table = backtest(history, months)
    if table.empty:
        log.info("history too short to back-test; using %s", FALLBACK_METHOD)
        return FALLBACK_METHOD, table
    chosen = best_method(table)
    log.info("auto method: %s (lowest mean %s on %s)", chosen, AUTO_METRIC, AUTO_ATTRIBUTION)
    return chosen, table


# --------------------------------------------------------------------------- funding response
def net_discharge_spend(
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    *,
    additionality: float | np.ndarray,
    withheld_response: float | np.ndarray,
    received_response: float | np.ndarray,
) -> np.ndarray:
    """Change in discharge-related spending (£): gains minus the symmetric loss.

    >>> net_discharge_spend(np.array([100.0]), np.array([50.0]), np.array([10.0]),
    ...     additionality=0.5, withheld_response=0.2, received_response=1.0).tolist()
    [50.0]
    """
    return (
        np.asarray(conditioned, dtype=float) * additionality
        + np.asarray(received, dtype=float) * received_response
        - np.asarray(withheld, dtype=float) * withheld_response
    )


def days_bought(
    spend_gbp: np.ndarray, *, share: float | np.ndarray, unit_cost: float | np.ndarray
) -> np.ndarray:
    """Days of alternative care reaching delayed patients bought by a spend (£).

    >>> days_bought(np.array([10_000.0]), share=0.5, unit_cost=100.0).tolist()
    [50.0]
    """
    return np.asarray(spend_gbp, dtype=float) * share / unit_cost


def saturating_response(
    days: np.ndarray, capacity: np.ndarray, k: float | np.ndarray
) -> np.ndarray:
    """Delayed days avoided by ``days`` of care bought, when ``capacity`` days could be.

    avoided = D·(1 − exp(−k·x/D)) for x ≥ 0, never above D; a loss (x < 0) is the mirror
    image, −D·(1 − exp(−k·|x|/D)), so delays at most double. D ≤ 0 or unknown: 0.

    >>> saturating_response(np.array([0.0, 1e9, -1e9]), np.array([10.0] * 3), 1.0).tolist()
    [0.0, 10.0, -10.0]
    """
    x = np.asarray(days, dtype=float)
    cap = np.asarray(capacity, dtype=float)
    ok = np.isfinite(cap) & (cap > 0)
    safe = np.where(ok, cap, 1.0)
    avoided = -np.sign(x) * safe * np.expm1(-np.asarray(k) * np.abs(x) / safe)
    return np.where(ok, avoided, 0.0)


def effect_share(
    days: np.ndarray,
    capacity: np.ndarray,
    k: float | np.ndarray,
    incentive: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Share g of the affected delays removed: the incentive first, then the money.

    g = ι + (1 − ι)·f with f = avoided / D′ and D′ = (1 − ι)·D. g < 1 always, g ≥ −1.

    >>> effect_share(np.array([0.0]), np.array([100.0]), 1.0, 0.1).round(6).tolist()
    [0.1]
    """
    inc = np.asarray(incentive, dtype=float)
    cap = (1.0 - inc) * np.asarray(capacity, dtype=float)
    ok = np.isfinite(cap) & (cap > 0)
    f = saturating_response(days, cap, k) / np.where(ok, cap, 1.0)
    return inc + (1.0 - inc) * np.where(ok, f, 0.0)


def affected_parts(baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Social care and 'both' delays of a baseline (councils, months, 4), floored at 0."""
    sc = np.maximum(baseline[..., 0], 0.0)
    both = np.maximum(baseline[..., 1] - baseline[..., 0], 0.0)
    return sc, both


def affected_by_attribution(baseline: np.ndarray, both_share: float | np.ndarray) -> np.ndarray:
    """Delays the funding response acts on, per attribution (councils, months, 4).

    Social care: its own delays; social care and both, and total: social care plus
    ``both_share`` of 'both'; NHS: none. Capped at the baseline so results stay ≥ 0.
    """
    sc, both = affected_parts(baseline)
    joint = sc + both_share * both
    out = np.stack([sc, joint, np.zeros_like(sc), joint], axis=-1)
    return np.minimum(out, np.where(np.isnan(baseline), np.nan, np.maximum(baseline, 0.0)))


def apply_effect(baseline: np.ndarray, affected: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Scenario delays: baseline − g·affected, floored at 0 (g per council).

    >>> b = np.array([[[4.0, 6.0, 10.0, 16.0]]]); a = np.array([[[4.0, 5.0, 0.0, 5.0]]])
    >>> apply_effect(b, a, np.array([0.5])).tolist()
    [[[2.0, 3.5, 10.0, 13.5]]]
    """
    return np.maximum(baseline - share[:, None, None] * affected, 0.0)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class ProjectionResult:
    """Projected DToC for 2018/19 under a scenario, against the counterfactual baseline.

    Arrays are (councils, 12, 4) average delayed beds per day, attribution order
    :data:`ATTRIBUTIONS`. ``beds_freed`` and ``delayed_days_avoided`` are on the total
    basis, summed over councils (negative if delays rise). ``probability_ambition_met``
    is the share of draws in which the national rate meets the ambition (see
    :func:`ambition_met`); with no draws it is 1.0 or 0.0 for the central projection.
    """

    months: list[str]
    baseline_p50: np.ndarray
    scenario_p10: np.ndarray
    scenario_p50: np.ndarray
    scenario_p90: np.ndarray
    beds_freed: dict[str, float]
    delayed_days_avoided: float
    nhs_value_gbp: float
    probability_ambition_met: float
    seed: int
    draws: int
    method: str
    national_draws: np.ndarray
    national_path: pd.DataFrame
    effect_share: np.ndarray = field(repr=False)
    days_bought: np.ndarray = field(repr=False)
    affected_days: np.ndarray = field(repr=False)
    ambition_beds: float = 0.0
    ambition_basis: str = "annual_average"
    backtest: pd.DataFrame | None = field(default=None, repr=False)

    def per_council(self) -> pd.DataFrame:
        """Tidy rows: council_index, month, attribution and the four bands (beds/day)."""
        n, h, k = self.scenario_p50.shape
        return pd.DataFrame(
            {
                "council_index": np.repeat(np.arange(n), h * k),
                "month": np.tile(np.repeat(np.asarray(self.months), k), n),
                "attribution": np.tile(np.asarray(ATTRIBUTIONS), n * h),
                "baseline_beds_p50": self.baseline_p50.ravel(),
                "scenario_beds_p10": self.scenario_p10.ravel(),
                "scenario_beds_p50": self.scenario_p50.ravel(),
                "scenario_beds_p90": self.scenario_p90.ravel(),
            }
        )

    def council_days_avoided(self) -> np.ndarray:
        """Central delayed days avoided per council over 2018/19 (total basis)."""
        return self.effect_share * self.affected_days


def ambition_met(
    national: np.ndarray, days: np.ndarray, ambition_beds: float, basis: str
) -> np.ndarray:
    """Whether national total delayed beds/day meet the ambition, per draw.

    ``national`` is (draws, 12). ``annual_average``: the day-weighted mean over 2018/19 is
    at or below ``ambition_beds``; ``march_2019``: the last month is; ``every_month``:
    each month is.

    >>> ambition_met(np.array([[5.0, 3.0], [5.0, 6.0]]), np.array([1.0, 1.0]), 4.0,
    ...              "annual_average").tolist()
    [True, False]
    """
    if basis == "annual_average":
        return np.asarray((national @ days) / days.sum() <= ambition_beds)
    if basis == "march_2019":
        return np.asarray(national[:, -1] <= ambition_beds)
    if basis == "every_month":
        return np.asarray((national <= ambition_beds).all(axis=1))
    raise ValueError(f"unknown ambition basis {basis!r}")


@dataclass(frozen=True, eq=False)
class PreparedBaseline:
    """Everything a projection needs that does not depend on the money."""

    method: str
    baseline: np.ndarray  # (n, 12, 4)
    adults_total: float
    backtest: pd.DataFrame | None
    noise: object | None  # simulator.uncertainty.NoiseModel, when estimated


def prepare_baseline(
    history: np.ndarray,
    months: list[str],
    adults: np.ndarray,
    params: ProjectionParams,
    *,
    with_noise: bool = True,
) -> PreparedBaseline:
    """Resolve the method, forecast the baseline and (optionally) estimate the noise.

    The result can be passed to :func:`project` and :func:`tornado` as ``prepared`` for
    any scenario with the same history and the same ``method``; build it with
    ``with_noise=True`` (the default) if the Monte Carlo is to include forecast noise.
    """
    from simulator.uncertainty import estimate_noise  # uncertainty imports this module

    arr = _check_history(history, months)
    adults = np.asarray(adults, dtype=float)
    if adults.shape != (arr.shape[0],):
        raise ValueError(f"adults must have one value per council ({arr.shape[0]})")
    method, table = resolve_method(arr, months, params.method)
    baseline = baseline_forecast(arr, months, method)
    noise = None
    if with_noise and params.draws > 0 and params.forecast_noise_scale > 0:
        noise = estimate_noise(arr, months, method)
    return PreparedBaseline(
        method=method,
        baseline=baseline,
        adults_total=float(np.nansum(adults)),
        backtest=table,
        noise=noise,
    )


def project(
    history: np.ndarray,
    months: list[str],
    adults: np.ndarray,
    *,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
    params: ProjectionParams,
    prepared: PreparedBaseline | None = None,
) -> ProjectionResult:
    """Project 2018/19 delays under a scenario's money, with uncertainty.

    ``history`` (councils, months, 4) delayed beds/day; ``adults`` 18+ per council;
    ``conditioned``, ``withheld``, ``received`` £ per council for 2018/19; ``reviewed``
    councils selected by the scenario (for the incentive effect). No money moved and no
    incentive give a scenario equal to the baseline exactly. ``prepared`` (from
    :func:`prepare_baseline`) skips the forecasting when only the money changes.
    """
    from simulator.uncertainty import run_monte_carlo  # uncertainty imports this module

    prep = prepared or prepare_baseline(history, months, adults, params)
    return run_monte_carlo(
        prep,
        conditioned=conditioned,
        withheld=withheld,
        received=received,
        reviewed=reviewed,
        params=params,
    )


def tornado(
    history: np.ndarray,
    months: list[str],
    adults: np.ndarray,
    *,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
    params: ProjectionParams,
    prepared: PreparedBaseline | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of beds freed (and NHS value) to each parameter.

    Each parameter in turn is set to its low and high value (P10 and P90 of its
    distribution in :mod:`simulator.uncertainty`, or a stated range), all others held at
    the scenario's values; the projection is central (no Monte Carlo), so ``p50`` here is
    the central value. Rows sorted by swing, largest first.
    """
    from simulator.uncertainty import sensitivity_ranges

    prep = prepared or prepare_baseline(history, months, adults, params, with_noise=False)
    central = params.model_copy(update={"draws": 0})

    def run(p: ProjectionParams) -> ProjectionResult:
        return project(
            history,
            months,
            adults,
            conditioned=conditioned,
            withheld=withheld,
            received=received,
            reviewed=reviewed,
            params=p,
            prepared=prep,
        )

    base = run(central)
    rows = []
    for name, (low, high) in sensitivity_ranges(params).items():
        lo = run(central.model_copy(update={name: low}))
        hi = run(central.model_copy(update={name: high}))
        field_info = ProjectionParams.model_fields[name]
        extra = (
            field_info.json_schema_extra if isinstance(field_info.json_schema_extra, dict) else {}
        )
        rows.append(
            {
                "parameter": name,
                "description": field_info.description,
                "unit": extra.get("unit", ""),
                "value": float(getattr(params, name)),
                "low": float(low),
                "high": float(high),
                "beds_freed_base": base.beds_freed["p50"],
                "beds_freed_low": lo.beds_freed["p50"],
                "beds_freed_high": hi.beds_freed["p50"],
                "nhs_value_low": lo.nhs_value_gbp,
                "nhs_value_high": hi.nhs_value_gbp,
            }
        )
    table = pd.DataFrame(rows)
    table["swing"] = (table["beds_freed_high"] - table["beds_freed_low"]).abs()
    table["nhs_value_swing"] = (table["nhs_value_high"] - table["nhs_value_low"]).abs()
    return table.sort_values(
        ["swing", "nhs_value_swing"], ascending=False, kind="stable"
    ).reset_index(drop=True)
