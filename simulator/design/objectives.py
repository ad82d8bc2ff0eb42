"""The objectives register: what the designer can weigh, each computed from one batch of
options' per-council money in a single array pass.

An objective is a name, a label, a unit, a sense (``max``: more is better) and a function
of a :class:`Batch`. Register more with :func:`register`. Who bears an option is one
such function of the same per-council arrays: ``most_deprived_fifth_pct`` and
``most_deprived_fifth_gbp``, the money conditioned or withheld that falls on the most
deprived fifth of councils, by the distribution annex's own deciles
(:func:`simulator.inputs.distribution.deprivation_decile` of the IoD2015 average score,
deciles 1 and 2); they need the dataset's who-bears-it table and are left out without it.
Beds objectives come one per evidence set the projection lists
(:data:`simulator.projection.EVIDENCE_SETS`): ``beds_freed:<set>`` and
``beds_per_gbpm:<set>``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Sense = Literal["max", "min"]


@dataclass(frozen=True)
class Batch:
    """Per-council money of a batch of options (rows) under one selection."""

    conditioned: np.ndarray  # (rows, councils) whole pounds
    withheld: np.ndarray  # (rows, councils) whole pounds
    received: np.ndarray  # (rows, councils) whole pounds
    selected: np.ndarray  # (councils,) bool
    allocation: np.ndarray  # (councils,) total 2018/19 allocation, whole pounds
    beds: dict[str, np.ndarray]  # evidence set -> (rows,) beds freed, central path
    # (councils,) bool: in the most deprived fifth (IoD2015 deciles 1-2); None without
    # the who-bears-it table
    deprived: np.ndarray | None = None

    # Totals several objectives read, worked out once per batch.
    @functools.cached_property
    def conditioned_total(self) -> np.ndarray:
        return np.asarray(self.conditioned.sum(axis=1), dtype=float)

    @functools.cached_property
    def withheld_total(self) -> np.ndarray:
        return np.asarray(self.withheld.sum(axis=1), dtype=float)

    @functools.cached_property
    def received_total(self) -> np.ndarray:
        return np.asarray(self.received.sum(axis=1), dtype=float)

    @functools.cached_property
    def loss(self) -> np.ndarray:
        """Each council's net loss (whole pounds, never negative)."""
        return np.asarray(np.maximum(self.withheld - self.received, 0))


@dataclass(frozen=True)
class Objective:
    name: str
    label: str
    unit: str
    sense: Sense
    compute: Callable[[Batch], np.ndarray]
    money: bool = False  # whole pounds (written without decimals)
    deprivation: bool = False  # reads Batch.deprived (needs the who-bears-it table)


REGISTER: dict[str, Objective] = {}


def register(objective: Objective) -> Objective:
    """Add an objective to the register (a name once only)."""
    if objective.name in REGISTER:
        raise ValueError(f"objective {objective.name!r} is registered already")
    REGISTER[objective.name] = objective
    return objective


def _largest_loss_pct(b: Batch) -> np.ndarray:
    loss = b.loss
    if not loss.any():
        return np.zeros(loss.shape[0])
    pct = np.zeros(loss.shape)
    np.divide(100 * loss, b.allocation[None, :], out=pct, where=b.allocation[None, :] > 0)
    return np.asarray(pct.max(axis=1))


def _money_moved(b: Batch) -> np.ndarray:
    return b.conditioned_total + b.withheld_total


MOST_DEPRIVED_DECILES = (1, 2)


def _most_deprived_gbp(b: Batch) -> np.ndarray:
    if b.deprived is None:
        raise ValueError("the most deprived fifth needs the who-bears-it table")
    moved = b.conditioned[:, b.deprived].sum(axis=1) + b.withheld[:, b.deprived].sum(axis=1)
    return np.asarray(moved, dtype=float)


def _most_deprived_pct(b: Batch) -> np.ndarray:
    """Share (%) of the money conditioned or withheld that falls on the most deprived
    fifth; 0 where no money moves (as the annex's share of money withheld is).

    >>> b = Batch(
    ...     conditioned=np.array([[10, 0, 30], [0, 0, 0]]),
    ...     withheld=np.array([[0, 20, 40], [0, 0, 0]]),
    ...     received=np.zeros((2, 3), dtype=np.int64),
    ...     selected=np.ones(3, dtype=bool),
    ...     allocation=np.full(3, 1000),
    ...     beds={},
    ...     deprived=np.array([True, False, True]),
    ... )
    >>> _most_deprived_pct(b).tolist()  # (10 + 30 + 40) of 100; nothing moved
    [80.0, 0.0]
    """
    moved = _money_moved(b)
    out = np.zeros(moved.shape)
    np.divide(100 * _most_deprived_gbp(b), moved, out=out, where=moved > 0)
    return out


for _obj in (
    Objective(
        "conditioned",
        "Money conditioned",
        "£",
        "min",
        lambda b: b.conditioned_total,
        money=True,
    ),
    Objective(
        "withheld",
        "Money withheld",
        "£",
        "min",
        lambda b: b.withheld_total,
        money=True,
    ),
    Objective("money_moved", "Money conditioned or withheld", "£", "min", _money_moved, money=True),
    Objective(
        "retained",
        "Money retained by the centre",
        "£",
        "min",
        lambda b: b.withheld_total - b.received_total,
        money=True,
    ),
    Objective(
        "councils_selected",
        "Councils selected",
        "councils",
        "min",
        lambda b: np.full(b.conditioned.shape[0], float(b.selected.sum())),
    ),
    Objective(
        "councils_affected",
        "Councils with money conditioned or withheld",
        "councils",
        "min",
        lambda b: ((b.conditioned > 0) | (b.withheld > 0)).sum(axis=1).astype(float),
    ),
    Objective(
        "largest_loss_gbp",
        "Largest loss by one council",
        "£",
        "min",
        lambda b: b.loss.max(axis=1).astype(float),
        money=True,
    ),
    Objective(
        "largest_loss_pct",
        "Largest loss by one council",
        "% of its allocation",
        "min",
        _largest_loss_pct,
    ),
    Objective(
        "most_deprived_fifth_pct",
        "Share of the money conditioned or withheld that falls on the most deprived fifth "
        "of councils",
        "% (IoD2015 deciles 1-2)",
        "min",
        _most_deprived_pct,
        deprivation=True,
    ),
    Objective(
        "most_deprived_fifth_gbp",
        "Money conditioned or withheld from the most deprived fifth of councils",
        "£",
        "min",
        _most_deprived_gbp,
        money=True,
        deprivation=True,
    ),
):
    register(_obj)


def _beds(name: str) -> Callable[[Batch], np.ndarray]:
    return lambda b: b.beds[name]


def _beds_per_gbpm(name: str) -> Callable[[Batch], np.ndarray]:
    def compute(b: Batch) -> np.ndarray:
        moved = _money_moved(b)
        out = np.zeros(moved.shape)
        np.divide(b.beds[name] * 1e6, moved, out=out, where=moved > 0)
        return out

    return compute


def council_affected(code: str, index: int) -> Objective:
    """1 where the council at ``index`` has money conditioned or withheld, else 0 (the
    column a guarantee that names the council as exempt reads)."""
    return Objective(
        f"affected:{code}",
        f"{code} has money conditioned or withheld",
        "yes = 1",
        "min",
        lambda b: ((b.conditioned[:, index] > 0) | (b.withheld[:, index] > 0)).astype(float),
    )


def evidence_names() -> list[str]:
    """The evidence sets the projection lists, in its order (read there, never copied)."""
    from simulator.projection import EVIDENCE_SETS

    return list(EVIDENCE_SETS)


def beds_objectives() -> list[Objective]:
    """``beds_freed:<set>`` and ``beds_per_gbpm:<set>`` for every evidence set."""
    from simulator.projection import evidence_set

    out = []
    for name in evidence_names():
        reading = evidence_set(name).reading
        out.append(
            Objective(
                f"beds_freed:{name}",
                f"Beds freed if {reading} holds (central path)",
                "beds/day, 2018/19",
                "max",
                _beds(name),
            )
        )
        out.append(
            Objective(
                f"beds_per_gbpm:{name}",
                f"Beds freed per £1m moved, if {reading} holds",
                "beds/day per £1m",
                "max",
                _beds_per_gbpm(name),
            )
        )
    return out


def all_objectives() -> dict[str, Objective]:
    """Every objective: the register, then the beds of each evidence set."""
    return {**REGISTER, **{o.name: o for o in beds_objectives()}}
