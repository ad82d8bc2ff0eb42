"""Consequences: how much of each selected council's base is conditioned or withheld.

Conditioned money stays with the council, ring-fenced for reducing delays;
withheld money leaves it (see :mod:`simulator.rules.redistribution`). Shares may be flat
or graduated; caps and the floor limit the money withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.inputs.data import Dataset
from simulator.money import to_pounds
from simulator.rules.measures import rate_per_100k, window_rate
from simulator.rules.selection import SelectionResult, TestOutcome
from simulator.schema.consequences import Consequences


def base_amount(allocations: dict[str, np.ndarray], base: str) -> np.ndarray:
    """The element the shares apply to, whole pounds per council."""
    if base == "total":
        return allocations["original"] + allocations["spring_budget"]
    return allocations[base]


def graduation_factor(
    consequences: Consequences, selection: SelectionResult, outcomes: dict[str, TestOutcome]
) -> np.ndarray:
    """Share of the full condition/reduction applied to each council (0..1).

    ``flat``: 1; ``tests_failed``: criteria failed / criteria; ``margin``: linear
    from 0 at ``margin_from`` to 1 at ``margin_to`` in the margin of ``margin_test``.

    Councils selected only by the manual include list get the full share.
    """
    n = len(selection.selected)
    if consequences.graduation == "flat":
        return np.ones(n)
    if consequences.graduation == "tests_failed":
        if selection.n_criteria == 0:
            return np.ones(n)
        factor = selection.tests_failed / selection.n_criteria
    else:
        assert consequences.margin_test is not None
        margin = outcomes[consequences.margin_test].margin
        span = consequences.margin_to - consequences.margin_from
        # A span of a hair's breadth sends far margins to ±inf, which the clip makes 0 or
        # 1: the step the scenario asked for, so the overflow is not worth a warning.
        with np.errstate(over="ignore"):
            raw = (np.nan_to_num(margin, nan=0.0) - consequences.margin_from) / span
        factor = np.clip(raw, 0, 1)
    return np.where(selection.included & ~selection.by_tests, 1.0, factor)


@dataclass(frozen=True)
class MoneyAtRisk:
    base: np.ndarray  # whole pounds
    factor: np.ndarray
    conditioned: np.ndarray  # whole pounds, after release
    conditioned_before_release: np.ndarray
    released: np.ndarray  # bool
    withheld: np.ndarray  # whole pounds
    capped: np.ndarray  # bool: a cap or the floor bound


def released_mask(
    consequences: Consequences, data: Dataset, expected_beds: np.ndarray
) -> np.ndarray:
    """Councils whose conditions are released because they reached the trigger."""
    release = consequences.release
    if release is None:
        return np.zeros(len(data.codes), dtype=bool)
    from simulator.schema.vocabulary import ATTRIBUTIONS

    rate = window_rate(data, release.attribution, release.window.end, release.window.months)
    if release.rule == "below_rate":
        line = np.full(rate.shape, release.rate)
    else:
        line = rate_per_100k(expected_beds[:, ATTRIBUTIONS.index(release.attribution)], data.adults)
    return np.asarray(np.nan_to_num(rate <= line, nan=0).astype(bool))


def apply_consequences(
    consequences: Consequences,
    selection: SelectionResult,
    outcomes: dict[str, TestOutcome],
    allocations: dict[str, np.ndarray],
    released: np.ndarray,
) -> MoneyAtRisk:
    """Conditioned and withheld pounds per council (zero for councils not selected)."""
    base = base_amount(allocations, consequences.base)
    total = allocations["original"] + allocations["spring_budget"]
    factor = np.where(selection.selected, graduation_factor(consequences, selection, outcomes), 0)

    wanted = to_pounds(consequences.reduction_pct / 100 * factor * base)
    limit = to_pounds(consequences.cap_pct / 100 * base)
    if consequences.cap_gbp is not None:
        limit = np.minimum(limit, consequences.cap_gbp)
    # The floor is a minimum: round it up so the final allocation never falls below it.
    floor_room = total - np.ceil(consequences.floor_pct / 100 * total - 1e-9).astype(np.int64)
    limit = np.minimum(limit, np.maximum(floor_room, 0))
    withheld = np.minimum(wanted, limit)
    capped = wanted > withheld

    conditioned = to_pounds(consequences.condition_pct / 100 * factor * base)
    conditioned = np.minimum(conditioned, base - withheld)
    released = released & selection.selected & (conditioned > 0)
    return MoneyAtRisk(
        base=base,
        factor=factor,
        conditioned=np.where(released, 0, conditioned),
        conditioned_before_release=conditioned,
        released=released,
        withheld=withheld,
        capped=capped,
    )
