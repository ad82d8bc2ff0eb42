"""The 2017 replay and its scorecard of published figures."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator import io
from simulator.cli import main
from simulator.engine.run import data_month, evaluate
from simulator.inputs.data import Dataset
from simulator.reports import replay
from simulator.schema.files import load_scenario

OCTOBER = io.SCENARIO_DIR / "october-2017-letter.toml"
DECEMBER = io.SCENARIO_DIR / "december-2017-five-tests.toml"


@pytest.fixture(scope="module")
def card(dataset: Dataset) -> pd.DataFrame:
    october = evaluate(load_scenario(OCTOBER), dataset)
    december = evaluate(load_scenario(DECEMBER), dataset)
    return replay.scorecard(october, december)


def test_every_published_figure_has_a_labelled_row_with_a_source(
    card: pd.DataFrame, dataset: Dataset
) -> None:
    assert set(card["label"]) <= {"reproduced", "close", "differs", "not comparable"}
    assert card["source"].str.len().min() > 10
    # every per-council iBCF figure in ibcf_known_figures.csv
    allocation = card[card["data"] == "allocations"]
    assert len(allocation) == len(dataset.known_figures) == 18
    # every row of dtoc_expectations_2017.csv: 3 national, 2 Shropshire, Hampshire,
    # Northamptonshire
    for figure in ("9.4", "3.5", "2.6"):
        assert (card["published"].astype(str) == figure).any(), figure
    assert card["figure"].str.startswith("Shropshire").sum() == 2
    # the letter's three figures
    letter = card[card["figure"].str.startswith(("The letter", "Lancashire"))]
    assert len(letter) == 3


def test_the_letters_figures_are_labelled_with_the_revised_data_reason(card: pd.DataFrame) -> None:
    rows = card.set_index("figure")
    lancashire = rows.loc["Lancashire: delayed transfers per 100,000 adults 18+, July 2017"]
    # published 9.7 (to 0.1); the revised data give a little under: close, not reproduced
    assert lancashire["published"] == 9.7
    assert lancashire["label"] == "close" and "revision" in lancashire["reason"]
    assert lancashire["data"].startswith("revised")
    written = rows.loc["The letter: councils written to"]
    assert written["published"] == 32 and written["label"] in ("close", "differs")
    feb = rows.loc["England: delayed beds a day, February 2017 (the published baseline)"]
    assert feb["label"] == "reproduced"
    # September 2017 as first published against the revised figures: 168,302 vs 168,041
    sep = rows.loc["England: total delayed days, September 2017"]
    assert sep["model"] == 168_041 and sep["label"] == "close"
    assert sep["data"].startswith("first published vs revised")
    shropshire = rows.loc["Shropshire: social care expectation for September 2017, beds a day"]
    assert shropshire["label"] == "reproduced"


def test_labels_follow_the_rounding_of_the_published_figure() -> None:
    assert replay.label(92, 91.6, 0.5) == "reproduced"
    assert replay.label(92, 91.4, 0.5) == "close"
    assert replay.label(100, 89.9, 0) == "differs"
    assert replay.label(100, 90.0, 0) == "close"


def test_rules_move_to_each_decision_date(dataset: Dataset) -> None:
    december = load_scenario(DECEMBER)
    assert data_month(december) == "2017-11"
    at_march = replay.at_month(december, "2018-03")
    assert data_month(at_march) == "2018-03"
    at_july = replay.at_month(december, "2017-07")
    assert data_month(at_july) == "2017-07"
    steps = replay.replay_steps([december], dataset)
    assert [s.month for s in steps] == [m for m, _ in replay.DATES]
    # at its own date the rule selects what the scenario itself selects
    own = evaluate(december, dataset)
    at_own = next(s for s in steps if s.month == "2017-11")
    assert at_own.selected == own.table.loc[own.table["selected"], "council"].tolist()


def test_ibcf_replay_prints_the_dates_and_the_scorecard(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    assert main(["-q", "replay", "--counts-only", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("July 2017 expectations")
    for _, label in replay.DATES:
        assert f"{label}:" in out
    assert "Scorecard of published figures" in out
    assert "[reproduced] England: delayed beds a day, February 2017" in out
    written = pd.read_csv(tmp_path / "r" / "scorecard.csv")
    assert {"figure", "published", "model", "label", "reason", "data", "source"} <= set(written)
