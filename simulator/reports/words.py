"""The words every report shares: pounds, beds, ordinals, the option's phrases and the
projection's headlines. One rule each; summaries, cards, letters, the Excel pack, the
brief and the app read them here.

Wording is neutral: it states what a scenario would do, not what should be done.
Beds freed are always said with the evidence set they rest on, "≈ nil" when the
P10-P90 range straddles zero, and for a scenario that both withholds and gives money
the gross flows come before the net.
"""

from __future__ import annotations

from simulator.projection.evidence import evidence_set
from simulator.projection.result import Bands, ProjectionResult
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


def whole(x: float) -> str:
    """A count of beds in whole numbers, "0" for anything under half a bed.

    >>> whole(1234.5), whole(-0.4), whole(-0.6)
    ('1,234', '0', '-1')
    """
    return f"{x:,.0f}" if abs(x) >= 0.5 else "0"


def beds_short(value: float) -> str:
    """Beds a day: whole beds, one decimal below 10 so a small effect keeps its size.

    >>> beds_short(29.24), beds_short(-2.04), beds_short(0.0)
    ('29', '-2.0', '0.0')
    """
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


# ---------------------------------------------------------------------- the option
BASE_LABELS = {
    "spring_budget": "Spring Budget 2017 element",
    "original": "original element",
    "total": "total 2018/19 iBCF",
}

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
    '22 beds a day (P10-P90 7 to 43)'
    >>> beds_text({"p10": -1.3, "p50": -0.4, "p90": 0.2})
    '≈ nil (P10-P90 -1 to 0 beds a day)'
    """
    if is_nil(bands):
        return f"≈ nil (P10-P90 {whole(bands['p10'])} to {whole(bands['p90'])} beds a day)"
    return (
        f"{whole(bands['p50'])} beds a day (P10-P90 {whole(bands['p10'])} to {whole(bands['p90'])})"
    )


def evidence_name(name: str) -> str:
    """How a sentence names an evidence set: 'central', '2017/18 fit, optimistic reading'."""
    return evidence_set(name).label


def evidence_label(name: str) -> str:
    """'beds freed if the central evidence holds' and the like."""
    return f"beds freed if {evidence_set(name).reading} holds"


def headline_lines(result: ProjectionResult) -> list[str]:
    """The projection's headlines, primary outcome first."""
    lines = []
    g = result.gross
    if g["beds_gained"] > 0 and g["beds_lost"] > 0:
        lines.append(
            f"Gross: {whole(g['beds_lost'])} beds a day lost where money is withheld, "
            f"{whole(g['beds_gained'])} gained where it is conditioned or received (central)."
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
    lines.append(
        f"Social care delays (secondary): {beds_text(result.beds_freed_social_care)}. "
        + SOCIAL_CARE_CAVEAT
    )
    return lines
