"""Exact answers over an evaluated grid: the Pareto set, the best option under the
guarantees, and why a target cannot be met.

Everything here works on the option table (one row per valid option, one column per
objective), so it is exact for the grid: no option is missed, none wrongly included
(``tests/test_design_search.py`` checks it against brute force).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from simulator.schema.design import Guarantees

Op = Literal["<=", ">=", "=="]


# ---------------------------------------------------------------------- Pareto set
def pareto_mask(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (rows, objectives; smaller is better in every column) that no
    other row dominates (no worse in every column and better in one). Rows with equal
    values are all kept.

    Distinct rows are sorted lexicographically; the first remaining row is then never
    dominated by a later one, so it joins the set and removes every row it dominates,
    in one vectorised pass; repeat. Two objectives take one sort and a running minimum.

    >>> pareto_mask(np.array([[1.0, 5.0], [2.0, 2.0], [3.0, 3.0], [1.0, 5.0]])).tolist()
    [True, True, False, True]
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError("values must be (rows, objectives)")
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if np.isnan(values).any():
        raise ValueError("objective values must not be NaN")
    unique, inverse = unique_rows(values)
    if unique.shape[1] == 1:
        keep = unique[:, 0] == unique[0, 0]
    elif unique.shape[1] == 2:
        keep = _pareto_2d(unique)
    else:
        keep = _pareto_nd(unique)
    return np.asarray(keep[inverse])


def unique_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows in lexicographic order and each row's position among them (what
    ``np.unique(values, axis=0, return_inverse=True)`` gives, by one ``lexsort``: several
    times faster on millions of rows).

    >>> u, inv = unique_rows(np.array([[2.0, 1.0], [1.0, 3.0], [2.0, 1.0]]))
    >>> u.tolist(), inv.tolist()
    ([[1.0, 3.0], [2.0, 1.0]], [1, 0, 1])
    """
    order = np.lexsort(values.T[::-1])
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = group
    return ordered[new], inverse


def _pareto_2d(unique: np.ndarray) -> np.ndarray:
    """Distinct rows sorted by the first column then the second (``np.unique``'s order):
    a row is efficient when its second value is below every earlier row's."""
    second = unique[:, 1]
    best_before = np.minimum.accumulate(np.concatenate([[np.inf], second[:-1]]))
    return np.asarray(second < best_before)


def _pareto_nd(unique: np.ndarray) -> np.ndarray:
    remaining = np.arange(len(unique))
    keep = np.zeros(len(unique), dtype=bool)
    while remaining.size:
        head = remaining[0]
        keep[head] = True
        rest = unique[remaining[1:]]
        dominated = (rest >= unique[head]).all(axis=1)  # distinct rows: some column larger
        remaining = remaining[1:][~dominated]
    return keep


def as_minimised(table: pd.DataFrame, objectives: list[str], senses: dict[str, str]) -> np.ndarray:
    """The objectives as a matrix in which smaller is better (``max`` columns negated)."""
    cols = [
        -table[name].to_numpy(float) if senses[name] == "max" else table[name].to_numpy(float)
        for name in objectives
    ]
    return np.stack(cols, axis=1) if cols else np.zeros((len(table), 0))


def frontier(table: pd.DataFrame, objectives: list[str], senses: dict[str, str]) -> pd.DataFrame:
    """The efficient options: one row per distinct objective vector on the Pareto set
    (the first option in grid order), with ``equivalent_options``, the options that
    share it."""
    if table.empty:
        return table.assign(equivalent_options=pd.Series(dtype=int))
    mask = pareto_mask(as_minimised(table, objectives, senses))
    efficient = table[mask]
    groups = efficient.groupby(objectives, sort=False, dropna=False)
    first = efficient.loc[groups["option"].idxmin()].copy()
    first["equivalent_options"] = groups["option"].transform("size").loc[first.index].to_numpy()
    return first.sort_values(objectives[0], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------- guarantees
@dataclass(frozen=True)
class Constraint:
    """One guarantee or target as a bound on one objective column."""

    key: str  # short name, e.g. "max_councils"
    words: str  # in officials' words
    column: str
    op: Op
    bound: float

    def mask(self, table: pd.DataFrame) -> np.ndarray:
        values = table[self.column].to_numpy(float)
        if self.op == "<=":
            return np.asarray(values <= self.bound + 1e-9)
        if self.op == ">=":
            return np.asarray(values >= self.bound - 1e-9)
        return np.asarray(values == self.bound)

    def relaxed(self, bound: float) -> Constraint:
        return Constraint(self.key, self.words, self.column, self.op, bound)


def constraints(g: Guarantees) -> list[Constraint]:
    """The guarantees as constraints, in the words officials use."""
    out = []
    if g.money_stays_local:
        out.append(
            Constraint(
                "money_stays_local", "all money stays in local government", "retained", "<=", 0
            )
        )
    if g.max_councils is not None:
        out.append(
            Constraint(
                "max_councils",
                f"at most {g.max_councils} councils affected",
                "councils_affected",
                "<=",
                g.max_councils,
            )
        )
    if g.max_loss_pct is not None:
        out.append(
            Constraint(
                "max_loss_pct",
                f"no council loses more than {g.max_loss_pct:g}% of its allocation",
                "largest_loss_pct",
                "<=",
                g.max_loss_pct,
            )
        )
    if g.max_loss_gbp is not None:
        out.append(
            Constraint(
                "max_loss_gbp",
                f"no council loses more than £{g.max_loss_gbp:,}",
                "largest_loss_gbp",
                "<=",
                g.max_loss_gbp,
            )
        )
    for code in g.exempt:
        out.append(Constraint(f"exempt:{code}", f"{code} exempt", f"affected:{code}", "<=", 0))
    if g.max_most_deprived_fifth_pct is not None:
        out.append(
            Constraint(
                "max_most_deprived_fifth_pct",
                f"at most {g.max_most_deprived_fifth_pct:g}% of the money conditioned or "
                "withheld from the most deprived fifth of councils",
                "most_deprived_fifth_pct",
                "<=",
                g.max_most_deprived_fifth_pct,
            )
        )
    if g.min_beds is not None:
        out.append(
            Constraint(
                "min_beds",
                f"at least {g.min_beds.beds:g} beds freed under the "
                f"{g.min_beds.evidence_set} evidence",
                f"beds_freed:{g.min_beds.evidence_set}",
                ">=",
                g.min_beds.beds,
            )
        )
    return out


def feasible(table: pd.DataFrame, rules: list[Constraint]) -> np.ndarray:
    mask = np.ones(len(table), dtype=bool)
    for rule in rules:
        mask &= rule.mask(table)
    return mask


def best(
    table: pd.DataFrame, rules: list[Constraint], objective: str, sense: str
) -> pd.Series | None:
    """The option best at ``objective`` among those keeping every rule (the first in
    grid order on a tie); None if none does."""
    ok = table[feasible(table, rules)]
    if ok.empty:
        return None
    values = ok[objective].to_numpy(float)
    target = values.max() if sense == "max" else values.min()
    return ok[values == target].sort_values("option", kind="stable").iloc[0]


# ---------------------------------------------------------------------- why not
@dataclass(frozen=True)
class Relaxation:
    key: str
    words: str  # what to accept instead, in words
    bound: float | None  # the relaxed bound (None: drop the guarantee)
    options: int  # options that qualify once relaxed


@dataclass(frozen=True)
class WhyNot:
    conflicts: list[list[str]]  # smallest sets of rules that no option keeps together
    relaxations: list[Relaxation]
    # True: every smallest conflicting set is listed; False: too many guarantees to try
    # every subset, so one set is listed that conflicts and keeps nothing it can spare.
    exhaustive: bool = True


# Subsets of the guarantees tried in search of the smallest conflicts before settling for
# one irreducible conflict (12 guarantees have 4,095 subsets; 20 exempt councils more).
SUBSETS_TRIED = 5_000


def why_not(table: pd.DataFrame, rules: list[Constraint]) -> WhyNot | None:
    """For rules no option keeps together: the smallest conflicting sets (every set of
    that size no option keeps, found by enumeration) and, for each rule of a conflict,
    what restores feasibility: dropping it (and how many options then qualify) and the
    least relaxation of its bound that does (the best value any option keeping the other
    rules reaches). None when some option keeps every rule.

    With so many rules (a long list of exempt councils) that the subsets up to the
    smallest conflict outnumber :data:`SUBSETS_TRIED`, one irreducible conflict is given
    instead (``exhaustive`` False): a set no option keeps, from which no rule can be
    dropped without some option keeping the rest (a deletion filter)."""
    if feasible(table, rules).any():
        return None
    masks = {r.key: r.mask(table) for r in rules}
    conflicts: list[list[str]] = []
    tried = 0
    exhaustive = True
    for size in range(1, len(rules) + 1):
        if tried + math.comb(len(rules), size) > SUBSETS_TRIED:
            exhaustive = False
            conflicts = [_irreducible(rules, masks, len(table))]
            break
        for combo in itertools.combinations(rules, size):
            tried += 1
            if not _joint(masks, combo, len(table)).any():
                conflicts.append([r.key for r in combo])
        if conflicts:
            break
    involved = [r for r in rules if any(r.key in c for c in conflicts)]
    relaxations = []
    for rule in involved:
        others = [r for r in rules if r.key != rule.key]
        rest = feasible(table, others)
        count = int(rest.sum())
        relaxations.append(Relaxation(rule.key, f"drop '{rule.words}'", None, count))
        if count and rule.op != "==":
            values = table[rule.column].to_numpy(float)[rest]
            bound = float(values.min() if rule.op == "<=" else values.max())
            relaxed = rule.relaxed(bound)
            n = int((rest & relaxed.mask(table)).sum())
            relaxations.append(Relaxation(rule.key, _relax_words(rule, bound), bound, n))
    return WhyNot(conflicts, relaxations, exhaustive)


def _joint(masks: dict[str, np.ndarray], rules: Iterable[Constraint], rows: int) -> np.ndarray:
    """The options (of ``rows``) that keep every one of ``rules``."""
    joint = np.ones(rows, dtype=bool)
    for r in rules:
        joint &= masks[r.key]
    return joint


def _irreducible(rules: list[Constraint], masks: dict[str, np.ndarray], rows: int) -> list[str]:
    """One set of ``rules`` no option keeps together from which none can be dropped: go
    through the rules in turn, leaving out each one whose absence still keeps every
    option out (the whole set keeps every option out to begin with)."""
    kept = list(rules)
    for rule in list(kept):
        trial = [r for r in kept if r is not rule]
        if trial and not _joint(masks, trial, rows).any():
            kept = trial
    return [r.key for r in kept]


def _relax_words(rule: Constraint, bound: float) -> str:
    if rule.key == "max_councils":
        return f"allow {bound:g} councils instead of {rule.bound:g}"
    if rule.key == "min_beds" or rule.column.startswith("beds"):
        return f"accept {bound:.1f} beds instead of {rule.bound:g}"
    if rule.key == "max_loss_pct":
        return f"allow a largest loss of {bound:.2f}% instead of {rule.bound:g}%"
    if rule.key in ("max_loss_gbp", "money_stays_local") or rule.column in (
        "retained",
        "largest_loss_gbp",
    ):
        return f"allow £{bound:,.0f} instead of £{rule.bound:,.0f} ({rule.words})"
    if rule.key == "max_most_deprived_fifth_pct":
        return (
            f"allow {bound:.2f}% of the money from the most deprived fifth instead of "
            f"{rule.bound:g}%"
        )
    if rule.key.startswith("exempt:"):
        return f"let {rule.key.split(':', 1)[1]} be affected"
    word = "at most" if rule.op == "<=" else "at least"
    return f"accept {rule.column} {word} {bound:g} instead of {rule.bound:g}"
