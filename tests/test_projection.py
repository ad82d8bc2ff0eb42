"""The projection: bands that cover what they claim, evidence sets that come from their
sources, the response's arithmetic and the words of its headlines."""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd
import pytest

from simulator.inputs.data import Dataset
from simulator.projection import (
    EVIDENCE_SETS,
    ProjectionParams,
    prepare_baseline,
    project,
    status_quo_change_gbp,
)
from simulator.projection.backtest import (
    DEFAULT_ORIGINS,
    band_scores,
    coverage_table,
    error_paths,
    national_band_hits,
    pooled_quantiles,
)
from simulator.projection.evidence import FIT_2017_18, GAUGHAN_THETA
from simulator.projection.montecarlo import run_monte_carlo
from simulator.projection.response import care_bought_gbpm, lag_ramp, saturating_response
from simulator.reports.backtest import calibration_figures
from simulator.reports.words import beds_text, headline_lines


@pytest.fixture(scope="module")
def paths(dataset: Dataset):
    return error_paths(dataset.dtoc_beds, dataset.months, "persistence")


@pytest.fixture(scope="module")
def figures(dataset: Dataset) -> dict[str, float]:
    alloc = dataset.allocation_by_element
    return calibration_figures(
        dataset.dtoc_beds,
        dataset.months,
        alloc["original"],
        alloc["spring_budget"],
        dataset.money_2017_18,
    )


def _days(month: str) -> int:
    y, m = map(int, month.split("-"))
    return calendar.monthrange(y, m)[1]


# ------------------------------------------------------------------ honest bands
def test_small_council_coverage_within_5_points_of_overall(paths) -> None:
    """The 0.2.0 bands covered small councils' social care far less than 80%."""
    bands = band_scores(paths, DEFAULT_ORIGINS)
    for attribution in ("social_care", "total"):
        part = bands[bands["attribution"] == attribution]
        overall = part["covered"].sum() / part["n"].sum()
        small = part[part["tercile"] == "small"]
        assert abs(small["covered"].sum() / small["n"].sum() - overall) <= 0.05
        assert 0.77 <= overall <= 0.83


def test_every_horizon_group_covers_about_80_percent(paths) -> None:
    table = coverage_table(
        band_scores(paths, DEFAULT_ORIGINS).assign(method="p"), ("attribution", "horizon")
    )
    assert table["coverage"].between(0.77, 0.83).all(), table


def test_the_old_bands_undercover_the_first_months(paths) -> None:
    """The regression the new bands fix: 0.2.0's √h bands were too narrow early on."""
    old = coverage_table(
        band_scores(paths, DEFAULT_ORIGINS, old=True).assign(method="old"), ("horizon",)
    )
    assert float(old.loc[old["horizon"] == "1-3", "coverage"].iloc[0]) < 0.77


def test_interval_score_at_least_3_percent_better_than_the_old_bands(paths) -> None:
    new = band_scores(paths, DEFAULT_ORIGINS)
    old = band_scores(paths, DEFAULT_ORIGINS, old=True)
    for attribution in ("social_care", "total"):
        a = new[new["attribution"] == attribution]
        b = old[old["attribution"] == attribution]
        score_new = a["interval_score"].sum() / a["n"].sum()
        score_old = b["interval_score"].sum() / b["n"].sum()
        assert score_new <= 0.97 * score_old, attribution


def test_national_average_inside_its_band_at_7_of_9_origins(paths) -> None:
    hits = national_band_hits(paths, DEFAULT_ORIGINS)
    for attribution in ("social_care", "total"):
        assert hits[hits["attribution"] == attribution]["inside"].sum() >= 7, attribution


def test_a_band_is_never_scored_on_its_own_errors(paths) -> None:
    """Changing the actuals of one origin moves no quantile used to score it."""
    j = paths.index("2015-03")
    bands = band_scores(paths, ["2015-03"])
    keep = np.abs(np.arange(len(paths.origins)) - j) >= 12
    assert not keep[j - 11 : j + 12].any()
    assert bands["n"].sum() > 0


def test_combination_bands_cover_77_to_83_percent_everywhere(dataset: Dataset) -> None:
    """The published (centred) bands of the default method, every horizon group and
    size tercile, total and social care."""
    comb = error_paths(dataset.dtoc_beds, dataset.months, "combination")
    bands = band_scores(comb, DEFAULT_ORIGINS).assign(method="combination")
    for by in (("attribution", "horizon"), ("attribution", "tercile")):
        table = coverage_table(bands, by)
        assert table["coverage"].between(0.77, 0.83).all(), table


def test_centred_quantiles_put_the_median_on_the_point_forecast(paths) -> None:
    """Centred, the median of every cell is 0 and P10 < 0 < P90; uncentred, the small
    councils' median error is positive (the drift centring removes)."""
    q = pooled_quantiles(paths.errors, paths.terciles, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(q[1], 0.0, atol=1e-12)
    assert (q[0] < 0).all() and (q[2] > 0).all()
    raw = pooled_quantiles(paths.errors, paths.terciles, (0.5,), centred=False)
    assert raw[0, 0, -1, 3] > 0.05  # small councils, 12 months ahead, total


# ------------------------------------------------------------------ calibration figures
def test_national_falls_match_plain_arithmetic(dataset: Dataset, figures) -> None:
    """2017/18 against 2016/17, delayed days summed over councils, from the CSV's months."""
    m = dataset.months
    i = m.index("2017-04")

    def days(part: int, lo: int, hi: int) -> float:
        total = 0.0
        for k in range(lo, hi):
            total += np.nansum(dataset.dtoc_beds[:, k, part]) * _days(m[k])
        return total

    for part, key in ((1, "social_care_and_both_pct"), (2, "nhs_pct"), (3, "total_pct")):
        expected = 100 * (days(part, i, i + 12) / days(part, i - 12, i) - 1)
        assert figures[key] == pytest.approx(expected, abs=1e-9)
    assert figures["nhs_pct"] == pytest.approx(-12.7, abs=0.05)


def test_published_conversions(figures) -> None:
    assert figures["money_2017_18_gbpm"] == pytest.approx(1115.0)  # £105m + £1,010m
    assert figures["cash_releasing_gbp_per_day"] == pytest.approx(173 / 2.3)  # CBP-7415
    assert figures["forder_bound"] == pytest.approx(350_000 / 313)  # £0.35 per £1, £313


def test_gaughan_set_follows_from_its_citation(figures) -> None:
    """6% at £120 a day and 9% at £85, of the mean council's social care delayed days,
    per £m of 250 beds for a year."""
    mean_days = figures["mean_social_care_days_per_council_2017_18"]
    assert figures["gaughan_theta_low"] == pytest.approx(0.06 * mean_days / (250 * 365 * 120 / 1e6))
    assert figures["gaughan_theta_high"] == pytest.approx(0.09 * mean_days / (250 * 365 * 85 / 1e6))
    assert (
        round(figures["gaughan_theta_low"], 1),
        round(figures["gaughan_theta_high"], 1),
    ) == GAUGHAN_THETA


def test_evidence_sets_are_the_calibrated_figures(figures) -> None:
    assert round(figures["theta_nhs"]) == FIT_2017_18[0]
    assert round(figures["theta_nhs_se"]) == FIT_2017_18[1]
    assert EVIDENCE_SETS["no_effect"].median() == 0.0
    medians = [EVIDENCE_SETS[k].median() for k in ("no_effect", "low", "central", "fit_2017_18")]
    assert medians == sorted(medians)


def test_every_evidence_set_has_a_citation_and_a_derivation() -> None:
    for s in EVIDENCE_SETS.values():
        assert s.citation and s.derivation


# ------------------------------------------------------------------ response arithmetic
def test_status_quo_change_is_384m_nationally() -> None:
    """£825m - £105m + £674m - £1,010m = £384m, whatever the shares: two councils with
    £574m and £925m in 2018/19 and £700m and £415m in 2017/18 change by -£126m and £510m."""
    orig = np.array([500.0, 325.0]) * 1e6
    sb = np.array([74.0, 600.0]) * 1e6
    change = status_quo_change_gbp(orig, sb, np.array([700.0, 415.0]) * 1e6)
    assert change.tolist() == pytest.approx([-126e6, 510e6])
    assert change.sum() == pytest.approx(384e6)


def test_status_quo_change_from_the_direct_2017_18_reconstruction(dataset: Dataset) -> None:
    """The 2018/19 baseline less the 2017/18 reconstruction: £1,499m - £1,115m = £384m
    nationally, and a council's own change is its 2018/19 total less its 2017/18 money."""
    alloc = dataset.allocation_by_element
    change = status_quo_change_gbp(alloc["original"], alloc["spring_budget"], dataset.money_2017_18)
    assert change.sum() == pytest.approx(384e6)
    i = dataset.position("E10000008")
    recon = dataset.reconstruction
    assert recon is not None
    devon_2017_18 = recon.original["2017-18"][i] + recon.spring_budget["2017-18"][i]
    assert change[i] == alloc["original"][i] + alloc["spring_budget"][i] - devon_2017_18


def test_withheld_and_received_money_share_one_behaviour() -> None:
    """£1m withheld from one council and £1m received by another cancel out."""
    m = care_bought_gbpm(
        np.zeros(2), np.array([1e6, 0]), np.array([0, 1e6]), discharge_share=0.3, price_share=0.2
    )
    assert m.tolist() == pytest.approx([-0.24, 0.24])


def test_response_is_linear_when_small_and_capped() -> None:
    small = saturating_response(np.array([1e-6]), np.array([1e6]), 300.0)
    assert small[0] == pytest.approx(300.0 * 1e-6)
    assert saturating_response(np.array([1e9]), np.array([50.0]), 300.0)[0] == 50.0


def test_a_quarter_lag_removes_a_quarter_of_the_year() -> None:
    assert lag_ramp(np.array([3.0]))[0].sum() == 9.0


# ------------------------------------------------------------------ the projection
@pytest.fixture(scope="module")
def prepared(dataset: Dataset):
    alloc = dataset.allocation_by_element
    return prepare_baseline(
        dataset.dtoc_beds,
        dataset.months,
        dataset.adults,
        ProjectionParams(method="persistence"),
        status_quo_change=status_quo_change_gbp(
            alloc["original"], alloc["spring_budget"], dataset.money_2017_18
        ),
    )


def _run(dataset: Dataset, prepared, **money) -> object:
    n = len(dataset.adults)
    zero = np.zeros(n)
    args = {"conditioned": zero, "withheld": zero, "received": zero, "reviewed": zero > 1}
    args.update(money)
    params = ProjectionParams(method="persistence", draws=500, **money.pop("params", {}))
    return project(
        dataset.dtoc_beds,
        dataset.months,
        dataset.adults,
        params=params,
        prepared=prepared,
        **{k: v for k, v in args.items() if k != "params"},
    )


def test_no_money_frees_no_beds(dataset: Dataset, prepared) -> None:
    r = _run(dataset, prepared)
    assert r.beds_freed == {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    assert r.nhs_value_gbp == {"notional": 0.0, "cash_releasing": 0.0}
    assert beds_text(r.beds_freed).startswith("≈ nil")


def test_status_quo_money_lowers_the_baseline(dataset: Dataset, prepared) -> None:
    r = _run(dataset, prepared)
    central = np.nansum(r.baseline_p50[..., 3], axis=0)
    statistical = np.nansum(r.statistical_baseline[..., 3], axis=0)
    assert (central[3:] < statistical[3:]).all()  # after the central 3-month lag
    assert r.status_quo_beds > 0


def test_council_medians_add_up_to_the_national_central_forecast(
    dataset: Dataset, prepared
) -> None:
    """Status quo: the council P50s summed over councils are within 0.5% of the
    national central forecast every month, and the national point is that forecast."""
    r = _run(dataset, prepared)
    councils = np.nansum(r.scenario_p50[..., 3], axis=0)
    national = r.national_path["p50"].to_numpy()
    np.testing.assert_allclose(councils, national, rtol=0.005)
    np.testing.assert_allclose(r.national_path["baseline"], national, rtol=1e-12)
    assert (r.national_path["p10"] <= national).all() and (national <= r.national_path["p90"]).all()


def test_every_evidence_set_is_run_beside_the_chosen_one(dataset: Dataset, prepared) -> None:
    """Beds freed under every set, in order of θ; the chosen set's entry is the
    headline itself; no effect frees nothing."""
    from simulator.projection.evidence import evidence_sets

    n = len(dataset.adults)
    r = _run(dataset, prepared, conditioned=np.full(n, 1e6))
    assert list(r.beds_freed_by_set) == [s.name for s in evidence_sets()]
    assert r.beds_freed_by_set["central"] == r.beds_freed
    assert r.beds_freed_by_set["no_effect"] == {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    p50 = [r.beds_freed_by_set[k]["p50"] for k in ("low", "central", "fit_2017_18")]
    assert 0 < p50[0] < p50[1] < p50[2]
    councils = r.council_beds_by_set["central"]
    assert councils.sum() == pytest.approx(r.council_days.sum() / 365.0)
    from simulator.reports.views import council_evidence_frame, evidence_frame
    from simulator.reports.words import beds_figure

    frame = evidence_frame(r)
    assert list(frame["evidence set"]) == [
        "no effect",
        "low",
        "central (default) ← this scenario",
        "2017/18 fit, optimistic reading",
    ]
    assert frame["beds freed a day, P50"].tolist() == [
        beds_figure(r.beds_freed_by_set[k]["p50"])
        for k in ("no_effect", "low", "central", "fit_2017_18")
    ]
    card = council_evidence_frame(r, 0)
    assert card["beds freed a day (θ at the set's median)"].iloc[2] == beds_figure(councils[0])
    # The card gives each set's figures at the P10 and P90 of θ beside its median: θ of
    # the low set, uniform on 25.2 to 53.3, has P10 25.2 + 0.1 × 28.1 = 28.01 and P90
    # 50.49; each is the central path run with θ fixed there; no effect is 0 throughout.
    by_set = r.council_beds_by_set
    fixed = run_monte_carlo(
        prepared,
        conditioned=np.full(n, 1e6),
        withheld=np.zeros(n),
        received=np.zeros(n),
        reviewed=np.zeros(n, dtype=bool),
        params=ProjectionParams(method="persistence", draws=0),
        theta=28.01,
    )
    assert by_set["low:p10"] == pytest.approx(fixed.council_days / 365.0, rel=1e-9, abs=1e-12)
    assert card["with θ at the set's P10; at its P90"].iloc[0] == "0; 0"
    assert card["with θ at the set's P10; at its P90"].iloc[1] == (
        f"{beds_figure(by_set['low:p10'][0])}; {beds_figure(by_set['low:p90'][0])}"
    )
    from simulator.projection.evidence import evidence_set

    assert evidence_set("low").interval() == pytest.approx((28.01, 50.49))


def test_detectability_says_no_measurable_effect_with_both_numbers(
    dataset: Dataset, prepared
) -> None:
    from simulator.reports.words import detectability_lines, forecast_half_band

    n = len(dataset.adults)
    small = _run(dataset, prepared, conditioned=np.full(n, 1e6))
    half = forecast_half_band(small)
    lines = detectability_lines(small, np.arange(n) < 10)
    assert lines[0].startswith("No measurable effect on national delays")
    assert f"±{half:,.0f}" in lines[0] and "no evaluation could confirm it" in lines[0]
    assert lines[1].startswith("Selected councils (10)")
    big = _run(dataset, prepared, conditioned=np.full(n, 5e9))
    assert detectability_lines(big)[0].startswith("Measurable")


def test_selected_councils_holding_all_the_money_read_the_national_figure(
    dataset: Dataset, prepared
) -> None:
    """One estimator for both detectability lines: when only the selected councils get
    money, their figure is the national P50 itself (not the central path's sum, which
    differs from the median of the draws); when half of them, less than it."""
    from simulator.reports.words import beds_figure, default_effect, detectability_lines

    n = len(dataset.adults)
    sel = np.arange(n) < 20
    r = _run(dataset, prepared, conditioned=np.where(sel, 5e6, 0.0))
    national = default_effect(r)
    assert r.council_beds_by_set["central"][sel].sum() != pytest.approx(national, rel=1e-3)
    lines = detectability_lines(r, sel)
    assert lines[1].startswith(f"Selected councils (20): {beds_figure(national)} beds a day")
    half = np.arange(n) < 10
    share = r.council_beds_by_set["central"][half].sum() / r.council_beds_by_set["central"].sum()
    assert detectability_lines(r, half)[1].startswith(
        f"Selected councils (10): {beds_figure(national * share)} beds a day"
    )
    assert 0 < national * share < national


def test_zero_sum_scenario_says_gross_flows_first(dataset: Dataset, prepared) -> None:
    n = len(dataset.adults)
    withheld = np.zeros(n)
    received = np.zeros(n)
    withheld[0], received[1] = 5e6, 5e6
    r = _run(dataset, prepared, withheld=withheld, received=received)
    assert r.gross["beds_lost"] > 0 and r.gross["beds_gained"] > 0
    assert headline_lines(r)[0].startswith("Gross:")
    assert "central evidence holds" in headline_lines(r)[1]


def test_same_seed_same_numbers(dataset: Dataset, prepared) -> None:
    n = len(dataset.adults)
    cond = np.full(n, 1e6)
    a = _run(dataset, prepared, conditioned=cond)
    b = _run(dataset, prepared, conditioned=cond)
    assert a.beds_freed == b.beds_freed
    pd.testing.assert_frame_equal(a.national_path, b.national_path)
    assert a.beds_freed["p10"] > 0  # the central evidence: money conditioned frees beds


# ------------------------------------------------------------------ every parameter sourced
def test_every_projection_parameter_is_in_the_register_with_a_source() -> None:
    from simulator.reports.assumptions import assumptions_register

    register = assumptions_register()
    assert register["source"].str.len().gt(0).all()
    assert set(register["quality"]) <= {"green", "amber", "red"}
    flagged = register[register["id"].str.startswith("P")]
    assert len(flagged) == len(ProjectionParams.model_fields)


def test_price_and_lag_are_flagged_as_assumptions() -> None:
    from simulator.schema.base import param_meta

    for name in ("price_share", "lag_months", "both_share_affected", "incentive_effect_pct"):
        assert param_meta(ProjectionParams, name)["source"].startswith("Assumption:"), name
    assert ProjectionParams().incentive_effect_pct == 0.0


def test_backtest_report_has_every_table(dataset: Dataset) -> None:
    from simulator.reports.backtest import backtest_report

    text, tables = backtest_report(
        dataset.dtoc_beds, dataset.months, methods=("persistence", "combination")
    )
    assert "2013-03, 2013-09" in text and "2017-03" in text
    for words in ("council_wape", "council_mase", "national_wape", "national_mase"):
        assert words in text
    assert "| 1-3 | 4-6 | 7-9 | 10-12 | small | middle | large |" in text
    assert "| 0.2.0 | total |" in text and "interval_score" in text
    assert "combination 7/9" in text  # council WAPE no worse than persistence
    p50 = text.split("Published P50 against persistence")[1]
    rows = [line for line in p50.splitlines() if "| origins no worse |" in line]
    assert len(rows) == 2  # total and social care
    for row in rows:
        wins = int(row.rsplit("|", 2)[1].strip().split("/")[0])
        assert wins >= 6, row
    assert set(tables) == {"backtest_points", "backtest_bands", "backtest_national"}
    assert set(tables["backtest_points"]["origin"]) == set(DEFAULT_ORIGINS)


def test_the_fast_monte_carlo_shares_equal_the_readable_response() -> None:
    """The Monte Carlo's vectorised shares are effect(status quo + scenario) minus
    effect(status quo), as simulator.projection.response.effect_share says."""
    from simulator.projection.montecarlo import _inputs, _shares
    from simulator.projection.response import effect_share

    rng = np.random.default_rng(1)
    base = rng.uniform(0, 20, size=(4, 12, 4))
    base[..., 1] = base[..., 0] + 2.0
    base[..., 3] = base[..., 1] + base[..., 2]
    inp = _inputs(base)
    p = {
        "theta": np.array([300.0, 40.0]),
        "discharge_share": np.array([0.3, 0.4]),
        "price_share": np.array([0.25, 0.1]),
        "both_share_affected": np.array([0.5, 0.2]),
    }
    money = (np.array([1e6, 0, 0, 2e6]), np.array([0, 3e6, 0, 0]), np.array([0, 0, 5e5, 0]))
    sq = np.array([2e6, 1e6, 0.0, 3e6])
    inc = np.array([0.0, 0.0, 0.1, 0.0])
    g0, g, _, cap = _shares(inp, p, money, sq, inc)
    for d in range(2):
        kw = {"discharge_share": p["discharge_share"][d], "price_share": p["price_share"][d]}
        m0 = care_bought_gbpm(np.zeros(4), np.zeros(4), sq, **kw)
        ms = care_bought_gbpm(*money, **kw)
        want0 = effect_share(m0, cap[d], p["theta"][d])
        want = effect_share(m0 + ms, cap[d], p["theta"][d], inc) - want0
        np.testing.assert_allclose(g0[d], want0, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g[d], want, rtol=1e-12, atol=1e-15)
        # and by the closed form: 1 − exp(−θm/D), the incentive first on (1 − ι)·D
        theta, c = p["theta"][d], cap[d]
        closed0 = 1 - np.exp(-theta * m0 / c)
        m = m0 + ms
        closed = np.sign(m) * (1 - np.exp(-theta * np.abs(m) / ((1 - inc) * c)))
        np.testing.assert_allclose(g0[d], closed0, rtol=1e-12)
        np.testing.assert_allclose(g[d], inc + (1 - inc) * closed - closed0, rtol=1e-12)


def test_central_projection_with_no_money_is_the_baseline_and_more_money_helps(
    dataset: Dataset, prepared
) -> None:
    n = len(dataset.adults)
    zero = np.zeros(n)
    params = ProjectionParams(method="persistence", draws=0)

    def run(cond: np.ndarray):  # type: ignore[no-untyped-def]
        return project(
            dataset.dtoc_beds,
            dataset.months,
            dataset.adults,
            conditioned=cond,
            withheld=zero,
            received=zero,
            reviewed=zero > 1,
            params=params,
            prepared=prepared,
        )

    none = run(zero)
    np.testing.assert_array_equal(none.scenario_p50, none.baseline_p50)
    some, more = run(np.full(n, 1e6)), run(np.full(n, 5e6))
    assert 0 < some.beds_freed["p50"] < more.beds_freed["p50"]
    assert (np.nan_to_num(more.scenario_p50) <= np.nan_to_num(some.scenario_p50) + 1e-9).all()
    assert (np.nan_to_num(more.scenario_p50) >= 0).all()


@pytest.mark.process
def test_the_projection_table_is_declared_without_numpy_pandas_or_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, simulator.schema.projection; "
        "print(sorted(m for m in ('numpy', 'pandas', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fill_gaps_fills_forward_then_backward_council_by_council() -> None:
    from simulator.projection.forecast import fill_gaps

    x = np.array(
        [
            [[1.0, 2.0], [np.nan, 3.0], [4.0, np.nan]],  # gaps in both parts
            [[5.0, 6.0], [7.0, 8.0], [9.0, 10.0]],  # no gap: untouched
            [[np.nan, np.nan], [np.nan, np.nan], [np.nan, np.nan]],  # unknown stays unknown
            [[np.nan, 1.0], [2.0, 1.0], [np.nan, 1.0]],  # a leading gap takes the next value
        ]
    )
    out = fill_gaps(x)
    assert out[0].tolist() == [[1.0, 2.0], [1.0, 3.0], [4.0, 3.0]]
    assert out[1].tolist() == x[1].tolist()
    assert np.isnan(out[2]).all()
    assert out[3].tolist() == [[2.0, 1.0], [2.0, 1.0], [2.0, 1.0]]


@pytest.mark.parametrize("draws", [1001, 50, 7])
def test_band_quantiles_equal_numpys(draws: int) -> None:
    from simulator.projection.montecarlo import QUANTILES, _quantiles

    values = np.random.default_rng(draws).normal(size=(5, 3, draws))
    np.testing.assert_allclose(
        _quantiles(values), np.quantile(values, QUANTILES, axis=-1), rtol=0, atol=1e-12
    )


def test_a_transfer_between_two_identical_councils_is_nil_in_every_draw() -> None:
    """One behaviour for money withheld and received: what one council loses the other
    gains, draw by draw, so the band is exactly nil (0.2.0 drew the two independently)."""
    months = [f"{2011 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(84)]
    rng = np.random.default_rng(3)
    one = np.empty((84, 4))
    one[:, 0] = 5 + rng.uniform(0, 1, 84)
    one[:, 1] = one[:, 0] + 2
    one[:, 2] = 6 + rng.uniform(0, 1, 84)
    one[:, 3] = one[:, 1] + one[:, 2]
    history = np.stack([one, one])
    adults = np.array([1e5, 1e5])
    result = project(
        history,
        months,
        adults,
        conditioned=np.zeros(2),
        withheld=np.array([1e6, 0.0]),
        received=np.array([0.0, 1e6]),
        reviewed=np.array([False, False]),
        params=ProjectionParams(method="persistence", draws=400, evidence_set="fit_2017_18"),
    )
    assert result.gross["beds_lost"] > 0 and result.gross["beds_gained"] > 0
    np.testing.assert_allclose(result.national_draws, 0.0, atol=1e-9)
    assert beds_text(result.beds_freed).startswith("≈ nil")


def test_tornado_moves_theta_within_its_evidence_set(dataset: Dataset, prepared) -> None:
    from simulator.projection import tornado

    n = len(dataset.adults)
    table = tornado(
        dataset.dtoc_beds,
        dataset.months,
        dataset.adults,
        params=ProjectionParams(method="persistence"),
        prepared=prepared,
        conditioned=np.full(n, 1e6),
        withheld=np.zeros(n),
        received=np.zeros(n),
        reviewed=np.zeros(n, dtype=bool),
    )
    theta = table.set_index("parameter").loc["theta"]
    low, high = EVIDENCE_SETS["central"].interval()
    assert (theta["low"], theta["high"]) == pytest.approx((low, high))
    assert theta["beds_freed_low"] < theta["beds_freed_base"] < theta["beds_freed_high"]
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
