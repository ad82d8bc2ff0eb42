"""Properties of the engine over random valid scenarios on the real (bundled) data.

Money is conserved to the pound; no allocation goes negative; a scenario without
consequences is the identity; a stricter threshold never selects fewer councils;
council order does not matter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.run import Result, evaluate
from simulator.inputs.data import Dataset, load_dataset
from simulator.money import to_pounds
from simulator.schema.files import data_context, parse_scenario, scenario_from_mapping
from simulator.schema.scenario import Scenario
from tests.strategies import examples, rate_tests, scenarios

DATA: Dataset = load_dataset()
CODES = list(DATA.codes)
# Councils with money in both elements (under precept equalisation some get none of an
# element), so that a reduction on any base withholds something from each.
_ALLOC = DATA.allocations.set_index("gss_code")
FUNDED = [
    c
    for c in CODES
    if _ALLOC.loc[c, "allocation_original"] > 0 and _ALLOC.loc[c, "allocation_spring_budget"] > 0
]
CONTEXT = data_context(DATA.months, CODES)
MONEY = ["conditioned", "withheld", "received", "final_allocation"]
PROPERTY = settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def build(mapping: dict[str, Any]) -> Scenario:
    return scenario_from_mapping(mapping, source="random.toml", context=CONTEXT)


def run(mapping: dict[str, Any], data: Dataset = DATA) -> Result:
    return evaluate(build(mapping), data)


BASE_COLUMN = {
    "spring_budget": "allocation_spring_budget",
    "original": "allocation_original",
    "total": "allocation_total",
}


@PROPERTY
@given(mapping=scenarios(CODES))
def test_ledger_balances_to_the_pound(mapping: dict[str, Any]) -> None:
    """The ledger, re-added from the per-council table alone (never from the ledger's
    own retained figure): every council's final is its baseline less what it lost plus
    what it received, to the pound; no more is given out than was withheld; what is
    left is what the summary calls retained, and with the finals it makes the baseline."""
    result = run(mapping)
    t = result.table
    for col in ["allocation_original", "allocation_spring_budget", "allocation_total", *MONEY]:
        assert t[col].dtype == np.int64, col
    baseline = t["allocation_original"] + t["allocation_spring_budget"]
    assert (t["allocation_total"] == baseline).all()
    assert (t["final_allocation"] == baseline - t["withheld"] + t["received"]).all()
    assert (t["change"] == t["final_allocation"] - baseline).all()
    withheld, received = int(t["withheld"].sum()), int(t["received"].sum())
    assert 0 <= received <= withheld
    summary = result.summary
    assert summary["total_withheld"] == withheld and summary["total_received"] == received
    assert summary["total_retained"] == withheld - received
    assert int(t["final_allocation"].sum()) + summary["total_retained"] == int(baseline.sum())
    assert summary["total_final"] == int(t["final_allocation"].sum())
    assert summary["ledger_balanced"] is True


def money_moves(
    mapping: dict[str, Any], chosen: list[str], reduction: float, **redistribution: Any
) -> dict[str, Any]:
    """``mapping`` with ``chosen`` councils always selected and a flat reduction, so that
    money is withheld and the redistribution rule has something to share; keyword
    arguments replace the redistribution section."""
    selection = {
        **mapping["selection"],
        "include": [{"gss_code": c, "reason": "test"} for c in chosen],
        "exclude": [],
    }
    consequences = {
        "base": mapping["consequences"]["base"],
        "condition_pct": 0.0,
        "reduction_pct": reduction,
        "cap_pct": 100.0,
        "floor_pct": 0.0,
    }
    out = {**mapping, "selection": selection, "consequences": consequences}
    if redistribution:
        out["redistribution"] = redistribution
    return out


MOVING = {
    "mapping": scenarios(CODES),
    "chosen": st.lists(st.sampled_from(FUNDED), min_size=1, max_size=8, unique=True),
    "reduction": st.sampled_from([1.0, 10.0, 50.0]),
}


@PROPERTY
@given(**MOVING)
def test_no_council_both_loses_and_receives(
    mapping: dict[str, Any], chosen: list[str], reduction: float
) -> None:
    """No redistribution rule pays a council that is selected or loses money."""
    t = run(money_moves(mapping, chosen, reduction)).table
    assert int(t["withheld"].sum()) > 0
    assert not ((t["received"] > 0) & ((t["withheld"] > 0) | t["selected"])).any()


@PROPERTY
@given(
    **MOVING,
    cap=st.sampled_from([0.0, 0.01, 0.5, 2.0]),
    rule=st.sampled_from(
        ["pro_rata_all", "passed", "best_quartile", "met_expectation", "improvers"]
    ),
)
def test_no_council_above_its_gain_cap(
    mapping: dict[str, Any], chosen: list[str], reduction: float, cap: float, rule: str
) -> None:
    """Each receiver's gain stays within the cap (a share of its base, to the nearest
    pound); what the caps leave unplaced is retained, never handed out. (Every rule but
    ``retain``, which gives nothing away and takes no cap.)"""
    cap_rule = {**mapping["redistribution"], "rule": rule, "gain_cap_pct": cap}
    result = run(money_moves(mapping, chosen, reduction, **cap_rule))
    t = result.table
    base = t[BASE_COLUMN[result.scenario.consequences.base]]
    assert int(t["withheld"].sum()) > 0
    assert (t["received"] <= np.floor(cap / 100 * base + 0.5)).all()
    assert result.summary["total_retained"] == int(t["withheld"].sum() - t["received"].sum())


@PROPERTY
@given(**MOVING)
def test_pro_rata_all_shares_everything_within_a_pound(
    mapping: dict[str, Any], chosen: list[str], reduction: float
) -> None:
    """Without a gain cap, every council not selected receives its pro-rata share of
    all the money withheld (pro rata to the base the shares apply to), within a pound."""
    result = run(money_moves(mapping, chosen, reduction, rule="pro_rata_all"))
    t = result.table
    base = t[BASE_COLUMN[result.scenario.consequences.base]]
    withheld = int(t["withheld"].sum())
    others = ~t["selected"]
    share = withheld * base[others] / base[others].sum()
    assert withheld > 0
    assert (abs(t.loc[others, "received"] - share) < 1).all()
    assert int(t["received"].sum()) == withheld
    assert result.summary["total_retained"] == 0


@PROPERTY
@given(**MOVING)
def test_retain_keeps_everything_at_the_centre(
    mapping: dict[str, Any], chosen: list[str], reduction: float
) -> None:
    result = run(money_moves(mapping, chosen, reduction, rule="retain"))
    t = result.table
    assert int(t["withheld"].sum()) > 0
    assert (t["received"] == 0).all()
    assert result.summary["total_retained"] == int(t["withheld"].sum())


@PROPERTY
@given(**MOVING)
def test_passed_pays_only_councils_that_fail_no_test(
    mapping: dict[str, Any], chosen: list[str], reduction: float
) -> None:
    t = run(money_moves(mapping, chosen, reduction, rule="passed")).table
    assert int(t["withheld"].sum()) > 0
    assert (t.loc[t["received"] > 0, "tests_failed"] == 0).all()


@PROPERTY
@given(mapping=scenarios(CODES))
def test_no_allocation_goes_negative(mapping: dict[str, Any]) -> None:
    result = run(mapping)
    t = result.table
    base = result.money.base
    assert (t["final_allocation"] >= 0).all()
    for col in ("conditioned", "withheld", "received"):
        assert (t[col] >= 0).all(), col
    assert (t["conditioned"] + t["withheld"] <= base).all()
    # Councils not selected never lose (losers never gain: see the redistribution rule).
    assert (t.loc[~t["selected"], ["withheld", "conditioned"]] == 0).all().all()
    # The floor holds.
    floor = result.scenario.consequences.floor_pct / 100 * t["allocation_total"]
    assert (t["allocation_total"] - t["withheld"] >= to_pounds(floor.to_numpy())).all()


@PROPERTY
@given(mapping=scenarios(CODES))
def test_no_consequence_is_the_identity(mapping: dict[str, Any]) -> None:
    mapping["consequences"] = {
        **mapping["consequences"],
        "condition_pct": 0.0,
        "reduction_pct": 0.0,
    }
    result = run(mapping)
    t = result.table
    assert (t["final_allocation"] == t["allocation_total"]).all()
    assert (t[["conditioned", "withheld", "received", "change"]] == 0).all().all()
    assert result.ledger.retained == 0


def test_status_quo_selects_nobody_and_changes_nothing() -> None:
    result = run({"name": "empty"})
    assert not result.table["selected"].any()
    assert (result.table["final_allocation"] == result.table["allocation_total"]).all()
    assert result.summary["total_final"] == 1_499_000_000


@PROPERTY
@given(
    mapping=scenarios(CODES, combiners=("all", "any", "at_least")),
    extra=rate_tests("strict"),
    position=st.integers(0, 4),
    lower_by=st.floats(0.01, 10, allow_nan=False),
    as_screen=st.booleans(),
)
def test_a_stricter_threshold_never_selects_fewer(
    mapping: dict[str, Any],
    extra: dict[str, Any],
    position: int,
    lower_by: float,
    as_screen: bool,
) -> None:
    extra = {**extra, "mode": "above_threshold", "threshold": round(extra["threshold"] + 5, 2)}
    tests = list(mapping["selection"]["tests"])
    tests.insert(min(position, len(tests)), extra)
    selection = {**mapping["selection"], "tests": tests}
    if as_screen:
        selection["screen"] = [*selection["screen"], "strict"]
    loose = {**mapping, "selection": selection}
    stricter_test = {**extra, "threshold": round(max(0.0, extra["threshold"] - lower_by), 2)}
    strict = {
        **mapping,
        "selection": {
            **selection,
            "tests": [stricter_test if t["id"] == "strict" else t for t in tests],
        },
    }
    before = run(loose).selection
    after = run(strict).selection
    assert (after.selected >= before.selected).all()
    assert (after.tests_failed >= before.tests_failed).all()
    assert after.selected.sum() >= before.selected.sum()


def permuted(data: Dataset, order: np.ndarray) -> Dataset:
    return Dataset(
        councils=data.councils.iloc[order].reset_index(drop=True),
        allocations=data.allocations.iloc[order].reset_index(drop=True),
        months=list(data.months),
        dtoc_days=data.dtoc_days[order].copy(),
        england_days=data.england_days.copy(),
        known_figures=data.known_figures,
        official_expectations=data.official_expectations,
        data_hash=data.data_hash,
    )


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mapping=scenarios(CODES), seed=st.integers(0, 2**32 - 1))
def test_council_order_does_not_matter(mapping: dict[str, Any], seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(CODES))
    keys = ["selected", "in_scope", "exempt", "tests_failed", *MONEY]
    base = run(mapping).table.set_index("gss_code")[keys]
    shuffled = run(mapping, permuted(DATA, order)).table.set_index("gss_code")[keys]
    shuffled = shuffled.loc[base.index]
    for key in keys:
        assert shuffled[key].tolist() == base[key].tolist(), key


@PROPERTY
@given(mapping=scenarios(CODES))
def test_scenario_round_trips_through_toml(mapping: dict[str, Any]) -> None:
    scenario = build(mapping)
    again = parse_scenario(scenario.to_toml(), source="again.toml", context=CONTEXT)
    assert again == scenario
    assert again.content_hash() == scenario.content_hash()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_permuted_dataset_is_really_permuted(seed: int) -> None:
    """Guards the order test: the permutation moves councils and their data together."""
    order = np.random.default_rng(seed).permutation(len(CODES))
    other = permuted(DATA, order)
    assert list(other.codes) != CODES
    i = other.position("E06000051")
    j = DATA.position("E06000051")
    assert np.array_equal(other.dtoc_days[i], DATA.dtoc_days[j], equal_nan=True)
    assert other.allocations["gss_code"].iloc[i] == "E06000051"
