"""How the iBCF was shared out: adult social care precept equalisation (pure, vectorised).

The method, as the evidence in ``data/raw/SOURCES.md`` ("Allocations") supports it:
the original iBCF was distributed so that adult social care need, *net of what each
council can raise through the adult social care (ASC) council tax precept*, is met.
Add the precept every council can raise to the national pot, share the sum by need
(the ASC relative needs formula, RNF), give each council its share minus its precept,
never less than zero, and bring the grants back to the pot. The Spring Budget 2017
element is the same step run on the combined pot (original + Spring Budget) less the
original element. The exact method text (the February 2016 settlement documents, the
2017 allocations note) was not available: this is the best-supported hypothesis.

Every function here is pure: arrays in, arrays out, councils in a fixed order.
Money is in pounds (float until :func:`whole_pounds`); shares are fractions of 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simulator.money import largest_remainder, to_pounds

# Financial years of the CTR returns, in order (column j of the tax base / Band D arrays).
CTR_YEARS = ("2014-15", "2015-16", "2016-17", "2017-18", "2018-19", "2019-20")
# The years the iBCF was paid for, and the national pots (SOURCES.md, "Allocations").
YEARS = ("2017-18", "2018-19", "2019-20")
ORIGINAL_POTS = {"2017-18": 105_000_000, "2018-19": 825_000_000, "2019-20": 1_500_000_000}
SPRING_BUDGET_POTS = {"2017-18": 1_010_000_000, "2018-19": 674_000_000, "2019-20": 337_000_000}
# The precept: 2% of the previous year's Band D, each year from 2016-17.
PRECEPT_RATE = 0.02
FIRST_PRECEPT_YEAR = "2016-17"
# Settlement convention: a council's core Band D (without the precept) assumed to
# rise by 1.99% a year, the most allowed without a referendum (assumption).
CORE_BAND_D_GROWTH = 0.0199
# DCLG's own forecast of what a 2% precept raises nationally (£m), Core Spending Power
# supporting information, 15 December 2016, as quoted in House of Commons Communities
# and Local Government Committee, "Adult social care: a pre-Budget report" (HC 47,
# 2017), paragraph 41. A control figure for the settlement convention.
DCLG_PRECEPT_FORECAST = {
    "2016-17": 392_800_000,
    "2017-18": 820_900_000,
    "2018-19": 1_289_800_000,
    "2019-20": 1_804_000_000,
}

Convention = Literal["settlement", "actual"]
Form = Literal["scale_down", "water_filling"]
FORMS: tuple[Form, ...] = ("scale_down", "water_filling")
CONVENTION_LABELS = {
    "settlement": "projected from 2015-16 Band D and tax-base growth (as the February "
    "2016 settlement would have)",
    "actual": "from the actual Band D and tax base of each year's CTR return",
}
FORM_LABELS = {
    "scale_down": "scale-down (each council's need share of pot + precept, less its "
    "precept, floored at zero, then scaled to the pot)",
    "water_filling": "water-filling (a common level λ with Σ max(0, λ·need − precept) = pot)",
}


@dataclass(frozen=True, slots=True)
class Method:
    """Which allocation: councils' reported 2018-19 outturn where it passes the screen,
    the rest of each pot by precept equalisation (``reported``, the default); precept
    equalisation for every council (``equalisation``); or the COVID-19 proxy split.
    ``convention``, ``form`` and ``rounded_bounds`` choose the equalisation (for the
    ``reported`` kind: the one that shares the rest and rebuilds 2017/18 and 2019/20).

    ``rounded_bounds``: a need share rounded in the winter pressures checkpoints bounds
    the proxy share (it is moved to the nearest share the rounded figure allows).
    """

    kind: Literal["reported", "equalisation", "proxy"] = "reported"
    convention: Convention = "settlement"
    form: Form = "scale_down"
    rounded_bounds: bool = True

    @property
    def label(self) -> str:
        """Short name used in every status: ``reconstructed: <label>``; choices other
        than the defaults are named in brackets.

        >>> Method(kind="equalisation").label, Method(kind="proxy").label
        ('precept equalisation', 'COVID-19 proxy split')
        >>> Method(kind="equalisation", form="water_filling", convention="actual").label
        'precept equalisation (water-filling; actual CTR precept)'
        >>> Method().label
        'reported 2018-19 outturn, the rest by precept equalisation'
        """
        if self.kind == "proxy":
            return "COVID-19 proxy split"
        if self.kind == "reported":
            return "reported 2018-19 outturn, the rest by " + self.equalisation.label
        changes = [
            "water-filling" if self.form == "water_filling" else "",
            "actual CTR precept" if self.convention == "actual" else "",
            "exact RNF shares only" if not self.rounded_bounds else "",
        ]
        named = "; ".join(c for c in changes if c)
        return "precept equalisation" + (f" ({named})" if named else "")

    @property
    def status(self) -> str:
        """The status of a value this method rebuilt (for the ``reported`` kind: of a
        council whose report did not pass the screen).

        >>> Method().status
        'reconstructed: precept equalisation'
        """
        if self.kind == "reported":
            return self.equalisation.status
        return f"reconstructed: {self.label}"

    @property
    def equalisation(self) -> Method:
        """The same method without the reported figures."""
        if self.kind != "reported":
            return self
        return Method("equalisation", self.convention, self.form, self.rounded_bounds)

    def describe(self) -> str:
        if self.kind == "reported":
            return (
                "each council's 2018-19 iBCF as reported in the MHCLG revenue outturn (£000 "
                "as reported) where the report passes the plausibility screen, split between "
                "the elements in the method's proportion; what is left of each pot shared "
                "among the other councils by " + self.equalisation.describe()
            )
        if self.kind == "proxy":
            return (
                "each national total shared on each council's share of COVID-19 emergency "
                "funding tranche 1 (March 2020, primarily the ASC RNF)"
            )
        return (
            f"precept equalisation, {FORM_LABELS[self.form]}; precept capacity "
            f"{CONVENTION_LABELS[self.convention]}; need shares from the COVID-19 "
            "tranche 1 proxy with exact ASC RNF shares where published"
            + (" and rounded ones as bounds" if self.rounded_bounds else "")
        )


DEFAULT_METHOD = Method()
EQUALISATION_METHOD = Method(kind="equalisation")
PROXY_METHOD = Method(kind="proxy")


# --------------------------------------------------------------------------- need shares
def need_shares(
    proxy: np.ndarray,
    exact: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> np.ndarray:
    """Need shares summing to 1: exact shares kept, the rest the proxy renormalised.

    ``proxy``: non-negative weights (e.g. £ of a grant allocated on need); ``exact``:
    a council's known share, NaN where unknown. ``lower``/``upper`` (NaN where none)
    bound a council's share: a proxy share outside its bounds is moved to the nearer
    bound and kept, and the others renormalised again.

    >>> need_shares(np.array([1.0, 1.0, 2.0]), np.array([0.5, np.nan, np.nan])).tolist()
    [0.5, 0.16666666666666666, 0.3333333333333333]
    >>> lo, hi = np.array([np.nan, 0.3, np.nan]), np.array([np.nan, 0.35, np.nan])
    >>> need_shares(np.array([1.0, 1.0, 2.0]), np.full(3, np.nan), lo, hi).round(4).tolist()
    [0.2333, 0.3, 0.4667]
    """
    proxy = np.asarray(proxy, dtype=float)
    fixed = np.asarray(exact, dtype=float).copy()
    n = len(proxy)
    lower = np.full(n, np.nan) if lower is None else np.asarray(lower, dtype=float)
    upper = np.full(n, np.nan) if upper is None else np.asarray(upper, dtype=float)
    bounded = ~np.isnan(lower) | ~np.isnan(upper)
    lo = np.where(np.isnan(lower), 0.0, lower)
    hi = np.where(np.isnan(upper), 1.0, upper)
    for _ in range(n + 1):
        known = ~np.isnan(fixed)
        rest = ~known
        shares = np.where(known, fixed, 0.0)
        if rest.any():
            left = 1.0 - shares.sum()
            shares[rest] = left * proxy[rest] / proxy[rest].sum()
        outside = rest & bounded & ((shares < lo) | (shares > hi))
        if not outside.any():
            return shares
        fixed[outside] = np.clip(shares[outside], lo[outside], hi[outside])
    return shares  # pragma: no cover - each pass fixes at least one council


# --------------------------------------------------------------------------- precept
def precept_capacity(
    tax_base: np.ndarray,
    band_d: np.ndarray,
    convention: Convention,
    *,
    rate: float = PRECEPT_RATE,
    core_growth: float = CORE_BAND_D_GROWTH,
) -> dict[str, np.ndarray]:
    """What each council's ASC precept raises in each iBCF year, £ (cumulative).

    ``tax_base`` and ``band_d`` are ``(council, year)`` over :data:`CTR_YEARS` (Band D
    equivalents; £ per Band D). The precept in year y is the tax base of y times the
    sum of the increments since 2016-17, each ``rate`` × the previous year's Band D.

    - ``settlement``: as the February 2016 settlement would have projected it from
      2015-16: tax base grows each year at its 2014-15 → 2015-16 rate, Band D by
      ``core_growth`` plus the precept.
    - ``actual``: the actual Band D and tax base of each year's CTR return. A council
      with no row for a year (Bournemouth, Poole, Dorset in 2019-20) is carried forward
      at its previous year's tax-base growth.

    >>> tb = np.array([[100.0, 100.0, 110.0, 120.0, 130.0, 140.0]])
    >>> bd = np.array([[1000.0, 1000.0, 1050.0, 1100.0, 1150.0, 1200.0]])
    >>> {y: round(float(v[0]), 2) for y, v in precept_capacity(tb, bd, "actual").items()}
    {'2017-18': 4920.0, '2018-19': 8190.0, '2019-20': 12040.0}
    >>> p = precept_capacity(tb, bd, "settlement", core_growth=0.0)
    >>> {y: round(float(v[0]), 2) for y, v in p.items()}
    {'2017-18': 4040.0, '2018-19': 6120.8, '2019-20': 8243.22}
    """
    tax_base = np.asarray(tax_base, dtype=float)
    band_d = np.asarray(band_d, dtype=float)
    first = CTR_YEARS.index(FIRST_PRECEPT_YEAR)
    base = CTR_YEARS.index("2015-16")
    if convention == "settlement":
        growth = tax_base[:, base] / tax_base[:, base - 1]
        steps = np.arange(len(CTR_YEARS)) - base
        tb = tax_base[:, base, None] * growth[:, None] ** steps[None, :]
        bd = band_d[:, base, None] * (1 + core_growth + rate) ** np.maximum(steps, 0)[None, :]
    elif convention == "actual":
        tb = tax_base.copy()
        bd = band_d.copy()
        for j in range(first, len(CTR_YEARS)):
            gone = np.isnan(tb[:, j])
            tb[gone, j] = tb[gone, j - 1] ** 2 / tb[gone, j - 2]
            bd[gone, j] = bd[gone, j - 1] ** 2 / bd[gone, j - 2]
    else:
        raise ValueError(f"unknown precept convention {convention!r}")
    increments = rate * bd[:, first - 1 : -1]  # increment of year first..last
    cumulative = np.cumsum(increments, axis=1)
    capacity = tb[:, first:] * cumulative
    return {y: capacity[:, CTR_YEARS.index(y) - first] for y in YEARS}


# --------------------------------------------------------------------------- the two forms
def scale_down(pot: float, shares: np.ndarray, precept: np.ndarray) -> np.ndarray:
    """DLUHC's equalisation: ``max(0, sᵢ·(pot + Σp) − pᵢ)``, scaled to sum to ``pot``.

    >>> scale_down(30.0, np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])).tolist()
    [20.0, 10.0, 0.0]
    """
    shares = np.asarray(shares, dtype=float)
    precept = np.asarray(precept, dtype=float)
    raw = np.maximum(0.0, shares * (pot + precept.sum()) - precept)
    total = raw.sum()
    if pot <= 0:
        return np.zeros_like(raw)
    if total <= 0:
        raise ValueError("no council has need above its precept: nothing to scale")
    return raw * (pot / total)


def water_filling(pot: float, shares: np.ndarray, precept: np.ndarray) -> np.ndarray:
    """Grants ``max(0, λ·sᵢ − pᵢ)`` with the one level λ that makes them sum to ``pot``.

    Exact, not iterative: councils enter in order of ``pᵢ/sᵢ``; between two entry
    points the sum is linear in λ.

    >>> water_filling(30.0, np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])).tolist()
    [21.25, 8.75, 0.0]
    """
    shares = np.asarray(shares, dtype=float)
    precept = np.asarray(precept, dtype=float)
    if pot <= 0:
        return np.zeros_like(shares)
    need = shares > 0
    if not need.any():
        raise ValueError("no council has a need share: nothing to fill")
    entry = np.full(shares.shape, np.inf)
    entry[need] = precept[need] / shares[need]
    order = np.argsort(entry, kind="stable")
    t = entry[order]
    cum_s = np.cumsum(shares[order])
    cum_p = np.cumsum(np.where(need[order], precept[order], 0.0))
    # With the first k councils in, the sum at λ = t[k] (the next entry) is:
    nxt = np.append(t[1:], np.inf)
    reached = cum_s * nxt - cum_p
    k = int(np.searchsorted(reached, pot, side="left"))
    k = min(k, int(need.sum()) - 1)
    level = (pot + cum_p[k]) / cum_s[k]
    return np.maximum(0.0, level * shares - precept) * need


FORM_FUNCTIONS = {"scale_down": scale_down, "water_filling": water_filling}


def equalise(pot: float, shares: np.ndarray, precept: np.ndarray, form: Form) -> np.ndarray:
    """One pot shared by need net of precept, in the named form (£, float).

    >>> equalise(100.0, np.array([0.5, 0.5]), np.zeros(2), "water_filling").tolist()
    [50.0, 50.0]
    """
    return FORM_FUNCTIONS[form](pot, shares, precept)


def spring_budget_element(
    original_pot: float, spring_pot: float, shares: np.ndarray, precept: np.ndarray, form: Form
) -> np.ndarray:
    """The Spring Budget element: equalised(original + Spring Budget) − equalised(original).

    Never negative: a council whose difference would fall below zero (possible in the
    scale-down form, when a council first enters the combined pot and dilutes others)
    gets nothing, and the others are scaled to the Spring Budget pot.

    >>> s, p = np.array([0.5, 0.3, 0.2]), np.array([10.0, 10.0, 50.0])
    >>> spring_budget_element(30.0, 30.0, s, p, "water_filling").tolist()
    [18.75, 11.25, 0.0]
    """
    combined = equalise(original_pot + spring_pot, shares, precept, form)
    original = equalise(original_pot, shares, precept, form)
    difference = np.maximum(0.0, combined - original)
    total = difference.sum()
    return difference * (spring_pot / total) if total > 0 else difference


def whole_pounds(pot: int, amounts: np.ndarray) -> np.ndarray:
    """Whole pounds summing exactly to ``pot``, by the largest remainder.

    >>> whole_pounds(10, np.array([3.3, 3.3, 3.4])).tolist()
    [3, 3, 4]
    """
    return largest_remainder(int(pot), np.maximum(0.0, np.asarray(amounts, dtype=float)))


# --------------------------------------------------------------------------- reported totals
def split_total(total: np.ndarray, original: np.ndarray, spring_budget: np.ndarray) -> np.ndarray:
    """The original element of each pinned total, whole pounds: the total split in the
    method's own proportion (original / (original + Spring Budget)); where the method
    gives a council nothing, in the national proportion of the two pots (£825m : £674m).
    The Spring Budget element is the total less this.

    >>> split_total(np.array([1000, 999]), np.array([3.0, 0.0]), np.array([1.0, 0.0])).tolist()
    [750, 550]
    """
    original = np.asarray(original, dtype=float)
    both = original + np.asarray(spring_budget, dtype=float)
    national = ORIGINAL_POTS["2018-19"] / (ORIGINAL_POTS["2018-19"] + SPRING_BUDGET_POTS["2018-19"])
    fraction = np.divide(original, both, out=np.full(both.shape, national), where=both > 0)
    return to_pounds(np.asarray(total, dtype=float) * fraction)


def _shared(pot: int, amounts: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Whole pounds summing to ``pot``: by ``amounts``, or by ``fallback`` when the
    amounts are all zero (the method gives the rest nothing)."""
    weights = amounts if np.sum(amounts) > 0 else fallback
    return largest_remainder(int(pot), np.maximum(0.0, np.asarray(weights, dtype=float)))


def with_pinned_totals(
    pinned: np.ndarray,
    totals: np.ndarray,
    original: np.ndarray,
    spring_budget: np.ndarray,
    shares: np.ndarray,
    precept: np.ndarray,
    form: Form,
    pots: tuple[int, int] = (ORIGINAL_POTS["2018-19"], SPRING_BUDGET_POTS["2018-19"]),
) -> tuple[np.ndarray, np.ndarray]:
    """Both 2018/19 elements (whole pounds) with the ``pinned`` councils' totals fixed.

    A pinned council keeps its total (``totals``, whole pounds), split between the
    elements in the method's proportion (``original``, ``spring_budget``: the method's
    amounts, £). What each pot has left is shared among the other councils by precept
    equalisation run on them alone: their need shares renormalised, their precept
    (``precept``, 2018/19 £), the same ``form``; the Spring Budget element the combined
    remainder less the original remainder. Each element sums exactly to its pot.

    A worked case: two pinned councils of a four-council pot of £100 original and £60
    Spring Budget; the other two share what is left.

    >>> pin = np.array([True, True, False, False])
    >>> o, b = with_pinned_totals(pin, np.array([40, 20, 0, 0]),
    ...     np.array([30.0, 10.0, 0, 0]), np.array([10.0, 10.0, 0, 0]),
    ...     np.array([0.25, 0.25, 0.3, 0.2]), np.zeros(4), "scale_down", pots=(100, 60))
    >>> o.tolist(), b.tolist()
    ([30, 10, 36, 24], [10, 10, 24, 16])
    """
    pinned = np.asarray(pinned, dtype=bool)
    if pinned.all():
        raise ValueError("every council pinned: nothing left to bring each element to its pot")
    pot_original, pot_spring = pots
    totals = np.asarray(totals, dtype=np.int64)
    out_original = np.zeros(len(pinned), dtype=np.int64)
    out_spring = np.zeros(len(pinned), dtype=np.int64)
    first = split_total(
        totals[pinned], np.asarray(original)[pinned], np.asarray(spring_budget)[pinned]
    )
    out_original[pinned] = first
    out_spring[pinned] = totals[pinned] - first
    left_original = pot_original - int(out_original.sum())
    left_spring = pot_spring - int(out_spring.sum())
    if left_original < 0 or left_spring < 0:
        raise ValueError(
            f"the pinned totals take £{int(out_original.sum()):,} of the original pot "
            f"£{pot_original:,} and £{int(out_spring.sum()):,} of the Spring Budget pot "
            f"£{pot_spring:,}: more than the pot"
        )
    rest = ~pinned
    weights = np.asarray(shares, dtype=float)[rest]
    weights = (
        weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))
    )
    p = np.asarray(precept, dtype=float)[rest]
    try:
        orig_rest = equalise(left_original, weights, p, form)
        spring_rest = spring_budget_element(left_original, left_spring, weights, p, form)
    except ValueError:  # no other council has need above its precept: share by need
        orig_rest, spring_rest = weights * left_original, weights * left_spring
    out_original[rest] = _shared(left_original, orig_rest, weights)
    out_spring[rest] = _shared(left_spring, spring_rest, weights)
    return out_original, out_spring


# --------------------------------------------------------------------------- all years
@dataclass(frozen=True)
class Reconstruction:
    """Both elements for every year (whole pounds), with the inputs that made them."""

    method: Method
    shares: np.ndarray
    precept: dict[str, np.ndarray]
    original: dict[str, np.ndarray]
    spring_budget: dict[str, np.ndarray]
    original_exact: dict[str, np.ndarray]
    spring_budget_exact: dict[str, np.ndarray]


def reconstruct(
    method: Method,
    shares: np.ndarray,
    precept: Mapping[str, np.ndarray],
    proxy_shares: np.ndarray | None = None,
) -> Reconstruction:
    """Both elements, all three years, in whole pounds each summing to its pot.

    ``shares``: need shares (sum 1); ``precept``: capacity by year (£);
    ``proxy_shares``: the plain split used by the ``proxy`` method (defaults to shares).

    >>> r = reconstruct(Method(), np.array([0.6, 0.4]), {y: np.zeros(2) for y in YEARS})
    >>> r.original["2018-19"].tolist(), r.spring_budget["2017-18"].tolist()
    ([495000000, 330000000], [606000000, 404000000])
    """
    shares = np.asarray(shares, dtype=float)
    plain = shares if proxy_shares is None else np.asarray(proxy_shares, dtype=float)
    orig_exact: dict[str, np.ndarray] = {}
    sb_exact: dict[str, np.ndarray] = {}
    for year in YEARS:
        g1, g2 = ORIGINAL_POTS[year], SPRING_BUDGET_POTS[year]
        if method.kind == "proxy":
            orig_exact[year] = g1 * plain
            sb_exact[year] = g2 * plain
        else:
            p = np.asarray(precept[year], dtype=float)
            orig_exact[year] = equalise(g1, shares, p, method.form)
            sb_exact[year] = spring_budget_element(g1, g2, shares, p, method.form)
    return Reconstruction(
        method=method,
        shares=shares,
        precept={y: np.asarray(precept[y], dtype=float) for y in YEARS},
        original={y: whole_pounds(ORIGINAL_POTS[y], orig_exact[y]) for y in YEARS},
        spring_budget={y: whole_pounds(SPRING_BUDGET_POTS[y], sb_exact[y]) for y in YEARS},
        original_exact=orig_exact,
        spring_budget_exact=sb_exact,
    )


def element_amount(
    element: str, year: str, shares: np.ndarray, precept: Mapping[str, np.ndarray], method: Method
) -> np.ndarray:
    """One published figure's quantity for every council (£, float): ``original``,
    ``spring_budget`` or ``total`` of a year, or a span ``"2017-18 to 2019-20"``.

    >>> s = np.array([0.6, 0.4]); p = {y: np.zeros(2) for y in YEARS}
    >>> element_amount("spring_budget", "2017-18 to 2019-20", s, p, Method()).tolist()
    [1212600000.0, 808400000.0]
    """
    years = list(YEARS) if " to " in year else [year]
    total = np.zeros(len(shares))
    for y in years:
        g1, g2 = ORIGINAL_POTS[y], SPRING_BUDGET_POTS[y]
        if method.kind == "proxy":
            orig, sb = g1 * shares, g2 * shares
        else:
            orig = equalise(g1, shares, precept[y], method.form)
            sb = spring_budget_element(g1, g2, shares, precept[y], method.form)
        if element in ("original", "total"):
            total = total + orig
        if element in ("spring_budget", "total"):
            total = total + sb
    return total


def implied_share(
    target: float,
    i: int,
    element: str,
    year: str,
    shares: np.ndarray,
    precept: Mapping[str, np.ndarray],
    method: Method,
) -> float:
    """The need share of council ``i`` at which the method gives ``target`` £.

    The other councils keep their relative shares (renormalised to 1 − sᵢ). Found by
    bisection (the grant rises with the council's own share); NaN when no share in
    [0, 0.2] reaches the target (e.g. a published £0 the method gives at any share).

    >>> s = np.array([0.5, 0.3, 0.2]); p = {y: np.zeros(3) for y in YEARS}
    >>> round(implied_share(165_000_000, 1, "original", "2018-19", s, p, Method()), 6)
    0.2
    """
    others = np.asarray(shares, dtype=float).copy()
    rest = 1.0 - others[i]

    def amount(x: float) -> float:
        trial = others * ((1.0 - x) / rest) if rest > 0 else np.zeros_like(others)
        trial[i] = x
        return float(element_amount(element, year, trial, precept, method)[i])

    lo, hi = 0.0, 0.2
    if not amount(lo) <= target <= amount(hi):
        return float("nan")
    while hi - lo > 1e-10:  # a share to 1e-8 percentage points: about 31 halvings
        mid = (lo + hi) / 2
        if amount(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Inputs:
    """The validated arrays the reconstruction reads, councils in dataset order.

    ``proxy``: tranche-1 proxy shares (sum 1); ``exact``: exact ASC RNF shares (NaN
    where none); ``lower``/``upper``: bounds from rounded ones (NaN where none);
    ``tax_base``/``band_d``: ``(council, year)`` over :data:`CTR_YEARS`.
    """

    proxy: np.ndarray
    exact: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    tax_base: np.ndarray
    band_d: np.ndarray

    def shares(self, method: Method) -> np.ndarray:
        """Need shares under ``method`` (the proxy itself for the proxy method)."""
        if method.kind == "proxy":
            return self.proxy
        if method.rounded_bounds:
            return need_shares(self.proxy, self.exact, self.lower, self.upper)
        return need_shares(self.proxy, self.exact)

    def precept(self, method: Method) -> dict[str, np.ndarray]:
        return precept_capacity(self.tax_base, self.band_d, method.convention)

    def reconstruct(self, method: Method) -> Reconstruction:
        return reconstruct(method, self.shares(method), self.precept(method), self.proxy)

    def share_source(self, i: int, method: Method) -> str:
        """Where council ``i``'s need share comes from, in words."""
        method = method.equalisation
        if method.kind == "equalisation" and not np.isnan(self.exact[i]):
            return "exact ASC RNF (winter pressures grant)"
        if method.kind == "equalisation" and method.rounded_bounds:
            share = self.shares(method)[i]
            lo, hi = self.lower[i], self.upper[i]
            if not np.isnan(lo) and (np.isclose(share, lo) or np.isclose(share, hi)):
                return "proxy moved to the bound of a rounded ASC RNF share"
            if not np.isnan(lo):
                return "proxy (within its rounded ASC RNF share)"
        return "proxy (COVID-19 tranche 1), renormalised"


def variants(default: Method = EQUALISATION_METHOD) -> dict[str, Method]:
    """The default equalisation and each single change from it, for reporting how much
    each moves the result.

    >>> list(variants())[:3]
    ['default', 'actual CTR precept', 'water-filling form']
    >>> list(variants())[3:]
    ['exact RNF shares only', 'COVID-19 proxy split']
    """
    default = default.equalisation
    other_convention: Convention = "actual" if default.convention == "settlement" else "settlement"
    other_form: Form = "water_filling" if default.form == "scale_down" else "scale_down"
    return {
        "default": default,
        f"{other_convention.replace('actual', 'actual CTR')} precept": Method(
            "equalisation",
            convention=other_convention,
            form=default.form,
            rounded_bounds=default.rounded_bounds,
        ),
        f"{other_form.replace('_', '-')} form": Method(
            "equalisation",
            convention=default.convention,
            form=other_form,
            rounded_bounds=default.rounded_bounds,
        ),
        "exact RNF shares only": Method(
            "equalisation", convention=default.convention, form=default.form, rounded_bounds=False
        ),
        "COVID-19 proxy split": PROXY_METHOD,
    }


# --------------------------------------------------------------------------- in words
NAMES_COUNCILS = (
    "Allocations: the evidence",
    "Allocations: need shares",
    "Allocations: why these choices",
)


def explanation(
    method: Method = DEFAULT_METHOD, *, name_councils: bool = True
) -> list[tuple[str, str]]:
    """The method in plain words with its evidence, for the Data page and the Excel
    Methods sheet: ``(item, text)`` pairs. ``name_councils=False`` (workshops) leaves
    out the items that cite councils' published figures.

    >>> [item for item, _ in explanation()][:3]
    ['Allocations: status', 'Allocations: reported figures', 'Allocations: what was done']
    >>> any("Devon" in text for _, text in explanation(name_councils=False))
    False
    """
    rows = _explanation(method)
    if name_councils:
        return rows
    return [row for row in rows if row[0] not in NAMES_COUNCILS] + [
        (
            "Allocations: the evidence",
            "Ministers' statements, the government's own description of the equalisation "
            "step and published council figures support the method; the figures are left "
            "out here because they name councils.",
        )
    ]


REPORTED_TEXT = (
    "Each council's 2018/19 total is the improved Better Care Fund grant it reported "
    "receiving in the MHCLG revenue outturn 2018-19 (RG form; £000 as reported), where the "
    "report passes a plausibility screen: not £0, and implying a need share within a third "
    "of the one the method uses (between 2/3 and 3/2 of it). The total is split between "
    "the elements in the method's own proportion. What is left of each pot (original "
    "£825m, Spring Budget £674m) is shared among the other councils by precept "
    "equalisation run on them alone, with need shares corrected by the median ratio of "
    "implied to used need share among screened councils of the same authority type. Each "
    "element still sums exactly to its pot. 2017/18 and 2019/20 stay as rebuilt by "
    "precept equalisation."
)


def _explanation(method: Method) -> list[tuple[str, str]]:
    rows = _equalisation_explanation(method.equalisation)
    if method.kind == "reported":
        status = (
            "Allocations: status",
            "REPORTED 2018-19 OUTTURN WHERE PLAUSIBLE, THE REST RECONSTRUCTED: PRECEPT "
            "EQUALISATION. The official per-council 2018/19 iBCF table could not be "
            "obtained; councils' own reported receipts stand in for it where they pass the "
            "screen (each council's status says which). The rest are rebuilt by the method "
            "below, the best-supported hypothesis (its exact text was not available either), "
            "checked against every published figure. Dropping the official table into "
            "data/official/ replaces every value.",
        )
        return [status, ("Allocations: reported figures", REPORTED_TEXT), *rows[1:]]
    return rows


def _equalisation_explanation(method: Method) -> list[tuple[str, str]]:
    if method.kind == "proxy":
        what = (
            "Each national total (original £825m, Spring Budget £674m in 2018/19) is shared "
            "out on each council's share of COVID-19 emergency funding tranche 1 (March 2020, "
            "allocated primarily on the adult social care relative needs formula); "
            "Bournemouth, Poole and Dorset split by population 65+. Kept for comparison: the "
            "published figures reject a plain split by need."
        )
    else:
        what = (
            "The original iBCF was shared so that each council's adult social care need, net "
            "of what it can raise through the adult social care council tax precept, is met. "
            "For each year: add the precept every council can raise to the national pot; "
            "share the sum by need; give each council its share minus its precept, never "
            "less than zero; scale the results so they add up to the pot. The Spring Budget "
            "2017 element is the same step run on the combined pot (original + Spring "
            "Budget) less the original allocation, which is why its shares move from year "
            "to year. Pots: original £105m, £825m, £1,500m and Spring Budget £1,010m, £674m, "
            "£337m for 2017/18, 2018/19, 2019/20. Whole pounds by the largest remainder, "
            "each element and year summing exactly to its pot."
        )
    return [
        (
            "Allocations: status",
            f"{method.status.upper()}. The official per-council 2018/19 iBCF table is "
            "published only as spreadsheet attachments that could not be obtained; "
            "dropping it into data/official/ replaces every reconstructed value. The exact "
            "method text (the February 2016 settlement documents, the 2017 allocations "
            "note) was not available either: the method below is the best-supported "
            "hypothesis, checked against every published figure.",
        ),
        ("Allocations: what was done", what),
        (
            "Allocations: the evidence",
            "Ministers said councils 'with low council tax bases will benefit most' "
            "(Department of Health written answer, 17 March 2016) and that 'the overall "
            "distribution of adult social care funding, including the council tax precept, "
            "will reflect adult social care pressures across the country and relative tax "
            "bases' (Lords written answer HL4564). The government's own analysts describe "
            "the equalisation step for later social care grants (DLUHC settlement guide): "
            "add the precept raised to the pot, share the total by the ASC relative needs "
            "formula, give each council its share minus its precept floored at zero, then "
            "scale so the grants sum to the pot. Devon's published original element (£0.2m, "
            "£10.2m, £19.7m over 2017/18-2019/20) fits this and rejects a plain split by "
            "need (about £1.5m, £11.8m, £21.5m).",
        ),
        (
            "Allocations: need shares",
            "The ASC relative needs formula shares are not published as a table. Proxy: "
            "each council's share of COVID-19 emergency funding tranche 1 (March 2020, "
            "primarily the ASC RNF; Bournemouth, Poole and Dorset split by population 65+). "
            "Replaced by the exact share where the £240m 2018/19 winter pressures grant "
            "(allocated by the ASC RNF) is published to the pound (Norfolk, Lincolnshire, "
            "Nottinghamshire, West Berkshire); where it is published rounded to £0.1m "
            "(Warwickshire, Essex, Kent, Devon) the proxy share is kept if the rounded "
            "figure allows it and otherwise moved to the nearest share it allows"
            + ("" if method.rounded_bounds else " (switched off in this run)")
            + ". The other councils' proxy shares are renormalised to sum to one.",
        ),
        (
            "Allocations: precept capacity",
            "What a 2% precept a year from 2016-17 raises, cumulatively: each year's "
            "increment is 2% of the previous year's Band D, times the year's tax base "
            "(official Council Tax Requirement returns, 2014-15 to 2019-20). In use: "
            f"{CONVENTION_LABELS[method.convention]}. The settlement convention assumes "
            "core Band D rises 1.99% a year (assumption) and tax base grows at its "
            "2014-15 to 2015-16 rate; nationally it gives £820m, £1,282m, £1,781m for "
            "2017/18-2019/20 against DCLG's own forecast of £821m, £1,290m, £1,804m (Core "
            "Spending Power supporting information, 15 December 2016).",
        ),
        (
            "Allocations: why these choices",
            "Chosen by the published figures (the Allocation checks sheet). The "
            "scale-down form fits Devon's £0.2m of 2017/18 with the same need share as its "
            "other five figures; water-filling gives Devon nothing that year. Precept "
            "projected as the February 2016 settlement would have (when the original "
            "allocations were fixed) puts more published figures within their rounding "
            "than actual CTR figures. The rounded winter pressures shares move Devon's and "
            "Kent's need shares to what that grant allows, and with them their figures "
            "to within about 2%. Each alternative stays selectable (ibcf data build "
            "--form, --precept, --exact-shares-only, --allocation-method proxy).",
        ),
        (
            "Allocations: form in use",
            FORM_LABELS[method.form] if method.kind == "equalisation" else "proxy split",
        ),
    ]
