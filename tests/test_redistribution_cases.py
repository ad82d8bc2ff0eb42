"""Case tables for redistribution and the ledger, worked by hand, to the pound.

Six made-up councils, 100,000 adults each (rate per 100,000 = beds a day). Social care
beds a day are b in every month except those shown. Two tests, combined with "all":
t1 July rate above 5, t2 September rate above 5. Selected councils lose 10% of their
Spring Budget element.

        b    Jul  Sep  Nov   t1 t2  selected  Spring Budget  withheld
    A   8     8    8    8    F  F    yes       1,000,000      100,000
    B   6     6    6    6    F  F    yes       2,000,000      200,000
    C   2     1    1    1    P  P    no        1,000,000
    D   1.5   2    1    0.5  P  P    no        3,000,000
    E   9     3    1    6    P  P    no        4,000,000
    F   6     4    9    6    P  F    no        2,000,000      (failed one test)
                                                     withheld in all: 300,000

Expectations (scenario rule: cut 50%; floor 2.6): C 2 (kept), D 1.5 (kept),
E max(2.6, 4.5) = 4.5, F max(2.6, 3) = 3.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.toy import Toy, column, monthly, names, rate_test, run

ROWS = [
    # name, b, jul, sep, nov, spring budget
    ("A", 8, 8, 8, 8, 1_000_000),
    ("B", 6, 6, 6, 6, 2_000_000),
    ("C", 2, 1, 1, 1, 1_000_000),
    ("D", 1.5, 2, 1, 0.5, 3_000_000),
    ("E", 9, 3, 1, 6, 4_000_000),
    ("F", 6, 4, 9, 6, 2_000_000),
]
ORIGINAL = 2_000_000
WITHHELD = {"A": 100_000, "B": 200_000, "C": 0, "D": 0, "E": 0, "F": 0}


def toys() -> list[Toy]:
    return [
        Toy(name, social_care=monthly(b, jul=jul, sep=sep, nov=nov), spring_budget=sb)
        for name, b, jul, sep, nov, sb in ROWS
    ]


def scenario(redistribution: dict[str, Any]) -> dict[str, Any]:
    return {
        "expectations": {"social_care_cut_pct": 50.0},
        "selection": {
            "tests": [
                rate_test("t1", "2017-07", threshold=5),
                rate_test("t2", "2017-09", threshold=5),
            ],
            "combine": "all",
        },
        "consequences": {"reduction_pct": 10},
        "redistribution": redistribution,
    }


def zeros(**received: int) -> dict[str, int]:
    return {name: received.get(name, 0) for name, *_ in ROWS}


CASES = [
    pytest.param({"rule": "retain"}, zeros(), 300_000, 0, id="retain"),
    pytest.param(
        # C, D, E, F (not selected, nothing withheld), pro rata to the Spring Budget
        # element (10m): 3/10/... of 300,000.
        {"rule": "pro_rata_all"},
        zeros(C=30_000, D=90_000, E=120_000, F=60_000),
        0,
        0,
        id="pro_rata_all",
    ),
    pytest.param(
        # Passed every test: C, D, E (F failed t2). 8m of base: 1/8, 3/8, 4/8.
        {"rule": "passed"},
        zeros(C=37_500, D=112_500, E=150_000),
        0,
        0,
        id="passed",
    ),
    pytest.param(
        # Best quartile on the July rate: ceil(6/4) = 2 -> the 2nd lowest rate is 2
        # (C 1, D 2) -> C and D, pro rata 1m : 3m.
        {"rule": "best_quartile", "window": {"end": "2017-07"}},
        zeros(C=75_000, D=225_000),
        0,
        0,
        id="best_quartile",
    ),
    pytest.param(
        # July rate at or below the expectation: C (1 <= 2) and E (3 <= 4.5);
        # not D (2 > 1.5) nor F (4 > 3). Pro rata 1m : 4m.
        {"rule": "met_expectation", "window": {"end": "2017-07"}},
        zeros(C=60_000, E=240_000),
        0,
        0,
        id="met_expectation",
    ),
    pytest.param(
        # Improvement February -> November in beds a day: C 2 -> 1 (1), D 1.5 -> 0.5 (1),
        # E 9 -> 6 (3), F 6 -> 6 (0, not an improver). Shares 1 : 1 : 3 of 300,000.
        {"rule": "improvers", "before": {"end": "2017-02"}, "window": {"end": "2017-11"}},
        zeros(C=60_000, D=60_000, E=180_000),
        0,
        0,
        id="improvers",
    ),
    pytest.param(
        # As above with gains capped at 4% of the Spring Budget element:
        # caps C 40,000, D 120,000, E 160,000.  First pass 60,000 / 60,000 / 180,000:
        # C and E are over their caps and get the caps (200,000); the 100,000 left
        # spills to D (within its 120,000 cap).  Spilled: 20,000 + 20,000 = 40,000.
        {
            "rule": "improvers",
            "before": {"end": "2017-02"},
            "window": {"end": "2017-11"},
            "gain_cap_pct": 4,
        },
        zeros(C=40_000, D=100_000, E=160_000),
        0,
        40_000,
        id="improvers-gain-cap-spill",
    ),
    pytest.param(
        # Pro rata with gains capped at 2%: everyone is capped (C 20,000, D 60,000,
        # E 80,000, F 40,000 = 200,000); the other 100,000 has nowhere to go and is
        # retained.  Spilled: 100,000 moved off by the caps.
        {"rule": "pro_rata_all", "gain_cap_pct": 2},
        zeros(C=20_000, D=60_000, E=80_000, F=40_000),
        100_000,
        100_000,
        id="pro_rata-all-capped",
    ),
]


@pytest.mark.parametrize(("redistribution", "received", "retained", "spilled"), CASES)
def test_redistribution(
    redistribution: dict[str, Any], received: dict[str, int], retained: int, spilled: int
) -> None:
    result = run(toys(), scenario(redistribution))
    assert names(result, result.selection.selected) == {"A", "B"}
    assert column(result, "withheld") == WITHHELD
    assert column(result, "received") == received
    assert result.ledger.retained == retained
    assert result.ledger.spilled == spilled
    # The ledger, to the pound.
    assert result.ledger.withheld_total == 300_000
    assert sum(received.values()) + retained == 300_000
    assert result.summary["total_received"] == sum(received.values())
    assert result.summary["total_retained"] == retained
    assert result.summary["ledger_balanced"] is True
    final = column(result, "final_allocation")
    for name, *_, spring in ROWS:
        assert final[name] == ORIGINAL + spring - WITHHELD[name] + received[name], name
    assert sum(final.values()) + retained == result.summary["total_baseline"]
    # A council that loses money never receives any.
    assert received["A"] == received["B"] == 0


def test_best_quartile_takes_every_council_tied_at_the_line() -> None:
    # September rates: A 8, B 6, C 1, D 1, E 1, F 9.  The quartile is ceil(6/4) = 2;
    # the 2nd lowest rate is 1, shared by C, D and E, so all three are eligible
    # (tie rule), pro rata 1m : 3m : 4m = 37,500 / 112,500 / 150,000.
    result = run(toys(), scenario({"rule": "best_quartile", "window": {"end": "2017-09"}}))
    assert column(result, "received") == zeros(C=37_500, D=112_500, E=150_000)
    assert result.ledger.retained == 0


def test_nobody_eligible_means_everything_is_retained() -> None:
    # Improvers between January and February: every council has b in both months, so
    # nobody improved and the 300,000 withheld stays with the centre.
    flat = run(
        toys(),
        scenario({"rule": "improvers", "before": {"end": "2017-01"}, "window": {"end": "2017-02"}}),
    )
    assert column(flat, "received") == zeros()
    assert flat.ledger.retained == 300_000
    assert flat.summary["ledger_balanced"] is True
    assert flat.summary["total_final"] == flat.summary["total_baseline"] - 300_000


def test_pounds_left_by_rounding_go_to_the_largest_remainders() -> None:
    # A (selected) has a Spring Budget element of 1,000,010: 10% = 100,001 withheld.
    # B, C, D share it pro rata to equal elements: 33,333.67 each -> 33,333 each and
    # 2 pounds left, to the largest remainders (all equal: the earlier councils B, C).
    data = [
        Toy("A", social_care=10, spring_budget=1_000_010),
        Toy("B", social_care=1),
        Toy("C", social_care=1),
        Toy("D", social_care=1),
    ]
    result = run(
        data,
        {
            "selection": {"tests": [rate_test("t", "2017-07", threshold=5)]},
            "consequences": {"reduction_pct": 10},
            "redistribution": {"rule": "pro_rata_all"},
        },
    )
    assert column(result, "withheld") == {"A": 100_001, "B": 0, "C": 0, "D": 0}
    assert column(result, "received") == {"A": 0, "B": 33_334, "C": 33_334, "D": 33_333}
    assert result.ledger.retained == 0
    assert result.summary["total_final"] == result.summary["total_baseline"]


def test_conditioned_money_is_not_redistributed() -> None:
    # Conditions keep the money with the council: nothing moves, final = baseline.
    result = run(
        toys(),
        {
            **scenario({"rule": "pro_rata_all"}),
            "consequences": {"condition_pct": 50},
        },
    )
    assert column(result, "conditioned") == zeros(A=500_000, B=1_000_000)
    assert column(result, "received") == zeros()
    assert result.summary["total_final"] == result.summary["total_baseline"]
