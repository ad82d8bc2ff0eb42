"""The three annexes in the Excel pack: present, and in a workshop pack naming no
council (aliases, codes hidden)."""

from __future__ import annotations

import io as _io

import pandas as pd
from openpyxl import load_workbook

from simulator import io
from simulator.engine.run import evaluate
from simulator.inputs.data import Dataset
from simulator.reports.excel import excel_pack
from simulator.reports.views import alias_map
from simulator.schema.files import load_scenario


def test_workshop_pack_annexes_name_no_council(dataset: Dataset) -> None:
    result = evaluate(load_scenario(io.SCENARIO_DIR / "reduce-and-redistribute.toml"), dataset)
    aliases = alias_map(list(dataset.codes))
    book = pd.read_excel(_io.BytesIO(excel_pack(result, aliases=aliases)), sheet_name=None)
    names = set(dataset.councils["council"])
    codes = set(dataset.codes)
    for sheet in ("Distribution", "Stability", "Incentives"):
        cells = {str(v) for v in book[sheet].to_numpy().ravel()}
        assert not cells & names, (sheet, cells & names)
        assert not cells & codes, sheet
    losses = book["Distribution"]
    losses = losses[losses["section"] == "largest_loss"]
    assert len(losses) == 5 and set(losses["council"]) <= set(aliases.values())
    named = pd.read_excel(_io.BytesIO(excel_pack(result)), sheet_name="Incentives")
    assert set(named["council"]) == names


def test_workshop_pack_annexes_leave_out_the_code_column(dataset: Dataset) -> None:
    """Like the Councils sheet: a workshop pack has no code column, not one reading
    'hidden'."""
    result = evaluate(load_scenario(io.SCENARIO_DIR / "reduce-and-redistribute.toml"), dataset)
    pack = excel_pack(result, aliases=alias_map(list(dataset.codes)))
    book = load_workbook(_io.BytesIO(pack), read_only=True)
    for sheet in ("Councils", "Distribution", "Stability", "Incentives"):
        rows = list(book[sheet].iter_rows(values_only=True))
        assert "gss_code" not in rows[0], sheet
        assert "council" in rows[0], sheet
        assert not any(cell == "hidden" for row in rows[1:] for cell in row), sheet
    named = load_workbook(_io.BytesIO(excel_pack(result)), read_only=True)
    for sheet in ("Councils", "Distribution", "Stability", "Incentives"):
        assert "gss_code" in next(named[sheet].iter_rows(values_only=True)), sheet
