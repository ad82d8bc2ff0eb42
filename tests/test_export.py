"""The Excel pack: sheets, caveats, and a workshop pack that names no council."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from simulator.engine.run import evaluate
from simulator.inputs.data import Dataset
from simulator.reports import excel
from simulator.schema.files import data_context, load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _result(dataset: Dataset):  # type: ignore[no-untyped-def]
    context = data_context(dataset.months, list(dataset.codes))
    return evaluate(load_scenario(ROOT / "scenarios" / "graduated.toml", context=context), dataset)


def test_workshop_pack_names_no_council(dataset: Dataset) -> None:
    result = _result(dataset)
    aliases = {code: f"Council {k:03d}" for k, code in enumerate(dataset.codes[::-1])}
    book = pd.read_excel(io.BytesIO(excel.excel_pack(result, aliases=aliases)), sheet_name=None)
    assert "Allocation checks" not in book
    councils = book["Councils"]
    assert "gss_code" not in councils
    for column in ("region", "authority_type", "adults_18plus", "allocation_original"):
        assert column not in councils, column  # these single a council out
    assert sorted(councils["council"]) == sorted(aliases.values())
    assert list(councils["council"]) == sorted(councils["council"])  # not in code order
    text = " ".join(frame.astype(str).to_csv() for frame in book.values())
    for name in ("Lancashire", "Cornwall", "Kent", "Isles of Scilly", "E10000017"):
        assert name not in text
    # the money is unchanged by anonymising
    assert councils["withheld"].sum() == result.summary["total_withheld"]


def test_pack_has_every_table_and_the_caveats(dataset: Dataset) -> None:
    result = _result(dataset)
    book = pd.read_excel(io.BytesIO(excel.excel_pack(result)), sheet_name=None)
    for sheet in ("Summary", "Caveats", "Councils", "By region", "By type",
                  "By DToC quartile", "Methods", "Parameters", "Scenario",
                  "Data provenance", "Allocation checks"):  # fmt: skip
        assert sheet in book, sheet
    assert len(book["Councils"]) == 152
    assert book["By region"]["allocation_total"].sum() == 1_499_000_000
    assert "Lancashire" in set(book["Councils"]["council"])


def test_the_pack_says_the_option_in_the_same_words_everywhere(dataset: Dataset) -> None:
    result = _result(dataset)
    book = pd.read_excel(io.BytesIO(excel.excel_pack(result)), sheet_name=None)
    summary = book["Summary"].set_index("measure")["value"]
    methods = book["Methods"].set_index("item")["description"]
    words = summary["option_summary"]
    assert methods["Option"] == words
    # graduated.toml: both tests on November 2017; up to 20% of the Spring Budget
    # element, graduated by the gap, at most £1.5m and a floor of 93% of the total
    assert words.startswith("Councils that fail both tests (data to November 2017), ")
    assert "Up to 20% of the Spring Budget 2017 element is withheld, graduated by " in words
    assert "(at most £1.5m; a final allocation of at least 93% of the total)" in words


def test_floor_is_never_breached(dataset: Dataset) -> None:
    """graduated.toml keeps every final allocation at or above 93% of its total: the
    floor is rounded up to whole pounds, never down."""
    table = _result(dataset).table
    assert (table["final_allocation"] >= 0.93 * table["allocation_total"]).all()
    floored = table["withheld"] > 0
    at_floor = table["final_allocation"] < 0.93 * table["allocation_total"] + 1
    assert (floored & at_floor).any()  # the floor binds for some council


def test_every_output_column_is_described(dataset: Dataset) -> None:
    """A new column without a unit and meaning in simulator/columns.py fails here."""
    result = _result(dataset)
    book = pd.read_excel(io.BytesIO(excel.excel_pack(result)), sheet_name=None)
    guide = book["Columns"]
    assert set(guide["sheet"]) == {
        "Councils",
        "By region",
        "By type",
        "By DToC quartile",
        "Distribution",
        "Stability",
        "Incentives",
    }
    undescribed = guide[guide["meaning"].isna()]
    assert undescribed.empty, undescribed.to_string()
    councils = guide[guide["sheet"] == "Councils"].set_index("column")
    assert councils.loc["withheld", "unit"] == "£ (whole pounds, 2018/19)"
    assert councils.loc["gap_margin_beds", "unit"] == "average delayed beds a day"
    assert set(councils.index) == set(book["Councils"].columns)
    summary = book["Summary"].set_index("measure")
    assert summary.loc["total_withheld", "unit"].startswith("£")


def test_pack_cells_carry_pounds_percent_and_beds_formats(dataset: Dataset) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(excel.excel_pack(_result(dataset))))
    sheet = book["Councils"]
    header = {cell.value: cell for cell in sheet[1]}
    assert header["council"].font.bold

    def fmt(column: str) -> str:
        return str(sheet.cell(row=2, column=header[column].column).number_format)

    assert fmt("final_allocation") == '"£"#,##0'
    assert fmt("change_pct") == '0.00"%"'
    assert fmt("gap_margin_beds") == "#,##0.00"
    assert fmt("council") == "General"
    summary = book["Summary"]
    rows = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert rows["total_withheld"].number_format == '"£"#,##0'
    assert rows["councils_selected"].number_format == "General"


def test_pack_shows_every_published_figure_and_explains_the_method(dataset: Dataset) -> None:
    result = _result(dataset)
    book = pd.read_excel(io.BytesIO(excel.excel_pack(result)), sheet_name=None)
    checks = book["Allocation checks"]
    published = pd.read_csv(ROOT / "data" / "raw" / "ibcf_known_figures.csv")
    assert len(checks) == len(published)
    assert sorted(checks["published"]) == sorted(published["amount"])
    for column in (
        "reconstructed",
        "difference",
        "within_rounding",
        "implied_need_share_pct",
        "need_share_pct",
        "proxy_share_pct",
    ):
        assert column in checks, column
    methods = " ".join(book["Methods"]["description"].astype(str))
    for words in ("best-supported hypothesis", "HL4564", "17 March 2016", "DLUHC"):
        assert words in methods, words
    assert set(book["Councils"]["allocation_status"]) == {
        "reported 2018-19 outturn",
        "reconstructed: precept equalisation",
    }
    councils = book["Councils"].set_index("gss_code")
    assert councils.loc["E08000012", "report_status"] == "reported, flagged"  # Liverpool, £0
    assert councils.loc["E10000030", "report_status"] == "reported 2018-19 outturn"  # Surrey
    assert councils.loc["E10000030", "allocation_source"].startswith("MHCLG revenue outturn")
    assert set(book["Allocation methods"]["variant"]) >= {"default", "COVID-19 proxy split"}


def test_money_retained_by_the_centre_heads_the_summary_and_excel() -> None:
    """Four made-up councils; A (rate 10) fails 'rate above 5'. 10% of its £1m Spring
    Budget element is withheld: £100,000. Retained by rule: the summary and the Excel
    Summary sheet open with the amount beside the letter's words; shared pro rata
    (the default), nothing is retained and no warning appears."""
    import io as _io

    from openpyxl import load_workbook

    from simulator.reports.excel import excel_pack
    from simulator.reports.summary import summary_dict
    from tests.toy import Toy, rate_test, run

    toys = [Toy("A", social_care=10), Toy("B", social_care=1), Toy("C", social_care=2)]
    base = {
        "selection": {"tests": [rate_test("t", "2017-07", threshold=5)]},
        "consequences": {"reduction_pct": 10},
    }
    kept = run(toys, base)
    assert kept.summary["total_retained"] == 0
    assert "retained_warning" not in summary_dict(kept)
    retained = run(toys, {**base, "redistribution": {"rule": "retain"}})
    summary = summary_dict(retained)
    first_key, warning = next(iter(summary.items()))
    assert first_key == "retained_warning"
    assert warning.startswith("Retained by the centre: £100,000 of the £100,000 withheld")
    assert "All iBCF funding will remain in local government" in warning
    book = load_workbook(_io.BytesIO(excel_pack(retained)))
    sheet = book["Summary"]
    assert sheet["A2"].value == "retained_warning"
    assert sheet["B2"].value == warning


def test_the_compare_pack_carries_each_scenario_s_caveats(dataset) -> None:  # type: ignore[no-untyped-def]
    import io as _io

    from openpyxl import load_workbook

    from simulator.engine.run import evaluate
    from simulator.io import SCENARIO_DIR
    from simulator.reports.excel import compare_pack
    from simulator.reports.summary import CAVEATS
    from simulator.schema.files import load_scenario

    results = [
        evaluate(load_scenario(SCENARIO_DIR / f"{n}.toml"), dataset)
        for n in ("status-quo", "october-2017-letter")
    ]
    sheet = load_workbook(_io.BytesIO(compare_pack(results)))["Caveats"]
    caveats = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert caveats[0].startswith("s2: The letter: 32 councils written to")
    assert caveats[-len(CAVEATS) :] == CAVEATS
