"""Councils' reported 2018-19 iBCF (revenue outturn) as the allocation baseline.

One test per claim: the reported column sums to the total SOURCES.md states; the
councils it names as reporting £0 are flagged with that reason; the screened baseline
sums to each pot to the pound and gives each screened council its report; the split of
a pinned total and the sharing of what is left are checked on a case worked by hand;
the pots stay exact whatever the screen (Hypothesis).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import io
from simulator.inputs import allocation, reported
from simulator.inputs import data as data_module
from simulator.inputs.data import Dataset, build_dataset
from tests.strategies import examples

# data/raw/SOURCES.md: the iBCF column sums to £1,433.8m; five councils report 0.
STATED_TOTAL_GBPM = 1_433.8
REPORTING_ZERO = {
    "E09000027": "Richmond upon Thames",
    "E08000005": "Rochdale",
    "E08000012": "Liverpool",
    "E08000013": "St Helens",
    "E08000014": "Sefton",
}
KNOWSLEY, CITY_OF_LONDON, SURREY = "E08000011", "E09000001", "E10000030"
ORIGINAL_2018_19, SPRING_BUDGET_2018_19 = 825_000_000, 674_000_000


def raw_outturn(dataset: Dataset) -> pd.DataFrame:
    return pd.read_csv(io.RAW_DIR / reported.FILE, dtype=str, keep_default_na=False)


def test_reported_ibcf_sums_to_the_stated_total(dataset: Dataset) -> None:
    raw = raw_outturn(dataset)
    total = raw[reported.COLUMN].astype(int).sum()
    assert round(total / 1000, 1) == STATED_TOTAL_GBPM
    assert dataset.reported is not None
    assert dataset.reported["reported_2018_19"].sum() == total * 1000


def test_every_council_has_one_report_status(dataset: Dataset) -> None:
    assert dataset.reported is not None
    assert len(dataset.reported) == 152
    assert set(dataset.report_status) <= set(reported.STATUSES)
    assert list(dataset.reported["gss_code"]) == list(dataset.codes)


def test_councils_reporting_zero_are_flagged_by_name_with_the_reason(dataset: Dataset) -> None:
    rows = dataset.reported.set_index("gss_code")  # type: ignore[union-attr]
    zero = rows[rows["reported_2018_19"] == 0]
    assert set(zero.index) == set(REPORTING_ZERO)
    for code in REPORTING_ZERO:
        assert rows.loc[code, "report_status"] == reported.FLAGGED
        assert rows.loc[code, "report_reason"].startswith("reports £0")


def test_every_flagged_council_is_named_with_its_reason(dataset: Dataset) -> None:
    rows = dataset.reported.set_index("gss_code")  # type: ignore[union-attr]
    flagged = rows[rows["report_status"] == reported.FLAGGED]
    # Knowsley (£2.8m against about £8.9m rebuilt) and the City of London (£63k against
    # about £0.7m) imply need shares under half the ones used: outside 2/3-3/2.
    assert set(flagged.index) == set(REPORTING_ZERO) | {KNOWSLEY, CITY_OF_LONDON}
    for code in (KNOWSLEY, CITY_OF_LONDON):
        reason = rows.loc[code, "report_reason"]
        assert reason.startswith("implies a need share 0.") and "outside 0.67-1.5" in reason
        assert rows.loc[code, "implied_share_ratio"] < 0.5
    assert (rows.loc[rows["report_status"] == reported.REPORTED, "report_reason"] == "").all()


def test_screened_baseline_sums_to_each_pot_to_the_pound(dataset: Dataset) -> None:
    alloc = dataset.allocations
    assert int(alloc["allocation_original"].sum()) == ORIGINAL_2018_19
    assert int(alloc["allocation_spring_budget"].sum()) == SPRING_BUDGET_2018_19
    assert (alloc["allocation_original"] >= 0).all()
    assert (alloc["allocation_spring_budget"] >= 0).all()


def test_every_screened_council_gets_its_report_to_the_thousand(dataset: Dataset) -> None:
    rows = dataset.reported.set_index("gss_code")  # type: ignore[union-attr]
    alloc = dataset.allocations.set_index("gss_code")
    screened = rows.index[rows["report_status"] == reported.REPORTED]
    assert len(screened) > 100
    difference = alloc.loc[screened, "allocation_total"] - rows.loc[screened, "reported_2018_19"]
    assert difference.abs().max() < 1_000
    assert set(alloc.loc[screened, "allocation_status"]) == {reported.REPORTED}
    # Surrey reported £7,895k (SOURCES.md file, row of E10000030).
    assert alloc.loc[SURREY, "allocation_total"] == 7_895_000
    others = alloc.drop(index=screened)
    assert set(others["allocation_status"]) == {"reconstructed: precept equalisation"}
    assert others["allocation_source"].str.contains("rest of each pot").all()


def test_2017_18_money_is_the_direct_2017_18_reconstruction(dataset: Dataset) -> None:
    money = dataset.money_2017_18
    # The 2017/18 pots: £105m original and £1,010m Spring Budget.
    assert money.sum() == 105_000_000 + 1_010_000_000
    recon = dataset.reconstruction
    assert recon is not None
    i = dataset.position("E10000008")  # Devon: published original £0.2m in 2017/18
    assert abs(int(recon.original["2017-18"][i]) - 200_000) <= 100_000
    # Not 2018/19 shares scaled: Devon's 2017/18 original is a far smaller part of its
    # 2018/19 original than £105m is of £825m (the precept takes most of it).
    scaled = dataset.allocation_by_element["original"][i] * 105 / 825
    assert recon.original["2017-18"][i] < scaled / 2


# --------------------------------------------------------------------------- pure parts
def test_pinned_split_worked_by_hand() -> None:
    """Four councils, need shares 0.4/0.3/0.2/0.1, precept 0/0/10/30, pots £100 and £50.

    Council 0 reports £60; the method gave it 40 original and 20 Spring Budget, so it
    keeps 40 + 20. Left: £60 original and £30 Spring Budget for councils 1-3, shares
    renormalised to 1/2, 1/3, 1/6.
    Original: base 60 + 40 = 100 → 50 − 0, 33.33 − 10, 16.67 − 30 (<0 → 0) = 50, 23.33, 0;
    scaled by 60/73.33 → 40.909, 19.091, 0 → whole pounds 41, 19, 0.
    Combined £90: base 130 → 65, 33.33, 0, scaled by 90/98.33 → 59.49, 30.51, 0; less the
    original → 18.58, 11.42, 0 (sums to 30) → 19, 11, 0.
    """
    original, spring = allocation.with_pinned_totals(
        np.array([True, False, False, False]),
        np.array([60, 0, 0, 0]),
        np.array([40.0, 0, 0, 0]),
        np.array([20.0, 0, 0, 0]),
        np.array([0.4, 0.3, 0.2, 0.1]),
        np.array([0.0, 0.0, 10.0, 30.0]),
        "scale_down",
        pots=(100, 50),
    )
    assert original.tolist() == [40, 41, 19, 0]
    assert spring.tolist() == [20, 19, 11, 0]


def test_a_council_the_method_gives_nothing_splits_in_the_pots_proportion() -> None:
    # £1,499 in the proportion 825 : 674.
    assert allocation.split_total(np.array([1_499]), np.zeros(1), np.zeros(1)).tolist() == [825]


def test_screen_flags_zero_and_far_reports_and_keeps_blanks_unknown() -> None:
    # Shares 0.5/0.3/0.2, precept 10/10/50, pot 30: base 100, raw 40/20/0, scale 0.5.
    # A report of 20 implies (20/0.5 + 10)/100 = 0.5: ratio 1. Of 4: 0.18/0.3 = 0.6.
    s, p = np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])
    out = reported.screen(np.array([20.0, 4.0, np.nan]), s, p, 30.0)
    assert out.status.tolist() == [reported.REPORTED, reported.FLAGGED, reported.NOT_REPORTED]
    assert out.share_ratio[0] == 1.0 and round(out.share_ratio[1], 6) == 0.6
    assert out.reason[2] == "blank in the revenue outturn"
    zero = reported.screen(np.array([20.0, 0.0, 0.0]), s, p, 30.0)
    assert zero.status.tolist() == [reported.REPORTED, reported.FLAGGED, reported.FLAGGED]
    assert zero.reason[1].startswith("reports £0")
    assert np.isnan(out.share_ratio[2])


@settings(max_examples=examples(80), deadline=None)
@given(
    n=st.integers(min_value=2, max_value=12),
    data=st.data(),
)
def test_pots_stay_exact_under_any_screen(n: int, data: st.DataObject) -> None:
    shares = np.array(data.draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    shares = shares / shares.sum()
    precept = np.array(data.draw(st.lists(st.floats(0.0, 50.0), min_size=n, max_size=n)))
    pinned = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if pinned.all():
        pinned[data.draw(st.integers(0, n - 1))] = False
    pots = (
        data.draw(st.integers(1_000, 10_000_000)),
        data.draw(st.integers(1_000, 10_000_000)),
    )
    # Reports that together take at most the smaller pot, so something is left.
    fractions = np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    totals = np.floor(fractions / max(fractions.sum(), 1.0) * min(pots)).astype(np.int64)
    method_original = shares * pots[0]
    method_spring = shares * pots[1]
    form = data.draw(st.sampled_from(allocation.FORMS))
    original, spring = allocation.with_pinned_totals(
        pinned, totals, method_original, method_spring, shares, precept, form, pots=pots
    )
    assert int(original.sum()) == pots[0]
    assert int(spring.sum()) == pots[1]
    assert (original >= 0).all() and (spring >= 0).all()
    assert (original[pinned] + spring[pinned] == totals[pinned]).all()


# --------------------------------------------------------------------------- real reports
@settings(max_examples=examples(40), deadline=None)
@given(keep=st.lists(st.booleans(), min_size=152, max_size=152))
def test_pots_stay_exact_on_the_real_reports_whatever_the_screen(
    dataset: Dataset, keep: list[bool]
) -> None:
    """Any subset of the screened councils pinned (the rest shared by the method): each
    element still sums to its pot to the pound, each pinned council gets its report."""
    screen = dataset.report_screen
    recon = dataset.reconstruction
    assert screen is not None and recon is not None
    status = np.where(np.array(keep) & screen.screened, reported.REPORTED, reported.FLAGGED)
    if (status == reported.REPORTED).all():
        status[0] = reported.FLAGGED
    changed = reported.Screen(
        screen.reported, status.astype(object), screen.reason, screen.share_ratio
    )
    base = data_module.reported_baseline(recon, changed, recon.shares)
    assert int(base.values["original"].sum()) == ORIGINAL_2018_19
    assert int(base.values["spring_budget"].sum()) == SPRING_BUDGET_2018_19
    pinned = changed.screened
    totals = base.values["original"] + base.values["spring_budget"]
    assert (totals[pinned] == screen.reported[pinned]).all()
    assert (base.values["original"] >= 0).all() and (base.values["spring_budget"] >= 0).all()


def test_a_partial_official_table_still_overrides_the_reported_figures(
    tmp_path: Path, dataset: Dataset
) -> None:
    raw_dir = tmp_path / "raw"
    official = tmp_path / "official"
    shutil.copytree(io.RAW_DIR, raw_dir)
    official.mkdir()
    # Surrey reported £7,895k; an official table says £4m + £3m.
    pd.DataFrame(
        {
            "gss_code": [SURREY],
            "allocation_original": [4_000_000],
            "allocation_spring_budget": [3_000_000],
            "status": ["official"],
            "source": ["test table"],
        }
    ).to_csv(official / "ibcf_allocations_2018_19.csv", index=False)
    raw, tables, data_hash = io.read_data_tables(raw_dir, official)
    data = build_dataset(raw, tables, data_hash)
    alloc = data.allocations.set_index("gss_code")
    assert alloc.loc[SURREY, "allocation_total"] == 7_000_000
    assert alloc.loc[SURREY, "allocation_status"] == "official"
    assert int(alloc["allocation_original"].sum()) == ORIGINAL_2018_19
    assert int(alloc["allocation_spring_budget"].sum()) == SPRING_BUDGET_2018_19
    # The report is still shown beside it, with its own status.
    report = data.reported.set_index("gss_code")  # type: ignore[union-attr]
    assert report.loc[SURREY, "report_status"] == reported.REPORTED
    # Every other screened council keeps its report: the 7 rebuilt councils take up the
    # £895,000 the official row leaves.
    others = report.index[(report["report_status"] == reported.REPORTED) & (report.index != SURREY)]
    assert (alloc.loc[others, "allocation_total"] == report.loc[others, "reported_2018_19"]).all()
    assert set(alloc.loc[others, "allocation_status"]) == {reported.REPORTED}
    rebuilt = report.index[report["report_status"] != reported.REPORTED]
    before = dataset.allocations.set_index("gss_code").loc[rebuilt, "allocation_total"]
    assert int(alloc.loc[rebuilt, "allocation_total"].sum() - before.sum()) == 895_000
