"""The command line: exit codes, error lines, files written, nothing overwritten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

COUNCIL_COLUMNS = [
    "gss_code", "council", "region", "authority_type", "allocation_original",
    "allocation_spring_budget", "allocation_total", "allocation_status", "selected",
    "tests_failed", "conditioned", "withheld", "received", "final_allocation", "change",
    "change_pct",
]  # fmt: skip
SUMMARY_KEYS = [
    "scenario", "scenario_hash", "data_hash", "model_version", "councils_selected",
    "total_baseline", "total_conditioned", "total_withheld", "total_received",
    "total_retained", "total_final", "ledger_balanced",
]  # fmt: skip


def test_data_check_prints_control_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "councils: 152" in out
    assert "councils with DToC data: 151" in out
    # published figures: 18+ mid-2017 and the national totals of each element
    assert "England adults 18+ (ONS mid-2017): 43,752,473" in out
    assert "£825,000,000" in out and "£674,000,000" in out
    assert "February 2017: 6,660.4" in out
    assert "168,041 delayed days" in out


def test_validate_good_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[consequences]\ncondition_pct = 80.0\nreduction_pct = 40.0\n')
    code = main(["validate", str(SCENARIOS / "status-quo.toml"), str(bad)])
    out = capsys.readouterr().out.splitlines()
    assert code == 2
    assert out[0].endswith("status-quo.toml: valid")
    assert out[1].startswith(f"{bad}: consequences: ")
    assert "more than 100%" in out[1]


def test_validate_all_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SCENARIOS.glob("*.toml"))
    assert len(files) == 5
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": valid") == 5


def test_run_writes_the_output_contract(tmp_path: Path) -> None:
    out = tmp_path / "oct"
    code = main(["-q", "run", str(SCENARIOS / "october-2017-letter.toml"), "--out", str(out),
                 "--draws", "200"])  # fmt: skip
    assert code == 0
    councils = pd.read_csv(out / "councils.csv")
    assert len(councils) == 152
    assert set(COUNCIL_COLUMNS) <= set(councils.columns)
    for test_id in ("rate_quartile", "gap_quartile", "trend_quartile"):
        assert f"{test_id}_fail" in councils and f"{test_id}_margin" in councils
    summary = json.loads((out / "summary.json").read_text())
    assert set(SUMMARY_KEYS) <= set(summary)
    assert summary["ledger_balanced"] is True
    # the October scenario conditions 33% of the Spring Budget element of those selected
    chosen = councils[councils["selected"]]
    expected = (chosen["allocation_spring_budget"] * 0.33).round().sum()
    assert abs(summary["total_conditioned"] - expected) <= len(chosen)
    assert summary["total_final"] == 1_499_000_000
    for key in ("beds_freed", "delayed_days_avoided", "nhs_value_gbp",
                "probability_ambition_met", "seed", "draws"):  # fmt: skip
        assert key in summary
    assert set(summary["beds_freed"]) == {"p10", "p50", "p90"}
    assert summary["evidence_set"] == "central"
    assert "beds freed if the central evidence holds" in summary["headline"]
    # every evidence set side by side, the chosen one equal to the headline bands
    by_set = summary["beds_freed_by_evidence_set"]
    assert set(by_set) == {
        f"{s}.{q}" for s in ("no_effect", "low", "central", "fit_2017_18")
        for q in ("p10", "p50", "p90")
    }  # fmt: skip
    assert by_set["central.p50"] == summary["beds_freed"]["p50"]
    assert summary["default_evidence_set"] == "central"
    assert "central (default)" in summary["evidence_sets_text"]
    assert summary["detectability"].startswith("No measurable effect on national delays")
    parameters = pd.read_excel(out / "report.xlsx", sheet_name="Parameters")
    assert parameters.set_index("name").loc["evidence_set", "value"] == "central"
    assert set(summary["nhs_value_gbp"]) == {"notional", "cash_releasing"}
    days = summary["delayed_days_avoided"]
    # days are rounded to 0.1 in the summary: up to 0.05 x £313 apart
    assert summary["nhs_value_gbp"]["notional"] == pytest.approx(313 * days, abs=16)
    assert summary["nhs_value_gbp"]["cash_releasing"] == pytest.approx(75.2 * days, abs=4)
    projection = pd.read_csv(out / "projection.csv")
    assert {"gss_code", "month", "attribution", "baseline_beds_p50", "scenario_beds_p10",
            "scenario_beds_p50", "scenario_beds_p90"} <= set(projection.columns)  # fmt: skip
    assert projection["month"].min() == "2018-04" and projection["month"].max() == "2019-03"
    assert set(projection["attribution"]) == {
        "social_care", "social_care_and_both", "nhs", "total"
    }  # fmt: skip
    distribution = pd.read_csv(out / "distribution.csv")
    total = distribution[distribution["section"] == "total"].iloc[0]
    assert total["conditioned"] == summary["total_conditioned"]
    assert total["withheld"] == summary["total_withheld"] == 0
    deciles = distribution[distribution["dimension"] == "deprivation_decile"]
    assert deciles["councils"].sum() == 152
    assert deciles["conditioned"].sum() == summary["total_conditioned"]
    sheets = pd.ExcelFile(out / "report.xlsx").sheet_names
    assert {"Distribution", "Stability", "Incentives"} <= set(sheets)
    rewards = pd.read_csv(out / "incentives.csv")
    assert len(rewards) == 152
    assert rewards["at_stake"].sum() == summary["total_conditioned"] + summary["total_withheld"]
    firm = pd.read_csv(out / "stability.csv")
    option = firm.iloc[0]
    assert option["section"] == "option" and option["selected"] == summary["councils_selected"]
    per_council = firm[firm["section"] == "council"]
    assert len(per_council) == 152
    # a council selected in every variant is in the scenario's own list
    always = per_council[per_council["selected_share"] == 1.0]
    assert always["selected"].all()
    headlines = pd.read_excel(out / "report.xlsx", sheet_name="Projection")["headline"].str.cat()
    assert "Evidence uncertainty alone" in headlines and "forecast noise" in headlines
    for sheet in ("Summary", "Councils", "Caveats", "Methods", "Scenario", "Data provenance"):
        assert sheet in sheets
    caveats = pd.read_excel(out / "report.xlsx", sheet_name="Caveats")["caveat"].str.cat()
    assert "RECONSTRUCTED" in caveats
    # outputs get a new file's usual permissions, not a temporary file's private 0o600
    (out / "plain.txt").write_text("x")
    plain = (out / "plain.txt").stat().st_mode & 0o777
    for name in ("councils.csv", "summary.json", "report.xlsx", "scenario.toml"):
        assert (out / name).stat().st_mode & 0o777 == plain, name


def test_run_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "councils.csv").write_text("precious\n")
    code = main(["run", str(SCENARIOS / "status-quo.toml"), "--out", str(out), "--draws", "0"])
    assert code == 2
    assert (out / "councils.csv").read_text() == "precious\n"
    assert not (out / "summary.json").exists()
    assert "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\xff\xfe garbage", "not UTF-8"),
        (b"", "empty file"),
        (b'name = "x"\nbogus = 1\n', "bogus: unknown key"),
        (b'name = "x"\nname = "y"\n', "not valid TOML"),
        (b'name = "x"\nschema_version = 99\n', "newer than this simulator"),
    ],
)
def test_bad_scenario_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert str(path) in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_file_and_unknown_council(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/file.toml"]) == 2
    assert "no such file" in capsys.readouterr().out
    code = main(["explain", "E99999999", "--scenario", str(SCENARIOS / "status-quo.toml")])
    assert code == 2
    assert "not one of the 152 councils" in capsys.readouterr().err


def test_explain_prints_card_and_letter(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(SCENARIOS / "october-2017-letter.toml")
    assert main(["-q", "explain", "E10000017", "--scenario", scenario]) == 0
    out = capsys.readouterr().out
    assert "## Lancashire (E10000017)" in out
    assert "PREVIEW FOR ILLUSTRATION" in out
    assert "per 100,000 adults aged 18+" in out
    assert main(["-q", "explain", " e10000017", "--scenario", scenario]) == 0  # as typed
    assert "## Lancashire (E10000017)" in capsys.readouterr().out


def test_compare_lists_differences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SCENARIOS / "status-quo.toml"), str(SCENARIOS / "october-2017-letter.toml")]
    assert main(["-q", "compare", *files, "--out", str(tmp_path)]) == 0
    frame = pd.read_csv(tmp_path / "compare.csv")
    # every council the October scenario selects differs from the status quo
    assert frame["differs"].sum() == frame["s2_selected"].sum() > 0
    assert frame["s2_conditioned"].sum() > 0 == frame["s1_conditioned"].sum()
    assert f"councils whose selection differs: {frame['s2_selected'].sum()}" in (
        capsys.readouterr().out
    )
    summary = pd.read_csv(tmp_path / "compare_summary.csv").set_index("measure")
    status_quo, october = summary.columns[1], summary.columns[2]
    assert status_quo == "s1: Status quo" and october == "s2: October 2017 letter"
    # the status quo moves no money, so it frees no beds; the October conditions do
    assert float(summary.loc["beds_freed.p50", status_quo]) == 0.0
    assert float(summary.loc["beds_freed.p50", october]) > 0.0
    assert summary.loc["total_conditioned", "unit"].startswith("£")
    book = pd.read_excel(tmp_path / "compare.xlsx", sheet_name=None)
    assert len(book["Councils that differ"]) == frame["differs"].sum()
    assert {"Summary", "Caveats", "Scenario s1", "Scenario s2", "Columns"} <= set(book)
    assert book["Columns"]["meaning"].notna().all()
    assert main(["compare", files[0], "--out", str(tmp_path / "x")]) == 2


def test_calibrate_prints_the_figures_of_the_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "calibrate"]) == 0
    out = capsys.readouterr().out
    docs = (ROOT / "docs" / "projection.md").read_text()
    assert "| money_2017_18_gbpm | 1115.000 |" in out
    for line in out.splitlines()[2:]:
        assert line in docs, f"docs/projection.md does not quote {line}"


def test_usage_error_exit_code() -> None:
    assert main(["run"]) == 2


@pytest.mark.process
def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[selection]\ncombine = "sometimes"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(bad)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert f"{bad}: selection.combine:" in proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout


def test_schema_prints_the_scenario_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """`ibcf schema` prints the reference (its committed copy is checked in test_golden)."""
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert "| `condition_pct` | float | `0.0` | 0–100 | % of base |" in printed


def test_schema_prints_the_output_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """`ibcf schema --outputs` prints the output contract (committed copy: test_golden)."""
    assert main(["schema", "--outputs"]) == 0
    printed = capsys.readouterr().out
    assert "| `final_allocation` | £ (whole pounds, 2018/19) |" in printed


BAD = sorted((ROOT / "tests" / "fixtures" / "scenarios" / "bad").glob("*.toml"))


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_every_broken_scenario_exits_2_and_names_the_file(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole bad-input catalogue through the command line: exit 2, no traceback,
    every line names the file, and `run` writes nothing."""
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--draws", "-5", "--draws: Input should be greater than or equal to 0 (got -5)"),
        ("--draws", "1000000000", "--draws: Input should be less than or equal to 100000"),
        ("--seed", "-1", "--seed: Input should be greater than or equal to 0 (got -1)"),
        ("--seed", str(2**32), "--seed: Input should be less than or equal to 4294967295"),
    ],
)
def test_draws_and_seed_are_validated_like_scenario_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, words: str
) -> None:
    out = tmp_path / "out"
    assert main(["-q", "run", str(SCENARIOS / "status-quo.toml"), "--out", str(out),
                 option, value]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {words}\n" or err.startswith(f"ibcf: error: {words}")
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_the_stamped_scenario_reproduces_its_folder(tmp_path: Path) -> None:
    """--draws and --seed are recorded in the stamped scenario.toml: re-running the
    folder's own file gives the same projection, P10-P90 included."""
    first, again = tmp_path / "first", tmp_path / "again"
    scenario = str(SCENARIOS / "october-2017-letter.toml")
    assert main(["-q", "run", scenario, "--out", str(first), "--draws", "60", "--seed", "7"]) == 0
    assert main(["-q", "run", str(first / "scenario.toml"), "--out", str(again)]) == 0
    assert (again / "projection.csv").read_bytes() == (first / "projection.csv").read_bytes()
    summary = json.loads((first / "summary.json").read_text())
    assert json.loads((again / "summary.json").read_text()) == summary
    assert (summary["draws"], summary["seed"]) == (60, 7)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_only_regular_files_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """A FIFO would block the read for ever and /dev/zero never ends: both are refused."""
    if kind == "fifo":
        path = tmp_path / "scenario.toml"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero") if kind == "device" else tmp_path
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: cannot be read (not a regular file")


def test_data_check_prints_the_method_totals_and_every_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert (
        "allocation status: reported 2018-19 outturn for 145 councils; the rest "
        "reconstructed: precept equalisation"
    ) in out
    assert "allocation method: each council's 2018-19 iBCF as reported" in out
    assert "precept equalisation, scale-down" in out
    # National pots (SOURCES.md): each element and year sums to its pot.
    for year, original, spring in (
        ("2017-18", "105,000,000", "1,010,000,000"),
        ("2018-19", "825,000,000", "674,000,000"),
        ("2019-20", "1,500,000,000", "337,000,000"),
    ):
        assert f"{year} original      pot £{original}: sum £{original}," in out
        assert f"{year} spring budget pot £{spring}: sum £{spring}," in out
    published = pd.read_csv(ROOT / "data" / "raw" / "ibcf_known_figures.csv")
    for row in published.itertuples():
        assert f"{row.council} {row.element} {row.year}: published £{row.amount:,}" in out
    assert "share implied" in out and "within rounding" in out
    assert "COVID-19 proxy split: " in out and "water-filling form: " in out


def test_data_check_prints_agreement_with_the_reports_and_the_flagged_councils(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    # 147 councils report a positive iBCF (152 less the five SOURCES.md names at £0).
    lines = [line for line in out.splitlines() if line.startswith("  ") and "within 1% " in line]
    methods = [line.split(":")[0].strip() for line in lines]
    assert methods == [
        "reported 2018-19 outturn, the rest by precept equalisation",
        "precept equalisation (every council)",
        "precept equalisation (actual CTR precept)",
        "precept equalisation (water-filling)",
        "precept equalisation (exact RNF shares only)",
        "COVID-19 proxy split",
    ]
    assert all(" of 147, within 5% " in line for line in lines)
    # On the reports, every screened council is within 1% (exactly its report).
    assert "median 0.00%" in lines[0] and "within 1% 145 of 147" in lines[0]
    for name in ("Richmond upon Thames", "Rochdale", "Liverpool", "St. Helens", "Sefton"):
        assert f"  {name} (E0" in out and "reports £0" in out
    assert "Knowsley (E08000011): reported, flagged, reported £2,804,000; implies" in out
    assert "need-share correction by authority type" in out
    checked = next(line for line in out.splitlines() if line.startswith("checked on the screened"))
    for choice in ("settlement precept, scale-down", "actual precept, water-filling"):
        assert f"{choice} " in checked


def test_data_build_keeps_the_proxy_method_for_comparison(tmp_path: Path) -> None:
    out = tmp_path / "proxy"
    assert main(["data", "build", "--out", str(out), "--allocation-method", "proxy"]) == 0
    alloc = pd.read_csv(out / "allocations_2018_19.csv")
    assert set(alloc["allocation_status"]) == {"reconstructed: COVID-19 proxy split"}
    # A plain split: both elements on the same shares (to the pound's rounding).
    ratio = alloc["allocation_spring_budget"] / alloc["allocation_original"]
    assert (ratio - 674 / 825).abs().max() < 1e-5
    years = pd.read_csv(out / "allocations_2017_2020.csv")
    assert len(years) == 152
    assert years["original_2019-20"].sum() == 1_500_000_000
    assert years["spring_budget_2017-18"].sum() == 1_010_000_000
    default = tmp_path / "default"
    assert (
        main(
            [
                "data",
                "build",
                "--out",
                str(default),
                "--form",
                "water_filling",
                "--allocation-method",
                "equalisation",
            ]
        )
        == 0
    )
    water = pd.read_csv(default / "allocations_2018_19.csv")
    assert set(water["allocation_status"]) == {
        "reconstructed: precept equalisation (water-filling)"
    }
    assert water["allocation_original"].sum() == 825_000_000
    checks = pd.read_csv(default / "reported_checks.csv")
    assert len(checks) == 152
    assert (checks["report_status"] == "reported, flagged").sum() == 7
    assert (water["allocation_original"] != alloc["allocation_original"]).any()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("projection_draws_string", "projection.draws: Input should be a valid integer (got '50')"),
        ("projection_seed_float", "projection.seed: Input should be a valid integer (got 1.5)"),
        (
            "expectations_string_number",
            "expectations.baseline_months: Input should be a valid integer (got '2')",
        ),
    ],
)
def test_run_refuses_a_wrong_type_in_projection_and_expectations(
    name: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[projection]`` and ``[expectations]`` are as strict as every other section: a
    number written as text, or a fraction for an integer, is one ``FILE: key.path:
    reason`` line and exit 2."""
    path = ROOT / "tests" / "fixtures" / "scenarios" / "bad" / f"{name}.toml"
    out = tmp_path / "out"
    assert main(["-q", "run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {path}: {problem}\n"
    assert not out.exists()
