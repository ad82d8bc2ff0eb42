"""Seeded Monte Carlo of the 2018/19 projection, evidence and forecast noise kept apart.

Per draw d: θ_d from the evidence set; the discharge share s_d, the price share p_d,
the share of 'both' delays β_d (beta distributions around the scenario's values) and
the lag L_d (uniform between half and one and a half times the scenario's lag). Per
council the status-quo money change and the scenario's money go through the same
response; the scenario's effect is what it adds on top of the status quo. National
forecast noise multiplies the national path; council bands add resampled council
error paths (:mod:`simulator.projection.noise`). ``numpy.random.default_rng(seed)``:
the same seed gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulator.projection.backtest import apply_error
from simulator.projection.evidence import evidence_set, evidence_sets
from simulator.projection.forecast import (
    ATTRIBUTIONS,
    LOG_OFFSET_BEDS,
    PROJECTION_MONTHS,
)
from simulator.projection.response import (
    affected_by_attribution,
    affected_parts,
    care_bought_gbpm,
    lag_ramp,
    scenario_shares,
)
from simulator.projection.result import PreparedBaseline, ProjectionResult, ambition_met
from simulator.schema.calendar import days_in_months
from simulator.schema.parameters import Spread, parameters
from simulator.schema.projection import ProjectionParams

QUANTILES = (0.1, 0.5, 0.9)
# Council bands use at most this many draws (10k + 1 so P10/P50/P90 are order statistics).
COUNCIL_BAND_DRAWS = 1001


# The parameters drawn from a beta distribution, in field order (the order of the
# draws): each parameter's record declares its spread (simulator/schema/projection.py).
SPREADS: dict[str, Spread] = {
    name: record.spread
    for name, record in parameters(ProjectionParams).items()
    if record.spread is not None
}


def _beta(spread: Spread, value: float) -> Any | None:
    x = value / spread.upper
    if not 0.0 < x < 1.0:
        return None
    return stats.beta(x * spread.concentration, (1 - x) * spread.concentration, scale=spread.upper)


def parameter_distributions(params: ProjectionParams) -> dict[str, Any]:
    """Frozen scipy distributions of the drawn parameters (θ from the evidence set)."""
    out: dict[str, Any] = {}
    theta = evidence_set(params.evidence_set).distribution()
    if theta is not None:
        out["theta"] = theta
    for name, spread in SPREADS.items():
        dist = _beta(spread, float(getattr(params, name)))
        if dist is not None:
            out[name] = dist
    if params.lag_months > 0:
        out["lag_months"] = stats.uniform(loc=0.5 * params.lag_months, scale=params.lag_months)
    return out


def central_values(params: ProjectionParams) -> dict[str, float]:
    """Central values: θ's median and the scenario's own values."""
    out = {name: float(getattr(params, name)) for name in (*SPREADS, "lag_months")}
    out["theta"] = evidence_set(params.evidence_set).median()
    return out


def draw_parameters(
    params: ProjectionParams, draws: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``draws`` values of each drawn parameter (fixed ones repeated), in a fixed order."""
    out = {"theta": evidence_set(params.evidence_set).draw(draws, rng)}
    dists = parameter_distributions(params)
    for name in (*SPREADS, "lag_months"):
        if name in dists:
            out[name] = np.asarray(dists[name].rvs(size=draws, random_state=rng), dtype=float)
        else:
            out[name] = np.full(draws, float(getattr(params, name)))
    return out


@dataclass(frozen=True, eq=False)
class _Inputs:
    valid: np.ndarray  # (n,)
    sc: np.ndarray  # (n, 12) beds/day, NaN -> 0
    both: np.ndarray
    total: np.ndarray
    days: np.ndarray  # (12,)


def _inputs(baseline: np.ndarray) -> _Inputs:
    valid = np.isfinite(baseline).all(axis=(1, 2))
    sc, both = affected_parts(baseline)
    z = valid[:, None]
    return _Inputs(
        valid,
        np.where(z, sc, 0.0),
        np.where(z, both, 0.0),
        np.where(z, np.maximum(baseline[..., 3], 0.0), 0.0),
        np.array(days_in_months(PROJECTION_MONTHS), dtype=float),
    )


def _shares(
    inp: _Inputs,
    p: dict[str, np.ndarray],
    money: tuple[np.ndarray, np.ndarray, np.ndarray],
    status_quo: np.ndarray,
    incentive: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per draw and council: share removed by the status quo change (g0) and added by
    the scenario (g), care bought by the scenario (£m) and capacity D (draws, n), by
    :func:`simulator.projection.response.scenario_shares`."""
    col = {k: v[:, None] for k, v in p.items()}
    kw = {"discharge_share": col["discharge_share"], "price_share": col["price_share"]}
    m0 = status_quo[None] * (col["discharge_share"] * (1.0 - col["price_share"]) / 1e6)
    m = care_bought_gbpm(money[0][None], money[1][None], money[2][None], **kw)
    cap = (inp.sc @ inp.days)[None] + col["both_share_affected"] * (inp.both @ inp.days)[None]
    ok = inp.valid[None] & (cap > 0)
    g0, g = scenario_shares(m0, m, np.where(ok, cap, 0.0), col["theta"], incentive[None])
    return np.where(ok, g0, 0.0), np.where(ok, g, 0.0), m, cap


def _quantiles(values: np.ndarray, qs: tuple[float, ...] = QUANTILES) -> np.ndarray:
    """Quantiles along the last axis (numpy's 'linear' rule) by partial sorting.

    >>> _quantiles(np.array([[3.0, 1.0, 2.0, 5.0, 4.0]]), (0.1, 0.5, 0.9)).tolist()
    [[1.4], [3.0], [4.6]]
    """
    count = values.shape[-1]
    pos = np.asarray(qs) * (count - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, count - 1)
    exact = pos == lo  # on an order statistic: its neighbour is not needed
    kth = set(lo.tolist()) | {int(j) for j, e in zip(hi, exact, strict=True) if not e}
    part = np.partition(values, sorted(kth), axis=-1)
    out = []
    for q, i, j in zip(pos, lo, hi, strict=True):
        a, b = part[..., i], part[..., j]
        out.append(a if q == i else a + (b - a) * (q - i))
    return np.stack(out)


def _band_draws(draws: int) -> int:
    """Draws used for council bands: 10k + 1 when possible.

    >>> [_band_draws(d) for d in (1, 2, 9, 10, 11, 50, 2000)]
    [1, 1, 9, 9, 11, 41, 1001]
    """
    q = min(draws, COUNCIL_BAND_DRAWS)
    if q >= 11:
        return (q - 1) // 10 * 10 + 1
    return q - (1 - q % 2)


def _bands(q: tuple[float, ...], values: np.ndarray) -> dict[str, float]:
    v = np.quantile(values, q) if values.size > 1 else np.repeat(values.ravel(), len(q))
    return {k: float(x) for k, x in zip(("p10", "p50", "p90"), v, strict=True)}


@dataclass(frozen=True, eq=False)
class _National:
    """National draws of one evidence set: beds freed a month without noise (total and
    social care), the policy-consistent baseline, and the annual beds freed with the
    national noise ``shock``."""

    freed: np.ndarray  # (draws, 12)
    freed_sc: np.ndarray
    nat_base: np.ndarray  # (draws, 12), no noise
    nat_scen: np.ndarray  # (draws, 12), with noise
    nat_base_n: np.ndarray  # (draws, 12), with noise
    annual: np.ndarray  # (draws,) beds freed, 2018/19 average, with noise


def _national(
    inp: _Inputs,
    p: dict[str, np.ndarray],
    g0: np.ndarray,
    g: np.ndarray,
    ramp: np.ndarray,
    shock: np.ndarray,
) -> _National:
    beta = p["both_share_affected"][:, None]
    freed = ramp * (g @ inp.sc + beta * (g @ inp.both))  # (draws, 12)
    sq_freed = ramp * (g0 @ inp.sc + beta * (g0 @ inp.both))
    nat_base = np.maximum(inp.total.sum(axis=0)[None] - sq_freed, 0.0)
    nat_base_n = nat_base * shock
    nat_scen = np.maximum(nat_base - freed, 0.0) * shock
    annual = (nat_base_n - nat_scen) @ inp.days / inp.days.sum()
    return _National(freed, ramp * (g @ inp.sc), nat_base, nat_scen, nat_base_n, annual)


def _money(
    prepared: PreparedBaseline,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
    params: ProjectionParams,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """The scenario's money (checked), the incentive per council and the status quo."""
    n = prepared.baseline.shape[0]
    money = (
        _money_array("conditioned", conditioned, n),
        _money_array("withheld", withheld, n),
        _money_array("received", received, n),
    )
    rev = np.asarray(reviewed, dtype=bool)
    if rev.shape != (n,):
        raise ValueError(f"reviewed must have one value per council ({n})")
    incentive = np.where(rev, params.incentive_effect_pct / 100.0, 0.0)
    sq = prepared.status_quo_change if params.status_quo_change else np.zeros(n)
    return money, incentive, sq


def run_monte_carlo(
    prepared: PreparedBaseline,
    *,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
    params: ProjectionParams,
    theta: float | None = None,
) -> ProjectionResult:
    """The projection of one scenario (``params.draws`` draws; 0: central only): the
    national draws, the council bands, then the result.

    ``theta`` overrides the evidence set with a fixed value (the tornado uses it; no
    other set is then run).
    """
    stat = prepared.baseline
    money, incentive, sq = _money(prepared, conditioned, withheld, received, reviewed, params)
    inp = _inputs(stat)
    draws = int(params.draws)
    rng = np.random.default_rng(params.seed)
    central = {k: np.array([v]) for k, v in central_values(params).items()}
    if theta is not None:
        central["theta"] = np.array([theta])
    p = draw_parameters(params, draws, rng) if draws else central
    if theta is not None:
        p["theta"] = np.full(len(p["theta"]), theta)
    g0, g, _, _ = _shares(inp, p, money, sq, incentive)
    cg0, cg, cm, _ = _shares(inp, central, money, sq, incentive)
    ramp = lag_ramp(p["lag_months"])  # (draws, 12)
    scale = params.forecast_noise_scale
    noise = prepared.noise if scale > 0 else None
    if draws and noise is not None:
        shock = np.exp(scale * noise.national_errors(rng, draws))
    else:
        shock = np.ones((len(ramp), len(inp.days)))
    nat = _national(inp, p, g0, g, ramp, shock)
    bands = _council_bands(stat, inp, g0, g, ramp, p, noise, scale, rng, draws)
    by_set = (
        {}
        if theta is not None
        else _beds_by_set(inp, p, central, money, sq, incentive, ramp, shock, params, nat)
    )
    councils_by_set = (
        {} if theta is not None else _council_beds_by_set(inp, central, money, sq, incentive)
    )
    result = _assemble(
        prepared, params, inp, central, nat, (cg0, cg, cm), bands, by_set, draws, shock
    )
    result.council_beds_by_set.update(councils_by_set)
    return result


def _council_beds(inp: _Inputs, central: dict[str, np.ndarray], cg: np.ndarray) -> np.ndarray:
    """Central beds freed a day per council, 2018/19 average, from the shares ``cg``."""
    cramp = lag_ramp(central["lag_months"])
    aff = inp.sc + central["both_share_affected"][0] * inp.both
    days = cg[0] * ((aff * cramp[0][None]) @ inp.days)
    return np.where(inp.valid, days / inp.days.sum(), 0.0)


def _council_beds_by_set(
    inp: _Inputs,
    central: dict[str, np.ndarray],
    money: tuple[np.ndarray, np.ndarray, np.ndarray],
    sq: np.ndarray,
    incentive: np.ndarray,
) -> dict[str, np.ndarray]:
    """Central beds freed a day per council under every evidence set: θ at its median
    (``<set>``), and at its P10 and P90 (``<set>:p10``, ``<set>:p90``). The option's
    effect is what it adds to the status quo's, which saturates faster as θ rises, so a
    council's figure need not rise with θ: these are the figures at those two θ, not a
    band of the council's figure."""
    at: dict[float, np.ndarray] = {}  # a point set's three θ are one: worked out once

    def beds(theta: float) -> np.ndarray:
        if theta not in at:
            c = {**central, "theta": np.array([theta])}
            _, cg, _, _ = _shares(inp, c, money, sq, incentive)
            at[theta] = _council_beds(inp, c, cg)
        return at[theta]

    out = {}
    for s in evidence_sets():
        low, high = s.interval()
        out[s.name], out[f"{s.name}:p10"], out[f"{s.name}:p90"] = (
            beds(s.median()),
            beds(low),
            beds(high),
        )
    return out


# Beds freed under every other evidence set use at most this many of the draws.
SET_DRAWS = 2000


def _beds_by_set(
    inp: _Inputs,
    p: dict[str, np.ndarray],
    central: dict[str, np.ndarray],
    money: tuple[np.ndarray, np.ndarray, np.ndarray],
    sq: np.ndarray,
    incentive: np.ndarray,
    ramp: np.ndarray,
    shock: np.ndarray,
    params: ProjectionParams,
    chosen: _National,
) -> dict[str, dict[str, float]]:
    """Beds freed (P10/P50/P90, with noise) under every evidence set, the other
    parameters' draws and the noise shared with the chosen set's (its own figures
    exactly); each other set's θ drawn from its own stream seeded by the scenario's
    seed and the set's position, over the first :data:`SET_DRAWS` draws."""
    out: dict[str, dict[str, float]] = {}
    q = min(len(ramp), SET_DRAWS)
    for i, s in enumerate(evidence_sets()):
        if s.name == params.evidence_set:
            out[s.name] = _bands(QUANTILES, chosen.annual)
            continue
        if s.median() == 0.0 and s.distribution() is None and not incentive.any():
            out[s.name] = {"p10": 0.0, "p50": 0.0, "p90": 0.0}  # θ = 0 and no incentive
            continue
        ps = {k: v[:q] for k, v in p.items()}
        if params.draws:
            ps["theta"] = s.draw(q, np.random.default_rng([int(params.seed), i]))
        else:
            ps = {**central, "theta": np.array([s.median()])}
        g0, g, _, _ = _shares(inp, ps, money, sq, incentive)
        out[s.name] = _bands(QUANTILES, _national(inp, ps, g0, g, ramp[:q], shock[:q]).annual)
    return out


def _assemble(
    prepared: PreparedBaseline,
    params: ProjectionParams,
    inp: _Inputs,
    central: dict[str, np.ndarray],
    nat: _National,
    central_shares: tuple[np.ndarray, np.ndarray, np.ndarray],
    bands: tuple[np.ndarray, np.ndarray, np.ndarray],
    by_set: dict[str, dict[str, float]],
    draws: int,
    shock: np.ndarray,
) -> ProjectionResult:
    """The result: central council figures, national path and headline bands."""
    stat = prepared.baseline
    cg0, cg, cm = central_shares
    year = inp.days.sum()
    nat_base, nat_scen, nat_base_n = nat.nat_base, nat.nat_scen, nat.nat_base_n
    ambition_beds = params.ambition_rate_per_100k * prepared.adults_total / 100_000.0
    prob = float(ambition_met(nat_scen, inp.days, ambition_beds, params.ambition_basis).mean())
    # The same draws with no change: the option's effect on the chance is a paired difference.
    prob0 = float(ambition_met(nat_base_n, inp.days, ambition_beds, params.ambition_basis).mean())

    # central per council: share removed, affected days, days avoided
    cramp = lag_ramp(central["lag_months"])
    cbeta = central["both_share_affected"][0]
    aff = inp.sc + cbeta * inp.both  # (n, 12)
    council_days = cg[0] * ((aff * cramp[0][None]) @ inp.days)
    cbase_aff = affected_by_attribution(stat, cbeta)
    baseline_p50 = np.maximum(
        stat - (cg0[0][:, None, None] * cramp[0][None, :, None]) * cbase_aff, 0.0
    )
    if not draws:
        scen = np.maximum(
            baseline_p50 - (cg[0][:, None, None] * cramp[0][None, :, None]) * cbase_aff, 0.0
        )
        bands = (scen, scen, scen)
    nat_q = np.quantile(nat_scen, QUANTILES, axis=0) if draws else np.repeat(nat_scen, 3, 0)
    base_q = np.quantile(nat_base_n, QUANTILES, axis=0) if draws else np.repeat(nat_base, 3, 0)
    central_base = nat_base.mean(axis=0) if not draws else np.median(nat_base, axis=0)
    # The national point is the central forecast (no noise): the noise's sign is random,
    # so its median is 0, and the council medians add up to it (docs/projection.md §6).
    nat_q[1] = np.median(np.maximum(nat_base - nat.freed, 0.0), axis=0)
    base_q[1] = central_base
    noise_only = np.quantile(central_base[None] * shock, QUANTILES, axis=0) if draws else None
    days_avoided = float(council_days[inp.valid].sum())
    gain = council_days[council_days > 0].sum() / year
    loss = -council_days[council_days < 0].sum() / year
    national_path = pd.DataFrame(
        {
            "month": PROJECTION_MONTHS,
            "statistical_baseline": inp.total.sum(axis=0),
            "baseline": base_q[1],
            "baseline_p10": base_q[0],
            "baseline_p90": base_q[2],
            "p10": nat_q[0],
            "p50": nat_q[1],
            "p90": nat_q[2],
            "ambition": np.full(len(PROJECTION_MONTHS), ambition_beds),
        }
    )
    annual = central_base @ inp.days / year
    forecast_noise = {
        "baseline_beds": float(annual),
        "baseline_p10": float(noise_only[0] @ inp.days / year)
        if noise_only is not None
        else float(annual),
        "baseline_p90": float(noise_only[2] @ inp.days / year)
        if noise_only is not None
        else float(annual),
    }
    return ProjectionResult(
        months=list(PROJECTION_MONTHS),
        evidence_set=params.evidence_set,
        baseline_p50=baseline_p50,
        statistical_baseline=stat.copy(),
        scenario_p10=bands[0],
        scenario_p50=bands[1],
        scenario_p90=bands[2],
        beds_freed=_bands(QUANTILES, nat.annual),
        beds_freed_evidence=_bands(QUANTILES, nat.freed @ inp.days / year),
        beds_freed_social_care=_bands(QUANTILES, nat.freed_sc @ inp.days / year),
        delayed_days_avoided=days_avoided,
        nhs_value_gbp={
            "notional": days_avoided * params.excess_bed_day_cost_gbp,
            "cash_releasing": days_avoided * params.cash_releasing_gbp_per_day,
        },
        gross={"beds_gained": float(gain), "beds_lost": float(loss), "net": float(gain - loss)},
        forecast_noise=forecast_noise,
        probability_ambition_met=prob,
        probability_ambition_met_no_change=prob0,
        seed=int(params.seed),
        draws=draws,
        method=prepared.method,
        national_draws=nat.annual if draws else np.empty(0),
        national_path=national_path,
        effect_share=np.where(inp.valid, cg[0], np.nan),
        care_bought_gbpm=cm[0],
        council_days=np.where(inp.valid, council_days, 0.0),
        status_quo_beds=float((cramp[0] * (cg0[0] @ aff)) @ inp.days / year),
        ambition_beds=ambition_beds,
        ambition_basis=params.ambition_basis,
        backtest=prepared.backtest,
        beds_freed_by_set=by_set,
    )


def _council_bands(
    stat: np.ndarray,
    inp: _Inputs,
    g0: np.ndarray,
    g: np.ndarray,
    ramp: np.ndarray,
    p: dict[str, np.ndarray],
    noise: Any,
    scale: float,
    rng: np.random.Generator,
    draws: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P10, P50, P90 per council, month and attribution over the first draws.

    Draws sit on the last axis so that the partial sort runs over contiguous memory.
    Values are (x + 0.5)·exp(e) − 0.5, floored at 0, on the scale the errors were
    measured; NHS delays do not move with the money, so their quantiles are those of
    the errors mapped through the same increasing function.
    """
    n, h, _ = stat.shape
    q = _band_draws(max(draws, 1))
    out = np.empty((3, n, h, len(ATTRIBUTIONS)))
    beta = p["both_share_affected"][:q]
    share = (g0[:q] + g[:q]).T[:, None, :] * ramp[:q].T[None]  # (n, h, q)
    sc, both = affected_parts(np.nan_to_num(stat))
    joint = sc[..., None] + beta[None, None, :] * both[..., None]  # (n, h, q)
    with_noise = noise is not None and draws > 0
    for j in range(len(ATTRIBUTIONS)):
        base = stat[:, :, j, None]
        e = noise.council_errors(rng, q, j) if with_noise else None
        if j == 2:
            if e is None:
                out[:, :, :, j] = np.repeat(base[None, ..., 0], 3, axis=0)
            else:
                eq = _quantiles(e * scale)
                out[:, :, :, j] = apply_error(base[None, ..., 0], eq)
            continue
        cap = np.maximum(np.nan_to_num(base), 0.0)
        aff = np.minimum(sc[..., None], cap) if j == 0 else np.minimum(joint, cap)
        values = aff * share
        np.subtract(base, values, out=values)
        np.maximum(values, 0.0, out=values)
        if e is not None:
            e *= scale
            np.exp(e, out=e)
            values += LOG_OFFSET_BEDS
            values *= e
            values -= LOG_OFFSET_BEDS
            np.maximum(values, 0.0, out=values)
        out[:, :, :, j] = _quantiles(values)
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
