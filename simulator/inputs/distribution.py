"""Who bears an option: deprivation, rurality, area type and adult social care spending
per council, validated.

The table (``data/raw/council_distribution.csv``) is derived from the official
releases in ``data/raw/SOURCES.md`` ("Who bears an option") by
``scripts/build_distribution.py``; this module checks it and returns one frame in
council order (sorted by GSS code, the 152 councils of 2017/18). Blank cells stay NaN
(or empty text) and are reported by :func:`blanks`, never filled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.errors import DataError

# The cell checks this table needs, in the project's `FILE: row N: column X: reason` form.
ENGLAND = "E92000001"


def _rows(mask: pd.Series, limit: int = 5) -> list[int]:
    """Positions of the first ``limit`` true cells (errors list a few, not thousands)."""
    return [int(r) for r in np.flatnonzero(mask.to_numpy())[:limit]]


def _where(file: str, row: int | None = None, column: str | None = None) -> str:
    parts = [file]
    if row is not None:
        parts.append(f"row {row + 2}")  # +1 for the header, +1 for 1-based lines
    if column is not None:
        parts.append(f"column {column}")
    return ": ".join(parts)


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


FILE = "council_distribution.csv"
COLUMNS = [
    "gss_code",
    "council",
    "imd2015_average_score",
    "imd2015_lsoas",
    "imd2015_population_mid2012",
    "imd2019_average_score",
    "ruc11_code",
    "ruc11_class",
    "area_supergroup",
    "area_group",
    "area_subgroup",
    "asc_gross_current_expenditure_000",
    "asc_net_current_expenditure_000",
    "note",
]
NUMBERS = {
    # column: (blank allowed, plausible maximum)
    "imd2015_average_score": (False, 100.0),
    "imd2015_lsoas": (False, 2_000.0),
    "imd2015_population_mid2012": (False, 2_000_000.0),
    "imd2019_average_score": (True, 100.0),
    "ruc11_code": (False, 6.0),
    # Kent, the largest, spent about £0.5bn gross in 2016-17 (£000 here).
    "asc_gross_current_expenditure_000": (True, 2_000_000.0),
    "asc_net_current_expenditure_000": (True, 2_000_000.0),
}
# Defra's six classes (2011 Rural-Urban Classification of local authorities).
RUC11_CLASSES = {
    1: "Mainly Rural",
    2: "Largely Rural",
    3: "Urban with Significant Rural",
    4: "Urban with City and Town",
    5: "Urban with Minor Conurbation",
    6: "Urban with Major Conurbation",
}
TEXT_OPTIONAL = ("area_supergroup", "area_group", "area_subgroup")


def population_weighted_mean(
    scores: np.ndarray, weights: np.ndarray, groups: np.ndarray
) -> pd.Series:
    """The official "average score" of each larger area: the mean of its small areas'
    scores weighted by their population (IoD2015 research report, section 3.6).

    >>> population_weighted_mean(np.array([10.0, 40.0, 5.0]), np.array([300, 100, 50]),
    ...                          np.array(["A", "A", "B"])).to_dict()
    {'A': 17.5, 'B': 5.0}
    """
    scores = np.asarray(scores, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if scores.shape != weights.shape or scores.shape != np.shape(groups):
        raise ValueError("scores, weights and groups must have one value per small area")
    if (weights < 0).any() or not np.isfinite(weights).all() or not np.isfinite(scores).all():
        raise ValueError("weights must be finite and non-negative, scores finite")
    frame = pd.DataFrame({"g": groups, "ws": scores * weights, "w": weights})
    sums = frame.groupby("g", sort=True)[["ws", "w"]].sum()
    if (sums["w"] == 0).any():
        empty = ", ".join(map(str, sums.index[sums["w"] == 0]))
        raise ValueError(f"no population in {empty}")
    return sums["ws"] / sums["w"]


@dataclass(frozen=True)
class Coverage:
    """How much of the 152 each field covers, and who is blank."""

    column: str
    known: int
    blank: tuple[str, ...]  # council names


def validate(raw: pd.DataFrame, councils: pd.DataFrame) -> pd.DataFrame:
    """Check the table against the 152 councils and return it in council order, numbers
    as floats (NaN where blank). Every refusal reads ``FILE: row N: column X: reason``."""
    missing = [c for c in COLUMNS if c not in raw.columns]
    extra = [c for c in raw.columns if c not in COLUMNS]
    if missing or extra:
        raise DataError(
            [f"{FILE}: missing column(s) {', '.join(missing)}"] * bool(missing)
            + [f"{FILE}: unexpected column(s) {', '.join(map(str, extra))}"] * bool(extra)
        )
    codes = councils["gss_code"].to_numpy()
    check_known_codes(raw, FILE, set(codes))
    check_unique(raw, FILE, ["gss_code"])
    absent = sorted(set(codes) - set(raw["gss_code"]))
    if absent:
        raise DataError(f"{FILE}: no row for {', '.join(absent[:5])} (every council needs one)")
    frame = raw.copy()
    for column, (allow_blank, maximum) in NUMBERS.items():
        frame = to_numbers(frame, FILE, [column], allow_blank=allow_blank, maximum=maximum)
    problems: list[str] = []
    for column in ("imd2015_lsoas", "imd2015_population_mid2012", "ruc11_code"):
        bad = (frame[column] != np.floor(frame[column])) | (frame[column] == 0)
        problems += [
            f"{_where(FILE, int(r), column)}: not a positive whole number ({raw[column].iloc[r]!r})"
            for r in np.flatnonzero(bad.to_numpy())[:5]
        ]
    for r in range(len(frame)):
        code = frame["ruc11_code"].iloc[r]
        label = str(frame["ruc11_class"].iloc[r]).strip()
        if code in RUC11_CLASSES and not label.startswith(RUC11_CLASSES[int(code)]):
            problems.append(
                f"{_where(FILE, r, 'ruc11_class')}: {label!r} is not class {int(code)} "
                f"({RUC11_CLASSES[int(code)]})"
            )
    gross = frame["asc_gross_current_expenditure_000"]
    net = frame["asc_net_current_expenditure_000"]
    problems += [
        f"{_where(FILE, int(r), 'asc_net_current_expenditure_000')}: net "
        f"{net.iloc[r]:,.0f} exceeds gross {gross.iloc[r]:,.0f}"
        for r in np.flatnonzero((net > gross).to_numpy())[:5]
    ]
    problems += [
        f"{_where(FILE, int(r), 'asc_net_current_expenditure_000')}: blank where gross is "
        "known (both or neither)"
        for r in np.flatnonzero((net.isna() != gross.isna()).to_numpy())[:5]
    ]
    if problems:
        raise DataError(problems)
    for column in ("council", "ruc11_class", *TEXT_OPTIONAL, "note"):
        frame[column] = frame[column].astype(str).str.strip()
    order = pd.Series(np.arange(len(codes)), index=codes)
    frame = frame.iloc[np.argsort(order[frame["gss_code"]].to_numpy())].reset_index(drop=True)
    frame["council"] = councils["council"].to_numpy()
    return frame


def coverage(frame: pd.DataFrame) -> list[Coverage]:
    """Per field: councils known and the names of those left blank."""
    rows = []
    for column in (*NUMBERS, *TEXT_OPTIONAL):
        values = frame[column]
        blank = values.isna() if values.dtype.kind == "f" else values.astype(str).eq("")
        rows.append(
            Coverage(column, int((~blank).sum()), tuple(frame.loc[blank, "council"].astype(str)))
        )
    return rows


def blanks(frame: pd.DataFrame) -> list[str]:
    """One line per field with blanks: ``column: N of 152 known; blank: names``."""
    lines = []
    for row in coverage(frame):
        if row.blank:
            shown = ", ".join(row.blank[:6]) + (" …" if len(row.blank) > 6 else "")
            lines.append(f"{row.column}: {row.known} of {len(frame)} known; blank: {shown}")
    return lines


def deprivation_decile(score: np.ndarray) -> np.ndarray:
    """Deciles of councils by IoD2015 average score, 1 the most deprived tenth: ranks
    (most deprived first, ties by order) cut into ten groups of as equal size as 152
    allows (15 or 16 councils). NaN scores get decile 0.

    >>> deprivation_decile(np.array([5.0, 50.0, 20.0, 10.0, 30.0, 1.0, 2.0, 3.0, 4.0, 6.0]))
    array([ 6,  1,  3,  4,  2, 10,  9,  8,  7,  5])
    """
    score = np.asarray(score, dtype=float)
    known = np.isfinite(score)
    out = np.zeros(len(score), dtype=int)
    order = np.argsort(-score[known], kind="stable")
    n = int(known.sum())
    ranks = np.empty(n, dtype=int)
    ranks[order] = np.arange(n)
    out[known] = ranks * 10 // max(n, 1) + 1
    return out
