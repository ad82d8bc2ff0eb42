"""Explanations: the plain-English option summary, a reason card per council, the
distance to the line, and a letter preview in the style of the 10 October 2017 letter.

Wording is neutral: it states what a scenario would do, not what should be done.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.data import ATTRIBUTION_LABELS, ATTRIBUTIONS, YEAR
from simulator.engine import Result
from simulator.measures import rate_per_100k, window_rate
from simulator.redistribution import RULE_LABELS
from simulator.scenario import Scenario

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

    >>> from simulator.scenario import Scenario
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

    >>> from simulator.scenario import Scenario
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


def option_summary(result: Result) -> str:
    """A paragraph describing the option and its headline effect, generated from it."""
    s = result.scenario
    summary = result.summary
    sel = s.selection
    cons = s.consequences
    parts: list[str] = []
    if not sel.tests and not sel.include:
        parts.append(f"No council is selected: every council keeps its {YEAR} iBCF allocation.")
        return " ".join(parts)
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
    parts += overlap_warnings(result)
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
            parts.append(
                f"The limits bind for {bound} of the {int(reduced.sum())} councils reduced, "
                "which lose less than the rule alone would take."
            )
    if not cons.condition_pct and not cons.reduction_pct:
        parts.append("No money is conditioned or withheld.")
    return " ".join(parts)


# ---------------------------------------------------------------------- distance to the line
FLIP_NOTE = (
    "the margins of the fewest tests that would have to change, added together, screening "
    "tests included and other councils unchanged; the tests read different months, so "
    "this is a guide to who is near the line, not a target"
)


def distance_to_flip(result: Result) -> np.ndarray:
    """Delayed beds a day that would flip each council's selection, tests taken one at a time.

    Selected councils: the smallest reduction that would clear them. Others: the
    smallest increase that would select them. NaN where a composite score, a manual
    list or missing data decides. Each test's margin is taken on its own; a change in
    one month moves several tests at once, so this is a guide to who is near the line.
    """
    sel = result.selection
    s = result.scenario.selection
    n = len(sel.selected)
    out = np.full(n, np.nan)
    if not s.tests or s.combine == "composite":
        return out
    crit, fails = _margins_and_fails(result, [t.id for t in s.criteria], n)
    s_margin, s_fails = _margins_and_fails(result, s.screen, n)
    k = {"all": len(s.criteria), "any": 1, "at_least": s.at_least}.get(s.combine, 1)
    for i in range(n):
        if not sel.assessable[i] or sel.included[i] or sel.excluded[i]:
            continue
        failing = np.sort(crit[i, fails[i]])
        passing = np.sort(crit[i, ~fails[i]])
        s_failing = np.sort(s_margin[i, s_fails[i]])
        s_passing = np.sort(s_margin[i, ~s_fails[i]])
        if sel.by_tests[i]:
            # clear enough failing tests to drop below k, or enough screens to leave scope
            need = len(failing) - k + 1
            options = [failing[:need].sum()] if need > 0 else []
            s_need = len(s_failing) - s.screen_needed + 1
            options += [s_failing[:s_need].sum()] if s.screen and s_need > 0 else []
            out[i] = min(options) if options else np.nan
        else:
            extra = max(k - len(failing), 0)
            cost = passing[:extra].sum() if extra <= len(passing) else np.inf
            s_extra = max(s.screen_needed - len(s_failing), 0)
            cost += s_passing[:s_extra].sum()
            out[i] = cost if np.isfinite(cost) else np.nan
    return out


def _margins_and_fails(
    result: Result, test_ids: list[str], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(council, test)`` matrices of absolute margins (beds a day) and fails."""
    if not test_ids:
        return np.zeros((n, 0)), np.zeros((n, 0), dtype=bool)
    outcomes = [result.outcome(i) for i in test_ids]
    margins = np.stack([np.abs(o.margin_beds) for o in outcomes], axis=1)
    return margins, np.stack([o.fails for o in outcomes], axis=1)


def near_the_line(result: Result, beds: float = 2.0) -> pd.DataFrame:
    """Councils whose selection would flip with a change of at most ``beds`` a day."""
    dist = distance_to_flip(result)
    t = result.table
    frame = pd.DataFrame(
        {
            "gss_code": t["gss_code"],
            "council": t["council"],
            "selected": t["selected"],
            "beds_per_day_to_flip": np.round(dist, 2),
        }
    )
    return frame[frame["beds_per_day_to_flip"] <= beds].sort_values("beds_per_day_to_flip")


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
def reason_card(result: Result, gss_code: str) -> dict[str, object]:
    """Everything that explains one council's result, as plain data."""
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
    dist = distance_to_flip(result)[i]
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
        "beds_per_day_to_flip": None if np.isnan(dist) else float(dist),
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
    if card["beds_per_day_to_flip"] is not None:
        verb = "clear it" if card["selected"] else "select it"
        lines.append(
            f"A change of about {card['beds_per_day_to_flip']:.1f} delayed beds a day would "
            f"{verb} ({FLIP_NOTE})."
        )
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
    tests = result.scenario.selection.tests
    criteria = result.scenario.selection.criteria
    rate_tests = [t for t in criteria if t.kind == "rate"] or [t for t in tests if t.kind == "rate"]
    attribution = rate_tests[0].attribution if rate_tests else "social_care"
    if month is None:
        month = rate_tests[0].window.end if rate_tests else data.months[-1]
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
    n = int(np.isfinite(rate).sum())
    position = int(order[i])
    quartile = int(np.ceil(4 * position / n))
    mname = pd.Period(month, freq="M").strftime("%B %Y")
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
    return "\n".join(body)


def expectation_rate(result: Result, attribution: str) -> np.ndarray:
    """Expected rate per 100,000 adults for September 2017, by council."""
    return rate_per_100k(result.expected[:, ATTRIBUTIONS.index(attribution)], result.data.adults)
