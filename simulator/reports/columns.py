"""The output contract: every column and key the simulator writes, with unit and meaning.

One table serves three readers: the Excel pack (a "Columns" sheet and cell formats by
unit), ``ibcf schema --outputs`` and its committed copy ``docs/outputs.md`` (a test
keeps it in step), and analysts scripting against ``councils.csv``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from simulator.schema.evidence import EVIDENCE_SET_NAMES


class Column(NamedTuple):
    unit: str
    meaning: str


POUNDS = "£ (whole pounds, 2018/19)"
PERCENT = "% of the council's 2018/19 allocation"
BEDS = "average delayed beds a day"
RATE = "delayed beds a day per 100,000 adults 18+"

COUNCIL_COLUMNS: dict[str, Column] = {
    "year": Column("", "Financial year of the allocations (2018/19)."),
    "gss_code": Column("", "ONS GSS code of the council (2017/18 boundaries)."),
    "council": Column("", "Council name (or a neutral label in workshop exports)."),
    "region": Column("", "ONS region."),
    "authority_type": Column("", "County, unitary, metropolitan district or London borough."),
    "dtoc_quartile": Column(
        "",
        "Quartile of the council's DToC rate in the data month "
        "(Q1 lowest delays; Q4 highest, the letters' 'bottom quartile').",
    ),
    "adults_18plus": Column("people", "Resident population aged 18+, ONS mid-2017."),
    "allocation_original": Column(POUNDS, "Original iBCF element (Spending Review 2015)."),
    "allocation_spring_budget": Column(POUNDS, "Spring Budget 2017 element."),
    "allocation_total": Column(POUNDS, "Original plus Spring Budget element, before review."),
    "allocation_status": Column(
        "",
        "official, published_rounded, 'reported 2018-19 outturn' (the council's own "
        "report), or reconstructed with its method named ('reconstructed: precept "
        "equalisation').",
    ),
    "allocation_source": Column(
        "",
        "Where the council's 2018/19 allocation comes from: the revenue outturn it reported "
        "(£000 as reported), the method that rebuilt it, or the official table.",
    ),
    "report_status": Column(
        "",
        "The council's reported 2018-19 iBCF (MHCLG revenue outturn): 'reported 2018-19 "
        "outturn' (passes the screen: the allocation is the report), 'reported, flagged' "
        "(£0, or implying a need share more than a third from the one used) or 'not "
        "reported'.",
    ),
    "has_dtoc_data": Column("", "False where the council has no DToC data (see the caveats)."),
    "in_scope": Column("", "Fails every screening test (all councils when there is no screen)."),
    "selected": Column(
        "", "Selected by the tests (and not exempt) or included by hand, and not excluded."
    ),
    "exempt": Column("", "Would be selected but improved by the exemption month."),
    "manual": Column("", "included or excluded by hand (reason in the scenario), else blank."),
    "tests_failed": Column("tests", "Number of the scenario's tests the council fails."),
    "conditioned": Column(POUNDS, "Kept by the council but spent only as the condition says."),
    "condition_released": Column("", "The condition was released by the scenario's trigger."),
    "withheld": Column(POUNDS, "Taken from the council's allocation (reduction)."),
    "received": Column(POUNDS, "Redistributed to the council from money withheld elsewhere."),
    "final_allocation": Column(POUNDS, "allocation_total - withheld + received."),
    "change": Column(POUNDS, "final_allocation - allocation_total."),
    "change_pct": Column(PERCENT, "change / allocation_total x 100."),
    "composite_score": Column("score", "Composite score of the tests (higher is worse)."),
    "flip_beds_per_day": Column(
        BEDS,
        "Smallest change in the council's delayed beds a day that flips its selection, "
        "found by re-running the tests on changed data (other councils unchanged): "
        "negative, the cut that clears a selected council; positive, the rise that selects "
        "another. Blank where no change tried flips it, or a composite score, a manual "
        "list or missing data decides.",
    ),
    "flip_delays": Column("", "The delays that change: social care or NHS."),
    "flip_months": Column(
        "",
        "The months that change: one month the tests read, or each month they read by the "
        "same amount.",
    ),
    "data_month": Column("YYYY-MM", "Latest month of DToC data the tests use."),
}

# Four columns per test, named after the test's id in the scenario.
TEST_COLUMNS: dict[str, Column] = {
    "value": Column(
        RATE, "The measured value: rate, gap to expectation or change, by the test's kind."
    ),
    "fail": Column("", "The council fails this test."),
    "margin": Column(RATE, "Value minus the test's line; positive fails by that much."),
    "margin_beds": Column(BEDS, "The margin as delayed beds a day for this council."),
}

PROJECTION_COLUMNS: dict[str, Column] = {
    "gss_code": COUNCIL_COLUMNS["gss_code"],
    "month": Column("YYYY-MM", "Projected month, 2018-04 to 2019-03."),
    "attribution": Column("", "social_care, social_care_and_both, nhs or total."),
    "baseline_beds_p50": Column(
        BEDS, "Counterfactual without the scenario (central: status-quo money, no noise)."
    ),
    "scenario_beds_p10": Column(BEDS, "With the scenario, 10th percentile."),
    "scenario_beds_p50": Column(BEDS, "With the scenario, median (evidence and noise)."),
    "scenario_beds_p90": Column(BEDS, "With the scenario, 90th percentile."),
}

NATIONAL_COLUMNS: dict[str, Column] = {
    "month": PROJECTION_COLUMNS["month"],
    "statistical_baseline": Column(
        BEDS, "England statistical forecast, before the status-quo money change."
    ),
    "baseline": Column(BEDS, "England counterfactual without the scenario, median."),
    "baseline_p10": Column(BEDS, "England counterfactual, 10th percentile."),
    "baseline_p90": Column(BEDS, "England counterfactual, 90th percentile."),
    "p10": Column(BEDS, "England with the scenario, 10th percentile."),
    "p50": Column(BEDS, "England with the scenario, median."),
    "p90": Column(BEDS, "England with the scenario, 90th percentile."),
    "ambition": Column(BEDS, "The national ambition the path is measured against."),
}

BREAKDOWN_COLUMNS: dict[str, Column] = {
    "councils": Column("councils", "Councils in the group."),
    "selected": Column("councils", "Councils selected in the group."),
    **{
        k: COUNCIL_COLUMNS[k]
        for k in ("allocation_total", "conditioned", "withheld", "received", "final_allocation")
    },
    "change": COUNCIL_COLUMNS["change"],
    "change_pct": Column("% of the group's 2018/19 allocation", "change / allocation_total x 100."),
}

PER_ADULT = "£ per adult 18+"
DISTRIBUTION_COLUMNS: dict[str, Column] = {
    "section": Column(
        "",
        "group (one group of councils), total (England), equity (one measure) or "
        "largest_loss (one council).",
    ),
    "dimension": Column(
        "",
        "For groups: deprivation_decile (IoD2015 council average score, deciles of councils, "
        "1 most deprived), region, authority_type, rural_urban (Defra 2011 class) or "
        "asc_spend_per_adult (ASC gross current spend 2016-17 per adult, fifths of "
        "councils); for equity rows the measure's key.",
    ),
    "group": Column(
        "", "The group (decile, region, class, spend band), the measure's name or the rank."
    ),
    "gss_code": Column("", "Largest losses only: the council's code ('hidden' in workshops)."),
    "council": Column("", "Largest losses only: the council (its alias in workshops)."),
    "councils": Column("councils", "Councils in the group."),
    "adults_18plus": Column("people", "Adults 18+ in the group, ONS mid-2017."),
    "conditioned": COUNCIL_COLUMNS["conditioned"],
    "withheld": COUNCIL_COLUMNS["withheld"],
    "received": COUNCIL_COLUMNS["received"],
    "change": Column(POUNDS, "Net change: received - withheld."),
    "change_per_adult": Column(PER_ADULT, "change / adults 18+ of the group (or council)."),
    "beds_freed": Column(
        BEDS, "Central projected beds freed in 2018/19 by the group's councils (blank unprojected)."
    ),
    "councils_gaining": Column("councils", "Councils whose allocation rises."),
    "councils_losing": Column("councils", "Councils whose allocation falls."),
    "baseline": Column(
        "", "Equity rows: the measure of £ per adult on the 2018/19 allocations (spreads only)."
    ),
    "option": Column("", "Equity rows: the measure under the option (or of the change)."),
    "measure_change": Column("", "Equity rows: option - baseline (the correlation itself)."),
    "meaning": Column("", "Equity rows: what the measure says, in one line."),
}

SHARE = "0-1"
STABILITY_COLUMNS: dict[str, Column] = {
    "section": Column("", "option (the list as a whole, first row) or council."),
    "gss_code": Column("", "The council's code ('hidden' in workshops; blank for the option)."),
    "council": Column("", "The council (its alias in workshops), or 'All councils'."),
    "selected": Column(
        "", "Selected by the scenario as set (the option row: how many councils are)."
    ),
    "selected_share": Column(
        SHARE,
        "Share of the plausible variants (data months back 0-3, each social care "
        "attribution basis, seeded rank noise) that select the council; the option row: "
        "the mean overlap (Jaccard) of each variant's list with the scenario's own.",
    ),
    "share_noise_only": Column(
        SHARE, "Share selecting it with the scenario's months and basis, noise alone."
    ),
    "share_earlier_months": Column(
        SHARE, "Share selecting it with data 1-3 months older, no noise (either basis)."
    ),
    "share_other_basis": Column(
        SHARE, "Share selecting it on the other social care basis (with or without 'both')."
    ),
    "status": Column(
        "",
        "firm in (selected in at least 90% of variants), firm out (at most 10%) or "
        "fragile; the option row: the counts and how often the very same list comes back.",
    ),
    "flip_condition": Column(
        "", "Fragile councils: the smallest change that flips the council (distance to clear)."
    ),
    "variants": Column("variants", "Variants run."),
}

INCENTIVE_COLUMNS: dict[str, Column] = {
    "gss_code": Column("", "The council's code ('hidden' in workshops)."),
    "council": Column("", "The council (its alias in workshops)."),
    "selected": COUNCIL_COLUMNS["selected"],
    "at_stake": Column(POUNDS, "The council's own money at stake: conditioned + withheld."),
    "cliff_up": Column(
        POUNDS,
        "More at stake with one more delayed bed a day (social care) in the judgement month, "
        "lines set by other councils held where they were.",
    ),
    "cliff_down": Column(POUNDS, "Less at stake with one fewer delayed bed a day."),
    "switch_to_nhs": Column(
        POUNDS, "Less at stake if 5% of its social care delays were recorded as NHS delays."
    ),
    "switch_to_both": Column(POUNDS, "Less at stake if 5% were recorded as attributable to both."),
    "clears_by_switch": Column("", "Selected, and would not be after either re-recording."),
    "timing": Column(
        POUNDS, "Money that moves if the judgement month read like the month before (timing)."
    ),
    "relative_tests_failed": Column(
        "tests",
        "Relative tests (worst quartile, worst n) it fails: such a test fails the same "
        "number of councils whatever every council does.",
    ),
}

SCORECARD_COLUMNS: dict[str, Column] = {
    "figure": Column("", "The published figure, in words, with its unit."),
    "published": Column("", "As published."),
    "model": Column("", "The model's figure on the bundled data (blank where none)."),
    "label": Column(
        "",
        "reproduced (within the published rounding), close (within 10%, with the reason), "
        "not reproduced (further, with the reason) or not comparable (an input, a target "
        "or a criterion, or another measure, with the reason).",
    ),
    "reason": Column("", "Why the figures differ, or why they cannot be compared."),
    "data": Column(
        "",
        "What the model's figure comes from: the DToC figures it reads (revised, 14 June "
        "2018), 'allocations', or the data it sums (population, CTR returns, reported "
        "2018-19 outturn, ...).",
    ),
    "source": Column("", "Where the published figure comes from."),
    "recorded_in": Column(
        "",
        "Where the project records the published figure: a file in data/raw/ or a shipped "
        "scenario's reconciliation.",
    ),
    "names_council": Column("", "The row is about one named council (left out in workshops)."),
}

COMPARE_COLUMNS: dict[str, Column] = {
    "sN_selected": Column("", "Selected under scenario N (s1 to s4, in the order given)."),
    "sN_conditioned": Column(POUNDS, "Money conditioned under scenario N."),
    "sN_final_allocation": Column(POUNDS, "Final allocation under scenario N."),
    "sN_change": Column(POUNDS, "Change from allocation_total under scenario N."),
    "differs": Column("", "Status or final allocation differs between the scenarios."),
}

SUMMARY_KEYS: dict[str, Column] = {
    "scenario": Column("", "Scenario name."),
    "scenario_hash": Column("", "Hash of the scenario's content (metadata excluded)."),
    "data_hash": Column("", "Hash of the input data files."),
    "model_version": Column("", "Version of the simulator that produced the results."),
    "year": COUNCIL_COLUMNS["year"],
    "data_month": COUNCIL_COLUMNS["data_month"],
    "allocation_status": Column(
        "",
        "'reported 2018-19 outturn for N councils; the rest reconstructed: precept "
        "equalisation' (the method named) unless the official table is loaded.",
    ),
    "councils_selected": Column("councils", "Councils selected."),
    "councils_conditioned": Column("councils", "Councils with money conditioned."),
    "councils_reduced": Column("councils", "Councils with money withheld."),
    "councils_receiving": Column("councils", "Councils receiving redistributed money."),
    "total_baseline": Column(POUNDS, "Sum of allocation_total (£1,499m)."),
    "total_conditioned": Column(POUNDS, "Sum of conditioned."),
    "total_withheld": Column(POUNDS, "Sum of withheld."),
    "total_received": Column(POUNDS, "Sum of received."),
    "total_retained": Column(
        POUNDS, "Withheld and kept by the centre: it leaves local government (rule retain)."
    ),
    "total_final": Column(POUNDS, "Sum of final_allocation; equals total_baseline - retained."),
    "ledger_balanced": Column("", "withheld = received + retained, to the pound."),
    "redistribution_rule": Column("", "Where withheld money goes."),
    "retained_warning": Column(
        "",
        "Only when total_retained is above £0: the amount retained by the centre beside the "
        "10 October 2017 letter's words that all iBCF funding remains in local government.",
    ),
    "option_summary": Column("", "The option in plain English, generated from the scenario."),
    "projection_year": Column("", "Year projected (2018/19)."),
    "projection_method": Column("", "Counterfactual method (see docs/projection.md)."),
    "evidence_set": Column(
        "", "Evidence set for the response (" + ", ".join(EVIDENCE_SET_NAMES) + ")."
    ),
    "headline": Column("", "Beds freed in words, naming the evidence set."),
    "beds_freed": Column(
        BEDS, "Total delays, England, 2018/19 average: p10, p50, p90 (evidence and noise)."
    ),
    "beds_freed_evidence": Column(BEDS, "As beds_freed, evidence uncertainty alone."),
    "beds_freed_social_care": Column(
        BEDS, "Secondary: social care attribution, evidence alone (re-coding caveat)."
    ),
    "default_evidence_set": Column("", "The default evidence set (from the published literature)."),
    "beds_freed_by_evidence_set": Column(
        BEDS,
        "As beds_freed under every evidence set side by side: <set>.p10, <set>.p50, <set>.p90 "
        "(the chosen set's equal beds_freed).",
    ),
    "evidence_sets_text": Column("", "Every evidence set's P50 (P10-P90) in one sentence."),
    "detectability": Column(
        "",
        "Whether the effect under the default evidence could be seen in the 2018/19 data: "
        "its P50 against the forecast band, nationally and for the selected councils.",
    ),
    "gross": Column(BEDS, "Central beds_gained, beds_lost and net, before netting."),
    "forecast_noise": Column(
        BEDS, "National baseline, 2018/19 average, and its p10/p90 from forecast noise alone."
    ),
    "status_quo_beds": Column(BEDS, "Beds freed in the baseline by the status-quo money change."),
    "delayed_days_avoided": Column("delayed days", "England, 2018/19, central."),
    "nhs_value_gbp": Column(
        "£", "notional (x £313) and cash-releasing (x £75.2); never set against iBCF money."
    ),
    "probability_ambition_met": Column("0-1", "Share of draws meeting the national ambition."),
    "probability_ambition_met_no_change": Column(
        "0-1", "The same share with no change (same draws): the baseline of the chance."
    ),
    "probability_ambition_met_change": Column(
        "0-1", "The option's effect on the chance: probability_ambition_met less no change."
    ),
    "seed": Column("", "Random seed of the Monte Carlo (same seed, same numbers)."),
    "draws": Column("draws", "Number of Monte Carlo draws."),
}

FILES: list[tuple[str, str, dict[str, Column]]] = [
    ("councils.csv", "One row per council (152).", COUNCIL_COLUMNS),
    (
        "councils.csv, per test",
        "Four columns per test, each prefixed with the test's id (e.g. `rate_quartile_`).",
        {f"<id>_{k}": v for k, v in TEST_COLUMNS.items()},
    ),
    ("summary.json", "One object; `beds_freed` holds p10, p50, p90.", SUMMARY_KEYS),
    ("projection.csv", "One row per council, month and attribution basis.", PROJECTION_COLUMNS),
    ("report.xlsx, Projection national", "One row per month, England.", NATIONAL_COLUMNS),
    ("report.xlsx, By region / type / DToC quartile", "One row per group.", BREAKDOWN_COLUMNS),
    (
        "distribution.csv",
        "Who bears the option (also the Excel pack's Distribution sheet): money and beds by "
        "deprivation decile, region, authority type, rural-urban class and ASC spend per "
        "adult, the England total, the equity measures and the largest losses.",
        DISTRIBUTION_COLUMNS,
    ),
    (
        "stability.csv",
        "How firm the list is (also the Excel pack's Stability sheet): the option first, "
        "then one row per council, the most fragile first.",
        STABILITY_COLUMNS,
    ),
    (
        "incentives.csv",
        "What the option rewards (also the Excel pack's Incentives sheet): one row per "
        "council, the most exposed first; blank where a composite score decides.",
        INCENTIVE_COLUMNS,
    ),
    (
        "scorecard.csv",
        "`ibcf replay --out`: every published figure the project records beside the model's.",
        SCORECARD_COLUMNS,
    ),
    (
        "compare.csv",
        "One row per council; also gss_code, council, region, authority_type, "
        "allocation_total as in councils.csv. `compare_summary.csv` has one row per "
        "summary.json key (with its unit) and one column per scenario; `compare.xlsx` "
        "holds both, the councils that differ, each scenario and the caveats.",
        COMPARE_COLUMNS,
    ),
]

_COMPARE = re.compile(r"^s[1-4]_(?P<part>selected|conditioned|final_allocation|change)$")


def describe(column: str, test_ids: tuple[str, ...] = ()) -> Column | None:
    """Unit and meaning of an output column, or None if the contract does not know it.

    >>> describe("withheld").unit
    '£ (whole pounds, 2018/19)'
    >>> describe("gap_margin_beds", ("gap",)).unit
    'average delayed beds a day'
    >>> describe("s2_change").meaning
    'Change from allocation_total under scenario N.'
    """
    for table in (
        COUNCIL_COLUMNS,
        PROJECTION_COLUMNS,
        NATIONAL_COLUMNS,
        BREAKDOWN_COLUMNS,
        DISTRIBUTION_COLUMNS,
        STABILITY_COLUMNS,
        INCENTIVE_COLUMNS,
    ):
        if column in table:
            return table[column]
    for test_id in test_ids:
        if column.startswith(f"{test_id}_") and column[len(test_id) + 1 :] in TEST_COLUMNS:
            return TEST_COLUMNS[column[len(test_id) + 1 :]]
    if m := _COMPARE.match(column):
        return COMPARE_COLUMNS[f"sN_{m['part']}"]
    return COMPARE_COLUMNS.get(column) or SUMMARY_KEYS.get(column)


def excel_format(unit: str) -> str | None:
    """The Excel number format for a unit: pounds, percent (values already x100), beds.

    >>> excel_format(POUNDS)
    '"£"#,##0'
    >>> excel_format(PERCENT)
    '0.00"%"'
    """
    if unit.startswith("£"):
        return '"£"#,##0'
    if unit.startswith("%"):
        return '0.00"%"'
    if unit in (BEDS, RATE):
        return "#,##0.00"
    if unit in ("people", "delayed days"):
        return "#,##0"
    if unit == "0-1":
        return "0.0%"
    return None


def outputs_reference() -> str:
    """docs/outputs.md: every output file's columns, units and meanings (Markdown)."""
    lines = [
        "# Output reference",
        "",
        "Generated by `ibcf schema --outputs` from `simulator/reports/columns.py`; the Excel",
        "pack's Columns sheet says the same. Money is in whole pounds of 2018/19; allocations",
        "are reconstructed unless the official table is loaded (see `data/README.md`).",
        "",
        "Text is always text. In a CSV, a text cell that a spreadsheet would run as a formula",
        "(one starting with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed, or",
        "the full-width `＝ ＋ － ＠`) starts with an apostrophe: `'=SUM(A1)`, and text that",
        "already started with an apostrophe gets a second; a program reading the CSV removes",
        "one leading `'` from every cell that has one to get the text back exactly. A",
        "carriage return inside a cell is written as a line feed. In the Excel workbooks",
        "every text cell is a string cell (never a formula), such cells are marked to stay",
        "text when edited, and no apostrophe is added. Control characters a file cannot",
        "hold are written as their visible Unicode symbols (U+0007 as `␇`); text longer",
        "than an Excel cell holds (32,767 characters) is cut and says so. The rules live in",
        "`simulator/cells.py`.",
    ]
    for name, note, table in FILES:
        lines += ["", f"## {name}", "", note, "", "| Column | Unit | Meaning |", "|---|---|---|"]
        lines += [f"| `{col}` | {c.unit} | {c.meaning} |" for col, c in table.items()]
    return "\n".join(lines) + "\n"
