"""The projection's entry point: :func:`prepare_baseline`, :func:`project`,
:func:`tornado` and the one cache of prepared baselines (keyed on a hash of the data,
guarded by a lock, so app sessions on several threads share it safely). Import them
from :mod:`simulator.projection`."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

from simulator.projection.backtest import (
    AUTO_ATTRIBUTION,
    AUTO_METRIC,
    FALLBACK_METHOD,
    Backtest,
    best_method,
    run_backtest,
)
from simulator.projection.evidence import evidence_set
from simulator.projection.forecast import (
    METHODS,
    baseline_forecast,
    check_history,
)
from simulator.projection.montecarlo import SPREADS, parameter_distributions, run_monte_carlo
from simulator.projection.noise import estimate_noise
from simulator.projection.result import PreparedBaseline, ProjectionResult
from simulator.schema.parameters import parameters
from simulator.schema.projection import ProjectionParams

log = logging.getLogger(__name__)


class _Cache:
    """A small least-recently-used cache guarded by a lock."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get_or_make(self, key: tuple[object, ...], make):  # type: ignore[no-untyped-def]
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_CACHE = _Cache(8)


def data_key(history: np.ndarray, months: list[str], *arrays: np.ndarray) -> str:
    """Hash of the inputs a prepared baseline depends on."""
    h = hashlib.sha1()
    for a in (history, *arrays):
        arr = np.ascontiguousarray(np.asarray(a, dtype=float))
        h.update(str(arr.shape).encode())
        h.update(arr.tobytes())
    h.update("|".join(months).encode())
    return h.hexdigest()


def cached_backtest(
    history: np.ndarray, months: list[str], bands_for: tuple[str, ...] | None = None
) -> Backtest:
    """The rolling-origin back-test of every method on ``history`` (cached); band
    scores for ``bands_for`` only (default: every method, as ``ibcf backtest``)."""
    arr = check_history(history, months)
    key = ("backtest", data_key(arr, months), bands_for)
    return _CACHE.get_or_make(key, lambda: run_backtest(arr, months, bands_for=bands_for))


def resolve_method(history: np.ndarray, months: list[str], method: str) -> tuple[str, Backtest]:
    """The method to use (``auto``: the back-test's best point score) and a back-test
    with that method's error paths (for its bands)."""
    if method != "auto":
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        return method, cached_backtest(history, months, bands_for=(method,))
    scores = cached_backtest(history, months, bands_for=())
    if scores.points.empty:
        log.info("history too short to back-test; using %s", FALLBACK_METHOD)
        return FALLBACK_METHOD, scores
    chosen = best_method(scores.points)
    log.info("auto method: %s (lowest mean %s on %s)", chosen, AUTO_METRIC, AUTO_ATTRIBUTION)
    return chosen, cached_backtest(history, months, bands_for=(chosen,))


def prepare_baseline(
    history: np.ndarray,
    months: list[str],
    adults: np.ndarray,
    params: ProjectionParams,
    *,
    status_quo_change: np.ndarray | None = None,
    with_noise: bool = True,
) -> PreparedBaseline:
    """Resolve the method, forecast the statistical baseline and estimate the noise.

    ``status_quo_change`` (£ per council) is the status-quo iBCF change from 2017/18 to
    2018/19 (:func:`status_quo_change_gbp`); none: no change. The result can be reused
    by :func:`project` and :func:`tornado` for any scenario on the same data and method.
    """
    arr = check_history(history, months)
    adults = np.asarray(adults, dtype=float)
    if adults.shape != (arr.shape[0],):
        raise ValueError(f"adults must have one value per council ({arr.shape[0]})")
    sq = (
        np.zeros(arr.shape[0])
        if status_quo_change is None
        else np.asarray(status_quo_change, float)
    )
    key = ("prepared", data_key(arr, months, adults, sq), params.method, with_noise)

    def make() -> PreparedBaseline:
        method, table = resolve_method(arr, months, params.method)
        noise = None
        if with_noise and method in table.paths:
            noise = estimate_noise(table.paths[method], arr)
        return PreparedBaseline(
            method=method,
            baseline=baseline_forecast(arr, months, method),
            adults_total=float(np.nansum(adults)),
            backtest=table,
            noise=noise,
            status_quo_change=sq,
        )

    return _CACHE.get_or_make(key, make)


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
    status_quo_change: np.ndarray | None = None,
    prepared: PreparedBaseline | None = None,
) -> ProjectionResult:
    """Project 2018/19 delays under a scenario's money, with uncertainty.

    ``history`` (councils, months, 4) delayed beds/day; ``adults`` 18+ per council;
    ``conditioned``, ``withheld``, ``received`` £ per council for 2018/19; ``reviewed``
    councils selected by the scenario (for the incentive effect). No money moved and no
    incentive give no beds freed.
    """
    prep = prepared or prepare_baseline(
        history, months, adults, params, status_quo_change=status_quo_change
    )
    return run_monte_carlo(
        prep,
        conditioned=conditioned,
        withheld=withheld,
        received=received,
        reviewed=reviewed,
        params=params,
    )


def sensitivity_ranges(params: ProjectionParams) -> dict[str, tuple[float, float]]:
    """Low and high value of each parameter the tornado moves (P10 and P90 of its
    distribution, or a stated range; θ from the evidence set)."""
    dists = parameter_distributions(params)
    out: dict[str, tuple[float, float]] = {}
    out["theta"] = evidence_set(params.evidence_set).interval()
    for name in (*SPREADS, "lag_months"):
        value = float(getattr(params, name))
        out[name] = (
            (float(dists[name].ppf(0.1)), float(dists[name].ppf(0.9)))
            if name in dists
            else (value, value)
        )
    inc = params.incentive_effect_pct
    out["incentive_effect_pct"] = (max(0.0, inc - 5.0), min(50.0, inc + 5.0))
    cost = params.excess_bed_day_cost_gbp
    out["excess_bed_day_cost_gbp"] = (min(304.0, cost), max(313.0, cost))
    return out


def tornado(
    history: np.ndarray,
    months: list[str],
    adults: np.ndarray,
    *,
    params: ProjectionParams,
    status_quo_change: np.ndarray | None = None,
    prepared: PreparedBaseline | None = None,
    **money: np.ndarray,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of beds freed (and the notional NHS value).

    ``money``: ``conditioned``, ``withheld``, ``received`` and ``reviewed``, as for
    :func:`project`. Each parameter in turn at its low and high value, the others at the
    scenario's, central projection (no Monte Carlo). Rows sorted by swing, largest first.
    """
    prep = prepared or prepare_baseline(
        history, months, adults, params, status_quo_change=status_quo_change, with_noise=False
    )
    central = params.model_copy(update={"draws": 0})

    def run(p: ProjectionParams, theta: float | None = None) -> ProjectionResult:
        return run_monte_carlo(prep, params=p, theta=theta, **money)

    base = run(central)
    rows = []
    for name, (low, high) in sensitivity_ranges(params).items():
        if name == "theta":
            lo, hi = run(central, low), run(central, high)
            description = f"θ, {evidence_set(params.evidence_set).reading} (P10-P90)"
            unit, value = "delayed days avoided per £1m", evidence_set(params.evidence_set).median()
        else:
            lo = run(central.model_copy(update={name: low}))
            hi = run(central.model_copy(update={name: high}))
            record = parameters(ProjectionParams)[name]
            description, unit, value = record.description, record.unit, float(getattr(params, name))
        rows.append(
            {
                "parameter": name,
                "description": description,
                "unit": unit,
                "value": value,
                "low": float(low),
                "high": float(high),
                "beds_freed_base": base.beds_freed["p50"],
                "beds_freed_low": lo.beds_freed["p50"],
                "beds_freed_high": hi.beds_freed["p50"],
                "nhs_value_low": lo.nhs_value_gbp["notional"],
                "nhs_value_high": hi.nhs_value_gbp["notional"],
            }
        )
    table = pd.DataFrame(rows)
    table["swing"] = (table["beds_freed_high"] - table["beds_freed_low"]).abs()
    table["nhs_value_swing"] = (table["nhs_value_high"] - table["nhs_value_low"]).abs()
    return table.sort_values(
        ["swing", "nhs_value_swing"], ascending=False, kind="stable"
    ).reset_index(drop=True)
