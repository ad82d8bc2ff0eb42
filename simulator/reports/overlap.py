"""How far the scenario's tests fail the same councils: a table of every pair, and a
warning for pairs of selection criteria that add little to each other."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.run import Result

OVERLAP_WARNING = 0.9


def _fail_counts(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """Councils failing test a, test b, and both (boolean fail arrays)."""
    return int(a.sum()), int(b.sum()), int((a & b).sum())


def overlap_warnings(result: Result) -> list[str]:
    """A sentence for each pair of selection criteria failing largely the same councils
    (at least 90% of the smaller group), among the councils in scope (after any screen),
    numbered as in the option summary."""
    criteria = [result.outcome(t.id) for t in result.scenario.selection.criteria]
    scope = result.selection.in_scope
    out = []
    gap_involved = False
    for i, a in enumerate(criteria):
        for j, b in enumerate(criteria[i + 1 :], start=i + 1):
            na, nb, both = _fail_counts(a.fails & scope, b.fails & scope)
            smaller = min(na, nb)
            if smaller < 2 or both < OVERLAP_WARNING * smaller:
                continue
            gap_involved |= "gap" in (a.kind, b.kind)
            if both == smaller:
                narrow, wide = (i, j) if na <= nb else (j, i)
                out.append(
                    f"Every council failing ({narrow + 1}) also fails ({wide + 1}) ({both} "
                    "councils): the two overlap completely on this data."
                )
            else:
                out.append(
                    f"Tests ({i + 1}) and ({j + 1}) fail largely the same councils ({both} "
                    f"of the {smaller} failing the narrower one): together they add little "
                    "to each other."
                )
    if gap_involved and result.data.official_expectations is None:
        out.append(
            "Overlaps with a gap-to-expectation test partly reflect the reconstructed "
            "expectations (many sit at the rule's floor), not the policy alone."
        )
    return out


def overlap_of_tests(result: Result) -> pd.DataFrame:
    """How far each pair of tests fails the same councils.

    ``overlap`` is the councils failing both as a share of the smaller group failing
    either one (1 = one test's failures all fall inside the other's: together they add
    nothing); ``rank_correlation`` is Spearman's between the two tests' values over the
    councils with both. Sorted by overlap, largest first.
    """
    from scipy.stats import spearmanr

    rows = []
    outcomes = result.outcomes
    for a_index, a in enumerate(outcomes):
        for b in outcomes[a_index + 1 :]:
            na, nb, both = _fail_counts(a.fails, b.fails)
            smaller = min(na, nb)
            valid = np.isfinite(a.value) & np.isfinite(b.value)
            rho = (
                float(spearmanr(a.value[valid], b.value[valid]).statistic)
                if valid.sum() > 2
                else np.nan
            )
            rows.append(
                {
                    "test_a": a.label,
                    "test_b": b.label,
                    "fail_a": na,
                    "fail_b": nb,
                    "fail_both": both,
                    "overlap": round(both / smaller, 3) if smaller else np.nan,
                    "rank_correlation": round(rho, 3),
                }
            )
    columns = ["test_a", "test_b", "fail_a", "fail_b", "fail_both", "overlap"]
    frame = pd.DataFrame(rows, columns=[*columns, "rank_correlation"])
    return frame.sort_values("overlap", ascending=False, kind="stable", ignore_index=True)
