"""Named evidence sets for θ, delayed bed days avoided per £1m of extra
discharge-relevant care (at pre-existing prices, before saturation).

Each set has a citation, a distribution and a derivation (``docs/projection.md`` §4,
reproduced by ``ibcf calibrate``). The user picks one; its name goes beside every
headline ("beds freed if the central evidence holds").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulator.schema.projection import EvidenceSetName


@dataclass(frozen=True)
class EvidenceSet:
    """θ's distribution under one reading of the evidence.

    ``family``: "point" (θ = ``centre``), "uniform" (between ``low`` and ``high``) or
    "normal" (``centre``, sd ``spread``, truncated at 0).
    """

    name: EvidenceSetName
    label: str
    family: str
    centre: float
    spread: float
    low: float
    high: float
    citation: str
    derivation: str

    def distribution(self):  # type: ignore[no-untyped-def]
        """A scipy.stats frozen distribution of θ (None for a point)."""
        if self.family == "point":
            return None
        if self.family == "uniform":
            return stats.uniform(loc=self.low, scale=self.high - self.low)
        if self.family == "normal":
            a = (0.0 - self.centre) / self.spread
            return stats.truncnorm(a, np.inf, loc=self.centre, scale=self.spread)
        raise ValueError(f"unknown family {self.family!r}")

    def draw(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        dist = self.distribution()
        if dist is None:
            return np.full(draws, self.centre)
        return np.asarray(dist.rvs(size=draws, random_state=rng), dtype=float)

    def median(self) -> float:
        dist = self.distribution()
        return self.centre if dist is None else float(dist.median())

    def interval(self, low: float = 0.1, high: float = 0.9) -> tuple[float, float]:
        dist = self.distribution()
        if dist is None:
            return self.centre, self.centre
        return float(dist.ppf(low)), float(dist.ppf(high))


# Figures reproduced by ``ibcf calibrate`` (simulator.projection.calibration) on the
# bundled data; tests/test_projection.py pins them.
GAUGHAN_THETA = (25.2, 53.3)  # 6% at £120 a day to 9% at £85 a day
DID_THETA, DID_SE = 368.0, 239.0  # 2017/18, NHS-controlled, total delays
UNCONTROLLED_THETA, UNCONTROLLED_SE = 4923.0, 717.0  # 2017/18, no control

EVIDENCE_SETS: dict[str, EvidenceSet] = {
    "no_effect": EvidenceSet(
        "no_effect",
        "no effect",
        "point",
        0.0,
        0.0,
        0.0,
        0.0,
        "NAO (2017), Health and social care integration: Better Care Fund plans for 2015/16 "
        "expected 293,000 fewer delayed days, and delays rose by 185,000; Crawford, Stoye "
        "& Zaranko (2021), J Health Econ 78:102477: cuts to long-term care raised A&E use "
        "with no effect on inpatient use",
        "θ = 0: extra money buys no measurable fall in delays.",
    ),
    "low": EvidenceSet(
        "low",
        "low",
        "uniform",
        float(np.mean(GAUGHAN_THETA)),
        0.0,
        GAUGHAN_THETA[0],
        GAUGHAN_THETA[1],
        "Gaughan, Gravelle & Siciliani (2015), Health Economics 24(S1):32-44: 10% more "
        "care-home beds (250 per council) cut social care delayed discharges by about 6-9%",
        "θ = cut × mean social care delayed days per council in 2017/18 (4,596) / £m cost "
        "of 250 beds for a year (£7.8m at £85 a day to £11.0m at £120): 25.2 to 53.3; "
        "uniform between.",
    ),
    "central": EvidenceSet(
        "central",
        "central",
        "normal",
        DID_THETA,
        DID_SE,
        0.0,
        0.0,
        "2017/18 experience, difference-in-differences: the fall in each council's total "
        "delays against persistence from March 2017, net of the 14.0% fall NHS-attributed "
        "delays also saw against theirs, fitted on its 2017/18 iBCF (£105m + £1,010m)",
        "Least-squares fit across 151 councils: θ = 368 (s.e. 239, 95% 0 to 960); between "
        "the care-home elasticity (own council only; the study finds strong spillovers) and "
        "Forder's bound (1,118); normal, truncated at 0.",
    ),
    "high": EvidenceSet(
        "high",
        "high",
        "normal",
        UNCONTROLLED_THETA,
        UNCONTROLLED_SE,
        0.0,
        0.0,
        "2017/18 experience, uncontrolled: the whole fall in each council's total delays "
        "against persistence from March 2017 put down to its 2017/18 iBCF",
        "Least-squares fit across 151 councils: θ = 4,923 (s.e. 717). An upper bound: it is "
        "about four times Forder (2009)'s £0.35 saving per £1 (1,118 days per £1m at £313).",
    ),
}


def evidence_set(name: str) -> EvidenceSet:
    return EVIDENCE_SETS[name]
