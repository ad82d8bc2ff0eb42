"""Exact answers over a grid: the Pareto set, the best option under guarantees, why a
target cannot be met, goal-seek and the oracle bound.

The brute-force check runs every option of a small grid through the exact engine
(:func:`simulator.engine.run.evaluate` and the projection with ``draws = 0``), then asks
200 random sets of guarantees and objectives of both the designer and a plain loop over
those results: the same options must qualify and the same option must be best.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.design.grid import build_grid, option_scenario
from simulator.design.kernel import evaluate_options, make_context
from simulator.design.search import (
    Constraint,
    best,
    constraints,
    feasible,
    frontier,
    pareto_mask,
    why_not,
)
from simulator.design.seek import SEEK_METRICS, figures, goal_seek, oracle_bound
from simulator.engine.run import evaluate, project_scenario
from simulator.inputs.data import Dataset, load_dataset
from simulator.reports.distribution import council_facts
from simulator.schema.design import Axes, Design, Guarantees, MinBeds
from simulator.schema.files import data_context, load_scenario, scenario_from_mapping
from simulator.schema.scenario import Scenario
from tests.strategies import examples

ROOT = Path(__file__).resolve().parent.parent
DATA: Dataset = load_dataset()
CONTEXT = data_context(DATA.months, list(DATA.codes))
OCTOBER = load_scenario(ROOT / "scenarios/october-2017-letter.toml", context=CONTEXT)
DECEMBER = load_scenario(ROOT / "scenarios/december-2017-five-tests.toml", context=CONTEXT)
SENSES = {
    "money_moved": "min",
    "councils_affected": "min",
    "largest_loss_pct": "min",
    "beds_freed:central": "max",
    "retained": "min",
    "most_deprived_fifth_pct": "min",
}


# ---------------------------------------------------------------------- Pareto, by hand
def test_pareto_two_objectives_by_hand() -> None:
    # (money, councils), both smaller-better: (1,5) and (2,2) efficient; (3,3) is beaten
    # by (2,2); (2,4) by (2,2); the repeated (1,5) is kept with its twin.
    values = np.array([[1, 5], [2, 2], [3, 3], [1, 5], [2, 4], [4, 1]], dtype=float)
    assert pareto_mask(values).tolist() == [True, True, False, True, False, True]


def test_pareto_three_objectives_by_hand() -> None:
    values = np.array(
        [[1, 1, 9], [1, 2, 8], [2, 2, 9], [0, 9, 9], [1, 1, 9], [3, 0, 10], [3, 1, 10]],
        dtype=float,
    )
    # [2,2,9] is beaten by [1,1,9]; [3,1,10] by [3,0,10]; the rest trade off.
    assert pareto_mask(values).tolist() == [True, True, False, True, True, True, False]


def test_pareto_one_objective_keeps_every_best() -> None:
    assert pareto_mask(np.array([[2.0], [1.0], [1.0]])).tolist() == [False, True, True]


def test_pareto_refuses_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        pareto_mask(np.array([[np.nan, 1.0]]))


@given(st.lists(st.tuples(*[st.integers(0, 6)] * 3), min_size=1, max_size=60), st.integers(1, 3))
def test_pareto_equals_pairwise_dominance(rows: list[tuple[int, ...]], k: int) -> None:
    values = np.array(rows, dtype=float)[:, :k]
    naive = [not any((o <= v).all() and (o < v).any() for o in values) for v in values]
    assert pareto_mask(values).tolist() == naive


# ---------------------------------------------------------------------- why not, by hand
HAND = pd.DataFrame(
    {
        # Five options worked by hand: councils affected, money retained by the centre,
        # beds freed (central evidence).
        "option": [0, 1, 2, 3, 4],
        "councils_affected": [10.0, 25.0, 40.0, 15.0, 30.0],
        "retained": [0.0, 0.0, 0.0, 5e6, 2e6],
        "beds_freed:central": [2.0, 6.0, 12.0, 9.0, 14.0],
        "largest_loss_pct": [0.0, 1.0, 3.0, 2.0, 5.0],
        "affected:E10000017": [0.0, 0.0, 1.0, 1.0, 1.0],
    }
)


def test_why_not_names_the_conflict_and_each_relaxation() -> None:
    # "at most 20 councils" and "at least 10 beds" conflict: the options with 20 or fewer
    # councils (0 and 3) free 2 and 9 beds. Money staying local is not part of it.
    g = Guarantees(
        money_stays_local=True,
        max_councils=20,
        min_beds=MinBeds(evidence_set="central", beds=10),
    )
    answer = why_not(HAND, constraints(g))
    assert answer is not None
    assert answer.conflicts == [["max_councils", "min_beds"]]
    said = {(r.key, r.bound): (r.words, r.options) for r in answer.relaxations}
    # Drop "at most 20": options keeping the others (local, ≥10 beds): option 2 only.
    assert said[("max_councils", None)][1] == 1
    # Or allow 40 councils (option 2's): one option.
    assert said[("max_councils", 40.0)] == ("allow 40 councils instead of 20", 1)
    # Drop "at least 10 beds": options 0 (10 councils, local); or accept 2 beds (option 0).
    assert said[("min_beds", None)][1] == 1
    assert said[("min_beds", 2.0)] == ("accept 2.0 beds instead of 10", 1)


def test_why_not_finds_a_single_impossible_guarantee() -> None:
    g = Guarantees(min_beds=MinBeds(evidence_set="central", beds=20))  # most is 14
    answer = why_not(HAND, constraints(g))
    assert answer is not None
    assert answer.conflicts == [["min_beds"]]
    relax = [r for r in answer.relaxations if r.bound is not None]
    assert [(r.bound, r.options) for r in relax] == [(14.0, 1)]


def test_why_not_three_way_conflict_lists_every_smallest_set() -> None:
    # Each pair of {≤25 councils, local, ≥9 beds} is met by some option (1: 25 councils,
    # local, 6 beds meets the first two; 3 meets ≤25 and ≥9; 2 meets local and ≥9), but
    # no option meets all three: the smallest conflict is the triple.
    g = Guarantees(
        money_stays_local=True, max_councils=25, min_beds=MinBeds(evidence_set="central", beds=9)
    )
    answer = why_not(HAND, constraints(g))
    assert answer is not None
    assert answer.conflicts == [["money_stays_local", "max_councils", "min_beds"]]


def test_why_not_with_more_guarantees_than_it_can_combine_names_one_irreducible_conflict() -> None:
    # The three-way conflict worked above ({local, ≤25 councils, ≥9 beds}: each pair is
    # met, the three are not) with 120 councils exempt that no option affects: 123 rules.
    # Their subsets up to size 2 number 123 + 7,503, more than are tried, so one
    # irreducible conflict is named instead: a deletion filter in rule order keeps local
    # (without it option 3 qualifies), ≤25 (option 2), ≥9 beds (option 1) and drops each
    # exemption (the rest still conflict without it).
    never = [f"E0{n:07d}" for n in range(120)]
    table = pd.concat(
        [HAND, pd.DataFrame({f"affected:{code}": 0.0 for code in never}, index=HAND.index)],
        axis=1,
    )
    rules = constraints(
        Guarantees(
            money_stays_local=True,
            max_councils=25,
            min_beds=MinBeds(evidence_set="central", beds=9),
        )
    )
    exempt = [Constraint(f"exempt:{c}", f"{c} exempt", f"affected:{c}", "<=", 0) for c in never]
    answer = why_not(table, rules + exempt)
    assert answer is not None and not answer.exhaustive
    assert answer.conflicts == [["money_stays_local", "max_councils", "min_beds"]]
    # What dropping each lets in: local, option 3; ≤25, option 2; ≥9 beds, options 0 and 1.
    said = {(r.key, r.bound): r.options for r in answer.relaxations}
    assert said[("money_stays_local", None)] == 1
    assert said[("max_councils", None)] == 1
    assert said[("min_beds", None)] == 2
    # Twelve rules: every subset is tried, and the smallest conflict is the same triple.
    few = why_not(table, rules + exempt[:9])
    assert few is not None and few.exhaustive
    assert few.conflicts == [["money_stays_local", "max_councils", "min_beds"]]


def test_why_not_is_none_when_feasible() -> None:
    assert why_not(HAND, constraints(Guarantees(max_councils=30))) is None


def test_best_under_guarantees_by_hand() -> None:
    rules = constraints(Guarantees(money_stays_local=True, exempt=["E10000017"]))
    # Local and Lancashire (E10000017) untouched: options 0 and 1; most beds: option 1.
    chosen = best(HAND, rules, "beds_freed:central", "max")
    assert chosen is not None and int(chosen["option"]) == 1
    assert best(HAND, [Constraint("x", "x", "retained", "<=", -1)], "retained", "min") is None


# ---------------------------------------------------------------------- brute force
# 3 x 2 x 2 x 3 x 2 x 2 x 2 = 288 options, each run through the exact engine.
AXES = Axes(
    combine=["all", "at_least_2", "any"],
    data_month=["2017-07", "2017-09"],
    attribution=["social_care", "social_care_and_both"],
    condition_pct=[0.0, 10.0, 33.0],
    reduction_pct=[0.0, 5.0],
    cap_pct=[100.0, 50.0],
    redistribution=["retain", "pro_rata_all"],
)


@pytest.fixture(scope="module")
def brute() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The kernel's table and, option by option, the exact engine's figures."""
    design = Design(axes=AXES)
    grid = build_grid(design, OCTOBER)
    ctx = make_context(grid, DATA, watch=tuple(DATA.codes))
    table = pd.DataFrame(evaluate_options(ctx, 0, grid.size))
    rows = []
    # The most deprived fifth as the distribution annex reads it (deciles 1 and 2).
    facts = council_facts(evaluate(OCTOBER, DATA))
    most = facts["deprivation_decile"].isin(["1", "2"]).to_numpy()
    for index in range(grid.size):
        scenario = option_scenario(grid, index, context=CONTEXT)
        params = scenario.projection.model_copy(update={"evidence_set": "central", "draws": 0})
        result = evaluate(scenario.model_copy(update={"projection": params}), DATA)
        t = result.table
        moved = (t["conditioned"] + t["withheld"]).to_numpy()
        loss = np.maximum(t["withheld"] - t["received"], 0).to_numpy()
        total = t["allocation_total"].to_numpy()
        affected = ((t["conditioned"] > 0) | (t["withheld"] > 0)).to_numpy()
        rows.append(
            {
                "option": index,
                "codes": set(t["gss_code"][affected]),
                "money_moved": float(t["conditioned"].sum() + t["withheld"].sum()),
                "councils_affected": float(affected.sum()),
                "retained": float(result.summary["total_retained"]),
                "largest_loss_gbp": float(loss.max()),
                "largest_loss_pct": float(
                    np.where(total > 0, 100 * loss / np.where(total > 0, total, 1), 0).max()
                ),
                "beds_freed:central": project_scenario(result).beds_freed["p50"],
                "most_deprived_fifth_pct": 100 * moved[most].sum() / moved.sum()
                if moved.sum()
                else 0.0,
            }
        )
    selected_codes = sorted(set().union(*(r["codes"] for r in rows)))
    return table, pd.DataFrame(rows), selected_codes


def _naive_ok(row: pd.Series, g: Guarantees) -> bool:
    if g.money_stays_local and row["retained"] > 0:
        return False
    if g.max_councils is not None and row["councils_affected"] > g.max_councils:
        return False
    if g.max_loss_pct is not None and row["largest_loss_pct"] > g.max_loss_pct + 1e-9:
        return False
    if g.max_loss_gbp is not None and row["largest_loss_gbp"] > g.max_loss_gbp:
        return False
    if set(g.exempt) & row["codes"]:
        return False
    if (
        g.max_most_deprived_fifth_pct is not None
        and row["most_deprived_fifth_pct"] > g.max_most_deprived_fifth_pct + 1e-9
    ):
        return False
    return not (g.min_beds is not None and row["beds_freed:central"] < g.min_beds.beds - 1e-9)


def test_200_random_targets_agree_with_brute_force(
    brute: tuple[pd.DataFrame, pd.DataFrame, list[str]],
) -> None:
    table, exact, codes = brute
    rng = np.random.default_rng(20181019)
    beds = exact["beds_freed:central"]
    objectives = list(SENSES)
    for _ in range(200):
        g = Guarantees(
            money_stays_local=bool(rng.random() < 0.5),
            max_councils=int(rng.integers(0, 75)) if rng.random() < 0.6 else None,
            max_loss_pct=float(rng.choice([0.5, 1.0, 2.0, 3.0])) if rng.random() < 0.3 else None,
            max_loss_gbp=int(rng.integers(0, 2_000_000)) if rng.random() < 0.3 else None,
            exempt=list(rng.choice(codes, size=int(rng.integers(0, 3)), replace=False)),
            min_beds=MinBeds(evidence_set="central", beds=float(rng.uniform(0, beds.max() * 1.1)))
            if rng.random() < 0.5
            else None,
            max_most_deprived_fifth_pct=float(rng.uniform(0, 30)) if rng.random() < 0.4 else None,
        )
        ok = exact[[_naive_ok(r, g) for _, r in exact.iterrows()]]
        rules = constraints(g)
        mine = set(table["option"][feasible(table, rules)])
        assert mine == set(ok["option"]), g  # none missed, none wrongly included
        goal = str(rng.choice(objectives))
        sense = SENSES[goal]
        chosen = best(table, rules, goal, sense)
        if ok.empty:
            assert chosen is None
            assert why_not(table, rules) is not None
        else:
            target = ok[goal].max() if sense == "max" else ok[goal].min()
            first = ok[np.isclose(ok[goal], target, rtol=1e-9, atol=1e-9)]["option"].min()
            assert chosen is not None and int(chosen["option"]) == first
        chosen_objs = list(rng.choice(objectives, size=int(rng.integers(2, 4)), replace=False))
        pool = exact[exact["option"].isin(mine)]
        front = frontier(table[table["option"].isin(mine)], chosen_objs, SENSES)
        naive = _naive_front(pool, chosen_objs)
        # One row per distinct objective vector, the first option in grid order.
        assert sorted(front["option"]) == sorted(naive)


def _naive_front(pool: pd.DataFrame, objs: list[str]) -> list[int]:
    vals = np.stack(
        [-pool[o].to_numpy() if SENSES[o] == "max" else pool[o].to_numpy() for o in objs], 1
    )
    vals = np.round(vals, 9)
    options = pool["option"].to_numpy()
    out: dict[tuple[float, ...], int] = {}
    for i, v in enumerate(vals):
        if any((w <= v).all() and (w < v).any() for w in vals):
            continue
        key = tuple(v)
        out[key] = min(out.get(key, options[i]), options[i])
    return sorted(out.values())


# ---------------------------------------------------------------------- goal-seek
@pytest.fixture(scope="module")
def seek_ctx():  # type: ignore[no-untyped-def]
    grid = build_grid(Design(axes=Axes(reduction_pct=[0.0], condition_pct=[33.0])), OCTOBER)
    return make_context(grid, DATA, with_beds=False), grid.setting(0)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["condition_pct", "reduction_pct", "cap_pct"]),
    st.lists(st.floats(0, 60, allow_nan=False), min_size=2, max_size=6),
)
def test_money_and_counts_are_monotone_in_each_lever(seek_ctx, lever, xs) -> None:  # type: ignore[no-untyped-def]
    ctx, setting = seek_ctx
    setting = {**setting, "reduction_pct": 10.0, "condition_pct": 20.0}
    xs = sorted(xs)
    table = figures(ctx, setting, lever, xs)
    assert table["option"].tolist() == list(range(len(xs)))
    for metric in ("money_moved", "councils_affected"):
        values = table[metric]
        assert (np.diff(values) >= 0).all(), (lever, metric, xs, values)


def _december(exemption: bool = False, margin: bool = False) -> Scenario:
    """The December letter, with the October exemption, or graduated by the margin over
    test (5)'s line (which a threshold moves too)."""
    data = DECEMBER.model_dump(mode="json", exclude_none=True)
    if exemption:
        data["selection"]["exemption"] = {
            "baseline": {"end": "2017-11"},
            "check": {"end": "2018-01"},
        }
    if margin:
        data["consequences"].update(
            graduation="margin", margin_test="rate_2_6", margin_from=0.0, margin_to=2.0
        )
    return scenario_from_mapping(data, context=CONTEXT)


THRESHOLD_AXES = Axes(
    combine=["all", "any", "at_least_2"],
    graduation=["flat", "tests_failed"],
    condition_pct=[0.0, 20.0, 33.0],
    reduction_pct=[0.0, 10.0],
    cap_pct=[100.0, 5.0],
    cap_gbp=[250_000],
    redistribution=["pro_rata_all", "passed"],
)
THRESHOLD_BASES = {
    "flat": DECEMBER,
    "exemption": _december(exemption=True),
    "margin": _december(margin=True),
}


@functools.cache
def threshold_ctx(name: str):  # type: ignore[no-untyped-def]
    axes = THRESHOLD_AXES
    if name == "margin":  # graduation by margin is the base's; the axis would replace it
        axes = axes.model_copy(update={"graduation": None})
    grid = build_grid(Design(axes=axes), THRESHOLD_BASES[name])
    return grid, make_context(grid, DATA, with_beds=False)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(list(THRESHOLD_BASES)),
    st.integers(0, 10**6),
    st.lists(st.floats(0, 50, allow_nan=False), min_size=2, max_size=6),
)
def test_money_and_counts_never_rise_with_a_threshold(
    name: str, pick: int, xs: list[float]
) -> None:
    """Goal-seek treats an above-threshold line as a lever whose every figure falls (or
    stays) as the line rises: fewer councils fail the test, each fails it by less."""
    grid, ctx = threshold_ctx(name)
    setting = grid.setting(pick % grid.size)
    xs = sorted(xs)
    table = figures(ctx, setting, "threshold:rate_2_6", xs)
    assert table["option"].tolist() == list(range(len(xs)))
    for metric in SEEK_METRICS:
        assert (np.diff(table[metric]) <= 0).all(), (name, setting, metric, xs, table[metric])


def test_goal_seek_hits_money_to_the_pound_or_says_why(seek_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, setting = seek_ctx
    setting = {**setting, "condition_pct": 0.0}
    result = goal_seek(ctx, setting, "reduction_pct", "withheld", 3_000_000)
    assert result.met and result.value is not None and result.achieved is not None
    assert result.achieved >= 3_000_000
    # The nearest share short of it (the float below) gives less: the first share found.
    assert result.before is not None and result.before[1] < 3_000_000
    assert np.nextafter(result.before[0], np.inf) >= result.value
    if result.exact:
        assert result.achieved == 3_000_000
        assert "exactly" in result.words
    # The figure there is what the scenario gives.
    again = figures(ctx, setting, "reduction_pct", [result.value])
    assert again["withheld"][0] == result.achieved
    # £2bn is more than the whole Spring Budget element of the selected councils.
    never = goal_seek(ctx, setting, "reduction_pct", "withheld", 2_000_000_000)
    assert not never.met and never.value is None
    assert never.words.startswith("no reduction share (%) from 0 to 100 reaches £2,000,000,000")
    # docs/designer.md quotes these two answers word for word.
    five = goal_seek(ctx, {**setting, "condition_pct": 5.0}, "reduction_pct", "withheld", 2e9)
    docs = " ".join((ROOT / "docs" / "designer.md").read_text(encoding="utf-8").split())
    assert f'"{result.words}"' in docs
    assert f'"{five.words.split(": ", 1)[1]}"' in docs


def test_goal_seek_threshold_finds_the_count_exactly() -> None:
    base = load_scenario(ROOT / "scenarios/december-2017-five-tests.toml", context=CONTEXT)
    grid = build_grid(Design(axes=Axes(criteria=[["rate_2_6"]], combine=["all"])), base)
    ctx = make_context(grid, DATA, with_beds=False)
    setting = grid.setting(0)
    full = figures(ctx, setting, "threshold:rate_2_6", [0.0])["councils_selected"][0]
    target = max(full - 5, 0)
    result = goal_seek(ctx, setting, "threshold:rate_2_6", "councils_selected", target)
    assert result.met and result.value is not None
    at = figures(ctx, setting, "threshold:rate_2_6", [result.value])["councils_selected"][0]
    assert at == result.achieved and at <= target
    if result.before is not None:
        assert result.before[1] > target
    impossible = goal_seek(ctx, setting, "threshold:rate_2_6", "councils_selected", -1)
    assert not impossible.met


# ---------------------------------------------------------------------- oracle bound
def test_oracle_bounds_every_rule_with_the_same_share(
    brute: tuple[pd.DataFrame, pd.DataFrame, list[str]],
) -> None:
    table, _, _ = brute
    grid = build_grid(Design(axes=AXES), OCTOBER)
    ctx = make_context(grid, DATA)
    settings_ = pd.DataFrame([grid.setting(int(i)) for i in table["option"]])
    conditions_only = (settings_["reduction_pct"] == 0) & (settings_["condition_pct"] == 33.0)
    rows = table[conditions_only.to_numpy()]
    budget = float(rows["money_moved"].max())
    g = Guarantees(max_councils=60)
    bound = oracle_bound(
        ctx,
        share_pct=33.0,
        element="spring_budget",
        budget=budget,
        guarantees=g,
        evidence_set="central",
    )
    ok = rows[(rows["money_moved"] <= budget) & (rows["councils_affected"] <= 60)]
    assert not ok.empty
    assert bound.beds >= ok["beds_freed:central"].max() - 1e-9
    assert bound.money <= budget and bound.councils <= 60
    assert bound.words.startswith("a bound, not an option")


def test_oracle_keeps_the_most_deprived_fifth_guarantee() -> None:
    """None of the money from the most deprived fifth is the same programme as every
    council of that fifth exempt; all of it is no guarantee at all."""
    from simulator.design.kernel import most_deprived_fifth

    grid = build_grid(Design(axes=Axes(condition_pct=[33.0])), OCTOBER)
    ctx = make_context(grid, DATA)
    deprived = most_deprived_fifth(DATA)
    assert deprived is not None
    codes = [str(c) for c in np.asarray(DATA.codes)[deprived]]

    def bound(g: Guarantees):  # type: ignore[no-untyped-def]
        return oracle_bound(
            ctx,
            share_pct=33.0,
            element="spring_budget",
            budget=40_000_000,
            guarantees=g,
            evidence_set="central",
        )

    none_ = bound(Guarantees(max_councils=30, max_most_deprived_fifth_pct=0))
    exempt = bound(Guarantees(max_councils=30, exempt=codes))
    assert (none_.beds, none_.councils, none_.money) == (exempt.beds, exempt.councils, exempt.money)
    free = bound(Guarantees(max_councils=30))
    assert bound(Guarantees(max_councils=30, max_most_deprived_fifth_pct=100)).beds == free.beds
    assert free.beds > none_.beds  # the fifth holds some of the best councils to condition


def test_no_oracle_bound_when_the_review_itself_frees_beds() -> None:
    """With an incentive effect of review above 0 every council selected frees beds
    whatever its money, which the programme (money only) does not see: no bound is
    given, and the answer says why. At 0 the same design has one."""
    from simulator.design.run import answer
    from simulator.reports.design import design_summary
    from simulator.schema.design import DesignFile

    design = Design(axes=Axes(condition_pct=[10.0, 33.0], reduction_pct=[0.0]))
    file = DesignFile(name="Incentive", base="october.toml", design=design)
    for pct, given_ in ((0.0, True), (5.0, False)):
        params = OCTOBER.projection.model_copy(update={"incentive_effect_pct": pct})
        base = OCTOBER.model_copy(update={"projection": params})
        grid = build_grid(design, base)
        ctx = make_context(grid, DATA)
        table = pd.DataFrame(evaluate_options(ctx, 0, grid.size))
        answered = answer(file, base, grid, table, ctx)
        assert answered.best is not None
        summary = design_summary(answered, DATA.data_hash)["oracle_bound"]
        if given_:
            assert answered.oracle is not None and answered.oracle_why is None
            assert summary["is"] == "a bound, never an option"
        else:
            assert answered.oracle is None
            assert answered.oracle_why == (
                "no bound: the base scenario's incentive effect of review (5%) frees beds "
                "in every council selected whatever its money, which the programme does "
                "not see"
            )
            assert summary == {"is": "not given", "why": answered.oracle_why}
            # What the programme would have said (docs/designer.md quotes both figures):
            # far below the best option's own beds, so no bound at all.
            blind = oracle_bound(
                ctx,
                share_pct=grid.setting(answered.best["option"])["condition_pct"],
                element="spring_budget",
                budget=float(answered.best["money_moved"]),
                guarantees=design.guarantees,
                evidence_set="central",
            )
            assert round(answered.best["beds_freed:central"], 1) == 34.9
            assert round(blind.beds, 1) == 1.8
