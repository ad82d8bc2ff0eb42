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
