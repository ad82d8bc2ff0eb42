"""Case tables for selection: every test kind and mode, every combiner, worked by hand.

All councils have 100,000 adults unless stated, so a rate per 100,000 equals the
delayed beds a day. Expected results are worked out in the comments, on paper.
"""

from __future__ import annotations

import math

import pytest

from simulator.schema.vocabulary import ATTRIBUTIONS
from tests.toy import NAN, Toy, column, monthly, names, rate_test, run

LETTERS = "ABCDEFGH"


def toys(values: list[float], **kwargs: object) -> list[Toy]:
    """Councils A, B, ... with constant social care beds a day."""
    return [Toy(LETTERS[i], social_care=v, **kwargs) for i, v in enumerate(values)]


def one_test(test: dict, **selection: object) -> dict:
    return {"selection": {"tests": [test], **selection}}


def approx_dict(got: dict, expected: dict) -> None:
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value, abs=1e-9), key


# =========================================================================== rate tests
# July 2017 social care rate: A 1, B 2, C 3, D 4, E 5, F 6, G 7, H 8.
#   worst_quartile: 8 councils with data -> a quartile is ceil(8/4) = 2 councils;
#     the line is the 2nd worst value, 7 -> G and H fail.
#   worst_n (n = 3): line = 3rd worst = 6 -> F, G, H.
#   above_threshold 5: strictly above 5 -> F, G, H (E, exactly 5, passes).
#   above_threshold 4.5: E, F, G, H.
RATES = [1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("mode", "extra", "failing", "line"),
    [
        ("worst_quartile", {}, {"G", "H"}, 7),
        ("worst_n", {"n": 3}, {"F", "G", "H"}, 6),
        ("worst_n", {"n": 1}, {"H"}, 8),
        ("above_threshold", {"threshold": 5}, {"F", "G", "H"}, 5),
        ("above_threshold", {"threshold": 4.5}, {"E", "F", "G", "H"}, 4.5),
    ],
)
def test_rate_modes(mode: str, extra: dict, failing: set[str], line: float) -> None:
    result = run(toys(RATES), one_test(rate_test("t", "2017-07", mode=mode, **extra)))
    o = result.outcome("t")
    assert names(result, o.fails) == failing
    assert names(result, result.selection.selected) == failing
    # margin = value - line: negative for councils that pass (how far below the line).
    # For a fixed threshold it is also the amount by which failing councils fail.
    # Inside a worst group the margin of a failing council is not pinned here: it is
    # measured to the group's own boundary (see selection.py), not to the value the
    # council would have to fall below to leave the group.
    margins = {n: v - line for n, v in zip(LETTERS, RATES, strict=True)}
    if mode != "above_threshold":
        margins = {n: m for n, m in margins.items() if n not in failing}
    approx_dict(column(result, "t_margin"), margins)
    assert o.line[[LETTERS.index(n) for n in margins]] == pytest.approx(line)


def test_rate_tie_at_the_quartile_line_takes_everyone_tied() -> None:
    # A..H = 1, 2, 3, 4, 5, 7, 7, 8: the quartile is 2 councils; the 2nd worst value is
    # 7, shared by F and G, so F, G and H all fail (the group exceeds 2).
    data = toys([1, 2, 3, 4, 5, 7, 7, 8])
    quartile = run(data, one_test(rate_test("t", "2017-07", mode="worst_quartile")))
    assert names(quartile, quartile.selection.selected) == {"F", "G", "H"}
    worst_2 = run(data, one_test(rate_test("t", "2017-07", mode="worst_n", n=2)))
    assert names(worst_2, worst_2.selection.selected) == {"F", "G", "H"}
    worst_1 = run(data, one_test(rate_test("t", "2017-07", mode="worst_n", n=1)))
    assert names(worst_1, worst_1.selection.selected) == {"H"}
    # Everyone equal: everyone is at the line, everyone fails.
    flat = run(toys([3] * 8), one_test(rate_test("t", "2017-07", mode="worst_quartile")))
    assert int(flat.selection.selected.sum()) == 8


def test_rate_uses_adults_and_skips_councils_without_data() -> None:
    # A: 10 beds / 200,000 adults = 5 per 100k.   B: 2 beds / 50,000 = 4 per 100k.
    # C: no July data (unknown).   D: 1.   E: 3.   F: 0.5.
    # G: 3 beds / 150,000 adults = 2 per 100k.
    # worst_quartile: 6 councils with data -> ceil(6/4) = 2 (not 1: a quarter is
    # rounded up) -> line = 2nd worst = 4 -> A and B fail.
    # C is not assessable: it does not fail and has no margin.
    # Margins of those passing: D 1 - 4 = -3, E -1, F -3.5, G -2 per 100k;
    # in beds a day G's is -2 x 150,000 / 100,000 = -3.
    data = [
        Toy("A", social_care=10, adults=200_000),
        Toy("B", social_care=2, adults=50_000),
        Toy("C", social_care=monthly(9, jul=NAN)),
        Toy("D", social_care=1),
        Toy("E", social_care=3),
        Toy("F", social_care=0.5),
        Toy("G", social_care=3, adults=150_000),
    ]
    result = run(data, one_test(rate_test("t", "2017-07", mode="worst_quartile")))
    o = result.outcome("t")
    approx_dict(
        column(result, "t_value"), {"A": 5, "B": 4, "C": NAN, "D": 1, "E": 3, "F": 0.5, "G": 2}
    )
    assert names(result, o.fails) == {"A", "B"}
    assert names(result, o.assessable) == {"A", "B", "D", "E", "F", "G"}
    approx_dict(column(result, "t_margin"), {"C": NAN, "D": -3, "E": -1, "F": -3.5, "G": -2})
    approx_dict(column(result, "t_margin_beds"), {"C": NAN, "D": -3, "E": -1, "G": -3})
    # worst 1: line = the worst value, 5 -> A only.
    worst_1 = run(data, one_test(rate_test("t", "2017-07", mode="worst_n", n=1)))
    assert names(worst_1, worst_1.selection.selected) == {"A"}
    assert not worst_1.selection.assessable[2]


def test_rate_window_averages_months() -> None:
    # May, June, July beds: A 2, 4, 9 (3-month average 5; July 9)
    #                       B 0, 0, 6 (average 2; July 6)
    #                       C 4.5 every month.
    # Threshold 4.2: 3 months to July -> A, C fail; July alone -> A, B, C fail.
    data = [
        Toy("A", social_care=monthly(0, may=2, jun=4, jul=9)),
        Toy("B", social_care=monthly(0, jul=6)),
        Toy("C", social_care=4.5),
    ]
    three = run(data, one_test(rate_test("t", "2017-07", months=3, threshold=4.2)))
    approx_dict(column(three, "t_value"), {"A": 5, "B": 2, "C": 4.5})
    assert names(three, three.selection.selected) == {"A", "C"}
    one = run(data, one_test(rate_test("t", "2017-07", threshold=4.2)))
    assert names(one, one.selection.selected) == {"A", "B", "C"}


@pytest.mark.parametrize(
    ("attribution", "a_value", "b_value"),
    [
        # A: social care 1, both 3, NHS 5.  B: social care 2, both 0, NHS 1.
        ("social_care", 1, 2),
        ("social_care_and_both", 4, 2),
        ("nhs", 5, 1),
        ("total", 9, 3),
    ],
)
def test_rate_attribution_basis(attribution: str, a_value: float, b_value: float) -> None:
    data = [Toy("A", social_care=1, both=3, nhs=5), Toy("B", social_care=2, nhs=1)]
    test = rate_test("t", "2017-07", threshold=3.5, attribution=attribution)
    result = run(data, one_test(test))
    approx_dict(column(result, "t_value"), {"A": a_value, "B": b_value})
    assert names(result, result.selection.selected) == ({"A"} if a_value > 3.5 else set())


# =========================================================================== expectations
def test_expectation_rule_by_hand() -> None:
    # Constant beds a day all year (so the February-April baseline is that value).
    #            social care  both  NHS   total
    #   A            9         1    10     20
    #   B            3         0     2      5
    #   C            2         0    30     32
    # Social care (default: floor 2.6, cut 66.7%):
    #   A 9 > 2.6 -> max(2.6, 9 x 0.333 = 2.997) = 2.997;  B 3 -> max(2.6, 0.999) = 2.6;
    #   C 2 <= 2.6 -> kept, 2.
    # Social care and both: social care expectation + both baseline: 3.997, 2.6, 2.
    # NHS: England NHS rate = (10 + 2 + 30) / 300,000 x 100,000 = 14; only C is above
    #   it -> max(14, 30 x 0.5 = 15) = 15; A and B keep 10 and 2.
    # Total: at or above 9.4 -> 9.4 (A and C); B keeps 5.
    data = [
        Toy("A", social_care=9, both=1, nhs=10),
        Toy("B", social_care=3, nhs=2),
        Toy("C", social_care=2, nhs=30),
    ]
    result = run(data, {})
    expected = {
        "social_care": [2.997, 2.6, 2],
        "social_care_and_both": [3.997, 2.6, 2],
        "nhs": [10, 2, 15],
        "total": [9.4, 5, 9.4],
    }
    for attribution, values in expected.items():
        j = ATTRIBUTIONS.index(attribution)
        assert result.expected[:, j] == pytest.approx(values, abs=1e-9), attribution
    assert set(result.expected_status.ravel()) == {"reconstructed"}


# =========================================================================== gap tests
# Scenario rule: cut 50% (not the default 66.7%) so halves can be done in the head.
# Baseline b = beds every month to October; November value v.
#       b     expectation E                 Nov v   gap v - E
#   A   2     2 (b <= 2.6: kept)             2.5     +0.5
#   B   4     max(2.6, 2) = 2.6              2.0     -0.6
#   C  10     max(2.6, 5) = 5                4.0     -1
#   D   8     4                              7.0     +3
#   E   6     3                              3.5     +0.5
#   F   2.5   2.5 (kept)                     1.0     -1.5
#   G  12     6                             10.0     +4
#   H   1     1 (kept)                       0.5     -0.5
GAP_B = [2, 4, 10, 8, 6, 2.5, 12, 1]
GAP_NOV = [2.5, 2, 4, 7, 3.5, 1, 10, 0.5]
GAPS = {"A": 0.5, "B": -0.6, "C": -1, "D": 3, "E": 0.5, "F": -1.5, "G": 4, "H": -0.5}
HALF_CUT = {"social_care_cut_pct": 50.0}


def gap_toys() -> list[Toy]:
    return [
        Toy(LETTERS[i], social_care=monthly(b, nov=v, dec=v))
        for i, (b, v) in enumerate(zip(GAP_B, GAP_NOV, strict=True))
    ]


def gap_test(**extra: object) -> dict:
    return {"id": "gap", "kind": "gap", "window": {"end": "2017-11"}, **extra}


def test_gap_above_expectation() -> None:
    result = run(gap_toys(), {"expectations": HALF_CUT, **one_test(gap_test())})
    j = ATTRIBUTIONS.index("social_care")
    assert result.expected[:, j] == pytest.approx([2, 2.6, 5, 4, 3, 2.5, 6, 1])
    assert names(result, result.selection.selected) == {"A", "D", "E", "G"}
    approx_dict(column(result, "gap_margin"), GAPS)


def test_gap_with_tolerance() -> None:
    # Tolerance 20%: value = v - 1.2 E.  A 2.5 - 2.4 = +0.1 fails; E 3.5 - 3.6 = -0.1
    # passes; D 7 - 4.8 = 2.2 and G 10 - 7.2 = 2.8 fail.
    result = run(gap_toys(), {"expectations": HALF_CUT, **one_test(gap_test(tolerance_pct=20))})
    assert names(result, result.selection.selected) == {"A", "D", "G"}
    approx_dict(column(result, "gap_margin"), {"A": 0.1, "E": -0.1, "D": 2.2, "G": 2.8})


def test_gap_worst_quartile() -> None:
    # The quartile is 2 councils: the two largest gaps, G (+4) and D (+3); line 3.
    result = run(
        gap_toys(), {"expectations": HALF_CUT, **one_test(gap_test(mode="worst_quartile"))}
    )
    assert names(result, result.selection.selected) == {"D", "G"}
    # Margins of those passing: gap - 3 (failing councils' margins: see test_rate_modes).
    approx_dict(column(result, "gap_margin"), {k: v - 3 for k, v in GAPS.items() if k not in "DG"})


# =========================================================================== trend tests
# February 2017 -> November 2017 (other months equal February):
#       Feb   Nov   change   worse   not_improved   not_improved (25%: line -Feb/4)
#   A    4    5      +1       F        F               F
#   B    4    4       0       P        F (no fall)     F
#   C    4    3.5    -0.5     P        P               F (-0.5 >= -1)
#   D    4    2      -2       P        P               P (-2 < -1)
#   E    2    6      +4       F        F               F
#   F    8    5      -3       P        P               P (-3 < -2)
#   G    6    6.5    +0.5     F        F               F
#   H   10    1      -9       P        P               P
# worst_quartile: 2 councils with the largest rise: E (+4), A (+1); line +1.
TREND = [(4, 5), (4, 4), (4, 3.5), (4, 2), (2, 6), (8, 5), (6, 6.5), (10, 1)]


def trend_toys() -> list[Toy]:
    return [
        Toy(LETTERS[i], social_care=monthly(feb, nov=nov, dec=nov))
        for i, (feb, nov) in enumerate(TREND)
    ]


def trend_test(**extra: object) -> dict:
    return {
        "id": "trend",
        "kind": "trend",
        "before": {"end": "2017-02"},
        "after": {"end": "2017-11"},
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "failing"),
    [
        ({"mode": "worse"}, {"A", "E", "G"}),
        ({"mode": "not_improved"}, {"A", "B", "E", "G"}),
        ({"mode": "not_improved", "min_improvement_pct": 25}, {"A", "B", "C", "E", "G"}),
        ({"mode": "worst_quartile"}, {"A", "E"}),
    ],
)
def test_trend_modes(extra: dict, failing: set[str]) -> None:
    result = run(trend_toys(), one_test(trend_test(**extra)))
    assert names(result, result.selection.selected) == failing
    approx_dict(
        column(result, "trend_value"),
        {LETTERS[i]: nov - feb for i, (feb, nov) in enumerate(TREND)},
    )


def test_trend_margins() -> None:
    # not_improved with 25%: line = -Feb/4, margin = change - line.
    # C: -0.5 - (-1) = +0.5;  F: -3 - (-2) = -1;  B: 0 - (-1) = +1.
    result = run(trend_toys(), one_test(trend_test(mode="not_improved", min_improvement_pct=25)))
    approx_dict(column(result, "trend_margin"), {"B": 1, "C": 0.5, "F": -1})


def test_trend_between_three_month_windows() -> None:
    # A: 3 a day February-April; May 1, June 1, July 4.
    #   3 months to July vs 3 months to April: (1 + 1 + 4)/3 = 2 vs 3 -> improved, passes.
    #   July vs April alone: 4 vs 3 -> worse, fails.
    # B: 2 a day February-April; May-July 3 -> worse on both.
    data = [
        Toy("A", social_care=monthly(3, may=1, jun=1, jul=4)),
        Toy("B", social_care=monthly(2, may=3, jun=3, jul=3)),
    ]
    windows = {
        "id": "trend",
        "kind": "trend",
        "before": {"end": "2017-04", "months": 3},
        "after": {"end": "2017-07", "months": 3},
        "mode": "worse",
    }
    three = run(data, one_test(windows))
    approx_dict(column(three, "trend_value"), {"A": -1, "B": 1})
    assert names(three, three.selection.selected) == {"B"}
    single = {**windows, "before": {"end": "2017-04"}, "after": {"end": "2017-07"}}
    one = run(data, one_test(single))
    assert names(one, one.selection.selected) == {"A", "B"}


# =========================================================================== combiners
# Three tests, each "social care rate above 5": t1 July, t2 August, t3 September.
# Beds a day are 10 where a council fails and 1 where it passes:
#       t1  t2  t3   failed
#   A   F   F   F     3
#   B   F   F   P     2
#   C   F   P   P     1
#   D   P   P   P     0
#   E   P   F   P     1
#   F   P   F   F     2
#   G   F   P   F     2
#   H   P   P   F     1
PATTERN = {
    "A": "FFF",
    "B": "FFP",
    "C": "FPP",
    "D": "PPP",
    "E": "PFP",
    "F": "PFF",
    "G": "FPF",
    "H": "PPF",
}
THREE_TESTS = [
    rate_test("t1", "2017-07", threshold=5),
    rate_test("t2", "2017-08", threshold=5),
    rate_test("t3", "2017-09", threshold=5),
]


def pattern_toys(october: dict[str, float] | None = None) -> list[Toy]:
    out = []
    for name, p in PATTERN.items():
        jul, aug, sep = (10 if c == "F" else 1 for c in p)
        oct_ = (october or {}).get(name, 1)
        out.append(Toy(name, social_care=monthly(1, jul=jul, aug=aug, sep=sep, oct=oct_)))
    return out


@pytest.mark.parametrize(
    ("combine", "selected"),
    [
        ({"combine": "all"}, {"A"}),
        ({"combine": "any"}, {"A", "B", "C", "E", "F", "G", "H"}),
        ({"combine": "at_least", "at_least": 2}, {"A", "B", "F", "G"}),
        ({"combine": "at_least", "at_least": 3}, {"A"}),
        ({"combine": "at_least", "at_least": 1}, {"A", "B", "C", "E", "F", "G", "H"}),
    ],
)
def test_combiners(combine: dict, selected: set[str]) -> None:
    result = run(pattern_toys(), {"selection": {"tests": THREE_TESTS, **combine}})
    assert names(result, result.selection.selected) == selected
    assert column(result, "tests_failed") == {n: p.count("F") for n, p in PATTERN.items()}
    assert result.selection.n_criteria == 3


def test_screen_then_any() -> None:
    # Screen on t3: only A, F, G, H are considered. Of those, "any of t1, t2":
    # A (F, F) yes; F (P, F) yes; G (F, P) yes; H (P, P) no.  B fails t1 and t2 but
    # passed the screen, so it is out.  tests_failed counts t1 and t2 only.
    result = run(
        pattern_toys(),
        {"selection": {"tests": THREE_TESTS, "screen": ["t3"], "combine": "any"}},
    )
    assert names(result, result.selection.in_scope) == {"A", "F", "G", "H"}
    assert names(result, result.selection.selected) == {"A", "F", "G"}
    assert column(result, "tests_failed") == {
        "A": 2, "B": 2, "C": 1, "D": 0, "E": 1, "F": 1, "G": 1, "H": 0,
    }  # fmt: skip
    assert result.selection.n_criteria == 2


@pytest.mark.parametrize(
    ("screen_at_least", "in_scope", "selected"),
    [
        # Screen t1, t2; criterion t3.  Failing at least 1 of t1, t2: A, B, C, E, F, G
        # (D, H pass both).  Of those, failing t3: A, F, G.  H fails t3 but is out.
        (1, {"A", "B", "C", "E", "F", "G"}, {"A", "F", "G"}),
        # Both screens (the default, "all"): A and B; of them only A fails t3.
        (2, {"A", "B"}, {"A"}),
        (None, {"A", "B"}, {"A"}),
    ],
)
def test_screen_at_least(screen_at_least: int | None, in_scope: set, selected: set) -> None:
    sel = {"tests": THREE_TESTS, "screen": ["t1", "t2"]}
    if screen_at_least is not None:
        sel["screen_at_least"] = screen_at_least
    result = run(pattern_toys(), {"selection": sel})
    assert names(result, result.selection.in_scope) == in_scope
    assert names(result, result.selection.selected) == selected


def test_screen_alone_selects_those_failing_it() -> None:
    # Only a screen, no criteria: every council failing t1 is selected (A, B, C, G).
    result = run(pattern_toys(), {"selection": {"tests": THREE_TESTS[:1], "screen": ["t1"]}})
    assert names(result, result.selection.selected) == {"A", "B", "C", "G"}
    assert result.selection.n_criteria == 0


def test_exemption_for_improvement() -> None:
    # at_least 2 selects A, B, F, G by the tests.  Exempt if the October rate is at
    # most half the July rate (improvement of 50% or more):
    #   A: July 10, October 10 -> no;   B: 10 -> 4 (<= 5) -> exempt;
    #   F: July 1, October 0.25 (<= 0.5) -> exempt;   G: 10 -> 6 (> 5) -> no.
    #   D improved 1 -> 0 but was never selected, so it is not "exempt".
    result = run(
        pattern_toys(october={"B": 4, "F": 0.25, "G": 6, "A": 10, "D": 0}),
        {
            "selection": {
                "tests": THREE_TESTS,
                "combine": "at_least",
                "at_least": 2,
                "exemption": {
                    "baseline": {"end": "2017-07"},
                    "check": {"end": "2017-10"},
                    "min_improvement_pct": 50,
                },
            }
        },
    )
    assert names(result, result.selection.by_tests) == {"A", "B", "F", "G"}
    assert names(result, result.selection.exempt) == {"B", "F"}
    assert names(result, result.selection.selected) == {"A", "G"}


def test_include_and_exclude_by_hand() -> None:
    # at_least 2 selects A, B, F, G; D is added by hand, A removed by hand.
    # Including B (already selected) changes nothing.
    result = run(
        pattern_toys(),
        {
            "selection": {
                "tests": THREE_TESTS,
                "combine": "at_least",
                "at_least": 2,
                "include": [
                    {"gss_code": "E06000004", "reason": "added for the test"},
                    {"gss_code": "E06000002", "reason": "already in"},
                ],
                "exclude": [{"gss_code": "E06000001", "reason": "removed for the test"}],
            }
        },
    )
    assert names(result, result.selection.selected) == {"B", "D", "F", "G"}
    manual = column(result, "manual")
    assert manual["A"] == "excluded"
    assert manual["D"] == "included"
    assert manual["C"] == ""


# --------------------------------------------------------------------------- composite
# Two tests (values only matter): t1 = July rate, t2 = August rate.
#        t1  t2    rank t1  rank t2   equal-weight score (mean of ranks)
#   A     1   8       1        8        4.5
#   B     2   1       2        1        1.5
#   C     3   2       3        2        2.5
#   D     4   3       4        3        3.5
#   E     5   4       5        4        4.5
#   F     6   5       6        5        5.5
#   G     7   6       7        6        6.5
#   H     8   7       8        7        7.5
# worst_n 3: line 5.5 -> F, G, H.   worst_n 4: line 4.5, shared by A and E -> 5 councils.
# worst_quantile 25%: ceil(0.25 x 8) = 2 -> G, H.
# Weights t1 = 1, t2 = 3: score = (r1 + 3 r2) / 4 -> A 6.25, B 1.25, C 2.25, D 3.25,
#   E 4.25, F 5.25, G 6.25, H 7.25: worst 2 -> H, then A and G tied -> A, G, H.
COMPOSITE_T1 = [1, 2, 3, 4, 5, 6, 7, 8]
COMPOSITE_T2 = [8, 1, 2, 3, 4, 5, 6, 7]
TWO_TESTS = [rate_test("t1", "2017-07"), rate_test("t2", "2017-08")]


def composite_toys(t1: list[float], t2: list[float], sep: list[float] | None = None) -> list[Toy]:
    return [
        Toy(LETTERS[i], social_care=monthly(1, jul=a, aug=b, sep=(sep or [1] * 8)[i]))
        for i, (a, b) in enumerate(zip(t1, t2, strict=True))
    ]


@pytest.mark.parametrize(
    ("composite", "selected"),
    [
        ({"method": "rank", "select": "worst_n", "n": 3}, {"F", "G", "H"}),
        ({"method": "rank", "select": "worst_n", "n": 4}, {"A", "E", "F", "G", "H"}),
        ({"method": "rank", "select": "worst_quantile", "quantile_pct": 25}, {"G", "H"}),
        (
            {"method": "rank", "select": "worst_n", "n": 2, "weights": {"t1": 1, "t2": 3}},
            {"A", "G", "H"},
        ),
    ],
)
def test_composite_rank(composite: dict, selected: set[str]) -> None:
    result = run(
        composite_toys(COMPOSITE_T1, COMPOSITE_T2),
        {"selection": {"tests": TWO_TESTS, "combine": "composite", "composite": composite}},
    )
    assert names(result, result.selection.selected) == selected
    if "weights" not in composite:
        approx_dict(
            column(result, "composite_score"),
            dict(zip(LETTERS, [4.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], strict=True)),
        )


def test_composite_zscore_differs_from_rank_on_an_outlier() -> None:
    # t1 = 1..8 (mean 4.5, population sd sqrt(5.25) = 2.2913).
    # t2 = A 20, B-G 1, H 2 (mean 3.5, sd sqrt(312/8) = sqrt(39) = 6.2450).
    # Weights t1 = 1, t2 = 3; score = (z1 + 3 z2) / 4:
    #   A: (-3.5/2.2913 + 3 x 16.5/6.2450) / 4 = (-1.5275 + 7.9263) / 4 = 1.5997
    #   H: ( 3.5/2.2913 + 3 x -1.5/6.2450) / 4 = ( 1.5275 - 0.7206) / 4 = 0.2017
    #   G: ( 2.5/2.2913 + 3 x -2.5/6.2450) / 4 = ( 1.0911 - 1.2009) / 4 = -0.0275
    #   B: (-2.5/2.2913 - 1.2009) / 4 = -0.5730
    # zscore worst 1 -> A.  By rank (t2 ties B-G share rank 3.5; H 7; A 8):
    #   A (1 + 24)/4 = 6.25; H (8 + 21)/4 = 7.25 -> rank worst 1 -> H.
    t2 = [20, 1, 1, 1, 1, 1, 1, 2]
    data = composite_toys(COMPOSITE_T1, t2)
    composite = {"select": "worst_n", "n": 1, "weights": {"t1": 1, "t2": 3}}
    z = run(
        data,
        {
            "selection": {
                "tests": TWO_TESTS,
                "combine": "composite",
                "composite": {**composite, "method": "zscore"},
            }
        },
    )
    assert names(z, z.selection.selected) == {"A"}
    approx_dict(
        {k: round(v, 4) for k, v in column(z, "composite_score").items()},
        {"A": 1.5997, "H": 0.2017, "G": -0.0275, "B": -0.5730},
    )
    rank = run(
        data,
        {
            "selection": {
                "tests": TWO_TESTS,
                "combine": "composite",
                "composite": {**composite, "method": "rank"},
            }
        },
    )
    assert names(rank, rank.selection.selected) == {"H"}
    # zscore, worst 25%: ceil(0.25 x 8) = 2 -> the two highest scores, A and H.
    quantile = run(
        data,
        {
            "selection": {
                "tests": TWO_TESTS,
                "combine": "composite",
                "composite": {
                    "method": "zscore",
                    "select": "worst_quantile",
                    "quantile_pct": 25,
                    "weights": {"t1": 1, "t2": 3},
                },
            }
        },
    )
    assert names(quantile, quantile.selection.selected) == {"A", "H"}
    approx_dict(column(rank, "composite_score"), {"A": 6.25, "H": 7.25, "B": 3.125})


def test_composite_after_a_screen_ranks_only_those_in_scope() -> None:
    # Screen s: September rate above 5 -> A-F in scope (10 a day), G and H out (1).
    # Ranks within A-F: t1 A..F = 1..6; t2 (8, 1, 2, 3, 4, 5) -> B1 C2 D3 E4 F5 A6.
    # Scores: A 3.5, B 1.5, C 2.5, D 3.5, E 4.5, F 5.5; G and H have none.
    # worst 25%: ceil(0.25 x 6) = 2 -> F and E.
    data = composite_toys(COMPOSITE_T1, COMPOSITE_T2, sep=[10] * 6 + [1, 1])
    result = run(
        data,
        {
            "selection": {
                "tests": [*TWO_TESTS, rate_test("s", "2017-09", threshold=5)],
                "screen": ["s"],
                "combine": "composite",
                "composite": {"select": "worst_quantile", "quantile_pct": 25},
            }
        },
    )
    assert names(result, result.selection.selected) == {"E", "F"}
    approx_dict(
        column(result, "composite_score"),
        {"A": 3.5, "B": 1.5, "C": 2.5, "D": 3.5, "E": 4.5, "F": 5.5, "G": NAN, "H": NAN},
    )


def test_council_without_data_is_never_selected_on_dtoc_grounds() -> None:
    # C has no data at all (like the Isles of Scilly): it is never selected, under
    # any combiner, and is not assessable.
    data = [
        Toy("A", social_care=10),
        Toy("B", social_care=10),
        Toy("C", social_care=NAN, nhs=NAN, both=NAN),
        Toy("D", social_care=1),
    ]
    for combine in ("all", "any", "composite"):
        result = run(
            data,
            {
                "selection": {
                    "tests": [
                        rate_test("t1", "2017-07", threshold=5),
                        rate_test("t2", "2017-08", mode="worst_quartile"),
                    ],
                    "combine": combine,
                    "composite": {"select": "worst_n", "n": 3},
                }
            },
        )
        assert "C" not in names(result, result.selection.selected), combine
        assert not result.selection.assessable[2]
        assert not result.table["has_dtoc_data"][2]


def test_trend_fall_of_exactly_the_required_share_passes() -> None:
    # "Fails unless the rate fell by at least 25%": A falls 8 -> 6, exactly 25%, and
    # passes; B falls 8 -> 6.5 (18.75%) and fails.  With no share required, "fails
    # unless the rate fell": C, unchanged at 4, fails; D, 4 -> 3.9, passes.
    data = [
        Toy("A", social_care=monthly(8, nov=6)),
        Toy("B", social_care=monthly(8, nov=6.5)),
        Toy("C", social_care=4),
        Toy("D", social_care=monthly(4, nov=3.9)),
    ]
    share = run(data, one_test(trend_test(mode="not_improved", min_improvement_pct=25)))
    assert names(share, share.outcome("trend").fails) == {"B", "C", "D"}
    any_fall = run(data, one_test(trend_test(mode="not_improved")))
    assert names(any_fall, any_fall.outcome("trend").fails) == {"C"}
