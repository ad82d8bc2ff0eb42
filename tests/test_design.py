"""The option designer's kernel agrees with the exact engine, option by option.

Each option of a design's grid is a scenario (:func:`simulator.design.grid.option_scenario`).
Run through :func:`simulator.engine.run.evaluate`, it must give the same pounds the kernel
gives (conditioned, withheld, retained, the largest loss) and the same councils; its
projection with ``draws = 0`` the same beds freed under every evidence set.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from simulator.design.grid import build_grid, describe, option_scenario
from simulator.design.kernel import evaluate_options, make_context, split_largest_remainder
from simulator.engine.run import evaluate, project_scenario
from simulator.errors import ScenarioError
from simulator.inputs.data import Dataset, load_dataset
from simulator.money import largest_remainder
from simulator.reports.distribution import council_facts
from simulator.schema.design import Axes, Design
from simulator.schema.files import data_context, load_scenario, scenario_from_mapping
from simulator.schema.scenario import Scenario
from tests.strategies import examples

ROOT = Path(__file__).resolve().parent.parent
DATA: Dataset = load_dataset()
CONTEXT = data_context(DATA.months, list(DATA.codes))
OCTOBER = load_scenario(ROOT / "scenarios/october-2017-letter.toml", context=CONTEXT)
DECEMBER = load_scenario(ROOT / "scenarios/december-2017-five-tests.toml", context=CONTEXT)
GRADUATED = load_scenario(ROOT / "scenarios/graduated.toml", context=CONTEXT)


def with_exemption(base: Scenario, baseline: str, check: str) -> Scenario:
    """``base`` with the October letter's improvement exemption (no shipped scenario has
    one): a selected council whose rate fell by 10% from ``baseline`` to ``check`` is
    exempt."""
    data = base.model_dump(mode="json", exclude_none=True)
    data["selection"]["exemption"] = {"baseline": {"end": baseline}, "check": {"end": check}}
    return scenario_from_mapping(data, context=CONTEXT)


OCTOBER_EXEMPT = with_exemption(OCTOBER, "2017-07", "2017-09")
DECEMBER_EXEMPT = with_exemption(DECEMBER, "2017-11", "2018-01")
RULES = ["retain", "pro_rata_all", "passed", "best_quartile", "met_expectation", "improvers"]


def subsets(draw: st.DrawFn, values: list[object], most: int = 3) -> list[object] | None:
    """None (the base's value) or a few distinct values."""
    if draw(st.booleans()):
        return None
    return draw(st.lists(st.sampled_from(values), min_size=1, max_size=most, unique=True))


@st.composite
def designs(draw: st.DrawFn) -> tuple[object, Design]:
    base = draw(st.sampled_from([OCTOBER, DECEMBER, GRADUATED, OCTOBER_EXEMPT, DECEMBER_EXEMPT]))
    criteria_ids = [t.id for t in base.selection.criteria]
    criteria = None
    if base.selection.combine != "composite" and draw(st.booleans()):
        criteria = draw(
            st.lists(
                st.lists(st.sampled_from(criteria_ids), min_size=1, unique=True),
                min_size=1,
                max_size=2,
                unique_by=lambda x: tuple(x),
            )
        )
    combine = None
    if base.selection.combine != "composite":
        combine = subsets(draw, ["all", "any", "at_least_1", "at_least_2", "at_least_3"])
    axes = Axes(
        criteria=criteria,
        combine=combine,
        data_month=subsets(draw, ["2017-08", "2017-11", "2018-01"], 2),
        attribution=subsets(draw, ["social_care", "social_care_and_both", "total"], 2),
        condition_pct=subsets(draw, [0.0, 12.5, 33.0, 60.0]),
        reduction_pct=subsets(draw, [0.0, 3.3, 10.0, 45.0]),
        base=subsets(draw, ["spring_budget", "original", "total"], 2),
        graduation=subsets(draw, ["flat", "tests_failed"], 2),
        cap_pct=subsets(draw, [100.0, 40.0, 7.5], 2),
        cap_gbp=subsets(draw, [250_000, 2_000_000], 2),
        floor_pct=subsets(draw, [0.0, 96.0, 99.5], 2),
        redistribution=subsets(draw, RULES, 3),
        # Lines for each above-threshold rate test (December's test (5) at 2.6), and the
        # exemption on and off where the base has one.
        thresholds={
            t.id: lines
            for t in base.selection.tests
            if t.kind == "rate" and t.mode == "above_threshold"
            for lines in [subsets(draw, [0.0, 1.3, 2.6, 5.0, 12.0])]
            if lines is not None
        }
        or None,
        exemption=subsets(draw, [True, False], 2) if base.selection.exemption else None,
    )
    return base, Design(axes=axes)


FIGURES = {
    "conditioned": "total_conditioned",
    "withheld": "total_withheld",
    "retained": "total_retained",
    "councils_selected": "councils_selected",
}


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs(), st.data())
def test_every_option_equals_its_scenario(case: tuple[object, Design], data: st.DataObject) -> None:
    base, design = case
    grid = build_grid(design, base)  # type: ignore[arg-type]
    ctx = make_context(grid, DATA)
    table = evaluate_options(ctx, 0, grid.size)
    assume(len(table["option"]) > 0)  # e.g. "at least 2" of one test: no valid option
    picks = data.draw(
        st.lists(st.integers(0, len(table["option"]) - 1), min_size=1, max_size=3, unique=True)
    )
    for j in picks:
        index = int(table["option"][j])
        scenario = option_scenario(grid, index, context=CONTEXT)
        result = evaluate(scenario, DATA)
        for ours, theirs in FIGURES.items():
            assert table[ours][j] == result.summary[theirs], (ours, scenario.description)
        t = result.table
        affected = int(((t["conditioned"] > 0) | (t["withheld"] > 0)).sum())
        assert table["councils_affected"][j] == affected
        loss = np.maximum(t["withheld"] - t["received"], 0)
        assert table["largest_loss_gbp"][j] == loss.max()
        total = t["allocation_total"].to_numpy()
        pct = np.where(total > 0, 100 * loss / np.where(total > 0, total, 1), 0.0)
        assert table["largest_loss_pct"][j] == pytest.approx(pct.max(), abs=1e-12)
        # Who bears it, by the distribution annex's own deciles of the run.
        facts = council_facts(result)
        most = facts["deprivation_decile"].isin(["1", "2"]).to_numpy()
        moved = (t["conditioned"] + t["withheld"]).to_numpy()
        assert table["most_deprived_fifth_gbp"][j] == moved[most].sum()
        share = 100 * moved[most].sum() / moved.sum() if moved.sum() else 0.0
        assert table["most_deprived_fifth_pct"][j] == pytest.approx(share, abs=1e-12)
        for name in ctx.evidence:
            params = scenario.projection.model_copy(update={"evidence_set": name, "draws": 0})
            central = evaluate(scenario.model_copy(update={"projection": params}), DATA)
            projected = project_scenario(central)
            assert table[f"beds_freed:{name}"][j] == pytest.approx(
                projected.beds_freed["p50"], rel=1e-9, abs=1e-9
            )


def test_invalid_combinations_are_not_options() -> None:
    """Shares over 100% together, or at least 3 of two tests, are not options."""
    design = Design(
        axes=Axes(
            condition_pct=[60.0, 30.0],
            reduction_pct=[50.0],
            criteria=[["rate_quartile", "gap_quartile"]],
            combine=["at_least_2", "at_least_3"],
        )
    )
    grid = build_grid(design, OCTOBER)
    table = evaluate_options(make_context(grid, DATA, with_beds=False), 0, grid.size)
    # 2 condition shares x 1 reduction x 2 combinations: only 30% + 50%, at least 2, is one
    assert grid.size == 4
    assert table["option"].tolist() == [grid.size - 3]
    with pytest.raises(ScenarioError, match="contradicts itself"):
        option_scenario(grid, 0)


def test_an_option_is_described_by_what_its_tests_measure() -> None:
    """The October letter's test labels name July 2017 and social care; an option on
    September data must not read as July's tests, nor name a test by its id."""
    design = Design(
        axes=Axes(
            criteria=[["rate_quartile", "gap_quartile"], ["trend_quartile"]],
            data_month=["2017-08", "2017-09"],
            cap_gbp=[1_000_000, 2_000_000],
        )
    )
    grid = build_grid(design, OCTOBER)
    described = [describe(grid, k) for k in range(grid.size)]
    assert len(described) == 8 and len(set(described)) == 8
    first_criteria = [d for d in described if "criteria DToC rate + gap to expectation;" in d]
    trend = [d for d in described if "criteria 3-month change;" in d]
    assert len(first_criteria) == len(trend) == 4
    assert sum("data of September 2017" in d for d in described) == 4
    assert sum("£1,000,000" in d for d in described) == 4
    assert not any("July" in d or "_quartile" in d for d in described)


def test_axes_the_base_cannot_carry_are_refused() -> None:
    design = Design(axes=Axes(criteria=[["nope"]], thresholds={"rate_quartile": [2.0]}))
    with pytest.raises(ScenarioError) as info:
        build_grid(design, OCTOBER)
    words = " ".join(info.value.problems)
    assert "nope not among the base scenario's criteria" in words
    assert "thresholds.rate_quartile: not an above-threshold rate test" in words


def test_threshold_axis_moves_the_line() -> None:
    """December's test (5): a higher line selects no more councils (hand check of order)."""
    design = Design(axes=Axes(thresholds={"rate_2_6": [1.0, 2.6, 5.0]}, combine=["any"]))
    grid = build_grid(design, DECEMBER)
    table = evaluate_options(make_context(grid, DATA, with_beds=False), 0, grid.size)
    counts = table["councils_selected"].tolist()
    assert counts == sorted(counts, reverse=True)
    assert grid.setting(2)["threshold:rate_2_6"] == 5.0


def test_the_most_deprived_fifth_by_hand() -> None:
    """Four councils, the first and third in the most deprived fifth."""
    from simulator.design.objectives import REGISTER, Batch

    conditioned = np.array([[100, 0, 0, 50], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 30, 0]])
    withheld = np.array([[0, 0, 25, 25], [0, 40, 0, 0], [0, 0, 0, 0], [10, 0, 0, 0]])
    batch = Batch(
        conditioned=conditioned,
        withheld=withheld,
        received=np.zeros((4, 4), dtype=np.int64),
        selected=np.ones(4, dtype=bool),
        allocation=np.full(4, 1_000),
        beds={},
        deprived=np.array([True, False, True, False]),
    )
    # Row 0: 100 + 25 of 200 moved; row 1: none of 40; row 2: nothing moves; row 3: all 40.
    gbp = REGISTER["most_deprived_fifth_gbp"].compute(batch)
    pct = REGISTER["most_deprived_fifth_pct"].compute(batch)
    assert gbp.tolist() == [125.0, 0.0, 0.0, 40.0]
    assert pct.tolist() == [62.5, 0.0, 0.0, 100.0]
    assert REGISTER["most_deprived_fifth_pct"].sense == "min"


def test_the_most_deprived_fifth_is_the_annex_s() -> None:
    """The kernel's fifth is the annex's deciles 1 and 2 (31 of 152 councils: ranks 0-30
    of 152 cut into tenths, 16 + 15); without the who-bears-it table the objectives are
    left out and a guarantee on them is refused by name."""
    import dataclasses

    from simulator.design.kernel import most_deprived_fifth
    from simulator.design.run import answer
    from simulator.design.search import constraints
    from simulator.schema.design import DesignFile, Guarantees

    deprived = most_deprived_fifth(DATA)
    assert deprived is not None and int(deprived.sum()) == 31
    facts = council_facts(evaluate(OCTOBER, DATA))
    assert deprived.tolist() == facts["deprivation_decile"].isin(["1", "2"]).tolist()
    bare = dataclasses.replace(DATA, distribution=None)
    grid = build_grid(Design(axes=Axes(condition_pct=[10.0])), OCTOBER)
    ctx = make_context(grid, bare, with_beds=False)
    assert ctx.deprived is None and "most_deprived_fifth_pct" not in ctx.objectives
    table = evaluate_options(ctx, 0, grid.size)
    design = Design(
        axes=grid.design.axes,
        objectives=["money_moved"],
        goal={"objective": "money_moved", "sense": "min"},
        guarantees=Guarantees(max_most_deprived_fifth_pct=20),
    )
    assert [r.column for r in constraints(design.guarantees)] == ["most_deprived_fifth_pct"]
    file = DesignFile(name="x", base="october.toml", design=design)
    with pytest.raises(ScenarioError, match="max_most_deprived_fifth_pct: this dataset has no"):
        answer(file, OCTOBER, grid, pd.DataFrame(table), ctx)


@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
    st.lists(st.integers(0, 5), min_size=1, max_size=8),
)
def test_split_is_largest_remainder_row_by_row(totals: list[int], weights: list[int]) -> None:
    w = np.array(weights, dtype=float)
    if w.sum() == 0:
        w[0] = 1.0
    out = split_largest_remainder(np.array(totals), w)
    for row, total in zip(out, totals, strict=True):
        expected = np.zeros(len(w), dtype=np.int64)
        expected[w > 0] = largest_remainder(total, w[w > 0])
        assert row.tolist() == expected.tolist()


# ---------------------------------------------------------------------- design files
GOOD = """
schema_version = 1
name = "A design"
base = "october.toml"

[design.axes]
condition_pct = [10.0, 33.0]
"""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("[design.axes]", "[design.axes]\nshare = [1.0]"), "design.axes.share: unknown key"),
        (("10.0, 33.0", "10.0, 133.0"), "design.axes.condition_pct.1: Input should be less"),
        (("10.0, 33.0", "10.0, 10.0"), "design.axes.condition_pct: values listed more than once"),
        (("10.0, 33.0", '"10", 33.0'), "design.axes.condition_pct.0: Input should be a valid"),
        (('base = "october.toml"', 'base = "missing.toml"'), "missing.toml: no such file"),
        (('base = "october.toml"', 'base = "/etc/x.toml"'), "base: a relative path"),
        (("schema_version = 1", "schema_version = 2"), "schema_version: Input should be less"),
        (
            ("[design.axes]", "[design.guarantees]\nmax_councils = 153\n[design.axes]"),
            "design.guarantees.max_councils: Input should be less than or equal to 152",
        ),
        (
            ("[design.axes]", '[design.guarantees]\nexempt = ["X1"]\n[design.axes]'),
            "design.guarantees.exempt.0: String should match pattern",
        ),
        (
            ("[design.axes]", '[design]\nobjectives = ["a", "a"]\n[design.axes]'),
            "design.objectives: objectives listed more than once: a",
        ),
    ],
)
def test_each_broken_design_file_says_what_and_where(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    from simulator.design.run import load_design

    (tmp_path / "october.toml").write_text(
        (ROOT / "scenarios/october-2017-letter.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = tmp_path / "design.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_design(path, context=CONTEXT)
    assert any(words in p for p in info.value.problems), info.value.problems


def test_the_good_design_file_loads(tmp_path: Path) -> None:
    from simulator.design.run import load_design

    (tmp_path / "october.toml").write_text(
        (ROOT / "scenarios/october-2017-letter.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "design.toml").write_text(GOOD, encoding="utf-8")
    file, base = load_design(tmp_path / "design.toml", context=CONTEXT)
    assert base.name == "October 2017 letter"
    assert build_grid(file.design, base).size == 2


def test_ranking_flips_marks_options_the_evidence_sets_order_differently() -> None:
    from simulator.design.robust import ranking_flips

    # Three options: under "low" A < B < C, under "high" A < C < B; "none" ties all.
    frame = pd.DataFrame(
        {"beds:low": [1.0, 2.0, 3.0], "beds:high": [5.0, 9.0, 8.0], "beds:none": [0.0] * 3}
    )
    assert ranking_flips(frame, ["low", "high", "none"], "beds").tolist() == [False, True, True]
    assert ranking_flips(frame, ["low", "none"], "beds").tolist() == [False, False, False]


def test_a_written_option_says_what_it_is_not_what_its_base_was() -> None:
    """The October letter's notes say it selects 37 councils with 33% conditioned, its
    test labels name July 2017 and social care, and it keeps ``at_least = 2``. Its
    option with all three criteria failed on September data, social care and "both"
    delays, 10% conditioned, must carry none of that: notes whose figures are the
    option's own, labels only on tests the option leaves as they were, and no
    ``at_least`` under a rule that needs all tests failed."""
    design = Design(
        axes=Axes(
            combine=["all", "at_least_2"],
            data_month=["2017-07", "2017-09"],
            attribution=["social_care_and_both"],
            condition_pct=[10.0],
        )
    )
    grid = build_grid(design, OCTOBER)
    assert "37 councils" in OCTOBER.notes and "33%" in OCTOBER.notes
    index = next(
        k
        for k in range(grid.size)
        if grid.setting(k)["combine"] == "all" and grid.setting(k)["data_month"] == "2017-09"
    )
    scenario = option_scenario(grid, index, context=CONTEXT)
    result = evaluate(scenario, DATA)
    assert result.summary["councils_selected"] == 11  # as the worked example says

    figures = set(re.findall(r"\d+(?:\.\d+)?%?", scenario.notes))
    own = set(re.findall(r"\d+(?:\.\d+)?%?", describe(grid, index, every=True)))
    assert figures <= own | {str(index)}, figures - own
    assert "37" not in figures and "33%" not in figures
    assert "October 2017 letter" in scenario.notes  # names its base
    written = tomllib.loads(scenario.to_toml())
    assert "at_least" not in written["selection"]
    assert scenario.selection.combine == "all"
    # Every test moved to September data and "both" delays: no label of the base's left,
    # so each reads as the option's own test.
    assert not any(t.label for t in scenario.selection.tests)
    labels = [o.label for o in result.outcomes]
    assert len(labels) == 3 and not any("July" in label for label in labels), labels
    # The same option on the base's month and delays, and "at least 2", keeps them all.
    same = Design(axes=Axes(condition_pct=[10.0]))
    kept = option_scenario(build_grid(same, OCTOBER), 0, context=CONTEXT)
    assert [t.label for t in kept.selection.tests] == [t.label for t in OCTOBER.selection.tests]
    assert kept.selection.at_least == 2
