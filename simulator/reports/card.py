"""A council's reason card: why it is or is not selected, each test's result and
margin, what would change its status, the published figures beside the model's, and
its money line by line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine.run import Result
from simulator.inputs.data import Dataset
from simulator.reports.distance import (
    FLIP_NOTE,
    Flip,
    change_tried,
    distance_to_flip,
    flip_sentence,
)
from simulator.reports.letter import reconciliation_lines
from simulator.reports.words import combine_phrase, screen_phrase, to_change
from simulator.schema.vocabulary import YEAR


@dataclass(frozen=True)
class CardTest:
    """One test's result for one council (per 100,000 adults 18+ unless named beds)."""

    id: str
    label: str
    rule: str
    value: float
    line: float
    verdict: str  # "fails", "passes" or "not assessed (no data)"
    margin_per_100k: float  # positive = fails by that much
    margin_beds_per_day: float
    screen: bool  # a screening test
    to_change: str  # what would change the result, in words


@dataclass(frozen=True)
class ReasonCard:
    """Everything that explains one council's result."""

    gss_code: str
    council: str
    region: str
    authority_type: str
    adults_18plus: int
    allocation_status: str
    selected: bool
    why: str
    tests: list[CardTest]
    flip_beds_per_day: float | None  # signed: a cut for a selected council, a rise else
    flip_delays: str
    flip_months: str
    flip: str | None  # the change that flips it, in words (None where none is tried)
    reconciliation: list[str]
    money: list[tuple[str, int]]  # (line, whole pounds)
    expectation_status: str
    allocation_source: str = ""
    report: str = ""  # the council's reported 2018-19 iBCF and its status, in words


def reason_card(result: Result, gss_code: str, flip: Flip | None = None) -> ReasonCard:
    """Everything that explains one council's result (``flip``: the distances to the
    line, when already computed)."""
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
            CardTest(
                id=o.id,
                label=o.label,
                rule=o.rule,
                value=float(o.value[i]),
                line=float(o.line[i]),
                verdict=verdict,
                margin_per_100k=float(margin),
                margin_beds_per_day=float(o.margin_beds[i]),
                screen=o.id in result.scenario.selection.screen,
                to_change=to_change(o.fails[i], margin, o.margin_beds[i]),
            )
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
    return ReasonCard(
        gss_code=gss_code,
        council=row["council"],
        region=row["region"],
        authority_type=row["authority_type"],
        adults_18plus=int(row["adults_18plus"]),
        allocation_status=row["allocation_status"],
        allocation_source=str(row.get("allocation_source", "")),
        report=report_words(data, i),
        selected=bool(row["selected"]),
        why=why,
        tests=tests,
        flip_beds_per_day=None if np.isnan(flip.beds[i]) else float(flip.beds[i]),
        flip_delays=flip.delays[i],
        flip_months=flip.months[i],
        flip=flip_sentence(flip, i, bool(row["selected"]), change_tried(result, i)),
        reconciliation=reconciliation_lines(result, gss_code),
        money=money,
        expectation_status=str(result.expected_status[i, 0]),
    )


def _manual_reason(result: Result, gss_code: str, which: str) -> str:
    entries = getattr(result.scenario.selection, which)
    return next((e.reason for e in entries if e.gss_code == gss_code), "")


def report_words(data: Dataset | object, i: int) -> str:
    """Council ``i``'s reported 2018-19 iBCF and its status, in words (blank for a
    dataset built without the revenue outturn).

    >>> import pandas as pd
    >>> class D:
    ...     reported = pd.DataFrame({"reported_2018_19": [7_895_000.0, 0.0],
    ...         "report_status": ["reported 2018-19 outturn", "reported, flagged"],
    ...         "report_reason": ["", "reports £0"]})
    >>> report_words(D(), 0)
    'Reported 2018-19 iBCF £7,895,000 (MHCLG revenue outturn): reported 2018-19 outturn.'
    >>> report_words(D(), 1)
    'Reported 2018-19 iBCF £0 (MHCLG revenue outturn): reported, flagged (reports £0).'
    """
    frame = getattr(data, "reported", None)
    if frame is None:
        return ""
    row = frame.iloc[i]
    value = float(row["reported_2018_19"])
    amount = "blank" if np.isnan(value) else f"£{value:,.0f}"
    reason = f" ({row['report_reason']})" if row["report_reason"] else ""
    return (
        f"Reported 2018-19 iBCF {amount} (MHCLG revenue outturn): {row['report_status']}{reason}."
    )


def reason_card_text(result: Result, gss_code: str) -> str:
    """The reason card as Markdown (CLI and app)."""
    card = reason_card(result, gss_code)
    lines = [
        f"## {card.council} ({card.gss_code})",
        f"{card.region}, {card.authority_type}; {card.adults_18plus:,} adults 18+ (ONS mid-2017).",
        "",
        f"**{card.why}**",
    ]
    if card.flip is not None:
        lines.append(f"{card.flip} Found {FLIP_NOTE.removeprefix('found ')}.")
    lines += ["", *card.reconciliation] if card.reconciliation else []
    lines += [
        "",
        "| test | value | line | result | margin | what would change it |",
        "|---|---|---|---|---|---|",
    ]
    for t in card.tests:
        if np.isnan(t.margin_per_100k):
            numbers = "no data | – | not assessed | – | –"
        else:
            numbers = (
                f"{t.value:.2f} | {t.line + 0.0:.2f} | {t.verdict} | "
                f"{t.margin_per_100k:+.2f} per 100k ({t.margin_beds_per_day:+.1f} "
                f"beds/day) | {t.to_change}"
            )
        lines.append(f"| {t.label}{' (screen)' if t.screen else ''} | {numbers} |")
    lines += ["", f"| money, {YEAR} | £ |", "|---|---:|"]
    for label, amount in card.money:
        lines.append(f"| {label} | {amount:,} |")
    if card.allocation_status != "official":
        lines += [
            "",
            f"This allocation is {card.allocation_status} (see Data and assumptions)."
            + (f" Source: {card.allocation_source}." if card.allocation_source else ""),
        ]
    if card.report:
        lines.append(card.report)
    return "\n".join(lines)
