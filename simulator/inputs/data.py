"""Validated input frames: councils, 2018/19 allocations and monthly DToC.

Raw tables arrive as text (see :mod:`simulator.io`); this module checks them,
converts types, reconstructs what is not officially published, and returns one
frozen :class:`Dataset`. Blank cells stay NaN: unknown is never zero.

Council order is fixed: sorted by GSS code, 152 rows, position ``i`` in every array.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from simulator.errors import DataError
from simulator.inputs import allocation
from simulator.money import largest_remainder
from simulator.schema.calendar import days_in_months
from simulator.schema.vocabulary import ATTRIBUTIONS

log = logging.getLogger(__name__)

ENGLAND = "E92000001"
N_COUNCILS = 152

# National totals of the 2018/19 iBCF (SOURCES.md; ibcf_known_figures.csv England rows).
ORIGINAL_TOTAL_2018_19 = 825_000_000
SPRING_BUDGET_TOTAL_2018_19 = 674_000_000
# The 2018/19 Adult Social Care Support Grant (£150m) was distributed on ASC RNF shares.
ASC_SUPPORT_GRANT_2018_19 = 150_000_000
# COVID-19 tranche 1 was paid to the 2019 successor councils of Bournemouth, Poole and
# Dorset: BCP £11,101,861 and Dorset Council £10,665,165 (note column of
# covid19_tranche1_allocations.csv). The combined sum is split by population 65+.
BCP_DORSET_COMBINED = 11_101_861 + 10_665_165
BCP_DORSET = ("E06000028", "E06000029", "E10000009")

SCHEMAS: dict[str, list[str]] = {
    "council_reference.csv": [
        "gss_code",
        "council",
        "region",
        "population_18plus",
        "population_year",
        "source",
        "authority_type",
    ],
    "council_population_ages.csv": [
        "gss_code",
        "council",
        "pop_18plus",
        "pop_65plus",
        "pop_85plus",
        "year",
        "source",
        "pop_75plus",
        "pop_all_ages",
    ],
    "covid19_tranche1_allocations.csv": [
        "gss_code",
        "council",
        "amount",
        "grant",
        "share_of_upper_tier_total",
        "gss_code_as_published",
        "name_as_published",
        "note",
        "source",
    ],
    "dtoc_monthly.csv": [
        "gss_code",
        "council",
        "month",
        "delayed_days_total",
        "delayed_days_nhs",
        "delayed_days_social_care",
        "delayed_days_both",
        "source",
    ],
    "ibcf_known_figures.csv": [
        "gss_code",
        "council",
        "element",
        "year",
        "amount",
        "precision",
        "source",
    ],
    "dtoc_expectations_2017.csv": [
        "gss_code",
        "council",
        "expectation_measure",
        "expectation_value",
        "expectation_unit",
        "baseline_period",
        "target_period",
        "status",
        "source",
        "notes",
    ],
    "dtoc_la_lookup_2017.csv": [
        "gss_code",
        "dh_la_code",
        "council_name_as_published",
        "region_as_published",
        "source",
    ],
    "ibcf_allocations_2018_19.csv": [
        "gss_code",
        "allocation_original",
        "allocation_spring_budget",
        "status",
        "source",
    ],
    "dtoc_expectations_2017_official.csv": [
        "gss_code",
        "attribution",
        "expectation_beds_per_day",
        "source",
    ],
}
AUTHORITY_TYPES = (
    "County council",
    "London borough",
    "Metropolitan district",
    "Unitary authority",
)
OFFICIAL_STATUSES = ("official", "published_rounded")
# Plausible bounds: the largest council (Kent) has about 1.5 million people; England's
# delayed days peaked near 200,000 a month (6,700 beds a day).
MAX_COUNCIL_POPULATION = 10_000_000
MAX_DELAYED_DAYS = 31 * 20_000
# England's rows are the control total of each month's council rows; councils' figures
# are rounded and a few suppressed, so they agree to within this share.
ENGLAND_TOLERANCE = 0.02
FACT_STATUSES = (
    "published_national_target",
    "published_by_council",
    "reported_in_press",
    "criterion_reported_by_third_party",
    "official",
)


# --------------------------------------------------------------------------- checks
def _where(file: str, row: int | None = None, column: str | None = None) -> str:
    parts = [file]
    if row is not None:
        parts.append(f"row {row + 2}")  # +1 for the header, +1 for 1-based lines
    if column is not None:
        parts.append(f"column {column}")
    return ": ".join(parts)


def check_columns(frame: pd.DataFrame, file: str) -> None:
    """Exactly the documented columns, in any order."""
    expected = SCHEMAS[file]
    missing = [c for c in expected if c not in frame.columns]
    extra = [c for c in frame.columns if c not in expected]
    problems = []
    if missing:
        problems.append(f"{file}: missing column(s) {', '.join(missing)}")
    if extra:
        problems.append(f"{file}: unexpected column(s) {', '.join(map(str, extra))}")
    if problems:
        raise DataError(problems)


def _rows(mask: pd.Series, limit: int = 5) -> list[int]:
    """Positions of the first ``limit`` true cells (errors list a few, not thousands)."""
    return [int(r) for r in np.flatnonzero(mask.to_numpy())[:limit]]


def to_numbers(
    frame: pd.DataFrame,
    file: str,
    columns: list[str],
    *,
    allow_blank: bool,
    blanks: str = "",
    integral: bool = False,
    positive: bool = False,
    maximum: float | None = None,
    unit: str = "",
) -> pd.DataFrame:
    """Convert text cells to finite, non-negative floats; blank (or ``"-"``) becomes NaN
    where allowed. ``integral``: whole numbers only (counts of people, days, pounds);
    ``positive``: zero is refused too; ``maximum``: a plausible upper bound (``unit``
    names what it counts, for the message). Every refusal names file, row and column.

    >>> f = pd.DataFrame({"a": ["1", "", "2.5"]})
    >>> to_numbers(f, "x.csv", ["a"], allow_blank=True)["a"].tolist()
    [1.0, nan, 2.5]
    >>> to_numbers(f, "x.csv", ["a"], allow_blank=True, integral=True)
    Traceback (most recent call last):
    simulator.errors.DataError: x.csv: row 4: column a: not a whole number (2.5)
    """
    out = frame.copy()
    problems: list[str] = []
    for column in columns:
        raw = frame[column]
        text = raw.astype(str).str.strip().str.replace(",", "", regex=False)
        is_blank = text.isin(["", "-"])
        values = pd.to_numeric(text.where(~is_blank), errors="coerce").astype(float)
        known = values.notna()
        finite = known & np.isfinite(values)
        cell = functools.partial(_where, file, column=column)
        problems += [
            f"{cell(r)}: not a number ({raw.iloc[r]!r})" for r in _rows(~known & ~is_blank)
        ]
        problems += [
            f"{cell(r)}: not a finite number ({raw.iloc[r]!r})" for r in _rows(known & ~finite)
        ]
        problems += [
            f"{cell(r)}: negative value {values.iloc[r]:g}" for r in _rows(finite & (values < 0))
        ]
        if not allow_blank:
            problems += [f"{cell(r)}: blank{blanks}" for r in _rows(is_blank)]
        if positive:
            problems += [
                f"{cell(r)}: zero, where only a positive value makes sense"
                for r in _rows(finite & (values == 0))
            ]
        if integral:
            problems += [
                f"{cell(r)}: not a whole number ({values.iloc[r]:g})"
                for r in _rows(finite & (values != np.floor(values)))
            ]
        if maximum is not None:
            bound = f"{maximum:,.0f}{' ' + unit if unit else ''}"
            problems += [
                f"{cell(r)}: {values.iloc[r]:g} is implausibly large (more than {bound})"
                for r in _rows(finite & (values > maximum))
            ]
        out[column] = values
    if problems:
        raise DataError(problems)
    return out


def check_unique(frame: pd.DataFrame, file: str, keys: list[str]) -> None:
    dup = frame.duplicated(subset=keys, keep="first")
    if dup.any():
        rows = np.flatnonzero(dup.to_numpy())
        raise DataError(
            [
                f"{_where(file, int(r))}: duplicate {'/'.join(keys)} "
                f"{' '.join(str(frame[k].iloc[r]) for k in keys)}"
                for r in rows[:5]
            ]
        )


def check_known_codes(
    frame: pd.DataFrame, file: str, known: set[str], *, allow_england: bool = False
) -> None:
    allowed = known | ({ENGLAND} if allow_england else set())
    unknown = ~frame["gss_code"].isin(allowed)
    if unknown.any():
        rows = np.flatnonzero(unknown.to_numpy())
        raise DataError(
            [
                f"{_where(file, int(r), 'gss_code')}: unknown GSS code "
                f"{frame['gss_code'].iloc[r]!r} (not one of the 152 councils of 2017/18)"
                for r in rows[:5]
            ]
        )


# --------------------------------------------------------------------------- councils
def build_councils(reference: pd.DataFrame, populations: pd.DataFrame) -> pd.DataFrame:
    """The 152 councils with region, type and mid-2017 populations, sorted by GSS code."""
    ref_file, pop_file = "council_reference.csv", "council_population_ages.csv"
    check_columns(reference, ref_file)
    check_columns(populations, pop_file)
    bad_code = ~reference["gss_code"].str.fullmatch(r"E0[6-9]\d{6}|E10\d{6}")
    if bad_code.any():
        row = int(np.flatnonzero(bad_code.to_numpy())[0])
        raise DataError(
            f"{_where(ref_file, row, 'gss_code')}: not a council GSS code "
            f"({reference['gss_code'].iloc[row]!r})"
        )
    check_unique(reference, ref_file, ["gss_code"])
    if len(reference) != N_COUNCILS:
        raise DataError(f"{ref_file}: {len(reference)} councils, expected {N_COUNCILS}")
    bad_type = ~reference["authority_type"].isin(AUTHORITY_TYPES)
    if bad_type.any():
        row = int(np.flatnonzero(bad_type.to_numpy())[0])
        raise DataError(
            f"{_where(ref_file, row, 'authority_type')}: unknown authority type "
            f"{reference['authority_type'].iloc[row]!r}"
        )
    people = functools.partial(
        to_numbers,
        allow_blank=False,
        integral=True,
        positive=True,
        maximum=MAX_COUNCIL_POPULATION,
        unit="people in one council",
    )
    reference = people(reference, ref_file, ["population_18plus"])
    check_unique(populations, pop_file, ["gss_code"])
    check_known_codes(populations, pop_file, set(reference["gss_code"]))
    pops = ["pop_18plus", "pop_65plus", "pop_75plus", "pop_85plus", "pop_all_ages"]
    populations = people(populations, pop_file, pops)
    nested = ["pop_85plus", "pop_75plus", "pop_65plus", "pop_18plus", "pop_all_ages"]
    for younger, older in zip(nested[1:], nested[:-1], strict=True):
        wrong = populations[older] > populations[younger]
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0])
            raise DataError(
                f"{_where(pop_file, row, older)}: {populations[older].iloc[row]:,.0f} is more "
                f"than {younger} ({populations[younger].iloc[row]:,.0f})"
            )
    merged = reference.merge(populations[["gss_code", *pops]], on="gss_code", how="left")
    missing = merged["pop_18plus"].isna()
    if missing.any():
        raise DataError(f"{pop_file}: no row for {', '.join(merged.loc[missing, 'gss_code'][:5])}")
    if (merged["pop_18plus"] != merged["population_18plus"]).any():
        code = merged.loc[merged["pop_18plus"] != merged["population_18plus"], "gss_code"]
        raise DataError(f"{pop_file}: adults 18+ differ from {ref_file} for {code.iloc[0]}")
    councils = pd.DataFrame(
        {
            "gss_code": merged["gss_code"],
            "council": merged["council"],
            "region": merged["region"],
            "authority_type": merged["authority_type"],
            "adults_18plus": merged["pop_18plus"].astype(np.int64),
            "pop_65plus": merged["pop_65plus"].astype(np.int64),
            "pop_75plus": merged["pop_75plus"].astype(np.int64),
            "pop_85plus": merged["pop_85plus"].astype(np.int64),
            "pop_all_ages": merged["pop_all_ages"].astype(np.int64),
        }
    )
    return councils.sort_values("gss_code").reset_index(drop=True)


# --------------------------------------------------------------------------- allocations
PROXY_FILE = "covid19_tranche1_allocations.csv"
TAX_FILE = "council_tax_requirement_2014_2020.csv"
TAXBASE_FILE = "council_taxbase_ctb_2016_2018.csv"
RNF_FILE = "asc_rnf_checkpoints.csv"
KNOWN_FILE = "ibcf_known_figures.csv"
SCHEMAS.update(
    {
        TAX_FILE: [
            "gss_code",
            "council",
            "ecode",
            "ctr_class",
            "year",
            "tax_base_for_tax_setting",
            "band_d_excl_local_precepts",
            "council_tax_requirement_excl_local_precepts",
            "asc_precept_in_year_amount",
            "asc_precept_in_year_band_d_element",
            "asc_precept_in_year_pct",
            "derived_2pct_of_prev_band_d_x_tax_base",
            "source",
            "note",
        ],
        TAXBASE_FILE: [
            "gss_code",
            "council",
            "ecode",
            "year",
            "ctb_reference",
            "ctb_tax_base_after_cts_band_d_equivalents",
            "ctb_tax_base_before_cts_band_d_equivalents",
            "dwellings_on_valuation_list",
            "n_billing_authorities_summed",
            "source",
        ],
        RNF_FILE: [
            "gss_code",
            "council",
            "grant",
            "year",
            "amount",
            "precision",
            "share_of_pot",
            "source",
            "quote",
        ],
    }
)
# The 2018/19 (and 2019/20) winter pressures grant: £240m allocated by the ASC RNF.
WINTER_PRESSURES_GRANT = "winter_pressures_grant_240m"
WINTER_PRESSURES_POT = 240_000_000
# Half the rounding unit of each stated precision, £: a figure "rounded to £0.1m" is
# within £50,000 of the true value.
RNF_PRECISIONS = {"exact (pound)": 0.5, "rounded to £0.1m": 50_000.0}
KNOWN_PRECISIONS = {
    "exact": 0.5,
    "national total": 0.5,
    "rounded to £1k": 500.0,
    "rounded to £0.1m": 50_000.0,
    "rounded to £1m": 500_000.0,
}
KNOWN_ELEMENTS = ("original", "spring_budget", "total", "asc_support_grant")
THREE_YEARS = "2017-18 to 2019-20"
KNOWN_YEARS = (*allocation.YEARS, THREE_YEARS)
CTB_YEARS = ("2016-17", "2017-18", "2018-19")


def _numbers(
    frame: pd.DataFrame,
    file: str,
    columns: list[str],
    *,
    blank_ok: np.ndarray | None = None,
    whole: bool = False,
    positive: bool = False,
    maximum: float | None = None,
    unit: str = "",
) -> pd.DataFrame:
    """:func:`to_numbers` (finite, not negative; whole where they count pounds or people,
    above zero where zero is meaningless), blank only in the rows ``blank_ok`` marks.

    >>> f = pd.DataFrame({"amount": ["5", "", "2.5"]})
    >>> try:
    ...     _numbers(f, "x.csv", ["amount"], whole=True, blank_ok=np.array([0, 0, 1]) > 0)
    ... except DataError as e:
    ...     print(e)
    x.csv: row 4: column amount: not a whole number (2.5)
    >>> _numbers(f.iloc[:2], "x.csv", ["amount"], blank_ok=np.array([False, True]))[
    ...     "amount"].tolist()
    [5.0, nan]
    """
    out = to_numbers(
        frame,
        file,
        columns,
        allow_blank=True,
        integral=whole,
        positive=positive,
        maximum=maximum,
        unit=unit,
    )
    allowed = np.zeros(len(frame), dtype=bool) if blank_ok is None else np.asarray(blank_ok)
    problems = [
        f"{_where(file, int(row), column)}: blank"
        for column in columns
        for row in np.flatnonzero(out[column].isna().to_numpy() & ~allowed)[:5]
    ]
    if problems:
        raise DataError(problems)
    return out


def _vocabulary(frame: pd.DataFrame, file: str, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, column)}: {frame[column].iloc[row]!r} is not one of "
            f"{', '.join(allowed)}"
        )


def _wide(
    frame: pd.DataFrame, column: str, codes: np.ndarray, years: tuple[str, ...]
) -> np.ndarray:
    table = frame.pivot(index="gss_code", columns="year", values=column)
    return table.reindex(index=codes, columns=list(years)).to_numpy(dtype=float)


def _complete(frame: pd.DataFrame, file: str, codes: np.ndarray, years: tuple[str, ...]) -> None:
    have = set(zip(frame["gss_code"], frame["year"], strict=True))
    missing = [f"{c} {y}" for c in codes for y in years if (c, y) not in have]
    if missing:
        raise DataError(f"{file}: no row for {', '.join(missing[:5])}")


def council_tax_arrays(ctr: pd.DataFrame, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tax base (Band D equivalents) and Band D (£) as ``(council, year)`` arrays over
    2014-15 … 2019-20, from the official CTR returns, validated.

    Only Bournemouth, Poole and Dorset may be blank, and only for 2019-20 (abolished);
    the ASC precept columns are blank before 2016-17. The derived "2% precept" column
    must equal 2% of the previous year's Band D × this year's tax base to £1.
    """
    file = TAX_FILE
    check_columns(ctr, file)
    check_known_codes(ctr, file, set(codes))
    _vocabulary(ctr, file, "year", allocation.CTR_YEARS)
    check_unique(ctr, file, ["gss_code", "year"])
    _complete(ctr, file, codes, allocation.CTR_YEARS)
    gone = (ctr["gss_code"].isin(BCP_DORSET) & (ctr["year"] == "2019-20")).to_numpy()
    before = ctr["year"].isin(["2014-15", "2015-16"]).to_numpy()
    core = [
        "tax_base_for_tax_setting",
        "band_d_excl_local_precepts",
        "council_tax_requirement_excl_local_precepts",
    ]
    precept = [
        "asc_precept_in_year_amount",
        "asc_precept_in_year_band_d_element",
        "asc_precept_in_year_pct",
        "derived_2pct_of_prev_band_d_x_tax_base",
    ]
    # Plausible bounds: Kent, the largest, has a tax base near 550,000 Band D
    # equivalents, a Band D near £1,300 and a requirement near £700m.
    numbers = _numbers(
        ctr, file, core[:1], blank_ok=gone, positive=True, maximum=5e6, unit="Band D equivalents"
    )
    numbers[core[1:2]] = _numbers(
        ctr, file, core[1:2], blank_ok=gone, positive=True, maximum=1e4, unit="£ per Band D"
    )[core[1:2]]
    numbers[core[2:]] = _numbers(
        ctr, file, core[2:], blank_ok=gone, positive=True, maximum=1e10, unit="£"
    )[core[2:]]
    numbers[precept] = _numbers(
        ctr, file, precept, blank_ok=gone | before, maximum=1e9, unit="£ or %"
    )[precept]
    tax_base = _wide(numbers, "tax_base_for_tax_setting", codes, allocation.CTR_YEARS)
    band_d = _wide(numbers, "band_d_excl_local_precepts", codes, allocation.CTR_YEARS)
    prev = pd.Series(
        band_d[:, :-1].reshape(-1),
        index=pd.MultiIndex.from_product([codes, allocation.CTR_YEARS[1:]]),
    )
    keys = pd.MultiIndex.from_arrays([numbers["gss_code"], numbers["year"]])
    expected = (
        allocation.PRECEPT_RATE
        * prev.reindex(keys).to_numpy()
        * numbers["tax_base_for_tax_setting"].to_numpy()
    )
    derived = numbers["derived_2pct_of_prev_band_d_x_tax_base"].to_numpy()
    off = np.abs(derived - expected) > 1.0
    off &= ~np.isnan(derived)
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise DataError(
            f"{_where(file, row, 'derived_2pct_of_prev_band_d_x_tax_base')}: "
            f"£{derived[row]:,.2f} is not 2% of the previous year's Band D × this "
            f"year's tax base (£{expected[row]:,.2f})"
        )
    return tax_base, band_d


def council_taxbase_ctb(ctb: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """Council Taxbase (CTB) tax base after council tax support, Band D equivalents,
    ``(council, year)`` over 2016-17 … 2018-19 (a control on the CTR tax bases)."""
    file = TAXBASE_FILE
    check_columns(ctb, file)
    check_known_codes(ctb, file, set(codes))
    _vocabulary(ctb, file, "year", CTB_YEARS)
    check_unique(ctb, file, ["gss_code", "year"])
    _complete(ctb, file, codes, CTB_YEARS)
    bases = [
        "ctb_tax_base_after_cts_band_d_equivalents",
        "ctb_tax_base_before_cts_band_d_equivalents",
    ]
    numbers = _numbers(ctb, file, bases, positive=True, maximum=5e6, unit="Band D equivalents")
    counts = ["dwellings_on_valuation_list", "n_billing_authorities_summed"]
    numbers[counts] = _numbers(ctb, file, counts, whole=True, positive=True)[counts]
    return _wide(numbers, bases[0], codes, CTB_YEARS)


def rnf_checkpoints(
    rnf: pd.DataFrame, codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact ASC RNF shares (NaN where none) and the bounds a rounded one sets.

    Each row is a council's £240m winter pressures grant; its share of £240m is its
    ASC RNF share. Exact to the pound: the share itself; rounded to £0.1m: the share
    lies within ± £50,000 / £240m.
    """
    file = RNF_FILE
    check_columns(rnf, file)
    check_known_codes(rnf, file, set(codes))
    check_unique(rnf, file, ["gss_code"])
    _vocabulary(rnf, file, "grant", (WINTER_PRESSURES_GRANT,))
    _vocabulary(rnf, file, "year", ("2018-19", "2019-20"))
    _vocabulary(rnf, file, "precision", tuple(RNF_PRECISIONS))
    numbers = _numbers(rnf, file, ["amount"], whole=True, positive=True)
    numbers["share_of_pot"] = _numbers(rnf, file, ["share_of_pot"], positive=True)["share_of_pot"]
    share = numbers["amount"].to_numpy() / WINTER_PRESSURES_POT
    off = np.abs(share - numbers["share_of_pot"].to_numpy()) > 5e-9 + 1e-12  # 8 decimals
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise DataError(
            f"{_where(file, row, 'share_of_pot')}: {numbers['share_of_pot'].iloc[row]:g} is "
            f"not amount / £240m ({share[row]:.8f})"
        )
    n = len(codes)
    exact, lower, upper = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    position = {c: i for i, c in enumerate(codes)}
    for code, precision, amount in zip(
        numbers["gss_code"], numbers["precision"], numbers["amount"], strict=True
    ):
        i = position[str(code)]
        half = RNF_PRECISIONS[str(precision)]
        if half < 1:
            exact[i] = float(amount) / WINTER_PRESSURES_POT
        else:
            lower[i] = (float(amount) - half) / WINTER_PRESSURES_POT
            upper[i] = (float(amount) + half) / WINTER_PRESSURES_POT
    return exact, lower, upper


def proxy_shares(proxy: pd.DataFrame, councils: pd.DataFrame) -> pd.Series:
    """Each council's share of the upper-tier COVID-19 tranche 1 total (sums to 1)."""
    file = PROXY_FILE
    check_columns(proxy, file)
    check_unique(proxy, file, ["gss_code"])
    check_known_codes(proxy, file, set(councils["gss_code"]))
    text = proxy
    proxy = to_numbers(proxy, file, ["amount"], allow_blank=True)
    amounts = councils[["gss_code", "pop_65plus"]].merge(
        proxy[["gss_code", "amount"]], on="gss_code", how="left"
    )
    blank = amounts["amount"].isna()
    unexpected = set(amounts.loc[blank, "gss_code"]) - set(BCP_DORSET)
    if unexpected:
        raise DataError(
            f"{file}: blank amount for {', '.join(sorted(unexpected))} "
            "(only Bournemouth, Poole and Dorset may be blank)"
        )
    blank_ok = text["gss_code"].isin(BCP_DORSET).to_numpy()
    _numbers(text, file, ["amount"], blank_ok=blank_ok, whole=True, positive=True)
    split = amounts["gss_code"].isin(BCP_DORSET)
    pop65 = amounts.loc[split, "pop_65plus"].astype(float)
    amounts.loc[split, "amount"] = BCP_DORSET_COMBINED * pop65 / pop65.sum()
    amount = amounts["amount"].to_numpy(dtype=float)
    return pd.Series(amount / amount.sum(), index=councils["gss_code"].to_numpy())


def allocation_inputs(raw: dict[str, pd.DataFrame], councils: pd.DataFrame) -> allocation.Inputs:
    """Every input of the reconstruction, validated, as arrays in council order."""
    codes = councils["gss_code"].to_numpy()
    exact, lower, upper = rnf_checkpoints(raw["rnf_checkpoints"], codes)
    tax_base, band_d = council_tax_arrays(raw["council_tax"], codes)
    return allocation.Inputs(
        proxy=proxy_shares(raw["proxy"], councils).to_numpy(),
        exact=exact,
        lower=lower,
        upper=upper,
        tax_base=tax_base,
        band_d=band_d,
    )


def allocation_source(method: allocation.Method) -> str:
    """The source text of a reconstructed value."""
    if method.kind == "proxy":
        return (
            "Reconstructed (COVID-19 proxy split): 2018/19 national total distributed on "
            "each council's share of COVID-19 emergency funding tranche 1 (March 2020, "
            "primarily ASC RNF; Bournemouth, Poole and Dorset split by population 65+)"
        )
    return (
        "Reconstructed (precept equalisation): need shares (ASC RNF; COVID-19 tranche 1 "
        "proxy where the exact share is not published) applied to the national pot plus "
        "the ASC precept councils can raise (MHCLG CTR returns), less each council's "
        f"precept; {allocation.FORM_LABELS[method.form]}"
    )


def build_allocations(
    councils: pd.DataFrame,
    reconstruction: allocation.Reconstruction,
    official: pd.DataFrame | None,
) -> pd.DataFrame:
    """2018/19 allocations by element, whole pounds, each with a status and a source.

    Reconstructed values are the method's 2018/19 whole pounds (each element sums
    exactly to its pot). Rows of an official table replace the reconstruction for
    their councils; the remaining national amount is spread over the other councils
    in proportion to their reconstructed values (largest remainder).
    """
    codes = councils["gss_code"].to_numpy()
    frame = pd.DataFrame({"gss_code": codes})
    pinned = pd.DataFrame(columns=["gss_code"])
    if official is not None:
        pinned = _validated_official_allocations(official, set(codes))
    method = reconstruction.method
    year = "2018-19"
    for element, total, whole, exact in (
        (
            "original",
            ORIGINAL_TOTAL_2018_19,
            reconstruction.original[year],
            reconstruction.original_exact[year],
        ),
        (
            "spring_budget",
            SPRING_BUDGET_TOTAL_2018_19,
            reconstruction.spring_budget[year],
            reconstruction.spring_budget_exact[year],
        ),
    ):
        values = whole.astype(np.int64).copy()
        status = np.full(len(codes), method.status, dtype=object)
        source = np.full(len(codes), allocation_source(method), dtype=object)
        is_pinned = np.isin(codes, pinned["gss_code"].to_numpy())
        if is_pinned.any():
            lookup = pinned.set_index("gss_code")
            values[is_pinned] = lookup.loc[codes[is_pinned], f"allocation_{element}"].to_numpy(
                dtype=np.int64
            )
            status[is_pinned] = lookup.loc[codes[is_pinned], "status"].to_numpy()
            source[is_pinned] = lookup.loc[codes[is_pinned], "source"].to_numpy()
            rest = ~is_pinned
            remaining = total - int(values[is_pinned].sum())
            if rest.any():
                if remaining < 0:
                    raise DataError(
                        f"ibcf_allocations_2018_19.csv: allocation_{element} sums to more "
                        f"than the national total £{total:,}"
                    )
                weights = exact[rest] if exact[rest].sum() > 0 else np.ones(int(rest.sum()))
                values[rest] = largest_remainder(remaining, weights)
            elif remaining != 0:
                raise DataError(
                    f"ibcf_allocations_2018_19.csv: allocation_{element} sums to "
                    f"£{int(values.sum()):,}, not the national total £{total:,}"
                )
        frame[f"allocation_{element}"] = values
        frame[f"status_{element}"] = status
        frame[f"source_{element}"] = source
    frame["allocation_total"] = frame["allocation_original"] + frame["allocation_spring_budget"]
    recon = frame["status_original"].str.startswith("reconstructed") | frame[
        "status_spring_budget"
    ].str.startswith("reconstructed")
    frame["allocation_status"] = np.where(
        recon,
        method.status,
        np.where(
            (frame["status_original"] == "official")
            & (frame["status_spring_budget"] == "official"),
            "official",
            "published_rounded",
        ),
    )
    return frame


def _validated_official_allocations(official: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    file = "ibcf_allocations_2018_19.csv"
    check_columns(official, file)
    check_unique(official, file, ["gss_code"])
    check_known_codes(official, file, codes)
    bad = ~official["status"].isin(OFFICIAL_STATUSES)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, 'status')}: status must be one of "
            f"{', '.join(OFFICIAL_STATUSES)} (got {official['status'].iloc[row]!r})"
        )
    columns = ["allocation_original", "allocation_spring_budget"]
    numbers = to_numbers(official, file, columns, allow_blank=False)
    for column in columns:
        fractional = numbers[column] != np.floor(numbers[column])
        if fractional.any():
            row = int(np.flatnonzero(fractional.to_numpy())[0])
            raise DataError(f"{_where(file, row, column)}: not whole pounds")
    return numbers


def validated_known_figures(known: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """The published figures, checked: known council (or England), element, year and
    precision from the documented lists, amounts finite, whole pounds and above zero."""
    file = KNOWN_FILE
    check_columns(known, file)
    check_known_codes(known, file, set(codes), allow_england=True)
    _vocabulary(known, file, "element", KNOWN_ELEMENTS)
    _vocabulary(known, file, "year", KNOWN_YEARS)
    _vocabulary(known, file, "precision", tuple(KNOWN_PRECISIONS))
    check_unique(known, file, ["gss_code", "element", "year"])
    return _numbers(known, file, ["amount"], whole=True, positive=True)


def _reconstructed_amount(
    recon: allocation.Reconstruction, element: str, year: str, i: int | None
) -> int:
    years = list(allocation.YEARS) if year == THREE_YEARS else [year]
    parts = []
    if element in ("original", "total"):
        parts += [recon.original[y] for y in years]
    if element in ("spring_budget", "total"):
        parts += [recon.spring_budget[y] for y in years]
    return int(sum(int(p.sum() if i is None else p[i]) for p in parts))


def known_figure_checks(
    known: pd.DataFrame,
    inputs: allocation.Inputs,
    recon: allocation.Reconstruction,
    codes: np.ndarray,
    *,
    implied: bool = True,
) -> pd.DataFrame:
    """Every published figure beside the reconstruction: the difference, whether it is
    within the figure's rounding, and the need share it implies under the method
    beside the share the method used and the proxy share (percent)."""
    position = {c: i for i, c in enumerate(codes)}
    shares = recon.shares
    method = recon.method
    precept = recon.precept
    rows = []
    for record in known.to_dict("records"):
        code, element, year = str(record["gss_code"]), str(record["element"]), str(record["year"])
        published = float(record["amount"])
        half = KNOWN_PRECISIONS[str(record["precision"])]
        i = position.get(code)
        if element == "asc_support_grant":
            # Distributed on ASC RNF shares: the need share times the £150m pot.
            model = float(round(shares[i] * ASC_SUPPORT_GRANT_2018_19)) if i is not None else 0.0
            implied_share = published / ASC_SUPPORT_GRANT_2018_19
        else:
            model = float(_reconstructed_amount(recon, element, year, i))
            implied_share = (
                allocation.implied_share(published, i, element, year, shares, precept, method)
                if implied and i is not None
                else float("nan")
            )
        difference = model - published
        rows.append(
            {
                "gss_code": code,
                "council": record["council"],
                "element": element,
                "year": year,
                "published": int(published),
                "precision": record["precision"],
                "reconstructed": int(model),
                "difference": int(difference),
                "difference_pct": round(100 * difference / published, 1),
                "within_rounding": bool(abs(difference) <= half),
                "implied_need_share_pct": (
                    round(100 * implied_share, 4) if i is not None else float("nan")
                ),
                "need_share_pct": round(100 * shares[i], 4) if i is not None else float("nan"),
                "proxy_share_pct": (
                    round(100 * inputs.proxy[i], 4) if i is not None else float("nan")
                ),
                "share_source": inputs.share_source(i, method) if i is not None else "",
                "method": method.status,
                "source": record["source"],
            }
        )
    return pd.DataFrame(rows)


def method_comparison(
    known: pd.DataFrame, inputs: allocation.Inputs, codes: np.ndarray
) -> pd.DataFrame:
    """How much each choice moves the result: for the default and each single change
    from it, the fit to the published council figures and the 2018/19 money moved."""
    base = inputs.reconstruct(allocation.DEFAULT_METHOD)
    council_rows = known["gss_code"] != ENGLAND
    iBCF = known["element"] != "asc_support_grant"
    rows = []
    for name, method in allocation.variants().items():
        recon = base if name == "default" else inputs.reconstruct(method)
        table = known_figure_checks(known[council_rows & iBCF], inputs, recon, codes, implied=False)
        moved = sum(
            int(np.abs(getattr(recon, e)["2018-19"] - getattr(base, e)["2018-19"]).sum())
            for e in ("original", "spring_budget")
        )
        change = (
            recon.original["2018-19"]
            + recon.spring_budget["2018-19"]
            - (base.original["2018-19"] + base.spring_budget["2018-19"])
        )
        worst = int(np.argmax(np.abs(change)))
        rows.append(
            {
                "variant": name,
                "figures_within_rounding": int(table["within_rounding"].sum()),
                "figures": len(table),
                "mean_abs_difference_pct": round(float(table["difference_pct"].abs().mean()), 2),
                "max_abs_difference_pct": round(float(table["difference_pct"].abs().max()), 1),
                "moved_2018_19": moved // 2,
                "largest_council_change": int(change[worst]),
                "largest_change_council": codes[worst],
                "method": method.describe(),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- DToC
DTOC_COLUMNS = {
    "social_care": "delayed_days_social_care",
    "nhs": "delayed_days_nhs",
    "both": "delayed_days_both",
    "total": "delayed_days_total",
}


def build_dtoc(dtoc: pd.DataFrame, codes: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Monthly delayed days as arrays ``(council, month, attribution)`` and England's.

    Councils without rows (Isles of Scilly) are NaN throughout.
    """
    file = "dtoc_monthly.csv"
    check_columns(dtoc, file)
    if dtoc.empty:
        raise DataError(f"{file}: no data rows (only a header)")
    blank_source = dtoc["source"].str.strip() == ""
    if blank_source.any():
        row = int(np.flatnonzero(blank_source.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, 'source')}: blank (every row names its source; "
            "a file cut short ends like this)"
        )
    bad_month = ~dtoc["month"].str.fullmatch(r"20\d\d-(0[1-9]|1[0-2])")
    if bad_month.any():
        row = int(np.flatnonzero(bad_month.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, 'month')}: not a month YYYY-MM ({dtoc['month'].iloc[row]!r})"
        )
    order = dtoc["month"].to_numpy()
    backwards = np.flatnonzero(order[1:] < order[:-1])
    if len(backwards):
        row = int(backwards[0]) + 1
        raise DataError(
            f"{_where(file, row, 'month')}: months out of order "
            f"({order[row - 1]} then {order[row]})"
        )
    check_known_codes(dtoc, file, set(codes), allow_england=True)
    check_unique(dtoc, file, ["gss_code", "month"])
    dtoc = to_numbers(
        dtoc,
        file,
        list(DTOC_COLUMNS.values()),
        allow_blank=True,
        integral=True,
        maximum=MAX_DELAYED_DAYS,
        unit="delayed days in a month",
    )
    parts = dtoc[["delayed_days_nhs", "delayed_days_social_care", "delayed_days_both"]]
    complete = parts.notna().all(axis=1) & dtoc["delayed_days_total"].notna()
    mismatch = complete & (parts.sum(axis=1) != dtoc["delayed_days_total"])
    if mismatch.any():
        row = int(np.flatnonzero(mismatch.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, 'delayed_days_total')}: total "
            f"{dtoc['delayed_days_total'].iloc[row]:g} does not equal NHS + social care + "
            f"both ({parts.iloc[row].sum():g})"
        )
    months = sorted(dtoc["month"].unique())
    expected = [str(p) for p in pd.period_range(months[0], months[-1], freq="M")]
    if months != expected:
        gap = sorted(set(expected) - set(months))
        raise DataError(f"{file}: month(s) missing from the series: {', '.join(gap[:5])}")
    _check_every_month_complete(dtoc, file)
    _check_england_control_totals(dtoc, file)
    sc = dtoc["delayed_days_social_care"]
    by_basis = {
        "social_care": sc,
        "social_care_and_both": sc + dtoc["delayed_days_both"],
        "nhs": dtoc["delayed_days_nhs"],
        "total": dtoc["delayed_days_total"],
    }
    long = pd.DataFrame(by_basis)
    long["gss_code"] = dtoc["gss_code"].to_numpy()
    long["month"] = dtoc["month"].to_numpy()
    wide = long.set_index(["gss_code", "month"])
    full_index = pd.MultiIndex.from_product([list(codes), months], names=["gss_code", "month"])
    flat = wide.reindex(full_index)[list(ATTRIBUTIONS)].to_numpy(dtype=float)
    councils = flat.reshape(len(codes), len(months), len(ATTRIBUTIONS))
    eng_index = pd.MultiIndex.from_product([[ENGLAND], months], names=["gss_code", "month"])
    england = wide.reindex(eng_index)[list(ATTRIBUTIONS)].to_numpy(dtype=float)
    return months, councils, england


def _check_every_month_complete(dtoc: pd.DataFrame, file: str) -> None:
    """Every month has a row for England and for every council that appears at all."""
    everyone = set(dtoc["gss_code"]) | {ENGLAND}
    for month, codes in dtoc.groupby("month", sort=True)["gss_code"]:
        missing = sorted(everyone - set(codes))
        if missing:
            raise DataError(
                f"{file}: month {month} has no row for {', '.join(missing[:5])}"
                f"{' and others' if len(missing) > 5 else ''} ({len(missing)} of "
                f"{len(everyone)} missing; a file cut short ends like this)"
            )


def _check_england_control_totals(dtoc: pd.DataFrame, file: str) -> None:
    """England's row of each month agrees with the sum of its councils' rows."""
    columns = list(DTOC_COLUMNS.values())
    is_england = (dtoc["gss_code"] == ENGLAND).to_numpy()
    england = dtoc[is_england].set_index("month")[columns]
    councils = dtoc[~is_england].groupby("month")[columns].sum(min_count=1)
    councils = councils.reindex(england.index)
    gap = (councils - england).abs() > ENGLAND_TOLERANCE * england
    if gap.to_numpy().any():
        month, column = next((m, c) for m in gap.index for c in columns if gap.loc[m, c])
        row = int(np.flatnonzero(is_england & (dtoc["month"] == month).to_numpy())[0])
        raise DataError(
            f"{_where(file, row, column)}: England {england.loc[month, column]:,.0f} in "
            f"{month}, but its councils sum to {councils.loc[month, column]:,.0f} (more "
            f"than {ENGLAND_TOLERANCE:.0%} apart)"
        )


# --------------------------------------------------------------------------- official expectations
def build_official_expectations(
    official: pd.DataFrame | None, codes: np.ndarray
) -> pd.DataFrame | None:
    """An official September 2017 expectations table, validated, or None."""
    if official is None:
        return None
    file = "dtoc_expectations_2017_official.csv"
    check_columns(official, file)
    check_known_codes(official, file, set(codes))
    check_unique(official, file, ["gss_code", "attribution"])
    bad = ~official["attribution"].isin(ATTRIBUTIONS)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{_where(file, row, 'attribution')}: must be one of {', '.join(ATTRIBUTIONS)}"
        )
    return to_numbers(official, file, ["expectation_beds_per_day"], allow_blank=False)


# --------------------------------------------------------------------------- reference facts
def _first_bad(frame: pd.DataFrame, file: str, column: str, bad: pd.Series, reason: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{_where(file, row, column)}: {reason} ({frame[column].iloc[row]!r})")


def check_expectation_facts(facts: pd.DataFrame, councils: pd.DataFrame) -> pd.DataFrame:
    """The published expectation figures (dtoc_expectations_2017.csv): known councils
    under their own names, a finite value, months or years as periods, a known status
    and a source."""
    file = "dtoc_expectations_2017.csv"
    check_columns(facts, file)
    check_known_codes(facts, file, set(councils["gss_code"]), allow_england=True)
    names = dict(zip(councils["gss_code"], councils["council"], strict=True)) | {ENGLAND: "England"}
    wrong_name = facts["council"] != facts["gss_code"].map(names)
    _first_bad(facts, file, "council", wrong_name, "not the name of its GSS code")
    facts = to_numbers(
        facts,
        file,
        ["expectation_value"],
        allow_blank=False,
        maximum=10_000,
        unit="a rate, share or count",
    )
    period = r"20\d\d-(0[1-9]|1[0-2])"
    year = r"20\d\d-\d\d"
    bad_target = ~facts["target_period"].str.fullmatch(f"{period}|{year}")
    _first_bad(facts, file, "target_period", bad_target, "not a month YYYY-MM or a year YYYY-YY")
    baseline = facts["baseline_period"]
    bad_baseline = ~(baseline.eq("") | baseline.str.fullmatch(f"{period}( to {period})?"))
    _first_bad(
        facts, file, "baseline_period", bad_baseline, "not blank, YYYY-MM or YYYY-MM to YYYY-MM"
    )
    spans = baseline.str.split(" to ")
    backwards = spans.map(lambda p: len(p) == 2 and p[1] < p[0])
    _first_bad(facts, file, "baseline_period", backwards, "ends before it starts")
    _first_bad(
        facts,
        file,
        "status",
        ~facts["status"].isin(FACT_STATUSES),
        f"status must be one of {', '.join(FACT_STATUSES)}",
    )
    _first_bad(
        facts,
        file,
        "source",
        facts["source"].str.strip() == "",
        "blank; every figure names its source",
    )
    return facts


def check_dtoc_lookup(lookup: pd.DataFrame, councils: pd.DataFrame, with_dtoc: set[str]) -> None:
    """The DH council codes of the DToC tables (dtoc_la_lookup_2017.csv): one row per
    council with DToC data, unique numeric codes, the council's own region; and every
    council it maps has rows in dtoc_monthly.csv (and no other council does)."""
    file = "dtoc_la_lookup_2017.csv"
    check_columns(lookup, file)
    check_known_codes(lookup, file, set(councils["gss_code"]))
    check_unique(lookup, file, ["gss_code"])
    _first_bad(
        lookup,
        file,
        "dh_la_code",
        ~lookup["dh_la_code"].str.fullmatch(r"\d{3}|00[A-Z]{2}"),
        "not a DH council code (3 digits, or 00 and two letters)",
    )
    check_unique(lookup, file, ["dh_la_code"])
    regions = dict(zip(councils["gss_code"], councils["region"], strict=True))
    wrong_region = lookup["region_as_published"] != lookup["gss_code"].map(regions)
    _first_bad(
        lookup,
        file,
        "region_as_published",
        wrong_region,
        "not the council's region in council_reference.csv",
    )
    _first_bad(
        lookup,
        file,
        "source",
        lookup["source"].str.strip() == "",
        "blank; every row names its source",
    )
    mapped = set(lookup["gss_code"])
    if mapped - with_dtoc:
        raise DataError(
            f"dtoc_monthly.csv: no rows for {', '.join(sorted(mapped - with_dtoc)[:5])}, "
            f"which {file} maps to a DH council code"
        )
    if with_dtoc - mapped:
        raise DataError(
            f"{file}: no row for {', '.join(sorted(with_dtoc - mapped)[:5])}, "
            "which has rows in dtoc_monthly.csv"
        )


# --------------------------------------------------------------------------- dataset
@dataclass(frozen=True)
class Dataset:
    """Everything the model reads, validated. Arrays are indexed by council position."""

    councils: pd.DataFrame
    allocations: pd.DataFrame
    months: list[str]
    dtoc_days: np.ndarray  # (council, month, attribution) delayed days; NaN unknown
    england_days: np.ndarray  # (month, attribution)
    known_figures: pd.DataFrame
    official_expectations: pd.DataFrame | None
    data_hash: str
    sources: dict[str, str] = field(default_factory=dict)
    # The reconstruction behind the allocations (None for hand-made test datasets).
    allocation_method: allocation.Method = allocation.DEFAULT_METHOD
    reconstruction: allocation.Reconstruction | None = None
    allocation_inputs: allocation.Inputs | None = None
    published_figures: pd.DataFrame | None = None
    # Who bears an option (simulator.inputs.distribution), council order; None when the
    # table is absent (hand-made test datasets).
    distribution: pd.DataFrame | None = None

    @cached_property
    def days(self) -> np.ndarray:
        return np.array(days_in_months(self.months))

    @cached_property
    def dtoc_beds(self) -> np.ndarray:
        """Average delayed beds per day: delayed days / days in the month."""
        return self.dtoc_days / self.days[None, :, None]

    @cached_property
    def england_beds(self) -> np.ndarray:
        return self.england_days / self.days[:, None]

    @cached_property
    def adults(self) -> np.ndarray:
        return self.councils["adults_18plus"].to_numpy(dtype=float)

    @cached_property
    def has_dtoc(self) -> np.ndarray:
        """Councils with any DToC data (Isles of Scilly is reported within Cornwall)."""
        return np.asarray(~np.isnan(self.dtoc_days[:, :, 3]).all(axis=1))

    @cached_property
    def council_columns(self) -> dict[str, np.ndarray]:
        """Descriptive council columns as arrays, converted once (results tables reuse them)."""
        c = self.councils
        return {
            "gss_code": c["gss_code"].to_numpy(),
            "council": c["council"].to_numpy(),
            "region": c["region"].to_numpy(),
            "authority_type": c["authority_type"].to_numpy(),
            "adults_18plus": c["adults_18plus"].to_numpy(),
            "allocation_status": self.allocations["allocation_status"].to_numpy(),
        }

    @cached_property
    def allocation_by_element(self) -> dict[str, np.ndarray]:
        """Whole-pound 2018/19 allocations by element (``original``, ``spring_budget``)."""
        alloc = self.allocations
        return {
            "original": alloc["allocation_original"].to_numpy(dtype=np.int64),
            "spring_budget": alloc["allocation_spring_budget"].to_numpy(dtype=np.int64),
        }

    @cached_property
    def allocations_reconstructed(self) -> bool:
        return bool((self.allocations["allocation_status"] != "official").any())

    @cached_property
    def allocation_status(self) -> str:
        """``official``, ``published_rounded`` where an official table pins every council
        and some of it is rounded, else the reconstruction's status with its method named."""
        status = self.allocations["allocation_status"].astype(str)
        if status.str.startswith("reconstructed").any():
            return self.allocation_method.status
        return "official" if (status == "official").all() else "published_rounded"

    @cached_property
    def method_comparison(self) -> pd.DataFrame:
        """Each single change of method against the default (computed when asked)."""
        if self.allocation_inputs is None or self.published_figures is None:
            return pd.DataFrame()
        return method_comparison(self.published_figures, self.allocation_inputs, self.codes)

    @cached_property
    def codes(self) -> np.ndarray:
        return self.councils["gss_code"].to_numpy()

    def month_index(self, month: str) -> int:
        try:
            return self.months.index(month)
        except ValueError:
            raise KeyError(
                f"no DToC data for {month} (data run {self.months[0]} to {self.months[-1]})"
            ) from None

    def position(self, gss_code: str) -> int:
        found = np.flatnonzero(self.codes == gss_code)
        if not len(found):
            raise KeyError(f"{gss_code} is not one of the {N_COUNCILS} councils")
        return int(found[0])

    def with_dtoc_beds(self, beds: np.ndarray) -> Dataset:
        """A copy with other delayed beds a day, for re-running the tests on changed
        data (unknown months must stay NaN). Councils, allocations and the England row
        are shared with this dataset, not copied."""
        changed = replace(
            self, dtoc_days=beds * self.days[None, :, None], data_hash=f"{self.data_hash}+what-if"
        )
        # Cached properties that the change leaves as they are, plus the beds themselves.
        for name in ("days", "adults", "codes", "has_dtoc", "england_beds"):
            changed.__dict__[name] = getattr(self, name)
        changed.__dict__["dtoc_beds"] = beds
        return changed


def build_dataset(
    raw: dict[str, pd.DataFrame],
    official: dict[str, pd.DataFrame],
    data_hash: str,
    method: allocation.Method = allocation.DEFAULT_METHOD,
) -> Dataset:
    """Validate raw tables and assemble the :class:`Dataset` (pure: no file access).

    ``method``: how allocations are reconstructed (precept equalisation by default;
    the COVID-19 proxy split for comparison). An official table overrides either.
    """
    check_columns(raw["expectation_facts"], "dtoc_expectations_2017.csv")
    check_columns(raw["dtoc_lookup"], "dtoc_la_lookup_2017.csv")
    councils = build_councils(raw["councils"], raw["populations"])
    codes = councils["gss_code"].to_numpy()
    check_expectation_facts(raw["expectation_facts"], councils)
    inputs = allocation_inputs(raw, councils)
    council_taxbase_ctb(raw["taxbase"], codes)
    published = validated_known_figures(raw["known_figures"], codes)
    reconstruction = inputs.reconstruct(method)
    allocations = build_allocations(councils, reconstruction, official.get("allocations"))
    months, dtoc_days, england_days = build_dtoc(raw["dtoc"], codes)
    missing = list(codes[np.isnan(dtoc_days[:, :, 3]).all(axis=1)])
    check_dtoc_lookup(raw["dtoc_lookup"], councils, set(codes) - set(missing))
    if missing:
        log.info("no DToC rows for %s (reported within another council)", ", ".join(missing))
    distribution = None
    if "distribution" in raw:
        from simulator.inputs.distribution import validate

        distribution = validate(raw["distribution"], councils)
    return Dataset(
        councils=councils,
        allocations=allocations,
        months=months,
        dtoc_days=dtoc_days,
        england_days=england_days,
        known_figures=known_figure_checks(published, inputs, reconstruction, codes),
        official_expectations=build_official_expectations(official.get("expectations"), codes),
        data_hash=data_hash,
        sources={
            "councils": "ONS mid-2017 population estimates; MHCLG Oflog ASC dataset",
            "allocations": (
                "official table" if "allocations" in official else allocation_source(method)
            ),
            "dtoc": "NHS England DToC LA Type B, revised figures, 2011-04 to 2018-03",
        },
        allocation_method=method,
        reconstruction=reconstruction,
        allocation_inputs=inputs,
        published_figures=published,
        distribution=distribution,
    )


def reconstruction_frame(data: Dataset) -> pd.DataFrame:
    """Per council: need share and its source, precept capacity and both elements for
    each year 2017-18 … 2019-20 (whole pounds) under the dataset's method."""
    recon, inputs = data.reconstruction, data.allocation_inputs
    if recon is None or inputs is None:
        return pd.DataFrame()
    method = recon.method
    frame = pd.DataFrame(
        {
            "gss_code": data.codes,
            "council": data.councils["council"].to_numpy(),
            "need_share": recon.shares,
            "need_share_source": [inputs.share_source(i, method) for i in range(len(data.codes))],
            "proxy_share": inputs.proxy,
        }
    )
    for year in allocation.YEARS:
        frame[f"precept_capacity_{year}"] = np.round(recon.precept[year]).astype(np.int64)
        frame[f"original_{year}"] = recon.original[year]
        frame[f"spring_budget_{year}"] = recon.spring_budget[year]
    frame["method"] = method.status
    return frame


def allocation_totals(data: Dataset) -> pd.DataFrame:
    """Each element and year: the national pot, the reconstruction's sum, councils
    given nothing, and the national precept capacity beside DCLG's own forecast."""
    recon = data.reconstruction
    if recon is None:
        return pd.DataFrame()
    rows = []
    for year in allocation.YEARS:
        for element, pot in (
            ("original", allocation.ORIGINAL_POTS[year]),
            ("spring_budget", allocation.SPRING_BUDGET_POTS[year]),
        ):
            values = getattr(recon, element)[year]
            rows.append(
                {
                    "year": year,
                    "element": element,
                    "pot": pot,
                    "reconstructed": int(values.sum()),
                    "councils_with_nothing": int((values == 0).sum()),
                    "precept_capacity": round(float(recon.precept[year].sum())),
                    "dclg_precept_forecast": allocation.DCLG_PRECEPT_FORECAST[year],
                }
            )
    return pd.DataFrame(rows)


def load_dataset(method: allocation.Method = allocation.DEFAULT_METHOD) -> Dataset:
    """Load and validate the bundled data (cached per process by callers as needed)."""
    from simulator import io

    raw, official, data_hash = io.read_data_tables()
    return build_dataset(raw, official, data_hash, method)
