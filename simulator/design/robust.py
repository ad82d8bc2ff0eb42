"""Robust to what we do not know: each frontier option's beds under every evidence set,
with the Monte Carlo, and a flag where the ranking of options flips between sets.

The kernel's beds are the central path (θ at each set's median). For the options on the
frontier the full projection runs: ``draws`` draws under each evidence set, seeded from
the run's seed and the chunk's index (one seed per option, shared by its evidence sets,
so the sets differ only in θ). This is the work worth sending to a cluster.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulator.design.grid import option_scenario
from simulator.engine.run import evaluate, project_scenario


def monte_carlo(
    ctx: Any, options: list[int], *, seed: int, index: int, draws: int
) -> dict[str, np.ndarray]:
    """P10, P50 and P90 of beds freed for each option under each evidence set."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    seeds = rng.integers(0, 2**32 - 1, size=len(options))
    out: dict[str, list[float]] = {}
    for option, option_seed in zip(options, seeds, strict=True):
        scenario = option_scenario(ctx.grid, option)
        for name in ctx.evidence:
            params = scenario.projection.model_copy(
                update={"evidence_set": name, "draws": draws, "seed": int(option_seed)}
            )
            result = evaluate(scenario.model_copy(update={"projection": params}), ctx.data)
            beds = project_scenario(result).beds_freed
            for q in ("p10", "p50", "p90"):
                out.setdefault(f"beds_{q}:{name}", []).append(float(beds[q]))
        out.setdefault("seed", []).append(float(option_seed))
    arrays = {k: np.asarray(v, dtype=float) for k, v in out.items()}
    arrays["option"] = np.asarray(options, dtype=np.int64)
    return arrays


def ranking_flips(frontier: pd.DataFrame, evidence: list[str], column: str) -> np.ndarray:
    """True for an option whose rank by beds (``column`` with ``:<set>`` appended) is not
    the same under every evidence set that tells options apart.

    >>> f = pd.DataFrame({"b:a": [1.0, 2.0, 3.0], "b:c": [1.0, 3.0, 2.0], "b:z": [0.0] * 3})
    >>> ranking_flips(f, ["a", "c", "z"], "b").tolist()
    [False, True, True]
    """
    ranks = []
    for name in evidence:
        values = frontier[f"{column}:{name}"].to_numpy(float)
        if np.ptp(values) == 0 if values.size else True:
            continue  # the set does not tell options apart (e.g. no effect)
        ranks.append(pd.Series(values).rank(method="min").to_numpy())
    if len(ranks) < 2:
        return np.zeros(len(frontier), dtype=bool)
    stacked = np.stack(ranks)
    return np.asarray((stacked != stacked[0]).any(axis=0))
