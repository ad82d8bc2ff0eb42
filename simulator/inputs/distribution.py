"""Who bears an option: deprivation, rurality, area type and adult social care spending
per council, validated.

The table (``data/raw/council_distribution.csv``) is derived from the official
releases in ``data/raw/SOURCES.md`` ("Who bears an option") by
``scripts/build_distribution.py``; this module checks it and returns one frame in
council order (sorted by GSS code, the 152 councils of 2017/18). Blank cells stay NaN
(or empty text) and are reported by :func:`blanks`, never filled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
# The number columns (their bounds are declared in simulator/inputs/schemas.py).
NUMBERS = (
    "imd2015_average_score",
    "imd2015_lsoas",
    "imd2015_population_mid2012",
    "imd2019_average_score",
    "ruc11_code",
    "asc_gross_current_expenditure_000",
    "asc_net_current_expenditure_000",
)
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
    """Check the table against its declaration
    (:func:`simulator.inputs.schemas.council_distribution`) and the 152 councils, and
    return it in council order, numbers as floats (NaN where blank). Every refusal
    reads ``FILE: row N: column X: reason``."""
    from simulator.inputs import schemas  # pandera loads only with the data

    declared = schemas.council_distribution(schemas.Councils.of(councils))
    frame = schemas.validate(raw, declared)
    for column in ("council", "ruc11_class", *TEXT_OPTIONAL, "note"):
        frame[column] = frame[column].astype(str).str.strip()
    codes = councils["gss_code"].to_numpy()
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
