"""The vectorised sweep agrees with the exact engine, variant by variant.

Each row of :func:`simulator.engine.sweep.sweep` is a scenario: one rate test above a threshold
in one month, a flat reduction of one element, a redistribution rule among the councils
not selected. Written as a scenario file and run through :func:`simulator.engine.run.evaluate`,
it must give the same councils selected and the same pounds withheld, redistributed,
retained and largest single loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.run import evaluate
from simulator.engine.sweep import SWEEP_RULES, sweep
from simulator.inputs.data import Dataset, load_dataset
from simulator.schema.files import data_context, scenario_from_mapping
from tests.strategies import ATTRIBUTIONS, DATA_MONTHS, examples

DATA: Dataset = load_dataset()
CONTEXT = data_context(DATA.months, list(DATA.codes))
FIGURES = ["councils_selected", "total_withheld", "total_redistributed", "total_retained"]


def as_scenario(row: dict[str, Any], attribution: str, month: str, base: str) -> dict[str, Any]:
    """The scenario file one sweep row stands for."""
    window = {"end": month, "months": 1}
    return {
        "name": "sweep variant",
        "selection": {
            "tests": [
                {
                    "id": "rate",
                    "kind": "rate",
                    "attribution": attribution,
                    "window": window,
                    "mode": "above_threshold",
                    "threshold": float(row["threshold"]),
                }
            ],
            "combine": "all",
        },
        "consequences": {
            "base": base,
            "condition_pct": 0.0,
            "reduction_pct": float(row["reduction_pct"]),
        },
        "redistribution": {"rule": row["rule"], "attribution": attribution, "window": window},
    }


def engine_figures(mapping: dict[str, Any]) -> dict[str, int]:
    result = evaluate(scenario_from_mapping(mapping, source="sweep.toml", context=CONTEXT), DATA)
    s = result.summary
    return {
        "councils_selected": s["councils_selected"],
        "total_withheld": s["total_withheld"],
        "total_redistributed": s["total_received"],
        "total_retained": s["total_retained"],
        "largest_loss": int(result.table["withheld"].max()),
    }


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    thresholds=st.lists(st.floats(0, 20, allow_nan=False).map(lambda x: round(x, 2)), max_size=3),
    reductions=st.lists(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)), max_size=3),
    rules=st.lists(st.sampled_from(SWEEP_RULES), min_size=1, max_size=4, unique=True),
    attribution=st.sampled_from(ATTRIBUTIONS),
    month=st.sampled_from(DATA_MONTHS),
    base=st.sampled_from(["spring_budget", "original", "total"]),
)
def test_every_sweep_row_is_what_evaluate_gives(
    thresholds: list[float],
    reductions: list[float],
    rules: list[str],
    attribution: str,
    month: str,
    base: str,
) -> None:
    thresholds, reductions = [*thresholds, 2.6], [*reductions, 10.0]  # never empty
    table = sweep(
        DATA,
        thresholds=np.array(thresholds),
        reduction_pcts=np.array(reductions),
        rules=tuple(rules),
        attribution=attribution,
        month=month,
        base=base,
    )
    assert len(table) == len(thresholds) * len(reductions) * len(rules)
    for row in table.to_dict(orient="records"):
        want = engine_figures(as_scenario(row, attribution, month, base))
        got = {k: int(row[k]) for k in [*FIGURES, "largest_loss"]}
        assert got == want, row


def test_a_sweep_that_moves_money() -> None:
    """Guards the property above: on November 2017 social care data a 2.6 threshold
    selects councils and a 10% reduction withholds money, which the four rules treat
    in four different ways."""
    table = sweep(DATA, thresholds=np.array([2.6]), reduction_pcts=np.array([10.0]))
    by_rule = table.set_index("rule")
    assert (by_rule["councils_selected"] > 0).all()
    assert (by_rule["total_withheld"] > 0).all()
    assert by_rule.loc["retain", "total_redistributed"] == 0
    assert by_rule.loc["pro_rata_all", "total_retained"] == 0
    for rule in SWEEP_RULES:
        row = by_rule.loc[rule].to_dict() | {"rule": rule}
        want = engine_figures(as_scenario(row, "social_care", "2017-11", "spring_budget"))
        assert {k: int(row[k]) for k in [*FIGURES, "largest_loss"]} == want, rule
