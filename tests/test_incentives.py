"""Incentives, worked by hand on made-up councils (100,000 adults each: a rate per
100,000 equals beds a day). One test: the November 2017 social care rate above 5;
selected councils lose 10% of their Spring Budget element (£1,000,000): £100,000.

        social care beds a day     selected  cliff up  cliff down  5% to NHS  timing
    A   5.5 every month              yes        0       100,000       0 (5.225)   0
    B   5.2 every month              yes        0       100,000    100,000 (4.94)  0
    C   4.5 every month              no     100,000        0           0          0
    D   4, November 6                yes        0       100,000 (5)    0      100,000 (Oct 4)
    E   20 every month               yes        0          0           0          0
"""

from __future__ import annotations

import numpy as np

from simulator.reports import incentives as inc
from tests.toy import Toy, make_dataset, monthly, rate_test, run

TOYS = [
    Toy("A", social_care=5.5),
    Toy("B", social_care=5.2),
    Toy("C", social_care=4.5),
    Toy("D", social_care=monthly(4, nov=6)),
    Toy("E", social_care=20),
]
SCENARIO = {
    "selection": {"tests": [rate_test("t1", "2017-11", threshold=5)]},
    "consequences": {"reduction_pct": 10},
    "redistribution": {"rule": "pro_rata_all"},
}


def test_cliff_switch_and_timing_worked_by_hand() -> None:
    result = run(TOYS, SCENARIO)
    found = inc.incentives(result)
    assert found.month == "2017-11"
    assert found.at_stake.tolist() == [100_000, 100_000, 0, 100_000, 100_000]
    assert found.cliff_up.tolist() == [0, 0, 100_000, 0, 0]
    assert found.cliff_down.tolist() == [100_000, 100_000, 0, 100_000, 0]
    assert found.switch_nhs.tolist() == [0, 100_000, 0, 0, 0]
    # the test counts social care alone, so recording as "both" clears B as well
    assert found.switch_both.tolist() == [0, 100_000, 0, 0, 0]
    assert found.clears_by_switch.tolist() == [False, True, False, False, False]
    assert found.timing.tolist() == [0, 0, 0, 100_000, 0]
    assert found.relative_tests == []
    words = inc.incentive_words(found)
    assert words[0].startswith("£0.1m depends on one month's data")
    assert "October 2017" in words[0]
    assert words[1].startswith("1 council could clear by re-recording 5% of social care")
    assert words[2] == (
        "One more or one fewer delayed bed a day in November 2017 moves £0.4m for 4 councils "
        "(the cliff)."
    )


def test_incentive_words_say_one_council_and_two_councils() -> None:
    # A (5.2) is selected and clears at 4.94 after the switch, or at 4.2 with one bed
    # fewer; E (20) stays selected either way: one council on each count.
    one = inc.incentives(run([Toy("A", social_care=5.2), Toy("E", social_care=20)], SCENARIO))
    words = inc.incentive_words(one)
    assert words[1].startswith("1 council could clear by re-recording 5%")
    assert words[2].endswith("moves £0.1m for 1 council (the cliff).")
    # A and B (5.2 each) both clear either way: two councils.
    toys = [Toy("A", social_care=5.2), Toy("B", social_care=5.2), Toy("E", social_care=20)]
    words = inc.incentive_words(inc.incentives(run(toys, SCENARIO)))
    assert words[1].startswith("2 councils could clear by re-recording 5%")
    assert words[2].endswith("moves £0.2m for 2 councils (the cliff).")
    # A relative test failing the worst one council (E), then the worst two (E and D).
    for n, counted in ((1, "1 council"), (2, "2 councils")):
        relative = {
            **SCENARIO,
            "selection": {"tests": [rate_test("w", "2017-11", mode="worst_n", n=n)]},
        }
        words = inc.incentive_words(inc.incentives(run(TOYS, relative)))
        assert words[-1] == f"Test 'w' is relative: it fails {counted} whatever every council does."


def test_a_social_care_and_both_test_is_not_cleared_by_recording_as_both() -> None:
    scenario = {
        **SCENARIO,
        "selection": {
            "tests": [rate_test("t1", "2017-11", threshold=5, attribution="social_care_and_both")]
        },
    }
    found = inc.incentives(run(TOYS, scenario))
    assert found.switch_both.tolist() == [0, 0, 0, 0, 0]
    assert found.switch_nhs.tolist() == [0, 100_000, 0, 0, 0]


def test_a_relative_test_fails_the_same_number_whatever_every_council_does() -> None:
    scenario = {
        **SCENARIO,
        "selection": {"tests": [rate_test("worst2", "2017-11", mode="worst_n", n=2)]},
    }
    found = inc.incentives(run(TOYS, scenario))
    assert found.relative_tests == [("worst2", 2)]
    assert "fails 2 councils whatever every council does" in inc.incentive_words(found)[-1]
    # try to break it: every council halves its delays; two still fail
    data = make_dataset(TOYS)
    halved = data.with_dtoc_beds(data.dtoc_beds / 2)
    assert run(halved, scenario).selection.selected.sum() == 2


def test_the_table_puts_the_most_exposed_first_and_hides_names_in_workshops() -> None:
    result = run(TOYS, SCENARIO)
    found = inc.incentives(result)
    table = inc.incentives_table(result, found)
    # exposure = |cliff up| + |cliff down| + timing: D 200,000 first, then A, B, C (by code)
    assert table["council"].tolist() == ["D", "A", "B", "C", "E"]
    aliases = {c: f"Council {k}" for k, c in enumerate(result.table["gss_code"])}
    hidden = inc.incentives_table(result, found, aliases)
    assert set(hidden["gss_code"]) == {"hidden"}
    assert not set(hidden["council"]) & {"A", "B", "C", "D", "E"}


def test_workshop_table_keeps_the_most_exposed_first_ties_by_label() -> None:
    result = run(TOYS, SCENARIO)
    found = inc.incentives(result)
    labels = ["Council E", "Council D", "Council C", "Council B", "Council A"]
    aliases = dict(zip(result.table["gss_code"], labels, strict=True))
    hidden = inc.incentives_table(result, found, aliases)
    # D (200,000) first; A, B and C (100,000 each) by label: C, B, A; then E (0)
    assert hidden["council"].tolist() == [
        "Council B",
        "Council C",
        "Council D",
        "Council E",
        "Council A",
    ]


def test_no_tests_means_nothing_measured() -> None:
    found = inc.incentives(run(TOYS, {}))
    assert np.isnan(found.cliff_up).all() and not found.clears_by_switch.any()
    assert inc.incentive_words(found)[0].startswith("No test with a fixed line")
