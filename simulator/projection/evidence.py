"""Named evidence sets for θ, delayed bed days avoided per £1m of extra
discharge-relevant care (at pre-existing prices, before saturation), as distributions.

The figures are the records of :mod:`simulator.schema.evidence` (written once there);
this module turns each into a scipy distribution, draws and quantiles. The user picks
one; its reading goes beside every headline ("beds freed if the central evidence
holds"), and every set's beds freed are shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulator.schema.evidence import (
    DEFAULT_EVIDENCE_SET,
    EVIDENCE_RECORDS,
    FIT_2017_18,
    FORDER_BOUND,
    GAUGHAN_THETA,
    EvidenceRecord,
    evidence_records,
)

__all__ = [
    "DEFAULT_EVIDENCE_SET",
    "EVIDENCE_SETS",
    "FIT_2017_18",
    "FORDER_BOUND",
    "GAUGHAN_THETA",
    "EvidenceSet",
    "evidence_set",
    "evidence_sets",
]


@dataclass(frozen=True)
class EvidenceSet:
    """One evidence set's record and its distribution of θ."""

    record: EvidenceRecord

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def label(self) -> str:
        return self.record.label

    @property
    def reading(self) -> str:
        return self.record.reading

    @property
    def citation(self) -> str:
        return self.record.citation

    @property
    def derivation(self) -> str:
        return self.record.derivation

    @property
    def caveat(self) -> str:
        return self.record.caveat

    @property
    def is_default(self) -> bool:
        return self.record.name == DEFAULT_EVIDENCE_SET

    def distribution(self):  # type: ignore[no-untyped-def]
        """A scipy.stats frozen distribution of θ (None for a point)."""
        r = self.record
        if r.family == "point":
            return None
        if r.family == "uniform":
            return stats.uniform(loc=r.low, scale=min(r.high, r.cap) - r.low)
        a = (0.0 - r.centre) / r.spread
        b = (r.cap - r.centre) / r.spread
        return stats.truncnorm(a, b, loc=r.centre, scale=r.spread)

    def draw(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        dist = self.distribution()
        if dist is None:
            return np.full(draws, self.record.centre)
        return np.asarray(dist.rvs(size=draws, random_state=rng), dtype=float)

    def median(self) -> float:
        dist = self.distribution()
        return self.record.centre if dist is None else float(dist.median())

    def interval(self, low: float = 0.1, high: float = 0.9) -> tuple[float, float]:
        dist = self.distribution()
        if dist is None:
            return self.record.centre, self.record.centre
        return float(dist.ppf(low)), float(dist.ppf(high))


EVIDENCE_SETS: dict[str, EvidenceSet] = {r.name: EvidenceSet(r) for r in evidence_records()}
assert set(EVIDENCE_SETS) == set(EVIDENCE_RECORDS)


def evidence_set(name: str) -> EvidenceSet:
    return EVIDENCE_SETS[name]


def evidence_sets() -> list[EvidenceSet]:
    """Every evidence set (name, label, θ distribution), no effect first; the one place
    to iterate over them (the default is the one with ``is_default``)."""
    return list(EVIDENCE_SETS.values())
