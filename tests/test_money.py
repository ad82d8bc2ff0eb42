"""Whole-pound arithmetic: the one rounding rule and exact apportionment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.money import largest_remainder, to_pounds
from simulator.rules.redistribution import capped_split
from tests.strategies import examples


@pytest.mark.parametrize(
    ("amount", "pounds"),
    [
        (0.0, 0),
        (0.49, 0),
        (0.5, 1),  # halves away from zero
        (1.5, 2),
        (2.5, 3),  # not banker's rounding (which would give 2)
        (-0.5, -1),
        (-2.5, -3),
        (500_000.5, 500_001),
        (330_000.0, 330_000),
        (1_234_567.49, 1_234_567),
    ],
)
def test_to_pounds(amount: float, pounds: int) -> None:
    got = to_pounds(np.array([amount]))
    assert got.dtype == np.int64
    assert int(got[0]) == pounds


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, [1, 1, 1], [4, 3, 3]),  # 3.33 each; 1 left to the first (ties: earlier)
        (11, [1, 1, 1], [4, 4, 3]),
        (100, [1, 3], [25, 75]),
        (7, [0, 1, 0], [0, 7, 0]),
        (0, [2, 0], [0, 0]),
        (5, [0.5, 0.25, 0.25], [3, 1, 1]),  # 2.5, 1.25, 1.25: remainders .5, .25, .25
        (1_499_000_000, [1, 2, 3, 4], [149_900_000, 299_800_000, 449_700_000, 599_600_000]),
    ],
)
def test_largest_remainder_cases(total: int, weights: list[float], expected: list[int]) -> None:
    got = largest_remainder(total, np.array(weights, dtype=float))
    assert got.tolist() == expected
    assert int(got.sum()) == total


def test_largest_remainder_refuses_impossible_splits() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        largest_remainder(-1, np.array([1.0]))
    with pytest.raises(ValueError, match="zero weights"):
        largest_remainder(5, np.array([0.0, 0.0]))


@settings(max_examples=examples(200), deadline=None)
@given(
    total=st.integers(0, 2_000_000_000),
    weights=st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=160).filter(
        lambda w: sum(w) > 0
    ),
)
def test_largest_remainder_sums_exactly_and_is_within_a_pound(
    total: int, weights: list[float]
) -> None:
    w = np.array(weights)
    got = largest_remainder(total, w)
    assert int(got.sum()) == total
    assert (got >= 0).all()
    exact = total * w / w.sum()
    assert (np.abs(got - exact) < 1 + 1e-6 * max(1, total)).all()
    assert (got[w == 0] == 0).all()


def test_capped_split_cases() -> None:
    # 100 over weights 1:1:2 with caps 10, 100, 100: first pass 25/25/50, the first is
    # over its cap -> 10; 90 left over 1:2 -> 30 / 60.
    assert capped_split(100, np.array([1.0, 1.0, 2.0]), np.array([10, 100, 100])).tolist() == [
        10,
        30,
        60,
    ]
    # Everyone capped: what nobody can take is left over (the caller retains it).
    assert capped_split(100, np.array([1.0, 1.0]), np.array([20, 30])).tolist() == [20, 30]
    # No caps: plain largest remainder.
    assert capped_split(10, np.array([1.0, 1.0, 1.0]), None).tolist() == [4, 3, 3]


@settings(max_examples=examples(200), deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(0, 1e6, allow_nan=False), st.integers(0, 1_000_000)),
        min_size=1,
        max_size=40,
    ),
    total=st.integers(0, 5_000_000),
)
def test_capped_split_never_breaks_a_cap_and_places_all_it_can(
    data: list[tuple[float, int]], total: int
) -> None:
    weights = np.array([w for w, _ in data])
    caps = np.array([c for _, c in data], dtype=np.int64)
    got = capped_split(total, weights, caps)
    assert (got >= 0).all()
    assert (got <= caps).all()
    assert int(got.sum()) <= total
    room = int(caps[weights > 0].sum())
    assert int(got.sum()) == min(total, room)
