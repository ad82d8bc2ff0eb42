"""The 2017 replay: who each rule would have selected at each decision date, and a
reconciliation scorecard of every published figure the project records.

Decision dates (the data month each reads): the July 2017 expectations (February 2017
baseline), the 10 October 2017 letters (July 2017 data), the September 2017 data (the
month the expectations were for), the December 2017 tests (November 2017 data) and the
end of 2017/18 (March 2018 data). Each rule is a shipped scenario with tests, its
windows moved to the date's data month (as :func:`simulator.reports.stability.shifted`
moves them).

The scorecard has a row for every published figure the project records: the letters'
figures (the October scenario's reconciliation), ``dtoc_expectations_2017.csv``,
``ibcf_known_figures.csv``, ``asc_rnf_checkpoints.csv`` and the published checks named
in ``data/raw/SOURCES.md`` (``recorded_in`` says which). Each row carries one of four
labels (:data:`LABELS`), its reason where it is not *reproduced*, and its source:

- *reproduced*: the model's figure equals the published one within its rounding;
- *close*: within 10%, with the reason it differs;
- *not reproduced*: further than 10%, with the reason (e.g. 37 councils selected on
  revised data against 32 written to);
- *not comparable*: no like-for-like figure, with the reason: an input, not an output
  (a pot the model shares out, a need share it reads, a projection parameter), a target
  or a criterion, or another measure.

DToC figures here are NHS England's **revised** figures (revision of 14 June 2018),
not the figures as first published: the ``data`` column says so beside each figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result, data_month, evaluate
from simulator.inputs import allocation
from simulator.inputs.data import WINTER_PRESSURES_POT, Dataset
from simulator.reports.letter import letter_figures
from simulator.reports.stability import shifted
from simulator.reports.words import counted
from simulator.schema.calendar import month_index, month_name
from simulator.schema.scenario import Scenario
from simulator.schema.vocabulary import ATTRIBUTIONS

CLOSE = 0.10  # within 10%: close
# Each scorecard row's label, and what it means.
LABELS = {
    "reproduced": "within the published figure's rounding",
    "close": "within 10%, with the reason",
    "not reproduced": "further than 10%, with the reason",
    "not comparable": "an input, a target or a criterion, or another measure, with the reason",
}
# Where the project records the published figures (a scorecard row's ``recorded_in``).
SOURCES_MD = "data/raw/SOURCES.md"
PARAMETERS = "projection parameters"
EXPECTATIONS_CSV = "data/raw/dtoc_expectations_2017.csv"
KNOWN_CSV = "data/raw/ibcf_known_figures.csv"
RNF_CSV = "data/raw/asc_rnf_checkpoints.csv"
ENGLAND = "E92000001"
DEVON = "E10000008"
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
    """reproduced / close / not reproduced (see :data:`LABELS`).

    >>> label(9.7, 9.74, 0.05), label(32, 37, 0), label(92, 130, 0.5)
    ('reproduced', 'not reproduced', 'not reproduced')
    >>> label(6_660, 6_655.2, 0.5)
    'close'
    """
    if abs(model - published) <= rounding + 1e-9:
        return "reproduced"
    if published and abs(model - published) / abs(published) <= CLOSE:
        return "close"
    return "not reproduced"


def _row(
    figure: str, published: float | str, model: float | str, status: str, reason: str,
    source: str, *, recorded_in: str, data: str = REVISED, names_council: bool = False,
) -> dict[str, object]:  # fmt: skip
    assert status in LABELS, status
    return {
        "figure": figure,
        "published": published,
        "model": model,
        "label": status,
        "reason": reason,
        "data": data,
        "source": source,
        "recorded_in": recorded_in,
        "names_council": names_council,
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
            recorded_in=EXPECTATIONS_CSV,
            names_council=True,
        )
    )
    baseline = float(np.nanmean(beds[shrop, feb : feb + 3]))
    cut = 100 * (1 - model / baseline)
    rows.append(
        _row(
            "Shropshire: required cut in social care delays from the February to April 2017 "
            "baseline, %",
            60,
            round(cut, 1),
            label(60, cut, 0.5),
            why,
            SHROPSHIRE,
            recorded_in=EXPECTATIONS_CSV,
            names_council=True,
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
                recorded_in=EXPECTATIONS_CSV,
                names_council=True,
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
            recorded_in=EXPECTATIONS_CSV,
            names_council=True,
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
            recorded_in=EXPECTATIONS_CSV,
            names_council=True,
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
                recorded_in=EXPECTATIONS_CSV,
                names_council=True,
            )
        )
    return rows


def _national_rows(data: Dataset) -> list[dict[str, object]]:
    feb, sep = data.month_index("2017-02"), data.month_index("2017-09")
    dec = data.month_index("2017-12")
    days = data.england_days
    beds = data.england_beds
    revised = "the revision of 14 June 2018 restated April to September 2017"
    read = "the England row of the data as the model reads it"
    rows = [
        _row(
            "England: delayed beds a day, February 2017 (the published baseline)",
            6_660, round(float(beds[feb, TOTAL]), 1), label(6_660, float(beds[feb, TOTAL]), 0.5),
            "rounded in the source", NHSE, recorded_in=SOURCES_MD,
        ),
        _row(
            "England: total delayed days, September 2017",
            168_302, int(days[sep, TOTAL]), label(168_302, float(days[sep, TOTAL]), 0),
            revised, NHSE + "; first published figure", recorded_in=SOURCES_MD,
            data=FIRST_PUBLISHED + " vs " + REVISED,
        ),
        _row(
            "England: social care delayed days, September 2017",
            61_147, int(days[sep, SC]), label(61_147, float(days[sep, SC]), 0),
            revised, NHSE + "; first published figure", recorded_in=SOURCES_MD,
            data=FIRST_PUBLISHED + " vs " + REVISED,
        ),
        _row(
            "England: total delayed days, September 2017 (revised)",
            168_041, int(days[sep, TOTAL]), label(168_041, float(days[sep, TOTAL]), 0),
            read, NHSE, recorded_in=SOURCES_MD,
        ),
        _row(
            "England: social care delayed days, September 2017 (revised)",
            60_396, int(days[sep, SC]), label(60_396, float(days[sep, SC]), 0),
            read, NHSE, recorded_in=SOURCES_MD,
        ),
        _row(
            "England: total delayed days, December 2017",
            145_040, int(days[dec, TOTAL]), label(145_040, float(days[dec, TOTAL]), 0),
            read, NHSE, recorded_in=SOURCES_MD,
        ),
        _row(
            "England: delayed beds a day, December 2017 (about)",
            4_680, round(float(beds[dec, TOTAL]), 1), label(4_680, float(beds[dec, TOTAL]), 5),
            "the source says 'about'", NHSE, recorded_in=SOURCES_MD,
        ),
    ]  # fmt: skip
    rate = 100_000 * float(beds[sep, TOTAL]) / float(data.adults.sum())
    rows += [
        _row(
            "National ambition: total delayed beds a day per 100,000 adults, September 2017",
            9.4, round(rate, 2), "not comparable",
            "a target, not a measured figure; the model's figure is England's actual rate",
            "Written Ministerial Statement, 3 July 2017; LGC/Impower",
            recorded_in=EXPECTATIONS_CSV,
        ),
        _row(
            "National ambition: delays at 3.5% of occupied beds, September 2017",
            3.5, "", "not comparable",
            "occupied hospital beds are not in the project's data",
            "Written Ministerial Statement, 3 July 2017", recorded_in=EXPECTATIONS_CSV,
        ),
        _row(
            "National ambition: 2,000 to 3,000 beds freed before winter",
            "2,000 to 3,000",
            round(float(beds[feb, TOTAL] - beds[sep, TOTAL]), 0),
            "not comparable",
            "an aim; the model's figure is the actual fall, February to September 2017",
            "HSJ, 3 July 2017", recorded_in=EXPECTATIONS_CSV,
        ),
        _row(
            "December 2017 test 5: social care rate at or below, per 100,000 adults",
            2.6, "", "not comparable",
            "a criterion the December scenario uses as an input",
            "Impower INDEX, summarising the December 2017 letters",
            recorded_in=EXPECTATIONS_CSV,
        ),
    ]  # fmt: skip
    return rows


def _letter_rows(october: Result) -> list[dict[str, object]]:
    rec = october.scenario.reconciliation
    if rec is None:
        return []
    rows = []
    where = scenario_record(october.scenario.name)
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
                    recorded_in=where,
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
                    recorded_in=where,
                    names_council=True,
                )
            )
    return rows


def scenario_record(name: str) -> str:
    """Where a shipped scenario records its published figures (``recorded_in``).

    >>> scenario_record("October 2017 letter")
    "the reconciliation of the scenario 'October 2017 letter'"
    """
    return f"the reconciliation of the scenario '{name}'"


def _allocation_rows(data: Dataset) -> list[dict[str, object]]:
    rows = []
    known = data.known_figures
    for _, r in known.iterrows():
        published, model = float(r["published"]), float(r["reconstructed"])
        national = str(r["gss_code"]) == ENGLAND
        if national:
            status = "not comparable"
            reason = (
                "an input, not an output: the pot the model shares out (its allocations sum "
                "to it by construction)"
            )
        else:
            status = (
                "reproduced"
                if r["within_rounding"]
                else "close"
                if abs(model - published) <= CLOSE * abs(published)
                else "not reproduced"
            )
            reason = (
                f"allocations reconstructed ({data.allocation_status}); published {r['precision']}"
            )
        rows.append(
            _row(
                f"{r['council']}: {str(r['element']).replace('_', ' ')} {r['year']}, £",
                int(published),
                int(model),
                status,
                reason,
                str(r["source"]),
                recorded_in=KNOWN_CSV,
                data="allocations",
                names_council=not national,
            )
        )
    return rows


def _winter_pressures_rows(data: Dataset) -> list[dict[str, object]]:
    """The published winter pressures grants: each council's share of £240m is its ASC
    relative needs share, which the model reads from them (an input)."""
    recon, inputs = data.reconstruction, data.allocation_inputs
    if recon is None or inputs is None or data.rnf_checkpoints is None:
        return []
    pot = WINTER_PRESSURES_POT
    rows = []
    table = data.rnf_checkpoints
    amounts = table["amount"].to_numpy(dtype=float)
    for k, r in enumerate(table.itertuples(index=False)):
        i = data.position(str(r.gss_code))
        amount = float(amounts[k])
        model = round(float(recon.shares[i]) * pot)
        proxy = round(float(inputs.proxy[i]) * pot)
        if np.isnan(inputs.exact[i]):
            low, high = float(inputs.lower[i]) * pot, float(inputs.upper[i]) * pot
            kept = "lies within them and is kept" if low <= proxy <= high else (
                "lies outside them, so the share is moved to the nearer bound"
            )  # fmt: skip
            how = (
                f"holds this council's ASC RNF need share within the published rounding "
                f"(£{low:,.0f} to £{high:,.0f} of £240m); the COVID-19 tranche-1 proxy "
                f"share alone gives £{proxy:,.0f}, which {kept}"
            )
        else:
            how = (
                "sets this council's ASC RNF need share to this figure's share of £240m; "
                f"the COVID-19 tranche-1 proxy share alone would give £{proxy:,.0f}"
            )
        year = "; a 2019-20 grant, read as the same share" if r.year != "2018-19" else ""
        rows.append(
            _row(
                f"{r.council}: winter pressures grant {r.year} (ASC RNF share of £240m), £",
                int(amount),
                model,
                "not comparable",
                f"an input, not an output: the model {how}{year}",
                str(r.source),
                recorded_in=RNF_CSV,
                data="ASC RNF need shares",
                names_council=True,
            )
        )
    return rows


def _input(what: str) -> str:
    return f"an input, not an output: {what}"


def _data_rows(data: Dataset) -> list[dict[str, object]]:
    """The published checks recorded in data/raw/SOURCES.md: totals of the data, the
    national pots, and the published figures the projection takes as parameters."""
    totals = data.check_totals
    councils = data.councils
    ons = "ONS mid-2017 population estimates (small areas, SAPE20DT1), England"
    summed = "the 152 councils in the data, summed"
    rows = [
        _row(
            "England: population, all ages, mid-2017",
            55_619_430,
            int(councils["pop_all_ages"].sum()),
            label(55_619_430, float(councils["pop_all_ages"].sum()), 0),
            summed + "; ONS's estimate for England",
            "ONS mid-2017 population estimate for England",
            data="population",
            recorded_in=SOURCES_MD,
        ),
    ]
    for column, words, published in (
        ("adults_18plus", "adults 18+", 43_752_473),
        ("pop_65plus", "people 65+", 10_030_511),
        ("pop_85plus", "people 85+", 1_352_056),
    ):
        value = float(councils[column].sum())
        rows.append(
            _row(
                f"England: {words}, mid-2017",
                published,
                int(value),
                label(published, value, 0),
                summed + " (the England check recorded with the data)",
                ons,
                data="population",
                recorded_in=SOURCES_MD,
            )
        )
    ctr = "MHCLG Council Tax Requirement returns (CTR1/CTR2) and council tax statistics, 2016-17"
    levied = totals["precept_2016_17"]
    rows += [
        _row(
            "England: councils levying the ASC precept, 2016-17",
            144,
            int(totals["precept_2016_17_councils"]),
            label(144, totals["precept_2016_17_councils"], 0),
            "the CTR returns in the data, counted",
            ctr,
            data="CTR returns",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "England: ASC precept raised, 2016-17, £",
            382_000_000,
            round(levied),
            label(382_000_000, levied, 500_000),
            "the CTR returns in the data, summed; published to the £1m",
            ctr,
            data="CTR returns",
            recorded_in=SOURCES_MD,
        ),
    ]
    inputs = data.allocation_inputs
    if inputs is not None:
        i = data.position(DEVON)
        j = allocation.CTR_YEARS.index("2016-17")
        raised = allocation.PRECEPT_RATE * inputs.band_d[i, j - 1] * inputs.tax_base[i, j]
        rows.append(
            _row(
                "Devon: ASC precept levied, 2016-17, £",
                6_453_089,
                round(float(raised)),
                label(6_453_089, float(raised), 0.5),
                "2% of its 2015-16 Band D times its 2016-17 tax base, as the model works a "
                "precept from the CTR returns",
                ctr + ", Devon",
                data="CTR returns",
                names_council=True,
                recorded_in=SOURCES_MD,
            )
        )
    pot = _input("the pot the model shares out (its allocations sum to it by construction)")
    pots = "Spring Budget 2017 / 2016-17 settlement, as reported by Community Care 8 Mar 2017"
    for year, original, spring in (
        ("2017-18", allocation.ORIGINAL_POTS["2017-18"], allocation.SPRING_BUDGET_POTS["2017-18"]),
        ("2019-20", allocation.ORIGINAL_POTS["2019-20"], allocation.SPRING_BUDGET_POTS["2019-20"]),
    ):
        model_original = (
            int(data.reconstruction.original[year].sum()) if data.reconstruction else ""
        )
        model_spring = (
            int(data.reconstruction.spring_budget[year].sum()) if data.reconstruction else ""
        )
        rows += [
            _row(
                f"England: original iBCF {year}, £",
                original,
                model_original,
                "not comparable",
                pot,
                pots,
                data="allocations",
                recorded_in=SOURCES_MD,
            ),
            _row(
                f"England: Spring Budget iBCF {year}, £",
                spring,
                model_spring,
                "not comparable",
                pot,
                pots,
                data="allocations",
                recorded_in=SOURCES_MD,
            ),
        ]
    total = int(data.allocations["allocation_total"].sum())
    reported = (
        float(np.nansum(data.reported["reported_2018_19"])) if data.reported is not None else 0
    )
    outturn = (
        "MHCLG 'Local authority revenue expenditure and financing: 2018-19 outturn' "
        "(RG form), councils' reports summed"
    )
    rows += [
        _row(
            "England: iBCF 2018-19, both elements, £",
            1_499_000_000,
            total,
            "not comparable",
            pot,
            pots,
            data="allocations",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "England: iBCF 2018-19 allocated, against the councils' reported receipts, £",
            1_499_000_000,
            round(reported),
            label(1_499_000_000, reported, 0),
            "the model's figure is what councils reported receiving, summed; five report £0 "
            "(Richmond upon Thames, Rochdale, Liverpool, St Helens, Sefton), probably booked "
            "elsewhere",
            pots + "; " + outturn,
            data="reported 2018-19 outturn",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "England: ASC support grant 2018-19, £",
            150_000_000,
            round(totals["outturn_asc_support_grant"]),
            label(150_000_000, totals["outturn_asc_support_grant"], 0),
            "the model's figure is what councils reported receiving, summed (£000 as "
            "printed); four report £0 (Warrington, Northumberland, Bradford, Rochdale)",
            "the 2018/19 Adult Social Care Support Grant of £150m as reported "
            "(thisisscillynews.com, 31 Jan 2018); " + outturn,
            data="reported 2018-19 outturn",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "England: winter pressures grant 2018-19, £",
            240_000_000,
            round(totals["outturn_winter_pressures_grant"]),
            label(240_000_000, totals["outturn_winter_pressures_grant"], 0),
            "the model's figure is what councils reported receiving, summed; three report £0 "
            "(Northumberland, Rochdale, Salford); the £240m is an input (each council's "
            "share of it is its ASC RNF share)",
            "the 2018/19 winter pressures grant of £240m as reported (Public Sector "
            "Executive, 17 Oct 2018); " + outturn,
            data="reported 2018-19 outturn",
            recorded_in=SOURCES_MD,
        ),
    ]
    covid = (
        "MHCLG COVID-19 emergency funding for local government, first tranche (announced 19 "
        "Mar 2020), as tabulated by the BBC Shared Data Unit"
    )
    rows += [
        _row(
            "England: COVID-19 emergency funding, first tranche, 372 authorities, £",
            1_600_000_000,
            round(totals["covid19_tranche1_councils"]),
            "not comparable",
            "the data hold only the councils with adult social care duties (the model's "
            "figure); district councils and other authorities are not in them, and "
            "Bournemouth, Poole and Dorset's money went to their 2019 successors",
            covid,
            data="COVID-19 tranche 1",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "Bournemouth, Christchurch and Poole: COVID-19 tranche 1, £",
            11_101_861,
            "",
            "not comparable",
            _input(
                "paid to a 2019 council; with Dorset Council's, split over 2017/18's "
                "Bournemouth, Poole and Dorset by population 65+ for their need shares"
            ),
            covid,
            data="COVID-19 tranche 1",
            names_council=True,
            recorded_in=SOURCES_MD,
        ),
        _row(
            "Dorset Council: COVID-19 tranche 1, £",
            10_665_165,
            "",
            "not comparable",
            _input(
                "paid to a 2019 council; with Bournemouth, Christchurch and Poole's, split "
                "over 2017/18's Bournemouth, Poole and Dorset by population 65+"
            ),
            covid,
            data="COVID-19 tranche 1",
            names_council=True,
            recorded_in=SOURCES_MD,
        ),
    ]
    rows += _distribution_rows(data)
    rows += _parameter_rows()
    return rows


def _distribution_rows(data: Dataset) -> list[dict[str, object]]:
    facts = data.distribution
    if facts is None:
        return []
    spend = 1000 * float(facts["asc_gross_current_expenditure_000"].sum())
    lsoas = float(facts["imd2015_lsoas"].sum())
    both = facts[["imd2015_average_score", "imd2019_average_score"]].dropna()
    ranks = both.rank().to_numpy(dtype=float)
    rho = float(np.corrcoef(ranks[:, 0], ranks[:, 1])[0, 1])
    return [
        _row(
            "England: adult social care gross current expenditure, 2016-17, £",
            17_500_000_000,
            round(spend),
            label(17_500_000_000, spend, 50_000_000),
            "the councils' returns in the data (rows with DataType_KEY = 1), summed; "
            "published to £0.1bn",
            "NHS Digital, Adult Social Care Finance Return 2016-17",
            data="ASC-FR 2016-17",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "England: small areas (LSOAs 2011) scored in the IoD2015",
            32_844,
            int(lsoas),
            label(32_844, lsoas, 0),
            "the councils' small areas in the data, summed",
            "English Indices of Deprivation 2015",
            data="IoD2015",
            recorded_in=SOURCES_MD,
        ),
        _row(
            "IoD2019 average IMD scores of upper-tier councils (a check of the rebuilt "
            "IoD2015 averages)",
            f"{len(both)} councils' scores",
            round(rho, 3),
            "not comparable",
            "another edition of the indices (2019), a check only; the model's figure is the "
            "rank correlation (Spearman) of the rebuilt IoD2015 averages with them",
            "MHCLG English Indices of Deprivation 2019, File 11 (upper-tier summaries)",
            data="IoD2015",
            recorded_in=SOURCES_MD,
        ),
    ]


def _parameter_rows() -> list[dict[str, object]]:
    """The published figures the projection takes as parameters (inputs), and the ones
    recorded beside them that it does not use."""
    nao = "NAO, 'Discharging older patients from hospital' (May 2016)"
    mhclg = "MHCLG, iBCF quarterly and year-end reporting 2018-19 (4 October 2019)"
    unused = "not used by the model; recorded beside the figures it uses"
    return [
        _row(
            "NHS excess bed day cost, 2016/17, £",
            313,
            "",
            "not comparable",
            _input("the projection's NHS cost of a delayed bed day"),
            "NHS reference costs 2016/17 (HFMA summary, 5 December 2017)",
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Older patients no longer needing acute care: cost a year, £",
            820_000_000,
            "",
            "not comparable",
            _input(
                "with the 2.7m days, the low end (£304) of the "
                "projection's range for the cost of a bed day"
            ),
            nao,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Older patients no longer needing acute care: bed days a year",
            2_700_000,
            "",
            "not comparable",
            _input(
                "with the £820m, the low end (£304) of the "
                "projection's range for the cost of a bed day"
            ),
            nao,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Cost of such a bed day (£820m / 2.7m days, about), £",
            304,
            "",
            "not comparable",
            _input("the low end of the projection's range for the cost of a bed day"),
            nao,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Share of those bed days for patients aged 65+, %",
            85,
            "",
            "not comparable",
            unused,
            nao,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Gaughan, Gravelle & Siciliani: social care delayed discharges down for 10% "
            "more care-home beds, %",
            "6% to 9%",
            "",
            "not comparable",
            _input("the projection's own-council evidence set"),
            "Gaughan, Gravelle & Siciliani (2015), Health Economics 24(S1)",
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Forder: less hospital spending per £1 more on care homes, £",
            0.35,
            "",
            "not comparable",
            _input("caps the projection's effect per £1m"),
            "Forder (2009), Health Economics 18(11)",
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Share of the additional iBCF assigned to reducing NHS pressures, 2018/19, %",
            32.3,
            "",
            "not comparable",
            _input("the projection's share of iBCF spent on discharge-relevant care"),
            mhclg,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Share of the additional iBCF assigned to adult social care needs, 2018/19, %",
            39.8,
            "",
            "not comparable",
            unused,
            mhclg,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
        _row(
            "Share of the additional iBCF assigned to the care market, 2018/19, %",
            27.7,
            "",
            "not comparable",
            unused,
            mhclg,
            recorded_in=SOURCES_MD,
            data=PARAMETERS,
        ),
    ]


def scorecard(october: Result, december: Result) -> pd.DataFrame:
    """Every published figure the project records beside the model's, labelled (see
    :data:`LABELS`), with its source and where the project records it
    (``recorded_in``); ``names_council`` marks the rows about one named council (left
    out in workshops)."""
    data = october.data
    rows = [
        *_letter_rows(october),
        *_expectation_rows(december),
        *_national_rows(data),
        *_allocation_rows(data),
        *_winter_pressures_rows(data),
        *_data_rows(data),
    ]
    return pd.DataFrame(rows)


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
    lines.append(f"Scorecard of published figures ({label_counts(card)}):")
    for _, r in card.iterrows():
        model = _shown(r["model"]) if r["model"] != "" else "-"
        lines.append(
            f"  [{r['label']}] {r['figure']}: published {_shown(r['published'])}, model {model} "
            f"({r['data']}); {r['reason']}. Source: {r['source']}"
        )
    return lines


def label_counts(card: pd.DataFrame) -> str:
    """How many rows carry each label, in the order of :data:`LABELS`.

    >>> label_counts(pd.DataFrame({"label": ["close", "reproduced", "close"]}))
    '1 reproduced, 2 close, 0 not reproduced, 0 not comparable'
    """
    counts = card["label"].value_counts()
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in LABELS)


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
