"""User text in every output stays inert: no spreadsheet formula, no character a file
format refuses, no text of one session in another's export.

Hostile text goes where users put it (scenario name, notes, author, description, test
labels, manual reasons) and every workbook sheet and every CSV the command line and
the app write is read back cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from simulator import cells
from simulator import io as sim_io
from simulator.cli import main
from simulator.engine import run as engine
from simulator.engine.run import Result
from simulator.inputs.data import Dataset
from simulator.projection import ProjectionResult
from simulator.reports import excel
from simulator.schema.files import data_context, load_scenario, parse_scenario
from simulator.schema.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# What spreadsheets run as formulas on import (OWASP's list and full-width forms).
FORMULAS = [
    '=HYPERLINK("http://203.0.113.5/x","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "=cmd|' /C calc'!A0",
]
STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
CONTROLS = "bell\x07 escape\x1b[31m nul\x00 form\x0c vt\x0b del\x7f"


def _hostile(base: Scenario, name: str, notes: list[str]) -> Scenario:
    """``base`` with hostile metadata and test labels (validated as a file would be)."""
    data = base.model_dump(mode="json", exclude_none=True)
    data.update(name=name, author=FORMULAS[3], description=FORMULAS[1], notes="\n".join(notes))
    for k, test in enumerate(data["selection"]["tests"]):
        test["label"] = FORMULAS[k % len(FORMULAS)]
    return parse_scenario(Scenario.model_validate(data).to_toml(), source="hostile.toml")


def _evaluated(dataset: Dataset, scenario: Scenario) -> tuple[Result, ProjectionResult]:
    result = engine.evaluate(scenario, dataset)
    return result, engine.project_scenario(result, draws=50)


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


@pytest.fixture(scope="module")
def hostile(context: dict[str, Any]) -> Scenario:
    base = load_scenario(SCENARIOS / "october-2017-letter.toml", context=context)
    return _hostile(base, FORMULAS[0], FORMULAS)


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _formula_parts(data: bytes) -> dict[str, int]:
    """Formula elements (``<f>``) in each worksheet's XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: len(re.findall(rb"<(?:\w+:)?f[ >]", archive.read(name)))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        }


def _cell_starting(book: openpyxl.Workbook, sheet: str, text: str) -> Any:
    """The cell of ``sheet`` whose text starts with ``text`` as a TOML line holds it."""
    want = text.replace('"', '\\"')
    found = [c for row in book[sheet].iter_rows() for c in row if str(c.value).startswith(want)]
    assert len(found) == 1, (sheet, text, found)
    return found[0]


# ---------------------------------------------------------------------- Excel
REPORT_SHEETS = [
    "Summary", "Caveats", "Councils", "By region", "By type", "By DToC quartile",
    "Methods", "Parameters", "Scenario", "Data provenance", "Allocation checks",
    "Reported figures", "Projection national", "Projection councils", "Columns",
]  # fmt: skip


@pytest.fixture(scope="module")
def report(dataset: Dataset, hostile: Scenario) -> bytes:
    return excel.excel_pack(*_evaluated(dataset, hostile))


@pytest.mark.parametrize("sheet", REPORT_SHEETS)
def test_excel_formula_injection_report_sheet_has_no_formula(report: bytes, sheet: str) -> None:
    book = _workbook(report)
    assert sheet in book.sheetnames
    formulas = [c.coordinate for row in book[sheet].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert _formula_parts(report)[f"xl/worksheets/sheet{book.sheetnames.index(sheet) + 1}.xml"] == 0


def test_excel_formula_injection_report_keeps_the_text(report: bytes) -> None:
    """Summary!B2 (the scenario's name) and each notes line are string cells holding
    exactly the text typed, marked to stay text when edited."""
    book = _workbook(report)
    name = book["Summary"]["B2"]
    assert book["Summary"]["A2"].value == "scenario"
    assert (name.value, name.data_type, name.quotePrefix) == (FORMULAS[0], "s", True)
    for text in FORMULAS:
        if text.startswith(("\t", "\r")):
            continue  # TOML writes these escaped inside the notes string
        cell = _cell_starting(book, "Scenario", text)
        assert (cell.data_type, cell.quotePrefix) == ("s", True), text


def test_excel_formula_injection_compare(dataset: Dataset, hostile: Scenario) -> None:
    other = hostile.model_copy(update={"name": "+SUM(1,2)"})
    results = [engine.evaluate(s, dataset) for s in (hostile, other)]
    data = excel.compare_pack(results)
    book = _workbook(data)
    assert set(_formula_parts(data).values()) == {0}
    for sheet in book.sheetnames:
        assert [c for row in book[sheet].iter_rows() for c in row if c.data_type == "f"] == []
    cell = _cell_starting(book, "Scenario s1", FORMULAS[0])
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_excel_control_characters_are_written_visibly(dataset: Dataset, hostile: Scenario) -> None:
    """Control characters (which an XML workbook cannot hold) in a name, a label, the
    notes and a manual reason give a whole pack, each character as its control picture."""
    tests = [t.model_copy(update={"label": CONTROLS}) for t in hostile.selection.tests]
    selection = hostile.selection.model_copy(update={"tests": tests})
    scenario = hostile.model_copy(
        update={"name": f"Plan {CONTROLS}", "notes": CONTROLS, "selection": selection}
    )
    result, projection = _evaluated(dataset, scenario)
    for data in (excel.excel_pack(result, projection), excel.compare_pack([result, result])):
        book = _workbook(data)
        text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
        assert "bell␇ escape␛[31m nul␀ form␌ vt␋ del␡" in text
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    summary = _workbook(excel.excel_pack(result, projection))["Summary"]
    assert summary["B2"].value == "Plan bell␇ escape␛[31m nul␀ form␌ vt␋ del␡"


def test_excel_cell_limit_is_kept() -> None:
    frame = pd.DataFrame({"notes": ["x" * 40_000]})
    book = _workbook(excel.workbook({"Notes": frame}, ()))
    value = book["Notes"]["A2"].value
    assert len(value) == cells.EXCEL_CELL_LIMIT and value.endswith(cells.CUT)


# ---------------------------------------------------------------------- CSV
def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _live_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet importing the CSV would run as formulas (numbers are not)."""
    out = []
    for row in rows:
        for value in row:
            if value.startswith(STARTS):
                try:
                    float(value)
                except ValueError:
                    out.append(value)
    return out


def test_csv_formula_injection_writer(tmp_path: Path) -> None:
    frame = pd.DataFrame({FORMULAS[0]: FORMULAS, "number": range(-5, -5 + len(FORMULAS))})
    sim_io.write_csv(tmp_path / "t.csv", frame)
    header, *rows = _rows((tmp_path / "t.csv").read_bytes().decode("utf-8"))
    assert header == ["'" + FORMULAS[0], "number"]
    # a carriage return is written as a line feed, so the field is quoted
    assert [r[0] for r in rows] == ["'" + t.replace("\r", "\n") for t in FORMULAS]
    assert [int(r[1]) for r in rows] == list(range(-5, -5 + len(FORMULAS)))  # numbers stay
    assert _live_cells([header, *rows]) == []


def test_csv_formula_injection_cli_run_and_compare(
    tmp_path: Path, hostile: Scenario, dataset: Dataset
) -> None:
    first = tmp_path / "a.toml"
    first.write_text(hostile.model_copy(update={"data_hash": dataset.data_hash}).to_toml())
    second = tmp_path / "b.toml"
    second.write_text(hostile.model_copy(update={"name": "@Other"}).to_toml())
    assert main(["run", str(first), "--out", str(tmp_path / "run"), "--draws", "50"]) == 0
    assert main(["compare", str(first), str(second), "--out", str(tmp_path / "cmp")]) == 0
    written = sorted((tmp_path / "run").glob("*.csv")) + sorted((tmp_path / "cmp").glob("*.csv"))
    assert {p.name for p in written} >= {"councils.csv", "projection.csv", "compare.csv"}
    for path in written:
        assert _live_cells(_rows(path.read_bytes().decode("utf-8"))) == [], path.name
    for path in (tmp_path / "run" / "report.xlsx", tmp_path / "cmp" / "compare.xlsx"):
        assert set(_formula_parts(path.read_bytes()).values()) == {0}, path.name
