"""What each council reported receiving: the 2018-19 revenue outturn, validated and screened.

``revenue_outturn_2018_19.csv`` (MHCLG revenue outturn 2018-19, RG and RS forms, £000 as
printed; provenance in ``data/raw/SOURCES.md``) gives, per council, the improved Better
Care Fund grant it reported receiving in 2018-19 (both elements together). The file is
declared in :mod:`simulator.inputs.schemas` (every problem names the file, the row and
the column); this module gives each council a report status:

- ``reported 2018-19 outturn``: a report that passes the plausibility screen; it becomes
  the council's 2018/19 total in the default allocation;
- ``reported, flagged``: a report that fails the screen, with the reason;
- ``not reported``: a blank cell.

**The screen** (:func:`screen`). A report is plausible when the method could produce it
with a credible need share. Under precept equalisation a council's 2018/19 total is
close to ``k·(s·(G + P) − p)``: its need share ``s`` of the pot ``G`` (£1,499m) plus the
precept all councils can raise ``P``, less its own precept ``p``, times the scale
``k = G / Σ max(0, s·(G + P) − p)``. Solving for ``s`` gives the need share a report
implies, ``ŝ = (report / k + p) / (G + P)``. The screen flags:

- a report of £0: every council with adult social care duties received iBCF in 2018-19
  (the Spring Budget element reached all of them), so £0 is a booking elsewhere, not a
  grant of nothing;
- a report whose implied share ``ŝ`` is more than a third away from the share the method
  uses (``ŝ/s`` below 2/3 or above 3/2). Where the 2018/19 ASC relative needs share is
  published (the winter pressures grant, 8 councils), the proxy share we use is within
  3.4% of it (6% of a rounded one's bound). The band allows ten times that, because some
  proxy shares are weaker (Bournemouth, Poole and Dorset are split by population 65+),
  rounded to a third: a report further out needs a need-share error we have no reason to
  believe, and is more likely part of the grant booked elsewhere (pooled budgets,
  a part-year). The band was set from these figures, before counting who fails it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FILE = "revenue_outturn_2018_19.csv"
COLUMN = "rg_improved_better_care_fund"
YEAR_ENDING = "201903"
# The iBCF column's stated total (data/raw/SOURCES.md): £1,433.8m, £000 as printed.
STATED_TOTAL_000 = 1_433_783
# Every money column is £000; the largest council's total service expenditure is about
# £1.8bn (1,812,688). A cell above £10bn is a slip of units, not a council.
MAX_THOUSANDS = 10_000_000
# The two control columns are differences of printed totals: ±2 (£000) is source rounding.
MAX_CHECK = 2
CLASSES = ("Shire county", "Unitary", "Met district", "London borough")
GRANTS = [
    "rg_dedicated_schools_grant",
    "rg_public_health_grant",
    COLUMN,
    "rg_total_grants_inside_aef",
    "rg_asc_support_grant",
    "rg_winter_pressures_grant",
]
SERVICES = [
    "rs_nce_education",
    "rs_nce_highways_transport",
    "rs_nce_childrens_social_care",
    "rs_nce_adult_social_care",
    "rs_nce_public_health",
    "rs_nce_housing_gfra",
    "rs_nce_cultural",
    "rs_nce_environmental_regulatory",
    "rs_nce_planning_development",
    "rs_nce_police",
    "rs_nce_fire_rescue",
    "rs_nce_central_services",
    "rs_nce_other_services",
]
TOTAL_SERVICES = "rs_nce_total_service_expenditure"
CHECKS = ["check_rg_intot_minus_components", "check_rs_total_minus_sum"]

REPORTED = "reported 2018-19 outturn"
FLAGGED = "reported, flagged"
NOT_REPORTED = "not reported"
STATUSES = (REPORTED, FLAGGED, NOT_REPORTED)
SOURCE = (
    "MHCLG revenue outturn 2018-19, RG form: improved Better Care Fund grant the council "
    "reported receiving (£000 as reported)"
)
# The plausibility band of the need share a report implies, as a ratio to ours.
SHARE_RATIO_BAND = (2 / 3, 3 / 2)


def validated_outturn(frame: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """The revenue outturn file, checked against its declaration
    (:func:`simulator.inputs.schemas.revenue_outturn_2018_19`: the documented columns;
    every GSS code one of the 152 councils, once, and every council present; the year
    ending 201903; the class one of four; money columns whole £000, grants not negative
    (only the iBCF column may be blank: not reported), within ±£10bn; each control
    column within ±2 and the services control equal to the total less its services),
    with numbers as floats (£000; blank NaN), one row per council in the order of
    ``codes``."""
    from simulator.inputs import schemas  # pandera loads only with the data

    known = [str(c) for c in codes]
    out = schemas.validate(
        frame, schemas.revenue_outturn_2018_19(schemas.Councils(codes=tuple(known)))
    )
    order = pd.Index(out["gss_code"].astype(str)).get_indexer(pd.Index(known))
    return out.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------- the screen
@dataclass(frozen=True)
class Screen:
    """Each council's report (£, NaN blank), status, reason (blank when screened in)
    and the need share the report implies as a ratio to the share the method uses."""

    reported: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    share_ratio: np.ndarray

    @property
    def screened(self) -> np.ndarray:
        """Councils whose report becomes their 2018/19 total."""
        return np.asarray(self.status == REPORTED)


def implied_share_ratio(
    reported: np.ndarray, shares: np.ndarray, precept: np.ndarray, pot: float
) -> np.ndarray:
    """The need share a report implies under precept equalisation, over the share used.

    ``ŝ = (report / k + p) / (G + P)`` with ``k = G / Σ max(0, s·(G + P) − p)``.

    >>> s, p = np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])
    >>> implied_share_ratio(np.array([20.0, 5.0, 0.0]), s, p, 30.0).round(4).tolist()
    [1.0, 0.6667, 2.5]
    """
    shares = np.asarray(shares, dtype=float)
    precept = np.asarray(precept, dtype=float)
    base = pot + precept.sum()
    scale = pot / np.maximum(0.0, shares * base - precept).sum()
    implied = (np.asarray(reported, dtype=float) / scale + precept) / base
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(shares > 0, implied / shares, np.nan)


def screen(
    reported: np.ndarray,
    shares: np.ndarray,
    precept: np.ndarray,
    pot: float,
    band: tuple[float, float] = SHARE_RATIO_BAND,
) -> Screen:
    """Status and reason for every council (see the module text for the rule).

    ``reported``: £ (NaN where blank); ``shares``: need shares; ``precept``: 2018/19
    precept capacity (£); ``pot``: the 2018/19 national total (£).

    >>> s, p = np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])
    >>> out = screen(np.array([20.0, 4.0, np.nan]), s, p, 30.0)
    >>> out.status.tolist()
    ['reported 2018-19 outturn', 'reported, flagged', 'not reported']
    >>> out.reason[1]
    'implies a need share 0.60 times the one the method uses (outside 0.67-1.5)'
    """
    reported = np.asarray(reported, dtype=float)
    ratio = implied_share_ratio(np.nan_to_num(reported), shares, precept, pot)
    low, high = band
    blank = np.isnan(reported)
    zero = ~blank & (reported == 0)
    outside = ~blank & ~zero & ((ratio < low - 1e-12) | (ratio > high + 1e-12) | np.isnan(ratio))
    status = np.where(blank, NOT_REPORTED, np.where(zero | outside, FLAGGED, REPORTED))
    reason = np.full(len(reported), "", dtype=object)
    reason[blank] = "blank in the revenue outturn"
    reason[zero] = "reports £0 (the grant reached every council: booked elsewhere)"
    for i in np.flatnonzero(outside):
        reason[i] = (
            f"implies a need share {ratio[i]:.2f} times the one the method uses "
            f"(outside {low:.2f}-{high:.2g})"
        )
    return Screen(
        reported=reported,
        status=status.astype(object),
        reason=reason,
        share_ratio=np.where(blank, np.nan, ratio),
    )


# --------------------------------------------------------------------------- calibration
MIN_GROUP = 5  # screened councils a group needs for its own median


def share_corrections(
    ratio: np.ndarray, screened: np.ndarray, groups: np.ndarray, min_group: int = MIN_GROUP
) -> dict[str, float]:
    """What the screened reports say about the need shares: per group (authority type),
    the median ratio of the need share a report implies to the share used, over the
    screened councils of the group (the median: one odd report moves it little); a group
    with fewer than ``min_group`` screened councils takes the median of all of them.

    >>> r = np.array([0.9, 0.95, 1.0, 1.2, 3.0]); g = np.array(["a", "a", "a", "b", "b"])
    >>> share_corrections(r, np.array([1, 1, 1, 1, 0]) > 0, g, min_group=2)
    {'a': 0.95, 'b': 0.975}
    """
    ratio = np.asarray(ratio, dtype=float)
    screened = np.asarray(screened, dtype=bool)
    overall = float(np.median(ratio[screened])) if screened.any() else 1.0
    out: dict[str, float] = {}
    for group in dict.fromkeys(np.asarray(groups).tolist()):
        in_group = screened & (np.asarray(groups) == group)
        out[str(group)] = (
            float(np.median(ratio[in_group])) if in_group.sum() >= min_group else overall
        )
    return out


def corrected_shares(
    shares: np.ndarray, groups: np.ndarray, corrections: dict[str, float]
) -> np.ndarray:
    """Need shares times their group's correction, renormalised to sum to 1.

    >>> corrected_shares(np.array([0.5, 0.5]), np.array(["a", "b"]), {"a": 1.0, "b": 3.0}).tolist()
    [0.25, 0.75]
    """
    factor = np.array([corrections[str(g)] for g in np.asarray(groups)], dtype=float)
    out = np.asarray(shares, dtype=float) * factor
    return out / out.sum()
