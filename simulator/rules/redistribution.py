"""Redistribution of withheld money, with a ledger that balances to the pound.

Invariant: ``sum(withheld) == sum(received) + retained`` exactly, all in whole
pounds, for every scenario. A council that loses money never receives any.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.inputs.data import Dataset
from simulator.money import largest_remainder, to_pounds
from simulator.rules.measures import rate_per_100k, window_beds, window_rate
from simulator.rules.selection import SelectionResult, quartile_size, worst_line
from simulator.schema.consequences import Redistribution
from simulator.schema.vocabulary import ATTRIBUTIONS

RULE_LABELS = {
    "retain": "retained by the centre",
    "pro_rata_all": "shared among all councils not selected, pro rata to allocation",
    "passed": "shared among councils that passed every test, pro rata to allocation",
    "best_quartile": "shared among the best-performing quartile, pro rata to allocation",
    "met_expectation": "shared among councils that met their expectation, pro rata",
    "improvers": "shared among councils that improved, in proportion to the improvement",
}


@dataclass(frozen=True)
class Ledger:
    received: np.ndarray  # whole pounds per council
    eligible: np.ndarray  # bool
    withheld_total: int
    redistributed_total: int
    retained: int
    spilled: int  # pounds moved on by gain caps

    @property
    def balanced(self) -> bool:
        return self.withheld_total == self.redistributed_total + self.retained


def eligibility(
    rule: Redistribution,
    data: Dataset,
    selection: SelectionResult,
    withheld: np.ndarray,
    expected_beds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Who may receive, and non-default weights (``None`` = pro rata to the base)."""
    losers = selection.selected | (withheld > 0)
    if rule.rule == "retain":
        return np.zeros(len(withheld), dtype=bool), None
    if rule.rule == "pro_rata_all":
        return ~losers, None
    if rule.rule == "passed":
        return ~losers & (selection.tests_failed == 0) & selection.assessable, None
    rate = window_rate(data, rule.attribution, rule.window.end, rule.window.months)
    if rule.rule == "best_quartile":
        n = quartile_size(int(np.isfinite(rate).sum()))
        line = -worst_line(-rate, n)  # n-th lowest rate; ties included
        return ~losers & np.nan_to_num(rate <= line, nan=0).astype(bool), None
    if rule.rule == "met_expectation":
        expected = rate_per_100k(
            expected_beds[:, ATTRIBUTIONS.index(rule.attribution)], data.adults
        )
        return ~losers & np.nan_to_num(rate <= expected, nan=0).astype(bool), None
    before = window_beds(data, rule.attribution, rule.before.end, rule.before.months)
    after = window_beds(data, rule.attribution, rule.window.end, rule.window.months)
    improvement = np.nan_to_num(before - after, nan=0.0)
    ok = ~losers & (improvement > 0)
    return ok, np.where(ok, improvement, 0.0)


def capped_split(total: int, weights: np.ndarray, caps: np.ndarray | None) -> np.ndarray:
    """Split ``total`` pounds by ``weights``; gains above ``caps`` spill to the others.

    Returns whole pounds per council summing to at most ``total``; what no one can
    take (everyone capped) is left for the caller to retain.

    >>> capped_split(100, np.array([1.0, 1.0, 2.0]), np.array([10, 100, 100])).tolist()
    [10, 30, 60]
    """
    out = np.zeros(len(weights), dtype=np.int64)
    open_ = weights > 0
    left = total
    while left > 0 and open_.any():
        share = np.zeros(len(weights), dtype=np.int64)
        share[open_] = largest_remainder(left, weights[open_])
        if caps is None:
            return out + share
        room = caps - out
        over = open_ & (share > room)
        if not over.any():
            return out + share
        out[over] = caps[over]
        left = total - int(out.sum())
        open_ &= ~over
    return out


def redistribute(
    rule: Redistribution,
    data: Dataset,
    selection: SelectionResult,
    withheld: np.ndarray,
    base: np.ndarray,
    expected_beds: np.ndarray,
) -> Ledger:
    total = int(withheld.sum())
    eligible, weights = eligibility(rule, data, selection, withheld, expected_beds)
    if weights is None:
        weights = np.where(eligible, base, 0).astype(float)
    received = np.zeros(len(withheld), dtype=np.int64)
    spilled = 0
    if total and eligible.any() and weights.sum() > 0:
        caps = None
        if rule.gain_cap_pct is not None:
            caps = np.where(eligible, to_pounds(rule.gain_cap_pct / 100 * base), 0)
        received = capped_split(total, weights, caps)
        if caps is not None:
            uncapped = np.zeros(len(withheld), dtype=np.int64)
            uncapped[eligible] = largest_remainder(total, weights[eligible])
            spilled = int(np.maximum(uncapped - received, 0).sum())
    redistributed = int(received.sum())
    return Ledger(
        received=received,
        eligible=eligible,
        withheld_total=total,
        redistributed_total=redistributed,
        retained=total - redistributed,
        spilled=spilled,
    )
