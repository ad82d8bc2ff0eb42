"""Display formatting only: whole pounds, percentages and field names (the short
pound form is the model's one rule, ``services.gbp``, and beds freed ``services.beds_figure``).

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


SMALL_WORDS = {"and", "of", "the", "upon", "on", "city", "county", "council"}


def short_label(name: str) -> str:
    """A council's name short enough to sit in its hexagon (at most five letters):
    the first five letters of a one-word name ("shire" as "s"), else the initials and
    then the first letters of the last word; a workshop's neutral label keeps its letters.

    >>> short_label("Kent"), short_label("Derbyshire"), short_label("North Yorkshire")
    ('Kent', 'Derbs', 'NYork')
    >>> short_label("Bath and North East Somerset"), short_label("Council AB")
    ('BNES', 'AB')
    >>> short_label("Kingston upon Hull, City of"), short_label("Southend-on-Sea")
    ('KHull', 'SSea')
    """
    if name.startswith("Council "):
        return name.removeprefix("Council ")
    words = [w for w in re.split(r"[\s,.-]+", name) if w and w.lower() not in SMALL_WORDS]
    if not words:
        return name[:5]
    if len(words) == 1:
        word = words[0]
        return word[:4] + "s" if word.endswith("shire") else word[:5]
    initials = "".join(w[0] for w in words[:-1])
    return (initials + words[-1])[:5] if len(initials) < 3 else initials + words[-1][0]


def short_labels(names: list[str]) -> list[str]:
    """:func:`short_label` of each name, a label two names share made from each name's
    first three and last two letters instead, so every hexagon reads differently.

    >>> short_labels(["Southwark", "Southampton", "Kent"])
    ['Sourk', 'Souon', 'Kent']
    """
    labels = [short_label(n) for n in names]
    shared = {x for x in labels if labels.count(x) > 1}
    out = []
    for name, label in zip(names, labels, strict=True):
        letters = re.sub(r"[^A-Za-z]", "", name)
        out.append(letters[:3] + letters[-2:] if label in shared else label)
    return out


def slug(name: str) -> str:
    """A file name from a scenario name.

    >>> slug("October 2017 letter (edited)")
    'october-2017-letter-edited'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "scenario"
