"""Uncertainty of the 2018/19 projection: parameter distributions, forecast noise and a
seeded Monte Carlo.

- **Parameters**: each uncertain response parameter has a scipy.stats frozen
  distribution centred on the scenario's value (:func:`parameter_distributions`).
- **Forecast noise**: log-scale errors of the chosen forecasting method at the back-test
  origins give each council's noise and a national common shock
  (:func:`estimate_noise`); noise grows like a random walk with the horizon.
- **Monte Carlo** (:func:`run_monte_carlo`): ``numpy.random.default_rng(seed)``, the same
  seed gives identical numbers. Vectorised over draws and councils: national figures use
  every draw; council bands use the first :data:`COUNCIL_BAND_DRAWS` draws with
  antithetic noise, so that with no money moved the council median is the baseline
  exactly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulator.projection import (
    ATTRIBUTIONS,
    PROJECTION_MONTHS,
    PreparedBaseline,
    ProjectionParams,
    ProjectionResult,
    affected_by_attribution,
    affected_parts,
    ambition_met,
    apply_effect,
    backtest_forecasts,
    days_bought,
    days_in_month,
    effect_share,
    net_discharge_spend,
)

log = logging.getLogger(__name__)

QUANTILES = (0.1, 0.5, 0.9)
# Council bands use at most this many draws (odd: one zero-noise draw and antithetic
# pairs). Their P10/P90 carry a sampling error of about 5% of the noise sd.
COUNCIL_BAND_DRAWS = 1001
# Log errors use an offset of half a delayed bed a day, so councils with almost no
# delays do not get enormous relative noise; each council's noise sd is capped.
NOISE_OFFSET_BEDS = 0.5
NOISE_SD_CAP = 1.0


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Spread:
    """How a parameter's uncertainty is described around its scenario value."""

    family: str  # "lognormal" (s = log sd) or "beta" (concentration = a + b)
    size: float
    rationale: str


SPREADS: dict[str, Spread] = {
    "unit_cost_gbp_per_day": Spread(
        "lognormal",
        0.3,
        "Mix of care settings unknown: P10-P90 about 0.68x to 1.47x the value",
    ),
    "share_reaching_delayed": Spread(
        "beta",
        12.0,
        "Targeting of discharge spending unknown: sd about 0.14 at 0.5",
    ),
    "additionality": Spread(
        "beta",
        40.0,
        "32.3% is a national average of self-reported use; councils differ: sd about 0.07",
    ),
    "withheld_response": Spread(
        "beta",
        20.0,
        "Which services a council cuts is unknown: sd about 0.10 at 0.323",
    ),
    "received_response": Spread(
        "beta",
        20.0,
        "How unconditioned money is spent is unknown: sd about 0.10 at 0.323",
    ),
    "response_k": Spread(
        "lognormal",
        0.7,
        "How much of the 2017/18 fall the money caused is unknown: P10-P90 about 0.41x "
        "to 2.45x the value (0.02 to 0.12 at 0.05: from the NHS-controlled calibration "
        "to the upper bound)",
    ),
    "both_share_affected": Spread(
        "beta",
        6.0,
        "No evidence on jointly attributed delays: sd about 0.19 at 0.5",
    ),
}
UNCERTAIN = tuple(SPREADS)
# Parameters with no distribution, and the range used for them in the tornado.
STATED_RANGES = {
    "incentive_effect_pct": "value ± 5 percentage points (no evidence on the size)",
    "excess_bed_day_cost_gbp": "NAO 2016 implied £304 to reference costs £313 (and the value)",
}


@dataclass(frozen=True)
class ParameterDistribution:
    """A parameter's distribution: a scipy.stats frozen distribution and why."""

    name: str
    distribution: Any  # scipy.stats frozen distribution
    rationale: str

    def interval(self, low: float = 0.1, high: float = 0.9) -> tuple[float, float]:
        return float(self.distribution.ppf(low)), float(self.distribution.ppf(high))


def _frozen(spread: Spread, value: float) -> Any | None:
    if spread.family == "lognormal":
        return stats.lognorm(s=spread.size, scale=value) if value > 0 else None
    if spread.family == "beta":
        if not 0.0 < value < 1.0:
            return None
        return stats.beta(value * spread.size, (1.0 - value) * spread.size)
    raise ValueError(f"unknown family {spread.family!r}")


def parameter_distributions(params: ProjectionParams) -> dict[str, ParameterDistribution]:
    """Frozen distributions of the uncertain parameters, centred on ``params``.

    Lognormal parameters have their median at the value; beta parameters their mean.
    A value on the edge of its range (a share of 0 or 1, a zero) is held fixed.

    >>> d = parameter_distributions(ProjectionParams())
    >>> round(float(d["additionality"].distribution.mean()), 3)
    0.677
    """
    out = {}
    for name, spread in SPREADS.items():
        dist = _frozen(spread, float(getattr(params, name)))
        if dist is not None:
            out[name] = ParameterDistribution(name, dist, spread.rationale)
    return out


def sensitivity_ranges(params: ProjectionParams) -> dict[str, tuple[float, float]]:
    """Low and high value of each numeric response parameter for the tornado.

    P10 and P90 of the distribution where there is one; otherwise the stated range
    (:data:`STATED_RANGES`); a parameter held fixed has low = high = value.
    """
    dists = parameter_distributions(params)
    out: dict[str, tuple[float, float]] = {}
    for name in UNCERTAIN:
        value = float(getattr(params, name))
        out[name] = dists[name].interval() if name in dists else (value, value)
    inc = params.incentive_effect_pct
    out["incentive_effect_pct"] = (max(0.0, inc - 5.0), min(50.0, inc + 5.0))
    cost = params.excess_bed_day_cost_gbp
    out["excess_bed_day_cost_gbp"] = (min(304.0, cost), max(313.0, cost))
    return out


def draw_parameters(
    params: ProjectionParams, draws: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``draws`` values of each response parameter (fixed ones repeated), in a fixed order."""
    dists = parameter_distributions(params)
    out = {}
    for name in UNCERTAIN:
        if name in dists:
            out[name] = np.asarray(dists[name].distribution.rvs(size=draws, random_state=rng))
        else:
            out[name] = np.full(draws, float(getattr(params, name)))
    return out


def central_parameters(params: ProjectionParams) -> dict[str, np.ndarray]:
    """The scenario's own values, as one-draw arrays."""
    return {name: np.array([float(getattr(params, name))]) for name in UNCERTAIN}


# --------------------------------------------------------------------------- noise
@dataclass(frozen=True, eq=False)
class NoiseModel:
    """Forecast noise on the log scale, per square root of months ahead.

    ``council_sd`` (councils, 4): each council's own error sd per attribution (used for
    council bands). ``national_sd``: sd of the national total's error (the common shock).
    ``idiosyncratic_sd`` (councils,): the council total's error net of the national one.
    """

    method: str
    origins: list[str]
    council_sd: np.ndarray
    national_sd: float
    idiosyncratic_sd: np.ndarray


def _log_error(actual: np.ndarray, fitted: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log((actual + NOISE_OFFSET_BEDS) / (fitted + NOISE_OFFSET_BEDS))


def _rms(x: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
    ok = np.isfinite(x)
    count = ok.sum(axis=axis)
    total = np.where(ok, x * x, 0.0).sum(axis=axis)
    return np.sqrt(np.divide(total, count, out=np.zeros_like(total), where=count > 0))


def estimate_noise(
    history: np.ndarray, months: list[str], method: str, origins: list[str] | None = None
) -> NoiseModel:
    """Forecast noise from the chosen method's back-test errors, on the log scale.

    Error e = log((actual + 0.5) / (forecast + 0.5)) at each origin and horizon h; the
    variance is taken to grow in proportion to h, so sd per sqrt(month) is
    sqrt(mean(e² / h)). The national error is that of the sum of councils. When the
    history is too short to back-test, month-to-month log changes are used instead.
    """
    arr = np.asarray(history, dtype=float)
    used, fc, act = backtest_forecasts(arr, months, method, origins)
    valid = ~np.isnan(arr[:, :, 3]).all(axis=1)
    if used:
        err = _log_error(act, fc)  # (o, n, h, 4)
        h = np.arange(1, fc.shape[2] + 1)[None, None, :, None]
        scaled = err / np.sqrt(h)
        council_sd = _rms(scaled, (0, 2))
        complete = np.isfinite(fc[..., 3]).all(axis=(0, 2)) & np.isfinite(act[..., 3]).all(
            axis=(0, 2)
        )
        nat_err = _log_error(act[..., 3][:, complete].sum(1), fc[..., 3][:, complete].sum(1))
        nat_scaled = nat_err / np.sqrt(h[0, 0, :, 0])[None, :]
        national_sd = float(_rms(nat_scaled, (0, 1)))
        idio = _rms(scaled[..., 3] - nat_scaled[:, None, :], (0, 2))
    else:
        y = arr[:, -25:]
        step = _log_error(y[:, 1:], y[:, :-1])
        council_sd = _rms(step, (1,))
        nat = np.nansum(np.where(valid[:, None, None], y, 0.0), axis=0)[:, 3]
        nat_step = _log_error(nat[1:], nat[:-1])
        national_sd = float(_rms(nat_step, (0,)))
        idio = _rms(step[..., 3] - nat_step[None, :], (1,))
        log.info("history too short to back-test: noise from month-to-month changes")
    council_sd = np.where(valid[:, None], np.minimum(council_sd, NOISE_SD_CAP), 0.0)
    idio = np.where(valid, np.minimum(idio, NOISE_SD_CAP), 0.0)
    return NoiseModel(method, used, council_sd, min(national_sd, NOISE_SD_CAP), idio)


# --------------------------------------------------------------------------- Monte Carlo
def _quantiles(values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles along the last axis (numpy's default 'linear' rule) by partial sorting.

    Returns the quantiles on the first axis of the result.

    >>> _quantiles(np.array([[3.0, 1.0, 2.0, 5.0, 4.0]]), (0.1, 0.5, 0.9)).tolist()
    [[1.4], [3.0], [4.6]]
    """
    count = values.shape[-1]
    pos = np.asarray(qs) * (count - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, count - 1)
    part = np.partition(values, sorted(set(lo.tolist()) | set(hi.tolist())), axis=-1)
    out = []
    for p, i, j in zip(pos, lo, hi, strict=True):
        a, b = part[..., i], part[..., j]
        out.append(a if p == i else a + (b - a) * (p - i))
    return np.stack(out)


@dataclass(frozen=True, eq=False)
class _Inputs:
    valid: np.ndarray  # (n,) councils with a baseline
    sc_days: np.ndarray  # (n,) social care delayed days over the year
    both_days: np.ndarray
    sc: np.ndarray  # (n, 12) beds/day, NaN -> 0
    both: np.ndarray
    total: np.ndarray
    days: np.ndarray  # (12,)


def _inputs(baseline: np.ndarray) -> _Inputs:
    days = days_in_month(PROJECTION_MONTHS)
    valid = np.isfinite(baseline).all(axis=(1, 2))
    sc, both = affected_parts(baseline)
    sc = np.where(valid[:, None], sc, 0.0)
    both = np.where(valid[:, None], both, 0.0)
    total = np.where(valid[:, None], np.maximum(baseline[..., 3], 0.0), 0.0)
    return _Inputs(valid, sc @ days, both @ days, sc, both, total, days)


def _effect(
    inp: _Inputs,
    p: dict[str, np.ndarray],
    money: tuple[np.ndarray, np.ndarray, np.ndarray],
    incentive: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per draw and council: share removed g, days bought x, capacity D (draws, n)."""
    col = {k: v[:, None] for k, v in p.items()}
    spend = net_discharge_spend(
        money[0][None, :],
        money[1][None, :],
        money[2][None, :],
        additionality=col["additionality"],
        withheld_response=col["withheld_response"],
        received_response=col["received_response"],
    )
    x = days_bought(
        spend, share=col["share_reaching_delayed"], unit_cost=col["unit_cost_gbp_per_day"]
    )
    cap = inp.sc_days[None, :] + col["both_share_affected"] * inp.both_days[None, :]
    g = effect_share(x, cap, col["response_k"], incentive[None, :])
    g = np.where(inp.valid[None, :], g, 0.0)
    return g, x, cap


def run_monte_carlo(
    prepared: PreparedBaseline,
    *,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
    params: ProjectionParams,
) -> ProjectionResult:
    """Seeded Monte Carlo of the 2018/19 projection (``params.draws`` draws).

    Per draw d: parameters θ_d; share removed g_{d,i} per council (:func:`_effect`);
    national total S_{d,h} = exp(C_{d,h})·(B_h − Σ_i g_{d,i}·a_{d,i,h}) + I_{d,h}, where C is
    the common shock (a random walk, sd ``national_sd``·√h) and I the sum of council
    idiosyncratic noise (normal, its covariance from ``idiosyncratic_sd``), shared by
    baseline and scenario. Council bands: quantiles of exp(s_i·W)·(b − g·a) over the first
    :data:`COUNCIL_BAND_DRAWS` draws, W a standard random walk with antithetic pairs.
    ``draws = 0`` gives the central projection with p10 = p50 = p90.
    """
    b = prepared.baseline
    n = b.shape[0]
    money = (
        _money_array("conditioned", conditioned, n),
        _money_array("withheld", withheld, n),
        _money_array("received", received, n),
    )
    rev = np.asarray(reviewed, dtype=bool)
    if rev.shape != (n,):
        raise ValueError(f"reviewed must have one value per council ({n})")
    incentive = np.where(rev, params.incentive_effect_pct / 100.0, 0.0)
    inp = _inputs(b)
    lost = ~inp.valid & ((money[0] + money[1] + money[2]) > 0)
    if lost.any():
        log.info("%d council(s) with money but no DToC baseline: no effect projected", lost.sum())

    g0, x0, _ = _effect(inp, central_parameters(params), money, incentive)
    theta0 = params.both_share_affected
    ambition_beds = params.ambition_rate_per_100k * prepared.adults_total / 100_000.0
    draws = int(params.draws)

    if draws == 0:
        a0 = affected_by_attribution(b, theta0)
        scen = apply_effect(b, a0, g0[0])
        nat_base = inp.total.sum(axis=0)[None, :]
        freed = g0 @ (inp.sc + theta0 * inp.both)  # (1, 12)
        nat_scen = np.maximum(nat_base - freed, 0.0)
        beds = freed @ inp.days / inp.days.sum()
        bands = (scen, scen, scen)
        nat_base_q = np.repeat(nat_base, 3, axis=0)
        nat_q = np.repeat(nat_scen, 3, axis=0)
        prob = float(ambition_met(nat_scen, inp.days, ambition_beds, params.ambition_basis)[0])
        beds_q = np.repeat(beds, 3)
        national_draws = np.empty(0)
    else:
        rng = np.random.default_rng(params.seed)
        p = draw_parameters(params, draws, rng)
        g, _, _ = _effect(inp, p, money, incentive)
        theta = p["both_share_affected"]
        scale = params.forecast_noise_scale
        noise = prepared.noise
        horizon = np.arange(1, len(inp.days) + 1)
        z_common = rng.standard_normal((draws, len(inp.days)))
        z_idio = rng.standard_normal((draws, len(inp.days)))
        if isinstance(noise, NoiseModel) and scale > 0:
            common = np.cumsum(z_common, axis=1) * (noise.national_sd * scale)
            w = inp.total * noise.idiosyncratic_sd[:, None] * scale  # (n, 12)
            cov = (w.T @ w) * np.minimum.outer(horizon, horizon)
            chol = np.linalg.cholesky(cov + 1e-9 * np.eye(len(horizon)))
            idio = z_idio @ chol.T
            shock = np.exp(common)
        else:
            if scale > 0:
                log.info("no forecast noise estimated: bands show parameter uncertainty only")
            shock = np.ones((draws, len(inp.days)))
            idio = np.zeros((draws, len(inp.days)))
        freed = shock * ((g @ inp.sc) + theta[:, None] * (g @ inp.both))  # (draws, 12)
        nat_base = np.maximum(shock * inp.total.sum(axis=0)[None, :] + idio, 0.0)
        nat_scen = np.maximum(nat_base - freed, 0.0)
        national_draws = freed @ inp.days / inp.days.sum()
        beds_q = np.quantile(national_draws, QUANTILES)
        nat_q = np.quantile(nat_scen, QUANTILES, axis=0)
        nat_base_q = np.quantile(nat_base, QUANTILES, axis=0)
        prob = float(ambition_met(nat_scen, inp.days, ambition_beds, params.ambition_basis).mean())
        bands = _council_bands(b, inp, g, theta, noise, scale, rng)

    days_avoided = float(beds_q[1] * inp.days.sum())
    national_path = pd.DataFrame(
        {
            "month": PROJECTION_MONTHS,
            "baseline": nat_base_q[1],
            "baseline_p10": nat_base_q[0],
            "baseline_p90": nat_base_q[2],
            "p10": nat_q[0],
            "p50": nat_q[1],
            "p90": nat_q[2],
            "ambition": np.full(len(PROJECTION_MONTHS), ambition_beds),
        }
    )
    cap_total = inp.sc_days + theta0 * inp.both_days
    return ProjectionResult(
        months=list(PROJECTION_MONTHS),
        baseline_p50=b.copy(),
        scenario_p10=bands[0],
        scenario_p50=bands[1],
        scenario_p90=bands[2],
        beds_freed={q: float(v) for q, v in zip(("p10", "p50", "p90"), beds_q, strict=True)},
        delayed_days_avoided=days_avoided,
        nhs_value_gbp=days_avoided * params.excess_bed_day_cost_gbp,
        probability_ambition_met=prob,
        seed=int(params.seed),
        draws=draws,
        method=prepared.method,
        national_draws=national_draws,
        national_path=national_path,
        effect_share=np.where(inp.valid, g0[0], np.nan),
        days_bought=x0[0],
        affected_days=np.where(inp.valid, cap_total, np.nan),
        ambition_beds=ambition_beds,
        ambition_basis=params.ambition_basis,
        backtest=prepared.backtest,
    )


def _band_draws(draws: int) -> int:
    """Draws used for council bands: odd, and 10k + 1 when possible so that P10, P50
    and P90 fall exactly on order statistics.

    >>> [_band_draws(d) for d in (1, 2, 9, 10, 11, 50, 2000)]
    [1, 1, 9, 9, 11, 41, 1001]
    """
    q = min(draws, COUNCIL_BAND_DRAWS)
    if q >= 11:
        return (q - 1) // 10 * 10 + 1
    return q - (1 - q % 2)


def _council_bands(
    b: np.ndarray,
    inp: _Inputs,
    g: np.ndarray,
    theta: np.ndarray,
    noise: object | None,
    scale: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P10, P50, P90 per council, month and attribution over the first draws.

    Draws sit on the last axis so that the partial sort runs over contiguous memory.
    The NHS basis is untouched by money, so its bands scale the noise quantiles.
    """
    n, h, _ = b.shape
    q = _band_draws(g.shape[0])
    half = (q - 1) // 2
    walk = np.empty((n, h, q))
    walk[..., 0] = 0.0
    np.cumsum(rng.standard_normal((n, h, half)), axis=1, out=walk[..., 1 : half + 1])
    np.negative(walk[..., 1 : half + 1], out=walk[..., half + 1 :])
    sd = noise.council_sd * scale if isinstance(noise, NoiseModel) else np.zeros((n, 4))
    gq = np.ascontiguousarray(g[:q].T)[:, None, :]  # (n, 1, q)
    joint = inp.sc[..., None] + theta[None, None, :q] * inp.both[..., None]  # (n, h, q)
    out = np.empty((3, n, h, len(ATTRIBUTIONS)))
    values = np.empty((n, h, q))
    factor = np.empty((n, h, q))
    exact = all(float(x * (q - 1)).is_integer() for x in QUANTILES)
    walk_q = _quantiles(walk, QUANTILES) if exact else None
    for j in range(len(ATTRIBUTIONS)):
        base = b[:, :, j, None]
        if j == 2 and walk_q is not None:
            # order statistics commute with the increasing map w -> base·exp(sd·w)
            out[:, :, :, j] = base[None, ..., 0] * np.exp(walk_q * sd[None, :, None, j])
            continue
        cap = np.maximum(base, 0.0)
        aff = np.minimum(inp.sc[..., None], cap) if j == 0 else np.minimum(joint, cap)
        if j == 2:
            aff = np.zeros_like(aff)
        np.multiply(gq, aff, out=values)
        np.subtract(base, values, out=values)
        np.maximum(values, 0.0, out=values)
        if sd[:, j].any():
            np.multiply(walk, sd[:, None, None, j], out=factor)
            np.exp(factor, out=factor)
            values *= factor
        out[:, :, :, j] = _quantiles(values, QUANTILES)
    return out[0], out[1], out[2]


def _money_array(name: str, value: np.ndarray, n: int) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one value per council ({n}), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    if (arr < 0).any():
        raise ValueError(f"{name} must not be negative")
    return arr
