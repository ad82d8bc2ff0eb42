"""The projection's central path for many options at once (the option designer).

For each row of per-council money, the beds freed that :func:`simulator.projection.project`
reports with ``draws = 0``: θ at the evidence set's median and every other parameter at
the scenario's value. The same formulas as :mod:`simulator.projection.montecarlo`, with
the options on a leading axis and everything that does not depend on the option worked
out once, so a grid of options costs one array pass per evidence set.
"""

from __future__ import annotations

import numpy as np

from simulator.projection.montecarlo import _inputs, _shares, central_values
from simulator.projection.response import _share_removed, care_bought_gbpm, lag_ramp
from simulator.projection.result import PreparedBaseline
from simulator.schema.projection import ProjectionParams


class CentralPath:
    """Beds freed on the central path under one set of projection parameters.

    >>> # see tests/test_design.py: equal to project(..., draws=0) for random options
    """

    def __init__(self, prepared: PreparedBaseline, params: ProjectionParams) -> None:
        stat = prepared.baseline
        self.n = stat.shape[0]
        self.params = params
        self.inp = _inputs(stat)
        central = {k: np.array([v]) for k, v in central_values(params).items()}
        self.central = central
        self.sq = prepared.status_quo_change if params.status_quo_change else np.zeros(self.n)
        zeros = np.zeros(self.n)
        g0, _, _, cap = _shares(self.inp, central, (zeros, zeros, zeros), self.sq, zeros)
        self.g0 = g0[0]
        self.ok = self.inp.valid & (cap[0] > 0)
        self.rate = np.where(self.ok, central["theta"][0] / np.where(self.ok, cap[0], 1.0), 0.0)
        s, p = central["discharge_share"], central["price_share"]
        self.m0 = self.sq * (s[0] * (1.0 - p[0]) / 1e6)
        self.ramp = lag_ramp(central["lag_months"])  # (1, 12)
        self.beta = float(central["both_share_affected"][0])
        g0_row = g0  # (1, n)
        sq_freed = self.ramp * (g0_row @ self.inp.sc + self.beta * (g0_row @ self.inp.both))
        self.nat_base = np.maximum(self.inp.total.sum(axis=0)[None] - sq_freed, 0.0)
        self.year = self.inp.days.sum()
        # Each council's beds freed per unit of share removed, over the year. While the
        # most any option could free in a month (every share at 1) stays within the
        # month's baseline, the floor at zero delays never binds and beds freed is one
        # weighted sum per option; otherwise the month-by-month path is taken.
        weight = self.ramp[0] * self.inp.days
        affected = self.inp.sc + self.beta * self.inp.both
        self.weight = np.where(self.ok, affected @ weight, 0.0) / self.year
        most = self.ramp * (np.where(self.ok, 1.0, 0.0) @ affected)[None]
        self.linear = bool((most <= self.nat_base).all())

    def care(
        self, conditioned: np.ndarray, withheld: np.ndarray, received: np.ndarray
    ) -> np.ndarray:
        """Care bought by each option, £m per council (options, councils)."""
        c = self.central
        return care_bought_gbpm(
            conditioned,
            withheld,
            received,
            discharge_share=c["discharge_share"][0],
            price_share=c["price_share"][0],
        )

    def beds(
        self,
        *,
        conditioned: np.ndarray,
        withheld: np.ndarray,
        received: np.ndarray,
        reviewed: np.ndarray,
        care: np.ndarray | None = None,
    ) -> np.ndarray:
        """Average beds freed in 2018/19 per option (options, )."""
        money = [np.asarray(a) for a in (conditioned, withheld, received)]
        rows = money[0].shape[0]
        if any(a.shape != (rows, self.n) for a in money):
            raise ValueError(f"money must be (options, {self.n})")
        inc = np.where(np.asarray(reviewed, bool), self.params.incentive_effect_pct / 100.0, 0.0)
        if inc.any():  # the incentive changes each council's response: the general path
            full = np.broadcast_to(inc, (rows, self.n))
            m3 = (money[0].astype(float), money[1].astype(float), money[2].astype(float))
            _, g3, _, _ = _shares(self.inp, self.central, m3, self.sq, full)
            g = np.broadcast_to(g3, (1, rows, self.n)).reshape(rows, self.n)
        else:
            m = self.care(*money) if care is None else care
            # A council with no money in any row, or one the evidence gives no response,
            # frees nothing: only the others are worked out (often a small minority).
            live = self.ok & (self.rate > 0) & m.any(axis=0)
            if not live.any():
                return np.zeros(rows)
            if self.linear:
                x = self.m0[live][None] + m[:, live]
                part = _share_removed(x, self.rate[live][None]) - self.g0[live][None]
                return np.asarray((part * self.weight[live][None]).sum(axis=1))
            g = _share_removed(self.m0[None] + m, self.rate[None]) - self.g0[None]
            g = np.where(self.ok[None], g, 0.0)
        freed = self.ramp * (g @ self.inp.sc + self.beta * (g @ self.inp.both))
        nat_scen = np.maximum(self.nat_base - freed, 0.0)
        return np.asarray((self.nat_base - nat_scen) @ self.inp.days / self.year)


def central_beds_freed(
    prepared: PreparedBaseline,
    params: ProjectionParams,
    *,
    conditioned: np.ndarray,
    withheld: np.ndarray,
    received: np.ndarray,
    reviewed: np.ndarray,
) -> np.ndarray:
    """Average beds freed in 2018/19 per option on the central path (options, )."""
    return CentralPath(prepared, params).beds(
        conditioned=conditioned, withheld=withheld, received=received, reviewed=reviewed
    )
