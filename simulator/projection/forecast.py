"""Counterfactual forecasts of delayed beds per day, council by council.

Arrays use axes (council, month, attribution) with the attribution order of
:data:`ATTRIBUTIONS`; values are average delayed beds per day; NaN means unknown and is
carried through (a council with no data, such as the Isles of Scilly, stays NaN).
The four attributions are split into additive parts, each part is forecast and the
parts are added back, so social care + both + NHS = total in every forecast.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from simulator.schema.calendar import month_at, month_index
from simulator.schema.projection import METHODS, Method
from simulator.schema.vocabulary import ATTRIBUTIONS

PROJECTION_MONTHS = [f"{2018 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(4, 16)]
LAST_DATA_MONTH = "2018-03"  # the projection year starts the month after

METHOD_LABELS = {
    "naive": "Naive (last month carried forward)",
    "persistence": "Persistence (mean of the latest 3 months)",
    "seasonal_naive": "Seasonal naive (same month a year earlier)",
    "seasonal_persistence": "Seasonal persistence (latest 3 months, national seasonal profile)",
    "damped_trend": "Damped trend (Holt, damped)",
    "seasonal_damped_trend": "Damped trend on seasonally adjusted data",
    "ses_log": "Exponential smoothing of each council on logs",
    "national_damped": "National damped trend shared by councils' latest shares (top-down)",
    "combination": "Combination: mean of persistence, log smoothing and top-down damped trend",
}
# Members of the forecast combination (equal weights).
COMBINATION: tuple[Method, ...] = ("persistence", "ses_log", "national_damped")
PERSISTENCE_WINDOW = 3  # months averaged by the persistence methods
SEASON = 12
# Offset of the log scale (half a delayed bed a day), for smoothing and for noise.
LOG_OFFSET_BEDS = 0.5

# Grid searched by the damped trend: smoothing of the level (alpha), of the trend
# (beta, as a share of alpha) and damping (phi); chosen per series by in-sample
# one-step squared error.
_ALPHAS = (0.1, 0.2, 0.35, 0.5, 0.7, 0.9)
_BETAS = (0.02, 0.1, 0.3)
_PHIS = (0.8, 0.9, 0.98)


def check_history(history: np.ndarray, months: list[str]) -> np.ndarray:
    arr = np.asarray(history, dtype=float)
    if arr.ndim != 3 or arr.shape[2] != len(ATTRIBUTIONS):
        raise ValueError(f"history must be (councils, months, 4), got {arr.shape}")
    if arr.shape[1] != len(months):
        raise ValueError(f"history has {arr.shape[1]} months but {len(months)} labels")
    numbers = [month_index(m) for m in months]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ValueError("months must be consecutive YYYY-MM strings")
    return arr


@contextmanager
def quiet() -> Iterator[None]:
    """Silence numpy's 'mean of empty slice' warnings (all-NaN councils are expected)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


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
    gaps = np.isnan(out).reshape(out.shape[0], out.shape[1], -1).any(axis=(1, 2))
    if not gaps.all():  # only the councils with a gap need the passes
        if gaps.any():
            out[gaps] = fill_gaps(out[gaps])
        return out
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
    >>> m = [month_at(month_index("2014-01") + i) for i in range(48)]
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
    cal = np.array([month_index(m) % 12 for m in months])[centre[keep]]
    ratio = ratio[keep]
    for c in range(SEASON):
        rows = ratio[cal == c]
        if len(rows):
            with quiet():
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


def _ses_log(y: np.ndarray, horizon: int) -> np.ndarray:
    """Simple exponential smoothing of log(y + 0.5), alpha chosen per series by in-sample
    one-step squared error; a flat forecast back on the original scale.

    ``y`` is (series, months) without NaN; returns (series, horizon).

    >>> _ses_log(np.full((1, 24), 4.5), 2).round(6).tolist()
    [[4.5, 4.5]]
    """
    z = np.log(np.maximum(y, 0.0) + LOG_OFFSET_BEDS)
    alpha = np.array(_ALPHAS)[:, None]
    level = np.repeat(z[None, :, 0], len(_ALPHAS), axis=0)
    sse = np.zeros((len(_ALPHAS), z.shape[0]))
    warm = min(SEASON, z.shape[1] // 2)
    for t in range(1, z.shape[1]):
        err = z[None, :, t] - level
        if t >= warm:
            sse += err * err
        level = level + alpha * err
    best = np.argmin(sse, axis=0)
    final = level[best, np.arange(z.shape[0])]
    return np.repeat(np.exp(final)[:, None] - LOG_OFFSET_BEDS, horizon, axis=1)


def _national_damped(y: np.ndarray, horizon: int) -> np.ndarray:
    """Top-down: the national sum of each part forecast by the damped trend, shared out
    by each council's share of the latest 3 months.

    ``y`` is (councils, months, k) without NaN; returns (councils, horizon, k).
    """
    n, t_len, _ = y.shape
    national = y.sum(axis=0).T  # (k, t)
    fc = _damped_trend(national, horizon)  # (k, horizon)
    w = min(PERSISTENCE_WINDOW, t_len)
    recent = y[:, -w:, :].mean(axis=1)  # (n, k)
    total = recent.sum(axis=0)
    share = np.divide(recent, total, out=np.full_like(recent, 1.0 / n), where=total != 0)
    return share[:, None, :] * fc.T[None, :, :]


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
    target = [month_at(month_index(months[-1]) + h) for h in range(1, horizon + 1)]
    w = min(PERSISTENCE_WINDOW, t_len)
    if method in ("seasonal_persistence", "seasonal_damped_trend"):
        fac = seasonal_factors(y.sum(axis=0), months)
        hist_fac = fac[[month_index(m) % 12 for m in months]]  # (t, k)
        fut_fac = fac[[month_index(m) % 12 for m in target]]  # (horizon, k)
    if method == "combination":
        parts = [forecast_components(components, months, m, horizon) for m in COMBINATION]
        return np.mean(parts, axis=0)
    if method == "naive":
        out = np.repeat(y[:, -1:, :], horizon, axis=1)
    elif method == "ses_log":
        flat = y.transpose(0, 2, 1).reshape(n * k, t_len)
        out = _ses_log(flat, horizon).reshape(n, k, horizon).transpose(0, 2, 1)
    elif method == "national_damped":
        out = _national_damped(y, horizon)
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
    >>> m = [month_at(month_index("2016-04") + i) for i in range(24)]
    >>> forecast(h, m, "persistence", 2)[0].tolist()
    [[1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 3.0, 5.0]]
    """
    arr = check_history(history, months)
    comp = forecast_components(to_components(arr), months, method, horizon)
    return np.maximum(from_components(comp), 0.0)


def baseline_forecast(history: np.ndarray, months: list[str], method: str) -> np.ndarray:
    """Counterfactual delayed beds per day for April 2018 to March 2019.

    Fits on all history up to March 2018 (later months, if any, are ignored) and returns
    (councils, 12, 4) for :data:`PROJECTION_MONTHS`. ``method`` is one of
    :data:`METHODS` (``"auto"`` is resolved by :func:`resolve_method`).
    """
    arr = check_history(history, months)
    end = month_index(LAST_DATA_MONTH)
    last = month_index(months[-1])
    if last > end:
        keep = len(months) - (last - end)
        arr, months = arr[:, :keep], months[:keep]
        last = end
    gap = end - last
    out = forecast(arr, months, method, gap + 12)
    return out[:, gap:, :]
