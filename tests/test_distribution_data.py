"""Who bears an option: the deprivation, rurality, area-class and ASC spending table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from simulator import io
from simulator.errors import DataError
from simulator.inputs import distribution
from simulator.inputs.data import Dataset


def test_population_weighted_mean_on_a_hand_worked_case() -> None:
    # Area A: LSOAs scoring 10 (300 people) and 40 (100 people): (3,000 + 4,000) / 400.
    # Area B: one LSOA of 50 people scoring 5. Area C: two equal LSOAs, 20 and 30.
    scores = np.array([10.0, 40.0, 5.0, 20.0, 30.0])
    weights = np.array([300, 100, 50, 80, 80])
    groups = np.array(["A", "A", "B", "C", "C"])
    got = distribution.population_weighted_mean(scores, weights, groups)
    assert got.to_dict() == {"A": 17.5, "B": 5.0, "C": 25.0}
    # The plain mean of A's LSOAs (25) is not the official average score.
    assert got["A"] != scores[:2].mean()


def test_population_weighted_mean_refuses_an_area_with_no_people() -> None:
    with pytest.raises(ValueError, match="no population in B"):
        distribution.population_weighted_mean(
            np.array([1.0, 2.0]), np.array([10, 0]), np.array(["A", "B"])
        )
    with pytest.raises(ValueError, match="non-negative"):
        distribution.population_weighted_mean(
            np.array([1.0, 2.0]), np.array([10, -1]), np.array(["A", "A"])
        )


def test_every_council_is_covered_and_blanks_stay_blank(dataset: Dataset) -> None:
    table = dataset.distribution
    assert table is not None
    assert list(table["gss_code"]) == list(dataset.codes)
    # Bournemouth, Poole and Dorset (not in the 2019 upper-tier file) have a 2015 score
    # from their small areas, and no 2019 score.
    bpd = table.set_index("council").loc[["Bournemouth", "Poole", "Dorset"]]
    assert bpd["imd2015_average_score"].notna().all()
    assert bpd["imd2019_average_score"].isna().all()
    lines = distribution.blanks(table)
    assert lines[0] == "imd2019_average_score: 149 of 152 known; blank: Bournemouth, Poole, Dorset"
    assert "asc_gross_current_expenditure_000: 151 of 152 known; blank: Isles of Scilly" in lines
    # The area classification covers districts, not the 27 shire counties.
    cover = {c.column: c for c in distribution.coverage(table)}
    assert cover["area_supergroup"].known == 125
    counties = table.loc[dataset.councils["authority_type"] == "County council", "council"]
    assert set(cover["area_supergroup"].blank) == set(counties)
    for column in ("imd2015_average_score", "ruc11_code", "imd2015_lsoas"):
        assert cover[column].known == 152


def test_small_areas_add_up_to_england(dataset: Dataset) -> None:
    table = dataset.distribution
    assert table is not None
    # England has 32,844 LSOAs (2011); every one belongs to exactly one council.
    assert table["imd2015_lsoas"].sum() == 32_844
    # Isles of Scilly is one LSOA; the City of London six.
    by_name = table.set_index("council")
    assert by_name.loc["Isles of Scilly", "imd2015_lsoas"] == 1
    assert by_name.loc["City of London", "imd2015_lsoas"] == 6


def test_asc_spending_matches_the_published_england_total(dataset: Dataset) -> None:
    table = dataset.distribution
    assert table is not None
    # NHS Digital, ASC-FR 2016-17: gross current expenditure £17.5bn (rounded to £0.1bn).
    gross = table["asc_gross_current_expenditure_000"].sum() * 1_000
    assert 17.45e9 <= gross < 17.55e9
    known = table.dropna(subset=["asc_gross_current_expenditure_000"])
    assert len(known) == 151
    net = known["asc_net_current_expenditure_000"]
    assert (net <= known["asc_gross_current_expenditure_000"]).all()


def test_rebuilt_2015_averages_rank_councils_as_the_2019_summaries_do(dataset: Dataset) -> None:
    """A different edition, so not equality: ranks agree closely where boundaries did not
    change (stated threshold: Spearman's rho of at least 0.95 over the 149 councils in
    both). Places did change between editions (inner London boroughs became less
    deprived), so a rank is not pinned."""
    table = dataset.distribution
    assert table is not None
    both = table.dropna(subset=["imd2019_average_score"])
    assert len(both) == 149
    rho = spearmanr(both["imd2015_average_score"], both["imd2019_average_score"]).statistic
    assert rho >= 0.95


def test_deprivation_deciles_split_152_councils_into_tenths() -> None:
    score = np.arange(152, dtype=float)
    decile = distribution.deprivation_decile(score)
    counts = np.bincount(decile)[1:]
    assert counts.sum() == 152 and set(counts) == {15, 16}
    assert decile[151] == 1 and decile[0] == 10
    with_blank = distribution.deprivation_decile(np.array([1.0, np.nan, 3.0]))
    # Two known councils: the more deprived opens decile 1, the other sits at the
    # halfway point (rank 1 of 2 -> decile 1 + 1 * 10 // 2 = 6); a blank is decile 0.
    assert with_blank.tolist() == [6, 0, 1]


def _raw() -> pd.DataFrame:
    return io.read_csv_text(io.RAW_DIR / distribution.FILE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f.assign(
                imd2015_average_score=f["imd2015_average_score"].mask(f.index == 3, "x")
            ),
            "council_distribution.csv: row 5: column imd2015_average_score: not a number ('x')",
        ),
        (
            lambda f: f.assign(ruc11_code=f["ruc11_code"].mask(f.index == 0, "")),
            "council_distribution.csv: row 2: column ruc11_code: blank",
        ),
        (
            lambda f: f.assign(ruc11_code=f["ruc11_code"].mask(f.index == 0, "6")),
            "council_distribution.csv: row 2: column ruc11_class: 'Urban with City and Town' is "
            "not class 6 (Urban with Major Conurbation)",
        ),
        (
            lambda f: f.assign(
                asc_net_current_expenditure_000=f["asc_net_current_expenditure_000"].mask(
                    f.index == 1, "99999999"
                )
            ),
            "council_distribution.csv: row 3: column asc_net_current_expenditure_000: "
            "1e+08 is implausibly large (more than 2,000,000)",
        ),
        (
            lambda f: f.assign(
                asc_net_current_expenditure_000=f["asc_net_current_expenditure_000"].mask(
                    f.index == 1, "60000"
                )
            ),
            "council_distribution.csv: row 3: column asc_net_current_expenditure_000: net "
            "60,000 exceeds gross 54,135",
        ),
        (
            lambda f: f.assign(
                asc_net_current_expenditure_000=f["asc_net_current_expenditure_000"].mask(
                    f.index == 1, ""
                )
            ),
            "council_distribution.csv: row 3: column asc_net_current_expenditure_000: blank "
            "where gross is known",
        ),
        (
            lambda f: f.assign(
                asc_gross_current_expenditure_000=f["asc_gross_current_expenditure_000"].mask(
                    f.index == 1, ""
                )
            ),
            "council_distribution.csv: row 3: column asc_net_current_expenditure_000: known "
            "where gross is blank (both or neither)",
        ),
        (
            lambda f: f.assign(ruc11_code=f["ruc11_code"].mask(f.index == 0, "2.5")),
            "council_distribution.csv: row 2: column ruc11_code: not a positive whole number "
            "('2.5')",
        ),
        (
            lambda f: f.assign(imd2015_lsoas=f["imd2015_lsoas"].mask(f.index == 0, "0")),
            "council_distribution.csv: row 2: column imd2015_lsoas: not a positive whole number",
        ),
        (lambda f: f.drop(index=7), "council_distribution.csv: no row for E06000008"),
        (
            lambda f: f.assign(gss_code=f["gss_code"].mask(f.index == 2, "E06999999")),
            "council_distribution.csv: row 4: column gss_code: unknown GSS code 'E06999999'",
        ),
        (
            lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
            "council_distribution.csv: row 154: duplicate gss_code E06000001",
        ),
        (lambda f: f.drop(columns="note"), "council_distribution.csv: missing column(s) note"),
    ],
)
def test_each_broken_table_is_refused_with_file_row_and_column(
    dataset: Dataset, change: object, message: str
) -> None:
    broken = change(_raw())  # type: ignore[operator]
    with pytest.raises(DataError) as caught:
        distribution.validate(broken, dataset.councils)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems


def test_the_build_gathers_districts_into_their_county() -> None:
    from scripts.build_distribution import COUNTY_DISTRICTS, district_to_upper_tier

    assert district_to_upper_tier("E07000223") == "E10000032"  # Adur: West Sussex
    assert district_to_upper_tier("E07000240") == "E10000015"  # St Albans: Hertfordshire
    assert district_to_upper_tier("E07000004") == "E10000002"  # Aylesbury Vale: Bucks
    assert district_to_upper_tier("E06000028") == "E06000028"  # a unitary is itself
    with pytest.raises(ValueError, match="in no county"):
        district_to_upper_tier("E07000001")
    assert len(COUNTY_DISTRICTS) == 27
    # no district in two counties; the ranges hold the 201 districts of 2013 and three
    # Hertfordshire codes retired by then (E07000097, E07000100, E07000101)
    numbers = [n for ranges in COUNTY_DISTRICTS.values() for lo, hi in ranges
               for n in range(lo, hi + 1)]  # fmt: skip
    assert len(numbers) == len(set(numbers)) == 201 + 3
