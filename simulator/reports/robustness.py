"""How firm the list of selected councils is: how many change status when the review
reads one more month of data. Said beside the count of councils (Overview, brief), the
Sensitivity page has the councils themselves."""

from __future__ import annotations

from simulator.engine.run import Result, evaluate
from simulator.errors import ScenarioError
from simulator.schema.edit import shift_test_months
from simulator.schema.files import data_context


def status_flips(result: Result, k: int) -> int | None:
    """Councils whose selection differs when every window the scenario reads moves by
    ``k`` months (``None`` when the data do not cover the moved windows)."""
    context = data_context(result.data.months, list(result.data.codes))
    try:
        moved = shift_test_months(result.scenario, k, context)
    except ScenarioError:
        return None
    now = result.table["selected"].to_numpy()
    return int((evaluate(moved, result.data).table["selected"].to_numpy() != now).sum())


def robustness_text(result: Result) -> str | None:
    """'19 councils change status with one more month of data' (selected or no longer
    selected), or with one month less when the data end at the month the tests read;
    ``None`` for a scenario with no tests."""
    if not result.scenario.selection.tests:
        return None
    for k, words in ((1, "one more month of data"), (-1, "one month less of data")):
        n = status_flips(result, k)
        if n is not None:
            if n == 0:
                return f"no council changes status with {words}"
            councils = "1 council changes" if n == 1 else f"{n} councils change"
            return f"{councils} status with {words}"
    return None
