"""The one-page brief: rendered page by page (it must be exactly one page) and read back
as text (it must say what the model says, and user text as text), by tests/pdf.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.engine.run import Result, evaluate, project_scenario
from simulator.inputs.data import Dataset
from simulator.io import SCENARIO_DIR
from simulator.reports import brief
from simulator.reports.summary import policy_sentence
from simulator.reports.words import beds_figure, gbp
from simulator.schema.files import data_context, load_scenario
from simulator.schema.scenario import Scenario
from tests.pdf import ink, pages_and_text
from tests.toy import Toy, rate_test, run


@pytest.fixture(scope="module")
def shipped(dataset: Dataset) -> dict[str, Scenario]:
    context = data_context(dataset.months, list(dataset.codes))
    return {p.stem: load_scenario(p, context=context) for p in SCENARIO_DIR.glob("*.toml")}


def projected(result: Result) -> Any:
    return project_scenario(result, draws=200)


def test_the_october_brief_is_one_page_with_the_model_s_numbers(
    shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    result = evaluate(shipped["october-2017-letter"], dataset)
    projection = projected(result)
    pages, text = pages_and_text(brief.scenario_pdf(result, projection))
    assert len(pages) == 1
    assert ink(pages[0]) > 0.05, "a page with content, not a blank one"
    s = result.summary
    assert "October 2017 letter" in text
    assert "Councils selected; 19 councils change status with one more month of data" in text
    assert f"{s['councils_selected']} of 152" in text
    assert f"Conditioned, 2018/19 {gbp(s['total_conditioned'])}" in text
    assert " ".join(policy_sentence(result).split()) in text
    assert "The letter: 32 councils written to / this model on revised data" in text
    assert "Where the money goes, 2018/19" in text and "Who changes" in text
    assert "Largest amounts conditioned" in text  # conditions move no money
    assert f"median {beds_figure(projection.beds_freed['p50'])}" in text
    assert "Rests on: the central evidence set" in text, "the projection names its evidence"
    # Where the money comes from: 145 councils on their own reports (the 152 less the
    # five reporting £0, Knowsley and the City of London), the rest rebuilt.
    reported = int((result.table["allocation_status"] == "reported 2018-19 outturn").sum())
    assert reported == 152 - 7
    assert (
        f"allocations REPORTED 2018-19 OUTTURN FOR {reported} COUNCILS; THE REST "
        "RECONSTRUCTED: PRECEPT EQUALISATION"
    ) in text
    assert "Allocations above: as each council reported (revenue outturn 2018-19)" in text
    assert "Retained by the centre, 2018/19" not in text, "no retained card at £0"


def test_money_retained_by_the_centre_is_marked_with_the_letter_s_words() -> None:
    # A (rate 10) fails "rate above 5"; 10% of its £1m Spring Budget element is withheld
    # and, by rule, retained: £100,000.
    toys = [Toy("Aville", social_care=10), Toy("Bton", social_care=1), Toy("Cford")]
    result = run(
        toys,
        {
            "name": "Retain it",
            "selection": {"tests": [rate_test("t", "2017-07", threshold=5)]},
            "consequences": {"reduction_pct": 10},
            "redistribution": {"rule": "retain"},
        },
    )
    pages, text = pages_and_text(brief.scenario_pdf(result))
    assert len(pages) == 1
    assert "Retained by the centre, 2018/19 £100,000" in text
    assert "£100,000 of the £100,000 withheld is retained by the centre" in text
    assert "All iBCF funding will remain in local government" in text


MARKUP = "**Bold** <b>tag</b> [link](http://x) =SUM(A1) _under_ \\n"


def test_user_text_is_written_as_text() -> None:
    council = "**B** <i>x</i> =1+1"
    toys = [Toy(council, social_care=10), Toy("Bton", social_care=1), Toy("Cford")]
    result = run(
        toys,
        {
            "name": f"Option {MARKUP}",
            "description": f"Described {MARKUP}",
            "selection": {"tests": [rate_test("t", "2017-07", threshold=5)]},
            "consequences": {"reduction_pct": 10},
        },
    )
    _, text = pages_and_text(brief.scenario_pdf(result))
    assert f"Option {MARKUP}" in text
    assert f"Described {MARKUP}" in text
    assert council in text.split("Largest changes", 1)[1], "the council's name, as given"


def test_without_a_unicode_font_the_core_font_still_writes_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(brief, "FONT_PATHS", ())
    result = run(
        [Toy("Aville", social_care=10), Toy("Bton")],
        {"name": "Dash \u2013 and \u201cquotes\u201d £", "selection": {"tests": []}},
    )
    pages, text = pages_and_text(brief.scenario_pdf(result))
    assert len(pages) == 1
    assert 'Dash - and "quotes" £' in text


def test_a_long_option_still_fits_on_one_page() -> None:
    tests = [
        rate_test(f"t{k}", "2017-07", threshold=float(k), label="A long label " * 6)
        for k in range(12)
    ]
    toys = [Toy(f"Council {k} with a long name", social_care=k) for k in range(40)]
    result = run(
        toys,
        {
            "name": "Long " * 20,
            "description": "Words " * 3000,
            "selection": {"tests": tests, "combine": "at_least", "at_least": 3},
            "consequences": {"reduction_pct": 20, "condition_pct": 30},
            "redistribution": {"rule": "passed", "gain_cap_pct": 1},
        },
    )
    pages, text = pages_and_text(brief.scenario_pdf(result))
    assert len(pages) == 1
    assert "Caveats" in text and "iBCF allocation review simulator" in text


def test_the_comparison_brief_is_one_page(shipped: dict[str, Scenario], dataset: Dataset) -> None:
    names = ["october-2017-letter", "reduce-and-redistribute", "graduated", "status-quo"]
    results = [evaluate(shipped[n], dataset) for n in names]
    pdf = brief.comparison_pdf(results, [projected(r) for r in results])
    pages, text = pages_and_text(pdf)
    assert len(pages) == 1
    assert "Comparison: October 2017 letter / Reduce and redistribute" in text
    for k, r in enumerate(results, start=1):
        assert f"s{k}: {r.scenario.name}." in text
    assert "councils change status between the options" in text
    assert "Status changes by type: " in text and "Status changes by region: " in text
    assert "Largest differences in final allocation" in text


def test_ibcf_brief_writes_a_one_page_pdf(tmp_path: Path) -> None:
    from simulator.cli import main

    out = tmp_path / "brief.pdf"
    scenario = str(SCENARIO_DIR / "graduated.toml")
    assert main(["brief", scenario, "--out", str(out), "--draws", "100"]) == 0
    pages, text = pages_and_text(out.read_bytes())
    assert len(pages) == 1 and "Graduated by margin" in text
    assert main(["brief", scenario, "--out", str(out)]) == 2, "no overwrite unless asked"
    assert main(["brief", scenario, "--out", str(tmp_path / "brief.docx")]) == 2
    both = tmp_path / "both.pdf"
    other = str(SCENARIO_DIR / "status-quo.toml")
    assert main(["brief", scenario, other, "--out", str(both), "--draws", "100"]) == 0
    assert "Comparison: Graduated by margin / Status quo" in pages_and_text(both.read_bytes())[1]


def test_the_workshop_brief_names_no_council(
    shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    from simulator.reports.views import alias_map

    result = evaluate(shipped["october-2017-letter"], dataset)
    aliases = alias_map(list(dataset.codes))
    _, text = pages_and_text(brief.scenario_pdf(result, aliases=aliases))
    largest = result.table.sort_values("conditioned", ascending=False)["council"].head(5)
    assert not [n for n in largest if n in text], "the largest changes are not named"
    assert "Lancashire" not in text and "Isles of Scilly" not in text
    assert any(a in text for a in aliases.values()), "the largest changes under labels"
    assert "The letter: 32 councils written to" in text, "national figures stay"
