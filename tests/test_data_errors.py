"""Bad input data: one tiny broken copy per failure mode, and the words its error must say.

Each case copies the real raw files into a temporary folder, makes one small edit,
and checks the :class:`DataError` names the file, the row (the line in the file:
the header is line 1) and the column, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from simulator import io
from simulator.errors import DataError, SimulatorError
from simulator.inputs.data import build_dataset

REFERENCE = "council_reference.csv"
POPULATIONS = "council_population_ages.csv"
PROXY = "covid19_tranche1_allocations.csv"
DTOC = "dtoc_monthly.csv"
KNOWN = "ibcf_known_figures.csv"
TAX = "council_tax_requirement_2014_2020.csv"
TAXBASE = "council_taxbase_ctb_2016_2018.csv"
RNF = "asc_rnf_checkpoints.csv"
OFFICIAL = "ibcf_allocations_2018_19.csv"
OUTTURN = "revenue_outturn_2018_19.csv"
OFFICIAL_EXPECTATIONS = "dtoc_expectations_2017_official.csv"


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / name, index=False)


def edit(name: str, change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Callable:
    """A case that rewrites one raw file after ``change`` (which may edit in place)."""

    def apply(raw: Path, official: Path) -> None:
        frame = read(raw, name)
        out = change(frame)
        write(raw, name, frame if out is None else out)

    return apply


def set_cell(row: int, column: str, value: str) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        frame.loc[row, column] = value

    return change


def official_table(rows: list[dict[str, str]]) -> Callable:
    """A case that drops an official allocations table beside the raw files."""

    def apply(raw: Path, official: Path) -> None:
        frame = pd.DataFrame(
            rows,
            columns=[
                "gss_code",
                "allocation_original",
                "allocation_spring_budget",
                "status",
                "source",
            ],
        )
        write(official, OFFICIAL, frame)

    return apply


def official_row(
    code: str = "E10000008",
    original: str = "20000000",
    spring_budget: str = "10148000",
    status: str = "official",
) -> dict[str, str]:
    return {
        "gss_code": code,
        "allocation_original": original,
        "allocation_spring_budget": spring_budget,
        "status": status,
        "source": "test",
    }


def swap_first_rows_of_two_months(frame: pd.DataFrame) -> pd.DataFrame:
    # Rows 0-151 are April 2011 (England + 151 councils); row 152 opens May 2011.
    assert frame.loc[0, "month"] == "2011-04" and frame.loc[152, "month"] == "2011-05"
    order = list(range(len(frame)))
    order[0], order[152] = 152, 0
    return frame.iloc[order].reset_index(drop=True)


def shropshire_september_2017(frame: pd.DataFrame) -> int:
    hit = frame.index[(frame["gss_code"] == "E06000051") & (frame["month"] == "2017-09")]
    return int(hit[0])


def break_total(frame: pd.DataFrame) -> None:
    row = shropshire_september_2017(frame)
    assert row == 11_754  # line 11,756 of the file: total 653 = 518 + 95 + 40
    frame.loc[row, "delayed_days_total"] = str(int(frame.loc[row, "delayed_days_total"]) + 1)


def drop_month(month: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame[frame["month"] != month]


def latin1_reference(raw: Path, official: Path) -> None:
    frame = read(raw, REFERENCE)
    frame.loc[5, "council"] = "Darlingtón"
    (raw / REFERENCE).write_bytes(frame.to_csv(index=False).encode("latin-1"))


def unreadable_csv(raw: Path, official: Path) -> None:
    (raw / KNOWN).write_text('gss_code,council\n"E10000008,"Devon\n"unclosed,x\n')


def set_column(column: str, value: str) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        frame[column] = value

    return change


def zero_proxy_amounts(frame: pd.DataFrame) -> None:
    frame.loc[frame["amount"] != "", "amount"] = "0"


def devon_2017_18(frame: pd.DataFrame) -> int:
    hit = frame.index[(frame["gss_code"] == "E10000008") & (frame["year"] == "2017-18")]
    assert int(hit[0]) == 777  # line 779 of the file
    return int(hit[0])


def drop_devon_2017_18(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(index=[devon_2017_18(frame)])


def break_derived_precept(frame: pd.DataFrame) -> None:
    # Devon 2017-18: 2% of £1,207.62 x 282,682.2 = £6,827,453.57, not £6,900,000.
    frame.loc[devon_2017_18(frame), "derived_2pct_of_prev_band_d_x_tax_base"] = "6900000"


def bad_official_expectation(raw: Path, official: Path) -> None:
    frame = pd.DataFrame(
        {
            "gss_code": ["E06000051", "E06000051"],
            "attribution": ["social_care", "socialcare"],
            "expectation_beds_per_day": ["6.7", "7"],
            "source": ["Shropshire Council", "typo"],
        }
    )
    write(official, OFFICIAL_EXPECTATIONS, frame)


FACTS = "dtoc_expectations_2017.csv"
LOOKUP = "dtoc_la_lookup_2017.csv"


def header_only(name: str) -> Callable:
    def apply(raw: Path, official: Path) -> None:
        lines = (raw / name).read_text().splitlines(keepends=True)
        (raw / name).write_text(lines[0])

    return apply


def cut_mid_row(raw: Path, official: Path) -> None:
    """A download or copy that stopped part-way through a line."""
    data = (raw / DTOC).read_bytes()
    last_row = data.rindex(b"\n", 0, len(data) - 1)
    cut = data.index(b",", data.index(b",", data.index(b",", last_row) + 1) + 1) + 3
    (raw / DTOC).write_bytes(data[:cut])


def england_row_of(frame: pd.DataFrame, month: str) -> int:
    hit = frame.index[(frame["gss_code"] == "E92000001") & (frame["month"] == month)]
    return int(hit[0])


def inflate_england(frame: pd.DataFrame) -> None:
    """England's social care days (and so its total) 10,000 higher than its councils'."""
    row = england_row_of(frame, "2017-09")
    for column in ("delayed_days_social_care", "delayed_days_total"):
        frame.loc[row, column] = str(int(frame.loc[row, column]) + 10_000)


def fifo_instead_of(name: str) -> Callable:
    def apply(raw: Path, official: Path) -> None:
        (raw / name).unlink()
        os.mkfifo(raw / name)

    return apply


def drop_council(code: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame[frame["gss_code"] != code]


CASES: dict[str, tuple[Callable, list[str]]] = {
    # ---- numbers that cannot be true
    "population_too_large": (
        edit(POPULATIONS, set_cell(3, "pop_all_ages", "1e20")),
        [POPULATIONS, "row 5", "column pop_all_ages", "1e+20 is implausibly large"],
    ),
    "population_not_whole": (
        edit(REFERENCE, set_cell(4, "population_18plus", "12.5")),
        [REFERENCE, "row 6", "column population_18plus", "not a whole number (12.5)"],
    ),
    "zero_adults": (
        edit(REFERENCE, set_cell(4, "population_18plus", "0")),
        [REFERENCE, "row 6", "column population_18plus", "zero"],
    ),
    "population_infinite": (
        edit(POPULATIONS, set_cell(2, "pop_75plus", "inf")),
        [POPULATIONS, "row 4", "column pop_75plus", "not a finite number ('inf')"],
    ),
    "more_over_85s_than_over_75s": (
        edit(POPULATIONS, set_cell(0, "pop_85plus", "9000")),
        [POPULATIONS, "row 2", "column pop_85plus", "9,000 is more than pop_75plus (8,041)"],
    ),
    "delayed_days_not_whole": (
        edit(DTOC, set_cell(20, "delayed_days_nhs", "12.5")),
        [DTOC, "row 22", "column delayed_days_nhs", "not a whole number (12.5)"],
    ),
    "delayed_days_infinite": (
        edit(DTOC, set_cell(20, "delayed_days_total", "inf")),
        [DTOC, "row 22", "column delayed_days_total", "not a finite number ('inf')"],
    ),
    "delayed_days_too_large": (
        edit(DTOC, set_cell(20, "delayed_days_both", "1e20")),
        [DTOC, "row 22", "column delayed_days_both", "implausibly large"],
    ),
    "tranche1_amount_infinite": (
        edit(PROXY, set_cell(6, "amount", "inf")),
        [PROXY, "row 8", "column amount", "not a finite number ('inf')"],
    ),
    "known_figure_infinite": (
        edit(KNOWN, set_cell(1, "amount", "inf")),
        [KNOWN, "row 3", "column amount", "not a finite number ('inf')"],
    ),
    # ---- files cut short, and control totals
    "dtoc_header_only": (header_only(DTOC), [DTOC, "no data rows (only a header)"]),
    "dtoc_cut_mid_row": (
        cut_mid_row,
        [DTOC, "row 12769", "column source", "blank", "cut short"],
    ),
    "dtoc_cut_at_a_line": (
        edit(DTOC, lambda f: f.iloc[:-40]),
        [DTOC, "month 2018-03 has no row for", "40 of 152 missing", "cut short"],
    ),
    "england_not_its_councils": (
        edit(DTOC, inflate_england),
        [DTOC, "column delayed_days_social_care", "England", "2017-09", "councils sum to"],
    ),
    "fifo_instead_of_a_file": (
        fifo_instead_of(LOOKUP),
        [LOOKUP, "cannot be read (not a regular file"],
    ),
    # ---- the expectation facts and the DToC lookup
    "fact_unknown_code": (
        edit(FACTS, set_cell(3, "gss_code", "E06000999")),
        [FACTS, "row 5", "column gss_code", "unknown GSS code 'E06000999'"],
    ),
    "fact_wrong_council_name": (
        edit(FACTS, set_cell(5, "council", "Hampshire County")),
        [FACTS, "row 7", "column council", "not the name of its GSS code", "Hampshire County"],
    ),
    "fact_value_infinite": (
        edit(FACTS, set_cell(3, "expectation_value", "inf")),
        [FACTS, "row 5", "column expectation_value", "not a finite number"],
    ),
    "fact_unknown_status": (
        edit(FACTS, set_cell(4, "status", "rumour")),
        [FACTS, "row 6", "column status", "status must be one of", "'rumour'"],
    ),
    "fact_bad_target_period": (
        edit(FACTS, set_cell(0, "target_period", "Sept 2017")),
        [FACTS, "row 2", "column target_period", "not a month YYYY-MM or a year"],
    ),
    "fact_baseline_backwards": (
        edit(FACTS, set_cell(3, "baseline_period", "2017-04 to 2017-02")),
        [FACTS, "row 5", "column baseline_period", "ends before it starts"],
    ),
    "fact_without_source": (
        edit(FACTS, set_cell(2, "source", " ")),
        [FACTS, "row 4", "column source", "blank"],
    ),
    "lookup_unknown_code": (
        edit(LOOKUP, set_cell(8, "gss_code", "E08000099")),
        [LOOKUP, "row 10", "column gss_code", "unknown GSS code 'E08000099'"],
    ),
    "lookup_duplicate_dh_code": (
        edit(LOOKUP, set_cell(1, "dh_la_code", "111")),
        [LOOKUP, "row 3", "duplicate dh_la_code 111"],
    ),
    "lookup_wrong_region": (
        edit(LOOKUP, set_cell(0, "region_as_published", "London")),
        [LOOKUP, "row 2", "column region_as_published", "not the council's region"],
    ),
    "lookup_missing_a_council_with_data": (
        edit(LOOKUP, lambda f: f.drop(index=[10])),
        [LOOKUP, "no row for", "which has rows in dtoc_monthly.csv"],
    ),
    # Found through the lookup, but the data missing is in the DToC file: it is named.
    "dtoc_missing_a_mapped_council": (
        edit(DTOC, drop_council("E06000017")),
        [DTOC, "no rows for E06000017", f"which {LOOKUP} maps"],
    ),
    # ---- the failure modes named in issue 2
    "missing_column": (
        edit(POPULATIONS, lambda f: f.drop(columns=["pop_65plus"])),
        [POPULATIONS, "missing column", "pop_65plus"],
    ),
    "extra_column": (
        edit(DTOC, lambda f: f.assign(comment="")),
        [DTOC, "unexpected column", "comment"],
    ),
    "duplicate_council": (
        edit(REFERENCE, set_cell(1, "gss_code", "E06000001")),
        [REFERENCE, "row 3", "duplicate gss_code E06000001"],
    ),
    "duplicate_council_month": (
        edit(DTOC, lambda f: pd.concat([f.iloc[:2], f.iloc[1:]]).reset_index(drop=True)),
        [DTOC, "row 4", "duplicate gss_code/month E06000001 2011-04"],
    ),
    "unknown_gss_code": (
        edit(PROXY, set_cell(4, "gss_code", "E06000999")),
        [PROXY, "row 6", "column gss_code", "unknown GSS code 'E06000999'"],
    ),
    "unknown_gss_code_in_dtoc": (
        edit(DTOC, set_cell(7, "gss_code", "E08000099")),
        [DTOC, "row 9", "column gss_code", "unknown GSS code 'E08000099'"],
    ),
    "not_a_council_code": (
        edit(REFERENCE, set_cell(9, "gss_code", "W06000001")),
        [REFERENCE, "row 11", "column gss_code", "not a council GSS code ('W06000001')"],
    ),
    "negative_value": (
        edit(DTOC, set_cell(10, "delayed_days_nhs", "-5")),
        [DTOC, "row 12", "column delayed_days_nhs", "negative value -5"],
    ),
    "negative_population": (
        edit(POPULATIONS, set_cell(3, "pop_75plus", "-100")),
        [POPULATIONS, "row 5", "column pop_75plus", "negative value -100"],
    ),
    "non_numeric_cell": (
        edit(POPULATIONS, set_cell(2, "pop_85plus", "n/a")),
        [POPULATIONS, "row 4", "column pop_85plus", "not a number ('n/a')"],
    ),
    "non_numeric_dtoc": (
        edit(DTOC, set_cell(40, "delayed_days_social_care", "12a")),
        [DTOC, "row 42", "column delayed_days_social_care", "not a number ('12a')"],
    ),
    "blank_population": (
        edit(REFERENCE, set_cell(6, "population_18plus", "")),
        [REFERENCE, "row 8", "column population_18plus", "blank"],
    ),
    "months_out_of_order": (
        edit(DTOC, swap_first_rows_of_two_months),
        [DTOC, "row 3", "column month", "months out of order (2011-05 then 2011-04)"],
    ),
    "not_a_month": (
        edit(DTOC, set_cell(5, "month", "2011-13")),
        [DTOC, "row 7", "column month", "not a month YYYY-MM ('2011-13')"],
    ),
    "month_missing_from_series": (
        edit(DTOC, drop_month("2015-06")),
        [DTOC, "month(s) missing from the series: 2015-06"],
    ),
    "total_not_reconciling": (
        edit(DTOC, break_total),
        [
            DTOC,
            "row 11756",
            "column delayed_days_total",
            "total 654 does not equal NHS + social care + both (653)",
        ],
    ),
    "wrong_encoding": (
        latin1_reference,
        [REFERENCE, "not UTF-8 text", "byte"],
    ),
    "not_a_csv": (
        unreadable_csv,
        [KNOWN, "not a readable CSV"],
    ),
    "too_few_councils": (
        edit(REFERENCE, lambda f: f.drop(index=[100])),
        [REFERENCE, "151 councils, expected 152"],
    ),
    "unknown_authority_type": (
        edit(REFERENCE, set_cell(12, "authority_type", "District council")),
        [REFERENCE, "row 14", "column authority_type", "unknown authority type 'District council'"],
    ),
    "adults_disagree_between_files": (
        edit(POPULATIONS, set_cell(0, "pop_18plus", "72970")),
        [POPULATIONS, "adults 18+ differ", REFERENCE, "E06000001"],
    ),
    "blank_proxy_amount": (
        edit(PROXY, set_cell(0, "amount", "")),
        [PROXY, "blank amount for E06000001", "only Bournemouth, Poole and Dorset"],
    ),
    "known_figure_not_a_number": (
        edit(KNOWN, set_cell(1, "amount", "£3.4m")),
        [KNOWN, "row 3", "column amount", "not a number ('£3.4m')"],
    ),
    # ---- the allocation inputs: tranche 1 proxy and published figures
    "proxy_amounts_all_zero": (
        edit(PROXY, zero_proxy_amounts),
        [PROXY, "row 2", "column amount", "zero, where only a positive value makes sense"],
    ),
    "proxy_amount_not_whole": (
        edit(PROXY, set_cell(0, "amount", "1234.5")),
        [PROXY, "row 2", "column amount", "not a whole number (1234.5)"],
    ),
    "known_figures_all_zero": (
        edit(KNOWN, set_column("amount", "0")),
        [KNOWN, "row 2", "column amount", "zero, where only a positive value makes sense"],
    ),
    "known_figure_not_whole": (
        edit(KNOWN, set_cell(1, "amount", "3400000.5")),
        [KNOWN, "row 3", "column amount", "not a whole number (3.4e+06)"],
    ),
    "known_figure_unknown_element": (
        edit(KNOWN, set_cell(2, "element", "winter")),
        [KNOWN, "row 4", "column element", "'winter' is not one of original"],
    ),
    "known_figure_unknown_precision": (
        edit(KNOWN, set_cell(3, "precision", "roughly")),
        [KNOWN, "row 5", "column precision", "'roughly' is not one of"],
    ),
    "known_figure_unknown_year": (
        edit(KNOWN, set_cell(0, "year", "2020-21")),
        [KNOWN, "row 2", "column year", "'2020-21' is not one of"],
    ),
    "known_figure_unknown_code": (
        edit(KNOWN, set_cell(0, "gss_code", "E10000099")),
        [KNOWN, "row 2", "column gss_code", "unknown GSS code 'E10000099'"],
    ),
    "known_figure_duplicate": (
        edit(KNOWN, set_cell(2, "year", "2018-19")),
        [KNOWN, "row 4", "duplicate gss_code/element/year E09000006 spring_budget 2018-19"],
    ),
    # ---- the 2018-19 revenue outturn (what councils reported receiving)
    "outturn_ibcf_not_a_number": (
        edit(OUTTURN, set_cell(3, "rg_improved_better_care_fund", "5,056k")),
        [OUTTURN, "row 5", "column rg_improved_better_care_fund", "not a number ('5,056k')"],
    ),
    "outturn_ibcf_negative": (
        edit(OUTTURN, set_cell(0, "rg_improved_better_care_fund", "-3737")),
        [OUTTURN, "row 2", "column rg_improved_better_care_fund", "negative value -3737"],
    ),
    "outturn_ibcf_not_whole": (
        edit(OUTTURN, set_cell(1, "rg_improved_better_care_fund", "6023.5")),
        [OUTTURN, "row 3", "column rg_improved_better_care_fund", "not whole £000 (6023.5)"],
    ),
    "outturn_ibcf_in_pounds_not_thousands": (
        edit(OUTTURN, set_cell(2, "rg_improved_better_care_fund", "48700000000")),
        [OUTTURN, "row 4", "column rg_improved_better_care_fund", "implausibly large"],
    ),
    "outturn_net_spending_below_minus_10bn": (
        edit(OUTTURN, set_cell(4, "rs_nce_housing_gfra", "-20000000")),
        [
            OUTTURN,
            "row 6",
            "column rs_nce_housing_gfra",
            "-2e+07 is implausibly large (more than ±",
        ],
    ),
    "outturn_blank_service": (
        edit(OUTTURN, set_cell(4, "rs_nce_adult_social_care", "")),
        [OUTTURN, "row 6", "column rs_nce_adult_social_care", "blank"],
    ),
    "outturn_unknown_code": (
        edit(OUTTURN, set_cell(6, "gss_code", "E06000999")),
        [OUTTURN, "row 8", "column gss_code", "unknown GSS code 'E06000999'"],
    ),
    "outturn_duplicate_council": (
        edit(OUTTURN, set_cell(1, "gss_code", "E06000001")),
        [OUTTURN, "row 3", "duplicate gss_code E06000001"],
    ),
    "outturn_council_missing": (
        edit(OUTTURN, drop_council("E10000008")),
        [OUTTURN, "no row for E10000008"],
    ),
    "outturn_wrong_year": (
        edit(OUTTURN, set_cell(5, "year_ending", "201803")),
        [OUTTURN, "row 7", "column year_ending", "'201803' is not one of 201903"],
    ),
    "outturn_control_beyond_rounding": (
        edit(OUTTURN, set_cell(8, "check_rg_intot_minus_components", "40")),
        [OUTTURN, "row 10", "column check_rg_intot_minus_components", "more than the ±2"],
    ),
    "outturn_services_do_not_add_up": (
        edit(OUTTURN, set_cell(0, "rs_nce_adult_social_care", "32847")),
        [OUTTURN, "row 2", "column check_rs_total_minus_sum", "not the total less its services"],
    ),
    "outturn_missing_column": (
        edit(OUTTURN, lambda f: f.drop(columns=["rg_improved_better_care_fund"])),
        [OUTTURN, "missing column", "rg_improved_better_care_fund"],
    ),
    # ---- council tax requirement returns
    "ctr_missing_column": (
        edit(TAX, lambda f: f.drop(columns=["band_d_excl_local_precepts"])),
        [TAX, "missing column", "band_d_excl_local_precepts"],
    ),
    "ctr_blank_tax_base": (
        edit(TAX, set_cell(3, "tax_base_for_tax_setting", "")),
        [TAX, "row 5", "column tax_base_for_tax_setting", "blank"],
    ),
    "ctr_band_d_infinite": (
        edit(TAX, set_cell(2, "band_d_excl_local_precepts", "inf")),
        [TAX, "row 4", "column band_d_excl_local_precepts", "not a finite number ('inf')"],
    ),
    "ctr_zero_tax_base": (
        edit(TAX, set_cell(4, "tax_base_for_tax_setting", "0")),
        [TAX, "row 6", "column tax_base_for_tax_setting", "zero, where only a positive value"],
    ),
    "ctr_tax_base_implausibly_large": (
        edit(TAX, set_cell(7, "tax_base_for_tax_setting", "1e300")),
        [TAX, "row 9", "column tax_base_for_tax_setting", "implausibly large"],
    ),
    "ctr_negative_precept": (
        edit(TAX, set_cell(2, "asc_precept_in_year_amount", "-5")),
        [TAX, "row 4", "column asc_precept_in_year_amount", "negative value -5"],
    ),
    "ctr_blank_precept_after_2016": (
        edit(TAX, set_cell(3, "asc_precept_in_year_amount", "")),
        [TAX, "row 5", "column asc_precept_in_year_amount", "blank"],
    ),
    "ctr_derived_precept_does_not_add_up": (
        edit(TAX, break_derived_precept),
        [
            TAX,
            "row 779",
            "column derived_2pct_of_prev_band_d_x_tax_base",
            "£6,900,000.00 is not 2% of the previous year's Band D",
            "(£6,827,453.57)",
        ],
    ),
    "ctr_unknown_year": (
        edit(TAX, set_cell(0, "year", "2013-14")),
        [TAX, "row 2", "column year", "'2013-14' is not one of"],
    ),
    "ctr_duplicate_council_year": (
        edit(TAX, set_cell(1, "year", "2014-15")),
        [TAX, "row 3", "duplicate gss_code/year E06000001 2014-15"],
    ),
    "ctr_missing_council_year": (
        edit(TAX, drop_devon_2017_18),
        [TAX, "no row for E10000008 2017-18"],
    ),
    "ctr_unknown_code": (
        edit(TAX, set_cell(5, "gss_code", "E06000999")),
        [TAX, "row 7", "column gss_code", "unknown GSS code 'E06000999'"],
    ),
    # ---- council taxbase returns
    "ctb_dwellings_not_whole": (
        edit(TAXBASE, set_cell(0, "dwellings_on_valuation_list", "43015.5")),
        [TAXBASE, "row 2", "column dwellings_on_valuation_list", "not a whole number (43015.5)"],
    ),
    "ctb_zero_tax_base": (
        edit(TAXBASE, set_cell(1, "ctb_tax_base_after_cts_band_d_equivalents", "0")),
        [TAXBASE, "row 3", "column ctb_tax_base_after_cts_band_d_equivalents", "zero"],
    ),
    "ctb_unknown_year": (
        edit(TAXBASE, set_cell(2, "year", "2019-20")),
        [TAXBASE, "row 4", "column year", "'2019-20' is not one of"],
    ),
    # ---- ASC RNF checkpoints (winter pressures grant)
    "rnf_amount_not_whole": (
        edit(RNF, set_cell(0, "amount", "4178678.5")),
        [RNF, "row 2", "column amount", "not a whole number (4.17868e+06)"],
    ),
    "rnf_amount_infinite": (
        edit(RNF, set_cell(2, "amount", "inf")),
        [RNF, "row 4", "column amount", "not a finite number ('inf')"],
    ),
    "rnf_unknown_precision": (
        edit(RNF, set_cell(4, "precision", "about")),
        [RNF, "row 6", "column precision", "'about' is not one of"],
    ),
    "rnf_unknown_grant": (
        edit(RNF, set_cell(0, "grant", "asc_support_grant")),
        [RNF, "row 2", "column grant", "'asc_support_grant' is not one of"],
    ),
    "rnf_share_does_not_match_amount": (
        edit(RNF, set_cell(1, "share_of_pot", "0.015")),
        [RNF, "row 3", "column share_of_pot", "0.015 is not amount / £240m (0.01403313)"],
    ),
    "rnf_duplicate_council": (
        edit(RNF, set_cell(1, "gss_code", "E10000020")),
        [RNF, "row 3", "duplicate gss_code E10000020"],
    ),
    # ---- the official allocations table
    "blank_official_allocation": (
        official_table([official_row(spring_budget="")]),
        [OFFICIAL, "row 2", "column allocation_spring_budget", "blank"],
    ),
    "official_status_unknown": (
        official_table([official_row(), official_row("E10000016", status="draft")]),
        [OFFICIAL, "row 3", "column status", "status must be one of", "'draft'"],
    ),
    "official_not_whole_pounds": (
        official_table([official_row(original="20000000.50")]),
        [OFFICIAL, "row 2", "column allocation_original", "not whole pounds"],
    ),
    "official_unknown_code": (
        official_table([official_row("E10000099")]),
        [OFFICIAL, "row 2", "column gss_code", "unknown GSS code 'E10000099'"],
    ),
    "official_duplicate_council": (
        official_table([official_row(), official_row()]),
        [OFFICIAL, "row 3", "duplicate gss_code E10000008"],
    ),
    "official_more_than_national_total": (
        official_table([official_row(original="900000000")]),
        [OFFICIAL, "allocation_original", "more than the national total £825,000,000"],
    ),
    "official_missing_column": (
        lambda raw, official: write(
            official, OFFICIAL, pd.DataFrame([official_row()]).drop(columns=["source"])
        ),
        [OFFICIAL, "missing column", "source"],
    ),
    "official_expectation_attribution": (
        bad_official_expectation,
        [OFFICIAL_EXPECTATIONS, "row 3", "column attribution", "must be one of"],
    ),
}


def build_from(raw: Path, official: Path) -> None:
    tables, overrides, data_hash = io.read_data_tables(raw, official)
    build_dataset(tables, overrides, data_hash)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_data_error_names_file_row_and_column(
    case: str, raw_copy: Path, tmp_path: Path
) -> None:
    breaker, words = CASES[case]
    official = tmp_path / "official"
    official.mkdir()
    breaker(raw_copy, official)
    with pytest.raises(DataError) as caught:
        build_from(raw_copy, official)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{case}: {word!r} not in {message!r}"
    # Reported without a traceback by the command line: a SimulatorError with lines.
    assert isinstance(caught.value, SimulatorError)
    assert all(line.startswith(words[0]) or words[0] in line for line in caught.value.problems)


def test_the_unbroken_copy_builds(raw_copy: Path, tmp_path: Path) -> None:
    """The cases above fail because of their one edit, not because of the copy."""
    official = tmp_path / "official"
    official.mkdir()
    build_from(raw_copy, official)


def test_a_full_official_table_that_does_not_add_up(raw_copy: Path, tmp_path: Path) -> None:
    official = tmp_path / "official"
    official.mkdir()
    codes = read(raw_copy, REFERENCE)["gss_code"]
    rows = [official_row(code, original="5000000", spring_budget="4000000") for code in codes]
    official_table(rows)(raw_copy, official)
    with pytest.raises(DataError) as caught:
        build_from(raw_copy, official)
    # 152 x £5m = £760m of original; 152 x £4m = £608m of Spring Budget.
    assert f"{OFFICIAL}: allocation_original sums to £760,000,000" in str(caught.value)
    assert "not the national total £825,000,000" in str(caught.value)
