"""The evidence sets for θ, delayed bed days avoided per £1m of extra discharge-relevant
care (at pre-existing prices, before saturation): one record per set, the only place
their figures are written. Declarations only (the standard library).

Everything else reads these records: the distributions and draws
(:mod:`simulator.projection.evidence`), the register, the tornado, the Excel
Parameters sheet, the app's choices, the side-by-side beds freed and the docs table
(``docs/projection.md`` §4 holds the derivation of each set step by step; a test checks
its table is :func:`evidence_table`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

EvidenceSetName = Literal["no_effect", "low", "central", "fit_2017_18"]
EVIDENCE_SET_NAMES: tuple[EvidenceSetName, ...] = get_args(EvidenceSetName)
DEFAULT_EVIDENCE_SET: EvidenceSetName = "central"

# ---------------------------------------------------------------- the sources' figures
# Gaughan, Gravelle & Siciliani (2015), Health Economics 24(S1):32-44, abstract: 10% more
# care-home beds (250 beds per council) cut social care delayed discharges by about 6-9%.
GAUGHAN_BEDS_PER_COUNCIL = 250
GAUGHAN_CUT = (0.06, 0.09)
# Assumption: a care-home place in 2017 cost £85 to £120 a day.
CARE_HOME_GBP_PER_DAY = (85.0, 120.0)
# θ the cut implies for the own council (ibcf calibrate reproduces them on the bundled
# data: cut × 4,596 mean social care delayed days per council in 2017/18 / £m cost of
# 250 beds for a year).
GAUGHAN_THETA = (25.2, 53.3)
# The allowance for spillovers to neighbouring councils (an assumption: the paper
# reports "strong evidence of spillover effects" but its size could not be read): the
# national effect of money every council receives at once is 1 to 3 times the own
# council's, central 2.
SPILLOVER_MULTIPLE = (1.0, 2.0, 3.0)
# Forder (2009), Health Economics 18(11):1322-38: £1 more on care homes, about £0.35
# less hospital spending; at the £313 excess bed day (NHS reference costs 2016/17) at
# most 0.35·1e6/313 = 1,118 bed days per £1m. Every set is capped there.
FORDER_SAVING_PER_GBP = 0.35
EXCESS_BED_DAY_GBP = 313.0
FORDER_BOUND = FORDER_SAVING_PER_GBP * 1e6 / EXCESS_BED_DAY_GBP
# The 2017/18 fit (ibcf calibrate, control "nhs"): θ and its classical standard error.
FIT_2017_18 = (368.0, 239.0)


def _central_spread() -> tuple[float, float]:
    """Centre and sd of the central set: the own-council midpoint times the central
    spillover multiple, with 1.96 sd reaching the own-council high times the largest
    multiple."""
    own_mid = (GAUGHAN_THETA[0] + GAUGHAN_THETA[1]) / 2
    centre = own_mid * SPILLOVER_MULTIPLE[1]
    top = GAUGHAN_THETA[1] * SPILLOVER_MULTIPLE[2]
    return round(centre, 1), round((top - centre) / 1.96, 1)


CENTRAL_THETA = _central_spread()


@dataclass(frozen=True)
class EvidenceRecord:
    """θ's distribution under one reading of the evidence.

    ``family``: "point" (θ = ``centre``), "uniform" (between ``low`` and ``high``) or
    "normal" (``centre``, sd ``spread``, truncated to 0 to ``cap``). ``reading`` is how a
    sentence names it ("beds freed if the central evidence holds"); ``caveat`` what a
    reader must know beside its figures.
    """

    name: EvidenceSetName
    label: str
    reading: str
    family: Literal["point", "uniform", "normal"]
    centre: float
    spread: float
    low: float
    high: float
    source: str
    citation: str
    derivation: str
    caveat: str = ""
    cap: float = FORDER_BOUND

    @property
    def summary(self) -> str:
        """θ in words: '0', '25.2 to 53.3', '78.5 (sd 41.5)'."""
        if self.family == "point":
            return f"{self.centre:g}"
        if self.family == "uniform":
            return f"{self.low:g} to {self.high:g}"
        return f"{self.centre:,g} (sd {self.spread:g})"

    @property
    def shape(self) -> str:
        if self.family == "point":
            return "point"
        if self.family == "uniform":
            return "uniform"
        return f"normal, truncated to 0 to {self.cap:,.0f}"


_OWN = f"{GAUGHAN_THETA[0]:g} to {GAUGHAN_THETA[1]:g}"

EVIDENCE_RECORDS: dict[EvidenceSetName, EvidenceRecord] = {
    "no_effect": EvidenceRecord(
        name="no_effect",
        source="NAO (2017); Crawford, Stoye & Zaranko (2021)",
        label="no effect",
        reading="the no-effect evidence",
        family="point",
        centre=0.0,
        spread=0.0,
        low=0.0,
        high=0.0,
        citation="NAO (2017), Health and social care integration: Better Care Fund plans "
        "for 2015/16 expected 293,000 fewer delayed days, and delays rose by 185,000; "
        "Crawford, Stoye & Zaranko (2021), J Health Econ 78:102477: cuts to long-term care "
        "raised A&E use with no effect on inpatient use",
        derivation="θ = 0: extra money buys no measurable fall in delays.",
    ),
    "low": EvidenceRecord(
        name="low",
        source="Gaughan, Gravelle & Siciliani (2015), own council",
        label="low",
        reading="the low evidence",
        family="uniform",
        centre=round((GAUGHAN_THETA[0] + GAUGHAN_THETA[1]) / 2, 2),
        spread=0.0,
        low=GAUGHAN_THETA[0],
        high=GAUGHAN_THETA[1],
        citation="Gaughan, Gravelle & Siciliani (2015), Health Economics 24(S1):32-44: 10% "
        "more care-home beds (250 per council) cut social care delayed discharges by "
        "about 6-9%",
        derivation="θ = cut × mean social care delayed days per council in 2017/18 (4,596) "
        "/ £m cost of 250 beds for a year (£7.8m at £85 a day to £11.0m at £120): "
        f"{_OWN}; uniform between. The own council only: no spillover.",
    ),
    "central": EvidenceRecord(
        name="central",
        source="Gaughan et al. (2015) with spillovers (assumed 1 to 3 times); Forder (2009) cap",
        label="central",
        reading="the central evidence",
        family="normal",
        centre=CENTRAL_THETA[0],
        spread=CENTRAL_THETA[1],
        low=0.0,
        high=0.0,
        citation="Gaughan, Gravelle & Siciliani (2015), Health Economics 24(S1):32-44, with "
        "an allowance for the spillovers across councils the study reports (assumption: "
        "their size could not be read); capped at Forder (2009)",
        derivation=f"Own council {_OWN} (the low set), midpoint "
        f"{(GAUGHAN_THETA[0] + GAUGHAN_THETA[1]) / 2:g}; every council gets money at once, "
        f"so neighbours' extra care adds to each council's own: times "
        f"{SPILLOVER_MULTIPLE[1]:g} (between {SPILLOVER_MULTIPLE[0]:g}, no spillover, and "
        f"{SPILLOVER_MULTIPLE[2]:g}) = {CENTRAL_THETA[0]:g}; sd {CENTRAL_THETA[1]:g} so that "
        f"1.96 sd reaches {GAUGHAN_THETA[1]:g} × {SPILLOVER_MULTIPLE[2]:g}; normal, "
        "truncated at 0 and at Forder's bound.",
    ),
    "fit_2017_18": EvidenceRecord(
        name="fit_2017_18",
        source="2017/18 difference-in-differences (not identified: §8)",
        label="2017/18 fit, optimistic reading",
        reading="the 2017/18 fit (optimistic reading)",
        family="normal",
        centre=FIT_2017_18[0],
        spread=FIT_2017_18[1],
        low=0.0,
        high=0.0,
        citation="2017/18 experience, difference-in-differences: the fall in each council's "
        "total delays against persistence from March 2017, net of the 14.0% fall "
        "NHS-attributed delays also saw against theirs, fitted on its 2017/18 iBCF "
        "(£105m + £1,010m)",
        derivation=f"Least-squares fit across 151 councils: θ = {FIT_2017_18[0]:g} "
        f"(classical s.e. {FIT_2017_18[1]:g}); normal, truncated at 0 and at Forder's bound.",
        caveat="Not identified (ibcf calibrate; docs/projection.md §8): the figure exists "
        "only because the NHS-attributed fall (14.0%) is imposed as the counterfactual. "
        "Letting the data choose the common fall, counting falls year on year, or a 16% "
        "control give θ below 0; leaving one region out moves it from 190 to 561; the "
        "same design in 2013/14, with no iBCF money, gives more than twice the estimate; "
        "the robust standard error is two thirds larger than the classical one; one council "
        "carries nearly three quarters of the cross-product the fit rests on; R² 0.004.",
    ),
}

# Sets that older scenario files may name, and what a reader should use instead.
RETIRED_EVIDENCE_SETS: dict[str, str] = {
    "high": "'high' (the 2017/18 fit with no control, 4,923 days per £1m) was removed in "
    f"0.3.0: it was four times Forder's (2009) upper bound of {FORDER_BOUND:,.0f}. Use "
    "'fit_2017_18' (the 2017/18 fit, optimistic reading), the largest set still "
    "supported (docs/projection.md §4)",
}


def evidence_records() -> list[EvidenceRecord]:
    """Every evidence set, in order from no effect up; the default is
    :data:`DEFAULT_EVIDENCE_SET`."""
    return [EVIDENCE_RECORDS[name] for name in EVIDENCE_SET_NAMES]


def option_labels() -> dict[str, str]:
    """How a choice list names each set: 'Central (Gaughan et al. (2015) with ...)'."""
    return {
        r.name: f"{r.label[:1].upper()}{r.label[1:]} ({r.source})"
        + (", the default" if r.name == DEFAULT_EVIDENCE_SET else "")
        for r in evidence_records()
    }


def evidence_table() -> str:
    """The markdown table of the sets (``docs/projection.md`` §4 holds it verbatim)."""
    rows = [
        "| set | θ (days per £1m) | distribution | source |",
        "|---|---|---|---|",
    ]
    for r in evidence_records():
        name = f"`{r.name}`" + (" (default)" if r.name == DEFAULT_EVIDENCE_SET else "")
        rows.append(f"| {name} | {r.summary} | {r.shape} | {r.source} |")
    return "\n".join(rows)


def evidence_effect_text() -> str:
    """The register's 'effect' of the evidence-set choice, from the records."""
    parts = [f"{r.label} {r.summary}" for r in evidence_records()]
    return (
        "Sets θ, delayed days avoided per £1m of discharge-relevant care: "
        + "; ".join(parts)
        + f"; every set capped at Forder's bound ({FORDER_BOUND:,.0f}). The largest driver "
        "of beds freed."
    )
