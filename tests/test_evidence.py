"""The evidence sets: each follows from its sources as docs/projection.md derives it,
none exceeds Forder's bound, and the figures are written once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from simulator.projection.evidence import EVIDENCE_SETS, evidence_sets
from simulator.schema.evidence import (
    DEFAULT_EVIDENCE_SET,
    EVIDENCE_RECORDS,
    evidence_table,
)
from simulator.schema.projection import CHOICES, ProjectionParams

DOCS = Path(__file__).resolve().parents[1] / "docs" / "projection.md"
FORDER = 0.35 * 1e6 / 313  # £0.35 saved per £1 (Forder 2009), at £313 a bed day


def test_the_default_is_the_literature_not_the_fit() -> None:
    assert DEFAULT_EVIDENCE_SET == "central"
    assert ProjectionParams().evidence_set == "central"
    assert "Gaughan" in EVIDENCE_RECORDS["central"].citation
    assert [s.name for s in evidence_sets() if s.is_default] == ["central"]


def test_central_is_the_own_council_effect_doubled_for_spillovers() -> None:
    """Own council 25.2 to 53.3 (midpoint 39.25); times 2 = 78.5; 1.96 sd reach
    53.3 × 3 = 159.9, so sd = (159.9 - 78.5) / 1.96 = 41.53."""
    r = EVIDENCE_RECORDS["central"]
    assert r.centre == pytest.approx(78.5)
    assert r.spread == pytest.approx(41.5)


def test_central_has_most_of_its_mass_between_0_and_150() -> None:
    """Normal(78.5, 41.5) truncated at 0: P(θ ≤ 150) = (Φ(1.7229) - Φ(-1.8916)) /
    (1 - Φ(-1.8916)) = (0.95755 - 0.02927) / 0.97073 = 0.9563."""
    dist = EVIDENCE_SETS["central"].distribution()
    assert dist.cdf(150.0) == pytest.approx(0.9563, abs=5e-4)
    assert dist.cdf(0.0) == 0.0


@pytest.mark.parametrize("name", list(EVIDENCE_SETS))
def test_no_set_goes_beyond_forders_bound(name: str) -> None:
    s = EVIDENCE_SETS[name]
    draws = s.draw(20_000, np.random.default_rng(1))
    assert draws.min() >= 0.0
    assert draws.max() <= FORDER + 1e-9
    assert s.interval(0.0, 1.0)[1] <= FORDER + 1e-9


def test_the_fit_is_capped_at_forder() -> None:
    """353 (sd 235) truncated to 0 to 1,118: its top is Forder's bound, not infinity,
    and its median is that of the doubly truncated normal."""
    s = EVIDENCE_SETS["fit_2017_18"]
    a, b = -353 / 235, (FORDER - 353) / 235
    assert s.median() == pytest.approx(stats.truncnorm(a, b, loc=353, scale=235).median())
    assert s.interval(0.0, 1.0) == pytest.approx((0.0, FORDER))


def test_the_fit_states_its_identification_problems() -> None:
    r = EVIDENCE_RECORDS["fit_2017_18"]
    assert r.label == "2017/18 fit, optimistic reading"
    assert "Not identified" in r.caveat


def test_high_is_refused_with_the_set_to_use() -> None:
    with pytest.raises(ValidationError, match="fit_2017_18"):
        ProjectionParams(evidence_set="high")


def test_the_register_and_the_docs_table_come_from_the_records() -> None:
    effect = CHOICES["evidence_set"].effect
    for r in EVIDENCE_RECORDS.values():
        assert f"{r.label} {r.summary}" in effect
    assert evidence_table() in DOCS.read_text(encoding="utf-8")
    assert "4,452" not in effect and "high" not in CHOICES["evidence_set"].statement
