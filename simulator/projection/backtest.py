"""Rolling-origin back-test: point accuracy of every forecasting method and the
coverage of its bands.

At each origin month M: fit on data up to M, forecast M+1 .. M+12, compare with what
happened. Point scores use the reported origins (every 6 months, 2013-03 to 2017-03).
Forecast errors on the log scale, e = log((actual + 0.5) / (forecast + 0.5)), are kept
for every monthly origin; the bands of :mod:`simulator.projection.noise` are their
empirical quantiles by horizon and council-size tercile. A band is scored at a reported
origin with quantiles from origins whose 12 months do not overlap it (cross-conformal),
so no band is scored on the errors it was built from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.projection.forecast import (
    ATTRIBUTIONS,
    LOG_OFFSET_BEDS,
    METHODS,
    SEASON,
    check_history,
    fill_gaps,
    forecast,
    quiet,
)

HORIZON = 12
# Reported origins: every 6 months from March 2013 to March 2017, so that each has at
# least two years of history and a full 12 months to score.
DEFAULT_ORIGINS = [f"{y}-{m:02d}" for y in range(2013, 2018) for m in (3, 9)][:-1]
FIRST_ORIGIN_INDEX = SEASON  # an origin needs 13 months of history (the MASE scale)
BAND = (0.1, 0.9)  # the P10-P90 band: nominal coverage 80%
HORIZON_GROUPS = ((1, 3), (4, 6), (7, 9), (10, 12))
TERCILES = ("small", "middle", "large")
SCORED = ("social_care", "total")  # attributions whose bands are scored
# ``auto`` picks the method with the lowest mean of this metric over the reported origins.
AUTO_ATTRIBUTION = "total"
AUTO_METRIC = "council_mase"
FALLBACK_METHOD = "persistence"
# 0.2.0's bands: log-scale sd per sqrt(month), applied as forecast x exp(z sd sqrt(h)).
_Z90 = 1.2815515655446004
_OLD_SD_CAP = 1.0


def log_error(actual: np.ndarray, fitted: np.ndarray) -> np.ndarray:
    """Forecast error on the scale the bands use: log((actual + 0.5) / (fitted + 0.5)).

    >>> float(log_error(np.array(1.5), np.array(1.5)))
    0.0
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log((actual + LOG_OFFSET_BEDS) / (fitted + LOG_OFFSET_BEDS))


def apply_error(fitted: np.ndarray, error: np.ndarray) -> np.ndarray:
    """Inverse of :func:`log_error`: the value ``error`` away from ``fitted``, at least 0.

    >>> float(apply_error(np.array(1.5), np.log(2.0)))
    3.5
    """
    return np.maximum((fitted + LOG_OFFSET_BEDS) * np.exp(error) - LOG_OFFSET_BEDS, 0.0)


def size_terciles(history: np.ndarray) -> np.ndarray:
    """Tercile of each council (0 small, 1 middle, 2 large) on each attribution, by its
    mean delayed beds a day on that attribution over the latest 12 months; -1 for a
    council with no data. Returns (councils, 4).

    >>> h = np.zeros((6, 12, 4)); h[:, :, 3] = np.arange(6)[:, None]
    >>> size_terciles(h)[:, 3].tolist()
    [0, 0, 1, 1, 2, 2]
    """
    with quiet():
        size = np.nanmean(history[:, -SEASON:, :], axis=1)  # (n, 4)
    out = np.full(size.shape, -1)
    for a in range(size.shape[1]):
        ok = np.isfinite(size[:, a])
        if not ok.any():
            continue
        ranks = pd.Series(size[ok, a]).rank(method="first").to_numpy()
        out[ok, a] = np.minimum((3 * (ranks - 1) // ok.sum()).astype(int), 2)
    return out


@dataclass(frozen=True, eq=False)
class ErrorPaths:
    """Forecast errors of one method at every monthly origin.

    ``origins`` (o,) month labels; ``errors`` (o, councils, 12, 4) council log errors
    (NaN where unknown); ``terciles`` (o, councils) size tercile at each origin;
    ``national`` (o, 12, 4) log error of the national sum (councils with complete data);
    ``national_annual`` (o, 4) log error of the national 12-month average.
    """

    method: str
    origins: list[str]
    errors: np.ndarray
    terciles: np.ndarray
    national: np.ndarray
    national_annual: np.ndarray
    forecasts: np.ndarray  # (o, n, 12, 4)
    actuals: np.ndarray

    def index(self, origin: str) -> int:
        return self.origins.index(origin)


def origin_positions(months: list[str], origins: list[str] | None = None) -> list[int]:
    """Positions of the origins (default: every month with 13 months before and 12
    after); named origins without enough data are an error."""
    if origins is None:
        return list(range(FIRST_ORIGIN_INDEX, len(months) - HORIZON))
    pos = []
    for origin in origins:
        if origin not in months:
            raise ValueError(f"origin {origin} is not in the history months")
        i = months.index(origin)
        if i + HORIZON >= len(months) or i < FIRST_ORIGIN_INDEX:
            raise ValueError(f"origin {origin} needs at least 13 months before it and 12 after")
        pos.append(i)
    return pos


def error_paths(
    history: np.ndarray, months: list[str], method: str, origins: list[str] | None = None
) -> ErrorPaths:
    """Forecast ``method`` from every monthly origin (or ``origins``) and keep its errors."""
    arr = check_history(history, months)
    pos = origin_positions(months, origins)
    n = arr.shape[0]
    fc = np.full((len(pos), n, HORIZON, 4), np.nan)
    act = np.full_like(fc, np.nan)
    terc = np.full((len(pos), n, 4), -1)
    for j, i in enumerate(pos):
        fc[j] = forecast(arr[:, : i + 1], months[: i + 1], method, HORIZON)
        act[j] = arr[:, i + 1 : i + 1 + HORIZON]
        terc[j] = size_terciles(arr[:, : i + 1])
    errors = log_error(act, fc)
    complete = np.isfinite(fc).all(axis=2) & np.isfinite(act).all(axis=2)  # (o, n, 4)
    nat_f = np.where(complete[:, :, None, :], fc, 0.0).sum(axis=1)
    nat_a = np.where(complete[:, :, None, :], act, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        national = np.log(nat_a / nat_f)
        annual = np.log(nat_a.mean(axis=1) / nat_f.mean(axis=1))
    return ErrorPaths(method, [months[i] for i in pos], errors, terc, national, annual, fc, act)


def pooled_quantiles(
    errors: np.ndarray, terciles: np.ndarray, qs: tuple[float, ...] = BAND, *, centred: bool = True
) -> np.ndarray:
    """Empirical quantiles of council errors by attribution, size tercile and horizon.

    ``errors`` (o, n, 12, 4), ``terciles`` (o, n, 4); returns (len(qs), 3, 12, 4). A
    tercile with no errors gets the quantiles of all councils. ``centred`` (the
    published bands): each cell's quantiles less its median, so that the band's P50 is
    the point forecast itself (:func:`centre_errors`).
    """
    if centred:
        raw = pooled_quantiles(errors, terciles, (0.5, *qs), centred=False)
        return raw[1:] - raw[:1]
    out = np.zeros((len(qs), 3, errors.shape[2], errors.shape[3]))
    with quiet():
        for a in range(errors.shape[3]):
            everyone = errors[..., a].reshape(-1, errors.shape[2])
            if not np.isfinite(everyone).any():
                continue
            overall = np.nanquantile(everyone, qs, axis=0)
            for t in range(3):
                part = errors[..., a][terciles[..., a] == t]  # (count, 12)
                got = np.nanquantile(part, qs, axis=0) if np.isfinite(part).any() else overall
                out[:, t, :, a] = np.where(np.isfinite(got), got, overall)
    return out


def centre_errors(pool: np.ndarray) -> np.ndarray:
    """A pool of error paths (paths, 12) less its median at each horizon.

    The back-test errors of the years 2012-2017 have a positive median for small
    councils (delays rose; forecasts of small counts sit low on the log scale): left
    in, every council's median would drift above its point forecast and the council
    medians would add up to more than the national forecast. Centred, the median of the
    draws is the point forecast; the spread around it is the one measured.

    >>> centre_errors(np.array([[0.1, 0.0], [0.3, 0.2], [0.2, 0.4]])).round(6).tolist()
    [[-0.1, -0.2], [0.1, 0.0], [0.0, 0.2]]
    """
    if not len(pool):
        return pool
    return pool - np.median(pool, axis=0, keepdims=True)


def _band_limits(q: np.ndarray, f: np.ndarray, terciles: np.ndarray) -> tuple[np.ndarray, ...]:
    """Lower and upper limits for forecasts ``f`` (n, 12, 4) of councils in ``terciles``
    (n, 4), from quantiles ``q`` (2, 3, 12, 4)."""
    t = np.maximum(terciles, 0)  # (n, 4)
    a = np.arange(f.shape[2])[None, :]
    lo = q[0][t, :, a].transpose(0, 2, 1)  # (n, 12, 4)
    hi = q[1][t, :, a].transpose(0, 2, 1)
    return apply_error(f, lo), apply_error(f, hi)


def _apart(paths: ErrorPaths, origin: str) -> np.ndarray:
    """Origins whose 12 months do not overlap those of ``origin``."""
    j = paths.index(origin)
    return np.abs(np.arange(len(paths.origins)) - j) >= HORIZON


def _interval_score(lo: np.ndarray, hi: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    return (hi - lo) + (2 / alpha) * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))


def _old_bands(paths: ErrorPaths, keep: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    """0.2.0's bands at origin ``j``: per-council sd of e/sqrt(h) from the ``keep``
    origins, applied as forecast x exp(+-z sd sqrt(h))."""
    h = np.arange(1, HORIZON + 1)[None, None, :, None]
    scaled = paths.errors[keep] / np.sqrt(h)
    ok = np.isfinite(scaled)
    count = ok.sum(axis=(0, 2))
    total = np.where(ok, scaled * scaled, 0.0).sum(axis=(0, 2))
    sd = np.sqrt(np.divide(total, count, out=np.zeros_like(total), where=count > 0))
    sd = np.minimum(sd, _OLD_SD_CAP)[:, None, :]  # (n, 1, 4)
    f = paths.forecasts[j]
    step = _Z90 * sd * np.sqrt(h[0])
    return f * np.exp(-step), f * np.exp(step)


def band_scores(paths: ErrorPaths, origins: list[str], *, old: bool = False) -> pd.DataFrame:
    """Coverage and interval score of the P10-P90 bands at each reported origin.

    One row per origin, attribution (:data:`SCORED`), horizon group and tercile, with
    ``covered`` and ``n`` (council-months) and ``interval_score`` (summed; beds/day).
    ``old=True`` scores 0.2.0's bands instead of the empirical ones.
    """
    rows = []
    alpha = 1 - (BAND[1] - BAND[0])
    for origin in origins:
        j = paths.index(origin)
        keep = _apart(paths, origin)
        f, y = paths.forecasts[j], paths.actuals[j]
        if old:
            lo, hi = _old_bands(paths, keep, j)
        else:
            q = pooled_quantiles(paths.errors[keep], paths.terciles[keep])
            lo, hi = _band_limits(q, f, paths.terciles[j])
        ok = np.isfinite(f) & np.isfinite(y) & (paths.terciles[j] >= 0)[:, None, :]
        inside = (y >= lo) & (y <= hi)
        score = _interval_score(lo, hi, y, alpha)
        for attribution in SCORED:
            a = ATTRIBUTIONS.index(attribution)
            for g0, g1 in HORIZON_GROUPS:
                hs = slice(g0 - 1, g1)
                for t, tercile in enumerate(TERCILES):
                    m = ok[:, hs, a] & (paths.terciles[j][:, a] == t)[:, None]
                    rows.append(
                        {
                            "origin": origin,
                            "attribution": attribution,
                            "horizon": f"{g0}-{g1}",
                            "tercile": tercile,
                            "covered": int(inside[:, hs, a][m].sum()),
                            "n": int(m.sum()),
                            "interval_score": float(score[:, hs, a][m].sum()),
                        }
                    )
    return pd.DataFrame(rows)


def published_p50_wape(
    paths: ErrorPaths, origins: list[str], *, centred: bool = True
) -> pd.DataFrame:
    """Council WAPE of the published P50 at each reported origin, per scored attribution.

    The published P50 is the point forecast moved by the median of the error pool (from
    origins apart, as the bands): with ``centred`` pools (the published rule) that
    median is 0 and the P50 is the point forecast; ``centred=False`` gives the P50 the
    uncentred pool published before (its drift included).
    """
    rows = []
    for origin in origins:
        j = paths.index(origin)
        keep = _apart(paths, origin)
        q = pooled_quantiles(paths.errors[keep], paths.terciles[keep], (0.5, 0.5), centred=centred)
        p50, _ = _band_limits(q, paths.forecasts[j], paths.terciles[j])
        y = paths.actuals[j]
        ok = np.isfinite(paths.forecasts[j]).all(1) & np.isfinite(y).all(1)  # (n, 4)
        for attribution in SCORED:
            a = ATTRIBUTIONS.index(attribution)
            f, act = p50[ok[:, a], :, a], y[ok[:, a], :, a]
            rows.append(
                {
                    "origin": origin,
                    "attribution": attribution,
                    "council_wape": float(np.abs(f - act).sum() / np.abs(act).sum()),
                }
            )
    return pd.DataFrame(rows)


def conformal_level(pool_size: int, coverage: float = BAND[1] - BAND[0]) -> float:
    """Quantile level of split conformal prediction for ``pool_size`` exchangeable errors.

    National 12-month errors at monthly origins overlap, so the pool is counted in
    independent years (origins / 12): ⌈(n + 1)·coverage⌉ / n, at most 1.

    >>> conformal_level(60), conformal_level(120)
    (1.0, 0.9)
    """
    n = max(pool_size / HORIZON, 1.0)
    return float(min(1.0, np.ceil((n + 1) * coverage) / n))


def national_half_width(annual_errors: np.ndarray) -> float:
    """Half-width of the national P10-P90 band on the log scale: the conformal quantile
    of the absolute annual errors (symmetric: the direction of the next change is not
    known from a back-test in which delays mostly rose)."""
    pool = np.abs(annual_errors[np.isfinite(annual_errors)])
    if not len(pool):
        return 0.0
    return float(np.quantile(pool, conformal_level(len(pool))))


def national_band_hits(paths: ErrorPaths, origins: list[str]) -> pd.DataFrame:
    """Whether the national 12-month average fell inside its P10-P90 band, per origin.

    The band is the forecast times exp(± :func:`national_half_width`) of the annual log
    errors at origins whose 12 months do not overlap.
    """
    rows = []
    for origin in origins:
        j = paths.index(origin)
        keep = _apart(paths, origin)
        for attribution in SCORED:
            a = ATTRIBUTIONS.index(attribution)
            half = national_half_width(paths.national_annual[keep, a])
            err = paths.national_annual[j, a]
            rows.append(
                {
                    "origin": origin,
                    "attribution": attribution,
                    "error": float(err),
                    "band_low": -half,
                    "band_high": half,
                    "inside": bool(abs(err) <= half),
                }
            )
    return pd.DataFrame(rows)


def _seasonal_scale(series: np.ndarray) -> np.ndarray:
    """Mean absolute 12-month change along axis 1 (the MASE scale), NaN-aware."""
    diff = np.abs(series[:, SEASON:] - series[:, :-SEASON])
    with np.errstate(invalid="ignore"), quiet():
        return np.nanmean(diff, axis=1)


def score_forecast(
    forecast_: np.ndarray, actual: np.ndarray, history: np.ndarray
) -> dict[str, np.ndarray]:
    """Point scores of one forecast for each attribution (arrays of length 4).

    ``forecast_`` and ``actual`` are (councils, horizon, 4); ``history`` (councils,
    months, 4) is the data up to the origin, for the MASE scale (mean absolute change
    over 12 months). Councils count when forecast and actuals are complete.
    ``council_wape`` = Σ|F − A| / Σ|A| over councils and months; ``council_mase`` the
    mean over councils of MAE / own scale; ``national_wape``, ``national_mase`` and
    ``national_bias`` (forecast − actual, beds/day) on the sum of councils.
    """
    complete = np.isfinite(forecast_).all(axis=1) & np.isfinite(actual).all(axis=1)  # (n, 4)
    out: dict[str, np.ndarray] = {}
    f = np.where(complete[:, None, :], forecast_, 0.0)
    a = np.where(complete[:, None, :], actual, 0.0)
    nat_f, nat_a = f.sum(axis=0), a.sum(axis=0)  # (h, 4)
    nat_h = np.where(complete[:, None, :], fill_gaps(history), 0.0).sum(axis=0)
    err = nat_f - nat_a
    with np.errstate(divide="ignore", invalid="ignore"):
        out["council_wape"] = np.abs(f - a).sum(axis=(0, 1)) / np.abs(a).sum(axis=(0, 1))
        mae = np.where(complete, np.abs(forecast_ - actual).mean(axis=1), np.nan)
        c_scale = _seasonal_scale(history)
        with quiet():
            out["council_mase"] = np.nanmean(np.where(c_scale > 0, mae / c_scale, np.nan), 0)
        out["national_wape"] = np.abs(err).sum(axis=0) / np.abs(nat_a).sum(axis=0)
        scale = _seasonal_scale(nat_h.T[:, :, None])[:, 0]
        out["national_mase"] = np.where(scale > 0, np.abs(err).mean(axis=0) / scale, np.nan)
    out["national_bias"] = err.mean(axis=0)
    out["n_councils"] = complete.sum(axis=0).astype(float)
    return out


METRICS = ("council_wape", "council_mase", "national_wape", "national_mase", "national_bias")


def point_scores(
    paths: ErrorPaths, history: np.ndarray, months: list[str], origins: list[str]
) -> pd.DataFrame:
    """One row per reported origin and attribution with :data:`METRICS`."""
    rows = []
    for origin in origins:
        j, i = paths.index(origin), months.index(origin)
        scores = score_forecast(paths.forecasts[j], paths.actuals[j], history[:, : i + 1])
        for a, attribution in enumerate(ATTRIBUTIONS):
            row: dict[str, object] = {
                "method": paths.method,
                "origin": origin,
                "attribution": attribution,
            }
            row.update({k: float(v[a]) for k, v in scores.items()})
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class Backtest:
    """The whole back-test: point scores, band scores and national hits per method."""

    origins: list[str]
    points: pd.DataFrame  # method, origin, attribution, METRICS, n_councils
    bands: pd.DataFrame  # method, origin, attribution, horizon, tercile, covered, n, score
    national: pd.DataFrame  # method, origin, attribution, error, band_low/high, inside
    paths: dict[str, ErrorPaths]


def reported_origins(months: list[str], origins: list[str] | None = None) -> list[str]:
    wanted = DEFAULT_ORIGINS if origins is None else origins
    usable = {months[i] for i in origin_positions(months)}
    if origins is not None:
        missing = [o for o in wanted if o not in usable]
        if missing:
            raise ValueError(f"origin(s) {', '.join(missing)} need 13 months before and 12 after")
    return [o for o in wanted if o in usable]


def run_backtest(
    history: np.ndarray,
    months: list[str],
    *,
    methods: tuple[str, ...] = METHODS,
    origins: list[str] | None = None,
    bands_for: tuple[str, ...] | None = None,
) -> Backtest:
    """Back-test every method at the reported origins: point scores for all, bands
    (which need every monthly origin) for ``bands_for`` (default: all)."""
    arr = check_history(history, months)
    used = reported_origins(months, origins)
    full = methods if bands_for is None else bands_for
    paths = {m: error_paths(arr, months, m) for m in full}
    points, bands, national = [], [], []
    for method in methods:
        point_paths = paths[method] if method in paths else error_paths(arr, months, method, used)
        points.append(point_scores(point_paths, arr, months, used))
    for method, p in paths.items():
        bands.append(band_scores(p, used).assign(method=method))
        national.append(national_band_hits(p, used).assign(method=method))
    if "persistence" in paths and used:
        bands.append(band_scores(paths["persistence"], used, old=True).assign(method="0.2.0"))
    cols = ["method", "origin", "attribution", *METRICS, "n_councils"]
    pts = pd.concat(points, ignore_index=True) if used else pd.DataFrame(columns=cols)
    if used:
        pts["n_councils"] = pts["n_councils"].astype(int)
    return Backtest(
        used,
        pts,
        pd.concat(bands, ignore_index=True) if used and bands else pd.DataFrame(),
        pd.concat(national, ignore_index=True) if used and national else pd.DataFrame(),
        paths,
    )


def summarise_points(table: pd.DataFrame, attribution: str = AUTO_ATTRIBUTION) -> pd.DataFrame:
    """Mean of each metric over origins, one row per method, ranked by :data:`AUTO_METRIC`."""
    part = table[table["attribution"] == attribution]
    summary = part.groupby("method", sort=False)[list(METRICS)].mean()
    summary["origins"] = part.groupby("method", sort=False)["origin"].nunique()
    order = {m: i for i, m in enumerate(METHODS)}
    summary = summary.reset_index()
    summary["tie"] = summary["method"].map(order)
    summary = summary.sort_values(
        [AUTO_METRIC, "tie"], kind="stable", key=lambda s: s.fillna(np.inf)
    ).drop(columns="tie")
    summary.insert(1, "rank", np.arange(1, len(summary) + 1))
    return summary.reset_index(drop=True)


def coverage_table(bands: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """P10-P90 coverage (share of council-months inside) and mean interval score."""
    g = bands.groupby(["method", *by], sort=False)[["covered", "n", "interval_score"]].sum()
    g["coverage"] = g["covered"] / g["n"]
    g["interval_score"] = g["interval_score"] / g["n"]
    return g.reset_index()


def best_method(table: pd.DataFrame, attribution: str = AUTO_ATTRIBUTION) -> str:
    """The method with the lowest mean :data:`AUTO_METRIC` over origins."""
    summary = summarise_points(table, attribution)
    if summary.empty or not np.isfinite(summary[AUTO_METRIC].iloc[0]):
        return FALLBACK_METHOD
    return str(summary["method"].iloc[0])
