"""The ``[expectations]`` table of a scenario: the rule that reconstructs the September
2017 DToC expectations (computed by :mod:`simulator.rules.expectations`).
Declarations only (pydantic and the standard library)."""

from __future__ import annotations

from typing import Literal

from simulator.schema.base import Strict, param
from simulator.schema.parameters import DECEMBER_2017_TEST_5, Reference


class ExpectationRule(Strict):
    """Parameters of the reconstruction rule for the September 2017 expectations."""

    baseline_end: Literal["2017-02", "2017-03", "2017-04"] = "2017-04"
    baseline_months: int = param(
        3,
        label="Baseline months",
        references=(Reference("Shropshire Council: baseline February to April 2017"),),
        unit="months",
        ge=1,
        le=3,
        description="Months averaged for the baseline",
        source="Shropshire Council: baseline February to April 2017",
    )
    social_care_floor_rate: float = param(
        2.6,
        label="Social care floor",
        references=(DECEMBER_2017_TEST_5,),
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=20,
        step=0.1,
        description="Social care rate below which no reduction is expected",
        source="December 2017 test (5): social care rate at or below 2.6 per 100,000",
    )
    social_care_cut_pct: float = param(
        66.7,
        label="Social care cut",
        references=(
            Reference("HSJ, November 2017"),
            Reference("LGC, November 2017"),
        ),
        unit="%",
        ge=0,
        le=100,
        step=0.1,
        description="Cut from the social care baseline for councils above the floor",
        source="HSJ/LGC Nov 2017: Hampshire -66%, Northamptonshire -67%",
    )
    total_cap_rate: float = param(
        9.4,
        label="Total rate expected at most",
        references=(
            Reference("Rutland County Council"),
            Reference("LGC, December 2017"),
        ),
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=40,
        step=0.1,
        description="Total DToC rate expected of councils at or above it",
        source="National ambition, 9.4 per 100,000 (Rutland CC; LGC Dec 2017)",
    )
    nhs_cut_pct: float = param(
        50.0,
        label="NHS cut",
        assumption=True,
        unit="%",
        ge=0,
        le=100,
        step=1,
        description="Cut from the NHS baseline for councils above the England NHS rate",
        source="Assumption: 'worst areas halve'; not published per council",
    )
