"""Column headings as people read them: a label and its unit, from the output contract.

The app's tables and charts show ``Allocation before review (£)`` where the files
(shared with analysts' scripts) keep ``allocation_total``. The unit of every heading
comes from the model's output contract (:mod:`simulator.reports.columns`, through
:mod:`app.services`), the one table of what each output column means;
only the words are chosen here.
"""

from __future__ import annotations

from app import services
from app.services import describe

WORDS: dict[str, str] = {
    "year": "Year",
    "gss_code": "GSS code",
    "council": "Council",
    "region": "Region",
    "authority_type": "Authority type",
    "dtoc_quartile": "DToC quartile",
    "adults_18plus": "Adults 18+",
    "allocation_original": "Original element",
    "allocation_spring_budget": "Spring Budget element",
    "allocation_total": "Allocation before review",
    "allocation_status": "Allocation status",
    "allocation_source": "Allocation source",
    "report_status": "Reported 2018-19 figure",
    "has_dtoc_data": "Has DToC data",
    "in_scope": "In scope",
    "selected": "Selected",
    "exempt": "Exempt",
    "manual": "Chosen by hand",
    "tests_failed": "Tests failed",
    "conditioned": "Conditioned",
    "condition_released": "Condition released",
    "withheld": "Withheld",
    "received": "Redistributed to it",
    "final_allocation": "Final allocation",
    "change": "Change",
    "change_pct": "Change",
    "composite_score": "Composite score",
    "flip_beds_per_day": "Change that flips its status",
    "flip_delays": "Delays that change",
    "flip_months": "Months that move",
    "data_month": "Data month",
    "councils": "Councils",
    "month": "Month",
    "attribution": "Delays attributed to",
    "baseline": "No change, central",
    "baseline_p10": "No change, low (P10)",
    "baseline_p90": "No change, high (P90)",
    "p10": "With the scenario, low (P10)",
    "p50": "With the scenario, central (P50)",
    "p90": "With the scenario, high (P90)",
    "ambition": "National ambition",
    "differs": "Differs",
}
TEST_WORDS = {
    "value": "value",
    "fail": "fails",
    "margin": "margin",
    "margin_beds": "margin",
}
# The contract's units, as a heading's short suffix ("" where the label says it).
UNITS = {
    services.POUNDS: "£",
    services.PERCENT: "%",
    services.BEDS: "beds a day",
    services.RATE: "per 100,000 adults",
    "% of the group's 2018/19 allocation": "%",
    "people": "people",
    "delayed days": "delayed days",
    "£": "£",
}


def unit_suffix(unit: str) -> str:
    """The short unit a heading carries.

    >>> unit_suffix(services.POUNDS), unit_suffix(services.RATE), unit_suffix("YYYY-MM")
    ('£', 'per 100,000 adults', '')
    """
    return UNITS.get(unit, "")


def heading(column: str, tests: dict[str, str] | None = None) -> str:
    """A column's heading: its words and, where it has one, its unit.

    ``tests`` maps test ids to their labels, for the four columns each test adds.

    >>> heading("allocation_total"), heading("change_pct"), heading("gss_code")
    ('Allocation before review (£)', 'Change (%)', 'GSS code')
    >>> heading("flip_beds_per_day")
    'Change that flips its status (beds a day)'
    >>> heading("rate_margin_beds", {"rate": "Worst quartile: rate"})
    'Worst quartile: rate: margin (beds a day)'
    >>> heading("an_unknown_column")
    'An unknown column'
    """
    tests = tests or {}
    entry = describe(column, tuple(tests))
    words = WORDS.get(column)
    if words is None:
        for test_id, label in tests.items():
            part = column[len(test_id) + 1 :]
            if column.startswith(f"{test_id}_") and part in TEST_WORDS:
                words = f"{label or test_id}: {TEST_WORDS[part]}"
                break
    if words is None:
        text = column.replace("_", " ").strip()
        words = text[:1].upper() + text[1:]
    suffix = unit_suffix(entry.unit) if entry else ""
    return f"{words} ({suffix})" if suffix else words


def headings(names: list[str], tests: dict[str, str] | None = None) -> dict[str, str]:
    """Headings for several columns at once."""
    return {name: heading(name, tests) for name in names}
