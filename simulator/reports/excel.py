"""The Excel packs: report.xlsx for one scenario and compare.xlsx for two to four,
built from the same tables, summary and words as every other output.

Every text cell is a string cell, never a formula (:mod:`simulator.cells`); every
column of a data sheet has its unit and meaning in the Columns sheet.
"""

from __future__ import annotations

import datetime
import io as _io
import math
import re
import zipfile
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator import cells
from simulator.engine.run import Result
from simulator.inputs.allocation import explanation
from simulator.projection.evidence import DEFAULT_EVIDENCE_SET, evidence_set
from simulator.reports.annexes import annex_sheets
from simulator.reports.anonymous import anonymise, without_codes
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
from simulator.reports.views import reported_figures
from simulator.reports.words import headline_lines
from simulator.schema.base import param_meta
from simulator.schema.parameters import parameters
from simulator.schema.projection import CHOICES
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
        sheets[f"Scenario s{k}"] = scenario_sheet(r)
    sheets["Data provenance"] = provenance_frame(results[0])
    sheets["Columns"] = columns_frame(sheets, (), tables=("Councils",))
    return workbook(sheets, (), tables=("Councils", "Councils that differ"))


def scenario_sheet(result: Result) -> pd.DataFrame:
    """The scenario as run, stamped with the model version and data hash: the same
    lines as the stamped ``scenario.toml``, so a rerun from that file shows the same."""
    stamped = result.scenario.stamped(result.data.data_hash)
    return pd.DataFrame({"toml": stamped.to_toml().splitlines()})


WORDS = {
    "total": "",
    "gbp": "£",
    "nhs": "NHS",
    "p10": "P10",
    "p50": "P50 (median)",
    "p90": "P90",
    "pct": "%",
    "dtoc": "DToC",
}


def measure_label(key: str) -> str:
    """A summary key in words, for the Excel Summary sheet (the key stays beside it).

    >>> measure_label("total_conditioned"), measure_label("nhs_value_gbp.notional")
    ('Conditioned', 'NHS value £: notional')
    >>> measure_label("beds_freed.p50"), measure_label("probability_ambition_met_no_change")
    ('Beds freed: P50 (median)', 'Probability ambition met no change')
    """
    parts = []
    for part in key.split("."):
        words = [WORDS.get(w, w) for w in part.split("_")]
        parts.append(" ".join(w for w in words if w))
    text = ": ".join(parts)
    return text[:1].upper() + text[1:]


def labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """Summary rows with each measure's key, value and unit, then the measure in words
    (the key stays first: links, scripts and checks read the sheet by it)."""
    return rows.assign(label=[measure_label(str(k)) for k in rows["measure"]])


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
    rows.append(evidence_parameter_row(s.projection.evidence_set))
    return pd.DataFrame(rows)


def evidence_parameter_row(name: str) -> dict[str, object]:
    """The evidence set as a Parameters row: the largest driver of beds freed, its θ
    and source from the one record of each set."""
    chosen = evidence_set(name)
    choice = CHOICES["evidence_set"]
    low, high = chosen.interval()
    return {
        "section": "projection",
        "name": "evidence_set",
        "default": DEFAULT_EVIDENCE_SET,
        "description": f"{choice.statement}. θ under '{chosen.label}': median "
        f"{chosen.median():,.1f}, P10-P90 {low:,.1f} to {high:,.1f}. {choice.effect}",
        "unit": "θ: delayed days avoided per £1m",
        "source": chosen.citation,
        "step": None,
        "ge": None,
        "le": None,
        "value": name,
    }


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
    replaced, codes left out, rows sorted by alias, and the sheets that would identify a
    council (published-figure checks) left out. ``annexes``: the Distribution,
    Stability and Incentives sheets when already computed (:mod:`simulator.reports.annexes`).
    """
    councils = councils_frame(result)
    summary = summary_dict(result, projection)
    sheets: dict[str, pd.DataFrame] = {
        "Summary": labelled(summary_rows(summary)),
        "Caveats": pd.DataFrame({"caveat": scenario_caveats(result) + CAVEATS}),
        "Councils": councils,
        "By region": breakdown(councils, "region"),
        "By type": breakdown(councils, "authority_type"),
        "By DToC quartile": breakdown(councils, "dtoc_quartile"),
        "Methods": methods_frame(
            result, anonymise=aliases is not None, option_text=str(summary["option_summary"])
        ),
        "Parameters": parameters_frame(result),
        "Scenario": scenario_sheet(result),
        "Data provenance": provenance_frame(result),
        "Allocation checks": result.data.known_figures,
        "Allocation methods": result.data.method_comparison,
        "Reported figures": reported_figures(result.data),
    }
    if projection is not None:
        sheets["Projection"] = pd.DataFrame(
            {"headline": headline_lines(projection, result.selection.selected)}
        )
        sheets["Projection national"] = projection.national_path
        sheets["Projection councils"] = projection_frame(result, projection)
    if aliases is not None:
        sheets.pop("Allocation checks")
        sheets.pop("Allocation methods")
        sheets.pop("Reported figures")
        names = list(result.data.councils["council"])
        sheets["Caveats"] = pd.DataFrame({"caveat": workshop_caveats(names)})
        for name in ("Councils", "Projection councils"):
            if name in sheets:
                sheets[name] = anonymise(sheets[name], aliases)
    annexed = annexes if annexes is not None else annex_sheets(result, projection, aliases)
    if aliases is not None:
        annexed = {name: without_codes(frame) for name, frame in annexed.items()}
    sheets.update(annexed)
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

    Every text cell is a string cell, never a formula, whatever it starts with (XlsxWriter
    writes each one with ``write_string``, and is told never to turn text into a formula,
    a link or a number); formula-like text is also marked "quote prefix". Text holds only
    characters a workbook can (:mod:`simulator.cells`), with line ends as line feeds.
    Text that looks like one of the workbook format's escapes (``_x000D_``) is escaped
    in turn, so Excel shows it as typed."""
    import xlsxwriter

    buffer = _io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"created": FIXED_TIME})
    formats = _Formats(book)
    for name, raw in sheets.items():
        frame = cells.excel_frame(raw)
        sheet = book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        # A measure per row (a "unit" column): its numbers take the row's unit's format.
        by_row = [excel_format(str(u)) for u in frame["unit"]] if "unit" in frame else None
        for c, label in enumerate(frame.columns):
            values = [_value(v) for v in frame.iloc[:, c].tolist()]
            head = _value(label)
            quoted = isinstance(head, str) and cells.is_formula_like(head)
            _write(sheet, 0, c, head, formats.get(quoted=quoted, header=True))
            width = max(len(str(v or "")) for v in [head, *values[:59]])
            sheet.set_column(c, c, min(max(10, width + 2), 80))
            known = describe(str(label), test_ids) if name in tables else None
            column_format = excel_format(known.unit) if known else None
            for r, value in enumerate(values, start=1):
                number = isinstance(value, int | float) and not isinstance(value, bool)
                row_format = by_row[r - 1] if by_row and number else None
                quoted = isinstance(value, str) and cells.is_formula_like(value)
                dated = isinstance(value, datetime.date) and not (row_format or column_format)
                cell_format = formats.get(
                    DATE_TIME if dated else row_format or column_format, quoted=quoted
                )
                _write(sheet, r, c, value, cell_format)
    book.close()
    return reproducible(buffer.getvalue())


DATE_TIME = "yyyy-mm-dd hh:mm:ss"  # as pandas shows a date and time in Excel


class _Formats:
    """The workbook's cell formats, one object per combination (XlsxWriter wants each
    made once)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[tuple[str | None, bool, bool], Any] = {}

    def get(self, number: str | None = None, *, quoted: bool = False, header: bool = False) -> Any:
        key = (number, quoted, header)
        if key not in self._made:
            props: dict[str, object] = {}
            if number:
                props["num_format"] = number
            if quoted:
                props["quote_prefix"] = True
            if header:  # as pandas writes a header: bold, boxed, centred at the top
                props.update(bold=True, border=1, align="center", valign="top")
            self._made[key] = self._book.add_format(props) if props else None
        return self._made[key]


def _value(value: Any) -> Any:
    """A cell's value as pandas writes one to Excel: missing as an empty cell, infinity
    as the text ``inf``, numbers as numbers, dates as dates, anything else as its text.

    >>> [_value(v) for v in (np.int64(3), 2.5, np.nan, None, pd.NA, np.inf, True, "x")]
    [3, 2.5, None, None, None, 'inf', True, 'x']
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        return ("inf" if number > 0 else "-inf") if math.isinf(number) else number
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime.date):
        return value
    return str(value)


def _write(sheet: Any, row: int, col: int, value: Any, cell_format: Any) -> None:
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_datetime(row, col, value, cell_format)


# The time written into a workbook (its properties and every part's zip entry), fixed so
# that the same scenario on the same data gives the same bytes: 1 January 1980, the
# earliest time a zip entry can hold.
FIXED_TIME = datetime.datetime(1980, 1, 1)
_CORE = "docProps/core.xml"
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(xlsx: bytes) -> bytes:
    """``xlsx`` with its timestamps fixed: the zip entries' times and the document's
    created and modified times (a writer may stamp the time of saving)."""
    out = _io.BytesIO()
    with zipfile.ZipFile(_io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == _CORE:
                data = _STAMPS.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    return out.getvalue()
