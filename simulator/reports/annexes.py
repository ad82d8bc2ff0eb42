"""Who bears an option, how firm its list is and what it rewards: the three annexes of a
run, as the frames ``ibcf run`` writes (``distribution.csv``, ``stability.csv``,
``incentives.csv``) and the
Excel pack's sheets of the same names. ``aliases``: workshop labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from simulator.engine.run import Result
from simulator.reports.distribution import annex, distribution_table
from simulator.reports.incentives import incentives, incentives_table
from simulator.reports.stability import stability, stability_table

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

# Sheet name -> file name
FILES = {
    "Distribution": "distribution.csv",
    "Stability": "stability.csv",
    "Incentives": "incentives.csv",
}


def annex_sheets(
    result: Result,
    projection: ProjectionResult | None = None,
    aliases: dict[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Each annex as a frame, by sheet name (:data:`FILES`)."""
    return {
        "Distribution": distribution_table(annex(result, projection), aliases),
        "Stability": stability_table(result, stability(result), aliases),
        "Incentives": incentives_table(result, incentives(result), aliases),
    }
