"""The ``[projection]`` table of a scenario: method, evidence set, response and
uncertainty. Declarations only (pydantic and the standard library)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import field_validator

from simulator.schema.base import Strict, param
from simulator.schema.evidence import (
    DEFAULT_EVIDENCE_SET,
    EVIDENCE_SET_NAMES,
    RETIRED_EVIDENCE_SETS,
    EvidenceSetName,
    evidence_effect_text,
)
from simulator.schema.parameters import IBCF_REPORTING_2018_19, Parameter, Reference, Spread

Method = Literal[
    "naive",
    "persistence",
    "seasonal_naive",
    "seasonal_persistence",
    "damped_trend",
    "seasonal_damped_trend",
    "ses_log",
    "national_damped",
    "combination",
]
METHODS: tuple[Method, ...] = get_args(Method)
MethodChoice = Literal["auto", Method]
# Keys of the [projection] table retired in 0.3.0 (the response is now the evidence set).
RETIRED_KEYS = (
    "unit_cost_gbp_per_day",
    "share_reaching_delayed",
    "additionality",
    "withheld_response",
    "received_response",
    "response_k",
)


class ProjectionParams(Strict):
    """The ``[projection]`` table of a scenario.

    Spreads: discharge_share's 32.3% is a national average of self-reported use and
    councils differ (sd 0.07); price_share has no estimate (sd about 0.12 at 0.25);
    both_share_affected has no evidence on jointly attributed delays (sd 0.19). The lag
    is drawn uniform between half and one and a half times the central lag.
    """

    method: MethodChoice = "auto"
    evidence_set: EvidenceSetName = DEFAULT_EVIDENCE_SET
    ambition_basis: Literal["annual_average", "march_2019", "every_month"] = "annual_average"
    status_quo_change: bool = True
    draws: int = param(
        2000,
        label="Monte Carlo draws",
        assumption=True,
        quality="green",
        effect="Numerical precision of the bands and the probability only; not the central result.",
        unit="draws",
        ge=0,
        le=100_000,
        step=100,
        description="Monte Carlo draws (0: central projection only, no uncertainty)",
        source="Assumption: 2,000 draws give P10/P90 to about 1% of their value",
    )
    seed: int = param(
        20180401,
        label="Random seed",
        assumption=True,
        quality="green",
        effect="Reproducibility only: same seed, identical numbers.",
        unit="seed",
        ge=0,
        le=2**32 - 1,
        description="Random seed of the Monte Carlo (same seed, same numbers)",
        source="Assumption: any fixed integer; 20180401 is the first day of 2018/19",
    )
    discharge_share: float = param(
        0.323,
        label="Share of iBCF spent on discharge-relevant care",
        references=(IBCF_REPORTING_2018_19,),
        quality="amber",
        effect="Scales the effect of money withheld and received; conditioned money adds 1 "
        "minus it.",
        spread=Spread(40.0, 1.0),
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.01,
        description="Share of unconditioned iBCF money a council spends on discharge-relevant "
        "care; the same behaviour for money withheld and money received (conditioned money "
        "adds the rest, 1 minus this share, as new discharge spending)",
        source="MHCLG, iBCF quarterly and year-end reporting 2018-19 (4 October 2019): 32.3% "
        "of the additional 2018/19 iBCF assigned to reducing pressures on the NHS",
    )
    price_share: float = param(
        0.25,
        label="Share of new money absorbed by price",
        assumption=True,
        references=(IBCF_REPORTING_2018_19,),
        quality="red",
        effect="Care bought is proportional to 1 minus it; a half would halve the effect of new"
        " money.",
        spread=Spread(12.0, 0.9),
        unit="share (0-1)",
        ge=0.0,
        le=0.9,
        step=0.05,
        description="Share of new money absorbed by higher prices rather than more care",
        source="Assumption: a quarter. Context: in 2018/19 over 90% of areas raised fees, "
        "home care by 4.7% and care homes by 4.0-4.1% (MHCLG iBCF reporting, 4 October "
        "2019); no estimate of the share found",
    )
    lag_months: float = param(
        3.0,
        label="Lag before care acts",
        assumption=True,
        references=(Reference("Iparraguirre (2020)"),),
        quality="red",
        effect="Months of 2018/19 before the money acts: a 3-month lag removes about a quarter "
        "of the year's effect; 12 removes all of it.",
        unit="months",
        ge=0.0,
        le=12.0,
        step=0.5,
        description="Central lag before new care acts on delays (drawn between half and one "
        "and a half times this); care bought after March 2019 is not counted",
        source="Assumption: a quarter, since conditions decided after a November review "
        "cannot buy care from 1 April; Iparraguirre (2020) finds a one-year lagged "
        "association in annual data",
    )
    both_share_affected: float = param(
        0.5,
        label="Share of 'both' delays affected",
        assumption=True,
        quality="red",
        effect="Widens the delays the money can act on from social care alone to part of the "
        "jointly attributed ones; moves beds freed by a few per cent on the bundled "
        "data.",
        spread=Spread(6.0, 1.0),
        unit="share (0-1)",
        ge=0.0,
        le=1.0,
        step=0.05,
        description="Share of delays attributed to both NHS and social care that social "
        "care capacity can affect",
        source="Assumption: half, since both organisations are responsible",
    )
    incentive_effect_pct: float = param(
        0.0,
        label="Incentive effect of review",
        assumption=True,
        quality="red",
        effect="Any value above 0 reduces delays in reviewed councils whatever the money does; "
        "default 0 means scrutiny alone changes nothing.",
        unit="%",
        ge=0.0,
        le=50.0,
        step=0.5,
        description="Reduction in social-care-affected delays for councils reviewed "
        "(selected), from the scrutiny alone",
        source="Assumption: none by default; no evidence found on the size",
    )
    excess_bed_day_cost_gbp: float = param(
        313.0,
        label="NHS cost of a delayed bed day",
        references=(
            Reference("NHS reference costs 2016/17 (HFMA summary, 5 December 2017)"),
            Reference("NAO 2016"),
        ),
        quality="green",
        effect="Scales the notional NHS value only (£304 instead of £313 lowers it by 3%).",
        unit="£/day",
        ge=200.0,
        le=500.0,
        step=1.0,
        description="Notional NHS value of one delayed bed day (full cost of the bed)",
        source="NHS reference costs 2016/17, excess bed day £313 (HFMA summary, "
        "5 Dec 2017); NAO 2016 implies about £304 (£820m / 2.7m days)",
    )
    cash_releasing_gbp_per_day: float = param(
        75.2,
        label="Cash-releasing NHS value of a bed day",
        references=(Reference("House of Commons Library CBP-7415"),),
        quality="amber",
        effect="Scales the cash-releasing NHS value only; from one year of providers' accounts.",
        unit="£/day",
        ge=0.0,
        le=500.0,
        step=0.1,
        description="Cash-releasing NHS value of one delayed bed day (what providers' "
        "accounts show delays cost them)",
        source="House of Commons Library CBP-7415: delays cost NHS providers £173m in "
        "2016/17, for about 2.3m delayed days (£173m / 2.3m = £75.2)",
    )
    ambition_rate_per_100k: float = param(
        9.4,
        label="National ambition",
        references=(Reference("DH/DCLG, July 2017"),),
        quality="green",
        effect="Sets the ambition line; changes only the probability that the ambition is met.",
        unit="delayed beds/day per 100,000 adults",
        ge=0.0,
        le=30.0,
        step=0.1,
        description="National ambition: total delayed beds per day per 100,000 adults 18+",
        source="DH/DCLG July 2017: DToC at 3.5% of occupied beds, about 9.4 per 100,000 adults",
    )
    forecast_noise_scale: float = param(
        1.0,
        label="Forecast noise multiplier",
        assumption=True,
        quality="amber",
        effect="Widens or narrows the forecast-noise part of the bands; central results unchanged.",
        unit="multiple",
        ge=0.0,
        le=3.0,
        step=0.1,
        description="Multiplier on the forecast noise measured by the back-test "
        "(0: evidence uncertainty only)",
        source="Assumption: 1, the noise the back-test measured",
    )

    @field_validator("evidence_set", mode="before")
    @classmethod
    def _retired_evidence_set(cls, value: Any) -> Any:
        """A set older files may name is refused with the one to use instead."""
        if isinstance(value, str) and value in RETIRED_EVIDENCE_SETS:
            raise ValueError(RETIRED_EVIDENCE_SETS[value])
        return value


# The choices among options of the [projection] table (their fields carry no record of
# their own: they have no unit, range or description), as the register states them.
CHOICES: dict[str, Parameter] = {
    "method": Parameter(
        label="Method",
        description="",
        unit="",
        source="Back-test on 2011-2018 data (docs/projection.md)",
        statement="Counterfactual forecasting method for 2018/19",
        references=(Reference("Back-test on 2011-2018 data", "docs/projection.md"),),
        quality="amber",
        effect="Sets the statistical 2018/19 level for every council; 'auto' takes the method with"
        " the best back-test score (docs/projection.md).",
    ),
    "evidence_set": Parameter(
        label="Evidence for the response",
        description="",
        unit="",
        source="NAO 2017; Gaughan, Gravelle & Siciliani 2015, with an assumed allowance for "
        "spillovers; Forder 2009 (a cap); 2017/18 experience (docs/projection.md §4, "
        "ibcf calibrate)",
        statement="Evidence set for the funding response θ (" + ", ".join(EVIDENCE_SET_NAMES) + ")",
        references=(
            Reference("NAO 2017"),
            Reference("Gaughan, Gravelle & Siciliani 2015"),
            Reference("Forder 2009"),
            Reference("2017/18 experience", "docs/projection.md"),
        ),
        quality="red",
        effect=evidence_effect_text(),
    ),
    "ambition_basis": Parameter(
        label="Ambition measured as",
        description="",
        unit="",
        source="Assumption: the annual average over 2018/19",
        statement="Basis on which the national ambition is judged",
        assumption=True,
        quality="amber",
        effect="How the national ambition is judged (annual average, March 2019, every month); "
        "changes only the probability that the ambition is met.",
    ),
    "status_quo_change": Parameter(
        label="Baseline includes the status-quo money change",
        description="",
        unit="",
        source="Spring Budget 2017: original iBCF £105m to £825m, Spring Budget element £1,010m to"
        " £674m; each council's 2017/18 amounts from the direct 2017/18 reconstruction",
        statement="The baseline includes the status-quo money change 2017/18 to 2018/19",
        references=(Reference("Spring Budget 2017"),),
        assumption=True,
        quality="amber",
        effect="Feeds the status-quo iBCF change 2017/18 to 2018/19 (+£384m) through the same "
        "response, lowering the baseline; off: the statistical forecast alone.",
    ),
}
