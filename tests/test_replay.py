"""The 2017 replay and its scorecard of published figures."""

from __future__ import annotations

import re

import numpy as np
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
ROOT = io.PROJECT_ROOT
SOURCES = ROOT / "data" / "raw" / "SOURCES.md"


@pytest.fixture(scope="module")
def card(dataset: Dataset) -> pd.DataFrame:
    october = evaluate(load_scenario(OCTOBER), dataset)
    december = evaluate(load_scenario(DECEMBER), dataset)
    return replay.scorecard(october, december)


# Every CSV in data/raw/ is either a file of published figures recorded as checks (each
# row must have a scorecard row; the column holding the figure) or an input table of the
# model (why it is not checked row by row). A new file must be put in one or the other.
CHECK_FILES = {
    "ibcf_known_figures.csv": "amount",
    "asc_rnf_checkpoints.csv": "amount",
    "dtoc_expectations_2017.csv": "expectation_value",
}
DATA_TABLES = {
    "council_reference.csv": "input: the 152 councils, regions, types and adults",
    "council_population_ages.csv": "input: populations by age; England checks in SOURCES.md",
    "covid19_tranche1_allocations.csv": "input: the proxy for need shares; totals in SOURCES.md",
    "council_tax_requirement_2014_2020.csv": "input: the precept; its checks in SOURCES.md",
    "council_taxbase_ctb_2016_2018.csv": "input: a control on the CTR tax bases",
    "dtoc_monthly.csv": "input: the delays themselves; England checks in SOURCES.md",
    "dtoc_la_lookup_2017.csv": "input: council codes, no figures",
    "revenue_outturn_2018_19.csv": "input: councils' reports; national sums in SOURCES.md",
    "council_distribution.csv": "input of the annexes; its checks (IoD2019, £17.5bn) in SOURCES.md",
}
# A figure written in data/raw/SOURCES.md: pounds (with m, bn or k), a percentage, or a
# number with thousands separators.
TOKEN = re.compile(r"£\d[\d,]*(?:\.\d+)?(?:bn|m|k)?|\d+(?:\.\d+)?%|\d{1,3}(?:,\d{3})+")
# The figures SOURCES.md writes that are not published figures, and why.
NOT_PUBLISHED = {
    "£000": "a unit (thousands of pounds)",
    "2%": "the rate that defines a column of the CTR file",
    "£1.5m": "what a pure need split would give Devon: the project's own working",
    "£11.8m": "what a pure need split would give Devon: the project's own working",
    "£21.5m": "what a pure need split would give Devon: the project's own working",
    "0.414%": "Bromley's share worked from its published £4.184m, which has a row",
    "0.504%": "Bromley's share worked from its published £3.4m, which has a row",
    "£1.24bn": "the sum of rows of another category that the data leave out",
}


def _token(text: str) -> tuple[float, float]:
    """A figure as written in SOURCES.md: its value and half its last unit.

    >>> _token("£381.8m"), _token("55,619,430"), _token("39.8%"), _token("£17.5bn")
    ((381800000.0, 50000.0), (55619430.0, 0.5), (39.8, 0.05), (17500000000.0, 50000000.0))
    """
    number = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    assert number is not None
    digits = number.group(0).replace(",", "")
    scale = {"bn": 1e9, "m": 1e6, "k": 1e3}.get(text[number.end() :].rstrip("%"), 1.0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) * scale, 0.5 * 10.0**-decimals * scale


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def test_the_scorecard_labels_are_the_four_documented_ones(card: pd.DataFrame) -> None:
    assert list(replay.LABELS) == ["reproduced", "close", "not reproduced", "not comparable"]
    assert set(card["label"]) == set(replay.LABELS)
    docs = (ROOT / "docs" / "who-bears.md").read_text(encoding="utf-8")
    for label in replay.LABELS:
        assert f"*{label}*" in docs, label
        assert f"*{label}*" in (replay.__doc__ or ""), label
    assert "differs" not in set(card["label"])
    # every row has its source, and a reason wherever it is not reproduced
    assert card["source"].str.len().min() > 10
    assert card.loc[card["label"] != "reproduced", "reason"].str.len().min() > 10


def test_every_published_figure_has_a_labelled_row_with_a_source(
    card: pd.DataFrame, dataset: Dataset
) -> None:
    raw = ROOT / "data" / "raw"
    assert {p.name for p in raw.glob("*.csv")} == set(CHECK_FILES) | set(DATA_TABLES)
    published = _numbers(card["published"])
    # every row of each file of published figures, by its figure and its council
    for name, column in CHECK_FILES.items():
        table = pd.read_csv(raw / name)
        here = card[card["recorded_in"] == f"data/raw/{name}"]
        values = _numbers(here["published"])
        for _, r in table.iterrows():
            match = here[np.isclose(values, float(r[column]))]
            if r["council"] != "England":
                match = match[match["figure"].str.contains(str(r["council"]), regex=False)]
            assert len(match), (name, r["council"], r[column])
    assert len(card[card["recorded_in"] == "data/raw/ibcf_known_figures.csv"]) == 18
    assert len(card[card["recorded_in"] == "data/raw/asc_rnf_checkpoints.csv"]) == 8
    # every figure of a shipped scenario's reconciliation (the letters' figures)
    for path in sorted(io.SCENARIO_DIR.glob("*.toml")):
        scenario = load_scenario(path)
        if scenario.reconciliation is None:
            continue
        here = card[card["recorded_in"] == replay.scenario_record(scenario.name)]
        for fact in scenario.reconciliation.facts:
            assert np.isclose(_numbers(here["published"]), fact.published).any(), fact
    # every figure written in SOURCES.md: a row's published figure (or the model's,
    # where the project records its sum beside the published one) within the figure's
    # rounding, or in a row's words; else listed above as not a published figure
    model = _numbers(card["model"])
    words = " ".join(card["figure"]) + " " + " ".join(card["published"].astype(str))
    missing = []
    for token in {m.group(0).rstrip(",") for m in TOKEN.finditer(SOURCES.read_text("utf-8"))}:
        value, half = _token(token)
        near = (np.abs(published - value) <= half) | (np.abs(model - value) <= half)
        if not near.any() and token not in words and token not in NOT_PUBLISHED:
            missing.append(token)
    assert missing == []
    # the council distribution file's check column
    assert card["figure"].str.startswith("IoD2019").sum() == 1


def test_a_published_figure_written_without_a_row_is_found(card: pd.DataFrame) -> None:
    """The search above finds a figure SOURCES.md would add without a row."""
    value, half = _token("£123.4m")
    assert not (np.abs(_numbers(card["published"]) - value) <= half).any()
    assert "£123.4m" not in NOT_PUBLISHED


def test_the_winter_pressures_grants_are_inputs_with_the_proxy_beside_them(
    card: pd.DataFrame,
) -> None:
    rows = card[card["recorded_in"] == "data/raw/asc_rnf_checkpoints.csv"].set_index("figure")
    assert set(rows["label"]) == {"not comparable"}
    assert rows["reason"].str.startswith("an input, not an output").all()
    norfolk = rows.loc["Norfolk: winter pressures grant 2018-19 (ASC RNF share of £240m), £"]
    # exact to the pound: the model's need share is £4,178,678 / £240m
    assert norfolk["published"] == 4_178_678 and norfolk["model"] == 4_178_678
    kent = rows.loc["Kent: winter pressures grant 2018-19 (ASC RNF share of £240m), £"]
    # £6.1m to £0.1m: the share stays within £6.05m to £6.15m of £240m
    assert 6_050_000 <= kent["model"] <= 6_150_000
    assert "£6,050,000 to £6,150,000" in kent["reason"]


def test_the_published_checks_of_the_data_are_reproduced(card: pd.DataFrame) -> None:
    rows = card.set_index("figure")
    # SOURCES.md: 144 of 152 councils levied a precept in 2016-17, raising £381.8m
    # (published: 144, £382m); England ASC gross spend £17.53bn (published £17.5bn)
    precept = rows.loc["England: ASC precept raised, 2016-17, £"]
    assert precept["published"] == 382_000_000 and precept["label"] == "reproduced"
    assert abs(precept["model"] - 381_800_000) < 50_000
    assert rows.loc["England: councils levying the ASC precept, 2016-17", "model"] == 144
    spend = rows.loc["England: adult social care gross current expenditure, 2016-17, £"]
    assert spend["label"] == "reproduced" and abs(spend["model"] - 17_530_000_000) < 5e6
    devon = rows.loc["Devon: ASC precept levied, 2016-17, £"]
    assert devon["model"] == 6_453_089 and devon["label"] == "reproduced"
    # the pots are inputs, not outputs
    pot = rows.loc["England: Spring Budget iBCF 2017-18, £"]
    assert pot["published"] == 1_010_000_000 and pot["label"] == "not comparable"
    assert pot["reason"].startswith("an input, not an output")
    assert rows.loc["England: original 2018-19, £", "label"] == "not comparable"
    # the councils' reported iBCF (£1,433.8m) against the £1,499m allocated: five report £0
    reported = rows.loc["England: iBCF 2018-19 allocated, against the councils' reported "
                        "receipts, £"]  # fmt: skip
    assert reported["label"] == "close" and abs(reported["model"] - 1_433_800_000) < 50_000


def test_the_letters_figures_are_labelled_with_the_revised_data_reason(card: pd.DataFrame) -> None:
    rows = card.set_index("figure")
    lancashire = rows.loc["Lancashire: delayed transfers per 100,000 adults 18+, July 2017"]
    # published 9.7 (to 0.1); the revised data give a little under: close, not reproduced
    assert lancashire["published"] == 9.7
    assert lancashire["label"] == "close" and "revision" in lancashire["reason"]
    assert lancashire["data"].startswith("revised")
    written = rows.loc["The letter: councils written to"]
    # 37 selected on revised data against 32 written to: further than 10%, with the reason
    assert written["published"] == 32 and written["model"] == 37
    assert written["label"] == "not reproduced" and "revision" in written["reason"]
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
    assert replay.label(100, 89.9, 0) == "not reproduced"
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
    tmp_path, capsys: pytest.CaptureFixture[str], card: pd.DataFrame
) -> None:  # type: ignore[no-untyped-def]
    assert main(["-q", "replay", "--counts-only", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("July 2017 expectations")
    for _, label in replay.DATES:
        assert f"{label}:" in out
    assert "Scorecard of published figures" in out
    assert "[reproduced] England: delayed beds a day, February 2017" in out
    written = pd.read_csv(tmp_path / "r" / "scorecard.csv")
    assert {
        "figure",
        "published",
        "model",
        "label",
        "reason",
        "data",
        "source",
        "recorded_in",
    } <= set(written)
    assert len(written) == len(card)
    assert f"Scorecard of published figures ({replay.label_counts(card)}):" in out
    assert "differs" not in out
