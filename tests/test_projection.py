"""Projection: back-test scores, baseline forecasts and the funding response.

Expected numbers are worked out by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from simulator.assumptions import PARAMETER_NOTES, assumptions_register
from simulator.parameters import param_meta
from simulator.projection import (
    ATTRIBUTIONS,
    METHODS,
    PROJECTION_MONTHS,
    ProjectionParams,
    ProjectionResult,
    backtest,
    baseline_forecast,
    best_method,
    forecast,
    month_label,
    month_number,
    prepare_baseline,
    project,
    saturating_response,
    summarise_backtest,
    tornado,
)


def months_from(start: str, count: int) -> list[str]:
    return [month_label(month_number(start) + i) for i in range(count)]


def single_basis(y: np.ndarray) -> np.ndarray:
    """(councils, months) social care delays with no 'both' or NHS delays -> 4 bases."""
    zero = np.where(np.isnan(y), np.nan, 0.0)
    return np.stack([y, y, zero, y], axis=-1)


# --------------------------------------------------------------------------- back-test
# Council A: 10 beds/day for Jan-Dec 2016, then 14 (Jan 2017, the origin), 16, 13.
# Council B: exactly twice council A. Horizon 2: forecast Feb and Mar 2017.
Y_A = np.array([10.0] * 12 + [14.0, 16.0, 13.0])
TINY = single_basis(np.stack([Y_A, 2 * Y_A]))
TINY_MONTHS = months_from("2016-01", 15)


@pytest.fixture(scope="module")
def tiny_table() -> pd.DataFrame:
    table = backtest(
        TINY,
        TINY_MONTHS,
        origins=["2017-01"],
        methods=("naive", "persistence", "seasonal_naive"),
        horizon=2,
    )
    return table[table["attribution"] == "total"].set_index("method")


def test_backtest_persistence_by_hand(tiny_table: pd.DataFrame) -> None:
    row = tiny_table.loc["persistence"]
    # Forecast = mean of Nov, Dec, Jan = (10 + 10 + 14) / 3 = 11.3333 for both months.
    # Council A errors: 11.3333 - 16 = -4.6667, 11.3333 - 13 = -1.6667; MAE 3.1667.
    # Council B doubles everything: MAE 6.3333. Mean council MAE = 4.75.
    assert row["council_mae"] == pytest.approx(4.75)
    # MASE scale = mean |y_t - y_(t-12)| in sample = |14 - 10| = 4 (A), 8 (B):
    # both councils 3.1667 / 4 = 0.7917.
    assert row["council_mase"] == pytest.approx(0.791667, rel=1e-5)
    # National = 3 x council A: MAE 9.5, bias -9.5,
    # RMSE = 3 x sqrt((4.6667^2 + 1.6667^2) / 2) = 3 x 3.50397 = 10.5119, MASE 9.5 / 12.
    assert row["national_mae"] == pytest.approx(9.5)
    assert row["national_bias"] == pytest.approx(-9.5)
    assert row["national_rmse"] == pytest.approx(10.5119, rel=1e-4)
    assert row["national_mase"] == pytest.approx(0.791667, rel=1e-5)
    assert row["n_councils"] == 2


def test_backtest_naive_by_hand(tiny_table: pd.DataFrame) -> None:
    row = tiny_table.loc["naive"]
    # Forecast 14: errors -2, +1 -> MAE 1.5, RMSE sqrt(2.5) = 1.5811, bias -0.5, MASE 0.375.
    assert row["national_mae"] == pytest.approx(3 * 1.5)
    assert row["national_rmse"] == pytest.approx(3 * 1.581139, rel=1e-6)
    assert row["national_bias"] == pytest.approx(3 * -0.5)
    assert row["council_mase"] == pytest.approx(0.375)


def test_backtest_seasonal_naive_by_hand(tiny_table: pd.DataFrame) -> None:
    row = tiny_table.loc["seasonal_naive"]
    # Forecast = Feb and Mar 2016 = 10, 10: errors -6, -3 -> MAE 4.5, MASE 4.5 / 4 = 1.125.
    assert row["national_mae"] == pytest.approx(3 * 4.5)
    assert row["council_mase"] == pytest.approx(1.125)


def test_best_method_is_lowest_mean_score(tiny_table: pd.DataFrame) -> None:
    table = tiny_table.reset_index()
    full = pd.concat([table.assign(attribution=a) for a in ATTRIBUTIONS])
    assert best_method(full) == "naive"  # 0.375 < 0.79 < 1.125
    summary = summarise_backtest(full)
    assert summary["method"].tolist() == ["naive", "persistence", "seasonal_naive"]
    assert summary["rank"].tolist() == [1, 2, 3]


def test_backtest_default_origins_skip_those_without_data() -> None:
    assert backtest(TINY, TINY_MONTHS).empty


def test_backtest_rejects_an_origin_without_enough_history() -> None:
    with pytest.raises(ValueError, match="origin"):
        backtest(TINY, TINY_MONTHS, origins=["2016-06"], horizon=2)


# --------------------------------------------------------------------------- forecasts
def test_every_method_forecasts_12_months_of_2018_19() -> None:
    months = months_from("2015-04", 36)
    rng = np.random.default_rng(1)
    y = 20 + np.cumsum(rng.normal(0, 1, (3, 36)), axis=1)
    hist = np.stack([y * 0.4, y * 0.5, y * 0.5, y], axis=-1)
    for method in METHODS:
        out = baseline_forecast(hist, months, method)
        assert out.shape == (3, 12, 4)
        assert (out >= 0).all()
        # social care + both + NHS = total, in every forecast
        np.testing.assert_allclose(out[..., 1] + out[..., 2], out[..., 3], rtol=1e-12)


def test_seasonal_naive_repeats_last_year() -> None:
    months = months_from("2016-04", 24)
    y = np.arange(24, dtype=float)[None, :]
    out = baseline_forecast(single_basis(y), months, "seasonal_naive")
    # 2018-04 .. 2019-03 repeat 2017-04 .. 2018-03, the values 12 .. 23.
    assert out[0, :, 3].tolist() == list(range(12, 24))


def test_baseline_bridges_a_gap_and_ignores_later_months() -> None:
    y = np.full((1, 30), 5.0)
    early = baseline_forecast(single_basis(y), months_from("2015-06", 30), "naive")
    assert early.shape == (1, 12, 4) and (early[..., 3] == 5.0).all()
    later = np.concatenate([y, np.full((1, 3), 99.0)], axis=1)
    out = baseline_forecast(single_basis(later), months_from("2015-10", 33), "naive")
    assert (out[..., 3] == 5.0).all()  # 2018-04 onwards (99) is not used


def test_damped_trend_follows_a_straight_line() -> None:
    months = months_from("2015-04", 36)
    y = (10 + 0.5 * np.arange(36))[None, :]
    out = forecast(single_basis(y), months, "damped_trend", 3)[0, :, 3]
    # A noiseless line: the damped trend keeps rising, by less than 0.5 a month.
    assert y[0, -1] < out[0] < out[1] < out[2] < y[0, -1] + 1.5


def test_council_with_no_data_stays_unknown() -> None:
    months = months_from("2016-04", 24)
    y = np.full((2, 24), 3.0)
    y[1] = np.nan  # Isles of Scilly: reported within Cornwall
    hist = single_basis(y)
    for method in METHODS:
        out = baseline_forecast(hist, months, method)
        assert np.isnan(out[1]).all()
        assert (out[0] == out[0]).all()


def test_gaps_are_filled_for_fitting_not_zeroed() -> None:
    months = months_from("2016-04", 24)
    y = np.full((1, 24), 8.0)
    y[0, -2] = np.nan
    out = baseline_forecast(single_basis(y), months, "persistence")
    assert (out[..., 3] == 8.0).all()


# --------------------------------------------------------------------------- response
def test_saturating_response_caps_at_capacity() -> None:
    d = np.array([100.0])
    assert saturating_response(np.array([1e12]), d, 1.0)[0] == pytest.approx(100.0)
    assert saturating_response(np.array([1e12]), d, 1.0)[0] <= 100.0
    # Small purchases act at rate k: 1 day bought, k = 0.3 -> about 0.3 days avoided.
    assert saturating_response(np.array([1.0]), d, 0.3)[0] == pytest.approx(0.3, rel=2e-3)
    # A loss mirrors the gain.
    assert saturating_response(np.array([-50.0]), d, 1.0)[0] == pytest.approx(
        -saturating_response(np.array([50.0]), d, 1.0)[0]
    )
    assert saturating_response(np.array([5.0]), np.array([0.0]), 1.0)[0] == 0.0


# One council, constant: social care 10, both 4, NHS 6, total 20 beds/day.
ONE = np.tile(np.array([10.0, 14.0, 6.0, 20.0]), (1, 24, 1))
ONE_MONTHS = months_from("2016-04", 24)
HAND = ProjectionParams(
    method="persistence",
    draws=0,
    share_reaching_delayed=0.5,
    unit_cost_gbp_per_day=100.0,
    additionality=1.0,
    withheld_response=1.0,
    response_k=1.0,
    both_share_affected=0.5,
)
NONE = np.zeros(1)


def run_one(**money: object) -> ProjectionResult:
    args: dict[str, object] = {
        "conditioned": NONE,
        "withheld": NONE,
        "received": NONE,
        "reviewed": np.array([False]),
        "params": HAND,
    }
    args.update(money)
    return project(ONE, ONE_MONTHS, np.array([100_000.0]), **args)  # type: ignore[arg-type]


def test_conditioned_money_by_hand() -> None:
    # Affected delays D = (10 + 0.5 x 4) x 365 = 4,380 days.
    # £876,000 x additionality 1 x share 0.5 / £100 = 4,380 days bought: k·x/D = 1.
    # Share removed g = 1 - e^-1 = 0.632121.
    r = run_one(conditioned=np.array([876_000.0]))
    g = 1 - math.exp(-1)
    s = r.scenario_p50[0, 0]
    assert s[0] == pytest.approx(10 * math.exp(-1))  # 3.678794
    assert s[1] == pytest.approx(14 - g * 12)  # 10e^-1 + 4(1 - g/2) = 6.414553
    assert s[2] == 6.0  # NHS unchanged
    assert s[3] == pytest.approx(20 - g * 12)  # 12.414553
    assert r.beds_freed["p50"] == pytest.approx(12 * g)
    assert r.delayed_days_avoided == pytest.approx(12 * g * 365)
    # 2,768.69 days x £313 = £866,599
    assert r.nhs_value_gbp == pytest.approx(12 * g * 365 * 313)
    # Ambition: 9.4 per 100k x 100,000 adults = 9.4 beds/day; 12.41 > 9.4: not met.
    assert r.ambition_beds == pytest.approx(9.4)
    assert r.probability_ambition_met == 0.0
    # Bands collapse without draws.
    assert np.array_equal(r.scenario_p10, r.scenario_p90)


def test_withheld_money_is_a_symmetric_loss() -> None:
    # Same £876,000 withheld at response 1: g = -(1 - e^-1); social care 10(2 - e^-1).
    r = run_one(withheld=np.array([876_000.0]))
    assert r.scenario_p50[0, 0, 0] == pytest.approx(10 * (2 - math.exp(-1)))
    assert r.beds_freed["p50"] == pytest.approx(-12 * (1 - math.exp(-1)))


def test_incentive_effect_by_hand() -> None:
    # Reviewed, incentive 10%, no money: social care 9, total 20 - 0.1 x 12 = 18.8.
    p = HAND.model_copy(update={"incentive_effect_pct": 10.0})
    r = run_one(reviewed=np.array([True]), params=p)
    assert r.scenario_p50[0, 0].tolist() == pytest.approx([9.0, 12.8, 6.0, 18.8])
    unreviewed = run_one(params=p)
    assert np.array_equal(unreviewed.scenario_p50, unreviewed.baseline_p50)


def test_huge_money_cannot_push_delays_below_zero_and_meets_ambition() -> None:
    r = run_one(conditioned=np.array([1e15]))
    s = r.scenario_p50[0, 0]
    # Everything affected is removed: social care 0, both 4 x 0.5 = 2, total 8 <= 9.4.
    assert s.tolist() == pytest.approx([0.0, 2.0, 6.0, 8.0])
    assert r.probability_ambition_met == 1.0


# --------------------------------------------------------------------------- identity, properties
def synthetic(n: int = 8, months: int = 36, seed: int = 3) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    level = rng.uniform(2, 40, n)[:, None] * np.exp(np.cumsum(rng.normal(0, 0.08, (n, months)), 1))
    sc, both, nhs = 0.4 * level, 0.1 * level, 0.5 * level
    hist = np.stack([sc, sc + both, nhs, sc + both + nhs], axis=-1)
    hist[-1] = np.nan  # a council reported within another
    return hist, months_from(month_label(month_number("2018-03") - months + 1), months)


SYN, SYN_MONTHS = synthetic()
SYN_ADULTS = np.full(8, 200_000.0)
SYN_PARAMS = ProjectionParams(draws=41, method="persistence")
SYN_PREP = prepare_baseline(SYN, SYN_MONTHS, SYN_ADULTS, SYN_PARAMS)


def syn_project(
    cond: np.ndarray, wh: np.ndarray, rec: np.ndarray, rev: np.ndarray
) -> ProjectionResult:
    return project(
        SYN,
        SYN_MONTHS,
        SYN_ADULTS,
        conditioned=cond,
        withheld=wh,
        received=rec,
        reviewed=rev,
        params=SYN_PARAMS,
        prepared=SYN_PREP,
    )


@pytest.mark.parametrize("draws", [0, 41])
def test_no_money_is_the_identity(draws: int) -> None:
    zero = np.zeros(8)
    p = SYN_PARAMS.model_copy(update={"draws": draws, "incentive_effect_pct": 5.0})
    r = project(
        SYN,
        SYN_MONTHS,
        SYN_ADULTS,
        conditioned=zero,
        withheld=zero,
        received=zero,
        reviewed=np.zeros(8, dtype=bool),
        params=p,
        prepared=SYN_PREP,
    )
    assert np.array_equal(r.scenario_p50, r.baseline_p50, equal_nan=True)
    assert np.array_equal(r.baseline_p50, SYN_PREP.baseline, equal_nan=True)
    assert r.beds_freed == {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    assert r.delayed_days_avoided == 0.0 and r.nhs_value_gbp == 0.0
    assert (r.national_draws == 0).all()
    assert np.array_equal(r.national_path["p50"], r.national_path["baseline"])
    assert np.isnan(r.scenario_p10[-1]).all()  # unknown stays unknown, never 0


money = st.lists(st.floats(0, 5e6), min_size=8, max_size=8).map(np.array)


@settings(max_examples=30, deadline=None)
@given(
    cond=money,
    extra=money,
    wh=money,
    rec=money,
    rev=st.lists(st.booleans(), min_size=8, max_size=8).map(np.array),
)
def test_more_conditioned_money_never_increases_delays(
    cond: np.ndarray, extra: np.ndarray, wh: np.ndarray, rec: np.ndarray, rev: np.ndarray
) -> None:
    low = syn_project(cond, wh, rec, rev)
    high = syn_project(cond + extra, wh, rec, rev)
    for band in ("scenario_p10", "scenario_p50", "scenario_p90"):
        a, b = getattr(low, band), getattr(high, band)
        ok = np.isfinite(a)
        assert (b[ok] <= a[ok] * (1 + 1e-12) + 1e-12).all()
        assert (b[ok] >= 0).all()
    for q in ("p10", "p50", "p90"):
        assert high.beds_freed[q] >= low.beds_freed[q] - 1e-9
    assert (high.national_path["p50"] <= low.national_path["p50"] + 1e-9).all()


@settings(max_examples=15, deadline=None)
@given(wh=money, rec=money)
def test_delays_never_negative_and_at_most_double(wh: np.ndarray, rec: np.ndarray) -> None:
    r = syn_project(rec * 100, wh * 100, rec, np.ones(8, dtype=bool))
    ok = np.isfinite(r.scenario_p50)
    assert (r.scenario_p10[ok] >= 0).all()
    r = syn_project(np.zeros(8), wh * 100, np.zeros(8), np.zeros(8, dtype=bool))
    central = ProjectionParams(method="persistence", draws=0)
    r = project(
        SYN,
        SYN_MONTHS,
        SYN_ADULTS,
        conditioned=np.zeros(8),
        withheld=wh * 100,
        received=np.zeros(8),
        reviewed=np.zeros(8, dtype=bool),
        params=central,
        prepared=SYN_PREP,
    )
    b = SYN_PREP.baseline
    ok = np.isfinite(b)
    assert (r.scenario_p50[ok] <= 2 * b[ok] + 1e-9).all()
    assert (r.scenario_p50[ok] >= b[ok] - 1e-9).all()


# --------------------------------------------------------------------------- realistic shape
def test_realistic_152_councils_runs_fast_and_keeps_shapes() -> None:
    rng = np.random.default_rng(7)
    n, m = 152, 84
    months = months_from("2011-04", m)
    level = rng.lognormal(2.5, 0.8, n)[:, None] * np.exp(np.cumsum(rng.normal(0, 0.07, (n, m)), 1))
    sc = np.round(level * 0.35, 1)
    both = np.round(level * 0.08, 1)
    nhs = np.round(level * 0.57, 1)
    hist = np.stack([sc, sc + both, nhs, sc + both + nhs], axis=-1)
    hist[7] = np.nan
    hist[20, 30:33, :3] = np.nan
    adults = rng.uniform(5e4, 1e6, n)
    cond = np.where(np.arange(n) % 5 == 0, 1e6, 0.0)
    r = project(
        hist,
        months,
        adults,
        conditioned=cond,
        withheld=np.zeros(n),
        received=np.zeros(n),
        reviewed=cond > 0,
        params=ProjectionParams(draws=2000),
    )
    assert r.method in METHODS
    assert r.months == PROJECTION_MONTHS
    assert r.scenario_p50.shape == (n, 12, 4)
    assert np.isnan(r.scenario_p50[7]).all() and np.isfinite(r.scenario_p50[8]).all()
    assert r.beds_freed["p10"] <= r.beds_freed["p50"] <= r.beds_freed["p90"]
    assert r.beds_freed["p50"] > 0
    assert 0.0 <= r.probability_ambition_met <= 1.0
    assert r.national_draws.shape == (2000,)
    assert list(r.national_path.columns[:1]) == ["month"]
    assert {"baseline", "p10", "p50", "p90", "ambition"} <= set(r.national_path.columns)
    assert r.backtest is not None and set(r.backtest["method"]) == set(METHODS)
    tidy = r.per_council()
    assert len(tidy) == n * 12 * 4
    assert list(tidy.columns) == [
        "council_index",
        "month",
        "attribution",
        "baseline_beds_p50",
        "scenario_beds_p10",
        "scenario_beds_p50",
        "scenario_beds_p90",
    ]
    row = tidy[(tidy.council_index == 5) & (tidy.month == "2018-07") & (tidy.attribution == "nhs")]
    assert row["scenario_beds_p50"].item() == r.scenario_p50[5, 3, 2]


def test_tornado_ranks_parameters_by_swing() -> None:
    cond = np.where(np.arange(8) < 4, 2e6, 0.0)
    table = tornado(
        SYN,
        SYN_MONTHS,
        SYN_ADULTS,
        conditioned=cond,
        withheld=np.zeros(8),
        received=np.zeros(8),
        reviewed=cond > 0,
        params=SYN_PARAMS,
    )
    assert table["swing"].is_monotonic_decreasing
    k = table.set_index("parameter").loc["response_k"]
    assert k["beds_freed_high"] > k["beds_freed_base"] > k["beds_freed_low"] > 0
    cost = table.set_index("parameter").loc["excess_bed_day_cost_gbp"]
    assert cost["swing"] == 0 and cost["nhs_value_high"] > cost["nhs_value_low"]
    # received money is zero here, so its response cannot matter
    assert table.set_index("parameter").loc["received_response", "swing"] == 0


# --------------------------------------------------------------------------- parameters
def test_params_are_strict_and_frozen() -> None:
    with pytest.raises(ValidationError, match="extra"):
        ProjectionParams(unknown=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="less than or equal"):
        ProjectionParams(additionality=1.5)
    with pytest.raises(ValidationError):
        ProjectionParams(method="crystal_ball")
    with pytest.raises(ValidationError, match="frozen"):
        ProjectionParams().draws = 5  # type: ignore[misc]


def test_every_numeric_parameter_has_unit_range_and_source() -> None:
    for name, info in ProjectionParams.model_fields.items():
        if info.annotation in (int, float):
            meta = param_meta(ProjectionParams, name)
            assert meta["unit"] and meta["source"] and meta["description"], name
            assert meta["ge"] is not None and meta["le"] is not None, name
            assert meta["ge"] <= meta["default"] <= meta["le"], name


def test_assumptions_register_covers_every_parameter_and_the_data() -> None:
    reg = assumptions_register()
    assert set(PARAMETER_NOTES) == set(ProjectionParams.model_fields)
    assert reg["id"].is_unique
    assert set(reg["quality"]) <= {"green", "amber", "red"}
    text = " ".join(reg["assumption"])
    for needle in ("COVID-19", "expectations", "revised", "Isles of Scilly"):
        assert needle in text
    assert reg.loc[reg["assumption"].str.startswith("Share of conditioned"), "value"].item() == (
        "0.677"
    )


def test_backtest_is_remembered_but_returned_as_a_copy() -> None:
    first = backtest(TINY, TINY_MONTHS, origins=["2017-01"], horizon=2)
    first.loc[:, "national_mae"] = -1.0
    again = backtest(TINY, TINY_MONTHS, origins=["2017-01"], horizon=2)
    assert (again["national_mae"] >= 0).all()
    changed = TINY.copy()
    changed[0, -1, :] += 1.0
    other = backtest(changed, TINY_MONTHS, origins=["2017-01"], horizon=2)
    assert not other["national_mae"].equals(again["national_mae"])
