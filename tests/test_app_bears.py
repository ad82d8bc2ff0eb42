"""The app's who-bears-it panels: the Overview's deprivation chart and sentence, the
council card's stability, cliff and switch exposure, and Compare's equity measures,
each the model's own figures; workshop mode names no council in them."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from simulator.engine.run import evaluate
from simulator.inputs.data import Dataset
from simulator.reports import distribution, incentives, stability
from simulator.schema.files import data_context
from tests.test_app import frame_with, link_default, new_app, ok, preset, seen, view


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


def texts(at: AppTest) -> str:
    return " ".join([*(m.value for m in at.main.markdown), *(t.value for t in at.main.text)])


def test_overview_says_who_bears_the_option(dataset: Dataset, context: dict[str, Any]) -> None:
    # The second run: a new visitor's first Overview draws its charts a moment later.
    at = ok(ok(new_app()).run())
    result = evaluate(preset(link_default(), context), dataset)
    sentence = distribution.sentence(distribution.annex(result))
    text = seen(" ".join(m.value for m in at.main.markdown))
    assert "Who bears it" in text
    assert sentence in text
    assert "Money by deprivation decile of councils (IoD2015)" in text


def test_the_card_shows_stability_cliff_and_switch(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    at = ok(new_app())
    view(at, "Councils")
    code = "E10000017"  # Lancashire
    at.selectbox(key="council_select").set_value(code).run()
    ok(at)
    result = evaluate(preset(link_default(), context), dataset)
    i = dataset.position(code)
    shown = texts(at)
    assert stability.council_line(stability.stability(result), i) in shown
    for line in incentives.council_lines(incentives.incentives(result), i):
        assert line in shown


def test_compare_sets_the_equity_measures_side_by_side(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    at = ok(new_app())
    view(at, "Compare")
    at.multiselect(key="compare_pick").set_value(["current", "preset:graduated"]).run()
    ok(at)
    equity = frame_with(at, "Measure", "Meaning").set_index("Measure")
    graduated = evaluate(preset("graduated", context), dataset)
    gini = next(m for m in distribution.annex(graduated).measures if m.key == "gini")
    column = [c for c in equity.columns if c != "Meaning"][1]
    assert float(equity.loc[gini.name, column]) == pytest.approx(gini.option, abs=1e-4)
    firm = stability.stability(graduated).overlap()
    overlap = "Mean overlap of plausible variants' lists with the option's own"
    assert float(equity.loc[overlap, column]) == pytest.approx(firm, abs=1e-4)


def test_workshop_mode_names_no_council_in_the_new_panels(dataset: Dataset) -> None:
    at = ok(new_app())
    at.toggle(key="workshop").set_value(True).run()
    view(at, "Councils")
    code = at.selectbox(key="council_select").value
    name = dataset.councils.set_index("gss_code").loc[code, "council"]
    shown = texts(at)
    assert "plausible variants" in shown
    assert name not in shown
    view(at, "Overview")
    assert "Who bears it" in seen(" ".join(m.value for m in at.main.markdown))


def test_the_timeline_replays_2017_and_shows_the_scorecard(dataset: Dataset) -> None:
    from simulator.reports import replay

    at = ok(new_app())
    view(at, "Timeline")
    counts = frame_with(at, "decision date")
    assert list(counts["decision date"]) == [label for _, label in replay.DATES]
    december = evaluate(preset("december-2017-five-tests", data_context(dataset.months,
                                                                        list(dataset.codes))),
                        dataset)  # fmt: skip
    row = counts.set_index("decision date").loc[replay.DATES[2][1]]
    assert row[december.scenario.name] == december.summary["councils_selected"]
    card = frame_with(at, "figure", "label")
    assert "Lancashire: patients delayed daily due to social care" in set(card["figure"])
    at.toggle(key="workshop").set_value(True).run()
    view(at, "Timeline")
    card = frame_with(at, "figure", "label")
    assert not card["figure"].str.startswith(("Lancashire", "Devon", "Kent")).any()
    assert card["figure"].str.startswith("England").any()
    assert "Lancashire" not in texts(at)
