"""Calibration of the funding response to 2017/18: recovers a known k."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.calibration import calibrate_response, predicted_fall
from simulator.projection import ProjectionParams, days_in_month, month_label, month_number

MONTHS = [month_label(month_number("2015-04") + i) for i in range(36)]  # to 2018-03
WINDOW = MONTHS[24:33]  # 2017-04 .. 2017-12
PARAMS = ProjectionParams()  # unit cost £100, share 0.5, spend share 0.323, both 0.5


def synthetic(k: float, n: int = 25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Flat delays to March 2017, then each council's delays fall by what k predicts."""
    rng = np.random.default_rng(seed)
    sc = rng.uniform(2, 60, n)  # social care beds/day
    both = rng.uniform(0, 10, n)
    nhs = rng.uniform(5, 80, n)
    budget = rng.uniform(1e6, 2e7, n)
    days = days_in_month(WINDOW)
    money = 1_010_000_000 * budget / budget.sum() * days.sum() / 365
    x = money * 0.323 * 0.5 / 100.0  # days of care bought
    capacity = (sc + 0.5 * both) * days.sum()  # counterfactual affected days
    share = predicted_fall(k, x, capacity) / capacity  # same share every month
    hist = np.empty((n, 36, 4))
    for t in range(36):
        cut = share if 24 <= t < 33 else 0.0
        s = sc * (1 - cut)
        b = both * (1 - 0.5 * cut)  # the money reaches half of 'both' delays
        hist[:, t] = np.stack([s, s + b, nhs, s + b + nhs], axis=1)
    return hist, budget


@pytest.mark.parametrize("k", [0.02, 0.1, 0.5])
def test_recovers_a_known_k(k: float) -> None:
    hist, budget = synthetic(k)
    fit = calibrate_response(hist, MONTHS, budget, params=PARAMS, control="none")
    assert fit.estimate == pytest.approx(k, rel=1e-4)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-6)
    assert fit.rmse_days == pytest.approx(0.0, abs=1e-3)
    assert fit.window == ("2017-04", "2017-12")
    assert fit.n_councils == 25
    assert fit.observed_fall_beds == pytest.approx(fit.predicted_fall_beds, rel=1e-4)


def test_noisy_data_give_an_interval_around_the_truth() -> None:
    hist, budget = synthetic(0.1, n=80, seed=3)
    rng = np.random.default_rng(9)
    noisy = hist.copy()
    wiggle = rng.normal(1.0, 0.05, (80, 9))
    noisy[:, 24:33, 0] *= wiggle
    noisy[:, 24:33, 1] = noisy[:, 24:33, 0] + (hist[:, 24:33, 1] - hist[:, 24:33, 0])
    noisy[:, :, 3] = noisy[:, :, 1] + noisy[:, :, 2]
    fit = calibrate_response(noisy, MONTHS, budget, params=PARAMS, control="none")
    low, high = fit.interval
    assert 0 < low < fit.estimate < high
    assert low < 0.1 < high
    assert fit.standard_error > 0
    assert 0 < fit.r_squared < 1


def test_nhs_control_removes_a_system_wide_fall() -> None:
    # Every basis falls 10% from April 2017, money or not: the NHS-controlled fit finds
    # no money effect; the uncontrolled fit attributes the fall to the money.
    hist, budget = synthetic(0.0)
    hist[:, 24:33] *= 0.9
    controlled = calibrate_response(hist, MONTHS, budget, params=PARAMS, control="nhs")
    assert controlled.estimate == pytest.approx(0.0, abs=1e-6)
    naive = calibrate_response(hist, MONTHS, budget, params=PARAMS, control="none")
    assert naive.estimate > 0.01


def test_unknown_councils_are_left_out() -> None:
    hist, budget = synthetic(0.1)
    hist[3] = np.nan
    fit = calibrate_response(hist, MONTHS, budget, params=PARAMS, control="none")
    assert fit.n_councils == 24
    assert np.isnan(fit.observed_days[3]) and np.isfinite(fit.observed_days[4])
    assert fit.estimate == pytest.approx(0.1, rel=1e-4)


def test_summary_is_plain_numbers() -> None:
    hist, budget = synthetic(0.1)
    summary = calibrate_response(hist, MONTHS, budget, control="none").summary()
    assert summary["parameter"] == "response_k"
    assert summary["interval_low"] <= summary["estimate"] <= summary["interval_high"]
