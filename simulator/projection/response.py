"""The funding response: pounds to care bought to delayed days avoided.

For each council, the change in discharge-relevant care bought (£m at pre-existing
prices) is

    m = [conditioned·(1 − s) + (received − withheld)·s]·(1 − p) / 1e6

with s the share of unconditioned iBCF money a council spends on discharge-relevant
care (one behaviour for money withheld and money received; conditioned money is
ring-fenced, so what is new is the part not already spent that way) and p the share of
new money absorbed by price. Delayed days avoided saturate,
D·(1 − exp(−θ·m / D)), with θ delayed days avoided per £1m (the evidence set) and D
the delayed days social care capacity can affect; a loss is the mirror image. The
effect starts after a lag.
"""

from __future__ import annotations

import numpy as np


def care_bought_gbpm(
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    *,
    discharge_share: float | np.ndarray,
    price_share: float | np.ndarray,
) -> np.ndarray:
    """Change in discharge-relevant care bought, £m at pre-existing prices.

    >>> care_bought_gbpm(np.array([2e6]), np.array([1e6]), np.array([0.0]),
    ...                  discharge_share=0.25, price_share=0.2).round(6).tolist()
    [1.0]
    """
    s = discharge_share
    gross = (
        np.asarray(conditioned, dtype=float) * (1.0 - s)
        + (np.asarray(received, dtype=float) - np.asarray(withheld, dtype=float)) * s
    )
    return gross * (1.0 - price_share) / 1e6


def saturating_response(
    care_gbpm: np.ndarray, capacity: np.ndarray, theta: float | np.ndarray
) -> np.ndarray:
    """Delayed days avoided by ``care_gbpm`` (£m) when ``capacity`` days could be.

    avoided = D·(1 − exp(−θ·m/D)) for m ≥ 0, never above D; a loss (m < 0) is the
    mirror image, so delays at most double. D ≤ 0 or unknown: 0.

    >>> saturating_response(np.array([0.0, 1e9, -1e9]), np.array([10.0] * 3), 1.0).tolist()
    [0.0, 10.0, -10.0]
    """
    x = np.asarray(care_gbpm, dtype=float)
    cap = np.asarray(capacity, dtype=float)
    ok = np.isfinite(cap) & (cap > 0)
    safe = np.where(ok, cap, 1.0)
    avoided = -np.sign(x) * safe * np.expm1(-np.asarray(theta) * np.abs(x) / safe)
    return np.where(ok, avoided, 0.0)


def _rate(capacity: np.ndarray, theta: float | np.ndarray) -> np.ndarray:
    """θ/D where D is known and positive, else 0 (no effect)."""
    cap = np.asarray(capacity, dtype=float)
    ok = np.isfinite(cap) & (cap > 0)
    return np.where(ok, np.asarray(theta, dtype=float) / np.where(ok, cap, 1.0), 0.0)


def _share_removed(care: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """avoided / D = sign(m)·(1 − exp(−rate·|m|)), rate = θ/D."""
    care = np.asarray(care, dtype=float)
    return -np.sign(care) * np.expm1(-rate * np.abs(care))


def _with_incentive(care: np.ndarray, rate: np.ndarray, inc: np.ndarray) -> np.ndarray:
    """g = ι + (1 − ι)·f on D′ = (1 − ι)·D (the money acts on what the incentive left)."""
    if not inc.any():
        return _share_removed(care, rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_i = np.where(inc < 1, rate / (1.0 - inc), 0.0)
    return inc + (1.0 - inc) * _share_removed(care, rate_i)


def effect_share(
    care_gbpm: np.ndarray,
    capacity: np.ndarray,
    theta: float | np.ndarray,
    incentive: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Share g of the affected delays removed: the incentive first, then the money.

    g = ι + (1 − ι)·f with f = avoided / D′ and D′ = (1 − ι)·D (avoided as
    :func:`saturating_response`). g < 1 always, g ≥ −1. Any shapes that broadcast.

    >>> effect_share(np.array([0.0]), np.array([100.0]), 1.0, 0.1).round(6).tolist()
    [0.1]
    """
    inc = np.asarray(incentive, dtype=float)
    return _with_incentive(care_gbpm, _rate(capacity, theta), inc)


def scenario_shares(
    status_quo_gbpm: np.ndarray,
    scenario_gbpm: np.ndarray,
    capacity: np.ndarray,
    theta: float | np.ndarray,
    incentive: float | np.ndarray = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Share removed by the status-quo money (g0) and added by the scenario (g), any
    shapes that broadcast (draws, councils): g0 = effect_share(status quo) and
    g = effect_share(status quo + scenario, incentive) − g0. The one response the
    Monte Carlo, its central case and the tornado use (θ/D computed once).

    >>> g0, g = scenario_shares(np.array([1.0]), np.array([1.0]), np.array([100.0]), 100.0)
    >>> [round(float(g0[0]), 6), round(float(g[0]), 6)]
    [0.632121, 0.232544]
    """
    m0 = np.asarray(status_quo_gbpm, dtype=float)
    m = np.asarray(scenario_gbpm, dtype=float)
    inc = np.asarray(incentive, dtype=float)
    rate = _rate(capacity, theta)
    shape = np.broadcast_shapes(m0.shape, m.shape, rate.shape, inc.shape)
    g0 = _share_removed(m0, rate) if m0.any() else np.zeros(shape)
    if not (m.any() or inc.any()):
        return np.broadcast_to(g0, shape), np.zeros(shape)
    return np.broadcast_to(g0, shape), _with_incentive(m0 + m, rate, inc) - g0


def lag_ramp(lag_months: np.ndarray, months: int = 12) -> np.ndarray:
    """Share of each month of the year after the lag: clip(h − L, 0, 1), h = 1..12.

    ``lag_months`` (draws,) gives (draws, months). Care bought after the year ends
    falls in the next year and is not counted.

    >>> lag_ramp(np.array([0.0, 2.5]), 4).tolist()
    [[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.5, 1.0]]
    """
    h = np.arange(1, months + 1)[None, :]
    return np.clip(h - np.asarray(lag_months, dtype=float)[:, None], 0.0, 1.0)


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


def status_quo_change_gbp(
    original: np.ndarray, spring_budget: np.ndarray, money_2017_18: np.ndarray
) -> np.ndarray:
    """Each council's change in iBCF from 2017/18 to 2018/19 (£): its 2018/19 elements
    less ``money_2017_18`` (£, the direct 2017/18 reconstruction, as the dataset gives it).

    >>> status_quo_change_gbp(np.array([825.0]), np.array([674.0]), np.array([1000.0])).tolist()
    [499.0]
    """
    orig = np.asarray(original, dtype=float)
    sb = np.asarray(spring_budget, dtype=float)
    return orig + sb - np.asarray(money_2017_18, dtype=float)
