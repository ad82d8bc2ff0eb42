"""The data layer against PUBLISHED figures (issue 2), not against the code's own output.

Every constant below is copied from a publication named in data/raw/SOURCES.md
(ONS, NHS England, MHCLG, councils' own pages); the tests read the dataset the
simulator builds and check it reproduces them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import io
from simulator.inputs.allocation import DEFAULT_METHOD, EQUALISATION_METHOD, PROXY_METHOD, Method
from simulator.inputs.data import Dataset, build_dataset
from simulator.rules.expectations import expected_beds
from simulator.schema.expectations import ExpectationRule
from simulator.schema.vocabulary import ATTRIBUTIONS

RAW = io.RAW_DIR

# ONS mid-2017 population estimates (SOURCES.md, council_population_ages.csv).
ENGLAND_ALL_AGES_MID_2017 = 55_619_430
ENGLAND_ADULTS_18PLUS_MID_2017 = 43_752_473
ENGLAND_65PLUS_MID_2017 = 10_030_511
ENGLAND_85PLUS_MID_2017 = 1_352_056
# NHS England DToC, England row (revised figures).
FEB_2017_ENGLAND_DELAYED_DAYS = 186_490  # / 28 days = 6,660.4 beds a day
FEB_2017_ENGLAND_BEDS_A_DAY = 6_660.4
SEP_2017_ENGLAND_DELAYED_DAYS = 168_041
SEP_2017_ENGLAND_SOCIAL_CARE_DAYS = 60_396
DEC_2017_ENGLAND_DELAYED_DAYS = 145_040
# 2018/19 iBCF national totals.
ORIGINAL_2018_19 = 825_000_000
SPRING_BUDGET_2018_19 = 674_000_000
SPRING_BUDGET_2017_20 = 2_021_000_000  # 1,010m + 674m + 337m
ASC_SUPPORT_GRANT_2018_19 = 150_000_000
# COVID-19 tranche 1 paid to the 2019 successors of Bournemouth, Poole and Dorset.
BCP_2019 = 11_101_861
DORSET_COUNCIL_2019 = 10_665_165

SCILLY = "E06000053"
SHROPSHIRE = "E06000051"
HAMPSHIRE = "E10000014"
NORTHAMPTONSHIRE = "E10000021"
DEVON = "E10000008"
KENT = "E10000016"
BROMLEY = "E09000006"
CITY_OF_LONDON = "E09000001"
BCP_DORSET = ("E06000028", "E06000029", "E10000009")


def raw_table(name: str) -> pd.DataFrame:
    """A raw file read independently of the simulator's loader."""
    return pd.read_csv(RAW / name, dtype=str, keep_default_na=False)


def social_care_baseline_feb_apr_2017(code: str) -> float:
    """Average social care delayed beds a day, February-April 2017, from the raw file."""
    dtoc = raw_table("dtoc_monthly.csv")
    rows = dtoc[(dtoc["gss_code"] == code) & dtoc["month"].isin(["2017-02", "2017-03", "2017-04"])]
    days = dict(zip(rows["month"], rows["delayed_days_social_care"].astype(float), strict=True))
    return (days["2017-02"] / 28 + days["2017-03"] / 31 + days["2017-04"] / 30) / 3


def spring_budget(data: Dataset, code: str) -> int:
    alloc = data.allocations.set_index("gss_code")
    return int(alloc.loc[code, "allocation_spring_budget"])


# --------------------------------------------------------------------------- councils
def test_152_councils_with_unique_codes(dataset: Dataset) -> None:
    codes = dataset.councils["gss_code"]
    assert len(codes) == 152
    assert codes.is_unique
    assert list(codes) == sorted(codes), "council order is fixed: sorted by GSS code"


def test_authority_types_match_sources(dataset: Dataset) -> None:
    # SOURCES.md: 56 unitaries incl. Isles of Scilly, 36 metropolitan districts,
    # 33 London boroughs incl. City of London, 27 counties.
    counts = dataset.councils["authority_type"].value_counts().to_dict()
    assert counts == {
        "Unitary authority": 56,
        "Metropolitan district": 36,
        "London borough": 33,
        "County council": 27,
    }


def test_england_populations_mid_2017(dataset: Dataset) -> None:
    c = dataset.councils
    assert int(c["pop_all_ages"].sum()) == ENGLAND_ALL_AGES_MID_2017
    assert int(c["adults_18plus"].sum()) == ENGLAND_ADULTS_18PLUS_MID_2017
    assert int(c["pop_65plus"].sum()) == ENGLAND_65PLUS_MID_2017
    assert int(c["pop_85plus"].sum()) == ENGLAND_85PLUS_MID_2017
    assert float(dataset.adults.sum()) == ENGLAND_ADULTS_18PLUS_MID_2017


# --------------------------------------------------------------------------- DToC
def test_february_2017_england_beds_a_day(dataset: Dataset) -> None:
    feb = dataset.month_index("2017-02")
    total = ATTRIBUTIONS.index("total")
    assert dataset.england_days[feb, total] == FEB_2017_ENGLAND_DELAYED_DAYS
    assert dataset.england_beds[feb, total] == pytest.approx(FEB_2017_ENGLAND_BEDS_A_DAY, abs=0.05)
    assert round(dataset.england_beds[feb, total]) == 6_660


def test_september_and_december_2017_england_delayed_days(dataset: Dataset) -> None:
    sep = dataset.month_index("2017-09")
    dec = dataset.month_index("2017-12")
    total = ATTRIBUTIONS.index("total")
    social_care = ATTRIBUTIONS.index("social_care")
    assert dataset.england_days[sep, total] == SEP_2017_ENGLAND_DELAYED_DAYS
    assert dataset.england_days[sep, social_care] == SEP_2017_ENGLAND_SOCIAL_CARE_DAYS
    assert dataset.england_days[dec, total] == DEC_2017_ENGLAND_DELAYED_DAYS
    # Not the first-published figures (168,302 / 61,147): these are the revised ones.
    assert dataset.england_days[sep, total] != 168_302


def test_council_rows_sum_to_slightly_less_than_england(dataset: Dataset) -> None:
    # The England row includes residents of Wales, Scotland and outside GB.
    sep = dataset.month_index("2017-09")
    councils = np.nansum(dataset.dtoc_days[:, sep, ATTRIBUTIONS.index("total")])
    assert 0.97 * SEP_2017_ENGLAND_DELAYED_DAYS < councils <= SEP_2017_ENGLAND_DELAYED_DAYS


def test_months_run_april_2011_to_march_2018(dataset: Dataset) -> None:
    assert dataset.months[0] == "2011-04"
    assert dataset.months[-1] == "2018-03"
    assert len(dataset.months) == 84
    assert dataset.dtoc_days.shape == (152, 84, 4)


def test_151_councils_with_dtoc_data_and_scilly_is_unknown_not_zero(dataset: Dataset) -> None:
    assert int(dataset.has_dtoc.sum()) == 151
    i = dataset.position(SCILLY)
    assert not dataset.has_dtoc[i]
    assert np.isnan(dataset.dtoc_days[i]).all()
    assert not (dataset.dtoc_days[i] == 0).any()


def test_blank_cells_stay_unknown_and_zeros_stay_zero(dataset: Dataset) -> None:
    # Raw row: City of London, 2011-09: total 0, NHS / social care / both blank.
    i = dataset.position(CITY_OF_LONDON)
    m = dataset.month_index("2011-09")
    days = dataset.dtoc_days[i, m]
    assert np.isnan(days[ATTRIBUTIONS.index("social_care")])
    assert np.isnan(days[ATTRIBUTIONS.index("social_care_and_both")])
    assert np.isnan(days[ATTRIBUTIONS.index("nhs")])
    assert days[ATTRIBUTIONS.index("total")] == 0


def test_every_blank_raw_cell_is_nan_in_the_dataset(dataset: Dataset) -> None:
    raw = raw_table("dtoc_monthly.csv")
    raw = raw[raw["gss_code"] != "E92000001"]
    for attribution, column in (
        ("social_care", "delayed_days_social_care"),
        ("nhs", "delayed_days_nhs"),
        ("total", "delayed_days_total"),
    ):
        blanks = int(raw[column].isin(["", "-"]).sum())
        j = ATTRIBUTIONS.index(attribution)
        with_data = dataset.dtoc_days[dataset.has_dtoc, :, j]
        assert int(np.isnan(with_data).sum()) == blanks, attribution


def test_attribution_bases_add_up(dataset: Dataset) -> None:
    sc, scb, nhs, total = (dataset.dtoc_days[..., j] for j in range(4))
    both = scb - sc
    ok = np.isfinite(both) & np.isfinite(nhs)
    assert (both[ok] >= 0).all()
    assert np.array_equal(sc[ok] + both[ok] + nhs[ok], total[ok])


# --------------------------------------------------------------------------- expectations
def test_shropshire_social_care_expectation_is_6_7_beds_a_day(dataset: Dataset) -> None:
    expected, status = expected_beds(dataset, ExpectationRule())
    i = dataset.position(SHROPSHIRE)
    beds = expected[i, ATTRIBUTIONS.index("social_care")]
    assert round(beds, 1) == 6.7  # Shropshire Council: 'no more than 6.7 patients per day'
    assert status[i, 0] == "reconstructed"
    # ... about 60% below its February-April 2017 baseline (16.7 a day).
    baseline = social_care_baseline_feb_apr_2017(SHROPSHIRE)
    assert 1 - beds / baseline == pytest.approx(0.60, abs=0.01)


@pytest.mark.parametrize(("code", "published_cut"), [(HAMPSHIRE, 0.66), (NORTHAMPTONSHIRE, 0.67)])
def test_hampshire_and_northamptonshire_cut_about_two_thirds(
    dataset: Dataset, code: str, published_cut: float
) -> None:
    expected, _ = expected_beds(dataset, ExpectationRule())
    beds = expected[dataset.position(code), ATTRIBUTIONS.index("social_care")]
    cut = 1 - beds / social_care_baseline_feb_apr_2017(code)
    assert cut == pytest.approx(published_cut, abs=0.01)


# --------------------------------------------------------------------------- allocations
def test_allocation_totals_are_exact(dataset: Dataset) -> None:
    alloc = dataset.allocations
    assert alloc["allocation_original"].dtype == np.int64
    assert alloc["allocation_spring_budget"].dtype == np.int64
    assert int(alloc["allocation_original"].sum()) == ORIGINAL_2018_19
    assert int(alloc["allocation_spring_budget"].sum()) == SPRING_BUDGET_2018_19
    assert int(alloc["allocation_total"].sum()) == ORIGINAL_2018_19 + SPRING_BUDGET_2018_19
    # Equalisation gives nothing to a council whose precept covers its need share.
    assert (alloc["allocation_original"] >= 0).all()
    assert (alloc["allocation_spring_budget"] >= 0).all()
    assert list(alloc["gss_code"]) == list(dataset.councils["gss_code"])


@pytest.fixture(scope="module")
def proxy_split(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The 0.2.0 method, kept for comparison: both elements on the COVID-19 proxy."""
    empty = tmp_path_factory.mktemp("no_official")
    raw, official, data_hash = io.read_data_tables(io.RAW_DIR, empty)
    return build_dataset(raw, official, data_hash, PROXY_METHOD)


def test_reconstructed_allocations_are_labelled(reconstructed: Dataset) -> None:
    alloc = reconstructed.allocations
    for column in ("status_original", "status_spring_budget", "allocation_status"):
        assert set(alloc[column]) == {"reconstructed: precept equalisation"}
    assert alloc["source_spring_budget"].str.contains("precept equalisation").all()
    assert reconstructed.allocation_status == "reconstructed: precept equalisation"


def test_proxy_split_is_labelled_with_its_method(proxy_split: Dataset) -> None:
    alloc = proxy_split.allocations
    assert set(alloc["allocation_status"]) == {"reconstructed: COVID-19 proxy split"}
    assert alloc["source_spring_budget"].str.contains("COVID-19").all()


def test_proxy_split_uses_the_same_shares_for_both_elements(proxy_split: Dataset) -> None:
    alloc = proxy_split.allocations
    sb = alloc["allocation_spring_budget"] / SPRING_BUDGET_2018_19
    orig = alloc["allocation_original"] / ORIGINAL_2018_19
    # Whole-pound rounding moves each by less than £1.
    assert np.allclose(sb, orig, rtol=0, atol=2 / SPRING_BUDGET_2018_19)


def test_bournemouth_poole_dorset_split_by_65_plus(proxy_split: Dataset) -> None:
    proxy = raw_table("covid19_tranche1_allocations.csv")
    amounts = pd.to_numeric(proxy["amount"].replace("", np.nan))
    combined = BCP_2019 + DORSET_COUNCIL_2019
    assert combined == 21_767_026
    upper_tier_total = float(amounts.sum()) + combined
    # The published share column uses the same denominator.
    hartlepool = proxy.set_index("gss_code").loc["E06000001"]
    assert float(hartlepool["amount"]) / upper_tier_total == pytest.approx(
        float(hartlepool["share_of_upper_tier_total"]), abs=5e-9
    )
    expected_three = SPRING_BUDGET_2018_19 * combined / upper_tier_total
    got = {code: spring_budget(proxy_split, code) for code in BCP_DORSET}
    assert abs(sum(got.values()) - expected_three) <= 3
    pop = raw_table("council_population_ages.csv").set_index("gss_code")
    pop65 = {code: float(pop.loc[code, "pop_65plus"]) for code in BCP_DORSET}
    for code in BCP_DORSET:
        assert abs(got[code] - expected_three * pop65[code] / sum(pop65.values())) <= 1.5, code


def test_proxy_split_shows_the_stated_errors(proxy_split: Dataset) -> None:
    """SOURCES.md: the proxy runs about 4-5% low for Devon, Kent and Bromley and about
    20% high for the Isles of Scilly; Kent's original element was published as £17m."""
    reconstructed = proxy_split
    share = {
        code: spring_budget(reconstructed, code) / SPRING_BUDGET_2018_19
        for code in (DEVON, BROMLEY, KENT, SCILLY)
    }
    devon = share[DEVON] * SPRING_BUDGET_2018_19 / 10_148_000 - 1
    bromley = share[BROMLEY] * SPRING_BUDGET_2018_19 / 3_400_000 - 1
    kent = share[KENT] * SPRING_BUDGET_2017_20 / 52_200_000 - 1
    scilly = share[SCILLY] * ASC_SUPPORT_GRANT_2018_19 / 7_913 - 1
    assert -0.055 <= devon <= -0.035
    assert -0.055 <= bromley <= -0.035
    assert -0.055 <= kent <= -0.035
    assert 0.17 <= scilly <= 0.23
    kent_original = reconstructed.allocations.set_index("gss_code").loc[KENT, "allocation_original"]
    assert kent_original / 17_000_000 - 1 == pytest.approx(0.20, abs=0.02)

    # The checks table shows the same differences beside each published figure.
    table = reconstructed.known_figures.set_index(["gss_code", "year", "element"])
    assert table.loc[(DEVON, "2018-19", "spring_budget"), "published"] == 10_148_000
    assert table.loc[(DEVON, "2018-19", "spring_budget"), "difference_pct"] == pytest.approx(
        100 * devon, abs=0.06
    )
    assert table.loc[(SCILLY, "2018-19", "asc_support_grant"), "difference_pct"] == (
        pytest.approx(100 * scilly, abs=0.06)
    )
    assert table.loc[(KENT, "2018-19", "original"), "difference"] == (kent_original - 17_000_000)


# --------------------------------------------------------------------------- official table
OFFICIAL_COLUMNS = [
    "gss_code",
    "allocation_original",
    "allocation_spring_budget",
    "status",
    "source",
]


def build_with_official(
    raw_dir: Path, official_dir: Path, table: pd.DataFrame, method: Method = DEFAULT_METHOD
) -> Dataset:
    official_dir.mkdir(parents=True, exist_ok=True)
    table[OFFICIAL_COLUMNS].to_csv(official_dir / "ibcf_allocations_2018_19.csv", index=False)
    raw, official, data_hash = io.read_data_tables(raw_dir, official_dir)
    return build_dataset(raw, official, data_hash, method)


def test_full_official_table_replaces_the_reconstruction(
    tmp_path: Path, reconstructed: Dataset
) -> None:
    raw_dir = tmp_path / "data" / "raw"
    shutil.copytree(RAW, raw_dir)
    codes = list(reconstructed.councils["gss_code"])

    # Made-up "official" values that differ from the reconstruction but still sum to
    # the national totals: +£1,000 / -£1,000 alternately over the councils holding more
    # than £1,000 of the element (an even number of them, so it nets to zero).
    def shifted(column: str) -> np.ndarray:
        values = reconstructed.allocations[column].to_numpy().copy()
        rich = np.flatnonzero(values > 1_000)
        rich = rich[: len(rich) // 2 * 2]
        values[rich] += np.where(np.arange(len(rich)) % 2 == 0, 1_000, -1_000)
        return values

    table = pd.DataFrame(
        {
            "gss_code": codes,
            "allocation_original": shifted("allocation_original"),
            "allocation_spring_budget": shifted("allocation_spring_budget"),
            "status": "official",
            "source": "MHCLG 2018/19 iBCF allocations (test copy)",
        }
    )
    assert (table["allocation_original"] != reconstructed.allocations["allocation_original"]).any()
    data = build_with_official(raw_dir, tmp_path / "data" / "official", table)
    alloc = data.allocations
    for column in ("status_original", "status_spring_budget", "allocation_status"):
        assert set(alloc[column]) == {"official"}
    assert set(alloc["source_original"]) == {"MHCLG 2018/19 iBCF allocations (test copy)"}
    assert list(alloc["allocation_original"]) == list(table["allocation_original"])
    assert list(alloc["allocation_spring_budget"]) == list(table["allocation_spring_budget"])
    assert int(alloc["allocation_original"].sum()) == ORIGINAL_2018_19
    assert int(alloc["allocation_spring_budget"].sum()) == SPRING_BUDGET_2018_19
    assert data.sources["allocations"] == "official table"
    assert data.allocation_status == "official"
    assert data.data_hash != reconstructed.data_hash


def test_partial_official_table_pins_rows_and_keeps_totals(
    tmp_path: Path, reconstructed: Dataset
) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(RAW, raw_dir)
    table = pd.DataFrame(
        {
            "gss_code": [DEVON, KENT, BROMLEY],
            "allocation_original": [20_000_000, 17_000_000, 5_000_000],
            "allocation_spring_budget": [10_148_000, 20_000_000, 3_400_000],
            "status": ["official", "official", "published_rounded"],
            "source": ["Devon CC", "Kent CC", "LB Bromley CS18065"],
        }
    )
    data = build_with_official(raw_dir, tmp_path / "official", table, EQUALISATION_METHOD)
    alloc = data.allocations.set_index("gss_code")
    assert alloc.loc[DEVON, "allocation_spring_budget"] == 10_148_000
    assert alloc.loc[KENT, "allocation_original"] == 17_000_000
    assert alloc.loc[BROMLEY, "allocation_spring_budget"] == 3_400_000
    assert alloc.loc[DEVON, "allocation_status"] == "official"
    assert alloc.loc[BROMLEY, "allocation_status"] == "published_rounded"
    assert alloc.loc[BROMLEY, "source_spring_budget"] == "LB Bromley CS18065"
    others = alloc.drop(index=[DEVON, KENT, BROMLEY])
    assert set(others["allocation_status"]) == {"reconstructed: precept equalisation"}
    assert data.allocation_status == "reconstructed: precept equalisation"
    assert int(alloc["allocation_original"].sum()) == ORIGINAL_2018_19
    assert int(alloc["allocation_spring_budget"].sum()) == SPRING_BUDGET_2018_19
    # The rest is spread on the same shares as before: each other council gets the
    # remaining national amount in proportion to its reconstructed value (to £2).
    before = reconstructed.allocations.set_index("gss_code").loc[others.index]
    for element, total, pinned in (
        ("original", ORIGINAL_2018_19, 20_000_000 + 17_000_000 + 5_000_000),
        ("spring_budget", SPRING_BUDGET_2018_19, 10_148_000 + 20_000_000 + 3_400_000),
    ):
        column = f"allocation_{element}"
        share = before[column] / before[column].sum()
        assert (others[column] - (total - pinned) * share).abs().max() <= 2, element


def test_official_expectations_override_the_rule(tmp_path: Path, reconstructed: Dataset) -> None:
    official = tmp_path / "official"
    official.mkdir()
    pd.DataFrame(
        {
            "gss_code": [SHROPSHIRE, SHROPSHIRE],
            "attribution": ["social_care", "total"],
            "expectation_beds_per_day": ["6.7", "20.5"],
            "source": ["Shropshire Council performance portal", "made up for a test"],
        }
    ).to_csv(official / "dtoc_expectations_2017_official.csv", index=False)
    raw, overrides, data_hash = io.read_data_tables(RAW, official)
    data = build_dataset(raw, overrides, data_hash)
    expected, status = expected_beds(data, ExpectationRule())
    rule_only, _ = expected_beds(reconstructed, ExpectationRule())
    i = data.position(SHROPSHIRE)
    sc, total = ATTRIBUTIONS.index("social_care"), ATTRIBUTIONS.index("total")
    assert expected[i, sc] == 6.7
    assert expected[i, total] == 20.5
    assert status[i, sc] == "official" and status[i, total] == "official"
    assert status[i, ATTRIBUTIONS.index("nhs")] == "reconstructed"
    # Every other value is the rule's, unchanged.
    mask = np.ones(expected.shape, dtype=bool)
    mask[i, [sc, total]] = False
    assert np.array_equal(expected[mask], rule_only[mask], equal_nan=True)
    assert (status[mask] == "reconstructed").all()
