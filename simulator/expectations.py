"""September 2017 DToC expectations per council, derived by a configurable rule.

The official council table was never published in a reachable form, so the
expectation is *reconstructed* by the rule below (the scenario's ``[expectations]``)
unless an official table is supplied in ``data/official/``, which then overrides it
council by council.

Default social care rule (fits Shropshire 6.7 beds/day, Hampshire -66%,
Northamptonshire -67%): baseline = average of February-April 2017; a baseline rate at
or below 2.6 per 100,000 is kept, otherwise the expectation is the larger of 2.6 per
100,000 and the baseline cut by two thirds.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from simulator.data import ATTRIBUTIONS, Dataset
from simulator.measures import beds_from_rate, rate_per_100k, window_beds
from simulator.parameters import Strict, param

Month = str


class ExpectationRule(Strict):
    """Parameters of the reconstruction rule for the September 2017 expectations."""

    baseline_end: Literal["2017-02", "2017-03", "2017-04"] = "2017-04"
    baseline_months: int = param(
        3,
        unit="months",
        ge=1,
        le=3,
        description="Months averaged for the baseline",
        source="Shropshire Council: baseline February to April 2017",
    )
    social_care_floor_rate: float = param(
        2.6,
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=20,
        step=0.1,
        description="Social care rate below which no reduction is expected",
        source="December 2017 test (5): social care rate at or below 2.6 per 100,000",
    )
    social_care_cut_pct: float = param(
        66.7,
        unit="%",
        ge=0,
        le=100,
        step=0.1,
        description="Cut from the social care baseline for councils above the floor",
        source="HSJ/LGC Nov 2017: Hampshire -66%, Northamptonshire -67%",
    )
    total_cap_rate: float = param(
        9.4,
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=40,
        step=0.1,
        description="Total DToC rate expected of councils at or above it",
        source="National ambition, 9.4 per 100,000 (Rutland CC; LGC Dec 2017)",
    )
    nhs_cut_pct: float = param(
        50.0,
        unit="%",
        ge=0,
        le=100,
        step=1,
        description="Cut from the NHS baseline for councils above the England NHS rate",
        source="Assumption: 'worst areas halve'; not published per council",
    )


def expected_beds(data: Dataset, rule: ExpectationRule) -> tuple[np.ndarray, np.ndarray]:
    """Expected delayed beds per day, September 2017, ``(council, attribution)``.

    Returns the expectations and a status array (``reconstructed`` or ``official``).
    """
    baseline = np.stack(
        [window_beds(data, a, rule.baseline_end, rule.baseline_months) for a in ATTRIBUTIONS],
        axis=1,
    )
    adults = data.adults
    rate = rate_per_100k(baseline, adults[:, None])
    out = np.empty_like(baseline)

    sc = ATTRIBUTIONS.index("social_care")
    floor_beds = beds_from_rate(np.full(len(adults), rule.social_care_floor_rate), adults)
    above_floor = rate[:, sc] > rule.social_care_floor_rate
    cut = baseline[:, sc] * (1 - rule.social_care_cut_pct / 100)
    out[:, sc] = np.where(above_floor, np.maximum(floor_beds, cut), baseline[:, sc])

    # "Both" delays are kept at their baseline; the social care part carries the cut.
    scb = ATTRIBUTIONS.index("social_care_and_both")
    out[:, scb] = out[:, sc] + (baseline[:, scb] - baseline[:, sc])

    nhs = ATTRIBUTIONS.index("nhs")
    england_nhs_rate = np.nansum(baseline[:, nhs]) / adults[~np.isnan(baseline[:, nhs])].sum()
    england_nhs_rate *= 100_000
    above_england = rate[:, nhs] > england_nhs_rate
    nhs_line = beds_from_rate(np.full(len(adults), england_nhs_rate), adults)
    halved = baseline[:, nhs] * (1 - rule.nhs_cut_pct / 100)
    out[:, nhs] = np.where(above_england, np.maximum(nhs_line, halved), baseline[:, nhs])

    tot = ATTRIBUTIONS.index("total")
    cap_beds = beds_from_rate(np.full(len(adults), rule.total_cap_rate), adults)
    out[:, tot] = np.where(rate[:, tot] >= rule.total_cap_rate, cap_beds, baseline[:, tot])

    status = np.full(out.shape, "reconstructed", dtype=object)
    official = data.official_expectations
    if official is not None:
        for _, row in official.iterrows():
            i = data.position(row["gss_code"])
            j = ATTRIBUTIONS.index(row["attribution"])
            out[i, j] = row["expectation_beds_per_day"]
            status[i, j] = "official"
    return out, status
