"""Selection stability, worked by hand on made-up councils (100,000 adults each, so a
rate per 100,000 equals beds a day).

One test: the November 2017 social care rate above 5. With no noise draws there are
4 data months (November back to August) x 2 social care bases = 8 variants.

        social care beds a day          "both"   selected in
        Aug  Sep  Oct  Nov (else)                 (own basis x4, with both x4)
    A   20   20   20   20   20            0       8 of 8   -> 1.0, firm in
    B    1    1    1    1    1            0       0 of 8   -> 0.0, firm out
    C    6    4    6    6    6            0       3 + 3    -> 0.75, fragile
    D    4    4    4    4    4            2       0 + 4    -> 0.5, fragile

C is selected (November 6 > 5): a cut of 1 bed a day in November clears it (5 is not
above 5). D is not (4): a rise of just over 1 bed selects it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.reports import stability as st
from tests.toy import Toy, monthly, rate_test, run, scenario

TOYS = [
    Toy("A", social_care=20),
    Toy("B", social_care=1),
    Toy("C", social_care=monthly(6, sep=4)),
    Toy("D", social_care=4, both=2),
]
SCENARIO = {"selection": {"tests": [rate_test("t1", "2017-11", threshold=5)]}}


def test_shares_of_variants_worked_by_hand() -> None:
    result = run(TOYS, SCENARIO)
    found = st.stability(result, draws=0)
    assert len(found.variants) == 8
    assert found.share().tolist() == [1.0, 0.0, 0.75, 0.5]
    assert found.fragile.tolist() == [False, False, True, True]
    assert [st.status(x) for x in found.share()] == ["firm in", "firm out", "fragile", "fragile"]
    # A and C are the option's own list; variants selecting exactly {A, C}: November,
    # October and August on the own basis (C at 6, D at 4) -> 3 of 8.
    assert found.own.tolist() == [True, False, True, False]
    assert found.same_list() == 3 / 8
    flips = found.flips
    assert flips[0] is None and flips[1] is None
    assert flips[2] is not None and flips[2].startswith("A cut of 1.0 delayed beds a day")
    assert flips[3] is not None and flips[3].startswith("A rise of")


def test_the_table_has_the_option_row_first_and_the_most_fragile_next() -> None:
    result = run(TOYS, SCENARIO)
    table = st.stability_table(result, st.stability(result, draws=0))
    assert table["section"].tolist() == ["option", "council", "council", "council", "council"]
    assert table["council"].tolist()[1] == "D"  # 0.5: the most fragile
    option = table.iloc[0]
    assert option["selected"] == 2
    assert option["status"].startswith("1 firm in, 2 fragile, 1 firm out")
    by_name = table.set_index("council")
    # C: earlier months Oct, Sep, Aug: in, out, in, on either basis (no "both") -> 4 of 6
    assert by_name.loc["C", "share_earlier_months"] == pytest.approx(2 / 3, abs=1e-4)
    # D: the other basis (with "both": 6) selects it in all four months, no noise
    assert by_name.loc["D", "share_other_basis"] == 1.0


def test_workshop_table_hides_codes_and_names() -> None:
    result = run(TOYS, SCENARIO)
    aliases = {c: f"Council {k}" for k, c in enumerate(result.table["gss_code"])}
    table = st.stability_table(result, st.stability(result, draws=0), aliases)
    councils = table[table["section"] == "council"]
    assert set(councils["gss_code"]) == {"hidden"}
    assert not set(councils["council"]) & {"A", "B", "C", "D"}


def test_workshop_table_keeps_the_most_fragile_first_ties_by_label() -> None:
    # F is firm out like B (0 of 8). Labels run against the codes' order.
    result = run([*TOYS, Toy("F", social_care=1)], SCENARIO)
    labels = ["Council E", "Council D", "Council C", "Council B", "Council A"]
    aliases = dict(zip(result.table["gss_code"], labels, strict=True))
    found = st.stability(result, draws=0)
    normal = st.stability_table(result, found)
    assert normal["council"].tolist()[1:] == ["D", "C", "A", "B", "F"]
    hidden = st.stability_table(result, found, aliases)
    councils = hidden[hidden["section"] == "council"]
    # D 0.5, C 0.75, A 1.0, then B and F (0.0) by label: F "Council A" before B "Council D"
    assert councils["council"].tolist() == [
        "Council B",
        "Council C",
        "Council E",
        "Council A",
        "Council D",
    ]
    assert councils["selected_share"].tolist() == [0.5, 0.75, 1.0, 0.0, 0.0]


def test_shifting_moves_windows_and_swaps_the_social_care_basis() -> None:
    s = scenario(
        {
            "selection": {
                "tests": [
                    rate_test("r", "2017-11"),
                    {
                        "id": "yoy",
                        "kind": "trend",
                        "before": {"end": "2016-11"},
                        "after": {"end": "2017-11"},
                    },
                    {
                        "id": "since_feb",
                        "kind": "trend",
                        "attribution": "nhs",
                        "before": {"end": "2017-02"},
                        "after": {"end": "2017-11"},
                    },
                ]
            }
        }
    )
    v = st.shifted(s, 2, basis=True)
    rate, yoy, since_feb = v.selection.tests
    assert rate.window.end == "2017-09" and rate.attribution == "social_care_and_both"
    assert (yoy.before.end, yoy.after.end) == ("2016-09", "2017-09")  # year on year: both
    assert (since_feb.before.end, since_feb.after.end) == ("2017-02", "2017-09")
    assert since_feb.attribution == "nhs"  # an NHS test keeps its meaning
    assert st.shifted(s, 0, basis=False) is s


def test_noise_stays_within_observed_variation_and_is_seeded() -> None:
    beds = np.zeros((2, 6, 4))
    beds[0, :, 0] = [3, 4, 3, 4, 3, 4]  # steps of +-1: noise of 1/sqrt(2) each month
    beds[0, :, 1] = beds[0, :, 0] + 2  # "both" constant 2: no noise
    beds[0, :, 2] = 5
    beds[0, :, 3] = beds[0, :, 1] + beds[0, :, 2]
    beds[1] = np.nan  # a council with no data
    steps = st.noise_steps(beds, end=5, months=6)
    one = st.noisy_beds(beds, steps, np.random.default_rng(1))
    again = st.noisy_beds(beds, steps, np.random.default_rng(1))
    assert np.array_equal(one, again, equal_nan=True)
    moved = one[0, :, 0] - beds[0, :, 0]
    assert np.allclose(np.abs(moved), 1 / np.sqrt(2))
    assert np.allclose(one[0, :, 1] - one[0, :, 0], 2)  # "both" unchanged
    assert np.allclose(one[0, :, 2], 5)
    assert np.allclose(one[0, :, 3], one[0, :, 1] + one[0, :, 2])
    assert np.isnan(one[1]).all()
    # never below zero
    low = beds.copy()
    low[0, :, 0] = [0, 3, 0, 3, 0, 3]
    low[0, :, 1] = low[0, :, 0]
    low[0, :, 3] = low[0, :, 1] + low[0, :, 2]
    noisy = st.noisy_beds(low, st.noise_steps(low, 5, 6), np.random.default_rng(2))
    assert (noisy[0] >= 0).all()


def test_noise_makes_a_council_on_the_line_fragile_and_leaves_far_ones_firm() -> None:
    toys = [
        Toy("far", social_care=monthly(20, aug=21, oct=19)),
        Toy("near", social_care=monthly(5.1, aug=5.6, oct=4.6)),
        Toy("low", social_care=monthly(1, aug=1.5, oct=0.5)),
    ]
    found = st.stability(run(toys, SCENARIO), draws=30, months_back=(0,))
    share = found.share()
    assert share[0] == 1.0 and share[2] == 0.0
    assert 0.1 < share[1] < 0.9


def test_the_status_quo_has_one_variant_and_no_list() -> None:
    found = st.stability(run(TOYS, {}))
    assert len(found.variants) == 1
    assert not found.selected.any()
    assert st.stability_words(found) == "No council is selected in the one variant."


def test_stability_words_say_one_council_and_two_councils() -> None:
    # Selected: A (in all 8 variants) and C (6 of 8); fragile: C and D.
    found = st.stability(run(TOYS, SCENARIO), draws=0)
    assert st.stability_words(found) == (
        "Of 2 councils selected, 1 is selected in every one of 8 variants; 2 councils are "
        "fragile (selected in 10–90% of variants); the lists overlap the option's own by "
        f"{found.overlap():.0%} on average."
    )
    # Only A and C: both selected, only C fragile.
    found = st.stability(run([TOYS[0], TOYS[2]], SCENARIO), draws=0)
    assert st.stability_words(found).startswith(
        "Of 2 councils selected, 1 is selected in every one of 8 variants; 1 council is fragile"
    )
    # Only A: one council selected, in every variant.
    found = st.stability(run([TOYS[0], TOYS[1]], SCENARIO), draws=0)
    assert st.stability_words(found).startswith(
        "Of 1 council selected, 1 is selected in every one of 8 variants; 0 councils are fragile"
    )
