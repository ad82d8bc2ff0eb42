"""Display formatting only: whole pounds, beds, percentages and field names (the short
pound form is the model's one rule, ``services.gbp``).

Nothing here computes a model quantity; it turns numbers the model produced into
text with units.
"""

from __future__ import annotations

import math
import re


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


def figure(value: object, spec: str) -> str:
    """A figure as text for a static table, by a format ``spec``; no data shows a dash.

    >>> figure(6.849, ".2f"), figure(-0.05, "+.1f"), figure(float("nan"), ".2f")
    ('6.85', '-0.1', '–')
    """
    number = float(value)  # type: ignore[arg-type]
    return "–" if math.isnan(number) else format(number, spec)


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


def label(name: str) -> str:
    """A column or field name as words.

    >>> label("allocation_spring_budget"), label("condition_pct")
    ('Allocation spring budget', 'Condition %')
    """
    words = name.replace("_pct", " %").replace("_gbp", " £").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def slug(name: str) -> str:
    """A file name from a scenario name.

    >>> slug("October 2017 letter (edited)")
    'october-2017-letter-edited'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "scenario"
