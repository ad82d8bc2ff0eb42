"""Selection: which councils are in scope, by which tests, and by how much.

Each test gives, per council, a measured value, a line, pass/fail and a *margin*:
value minus line, in the test's unit (per 100,000 adults 18+). A positive margin
fails by that much; a negative one passes by that much. The same margin in delayed
beds a day is ``margin x adults / 100,000``.

Tie rule (quartiles and worst N): the line is the value of the N-th worst council
among those with data; every council at or beyond the line fails, so councils tied
at the boundary are all included and the group can exceed N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from simulator.inputs.data import Dataset
from simulator.rules.measures import beds_from_rate, rate_per_100k, window_rate
from simulator.schema.selection import GapTest, RateTest, Selection, Test, TrendTest
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, ATTRIBUTIONS


@dataclass(frozen=True)
class TestOutcome:
    """One test applied to every council."""

    id: str
    label: str
    kind: str
    attribution: str
    value: np.ndarray  # measured value, per 100,000 adults 18+
    line: np.ndarray  # the line the value is compared with (per council)
    fails: np.ndarray  # bool
    margin: np.ndarray  # value - line, per 100,000; NaN where not assessable
    margin_beds: np.ndarray  # the margin in delayed beds per day
    assessable: np.ndarray  # bool: the council has the data this test needs
    rule: str  # plain-English statement of the test: "fails if ..."
    condition: str  # what failing means, e.g. "the ... rate rose from ... to ..."
    relative: bool = False  # the line is set by the other councils (worst quartile or N)


def quartile_size(n_assessable: int) -> int:
    """Councils in a quartile: a quarter of those with data, rounded up.

    >>> quartile_size(151), quartile_size(152), quartile_size(8)
    (38, 38, 2)
    """
    return math.ceil(n_assessable / 4)


def worst_line(values: np.ndarray, n: int) -> float:
    """The value of the ``n``-th largest finite value (the worst-N line).

    >>> worst_line(np.array([5.0, 1.0, np.nan, 3.0, 3.0]), 2)
    3.0
    """
    finite = np.sort(values[np.isfinite(values)])[::-1]
    if len(finite) == 0:
        return math.inf
    return float(finite[min(n, len(finite)) - 1])


def _worst_group(values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lines and fails for a worst-``n`` group (ties at the boundary included).

    Each council's line is the n-th worst value among the *other* councils: the one it
    must cross to change status while they stay as they are. A council outside the
    group must reach the n-th worst value to enter; one inside must fall below the
    (n+1)-th worst (with ties at the boundary, the tied value itself). A council fails
    exactly when its value is at or beyond its line (:func:`against_line`).

    >>> line, fails = _worst_group(np.array([9.0, 7.0, 4.0, 2.0]), 2)
    >>> line.tolist(), fails.tolist()
    ([4.0, 4.0, 7.0, 7.0], [True, True, False, False])
    >>> _worst_group(np.array([9.0, 7.0, 7.0, 2.0]), 2)[0].tolist()
    [7.0, 7.0, 7.0, 7.0]
    """
    entry = worst_line(values, n)
    fails = values >= entry
    finite = np.sort(values[np.isfinite(values)])[::-1]
    k = min(n, len(finite))
    after = float(finite[k]) if len(finite) > k else -np.inf
    return np.where(fails, after, entry), fails


def against_line(outcome: TestOutcome, line: np.ndarray, adults: np.ndarray) -> TestOutcome:
    """The outcome measured against given lines, for a test whose line the other
    councils set (re-running tests on one council's changed data, the others as they
    were). Other tests are returned as they are."""
    if not outcome.relative:
        return outcome
    fails = (outcome.value >= line) & outcome.assessable
    margin = np.where(outcome.assessable, outcome.value - line, np.nan)
    return replace(
        outcome, line=line, fails=fails, margin=margin, margin_beds=beds_from_rate(margin, adults)
    )


def run_test(test: Test, data: Dataset, expected_beds: np.ndarray) -> TestOutcome:
    """Apply one test to every council."""
    adults = data.adults
    basis = ATTRIBUTIONS.index(test.attribution)
    basis_name = ATTRIBUTION_LABELS[test.attribution]
    what = f"{basis_name} DToC rate per 100,000 adults 18+"
    if isinstance(test, RateTest):
        value = window_rate(data, test.attribution, test.window.end, test.window.months)
        assessable = np.isfinite(value)
        if test.mode == "above_threshold":
            line = np.full(value.shape, test.threshold)
            fails = value > line
            condition = f"the {what} in {test.window.label()} is above {test.threshold:g}"
            short = f"At or below {test.threshold:g}: {basis_name} rate, {test.window.label()}"
        else:
            n = quartile_size(int(assessable.sum())) if test.mode == "worst_quartile" else test.n
            line, fails = _worst_group(value, n)
            group = "worst quartile" if test.mode == "worst_quartile" else f"worst {n}"
            condition = f"in the {group} of councils for the {what} in {test.window.label()}"
            short = f"Outside the {group}: {basis_name} rate, {test.window.label()}"
    elif isinstance(test, GapTest):
        rate = window_rate(data, test.attribution, test.window.end, test.window.months)
        expected_rate = rate_per_100k(expected_beds[:, basis], adults)
        value = rate - expected_rate * (1 + test.tolerance_pct / 100)
        assessable = np.isfinite(value)
        if test.mode == "above_expectation":
            line = np.zeros(value.shape)
            fails = value > 0
            condition = (
                f"the {what} in {test.window.label()} is above the council's "
                "September 2017 expectation"
                + (f" plus {test.tolerance_pct:g}%" if test.tolerance_pct else "")
            )
            short = f"At or below expectation: {basis_name} rate, {test.window.label()}"
        else:
            line, fails = _worst_group(value, quartile_size(int(assessable.sum())))
            condition = (
                f"in the worst quartile for the gap between the {what} in "
                f"{test.window.label()} and the September 2017 expectation"
            )
            short = f"Outside the worst quartile: {basis_name} gap, {test.window.label()}"
    elif isinstance(test, TrendTest):
        before = window_rate(data, test.attribution, test.before.end, test.before.months)
        after = window_rate(data, test.attribution, test.after.end, test.after.months)
        value = after - before
        assessable = np.isfinite(value)
        span = f"{test.before.label()} to {test.after.label()}"
        if test.mode == "worse":
            line = np.zeros(value.shape)
            fails = value > 0
            condition = f"the {what} rose from {span}"
            short = f"Did not rise: {basis_name} rate, {span}"
        elif test.mode == "not_improved":
            line = -before * test.min_improvement_pct / 100
            # Any required fall: exactly that fall passes ("by at least X%"). None
            # required: no change at all fails ("did not fall").
            fails = value > line if test.min_improvement_pct > 0 else value >= line
            pct = test.min_improvement_pct
            needed = f" by at least {pct:g}%" if pct else ""
            condition = f"the {what} did not fall{needed} from {span}"
            short = f"Fell{needed}: {basis_name} rate, {span}"
        else:
            line, fails = _worst_group(value, quartile_size(int(assessable.sum())))
            condition = f"in the worst quartile for the change in the {what} from {span}"
            short = f"Outside the worst quartile: change in {basis_name} rate, {span}"
    else:  # pragma: no cover - the discriminated union admits no other kind
        raise TypeError(type(test))
    relative = test.mode in ("worst_quartile", "worst_n")
    fails = np.asarray(fails & assessable)
    margin = np.where(assessable, value - line, np.nan)
    return TestOutcome(
        id=test.id,
        label=test.label or short,
        kind=test.kind,
        attribution=test.attribution,
        value=value,
        line=np.asarray(line, dtype=float),
        fails=fails,
        margin=margin,
        margin_beds=beds_from_rate(margin, adults),
        assessable=assessable,
        rule=f"fails if {condition}",
        condition=condition,
        relative=relative,
    )


@dataclass(frozen=True)
class SelectionResult:
    selected: np.ndarray  # bool
    in_scope: np.ndarray  # bool: failed enough screening tests (all True without a screen)
    tests_failed: np.ndarray  # int: criteria failed
    n_criteria: int
    by_tests: np.ndarray  # bool: selected by the combination before exemption and lists
    exempt: np.ndarray  # bool
    included: np.ndarray  # bool: manual include
    excluded: np.ndarray  # bool: manual exclude
    score: np.ndarray  # composite score (NaN unless composite)
    assessable: np.ndarray  # bool: data for every test


def composite_score(values: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Weighted score, higher = worse, from a ``(council, test)`` matrix of values.

    ``rank``: each test's values ranked 1 (best) .. n (worst), averaged with weights;
    ``zscore``: each test standardised, averaged with weights. Councils missing any
    value score NaN.

    >>> composite_score(np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]]),
    ...                 np.array([1.0, 1.0]), "rank").tolist()
    [1.0, 2.5, 2.5]
    """
    ok = np.isfinite(values).all(axis=1)
    cols = []
    for j in range(values.shape[1]):
        col = np.full(values.shape[0], np.nan)
        v = values[ok, j]
        if method == "rank":
            order = v.argsort(kind="stable").argsort(kind="stable")
            # average ranks over ties so row order never matters
            ranks = order.astype(float) + 1
            for u in np.unique(v):
                same = v == u
                ranks[same] = ranks[same].mean()
            col[ok] = ranks
        elif v.size:  # no council with every value: every score stays NaN
            sd = v.std()
            col[ok] = (v - v.mean()) / sd if sd > 0 else 0.0
        cols.append(col)
    matrix = np.stack(cols, axis=1)
    return np.asarray(matrix @ weights / weights.sum())


def select(
    selection: Selection, outcomes: list[TestOutcome], data: Dataset, expected_beds: np.ndarray
) -> SelectionResult:
    """Combine test outcomes into the selected councils."""
    n = len(data.codes)
    by_id = {o.id: o for o in outcomes}
    screen = [by_id[i] for i in selection.screen]
    criteria = [by_id[t.id] for t in selection.criteria]
    screen_failed = np.zeros(n, dtype=int)
    for outcome in screen:
        screen_failed += outcome.fails
    in_scope = screen_failed >= selection.screen_needed
    assessable = np.ones(n, dtype=bool)
    for outcome in outcomes:
        assessable &= outcome.assessable
    fails = np.stack([o.fails for o in criteria], axis=1) if criteria else np.zeros((n, 0), bool)
    tests_failed = fails.sum(axis=1)
    score = np.full(n, np.nan)
    by_tests: np.ndarray
    if not criteria:
        by_tests = in_scope & bool(screen) & assessable
    elif selection.combine == "all":
        by_tests = np.asarray(fails.all(axis=1))
    elif selection.combine == "any":
        by_tests = np.asarray(fails.any(axis=1))
    elif selection.combine == "at_least":
        by_tests = np.asarray(tests_failed >= selection.at_least)
    else:
        comp = selection.composite
        values = np.stack([o.value for o in criteria], axis=1)
        weights = np.array([comp.weights.get(o.id, 1.0) for o in criteria])
        pool = in_scope & np.isfinite(values).all(axis=1)
        score = np.where(
            pool,
            composite_score(np.where(pool[:, None], values, np.nan), weights, comp.method),
            np.nan,
        )
        k = (
            comp.n
            if comp.select == "worst_n"
            else math.ceil(comp.quantile_pct / 100 * int(pool.sum()))
        )
        by_tests = pool & (score >= worst_line(score, max(k, 1))) if k > 0 else np.zeros(n, bool)
    by_tests = np.asarray(by_tests & in_scope)

    exempt = np.zeros(n, dtype=bool)
    if selection.exemption is not None:
        ex = selection.exemption
        base = window_rate(data, ex.attribution, ex.baseline.end, ex.baseline.months)
        check = window_rate(data, ex.attribution, ex.check.end, ex.check.months)
        improved = check <= base * (1 - ex.min_improvement_pct / 100)
        exempt = by_tests & np.nan_to_num(improved, nan=0).astype(bool)

    included = np.isin(data.codes, [e.gss_code for e in selection.include])
    excluded = np.isin(data.codes, [e.gss_code for e in selection.exclude])
    selected = ((by_tests & ~exempt) | included) & ~excluded
    return SelectionResult(
        selected=selected,
        in_scope=in_scope,
        tests_failed=tests_failed,
        n_criteria=len(criteria),
        by_tests=by_tests,
        exempt=exempt,
        included=included,
        excluded=excluded,
        score=score,
        assessable=assessable,
    )
