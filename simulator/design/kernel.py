"""The vectorised kernel: every option of a chunk of the grid in a few array passes.

Per selection variant the rules run once (:func:`simulator.rules.selection.run_test`,
:func:`~simulator.rules.selection.select`, the redistribution rule's eligibility): a
few milliseconds. The money of every money variant and rule under that selection is then
one pass over an (options, councils) array with the same formulas, in the same order of
operations, as :func:`simulator.rules.consequences.apply_consequences` and
:func:`simulator.rules.redistribution.redistribute`, so every option's money equals
:func:`simulator.engine.run.evaluate` of its scenario to the pound
(``tests/test_design.py`` checks it on random grids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.design.grid import Grid, selection_mapping
from simulator.design.objectives import (
    Batch,
    Objective,
    all_objectives,
    council_affected,
    evidence_names,
)
from simulator.engine.run import allocation_arrays
from simulator.inputs.data import Dataset
from simulator.money import to_pounds
from simulator.rules.consequences import base_amount, graduation_factor, released_mask
from simulator.rules.expectations import expected_beds
from simulator.rules.redistribution import eligibility
from simulator.rules.selection import SelectionResult, TestOutcome, run_test, select
from simulator.schema.scenario import Scenario

# Money variants evaluated at once under one selection (rows of the working arrays).
BLOCK_ROWS = 2048


@dataclass
class Context:
    """What every chunk of one grid on one dataset shares (built once per process)."""

    grid: Grid
    data: Dataset
    expected: np.ndarray
    allocations: dict[str, np.ndarray]
    total: np.ndarray
    released: np.ndarray
    evidence: list[str]
    paths: dict[str, Any]  # evidence set -> CentralPath
    objectives: dict[str, Objective]
    deprived: np.ndarray | None = None  # councils in the most deprived fifth (annex deciles)
    _tests: dict[str, TestOutcome] = field(default_factory=dict)

    def outcome(self, test: Any) -> TestOutcome:
        key = test.model_dump_json()
        if key not in self._tests:
            self._tests[key] = run_test(test, self.data, self.expected)
        return self._tests[key]


def make_context(
    grid: Grid, data: Dataset, *, with_beds: bool = True, watch: tuple[str, ...] = ()
) -> Context:
    """Prepare the shared pieces: expectations, allocations, release, the projection's
    prepared baseline (one per data, cached by the projection) and each evidence set's
    central path. Councils the guarantees name as exempt, and those in ``watch``, get a
    column saying whether each option touches them (``affected:<code>``)."""
    base = grid.base
    expected, _ = expected_beds(data, base.expectations)
    allocations = allocation_arrays(data)
    total = allocations["original"] + allocations["spring_budget"]
    codes = list(data.codes)
    named = dict.fromkeys([*grid.design.guarantees.exempt, *watch])
    evidence = evidence_names() if with_beds else []
    paths: dict[str, Any] = {}
    if evidence:
        from simulator.projection import prepare_baseline, status_quo_change_gbp
        from simulator.projection.batch import CentralPath

        prepared = prepare_baseline(
            data.dtoc_beds,
            data.months,
            data.adults,
            base.projection,
            status_quo_change=status_quo_change_gbp(
                allocations["original"], allocations["spring_budget"], data.money_2017_18
            ),
            with_noise=False,
        )
        paths = {
            name: CentralPath(
                prepared, base.projection.model_copy(update={"evidence_set": name, "draws": 0})
            )
            for name in evidence
        }
    deprived = most_deprived_fifth(data)
    objectives = {
        k: v
        for k, v in all_objectives().items()
        if (not k.startswith("beds") or k.split(":", 1)[1] in evidence)
        and (deprived is not None or not v.deprivation)
    }
    for code in named:
        objectives[f"affected:{code}"] = council_affected(code, codes.index(code))
    return Context(
        grid=grid,
        data=data,
        expected=expected,
        allocations=allocations,
        total=total,
        released=released_mask(base.consequences, data, expected),
        evidence=evidence,
        paths=paths,
        objectives=objectives,
        deprived=deprived,
    )


def most_deprived_fifth(data: Dataset) -> np.ndarray | None:
    """Councils in IoD2015 deprivation deciles 1 and 2, exactly as the distribution annex
    cuts them (:func:`simulator.inputs.distribution.deprivation_decile`); None without
    the who-bears-it table."""
    if data.distribution is None:
        return None
    from simulator.design.objectives import MOST_DEPRIVED_DECILES
    from simulator.inputs.distribution import deprivation_decile

    score = data.distribution["imd2015_average_score"].to_numpy(dtype=float)
    return np.isin(deprivation_decile(score), MOST_DEPRIVED_DECILES)


@dataclass(frozen=True)
class SelectionVariant:
    scenario: Scenario
    selection: SelectionResult
    outcomes: dict[str, TestOutcome]


def selection_variant(ctx: Context, s: int) -> SelectionVariant | None:
    """Selection variant ``s`` run through the rules (None: not a valid option)."""
    mapping = selection_mapping(ctx.grid, s)
    if mapping is None:
        return None
    scenario = Scenario.model_validate(mapping)
    outcomes = {t.id: ctx.outcome(t) for t in scenario.selection.tests}
    selection = select(scenario.selection, list(outcomes.values()), ctx.data, ctx.expected)
    return SelectionVariant(scenario, selection, outcomes)


def _money_columns(grid: Grid, m: np.ndarray) -> dict[str, np.ndarray]:
    """Each money axis's index for money variants ``m``."""
    shape = [len(v) for v in grid.money_values.values()]
    idx = np.unravel_index(m, shape)
    return dict(zip(grid.money_values, idx, strict=True))


def evaluate_options(ctx: Context, start: int, stop: int) -> dict[str, np.ndarray]:
    """Objectives of options ``start`` to ``stop - 1``; invalid options are dropped.

    Returns ``option`` (the index) and one array per objective of the context.
    """
    grid = ctx.grid
    per_s = grid.n_money * len(grid.rules)
    parts: list[dict[str, np.ndarray]] = []
    for s in range(start // per_s, (stop - 1) // per_s + 1 if stop > start else 0):
        lo = max(start, s * per_s) - s * per_s
        hi = min(stop, (s + 1) * per_s) - s * per_s
        variant = selection_variant(ctx, s)
        if variant is None:
            continue
        m_lo, m_hi = lo // len(grid.rules), (hi - 1) // len(grid.rules) + 1
        for b_lo in range(m_lo, m_hi, BLOCK_ROWS):
            b_hi = min(m_hi, b_lo + BLOCK_ROWS)
            block = _evaluate_block(ctx, variant, np.arange(b_lo, b_hi))
            option = s * per_s + block.pop("option")
            keep = (option >= start) & (option < stop)
            parts.append({"option": option[keep], **{k: v[keep] for k, v in block.items()}})
    if not parts:
        names = ["option", *ctx.objectives]
        return {k: np.empty(0, dtype=np.int64 if k == "option" else float) for k in names}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _evaluate_block(
    ctx: Context, variant: SelectionVariant, m: np.ndarray
) -> dict[str, np.ndarray]:
    """Every rule for money variants ``m`` under one selection: ``option`` is the index
    within the selection variant (money variant · rules + rule)."""
    grid, base = ctx.grid, ctx.grid.base
    mv = grid.money_values
    cols = _money_columns(grid, m)
    value = {k: np.asarray(mv[k], dtype=object)[cols[k]] for k in mv}
    cond = value["condition_pct"].astype(float)
    red = value["reduction_pct"].astype(float)
    valid = cond + red <= 100
    sel = variant.selection
    selected = sel.selected

    bases = {b: base_amount(ctx.allocations, b) for b in mv["base"]}
    base_rows = np.stack([bases[b] for b in value["base"]])  # (rows, C)
    factors = {
        g: np.where(
            selected,
            graduation_factor(
                base.consequences.model_copy(update={"graduation": g}), sel, variant.outcomes
            ),
            0,
        )
        for g in mv["graduation"]
    }
    factor = np.stack([factors[g] for g in value["graduation"]])
    total = ctx.total[None, :]

    wanted = to_pounds(red[:, None] / 100 * factor * base_rows)
    limit = to_pounds(value["cap_pct"].astype(float)[:, None] / 100 * base_rows)
    has_gbp = np.array([v is not None for v in value["cap_gbp"]])
    gbp = np.array([0 if v is None else v for v in value["cap_gbp"]], dtype=np.int64)
    limit = np.where(has_gbp[:, None], np.minimum(limit, gbp[:, None]), limit)
    floor = value["floor_pct"].astype(float)[:, None]
    floor_room = total - np.ceil(floor / 100 * total - 1e-9).astype(np.int64)
    limit = np.minimum(limit, np.maximum(floor_room, 0))
    withheld = np.minimum(wanted, limit)
    conditioned = to_pounds(cond[:, None] / 100 * factor * base_rows)
    conditioned = np.minimum(conditioned, base_rows - withheld)
    released = ctx.released & selected
    conditioned = np.where(released[None, :] & (conditioned > 0), 0, conditioned)

    out: dict[str, list[np.ndarray]] = {}
    n_rules = len(grid.rules)
    for r, rule in enumerate(grid.rules):
        received = _received(ctx, variant, rule, withheld, value["base"], bases)
        beds = {}
        care = None
        for name in ctx.evidence:
            path = ctx.paths[name]
            if care is None:
                care = path.care(conditioned, withheld, received)
            beds[name] = path.beds(
                conditioned=conditioned,
                withheld=withheld,
                received=received,
                reviewed=selected,
                care=care,
            )
        batch = Batch(
            conditioned=conditioned,
            withheld=withheld,
            received=received,
            selected=selected,
            allocation=ctx.total,
            beds=beds,
            deprived=ctx.deprived,
        )
        out.setdefault("option", []).append((m * n_rules + r)[valid])
        for name, objective in ctx.objectives.items():
            out.setdefault(name, []).append(np.asarray(objective.compute(batch))[valid])
    return {k: np.concatenate(v) for k, v in out.items()}


def _received(
    ctx: Context,
    variant: SelectionVariant,
    rule: str,
    withheld: np.ndarray,
    base_of_row: np.ndarray,
    bases: dict[str, np.ndarray],
) -> np.ndarray:
    """Whole pounds each council receives, per row: the rule's eligibility, pro rata
    (or the rule's weights), split by the largest remainder exactly as
    :func:`simulator.rules.redistribution.redistribute` splits it."""
    redistribution = ctx.grid.base.redistribution.model_copy(update={"rule": rule})
    eligible, rule_weights = _eligibility(ctx, variant, redistribution)
    received = np.zeros(withheld.shape, dtype=np.int64)
    totals = withheld.sum(axis=1)
    for b, amount in bases.items():
        rows = base_of_row == b
        if not rows.any():
            continue
        weights = (
            np.where(eligible, amount, 0).astype(float) if rule_weights is None else rule_weights
        )
        if not (eligible.any() and weights.sum() > 0):
            continue
        received[rows] = split_largest_remainder(totals[rows], weights)
    return received


def _eligibility(
    ctx: Context, variant: SelectionVariant, redistribution: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    zeros = np.zeros(len(ctx.data.codes), dtype=np.int64)
    return eligibility(redistribution, ctx.data, variant.selection, zeros, ctx.expected)


def split_largest_remainder(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each row's total split by ``weights`` in whole pounds, exactly as
    :func:`simulator.money.largest_remainder` splits one (councils with weight 0 get 0).

    >>> split_largest_remainder(np.array([10, 0, 7]), np.array([1.0, 0.0, 1.0, 1.0])).tolist()
    [[4, 0, 3, 3], [0, 0, 0, 0], [3, 0, 2, 2]]
    """
    open_ = weights > 0
    w = weights[open_]
    wsum = w.sum()
    totals = np.asarray(totals, dtype=np.int64)
    exact = totals[:, None] * w[None, :] / wsum
    share = np.floor(exact).astype(np.int64)
    left = totals - share.sum(axis=1)
    order = np.argsort(-(exact - share), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(w.size)[None, :].repeat(len(totals), 0), axis=1)
    share += rank < left[:, None]
    out = np.zeros((len(totals), len(weights)), dtype=np.int64)
    out[:, open_] = share
    return out
