"""Tables for people who read numbers: the councils table with its quartile and
distance to the line, totals by group, the projection per council, councils side by
side, and the data provenance.

Everything here returns frames; :mod:`simulator.io` writes files. Every council table
says which year and data month drove it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator import MODEL_VERSION
from simulator.engine.run import Result
from simulator.reports.distance import distance_to_flip
from simulator.rules.measures import rate_per_100k, window_rate
from simulator.schema.vocabulary import ATTRIBUTIONS, YEAR

if TYPE_CHECKING:
    from simulator.inputs.data import Dataset
    from simulator.projection import ProjectionResult

# The month a scenario that reads no month is ranked on: November 2017, the latest
# month the 2017 review read (the December tests).
REVIEW_MONTH = "2017-11"
QUARTILE_LABELS = {1: "Q1 lowest delays", 2: "Q2", 3: "Q3", 4: "Q4 highest delays"}


@dataclass(frozen=True)
class RateBasis:
    """The rate a report ranks councils on: an attribution in one month."""

    attribution: str
    month: str


def rate_basis(result: Result, *, letter: bool = False) -> RateBasis:
    """The one rule for which rate a quartile, a map or a letter quotes.

    The councils table, its quartile breakdown and the map rank councils on the first
    test's attribution in the latest month the tests read (else the social care rate
    in :data:`REVIEW_MONTH`). A letter (``letter=True``) quotes a rate test, as the
    2017 letters did: the first rate test among the selection criteria, else any rate
    test, in the month it reads (else the social care rate in the latest month of data).
    """
    data = result.data
    tests = result.scenario.selection.tests
    if letter:
        criteria = result.scenario.selection.criteria
        rates = [t for t in criteria if t.kind == "rate"] or [t for t in tests if t.kind == "rate"]
        if not rates:
            return RateBasis("social_care", data.months[-1])
        return RateBasis(rates[0].attribution, rates[0].window.end)
    month = str(result.summary["data_month"])
    return RateBasis(
        tests[0].attribution if tests else "social_care",
        month if month in data.months else REVIEW_MONTH,
    )


def basis_rate(data: Dataset, basis: RateBasis) -> np.ndarray:
    """Each council's rate per 100,000 adults 18+ on ``basis`` (NaN without data)."""
    return window_rate(data, basis.attribution, basis.month, 1)


def rank_positions(rate: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Each council's position (1 = lowest rate; ties share the lower position), the
    councils ranked, and each one's quartile 1-4 (NaN without data).

    >>> pos, n, q = rank_positions(np.array([3.0, 1.0, np.nan, 1.0, 9.0]))
    >>> pos.tolist(), n, q.tolist()
    ([3.0, 1.0, nan, 1.0, 4.0], 4, [3.0, 1.0, nan, 1.0, 4.0])
    """
    position = pd.Series(rate).rank(method="min", ascending=True).to_numpy()
    n = int(np.isfinite(rate).sum())
    return position, n, np.ceil(4 * position / n)


def dtoc_quartile(data: Dataset, basis: RateBasis) -> pd.Series:
    """Quartile of each council's rate on ``basis`` (Q1 = lowest delays, Q4 = highest)."""
    _, _, quartile = rank_positions(basis_rate(data, basis))
    labels = pd.Series(quartile).map({float(k): v for k, v in QUARTILE_LABELS.items()})
    return labels.fillna("no DToC data")


def expectation_rate(result: Result, attribution: str) -> np.ndarray:
    """Expected rate per 100,000 adults for September 2017, by council."""
    return rate_per_100k(result.expected[:, ATTRIBUTIONS.index(attribution)], result.data.adults)


def councils_frame(result: Result) -> pd.DataFrame:
    """The councils table for export: one row per council, with year and data month."""
    table = result.table.copy()
    table.insert(4, "dtoc_quartile", dtoc_quartile(result.data, rate_basis(result)).to_numpy())
    flip = distance_to_flip(result)
    table["flip_beds_per_day"] = np.round(flip.beds, 2)
    table["flip_delays"] = flip.delays
    table["flip_months"] = flip.months
    table.insert(0, "year", YEAR)
    table["data_month"] = result.summary["data_month"]
    return table


BREAKDOWN_MONEY = [
    "allocation_total",
    "conditioned",
    "withheld",
    "received",
    "final_allocation",
    "change",
]


def breakdown(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Totals by a grouping column (region, authority_type, dtoc_quartile)."""
    grouped = table.groupby(by, dropna=False)
    out = grouped[BREAKDOWN_MONEY].sum()
    out.insert(0, "councils", grouped.size())
    out.insert(1, "selected", grouped["selected"].sum())
    out["change_pct"] = (100 * out["change"] / out["allocation_total"]).round(3)
    return out.reset_index()


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


def provenance_frame(result: Result) -> pd.DataFrame:
    """Where each input came from, the data hash and the model version."""
    return pd.DataFrame(
        [(k, v) for k, v in result.data.sources.items()]
        + [("data_hash", result.data.data_hash), ("model_version", MODEL_VERSION)],
        columns=["input", "source"],
    )
