"""Whole-pound arithmetic for the ledger: one rounding helper, exact apportionment."""

from __future__ import annotations

import numpy as np


def to_pounds(amount: np.ndarray | float) -> np.ndarray:
    """Round to whole pounds, halves away from zero (the one rounding rule).

    >>> to_pounds(np.array([0.5, 1.49, 2.5, -0.5])).tolist()
    [1, 1, 3, -1]
    """
    values = np.asarray(amount, dtype=float)
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype(np.int64)


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` whole pounds in proportion to ``weights``, summing exactly.

    Each share is floored, then the pounds left over go one each to the largest
    fractional remainders (ties to the earlier position).

    >>> largest_remainder(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    >>> largest_remainder(0, np.array([2.0, 0.0])).tolist()
    [0, 0]
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError("total must be non-negative")
    out = np.zeros(weights.shape, dtype=np.int64)
    wsum = weights.sum()
    if total == 0 or wsum <= 0:
        if total and wsum <= 0:
            raise ValueError("cannot apportion a positive total over zero weights")
        return out
    exact = total * weights / wsum
    out = np.floor(exact).astype(np.int64)
    left = int(total - out.sum())
    if left:
        order = np.argsort(-(exact - out), kind="stable")
        out[order[:left]] += 1
    return out
