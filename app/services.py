"""The app's one door to the model: every name the app uses from ``simulator`` and
every cache.

No other app module imports ``simulator`` (an import contract in pyproject.toml says
so): when the model's modules move, this file is the one to change.

The bundled dataset, the shipped scenarios and the forecast baseline are loaded once
per server process (``st.cache_resource``); evaluations and projections are cached
by what they depend on (the data hash, the model version and the scenario's content
hash), so moving a slider back to a value already seen costs nothing.

Cached objects are shared between sessions, so each holds only what is a pure
function of its key: a result is computed from the scenario without its name, notes,
description, author and date, and handed to a session bound to that session's own
scenario (:func:`evaluate`). Nothing one session typed can reach another's page or
export. Cached objects are treated as read-only: views copy a frame before changing it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app import link
from simulator import MODEL_VERSION, io, projection
from simulator.cells import csv_text as cells_csv_text
from simulator.cells import one_line
from simulator.design.grid import Grid, build_grid
from simulator.design.grid import option_scenario as design_option_scenario
from simulator.design.kernel import Context as DesignContext
from simulator.design.kernel import evaluate_options
from simulator.design.kernel import make_context as make_design_context
from simulator.design.run import DesignAnswer, load_design
from simulator.design.run import answer as design_answer_of
from simulator.design.search import constraints as design_constraints
from simulator.design.search import feasible as design_keeps
from simulator.design.seek import oracle_bound
from simulator.engine import run as engine
from simulator.engine.run import Result, RunSummary
from simulator.errors import ScenarioError, SimulatorError
from simulator.inputs.allocation import explanation as allocation_explanation
from simulator.inputs.data import Dataset, load_dataset
from simulator.projection import (
    AUTO_ATTRIBUTION,
    AUTO_METRIC,
    METHOD_LABELS,
    Backtest,
    PreparedBaseline,
    ProjectionParams,
    ProjectionResult,
    coverage_table,
    summarise_points,
)
from simulator.projection.evidence import DEFAULT_EVIDENCE_SET, evidence_set
from simulator.reports import (
    distance,
    distribution,
    hexmap,
    incentives,
    replay,
    stability,
    tables,
    views,
)
from simulator.reports.anonymous import anonymise as anonymise_frame
from simulator.reports.assumptions import assumptions_register
from simulator.reports.card import ReasonCard, reason_card
from simulator.reports.columns import BEDS, PERCENT, POUNDS, RATE, describe
from simulator.reports.compare import comparison, scenario_table
from simulator.reports.distance import FLIP_NOTE, near_the_line
from simulator.reports.excel import excel_pack as _excel_pack
from simulator.reports.excel import methods_frame as methods_table
from simulator.reports.excel import parameters_frame
from simulator.reports.hexmap import hexagon
from simulator.reports.letter import letter_preview, reconciliation_lines
from simulator.reports.overlap import overlap_of_tests
from simulator.reports.robustness import robustness_text as _robustness_text
from simulator.reports.summary import (
    CAVEATS,
    option_words,
    policy_sentence,
    retained_warning,
    scenario_caveats,
    summary_frame,
)
from simulator.reports.tables import (
    BREAKDOWN_MONEY,
    breakdown,
    compare_frame,
    projection_frame,
    rate_basis,
    selection_differs,
)
from simulator.reports.views import (
    alias_map,
    council_evidence_frame,
    council_projection,
    evidence_frame,
    gains_and_losses,
    ledger_flows,
    ledger_steps,
    need_share_sources,
    provenance,
    reported_figures,
)
from simulator.reports.words import (
    NHS_VALUE_CAVEAT,
    SOCIAL_CARE_CAVEAT,
    ambition_text,
    beds_figure,
    beds_range,
    beds_text,
    chance,
    chance_change,
    detectability_lines,
    evidence_label,
    evidence_name,
    gbp,
    is_nil,
)
from simulator.rules.redistribution import RULE_LABELS
from simulator.schema import suggested
from simulator.schema.base import param_meta
from simulator.schema.calendar import month_name, short_month_name
from simulator.schema.consequences import Consequences, Redistribution, Release
from simulator.schema.design import DesignFile, Goal, Guarantees
from simulator.schema.edit import MODEL_FAILURES as EDIT_FAILURES
from simulator.schema.edit import (
    add_test,
    as_dict,
    for_people,
    get_path,
    mark_text,
    read_scenario_file,
    remove_test,
    set_path,
    set_screen,
    shift_test_months,
    validate,
    with_changes,
)
from simulator.schema.evidence import option_labels as _evidence_option_labels
from simulator.schema.expectations import ExpectationRule
from simulator.schema.files import MAX_SCENARIO_BYTES, data_context, load_scenario
from simulator.schema.labels import LABELS
from simulator.schema.parameters import parameter
from simulator.schema.scenario import Scenario
from simulator.schema.selection import (
    Composite,
    Exemption,
    GapTest,
    ManualEntry,
    RateTest,
    Selection,
    TrendTest,
    Window,
)
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, BASE_LABELS, YEAR

EVIDENCE_LABELS = _evidence_option_labels()

__all__ = [
    "ATTRIBUTION_LABELS",
    "AUTO_ATTRIBUTION",
    "AUTO_METRIC",
    "BEDS",
    "BREAKDOWN_MONEY",
    "CAVEATS",
    "DEFAULT_EVIDENCE_SET",
    "EVIDENCE_LABELS",
    "FLIP_NOTE",
    "LABELS",
    "MAX_SCENARIO_BYTES",
    "METHOD_LABELS",
    "MODEL_VERSION",
    "NHS_VALUE_CAVEAT",
    "PERCENT",
    "POUNDS",
    "RATE",
    "RULE_LABELS",
    "SOCIAL_CARE_CAVEAT",
    "YEAR",
    "Backtest",
    "Composite",
    "Consequences",
    "Dataset",
    "Exemption",
    "ExpectationRule",
    "GapTest",
    "ManualEntry",
    "ProjectionParams",
    "ProjectionResult",
    "RateTest",
    "ReasonCard",
    "Redistribution",
    "Release",
    "Result",
    "RunSummary",
    "Scenario",
    "ScenarioError",
    "Selection",
    "TrendTest",
    "Window",
    "add_test",
    "alias_map",
    "allocation_explanation",
    "ambition_text",
    "as_dict",
    "assumptions_register",
    "beds_figure",
    "beds_range",
    "beds_text",
    "breakdown",
    "cells_csv_text",
    "chance",
    "chance_change",
    "compare_frame",
    "comparison",
    "council_evidence_frame",
    "council_projection",
    "coverage_table",
    "describe",
    "detectability_lines",
    "evidence_frame",
    "evidence_label",
    "evidence_name",
    "evidence_set",
    "for_people",
    "gains_and_losses",
    "gbp",
    "get_path",
    "hexagon",
    "is_nil",
    "ledger_flows",
    "ledger_steps",
    "letter_preview",
    "mark_text",
    "methods_table",
    "month_name",
    "near_the_line",
    "need_share_sources",
    "one_line",
    "option_words",
    "overlap_of_tests",
    "param_meta",
    "parameter",
    "parameters_frame",
    "policy_sentence",
    "projection_frame",
    "provenance",
    "rate_basis",
    "read_scenario_file",
    "reason_card",
    "reconciliation_lines",
    "remove_test",
    "reported_figures",
    "retained_warning",
    "scenario_caveats",
    "scenario_table",
    "selection_differs",
    "set_path",
    "set_screen",
    "shift_test_months",
    "short_month_name",
    "suggested",
    "summarise_points",
    "summary_frame",
    "validate",
    "with_changes",
]

STATUS_QUO = "status-quo"


@st.cache_resource(show_spinner="Loading and validating the bundled data…")
def dataset() -> Dataset:
    return load_dataset()


def data_problems() -> list[str]:
    """Why the data folder cannot be used (empty when it can), one line each naming
    the file, row and column: the app's first check, so a broken folder is a clear
    message at start, not a crash on the view that reads the broken file."""
    try:
        dataset()
    except SimulatorError as exc:
        return list(exc.problems)
    return []


@st.cache_resource
def context() -> dict[str, Any]:
    data = dataset()
    return data_context(data.months, list(data.codes))


@st.cache_resource
def presets() -> dict[str, Scenario]:
    """Shipped scenarios by file name (without ``.toml``): the status quo, then by date."""
    loaded = {
        path.stem: load_scenario(path, context=context())
        for path in Path(io.SCENARIO_DIR).glob("*.toml")
    }
    # The status quo first, then in date order (the October letter before December).
    order = sorted(loaded, key=lambda k: (k != STATUS_QUO, loaded[k].date or "9999", k))
    return {k: loaded[k] for k in order}


METADATA = {"name": "-", "description": "", "author": "", "date": None, "notes": ""}


def key(scenario: Scenario) -> str:
    """Cache key: everything a result depends on (data, model, the scenario's content;
    never its name or notes, which change no number)."""
    return f"{dataset().data_hash}|{MODEL_VERSION}|{scenario.content_hash()}"


def without_metadata(scenario: Scenario) -> Scenario:
    """The scenario with its name, notes, description, author and date blanked: what a
    shared cache may hold."""
    return scenario.model_copy(update=METADATA)


@st.cache_resource(max_entries=128, show_spinner=False)
def _evaluate(cache_key: str, _scenario: Scenario) -> Result:
    return engine.evaluate(without_metadata(_scenario), dataset())


def bind(result: Result, scenario: Scenario) -> Result:
    """A cached result as this session's: its scenario (name, notes...) and the summary
    that quotes the name. Raises if the scenario would give other numbers."""
    if scenario.content_hash() != result.summary["scenario_hash"]:
        raise ValueError("a result can only be bound to a scenario with the same content")
    summary = result.summary.copy()
    summary["scenario"] = scenario.name
    return dataclasses.replace(result, scenario=scenario, summary=summary)


def evaluate(scenario: Scenario) -> Result:
    """The scenario's result, from the shared cache, bound to this scenario."""
    return bind(_evaluate(key(scenario), scenario), scenario)


# ---------------------------------------------------------------------- projection
@st.cache_resource(max_entries=8, show_spinner="Forecasting the 2018/19 baseline…")
def _prepared(method: str, with_noise: bool, _params: ProjectionParams) -> PreparedBaseline:
    data = dataset()
    alloc = data.allocation_by_element
    return projection.prepare_baseline(
        data.dtoc_beds,
        data.months,
        data.adults,
        _params,
        status_quo_change=projection.status_quo_change_gbp(
            alloc["original"], alloc["spring_budget"], data.money_2017_18
        ),
        with_noise=with_noise,
    )


def prepared(params: ProjectionParams, *, with_noise: bool = True) -> PreparedBaseline:
    """The counterfactual forecast depends only on the method (and whether noise is
    needed), not on the money: computed once per method and shared."""
    noise = with_noise and params.draws > 0 and params.forecast_noise_scale > 0
    return _prepared(params.method, noise, params)


def _money(result: Result) -> dict[str, Any]:
    return {
        "conditioned": result.money.conditioned.astype(float),
        "withheld": result.money.withheld.astype(float),
        "received": result.ledger.received.astype(float),
        "reviewed": result.selection.selected,
    }


@st.cache_resource(max_entries=64, show_spinner="Running the Monte Carlo projection…")
def _project(cache_key: str, _result: Result) -> ProjectionResult:
    return engine.project_scenario(_result)


def project(result: Result) -> ProjectionResult:
    """2018/19 projection of the scenario, with its own draws and seed."""
    return _project(key(result.scenario), result)


@st.cache_resource(max_entries=32, show_spinner="Running one-at-a-time sensitivities…")
def _tornado(cache_key: str, _result: Result) -> pd.DataFrame:
    data = dataset()
    params = _result.scenario.projection
    return projection.tornado(
        data.dtoc_beds,
        data.months,
        data.adults,
        params=params,
        prepared=prepared(params, with_noise=False),
        **_money(_result),
    )


def tornado(result: Result) -> pd.DataFrame:
    return _tornado(key(result.scenario), result)


# The model's own errors and what it may raise besides (see simulator.schema.edit).
MODEL_FAILURES = (SimulatorError, *EDIT_FAILURES)
CANNOT_RUN = (
    "the model cannot run this scenario: a value is outside what it can compute "
    "(a number too large, for instance)"
)


def problems(scenario: Scenario, source: str) -> list[str]:
    """Why the model cannot run ``scenario`` (empty if it can), one line each: the
    check a scenario from a link, an upload or an edit passes before it replaces the
    session's scenario. The result it computes is cached, so the rerun that follows
    costs nothing more."""
    try:
        evaluate(scenario)
    except SimulatorError as exc:
        return list(exc.problems)
    except MODEL_FAILURES:
        return [f"{source}: {CANNOT_RUN}"]
    return []


def backtest(params: ProjectionParams) -> tuple[str, Backtest | None]:
    """The forecasting method in use and its back-test, without running the Monte Carlo
    (the Data page shows them, not the projection)."""
    prep = prepared(params, with_noise=False)
    return prep.method, prep.backtest


# ---------------------------------------------------------------------- small derived views
@st.cache_resource(max_entries=64, show_spinner=False)
def _flip(cache_key: str, _result: Result) -> distance.Flip:
    return distance.distance_to_flip(_result)


def distance_to_flip(result: Result) -> distance.Flip:
    return _flip(key(result.scenario), result)


@st.cache_resource(max_entries=64, show_spinner=False)
def _councils(cache_key: str, _result: Result) -> pd.DataFrame:
    return tables.councils_frame(_result)


def councils_frame(result: Result) -> pd.DataFrame:
    """The councils table of every output column (a copy: callers may change it)."""
    return _councils(key(result.scenario), result).copy()


# ---------------------------------------------------------------------- the 2017 replay
REPLAY_RULES = ("october-2017-letter", "december-2017-five-tests", "reduce-and-redistribute",
                "graduated")  # fmt: skip
REPLAY_DATES = replay.DATES
REPLAY_LABELS = replay.LABELS
replay_label_counts = replay.label_counts
ReplayStep = replay.Step


@st.cache_resource(show_spinner="Replaying 2017…")
def replay_2017() -> tuple[list[replay.Step], pd.DataFrame]:
    """Who each shipped rule selects at each 2017 decision date, and the scorecard of
    published figures (the bundled data and shipped scenarios only: one per process)."""
    rules = [presets()[name] for name in REPLAY_RULES]
    data = dataset()
    steps = replay.replay_steps(rules, data)
    card = replay.scorecard(evaluate(rules[0]), evaluate(rules[1]))
    return steps, card


# ---------------------------------------------------------------------- who bears it
equity_comparison = distribution.equity_comparison
decile_view = distribution.decile_view
DECILE_AXIS = distribution.DECILE_AXIS
distribution_sentence = distribution.sentence
stability_words = stability.stability_words
stability_line = stability.council_line
incentive_words = incentives.incentive_words
incentive_lines = incentives.council_lines


@st.cache_resource(max_entries=64, show_spinner=False)
def _annex(cache_key: str, _result: Result) -> distribution.Annex:
    return distribution.annex(_result, project(_result))


def annex(result: Result) -> distribution.Annex:
    """Who bears the option: money and beds by group, and the equity measures."""
    return _annex(key(result.scenario), result)


@st.cache_resource(max_entries=32, show_spinner="Re-running the tests on plausible variants…")
def _stability(cache_key: str, _result: Result) -> stability.Stability:
    return stability.stability(_result, flip=distance_to_flip(_result))


def selection_stability(result: Result) -> stability.Stability:
    """How firm the list is: every plausible variant's selection."""
    return _stability(key(result.scenario), result)


@st.cache_resource(max_entries=64, show_spinner=False)
def _incentives(cache_key: str, _result: Result) -> incentives.Incentives:
    return incentives.incentives(_result)


def option_incentives(result: Result) -> incentives.Incentives:
    """What the option rewards, council by council."""
    return _incentives(key(result.scenario), result)


def status_quo() -> Result:
    return evaluate(presets()[STATUS_QUO])


# ---------------------------------------------------------------------- the map
@st.cache_resource
def hex_layout() -> pd.DataFrame:
    """The hex map layout for the 152 councils of 2017/18 (read once per process)."""
    data = dataset()
    return hexmap.layout_2017(io.read_hexjson(), list(data.codes))


@st.cache_resource(max_entries=64, show_spinner=False)
def _map_frame(cache_key: str, _result: Result) -> pd.DataFrame:
    return hexmap.map_frame(_result, hex_layout())


def map_frame(result: Result) -> pd.DataFrame:
    """Each council's hex, status, change in £ and DToC rate for the scenario."""
    return _map_frame(key(result.scenario), result)


# ---------------------------------------------------------------------- the link
def link_params(
    preset_slug: str,
    preset: Scenario,
    scenario: Scenario,
    data_hash: str,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Query parameters that reproduce ``scenario`` from ``preset`` (:mod:`app.link`),
    stamped with this model's version."""
    return link.link_params(
        preset_slug, preset, scenario, data_hash, extra, model_version=MODEL_VERSION
    )


def snapshot_from_link(
    text: str, presets: dict[str, Scenario], context: dict[str, Any] | None, data_hash: str
) -> tuple[str, Scenario | None, list[str]]:
    """A saved snapshot from its link value (:func:`app.link.decode_snapshot`), checked as
    a link is: ``(name, scenario, [])``, or ``(name, None, problems)``."""
    try:
        name, params = link.decode_snapshot(text)
    except ValueError as exc:
        return "", None, [f"link: {exc}"]
    _, scenario, _, errors = scenario_from_link(params, presets, context, data_hash)
    if not errors:
        errors = problems(scenario, "link")
    return (name, None, errors) if errors else (name, scenario, [])


def snapshot_params(
    saved: dict[str, Scenario], presets: dict[str, Scenario]
) -> tuple[dict[str, str], list[str]]:
    """The saved snapshots a link carries (``snap1`` ...: each as its difference from the
    closest preset), and their names in that order; one too long for a link is left out
    (the Compare page says so and offers its file)."""
    out: dict[str, str] = {}
    names: list[str] = []
    for name, scenario in saved.items():
        if len(out) == link.MAX_SNAPSHOTS:
            break
        slug = link.closest_preset(scenario, presets)
        value = link.encode_snapshot(name, slug, presets[slug], scenario)
        if len(value) <= link.MAX_VALUE_CHARS:
            out[f"{link.SNAPSHOT}{len(out) + 1}"] = value
            names.append(name)
    return out, names


def scenario_from_link(
    params: dict[str, str],
    presets: dict[str, Scenario],
    context: dict[str, Any] | None,
    data_hash: str,
) -> tuple[str, Scenario, list[str], list[str]]:
    """The scenario a link describes, validated against ``context`` (:mod:`app.link`):
    ``(preset_slug, scenario, warnings, errors)``; with errors, the preset itself."""

    def rebuild(
        content: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[Scenario | None, list[str]]:
        try:
            for path, value in changes.items():
                content = set_path(content, path, value)
        except ScenarioError as exc:
            return None, [f"link: {p}" for p in exc.problems]
        try:
            return validate(content, context, source="link"), []
        except ScenarioError as exc:
            return None, list(exc.problems)

    return link.scenario_from_link(
        params, presets, data_hash, model_version=MODEL_VERSION, rebuild=rebuild
    )


# ---------------------------------------------------------------------- the pages' views
def scenario_toml(scenario: Scenario, data_hash: str) -> str:
    """The file the download buttons give: stamped with model version and data hash."""
    return scenario.stamped(data_hash).to_toml()


def council_history(result: Result, i: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One council's monthly rates by attribution, and marks for its (social care)
    expectation and the months the scenario's tests read."""
    expected = float(tables.expectation_rate(result, "social_care")[i])
    return views.council_history(result.data, i, expected, result.scenario.selection.tests)


def national_history(data: Dataset, months: int = 24) -> pd.DataFrame:
    """Reported delayed beds a day, summed over councils (the projection's basis)."""
    return views.national_history(data.dtoc_beds, data.months, months)


def robustness_text(result: Result) -> str | None:
    """How many selected councils change status with one more month of data (words)."""
    return _robustness_text(result)


def month_flips(result: Result, k: int) -> pd.DataFrame | None:
    """Councils whose selection differs when every window of the scenario moves by
    ``k`` months (``None`` when the data do not cover the moved windows)."""
    try:
        moved = shift_test_months(result.scenario, k, context())
    except ScenarioError:
        return None
    return views.month_flips(result.table, evaluate(moved).table, k)


def anonymise(frame: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """A frame as workshop mode shows it: council names replaced by their alias, GSS
    codes hidden, the columns that single a council out dropped."""
    return anonymise_frame(frame, aliases, codes="hide")


def validation_checks(result: Result, pounds: views.Pounds) -> pd.DataFrame:
    """The Data page's validation panel for ``result`` (amounts written by ``pounds``)."""
    return views.validation_checks(dataset(), result, status_quo(), pounds)


def excel_pack(result: Result, proj: ProjectionResult, aliases: dict[str, str] | None) -> bytes:
    """The Excel pack of a scenario, with the assumptions register."""
    return _excel_pack(
        result,
        proj,
        assumptions=assumptions_register(result.scenario.projection),
        aliases=aliases,
    )


def scenario_pdf(result: Result, proj: ProjectionResult, aliases: dict[str, str] | None) -> bytes:
    """The scenario's one-page brief (the PDF library loads only when one is built)."""
    from simulator.reports import brief

    return brief.scenario_pdf(result, proj, aliases=aliases)


def comparison_pdf(results: list[Result]) -> bytes:
    """The one-page brief of a comparison of scenarios."""
    from simulator.reports import brief

    return brief.comparison_pdf(results, [project(r) for r in results])


# ---------------------------------------------------------------------- the designer
@dataclasses.dataclass(frozen=True)
class DesignGrid:
    """A shipped design's grid, evaluated once per server process."""

    file: DesignFile
    base: Scenario
    grid: Grid
    table: pd.DataFrame
    context: DesignContext


@st.cache_resource
def designs() -> dict[str, str]:
    """The shipped designs: file stem -> name (``scenarios/designs/``)."""
    folder = io.SCENARIO_DIR / "designs"
    out = {}
    for path in sorted(folder.glob("*.toml")):
        file, _ = load_design(path, context=context())
        out[path.stem] = file.name
    return out


@st.cache_resource(max_entries=4, show_spinner="Evaluating every option of the design…")
def design_grid(slug: str) -> DesignGrid:
    """Every option of a shipped design (money and central-path beds; no Monte Carlo)."""
    if slug not in designs():
        raise ScenarioError(f"no shipped design {slug!r}")
    file, base = load_design(io.SCENARIO_DIR / "designs" / f"{slug}.toml", context=context())
    data = dataset()
    grid = build_grid(file.design, base)
    ctx = make_design_context(grid, data, watch=tuple(data.codes))
    table = pd.DataFrame(evaluate_options(ctx, 0, grid.size))
    return DesignGrid(file, base, grid, table, ctx)


@st.cache_resource(max_entries=32, show_spinner="Finding the efficient options…")
def design_answer(slug: str, guarantees_json: str, objective: str) -> DesignAnswer:
    """The answers under the given guarantees, best at ``objective`` (cached by them)."""
    grid = design_grid(slug)
    sense = grid.context.objectives[objective].sense
    design = grid.file.design.model_copy(
        update={
            "guarantees": Guarantees.model_validate_json(guarantees_json),
            "goal": Goal(objective=objective, sense=sense),
        }
    )
    file = grid.file.model_copy(update={"design": design})
    return design_answer_of(file, grid.base, grid.grid, grid.table, grid.context)


@dataclasses.dataclass(frozen=True)
class DesignBound:
    """The oracle bound beside a best option, under every evidence set: with the
    option's share of one element conditioned in each council chosen and at most its
    money in all, the most beds a day any set of councils picked by name could free."""

    share_pct: float
    element: str  # in words
    budget: float  # whole pounds
    beds: dict[str, float]  # evidence set -> beds a day (central path)


@st.cache_resource(max_entries=32, show_spinner="Working out the bound…")
def design_bound(slug: str, guarantees_json: str, objective: str) -> DesignBound | None:
    """The bound of :func:`design_answer`'s oracle under every evidence set (None where
    the answer has none: no best option, or money withheld and shared out)."""
    answer = design_answer(slug, guarantees_json, objective)
    oracle, chosen = answer.oracle, answer.best
    if oracle is None or chosen is None:
        return None
    grid = design_grid(slug)
    setting = grid.grid.setting(int(chosen["option"]))
    share, element = float(setting["condition_pct"]), str(setting["base"])
    budget = float(chosen["money_moved"])
    beds = {
        name: oracle.beds
        if name == oracle.evidence_set
        else oracle_bound(
            grid.context,
            share_pct=share,
            element=element,
            budget=budget,
            guarantees=answer.file.design.guarantees,
            evidence_set=name,
        ).beds
        for name in answer.evidence
    }
    return DesignBound(share, BASE_LABELS.get(element, element), budget, beds)


def design_guarantees(values: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Guarantees from the page's (or a link's) values, as JSON; or the problems."""
    try:
        return Guarantees.model_validate(values).model_dump_json(), []
    except ValidationError as exc:
        return None, [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]


def design_feasible(answer: DesignAnswer) -> Any:
    """Which options of an answer's table keep its guarantees (a boolean array)."""
    return design_keeps(answer.table, design_constraints(answer.file.design.guarantees))


def design_kept(slug: str, guarantees_json: str) -> int:
    """How many options of a shipped design keep the given guarantees."""
    rules = design_constraints(Guarantees.model_validate_json(guarantees_json))
    return int(design_keeps(design_grid(slug).table, rules).sum())


def design_option(slug: str, option: int) -> Scenario:
    """The scenario a design's option stands for."""
    grid = design_grid(slug)
    name = f"{grid.file.name}: option {option}"
    return design_option_scenario(grid.grid, option, context=context(), name=name)


def design_base_preset(slug: str) -> str:
    """The shipped scenario a shipped design varies (its file stem)."""
    return Path(design_grid(slug).file.base).stem


def design_objectives(slug: str) -> dict[str, tuple[str, str, str]]:
    """Objective name -> (label, unit, sense) of a design's evaluated table."""
    objectives = design_grid(slug).context.objectives
    return {
        k: (o.label, o.unit, str(o.sense))
        for k, o in objectives.items()
        if not k.startswith("affected:")
    }
