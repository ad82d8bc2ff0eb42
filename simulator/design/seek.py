"""Goal-seek on a monotone lever, and the oracle bound.

**Goal-seek.** With every other setting of an option held, a share (condition or
reduction), the cap or an above-threshold test's line is moved until a money or
council-count figure reaches a target. Money and counts are step functions of the lever
(whole pounds, whole councils): non-decreasing in a share or the cap, non-increasing in
a threshold (``tests/test_design_search.py`` checks it). The search is exact bisection
on that step function: for a share or cap, on the floating-point numbers between the
lever's bounds; for a threshold, on the councils' measured values, the only places the
count can change. It reports the lever value where the target is first met and whether
it is met exactly, or that no value in the lever's range can meet it.

**Oracle bound.** The most beds any set of councils could free with the same share of
the same element conditioned, no more money, and the same guarantees, by a mixed-integer
programme (:func:`scipy.optimize.milp`). Conditioned money stays with its council, so
each council's beds add up and the programme is exact for that money; it is a bound on
every rule of the grid that conditions the same share, never an option: a rule that names
councils at will would not survive challenge. It reads beds as money frees them, so it is
no bound where the review itself frees beds (an incentive effect of review above 0):
:func:`simulator.design.run.answer` gives none then, and says why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.design.kernel import Context, evaluate_options
from simulator.schema.design import Guarantees

LEVERS = ("condition_pct", "reduction_pct", "cap_pct")
SEEK_METRICS = (
    "conditioned",
    "withheld",
    "money_moved",
    "councils_affected",
    "councils_selected",
)


@dataclass(frozen=True)
class SeekResult:
    lever: str
    metric: str
    target: float
    met: bool  # some lever value reaches the target
    exact: bool  # ... and hits it exactly
    value: float | None  # the lever value where the target is first met
    achieved: float | None  # the figure there
    before: tuple[float, float] | None  # the nearest lever value short of it, its figure
    words: str


def _with_setting(ctx: Context, setting: dict[str, Any]) -> Context:
    """A context whose grid is one option: ``setting`` gives each axis's value."""
    grid = ctx.grid
    sel = {k: [setting[k]] for k in grid.selection_values}
    money = {k: [setting[k]] for k in grid.money_values}
    one = dataclasses.replace(
        grid, selection_values=sel, money_values=money, rules=[setting["redistribution"]]
    )
    money_only = {k: v for k, v in ctx.objectives.items() if not k.startswith("beds")}
    return dataclasses.replace(ctx, grid=one, evidence=[], objectives=money_only)


def figures(
    ctx: Context, setting: dict[str, Any], lever: str, values: list[float]
) -> dict[str, np.ndarray]:
    """The kernel's table for each lever value, the rest of ``setting`` held (``option``
    is the value's position; values that contradict the option are left out)."""
    base = _with_setting(ctx, setting)
    grid = base.grid
    if lever.startswith("threshold:"):
        grid = dataclasses.replace(
            grid, selection_values={**grid.selection_values, lever: list(values)}
        )
    else:
        grid = dataclasses.replace(grid, money_values={**grid.money_values, lever: list(values)})
    return evaluate_options(dataclasses.replace(base, grid=grid), 0, grid.size)


def goal_seek(
    ctx: Context,
    setting: dict[str, Any],
    lever: str,
    metric: str,
    target: float,
    *,
    bounds: tuple[float, float] = (0.0, 100.0),
) -> SeekResult:
    """The lever value at which ``metric`` first reaches ``target`` (see the module)."""
    if metric not in SEEK_METRICS:
        raise ValueError(f"goal-seek reaches one of {', '.join(SEEK_METRICS)}")
    if lever.startswith("threshold:"):
        return _seek_threshold(ctx, setting, lever, metric, target)
    if lever not in LEVERS:
        raise ValueError(f"levers: {', '.join(LEVERS)} or threshold:<test id>")

    def at(xs: list[float]) -> np.ndarray:
        table = figures(ctx, setting, lever, xs)
        out = np.full(len(xs), np.nan)
        out[table["option"]] = table[metric]
        return out

    lo, hi = bounds
    if lever in ("condition_pct", "reduction_pct"):
        other = "reduction_pct" if lever == "condition_pct" else "condition_pct"
        hi = min(hi, 100.0 - float(setting[other]))
    ends = at([lo, hi])
    if ends[1] < target:
        return SeekResult(
            lever,
            metric,
            target,
            False,
            False,
            None,
            None,
            (hi, float(ends[1])),
            f"no {_lever_words(lever)} from {lo:g} to {hi:g} reaches {_fig(metric, target)}: "
            f"the most is {_fig(metric, ends[1])} at {hi:g}",
        )
    if ends[0] >= target:
        return _found(lever, metric, target, lo, float(ends[0]), None)
    # Exact bisection on floats: lo short of the target, hi meeting it, until adjacent.
    f_lo = float(ends[0])
    f_hi = float(ends[1])
    while True:
        points = np.linspace(lo, hi, 34)[1:-1]
        points = np.unique(points[(points > lo) & (points < hi)])
        if points.size == 0:
            break
        vals = at(points.tolist())
        meets = vals >= target
        first = int(np.argmax(meets)) if meets.any() else points.size
        if first < points.size:
            hi, f_hi = float(points[first]), float(vals[first])
        if first > 0:
            lo, f_lo = float(points[first - 1]), float(vals[first - 1])
    return _found(lever, metric, target, hi, f_hi, (lo, f_lo))


def _seek_threshold(
    ctx: Context, setting: dict[str, Any], lever: str, metric: str, target: float
) -> SeekResult:
    """Exact over the councils' measured values: the count changes only there."""
    test_id = lever.split(":", 1)[1]
    probe = _with_setting(ctx, setting)
    from simulator.design.kernel import selection_variant

    variant = selection_variant(probe, 0)
    if variant is None:
        raise ValueError("the option contradicts itself")
    values = variant.outcomes[test_id].value
    # The count changes only where the line crosses a council's value (a threshold's
    # range is 0 to 50 per 100,000).
    finite = values[np.isfinite(values)]
    cands: list[float] = sorted({0.0, *(float(v) for v in finite if 0 <= v <= 50)})

    def at(i: int) -> float:
        table = figures(ctx, setting, lever, [cands[i]])
        return float(table[metric][0])

    # The figure falls as the line rises: bisect for the first candidate at or below.
    lo, hi = 0, len(cands) - 1
    f_hi = at(hi)
    if f_hi > target:
        return SeekResult(
            lever,
            metric,
            target,
            False,
            False,
            None,
            None,
            None,
            f"no threshold from {cands[0]:g} to {cands[-1]:g} brings {metric.replace('_', ' ')} "
            f"down to {_fig(metric, target)}: the least is {_fig(metric, f_hi)}",
        )
    f_lo = at(lo)
    if f_lo <= target:
        return _found(lever, metric, target, cands[0], f_lo, None)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        f_mid = at(mid)
        if f_mid <= target:
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
    return _found(lever, metric, target, cands[hi], f_hi, (cands[lo], f_lo))


def _found(
    lever: str,
    metric: str,
    target: float,
    value: float,
    achieved: float,
    before: tuple[float, float] | None,
) -> SeekResult:
    exact = achieved == target
    if exact:
        words = f"{_lever_words(lever)} {value:.10g} gives {_fig(metric, achieved)} exactly"
    else:
        words = (
            f"no {_lever_words(lever)} gives exactly {_fig(metric, target)}: "
            f"{value:.10g} gives {_fig(metric, achieved)}"
        )
        if before is not None:
            words += f", {before[0]:.10g} gives {_fig(metric, before[1])}"
    return SeekResult(lever, metric, target, True, exact, value, achieved, before, words)


def _lever_words(lever: str) -> str:
    if lever.startswith("threshold:"):
        return f"threshold of {lever.split(':', 1)[1]}"
    return {
        "condition_pct": "condition share (%)",
        "reduction_pct": "reduction share (%)",
        "cap_pct": "cap (% of base)",
    }[lever]


def _fig(metric: str, value: float) -> str:
    if metric.startswith("councils"):
        return f"{value:g} councils"
    return f"£{value:,.0f}"


# ---------------------------------------------------------------------- oracle
@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """File descriptor 1 sent to the null device for the duration (C code's prints)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (captured): nothing to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


@dataclass(frozen=True)
class OracleBound:
    evidence_set: str
    beds: float  # the most beds any set of councils could free
    councils: int
    money: float
    status: str  # the solver's words
    words: str


def oracle_bound(
    ctx: Context,
    *,
    share_pct: float,
    element: str,
    budget: float,
    guarantees: Guarantees,
    evidence_set: str,
) -> OracleBound:
    """The most beds any set of councils could free with ``share_pct`` of ``element``
    conditioned in each, at most ``budget`` pounds in all, under ``guarantees`` (those
    that bind conditioned money: the councils exempt, the most councils affected and the
    share from the most deprived fifth)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    from simulator.money import to_pounds
    from simulator.rules.consequences import base_amount

    base = base_amount(ctx.allocations, element)
    money = to_pounds(share_pct / 100 * base)
    n = len(money)
    path = ctx.paths[evidence_set]
    zeros = np.zeros((n, n), dtype=np.int64)
    beds = path.beds(
        conditioned=np.diag(money),
        withheld=zeros,
        received=zeros,
        reviewed=np.zeros(n, dtype=bool),
    )
    upper = np.ones(n)
    upper[np.isin(ctx.data.codes, guarantees.exempt)] = 0
    # Conditioned money is not a loss, so loss guarantees do not bind it.
    rows = [money.astype(float)]
    highs = [budget]
    if guarantees.max_councils is not None:
        rows.append(np.where(money > 0, 1.0, 0.0))
        highs.append(guarantees.max_councils)
    if guarantees.max_most_deprived_fifth_pct is not None:
        if ctx.deprived is None:
            raise ValueError("the most deprived fifth needs the who-bears-it table")
        # sum over deprived of money <= p% of all money, as one linear row
        share = guarantees.max_most_deprived_fifth_pct / 100
        rows.append(money * (ctx.deprived.astype(float) - share))
        highs.append(0.0)
    with _quiet_stdout():  # some HiGHS builds print from C while searching
        res = milp(
            c=-beds,
            constraints=LinearConstraint(np.stack(rows), -np.inf, np.array(highs)),
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), upper),
            options={"mip_rel_gap": 0.0},
        )
    if res.x is None:
        return OracleBound(evidence_set, 0.0, 0, 0.0, res.message, "no set of councils qualifies")
    x = np.round(res.x).astype(bool)
    # The solver's dual bound is a proven ceiling; with a zero gap it is the optimum.
    dual = getattr(res, "mip_dual_bound", None)
    most = max(float(beds[x].sum()), -float(dual) if dual is not None else -np.inf)
    chosen = int((x & (money > 0)).sum())
    return OracleBound(
        evidence_set,
        most,
        chosen,
        float(money[x].sum()),
        res.message,
        f"a bound, not an option: no rule conditioning {share_pct:g}% of the {element} "
        f"element with at most £{budget:,.0f} frees more than {most:.1f} beds "
        f"({evidence_set} evidence); the councils reaching it were picked by name",
    )
