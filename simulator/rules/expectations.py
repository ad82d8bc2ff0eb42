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

import numpy as np

from simulator.inputs.data import Dataset
from simulator.rules.measures import beds_from_rate, rate_per_100k, window_beds
from simulator.schema.expectations import ExpectationRule
from simulator.schema.vocabulary import ATTRIBUTIONS


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
