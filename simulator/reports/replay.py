"""The 2017 replay: who each rule would have selected at each decision date, and a
reconciliation scorecard of every published figure the project knows.

Decision dates (the data month each reads): the July 2017 expectations (February 2017
baseline), the 10 October 2017 letters (July 2017 data), the September 2017 data (the
month the expectations were for), the December 2017 tests (November 2017 data) and the
end of 2017/18 (March 2018 data). Each rule is a shipped scenario with tests, its
windows moved to the date's data month (as :func:`simulator.reports.stability.shifted`
moves them).

Each scorecard row is labelled *reproduced* (equal within the published figure's
rounding), *close* (within 10%, with the reason), *differs* (further, with the reason)
or *not comparable* (a target or a criterion, not a measured figure), with its source.
DToC figures here are NHS England's **revised** figures (revision of 14 June 2018),
not the figures as first published: the ``data`` column says so beside each figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result, data_month, evaluate
from simulator.inputs.data import Dataset
from simulator.reports.letter import letter_figures
from simulator.reports.stability import shifted
from simulator.reports.words import counted
from simulator.schema.calendar import month_index, month_name
from simulator.schema.scenario import Scenario
from simulator.schema.vocabulary import ATTRIBUTIONS

CLOSE = 0.10  # within 10%: close
REVISED = "revised (NHS England, 14 June 2018)"
FIRST_PUBLISHED = "first published"
DATES = (
    ("2017-07", "10 October 2017 letters (July 2017 data)"),
    ("2017-09", "September 2017 data (the month the expectations were for)"),
    ("2017-11", "December 2017 tests (November 2017 data)"),
    ("2018-03", "End of 2017/18 (March 2018 data)"),
)
SC = ATTRIBUTIONS.index("social_care")
TOTAL = ATTRIBUTIONS.index("total")
HSJ_NOV_2017 = (
    "HSJ/LGC 'Analysis: DTOCs fall but councils still miss government targets' (Nov 2017)"
)
SHROPSHIRE = "Shropshire Council performance portal 'Delayed transfer from hospital'"
NHSE = "NHS England DToC monthly situation report, LA Type B (data/raw/SOURCES.md)"


@dataclass(frozen=True)
class Step:
    month: str
    label: str
    rule: str
    selected: list[str]  # council names
    codes: list[str]  # their GSS codes, for workshop labels


def at_month(scenario: Scenario, month: str) -> Scenario:
    """``scenario`` with its tests moved so that its latest data month is ``month``."""
    k = month_index(data_month(scenario)) - month_index(month)
    return shifted(scenario, k, basis=False)


def replay_steps(rules: list[Scenario], data: Dataset) -> list[Step]:
    """Who each rule (a scenario with tests) selects at each decision date."""
    steps = []
    for month, label in DATES:
        for rule in rules:
            if not rule.selection.tests:
                continue
            result = evaluate(at_month(rule, month), data)
            chosen = result.table.loc[result.table["selected"]]
            steps.append(
                Step(
                    month,
                    label,
                    rule.name,
                    chosen["council"].tolist(),
                    chosen["gss_code"].tolist(),
                )
            )
    return steps


def label(published: float, model: float, rounding: float) -> str:
    """reproduced / close / differs.

    >>> label(9.7, 9.74, 0.05), label(32, 37, 0), label(92, 130, 0.5)
    ('reproduced', 'differs', 'differs')
    >>> label(6_660, 6_655.2, 0.5)
    'close'
    """
    if abs(model - published) <= rounding + 1e-9:
        return "reproduced"
    if published and abs(model - published) / abs(published) <= CLOSE:
        return "close"
    return "differs"


def _row(
    figure: str, published: float | str, model: float | str, status: str, reason: str,
    source: str, data: str = REVISED,
) -> dict[str, object]:  # fmt: skip
    return {
        "figure": figure,
        "published": published,
        "model": model,
        "label": status,
        "reason": reason,
        "data": data,
        "source": source,
    }


def _expectation_rows(result: Result) -> list[dict[str, object]]:
    """The published council expectations beside the reconstructed ones."""
    data = result.data
    feb = data.month_index("2017-02")
    sep = data.month_index("2017-09")
    beds = data.dtoc_beds[:, :, SC]
    expected = result.expected[:, SC]
    why = "expectations reconstructed by rule (60% or two-thirds cut, 2.6 floor) on revised data"
    rows = []
    shrop = data.position("E06000051")
    model = float(expected[shrop])
    rows.append(
        _row(
            "Shropshire: social care expectation for September 2017, beds a day",
            6.7,
            round(model, 2),
            label(6.7, model, 0.05),
            why,
            SHROPSHIRE,
        )
    )
    for code, name, pct in (("E10000014", "Hampshire", 66), ("E10000021", "Northamptonshire", 67)):
        i = data.position(code)
        cut = 100 * (1 - float(expected[i]) / float(beds[i, feb]))
        rows.append(
            _row(
                f"{name}: required cut in social care delays, February to September 2017, %",
                pct,
                round(cut, 1),
                label(pct, cut, 0.5),
                why,
                HSJ_NOV_2017,
            )
        )
    rows.append(
        _row(
            "Shropshire: social care expectation for 2018/19, beds a day",
            1.3,
            "",
            "not comparable",
            "the second year's expectation; the model reconstructs September 2017's only",
            SHROPSHIRE,
        )
    )
    i = data.position("E10000014")
    gap = float(beds[i, sep] - expected[i])
    rows.append(
        _row(
            "Hampshire: September 2017 social care delays above its expectation, a day",
            112,
            round(gap, 1),
            label(112, gap, 0.5),
            why,
            HSJ_NOV_2017,
        )
    )
    i = data.position("E10000021")
    for month, published in (("2017-02", 51), ("2017-09", 85)):
        value = float(beds[i, data.month_index(month)])
        rows.append(
            _row(
                f"Northamptonshire: social care delays a day, {month_name(month)}",
                published,
                round(value, 1),
                label(published, value, 0.5),
                "revised data; the press figure is rounded",
                HSJ_NOV_2017,
            )
        )
    return rows


def _national_rows(data: Dataset) -> list[dict[str, object]]:
    feb, sep = data.month_index("2017-02"), data.month_index("2017-09")
    dec = data.month_index("2017-12")
    days = data.england_days
    revised = "the revision of 14 June 2018 restated April to September 2017"
    rows = [
        _row(
            "England: delayed beds a day, February 2017 (the published baseline)",
            6_660, round(float(data.england_beds[feb, TOTAL]), 1),
            label(6_660, float(data.england_beds[feb, TOTAL]), 0.5),
            "rounded in the source", NHSE,
        ),
        _row(
            "England: total delayed days, September 2017",
            168_302, int(days[sep, TOTAL]), label(168_302, float(days[sep, TOTAL]), 0),
            revised, NHSE + "; first published figure", FIRST_PUBLISHED + " vs " + REVISED,
        ),
        _row(
            "England: social care delayed days, September 2017",
            61_147, int(days[sep, SC]), label(61_147, float(days[sep, SC]), 0),
            revised, NHSE + "; first published figure", FIRST_PUBLISHED + " vs " + REVISED,
        ),
        _row(
            "England: delayed beds a day, December 2017 (about)",
            4_680, round(float(data.england_beds[dec, TOTAL]), 1),
            label(4_680, float(data.england_beds[dec, TOTAL]), 5),
            "the source says 'about'", NHSE,
        ),
    ]  # fmt: skip
    rate = 100_000 * float(data.england_beds[sep, TOTAL]) / float(data.adults.sum())
    rows += [
        _row(
            "National ambition: total delayed beds a day per 100,000 adults, September 2017",
            9.4, round(rate, 2), "not comparable",
            "a target, not a measured figure; the model's figure is England's actual rate",
            "Written Ministerial Statement, 3 July 2017; LGC/Impower",
        ),
        _row(
            "National ambition: delays at 3.5% of occupied beds, September 2017",
            3.5, "", "not comparable",
            "occupied hospital beds are not in the project's data",
            "Written Ministerial Statement, 3 July 2017",
        ),
        _row(
            "National ambition: 2,000 to 3,000 beds freed before winter",
            "2,000 to 3,000",
            round(float(data.england_beds[feb, TOTAL] - data.england_beds[sep, TOTAL]), 0),
            "not comparable",
            "an aim; the model's figure is the actual fall, February to September 2017",
            "HSJ, 3 July 2017",
        ),
        _row(
            "December 2017 test 5: social care rate at or below, per 100,000 adults",
            2.6, "", "not comparable",
            "a criterion the December scenario uses as an input",
            "Impower INDEX, summarising the December 2017 letters",
        ),
    ]  # fmt: skip
    return rows


def _letter_rows(october: Result) -> list[dict[str, object]]:
    rec = october.scenario.reconciliation
    if rec is None:
        return []
    rows = []
    for fact in rec.facts:
        if fact.measure == "councils_selected":
            model = float(october.summary["councils_selected"])
            rows.append(
                _row(
                    f"{rec.document.capitalize()}: {fact.label or 'councils'}",
                    fact.published,
                    int(model),
                    label(fact.published, model, 0),
                    rec.reason,
                    rec.source,
                )
            )
        elif fact.gss_code is not None:
            i = october.data.position(fact.gss_code)
            rate, beds = letter_figures(october, i)
            value, rounding = (rate, 0.05) if fact.measure == "rate" else (beds, 0.5)
            name = october.table["council"].iloc[i]
            rows.append(
                _row(
                    f"{name}: {fact.label}",
                    fact.published,
                    round(value, 2),
                    label(fact.published, value, rounding),
                    rec.reason,
                    rec.source,
                )
            )
    return rows


def _allocation_rows(data: Dataset) -> list[dict[str, object]]:
    rows = []
    known = data.known_figures
    for _, r in known.iterrows():
        published, model = float(r["published"]), float(r["reconstructed"])
        status = (
            "reproduced"
            if r["within_rounding"]
            else "close"
            if abs(model - published) <= CLOSE * abs(published)
            else "differs"
        )
        rows.append(
            _row(
                f"{r['council']}: {str(r['element']).replace('_', ' ')} {r['year']}, £",
                int(published),
                int(model),
                status,
                f"allocations reconstructed ({data.allocation_status}); published {r['precision']}",
                str(r["source"]),
                "allocations",
            )
        )
    return rows


NATIONAL = ("England", "National", "December 2017", "The letter")


def scorecard(october: Result, december: Result) -> pd.DataFrame:
    """Every published figure the project knows beside the model's, labelled;
    ``names_council`` marks the rows about one named council (left out in workshops)."""
    data = october.data
    rows = [
        *_letter_rows(october),
        *_expectation_rows(december),
        *_national_rows(data),
        *_allocation_rows(data),
    ]
    card = pd.DataFrame(rows)
    card["names_council"] = ~card["figure"].str.startswith(NATIONAL)
    return card


def replay_lines(steps: list[Step], card: pd.DataFrame, names: bool = True) -> list[str]:
    """The replay in words: each date, each rule, who; then the scorecard."""
    lines = []
    for month, label_ in DATES:
        lines.append(f"{label_}:")
        for step in (s for s in steps if s.month == month):
            who = ", ".join(step.selected) if names else ""
            lines.append(
                f"  {step.rule}: {len(step.selected)} selected" + (f": {who}" if who else "")
            )
    counts = card["label"].value_counts()
    lines.append(
        "Scorecard of published figures ("
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("reproduced", "close", "differs"))
        + f", {counts.get('not comparable', 0)} not comparable):"
    )
    for _, r in card.iterrows():
        model = _shown(r["model"]) if r["model"] != "" else "-"
        lines.append(
            f"  [{r['label']}] {r['figure']}: published {_shown(r['published'])}, model {model} "
            f"({r['data']}); {r['reason']}. Source: {r['source']}"
        )
    return lines


def _shown(value: object) -> str:
    """A figure as printed: whole numbers with thousands separators, others as given.

    >>> _shown(32.0), _shown(168302), _shown(9.55), _shown("2,000 to 3,000")
    ('32', '168,302', '9.55', '2,000 to 3,000')
    """
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        number = float(value)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0")
    return str(value)


def expectations_line(result: Result) -> str:
    """The July 2017 step: expectations set on the February to April 2017 baseline."""
    known = np.isfinite(result.expected[:, SC]) & result.data.has_dtoc
    total = float(np.nansum(result.expected[known, SC]))
    return (
        "July 2017 expectations (February to April 2017 baseline): "
        f"{counted(int(known.sum()), 'council')} given a reconstructed social care expectation for "
        f"September 2017, {total:,.0f} social care delayed beds a day in all"
    )


def expectation_counts(result: Result, month: str) -> tuple[int, int]:
    """Councils at or below / above their reconstructed social care expectation in
    ``month`` (councils with data only)."""
    data = result.data
    beds = data.dtoc_beds[:, data.month_index(month), SC]
    known = np.isfinite(beds)
    above = known & (beds > result.expected[:, SC])
    return int((known & ~above).sum()), int(above.sum())
