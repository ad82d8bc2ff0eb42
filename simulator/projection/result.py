"""The projection's result and the ambition test."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.projection.backtest import Backtest
from simulator.projection.noise import NoiseModel
from simulator.schema.vocabulary import ATTRIBUTIONS


@dataclass(frozen=True, eq=False)
class PreparedBaseline:
    """Everything a projection needs that does not depend on the scenario's money."""

    method: str
    baseline: np.ndarray  # (n, 12, 4) statistical forecast
    adults_total: float
    backtest: Backtest | None
    noise: NoiseModel | None
    status_quo_change: np.ndarray  # (n,) £ change in iBCF 2017/18 -> 2018/19


Bands = dict[str, float]


@dataclass(frozen=True, eq=False)
class ProjectionResult:
    """Projected DToC for 2018/19 under a scenario, against the policy-consistent baseline.

    Arrays are (councils, 12, 4) average delayed beds per day, attribution order
    :data:`ATTRIBUTIONS`. The primary outcome is **total** delays: ``beds_freed`` is the
    national average over 2018/19 (negative if delays rise) with evidence uncertainty and
    forecast noise together; ``beds_freed_evidence`` with the evidence alone;
    ``beds_freed_social_care`` the secondary outcome (social care attribution, evidence
    alone). ``nhs_value_gbp`` holds the two NHS values of the central days avoided,
    notional and cash-releasing: never to be added to, or set against, iBCF money.
    ``gross`` holds beds lost where money is withheld and beds gained where it is
    conditioned or received (central), before the net.
    """

    months: list[str]
    evidence_set: str
    baseline_p50: np.ndarray
    statistical_baseline: np.ndarray
    scenario_p10: np.ndarray
    scenario_p50: np.ndarray
    scenario_p90: np.ndarray
    beds_freed: Bands
    beds_freed_evidence: Bands
    beds_freed_social_care: Bands
    delayed_days_avoided: float
    nhs_value_gbp: dict[str, float]
    gross: dict[str, float]
    forecast_noise: dict[str, float]
    probability_ambition_met: float
    seed: int
    draws: int
    method: str
    national_draws: np.ndarray
    national_path: pd.DataFrame
    effect_share: np.ndarray = field(repr=False)
    care_bought_gbpm: np.ndarray = field(repr=False)
    council_days: np.ndarray = field(repr=False)
    status_quo_beds: float = 0.0
    ambition_beds: float = 0.0
    ambition_basis: str = "annual_average"
    # The chance with no change, on the same draws (the option's effect is the difference).
    probability_ambition_met_no_change: float = 0.0
    backtest: Backtest | None = field(default=None, repr=False)
    # Beds freed (P10/P50/P90, evidence and noise) under every evidence set, the
    # chosen one included; empty when θ was fixed (the tornado).
    beds_freed_by_set: dict[str, Bands] = field(default_factory=dict)
    # Central beds freed a day per council (2018/19 average) under every evidence set:
    # θ at the set's median (key: the set's name) and at its P10 and P90 ("<set>:p10",
    # "<set>:p90").
    council_beds_by_set: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

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
