"""Performance measures: delayed beds per day, rates per 100,000 adults, windows.

All functions take the dataset's arrays and return one value per council; a
window with any unknown month is unknown (NaN), never zero.
"""

from __future__ import annotations

import numpy as np

from simulator.inputs.data import Dataset
from simulator.schema.vocabulary import ATTRIBUTIONS

PER = 100_000


def rate_per_100k(beds: np.ndarray, adults: np.ndarray) -> np.ndarray:
    """Delayed beds per day per 100,000 adults aged 18+.

    >>> rate_per_100k(np.array([9.4, 5.0]), np.array([100_000.0, 250_000.0])).tolist()
    [9.4, 2.0]
    """
    return beds / adults * PER


def beds_from_rate(rate: np.ndarray, adults: np.ndarray) -> np.ndarray:
    """Inverse of :func:`rate_per_100k`: beds per day for a rate per 100,000 adults."""
    return rate * adults / PER


def window_beds(data: Dataset, attribution: str, end: str, months: int) -> np.ndarray:
    """Average delayed beds per day over ``months`` months ending with ``end``.

    The average of the monthly averages (each month's delayed days over its days),
    NaN if any month in the window is unknown.
    """
    stop = data.month_index(end) + 1
    start = stop - months
    if start < 0:
        raise KeyError(f"a {months}-month window ending {end} starts before {data.months[0]}")
    basis = ATTRIBUTIONS.index(attribution)
    return np.asarray(data.dtoc_beds[:, start:stop, basis].mean(axis=1))


def window_rate(data: Dataset, attribution: str, end: str, months: int) -> np.ndarray:
    """Rate per 100,000 adults over a window (see :func:`window_beds`)."""
    return rate_per_100k(window_beds(data, attribution, end, months), data.adults)
