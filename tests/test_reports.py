"""One rule each for the reports: the rate councils are ranked on, the workshop labels
and the comparison summary, on made-up councils worked out by hand."""

from __future__ import annotations

import pandas as pd

from simulator.reports.anonymous import IDENTIFYING, anonymise
from simulator.reports.compare import comparison, scenario_table, summary_table
from simulator.reports.hexmap import map_frame
from simulator.reports.tables import RateBasis, councils_frame, rate_basis
from tests.toy import Toy, make_dataset, monthly, rate_test, run

# Social care beds a day (= rate per 100,000: every toy has 100,000 adults). November
# ranks them Bee, Dee, Cee, Ay; July and December rank them the other way round.
TOYS = [
    Toy("Ay", social_care=monthly(1.0, nov=4.0, jul=1.0, dec=1.0)),
    Toy("Bee", social_care=monthly(1.0, nov=1.0, jul=4.0, dec=4.0)),
    Toy("Cee", social_care=monthly(1.0, nov=3.0, jul=2.0, dec=2.0)),
    Toy("Dee", social_care=monthly(1.0, nov=2.0, jul=3.0, dec=3.0)),
]
NO_TESTS: dict[str, object] = {}
JULY = {"selection": {"tests": [rate_test("t1", "2017-07", threshold=3.5)]}}
LAYOUT = pd.DataFrame(
    {
        "gss_code": ["E06000001", "E06000002", "E06000003", "E06000004"],
        "q": [0, 1, 2, 3],
        "r": [0, 0, 0, 0],
        "x": [0.0, 1.0, 2.0, 3.0],
        "y": [0.0, 0.0, 0.0, 0.0],
    }
)


def _quartiles(result: object) -> dict[str, str]:
    frame = councils_frame(result)  # type: ignore[arg-type]
    return dict(zip(frame["council"], frame["dtoc_quartile"], strict=True))


def test_a_scenario_reading_no_month_is_ranked_on_november_2017_everywhere() -> None:
    result = run(TOYS, NO_TESTS)
    assert rate_basis(result) == RateBasis("social_care", "2017-11")
    assert _quartiles(result) == {
        "Bee": "Q1 lowest delays",
        "Dee": "Q2",
        "Cee": "Q3",
        "Ay": "Q4 highest delays",
    }
    shown = map_frame(result, LAYOUT)
    assert set(shown["rate_month"]) == {"2017-11"}  # not December, the last month of data
    assert dict(zip(shown["council"], shown["rate"], strict=True)) == {
        "Ay": 4.0,
        "Bee": 1.0,
        "Cee": 3.0,
        "Dee": 2.0,
    }


def test_the_table_and_the_map_rank_on_the_month_the_tests_read() -> None:
    result = run(TOYS, JULY)
    assert rate_basis(result) == RateBasis("social_care", "2017-07")
    assert _quartiles(result) == {
        "Ay": "Q1 lowest delays",
        "Cee": "Q2",
        "Dee": "Q3",
        "Bee": "Q4 highest delays",
    }
    assert set(map_frame(result, LAYOUT)["rate_month"]) == {"2017-07"}


def test_a_letter_quotes_a_rate_test_else_the_latest_month() -> None:
    assert rate_basis(run(TOYS, JULY), letter=True) == RateBasis("social_care", "2017-07")
    # the deliberate variant: with no rate test a letter quotes the latest month of data
    assert rate_basis(run(TOYS, NO_TESTS), letter=True) == RateBasis("social_care", "2017-12")


COUNCILS = pd.DataFrame(
    {
        "gss_code": ["E3", "E1", "E2"],
        "council": ["Westshire", "Northshire", "Southshire"],
        "region": ["West", "North", "South"],
        "adults_18plus": [300, 100, 200],
        "change": [-30, -10, -20],
    }
)
ALIASES = {"E1": "Council B", "E2": "Council A"}  # no alias for E3


def test_no_variant_of_the_workshop_labels_shows_a_name() -> None:
    for shown in (
        anonymise(COUNCILS, ALIASES),
        anonymise(COUNCILS, ALIASES, codes="hide"),
        anonymise(COUNCILS, ALIASES, names_only=True),
    ):
        assert not set(shown["council"]) & set(COUNCILS["council"])
        assert sorted(shown["council"]) == ["Council A", "Council B", "a council"]
        assert sorted(shown["change"]) == [-30, -20, -10]


def test_the_pack_drops_codes_and_sorts_by_label() -> None:
    shown = anonymise(COUNCILS, ALIASES)
    assert list(shown.columns) == ["council", "change"]
    assert list(shown["council"]) == ["Council A", "Council B", "a council"]
    assert list(shown["change"]) == [-20, -10, -30]


def test_the_app_hides_codes_and_the_brief_keeps_its_columns() -> None:
    hidden = anonymise(COUNCILS, ALIASES, codes="hide")
    assert set(hidden["gss_code"]) == {"hidden"}
    assert not set(IDENTIFYING) & set(hidden.columns)
    assert list(hidden["council"]) == ["Council A", "Council B", "a council"]
    named = anonymise(COUNCILS, ALIASES, names_only=True)
    assert list(named.columns) == list(COUNCILS.columns)
    assert list(named["gss_code"]) == ["E3", "E1", "E2"]  # the brief's row order is its own


def test_both_formats_of_the_comparison_say_the_same_figures() -> None:
    # Bee is the one council above 3.5 in July; 10% of its £1m Spring Budget element
    # (£100,000) is withheld and shared by the other three, pro rata to equal bases.
    reduce = {**JULY, "consequences": {"reduction_pct": 10}}
    data = make_dataset(TOYS)
    results = [run(data, NO_TESTS), run(data, reduce)]
    compared = comparison(results, labels=["now", "reduced"])
    csv = summary_table(compared).set_index("measure")
    assert list(csv.columns) == ["unit", "now", "reduced"]
    assert csv.loc["councils_selected", "reduced"] == 1
    assert csv.loc["total_withheld", "reduced"] == 100_000
    assert csv.loc["total_received", "reduced"] == 100_000
    assert csv.loc["total_final", "now"] == csv.loc["total_final", "reduced"] == 12_000_000
    table = scenario_table(compared).set_index("scenario")
    for measure, column in (
        ("councils_selected", "councils selected"),
        ("total_withheld", "withheld £ 2018/19"),
        ("total_received", "redistributed £ 2018/19"),
    ):
        for label in ("now", "reduced"):
            assert table.loc[label, column] == csv.loc[measure, label], (measure, label)


def test_labelling_twice_changes_nothing_and_shows_no_name() -> None:
    once = anonymise(COUNCILS, ALIASES, codes="hide")
    twice = anonymise(once, ALIASES, codes="hide")
    assert twice.equals(once)
    assert list(twice["council"]) == ["Council A", "Council B", "a council"]


def test_the_run_summary_is_its_typed_record() -> None:
    """Every read of a run's summary is checked by mypy against ``RunSummary``: the
    record must be exactly what a run gives, key for key and type for type."""
    from typing import get_type_hints

    from simulator.engine.run import RunSummary

    summary = run(TOYS, JULY).summary
    hints = get_type_hints(RunSummary)
    assert set(summary) == set(hints) == RunSummary.__required_keys__
    wrong = {k: type(v).__name__ for k, v in summary.items() if type(v) is not hints[k]}
    assert wrong == {}
    # The toy: Ay, Bee, Cee, Dee have 1, 4, 2, 3 beds a day in July; the threshold 3.5
    # selects Bee alone, and the summary says so in whole numbers.
    assert summary["councils_selected"] == 1
    assert summary["year"] == "2018/19" and summary["data_month"] == "2017-07"
