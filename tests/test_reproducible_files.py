"""The same scenario on the same data writes the same bytes: the Excel pack carries no
time of writing, and a rerun from the stamped scenario.toml gives the same workbook."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
OCTOBER = ROOT / "scenarios" / "october-2017-letter.toml"


def run(scenario: Path, out: Path, *extra: str) -> dict[str, bytes]:
    assert main(["-q", "run", str(scenario), "--out", str(out), "--draws", "50", *extra]) == 0
    return {p.name: p.read_bytes() for p in out.iterdir()}


def scenario_sheet(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return ["" if r[0] is None else str(r[0]) for r in book["Scenario"].iter_rows(values_only=True)]


def test_report_xlsx_bytes_are_identical_across_runs(tmp_path: Path) -> None:
    """Two runs more than two seconds apart (a zip entry's time has a two-second step)."""
    first = run(OCTOBER, tmp_path / "a")
    time.sleep(2.2)
    second = run(OCTOBER, tmp_path / "b")
    assert first["report.xlsx"] == second["report.xlsx"]
    assert first == second  # every file of the set
    book = openpyxl.load_workbook(tmp_path / "a" / "report.xlsx")
    assert book.properties.created.year == book.properties.modified.year == 1980


def test_a_rerun_from_the_stamped_file_gives_the_same_scenario_sheet(tmp_path: Path) -> None:
    """The Scenario sheet is the stamped scenario (model version and data hash included),
    so the file it stamps, run again, shows the same lines, and the whole set is the same."""
    first = run(OCTOBER, tmp_path / "a")
    again = run(tmp_path / "a" / "scenario.toml", tmp_path / "b")
    sheet = scenario_sheet(tmp_path / "a" / "report.xlsx")
    assert sheet == scenario_sheet(tmp_path / "b" / "report.xlsx")
    stamped = (tmp_path / "a" / "scenario.toml").read_text(encoding="utf-8")
    assert sheet == ["toml", *stamped.splitlines()]
    assert any(line.startswith("data_hash = ") for line in sheet)
    assert first == again
