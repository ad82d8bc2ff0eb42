"""Explanations: the plain-English option summary, a reason card per council, the
distance to the line, and a letter preview in the style of the 10 October 2017 letter.

Wording is neutral: it states what a scenario would do, not what should be done.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result
from simulator.rules.expectations import expected_beds
from simulator.rules.measures import rate_per_100k, window_rate
from simulator.rules.redistribution import RULE_LABELS
from simulator.rules.selection import against_line, run_test, select
from simulator.schema.calendar import month_name
from simulator.schema.scenario import Scenario
from simulator.schema.selection import Window
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, ATTRIBUTIONS, YEAR

BASE_LABELS = {
    "spring_budget": "Spring Budget 2017 element",
    "original": "original element",
    "total": "total 2018/19 iBCF",
}


def gbp(amount: float) -> str:
    """Pounds for people: £1.2m, £45,000, -£3,210.

    >>> gbp(67_731_576), gbp(45_000), gbp(-3210), gbp(0)
    ('£67.7m', '£45,000', '-£3,210', '£0')
    """
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1_000_000:
        return f"{sign}£{amount / 1_000_000:,.1f}m"
    return f"{sign}£{amount:,.0f}"


def ordinal(n: int) -> str:
    """An English ordinal.

    >>> ordinal(1), ordinal(2), ordinal(13), ordinal(151)
    ('1st', '2nd', '13th', '151st')
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------- money kept local
LETTER_PROMISE = (
    "All iBCF funding will remain in local government to be used for adult social care."
)
LETTER_PROMISE_SOURCE = "Letter of 10 October 2017 from the Secretaries of State"


def retained_warning(summary: dict[str, object]) -> str | None:
    """What to say when money is retained by the centre (None when nothing is).

    >>> print(retained_warning({"total_retained": 0, "total_withheld": 0}))
    None
    >>> retained_warning({"total_retained": 2_050_000, "total_withheld": 20_500_000})[:60]
    'Retained by the centre: £2.0m of the £20.5m withheld leaves '
    """
    retained = int(summary["total_retained"])  # type: ignore[call-overload]
    if retained <= 0:
        return None
    withheld = int(summary["total_withheld"])  # type: ignore[call-overload]
    return (
        f"Retained by the centre: {gbp(retained)} of the {gbp(withheld)} withheld leaves "
        f"local government under this option. {LETTER_PROMISE_SOURCE}: "
        f"\u201c{LETTER_PROMISE}\u201d"
    )


# ---------------------------------------------------------------------- option summary
COMBINE_WORDS = {
    # every one (several tests), the one test, any, at least k of n
    "fails": (
        "fails every one of the tests",
        "fails the test",
        "fails any of the tests",
        "fails at least {k} of the {n} tests",
    ),
    # the option summary lists each test as the condition that counts against a council
    "holds": (
        "all of the following hold",
        "the following holds",
        "any of the following holds",
        "at least {k} of the following {n} hold",
    ),
}


def combine_phrase(scenario: Scenario, style: str = "fails") -> str:
    """How failed tests combine into selection, in words.

    >>> from simulator.schema.scenario import Scenario
    >>> tests = [{"id": f"t{k}", "kind": "rate", "window": {"end": "2017-07"}} for k in range(3)]
    >>> def s(**sel):
    ...     return Scenario.model_validate({"name": "x", "selection": {"tests": tests, **sel}},
    ...                                    strict=False)
    >>> combine_phrase(s()), combine_phrase(s(combine="at_least", at_least=2), "holds")
    ('fails every one of the tests', 'at least 2 of the following 3 hold')
    """
    sel = scenario.selection
    n = len(sel.criteria)
    several, one, any_, at_least = COMBINE_WORDS[style]
    if sel.combine == "all":
        return several if n > 1 else one
    if sel.combine == "any":
        return any_
    if sel.combine == "at_least":
        return at_least.format(k=sel.at_least, n=n)
    comp = sel.composite
    group = (
        f"the worst {comp.n}" if comp.select == "worst_n" else f"the worst {comp.quantile_pct:g}%"
    )
    subject = "" if style == "fails" else "it "
    return f"{subject}is among {group} on a composite {comp.method} score of the tests"


def screen_phrase(scenario: Scenario) -> str:
    """How many screening tests a council must fail to be considered.

    >>> from simulator.schema.scenario import Scenario
    >>> tests = [{"id": f"t{k}", "kind": "rate", "window": {"end": "2017-07"}} for k in range(3)]
    >>> def s(k):
    ...     return Scenario.model_validate({"name": "x", "selection": {"tests": tests,
    ...         "screen": ["t0", "t1"], "screen_at_least": k}}, strict=False)
    >>> screen_phrase(s(None)), screen_phrase(s(1))
    ('fail every one of the screening tests', 'fail at least 1 of the 2 screening tests')
    """
    sel = scenario.selection
    if sel.screen_needed >= len(sel.screen):
        return (
            "fail every one of the screening tests"
            if len(sel.screen) > 1
            else "fail the screening test"
        )
    return f"fail at least {sel.screen_needed} of the {len(sel.screen)} screening tests"


POLICY_WORDS = 60  # the policy sentence a minister reads first stays within this


def policy_sentence(result: Result) -> str:
    """The option in one sentence of at most :data:`POLICY_WORDS` words: who is
    selected, on what, and what happens to the money (details and caveats follow in
    :func:`option_summary`)."""
    s = result.scenario
    summary = result.summary
    sel = s.selection
    cons = s.consequences
    n = len(result.data.codes)
    if not sel.tests and not sel.include:
        return f"No council is selected: every council keeps its {YEAR} iBCF allocation."
    months = sorted({Window(end=m).label() for m in _windows(result)[0]})
    k = len(sel.criteria)
    rule = (
        ("fail both tests" if k == 2 else f"fail all {k} tests")
        if sel.combine == "all" and k > 1
        else combine_phrase(s).replace("fails ", "fail ", 1)
    )
    scope = (
        f"Among councils that {screen_phrase(s)}, those that {rule}"
        if sel.screen
        else f"Councils that {rule}"
    )
    reads = f" (data to {Window(end=str(summary['data_month'])).label()})" if months else ""
    who = f"{scope}{reads}, {summary['councils_selected']} of {n},"
    base = BASE_LABELS[cons.base]
    up_to = "up to " if cons.graduation != "flat" else ""
    money = []
    if cons.condition_pct:
        money.append(
            f"have {up_to}{cons.condition_pct:g}% of their {base} conditioned "
            f"({gbp(summary['total_conditioned'])}, ring-fenced)"
        )
    if cons.reduction_pct:
        where = (
            f"{gbp(summary['total_retained'])} retained by the centre"
            if summary["total_retained"]
            else "all of it to other councils"
        )
        if summary["total_retained"] and summary["total_received"]:
            where = (
                f"{gbp(summary['total_received'])} to other councils, "
                f"{gbp(summary['total_retained'])} retained by the centre"
            )
        money.append(
            f"lose {up_to}{cons.reduction_pct:g}% of it ({gbp(summary['total_withheld'])}; {where})"
            if cons.condition_pct
            else f"lose {up_to}{cons.reduction_pct:g}% of their {base} "
            f"({gbp(summary['total_withheld'])}; {where})"
        )
    if not money:
        money.append("are identified; no money is conditioned or withheld")
    return f"{who} {' and '.join(money)}."


def option_summary(result: Result) -> str:
    """The option in plain English, generated from it: the policy in one short sentence
    first, then the tests and money in detail, then caveats on method."""
    details, caveats = _option_details(result)
    return " ".join([policy_sentence(result), *details, *caveats])


def option_summary_parts(result: Result) -> tuple[str, list[str], list[str]]:
    """:func:`option_summary` in its three parts: policy, details, method caveats."""
    details, caveats = _option_details(result)
    return policy_sentence(result), details, caveats


def _option_details(result: Result) -> tuple[list[str], list[str]]:
    """The option sentence by sentence, and the caveats on method (overlapping tests,
    limits that bind)."""
    s = result.scenario
    summary = result.summary
    sel = s.selection
    cons = s.consequences
    parts: list[str] = []
    if not sel.tests and not sel.include:
        return [], []
    if sel.screen:
        parts.append(
            f"Only councils that {screen_phrase(s)} ("
            + "; ".join(result.outcome(i).label for i in sel.screen)
            + ") are considered."
        )
    if sel.criteria:
        tests = "; ".join(
            f"({k}) {result.outcome(t.id).condition}" for k, t in enumerate(sel.criteria, 1)
        )
        parts.append(f"A council is selected if {combine_phrase(s, 'holds')}: {tests}.")
    if sel.exemption is not None:
        parts.append(
            f"Selected councils whose rate improved by at least "
            f"{sel.exemption.min_improvement_pct:g}% from {sel.exemption.baseline.label()} to "
            f"{sel.exemption.check.label()} are exempted."
        )
    if sel.include or sel.exclude:
        parts.append(
            f"{len(sel.include)} council(s) are added and {len(sel.exclude)} removed by hand."
        )
    parts.append(
        f"This selects {summary['councils_selected']} of the {len(result.data.codes)} councils."
    )
    caveats = overlap_warnings(result)
    base = BASE_LABELS[cons.base]
    margin_label = result.outcome(cons.margin_test).label if cons.margin_test else ""
    grad = {
        "flat": "",
        "tests_failed": ", in proportion to the tests failed",
        "margin": f", graduated by the margin on '{margin_label}' "
        f"(none at {cons.margin_from:g}, all at {cons.margin_to:g} per 100,000)",
    }[cons.graduation]
    limited = cons.cap_pct < 100 or cons.cap_gbp is not None or cons.floor_pct > 0
    up_to = "up to " if cons.graduation != "flat" else ""
    if cons.condition_pct:
        parts.append(
            f"Each selected council has {up_to}{cons.condition_pct:g}% of its {base} conditioned"
            f"{grad}: it keeps the money but must spend it on reducing delayed transfers "
            f"({gbp(summary['total_conditioned'])} in total)."
        )
    if cons.release is not None:
        parts.append(
            f"Conditions are released for councils that reach the trigger in "
            f"{cons.release.window.label()}."
        )
    if cons.reduction_pct:
        limits = []
        if cons.cap_pct < 100:
            limits.append(f"at most {cons.cap_pct:g}% of the base")
        if cons.cap_gbp is not None:
            limits.append(f"at most {gbp(cons.cap_gbp)}")
        if cons.floor_pct > 0:
            limits.append(f"a final allocation of at least {cons.floor_pct:g}% of the total")
        limit_text = f" ({'; '.join(limits)})" if limits else ""
        parts.append(
            f"{'Up to ' if up_to or limited else ''}{cons.reduction_pct:g}% of the {base} is "
            f"withheld{grad}{limit_text}: "
            f"{gbp(summary['total_withheld'])} in total, "
            f"{RULE_LABELS[s.redistribution.rule]}"
            + (
                f" with gains capped at {s.redistribution.gain_cap_pct:g}% of the base"
                if s.redistribution.gain_cap_pct is not None
                else ""
            )
            + f" ({gbp(summary['total_received'])} redistributed, "
            f"{gbp(summary['total_retained'])} retained)."
        )
        reduced = result.table["withheld"].to_numpy() > 0
        bound = int((result.money.capped & reduced).sum())
        if bound:
            caveats.append(
                f"The limits bind for {bound} of the {int(reduced.sum())} councils reduced, "
                "which lose less than the rule alone would take."
            )
    if not cons.condition_pct and not cons.reduction_pct:
        parts.append("No money is conditioned or withheld.")
    return parts, caveats


# ---------------------------------------------------------------------- distance to the line
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


def _windows(result: Result) -> tuple[list[str], set[str]]:
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
    months, delays = _windows(result)
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


def _tried(result: Result, i: int) -> bool:
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


# ---------------------------------------------------------------------- reason card
def reason_card(result: Result, gss_code: str, flip: Flip | None = None) -> dict[str, object]:
    """Everything that explains one council's result, as plain data (``flip``: the
    distances to the line, when already computed)."""
    data = result.data
    i = data.position(gss_code)
    row = result.table.iloc[i]
    sel = result.selection
    tests = []
    for o in result.outcomes:
        if not o.assessable[i]:
            verdict = "not assessed (no data)"
        else:
            verdict = "fails" if o.fails[i] else "passes"
        margin = o.margin[i]
        tests.append(
            {
                "id": o.id,
                "label": o.label,
                "rule": o.rule,
                "value": float(o.value[i]),
                "line": float(o.line[i]),
                "verdict": verdict,
                "margin_per_100k": float(margin),
                "margin_beds_per_day": float(o.margin_beds[i]),
                "screen": o.id in result.scenario.selection.screen,
                "to_change": _to_change(o.fails[i], margin, o.margin_beds[i]),
            }
        )
    if not data.has_dtoc[i]:
        why = (
            "No DToC data: NHS England reports this council within another council "
            "(the Isles of Scilly within Cornwall). It keeps its allocation and is never "
            "selected on DToC grounds."
        )
    elif sel.excluded[i]:
        why = "Removed by hand: " + _manual_reason(result, gss_code, "exclude")
    elif sel.included[i]:
        why = "Added by hand: " + _manual_reason(result, gss_code, "include")
    elif sel.exempt[i]:
        why = "Met the selection tests but exempted for improvement."
    elif not sel.in_scope[i]:
        why = f"Not considered: it did not {screen_phrase(result.scenario)}."
    elif sel.selected[i]:
        why = f"Selected: it {combine_phrase(result.scenario)} ({row['tests_failed']} failed)."
    else:
        why = f"Not selected: failed {row['tests_failed']} of {sel.n_criteria} test(s)."
    flip = flip or distance_to_flip(result)
    money = [
        ("Original element", int(row["allocation_original"])),
        ("Spring Budget 2017 element", int(row["allocation_spring_budget"])),
        ("Total 2018/19 allocation", int(row["allocation_total"])),
        ("of which conditioned (kept, ring-fenced)", int(row["conditioned"])),
        ("Withheld", -int(row["withheld"])),
        ("Received from redistribution", int(row["received"])),
        ("Final 2018/19 allocation", int(row["final_allocation"])),
        ("Change", int(row["change"])),
    ]
    return {
        "gss_code": gss_code,
        "council": row["council"],
        "region": row["region"],
        "authority_type": row["authority_type"],
        "adults_18plus": int(row["adults_18plus"]),
        "allocation_status": row["allocation_status"],
        "selected": bool(row["selected"]),
        "why": why,
        "tests": tests,
        "flip_beds_per_day": None if np.isnan(flip.beds[i]) else float(flip.beds[i]),
        "flip_delays": flip.delays[i],
        "flip_months": flip.months[i],
        "flip": flip_sentence(flip, i, bool(row["selected"]), _tried(result, i)),
        "reconciliation": reconciliation_lines(result, gss_code),
        "money": money,
        "expectations_beds": {a: float(result.expected[i, j]) for j, a in enumerate(ATTRIBUTIONS)},
        "expectation_status": str(result.expected_status[i, 0]),
    }


def _manual_reason(result: Result, gss_code: str, which: str) -> str:
    entries = getattr(result.scenario.selection, which)
    return next((e.reason for e in entries if e.gss_code == gss_code), "")


def _to_change(fails: bool, margin: float, margin_beds: float) -> str:
    if np.isnan(margin):
        return "no data"
    if fails:
        return (
            f"would pass with {abs(margin_beds):.1f} fewer delayed beds a day "
            f"({abs(margin):.2f} per 100,000), other councils unchanged"
        )
    return (
        f"passes with {abs(margin_beds):.1f} delayed beds a day to spare "
        f"({abs(margin):.2f} per 100,000)"
    )


def reason_card_text(result: Result, gss_code: str) -> str:
    """The reason card as Markdown (CLI and app)."""
    card = reason_card(result, gss_code)
    lines = [
        f"## {card['council']} ({card['gss_code']})",
        f"{card['region']}, {card['authority_type']}; {card['adults_18plus']:,} adults 18+ "
        "(ONS mid-2017).",
        "",
        f"**{card['why']}**",
    ]
    if card["flip"] is not None:
        lines.append(f"{card['flip']} Found {FLIP_NOTE.removeprefix('found ')}.")
    reconciled: list[str] = card["reconciliation"]  # type: ignore[assignment]
    lines += ["", *reconciled] if reconciled else []
    lines += [
        "",
        "| test | value | line | result | margin | what would change it |",
        "|---|---|---|---|---|---|",
    ]
    for t in card["tests"]:  # type: ignore[attr-defined]
        if np.isnan(t["margin_per_100k"]):
            numbers = "no data | – | not assessed | – | –"
        else:
            numbers = (
                f"{t['value']:.2f} | {t['line'] + 0.0:.2f} | {t['verdict']} | "
                f"{t['margin_per_100k']:+.2f} per 100k ({t['margin_beds_per_day']:+.1f} "
                f"beds/day) | {t['to_change']}"
            )
        lines.append(f"| {t['label']}{' (screen)' if t['screen'] else ''} | {numbers} |")
    lines += ["", f"| money, {YEAR} | £ |", "|---|---:|"]
    for label, amount in card["money"]:  # type: ignore[attr-defined]
        lines.append(f"| {label} | {amount:,} |")
    if card["allocation_status"] != "official":
        lines += ["", f"Allocations are {card['allocation_status']} (see Data and assumptions)."]
    return "\n".join(lines)


# ---------------------------------------------------------------------- letter preview
QUARTILE_WORDS = ("lowest", "second-lowest", "second-highest", "highest")


def _letter_basis(result: Result, month: str | None = None) -> tuple[str, str]:
    """The attribution and month a letter quotes: the first rate test among the
    selection criteria (else any rate test), or ``month``."""
    tests = result.scenario.selection.tests
    criteria = result.scenario.selection.criteria
    rate_tests = [t for t in criteria if t.kind == "rate"] or [t for t in tests if t.kind == "rate"]
    attribution = rate_tests[0].attribution if rate_tests else "social_care"
    if month is None:
        month = rate_tests[0].window.end if rate_tests else result.data.months[-1]
    return attribution, month


def letter_figures(result: Result, i: int) -> tuple[float, float]:
    """The rate per 100,000 adults and the patients delayed daily a letter quotes."""
    attribution, month = _letter_basis(result)
    rate = window_rate(result.data, attribution, month, 1)[i]
    return float(rate), float(rate * result.data.adults[i] / 100_000)


def reconciliation_lines(result: Result, gss_code: str | None = None) -> list[str]:
    """'The letter: ... / this model on revised data: ...' for the published figures a
    shipped scenario recreates, then the one-line reason; only one council's figures
    (and the national ones) when ``gss_code`` is given. Empty without a reconciliation."""
    rec = result.scenario.reconciliation
    if rec is None:
        return []
    doc = rec.document[:1].upper() + rec.document[1:]
    lines = []
    by_council: dict[str, list[tuple[str, str, str]]] = {}
    for fact in rec.facts:
        if fact.measure == "councils_selected":
            lines.append(
                f"{doc}: {fact.published:g} {fact.label or 'councils'} / this model on "
                f"revised data: {result.summary['councils_selected']} councils selected"
            )
        elif fact.gss_code is not None and gss_code in (None, fact.gss_code):
            rate, beds = letter_figures(result, result.data.position(fact.gss_code))
            model = f"{rate:.1f} per 100,000" if fact.measure == "rate" else f"{beds:.0f} patients"
            by_council.setdefault(fact.gss_code, []).append(
                (f"{fact.published:g}", fact.label, model)
            )
    for code, facts in by_council.items():
        name = result.table["council"].iloc[result.data.position(code)]
        published = "; ".join(f"{p} {label}".strip() for p, label, _ in facts)
        model = "; ".join(m for _, _, m in facts)
        lines.append(f"{name}, {rec.document}: {published} / this model on revised data: {model}")
    if not lines:
        return []
    return [*lines, f"Why they differ: {rec.reason}."]


def letter_preview(result: Result, gss_code: str, *, month: str | None = None) -> str:
    """A preview of the letter a council would receive, in the style of 10 October 2017.

    Uses the first rate test among the selection criteria (else any rate test) for the
    attribution and month (or ``month``); quotes the rate
    per 100,000 adults and the equivalent patients delayed daily, the quartile
    positions and what happens next under this scenario.
    """
    data = result.data
    i = data.position(gss_code)
    row = result.table.iloc[i]
    attribution, month = _letter_basis(result, month)
    label = ATTRIBUTION_LABELS[attribution]
    status = "official" if row["allocation_status"] == "official" else "reconstructed"
    header = (
        "PREVIEW FOR ILLUSTRATION: not an official letter. Generated from scenario "
        f"'{result.scenario.name}' on {status} allocations.\n"
    )
    if not row["selected"]:
        header += (
            "Under this option this council is not selected; the text shows what a letter "
            "setting out its position would say.\n"
        )
    if not data.has_dtoc[i]:
        return header + (
            f"\n{row['council']}: no delayed transfers of care data are published for this "
            "council (reported within Cornwall). It would not be written to on DToC grounds."
        )
    rate = window_rate(data, attribution, month, 1)
    beds = rate[i] * data.adults[i] / 100_000
    order = pd.Series(rate).rank(method="min", ascending=True)
    reconciled = reconciliation_lines(result, gss_code)
    n = int(np.isfinite(rate).sum())
    position = int(order[i])
    quartile = int(np.ceil(4 * position / n))
    mname = month_name(month)
    body = [
        header,
        "Dear Leader,",
        "",
        f"Delayed transfers of care: {row['council']}",
        "",
        f"Looking closely at your DToC performance, in {mname} your rate of delayed "
        f"transfers attributable to {label} was {rate[i]:.1f} per 100,000 adults aged 18+, "
        f"which is equivalent to {beds:.0f} patient{'' if round(beds) == 1 else 's'} delayed "
        "daily. This places your "
        f"council {ordinal(position)} of {n} councils (1st = lowest rate), in the "
        f"quartile with the {QUARTILE_WORDS[quartile - 1]} rates.",
    ]
    sel = result.scenario.selection
    screen = [o for o in result.outcomes if o.id in sel.screen and o.assessable[i]]
    tested = [o for o in result.outcomes if o.id not in sel.screen and o.assessable[i]]
    if screen:
        body += ["", "Scope of this review (earlier data):"]
        body += [
            f"- {o.label}: your council {'does not meet' if o.fails[i] else 'meets'} this measure."
            for o in screen
        ]
        if not result.selection.in_scope[i]:
            body.append(
                f"Your council is outside the scope of this review: only councils that "
                f"{screen_phrase(result.scenario)} are considered."
            )
    if tested:
        body += ["", "Against the measures in this review:"]
        for o in tested:
            verdict = "does not meet" if o.fails[i] else "meets"
            body.append(
                f"- {o.label}: your council {verdict} this measure "
                f"({_to_change(bool(o.fails[i]), o.margin[i], o.margin_beds[i])})."
            )
    body += ["", "Next steps"]
    base = BASE_LABELS[result.scenario.consequences.base]
    if row["selected"]:
        if row["conditioned"]:
            body.append(
                f"Under this option, {gbp(row['conditioned'])} of your {YEAR} {base} "
                "would be subject to conditions: it remains with your council, to be used to "
                "support DToC performance."
            )
        if row["withheld"]:
            body.append(
                f"Under this option, your {YEAR} allocation would be reduced by "
                f"{gbp(row['withheld'])}, to {gbp(row['final_allocation'])}."
                + (
                    " All iBCF funding remains in local government."
                    if result.summary["total_retained"] == 0
                    else " Of the money withheld from councils, "
                    f"{gbp(result.summary['total_retained'])} would be retained centrally."
                )
            )
        if not row["conditioned"] and not row["withheld"]:
            body.append(
                "Under this option, your council is identified for review; no money "
                "is conditioned or withheld."
            )
    else:
        body.append(
            f"Under this option, your council is not selected for review and keeps its "
            f"{YEAR} allocation"
            + (
                f", plus {gbp(row['received'])} redistributed from councils whose "
                "allocations are reduced."
                if row["received"]
                else "."
            )
        )
    if reconciled:
        body += ["", "Set beside the published document:", *[f"- {line}" for line in reconciled]]
    return "\n".join(body)


def expectation_rate(result: Result, attribution: str) -> np.ndarray:
    """Expected rate per 100,000 adults for September 2017, by council."""
    return rate_per_100k(result.expected[:, ATTRIBUTIONS.index(attribution)], result.data.adults)
