"""Every input file declared once, as a pandera schema: its columns (type, unit and
meaning), bounds, keys, completeness and totals; :func:`validate` checks a table
against its declaration and reports each failure as ``FILE: row N: column X: reason``.

A table arrives as text (:func:`simulator.io.read_csv_text`), so the checks read text:
a number column refuses a cell that is not a number, not finite, negative, zero where
zero is meaningless, fractional where it counts, or beyond its bound; a code column a
code outside the 152 councils; a vocabulary column a word outside its list. Checks run
in stages, and only the first stage that fails is reported, so one broken cell gives
one message, not a cascade: 1 cells, 2 rows and sequences (keys, order, completeness),
3 totals across rows. :func:`validate` returns the table with its number columns as
floats (blank is NaN: unknown, never zero).

How a new input file declares itself (one function per file; ``councils`` gives the
cross-file facts, e.g. the 152 codes, and is empty when the docs are generated)::

    def my_file(councils: Councils) -> pa.DataFrameSchema:
        return declare(
            "my_file.csv",
            "What the file holds (one line).",
            [
                council_code(councils),
                text("council", "council name"),
                number("amount", "£", "what it counts", whole=True, maximum=1.5e9,
                       bound="£1,500,000,000, the whole national pot"),
            ],
            unique=["gss_code"],
            checks=[every_council(councils)],
        )

    frame = validate(raw_text, my_file(councils))  # DataError naming file, row, column

and adds ``my_file`` to :data:`DECLARATIONS`, so ``data/README.md`` shows its table
(``scripts/data_readme.py``). A check of its own is :func:`rule`: a test that returns
``True`` where a row (or the file) is fine, and the words for a row where it is not.
Bounds come from published totals or physical limits, never from today's values.

pandera costs about a third of a second to import, so the model imports this module
only when it loads data (:mod:`simulator.inputs.data`), not when it starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from simulator.errors import DataError
from simulator.inputs import allocation, distribution, reported
from simulator.inputs.data import (  # data.py imports this module only when it loads data
    ASC_SUPPORT_GRANT_2018_19,
    AUTHORITY_TYPES,
    BCP_DORSET,
    CTB_YEARS,
    DTOC_COLUMNS,
    ENGLAND,
    ENGLAND_TOLERANCE,
    FACT_STATUSES,
    KNOWN_ELEMENTS,
    KNOWN_PRECISIONS,
    KNOWN_YEARS,
    MAX_COUNCIL_POPULATION,
    MAX_DELAYED_DAYS,
    N_COUNCILS,
    OFFICIAL_STATUSES,
    RNF_FILE,
    RNF_PRECISIONS,
    TAX_FILE,
    TAXBASE_FILE,
    THREE_YEARS,
    WINTER_PRESSURES_GRANT,
    WINTER_PRESSURES_POT,
)
from simulator.schema.vocabulary import ATTRIBUTIONS

REGIONS = (
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and The Humber",
)
# A council's delayed beds a day: the bound of dtoc_monthly.csv's delayed days a month.
MAX_DELAYED_BEDS = MAX_DELAYED_DAYS // 31
# COVID-19 emergency funding tranche 1: £1,600,000,000 over 372 authorities (SOURCES.md).
TRANCHE1_TOTAL = 1_600_000_000
# The ASC precept levied in 2016-17: published as £382m (to the £1m), SOURCES.md.
PRECEPT_2016_17 = 382_000_000
PRECEPT_2016_17_HALF_UNIT = 500_000
# England had 326 council tax billing authorities in 2017/18: a council's tax base
# cannot sum more of them.
BILLING_AUTHORITIES = 326
# No council's element of the 2018/19 iBCF can be a quarter of its national total.
# Under equalisation a council gets at most its need share of the pot plus England's
# precept capacity: at most (£1,499m + £1,290m, DCLG's December 2016 forecast) / £674m
# = 4.1 times its need share for the Spring Budget element (2.6 for the original). The
# largest need share is Kent's, about 2.5% (its winter pressures grant, 2.54% of
# £240m, asc_rnf_checkpoints.csv), so no element passes 11% of its total.
MAX_COUNCIL_SHARE = 0.25
# A partial official table pins the few councils with a published figure; one with
# more than half of the councils but not all is the full table with rows missing.
PARTIAL_TABLE_LIMIT = N_COUNCILS // 2
RULE = "ibcf_rule"  # the attribute of a pandera Check that holds its Rule


# ---------------------------------------------------------------------- the mechanism
@dataclass(frozen=True)
class Rule:
    """How a failed check reads: ``reason(frame, row)`` gives the words after
    ``FILE: row N: column X:`` (``row`` None for a check on the whole file)."""

    reason: Callable[[pd.DataFrame, int | None], str]
    column: str | None = None
    stage: int = 1
    file: str | None = None  # another file, when a fault there is found through this one


@dataclass(frozen=True)
class Councils:
    """What the other files are checked against: the 152 councils of
    council_reference.csv (empty when only the declarations are wanted)."""

    codes: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    adults: dict[str, float] = field(default_factory=dict)
    # Councils with any DToC data (dtoc_la_lookup_2017.csv is checked against them).
    with_dtoc: frozenset[str] = frozenset()

    @classmethod
    def of(cls, councils: pd.DataFrame) -> Councils:
        """From the councils table that :func:`council_reference` validated."""
        codes = [str(c) for c in councils["gss_code"]]
        column = {name: dict(zip(codes, councils[name], strict=True)) for name in councils}
        return cls(
            codes=tuple(codes),
            names={c: str(v) for c, v in column["council"].items()},
            regions={c: str(v) for c, v in column["region"].items()},
            adults={c: float(v) for c, v in column.get("adults_18plus", {}).items()},
        )


def rule(
    test: Callable[[Any], Any],
    reason: Callable[[pd.DataFrame, int | None], str] | str,
    *,
    doc: str,
    column: str | None = None,
    stage: int = 1,
    file: str | None = None,
) -> pa.Check:
    """A pandera check that :func:`validate` reports in this project's words.

    ``test`` takes the column (in a :class:`pandera.Column`) or the whole table (in
    ``checks=``) and returns True where it is fine: per row, or one bool for the file.
    ``reason``: the words for a failing row, a format string of ``{raw}`` (the cell
    as written in ``column``), ``{number}`` (its value) and ``{code}`` (the row's
    GSS code), or a function ``(frame, row)``. ``doc``: the check in a few words, for
    the data dictionary."""
    words = _formatter(reason, column) if isinstance(reason, str) else reason
    check = pa.Check(test, error=doc, ignore_na=False)
    setattr(check, RULE, Rule(reason=words, column=column, stage=stage, file=file))
    return check


def _formatter(template: str, column: str | None) -> Callable[[pd.DataFrame, int | None], str]:
    def words(frame: pd.DataFrame, row: int | None) -> str:
        if row is None or column is None:
            return template
        raw = frame[column].iloc[row]
        number = parse(pd.Series([raw]))[0].iloc[0]
        code = frame["gss_code"].iloc[row] if "gss_code" in frame else ""
        return template.format(raw=raw, number=number, code=code)

    return words


def declare(
    file: str,
    title: str,
    columns: Sequence[pa.Column],
    *,
    unique: Sequence[str] | None = None,
    checks: Iterable[pa.Check] = (),
) -> pa.DataFrameSchema:
    """One file's declaration: exactly these columns (in any order), each row unique
    on ``unique``, at least one data row, and the file's own ``checks``."""
    rows = rule(
        lambda frame: len(frame) > 0, "no data rows (only a header)", doc="at least one row"
    )
    return pa.DataFrameSchema(
        {c.name: c for c in columns},
        checks=[rows, *checks],
        strict=True,
        unique=list(unique) if unique else None,
        report_duplicates="exclude_first",
        name=file,
        title=title,
    )


# During validate(): each number column parsed once, by name (checks ask many times).
_PARSED: ContextVar[dict[str, tuple[pd.Series, pd.Series]] | None] = ContextVar(
    "parsed", default=None
)


def parse(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text cells as floats (``,`` thousands separators dropped) and which were blank
    (empty or ``-``); a cell that is neither blank nor a number is NaN, not blank.

    >>> values, blank = parse(pd.Series(["1,200", "", "-", "x", "inf"]))
    >>> values.tolist(), blank.tolist()
    ([1200.0, nan, nan, nan, inf], [False, True, True, False, False])
    """
    known = _PARSED.get()
    hit = known.get(str(cells.name)) if known is not None else None
    if hit is not None and hit[0].index.equals(cells.index):
        return hit
    text = cells.astype(str).str.strip().str.replace(",", "", regex=False)
    blank = text.isin(["", "-"])
    values = pd.to_numeric(text.where(~blank), errors="coerce").astype(float)
    return values, blank


def validate(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str | None = None
) -> pd.DataFrame:
    """Check ``frame`` (text cells, as read) against ``schema`` and return it with its
    number columns as floats; raise :class:`DataError` with every failure of the first
    stage that fails, each ``FILE: row N: column X: reason`` (row N is the line in the
    file: the header is line 1), at most five rows a check.

    >>> schema = declare("x.csv", "A test.", [number("a", "days", "a count", whole=True)])
    >>> validate(pd.DataFrame({"a": ["1", "2"]}), schema)["a"].tolist()
    [1.0, 2.0]
    >>> validate(pd.DataFrame({"a": ["1", "2.5"]}), schema)
    Traceback (most recent call last):
    simulator.errors.DataError: x.csv: row 3: column a: not a whole number (2.5)
    """
    name = file or str(schema.name)
    text = frame.reset_index(drop=True)
    # The declared columns first: no check runs on a table without them (pandera's
    # uniqueness check fails outright on a missing key column in some versions).
    missing = [c for c in schema.columns if c not in text.columns]
    extra = [str(c) for c in text.columns if c not in schema.columns]
    if missing or extra:
        raise DataError(
            ([f"{name}: missing column(s) {', '.join(missing)}"] if missing else [])
            + ([f"{name}: unexpected column(s) {', '.join(extra)}"] if extra else [])
        )
    parsed = {
        column: parse(text[column])
        for column, declared in schema.columns.items()
        if column in text and (declared.metadata or {}).get("type") in ("integer", "number")
    }
    token = _PARSED.set(parsed)
    try:
        schema.validate(text, lazy=True)
    except SchemaErrors as caught:
        raise DataError(_problems(caught, text, name)) from None
    finally:
        _PARSED.reset(token)
    out = text.copy()
    for column, (values, _) in parsed.items():
        out[column] = values
    return out


def _where(file: str, row: int | None = None, column: str | None = None) -> str:
    parts = [file]
    if row is not None:
        parts.append(f"row {row + 2}")  # +1 for the header, +1 for 1-based lines
    if column is not None:
        parts.append(f"column {column}")
    return ": ".join(parts)


def _rows(failure_cases: Any, limit: int = 5) -> list[int]:
    if not isinstance(failure_cases, pd.DataFrame) or "index" not in failure_cases:
        return []
    index = pd.to_numeric(failure_cases["index"], errors="coerce").dropna()
    return sorted({int(i) for i in index})[:limit]


def _problems(caught: SchemaErrors, frame: pd.DataFrame, file: str) -> list[str]:
    """pandera's failure cases as this project's lines, from the first failing stage."""
    reasons = [
        (error, error.reason_code.name if error.reason_code is not None else "")
        for error in caught.schema_errors
    ]
    staged: list[tuple[int, str]] = []
    for error, reason in reasons:
        if reason == "DUPLICATES":
            keys = list(error.schema.unique or [])
            for row in _rows(error.failure_cases):
                values = " ".join(str(frame[k].iloc[row]) for k in keys)
                staged.append((2, f"{_where(file, row)}: duplicate {'/'.join(keys)} {values}"))
            continue
        how: Rule | None = getattr(error.check, RULE, None)
        if how is None:  # a check declared without rule(): pandera's own words
            staged.append((1, f"{file}: {str(error).splitlines()[0][:200]}"))
            continue
        where = how.file or file
        if reason == "CHECK_ERROR":  # only on a table a lower stage refuses
            staged.append((how.stage, f"{where}: cannot be checked ({error.check})"))
            continue
        rows = _rows(error.failure_cases)
        if not rows:
            staged.append(
                (how.stage, f"{_where(where, None, how.column)}: {how.reason(frame, None)}")
            )
        staged += [
            (how.stage, f"{_where(where, row, how.column)}: {how.reason(frame, row)}")
            for row in rows
        ]
    if not staged:  # a failure pandera reports without rows or a rule: its own words
        return [f"{file}: {str(caught).splitlines()[0][:200]}"]
    first = min(stage for stage, _ in staged)
    return [line for stage, line in staged if stage == first]


# ---------------------------------------------------------------------- column kinds
def _column(
    name: str, kind: str, meaning: str, unit: str, checks: list[pa.Check], **more: Any
) -> pa.Column:
    metadata = {"type": kind, "unit": unit, **more}
    return pa.Column(None, checks=checks, name=name, description=meaning, metadata=metadata)


def text(
    name: str,
    meaning: str,
    *,
    required: bool = True,
    reason: str = "blank",
    doc: str = "not blank",
) -> pa.Column:
    """A text column; ``required``: no cell may be blank (or only spaces)."""
    checks = []
    if required:
        checks.append(rule(lambda s: s.astype(str).str.strip() != "", reason, doc=doc, column=name))
    return _column(name, "text", meaning, "—", checks)


def one_of(
    name: str, allowed: Sequence[str], meaning: str, *, reason: str | None = None
) -> pa.Column:
    """A column whose every cell is one of ``allowed``."""
    listed = ", ".join(allowed)
    words = reason or f"{{raw!r}} is not one of {listed}"
    check = rule(lambda s: s.isin(list(allowed)), words, doc=f"one of {listed}", column=name)
    return _column(name, "text", meaning, "—", [check])


def matches(name: str, pattern: str, meaning: str, reason: str, doc: str) -> pa.Column:
    """A text column whose every cell matches ``pattern`` (a full match)."""
    check = rule(lambda s: s.astype(str).str.fullmatch(pattern), reason, doc=doc, column=name)
    return _column(name, "text", meaning, "—", [check])


def council_code(councils: Councils, *, england: bool = False, meaning: str = "") -> pa.Column:
    """``gss_code``: one of the 152 councils (or England, E92000001, where allowed)."""
    allowed = set(councils.codes) | ({ENGLAND} if england else set())
    check = rule(
        lambda s: s.isin(allowed),
        "unknown GSS code {raw!r} (not one of the 152 councils of 2017/18)",
        doc="one of the 152 councils" + (" or England" if england else ""),
        column="gss_code",
    )
    described = meaning or (
        "2017/18 council GSS code" + (", or E92000001 for England" if england else "")
    )
    return _column("gss_code", "code", described, "—", [check])


def number(
    name: str,
    unit: str,
    meaning: str,
    *,
    whole: bool = False,
    positive: bool = False,
    maximum: float | None = None,
    bound: str = "",
    blank: bool = False,
    signed: bool = False,
    not_whole: str = "not a whole number ({number:g})",
    zero: str = "zero, where only a positive value makes sense",
) -> pa.Column:
    """A number column, checked cell by cell: a number, finite, not negative; with
    ``whole`` a whole number (counts of pounds, people or days); with ``positive``
    above zero; with ``maximum`` at most that (``bound`` says what it is); ``blank``:
    blank cells are allowed (unknown), else refused (see also :func:`blank_only`);
    ``signed``: negative values are allowed too (net spending), and ``maximum``
    bounds the size either way. ``not_whole`` and ``zero``: the words for those faults."""
    if signed and positive:
        raise ValueError(f"{name}: a signed column cannot also be positive")

    def size(s: pd.Series) -> pd.Series:
        return values(s).abs() if signed else values(s)

    def values(s: pd.Series) -> pd.Series:
        return parse(s)[0]

    def blanks(s: pd.Series) -> pd.Series:
        return parse(s)[1]

    checks = [
        rule(
            lambda s: values(s).notna() | blanks(s),
            "not a number ({raw!r})",
            doc="a number",
            column=name,
        ),
        rule(
            lambda s: ~(values(s).notna() & ~np.isfinite(values(s))),
            "not a finite number ({raw!r})",
            doc="finite",
            column=name,
        ),
    ]
    if not signed:
        checks.append(
            rule(lambda s: ~(values(s) < 0), "negative value {number:g}", doc="≥ 0", column=name)
        )
    if not blank:
        checks.append(rule(lambda s: ~blanks(s), "blank", doc="not blank", column=name))
    if positive:
        checks.append(
            rule(
                lambda s: ~(values(s) == 0),
                zero,
                doc="> 0",
                column=name,
            )
        )
    if whole:
        checks.append(
            rule(
                lambda s: ~(np.isfinite(values(s)) & (values(s) != np.floor(values(s)))),
                not_whole,
                doc="whole",
                column=name,
            )
        )
    if maximum is not None:
        said = bound or f"{maximum:,.0f}"
        checks.append(
            rule(
                lambda s: ~(np.isfinite(values(s)) & (size(s) > maximum)),
                f"{{number:g}} is implausibly large (more than {'±' if signed else ''}{said})",
                doc=f"{'within ±' if signed else '≤ '}{said}",
                column=name,
            )
        )
    kind = "integer" if whole else "number"
    return _column(name, kind, meaning, unit, checks, blank="allowed" if blank else "never")


def blank_only(
    column: str, allowed: Callable[[pd.DataFrame], Any], where: str, reason: str = "blank"
) -> pa.Check:
    """A number column declared with ``blank=True`` may be blank only in the rows
    ``allowed`` marks (``where`` says which, for the data dictionary)."""
    return rule(
        lambda frame: ~parse(frame[column])[1] | np.asarray(allowed(frame), dtype=bool),
        reason,
        doc=f"{column} blank only {where}",
        column=column,
    )


# ---------------------------------------------------------------------- whole-file checks
def every_council(councils: Councils, *, years: Sequence[str] = ()) -> pa.Check:
    """Completeness: a row for every one of the 152 councils (and each of ``years``)."""

    def missing(frame: pd.DataFrame) -> list[str]:
        if years:
            have = set(zip(frame["gss_code"], frame["year"], strict=True))
            return [f"{c} {y}" for c in councils.codes for y in years if (c, y) not in have]
        listed = set(frame["gss_code"])
        return [c for c in councils.codes if c not in listed]

    return rule(
        lambda frame: not missing(frame),
        lambda frame, row: f"no row for {', '.join(missing(frame)[:5])}",
        doc="a row for every council" + (f" and year ({', '.join(years)})" if years else ""),
        stage=2,
    )


def row_rule(
    column: str,
    bad: Callable[[pd.DataFrame], Any],
    reason: Callable[[pd.DataFrame, int], str] | str,
    *,
    doc: str,
    stage: int = 2,
    file: str | None = None,
) -> pa.Check:
    """A check across columns of one row: ``bad(frame)`` marks the failing rows."""

    def words(frame: pd.DataFrame, row: int | None) -> str:
        if isinstance(reason, str):
            return _formatter(reason, column)(frame, row)
        return reason(frame, 0 if row is None else row)

    return rule(
        lambda frame: pd.Series(~np.asarray(bad(frame), dtype=bool), index=frame.index),
        words,
        doc=doc,
        column=column,
        stage=stage,
        file=file,
    )


def _value(frame: pd.DataFrame, column: str) -> pd.Series:
    return parse(frame[column])[0]


def _code_in(frame: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
    return frame["gss_code"].isin(list(codes))


# ---------------------------------------------------------------------- the files
def council_reference(councils: Councils | None = None) -> pa.DataFrameSchema:
    people = "people in one council"

    def count(frame: pd.DataFrame, row: int | None) -> str:
        return f"{len(frame)} councils, expected {N_COUNCILS}"

    return declare(
        "council_reference.csv",
        "The 152 councils of 2017/18 (one row each).",
        [
            matches(
                "gss_code",
                r"E0[6-9]\d{6}|E10\d{6}",
                "council GSS code (key)",
                "not a council GSS code ({raw!r})",
                "an English upper-tier council code (E06-E10)",
            ),
            text("council", "council name"),
            one_of("region", REGIONS, "English region"),
            number(
                "population_18plus",
                "persons, mid-2017",
                "adults 18+ (ONS)",
                whole=True,
                positive=True,
                maximum=MAX_COUNCIL_POPULATION,
                bound=f"{MAX_COUNCIL_POPULATION:,} {people}",
            ),
            text("population_year", "year of the population estimate"),
            text("source", "publication"),
            one_of(
                "authority_type",
                AUTHORITY_TYPES,
                "type of council",
                reason="unknown authority type {raw!r}",
            ),
        ],
        unique=["gss_code"],
        checks=[
            rule(lambda frame: len(frame) == N_COUNCILS, count, doc="152 rows", stage=2),
        ],
    )


POPULATION_COLUMNS = ("pop_18plus", "pop_65plus", "pop_75plus", "pop_85plus", "pop_all_ages")
NESTED = ("pop_85plus", "pop_75plus", "pop_65plus", "pop_18plus", "pop_all_ages")


def council_population_ages(councils: Councils) -> pa.DataFrameSchema:
    people = f"{MAX_COUNCIL_POPULATION:,} people in one council"
    ages = {
        "pop_18plus": "adults 18+",
        "pop_65plus": "people 65+",
        "pop_75plus": "people 75+",
        "pop_85plus": "people 85+",
        "pop_all_ages": "people of all ages",
    }

    def nested(older: str, younger: str) -> pa.Check:
        return row_rule(
            older,
            lambda frame: _value(frame, older) > _value(frame, younger),
            lambda frame, row: (
                f"{_value(frame, older).iloc[row]:,.0f} is more than {younger} "
                f"({_value(frame, younger).iloc[row]:,.0f})"
            ),
            doc=f"{older} ≤ {younger}",
        )

    def differs(frame: pd.DataFrame) -> pd.Series:
        reference = frame["gss_code"].map(councils.adults)
        return reference.notna() & (_value(frame, "pop_18plus") != reference)

    return declare(
        "council_population_ages.csv",
        "Mid-2017 population by age (ONS SAPE20DT1 summed to 2017/18 councils).",
        [
            council_code(councils),
            text("council", "council name"),
            *[
                number(
                    name,
                    "persons, mid-2017",
                    ages[name],
                    whole=True,
                    positive=True,
                    maximum=MAX_COUNCIL_POPULATION,
                    bound=people,
                )
                for name in POPULATION_COLUMNS
            ],
            text("year", "year of the estimate"),
            text("source", "publication"),
        ],
        unique=["gss_code"],
        checks=[
            *[nested(o, y) for o, y in pairwise(NESTED)],
            every_council(councils),
            row_rule(
                "pop_18plus",
                differs,
                "adults 18+ differ from council_reference.csv for {code}",
                doc="pop_18plus equals council_reference.csv's population_18plus",
            ),
        ],
    )


def covid19_tranche1_allocations(councils: Councils) -> pa.DataFrameSchema:
    whole_of = f"£{TRANCHE1_TOTAL:,}, the whole of tranche 1"

    def total(frame: pd.DataFrame) -> float:
        return float(_value(frame, "amount").sum())

    return declare(
        "covid19_tranche1_allocations.csv",
        "COVID-19 emergency funding tranche 1 (March 2020): the proxy for ASC RNF shares.",
        [
            council_code(councils),
            text("council", "council name"),
            number(
                "amount",
                "£",
                "tranche 1 allocation (blank for Bournemouth, Poole and Dorset: paid to "
                "their 2019 successors)",
                whole=True,
                positive=True,
                maximum=TRANCHE1_TOTAL,
                bound=whole_of,
                blank=True,
            ),
            text("grant", "grant as published"),
            text("share_of_upper_tier_total", "share as published", required=False),
            text("gss_code_as_published", "code as published", required=False),
            text("name_as_published", "name as published", required=False),
            text("note", "note", required=False),
            text("source", "publication"),
        ],
        unique=["gss_code"],
        checks=[
            blank_only(
                "amount",
                lambda frame: _code_in(frame, BCP_DORSET),
                "for Bournemouth, Poole and Dorset",
                reason="blank amount for {code} (only Bournemouth, Poole and Dorset may be blank)",
            ),
            every_council(councils),
            rule(
                lambda frame: total(frame) <= TRANCHE1_TOTAL,
                lambda frame, row: (
                    f"amounts sum to £{total(frame):,.0f}, more than tranche 1's "
                    f"£{TRANCHE1_TOTAL:,} for all 372 authorities"
                ),
                doc=f"amounts sum to at most £{TRANCHE1_TOTAL:,} (all of tranche 1)",
                column="amount",
                stage=3,
            ),
        ],
    )


def national_pot(element: str, year: str) -> int | None:
    """The published national total of an iBCF element (or the £150m ASC support
    grant) in a year or the three years, £; None for an unknown element or year."""
    years = list(allocation.YEARS) if year == THREE_YEARS else [year]
    if any(y not in allocation.YEARS for y in years):
        return None
    if element == "asc_support_grant":
        return ASC_SUPPORT_GRANT_2018_19 if years == ["2018-19"] else None
    pots = {
        "original": [allocation.ORIGINAL_POTS],
        "spring_budget": [allocation.SPRING_BUDGET_POTS],
        "total": [allocation.ORIGINAL_POTS, allocation.SPRING_BUDGET_POTS],
    }.get(element)
    if pots is None:
        return None
    return sum(p[y] for p in pots for y in years)


def ibcf_known_figures(councils: Councils) -> pa.DataFrameSchema:
    def pots(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [national_pot(e, y) for e, y in zip(frame["element"], frame["year"], strict=True)],
            index=frame.index,
            dtype=float,
        )

    def pot_words(frame: pd.DataFrame, row: int | None) -> str:
        assert row is not None
        e, y = frame["element"].iloc[row], frame["year"].iloc[row]
        amount = _value(frame, "amount").iloc[row]
        return (
            f"{amount:g} is implausibly large (more than £{pots(frame).iloc[row]:,.0f}, "
            f"the national total of {e} {y})"
        )

    def national(frame: pd.DataFrame) -> pd.Series:
        return frame["precision"] == "national total"

    return declare(
        "ibcf_known_figures.csv",
        "Published per-council (and national) iBCF figures: checks on the reconstruction.",
        [
            council_code(councils, england=True),
            text("council", "council name as published"),
            one_of("element", KNOWN_ELEMENTS, "iBCF element (or the ASC support grant)"),
            one_of("year", KNOWN_YEARS, "financial year, or the three years"),
            number("amount", "£", "published figure", whole=True, positive=True),
            one_of("precision", tuple(KNOWN_PRECISIONS), "how the figure was rounded"),
            text("source", "publication", reason="blank; every figure names its source"),
        ],
        unique=["gss_code", "element", "year"],
        checks=[
            row_rule(
                "amount",
                lambda frame: pots(frame).notna() & (_value(frame, "amount") > pots(frame)),
                pot_words,
                doc="amount ≤ the national total of its element and year",
            ),
            row_rule(
                "amount",
                lambda frame: (
                    national(frame) & pots(frame).notna() & (_value(frame, "amount") != pots(frame))
                ),
                lambda frame, row: (
                    f"£{_value(frame, 'amount').iloc[row]:,.0f} is not the published "
                    f"national total (£{pots(frame).iloc[row]:,.0f})"
                ),
                doc="a national total equals the published pot",
                stage=3,
            ),
        ],
    )


MONTH = r"20\d\d-(0[1-9]|1[0-2])"


def dtoc_monthly(councils: Councils) -> pa.DataFrameSchema:
    days = "delayed days in a month"

    def gaps(frame: pd.DataFrame) -> list[str]:
        have = sorted(frame["month"].unique())
        if not have:
            return []
        expected = [str(p) for p in pd.period_range(have[0], have[-1], freq="M")]
        return sorted(set(expected) - set(have))

    def backwards(frame: pd.DataFrame) -> np.ndarray:
        order = frame["month"].to_numpy()
        return np.concatenate([[False], order[1:] < order[:-1]])

    def incomplete(frame: pd.DataFrame) -> str:
        everyone = set(frame["gss_code"]) | {ENGLAND}
        for month, codes in frame.groupby("month", sort=True)["gss_code"]:
            missing = sorted(everyone - set(codes))
            if missing:
                return (
                    f"month {month} has no row for {', '.join(missing[:5])}"
                    f"{' and others' if len(missing) > 5 else ''} ({len(missing)} of "
                    f"{len(everyone)} missing; a file cut short ends like this)"
                )
        return ""

    parts = ["delayed_days_nhs", "delayed_days_social_care", "delayed_days_both"]

    def mismatch(frame: pd.DataFrame) -> pd.Series:
        values = pd.DataFrame({c: _value(frame, c) for c in [*parts, "delayed_days_total"]})
        complete = values.notna().all(axis=1)
        return complete & (values[parts].sum(axis=1) != values["delayed_days_total"])

    def mismatch_words(frame: pd.DataFrame, row: int | None) -> str:
        assert row is not None
        total = _value(frame, "delayed_days_total").iloc[row]
        added = sum(_value(frame, c).iloc[row] for c in parts)
        return f"total {total:g} does not equal NHS + social care + both ({added:g})"

    def england_gap(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
        """Per row: England's figure is off its councils' sum; and that sum."""
        values = _value(frame, column)
        is_england = frame["gss_code"] == ENGLAND
        sums = values[~is_england].groupby(frame["month"][~is_england]).sum(min_count=1)
        council_sum = frame["month"].map(sums).astype(float)
        off = is_england & ((council_sum - values).abs() > ENGLAND_TOLERANCE * values)
        return off, council_sum

    def control(column: str) -> pa.Check:
        def words(frame: pd.DataFrame, row: int | None) -> str:
            assert row is not None
            england = _value(frame, column).iloc[row]
            summed = england_gap(frame, column)[1].iloc[row]
            return (
                f"England {england:,.0f} in {frame['month'].iloc[row]}, but its councils "
                f"sum to {summed:,.0f} (more than {ENGLAND_TOLERANCE:.0%} apart)"
            )

        return row_rule(
            column,
            lambda frame: england_gap(frame, column)[0],
            words,
            doc=f"England's {column} is its councils' sum, within {ENGLAND_TOLERANCE:.0%}",
            stage=3,
        )

    return declare(
        "dtoc_monthly.csv",
        "NHS England delayed transfers of care, LA Type B, revised: delayed days by "
        "responsible organisation, April 2011 to March 2018.",
        [
            council_code(councils, england=True),
            text("council", "council name as published", required=False),
            matches("month", MONTH, "calendar month", "not a month YYYY-MM ({raw!r})", "YYYY-MM"),
            number(
                "delayed_days_total",
                "delayed days in the month",
                "all delays",
                whole=True,
                maximum=MAX_DELAYED_DAYS,
                bound=f"{MAX_DELAYED_DAYS:,} {days}",
                blank=True,
            ),
            number(
                "delayed_days_nhs",
                "delayed days in the month",
                "delays attributed to the NHS",
                whole=True,
                maximum=MAX_DELAYED_DAYS,
                bound=f"{MAX_DELAYED_DAYS:,} {days}",
                blank=True,
            ),
            number(
                "delayed_days_social_care",
                "delayed days in the month",
                "delays attributed to social care",
                whole=True,
                maximum=MAX_DELAYED_DAYS,
                bound=f"{MAX_DELAYED_DAYS:,} {days}",
                blank=True,
            ),
            number(
                "delayed_days_both",
                "delayed days in the month",
                "delays attributed to both",
                whole=True,
                maximum=MAX_DELAYED_DAYS,
                bound=f"{MAX_DELAYED_DAYS:,} {days}",
                blank=True,
            ),
            text(
                "source",
                "publication",
                reason="blank (every row names its source; a file cut short ends like this)",
            ),
        ],
        unique=["gss_code", "month"],
        checks=[
            row_rule(
                "month",
                backwards,
                lambda frame, row: (
                    f"months out of order ({frame['month'].iloc[row - 1]} then "
                    f"{frame['month'].iloc[row]})"
                ),
                doc="months in order",
            ),
            row_rule(
                "delayed_days_total",
                mismatch,
                mismatch_words,
                doc="total = NHS + social care + both",
            ),
            rule(
                lambda frame: not gaps(frame),
                lambda frame, row: (
                    f"month(s) missing from the series: {', '.join(gaps(frame)[:5])}"
                ),
                doc="no month missing from the series",
                stage=2,
            ),
            rule(
                lambda frame: not incomplete(frame),
                lambda frame, row: incomplete(frame),
                doc="every month has England and every council that appears",
                stage=2,
            ),
            *[control(c) for c in DTOC_COLUMNS.values()],
        ],
    )


LOOKUP_FILE = "dtoc_la_lookup_2017.csv"
FACTS_FILE = "dtoc_expectations_2017.csv"
PERIOD = MONTH
YEAR = r"20\d\d-\d\d"


def dtoc_expectations_2017(councils: Councils) -> pa.DataFrameSchema:
    names = {**councils.names, ENGLAND: "England"}

    def wrong_name(frame: pd.DataFrame) -> pd.Series:
        name = frame["gss_code"].map(names)
        return name.notna() & (frame["council"] != name)

    def backwards(frame: pd.DataFrame) -> pd.Series:
        spans = frame["baseline_period"].astype(str).str.split(" to ")
        return spans.map(lambda p: len(p) == 2 and p[1] < p[0])

    def percent(frame: pd.DataFrame) -> pd.Series:
        return frame["expectation_unit"].astype(str).str.startswith("%")

    def reduction(frame: pd.DataFrame) -> pd.Series:
        return frame["expectation_unit"].astype(str).str.fullmatch("% reduction")

    return declare(
        FACTS_FILE,
        "What is known of the July 2017 DToC expectations: national figures and "
        "published council examples (checks on the expectation rule).",
        [
            council_code(councils, england=True),
            text("council", "council name (England for E92000001)"),
            text("expectation_measure", "what the figure measures"),
            number(
                "expectation_value",
                "see expectation_unit",
                "the published figure",
                positive=True,
                maximum=10_000,
                bound="10,000 a rate, share or count",
            ),
            text("expectation_unit", "unit of the figure"),
            matches(
                "baseline_period",
                f"|{PERIOD}( to {PERIOD})?",
                "baseline month or months",
                "not blank, YYYY-MM or YYYY-MM to YYYY-MM ({raw!r})",
                "blank, YYYY-MM or YYYY-MM to YYYY-MM",
            ),
            matches(
                "target_period",
                f"{PERIOD}|{YEAR}",
                "month or year the expectation is for",
                "not a month YYYY-MM or a year YYYY-YY ({raw!r})",
                "YYYY-MM or YYYY-YY",
            ),
            one_of(
                "status",
                FACT_STATUSES,
                "what kind of source",
                reason=f"status must be one of {', '.join(FACT_STATUSES)} ({{raw!r}})",
            ),
            text("source", "publication", reason="blank; every figure names its source ({raw!r})"),
            text("notes", "notes", required=False),
        ],
        unique=["gss_code", "expectation_measure", "target_period"],
        checks=[
            row_rule(
                "council",
                wrong_name,
                "not the name of its GSS code ({raw!r})",
                doc="council is the name of its GSS code",
                stage=1,
            ),
            row_rule(
                "baseline_period",
                backwards,
                lambda frame, row: (
                    f"ends before it starts ({frame['baseline_period'].iloc[row]!r})"
                ),
                doc="a baseline does not end before it starts",
            ),
            row_rule(
                "expectation_value",
                lambda frame: percent(frame) & (_value(frame, "expectation_value") > 100),
                "{number:g} is more than 100% (expectation_unit is a percentage)",
                doc="a percentage ≤ 100",
            ),
            row_rule(
                "expectation_value",
                lambda frame: reduction(frame) & (_value(frame, "expectation_value") < 1),
                "{number:g} is a fraction where a percentage reduction is written "
                "(66 for a 66% cut)",
                doc="a % reduction written as a percentage, not a fraction",
            ),
        ],
    )


def dtoc_la_lookup_2017(councils: Councils) -> pa.DataFrameSchema:
    def wrong_region(frame: pd.DataFrame) -> pd.Series:
        region = frame["gss_code"].map(councils.regions)
        return region.notna() & (frame["region_as_published"] != region)

    def unmapped(frame: pd.DataFrame) -> list[str]:
        return sorted(councils.with_dtoc - set(frame["gss_code"]))

    def without_data(frame: pd.DataFrame) -> list[str]:
        return sorted(set(frame["gss_code"]) & set(councils.codes) - councils.with_dtoc)

    return declare(
        LOOKUP_FILE,
        "GSS code to the Department of Health council code of the DToC tables.",
        [
            council_code(councils),
            matches(
                "dh_la_code",
                r"\d{3}|00[A-Z]{2}",
                "DH council code",
                "not a DH council code (3 digits, or 00 and two letters) ({raw!r})",
                "3 digits, or 00 and two letters; unique",
            ),
            text("council_name_as_published", "name as published", required=False),
            text("region_as_published", "region as published"),
            text("source", "publication", reason="blank; every row names its source ({raw!r})"),
        ],
        unique=["gss_code"],
        checks=[
            row_rule(
                "dh_la_code",
                lambda frame: frame.duplicated(subset=["dh_la_code"], keep="first"),
                lambda frame, row: f"duplicate dh_la_code {frame['dh_la_code'].iloc[row]}",
                doc="dh_la_code unique",
            ),
            row_rule(
                "region_as_published",
                wrong_region,
                "not the council's region in council_reference.csv ({raw!r})",
                doc="the council's region in council_reference.csv",
            ),
            rule(
                lambda frame: not unmapped(frame),
                lambda frame, row: (
                    f"no row for {', '.join(unmapped(frame)[:5])}, which has rows in "
                    "dtoc_monthly.csv"
                ),
                doc="a row for every council with rows in dtoc_monthly.csv",
                stage=2,
            ),
            rule(
                lambda frame: not without_data(frame),
                lambda frame, row: (
                    f"no rows for {', '.join(without_data(frame)[:5])}, which {LOOKUP_FILE} "
                    "maps to a DH council code"
                ),
                doc="every council it maps has rows in dtoc_monthly.csv",
                stage=2,
                file="dtoc_monthly.csv",
            ),
        ],
    )


def council_tax_requirement(councils: Councils) -> pa.DataFrameSchema:
    """Only Bournemouth, Poole and Dorset may be blank, and only for 2019-20
    (abolished); the ASC precept columns are blank before 2016-17. The derived "2%
    precept" column must equal 2% of the previous year's Band D × this year's tax base
    to £1."""

    def gone(frame: pd.DataFrame) -> pd.Series:
        return _code_in(frame, BCP_DORSET) & (frame["year"] == "2019-20")

    def before(frame: pd.DataFrame) -> pd.Series:
        return frame["year"].isin(["2014-15", "2015-16"])

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
    derived = "derived_2pct_of_prev_band_d_x_tax_base"

    def expected(frame: pd.DataFrame) -> pd.Series:
        band_d = _value(frame, "band_d_excl_local_precepts")
        by_year = dict(zip(zip(frame["gss_code"], frame["year"], strict=True), band_d, strict=True))
        years = list(allocation.CTR_YEARS)
        previous = [
            by_year.get((c, years[years.index(y) - 1]), np.nan)
            if y in years and years.index(y) > 0
            else np.nan
            for c, y in zip(frame["gss_code"], frame["year"], strict=True)
        ]
        base = _value(frame, "tax_base_for_tax_setting")
        return allocation.PRECEPT_RATE * pd.Series(previous, index=frame.index) * base

    def off(frame: pd.DataFrame) -> pd.Series:
        value = _value(frame, derived)
        return value.notna() & ((value - expected(frame)).abs() > 1.0)

    def off_words(frame: pd.DataFrame, row: int | None) -> str:
        assert row is not None
        return (
            f"£{_value(frame, derived).iloc[row]:,.2f} is not 2% of the previous year's Band "
            f"D × this year's tax base (£{expected(frame).iloc[row]:,.2f})"
        )

    def levied(frame: pd.DataFrame) -> float:
        in_year = frame["year"] == "2016-17"
        return float(_value(frame, "asc_precept_in_year_amount")[in_year].sum())

    only = "for Bournemouth, Poole and Dorset in 2019-20"
    return declare(
        TAX_FILE,
        "Council Tax Requirement returns (MHCLG CTR1/CTR2), 152 councils × 2014-15 … 2019-20.",
        [
            council_code(councils),
            text("council", "council name"),
            text("ecode", "MHCLG council code", required=False),
            text("ctr_class", "class of authority", required=False),
            one_of("year", allocation.CTR_YEARS, "financial year"),
            number(
                "tax_base_for_tax_setting",
                "Band D equivalents",
                "tax base for tax setting (Kent, the largest, about 550,000)",
                positive=True,
                maximum=5e6,
                bound="5,000,000 Band D equivalents",
                blank=True,
            ),
            number(
                "band_d_excl_local_precepts",
                "£ per Band D",
                "Band D, including the ASC precept, excluding parish precepts",
                positive=True,
                maximum=1e4,
                bound="10,000 £ per Band D",
                blank=True,
            ),
            number(
                "council_tax_requirement_excl_local_precepts",
                "£",
                "council tax requirement",
                positive=True,
                maximum=1e10,
                bound="10,000,000,000 £",
                blank=True,
            ),
            *[
                number(
                    name,
                    unit,
                    meaning,
                    maximum=1e9,
                    bound="1,000,000,000 £ or %",
                    blank=True,
                )
                for name, unit, meaning in (
                    (precept[0], "£", "ASC precept levied in the year"),
                    (precept[1], "£ per Band D", "ASC precept's Band D element"),
                    (precept[2], "%", "ASC precept, per cent of Band D"),
                    (derived, "£", "2% of the previous year's Band D × this year's tax base"),
                )
            ],
            text("source", "publication", required=False),
            text("note", "restated values (first published kept)", required=False),
        ],
        unique=["gss_code", "year"],
        checks=[
            *[blank_only(c, gone, only) for c in [*core, "source"]],
            *[
                blank_only(c, lambda f: gone(f) | before(f), f"{only} and before 2016-17")
                for c in precept
            ],
            every_council(councils, years=allocation.CTR_YEARS),
            row_rule(
                derived,
                off,
                off_words,
                doc=f"{derived} equals 2% of the previous year's Band D × the tax base, to £1",
                stage=3,
            ),
            rule(
                lambda frame: abs(levied(frame) - PRECEPT_2016_17) <= PRECEPT_2016_17_HALF_UNIT,
                lambda frame, row: (
                    f"the ASC precept levied in 2016-17 sums to £{levied(frame):,.0f}, not "
                    f"the published £{PRECEPT_2016_17 / 1e6:,.0f}m (to the £1m)"
                ),
                doc="ASC precept levied in 2016-17 sums to the published £382m (to the £1m)",
                column="asc_precept_in_year_amount",
                stage=3,
            ),
        ],
    )


def council_taxbase_ctb(councils: Councils) -> pa.DataFrameSchema:
    band_d = "5,000,000 Band D equivalents"
    return declare(
        TAXBASE_FILE,
        "Council Taxbase (CTB) returns of October 2015, 2016 and 2017, districts summed "
        "to counties: a control on the CTR tax bases.",
        [
            council_code(councils),
            text("council", "council name"),
            text("ecode", "MHCLG council code", required=False),
            one_of("year", CTB_YEARS, "financial year the tax base is for"),
            text("ctb_reference", "CTB return", required=False),
            number(
                "ctb_tax_base_after_cts_band_d_equivalents",
                "Band D equivalents",
                "tax base after council tax support, before the collection rate",
                positive=True,
                maximum=5e6,
                bound=band_d,
            ),
            number(
                "ctb_tax_base_before_cts_band_d_equivalents",
                "Band D equivalents",
                "tax base before council tax support",
                positive=True,
                maximum=5e6,
                bound=band_d,
            ),
            number(
                "dwellings_on_valuation_list",
                "dwellings",
                "dwellings on the valuation list",
                whole=True,
                positive=True,
                maximum=MAX_COUNCIL_POPULATION,
                bound=f"{MAX_COUNCIL_POPULATION:,} dwellings in one council",
            ),
            number(
                "n_billing_authorities_summed",
                "authorities",
                "billing authorities summed",
                whole=True,
                positive=True,
                maximum=BILLING_AUTHORITIES,
                bound=f"England's {BILLING_AUTHORITIES} billing authorities",
            ),
            text("source", "publication"),
        ],
        unique=["gss_code", "year"],
        checks=[every_council(councils, years=CTB_YEARS)],
    )


def asc_rnf_checkpoints(councils: Councils) -> pa.DataFrameSchema:
    pot = f"£{WINTER_PRESSURES_POT:,}, the whole grant"

    def share_off(frame: pd.DataFrame) -> pd.Series:
        share = _value(frame, "amount") / WINTER_PRESSURES_POT
        return (share - _value(frame, "share_of_pot")).abs() > 5e-9 + 1e-12  # 8 decimals

    def total(frame: pd.DataFrame) -> float:
        return float(_value(frame, "amount").sum())

    return declare(
        RNF_FILE,
        "The 2018/19 winter pressures grant (£240m, allocated by the ASC RNF) where a "
        "council's figure is published: its share of £240m is its ASC RNF share.",
        [
            council_code(councils),
            text("council", "council name"),
            one_of("grant", (WINTER_PRESSURES_GRANT,), "grant"),
            one_of("year", ("2018-19", "2019-20"), "financial year"),
            number(
                "amount",
                "£",
                "the council's grant",
                whole=True,
                positive=True,
                maximum=WINTER_PRESSURES_POT,
                bound=pot,
            ),
            one_of("precision", tuple(RNF_PRECISIONS), "how the figure was rounded"),
            number(
                "share_of_pot",
                "share (0-1)",
                "amount / £240m, to 8 decimals",
                positive=True,
                maximum=1,
                bound="1, the whole grant",
            ),
            text("source", "publication"),
            text("quote", "the published words", required=False),
        ],
        unique=["gss_code"],
        checks=[
            row_rule(
                "share_of_pot",
                share_off,
                lambda frame, row: (
                    f"{_value(frame, 'share_of_pot').iloc[row]:g} is not amount / £240m "
                    f"({_value(frame, 'amount').iloc[row] / WINTER_PRESSURES_POT:.8f})"
                ),
                doc="share_of_pot = amount / £240m",
            ),
            rule(
                lambda frame: total(frame) <= WINTER_PRESSURES_POT,
                lambda frame, row: (
                    f"amounts sum to £{total(frame):,.0f}, more than the whole grant "
                    f"£{WINTER_PRESSURES_POT:,}"
                ),
                doc=f"amounts sum to at most £{WINTER_PRESSURES_POT:,}",
                column="amount",
                stage=3,
            ),
        ],
    )


OFFICIAL_FILE = "ibcf_allocations_2018_19.csv"
ELEMENT_TOTALS_2018_19 = {
    "original": allocation.ORIGINAL_POTS["2018-19"],
    "spring_budget": allocation.SPRING_BUDGET_POTS["2018-19"],
}


def ibcf_allocations_2018_19(councils: Councils) -> pa.DataFrameSchema:
    def element(name: str, total: int) -> pa.Column:
        return number(
            f"allocation_{name}",
            "£, 2018/19",
            f"{name.replace('_', ' ')} element",
            whole=True,
            maximum=total,
            bound=f"the national total £{total:,}",
            not_whole="not whole pounds",
        )

    def quarter(name: str, total: int) -> pa.Check:
        column = f"allocation_{name}"
        most = MAX_COUNCIL_SHARE * total
        return row_rule(
            column,
            lambda frame: _value(frame, column) > most,
            lambda frame, row: (
                f"£{_value(frame, column).iloc[row]:,.0f} is more than a quarter of the "
                f"national total £{total:,} (no council's need share is above 3%)"
            ),
            doc=f"at most a quarter of the national total (£{most:,.0f})",
        )

    def missing(frame: pd.DataFrame) -> list[str]:
        listed = set(frame["gss_code"])
        if len(listed) <= PARTIAL_TABLE_LIMIT:
            return []
        return [c for c in councils.codes if c not in listed]

    return declare(
        OFFICIAL_FILE,
        "Optional: the official 2018/19 iBCF allocations, all 152 councils, or a few "
        "councils with a published figure (the rest of each national total is spread "
        "over the others in proportion to their reconstruction).",
        [
            council_code(councils, meaning="2017/18 council GSS code (one of the 152)"),
            *[element(n, t) for n, t in ELEMENT_TOTALS_2018_19.items()],
            one_of(
                "status",
                OFFICIAL_STATUSES,
                "official, or published_rounded",
                reason=f"status must be one of {', '.join(OFFICIAL_STATUSES)} (got {{raw!r}})",
            ),
            text("source", "publication and date"),
        ],
        unique=["gss_code"],
        checks=[
            *[quarter(n, t) for n, t in ELEMENT_TOTALS_2018_19.items()],
            rule(
                lambda frame: not missing(frame),
                lambda frame, row: (
                    f"no row for {', '.join(missing(frame)[:5])} ({len(missing(frame))} "
                    f"of {N_COUNCILS} missing: a table of more than {PARTIAL_TABLE_LIMIT} "
                    "councils is the full table, and a partial one pins only a few)"
                ),
                doc=f"every council, or at most {PARTIAL_TABLE_LIMIT} (a partial table)",
                stage=2,
            ),
        ],
    )


OFFICIAL_EXPECTATIONS_FILE = "dtoc_expectations_2017_official.csv"


def dtoc_expectations_2017_official(councils: Councils) -> pa.DataFrameSchema:
    return declare(
        OFFICIAL_EXPECTATIONS_FILE,
        "Optional: official September 2017 expectations; each row replaces the rule's "
        "value for its council and attribution.",
        [
            council_code(councils, meaning="council"),
            one_of(
                "attribution",
                ATTRIBUTIONS,
                ", ".join(f"`{a}`" for a in ATTRIBUTIONS),
                reason=f"must be one of {', '.join(ATTRIBUTIONS)}",
            ),
            number(
                "expectation_beds_per_day",
                "delayed beds a day",
                "September 2017 expectation",
                maximum=MAX_DELAYED_BEDS,
                bound=f"{MAX_DELAYED_BEDS:,} delayed beds a day, as in dtoc_monthly.csv",
            ),
            text("source", "publication"),
        ],
        unique=["gss_code", "attribution"],
    )


def revenue_outturn_2018_19(councils: Councils) -> pa.DataFrameSchema:
    """What each council reported receiving (:mod:`simulator.inputs.reported`)."""
    r = reported
    most = f"{r.MAX_THOUSANDS:,} £000"  # £10bn: the largest council spends about £1.8bn
    services = [*r.SERVICES, r.TOTAL_SERVICES]

    def money(name: str, meaning: str, *, signed: bool = False, blank: bool = False) -> pa.Column:
        return number(
            name,
            "£000",
            meaning,
            whole=True,
            signed=signed,
            maximum=r.MAX_THOUSANDS,
            bound=most,
            blank=blank,
            not_whole="not whole £000 ({number:g})",
        )

    def control(name: str, meaning: str) -> pa.Column:
        column = money(name, meaning, signed=True)
        column.checks.append(
            rule(
                lambda s: ~(parse(s)[0].abs() > r.MAX_CHECK),
                f"{{number:g}} is more than the ±{r.MAX_CHECK} (£000) of source rounding",
                doc=f"within ±{r.MAX_CHECK} (source rounding)",
                column=name,
            )
        )
        return column

    def less_services(frame: pd.DataFrame) -> pd.Series:
        return _value(frame, r.TOTAL_SERVICES) - sum(_value(frame, c) for c in r.SERVICES)

    grants = {
        "rg_dedicated_schools_grant": "dedicated schools grant",
        "rg_public_health_grant": "public health grant",
        r.COLUMN: "improved Better Care Fund grant received (blank: not reported)",
        "rg_total_grants_inside_aef": "total grants inside Aggregate External Finance",
        "rg_asc_support_grant": "adult social care support grant",
        "rg_winter_pressures_grant": "winter pressures grant",
    }
    checked = r.CHECKS[1]
    return declare(
        r.FILE,
        "MHCLG revenue outturn 2018-19 (RG and RS forms, £000 as printed): the improved "
        "Better Care Fund grant each council reported receiving, with controls.",
        [
            council_code(councils),
            text("name_in_source", "council name as published"),
            one_of("class_from_code", r.CLASSES, "class of authority"),
            one_of("year_ending", (r.YEAR_ENDING,), "year ending (YYYYMM)"),
            *[money(c, grants[c], blank=c == r.COLUMN) for c in r.GRANTS],
            control(r.CHECKS[0], "the RG total inside AEF less its inside-AEF lines, as published"),
            *[
                money(
                    c,
                    "net current expenditure, " + c.removeprefix("rs_nce_").replace("_", " "),
                    signed=True,
                )
                for c in services
            ],
            control(checked, "total service expenditure less its services, as published"),
        ],
        unique=["gss_code"],
        checks=[
            every_council(councils),
            row_rule(
                checked,
                lambda frame: _value(frame, checked) != less_services(frame),
                lambda frame, row: (
                    f"{_value(frame, checked).iloc[row]:g} is not the total less its "
                    f"services ({less_services(frame).iloc[row]:g})"
                ),
                doc=f"{checked} = {r.TOTAL_SERVICES} less the 13 services",
            ),
        ],
    )


def council_distribution(councils: Councils) -> pa.DataFrameSchema:
    """Who bears an option (:mod:`simulator.inputs.distribution`)."""
    d = distribution
    gross, net = "asc_gross_current_expenditure_000", "asc_net_current_expenditure_000"
    not_positive_whole = "not a positive whole number ({raw!r})"

    def score(name: str, meaning: str, *, blank: bool = False) -> pa.Column:
        return number(name, "score", meaning, maximum=100, blank=blank)

    def count(name: str, unit: str, meaning: str, most: float) -> pa.Column:
        return number(name, unit, meaning, whole=True, positive=True, maximum=most,
                      not_whole=not_positive_whole, zero=not_positive_whole)  # fmt: skip

    def spending(name: str, meaning: str) -> pa.Column:
        # Kent, the largest, spent about £0.5bn gross in 2016-17.
        return number(name, "£000, 2016-17", meaning, maximum=2_000_000, blank=True)

    def class_off(frame: pd.DataFrame) -> pd.Series:
        named = _value(frame, "ruc11_code").map(d.RUC11_CLASSES)
        label = frame["ruc11_class"].astype(str).str.strip()
        pairs = zip(named, label, strict=True)
        off = [isinstance(n, str) and not lab.startswith(n) for n, lab in pairs]
        return pd.Series(off, index=frame.index)

    def class_words(frame: pd.DataFrame, row: int) -> str:
        code = int(_value(frame, "ruc11_code").iloc[row])
        label = str(frame["ruc11_class"].iloc[row]).strip()
        return f"{label!r} is not class {code} ({d.RUC11_CLASSES[code]})"

    def one_blank(frame: pd.DataFrame) -> pd.Series:
        return parse(frame[net])[1] != parse(frame[gross])[1]

    def one_blank_words(frame: pd.DataFrame, row: int) -> str:
        if parse(frame[net])[1].iloc[row]:
            return "blank where gross is known (both or neither)"
        return "known where gross is blank (both or neither)"

    return declare(
        d.FILE,
        "Who bears an option: deprivation (IoD2015, IoD2019), rurality (Defra RUC 2011), "
        "area type (ONS 2011 area classification) and adult social care spending "
        "(NHS Digital ASC-FR 2016-17), built by scripts/build_distribution.py.",
        [
            council_code(councils),
            text("council", "council name"),
            score("imd2015_average_score", "IoD2015 IMD average score, population-weighted"),
            count("imd2015_lsoas", "LSOAs", "small areas (LSOA 2011) in the council", 2_000),
            count(
                "imd2015_population_mid2012",
                "persons, mid-2012",
                "IoD2015 weights: population excluding prisoners",
                2_000_000,
            ),
            score(
                "imd2019_average_score",
                "IoD2019 IMD average score as published (a check only)",
                blank=True,
            ),
            count("ruc11_code", "class", "Defra 2011 Rural-Urban class, 1-6", 6),
            text("ruc11_class", "the class's name (may add its detail)"),
            *[
                text(
                    name,
                    f"ONS 2011 area classification {name.removeprefix('area_')} "
                    "(blank for shire counties)",
                    required=False,
                )
                for name in d.TEXT_OPTIONAL
            ],
            spending(gross, "adult social care gross current expenditure"),
            spending(net, "adult social care net current expenditure"),
            text("note", "why a cell is blank or shared", required=False),
        ],
        unique=["gss_code"],
        checks=[
            every_council(councils),
            row_rule(
                "ruc11_class",
                class_off,
                class_words,
                doc="ruc11_class starts with the name of class ruc11_code",
            ),
            row_rule(
                net,
                lambda frame: _value(frame, net) > _value(frame, gross),
                lambda frame, row: (
                    f"net {_value(frame, net).iloc[row]:,.0f} exceeds gross "
                    f"{_value(frame, gross).iloc[row]:,.0f}"
                ),
                doc=f"{net} ≤ {gross}",
            ),
            row_rule(net, one_blank, one_blank_words, doc=f"{net} blank only where {gross} is"),
        ],
    )


# Every CSV the model reads, in the order of data/README.md: (folder, declaration).
DECLARATIONS: dict[str, tuple[str, Callable[[Councils], pa.DataFrameSchema]]] = {
    "council_reference.csv": ("raw", council_reference),
    "council_population_ages.csv": ("raw", council_population_ages),
    "dtoc_monthly.csv": ("raw", dtoc_monthly),
    "covid19_tranche1_allocations.csv": ("raw", covid19_tranche1_allocations),
    "ibcf_known_figures.csv": ("raw", ibcf_known_figures),
    TAX_FILE: ("raw", council_tax_requirement),
    TAXBASE_FILE: ("raw", council_taxbase_ctb),
    RNF_FILE: ("raw", asc_rnf_checkpoints),
    FACTS_FILE: ("raw", dtoc_expectations_2017),
    LOOKUP_FILE: ("raw", dtoc_la_lookup_2017),
    reported.FILE: ("raw", revenue_outturn_2018_19),
    distribution.FILE: ("raw", council_distribution),
    OFFICIAL_FILE: ("official", ibcf_allocations_2018_19),
    OFFICIAL_EXPECTATIONS_FILE: ("official", dtoc_expectations_2017_official),
}


# ---------------------------------------------------------------------- the data dictionary
def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_dictionary() -> str:
    """The column tables of ``data/README.md``, written from the declarations above
    (``scripts/data_readme.py`` puts them in; a test keeps the committed copy equal).
    A check across rows that names a column is listed with that column."""
    implied = {"a number", "finite"}
    out: list[str] = []
    for name, (folder, declaration) in DECLARATIONS.items():
        schema = declaration(Councils())
        by_column: dict[str, list[str]] = {}
        whole = [f"one row per {' / '.join(schema.unique)}"] if schema.unique else []
        for check in schema.checks:
            how: Rule | None = getattr(check, RULE, None)
            doc = str(check.error)
            if how is not None and how.column in schema.columns:
                by_column.setdefault(str(how.column), []).append(doc.removeprefix(f"{how.column} "))
            elif doc != "at least one row":
                whole.append(doc)
        out += [f"### `{folder}/{name}`", "", str(schema.title), ""]
        out += ["| column | type | unit | meaning | checks |", "|---|---|---|---|---|"]
        for column_name, column in schema.columns.items():
            meta = column.metadata or {}
            checks = [str(c.error) for c in column.checks if str(c.error) not in implied]
            if "> 0" in checks:
                checks.remove("≥ 0")
            across = by_column.get(column_name, [])
            if meta.get("blank") == "allowed" and not any("blank only" in d for d in across):
                checks.append("blank allowed (unknown)")
            checks += across
            cells = [f"`{column_name}`", meta.get("type", ""), meta.get("unit", ""),
                     column.description or "", "; ".join(checks) or "—"]  # fmt: skip
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out += ["", "The file: " + "; ".join(["at least one row", *whole]) + ".", ""]
    return "\n".join(out).rstrip("\n") + "\n"
