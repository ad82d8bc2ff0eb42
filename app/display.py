"""Display formatting only: pounds, beds, percentages, months, anonymous names.

Nothing here computes a model quantity; it turns numbers the model produced into
text with units.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.reports.anonymous import anonymise as anonymise_frame
from simulator.reports.anonymous import anonymised_names
from simulator.reports.words import gbp as gbp
from simulator.schema.calendar import month_name as month_name
from simulator.schema.vocabulary import YEAR as YEAR


def gbp_axis(amount: float) -> str:
    """Pounds on a chart axis: the short form without a needless decimal.

    >>> gbp_axis(20_000_000), gbp_axis(2_500_000), gbp_axis(-500_000), gbp_axis(0)
    ('£20m', '£2.5m', '-£500,000', '£0')
    """
    text = gbp(amount)
    return text.replace(".0m", "m")


def gbp_exact(amount: float) -> str:
    """Whole pounds with separators.

    >>> gbp_exact(1_499_000_000), gbp_exact(-12)
    ('£1,499,000,000', '-£12')
    """
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(round(amount)):,}"


def beds(value: float, digits: int = 0) -> str:
    """Beds a day, rounded.

    >>> beds(123.456), beds(-2.04, 1), beds(-0.2), beds(float("nan"))
    ('123', '-2.0', '0', 'n/a')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def beds_signed(value: float) -> str:
    """Beds a day for a headline: whole beds, or two decimals when whole beds would
    read a bare 0 for a value that is not zero, so the sign still shows.

    >>> beds_signed(29.2), beds_signed(-0.0614), beds_signed(0.31), beds_signed(0.0)
    ('29', '-0.06', '0.31', '0')
    >>> beds_signed(-0.5), beds_signed(-0.001), beds_signed(0.004), beds_signed(float("nan"))
    ('-0.50', 'just below 0', 'just above 0', 'n/a')
    """
    text = beds(value)
    if text != "0" or value == 0:
        return text
    if abs(value) < 0.005:
        return "just below 0" if value < 0 else "just above 0"
    return f"{value:.2f}"


def beds_range(p10: float, p50: float, p90: float) -> str:
    """Central value and P10-P90 range in beds a day.

    >>> beds_range(80.2, 101.0, 130.9), beds_range(-2.9, -0.06, 2.4)
    ('101 (P10–P90 80 to 131)', '-0.06 (P10–P90 -3 to 2)')
    """
    return f"{beds_signed(p50)} (P10–P90 {beds_signed(p10)} to {beds_signed(p90)})"


def pct(share: float, digits: int = 0) -> str:
    """A share 0-1 as a percentage.

    >>> pct(0.4567), pct(0.4567, 1)
    ('46%', '45.7%')
    """
    if share is None or not math.isfinite(share):
        return "n/a"
    return f"{100 * share:.{digits}f}%"


def anonymous_names(n: int) -> list[str]:
    """'Council A' ... 'Council Z', 'Council AA' ... (the exports' own naming)."""
    return anonymised_names(n)


def alias_map(codes: list[str], seed: int = 2017) -> dict[str, str]:
    """A fixed shuffle of 'Council A'... over GSS codes, so aliases do not follow the
    alphabetical order of codes or names (and stay the same between reruns).

    >>> m = alias_map(["E1", "E2", "E3"]); sorted(m.values())
    ['Council A', 'Council B', 'Council C']
    """
    order = np.random.default_rng(seed).permutation(len(codes))
    names = anonymous_names(len(codes))
    return {code: names[int(k)] for code, k in zip(codes, order, strict=True)}


def anonymise(frame: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """Replace council names by their alias, blank the GSS code and drop the columns
    that single a council out (workshop mode). Only council-level frames lose those
    columns: totals by region or authority type are aggregates and stay.

    >>> rows = pd.DataFrame({"gss_code": ["E1"], "council": ["Northshire"],
    ...     "region": ["North"], "adults_18plus": [812_345], "change": [-10]})
    >>> anonymise(rows, {"E1": "Council A"}).to_dict("records")
    [{'gss_code': 'hidden', 'council': 'Council A', 'change': -10}]
    >>> list(anonymise(pd.DataFrame({"region": ["North"], "change": [-10]}), {}).columns)
    ['region', 'change']
    """
    return anonymise_frame(frame, aliases, codes="hide")


def label(name: str) -> str:
    """A column or field name as words.

    >>> label("allocation_spring_budget"), label("condition_pct")
    ('Allocation spring budget', 'Condition %')
    """
    words = name.replace("_pct", " %").replace("_gbp", " £").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
