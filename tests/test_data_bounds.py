"""Corrupt data that used to be accepted (or to crash): each file's bounds, completeness
and totals, and the data folder checked once for every file anything reads.

Each test is named after what an independent review found, breaks one copy of the
real files the way it did, and checks the error names the file, the row and the
column. Bounds come from published totals (SOURCES.md) or physical limits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import io
from simulator.errors import DataError
from simulator.inputs.data import build_dataset, check_hex_layout, load_dataset
from tests.strategies import examples
from tests.test_data_errors import (
    KNOWN,
    OFFICIAL,
    OFFICIAL_EXPECTATIONS,
    PROXY,
    RNF,
    TAX,
    TAXBASE,
    build_from,
    edit,
    official_row,
    official_table,
    set_cell,
    write,
)

ROOT = Path(__file__).resolve().parent.parent
FACTS = "dtoc_expectations_2017.csv"


def refused(raw: Path, official: Path) -> str:
    with pytest.raises(DataError) as caught:
        build_from(raw, official)
    return str(caught.value)


@pytest.fixture
def official(tmp_path: Path) -> Path:
    folder = tmp_path / "official"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------------- tranche 1
def test_a_tranche1_amount_of_1e20_is_refused(raw_copy: Path, official: Path) -> None:
    # Row 6 is Darlington; 1e20 once gave it £1,401,522,686 of the £1.5bn pot.
    edit(PROXY, set_cell(6, "amount", "1e20"))(raw_copy, official)
    message = refused(raw_copy, official)
    assert (
        f"{PROXY}: row 8: column amount: 1e+20 is implausibly large (more than "
        "£1,600,000,000, the whole of tranche 1)"
    ) in message


def test_tranche1_amounts_beyond_the_published_1_6bn_are_refused(
    raw_copy: Path, official: Path
) -> None:
    # Two councils of £900m each: each under £1.6bn, together more than all 372 got.
    def two_huge(frame: pd.DataFrame) -> None:
        frame.loc[[0, 1], "amount"] = "900000000"

    edit(PROXY, two_huge)(raw_copy, official)
    message = refused(raw_copy, official)
    assert f"{PROXY}: column amount: amounts sum to £" in message
    assert "more than tranche 1's £1,600,000,000 for all 372 authorities" in message


def test_a_blank_tranche1_amount_names_row_and_column(raw_copy: Path, official: Path) -> None:
    edit(PROXY, set_cell(0, "amount", ""))(raw_copy, official)
    assert (
        f"{PROXY}: row 2: column amount: blank amount for E06000001 (only Bournemouth, "
        "Poole and Dorset may be blank)"
    ) in refused(raw_copy, official)


def test_a_tranche1_file_missing_a_council_is_refused(raw_copy: Path, official: Path) -> None:
    edit(PROXY, lambda f: f[f["gss_code"] != "E06000005"])(raw_copy, official)
    assert f"{PROXY}: no row for E06000005" in refused(raw_copy, official)


# ---------------------------------------------------------------------- known figures
def test_a_known_figure_of_1e20_is_refused(raw_copy: Path, official: Path) -> None:
    # Row 0: Devon's Spring Budget element of 2018-19; the national pot was £674m.
    edit(KNOWN, set_cell(0, "amount", "1e20"))(raw_copy, official)
    assert (
        f"{KNOWN}: row 2: column amount: 1e+20 is implausibly large (more than "
        "£674,000,000, the national total of spring_budget 2018-19)"
    ) in refused(raw_copy, official)


def test_a_national_total_that_is_not_the_published_pot_is_refused(
    raw_copy: Path, official: Path
) -> None:
    # Row 7: England's original element of 2018-19, published as £825,000,000.
    edit(KNOWN, set_cell(7, "amount", "824000000"))(raw_copy, official)
    assert (
        f"{KNOWN}: row 9: column amount: £824,000,000 is not the published national "
        "total (£825,000,000)"
    ) in refused(raw_copy, official)


def test_known_figures_cut_short_are_refused(raw_copy: Path, official: Path) -> None:
    data = (raw_copy / KNOWN).read_bytes()
    last_row = data.rindex(b"\n", 0, len(data) - 1)
    (raw_copy / KNOWN).write_bytes(data[: last_row + 40])  # mid-way through the amount
    message = refused(raw_copy, official)
    assert f"{KNOWN}: row 19: column precision: '' is not one of" in message
    assert f"{KNOWN}: row 19: column source: blank; every figure names its source" in message


# ---------------------------------------------------------------------- files cut to a header
RAW_CSVS = sorted(io.RAW_FILES.values())


@pytest.mark.parametrize("name", RAW_CSVS)
def test_header_only_files_are_refused(name: str, raw_copy: Path, official: Path) -> None:
    lines = (raw_copy / name).read_text(encoding="utf-8").splitlines(keepends=True)
    (raw_copy / name).write_text(lines[0], encoding="utf-8")
    assert f"{name}: no data rows (only a header)" in refused(raw_copy, official)


@pytest.mark.parametrize("name", [OFFICIAL, OFFICIAL_EXPECTATIONS])
def test_header_only_official_tables_are_refused(name: str, raw_copy: Path, official: Path) -> None:
    header = {
        OFFICIAL: "gss_code,allocation_original,allocation_spring_budget,status,source\n",
        OFFICIAL_EXPECTATIONS: "gss_code,attribution,expectation_beds_per_day,source\n",
    }[name]
    (official / name).write_text(header, encoding="utf-8")
    assert f"{name}: no data rows (only a header)" in refused(raw_copy, official)


# ---------------------------------------------------------------------- the official tables
def test_an_official_table_missing_one_council_is_refused(
    raw_copy: Path, official: Path, reconstructed
) -> None:
    """151 rows with a typo in one: the missing council no longer absorbs the typo."""
    alloc = reconstructed.allocations
    rows = [
        official_row(code, str(original), str(spring))
        for code, original, spring in zip(
            alloc["gss_code"],
            alloc["allocation_original"],
            alloc["allocation_spring_budget"],
            strict=True,
        )
        if code != "E06000005"
    ]
    rows[0]["allocation_original"] = str(int(rows[0]["allocation_original"]) - 1_000_000)
    official_table(rows)(raw_copy, official)
    message = refused(raw_copy, official)
    assert f"{OFFICIAL}: no row for E06000005 (1 of 152 missing" in message


def test_an_official_table_giving_one_council_1_499_000_000_is_refused(
    raw_copy: Path, official: Path
) -> None:
    # The whole of both 2018/19 pots (£825m + £674m) to Devon: no council's need share
    # is above 3%, so a quarter of a national total is already impossible.
    official_table([official_row(original="825000000", spring_budget="674000000")])(
        raw_copy, official
    )
    message = refused(raw_copy, official)
    assert (
        f"{OFFICIAL}: row 2: column allocation_original: £825,000,000 is more than a quarter "
        "of the national total £825,000,000"
    ) in message
    assert f"{OFFICIAL}: row 2: column allocation_spring_budget: £674,000,000" in message


@pytest.mark.parametrize("amount", ["1e20", "9.3e18"])
def test_an_official_allocation_of_1e20_or_9_3e18_is_refused_not_an_overflow(
    amount: str, raw_copy: Path, official: Path
) -> None:
    official_table([official_row(original=amount)])(raw_copy, official)
    message = refused(raw_copy, official)  # a DataError, not an OverflowError
    assert f"{OFFICIAL}: row 2: column allocation_original:" in message
    assert "is implausibly large (more than the national total £825,000,000)" in message


def test_an_official_expectation_of_1e300_is_refused(raw_copy: Path, official: Path) -> None:
    write(
        official,
        OFFICIAL_EXPECTATIONS,
        pd.DataFrame(
            {
                "gss_code": ["E06000051"],
                "attribution": ["social_care"],
                "expectation_beds_per_day": ["1e300"],
                "source": ["test"],
            }
        ),
    )
    assert (
        f"{OFFICIAL_EXPECTATIONS}: row 2: column expectation_beds_per_day: 1e+300 is "
        "implausibly large (more than 20,000 delayed beds a day"
    ) in refused(raw_copy, official)


# ---------------------------------------------------------------------- expectation facts
def test_a_duplicate_expectation_fact_row_is_refused(raw_copy: Path, official: Path) -> None:
    edit(FACTS, lambda f: pd.concat([f, f.iloc[[3]]]).reset_index(drop=True))(raw_copy, official)
    message = refused(raw_copy, official)
    assert f"{FACTS}: row 9: duplicate gss_code/expectation_measure/target_period" in message


def test_a_zero_expectation_fact_is_refused(raw_copy: Path, official: Path) -> None:
    edit(FACTS, set_cell(3, "expectation_value", "0"))(raw_copy, official)
    assert (
        f"{FACTS}: row 5: column expectation_value: zero, where only a positive value makes sense"
    ) in refused(raw_copy, official)


def test_a_fractional_percentage_reduction_is_refused(raw_copy: Path, official: Path) -> None:
    # Row 5: Hampshire's required cut, 66 (% reduction), written as a fraction.
    edit(FACTS, set_cell(5, "expectation_value", "0.66"))(raw_copy, official)
    assert (
        f"{FACTS}: row 7: column expectation_value: 0.66 is a fraction where a percentage "
        "reduction is written (66 for a 66% cut)"
    ) in refused(raw_copy, official)


def test_a_percentage_above_100_is_refused(raw_copy: Path, official: Path) -> None:
    edit(FACTS, set_cell(0, "expectation_value", "350"))(raw_copy, official)
    assert (
        f"{FACTS}: row 2: column expectation_value: 350 is more than 100% (expectation_unit "
        "is a percentage)"
    ) in refused(raw_copy, official)


# ---------------------------------------------------------------------- council tax, RNF
def test_a_2016_17_precept_total_off_the_published_382m_is_refused(
    raw_copy: Path, official: Path
) -> None:
    def plus_two_million(frame: pd.DataFrame) -> None:
        row = frame.index[(frame["gss_code"] == "E10000008") & (frame["year"] == "2016-17")][0]
        frame.loc[row, "asc_precept_in_year_amount"] = str(
            float(frame.loc[row, "asc_precept_in_year_amount"]) + 2_000_000
        )

    edit(TAX, plus_two_million)(raw_copy, official)
    message = refused(raw_copy, official)
    assert (
        f"{TAX}: column asc_precept_in_year_amount: the ASC precept levied in 2016-17 sums to £383,"
    ) in message
    assert "not the published £382m (to the £1m)" in message


def test_more_billing_authorities_than_england_has_are_refused(
    raw_copy: Path, official: Path
) -> None:
    edit(TAXBASE, set_cell(0, "n_billing_authorities_summed", "400"))(raw_copy, official)
    assert (
        f"{TAXBASE}: row 2: column n_billing_authorities_summed: 400 is implausibly large "
        "(more than England's 326 billing authorities)"
    ) in refused(raw_copy, official)


def test_winter_pressures_amounts_beyond_the_240m_grant_are_refused(
    raw_copy: Path, official: Path
) -> None:
    def most_of_the_grant(frame: pd.DataFrame) -> None:
        frame.loc[0, "amount"] = "236000000"
        frame.loc[0, "share_of_pot"] = f"{236_000_000 / 240_000_000:.8f}"

    edit(RNF, most_of_the_grant)(raw_copy, official)
    message = refused(raw_copy, official)
    assert f"{RNF}: column amount: amounts sum to £" in message
    assert "more than the whole grant £240,000,000" in message


# ---------------------------------------------------------------------- the data folder
def data_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(io.RAW_DIR, folder / "raw")
    return folder


def test_a_missing_hex_layout_is_refused_at_load(tmp_path: Path) -> None:
    """The Map view crashed when the data folder lacked the hex layout; now the folder
    is refused when it is read, naming the file."""
    folder = data_folder(tmp_path)
    (folder / "raw" / io.HEX_FILE).unlink()
    with pytest.raises(DataError) as caught:
        io.read_data_tables(folder / "raw", folder / "official")
    assert f"{folder / 'raw'}: missing {io.HEX_FILE}" in str(caught.value)


def test_a_hex_layout_without_a_council_is_refused() -> None:
    hexjson = io.read_hexjson()
    codes = load_dataset().codes
    del hexjson["hexes"]["E08000025"]
    hexjson["hexes"]["E06000001"] = {"q": "x", "r": 2}
    with pytest.raises(DataError) as caught:
        check_hex_layout(hexjson, codes)
    message = str(caught.value)
    assert f"{io.HEX_FILE}: hexes: E06000001: q and r must be whole numbers" in message
    assert f"{io.HEX_FILE}: hexes: no hex for E08000025" in message


def run_cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, io.DATA_DIR_VARIABLE: str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip


@pytest.mark.process
def test_data_check_refuses_a_folder_without_the_hex_layout(tmp_path: Path) -> None:
    folder = data_folder(tmp_path)
    (folder / "raw" / io.HEX_FILE).unlink()
    proc = run_cli(["data", "check"], folder)
    assert proc.returncode != 0
    assert f"missing {io.HEX_FILE} (from {io.DATA_DIR_VARIABLE}={folder})" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.process
def test_a_wrong_data_dir_names_the_folder_and_the_variable(tmp_path: Path) -> None:
    wrong = tmp_path / "no-such-folder"
    proc = run_cli(["data", "check"], wrong)
    assert proc.returncode != 0
    assert (
        f"{wrong}: no such data folder (from {io.DATA_DIR_VARIABLE}={wrong}); it holds raw/ "
        "and, optionally, official/"
    ) in proc.stderr
    assert "council_reference.csv: cannot be read" not in proc.stderr


@pytest.mark.process
def test_a_data_dir_without_raw_names_the_folder_and_the_variable(tmp_path: Path) -> None:
    proc = run_cli(["data", "check"], tmp_path)
    assert f"{tmp_path}: the data folder (from {io.DATA_DIR_VARIABLE}={tmp_path}) has no raw/" in (
        proc.stderr
    )


def test_the_app_says_the_data_folder_is_broken_instead_of_crashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import services

    folder = data_folder(tmp_path)
    (folder / "raw" / io.HEX_FILE).unlink()
    monkeypatch.setattr(io, "RAW_DIR", folder / "raw")
    monkeypatch.setattr(io, "OFFICIAL_DIR", folder / "official")
    monkeypatch.setattr(io, "HEX_LAYOUT", folder / "raw" / io.HEX_FILE)
    services.dataset.clear()
    try:
        problems = services.data_problems()
    finally:
        services.dataset.clear()
    assert problems == [
        f"{folder / 'raw'}: missing {io.HEX_FILE} (every file the model, the reports and "
        "the app read; data/README.md lists them)"
    ]


@pytest.mark.parametrize("name", [RNF, TAX, "dtoc_monthly.csv"])
def test_a_missing_key_column_is_named_alone(name: str, raw_copy: Path, official: Path) -> None:
    """Without its key column a file's other checks cannot run: only the column is named."""
    edit(name, lambda f: f.drop(columns=["gss_code"]))(raw_copy, official)
    with pytest.raises(DataError) as caught:
        build_from(raw_copy, official)
    assert caught.value.problems == [f"{name}: missing column(s) gss_code"]


# ---------------------------------------------------------------------- any official number
@pytest.fixture(scope="module")
def raw_tables() -> tuple[dict, dict, str]:
    return io.read_data_tables(io.RAW_DIR, io.RAW_DIR / "no-official-tables-here")


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["allocation_original", "allocation_spring_budget"]),
    st.one_of(
        st.sampled_from(["1e20", "9.3e18", "-1", "inf", "nan", "1e308", "825000001"]),
        st.integers(-(10**25), 10**25).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ),
)
def test_any_official_allocation_builds_or_names_its_cell(
    raw_tables: tuple[dict, dict, str], column: str, cell: str
) -> None:
    """Never an OverflowError or a wrapped-round amount: the table builds with the
    value as given, or the error names the file, row 2 and the column."""
    raw, _, data_hash = raw_tables
    row = official_row()
    row[column] = cell
    try:
        built = build_dataset(raw, {"allocations": pd.DataFrame([row])}, data_hash)
    except DataError as exc:
        assert all(p.startswith(f"{OFFICIAL}: ") for p in exc.problems), exc.problems
        assert any(f"row 2: column {column}" in p for p in exc.problems), exc.problems
        return
    devon = built.allocations.set_index("gss_code").loc["E10000008", column]
    assert devon == float(cell)
