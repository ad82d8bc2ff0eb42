"""Fuzzing the scenario parser: any input parses or raises the project's own error."""

from __future__ import annotations

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.scenario import Scenario, parse_scenario, scenario_from_mapping

KEYS = [
    "name",
    "selection",
    "consequences",
    "redistribution",
    "projection",
    "expectations",
    "tests",
    "combine",
    "condition_pct",
    "reduction_pct",
    "window",
    "end",
    "months",
    "kind",
    "id",
    "mode",
    "threshold",
    "rule",
    "base",
    "schema_version",
    "at_least",
    "draws",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["2017-07", "rate", "all", "spring_budget", "worst_quartile", "x"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_scenario_error(raw: bytes) -> None:
    try:
        assert isinstance(parse_scenario(raw, source="fuzz.toml"), Scenario)
    except ScenarioError as exc:
        assert all(p.startswith("fuzz.toml: ") for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_any_mapping_parses_or_raises_scenario_error(mapping: dict[str, object]) -> None:
    try:
        scenario = scenario_from_mapping(mapping, source="m.toml")
    except ScenarioError as exc:
        assert exc.problems and all(p.startswith("m.toml: ") for p in exc.problems)
        return
    # whatever parses round-trips through TOML unchanged
    assert parse_scenario(scenario.to_toml()) == scenario


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), scalars.filter(lambda v: v is not None), max_size=5))
def test_toml_text_of_random_tables(mapping: dict[str, object]) -> None:
    try:
        text = tomli_w.dumps(mapping)
    except (TypeError, ValueError):
        return
    try:
        parse_scenario(text, source="t.toml")
    except ScenarioError as exc:
        assert all(p.startswith("t.toml: ") for p in exc.problems)
