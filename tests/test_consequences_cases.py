"""Case tables for consequences: flat, graduated, caps, floor and release, worked by hand.

Five made-up councils with 100,000 adults (rate per 100,000 = beds a day), 4 social
care delayed beds a day in every month except July. One test: the July 2017 social
care rate above 2 (margin = rate - 2).

        July  margin  selected  original    Spring Budget   total
    A    3     +1      yes      2,000,000    1,000,000      3,000,000
    B    4     +2      yes      3,000,000    1,500,000      4,500,000
    C    8     +6      yes      1,000,000      600,000      1,600,000
    D    1     -1      no       2,000,000    1,000,000      3,000,000
    E    2      0      no       1,200,000      800,000      2,000,000   (2 is not above 2)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.toy import Toy, column, monthly, names, rate_test, run

COUNCILS = [
    ("A", 3, 2_000_000, 1_000_000),
    ("B", 4, 3_000_000, 1_500_000),
    ("C", 8, 1_000_000, 600_000),
    ("D", 1, 2_000_000, 1_000_000),
    ("E", 2, 1_200_000, 800_000),
]
TOTAL = {name: orig + sb for name, _, orig, sb in COUNCILS}
NONE = {"A": 0, "B": 0, "C": 0, "D": 0, "E": 0}


def toys(**months: dict[str, float]) -> list[Toy]:
    """The five councils; ``months`` overrides beds by month, e.g. oct={"A": 2}."""
    out = []
    for name, july, original, spring in COUNCILS:
        by_month: dict[str, Any] = {"jul": july}
        for month, values in months.items():
            if name in values:
                by_month[month] = values[name]
        out.append(
            Toy(
                name,
                social_care=monthly(4, **by_month),
                original=original,
                spring_budget=spring,
            )
        )
    return out


def scenario(consequences: dict[str, Any], **selection: Any) -> dict[str, Any]:
    return {
        "selection": {"tests": [rate_test("t", "2017-07", threshold=2)], **selection},
        "consequences": consequences,
        "redistribution": {"rule": "retain"},
    }


CASES = [
    pytest.param(
        # 33% of the Spring Budget element, kept but ring-fenced.
        {"condition_pct": 33},
        {"A": 330_000, "B": 495_000, "C": 198_000, "D": 0, "E": 0},
        NONE,
        id="flat-condition-spring-budget",
    ),
    pytest.param(
        # 10% of the Spring Budget element withheld.
        {"reduction_pct": 10},
        NONE,
        {"A": 100_000, "B": 150_000, "C": 60_000, "D": 0, "E": 0},
        id="flat-reduction-spring-budget",
    ),
    pytest.param(
        # 10% of the original element: A 2,000,000 -> 200,000 ...
        {"base": "original", "reduction_pct": 10},
        NONE,
        {"A": 200_000, "B": 300_000, "C": 100_000, "D": 0, "E": 0},
        id="flat-reduction-original",
    ),
    pytest.param(
        # 30% conditioned and 20% withheld of the total: A 3,000,000 -> 900,000 / 600,000.
        {"base": "total", "condition_pct": 30, "reduction_pct": 20},
        {"A": 900_000, "B": 1_350_000, "C": 480_000, "D": 0, "E": 0},
        {"A": 600_000, "B": 900_000, "C": 320_000, "D": 0, "E": 0},
        id="condition-and-reduction-total",
    ),
    pytest.param(
        # Margin graduation 0 -> 4: share = margin / 4, at most 1; 20% of Spring Budget.
        # A 1/4 x 20% x 1,000,000 = 50,000; B 2/4 x 20% x 1,500,000 = 150,000;
        # C margin 6 -> full 20% x 600,000 = 120,000.
        {"reduction_pct": 20, "graduation": "margin", "margin_test": "t", "margin_to": 4},
        NONE,
        {"A": 50_000, "B": 150_000, "C": 120_000, "D": 0, "E": 0},
        id="margin-graduation",
    ),
    pytest.param(
        # Margin graduation 1 -> 3: A (margin 1) is selected but pays nothing;
        # B (2) half: 10% x 1,500,000 = 150,000; C full: 120,000.
        {
            "reduction_pct": 20,
            "graduation": "margin",
            "margin_test": "t",
            "margin_from": 1,
            "margin_to": 3,
        },
        NONE,
        {"A": 0, "B": 150_000, "C": 120_000, "D": 0, "E": 0},
        id="margin-graduation-offset",
    ),
    pytest.param(
        # 20% wanted, capped at 10% of the base (Spring Budget).
        {"reduction_pct": 20, "cap_pct": 10},
        NONE,
        {"A": 100_000, "B": 150_000, "C": 60_000, "D": 0, "E": 0},
        id="cap-pct",
    ),
    pytest.param(
        # 20% of the total wanted (600,000 / 900,000 / 320,000), at most £500,000 each.
        {"base": "total", "reduction_pct": 20, "cap_gbp": 500_000},
        NONE,
        {"A": 500_000, "B": 500_000, "C": 320_000, "D": 0, "E": 0},
        id="cap-gbp",
    ),
    pytest.param(
        # 20% of the total wanted; the final allocation may not fall below 90% of the
        # total, so at most 10%: 300,000 / 450,000 / 160,000.
        {"base": "total", "reduction_pct": 20, "floor_pct": 90},
        NONE,
        {"A": 300_000, "B": 450_000, "C": 160_000, "D": 0, "E": 0},
        id="floor-pct",
    ),
    pytest.param(
        # All three limits; the tightest binds.
        #   A: wanted 600,000; 15% = 450,000; £400,000; floor 88% leaves 360,000 -> 360,000
        #   B: wanted 900,000; 675,000; £400,000; floor leaves 540,000           -> 400,000
        #   C: wanted 320,000; 240,000; £400,000; floor leaves 192,000           -> 192,000
        {
            "base": "total",
            "reduction_pct": 20,
            "cap_pct": 15,
            "cap_gbp": 400_000,
            "floor_pct": 88,
        },
        NONE,
        {"A": 360_000, "B": 400_000, "C": 192_000, "D": 0, "E": 0},
        id="caps-and-floor",
    ),
    pytest.param(
        # 70% conditioned, 30% withheld but capped at 10%: the condition is unaffected
        # (it fits in what is left): A 700,000 conditioned, 100,000 withheld.
        {"condition_pct": 70, "reduction_pct": 30, "cap_pct": 10},
        {"A": 700_000, "B": 1_050_000, "C": 420_000, "D": 0, "E": 0},
        {"A": 100_000, "B": 150_000, "C": 60_000, "D": 0, "E": 0},
        id="condition-with-capped-reduction",
    ),
    pytest.param(
        # 60% + 40% = 100% of the base: everything is either conditioned or withheld.
        {"condition_pct": 60, "reduction_pct": 40},
        {"A": 600_000, "B": 900_000, "C": 360_000, "D": 0, "E": 0},
        {"A": 400_000, "B": 600_000, "C": 240_000, "D": 0, "E": 0},
        id="condition-plus-reduction-100",
    ),
]


@pytest.mark.parametrize(("consequences", "conditioned", "withheld"), CASES)
def test_consequences(
    consequences: dict[str, Any], conditioned: dict[str, int], withheld: dict[str, int]
) -> None:
    result = run(toys(), scenario(consequences))
    assert names(result, result.selection.selected) == {"A", "B", "C"}
    assert column(result, "conditioned") == conditioned
    assert column(result, "withheld") == withheld
    # Money retained centrally (rule retain): final = total - withheld, to the pound.
    assert column(result, "final_allocation") == {n: TOTAL[n] - withheld[n] for n in TOTAL}
    assert column(result, "change") == {n: -withheld[n] for n in TOTAL}
    assert result.summary["total_retained"] == sum(withheld.values())
    assert result.summary["ledger_balanced"]


def test_capped_flag_marks_councils_a_limit_bound() -> None:
    # cap_gbp 500,000 on 20% of the total binds for A and B, not C (320,000).
    result = run(toys(), scenario({"base": "total", "reduction_pct": 20, "cap_gbp": 500_000}))
    assert names(result, result.money.capped) == {"A", "B"}


def test_graduation_by_tests_failed() -> None:
    # Three tests (July, August, September above 2), combine any.
    #       Jul Aug Sep   failed   share of 30% of Spring Budget
    #   A    3   3   3      3       3/3 x 30% x 1,000,000 = 300,000
    #   B    4   4   1      2       2/3 x 30% x 1,500,000 = 300,000
    #   C    8   1   1      1       1/3 x 30% x   600,000 =  60,000
    #   D    1   1   1      0       not selected, but added by hand -> full 300,000
    #   E    2   2   2      0       not selected
    data = toys(aug={"A": 3, "C": 1, "D": 1, "E": 2}, sep={"A": 3, "B": 1, "C": 1, "D": 1, "E": 2})
    result = run(
        data,
        {
            "selection": {
                "tests": [
                    rate_test("t1", "2017-07", threshold=2),
                    rate_test("t2", "2017-08", threshold=2),
                    rate_test("t3", "2017-09", threshold=2),
                ],
                "combine": "any",
                "include": [{"gss_code": "E06000004", "reason": "added by hand"}],
            },
            "consequences": {"reduction_pct": 30, "graduation": "tests_failed"},
        },
    )
    assert column(result, "tests_failed") == {"A": 3, "B": 2, "C": 1, "D": 0, "E": 0}
    assert column(result, "withheld") == {
        "A": 300_000, "B": 300_000, "C": 60_000, "D": 300_000, "E": 0,
    }  # fmt: skip


def test_margin_graduation_gives_a_council_added_by_hand_the_full_share() -> None:
    # E (margin 0) is not selected by the test but is added by hand: full 20% of 800,000.
    result = run(
        toys(),
        scenario(
            {"reduction_pct": 20, "graduation": "margin", "margin_test": "t", "margin_to": 4},
            include=[{"gss_code": "E06000005", "reason": "added by hand"}],
        ),
    )
    assert column(result, "withheld") == {
        "A": 50_000, "B": 150_000, "C": 120_000, "D": 0, "E": 160_000,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("release", "released"),
    [
        # October rates: A 2, B 2.55, C 1 (D 0 but not selected; E stays 4).
        # below_rate 2.5: A and C reach it; B does not.
        ({"rule": "below_rate", "rate": 2.5}, {"A", "C"}),
        # meets_expectation: baseline Feb-Apr is 4 a day for all, so the expectation is
        # max(2.6, 4 x 0.333) = 2.6: A, B and C all reach it.
        ({"rule": "meets_expectation"}, {"A", "B", "C"}),
    ],
)
def test_release_of_conditions(release: dict[str, Any], released: set[str]) -> None:
    data = toys(oct={"A": 2, "B": 2.55, "C": 1, "D": 0})
    result = run(
        data,
        scenario(
            {
                "condition_pct": 33,
                "reduction_pct": 10,
                "release": {"window": {"end": "2017-10"}, **release},
            }
        ),
    )
    before = {"A": 330_000, "B": 495_000, "C": 198_000, "D": 0, "E": 0}
    assert names(result, result.money.released) == released
    assert column(result, "conditioned") == {
        n: 0 if n in released else v for n, v in before.items()
    }
    assert list(result.money.conditioned_before_release) == list(before.values())
    # Release frees the condition only: the 10% reduction stays.
    assert column(result, "withheld") == {"A": 100_000, "B": 150_000, "C": 60_000, "D": 0, "E": 0}
    assert names(result, result.table["condition_released"]) == released


def test_no_consequence_is_the_identity() -> None:
    # Selected, but nothing conditioned or withheld: every council keeps its total.
    result = run(toys(), scenario({}))
    assert names(result, result.selection.selected) == {"A", "B", "C"}
    assert column(result, "final_allocation") == TOTAL
    assert result.summary["total_withheld"] == 0
    assert result.summary["total_conditioned"] == 0


def test_rounding_never_takes_more_than_the_base() -> None:
    # Spring Budget element 1,000,001; 50% conditioned and 50% withheld: each is
    # 500,000.5, which rounds (halves up) to 500,001, and 500,001 + 500,001 would be
    # 1,000,002 > 1,000,001. The withheld pound stands; the condition takes what is
    # left: 1,000,001 - 500,001 = 500,000.
    result = run(
        [Toy("A", social_care=10, spring_budget=1_000_001), Toy("B", social_care=1)],
        scenario({"condition_pct": 50, "reduction_pct": 50}),
    )
    assert column(result, "withheld") == {"A": 500_001, "B": 0}
    assert column(result, "conditioned") == {"A": 500_000, "B": 0}
