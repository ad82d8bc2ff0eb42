"""The ``[projection]`` table of a scenario: method, evidence set, response and
uncertainty. Declarations only (pydantic and the standard library)."""

from __future__ import annotations

from typing import Literal, get_args

from simulator.schema.base import Strict, param

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
EvidenceSetName = Literal["no_effect", "low", "central", "high"]
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
    """The ``[projection]`` table of a scenario."""

    method: MethodChoice = "auto"
    evidence_set: EvidenceSetName = "central"
    ambition_basis: Literal["annual_average", "march_2019", "every_month"] = "annual_average"
    status_quo_change: bool = True
    draws: int = param(
        2000,
        unit="draws",
        ge=0,
        le=100_000,
        step=100,
        description="Monte Carlo draws (0: central projection only, no uncertainty)",
        source="Assumption: 2,000 draws give P10/P90 to about 1% of their value",
    )
    seed: int = param(
        20180401,
        unit="seed",
        ge=0,
        le=2**32 - 1,
        description="Random seed of the Monte Carlo (same seed, same numbers)",
        source="Assumption: any fixed integer; 20180401 is the first day of 2018/19",
    )
    discharge_share: float = param(
        0.323,
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
        unit="delayed beds/day per 100,000 adults",
        ge=0.0,
        le=30.0,
        step=0.1,
        description="National ambition: total delayed beds per day per 100,000 adults 18+",
        source="DH/DCLG July 2017: DToC at 3.5% of occupied beds, about 9.4 per 100,000 adults",
    )
    forecast_noise_scale: float = param(
        1.0,
        unit="multiple",
        ge=0.0,
        le=3.0,
        step=0.1,
        description="Multiplier on the forecast noise measured by the back-test "
        "(0: evidence uncertainty only)",
        source="Assumption: 1, the noise the back-test measured",
    )
