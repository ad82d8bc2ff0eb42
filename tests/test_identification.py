"""The identification diagnostics of the 2017/18 fit: each pinned against a value
worked by hand or computed independently."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.inputs.data import Dataset
from simulator.projection.calibration import ThetaDesign, fit_theta, theta_design
from simulator.projection.identification import (
    Diagnostics,
    bootstrap_theta,
    fit_unbounded,
    free_common_shock,
    identification,
    ols_through_origin,
)


# ------------------------------------------------------------------ a toy worked by hand
def test_ols_through_origin_on_three_points_by_hand() -> None:
    """y = (1, 2, 2), z = (1, 1, 2), clusters (a, a, b).
    θ = Σzy/Σz² = 7/6; residuals -1/6, 5/6, -1/3; SSR = 5/6.
    Classical: s² = SSR/(n - 1) = 5/12, se = √(s²/Σz²) = √(5/72).
    HC1: n/(n - 1)·Σz²e²/(Σz²)² = 1.5·(42/36)/36, se = √0.0486111.
    Cluster: scores a: 1·(-1/6) + 1·(5/6) = 2/3, b: 2·(-1/3) = -2/3; meat 8/9;
    correction G/(G - 1)·(N - 1)/(N - K) = 2; V = 2·(8/9)/6² = 4/81, se = 2/9."""
    f = ols_through_origin(
        np.array([1.0, 2.0, 2.0]), np.array([1.0, 1.0, 2.0]), np.array(["a", "a", "b"])
    )
    assert f.theta == pytest.approx(7 / 6)
    assert f.se_classical == pytest.approx(np.sqrt(5 / 72))
    assert f.se_hc1 == pytest.approx(np.sqrt(1.5 * (42 / 36) / 36))
    assert f.se_cluster == pytest.approx(2 / 9)
    assert (f.n, f.clusters) == (3, 2)


def _toy_design(cf: np.ndarray, actual: np.ndarray, z: np.ndarray) -> ThetaDesign:
    """A design whose capacity is so large that the response is linear: f = θ·z."""
    n = len(cf)
    return ThetaDesign(
        counterfactual=cf,
        actual=actual,
        counterfactual_nhs=np.full(n, 100.0),
        actual_nhs=np.full(n, 90.0),
        care=z,
        capacity=np.full(n, 1e12),
        lagged=np.ones(n),
        valid=np.ones(n, dtype=bool),
        nhs_ok=np.ones(n, dtype=bool),
        days=365.0,
        window=("2017-04", "2018-03"),
    )


def test_free_common_shock_recovers_a_known_fall_and_theta() -> None:
    """counterfactual − actual = 0.02·counterfactual + 50·z exactly: α 0.02, θ 50."""
    cf = np.array([1000.0, 2000.0, 1500.0, 800.0])
    z = np.array([1.0, 3.0, 0.5, 2.0])
    actual = cf - (0.02 * cf + 50 * z)
    alpha, theta = free_common_shock(_toy_design(cf, actual, z))
    assert alpha == pytest.approx(0.02, abs=1e-9)
    assert theta == pytest.approx(50.0, rel=1e-6)


def test_the_unbounded_fit_keeps_a_negative_theta() -> None:
    """y = -30·z exactly; the model's own fit would stop at 0."""
    z = np.array([1.0, 2.0, 3.0])
    d = _toy_design(np.zeros(3), np.zeros(3), z)
    theta, _ = fit_unbounded(d, -30 * z, np.arange(3))
    assert theta == pytest.approx(-30.0, rel=1e-6)


def test_the_bootstrap_re_estimates_the_control_in_each_sample() -> None:
    """Every council's NHS delays fell 10%, so every resample's control is 10%:
    y = cf − actual − 0.1·cf = 40·z exactly, and every bootstrap θ is 40."""
    cf = np.array([1000.0, 2000.0, 1500.0, 800.0])
    z = np.array([1.0, 3.0, 0.5, 2.0])
    actual = cf - 0.1 * cf - 40 * z
    boot = bootstrap_theta(_toy_design(cf, actual, z), draws=50, seed=1)
    np.testing.assert_allclose(boot, 40.0, rtol=1e-6)


# ------------------------------------------------------------------ the bundled data
@pytest.fixture(scope="module")
def inputs(dataset: Dataset) -> dict:
    councils = dataset.councils.set_index("gss_code").loc[list(dataset.codes)]
    return {
        "history": dataset.dtoc_beds,
        "months": dataset.months,
        "money_gbp": dataset.money_2017_18,
        "regions": councils["region"].to_numpy(),
        "names": councils["council"].to_numpy(),
    }


@pytest.fixture(scope="module")
def diag(inputs: dict) -> Diagnostics:
    return identification(**inputs, bootstrap_draws=400)


def test_theta_and_classical_se_are_the_fit_of_the_evidence_set(inputs, diag) -> None:
    """The refit equals fit_theta's (bounded, by scipy least_squares) when θ > 0, and
    the classical s.e. from statsmodels equals fit_theta's own formula."""
    fit = fit_theta(inputs["history"], inputs["months"], inputs["money_gbp"], control="nhs")
    assert diag.fit.theta == pytest.approx(fit.estimate, rel=1e-4)
    assert diag.fit.se_classical == pytest.approx(fit.standard_error, rel=1e-4)
    assert diag.r_squared == pytest.approx(fit.r_squared, abs=1e-6)


def test_robust_standard_errors_by_numpy(inputs, diag) -> None:
    """HC1 = √(n/(n−1)·ΣJ²r²)/ΣJ² and the region-clustered one by hand from the
    Jacobian J = lagged·m·exp(−θm/D) and residuals r, with numpy."""
    from simulator.projection.response import saturating_response

    d = theta_design(inputs["history"], inputs["months"], inputs["money_gbp"])
    v = d.valid
    theta = diag.fit.theta
    y = d.observed(d.nhs_fall())[v]
    m, cap, lag = d.care[v], d.capacity[v], d.lagged[v]
    jac = lag * m * np.exp(-theta * m / cap)
    r = y - lag * saturating_response(m, cap, theta)
    n, jj = len(y), float(jac @ jac)
    assert diag.fit.se_hc1 == pytest.approx(np.sqrt(n / (n - 1) * (jac**2 @ r**2)) / jj)
    regions = inputs["regions"][v]
    scores = np.array([(jac * r)[regions == g].sum() for g in np.unique(regions)])
    g = len(scores)
    v_cluster = g / (g - 1) * (n - 1) / (n - 1) * float(scores @ scores) / jj**2
    assert diag.fit.se_cluster == pytest.approx(np.sqrt(v_cluster))
    assert diag.fit.clusters == 9


def test_the_imposed_control_at_the_measured_fall_is_the_estimate(diag) -> None:
    """14% is the measured 14.005% rounded: its θ is within 1% of the estimate, and a
    larger imposed fall leaves less for the money."""
    assert diag.nhs_control_pct == pytest.approx(14.005, abs=1e-3)
    assert diag.controls[14.0] == pytest.approx(diag.fit.theta, rel=0.01)
    assert diag.controls[12.0] > diag.controls[14.0] > diag.controls[16.0]


def test_leaving_a_region_out_is_the_fit_without_its_councils(inputs, diag) -> None:
    """Blanking the South East's delays and refitting gives its leave-one-out θ."""
    history = inputs["history"].copy()
    history[inputs["regions"] == "South East"] = np.nan
    again = identification(**{**inputs, "history": history}, bootstrap_draws=2)
    assert diag.leave_region_out["South East"] == pytest.approx(again.fit.theta, rel=1e-6)


def test_a_placebo_year_is_the_same_fit_a_year_with_no_money(inputs, diag) -> None:
    """2013/14 (origin March 2013), fitted by fit_theta's own code: θ > 0 there, so the
    bounded fit and the unbounded refit agree."""
    fit = fit_theta(
        inputs["history"],
        inputs["months"],
        inputs["money_gbp"],
        origin="2013-03",
        window_end="2014-03",
        control="nhs",
    )
    assert set(diag.placebo) == {"2013/14", "2014/15", "2015/16", "2016/17"}
    assert diag.placebo["2013/14"] == pytest.approx(fit.estimate, rel=1e-4)


def test_year_on_year_counts_the_fall_from_the_same_months_a_year_before(inputs) -> None:
    d = theta_design(
        inputs["history"], inputs["months"], inputs["money_gbp"], counterfactual="last_year"
    )
    m = inputs["months"]
    i = m.index("2016-04")
    days = np.array([30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31], dtype=float)  # 2016/17
    expected = inputs["history"][:, i : i + 12, 3] @ days
    ok = d.valid
    np.testing.assert_allclose(d.counterfactual[ok], expected[ok])


def test_influence_shares_are_each_councils_part_of_the_sum(inputs, diag) -> None:
    d = theta_design(inputs["history"], inputs["months"], inputs["money_gbp"])
    v = d.valid
    zy = (d.lagged * d.care * d.observed(d.nhs_fall()))[v]
    names = inputs["names"][v]
    top = diag.influential[0]
    assert top["share_of_sum_zy"] == pytest.approx(zy[names == top["council"]][0] / zy.sum())
    assert abs(top["share_of_sum_zy"]) == pytest.approx(np.abs(zy / zy.sum()).max())


def test_the_bootstrap_is_seeded_and_brackets_the_estimate(inputs, diag) -> None:
    d = theta_design(inputs["history"], inputs["months"], inputs["money_gbp"])
    a = bootstrap_theta(d, draws=100, seed=3)
    b = bootstrap_theta(d, draws=100, seed=3)
    np.testing.assert_array_equal(a, b)
    assert diag.bootstrap_p2_5 < diag.fit.theta < diag.bootstrap_p97_5


def test_the_fit_sets_caveat_states_what_the_diagnostics_show(diag: Diagnostics) -> None:
    """Every figure and word of the 2017/18 fit's caveat, held to the diagnostics it
    summarises: a fresh run of the diagnostics that no longer supports a phrase fails."""
    from simulator.projection.evidence import evidence_set

    caveat = evidence_set("fit_2017_18").caveat
    # "letting the data choose the common fall, counting falls year on year, or a 16%
    # control give θ below 0"
    assert diag.free_shock_theta < 0 and diag.year_on_year_theta < 0
    assert diag.controls[16.0] < 0 and "16% control give θ below 0" in caveat
    # "leaving one region out moves it from 190 to 561" (whole days per £1m)
    lro = diag.leave_region_out.values()
    assert f"from {min(lro):.0f} to {max(lro):.0f}" in caveat
    # "the same design in 2013/14, with no iBCF money, gives more than twice the estimate"
    assert diag.placebo["2013/14"] > 2 * diag.fit.theta and "2013/14" in caveat
    assert "more than twice the estimate" in caveat
    # "the robust standard error is two thirds larger than the classical one": a ratio
    # of 1.6 to 1.7 reads as two thirds larger
    assert 1.6 <= diag.fit.se_hc1 / diag.fit.se_classical < 1.7
    assert "two thirds larger" in caveat
    # "one council carries nearly three quarters of the cross-product": 0.70 to 0.75
    assert 0.70 <= abs(diag.influential[0]["share_of_sum_zy"]) < 0.75
    assert "nearly three quarters" in caveat
    # "R² 0.004"
    assert f"R² {diag.r_squared:.3f}" in caveat
