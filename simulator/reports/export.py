"""Exports: the councils table, the summary, comparisons and the Excel pack.

Everything here returns frames, dicts or bytes; :mod:`simulator.io` writes files.
Every export says which year and data month drove it and that allocations are
reconstructed unless the official table is loaded.
"""

from __future__ import annotations

import io as _io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator import MODEL_VERSION, cells
from simulator.engine.run import Result, breakdown, dtoc_quartile
from simulator.inputs.allocation import explanation
from simulator.reports.columns import describe, excel_format
from simulator.reports.explain import (
    distance_to_flip,
    option_summary,
    reconciliation_lines,
    retained_warning,
)
from simulator.schema.base import param_meta
from simulator.schema.parameters import parameters
from simulator.schema.vocabulary import YEAR

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

CAVEATS = [
    "Allocations for 2018/19 are RECONSTRUCTED unless the official table is loaded "
    "(data/official/): both elements are rebuilt by adult social care precept "
    "equalisation (need shares of the pot plus the precept councils can raise, less each "
    "council's precept), the best-supported hypothesis of the published method, whose "
    "exact text was not available. Every published figure is shown beside its "
    "reconstruction in the Allocation checks sheet; see the Methods sheet.",
    "September 2017 DToC expectations are RECONSTRUCTED by a rule that fits the "
    "published examples (Shropshire 6.7 beds a day; Hampshire -66%; Northamptonshire "
    "-67%); the official council table was not available.",
    "DToC figures are NHS England's REVISED monthly figures (April-September 2017 revised "
    "14 June 2018), not the figures first published when the 2017 review was run.",
    "The Isles of Scilly has no DToC data (reported within Cornwall): it keeps its "
    "allocation and is never selected on DToC grounds.",
    "The England DToC row includes patients resident outside England, so council rows "
    "sum to slightly less than England.",
    "Projected DToC effects rest on assumptions about how money buys care capacity; see "
    "the assumptions register. Ranges are P10-P90 of a seeded Monte Carlo.",
    "No public source names a council whose 2018/19 allocation was reduced.",
]


def workshop_caveats(names: list[str]) -> list[str]:
    """The caveats of an anonymised export: those naming one of the councils ``names``
    are left out."""
    return ["Council names are replaced by neutral labels (workshop)."] + [
        c for c in CAVEATS if not any(name in c for name in names)
    ]


def scenario_caveats(result: Result) -> list[str]:
    """Caveats this scenario adds: the published document beside the model, and words
    written for another version of the option."""
    out = reconciliation_lines(result)
    if result.scenario.text_stale:
        out.append(STALE_TEXT)
    return out


STALE_TEXT = (
    "The scenario's description and notes were written before the option was edited: "
    "they may no longer describe it (the option summary is generated from the option)."
)


def councils_frame(result: Result, anonymise: bool = False) -> pd.DataFrame:
    """The councils table for export: one row per council, with year and data month."""
    table = result.table.copy()
    table.insert(
        4,
        "dtoc_quartile",
        dtoc_quartile(result.data, _quartile_basis(result), _quartile_month(result)).to_numpy(),
    )
    flip = distance_to_flip(result)
    table["flip_beds_per_day"] = np.round(flip.beds, 2)
    table["flip_delays"] = flip.delays
    table["flip_months"] = flip.months
    table.insert(0, "year", YEAR)
    table["data_month"] = result.summary["data_month"]
    if anonymise:
        table["council"] = anonymised_names(len(table))
        table["gss_code"] = [f"X{i:08d}" for i in range(1, len(table) + 1)]
    return table


def anonymised_names(n: int) -> list[str]:
    """'Council A' ... 'Council Z', 'Council AA' ...

    >>> anonymised_names(28)[-3:]
    ['Council Z', 'Council AA', 'Council AB']
    """
    names = []
    for i in range(n):
        label, k = "", i
        while True:
            label = chr(ord("A") + k % 26) + label
            k = k // 26 - 1
            if k < 0:
                break
        names.append(f"Council {label}")
    return names


# Council-level columns that single a council out even under a neutral label.
IDENTIFYING = (
    "region",
    "authority_type",
    "adults_18plus",
    "allocation_original",
    "allocation_spring_budget",
)


def _anonymised(frame: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in IDENTIFYING if c in frame])
    alias = out["gss_code"].map(aliases)
    if "council" in out:
        out["council"] = alias
    out.insert(0, "alias", alias)
    out = out.drop(columns=["gss_code"]).sort_values("alias", kind="stable")
    return out.drop(columns=["alias"]) if "council" in out else out


def _quartile_basis(result: Result) -> str:
    tests = result.scenario.selection.tests
    return tests[0].attribution if tests else "social_care"


def _quartile_month(result: Result) -> str:
    month = result.summary["data_month"]
    return month if month in result.data.months else "2017-11"


def summary_dict(result: Result, projection: ProjectionResult | None = None) -> dict[str, Any]:
    warning = retained_warning(result.summary)
    # First, so it heads summary.json and the Excel Summary sheet when money leaves.
    out = {"retained_warning": warning} if warning is not None else {}
    out.update(result.summary)
    out["option_summary"] = option_summary(result)
    if projection is not None:
        out.update(projection_summary(projection))
    return out


def summary_frame(result: Result, projection: ProjectionResult | None = None) -> pd.DataFrame:
    """The summary as a table, one measure a row with its unit (``beds_freed.p10`` ...),
    for the Excel Summary sheet and summary.csv: no nested values in a cell."""
    rows = []
    for key, value in summary_dict(result, projection).items():
        unit = (describe(key) or ("", ""))[0]
        if isinstance(value, dict):
            rows += [(f"{key}.{k}", v, unit) for k, v in value.items()]
        else:
            rows.append((key, value, unit))
    return pd.DataFrame(rows, columns=["measure", "value", "unit"])


def projection_summary(projection: ProjectionResult) -> dict[str, Any]:
    from simulator.projection.words import beds_text, evidence_label

    def bands(b: dict[str, float]) -> dict[str, float]:
        return {k: round(float(v), 2) + 0.0 for k, v in b.items()}

    return {
        "projection_year": YEAR,
        "projection_method": projection.method,
        "evidence_set": projection.evidence_set,
        "headline": (
            f"{evidence_label(projection.evidence_set)}: {beds_text(projection.beds_freed)}"
        ),
        "beds_freed": bands(projection.beds_freed),
        "beds_freed_evidence": bands(projection.beds_freed_evidence),
        "beds_freed_social_care": bands(projection.beds_freed_social_care),
        "gross": bands(projection.gross),
        "forecast_noise": bands(projection.forecast_noise),
        "status_quo_beds": round(projection.status_quo_beds, 2) + 0.0,
        "delayed_days_avoided": round(float(projection.delayed_days_avoided), 1) + 0.0,
        "nhs_value_gbp": {k: round(float(v)) for k, v in projection.nhs_value_gbp.items()},
        "probability_ambition_met": round(float(projection.probability_ambition_met), 4),
        "seed": projection.seed,
        "draws": projection.draws,
    }


def projection_frame(result: Result, projection: ProjectionResult) -> pd.DataFrame:
    """projection.csv: one row per council, month and attribution basis."""
    frame = projection.per_council().round(4)  # beds a day: 4 decimals is ample
    codes = result.data.codes
    frame.insert(0, "gss_code", codes[frame["council_index"].to_numpy()])
    return frame.drop(columns=["council_index"])


def compare_frame(results: list[Result]) -> pd.DataFrame:
    """Councils side by side; ``differs`` marks a change of status or final allocation."""
    first = results[0].table
    out = first[["gss_code", "council", "region", "authority_type", "allocation_total"]].copy()
    for k, r in enumerate(results, start=1):
        tag = f"s{k}"
        out[f"{tag}_selected"] = r.table["selected"].to_numpy()
        out[f"{tag}_conditioned"] = r.table["conditioned"].to_numpy()
        out[f"{tag}_final_allocation"] = r.table["final_allocation"].to_numpy()
        out[f"{tag}_change"] = r.table["change"].to_numpy()
    sel = np.stack([r.table["selected"].to_numpy() for r in results], axis=1)
    fin = np.stack([r.table["final_allocation"].to_numpy() for r in results], axis=1)
    out["differs"] = (sel != sel[:, :1]).any(axis=1) | (fin != fin[:, :1]).any(axis=1)
    return out


def selection_differs(frame: pd.DataFrame) -> int:
    """Councils whose selection differs between the scenarios of a :func:`compare_frame`."""
    chosen = frame[[c for c in frame.columns.astype(str) if c.endswith("_selected")]]
    values = chosen.to_numpy()
    return int((values != values[:, :1]).any(axis=1).sum())


def compare_summary(
    results: list[Result], projections: list[ProjectionResult] | None = None
) -> pd.DataFrame:
    """One row per measure, one column per scenario (``s1: name`` ...)."""
    keys = [
        "councils_selected",
        "total_conditioned",
        "total_withheld",
        "total_received",
        "total_retained",
        "total_final",
        "ledger_balanced",
    ]
    columns = {}
    for k, r in enumerate(results, start=1):
        values = [r.summary[key] for key in keys]
        if projections is not None:
            p = projection_summary(projections[k - 1])
            values += [p["beds_freed"][q] for q in ("p10", "p50", "p90")]
            values += [p["delayed_days_avoided"], p["nhs_value_gbp"]["notional"]]
            values += [p["nhs_value_gbp"]["cash_releasing"], p["evidence_set"]]
            values += [p["probability_ambition_met"], p["seed"], p["draws"]]
        columns[f"s{k}: {r.scenario.name}"] = values
    if projections is not None:
        keys += ["beds_freed.p10", "beds_freed.p50", "beds_freed.p90", "delayed_days_avoided"]
        keys += ["nhs_value_gbp.notional", "nhs_value_gbp.cash_releasing", "evidence_set"]
        keys += ["probability_ambition_met", "seed", "draws"]
    out = pd.DataFrame(columns, index=keys).reset_index(names="measure")
    out.insert(1, "unit", [(describe(k.split(".")[0]) or ("", ""))[0] for k in keys])
    return out


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
    return _workbook(sheets, (), tables=("Councils", "Councils that differ"))


def methods_frame(result: Result, *, anonymise: bool = False) -> pd.DataFrame:
    rows = [
        ("Year", f"{YEAR} iBCF allocations; DToC data to {result.data.months[-1]}"),
        ("Option", option_summary(result)),
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
) -> bytes:
    """report.xlsx: every table, caveats, methods, the scenario and the data provenance.

    ``aliases`` (GSS code to a neutral name, for workshops) anonymises the pack: names
    replaced, codes hidden, rows sorted by alias, and the sheets that would identify a
    council (published-figure checks) left out.
    """
    councils = councils_frame(result)
    sheets: dict[str, pd.DataFrame] = {
        "Summary": summary_frame(result, projection),
        "Caveats": pd.DataFrame({"caveat": scenario_caveats(result) + CAVEATS}),
        "Councils": councils,
        "By region": breakdown(councils, "region"),
        "By type": breakdown(councils, "authority_type"),
        "By DToC quartile": breakdown(councils, "dtoc_quartile"),
        "Methods": methods_frame(result, anonymise=aliases is not None),
        "Parameters": parameters_frame(result),
        "Scenario": pd.DataFrame({"toml": result.scenario.to_toml().splitlines()}),
        "Data provenance": provenance_frame(result),
        "Allocation checks": result.data.known_figures,
        "Allocation methods": result.data.method_comparison,
    }
    if projection is not None:
        from simulator.projection.words import headline_lines

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
                sheets[name] = _anonymised(sheets[name], aliases)
    if assumptions is not None:
        sheets["Assumptions"] = assumptions
    test_ids = tuple(o.id for o in result.outcomes)
    sheets["Columns"] = columns_frame(sheets, test_ids)
    return _workbook(sheets, test_ids)


TABLE_SHEETS = (
    "Councils",
    "By region",
    "By type",
    "By DToC quartile",
    "Projection national",
    "Projection councils",
)


def provenance_frame(result: Result) -> pd.DataFrame:
    return pd.DataFrame(
        [(k, v) for k, v in result.data.sources.items()]
        + [("data_hash", result.data.data_hash), ("model_version", MODEL_VERSION)],
        columns=["input", "source"],
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


def _workbook(
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
