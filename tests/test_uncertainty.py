"""Uncertainty: distributions, forecast noise and the seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.projection import (
    ProjectionParams,
    ProjectionResult,
    month_label,
    month_number,
    prepare_baseline,
    project,
)
from simulator.uncertainty import (
    UNCERTAIN,
    _band_draws,
    _quantiles,
    draw_parameters,
    estimate_noise,
    parameter_distributions,
    sensitivity_ranges,
)


def months_from(start: str, count: int) -> list[str]:
    return [month_label(month_number(start) + i) for i in range(count)]


def history(n: int = 10, m: int = 60, noise: float = 0.08, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = rng.uniform(3, 50, n)[:, None] * np.exp(np.cumsum(rng.normal(0, noise, (n, m)), 1))
    sc, both, nhs = 0.35 * level, 0.1 * level, 0.55 * level
    return np.stack([sc, sc + both, nhs, sc + both + nhs], axis=-1)


MONTHS = months_from("2013-04", 60)
HIST = history()
ADULTS = np.full(10, 150_000.0)
PARAMS = ProjectionParams(method="persistence", draws=301)
PREP = prepare_baseline(HIST, MONTHS, ADULTS, PARAMS)
COND = np.where(np.arange(10) % 2 == 0, 3e6, 0.0)


def run(params: ProjectionParams = PARAMS, cond: np.ndarray = COND) -> ProjectionResult:
    return project(
        HIST,
        MONTHS,
        ADULTS,
        conditioned=cond,
        withheld=np.zeros(10),
        received=np.zeros(10),
        reviewed=cond > 0,
        params=params,
        prepared=PREP,
    )


def test_same_seed_same_numbers_different_seed_different() -> None:
    a, b = run(), run()
    c = run(PARAMS.model_copy(update={"seed": 1}))
    assert np.array_equal(a.national_draws, b.national_draws)
    assert np.array_equal(a.scenario_p10, b.scenario_p10)
    assert a.beds_freed == b.beds_freed
    assert a.probability_ambition_met == b.probability_ambition_met
    assert not np.array_equal(a.national_draws, c.national_draws)
    assert a.beds_freed["p50"] != c.beds_freed["p50"]


def test_bands_are_ordered_and_council_median_is_baseline_without_money() -> None:
    r = run()
    assert (r.scenario_p10 <= r.scenario_p50 + 1e-12).all()
    assert (r.scenario_p50 <= r.scenario_p90 + 1e-12).all()
    assert r.beds_freed["p10"] < r.beds_freed["p50"] < r.beds_freed["p90"]
    still = run(cond=np.zeros(10))
    # Antithetic noise with one zero draw: the median of baseline x noise is the baseline.
    assert np.array_equal(still.scenario_p50, still.baseline_p50)
    assert (still.scenario_p10 < still.scenario_p90).all()


def test_noise_scale_zero_leaves_parameter_uncertainty_only() -> None:
    r = run(PARAMS.model_copy(update={"forecast_noise_scale": 0.0}), cond=np.zeros(10))
    assert np.array_equal(r.scenario_p10, r.baseline_p50)
    assert np.array_equal(r.scenario_p90, r.baseline_p50)
    assert (r.national_path["p10"] == r.national_path["p90"]).all()


def test_probability_of_ambition_follows_its_definition() -> None:
    # National baseline about sum of councils; an ambition far above is always met.
    easy = run(PARAMS.model_copy(update={"ambition_rate_per_100k": 30.0}), cond=np.zeros(10))
    total = float(np.nansum(PREP.baseline[:, :, 3], axis=0).mean())
    rate = total / ADULTS.sum() * 1e5
    assert rate < 30.0
    assert easy.probability_ambition_met == 1.0
    hard = run(PARAMS.model_copy(update={"ambition_rate_per_100k": 0.0}))
    assert hard.probability_ambition_met == 0.0


def test_distributions_are_centred_on_the_scenario_values() -> None:
    p = ProjectionParams(unit_cost_gbp_per_day=150.0, additionality=0.4)
    d = parameter_distributions(p)
    assert d["unit_cost_gbp_per_day"].distribution.median() == pytest.approx(150.0)
    assert d["additionality"].distribution.mean() == pytest.approx(0.4)
    assert set(d) == set(UNCERTAIN)
    edge = parameter_distributions(ProjectionParams(additionality=1.0, response_k=0.0))
    assert "additionality" not in edge and "response_k" not in edge


def test_draws_reproducible_and_fixed_when_at_the_edge() -> None:
    p = ProjectionParams(additionality=1.0)
    a = draw_parameters(p, 50, np.random.default_rng(3))
    b = draw_parameters(p, 50, np.random.default_rng(3))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert (a["additionality"] == 1.0).all()
    assert (a["unit_cost_gbp_per_day"] > 0).all()
    assert ((a["share_reaching_delayed"] > 0) & (a["share_reaching_delayed"] < 1)).all()


def test_sensitivity_ranges_bracket_the_value() -> None:
    p = ProjectionParams()
    for name, (low, high) in sensitivity_ranges(p).items():
        assert low <= float(getattr(p, name)) <= high, name
    assert sensitivity_ranges(p)["excess_bed_day_cost_gbp"] == (304.0, 313.0)


def test_noise_is_zero_for_a_flat_series_and_grows_with_volatility() -> None:
    flat = np.tile(np.array([4.0, 5.0, 6.0, 11.0]), (3, 84, 1))
    months = months_from("2011-04", 84)
    quiet = estimate_noise(flat, months, "persistence")
    assert quiet.origins  # the default origins are inside 2011-2018
    assert quiet.national_sd == 0.0 and (quiet.council_sd == 0).all()
    calm = estimate_noise(history(m=84, noise=0.03), months, "persistence")
    wild = estimate_noise(history(m=84, noise=0.15), months, "persistence")
    assert 0 < calm.national_sd < wild.national_sd
    assert (calm.council_sd[:, 3] < wild.council_sd[:, 3]).all()


def test_noise_is_zero_for_a_council_without_data() -> None:
    hist = history(m=84)
    hist[2] = np.nan
    noise = estimate_noise(hist, months_from("2011-04", 84), "persistence")
    assert (noise.council_sd[2] == 0).all() and noise.idiosyncratic_sd[2] == 0
    assert np.isfinite(noise.national_sd) and noise.national_sd > 0


def test_quantiles_match_numpy() -> None:
    rng = np.random.default_rng(0)
    for count in (1, 2, 7, 41, 1001):
        x = rng.normal(size=(3, 4, count))
        ours = _quantiles(x, (0.1, 0.5, 0.9))
        np.testing.assert_allclose(ours, np.quantile(x, [0.1, 0.5, 0.9], axis=-1), atol=1e-12)


def test_band_draws_are_odd() -> None:
    assert all(_band_draws(d) % 2 == 1 for d in range(1, 3000, 7))


def test_ten_thousand_draws_for_152_councils() -> None:
    rng = np.random.default_rng(11)
    n = 152
    hist = history(n=n, m=84, seed=11)
    months = months_from("2011-04", 84)
    adults = rng.uniform(5e4, 1e6, n)
    p = ProjectionParams(method="persistence", draws=10_000)
    prep = prepare_baseline(hist, months, adults, p)
    r = project(
        hist,
        months,
        adults,
        conditioned=np.where(np.arange(n) < 32, 1e6, 0.0),
        withheld=np.zeros(n),
        received=np.zeros(n),
        reviewed=np.arange(n) < 32,
        params=p,
        prepared=prep,
    )
    assert r.national_draws.shape == (10_000,)
    assert np.isfinite(r.scenario_p90).all()
