"""The app's only door to the model, with caching.

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

from simulator import MODEL_VERSION, io, projection
from simulator.engine import run as engine
from simulator.engine.run import Result
from simulator.errors import SimulatorError
from simulator.inputs.data import Dataset, load_dataset
from simulator.projection import Backtest, PreparedBaseline, ProjectionParams, ProjectionResult
from simulator.reports import distance, hexmap, tables
from simulator.schema import edit
from simulator.schema.files import data_context, load_scenario
from simulator.schema.scenario import Scenario

STATUS_QUO = "status-quo"


@st.cache_resource(show_spinner="Loading and validating the bundled data…")
def dataset() -> Dataset:
    return load_dataset()


@st.cache_resource
def context() -> dict[str, Any]:
    data = dataset()
    return data_context(data.months, list(data.codes))


@st.cache_resource
def presets() -> dict[str, Scenario]:
    """Shipped scenarios by file name (without ``.toml``); the status quo first."""
    paths = sorted(Path(io.SCENARIO_DIR).glob("*.toml"), key=lambda p: (p.stem != STATUS_QUO, p))
    out = {}
    for path in paths:
        out[path.stem] = load_scenario(path, context=context())
    return out


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
    summary = {**result.summary, "scenario": scenario.name}
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
            alloc["original"], alloc["spring_budget"]
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
MODEL_FAILURES = (SimulatorError, *edit.MODEL_FAILURES)
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
