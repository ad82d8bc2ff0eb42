"""The Streamlit app, headless (``streamlit.testing.v1.AppTest``): every view, the
widgets, shipped scenarios, uploads, the shareable link and workshop mode.

Expected numbers come from outside the app: from the command line run on the same
scenario in a subprocess (``ibcf run``: its summary.json and councils.csv), or from
arithmetic worked by hand on the figures shown. What the screen shows is read back as
a number (``£18.5m`` is 18.5 million to the nearest 0.05 million) and compared within
the precision it is shown at.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import services
from app.headings import headings
from app.pages.overview import (
    AMBITION,
    BEDS,
    CONDITIONED,
    NHS_CASH,
    NHS_VALUE,
    REDISTRIBUTED,
    RETAINED,
    SELECTED,
    WITHHELD,
)
from app.services import scenario_toml
from app.show import WORKSHOP_NOTE
from simulator import MODEL_VERSION
from simulator.engine import run as engine
from simulator.inputs.data import Dataset
from simulator.projection import AUTO_METRIC, METHOD_LABELS
from simulator.reports import summary
from simulator.reports import words as model_words
from simulator.reports.anonymous import IDENTIFYING
from simulator.reports.anonymous import anonymised_names as anonymous_names
from simulator.schema import edit
from simulator.schema.files import data_context, load_scenario, parse_scenario
from simulator.schema.scenario import Scenario

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
VIEWS = [
    "Overview",
    "Councils",
    "Compare",
    "Sensitivity",
    "Breakdowns",
    "Timeline",
    "Data and assumptions",
    "Exports",
]


# ---------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


def preset(name: str, context: dict[str, Any]) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.toml", context=context)


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def seen(text: str) -> str:
    """Markdown source as the page shows it: CommonMark's backslash escapes (the app
    escapes user text) resolved, hard line breaks as new lines."""
    text = text.replace("\u2060", "")  # the joiner that keeps addresses from linking
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("  \n", "\n")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


# ---------------------------------------------------------------------- the command line
class Run:
    """What ``ibcf run`` wrote for one scenario: summary.json and councils.csv."""

    def __init__(self, out: Path) -> None:
        self.summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
        self.councils = pd.read_csv(
            out / "councils.csv", dtype={"gss_code": str}, comment="#"
        ).set_index("gss_code")


def start_cli_run(scenario: Path, out: Path, *, draws: int | None = None) -> subprocess.Popen[str]:
    """Start the command line on a scenario file in a fresh process."""
    args = [sys.executable, "-m", "simulator", "-q", "run", str(scenario), "--out", str(out)]
    if draws is not None:
        args += ["--draws", str(draws)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_cli_run(proc: subprocess.Popen[str], out: Path) -> Run:
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return Run(out)


def cli_run(scenario: Path, out: Path, *, draws: int | None = None) -> Run:
    """Run the command line on a scenario file in a fresh process."""
    return finish_cli_run(start_cli_run(scenario, out, draws=draws), out)


def cli_run_scenario(scenario: Scenario, tmp_path: Path, *, draws: int | None = None) -> Run:
    """The command line on the scenario the app holds, written out as its file."""
    n = len(list(tmp_path.glob("*.toml")))
    path = tmp_path / f"app-{n}.toml"
    path.write_text(scenario.to_toml(), encoding="utf-8")
    return cli_run(path, tmp_path / f"app-{n}", draws=draws)


# ``ibcf run`` once for each pair of arguments (scenario, folder), in one fresh process.
RUNS_IN_TURN = """
import sys
from simulator.cli import main
args = sys.argv[1:]
for scenario, out in zip(args[::2], args[1::2], strict=True):
    code = main(["-q", "run", scenario, "--out", out, "--draws", "0"])
    if code:
        sys.exit(code)
"""


@pytest.fixture(scope="module")
def shipped_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """``ibcf run --draws 0`` on every shipped scenario, one after the other in a process
    of their own (nothing of the app's): the money and the councils. (Their projection
    headlines are checked against ``shipped_projections``.)"""
    out = tmp_path_factory.mktemp("cli")
    paths = sorted(SCENARIOS.glob("*.toml"))
    args = [str(a) for p in paths for a in (p, out / p.stem)]
    done = subprocess.run(
        [sys.executable, "-c", RUNS_IN_TURN, *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return {p.stem: Run(out / p.stem) for p in paths}


@pytest.fixture(scope="module")
def shipped_projections(dataset: Dataset, context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The projection headlines ``ibcf run`` writes to summary.json for every shipped
    scenario at its own draws and seed, made in this process by the functions the
    command calls (the Monte Carlo is seeded: the same figures), before summary.json
    rounds them (a band of -0.001 beds is below zero, as the app says, not 0.0)."""
    out = {}
    for path in sorted(SCENARIOS.glob("*.toml")):
        p = engine.project_scenario(engine.evaluate(preset(path.stem, context), dataset))
        out[path.stem] = {
            "beds_freed": p.beds_freed,
            "nhs_value_gbp": p.nhs_value_gbp,
            "probability_ambition_met": p.probability_ambition_met,
            "beds_freed_by_set": p.beds_freed_by_set,
            "evidence_sets_text": model_words.evidence_side_by_side(p),
        }
    return out


# ---------------------------------------------------------------------- reading the screen
def number(text: str) -> tuple[float, float]:
    """A figure as the app shows it, and half a unit of its last shown digit.

    >>> number("£18.5m"), number("-£3,210"), number("4%"), number("-0.06")
    ((18500000.0, 50000.0), (-3210.0, 0.5), (0.04, 0.005), (-0.06, 0.005))
    >>> number("just below 0")
    (-0.0025, 0.0025)
    """
    if text in ("just below 0", "just above 0"):
        return (-0.0025 if "below" in text else 0.0025), 0.0025
    match = re.fullmatch(r"(-?)£?([\d,]+)(?:\.(\d+))?(m|bn|%)?", text.strip())
    assert match, f"not a figure: {text!r}"
    sign, whole, decimals, unit = match.groups()
    scale = {"m": 1e6, "bn": 1e9, "%": 0.01, None: 1.0}[unit]
    value = float(f"{whole.replace(',', '')}.{decimals or 0}") * scale
    half = 0.5 * 10.0 ** -len(decimals or "") * scale
    return (-value if sign else value), half


def pounds(text: str) -> int:
    """A figure shown to the pound: ``"£33,605,627"`` -> 33605627."""
    value, half = number(text)
    assert half == 0.5, f"not shown to the pound: {text!r}"
    return int(value)


def councils_selected(text: str) -> int:
    """``"37 of 152"`` -> 37."""
    count, total = text.split(" of ")
    assert total == "152"
    return int(count)


def assert_shows(text: str, value: float, rounded_to: float = 0.0) -> None:
    """``text`` shows ``value`` (itself rounded to ``rounded_to`` in the CLI's output)."""
    shown, half = number(text)
    assert abs(shown - value) <= half + rounded_to / 2 + 1e-9, (text, value)


def assert_money_matches(shown: dict[str, str], summary: dict[str, Any]) -> None:
    """The four money headlines against a CLI summary."""
    assert councils_selected(shown[SELECTED]) == summary["councils_selected"]
    assert_shows(shown[CONDITIONED], summary["total_conditioned"])
    assert_shows(shown[WITHHELD], summary["total_withheld"])
    assert_shows(shown[REDISTRIBUTED], summary["total_received"])


def assert_projection_matches(shown: dict[str, str], summary: dict[str, Any]) -> None:
    """Beds freed, NHS value and the chance of the ambition against a CLI summary
    (which rounds them to 0.01 beds, £1 and 0.0001)."""
    bands = summary["beds_freed"]
    nil = bands["p10"] <= 0 <= bands["p90"]  # the likely range straddles zero
    # rounded to 0.01, a band end of 0.0 no longer says on which side of zero it was
    edge = 0.0 in (bands["p10"], bands["p90"])
    assert edge or (shown[BEDS] == "≈ nil") == nil, (shown[BEDS], bands)
    if shown[BEDS] != "≈ nil":
        assert_shows(shown[BEDS], bands["p50"], 0.01)
        beds, _ = number(shown[BEDS])
        assert np.sign(beds) == np.sign(bands["p50"]), (shown[BEDS], bands)
    assert_shows(shown[NHS_VALUE], summary["nhs_value_gbp"]["notional"], 1.0)
    assert_shows(shown[NHS_CASH], summary["nhs_value_gbp"]["cash_releasing"], 1.0)
    assert_shows(shown[AMBITION], summary["probability_ambition_met"], 0.0001)


def frame_with(at: AppTest, *columns: str) -> Any:
    """The first table shown (interactive or static) whose columns include ``columns``."""
    for element in [*at.main.dataframe, *at.main.table]:
        value = element.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def static_table_with(at: AppTest, *columns: str) -> Any:
    """The first static table (``st.table``) whose columns include ``columns``: Compare's
    side-by-side numbers (its "measure" column), not the equity table below them."""
    for element in at.main.table:
        if all(c in element.value.columns for c in columns):
            return element.value
    raise AssertionError(f"no static table with columns {columns}")


def view(at: AppTest, name: str) -> AppTest:
    at.segmented_control(key="view").set_value(name).run()
    return ok(at)


# ---------------------------------------------------------------------- overview
def test_overview_headline_is_what_the_command_line_gives(
    shipped_runs: dict[str, Run],
    shipped_projections: dict[str, dict[str, Any]],
    dataset: Dataset,
    context: dict[str, Any],
) -> None:
    at = ok(new_app())
    shown = metrics(at)
    assert_money_matches(shown, shipped_runs[link_default()].summary)
    assert_projection_matches(shown, shipped_projections[link_default()])
    # By hand from the scenario: conditions only, nothing withheld or moved.
    assert shown[WITHHELD] == shown[REDISTRIBUTED] == "£0"
    text = " ".join(m.value for m in at.main.markdown)
    assert "A council is selected if" in text  # the plain-English option summary
    policy = summary.policy_sentence(engine.evaluate(preset(link_default(), context), dataset))
    shown_text = [seen(m.value) for m in at.main.markdown]
    assert f"**{policy}**" in shown_text, "the policy first, in bold"
    assert any("RECONSTRUCTED" in w.value for w in at.main.warning)
    assert any("2018/19" in c.value for c in at.main.caption)


def test_the_overview_shows_beds_freed_under_every_evidence_set(
    shipped_projections: dict[str, dict[str, Any]],
) -> None:
    """Every evidence set side by side on the Overview, no effect first, the default
    marked, each P50 (P10, P90) the figure the command line writes for that set."""
    at = ok(new_app())
    table = frame_with(at, "evidence set", "beds freed a day, P50")
    by_set = shipped_projections[link_default()]["beds_freed_by_set"]
    assert list(table["evidence set"]) == [
        "no effect",
        "low",
        "central (default) ← this scenario",
        "2017/18 fit, optimistic reading",
    ]
    for shown, name in zip(table.itertuples(index=False), by_set, strict=True):
        bands = by_set[name]
        assert (shown[3], shown[4], shown[5]) == tuple(
            model_words.beds_figure(bands[q]) for q in ("p50", "p10", "p90")
        )
    lines = " ".join(t.value for t in at.main.text)
    assert "beds a day under the central evidence; the 2018/19 forecast band is ±" in lines


def test_every_shipped_projection_headline_keeps_its_sign(
    shipped_projections: dict[str, dict[str, Any]],
) -> None:
    """Beds freed, NHS value and the chance of the ambition for each shipped scenario, as
    the command line reports them: a small value never reads a bare 0, and a rise in
    delays (negative beds freed) shows as negative in both beds and NHS value."""
    at = ok(new_app())
    for name, projection in shipped_projections.items():
        at.selectbox(key="preset_select").set_value(name).run()
        shown = metrics(ok(at))
        assert_projection_matches(shown, projection)
        value, _ = number(shown[NHS_VALUE])
        notional = projection["nhs_value_gbp"]["notional"]
        assert np.sign(value) == np.sign(notional) == np.sign(projection["beds_freed"]["p50"])


def link_default() -> str:
    from app.state import DEFAULT_PRESET

    return DEFAULT_PRESET


def test_condition_slider_moves_the_headline(context: dict[str, Any], tmp_path: Path) -> None:
    at = ok(new_app())
    before = metrics(at)
    at.slider(key="w:consequences.condition_pct").set_value(50.0).run()
    ok(at)
    scenario = edit.with_value(
        preset(link_default(), context), "consequences.condition_pct", 50.0, context
    )
    assert at.session_state["scenario"] == scenario
    shown = metrics(at)
    run = cli_run_scenario(scenario, tmp_path)
    assert_money_matches(shown, run.summary)
    assert_projection_matches(shown, run.summary)
    # By hand: the same councils, the same base, 50% instead of 33% conditioned.
    old, old_half = number(before[CONDITIONED])
    new, new_half = number(shown[CONDITIONED])
    assert abs(new - old * 50 / 33) <= new_half + old_half * 50 / 33
    assert shown[SELECTED] == before[SELECTED]
    assert at.query_params["consequences.condition_pct"] == "50.0"
    assert at.session_state["scenario"].name.endswith("(edited)")


def reduction(context: dict[str, Any], pct: float, rule: str) -> Scenario:
    """The default preset with no condition, a reduction of ``pct`` and ``rule``."""
    changes = {
        "consequences.condition_pct": 0.0,
        "consequences.reduction_pct": pct,
        "redistribution.rule": rule,
    }
    return edit.with_changes(preset(link_default(), context), changes, context)


def test_reduction_and_redistribution_rule(context: dict[str, Any], tmp_path: Path) -> None:
    at = ok(new_app())
    before = metrics(at)
    at.slider(key="w:consequences.condition_pct").set_value(0.0).run()
    at.slider(key="w:consequences.reduction_pct").set_value(20.0).run()
    at.selectbox(key="w:redistribution.rule").set_value("pro_rata_all").run()
    ok(at)
    scenario = edit.with_changes(
        preset(link_default(), context),
        {
            "consequences.condition_pct": 0.0,
            "consequences.reduction_pct": 20.0,
            "redistribution.rule": "pro_rata_all",
        },
        context,
    )
    assert at.session_state["scenario"] == scenario
    shown = metrics(at)
    assert_money_matches(shown, cli_run_scenario(scenario, tmp_path, draws=0).summary)
    # By hand: nothing conditioned; 20% withheld from the councils that had 33%
    # conditioned; every council not selected shares it, so all of it moves.
    assert shown[CONDITIONED] == "£0"
    withheld, half = number(shown[WITHHELD])
    conditioned, c_half = number(before[CONDITIONED])
    assert abs(withheld - conditioned * 20 / 33) <= half + c_half * 20 / 33
    assert shown[REDISTRIBUTED] == shown[WITHHELD]


def test_money_retained_by_the_centre_is_a_marked_headline(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    """A reduction keeps the money local by default (no card); the rule 'retain' shows a
    'Retained by the centre' card beside the letter's words."""
    at = ok(new_app())
    at.slider(key="w:consequences.condition_pct").set_value(0.0).run()
    at.slider(key="w:consequences.reduction_pct").set_value(10.0).run()
    ok(at)
    assert at.selectbox(key="w:redistribution.rule").value == "pro_rata_all"
    assert RETAINED not in metrics(at)
    assert not any("remain in local government" in w.value for w in at.main.warning)
    at.selectbox(key="w:redistribution.rule").set_value("retain").run()
    ok(at)
    assert at.session_state["scenario"] == reduction(context, 10.0, "retain")
    shown = metrics(at)
    # By the rule: everything withheld stays with the centre.
    assert shown[RETAINED] == shown[WITHHELD] != "£0"
    (warning,) = [w.value for w in at.main.warning if "Retained by the centre" in w.value]
    assert "All iBCF funding will remain in local government" in warning


def test_a_change_the_model_rejects_is_not_applied(dataset: Dataset) -> None:
    at = ok(new_app())
    at.slider(key="w:consequences.condition_pct").set_value(80.0).run()
    before = metrics(at)
    at.slider(key="w:consequences.reduction_pct").set_value(40.0).run()
    ok(at)
    # one message, in the widgets' words, with the sum it refused (80 + 40)
    assert [seen(e.value) for e in at.error] == [
        "That change was not applied. Condition and reduction together cannot exceed "
        "100% of the base: now 120%."
    ]
    assert at.slider(key="w:consequences.reduction_pct").value == 0.0  # snapped back
    assert metrics(at) == before


def test_undo_and_redo_of_edits(dataset: Dataset, context: dict[str, Any]) -> None:
    at = ok(new_app())
    undo = next(b for b in at.sidebar.button if b.label == "Undo")
    assert undo.disabled  # nothing to undo yet
    at.slider(key="w:consequences.condition_pct").set_value(40.0).run()
    at.slider(key="w:consequences.condition_pct").set_value(50.0).run()
    ok(at)
    next(b for b in at.sidebar.button if b.label == "Undo").click().run()
    ok(at)
    assert at.slider(key="w:consequences.condition_pct").value == 40.0
    assert at.session_state["scenario"].consequences.condition_pct == 40.0
    next(b for b in at.sidebar.button if b.label == "Undo").click().run()
    assert at.session_state["scenario"].consequences.condition_pct == 33.0
    next(b for b in at.sidebar.button if b.label == "Redo").click().run()
    ok(at)
    assert at.session_state["scenario"].consequences.condition_pct == 40.0
    assert at.slider(key="w:consequences.condition_pct").value == 40.0


def test_switching_scenario_with_edits_asks_first(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    at = ok(new_app())
    at.slider(key="w:consequences.condition_pct").set_value(40.0).run()
    at.selectbox(key="preset_select").select("status-quo").run()
    ok(at)
    # not switched yet: a warning and two buttons
    assert at.session_state["preset"] == "october-2017-letter"
    assert at.session_state["scenario"].consequences.condition_pct == 40.0
    assert any("discards the changes" in w.value for w in at.sidebar.warning)
    next(b for b in at.sidebar.button if b.label == "Keep editing").click().run()
    assert at.session_state["scenario"].consequences.condition_pct == 40.0
    assert not any("discards the changes" in w.value for w in at.sidebar.warning)
    at.selectbox(key="preset_select").select("status-quo").run()
    next(b for b in at.sidebar.button if b.label == "Switch").click().run()
    ok(at)
    assert at.session_state["preset"] == "status-quo"
    assert metrics(at)[SELECTED] == "0 of 152"
    # and the edits come back with Undo
    next(b for b in at.sidebar.button if b.label == "Undo").click().run()
    assert at.session_state["scenario"].consequences.condition_pct == 40.0


def test_compare_picks_travel_in_the_link(dataset: Dataset) -> None:
    at = ok(new_app(view="Compare"))
    picks = ["current", "preset:graduated", "preset:status-quo"]
    at.multiselect(key="compare_pick").set_value(picks).run()
    ok(at)
    assert at.query_params["compare"] == "current,preset:graduated,preset:status-quo"
    again = ok(new_app(**dict(at.query_params.items())))
    assert again.multiselect(key="compare_pick").value == picks


def test_compare_says_when_more_than_four_are_chosen(dataset: Dataset) -> None:
    at = ok(new_app(view="Compare"))
    everything = ["current", *(f"preset:{p.stem}" for p in sorted(SCENARIOS.glob("*.toml")))]
    assert len(everything) == 6
    at.multiselect(key="compare_pick").set_value(everything).run()
    ok(at)
    assert at.multiselect(key="compare_pick").value == everything  # nothing dropped silently
    assert [w.value for w in at.main.warning if "at most 4" in w.value] == [
        "6 scenarios are chosen; Compare shows at most 4 side by side. Remove 2 to see the "
        "comparison."
    ]


def test_each_shipped_scenario_loads(context: dict[str, Any], shipped_runs: dict[str, Run]) -> None:
    at = ok(new_app())
    names = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
    # The status quo, then in date order (the October letter before December), by name.
    dated = sorted(
        (n for n in names if n != "status-quo"), key=lambda n: (preset(n, context).date, n)
    )
    assert at.selectbox(key="preset_select").options == [
        preset(n, context).name for n in ["status-quo", *dated]
    ]
    for name in names:
        at.selectbox(key="preset_select").set_value(name).run()
        ok(at)
        assert_money_matches(metrics(at), shipped_runs[name].summary)
        assert at.query_params["preset"] == name
        # the widgets show the file's values
        cons = preset(name, context).consequences
        assert at.slider(key="w:consequences.condition_pct").value == cons.condition_pct


def test_reset_returns_to_the_shipped_scenario(context: dict[str, Any]) -> None:
    at = ok(new_app())
    at.slider(key="w:consequences.condition_pct").set_value(10.0).run()
    reset = next(b for b in at.sidebar.button if b.label.startswith("Reset"))
    reset.click().run()
    ok(at)
    assert at.session_state["scenario"] == preset(link_default(), context)
    assert at.slider(key="w:consequences.condition_pct").value == 33.0
    assert "consequences.condition_pct" not in at.query_params


# ---------------------------------------------------------------------- selection tests
def test_test_parameters_are_editable(context: dict[str, Any], tmp_path: Path) -> None:
    at = ok(new_app())
    at.selectbox(key="preset_select").set_value("december-2017-five-tests").run()
    tests = preset("december-2017-five-tests", context).selection.tests
    k = next(i for i, t in enumerate(tests) if t.id == "rate_2_6")
    at.selectbox(key="edit_test").set_value(k).run()
    at.slider(key=f"w:selection.tests.{k}.threshold").set_value(4.0).run()
    at.select_slider(key=f"w:selection.tests.{k}.window.end").set_value("2017-12").run()
    at.selectbox(key=f"w:selection.tests.{k}.attribution").set_value("social_care_and_both").run()
    ok(at)
    scenario = edit.with_changes(
        preset("december-2017-five-tests", context),
        {
            f"selection.tests.{k}.threshold": 4.0,
            f"selection.tests.{k}.window.end": "2017-12",
            f"selection.tests.{k}.attribution": "social_care_and_both",
        },
        context,
    )
    assert at.session_state["scenario"] == scenario
    assert_money_matches(metrics(at), cli_run_scenario(scenario, tmp_path, draws=0).summary)


def test_screen_needed_is_editable(
    context: dict[str, Any], shipped_runs: dict[str, Run], tmp_path: Path
) -> None:
    at = ok(new_app())
    at.selectbox(key="preset_select").set_value("december-2017-five-tests").run()
    box = at.selectbox(key="w:selection.screen_at_least")
    assert box.value == 2  # the shipped file: at least 2 of the 3 October criteria
    box.set_value(3).run()
    ok(at)
    assert at.session_state["scenario"].selection.screen_at_least is None  # "all 3"
    scenario = edit.with_value(
        preset("december-2017-five-tests", context), "selection.screen_at_least", None, context
    )
    assert at.session_state["scenario"] == scenario
    shown = metrics(at)
    assert_money_matches(shown, cli_run_scenario(scenario, tmp_path, draws=0).summary)
    # All three screening tests instead of two of them: strictly fewer councils here.
    before = shipped_runs["december-2017-five-tests"].summary["councils_selected"]
    assert councils_selected(shown[SELECTED]) < before


def test_a_toggle_changed_as_the_scenario_is_replaced_is_ignored() -> None:
    """A toggle's change that arrives with a switch of scenario belongs to the scenario
    being replaced: it is dropped, and the new scenario shows without an error."""
    keys = [t.key for t in ok(new_app(preset="reduce-and-redistribute")).toggle]
    scenario_toggles = [k for k in keys if k and k.startswith("w:")]
    assert len(scenario_toggles) >= 4
    for key in scenario_toggles:
        at = ok(new_app(preset="reduce-and-redistribute"))
        at.toggle(key=key).set_value(not at.toggle(key=key).value)
        at.selectbox(key="preset_select").set_value("status-quo")
        at.run()
        ok(at)
        assert at.session_state["scenario"].name == "Status quo", key


def test_add_and_remove_a_test(context: dict[str, Any]) -> None:
    at = ok(new_app())
    n = len(at.session_state["scenario"].selection.tests)
    at.selectbox(key="new_test_kind").set_value("gap").run()
    next(b for b in at.sidebar.button if b.label == "Add test").click().run()
    ok(at)
    tests = at.session_state["scenario"].selection.tests
    assert len(tests) == n + 1 and tests[-1].kind == "gap"
    assert at.selectbox(key="edit_test").value == n
    at.button(key=f"remove_test_{n}").click().run()
    ok(at)
    assert len(at.session_state["scenario"].selection.tests) == n


# ---------------------------------------------------------------------- views
MONEY_COLUMNS = ["selected", "tests_failed", "conditioned", "withheld", "received"]


def test_every_view_renders(context: dict[str, Any], shipped_runs: dict[str, Run]) -> None:
    at = ok(new_app())
    scenario = preset(link_default(), context)
    run = shipped_runs[link_default()]
    view(at, "Councils")
    table = at.dataframe[0].value.set_index("gss_code")
    # The same councils and columns as councils.csv from the command line.
    assert sorted(table.index) == sorted(run.councils.index)
    assert set(run.councils.columns) <= set(table.columns)
    view(at, "Compare")
    side = static_table_with(at, "measure")
    assert list(side.columns)[1:] == [f"Current: {scenario.name}", "Status quo"]
    view(at, "Sensitivity")
    near = frame_with(at, "flip_beds_per_day")
    assert len(near) > 0 and (near["flip_beds_per_day"].abs() <= 2.0).all()
    statuses = run.councils.loc[near["gss_code"], "selected"]
    assert near["selected"].tolist() == statuses.tolist()
    overlap = frame_with(at, "test_a", "test_b", "overlap")
    n_tests = len(scenario.selection.tests)  # every pair of the scenario's tests
    assert len(overlap) == n_tests * (n_tests - 1) // 2 == 3
    view(at, "Breakdowns")
    regions = frame_with(at, "region", "councils", "selected")
    assert regions["councils"].sum() == 152
    assert regions["selected"].sum() == run.summary["councils_selected"]
    view(at, "Data and assumptions")
    assert any("9 of 9 checks pass" in s.value for s in at.success)
    backtest = frame_with(at, "method", AUTO_METRIC)
    assert list(backtest.columns)[:4] == ["method", "description", "rank", AUTO_METRIC]
    assert any(f"In use: {METHOD_LABELS[backtest['method'][0]]}" in c.value for c in at.caption)
    assert any("Isles of Scilly" in i.value for i in at.info)
    view(at, "Exports")
    labels = [b.label for b in at.get("download_button")]
    assert "councils.csv" in labels and "Excel pack (.xlsx)" not in labels  # built on request
    next(b for b in at.main.button if b.label == "Prepare the Excel pack (.xlsx)").click().run()
    ok(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Excel pack (.xlsx)" in labels and "One-page brief (PDF)" in labels
    view(at, "Overview")
    assert "One-page brief (PDF)" in [b.label for b in at.get("download_button")]
    assert councils_selected(metrics(at)[SELECTED]) == run.summary["councils_selected"]


def test_councils_table_is_councils_csv(shipped_runs: dict[str, Run]) -> None:
    """For every shipped scenario the Councils view shows, council by council, the
    selection and money of the command line's councils.csv, and on screen each final
    allocation is the total less what was withheld plus what was received."""
    at = ok(new_app())
    view(at, "Councils")
    receivers = {}
    for name, run in shipped_runs.items():
        at.selectbox(key="preset_select").set_value(name).run()
        table = ok(at).dataframe[0].value.set_index("gss_code")
        for column in [*MONEY_COLUMNS, "final_allocation"]:
            assert table[column].to_dict() == run.councils[column].to_dict(), (name, column)
        final = table["allocation_total"] - table["withheld"] + table["received"]
        assert (table["final_allocation"] == final).all(), name
        receivers[name] = int((table["received"] > 0).sum())
    assert receivers["reduce-and-redistribute"] > 0 and receivers["status-quo"] == 0


def test_council_search_and_card(context: dict[str, Any], shipped_runs: dict[str, Run]) -> None:
    at = ok(new_app())
    view(at, "Councils")
    at.text_input(key="council_search").set_value("lancashire").run()
    ok(at)
    names = list(at.dataframe[0].value["council"])
    assert names and all("lancashire" in n.lower() for n in names)
    code = "E10000017"  # Lancashire
    at.selectbox(key="council_select").set_value(code).run()
    ok(at)
    row = shipped_runs[link_default()].councils.loc[code]
    text = seen(" ".join(m.value for m in at.main.markdown))
    assert "Lancashire" in text
    assert ("Selected" in text) == bool(row["selected"])
    assert "PREVIEW FOR ILLUSTRATION" in text  # the letter preview
    tests = frame_with(at, "What would change it")
    ids = [t.id for t in preset(link_default(), context).selection.tests]
    assert list(tests["Result"]) == ["fails" if row[f"{i}_fail"] else "passes" for i in ids]
    money = frame_with(at, "line", "£").set_index("line")["£"].map(pounds)
    assert money["Final 2018/19 allocation"] == row["final_allocation"]
    assert money["Withheld"] == -row["withheld"]
    # By hand: selected under the letter, a third (33%) of its Spring Budget element is
    # conditioned, to the nearest pound, and it keeps its whole allocation.
    spring = money["Spring Budget 2017 element"]
    assert money["of which conditioned (kept, ring-fenced)"] == int(spring * 0.33 + 0.5)
    assert money["Final 2018/19 allocation"] == money["Total 2018/19 allocation"]
    # The card says where the council's 2018/19 money comes from: its total, its status
    # and source, and its own report beside it (Lancashire reported £38,392k, which
    # passes the screen, so its total is that report to the pound).
    captions = " ".join(c.value for c in at.main.caption)
    assert row["allocation_status"] == "reported 2018-19 outturn"
    assert f"2018/19 allocation £{int(row['allocation_total']):,}: reported 2018-19 outturn" in (
        captions
    )
    assert int(row["allocation_total"]) == 38_392_000
    assert f"Source: {row['allocation_source']}." in seen(captions)
    assert "Reported 2018-19 iBCF £38,392,000 (MHCLG revenue outturn): reported 2018-19" in (
        seen(captions)
    )


def test_compare_several_scenarios(
    shipped_runs: dict[str, Run], shipped_projections: dict[str, dict[str, Any]]
) -> None:
    at = ok(new_app())
    view(at, "Compare")
    picks = ["current", "preset:status-quo", "preset:graduated", "preset:reduce-and-redistribute"]
    at.multiselect(key="compare_pick").set_value(picks).run()
    ok(at)
    side = static_table_with(at, "measure").set_index("measure")
    graduated = shipped_runs["graduated"].summary
    assert_shows(side.loc[WITHHELD, graduated["scenario"]], graduated["total_withheld"])
    # Every evidence set side by side for each option, as `ibcf run` says them.
    for name in ("graduated", "reduce-and-redistribute"):
        scenario = shipped_runs[name].summary["scenario"]
        shown = side.loc["Beds freed a day, every evidence set", scenario]
        assert shown == shipped_projections[name]["evidence_sets_text"]
        for label in ("no effect ", "low ", "central (default) ", "2017/18 fit"):
            assert label in shown
    assert side.shape[1] == 4
    # status quo selects none: the councils selected under any other differ
    assert shipped_runs["status-quo"].summary["councils_selected"] == 0
    any_selected = np.logical_or.reduce(
        [
            shipped_runs[n].councils["selected"].to_numpy()
            for n in ("october-2017-letter", "graduated", "reduce-and-redistribute")
        ]
    )
    text = " ".join(m.value for m in at.main.markdown)
    assert f"Councils whose selection differs: {int(any_selected.sum())};" in text


# ---------------------------------------------------------------------- files
def test_upload_a_bad_file_keeps_the_scenario(dataset: Dataset) -> None:
    at = ok(new_app())
    before = at.session_state["scenario"]
    at.file_uploader(key="upload").set_value(
        (
            "broken.toml",
            b"name = 'x'\n[consequences]\ncondition_pct = 300\nsurprise = 1\n",
            "application/toml",
        )
    ).run()
    ok(at)
    errors = seen(" ".join(e.value for e in at.sidebar.error))
    assert "broken.toml: consequences.condition_pct" in errors
    assert "broken.toml: consequences.surprise: unknown key" in errors
    assert "current scenario is unchanged" in errors
    assert at.session_state["scenario"] == before


def test_upload_a_good_file_replaces_the_scenario(
    context: dict[str, Any], shipped_runs: dict[str, Run]
) -> None:
    at = ok(new_app())
    raw = (SCENARIOS / "graduated.toml").read_bytes()
    at.file_uploader(key="upload").set_value(("mine.toml", raw, "application/toml")).run()
    ok(at)
    assert at.session_state["scenario"] == preset("graduated", context)
    assert_money_matches(metrics(at), shipped_runs["graduated"].summary)


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        ("scenario.txt", b"name = 'x'\n", "not a .toml scenario file"),
        ("big.toml", b"#" * 300_000, "larger than the"),
        ("bin.toml", b"name = 'x'\x00", "binary content"),
        ("bad.toml", b"name = [", "not valid TOML"),
        ("old.toml", b"schema_version = 99\nname = 'x'\n", "newer than this simulator"),
    ],
)
def test_upload_handler_rejects(
    name: str, raw: bytes, words: str, context: dict[str, Any], dataset: Dataset
) -> None:
    """The function behind the upload widget, for each way a file can be wrong."""
    scenario, errors, _ = edit.read_scenario_file(name, raw, context, dataset.data_hash)
    assert scenario is None
    assert any(words in e for e in errors), errors


def test_upload_handler_warns_about_other_data(context: dict[str, Any], dataset: Dataset) -> None:
    raw = (
        preset("graduated", context)
        .model_copy(update={"data_hash": "0000000000000000", "model_version": "0.0.1"})
        .to_toml()
        .encode()
    )
    scenario, errors, warnings = edit.read_scenario_file(
        "old.toml", raw, context, dataset.data_hash
    )
    assert scenario is not None and not errors
    assert any("saved with data 0000000000000000" in w for w in warnings)
    assert any("saved with model 0.0.1" in w for w in warnings)


def test_downloaded_scenario_round_trips(dataset: Dataset, context: dict[str, Any]) -> None:
    at = ok(new_app())
    at.slider(key="w:consequences.condition_pct").set_value(40.0).run()
    scenario = at.session_state["scenario"]
    text = scenario_toml(scenario, dataset.data_hash)
    again = parse_scenario(text, context=context)
    assert again.data_hash == dataset.data_hash and again.model_version == MODEL_VERSION
    assert again.content_hash() == scenario.content_hash()
    assert any(b.label == "Download scenario (.toml)" for b in at.sidebar.get("download_button"))


# ---------------------------------------------------------------------- the link
def test_link_reproduces_the_view(dataset: Dataset, context: dict[str, Any]) -> None:
    first = ok(new_app())
    first.slider(key="w:consequences.reduction_pct").set_value(15.0).run()
    first.slider(key="w:consequences.condition_pct").set_value(20.0).run()
    first.selectbox(key="w:redistribution.rule").set_value("best_quartile").run()
    params = dict(first.query_params)
    second = ok(new_app(**params))
    assert second.session_state["scenario"] == first.session_state["scenario"]
    assert metrics(second) == metrics(first)
    assert not second.main.warning[1:]  # only the reconstruction banner


def test_link_warns_when_data_or_model_changed(dataset: Dataset) -> None:
    at = ok(new_app(preset="graduated", dh="0123456789abcdef", mv="0.0.1"))
    warnings = seen(" ".join(w.value for w in at.main.warning))
    assert "made with data 0123456789abcdef" in warnings
    assert "made with model version 0.0.1" in warnings


def test_a_broken_link_falls_back_to_its_preset(context: dict[str, Any]) -> None:
    at = ok(new_app(**{"preset": "graduated", "consequences.condition_pct": "250"}))
    assert any("could not be applied" in e.value for e in at.main.error)
    assert at.session_state["scenario"] == preset("graduated", context)


def test_link_diff_round_trips_every_preset(context: dict[str, Any], dataset: Dataset) -> None:
    presets = {p.stem: preset(p.stem, context) for p in SCENARIOS.glob("*.toml")}
    december = presets["december-2017-five-tests"]
    k = next(i for i, t in enumerate(december.selection.tests) if t.id == "rate_2_6")
    target = edit.with_changes(
        december,
        {"consequences.reduction_pct": 12.0, f"selection.tests.{k}.threshold": 3.1},
        context,
    )
    for slug in presets:
        params = services.link_params(slug, presets[slug], target, dataset.data_hash)
        got_slug, got, warnings, errors = services.scenario_from_link(
            params, presets, context, dataset.data_hash
        )
        assert (got_slug, errors, warnings) == (slug, [], [])
        assert got == target


# ---------------------------------------------------------------------- workshop, sessions
def test_workshop_mode_anonymises_and_locks(dataset: Dataset) -> None:
    at = ok(new_app())
    view(at, "Councils")
    table = at.dataframe[0].value
    for column in IDENTIFYING:  # shown outside workshop mode
        assert column in table.columns, column
    assert frame_with(at, "line", "£")["line"].str.endswith("element").any()
    assert not any(c.value == WORKSHOP_NOTE for c in at.main.caption)
    at.toggle(key="workshop").set_value(True).run()
    view(at, "Councils")
    real = set(dataset.councils["council"])
    table = at.dataframe[0].value
    assert set(table["council"]) <= set(anonymous_names(152))
    assert list(table["council"]) == sorted(table["council"])  # not in GSS code order
    assert not set(table["council"]) & real
    assert set(table["gss_code"]) == {"hidden"}
    for column in IDENTIFYING:  # region, type, population, allocation elements
        assert column not in table.columns, column
    assert any(c.value == WORKSHOP_NOTE for c in at.main.caption)
    assert not frame_with(at, "line", "£")["line"].str.endswith("element").any()
    shown_text = " ".join(m.value for m in at.main.markdown)
    code = at.selectbox(key="council_select").value
    row = dataset.councils.set_index("gss_code").loc[code]
    assert row["council"] not in shown_text
    captions = " ".join(c.value for c in at.main.caption)
    assert f"{int(row['adults_18plus']):,}" not in captions
    assert str(row["authority_type"]) not in captions
    view(at, "Compare")
    differs = frame_with(at, "Council", "What changed")
    assert not set(headings(list(IDENTIFYING)).values()) & set(differs.columns)
    assert "GSS code" in differs.columns and set(differs["GSS code"]) == {"hidden"}
    assert set(differs["Council"]) <= set(anonymous_names(152))
    view(at, "Breakdowns")  # totals by region are aggregates and stay
    assert "region" in frame_with(at, "region", "councils").columns
    view(at, "Data and assumptions")  # published figures name their councils
    assert not any("published" in d.value.columns for d in at.main.dataframe)
    view(at, "Councils")
    # shipped scenarios locked except the two presenter levers; upload hidden
    assert at.selectbox(key="w:redistribution.rule").disabled
    assert not at.slider(key="w:consequences.condition_pct").disabled
    assert not at.sidebar.file_uploader
    assert at.query_params["ws"] == "1"
    at.run()
    assert "council" not in at.query_params  # no GSS code in a workshop link


def test_two_sessions_do_not_share_state() -> None:
    one = ok(new_app())
    two = ok(new_app())
    one.slider(key="w:consequences.condition_pct").set_value(70.0).run()
    one.toggle(key="workshop").set_value(True).run()
    two.run()
    assert two.slider(key="w:consequences.condition_pct").value == 33.0
    assert two.session_state["scenario"].consequences.condition_pct == 33.0
    assert not two.session_state["workshop"]
    assert metrics(one)[CONDITIONED] != metrics(two)[CONDITIONED]


def test_every_view_for_every_shipped_scenario() -> None:
    at = ok(new_app())
    for name in sorted(p.stem for p in SCENARIOS.glob("*.toml")):
        at.selectbox(key="preset_select").set_value(name).run()
        for name_of_view in VIEWS:
            view(at, name_of_view)
            assert not at.main.error, (name, name_of_view, [e.value for e in at.main.error])


def test_optional_sections_and_their_link(tmp_path: Path) -> None:
    at = ok(new_app())
    at.selectbox(key="w:selection.combine").set_value("composite").run()
    at.toggle(key="w:selection.exemption#on").set_value(True).run()
    at.toggle(key="w:consequences.release#on").set_value(True).run()
    at.toggle(key="w:consequences.cap_gbp#on").set_value(True).run()
    at.selectbox(key="w:consequences.graduation").set_value("margin").run()
    at.selectbox(key="w:redistribution.rule").set_value("improvers").run()
    at.toggle(key="w:redistribution.gain_cap_pct#on").set_value(True).run()
    ok(at)
    assert not at.error
    s = at.session_state["scenario"]
    assert s.selection.combine == "composite" and s.selection.exemption is not None
    assert s.consequences.release is not None and s.consequences.cap_gbp == 1_000_000
    assert s.consequences.margin_test == s.selection.tests[0].id
    assert s.redistribution.gain_cap_pct == 10.0
    assert_money_matches(metrics(at), cli_run_scenario(s, tmp_path, draws=0).summary)
    again = ok(new_app(**dict(at.query_params)))
    assert again.session_state["scenario"] == s
    at.toggle(key="w:selection.exemption#on").set_value(False).run()
    assert at.session_state["scenario"].selection.exemption is None


def test_data_page_explains_the_allocation_method_and_shows_every_check(
    dataset: Dataset,
) -> None:
    at = ok(new_app())
    view(at, "Data and assumptions")
    text = " ".join(m.value for m in at.main.markdown)
    for words in ("best-supported hypothesis", "HL4564", "17 March 2016", "DLUHC"):
        assert words in text, words
    checks = frame_with(at, "published £", "reconstructed £", "within rounding")
    assert len(checks) == len(dataset.known_figures)
    assert {"need share implied %", "tranche-1 proxy share %"} <= set(checks.columns)
    methods = frame_with(at, "variant", "figures_within_rounding")
    assert "COVID-19 proxy split" in set(methods["variant"])
    provenance = frame_with(at, "input", "status")
    assert any("RECONSTRUCTED: PRECEPT EQUALISATION" in s for s in provenance["status"])
    # Every council's reported figure beside the rebuild, flagged ones first.
    reported = frame_with(at, "reported £", "rebuilt £ (precept equalisation)", "flag")
    assert len(reported) == 152
    assert set(reported["status"].iloc[:7]) == {"reported, flagged"}
    assert "Knowsley" in set(reported["council"].iloc[:7])
    assert "Reported 2018/19 figures beside the reconstruction, every council" in text
    # The eight councils with a published winter pressures grant (asc_rnf_checkpoints.csv)
    # are the only ones whose need share is not the renormalised proxy.
    shares = frame_with(at, "need share %", "from")
    assert sorted(shares["council"]) == sorted(
        ["Norfolk", "Lincolnshire", "West Berkshire", "Nottinghamshire", "Warwickshire",
         "Essex", "Kent", "Devon"]
    )  # fmt: skip


def test_stale_description_is_marked_and_can_be_regenerated(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    from app.sidebar import STALE_TEXT

    at = ok(new_app())
    assert not any(STALE_TEXT in w.value for w in at.sidebar.warning)
    at.slider(key="w:consequences.condition_pct").set_value(50.0).run()
    ok(at)
    assert any(STALE_TEXT in w.value for w in at.sidebar.warning)
    at.button(key="stale_regenerate").click().run()
    ok(at)
    scenario = at.session_state["scenario"]
    assert scenario.description == summary.policy_sentence(engine.evaluate(scenario, dataset))
    assert scenario.text_stale, "the notes still wait to be confirmed"
    at.button(key="stale_keep").click().run()
    ok(at)
    assert not at.session_state["scenario"].text_stale
    assert not any(STALE_TEXT in w.value for w in at.sidebar.warning)


def test_the_overview_sets_the_letter_beside_the_model(context: dict[str, Any]) -> None:
    at = ok(new_app())
    at.selectbox(key="preset_select").set_value("october-2017-letter").run()
    ok(at)
    shown = [t.value for t in at.main.text]
    assert any(t.startswith("The letter: 32 councils written to / this model on") for t in shown)
    assert any(t.startswith("Lancashire, the letter: 9.7") for t in shown)
    assert any(t.startswith("Why they differ:") for t in shown)


def test_a_link_that_edits_a_preset_marks_its_words_stale() -> None:
    from app.sidebar import STALE_TEXT

    at = ok(new_app(preset="december-2017-five-tests", **{"selection.combine": "any"}))
    assert at.session_state["scenario"].text_stale
    assert any(STALE_TEXT in w.value for w in at.sidebar.warning)
