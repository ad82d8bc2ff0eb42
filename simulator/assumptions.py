"""Assumptions register (AQuA Book style): every assumption, its value, source, quality
rating and what it does to the results.

Quality uses the AQuA Book's RAG scale:

- **green**: published figure or a definition; little doubt it is right for this use;
- **amber**: published, but a proxy, an average or a reconstruction; could move results;
- **red**: a modelling assumption with weak or no direct evidence; results depend on it.

The register is built from the parameter declarations (:func:`simulator.parameters.param`),
so a value, unit or source changed there shows here without retyping.
"""

from __future__ import annotations

import pandas as pd

from simulator.parameters import param_table
from simulator.projection import ProjectionParams

COLUMNS = ["id", "assumption", "value", "unit", "source", "quality", "effect"]

# Quality and effect of each projection parameter (keyed by field name).
PARAMETER_NOTES: dict[str, tuple[str, str]] = {
    "method": (
        "amber",
        "Sets the counterfactual 2018/19 level for every council; 'auto' takes the method "
        "with the best back-test score (docs/projection.md). Damped trend would project "
        "delays still falling and so a lower baseline.",
    ),
    "ambition_basis": (
        "amber",
        "How the national ambition is judged (annual average, March 2019, every month); "
        "changes only the probability that the ambition is met.",
    ),
    "draws": (
        "green",
        "Numerical precision of the bands and the probability only; not the central result.",
    ),
    "seed": ("green", "Reproducibility only: same seed, identical numbers."),
    "unit_cost_gbp_per_day": (
        "red",
        "Days of care bought are inversely proportional: doubling the cost halves the days "
        "bought and (before saturation) the delays avoided.",
    ),
    "share_reaching_delayed": (
        "red",
        "Proportional to days of care reaching delayed patients, so to the effect before "
        "saturation; confounded with response_k (only their product is calibrated).",
    ),
    "additionality": (
        "amber",
        "Scales the effect of conditioned money only; 1 would treat every conditioned pound "
        "as new discharge spending.",
    ),
    "withheld_response": (
        "amber",
        "Scales the rise in delays where money is withheld; 0 means reductions cost no beds.",
    ),
    "received_response": (
        "amber",
        "Scales the fall in delays where redistributed money is received.",
    ),
    "response_k": (
        "red",
        "The largest single driver of beds freed: proportional before saturation. The "
        "2017/18 calibration gives an upper bound of about 0.13; netting off the NHS fall "
        "gives 0.00-0.03.",
    ),
    "both_share_affected": (
        "red",
        "Widens the delays the money can act on from social care alone to part of the "
        "jointly attributed ones; moves beds freed by a few per cent on the bundled data.",
    ),
    "incentive_effect_pct": (
        "red",
        "Any value above 0 reduces delays in reviewed councils whatever the money does; "
        "default 0 means scrutiny alone changes nothing.",
    ),
    "excess_bed_day_cost_gbp": (
        "green",
        "Scales the NHS value only (£304 instead of £313 lowers it by 3%).",
    ),
    "ambition_rate_per_100k": (
        "green",
        "Sets the ambition line; changes only the probability that the ambition is met.",
    ),
    "forecast_noise_scale": (
        "amber",
        "Widens or narrows the bands and moves the probability of meeting the ambition "
        "towards 0 or 1; central results unchanged.",
    ),
}

# Data reconstructions and modelling choices outside the parameters.
OTHER_ASSUMPTIONS: list[dict[str, str]] = [
    {
        "id": "D01",
        "assumption": "2018/19 iBCF per council, both elements, reconstructed by adult "
        "social care precept equalisation: need shares of the pot plus the precept each "
        "council can raise, less its precept, floored at zero and scaled to the pot; the "
        "Spring Budget element is the combined pot's allocation less the original's. The "
        "exact method text was not available (best-supported hypothesis)",
        "value": "£825,000,000 original + £674,000,000 Spring Budget",
        "unit": "£",
        "source": "DH written answer 17 March 2016; Lords answer HL4564; DLUHC settlement "
        "guide; MHCLG Council Tax Requirement returns; published council figures "
        "(ibcf_known_figures.csv)",
        "quality": "amber",
        "effect": "Published council figures reproduced within about 2% (Devon, Kent) to 6% "
        "(Bromley); conditioned and withheld sums move in proportion.",
    },
    {
        "id": "D02",
        "assumption": "Need shares: COVID-19 tranche 1 (March 2020, primarily the ASC RNF) "
        "as the proxy, exact ASC RNF shares where the winter pressures grant is published "
        "to the pound, rounded ones as bounds; precept projected from 2015-16 with core "
        "Band D rising 1.99% a year and tax base at its 2014-15 to 2015-16 growth",
        "value": "1.99% a year core Band D; 2% a year precept",
        "unit": "share; £",
        "source": "BBC Shared Data Unit table of MHCLG tranche 1; winter pressures grant "
        "press releases (asc_rnf_checkpoints.csv); the 1.99% is an assumption, checked "
        "against DCLG's December 2016 precept forecast (within 1.3% nationally)",
        "quality": "amber",
        "effect": "The proxy runs high for cities and inner London and low for counties; "
        "the choice of convention and form moves £4m-£12m of 2018/19 money (ibcf data "
        "check).",
    },
    {
        "id": "D03",
        "assumption": "Bournemouth, Poole and Dorset: the tranche 1 sum paid to their 2019 "
        "successor councils split by population 65+",
        "value": "£21,767,026 combined",
        "unit": "£",
        "source": "MHCLG COVID-19 tranche 1 (BCP £11,101,861; Dorset Council £10,665,165); "
        "ONS mid-2017 population",
        "quality": "amber",
        "effect": "Shares among the three councils only.",
    },
    {
        "id": "D04",
        "assumption": "September 2017 DToC expectations reconstructed by rule (baseline "
        "February-April 2017, social care cut to 2.6 per 100,000 or by two thirds); an "
        "official table, if supplied, overrides",
        "value": "rule in simulator/expectations.py ([expectations] in docs/scenario-reference.md)",
        "unit": "delayed beds/day",
        "source": "Published examples (Shropshire 6.7, Hampshire -66%, Northamptonshire "
        "-67%); official table not found",
        "quality": "amber",
        "effect": "Decides the gap-to-expectation test and so who is selected; no effect on "
        "the projection's arithmetic.",
    },
    {
        "id": "D05",
        "assumption": "DToC data are the revised figures (April-September 2017 revised 14 "
        "June 2018), not those first published when the 2017 review was run",
        "value": "revised",
        "unit": "delayed days",
        "source": "NHS England monthly situation reports, LA Type B",
        "quality": "amber",
        "effect": "Small: England September 2017 social care 60,396 revised vs 61,147 first "
        "published days; a council near a threshold could flip.",
    },
    {
        "id": "D06",
        "assumption": "Isles of Scilly has no DToC row: reported within Cornwall. It keeps "
        "its allocation, is never selected on DToC grounds, no effect is projected for it, "
        "and its adults count in the national rate (Cornwall's delays include them)",
        "value": "NaN (unknown), never 0",
        "unit": "",
        "source": "NHS England reporting practice",
        "quality": "green",
        "effect": "Negligible nationally; Scilly's money, if any moves, has no projected "
        "DToC effect.",
    },
    {
        "id": "D07",
        "assumption": "National delays are the sum of the 151 council rows, compared with the "
        "England-based ambition",
        "value": "sum of councils",
        "unit": "delayed beds/day",
        "source": "NHS England: the England row also counts patients from Wales, Scotland "
        "and outside GB",
        "quality": "green",
        "effect": "The council sum is slightly below the England figure, so the ambition "
        "looks slightly easier to meet.",
    },
    {
        "id": "D08",
        "assumption": "Blank DToC cells are unknown; for fitting a forecast they are filled "
        "with the previous month's value, never with zero",
        "value": "36 blank cells",
        "unit": "",
        "source": "NHS England ('-' in the source)",
        "quality": "green",
        "effect": "Negligible (mostly City of London).",
    },
    {
        "id": "M01",
        "assumption": "Delayed days avoided saturate: D·(1 - exp(-k·x/D)), with D the "
        "council's counterfactual social-care-affected delayed days in 2018/19 and x the "
        "days of care bought",
        "value": "saturating exponential",
        "unit": "",
        "source": "Assumption: diminishing returns so that delays never fall below zero "
        "(docs/projection.md)",
        "quality": "amber",
        "effect": "Large sums relative to a council's delays buy less than proportionally; "
        "small sums act linearly at rate k.",
    },
    {
        "id": "M02",
        "assumption": "Money withheld is a symmetric loss: the mirror image of the gain the "
        "same pounds would buy, so delays at most double",
        "value": "odd-symmetric response",
        "unit": "",
        "source": "Assumption",
        "quality": "amber",
        "effect": "Reductions raise delays by as much as the same sum conditioned would lower "
        "them (scaled by the two response shares).",
    },
    {
        "id": "M03",
        "assumption": "The effect applies from April 2018 for the whole year, in proportion "
        "to each month's counterfactual delays (no lag for councils to spend)",
        "value": "12 months, no lag",
        "unit": "",
        "source": "Assumption",
        "quality": "red",
        "effect": "A lag of a quarter would cut 2018/19 beds freed by about a quarter.",
    },
    {
        "id": "M04",
        "assumption": "NHS-attributed delays are unaffected by social care money; 'both' "
        "delays are affected in the share both_share_affected",
        "value": "NHS unchanged",
        "unit": "",
        "source": "Assumption: the money buys social care",
        "quality": "amber",
        "effect": "Beds freed would be larger if social care capacity also helped the NHS "
        "discharge its own delayed patients.",
    },
    {
        "id": "M05",
        "assumption": "Forecast noise: log-scale errors growing like a random walk with the "
        "horizon, sized from the chosen method's back-test errors; a national common shock "
        "plus independent council noise",
        "value": "back-test errors",
        "unit": "log sd per sqrt(month)",
        "source": "Back-test on 2011-2018 data (docs/projection.md)",
        "quality": "amber",
        "effect": "Sets the width of the bands and the probability that the ambition is met; "
        "the back-test includes the 2017/18 fall, which widens the noise.",
    },
    {
        "id": "M06",
        "assumption": "Calibration puts the April-December 2017 fall in delays, against each "
        "council's counterfactual, down to the £1,010m 2017/18 money",
        "value": "k = 0.13 (upper bound)",
        "unit": "",
        "source": "docs/projection.md, calibration",
        "quality": "red",
        "effect": "An upper bound: other causes (NHS action, national pressure) also cut "
        "delays; netting off the NHS-attributed fall leaves k near 0.00-0.03.",
    },
    {
        "id": "M07",
        "assumption": "Uncertain parameters are independent of each other",
        "value": "independent draws",
        "unit": "",
        "source": "Assumption",
        "quality": "amber",
        "effect": "Correlated errors (for example cost and share together) would widen the bands.",
    },
]


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def assumptions_register(params: ProjectionParams | None = None) -> pd.DataFrame:
    """The register: one row per assumption with id, value, unit, source, RAG quality
    and effect on results. ``params`` (default: the model defaults) supplies the values.

    >>> reg = assumptions_register()
    >>> list(reg.columns)
    ['id', 'assumption', 'value', 'unit', 'source', 'quality', 'effect']
    >>> set(reg["quality"]) <= {"green", "amber", "red"}
    True
    """
    p = params or ProjectionParams()
    meta = {m["name"]: m for m in param_table(ProjectionParams)}
    rows = []
    for j, name in enumerate(ProjectionParams.model_fields, start=1):
        quality, effect = PARAMETER_NOTES[name]
        m = meta[name]
        if name == "method":
            text, unit, source = (
                "Counterfactual forecasting method for 2018/19",
                "",
                "Back-test on 2011-2018 data (docs/projection.md)",
            )
        elif name == "ambition_basis":
            text, unit, source = (
                "Basis on which the national ambition is judged",
                "",
                "Assumption: the annual average over 2018/19",
            )
        else:
            text, unit, source = m["description"], m["unit"], m["source"]
        if m["ge"] is not None and m["le"] is not None:
            text = f"{text} (range {_format(m['ge'])} to {_format(m['le'])})"
        rows.append(
            {
                "id": f"P{j:02d}",
                "assumption": text,
                "value": _format(getattr(p, name)),
                "unit": unit,
                "source": source,
                "quality": quality,
                "effect": effect,
            }
        )
    rows.extend(OTHER_ASSUMPTIONS)
    return pd.DataFrame(rows, columns=COLUMNS)
