"""The distance to the line: the smallest change in a council's delayed beds a day that
changes its status, found by re-running the scenario's tests on changed data, and the
councils near the line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result
from simulator.rules.expectations import expected_beds
from simulator.rules.selection import against_line, run_test, select
from simulator.schema.selection import Window
from simulator.schema.vocabulary import ATTRIBUTIONS

FLIP_NOTE = (
    "found by re-running the tests on changed data: the smallest change to one month the "
    "tests read, or the same change to every month they read, that changes the council's "
    "status, other councils' data unchanged; a guide to who is near the line, not a target"
)
# Delays a change moves: social care delays also count in 'social care and both' and in
# the total; NHS delays in the total.
DELAY_COLUMNS = {
    "social care": tuple(
        ATTRIBUTIONS.index(a) for a in ("social_care", "social_care_and_both", "total")
    ),
    "NHS": tuple(ATTRIBUTIONS.index(a) for a in ("nhs", "total")),
}
DELAYS_READ = {
    "social_care": ("social care",),
    "social_care_and_both": ("social care",),
    "nhs": ("NHS",),
    "total": ("social care", "NHS"),
}
# Largest rise tried for a council not selected, per 100,000 adults 18+ (about twice the
# highest total rate any council reported in 2017).
MAX_RISE_PER_100K = 50.0


@dataclass(frozen=True)
class Flip:
    """The smallest change in a council's delayed beds a day that changes its status.

    ``beds`` is signed (negative: a cut, for a selected council; positive: a rise, for
    one not selected), NaN where no change tried flips it, or where a composite score,
    a manual list or missing data decides. ``delays`` and ``months`` say what moves.
    """

    beds: np.ndarray
    delays: np.ndarray  # "social care" or "NHS" ("" where NaN)
    months: np.ndarray  # e.g. "July 2017" ("" where NaN)
    moved: np.ndarray  # the months changed, as a tuple of YYYY-MM (empty where NaN)

    @property
    def size(self) -> np.ndarray:
        return np.abs(self.beds)


def windows_read(result: Result) -> tuple[list[str], set[str]]:
    """Months the selection reads (tests, the expectation baseline behind gap tests,
    the exemption) and the delays they count."""
    s = result.scenario
    months: set[str] = set()
    delays: set[str] = set()

    def add(window: Window) -> None:
        stop = result.data.month_index(window.end) + 1
        months.update(result.data.months[stop - window.months : stop])

    for test in s.selection.tests:
        delays.update(DELAYS_READ[test.attribution])
        if test.kind == "trend":
            add(test.before)
            add(test.after)
        else:
            add(test.window)
        if test.kind == "gap":
            rule = s.expectations
            add(Window(end=rule.baseline_end, months=rule.baseline_months))
    if s.selection.exemption is not None:
        ex = s.selection.exemption
        delays.update(DELAYS_READ[ex.attribution])
        add(ex.baseline)
        add(ex.check)
    return sorted(months), delays


def _months_label(months: list[str]) -> str:
    names = [Window(end=m).label() for m in months]
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1] + ", each"
    return f"each of the {len(names)} months the tests read, {names[0]} to {names[-1]}"


class _Retest:
    """The scenario's tests and selection re-run with each council's own months changed
    (every council at once, each by its own amount: a council's values depend only on
    its own data, and the lines other councils set stay where they were). One exception:
    the NHS expectation's line is the England NHS rate of February to April 2017, which
    moves a little when every council's NHS delays in those months move together."""

    def __init__(self, result: Result, delays: str, months: list[str]) -> None:
        self.result = result
        data = result.data
        self.columns = list(DELAY_COLUMNS[delays])
        self.months = [data.month_index(m) for m in months]
        self.lines = [o.line for o in result.outcomes]
        own = DELAY_COLUMNS[delays][0]
        self.beds = data.dtoc_beds[:, self.months, own]

    def __call__(self, change: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Selected, each atom's state and margin (council, atom) after ``change``."""
        r = self.result
        data = r.data
        beds = data.dtoc_beds.copy()
        for m in self.months:
            beds[:, m, self.columns] += change[:, None]
        changed = data.with_dtoc_beds(beds)
        expected, _ = expected_beds(changed, r.scenario.expectations)
        outcomes = [
            against_line(run_test(t, changed, expected), line, data.adults)
            for t, line in zip(r.scenario.selection.tests, self.lines, strict=True)
        ]
        sel = select(r.scenario.selection, outcomes, changed, expected)
        atoms = np.stack([o.fails for o in outcomes] + [sel.exempt], axis=1)
        margins = np.stack([o.margin for o in outcomes] + [np.full(len(change), np.nan)], axis=1)
        return sel.selected, atoms, margins


def _crossing(
    retest: _Retest,
    atom: int,
    sign: np.ndarray,
    cap: np.ndarray,
    state0: np.ndarray,
    todo: np.ndarray,
    margins: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Where one test's result (or the exemption) changes on ``[0, cap]``, for the
    councils ``todo`` whose result differs at 0 and at ``cap`` (NaN for the others). A
    test's margin is linear in the change on each piece, so the secant usually lands on
    the crossing; bisection settles the rest."""
    lo = np.zeros(len(cap))
    hi = cap.copy()
    g0, g1 = margins
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = np.where(
            np.isfinite(g0) & np.isfinite(g1) & (g0 != g1), g0 / (g0 - g1) * cap, cap / 2
        )
    guess = np.clip(np.nan_to_num(guess, nan=0.0), 0, cap)
    eps = 1e-7 * np.maximum(cap, 1.0)
    above = np.minimum(guess + eps, cap)
    flipped = todo & (retest(sign * np.where(todo, above, 0))[1][:, atom] != state0)
    hi = np.where(flipped, above, hi)
    below = np.maximum(guess - eps, 0)
    still = flipped & (retest(sign * np.where(flipped, below, 0))[1][:, atom] == state0)
    lo = np.where(still, below, lo)
    for _ in range(40):
        open_ = todo & (hi - lo > 2.5 * eps)
        if not open_.any():
            break
        mid = (lo + hi) / 2
        changed = retest(sign * np.where(open_, mid, 0))[1][:, atom] != state0
        hi = np.where(open_ & changed, mid, hi)
        lo = np.where(open_ & ~changed, mid, lo)
    return np.where(todo, hi, np.nan)


def distance_to_flip(result: Result) -> Flip:
    """The smallest change in delayed beds a day that flips each council's selection,
    found by re-running the tests on changed data.

    Changes tried, for each kind of delay the tests count (social care, NHS): each month
    the selection reads on its own, and the same change in every month it reads. A
    selected council is cut (never below zero delays); another is raised (up to
    :data:`MAX_RISE_PER_100K`). Other councils' data stay as they are, so lines set by
    the other councils (quartiles) stay where they were. The change reported is
    in whole hundredths of a bed a day where that still flips the status.
    """
    sel = result.selection
    s = result.scenario.selection
    n = len(sel.selected)
    beds = np.full(n, np.nan)
    delays_out = np.full(n, "", dtype=object)
    months_out = np.full(n, "", dtype=object)
    moved = np.empty(n, dtype=object)
    moved[:] = [()] * n
    if not s.tests or s.combine == "composite":
        return Flip(beds, delays_out, months_out, moved)
    decided = ~sel.assessable | sel.included | sel.excluded
    sign = np.where(sel.selected, -1.0, 1.0)
    months, delays = windows_read(result)
    candidates = [[m] for m in months] + ([months] if len(months) > 1 else [])
    rise = MAX_RISE_PER_100K * result.data.adults / 100_000
    for kind in sorted(delays, key=list(DELAY_COLUMNS).index):
        for chosen in candidates:
            retest = _Retest(result, kind, chosen)
            with np.errstate(invalid="ignore"):
                floor = np.min(retest.beds, axis=1)
            cap = np.where(sel.selected, floor, rise)
            cap = np.where(decided | ~np.isfinite(cap) | (cap <= 0), 0.0, cap)
            if not cap.any():
                continue
            selected0, atoms0, g0 = retest(np.zeros(n))
            _, atoms1, g1 = retest(sign * cap)
            moves = (atoms1 != atoms0) & (cap > 0)[:, None]
            if not moves.any():
                continue
            points = np.stack(
                [
                    _crossing(retest, a, sign, cap, atoms0[:, a], moves[:, a], (g0[:, a], g1[:, a]))
                    if moves[:, a].any()
                    else np.full(n, np.nan)
                    for a in range(atoms0.shape[1])
                ],
                axis=1,
            )
            points = np.sort(points, axis=1)  # NaN last
            found = np.full(n, np.nan)
            for k in range(points.shape[1]):
                x = points[:, k]
                try_ = np.isfinite(x) & np.isnan(found)
                if not try_.any():
                    break
                flips = try_ & (retest(sign * np.where(try_, x, 0))[0] != selected0)
                found[flips] = x[flips]
            # Report whole hundredths where they still flip: the crossing rounded down
            # (a line met exactly), else rounded up, else the crossing itself.
            ok = np.isfinite(found)
            for rounded in (np.floor(found * 100) / 100, np.ceil(found * 100) / 100):
                flips = ok & (retest(sign * np.where(ok, rounded, 0))[0] != selected0)
                found = np.where(flips, rounded, found)
                ok &= ~flips
            better = np.isfinite(found) & ~(np.abs(beds) <= found)
            beds[better] = sign[better] * found[better]
            delays_out[better] = kind
            months_out[better] = _months_label(chosen)
            for i in np.flatnonzero(better):
                moved[i] = tuple(chosen)
    return Flip(beds, delays_out, months_out, moved)


def flip_sentence(flip: Flip, i: int, selected: bool, tried: bool = True) -> str | None:
    """The change that flips council ``i``, in words; where changes were ``tried`` and
    none flips it, that said; None where no change is tried (composite score, manual
    list, missing data)."""
    size = flip.size[i]
    if not np.isfinite(size):
        if not tried:
            return None
        limit = "to zero delays" if selected else f"up to {MAX_RISE_PER_100K:g} per 100,000"
        return (
            f"No change to one month the tests read, nor the same change to every month "
            f"({limit}), would {'clear' if selected else 'select'} it."
        )
    shown = np.ceil(size * 10 - 1e-6) / 10  # rounded up: the shown change still flips
    what = "cut" if flip.beds[i] < 0 else "rise"
    verb = "clear it" if selected else "select it"
    return (
        f"A {what} of {shown:.1f} delayed beds a day in {flip.delays[i]} delays, in "
        f"{flip.months[i]}, would {verb}."
    )


def change_tried(result: Result, i: int) -> bool:
    """Whether :func:`distance_to_flip` looks for a change for council ``i``."""
    sel, s = result.selection, result.scenario.selection
    if not s.tests or s.combine == "composite":
        return False
    return bool(sel.assessable[i] and not sel.included[i] and not sel.excluded[i])


def near_the_line(result: Result, beds: float = 2.0, flip: Flip | None = None) -> pd.DataFrame:
    """Councils whose selection would flip with a change of at most ``beds`` a day
    (``flip``: the distances, when already computed)."""
    flip = flip or distance_to_flip(result)
    t = result.table
    frame = pd.DataFrame(
        {
            "gss_code": t["gss_code"],
            "council": t["council"],
            "selected": t["selected"],
            "flip_beds_per_day": np.round(flip.beds, 2),
            "flip_delays": flip.delays,
            "flip_months": flip.months,
        }
    )
    near = frame[np.abs(frame["flip_beds_per_day"]) <= beds]
    return near.sort_values("flip_beds_per_day", key=np.abs)
