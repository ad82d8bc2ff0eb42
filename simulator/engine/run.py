"""One scenario in, per-council financial results out (no Monte Carlo here).

Data flows one way: dataset -> expectations -> tests -> selection -> consequences
-> redistribution -> results table and summary. The projection of delays is a
separate, slower step (:func:`simulator.engine.run.project_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from simulator import MODEL_VERSION
from simulator.inputs.data import Dataset
from simulator.rules.consequences import MoneyAtRisk, apply_consequences, released_mask
from simulator.rules.expectations import expected_beds
from simulator.rules.redistribution import Ledger, redistribute
from simulator.rules.selection import SelectionResult, TestOutcome, run_test, select
from simulator.schema.scenario import Scenario
from simulator.schema.vocabulary import YEAR

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult


class RunSummary(TypedDict):
    """The headline of one evaluated scenario (summary.json's first keys): a typed record,
    so that mypy checks every read of it by key. Money in whole pounds, 2018/19."""

    scenario: str
    scenario_hash: str
    data_hash: str
    model_version: str
    year: str
    data_month: str
    allocation_status: str
    councils_selected: int
    councils_conditioned: int
    councils_reduced: int
    councils_receiving: int
    total_baseline: int
    total_conditioned: int
    total_withheld: int
    total_received: int
    total_retained: int
    total_final: int
    ledger_balanced: bool
    redistribution_rule: str


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    data: Dataset
    expected: np.ndarray  # (council, attribution) beds/day, September 2017
    expected_status: np.ndarray
    outcomes: list[TestOutcome]
    selection: SelectionResult
    money: MoneyAtRisk
    ledger: Ledger
    table: pd.DataFrame
    summary: RunSummary

    def outcome(self, test_id: str) -> TestOutcome:
        return next(o for o in self.outcomes if o.id == test_id)


def allocation_arrays(data: Dataset) -> dict[str, np.ndarray]:
    return data.allocation_by_element


def data_month(scenario: Scenario) -> str:
    """The latest month of data the scenario's tests read."""
    months = []
    for test in scenario.selection.tests:
        months.append(test.after.end if test.kind == "trend" else test.window.end)
    return max(months) if months else "none"


def evaluate(scenario: Scenario, data: Dataset) -> Result:
    """Apply ``scenario`` to ``data``: selection, money and the balanced ledger."""
    expected, expected_status = expected_beds(data, scenario.expectations)
    outcomes = [run_test(t, data, expected) for t in scenario.selection.tests]
    selection = select(scenario.selection, outcomes, data, expected)
    allocations = allocation_arrays(data)
    released = released_mask(scenario.consequences, data, expected)
    money = apply_consequences(
        scenario.consequences, selection, {o.id: o for o in outcomes}, allocations, released
    )
    ledger = redistribute(
        scenario.redistribution, data, selection, money.withheld, money.base, expected
    )
    table = results_table(data, outcomes, selection, money, ledger, allocations)
    summary = summarise(scenario, data, selection, money, ledger, allocations)
    return Result(
        scenario=scenario,
        data=data,
        expected=expected,
        expected_status=expected_status,
        outcomes=outcomes,
        selection=selection,
        money=money,
        ledger=ledger,
        table=table,
        summary=summary,
    )


def results_table(
    data: Dataset,
    outcomes: list[TestOutcome],
    selection: SelectionResult,
    money: MoneyAtRisk,
    ledger: Ledger,
    allocations: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per council: baseline, selection, each test, and the money line by line."""
    c = data.council_columns
    total = allocations["original"] + allocations["spring_budget"]
    final = total - money.withheld + ledger.received
    columns: dict[str, object] = {
        "gss_code": c["gss_code"],
        "council": c["council"],
        "region": c["region"],
        "authority_type": c["authority_type"],
        "adults_18plus": c["adults_18plus"],
        "allocation_original": allocations["original"],
        "allocation_spring_budget": allocations["spring_budget"],
        "allocation_total": total,
        "allocation_status": c["allocation_status"],
        "allocation_source": c["allocation_source"],
        "report_status": c["report_status"],
        "has_dtoc_data": data.has_dtoc,
        "in_scope": selection.in_scope,
        "selected": selection.selected,
        "exempt": selection.exempt,
        "manual": np.where(
            selection.included, "included", np.where(selection.excluded, "excluded", "")
        ),
        "tests_failed": selection.tests_failed,
        "conditioned": money.conditioned,
        "condition_released": money.released,
        "withheld": money.withheld,
        "received": ledger.received,
        "final_allocation": final,
        "change": final - total,
        "change_pct": _change_pct(final - total, total),
    }
    if np.isfinite(selection.score).any():
        columns["composite_score"] = selection.score
    for o in outcomes:
        columns[f"{o.id}_value"] = np.round(o.value, 4)
        columns[f"{o.id}_fail"] = o.fails
        columns[f"{o.id}_margin"] = np.round(o.margin, 4)
        columns[f"{o.id}_margin_beds"] = np.round(o.margin_beds, 3)
    table = pd.DataFrame(columns)
    return table


def _change_pct(change: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Change as % of the allocation; 0 for a council with nothing and no change
    (equalisation gives some councils £0), blank (NaN) if one with nothing gains.

    >>> _change_pct(np.array([-5, 0, 3]), np.array([100, 0, 0])).tolist()
    [-5.0, 0.0, nan]
    """
    pct = np.full(change.shape, np.nan)
    np.divide(100 * change, total, out=pct, where=total > 0)
    pct[(total == 0) & (change == 0)] = 0.0
    return np.round(pct, 3)


def summarise(
    scenario: Scenario,
    data: Dataset,
    selection: SelectionResult,
    money: MoneyAtRisk,
    ledger: Ledger,
    allocations: dict[str, np.ndarray],
) -> RunSummary:
    baseline = int(allocations["original"].sum() + allocations["spring_budget"].sum())
    final = baseline - ledger.withheld_total + ledger.redistributed_total
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "data_hash": data.data_hash,
        "model_version": MODEL_VERSION,
        "year": YEAR,
        "data_month": data_month(scenario),
        "allocation_status": data.allocation_status,
        "councils_selected": int(selection.selected.sum()),
        "councils_conditioned": int((money.conditioned > 0).sum()),
        "councils_reduced": int((money.withheld > 0).sum()),
        "councils_receiving": int((ledger.received > 0).sum()),
        "total_baseline": baseline,
        "total_conditioned": int(money.conditioned.sum()),
        "total_withheld": ledger.withheld_total,
        "total_received": ledger.redistributed_total,
        "total_retained": ledger.retained,
        "total_final": final,
        "ledger_balanced": bool(
            ledger.balanced
            and int(money.withheld.sum()) == ledger.withheld_total
            and int(ledger.received.sum()) == ledger.redistributed_total
            and final + ledger.retained == baseline
            and bool(
                (money.withheld <= allocations["original"] + allocations["spring_budget"]).all()
            )
        ),
        "redistribution_rule": scenario.redistribution.rule,
    }


def project_scenario(
    result: Result, *, draws: int | None = None, seed: int | None = None
) -> ProjectionResult:
    """Project 2018/19 DToC for an evaluated scenario (the slower, Monte Carlo step).

    ``draws`` and ``seed`` override the scenario's projection settings.
    """
    from simulator.projection import project, status_quo_change_gbp

    params = result.scenario.projection
    update: dict[str, int] = {}
    if draws is not None:
        update["draws"] = draws
    if seed is not None:
        update["seed"] = seed
    if update:
        params = params.model_copy(update=update)
    return project(
        result.data.dtoc_beds,
        result.data.months,
        result.data.adults,
        conditioned=result.money.conditioned.astype(float),
        withheld=result.money.withheld.astype(float),
        received=result.ledger.received.astype(float),
        reviewed=result.selection.selected,
        params=params,
        status_quo_change=status_quo_change_gbp(
            result.data.allocation_by_element["original"],
            result.data.allocation_by_element["spring_budget"],
            result.data.money_2017_18,
        ),
    )
