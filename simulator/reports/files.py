"""The file sets the command line writes, by file name: ``ibcf run``'s councils table,
summary, projection, Excel pack and stamped scenario, and ``ibcf compare``'s councils
side by side, comparison summary and Excel comparison. Contents only: frames, a
summary for JSON, bytes or text; :mod:`simulator.io` writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from simulator.engine.run import Result
from simulator.reports.annexes import FILES as ANNEX_FILES
from simulator.reports.annexes import annex_sheets
from simulator.reports.compare import compare_summary
from simulator.reports.excel import compare_pack, excel_pack
from simulator.reports.summary import summary_dict
from simulator.reports.tables import compare_frame, councils_frame, projection_frame

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

Content = pd.DataFrame | dict[str, Any] | bytes | str
RUN_FILES = (
    "councils.csv",
    "summary.json",
    "projection.csv",
    "distribution.csv",
    "stability.csv",
    "incentives.csv",
    "report.xlsx",
    "scenario.toml",
)
COMPARE_FILES = ("compare.csv", "compare_summary.csv", "compare.xlsx")


def run_files(
    result: Result, projection: ProjectionResult, assumptions: pd.DataFrame | None = None
) -> dict[str, Content]:
    """``ibcf run``'s files (:data:`RUN_FILES`); the scenario stamped with the data hash."""
    sheets = annex_sheets(result, projection)
    return {
        "councils.csv": councils_frame(result),
        "summary.json": summary_dict(result, projection),
        "projection.csv": projection_frame(result, projection),
        **{ANNEX_FILES[name]: frame for name, frame in sheets.items()},
        "report.xlsx": excel_pack(result, projection, assumptions=assumptions, annexes=sheets),
        "scenario.toml": result.scenario.stamped(result.data.data_hash).to_toml(),
    }


def compare_files(results: list[Result], projections: list[ProjectionResult]) -> dict[str, Content]:
    """``ibcf compare``'s files (:data:`COMPARE_FILES`)."""
    return {
        "compare.csv": compare_frame(results),
        "compare_summary.csv": compare_summary(results, projections),
        "compare.xlsx": compare_pack(results, projections),
    }
