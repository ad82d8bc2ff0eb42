"""The app's pure helpers, without Streamlit running: scenario edits, the link encoding,
display formatting and the frames the charts draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from app import link, services
from simulator.engine import run as engine
from simulator.errors import ScenarioError
from simulator.inputs.data import Dataset
from simulator.reports import views
from simulator.reports.anonymous import IDENTIFYING
from simulator.reports.views import ledger_flows
from simulator.schema import edit
from simulator.schema.files import data_context, load_scenario
from simulator.schema.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


def shipped(name: str, context: dict[str, Any]) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.toml", context=context)


def test_with_value_validates_the_whole_scenario(context: dict[str, Any]) -> None:
    s = shipped("october-2017-letter", context)
    changed = edit.with_value(s, "consequences.reduction_pct", 10.0, context)
    assert changed.consequences.reduction_pct == 10.0
    assert changed.name == "October 2017 letter (edited)"
    assert s.consequences.reduction_pct == 0.0  # the original is untouched
    with pytest.raises(ScenarioError, match="more than 100% of the base"):
        edit.with_value(changed, "consequences.condition_pct", 95.0, context)
    with pytest.raises(ScenarioError, match="no DToC data for 2019-01"):
        edit.with_value(s, "selection.tests.0.window.end", "2019-01", context)
    renamed = edit.with_value(s, "name", "Mine", context)
    assert renamed.name == "Mine"


def test_switching_to_retain_drops_the_cap_on_gains(context: dict[str, Any]) -> None:
    """A cap on gains contradicts "retain" (an error in a file); the editor drops it."""
    s = shipped("october-2017-letter", context)
    capped = edit.with_changes(
        s, {"redistribution.rule": "passed", "redistribution.gain_cap_pct": 10.0}, context
    )
    assert capped.redistribution.gain_cap_pct == 10.0
    retained = edit.with_value(capped, "redistribution.rule", "retain", context)
    assert retained.redistribution.rule == "retain"
    assert retained.redistribution.gain_cap_pct is None


def test_remove_test_drops_every_reference(context: dict[str, Any]) -> None:
    graduated = shipped("graduated", context)
    k = next(i for i, t in enumerate(graduated.selection.tests) if t.id == "gap")
    out = edit.remove_test(graduated, k, context)
    assert [t.id for t in out.selection.tests] == ["rate_quartile"]
    assert out.consequences.graduation == "flat" and out.consequences.margin_test is None
    december = shipped("december-2017-five-tests", context)
    out = edit.remove_test(december, 0, context)
    assert "oct_rate" not in out.selection.screen


def test_add_test_and_screen(context: dict[str, Any]) -> None:
    s = shipped("october-2017-letter", context)
    added = edit.add_test(s, "trend", context)
    assert added.selection.tests[-1].id == "trend_1"
    screened = edit.set_screen(added, "trend_1", True, context)
    assert screened.selection.screen == ["trend_1"]
    assert edit.set_screen(screened, "trend_1", False, context).selection.screen == []


def test_shift_months(context: dict[str, Any]) -> None:
    s = shipped("december-2017-five-tests", context)
    later = edit.shift_test_months(s, 1, context)
    assert {t.window.end for t in later.selection.tests if t.kind != "trend"} >= {"2017-12"}
    with pytest.raises(ScenarioError):
        edit.shift_test_months(s, 6, context)  # past March 2018: no data


def test_a_changed_test_loses_its_written_label(dataset: Dataset, context: dict[str, Any]) -> None:
    """The October file labels test 0 "... July 2017"; moved to November, that label
    would be false, so it is blanked and the model's generated label names November."""
    s = shipped("october-2017-letter", context)
    assert "July 2017" in s.selection.tests[0].label
    moved = edit.with_value(s, "selection.tests.0.window.end", "2017-11", context)
    assert moved.selection.tests[0].label == ""
    assert moved.selection.tests[1].label == s.selection.tests[1].label  # untouched
    outcome = engine.evaluate(moved, dataset).outcomes[0]
    # a label names the standard to meet: failing it counts towards selection
    assert outcome.label == "Outside the worst quartile: social care rate, November 2017"
    relabelled = edit.with_value(s, "selection.tests.0.label", "Mine", context)
    assert relabelled.selection.tests[0].label == "Mine"
    shifted = edit.shift_test_months(s, 1, context)
    assert all(t.label == "" for t in shifted.selection.tests)


@pytest.mark.parametrize("value", [40.0, 3, "total", "40", "true", None, [1, 2], {"a": "b"}])
def test_link_values_round_trip(value: object) -> None:
    assert link.decode_value(link.encode_value(value)) == value


def test_closest_preset_for_an_upload(context: dict[str, Any]) -> None:
    presets = {p.stem: shipped(p.stem, context) for p in SCENARIOS.glob("*.toml")}
    near = edit.with_value(presets["graduated"], "consequences.cap_pct", 50.0, context)
    assert link.closest_preset(near, presets) == "graduated"


def test_unknown_preset_in_a_link(context: dict[str, Any], dataset: Dataset) -> None:
    presets = {p.stem: shipped(p.stem, context) for p in SCENARIOS.glob("*.toml")}
    slug, scenario, _, errors = services.scenario_from_link(
        {"preset": "nonsense"}, presets, context, dataset.data_hash
    )
    assert errors and "not one of the shipped scenarios" in errors[0]
    assert scenario == presets[slug]


def test_ledger_flows_account_for_every_pound(context: dict[str, Any], dataset: Dataset) -> None:
    for path in SCENARIOS.glob("*.toml"):
        result = engine.evaluate(load_scenario(path, context=context), dataset)
        flows = ledger_flows(result.table, result.summary)
        before = flows[flows["source"].str.endswith("iBCF before review")]["amount_gbp"].sum()
        assert before == result.summary["total_baseline"]
        withheld = flows[flows["target"].str.startswith("Withheld")]["amount_gbp"].sum()
        assert withheld == result.summary["total_withheld"]
        assert set(flows["source"]) == {f"{services.YEAR} iBCF before review"}  # one step


def test_anonymise_hides_names_and_codes(dataset: Dataset) -> None:
    aliases = views.alias_map(list(dataset.codes))
    assert len(set(aliases.values())) == 152
    shown = services.anonymise(dataset.councils, aliases)
    assert not set(shown["council"]) & set(dataset.councils["council"])
    assert set(shown["gss_code"]) == {"hidden"}
    assert views.alias_map(list(dataset.codes)) == aliases  # stable between reruns


def test_anonymise_drops_identifying_columns(dataset: Dataset) -> None:
    aliases = views.alias_map(list(dataset.codes))
    shown = services.anonymise(dataset.councils, aliases)
    assert not set(IDENTIFYING) & set(shown.columns)
    by_region = dataset.councils.groupby("region", as_index=False)["adults_18plus"].sum()
    assert list(services.anonymise(by_region, aliases).columns) == ["region", "adults_18plus"]


def test_a_small_negative_beds_freed_keeps_its_sign() -> None:
    assert services.beds_figure(-0.0414) == "-0.04"
    assert services.beds_figure(-0.004) == "just below 0"
    assert services.beds_figure(0.0) == "0" and services.beds_figure(-12.4) == "-12"


def test_an_edit_marks_the_written_description_and_notes_stale(
    context: dict[str, Any], tmp_path: Path
) -> None:
    """The December file says 'failing all five'; combining 'at least 2' makes that
    untrue: the words are marked stale, in the app and in a file saved from it, until
    they are rewritten or kept; undoing the edit clears the mark."""
    from simulator.schema.files import load_scenario, save_scenario

    s = shipped("december-2017-five-tests", context)
    assert not s.text_stale
    edited = edit.with_changes(
        s, {"selection.combine": "at_least", "selection.at_least": 2}, context
    )
    assert edited.text_stale and edited.description == s.description
    path = tmp_path / "edited.toml"
    save_scenario(edited, path)
    assert load_scenario(path, context=context).text_stale, "the mark survives a save"
    undone = edit.with_changes(
        edited, {"selection.combine": "all", "selection.at_least": 1}, context
    )
    assert not undone.text_stale, "back to the option the words were written for"
    described = edit.with_value(edited, "description", "At least two of five.", context)
    assert described.text_stale, "the notes, written for the old option, still wait"
    rewritten = edit.with_changes(
        edited, {"description": "At least two of five.", "notes": "Mine."}, context
    )
    assert not rewritten.text_stale
    assert rewritten.text_for == rewritten.content_hash(), "confirmed for this option"
    kept = edit.with_value(edited, "text_for", None, context)
    assert not kept.text_stale and kept.description == s.description
    again = edit.with_value(kept, "consequences.condition_pct", 50.0, context)
    assert again.text_stale, "a later edit marks them again"
    # A test added or removed (an edit given as a function) marks them too.
    added = edit.mark_text(s, edit.add_test(s, "rate", context))
    assert added.text_stale


def test_csv_exports_open_cleanly_with_a_sidecar(dataset: Dataset, context: dict[str, Any]) -> None:
    """Every CSV in the zip is a plain table (header first, no '#' lines, UTF-8 with a
    byte order mark so Excel shows £); summary.csv has one value a cell; about.csv says
    what each file is and carries the caveats."""
    import io
    import zipfile

    import pandas as pd

    from app.context import Ctx
    from app.pages import exports
    from simulator.reports.summary import CAVEATS

    scenario = shipped("october-2017-letter", context).model_copy(
        update={"projection": shipped("october-2017-letter", context).projection.model_copy(
            update={"draws": 50})}
    )  # fmt: skip
    ctx = Ctx(dataset, {}, scenario, "october-2017-letter", engine.evaluate(scenario, dataset))
    archive = zipfile.ZipFile(io.BytesIO(exports.all_csvs(ctx)))
    names = archive.namelist()
    assert "about.csv" in names and "summary.csv" in names and "councils.csv" in names
    for name in (n for n in names if n.endswith(".csv")):
        raw = archive.read(name)
        assert raw.startswith("\ufeff".encode()), name
        assert not raw.decode("utf-8-sig").startswith("#"), name
        pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")  # parses with no options
    summary = pd.read_csv(io.BytesIO(archive.read("summary.csv")), encoding="utf-8-sig")
    assert list(summary.columns) == ["measure", "value", "unit"]
    assert not summary["value"].astype(str).str.startswith("{").any(), "no JSON in a cell"
    assert {"beds_freed.p10", "beds_freed.p50", "beds_freed.p90"} <= set(summary["measure"])
    about = pd.read_csv(io.BytesIO(archive.read("about.csv")), encoding="utf-8-sig")
    values = dict(zip(about["item"], about["value"], strict=False))
    assert values["allocations"].startswith("REPORTED 2018-19 OUTTURN FOR 145 COUNCILS")
    assert "RECONSTRUCTED: PRECEPT EQUALISATION" in values["allocations"]
    assert values["councils.csv"] == "councils: every output column"
    caveats = list(about.loc[about["item"] == "caveat", "value"])
    assert caveats[-len(CAVEATS) :] == CAVEATS
    assert any(c.startswith("The letter: 32 councils written to") for c in caveats)


def test_one_binding_for_every_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bound widget's key starts at the scenario's value (a value it already has is
    kept), its reader is registered for syncing, a change is applied, and a change
    reported after the key was cleared (the scenario replaced) is ignored."""
    import streamlit as st

    from app import state, widgets

    session: dict[str, Any] = {}
    monkeypatch.setattr(st, "session_state", session)
    applied: list[Any] = []

    def reader(d: dict[str, Any]) -> Any:
        return d.get("x")

    changed = widgets.bind("w:x", 5, reader, applied.append)
    assert session["w:x"] == 5 and session[state.WIDGETS] == {"w:x": reader}
    session["w:x"] = 7
    changed()
    assert applied == [7]
    del session["w:x"]  # what replacing the scenario does (state.clear_widgets)
    changed()
    assert applied == [7], "a stale change is not applied"
    session["w:x"] = 3
    widgets.bind("w:x", 5, reader, applied.append)
    assert session["w:x"] == 3, "a widget's own value is kept between reruns"


def test_switching_a_section_on_offers_the_letters_months(context: dict[str, Any]) -> None:
    """The exemption switched on compares July 2017 with September 2017 (the October
    2017 letter), the release triggers in January 2018, every other field at its
    declared default."""
    s = shipped("october-2017-letter", context)
    on = edit.with_changes(
        s,
        {
            "selection.exemption": services.suggested.EXEMPTION.model_dump(mode="json"),
            "consequences.release": services.suggested.RELEASE.model_dump(mode="json"),
        },
        context,
    )
    exemption, release = on.selection.exemption, on.consequences.release
    assert exemption is not None and release is not None
    assert (exemption.baseline.end, exemption.check.end) == ("2017-07", "2017-09")
    assert (exemption.attribution, exemption.min_improvement_pct) == ("social_care", 10.0)
    assert (release.window.end, release.rule) == ("2018-01", "meets_expectation")


def test_widget_labels_say_units_in_plain_words() -> None:
    """A share reads "0 to 1", not the register's "share (0-1)"; a multiplier, the draws
    and the seed carry no unit their label already says; other units are kept."""
    from app.widgets import field_label
    from simulator.schema.projection import ProjectionParams

    assert field_label(ProjectionParams, "discharge_share").endswith("(0 to 1)")
    assert "(0-1)" not in field_label(ProjectionParams, "price_share")
    assert not field_label(ProjectionParams, "forecast_noise_scale").endswith(")")
    assert field_label(ProjectionParams, "draws") == "Monte Carlo draws"
    assert field_label(ProjectionParams, "excess_bed_day_cost_gbp").endswith("(£/day)")


def test_grouped_bars_read_numbered_groups_as_categories() -> None:
    """The decile labels are numbers: left to guess, Plotly would draw a number line
    (and drop any label that is not a number)."""
    from app import charts

    deciles = [str(d) for d in range(1, 11)]
    frame = pd.DataFrame({"decile": deciles, "withheld": [0] * 10})
    fig = charts.grouped(frame, "decile", ["withheld"], "Money by decile", "£")
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[0].x) == deciles
    assert fig.layout.xaxis.title.text is None


def test_the_decile_chart_says_what_1_and_10_mean_on_its_axis() -> None:
    from app import charts
    from simulator.reports.distribution import DECILE_AXIS

    frame = pd.DataFrame({"decile": [str(d) for d in range(1, 11)], "withheld": [0] * 10})
    fig = charts.grouped(frame, "decile", ["withheld"], "Money", "£", x_title=DECILE_AXIS)
    assert list(fig.layout.xaxis.ticktext) == [str(d) for d in range(1, 11)]
    # lines of at most 20 characters: a phone shows all of it, in workshop type too
    assert fig.layout.xaxis.title.text == (
        "Deprivation decile:<br>1 = most deprived,<br>10 = least deprived"
    )


def test_histogram_labels_are_never_crossed_by_a_line() -> None:
    """The Monte Carlo histogram at P10 2.0, P50 5.5 and P90 10 beds a day: the P90 line
    ran through the "Central (P50) 5.5" label. Each line now ends at the top of the plot
    and each label sits above it, in a row of its own, so no line crosses a label and no
    label covers another. Over draws from 1 to 12, 2.0 lies in the left third of the
    range (its label starts at its line), 5.5 in the middle (centred on it) and 10 in the
    right third (its label ends at its line), so each stays within the chart."""
    from app import charts

    draws = pd.Series([1.0, 2.0, 5.0, 5.5, 6.0, 10.0, 12.0])
    fig = charts.histogram(draws, 2.0, 5.5, 10.0, "beds a day")
    lines = sorted((s.x0, s.x1, s.y0, s.y1, s.yref) for s in fig.layout.shapes)
    assert lines == [(x, x, 0, 1, "y domain") for x in (2.0, 5.5, 10.0)]
    notes = {a.text: a for a in fig.layout.annotations}
    assert set(notes) == {"Low (P10) 2.0", "Central (P50) 5.5", "High (P90) 10"}
    low, mid, high = notes["Low (P10) 2.0"], notes["Central (P50) 5.5"], notes["High (P90) 10"]
    for note in (low, mid, high):  # above the plot, where no line reaches
        assert (note.yref, note.y, note.yanchor, note.showarrow) == ("paper", 1, "bottom", False)
    assert (low.x, low.xanchor) == (2.0, "left")
    assert (mid.x, mid.xanchor) == (5.5, "center")
    assert (high.x, high.xanchor) == (10.0, "right")
    rows = sorted(n.yshift for n in (low, mid, high))
    assert rows == [0, 20, 40], "a row each, 20 px apart: a 12 px label is about 17 px high"
    # The page draws the title itself: the top margin still holds the three rows.
    fig.update_layout(title={"text": ""})
    charts.room_on_top(fig)
    assert fig.layout.margin.t == 14 + 40 + 18
    # Projected (workshop mode), type and rows grow alike: 17 px type, rows 28 px apart.
    shown = charts.presenting(fig)
    assert sorted(a.yshift for a in shown.layout.annotations) == [0, 28, 56]
    assert {a.font.size for a in shown.layout.annotations} == {17}
    assert shown.layout.margin.t == 14 + 56 + 26
