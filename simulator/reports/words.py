"""The words every report shares: pounds, beds, ordinals, the option's phrases and the
projection's headlines. One rule each; summaries, cards, letters, the Excel pack, the
brief and the app read them here.

Wording is neutral: it states what a scenario would do, not what should be done.
Beds freed are always said with the evidence set they rest on, "≈ nil" when the
P10-P90 range straddles zero, and for a scenario that both withholds and gives money
the gross flows come before the net.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.projection.evidence import DEFAULT_EVIDENCE_SET, evidence_set, evidence_sets
from simulator.projection.result import Bands, ProjectionResult
from simulator.schema.calendar import days_in_months
from simulator.schema.scenario import Scenario


# ---------------------------------------------------------------------- numbers
def gbp(amount: float) -> str:
    """Pounds, short: £67.7m, £45,000, -£3,210, £0 (millions to one decimal).

    >>> gbp(67_731_576), gbp(45_000), gbp(-3210), gbp(0), gbp(1_499_000_000)
    ('£67.7m', '£45,000', '-£3,210', '£0', '£1,499.0m')
    """
    sign = "-" if amount < 0 else ""
    amount = abs(float(amount))
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


def counted(n: int, noun: str, plural: str = "") -> str:
    """A count with its noun, singular for exactly one.

    >>> counted(1, "council"), counted(2, "council"), counted(0, "council")
    ('1 council', '2 councils', '0 councils')
    >>> counted(1_234, "variant")
    '1,234 variants'
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def agrees(n: int, one: str, many: str) -> str:
    """The verb for a count: ``one`` for exactly one, else ``many``.

    >>> agrees(1, "is", "are"), agrees(3, "gains", "gain")
    ('is', 'gain')
    """
    return one if n == 1 else many


def whole(x: float) -> str:
    """A count of beds in whole numbers, "0" for anything under half a bed.

    >>> whole(1234.5), whole(-0.4), whole(-0.6)
    ('1,234', '0', '-1')
    """
    return f"{x:,.0f}" if abs(x) >= 0.5 else "0"


def beds_figure(value: float) -> str:
    """Beds a day, the one rule for every headline, card, table of words, brief and
    Excel line: whole beds from 10, one decimal below 10 (so a small effect keeps its
    size), two decimals where one would read 0.0 for a value that is not zero, and
    words under half a hundredth, so the sign always shows.

    >>> beds_figure(29.24), beds_figure(1234.5), beds_figure(-2.24), beds_figure(-0.6)
    ('29', '1,234', '-2.2', '-0.6')
    >>> beds_figure(-0.0414), beds_figure(0.0), beds_figure(-0.001), beds_figure(0.004)
    ('-0.04', '0', 'just below 0', 'just above 0')
    >>> beds_figure(float("nan"))
    'n/a'
    """
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 9.95:
        return f"{value:,.0f}"
    if abs(value) >= 0.05:
        return f"{value:.1f}"
    if abs(value) >= 0.005:
        return f"{value:.2f}"
    return "just below 0" if value < 0 else "just above 0"


def beds_range(p10: float, p50: float, p90: float) -> str:
    """Central value and P10-P90 range in beds a day.

    >>> beds_range(80.2, 101.0, 130.9), beds_range(-2.9, -0.04, 2.4)
    ('101 (P10–P90 80 to 131)', '-0.04 (P10–P90 -2.9 to 2.4)')
    """
    return f"{beds_figure(p50)} (P10–P90 {beds_figure(p10)} to {beds_figure(p90)})"


def chance(share: float) -> str:
    """A chance (a share of Monte Carlo draws, 0-1) as a percentage to one decimal: the
    one rule for the card, the brief, the Compare table and the Sensitivity page.

    >>> chance(0.2104), chance(0.197), chance(1.0)
    ('21.0%', '19.7%', '100.0%')
    """
    return f"{100 * share:.1f}%"


def chance_change(share: float, no_change: float) -> str:
    """A chance's difference from no change, in percentage points, and the no-change
    figure it is measured from.

    >>> chance_change(0.2104, 0.197)
    '+1.3 points on 19.7% with no change'
    >>> chance_change(0.197, 0.197)
    '+0.0 points on 19.7% with no change'
    """
    points = round(100 * share, 1) - round(100 * no_change, 1)
    return f"{points:+.1f} points on {chance(no_change)} with no change"


def ambition_text(result: ProjectionResult) -> str:
    """The chance that national delays meet the ambition, beside no change."""
    p, p0 = result.probability_ambition_met, result.probability_ambition_met_no_change
    return f"{chance(p)} ({chance_change(p, p0)})"


# ---------------------------------------------------------------------- the option
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


def to_change(fails: bool, margin: float, margin_beds: float) -> str:
    """What would change one test's result for a council, in words.

    >>> to_change(True, 1.234, 2.46)
    'would pass with 2.5 fewer delayed beds a day (1.23 per 100,000), other councils unchanged'
    >>> to_change(False, float("nan"), float("nan"))
    'no data'
    """
    if margin != margin:  # NaN
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


# ---------------------------------------------------------------------- the projection
SOCIAL_CARE_CAVEAT = (
    "Social care attribution is shown second: it was itself the 2017 target, and areas "
    "re-coded delays as they responded, so a fall in it can be re-coding rather than effect."
)
NHS_VALUE_CAVEAT = (
    "Two NHS values, never to be added to or set against iBCF money: notional (the full "
    "cost of the bed days) and cash-releasing (what providers' accounts show delays cost)."
)


def is_nil(bands: Bands) -> bool:
    """True when the P10-P90 range straddles zero.

    >>> is_nil({"p10": -1.0, "p50": 0.5, "p90": 2.0}), is_nil({"p10": 1.0, "p50": 2, "p90": 3})
    (True, False)
    """
    return bands["p10"] <= 0.0 <= bands["p90"]


def beds_text(bands: Bands) -> str:
    """Beds a day, with its range; "≈ nil" when the range straddles zero.

    >>> beds_text({"p10": 6.7, "p50": 22.5, "p90": 42.7})
    '22 beds a day (P10-P90 6.7 to 43)'
    >>> beds_text({"p10": -1.3, "p50": -0.4, "p90": 0.2})
    '≈ nil (P10-P90 -1.3 to 0.2 beds a day)'
    """
    low, high = beds_figure(bands["p10"]), beds_figure(bands["p90"])
    if is_nil(bands):
        return f"≈ nil (P10-P90 {low} to {high} beds a day)"
    return f"{beds_figure(bands['p50'])} beds a day (P10-P90 {low} to {high})"


def evidence_name(name: str) -> str:
    """How a sentence names an evidence set: 'central', '2017/18 fit, optimistic reading'."""
    return evidence_set(name).label


def evidence_label(name: str) -> str:
    """'beds freed if the central evidence holds' and the like."""
    return f"beds freed if {evidence_set(name).reading} holds"


# ---------------------------------------------------------------------- every evidence set
def evidence_rows(result: ProjectionResult) -> list[dict[str, object]]:
    """Beds freed under every evidence set, no effect first: name, label, whether it is
    the default and whether the scenario chose it, P10/P50/P90 (beds a day, 2018/19)."""
    rows: list[dict[str, object]] = []
    for s in evidence_sets():
        bands = result.beds_freed_by_set.get(s.name)
        if bands is None:
            continue
        rows.append(
            {
                "set": s.name,
                "label": s.label,
                "default": s.is_default,
                "chosen": s.name == result.evidence_set,
                **{k: float(v) for k, v in bands.items()},
            }
        )
    return rows


def _set_name(row: dict[str, object]) -> str:
    return f"{row['label']}{' (default)' if row['default'] else ''}"


def evidence_side_by_side(result: ProjectionResult) -> str:
    """Every set's P50 (P10-P90) in one sentence, the default marked.

    'Beds freed a day under each evidence set, P50 (P10-P90): no effect 0 (0 to 0); ...'
    """
    rows = evidence_rows(result)
    if not rows:
        return ""
    parts = [
        f"{_set_name(r)} {beds_figure(float(r['p50']))} ({beds_figure(float(r['p10']))} to "  # type: ignore[arg-type]
        f"{beds_figure(float(r['p90']))})"  # type: ignore[arg-type]
        for r in rows
    ]
    return "Beds freed a day under each evidence set, P50 (P10-P90): " + "; ".join(parts) + "."


def forecast_half_band(result: ProjectionResult) -> float:
    """Half the national baseline's P10-P90 from forecast noise alone (beds a day,
    2018/19 average): how far the 2018/19 data could move without any effect."""
    fn = result.forecast_noise
    return (fn["baseline_p90"] - fn["baseline_p10"]) / 2.0


def council_half_band(result: ProjectionResult, selected: np.ndarray) -> float:
    """Half the P10-P90 of the selected councils' total delays together (2018/19
    average): each council's half band, added in quadrature, since the model draws
    council noise independently (an approximation for skewed bands)."""
    days = np.array(days_in_months(list(result.months)), dtype=float)
    half = (result.scenario_p90[..., 3] - result.scenario_p10[..., 3]) @ days / days.sum() / 2
    sel = np.asarray(selected, dtype=bool) & np.isfinite(half)
    return float(np.sqrt((half[sel] ** 2).sum()))


def default_effect(result: ProjectionResult) -> float:
    """P50 beds freed under the default evidence set (the chosen set's if not run)."""
    bands = result.beds_freed_by_set.get(DEFAULT_EVIDENCE_SET, result.beds_freed)
    return float(bands["p50"])


def measurable(effect: float, half_band: float) -> bool:
    """Whether an effect is at least the forecast band's half width.

    >>> measurable(3.0, 1000.0), measurable(-1200.0, 1000.0)
    (False, True)
    """
    return abs(effect) >= half_band > 0 or (half_band == 0 and effect != 0)


def reconciled_share(national: float, councils: np.ndarray, selected: np.ndarray) -> float:
    """The ``selected`` councils' part of the ``national`` figure: the national P50 times
    their share of the councils' central figures, so that councils that hold all the
    effect read the national figure itself (one estimator, not two). Where the councils'
    figures sum to nothing, or point the other way from the national one, their own sum
    stands.

    >>> reconciled_share(5.5, np.array([4.0, 2.0, 0.0]), np.array([True, True, False]))
    5.5
    >>> reconciled_share(5.5, np.array([4.0, 2.0, 0.0]), np.array([True, False, False]))
    3.6666666666666665
    >>> reconciled_share(0.0, np.array([1.0, -1.0]), np.array([True, False]))
    1.0
    """
    own = float(councils[selected].sum())
    total = float(councils.sum())
    if total == 0.0 or national * total <= 0.0:
        return own
    return national * own / total


def detectability_lines(result: ProjectionResult, selected: np.ndarray | None = None) -> list[str]:
    """Could the effect be seen in the 2018/19 data? Nationally, and in the selected
    councils' delays together: the P50 under the default evidence against the forecast
    band (forecast noise alone)."""
    effect = default_effect(result)
    half = forecast_half_band(result)
    reading = evidence_set(DEFAULT_EVIDENCE_SET).reading
    if result.draws == 0:
        return [
            f"Detectability: not assessed without forecast noise (draws 0); {reading}: "
            f"{beds_figure(effect)} beds a day."
        ]
    if measurable(effect, half):
        lines = [
            f"Measurable: {beds_figure(effect)} beds a day under {reading}; the 2018/19 "
            f"forecast band of national delays is ±{whole(half)}; an evaluation could "
            "tell it from forecast noise."
        ]
    else:
        lines = [
            f"No measurable effect on national delays: {beds_figure(effect)} beds a day under "
            f"{reading}; the 2018/19 forecast band is ±{whole(half)}; no evaluation could "
            "confirm it."
        ]
    if selected is not None and np.asarray(selected, dtype=bool).any():
        sel = np.asarray(selected, dtype=bool)
        by_council = result.council_beds_by_set.get(DEFAULT_EVIDENCE_SET)
        if by_council is None:
            by_council = result.council_days / 365.0
        own_default = reconciled_share(effect, np.asarray(by_council, dtype=float), sel)
        band = council_half_band(result, sel)
        verdict = (
            "an evaluation could tell it from forecast noise"
            if measurable(own_default, band)
            else "no evaluation could confirm it"
        )
        lines.append(
            f"Selected councils ({int(sel.sum())}): {beds_figure(own_default)} beds a day of "
            f"their delays under {reading}; their 2018/19 forecast band is ±{whole(band)}; "
            f"{verdict}."
        )
    return lines


def headline_lines(result: ProjectionResult, selected: np.ndarray | None = None) -> list[str]:
    """The projection's headlines, primary outcome first, then every evidence set side
    by side and whether the effect could be seen in the 2018/19 data."""
    lines = []
    g = result.gross
    if g["beds_gained"] > 0 and g["beds_lost"] > 0:
        lines.append(
            f"Gross: {beds_figure(g['beds_lost'])} beds a day lost where money is withheld, "
            f"{beds_figure(g['beds_gained'])} gained where it is conditioned or received "
            "(central)."
        )
    lines.append(
        f"Total delays, {evidence_label(result.evidence_set)}: {beds_text(result.beds_freed)}."
    )
    lines.append(
        f"Evidence uncertainty alone: {beds_text(result.beds_freed_evidence)}; forecast noise "
        f"alone: national delays {whole(result.forecast_noise['baseline_p10'])} to "
        f"{whole(result.forecast_noise['baseline_p90'])} beds a day (P10-P90, 2018/19 average)."
    )
    nhs = result.nhs_value_gbp
    lines.append(
        f"NHS value of the days avoided: {gbp(nhs['notional'])} notional, "
        f"{gbp(nhs['cash_releasing'])} cash-releasing. {NHS_VALUE_CAVEAT}"
    )
    side = evidence_side_by_side(result)
    if side:
        lines.append(side)
    lines += detectability_lines(result, selected)
    lines.append(
        f"Social care delays (secondary): {beds_text(result.beds_freed_social_care)}. "
        + SOCIAL_CARE_CAVEAT
    )
    lines.append(f"Chance that national delays meet the ambition: {ambition_text(result)}.")
    return lines
