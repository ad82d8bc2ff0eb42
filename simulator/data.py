"""Validated input frames: councils, 2018/19 allocations and monthly DToC.

Raw tables arrive as text (see :mod:`simulator.io`); this module checks them,
converts types, reconstructs what is not officially published, and returns one
frozen :class:`Dataset`. Blank cells stay NaN: unknown is never zero.

Council order is fixed: sorted by GSS code, 152 rows, position ``i`` in every array.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from simulator.errors import DataError
from simulator.money import largest_remainder

log = logging.getLogger(__name__)

ENGLAND = "E92000001"
N_COUNCILS = 152
ATTRIBUTIONS = ("social_care", "social_care_and_both", "nhs", "total")
ATTRIBUTION_LABELS = {
    "social_care": "social care",
    "social_care_and_both": "social care and both",
    "nhs": "NHS",
    "total": "all organisations",
}
YEAR = "2018/19"

# National totals of the 2018/19 iBCF (SOURCES.md; ibcf_known_figures.csv England rows).
ORIGINAL_TOTAL_2018_19 = 825_000_000
SPRING_BUDGET_TOTAL_2018_19 = 674_000_000
# Spring Budget element by year, for checks against published 2017/18 figures.
SPRING_BUDGET_BY_YEAR = {
    "2017-18": 1_010_000_000,
    "2018-19": 674_000_000,
    "2019-20": 337_000_000,
    "2017-18 to 2019-20": 2_021_000_000,
}
# The 2018/19 Adult Social Care Support Grant (£150m) was distributed on ASC RNF shares.
ASC_SUPPORT_GRANT_2018_19 = 150_000_000
# COVID-19 tranche 1 was paid to the 2019 successor councils of Bournemouth, Poole and
# Dorset: BCP £11,101,861 and Dorset Council £10,665,165 (note column of
# covid19_tranche1_allocations.csv). The combined sum is split by population 65+.
BCP_DORSET_COMBINED = 11_101_861 + 10_665_165
BCP_DORSET = ("E06000028", "E06000029", "E10000009")

PROXY_SOURCE = (
    "Reconstructed: 2018/19 national total distributed on each council's share of "
    "COVID-19 emergency funding tranche 1 (March 2020, primarily ASC RNF; "
    "Bournemouth, Poole and Dorset split by population 65+)"
)

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
def proxy_shares(proxy: pd.DataFrame, councils: pd.DataFrame) -> pd.Series:
    """Each council's share of the upper-tier COVID-19 tranche 1 total (sums to 1)."""
    file = "covid19_tranche1_allocations.csv"
    check_columns(proxy, file)
    check_unique(proxy, file, ["gss_code"])
    check_known_codes(proxy, file, set(councils["gss_code"]))
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
    split = amounts["gss_code"].isin(BCP_DORSET)
    pop65 = amounts.loc[split, "pop_65plus"].astype(float)
    amounts.loc[split, "amount"] = BCP_DORSET_COMBINED * pop65 / pop65.sum()
    amount = amounts["amount"].to_numpy(dtype=float)
    return pd.Series(amount / amount.sum(), index=councils["gss_code"].to_numpy())


def build_allocations(
    councils: pd.DataFrame, shares: pd.Series, official: pd.DataFrame | None
) -> pd.DataFrame:
    """2018/19 allocations by element, whole pounds, each with a status and a source.

    Reconstructed values distribute each national total on ``shares`` by the largest
    remainder, so they sum exactly. Rows of an official table replace the
    reconstruction for their councils; the remaining national amount is spread over
    the other councils on the same shares.
    """
    codes = councils["gss_code"].to_numpy()
    frame = pd.DataFrame({"gss_code": codes})
    pinned = pd.DataFrame(columns=["gss_code"])
    if official is not None:
        pinned = _validated_official_allocations(official, set(codes))
    for element, total in (
        ("original", ORIGINAL_TOTAL_2018_19),
        ("spring_budget", SPRING_BUDGET_TOTAL_2018_19),
    ):
        values = np.zeros(len(codes), dtype=np.int64)
        status = np.full(len(codes), "reconstructed", dtype=object)
        source = np.full(len(codes), PROXY_SOURCE, dtype=object)
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
                    f"ibcf_allocations_2018_19.csv: allocation_{element} sums to more than "
                    f"the national total £{total:,}"
                )
            values[rest] = largest_remainder(remaining, shares.to_numpy()[rest])
        elif remaining != 0:
            raise DataError(
                f"ibcf_allocations_2018_19.csv: allocation_{element} sums to "
                f"£{int(values.sum()):,}, not the national total £{total:,}"
            )
        frame[f"allocation_{element}"] = values
        frame[f"status_{element}"] = status
        frame[f"source_{element}"] = source
    frame["allocation_total"] = frame["allocation_original"] + frame["allocation_spring_budget"]
    frame["allocation_status"] = np.where(
        (frame["status_original"] == "reconstructed")
        | (frame["status_spring_budget"] == "reconstructed"),
        "reconstructed",
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


def known_figure_checks(known: pd.DataFrame, shares: pd.Series) -> pd.DataFrame:
    """Published per-council figures beside the reconstruction, with the difference."""
    file = "ibcf_known_figures.csv"
    check_columns(known, file)
    known = to_numbers(known, file, ["amount"], allow_blank=False)
    rows = []
    for _, fig in known[known["gss_code"] != ENGLAND].iterrows():
        share = shares.get(fig["gss_code"])
        if share is None:
            raise DataError(f"{file}: unknown GSS code {fig['gss_code']!r}")
        if fig["element"] == "spring_budget" and fig["year"] in SPRING_BUDGET_BY_YEAR:
            national = SPRING_BUDGET_BY_YEAR[fig["year"]]
        elif fig["element"] == "original" and fig["year"] == "2018-19":
            national = ORIGINAL_TOTAL_2018_19
        elif fig["element"] == "asc_support_grant" and fig["year"] == "2018-19":
            national = ASC_SUPPORT_GRANT_2018_19
        else:
            continue
        model = share * national
        rows.append(
            {
                "gss_code": fig["gss_code"],
                "council": fig["council"],
                "element": fig["element"],
                "year": fig["year"],
                "published": float(fig["amount"]),
                "precision": fig["precision"],
                "reconstructed": round(model),
                "difference": round(model - float(fig["amount"])),
                "difference_pct": round(100 * (model / float(fig["amount"]) - 1), 1),
                "source": fig["source"],
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


def days_in_months(months: list[str]) -> np.ndarray:
    """Number of days in each ``YYYY-MM`` month.

    >>> days_in_months(["2017-02", "2016-02", "2017-09"]).tolist()
    [28, 29, 30]
    """
    return np.array([pd.Period(m, freq="M").days_in_month for m in months])


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

    @cached_property
    def days(self) -> np.ndarray:
        return days_in_months(self.months)

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


def build_dataset(
    raw: dict[str, pd.DataFrame], official: dict[str, pd.DataFrame], data_hash: str
) -> Dataset:
    """Validate raw tables and assemble the :class:`Dataset` (pure: no file access)."""
    check_columns(raw["expectation_facts"], "dtoc_expectations_2017.csv")
    check_columns(raw["dtoc_lookup"], "dtoc_la_lookup_2017.csv")
    councils = build_councils(raw["councils"], raw["populations"])
    codes = councils["gss_code"].to_numpy()
    check_expectation_facts(raw["expectation_facts"], councils)
    shares = proxy_shares(raw["proxy"], councils)
    allocations = build_allocations(councils, shares, official.get("allocations"))
    months, dtoc_days, england_days = build_dtoc(raw["dtoc"], codes)
    missing = list(codes[np.isnan(dtoc_days[:, :, 3]).all(axis=1)])
    check_dtoc_lookup(raw["dtoc_lookup"], councils, set(codes) - set(missing))
    if missing:
        log.info("no DToC rows for %s (reported within another council)", ", ".join(missing))
    return Dataset(
        councils=councils,
        allocations=allocations,
        months=months,
        dtoc_days=dtoc_days,
        england_days=england_days,
        known_figures=known_figure_checks(raw["known_figures"], shares),
        official_expectations=build_official_expectations(official.get("expectations"), codes),
        data_hash=data_hash,
        sources={
            "councils": "ONS mid-2017 population estimates; MHCLG Oflog ASC dataset",
            "allocations": ("official table" if "allocations" in official else PROXY_SOURCE),
            "dtoc": "NHS England DToC LA Type B, revised figures, 2011-04 to 2018-03",
        },
    )


def load_dataset() -> Dataset:
    """Load and validate the bundled data (cached per process by callers as needed)."""
    from simulator import io

    raw, official, data_hash = io.read_data_tables()
    return build_dataset(raw, official, data_hash)
