"""The comparison of two to four scenarios, built once: each scenario's headline
figures (:func:`comparison`), then written as ``compare_summary.csv`` (one row per
measure, one column per scenario: :func:`summary_table`) or as the app's table (one
row per scenario: :func:`scenario_table`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from simulator.engine.run import Result
from simulator.reports.columns import describe
from simulator.reports.summary import ProjectionSummary, projection_summary
from simulator.schema.evidence import EVIDENCE_SET_NAMES
from simulator.schema.vocabulary import YEAR

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

QUANTILES = ("p10", "p50", "p90")
# The money measures of a comparison: keys of the run summary (mypy checks each).
MoneyKey = Literal[
    "councils_selected",
    "total_conditioned",
    "total_withheld",
    "total_received",
    "total_retained",
    "total_final",
    "ledger_balanced",
]
MONEY: tuple[MoneyKey, ...] = get_args(MoneyKey)
PROJECTED = (
    "beds_freed.p10",
    "beds_freed.p50",
    "beds_freed.p90",
    "delayed_days_avoided",
    "nhs_value_gbp.notional",
    "nhs_value_gbp.cash_releasing",
    "evidence_set",
    *(f"beds_freed_by_evidence_set.{s}.{q}" for s in EVIDENCE_SET_NAMES for q in QUANTILES),
    "evidence_sets_text",
    "detectability",
    "probability_ambition_met",
    "probability_ambition_met_no_change",
    "seed",
    "draws",
)


@dataclass(frozen=True)
class Compared:
    """One scenario's headline figures in a comparison."""

    label: str
    money: dict[str, object]  # the summary's figures of :data:`MONEY`, by key
    projection: ProjectionSummary | None

    def value(self, measure: str) -> object:
        """A figure by its summary key (``beds_freed.p50`` for a band)."""
        if measure in self.money:
            return self.money[measure]
        assert self.projection is not None, measure
        key, _, band = measure.partition(".")
        value = getattr(self.projection, key)
        return value[band] if band else value


def _measures(compared: list[Compared], keys: list[str]) -> list[str]:
    """``keys`` without the projected ones unless every scenario was projected."""
    projected = all(c.projection is not None for c in compared)
    return [k for k in keys if projected or k in MONEY]


def comparison(
    results: list[Result],
    projections: list[ProjectionResult] | None = None,
    labels: list[str] | None = None,
) -> list[Compared]:
    """Each scenario's figures; ``labels`` name them (default ``s1: name`` ...)."""
    names = labels or [f"s{k}: {r.scenario.name}" for k, r in enumerate(results, start=1)]
    return [
        Compared(
            label=label,
            money={key: r.summary[key] for key in MONEY},
            projection=None if projections is None else projection_summary(projections[k]),
        )
        for k, (label, r) in enumerate(zip(names, results, strict=True))
    ]


def summary_table(compared: list[Compared]) -> pd.DataFrame:
    """compare_summary.csv: one row per measure with its unit, one column per scenario."""
    keys = _measures(compared, [*MONEY, *PROJECTED])
    columns = {c.label: [c.value(key) for key in keys] for c in compared}
    out = pd.DataFrame(columns, index=keys).reset_index(names="measure")
    out.insert(1, "unit", [(describe(k.split(".")[0]) or ("", ""))[0] for k in keys])
    return out


def compare_summary(
    results: list[Result], projections: list[ProjectionResult] | None = None
) -> pd.DataFrame:
    """One row per measure, one column per scenario (``s1: name`` ...)."""
    return summary_table(comparison(results, projections))


# The app's comparison: one row per scenario, headed in words.
SCENARIO_COLUMNS = {
    "councils selected": "councils_selected",
    f"conditioned £ {YEAR}": "total_conditioned",
    f"withheld £ {YEAR}": "total_withheld",
    f"redistributed £ {YEAR}": "total_received",
    f"retained £ {YEAR}": "total_retained",
    "beds freed a day P10": "beds_freed.p10",
    "beds freed a day P50": "beds_freed.p50",
    "beds freed a day P90": "beds_freed.p90",
    "evidence set": "evidence_set",
    "beds freed, every evidence set": "evidence_sets_text",
    "detectability": "detectability",
    f"NHS value notional £ {YEAR}": "nhs_value_gbp.notional",
    f"NHS value cash-releasing £ {YEAR}": "nhs_value_gbp.cash_releasing",
    "chance ambition met": "probability_ambition_met",
    "chance ambition met with no change": "probability_ambition_met_no_change",
    "ledger balances": "ledger_balanced",
}


def scenario_table(compared: list[Compared]) -> pd.DataFrame:
    """One row per scenario (``scenario`` and the :data:`SCENARIO_COLUMNS`; the
    projected ones when every scenario was projected)."""
    keys = _measures(compared, list(SCENARIO_COLUMNS.values()))
    names = [name for name, key in SCENARIO_COLUMNS.items() if key in keys]
    return pd.DataFrame(
        [
            {"scenario": c.label, **{n: c.value(SCENARIO_COLUMNS[n]) for n in names}}
            for c in compared
        ]
    )
