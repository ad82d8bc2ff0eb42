"""The Excel packs: report.xlsx for one scenario and compare.xlsx for two to four,
built from the same tables, summary and words as every other output.

Every text cell is a string cell, never a formula (:mod:`simulator.cells`); every
column of a data sheet has its unit and meaning in the Columns sheet.
"""

from __future__ import annotations

import io as _io
from typing import TYPE_CHECKING

import pandas as pd

from simulator import cells
from simulator.engine.run import Result
from simulator.inputs.allocation import explanation
from simulator.reports.annexes import annex_sheets
from simulator.reports.anonymous import anonymise
from simulator.reports.columns import describe, excel_format
from simulator.reports.compare import compare_summary
from simulator.reports.summary import (
    CAVEATS,
    option_summary,
    scenario_caveats,
    summary_dict,
    summary_rows,
    workshop_caveats,
)
from simulator.reports.tables import (
    breakdown,
    compare_frame,
    councils_frame,
    projection_frame,
    provenance_frame,
)
from simulator.reports.words import headline_lines
from simulator.schema.base import param_meta
from simulator.schema.parameters import parameters
from simulator.schema.vocabulary import YEAR

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult


def compare_pack(results: list[Result], projections: list[ProjectionResult] | None = None) -> bytes:
    """compare.xlsx: the comparison, the councils that differ, each scenario, caveats."""
    frame = compare_frame(results)
    sheets: dict[str, pd.DataFrame] = {
        "Summary": compare_summary(results, projections),
        "Caveats": pd.DataFrame(
            {
                "caveat": [
                    f"s{k}: {line}"
                    for k, r in enumerate(results, start=1)
                    for line in scenario_caveats(r)
                ]
                + CAVEATS
            }
        ),
        "Councils": frame,
        "Councils that differ": frame[frame["differs"]],
    }
    for k, r in enumerate(results, start=1):
        sheets[f"Scenario s{k}"] = pd.DataFrame({"toml": r.scenario.to_toml().splitlines()})
    sheets["Data provenance"] = provenance_frame(results[0])
    sheets["Columns"] = columns_frame(sheets, (), tables=("Councils",))
    return workbook(sheets, (), tables=("Councils", "Councils that differ"))


def methods_frame(
    result: Result, *, anonymise: bool = False, option_text: str | None = None
) -> pd.DataFrame:
    """The Methods sheet: the year, the option in words (``option_text`` when already
    written), how rates, lines, quartiles, margins and money are worked, each test's
    rule and how the allocations are reconstructed."""
    rows = [
        ("Year", f"{YEAR} iBCF allocations; DToC data to {result.data.months[-1]}"),
        ("Option", option_summary(result) if option_text is None else option_text),
        (
            "Rates",
            "Average delayed beds a day (delayed days / days in month) per 100,000 "
            "adults aged 18+ (ONS mid-2017).",
        ),
        (
            "Tie rule",
            "Quartile and worst-N lines are the value of the N-th worst council with "
            "data; councils tied at the line are all included.",
        ),
        (
            "Quartiles",
            "The worst quartile is the quarter of councils with the highest rates (or "
            "gaps, or rises): the 2017 letters' 'bottom quartile' of performance, and Q4 "
            "of the DToC quartile column.",
        ),
        (
            "Margins",
            "Measured value minus the test's line, per 100,000 adults and in beds a "
            "day; positive = fails by that much.",
        ),
        (
            "Money",
            "Whole pounds; rounding half away from zero; redistribution by largest "
            "remainder so the ledger balances to the pound.",
        ),
    ]
    for o in result.outcomes:
        rows.append((f"Test {o.id}", o.rule))
    if result.data.allocations_reconstructed:
        rows += explanation(result.data.allocation_method, name_councils=not anonymise)
    return pd.DataFrame(rows, columns=["item", "description"])


def parameters_frame(result: Result) -> pd.DataFrame:
    """Every numeric parameter of the scenario with its value, unit, range and source."""
    s = result.scenario
    rows = []
    for section in ("expectations", "consequences", "projection"):
        model = getattr(s, section)
        for name in parameters(type(model)):
            meta = param_meta(type(model), name)
            rows.append({"section": section, **meta, "value": getattr(model, name)})
    return pd.DataFrame(rows)


def excel_pack(
    result: Result,
    projection: ProjectionResult | None = None,
    *,
    assumptions: pd.DataFrame | None = None,
    aliases: dict[str, str] | None = None,
    annexes: dict[str, pd.DataFrame] | None = None,
) -> bytes:
    """report.xlsx: every table, caveats, methods, the scenario and the data provenance.

    ``aliases`` (GSS code to a neutral name, for workshops) anonymises the pack: names
    replaced, codes hidden, rows sorted by alias, and the sheets that would identify a
    council (published-figure checks) left out. ``annexes``: the Distribution,
    Stability and Incentives sheets when already computed (:mod:`simulator.reports.annexes`).
    """
    councils = councils_frame(result)
    summary = summary_dict(result, projection)
    sheets: dict[str, pd.DataFrame] = {
        "Summary": summary_rows(summary),
        "Caveats": pd.DataFrame({"caveat": scenario_caveats(result) + CAVEATS}),
        "Councils": councils,
        "By region": breakdown(councils, "region"),
        "By type": breakdown(councils, "authority_type"),
        "By DToC quartile": breakdown(councils, "dtoc_quartile"),
        "Methods": methods_frame(
            result, anonymise=aliases is not None, option_text=str(summary["option_summary"])
        ),
        "Parameters": parameters_frame(result),
        "Scenario": pd.DataFrame({"toml": result.scenario.to_toml().splitlines()}),
        "Data provenance": provenance_frame(result),
        "Allocation checks": result.data.known_figures,
        "Allocation methods": result.data.method_comparison,
    }
    if projection is not None:
        sheets["Projection"] = pd.DataFrame({"headline": headline_lines(projection)})
        sheets["Projection national"] = projection.national_path
        sheets["Projection councils"] = projection_frame(result, projection)
    if aliases is not None:
        sheets.pop("Allocation checks")
        sheets.pop("Allocation methods")
        names = list(result.data.councils["council"])
        sheets["Caveats"] = pd.DataFrame({"caveat": workshop_caveats(names)})
        for name in ("Councils", "Projection councils"):
            if name in sheets:
                sheets[name] = anonymise(sheets[name], aliases)
    sheets.update(annexes if annexes is not None else annex_sheets(result, projection, aliases))
    if assumptions is not None:
        sheets["Assumptions"] = assumptions
    test_ids = tuple(o.id for o in result.outcomes)
    sheets["Columns"] = columns_frame(sheets, test_ids)
    return workbook(sheets, test_ids)


TABLE_SHEETS = (
    "Councils",
    "By region",
    "By type",
    "By DToC quartile",
    "Projection national",
    "Projection councils",
    "Distribution",
    "Stability",
    "Incentives",
)


def columns_frame(
    sheets: dict[str, pd.DataFrame],
    test_ids: tuple[str, ...],
    tables: tuple[str, ...] = TABLE_SHEETS,
) -> pd.DataFrame:
    """The Columns sheet: unit and meaning of every column of the data sheets."""
    rows = []
    for name in tables:
        for col in sheets[name].columns if name in sheets else []:
            unit, meaning = describe(col, test_ids) or ("", "")
            rows.append((name, col, unit, meaning))
    return pd.DataFrame(rows, columns=["sheet", "column", "unit", "meaning"])


def workbook(
    sheets: dict[str, pd.DataFrame],
    test_ids: tuple[str, ...],
    tables: tuple[str, ...] = TABLE_SHEETS,
) -> bytes:
    """Write the sheets: bold frozen headers, widths to fit, £ / % / beds cell formats.

    Every text cell is a string cell, never a formula, whatever it starts with, and
    holds only characters a workbook can (:mod:`simulator.cells`)."""
    from openpyxl.styles import Font

    buffer = _io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, raw in sheets.items():
            frame = cells.excel_frame(raw)
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            cells.text_cells_as_strings(sheet)
            sheet.freeze_panes = "A2"
            for col, label in zip(sheet.columns, frame.columns, strict=True):
                col[0].font = Font(bold=True)
                width = max(len(str(c.value or "")) for c in list(col)[:60])
                sheet.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 80)
                known = describe(str(label), test_ids) if name in tables else None
                number_format = excel_format(known.unit) if known else None
                if number_format:
                    for cell in col[1:]:
                        cell.number_format = number_format
            if "unit" in frame.columns:  # a measure per row: format each row by its unit
                for r, unit in enumerate(frame["unit"], start=2):
                    row_format = excel_format(str(unit))
                    numbers = [
                        c
                        for c in sheet[r]
                        if isinstance(c.value, int | float) and not isinstance(c.value, bool)
                    ]
                    for cell in numbers if row_format else []:
                        cell.number_format = row_format
    return buffer.getvalue()
