"""The Design view, headless: the efficient options of the shipped design under the
page's guarantees, why none qualifies when the guarantees conflict, loading an option as
the current scenario, and the link carrying the design."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from tests.test_app import metrics, new_app, ok, seen


def design_app(**query: str) -> AppTest:
    at = new_app(view="Design", **query)
    at.default_timeout = 180
    return ok(at)


def test_design_view_shows_the_efficient_options_and_the_best() -> None:
    at = design_app()
    shown = metrics(at)
    # The shipped design, at most 40 councils and all money local (the page's defaults):
    # the same counts as `ibcf design` prints (tests/test_design_cli.py).
    assert shown["Options keeping the guarantees"] == "7,392"
    assert shown["Best option"] == "option 918"
    assert any("Best at beds freed per £1m moved" in seen(s.value) for s in at.success)
    assert any(seen(i.value).startswith("A bound, not an option") for i in at.info)
    value = at.query_params["design"]
    link = json.loads(value[0] if isinstance(value, list) else value)
    assert link["max_councils"] == 40 and link["local"] is True


def test_conflicting_guarantees_say_why_not_in_the_boxes_words() -> None:
    at = design_app()
    at.number_input(key="design:max_councils").set_value(1).run()
    at.number_input(key="design:min_beds").set_value(1.0).run()
    ok(at)
    assert metrics(at)["Best option"] == "none"
    (said,) = [seen(m.value) for m in at.markdown if "No option keeps these" in m.value]
    lines = [line.removeprefix("- ") for line in said.split("\n")]
    # Each guarantee by its box's label on the page, as it is set, with its unit.
    councils = "‘At most this many councils affected’"
    beds = "‘Beds freed at least’"
    assert lines[0] == (
        f"No option keeps these together: {councils} at 1; {beds} at 1 (beds a day, "
        "central evidence)."
    )
    assert f"Set {councils} to 0 (no limit): 7,456 options qualify." in lines
    assert f"Set {beds} to 0 (no target): 864 options qualify." in lines
    assert (
        "With the other guarantees kept, no option frees more than 0 beds a day "
        "(central evidence)." in lines
    )
    # No guarantee by the model's own name for it.
    assert not [line for line in lines if re.search(r"\b[a-z]+_[a-z_]+\b", line)], lines
    # A change said is a value to put in the box, and the count is what the page then
    # counts.
    relax = [line for line in lines if line.startswith(f"Set {councils} to ") and "instead" in line]
    (line,) = relax
    wanted, count = re.fullmatch(
        rf"Set {councils} to (\d+) instead of 1: ([\d,]+) options? qualif(?:y|ies)\.", line
    ).groups()  # type: ignore[union-attr]
    at.number_input(key="design:max_councils").set_value(int(wanted)).run()
    assert metrics(ok(at))["Options keeping the guarantees"] == count


def test_best_option_beds_under_every_evidence_set_and_the_bound() -> None:
    at = design_app()
    (message,) = [seen(s.value) for s in at.success]
    # No beds figure of one evidence set alone beside the best option.
    assert "beds a day freed" not in message and "central path" not in message
    (element,) = [t for t in at.main.table if "Evidence set" in t.value.columns]
    table = element.value
    assert list(table["Evidence set"]) == [
        "no effect",
        "low",
        "central (default)",
        "2017/18 fit, optimistic reading",
    ]
    # Option 918's central-path beds under each set (as `ibcf design` finds them) and
    # the bound under each, never below the option's own.
    assert list(table["Beds freed a day (central path)"]) == ["0", "0.2", "0.3", "1.5"]
    assert list(table["Bound (beds a day)"]) == ["0", "0.2", "0.3", "1.6"]
    (bound,) = [seen(i.value) for i in at.info if seen(i.value).startswith("A bound")]
    assert "under each evidence set" in bound and "Spring Budget 2017 element" in bound
    assert "spring_budget" not in bound


def test_frontier_chart_names_its_evidence_set_and_every_sets_beds() -> None:
    at = design_app()
    (chart,) = [
        json.loads(e.proto.spec)
        for e in at.main.get("plotly_chart")
        if "efficient options" in e.proto.spec
    ]
    assert "central evidence" in chart["layout"]["yaxis"]["title"]["text"]
    efficient = chart["data"][1]
    assert efficient["name"] == "efficient options"
    options = [int(i) for i in efficient["customdata"]]  # what a click selects
    assert 918 in options and len(options) == len(efficient["hovertext"])
    for text in efficient["hovertext"]:
        lines = text.split("<br>")
        for label in ("no effect", "low", "central (default)", "2017/18 fit, optimistic reading"):
            assert any(line.startswith(f"{label}: ") for line in lines), (label, lines)
        assert max(len(line) for line in lines) <= 40, lines  # narrow enough for a phone


def test_efficient_options_table_flags_a_ranking_that_flips() -> None:
    at = design_app()
    (element,) = [d for d in at.main.dataframe if "option_words" in d.value.columns]
    table = element.value
    # Beside the option's number, before the long words: ticked where the option's rank
    # by beds is not the same under every evidence set.
    assert list(table.columns[:2]) == ["option", "ranking_flips"]
    config = json.loads(element.proto.columns)
    flips = config["ranking_flips"]
    assert flips["label"] == "Rank flips" and "every evidence set" in flips["help"]
    assert table["ranking_flips"].dtype == bool
    assert table["ranking_flips"].any() and not table["ranking_flips"].all()


def test_loading_an_option_makes_it_the_current_scenario() -> None:
    at = design_app()
    pick = at.selectbox(key="design:pick")
    option = pick.options[1]
    pick.select_index(1).run()
    at.button(key="design:load").click().run()
    ok(at)
    number = option.split(":", 1)[0].removeprefix("Option ").strip()
    assert at.session_state["scenario"].name == f"The October criteria family: option {number}"
    assert at.session_state["compare_pick"] == ["current", "preset:october-2017-letter"]


def test_the_link_carries_the_design() -> None:
    choices = json.dumps({"max_councils": 12, "local": False, "goal": "money_moved"})
    at = design_app(design=choices)
    assert at.number_input(key="design:max_councils").value == 12
    assert at.checkbox(key="design:local").value is False
    assert at.selectbox(key="design:goal").value == "money_moved"
    # Junk in the link is ignored, never an error.
    ok(design_app(design='{"max_councils": true, "exempt": [1], "slug": 3}'))
    ok(design_app(design="not json"))


def test_efficient_options_table_reads_in_words_and_pounds() -> None:
    at = design_app()
    (element,) = [d for d in at.main.dataframe if "option_words" in d.value.columns]
    table = element.value
    assert len(table) > 0
    # The shipped design varies the October 2017 letter's three tests: no cell names
    # one by its id, nor any setting by a name_with_underscores.
    test_ids = ("rate_quartile", "gap_quartile", "trend_quartile")
    for column in table.columns:
        for cell in table[column].astype(str):
            assert not any(t in cell for t in test_ids), (column, cell)
            assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", cell), (column, cell)
    # Money stays a number (the table sorts by amount), shown in pounds with separators
    # under a heading that says so; every objective's heading names its unit.
    assert table["money_moved"].dtype.kind in "if"
    config = json.loads(element.proto.columns)
    money = config["money_moved"]
    assert money["label"] == "Money conditioned or withheld (£)"
    assert money["type_config"] == {"type": "number", "format": "localized"}
    assert config["councils_affected"]["label"].endswith("(councils)")
    assert "_" not in config["beds_freed:central"]["label"]
    assert "central evidence" in config["beds_freed:central"]["label"]


def test_chart_with_no_option_kept_names_its_grey_points() -> None:
    at = design_app()
    at.number_input(key="design:max_councils").set_value(1).run()
    at.number_input(key="design:min_beds").set_value(1.0).run()
    (chart,) = [json.loads(e.proto.spec) for e in ok(at).main.get("plotly_chart")]
    # None keeps the guarantees: the grey points are every option, and say so.
    assert chart["data"][0]["name"] == "every option (none keeps them)"


def test_the_most_deprived_fifth_guarantee_is_a_box_that_counts_and_travels() -> None:
    """'At most this % … from the most deprived fifth' on the page: the options it keeps
    are those of the evaluated grid with at most 10% on the fifth, at most 40 councils
    and nothing retained (counted here from the grid's own columns), and the link
    carries it."""
    from app.services import design_grid

    at = design_app()
    at.number_input(key="design:max_most_deprived_fifth_pct").set_value(10.0).run()
    ok(at)
    table = design_grid("october-criteria-family").table
    kept = (
        (table["most_deprived_fifth_pct"] <= 10 + 1e-9)
        & (table["councils_affected"] <= 40)
        & (table["retained"] <= 0)
    )
    assert 0 < kept.sum() < 7_392
    assert metrics(at)["Options keeping the guarantees"] == f"{int(kept.sum()):,}"
    value = at.query_params["design"]
    link = json.loads(value[0] if isinstance(value, list) else value)
    assert link["max_most_deprived_fifth_pct"] == 10.0
    again = design_app(design=json.dumps(link))
    assert metrics(again)["Options keeping the guarantees"] == f"{int(kept.sum()):,}"


def test_a_link_with_a_design_value_out_of_its_box_s_range_is_left_out() -> None:
    """A hostile or mistyped link (a council limit of 9,999, a share of 250%) leaves those
    boxes at their defaults instead of breaking the page."""
    link = json.dumps({"max_councils": 9999, "max_most_deprived_fifth_pct": 250, "min_beds": -3})
    at = design_app(design=link)
    assert not at.exception
    assert at.number_input(key="design:max_councils").value == 40
    assert at.number_input(key="design:max_most_deprived_fifth_pct").value == 100.0
    assert metrics(at)["Options keeping the guarantees"] == "7,392"


def test_why_not_with_a_dozen_exempt_councils_still_answers() -> None:
    """Thirteen councils exempt besides the limits (15 guarantees, more than every subset
    of which was ever tried): the page says why not instead of showing an error."""
    at = design_app()
    codes = [c for c in at.multiselect(key="design:exempt").options][:13]
    at.multiselect(key="design:exempt").set_value(codes).run()
    at.number_input(key="design:max_councils").set_value(1).run()
    at.number_input(key="design:min_beds").set_value(1.0).run()
    ok(at)
    assert not at.exception
    assert len(at.multiselect(key="design:exempt").value) == 13
    value = at.query_params["design"]
    chosen = at.multiselect(key="design:exempt").value
    assert json.loads(value[0] if isinstance(value, list) else value)["exempt"] == chosen
    assert metrics(at)["Best option"] == "none"
    assert any("No option keeps these together" in m.value for m in at.markdown)
