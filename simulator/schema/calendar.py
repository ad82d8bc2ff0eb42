"""Months, one way: ``YYYY-MM`` strings, their names, shifts and lengths.

Standard library only, so declarations, rules, reports and the app share it.

>>> month_name("2017-11"), short_month_name("2017-11"), shift_month("2017-12", 1)
('November 2017', 'Nov 2017', '2018-01')
>>> days_in_month("2016-02"), month_index("2018-04") - month_index("2017-04")
(29, 12)
"""

from __future__ import annotations

import calendar as _calendar
from typing import Annotated

from pydantic import StringConstraints

# A calendar month with DToC data, as scenario files write it.
Month = Annotated[str, StringConstraints(pattern=r"^20\d\d-(0[1-9]|1[0-2])$")]

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _parts(month: str) -> tuple[int, int]:
    year, mm = month.split("-")
    return int(year), int(mm)


def month_name(month: str) -> str:
    """``YYYY-MM`` as words; anything else (``"none"``) unchanged.

    >>> month_name("2018-03"), month_name("none")
    ('March 2018', 'none')
    """
    try:
        year, mm = _parts(month)
        return f"{MONTH_NAMES[mm - 1]} {year}"
    except (ValueError, IndexError):
        return month


def short_month_name(month: str) -> str:
    """``YYYY-MM`` as a short label for narrow places (tick labels, widget captions)."""
    year, mm = _parts(month)
    return f"{MONTH_NAMES[mm - 1][:3]} {year}"


def month_index(month: str) -> int:
    """Months since year 0 (differences count months)."""
    year, mm = _parts(month)
    return year * 12 + mm - 1


def month_at(index: int) -> str:
    """Inverse of :func:`month_index`.

    >>> month_at(month_index("2019-03") + 1)
    '2019-04'
    """
    return f"{index // 12}-{index % 12 + 1:02d}"


def shift_month(month: str, k: int) -> str:
    """``month`` moved by ``k`` months.

    >>> shift_month("2017-11", 1), shift_month("2017-01", -1)
    ('2017-12', '2016-12')
    """
    return month_at(month_index(month) + k)


def days_in_month(month: str) -> int:
    """Days in a ``YYYY-MM`` month."""
    return _calendar.monthrange(*_parts(month))[1]


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included.

    >>> months_between("2017-11", "2018-02")
    ['2017-11', '2017-12', '2018-01', '2018-02']
    """
    return [month_at(i) for i in range(month_index(first), month_index(last) + 1)]


def days_in_months(months: list[str]) -> list[int]:
    """Days in each month (weights for averages over months).

    >>> days_in_months(["2017-02", "2016-02", "2017-09"])
    [28, 29, 30]
    """
    return [days_in_month(m) for m in months]
