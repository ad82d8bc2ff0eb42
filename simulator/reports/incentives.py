"""What an option rewards: per council, the money that one delayed bed, a re-recorded
delay or a single month decides, and the councils a relative test fails whatever all do.

A rule with thresholds creates cliffs, rewards re-recording a delay from "social care"
to "NHS" or "both", concentrates effort on the judgement month, and a bottom-quartile
test fails about a quarter of councils whatever they all do (Bevan & Hood 2006, Public
Administration 84(3); Gravelle, Sutton & Ma 2010, Economic Journal 120(542)).

Each change is made to every council's own data at once, and the lines that other
councils set (quartiles) stay where they were, so each council's figure is what *it*
could change on its own (as :mod:`simulator.reports.distance` does). Money is the
council's own money at stake: conditioned plus withheld (what redistribution gives
others is left out). A composite score ranks councils against each other, so no line
stays fixed: its figures are left blank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result, allocation_arrays, data_month
from simulator.inputs.data import Dataset
from simulator.reports.words import counted
from simulator.rules.consequences import apply_consequences, released_mask
from simulator.rules.expectations import expected_beds
from simulator.rules.selection import against_line, run_test, select
from simulator.schema.calendar import month_name, shift_month
from simulator.schema.vocabulary import ATTRIBUTIONS

SWITCH_PCT = 5.0  # share of social care delays re-recorded (an illustration, not evidence)
SC, SCB, NHS, TOTAL = (ATTRIBUTIONS.index(a) for a in ATTRIBUTIONS)


@dataclass(frozen=True)
class Incentives:
    month: str  # the judgement month
    at_stake: np.ndarray  # £ conditioned + withheld as set
    cliff_up: np.ndarray  # £ more at stake with one more delayed bed a day in ``month``
    cliff_down: np.ndarray  # £ less at stake with one fewer
    switch_nhs: np.ndarray  # £ less at stake if SWITCH_PCT% of social care delays were NHS
    switch_both: np.ndarray  # ... or recorded as "both"
    clears_by_switch: np.ndarray  # selected, and not after re-recording (either way)
    timing: np.ndarray  # £ moved if ``month`` read like the month before
    relative_failed: np.ndarray  # relative (quartile, worst-n) tests each council fails
    relative_tests: list[tuple[str, int]]  # (test id, councils it fails)
    switch_pct: float = SWITCH_PCT


def _stake(result: Result, beds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Money at stake and selection with every council's delays ``beds`` (lines that
    other councils set held where they were)."""
    r = result
    data: Dataset = r.data.with_dtoc_beds(beds)
    expected, _ = expected_beds(data, r.scenario.expectations)
    outcomes = [
        against_line(run_test(t, data, expected), o.line, data.adults)
        for t, o in zip(r.scenario.selection.tests, r.outcomes, strict=True)
    ]
    sel = select(r.scenario.selection, outcomes, data, expected)
    released = released_mask(r.scenario.consequences, data, expected)
    money = apply_consequences(
        r.scenario.consequences,
        sel,
        {o.id: o for o in outcomes},
        allocation_arrays(r.data),
        released,
    )
    return (money.conditioned + money.withheld).astype(np.int64), sel.selected


def _move_social_care(beds: np.ndarray, months: list[int], change: np.ndarray) -> np.ndarray:
    """``beds`` with social care delays in ``months`` changed by ``change`` (council),
    never below zero; the sums that count them move with them."""
    out = beds.copy()
    for m in months:
        sc = out[:, m, SC]
        new = np.maximum(sc + change, 0)
        step = np.where(np.isnan(sc), 0, new - sc)
        for column in (SC, SCB, TOTAL):
            out[:, m, column] += step
    return out


def _recorded_as(beds: np.ndarray, pct: float, to: str) -> np.ndarray:
    """``pct``% of social care delays in every month recorded as NHS (``to="nhs"``) or
    as attributable to both (``to="both"``) instead."""
    out = beds.copy()
    moved = np.nan_to_num(beds[..., SC]) * pct / 100
    out[..., SC] -= moved
    if to == "nhs":
        out[..., SCB] -= moved
        out[..., NHS] += moved
    # to "both": social care and both together, and the total, are unchanged
    return np.where(np.isnan(beds), np.nan, out)


def incentives(result: Result, switch_pct: float = SWITCH_PCT) -> Incentives:
    """Every council's cliff, switch exposure, timing and relative-test failures."""
    data = result.data
    n = len(data.codes)
    stake = (result.money.conditioned + result.money.withheld).astype(np.int64)
    own = np.asarray(result.selection.selected, dtype=bool)
    month = data_month(result.scenario)
    relative = [
        (o.id, int(o.fails.sum())) for o in result.outcomes if getattr(o, "relative", False)
    ]
    relative_failed = np.zeros(n, dtype=int)
    for o in result.outcomes:
        if getattr(o, "relative", False):
            relative_failed += np.asarray(o.fails, dtype=int)
    blank = np.full(n, np.nan)
    if (
        not result.scenario.selection.tests
        or result.scenario.selection.combine == "composite"
        or month not in data.months
    ):
        return Incentives(
            month, stake, blank, blank, blank, blank, np.zeros(n, bool), blank,
            relative_failed, relative,
        )  # fmt: skip
    m = data.month_index(month)
    beds = data.dtoc_beds
    up, _ = _stake(result, _move_social_care(beds, [m], np.ones(n)))
    down, _ = _stake(result, _move_social_care(beds, [m], -np.ones(n)))
    nhs, sel_nhs = _stake(result, _recorded_as(beds, switch_pct, "nhs"))
    both, sel_both = _stake(result, _recorded_as(beds, switch_pct, "both"))
    previous = data.month_index(shift_month(month, -1)) if m > 0 else m
    before = beds.copy()
    before[:, m, :] = np.where(np.isnan(beds[:, previous, :]), beds[:, m, :], beds[:, previous, :])
    timing, _ = _stake(result, before)
    return Incentives(
        month=month,
        at_stake=stake,
        cliff_up=(up - stake).astype(float),
        cliff_down=(stake - down).astype(float),
        switch_nhs=(stake - nhs).astype(float),
        switch_both=(stake - both).astype(float),
        clears_by_switch=own & (~sel_nhs | ~sel_both),
        timing=np.abs(timing - stake).astype(float),
        relative_failed=relative_failed,
        relative_tests=relative,
        switch_pct=switch_pct,
    )


def _m(pounds: float) -> str:
    return f"£{pounds / 1e6:,.1f}m"


def incentive_words(inc: Incentives) -> list[str]:
    """The option's incentives in a few plain sentences."""
    if np.isnan(inc.cliff_up).all():
        lines = [
            "No test with a fixed line decides selection (no tests, or a composite score), "
            "so no cliff, switch or timing is measured."
        ]
    else:
        month = month_name(inc.month)
        cliff = np.nansum(np.abs(inc.cliff_up)) + np.nansum(np.abs(inc.cliff_down))
        on_cliff = int(((inc.cliff_up != 0) | (inc.cliff_down != 0)).sum())
        lines = [
            f"{_m(float(np.nansum(inc.timing)))} depends on one month's data: the money "
            f"that would move, council by council, if {month} read like "
            f"{month_name(shift_month(inc.month, -1))}.",
            f"{counted(int(inc.clears_by_switch.sum()), 'council')} could clear by re-recording "
            f"{inc.switch_pct:g}% of social care delays as NHS or 'both' "
            f"({_m(float(np.nansum(np.maximum(inc.switch_nhs, inc.switch_both))))} at stake).",
            f"One more or one fewer delayed bed a day in {month} moves {_m(float(cliff))} "
            f"for {counted(on_cliff, 'council')} (the cliff).",
        ]
    for test_id, failing in inc.relative_tests:
        lines.append(
            f"Test '{test_id}' is relative: it fails {counted(failing, 'council')} whatever "
            "every council does."
        )
    return lines


INCENTIVE_COLUMNS = (
    "gss_code",
    "council",
    "selected",
    "at_stake",
    "cliff_up",
    "cliff_down",
    "switch_to_nhs",
    "switch_to_both",
    "clears_by_switch",
    "timing",
    "relative_tests_failed",
)


def incentives_table(
    result: Result, inc: Incentives, aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """``incentives.csv``: one row per council, the most exposed first (cliff up, cliff
    down and timing together; ties by code). ``aliases``: workshop labels (codes hidden;
    the most exposed first still, ties by label)."""
    from simulator.reports import anonymous

    frame = pd.DataFrame(
        {
            "gss_code": result.table["gss_code"].to_numpy(),
            "council": result.table["council"].to_numpy(),
            "selected": np.asarray(result.selection.selected, dtype=bool),
            "at_stake": inc.at_stake,
            "cliff_up": inc.cliff_up,
            "cliff_down": inc.cliff_down,
            "switch_to_nhs": inc.switch_nhs,
            "switch_to_both": inc.switch_both,
            "clears_by_switch": inc.clears_by_switch,
            "timing": inc.timing,
            "relative_tests_failed": inc.relative_failed,
        }
    )
    exposure = np.nan_to_num(np.abs(inc.cliff_up) + np.abs(inc.cliff_down) + inc.timing)
    # the most exposed first; ties by code, or in workshops by label (anonymise sorts by
    # label first), so the order never decodes the labels against the list of codes
    frame = frame.assign(_exposure=-exposure).sort_values("gss_code", kind="stable")
    if aliases is not None:
        frame = anonymous.anonymise(frame, aliases, codes="hide")
    frame = frame.sort_values("_exposure", kind="stable")
    return frame.reindex(columns=list(INCENTIVE_COLUMNS)).reset_index(drop=True)


def council_lines(inc: Incentives, i: int) -> list[str]:
    """One council's cliff and switch exposure in words (empty where not measured)."""
    if np.isnan(inc.cliff_up[i]):
        return []
    month = month_name(inc.month)
    gbp = "£{:,.0f}".format
    lines = [
        f"Cliff: one more delayed bed a day in {month} puts {gbp(inc.cliff_up[i])} more at "
        f"stake; one fewer, {gbp(inc.cliff_down[i])} less.",
        f"Re-recording {inc.switch_pct:g}% of its social care delays as NHS would release "
        f"{gbp(inc.switch_nhs[i])}; as 'both', {gbp(inc.switch_both[i])}.",
    ]
    if inc.timing[i]:
        lines.append(
            f"Timing: {gbp(inc.timing[i])} would move if {month} read like the month before."
        )
    return lines
