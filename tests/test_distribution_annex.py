"""The distribution annex, worked by hand on four made-up councils.

Each council has 100,000 adults and an original element of £2,000,000. One test: the
July 2017 social care rate above 5. Selected councils lose 10% of their Spring Budget
element; the money goes pro rata to the Spring Budget element of every other council.

        score  beds  Spring Budget  selected  withheld  received    change  per adult
    A    40     8     1,000,000       yes     100,000          0  -100,000    -1.00
    B    30     6     2,000,000       yes     200,000          0  -200,000    -2.00
    C    20     1     1,000,000       no            0     75,000   +75,000    +0.75
    D    10     1     3,000,000       no            0    225,000  +225,000    +2.25

Deciles of four councils by score (most deprived first, rank r of 4 -> 1 + 10r // 4):
A 1, B 3, C 6, D 8. Allocation per adult before: 30, 40, 30, 50; after: 29, 38, 30.75,
52.25 (mean 37.5 both times).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from simulator.reports import distribution as dist
from tests.toy import Toy, make_dataset, monthly, rate_test, run

SCORES = {"A": 40.0, "B": 30.0, "C": 20.0, "D": 10.0}
SPRING = {"A": 1_000_000, "B": 2_000_000, "C": 1_000_000, "D": 3_000_000}
BEDS = {"A": 8, "B": 6, "C": 1, "D": 1}


def facts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "imd2015_average_score": list(SCORES.values()),
            # £000: 30, 40, 50, 60 million -> £300, £400, £500, £600 per adult
            "asc_gross_current_expenditure_000": [30_000.0, 40_000.0, 50_000.0, 60_000.0],
            "ruc11_class": [
                "Urban with Major Conurbation",
                "Urban with Major Conurbation",
                "Mainly Rural (rural including hub towns >=80%)",
                "Mainly Rural (rural including hub towns >=80%)",
            ],
        }
    )


def scenario(reduction: float = 10) -> dict[str, object]:
    return {
        "selection": {"tests": [rate_test("t1", "2017-07", threshold=5)]},
        "consequences": {"reduction_pct": reduction},
        "redistribution": {"rule": "pro_rata_all"},
    }


def toy_result(reduction: float = 10):  # type: ignore[no-untyped-def]
    toys = [
        Toy(name, social_care=monthly(BEDS[name]), spring_budget=SPRING[name]) for name in SCORES
    ]
    data = make_dataset(toys)
    data = replace(
        data,
        councils=data.councils.assign(
            region=["North", "North", "South", "South"],
            authority_type=["Metropolitan district"] * 2 + ["County council"] * 2,
        ),
    )
    return run(data, scenario(reduction))


def group(annex: dist.Annex, dimension: str) -> dict[str, dict[str, object]]:
    rows = annex.groups[annex.groups["dimension"] == dimension]
    return {r["group"]: r.to_dict() for _, r in rows.iterrows()}


def test_money_by_deprivation_decile_region_type_and_rurality() -> None:
    annex = dist.annex(toy_result(), facts=facts())
    deciles = group(annex, "deprivation_decile")
    assert list(deciles) == ["1", "3", "6", "8"]
    assert {g: r["withheld"] for g, r in deciles.items()} == {
        "1": 100_000,
        "3": 200_000,
        "6": 0,
        "8": 0,
    }
    assert {g: r["received"] for g, r in deciles.items()} == {
        "1": 0,
        "3": 0,
        "6": 75_000,
        "8": 225_000,
    }
    regions = group(annex, "region")
    assert regions["North"]["change"] == -300_000 and regions["South"]["change"] == 300_000
    # -300,000 over 200,000 adults
    assert regions["North"]["change_per_adult"] == -1.5
    assert regions["North"]["councils_losing"] == 2 and regions["South"]["councils_gaining"] == 2
    types = group(annex, "authority_type")
    assert types["County council"]["received"] == 300_000
    rural = group(annex, "rural_urban")
    assert set(rural) == {"Urban with Major Conurbation", "Mainly Rural"}
    assert rural["Mainly Rural"]["received"] == 300_000
    # ASC spend per adult: £300, £400, £500, £600; four councils in fifths by rank
    # (rank r -> Q(1 + 5r // 4)): Q1, Q2, Q3, Q4.
    spend = group(annex, "asc_spend_per_adult")
    assert list(spend) == ["Q1 £300–£300", "Q2 £400–£400", "Q3 £500–£500", "Q4 £600–£600"]
    assert spend["Q2 £400–£400"]["withheld"] == 200_000


def test_counts_losses_and_measures_worked_by_hand() -> None:
    annex = dist.annex(toy_result(), facts=facts())
    assert (annex.gaining, annex.losing) == (2, 2)
    assert annex.largest_losses["council"].tolist() == ["B", "A"]
    assert annex.largest_losses["change"].tolist() == [-200_000, -100_000]
    m = {x.key: x for x in annex.measures}
    # Gini, equal weights: sum over ordered pairs |x_i - x_j| / (2 n^2 mean).
    # Before: unordered differences 10+0+20+10+10+20 = 70 -> 140 / (2*16*37.5) = 0.116667.
    # After: 9+1.75+23.25+7.25+14.25+21.5 = 77 -> 154 / 1200 = 0.128333.
    assert m["gini"].baseline == pytest.approx(140 / 1200)
    assert m["gini"].option == pytest.approx(154 / 1200)
    # CV before: deviations -7.5, 2.5, -7.5, 12.5 -> variance (56.25*2+6.25+156.25)/4
    # = 68.75 -> sd 8.2916 / 37.5 = 0.221108.
    assert m["coefficient_of_variation"].baseline == pytest.approx(np.sqrt(68.75) / 37.5)
    # Change per adult (-1, -2, 0.75, 2.25) against scores (40, 30, 20, 10):
    # covariance sum -62.5; squares 10.625 and 500 -> r = -62.5 / sqrt(5312.5).
    assert m["correlation_deprivation"].option == pytest.approx(-62.5 / np.sqrt(5312.5))
    assert m["correlation_deprivation"].change == m["correlation_deprivation"].option
    # Range ratio before: 10th percentile of (30, 30, 40, 50) is 30, 90th is 47 -> 1.5667.
    assert m["range_ratio"].baseline == pytest.approx(47 / 30)
    assert "more deprived" in dist.sentence(annex)


def test_the_sentence_says_one_council_and_two_councils() -> None:
    annex = dist.annex(toy_result(), facts=facts())
    assert "; 2 councils gain and 2 lose, and" in dist.sentence(annex)
    # the same money, moved from A and B to D alone: one council gains
    one = replace(annex, councils=annex.councils.assign(change=[-100_000, -200_000, 0, 300_000]))
    assert "; 1 council gains and 2 lose, and" in dist.sentence(one)
    one = replace(annex, councils=annex.councils.assign(change=[-300_000, 0, 75_000, 225_000]))
    assert "; 2 councils gain and 1 loses, and" in dist.sentence(one)


def test_annex_totals_equal_the_ledger() -> None:
    result = toy_result()
    annex = dist.annex(result, facts=facts())
    ledger = result.ledger
    assert annex.totals["withheld"] == ledger.withheld_total == 300_000
    assert annex.totals["received"] == ledger.redistributed_total
    assert annex.totals["conditioned"] == int(result.money.conditioned.sum())
    table = dist.distribution_table(annex)
    for dimension in dist.DIMENSIONS:
        rows = table[(table["section"] == "group") & (table["dimension"] == dimension)]
        for key in ("withheld", "received", "change", "conditioned", "councils"):
            total = table.loc[table["section"] == "total", key].item()
            assert rows[key].sum() == total, (dimension, key)
    england = table[table["section"] == "total"].iloc[0]
    assert england["withheld"] == ledger.withheld_total
    assert england["change"] == int(result.table["change"].sum()) == 0


def test_the_status_quo_shows_no_change() -> None:
    annex = dist.annex(toy_result(reduction=0), facts=facts())
    groups = annex.groups
    for key in ("conditioned", "withheld", "received", "change", "change_per_adult"):
        assert (groups[key] == 0).all(), key
    assert (annex.gaining, annex.losing) == (0, 0)
    assert annex.largest_losses.empty
    for m in annex.measures:
        if m.key == "correlation_tax_base":
            # the toy dataset has no council-tax data: unknown, never a made-up 0
            assert np.isnan(m.change)
        else:
            assert m.change == 0, m.key
    assert dist.sentence(annex) == "The option moves no money, so no council bears anything."


def test_a_transfer_to_more_deprived_councils_moves_every_measure_the_right_way() -> None:
    """Four councils of 100,000 adults; the less deprived have more per adult (50, 40)
    and a larger tax base. Moving £5 per adult from each of them to the two more
    deprived (30, 20 -> 35, 25) narrows every spread and ties the change to deprivation."""
    adults = np.full(4, 100_000.0)
    before = np.array([50.0, 40.0, 30.0, 20.0]) * adults
    after = np.array([45.0, 35.0, 35.0, 25.0]) * adults
    deprivation = np.array([10.0, 20.0, 30.0, 40.0])
    tax_base = np.array([40_000.0, 35_000.0, 30_000.0, 25_000.0])
    m = {x.key: x for x in dist.equity_measures(before, after, adults, deprivation, tax_base)}
    assert m["range_ratio"].change < 0
    assert m["coefficient_of_variation"].change < 0
    assert m["gini"].change < 0
    assert m["correlation_deprivation"].option > 0
    assert m["correlation_tax_base"].option < 0
    # and the opposite transfer moves each the other way
    back = np.array([55.0, 45.0, 25.0, 15.0]) * adults
    r = {x.key: x for x in dist.equity_measures(before, back, adults, deprivation, tax_base)}
    assert r["range_ratio"].change > 0 and r["gini"].change > 0
    assert r["coefficient_of_variation"].change > 0
    assert r["correlation_deprivation"].option < 0 and r["correlation_tax_base"].option > 0


def test_without_deprivation_data_the_annex_says_so() -> None:
    annex = dist.annex(toy_result())
    assert set(group(annex, "deprivation_decile")) == {"unknown"}
    assert dist.sentence(annex).startswith("Deprivation data are not loaded")


def test_withheld_share_of_the_most_deprived_fifth() -> None:
    annex = dist.annex(toy_result(), facts=facts())
    # Deciles 1 and 2 hold only A (100,000 of 300,000 withheld).
    assert dist.withheld_share(annex) == pytest.approx(1 / 3)
    assert dist.withheld_share(annex, (1, 2, 3)) == 1.0


def test_bundled_data_annex_balances(dataset) -> None:  # type: ignore[no-untyped-def]
    from simulator import io
    from simulator.engine.run import evaluate
    from simulator.schema.files import load_scenario

    result = evaluate(load_scenario(io.SCENARIO_DIR / "reduce-and-redistribute.toml"), dataset)
    annex = dist.annex(result)
    assert annex.totals["withheld"] == result.ledger.withheld_total > 0
    deciles = group(annex, "deprivation_decile")
    assert sum(r["councils"] for r in deciles.values()) == 152
    assert sum(r["withheld"] for r in deciles.values()) == result.ledger.withheld_total


def test_decile_view_shows_all_ten_deciles_zero_where_none() -> None:
    # The four councils sit in deciles 1, 3, 6 and 8; the other six have none.
    view = dist.decile_view(dist.annex(toy_result(), facts=facts()))
    assert view["decile"].tolist() == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    assert view["councils"].tolist() == [1, 0, 1, 0, 0, 1, 0, 1, 0, 0]
    assert view["conditioned"].tolist() == [0] * 10
    assert view["withheld"].tolist() == [100_000, 0, 200_000, 0, 0, 0, 0, 0, 0, 0]
    assert view["received"].tolist() == [0, 0, 0, 0, 0, 75_000, 0, 225_000, 0, 0]


def test_decile_view_keeps_decile_one_when_it_has_no_money() -> None:
    # No reduction: nobody withholds or receives, yet the axis still runs from 1 to 10.
    view = dist.decile_view(dist.annex(toy_result(reduction=0), facts=facts()))
    assert view["decile"].tolist()[0] == "1"
    assert len(view) == 10
    assert view["withheld"].tolist() == [0] * 10 and view["received"].tolist() == [0] * 10


def test_decile_ticks_are_short_and_the_axis_names_both_ends() -> None:
    """Ten ticks side by side on a phone (390 px): each at most two characters, and the
    meaning of 1 and 10 in the axis title instead."""
    view = dist.decile_view(dist.annex(toy_result(), facts=facts()))
    assert max(len(d) for d in view["decile"]) == 2
    assert "1 = most deprived" in dist.DECILE_AXIS
    assert "10 = least deprived" in dist.DECILE_AXIS


def test_decile_view_is_empty_without_deprivation_data() -> None:
    assert dist.decile_view(dist.annex(toy_result())).empty


def test_equity_comparison_sets_options_side_by_side() -> None:
    moved = dist.annex(toy_result(), facts=facts())
    still = dist.annex(toy_result(reduction=0), facts=facts())
    table = dist.equity_comparison([moved, still], ["cut", "none"]).set_index("measure")
    gini = "Gini coefficient of £ per adult (weighted by adults)"
    assert table.loc[gini, "cut"] == pytest.approx(154 / 1200, abs=1e-4)
    assert table.loc[gini, "none"] == pytest.approx(140 / 1200, abs=1e-4)
    assert table.loc["Councils losing", "cut"] == 2 and table.loc["Councils losing", "none"] == 0
