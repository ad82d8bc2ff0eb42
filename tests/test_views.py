"""The frames the app's pages draw (simulator/reports/views.py), on made-up councils and
results whose expected values are worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from simulator.inputs.data import Dataset
from simulator.reports import views
from tests import toy

# Three councils: A and B selected, C not; £30 conditioned and £20 withheld in all,
# £15 of it redistributed and £5 retained by the centre.
TABLE = pd.DataFrame(
    {
        "gss_code": ["E1", "E2", "E3"],
        "council": ["A", "B", "C"],
        "selected": [True, True, False],
        "allocation_total": [100, 200, 300],
        "conditioned": [10, 20, 0],
        "change": [-5, -15, 15],
    }
)
SUMMARY = {
    "total_baseline": 600,
    "total_conditioned": 30,
    "total_withheld": 20,
    "total_received": 15,
    "total_retained": 5,
    "total_final": 595,
}


def test_ledger_flows_by_hand() -> None:
    flows = views.ledger_flows(TABLE, SUMMARY)
    assert dict(zip(flows["target"], flows["amount_gbp"], strict=True)) == {
        "Councils not selected": 300,
        # A and B hold £300, of which £30 is conditioned and £20 withheld
        "Selected councils, neither conditioned nor withheld": 250,
        "Conditioned (stays with councils)": 30,
        "Withheld, redistributed to councils": 15,
        "Withheld, retained by the centre": 5,
    }
    assert set(flows["source"]) == {"2018/19 iBCF before review"}


def test_a_zero_flow_is_left_out() -> None:
    nothing_retained = {**SUMMARY, "total_received": 20, "total_retained": 0}
    flows = views.ledger_flows(TABLE, nothing_retained)
    assert "Withheld, retained by the centre" not in set(flows["target"])
    assert list(flows.index) == [0, 1, 2, 3]


def test_ledger_steps_by_hand() -> None:
    steps = views.ledger_steps(SUMMARY)
    assert list(steps["amount_gbp"]) == [600, -20, 15, 595, 5, 600]
    assert list(steps["measure"]) == [
        "absolute",
        "relative",
        "relative",
        "total",
        "relative",
        "total",
    ]


def test_national_history_sums_councils_and_skips_missing_data() -> None:
    beds = np.zeros((3, 4, 4))
    beds[:, :, 3] = [[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0], [np.nan] * 4]
    beds[:, :, 0] = 99.0  # social care alone: not the basis
    history = views.national_history(beds, ["2018-01", "2018-02", "2018-03", "2018-04"], n=3)
    assert list(history["month"]) == ["2018-02", "2018-03", "2018-04"]
    assert list(history["beds"]) == [22.0, 33.0, 44.0]


def test_month_flips_lists_only_councils_that_change() -> None:
    moved = TABLE.assign(selected=[True, False, True], conditioned=[10, 0, 30], change=[-5, 0, -10])
    flips = views.month_flips(TABLE, moved, -2)
    assert list(flips["council"]) == ["B", "C"]
    assert list(flips["selected now"]) == [True, False]
    assert list(flips["selected with months -2"]) == [False, True]
    assert list(flips["conditioned with months -2 £ 2018/19"]) == [0, 30]
    assert list(flips["change now £ 2018/19"]) == [-15, 15]
    assert views.month_flips(TABLE, TABLE, 1).empty


def test_gains_and_losses() -> None:
    councils = pd.DataFrame({"council": list("PQRST"), "change": [5, -3, 0, 10, -7]})
    gains, losses, tally = views.gains_and_losses(councils, 1, ["council", "change"])
    assert gains.to_dict("records") == [{"council": "S", "change": 10}]
    assert losses.to_dict("records") == [{"council": "T", "change": -7}]
    assert tally == {"gain": 2, "lose": 2, "unchanged": 1}
    gains, losses, _ = views.gains_and_losses(councils, 5, ["council"])
    assert list(gains["council"]) == ["S", "P"] and list(losses["council"]) == ["T", "Q"]


def _toy() -> Dataset:
    # 200,000 adults: a rate per 100,000 is half the beds a day
    return toy.make_dataset(
        [toy.Toy("Northshire", social_care=4.0, both=1.0, nhs=3.0, adults=200_000)]
    )


def test_council_history_rates_by_hand() -> None:
    scen = toy.scenario(
        {
            "selection": {
                "tests": [
                    toy.rate_test("rate", "2017-07", threshold=1.0),
                    {
                        "id": "trend",
                        "kind": "trend",
                        "before": {"end": "2017-03"},
                        "after": {"end": "2017-09"},
                    },
                ]
            }
        }
    )
    history, marks = views.council_history(_toy(), 0, 1.25, scen.selection.tests, "2017-06")
    assert len(history) == 4 * 7  # four attributions, June to December
    june = history[history["month"] == "2017-06"].set_index("attribution")
    assert june["beds_per_day"].to_dict() == {
        "social care": 4.0,
        "social care and both": 5.0,
        "NHS": 3.0,
        "all organisations": 8.0,
    }
    assert june["rate"].to_dict() == {
        "social care": 2.0,
        "social care and both": 2.5,
        "NHS": 1.5,
        "all organisations": 4.0,
    }
    assert marks["value"].iloc[0] == 1.25 and marks["value"].iloc[1:].isna().all()
    assert marks.drop(columns="value").to_dict("list") == {
        "kind": ["expectation", "test", "test", "test"],
        "month": ["2017-09", "2017-07", "2017-03", "2017-09"],
        "label": [
            "September 2017 expectation (social care, reconstructed)",
            "rate: July 2017",
            "trend: March 2017",
            "trend: September 2017",
        ],
    }


def test_council_projection_takes_all_organisations() -> None:
    shape = (2, 2, 4)
    proj = SimpleNamespace(
        months=["2018-04", "2018-05"],
        baseline_p50=np.full(shape, 9.0),
        scenario_p10=np.full(shape, 1.0),
        scenario_p50=np.full(shape, 2.0),
        scenario_p90=np.full(shape, 3.0),
    )
    proj.baseline_p50[0, :, 3] = [20.0, 21.0]
    proj.scenario_p50[0, :, 3] = [18.0, 19.5]
    proj.baseline_p50[1, :, 3] = np.nan  # no data for the second council
    frame = views.council_projection(proj, 0)  # type: ignore[arg-type]
    assert frame is not None
    assert frame.to_dict("list") == {
        "month": ["2018-04", "2018-05"],
        "baseline": [20.0, 21.0],
        "p10": [1.0, 1.0],
        "p50": [18.0, 19.5],
        "p90": [3.0, 3.0],
    }
    assert views.council_projection(proj, 1) is None  # type: ignore[arg-type]


def test_validation_checks_on_the_bundled_data(dataset: Dataset) -> None:
    """The published national totals (£825m and £674m) and the status quo's zero change
    pass; a result whose ledger does not balance, or with a negative allocation, fails."""
    from simulator.engine.run import evaluate
    from simulator.schema.scenario import Scenario

    status_quo = evaluate(Scenario(name="Status quo"), dataset)
    table = views.validation_checks(dataset, status_quo, status_quo, lambda v: f"£{v:,.0f}")
    found = dict(zip(table["check"], table["found"], strict=True))
    assert found["Original element sums to £825,000,000"] == "£825,000,000"
    assert found["Spring Budget 2017 element sums to £674,000,000"] == "£674,000,000"
    assert found["Status quo gives zero change for every council"] == "largest change £0"
    assert table["passed"].all()
    broken = SimpleNamespace(
        summary={**status_quo.summary, "ledger_balanced": False},
        table=status_quo.table.assign(final_allocation=-1),
    )
    table = views.validation_checks(dataset, broken, status_quo, str)  # type: ignore[arg-type]
    failed = set(table.loc[~table["passed"], "check"])
    assert failed == {
        "This scenario's ledger balances (withheld = redistributed + retained)",
        "No final allocation is negative",
    }
