"""One record per parameter: every behavioural parameter of a scenario carries a
reference or an explicit assumption flag, a record with neither is refused, and the
consumers (labels, register, spreads, Excel Parameters sheet, tornado) show the record."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from simulator.schema.base import Strict, param
from simulator.schema.parameters import Parameter, Reference, Spread, parameter, parameters
from simulator.schema.projection import CHOICES, ProjectionParams
from simulator.schema.scenario import Scenario

# Numbers that are the option's own choices (counts, caps it sets, the file's format),
# or published figures a shipped scenario quotes, rather than values resting on evidence:
# they carry no record. Any other number of a scenario must be a declared parameter.
NOT_PARAMETERS = {
    ("Scenario", "schema_version"),  # the file format
    ("Window", "months"),  # months averaged: part of the test the option defines
    ("Selection", "at_least"),  # tests to fail: the option's rule
    ("Selection", "screen_at_least"),
    ("Composite", "n"),  # councils selected: the option's rule
    ("Composite", "weights"),
    ("RateTest", "n"),
    ("Consequences", "cap_gbp"),  # off unless the option sets a cap
    ("Redistribution", "gain_cap_pct"),
    ("PublishedFact", "published"),  # a figure a document published, quoted as such
}


def models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model a scenario is made of, found through the field annotations."""
    seen: list[type[BaseModel]] = []
    stack = [root]
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            todo: list[Any] = [info.annotation]
            while todo:
                kind = todo.pop()
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    stack.append(kind)
                todo.extend(typing.get_args(kind))
    return seen


def numeric(annotation: Any) -> bool:
    todo = [annotation]
    while todo:
        kind = todo.pop()
        if kind in (int, float):
            return True
        todo.extend(typing.get_args(kind))
    return False


ALL_MODELS = models(Scenario)
RECORDS = [
    (f"{model.__name__}.{name}", record)
    for model in ALL_MODELS
    for name, record in parameters(model).items()
]


def test_the_walk_finds_every_section() -> None:
    names = {m.__name__ for m in ALL_MODELS}
    assert {"ExpectationRule", "RateTest", "GapTest", "TrendTest", "Exemption"} <= names
    assert {"Consequences", "Release", "Redistribution", "ProjectionParams"} <= names
    # 5 expectations, 5 selection, 8 consequences, 11 projection (its 4 choices apart)
    assert len(RECORDS) == 29


@pytest.mark.parametrize(("where", "record"), RECORDS, ids=[w for w, _ in RECORDS])
def test_every_parameter_cites_a_reference_or_is_flagged_an_assumption(
    where: str, record: Parameter
) -> None:
    assert record.references or record.assumption, where
    assert all(r.title.strip() for r in record.references), where
    assert record.source.strip() and record.label.strip(), where
    assert record.source.startswith("Assumption") <= record.assumption, where


def test_every_number_of_a_scenario_is_a_parameter_or_a_named_choice() -> None:
    bare = {
        (model.__name__, name)
        for model in ALL_MODELS
        for name, info in model.model_fields.items()
        if numeric(info.annotation) and parameter(model, name) is None
    }
    assert bare == NOT_PARAMETERS


def test_every_projection_field_has_a_record_with_quality_and_effect() -> None:
    records = {**parameters(ProjectionParams), **CHOICES}
    assert list(records) != []
    assert set(records) == set(ProjectionParams.model_fields)
    for name, record in records.items():
        assert record.quality in ("green", "amber", "red"), name
        assert record.effect, name
        assert record.references or record.assumption, name


def test_price_lag_and_incentive_are_flagged_as_assumptions() -> None:
    for name in ("price_share", "lag_months", "both_share_affected", "incentive_effect_pct"):
        record = parameter(ProjectionParams, name)
        assert record is not None and record.assumption, name
    assert ProjectionParams().incentive_effect_pct == 0.0


# ------------------------------------------------------------------ trying to break it
def test_a_record_with_neither_reference_nor_assumption_is_refused() -> None:
    with pytest.raises(ValueError, match="cites no reference and is not flagged"):
        Parameter(label="Share", description="A share", unit="%", source="A letter")


def test_a_field_declared_with_neither_is_refused_when_its_model_is_written() -> None:
    with pytest.raises(ValueError, match="Cut: cites no reference and is not flagged"):

        class Broken(Strict):
            cut: float = param(
                1.0, label="Cut", unit="%", description="A cut", source="Somebody said so"
            )


def test_an_assumption_in_words_must_carry_the_flag() -> None:
    with pytest.raises(ValueError, match="its source says assumption but it is not flagged"):
        Parameter(
            label="Lag",
            description="A lag",
            unit="months",
            source="Assumption: a quarter",
            references=(Reference("A paper"),),
        )


def test_a_quality_needs_an_effect_and_a_label_is_required() -> None:
    with pytest.raises(ValueError, match="a quality rating and an effect go together"):
        Parameter(label="x", description="", unit="", source="s", assumption=True, quality="red")
    with pytest.raises(ValueError, match="a parameter needs a label"):
        Parameter(label=" ", description="d", unit="", source="s", assumption=True)


# ------------------------------------------------------------------ read by its consumers
def test_the_monte_carlo_draws_the_spreads_the_records_declare() -> None:
    from simulator.projection.montecarlo import SPREADS

    assert {
        "discharge_share": Spread(40.0, 1.0),
        "price_share": Spread(12.0, 0.9),
        "both_share_affected": Spread(6.0, 1.0),
    } == SPREADS
    assert list(SPREADS) == ["discharge_share", "price_share", "both_share_affected"]


def test_the_labels_and_the_json_schema_carry_the_record() -> None:
    from simulator.schema.labels import LABELS

    assert LABELS["price_share"] == "Share of new money absorbed by price"
    assert LABELS["evidence_set"] == "Evidence for the response"
    assert LABELS["mode"] == "Test"  # not a parameter: named beside the records
    schema = ProjectionParams.model_json_schema()["properties"]["cash_releasing_gbp_per_day"]
    assert schema["label"] == "Cash-releasing NHS value of a bed day"
    assert schema["references"] == [{"title": "House of Commons Library CBP-7415", "url": ""}]
    assert schema["quality"] == "amber"
    assert schema["minimum"] == 0.0 and schema["maximum"] == 500.0
