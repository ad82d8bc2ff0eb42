"""Assumptions register (AQuA Book style): every assumption, its value, source, quality
rating and what it does to the results.

Quality uses the AQuA Book's RAG scale:

- **green**: published figure or a definition; little doubt it is right for this use;
- **amber**: published, but a proxy, an average or a reconstruction; could move results;
- **red**: a modelling assumption with weak or no direct evidence; results depend on it.

The register's rows for the scenario's parameters are their records
(:mod:`simulator.schema.parameters`): wording, value, unit, source, quality and effect
are declared once, beside the field, and shown here without retyping.
"""

from __future__ import annotations

import pandas as pd

from simulator.schema.parameters import parameters
from simulator.schema.projection import CHOICES, ProjectionParams

COLUMNS = ["id", "assumption", "value", "unit", "source", "quality", "effect"]

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
        "id": "D01a",
        "assumption": "2018/19 iBCF per council taken as the grant the council reported "
        "receiving (MHCLG revenue outturn 2018-19, £000 as reported) where the report is "
        "plausible: not £0, and implying a need share within a third of the one used "
        "(2/3 to 3/2); split between the elements in the method's proportion; the rest of "
        "each pot shared by precept equalisation among the other councils, need shares "
        "corrected by their authority type's median implied/used ratio",
        "value": "145 councils reported; 7 flagged; band 2/3 to 3/2",
        "unit": "£; ratio",
        "source": "MHCLG revenue outturn 2018-19 (RG form), revenue_outturn_2018_19.csv; "
        "band from the proxy's largest gap to a published RNF share (3.4%) times ten "
        "(docs/reported-figures.md)",
        "quality": "amber",
        "effect": "A report is a receipt, not the allocation table: part may be booked "
        "elsewhere. £49.9m of 2018/19 money moves against precept equalisation for every "
        "council (Coventry −£5.0m, Wandsworth −£4.2m, West Sussex +£3.4m).",
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
        "value": "rule in simulator/rules/expectations.py "
        "([expectations] in docs/scenario-reference.md)",
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
        "assumption": "Delayed days avoided saturate: D·(1 - exp(-θ·m/D)), with D the "
        "council's counterfactual social-care-affected delayed days in 2018/19 and m the £m "
        "of discharge-relevant care bought",
        "value": "saturating exponential",
        "unit": "",
        "source": "Assumption: diminishing returns so that delays never fall below zero "
        "(docs/projection.md)",
        "quality": "amber",
        "effect": "Large sums relative to a council's delays buy less than proportionally; "
        "small sums act linearly at rate θ.",
    },
    {
        "id": "M02",
        "assumption": "One behaviour for money withheld and money received: both change "
        "discharge-relevant care by the same share (discharge_share), drawn once per draw",
        "value": "shared response",
        "unit": "",
        "source": "Assumption; the share from MHCLG iBCF reporting 2018-19",
        "quality": "amber",
        "effect": "A zero-sum scenario nets gains against losses within each draw, so its "
        "band is not widened by independent draws of the two.",
    },
    {
        "id": "M03",
        "assumption": "Care bought acts after a lag drawn between half and one and a half "
        "times lag_months; care bought after March 2019 is not counted",
        "value": "3 months central",
        "unit": "months",
        "source": "Assumption (see lag_months)",
        "quality": "red",
        "effect": "A 3-month lag cuts 2018/19 beds freed by about a quarter.",
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
        "assumption": "Forecast noise: the chosen method's back-test errors on log(y + 0.5), "
        "resampled as whole 12-month paths within each council-size tercile; national "
        "paths resampled with a random sign and widened to the conformal band of the "
        "annual average",
        "value": "empirical error paths",
        "unit": "log(beds + 0.5)",
        "source": "Back-test on 2011-2018 data (docs/projection.md §6, ibcf backtest)",
        "quality": "amber",
        "effect": "Sets the width of the bands and the probability that the ambition is met.",
    },
    {
        "id": "M06",
        "assumption": "The 2017/18 fits of θ put the fall in each council's total delays "
        "against persistence from March 2017 down to its 2017/18 iBCF (high: all of it; "
        "central: net of the NHS-attributed fall)",
        "value": "θ = 4,923 (high), 368 (central)",
        "unit": "delayed days per £1m",
        "source": "docs/projection.md §4, ibcf calibrate",
        "quality": "red",
        "effect": "The high set is an upper bound, about four times Forder (2009)'s bound; "
        "the central set's 95% interval runs from 0 to 960.",
    },
    {
        "id": "M07",
        "assumption": "Each council's 2017/18 iBCF is its 2018/19 element amounts scaled to "
        "the 2017/18 national totals (£105m, £1,010m)",
        "value": "2018/19 shares",
        "unit": "£",
        "source": "Assumption: 2017/18 per-council shares not bundled; the Spring Budget "
        "element's shares moved between years (Bromley 0.414% to 0.504%)",
        "quality": "amber",
        "effect": "Moves the status-quo baseline change and the 2017/18 fits council by "
        "council; national totals exact.",
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
    records = {**parameters(ProjectionParams), **CHOICES}
    rows = []
    for j, name in enumerate(ProjectionParams.model_fields, start=1):
        record = records[name]
        text = record.statement or record.description
        if record.ge is not None and record.le is not None:
            text = f"{text} (range {_format(record.ge)} to {_format(record.le)})"
        rows.append(
            {
                "id": f"P{j:02d}",
                "assumption": text,
                "value": _format(getattr(p, name)),
                "unit": record.unit,
                "source": record.source,
                "quality": record.quality or "",
                "effect": record.effect,
            }
        )
    rows.extend(OTHER_ASSUMPTIONS)
    return pd.DataFrame(rows, columns=COLUMNS)
