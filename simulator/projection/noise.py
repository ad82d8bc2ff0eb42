"""Forecast noise: the chosen method's back-test errors, resampled on the scale they
were measured (log(y + 0.5)).

- **Councils**: each council draws whole 12-month error paths from the pool of its
  size tercile (every monthly origin, every council in that tercile at that origin),
  centred on the pool's median at each horizon; the value is (forecast + 0.5)·exp(e) −
  0.5. The P50 of the draws is the point forecast, and the P10-P90 are the centred
  empirical (conformal) quantiles by horizon that ``ibcf backtest`` scores.
- **National**: whole national error paths, resampled with a random sign (the back-test
  years mostly saw delays rise; the direction of the next change is not known) and
  scaled so that the annual average's P10-P90 is the conformal band of
  :func:`simulator.projection.backtest.national_half_width`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.projection.backtest import (
    BAND,
    ErrorPaths,
    centre_errors,
    national_half_width,
    size_terciles,
)


@dataclass(frozen=True, eq=False)
class NoiseModel:
    """Error pools for the Monte Carlo.

    ``pools[a][t]`` (paths, 12): council error paths on attribution a of councils in
    size tercile t on that attribution; ``terciles`` (n, 4) each council's tercile now
    (-1: no data); ``national`` (paths, 12, 4) national
    error paths; ``national_scale`` (4,) the factor that widens them to the conformal
    band of the annual average.
    """

    method: str
    origins: list[str]
    pools: list[list[np.ndarray]]
    terciles: np.ndarray
    national: np.ndarray
    national_scale: np.ndarray

    def council_errors(self, rng: np.random.Generator, draws: int, attribution: int) -> np.ndarray:
        """(councils, 12, draws) resampled error paths; zero for councils without data."""
        n = len(self.terciles)
        out = np.zeros((n, 12, draws))
        for t, pool in enumerate(self.pools[attribution]):
            rows = np.flatnonzero(self.terciles[:, attribution] == t)
            if not len(rows) or not len(pool):
                continue
            pick = rng.integers(0, len(pool), size=(len(rows), draws))
            out[rows] = pool[pick].transpose(0, 2, 1)
        return out

    def national_errors(self, rng: np.random.Generator, draws: int, attribution: int = 3):  # type: ignore[no-untyped-def]
        """(draws, 12) resampled national log error paths, random sign, scaled."""
        pick = rng.integers(0, len(self.national), size=draws)
        sign = np.where(rng.random(draws) < 0.5, -1.0, 1.0)
        return (
            sign[:, None] * self.national[pick, :, attribution] * self.national_scale[attribution]
        )


def estimate_noise(paths: ErrorPaths, history: np.ndarray) -> NoiseModel:
    """The noise model of one method from its error paths at every monthly origin."""
    errors, terc = paths.errors, paths.terciles
    complete = np.isfinite(errors).all(axis=2)  # (o, n, 4)
    pools = [
        [centre_errors(errors[..., a][(terc[..., a] == t) & complete[..., a]]) for t in range(3)]
        for a in range(errors.shape[3])
    ]
    nat_ok = np.isfinite(paths.national).all(axis=(1, 2))
    national = paths.national[nat_ok]
    scale = np.ones(4)
    for a in range(4):
        annual = paths.national_annual[nat_ok, a]
        half = national_half_width(annual)
        q = np.quantile(np.abs(annual), BAND[1] - BAND[0]) if len(annual) else 0.0
        scale[a] = half / q if q > 0 else 1.0
    return NoiseModel(
        paths.method,
        paths.origins,
        pools,
        size_terciles(history),
        national,
        scale,
    )
