"""Findings of the independent review of the app and the brief (issue 21, items 1-13),
each a test named after the finding: the model's figures, the brief, the Excel pack,
summary.json and the app (headless) agree on what each shows."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pdfplumber
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from app.pages.overview import AMBITION
from simulator.engine.run import Result, evaluate, project_scenario
from simulator.inputs.data import Dataset
from simulator.io import SCENARIO_DIR
from simulator.reports import brief
from simulator.reports.excel import excel_pack
from simulator.reports.summary import summary_dict
from simulator.schema.files import data_context, load_scenario
from simulator.schema.scenario import Scenario

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"
DRAWS = 1000


@pytest.fixture(scope="module")
def shipped(dataset: Dataset) -> dict[str, Scenario]:
    context = data_context(dataset.months, list(dataset.codes))
    return {p.stem: load_scenario(p, context=context) for p in SCENARIO_DIR.glob("*.toml")}


@pytest.fixture(scope="module")
def october(shipped: dict[str, Scenario], dataset: Dataset) -> Result:
    return evaluate(shipped["october-2017-letter"], dataset)


def pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return " ".join((doc.pages[0].extract_text() or "").split())


def card_text(pdf: bytes, first_word: str) -> str:
    """The text inside the brief's headline card whose label starts with ``first_word``."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        word = next(w for w in page.extract_words() if w["text"] == first_word)
        card = next(
            r
            for r in page.rects
            if r["x0"] <= word["x0"] <= r["x1"] and r["top"] <= word["top"] <= r["bottom"]
        )
        inside = page.within_bbox((card["x0"], card["top"], card["x1"], card["bottom"]))
        return " ".join((inside.extract_text() or "").split())


def seen(text: str) -> str:
    """Markdown as the page shows it: the app's backslash escapes resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


# ---------------------------------------------------------------------- item 2
def test_chance_ambition_is_met_shows_the_no_change_figure(
    october: Result, shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    projection = project_scenario(october, draws=DRAWS)
    # No change is the status quo: the same draws (same seed) with no money moved.
    status_quo = project_scenario(evaluate(shipped["status-quo"], dataset), draws=DRAWS)
    assert status_quo.scenario_p50.shape == projection.scenario_p50.shape
    assert projection.probability_ambition_met_no_change == status_quo.probability_ambition_met
    assert status_quo.probability_ambition_met_no_change == status_quo.probability_ambition_met

    p, p0 = projection.probability_ambition_met, projection.probability_ambition_met_no_change
    summary = summary_dict(october, projection)
    assert summary["probability_ambition_met"] == round(p, 4)
    assert summary["probability_ambition_met_no_change"] == round(p0, 4)
    assert summary["probability_ambition_met_change"] == pytest.approx(p - p0, abs=1e-4)

    # The same three figures in words: the brief's card, its paragraph, the Excel pack.
    points = round(100 * p, 1) - round(100 * p0, 1)
    words = f"{points:+.1f} points on {100 * p0:.1f}% with no change"
    pdf = brief.scenario_pdf(october, projection)
    text = pdf_text(pdf)
    card = f"Chance national ambition is met: {words} {100 * p:.1f}%"
    assert card_text(pdf, "Chance") == card, "the brief's card"
    assert f"per 100,000 adults: {100 * p:.1f}% ({words})" in text, "the brief's paragraph"
    book = load_workbook(io.BytesIO(excel_pack(october, projection)), read_only=True)
    rows = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert rows["probability_ambition_met_no_change"] == round(p0, 4)
    assert rows["probability_ambition_met_change"] == pytest.approx(p - p0, abs=1e-4)
    lines = [r[0] for r in book["Projection"].iter_rows(values_only=True)]
    assert any(words in str(line) for line in lines)


def test_the_overview_card_shows_the_chance_beside_no_change() -> None:
    at = new_app()
    assert not at.exception
    card = next(m for m in at.main.metric if m.label == AMBITION)
    assert card.value.endswith("%") and "." in card.value, "one decimal, as everywhere"
    assert card.delta.endswith("points"), "the difference from no change beside it"
    captions = " ".join(c.value for c in at.main.caption)
    assert f"{card.delta} on " in captions and "% with no change" in captions


# ---------------------------------------------------------------------- item 4
def stale_warned(at: AppTest) -> bool:
    """The sidebar says the written words may no longer describe the option."""
    return any("may no longer describe it" in w.value for w in at.sidebar.warning)


def test_describe_from_the_option_keeps_the_stale_notes_warning(dataset: Dataset) -> None:
    """A description generated from the option leaves the analyst's notes unconfirmed:
    the warning and the exports' caveat stay until the notes are confirmed, and whoever
    opens the link sees the same as the sender, before and after."""
    from simulator.reports.summary import STALE_TEXT, scenario_caveats

    sender = new_app(preset="october-2017-letter")
    sender.slider(key="w:consequences.condition_pct").set_value(50.0).run()
    assert stale_warned(sender)
    sender.button(key="stale_regenerate").click().run()
    assert not sender.exception
    scenario = sender.session_state["scenario"]
    assert "33%" in scenario.notes, "the notes are the analyst's, kept as written"
    assert "50%" in scenario.description, "the description follows the option"
    assert scenario.text_stale and stale_warned(sender), "the notes are not confirmed yet"
    assert STALE_TEXT in scenario_caveats(evaluate(scenario, dataset)), "the exports say so"
    receiver = new_app(**dict(sender.query_params))
    assert receiver.session_state["scenario"].text_stale and stale_warned(receiver)

    sender.button(key="stale_keep").click().run()
    assert not sender.session_state["scenario"].text_stale and not stale_warned(sender)
    receiver = new_app(**dict(sender.query_params))
    assert receiver.session_state["scenario"] == sender.session_state["scenario"]
    assert not stale_warned(receiver), "confirmed for the receiver too"
    assert STALE_TEXT not in scenario_caveats(
        evaluate(scenario.model_copy(update={"text_for": scenario.content_hash()}), dataset)
    )


# ---------------------------------------------------------------------- item 3
def test_saved_comparison_snapshots_are_named_travel_in_the_link_and_survive_a_reload(
    dataset: Dataset,
) -> None:
    from app import state
    from app.pages.compare import SAVE_NAME

    at = new_app(preset="october-2017-letter", view="Compare")
    at.text_input(key=SAVE_NAME).set_value("Before the cap").run()
    at.button(key="compare_save").click().run()
    at.slider(key="w:consequences.condition_pct").set_value(50.0).run()
    at.text_input(key=SAVE_NAME).set_value("Before the cap").run()
    at.button(key="compare_save").click().run()
    assert not at.exception
    saved = at.session_state[state.SAVED]
    assert list(saved) == ["Before the cap", "Before the cap (2)"], "two saves, two names"
    assert saved["Before the cap"].consequences.condition_pct == 33.0
    assert saved["Before the cap (2)"].consequences.condition_pct == 50.0
    params = dict(at.query_params)
    assert {"snap1", "snap2"} <= set(params), "the snapshots travel in the link"
    assert "saved:1" in params["compare"] and "saved:2" in params["compare"]

    # A reload (or a colleague opening the link) gets the same snapshots and picks.
    reloaded = new_app(**params)
    assert not reloaded.exception
    assert reloaded.session_state[state.SAVED] == saved
    assert reloaded.session_state[state.COMPARE] == at.session_state[state.COMPARE]
    table = next(t.value for t in reloaded.main.table if "measure" in t.value.columns)
    assert "Saved: Before the cap" in table.columns and "Saved: Before the cap (2)" in table.columns


def test_a_broken_snapshot_in_a_link_is_named_not_fatal() -> None:
    at = new_app(preset="october-2017-letter", snap1='{"name": 5}', snap2="not json")
    assert not at.exception
    notes = seen(" ".join(w.value for w in at.main.warning))
    assert "Saved snapshot 1 could not be restored" in notes
    assert "Saved snapshot 2 could not be restored" in notes
    assert at.session_state["scenario"].name == "October 2017 letter", "the scenario stands"


def test_a_fifth_compare_pick_in_a_link_is_not_dropped_silently() -> None:
    picks = "current," + ",".join(f"preset:{p.stem}" for p in sorted(SCENARIO_DIR.glob("*.toml")))
    at = new_app(preset="october-2017-letter", view="Compare", compare=picks)
    assert not at.exception
    notes = seen(" ".join(w.value for w in at.main.warning))
    assert "The link names 6 scenarios to compare; Compare shows at most 4" in notes


# ---------------------------------------------------------------------- item 6
def test_robustness_is_beside_the_count_of_councils(october: Result) -> None:
    """The Sensitivity page's 'another month of data' count (its own table of councils),
    said beside the count on the Overview and in the brief."""
    from app import services

    flips = services.month_flips(october, 1)
    assert flips is not None and len(flips) > 0
    words = f"{len(flips)} councils change status with one more month of data"
    pdf = brief.scenario_pdf(october)
    assert card_text(pdf, "Councils") == (
        f"Councils selected; {words} {october.summary['councils_selected']} of 152"
    )
    at = new_app(preset="october-2017-letter")
    assert not at.exception
    captions = seen(" ".join(c.value for c in at.main.caption))
    assert f"{words[:1].upper()}{words[1:]} (Sensitivity)." in captions


# ---------------------------------------------------------------------- item 10
def test_one_figure_one_rounding(shipped: dict[str, Scenario], dataset: Dataset) -> None:
    """Beds freed and money withheld read the same on the Overview card, the brief (card,
    paragraph, ledger), summary.json's headline and the Excel pack, and the CSV's number
    rounds to the figure shown."""
    from app.pages.overview import BEDS, WITHHELD
    from app.services import beds_figure, gbp
    from simulator.reports.summary import summary_frame

    result = evaluate(shipped["reduce-and-redistribute"], dataset)
    projection = project_scenario(result)  # the scenario's own draws and seed, as the app
    freed = projection.beds_freed
    nil = freed["p10"] <= 0 <= freed["p90"]
    figure = "≈ nil" if nil else beds_figure(freed["p50"])
    withheld = gbp(result.summary["total_withheld"])
    assert withheld.startswith("£") and result.summary["total_withheld"] > 0

    at = new_app(preset="reduce-and-redistribute")
    assert not at.exception
    cards = {m.label: m.value for m in at.main.metric}
    assert cards[BEDS] == figure and cards[WITHHELD] == withheld

    pdf = brief.scenario_pdf(result, projection)
    assert card_text(pdf, "Beds").endswith(f"holds) {figure}")
    assert card_text(pdf, "Withheld,") == f"Withheld, 2018/19 {withheld}"
    text = pdf_text(pdf)
    assert f"Withheld from councils {withheld} " in text, "the ledger as the card, no minus"
    assert f"median {beds_figure(freed['p50'])} (80% range" in text

    summary = summary_dict(result, projection)
    headline = str(summary["headline"])
    assert headline.split(": ", 1)[1].startswith("≈ nil" if nil else f"{figure} beds a day")
    book = load_workbook(io.BytesIO(excel_pack(result, projection)), read_only=True)
    lines = [str(r[0]) for r in book["Projection"].iter_rows(values_only=True)]
    assert any(headline.split(": ", 1)[1] in line for line in lines)
    rows = summary_frame(result, projection).set_index("measure")["value"]
    shown = beds_figure(freed["p50"])
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    assert f"{round(float(rows['beds_freed.p50']), decimals):,.{decimals}f}" == shown


# ---------------------------------------------------------------------- item 12
def test_newcomers_are_told_where_to_start_and_how_this_works_reads_cleanly() -> None:
    from app import state

    at = new_app()
    assert not at.exception
    assert any("New here?" in c.value for c in at.main.caption), "said on the first screen"
    at.button(key="start_here").click().run()
    assert at.session_state[state.VIEW] == "How this works"
    shown = [t.value for t in at.main.text] + [m.value for m in at.main.markdown]
    assert any("ibcf run" in t for t in shown)
    assert not [t for t in shown if "`" in t], "no literal backticks"
    sources = next(t.value for t in at.main.table)
    assert not at.main.dataframe, "sources in a table that wraps, never a cut grid"
    assert any(len(str(v)) > 80 for v in sources["Source"]), "the long source, whole"


# ---------------------------------------------------------------------- item 13
def test_polish_excel_labels_scenario_order_sankey_words_and_brief_jargon(
    october: Result, shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    from app import charts, services
    from simulator.reports.views import ledger_flows

    projection = project_scenario(october, draws=200)
    book = load_workbook(io.BytesIO(excel_pack(october, projection)), read_only=True)
    rows = list(book["Summary"].iter_rows(values_only=True))
    assert rows[0] == ("measure", "value", "unit", "label"), "each key in words beside it"
    labels = {r[0]: r[3] for r in rows[1:]}
    assert labels["total_conditioned"] == "Conditioned"
    assert labels["beds_freed.p50"] == "Beds freed: P50 (median)"
    floats = [r[1] for r in rows[1:] if isinstance(r[1], float)]
    assert floats and all(round(v, 4) == v for v in floats), "no unrounded floats"

    dates = [s.date for s in list(services.presets().values())[1:]]
    assert next(iter(services.presets())) == "status-quo" and dates == sorted(dates)
    assert list(services.presets())[1] == "october-2017-letter"

    reduced = evaluate(shipped["reduce-and-redistribute"], dataset)
    targets = set(ledger_flows(reduced.table, reduced.summary)["target"])
    assert "Selected councils, not conditioned" not in targets
    assert "Selected councils, neither conditioned nor withheld" in targets

    text = pdf_text(brief.scenario_pdf(october, projection))
    assert "(0-1)" not in text and "seed" not in text.lower(), "no jargon in the brief"
    assert "discharge share 32%" in text

    fig = charts.histogram(pd.Series([-1.0, 0.0, 1.0]), -0.21, -0.2, 0.3, "beds a day")
    notes = fig.layout.annotations
    assert len({a.yshift for a in notes}) == 3, "each label at its own height"
    assert {a.text for a in notes} == {"Low (P10) -0.2", "Central (P50) -0.2", "High (P90) 0.3"}


# ---------------------------------------------------------------------- item 7
def map_figure(at: AppTest) -> Any:
    import json

    chart = next(c for c in at.main.get("plotly_chart") if "hovertext" in c.proto.spec)
    return json.loads(chart.proto.spec)


def test_map_hover_has_no_raw_tags_hexes_are_labelled_and_searchable() -> None:
    from app.pages.map_page import FIND

    at = new_app(preset="october-2017-letter", view="Map")
    assert not at.exception
    councils = map_figure(at)["data"][-1]
    assert len(councils["text"]) == 152 and len(set(councils["text"])) == 152, "labels"
    assert all(1 <= len(t) <= 5 for t in councils["text"])
    first = councils["hovertext"][0]
    assert first.count("<br>") == 2 and "&lt;br&gt;" not in first, "line breaks, not tags"
    assert "Barking" in " ".join(councils["hovertext"])
    at.selectbox(key=FIND).set_value("Lancashire").run()
    shapes = map_figure(at)["layout"]["shapes"]
    outlined = [s for s in shapes if s["line"]["width"] > 3]
    assert len(outlined) == 1, "the council found is outlined"
    assert at.session_state["council_select"] == "E10000017", "and its card opens"


def test_workshop_mode_shows_the_anonymised_map() -> None:
    at = new_app(preset="october-2017-letter", view="Map", ws="1")
    assert not at.exception
    councils = map_figure(at)["data"][-1]
    assert len(councils["hovertext"]) == 152
    assert all(h.startswith("Council ") for h in councils["hovertext"]), "neutral labels"
    assert "customdata" not in councils, "no GSS codes on the page"
    assert "Lancashire" not in json_text(map_figure(at))


def json_text(figure: Any) -> str:
    import json

    return json.dumps(figure)


# ---------------------------------------------------------------------- item 11
def test_compare_wraps_long_names_filters_status_changes_and_its_brief_title_is_not_stretched(
    shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    from app.pages.compare import PICK, STATUS_ONLY

    at = new_app(preset="october-2017-letter", view="Compare")
    picks = ["current", "preset:status-quo", "preset:graduated", "preset:reduce-and-redistribute"]
    at.multiselect(key=PICK).set_value(picks).run()
    assert not at.exception
    side = next(t.value for t in at.main.table if "measure" in t.value.columns)
    assert side.shape[1] == 5, "four scenarios in a table that wraps, never a clipped grid"
    councils = next(t.value for t in at.main.table if "What changed" in t.value.columns)
    at.toggle(key=STATUS_ONLY).set_value(True).run()
    only = next(t.value for t in at.main.table if "What changed" in t.value.columns)
    chosen = only[[c for c in only.columns if c.endswith(": status")]].to_numpy()
    assert chosen.shape[1] == 4
    assert 0 < len(only) < len(councils), "money-only differences are left out"
    assert (chosen != chosen[:, :1]).any(axis=1).all(), "every row changes status"

    import json

    bars = next(c for c in at.main.get("plotly_chart") if '"ticktext"' in c.proto.spec)
    axis = json.loads(bars.proto.spec)["layout"]["xaxis"]
    assert axis["tickangle"] == 0 and any("<br>" in t for t in axis["ticktext"])

    names = ("october-2017-letter", "graduated", "reduce-and-redistribute", "status-quo")
    longer = [
        shipped[n].model_copy(update={"name": f"{shipped[n].name}, as revised"}) for n in names
    ]
    results = [evaluate(s, dataset) for s in longer]  # a title over two lines
    with pdfplumber.open(io.BytesIO(brief.comparison_pdf(results))) as doc:
        words = doc.pages[0].extract_words()
    title = [w for w in words if w["top"] < words[0]["bottom"]]
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(title)]
    size = title[0]["bottom"] - title[0]["top"]
    assert max(gaps) < 0.45 * size, ("a title set left, its spaces a space wide", gaps)
