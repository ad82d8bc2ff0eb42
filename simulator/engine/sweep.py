"""Vectorised sweeps: thousands of scenario variants in one numpy call.

A sweep varies a threshold test's line, the reduction share and the redistribution
rule around a fixed window, and returns headline figures per variant. It is for
exploring the option space (which thresholds select how many councils, how much
moves); the exact per-council ledger of any chosen variant comes from
:func:`simulator.engine.run.evaluate`, and the totals agree with it to the pound.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.run import allocation_arrays
from simulator.inputs.data import Dataset
from simulator.money import to_pounds
from simulator.rules.consequences import base_amount
from simulator.rules.expectations import expected_beds
from simulator.rules.measures import rate_per_100k, window_rate
from simulator.rules.selection import quartile_size, worst_line
from simulator.schema.expectations import ExpectationRule
from simulator.schema.vocabulary import ATTRIBUTIONS

SWEEP_RULES = ("retain", "pro_rata_all", "best_quartile", "met_expectation")


def sweep(
    data: Dataset,
    *,
    thresholds: np.ndarray,
    reduction_pcts: np.ndarray,
    rules: tuple[str, ...] = SWEEP_RULES,
    attribution: str = "social_care",
    month: str = "2017-11",
    base: str = "spring_budget",
    expectations: ExpectationRule | None = None,
) -> pd.DataFrame:
    """Evaluate every (threshold, reduction share, rule) combination at once.

    Selection: councils whose rate in ``month`` is above the threshold (per 100,000
    adults 18+). Consequence: ``reduction_pct`` of ``base`` withheld, flat.
    Redistribution: the rule, among councils not selected.

    Returns one row per variant: threshold, reduction_pct, rule, councils_selected,
    total_withheld, total_redistributed, total_retained, largest_loss.
    """
    rate = window_rate(data, attribution, month, 1)
    known = np.isfinite(rate)
    amount = base_amount(allocation_arrays(data), base)
    selected = (rate[None, :] > thresholds[:, None]) & known[None, :]  # (T, C)
    per_council = to_pounds(reduction_pcts[:, None] / 100 * amount[None, :])  # (S, C)
    withheld = selected[:, None, :] * per_council[None, :, :]  # (T, S, C)
    withheld_total = withheld.sum(axis=2)  # (T, S)
    largest = withheld.max(axis=2)

    rule_masks = _rule_masks(data, rate, known, attribution, month, expectations)
    n_t, n_s = len(thresholds), len(reduction_pcts)
    rows = []
    for rule in rules:
        mask = rule_masks[rule]
        can_receive = ((~selected) & mask[None, :]).any(axis=1)  # (T,)
        redistributed = np.where(can_receive[:, None], withheld_total, 0)
        rows.append(
            pd.DataFrame(
                {
                    "threshold": np.repeat(thresholds, n_s),
                    "reduction_pct": np.tile(reduction_pcts, n_t),
                    "rule": rule,
                    "councils_selected": np.repeat(selected.sum(axis=1), n_s),
                    "total_withheld": withheld_total.reshape(-1),
                    "total_redistributed": redistributed.reshape(-1),
                    "total_retained": (withheld_total - redistributed).reshape(-1),
                    "largest_loss": largest.reshape(-1),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _rule_masks(
    data: Dataset,
    rate: np.ndarray,
    known: np.ndarray,
    attribution: str,
    month: str,
    expectations: ExpectationRule | None,
) -> dict[str, np.ndarray]:
    n = len(rate)
    best_line = -worst_line(-rate, quartile_size(int(known.sum())))
    expected, _ = expected_beds(data, expectations or ExpectationRule())
    expected_rate = rate_per_100k(expected[:, ATTRIBUTIONS.index(attribution)], data.adults)
    return {
        "retain": np.zeros(n, dtype=bool),
        "pro_rata_all": np.ones(n, dtype=bool),
        "best_quartile": known & (rate <= best_line),
        "met_expectation": known & (rate <= expected_rate),
    }
