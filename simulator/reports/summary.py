"""The option in plain English and the headline summary: the policy sentence a minister
reads first, the option in detail, the caveats every output carries, and the summary
of summary.json and the Excel Summary sheet.

Wording is neutral: it states what a scenario would do, not what should be done.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.engine.run import Result, RunSummary
from simulator.reports.columns import describe
from simulator.reports.distance import windows_read
from simulator.reports.letter import reconciliation_lines
from simulator.reports.overlap import overlap_warnings
from simulator.reports.words import (
    beds_text,
    combine_phrase,
    detectability_lines,
    evidence_label,
    evidence_side_by_side,
    gbp,
    screen_phrase,
)
from simulator.rules.redistribution import RULE_LABELS
from simulator.schema.evidence import DEFAULT_EVIDENCE_SET
from simulator.schema.selection import Window
from simulator.schema.vocabulary import BASE_LABELS, YEAR

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

LETTER_PROMISE = (
    "All iBCF funding will remain in local government to be used for adult social care."
)
LETTER_PROMISE_SOURCE = "Letter of 10 October 2017 from the Secretaries of State"


def retained_warning(summary: RunSummary) -> str | None:
    """What to say when money is retained by the centre (None when nothing is).

    >>> print(retained_warning({"total_retained": 0, "total_withheld": 0}))
    None
    >>> retained_warning({"total_retained": 2_050_000, "total_withheld": 20_500_000})[:60]
    'Retained by the centre: £2.0m of the £20.5m withheld leaves '
    """
    retained = summary["total_retained"]
    if retained <= 0:
        return None
    withheld = summary["total_withheld"]
    return (
        f"Retained by the centre: {gbp(retained)} of the {gbp(withheld)} withheld leaves "
        f"local government under this option. {LETTER_PROMISE_SOURCE}: "
        f"\u201c{LETTER_PROMISE}\u201d"
    )


# ---------------------------------------------------------------------- the option
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
    months = sorted({Window(end=m).label() for m in windows_read(result)[0]})
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


@dataclass(frozen=True)
class OptionSummary:
    """The option in plain English, in three parts: the policy in one short sentence,
    the tests and money in detail, then caveats on method."""

    policy: str
    details: list[str]
    caveats: list[str]

    @property
    def text(self) -> str:
        return " ".join([self.policy, *self.details, *self.caveats])


def option_words(result: Result) -> OptionSummary:
    """The option in plain English, generated from it."""
    details, caveats = _option_details(result)
    return OptionSummary(policy_sentence(result), details, caveats)


def option_summary(result: Result) -> str:
    """The option in plain English as one paragraph (:class:`OptionSummary`)."""
    return option_words(result).text


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


# ---------------------------------------------------------------------- caveats
CAVEATS = [
    "Allocations for 2018/19 are councils' REPORTED figures where plausible and "
    "RECONSTRUCTED elsewhere unless the official table is loaded (data/official/): each "
    "council's total is the iBCF it reported receiving (MHCLG revenue outturn 2018-19) "
    "where the report passes a plausibility screen (each council's report_status says "
    "which); the rest of each pot, and the split between the two elements, are rebuilt by "
    "adult social care precept equalisation (need shares of the pot plus the precept "
    "councils can raise, less each council's precept), the best-supported hypothesis of "
    "the published method, whose exact text was not available. Every published figure is "
    "shown beside its reconstruction in the Allocation checks sheet, every council's "
    "report in the Reported figures sheet; see the Methods sheet.",
    "September 2017 DToC expectations are RECONSTRUCTED by a rule that fits the "
    "published examples (Shropshire 6.7 beds a day; Hampshire -66%; Northamptonshire "
    "-67%); the official council table was not available.",
    "DToC figures are NHS England's REVISED monthly figures (April-September 2017 revised "
    "14 June 2018), not the figures first published when the 2017 review was run.",
    "The Isles of Scilly has no DToC data (reported within Cornwall): it keeps its "
    "allocation and is never selected on DToC grounds.",
    "The England DToC row includes patients resident outside England, so council rows "
    "sum to slightly less than England.",
    "Projected DToC effects rest on assumptions about how money buys care capacity; see "
    "the assumptions register. Ranges are P10-P90 of a seeded Monte Carlo.",
    "No public source names a council whose 2018/19 allocation was reduced.",
]


def workshop_caveats(names: list[str]) -> list[str]:
    """The caveats of an anonymised export: those naming one of the councils ``names``
    are left out."""
    return ["Council names are replaced by neutral labels (workshop)."] + [
        c for c in CAVEATS if not any(name in c for name in names)
    ]


def scenario_caveats(result: Result) -> list[str]:
    """Caveats this scenario adds: the published document beside the model, and words
    written for another version of the option."""
    out = reconciliation_lines(result)
    if result.scenario.text_stale:
        out.append(STALE_TEXT)
    return out


STALE_TEXT = (
    "The scenario's description and notes were written before the option was edited: "
    "they may no longer describe it (the option summary is generated from the option)."
)


# ---------------------------------------------------------------------- headline summary
@dataclass(frozen=True)
class ProjectionSummary:
    """The projection's headline figures, rounded as every output shows them (beds a
    day to 2 decimals, bed days to 1, pounds whole)."""

    projection_year: str
    projection_method: str
    evidence_set: str
    headline: str
    beds_freed: dict[str, float]
    beds_freed_evidence: dict[str, float]
    beds_freed_social_care: dict[str, float]
    default_evidence_set: str
    beds_freed_by_evidence_set: dict[str, float]
    evidence_sets_text: str
    detectability: str
    gross: dict[str, float]
    forecast_noise: dict[str, float]
    status_quo_beds: float
    delayed_days_avoided: float
    nhs_value_gbp: dict[str, int]
    probability_ambition_met: float
    probability_ambition_met_no_change: float
    probability_ambition_met_change: float
    seed: int
    draws: int


def projection_summary(
    projection: ProjectionResult, selected: np.ndarray | None = None
) -> ProjectionSummary:
    """The projection's headline figures, every evidence set's beds freed beside them
    and whether the effect could be seen (nationally and in the ``selected`` councils)."""

    def bands(b: dict[str, float]) -> dict[str, float]:
        return {k: round(float(v), 2) + 0.0 for k, v in b.items()}

    return ProjectionSummary(
        projection_year=YEAR,
        projection_method=projection.method,
        evidence_set=projection.evidence_set,
        headline=(f"{evidence_label(projection.evidence_set)}: {beds_text(projection.beds_freed)}"),
        beds_freed=bands(projection.beds_freed),
        beds_freed_evidence=bands(projection.beds_freed_evidence),
        beds_freed_social_care=bands(projection.beds_freed_social_care),
        default_evidence_set=DEFAULT_EVIDENCE_SET,
        beds_freed_by_evidence_set={
            f"{name}.{k}": round(float(v), 2) + 0.0
            for name, b in projection.beds_freed_by_set.items()
            for k, v in b.items()
        },
        evidence_sets_text=evidence_side_by_side(projection),
        detectability=" ".join(detectability_lines(projection, selected)),
        gross=bands(projection.gross),
        forecast_noise=bands(projection.forecast_noise),
        status_quo_beds=round(projection.status_quo_beds, 2) + 0.0,
        delayed_days_avoided=round(float(projection.delayed_days_avoided), 1) + 0.0,
        nhs_value_gbp={k: round(float(v)) for k, v in projection.nhs_value_gbp.items()},
        probability_ambition_met=round(float(projection.probability_ambition_met), 4),
        probability_ambition_met_no_change=round(
            float(projection.probability_ambition_met_no_change), 4
        ),
        probability_ambition_met_change=round(
            float(
                projection.probability_ambition_met - projection.probability_ambition_met_no_change
            ),
            4,
        )
        + 0.0,
        seed=projection.seed,
        draws=projection.draws,
    )


def summary_dict(result: Result, projection: ProjectionResult | None = None) -> dict[str, Any]:
    """summary.json: the result's summary, the option in words and the projection's
    headline figures (a warning first when money leaves local government)."""
    warning = retained_warning(result.summary)
    # First, so it heads summary.json and the Excel Summary sheet when money leaves.
    out: dict[str, Any] = {"retained_warning": warning} if warning is not None else {}
    out.update(result.summary)
    out["option_summary"] = option_summary(result)
    if projection is not None:
        out.update(asdict(projection_summary(projection, result.selection.selected)))
    return out


def summary_frame(result: Result, projection: ProjectionResult | None = None) -> pd.DataFrame:
    """The summary as a table, one measure a row with its unit (``beds_freed.p10`` ...),
    for the Excel Summary sheet and summary.csv: no nested values in a cell."""
    return summary_rows(summary_dict(result, projection))


def summary_rows(summary: dict[str, Any]) -> pd.DataFrame:
    """A :func:`summary_dict` as rows of measure, value and unit."""
    rows = []
    for key, value in summary.items():
        unit = (describe(key) or ("", ""))[0]
        if isinstance(value, dict):
            rows += [(f"{key}.{k}", v, unit) for k, v in value.items()]
        else:
            rows.append((key, value, unit))
    return pd.DataFrame(rows, columns=["measure", "value", "unit"])
