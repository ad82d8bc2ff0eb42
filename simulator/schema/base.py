"""The strict base of every scenario section, and :func:`param`, which declares a
parameter's one record (:class:`simulator.schema.parameters.Parameter`) on its field.

Every behavioural scenario field is declared with :func:`param`, so the scenario file,
the app's widgets (labels, slider ranges, help text), the register and the exports
read one definition.

>>> from pydantic import BaseModel
>>> from simulator.schema.parameters import Reference
>>> class Demo(BaseModel):
...     share: float = param(33.0, label="Condition share", unit="%", ge=0, le=100,
...                          description="Share of the base conditioned",
...                          source="December 2017 letters: conditions on 33%",
...                          references=(Reference("December 2017 letters"),))
>>> meta = param_meta(Demo, "share")
>>> (meta["unit"], meta["ge"], meta["le"], meta["default"])
('%', 0, 100, 33.0)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.schema.parameters import Parameter, Quality, Reference, Spread, parameter


class Strict(BaseModel):
    """Base of every scenario section: unknown keys, wrong types (``"2"`` for a number,
    ``true`` for an integer) and mutation are errors; -0.0 is stored as 0.0."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_negative_zero(cls, value: Any) -> Any:
        """-0.0 is stored as 0.0, so equal scenarios have equal files and hashes."""
        return 0.0 if isinstance(value, float) and value == 0 else value


def param(
    default: Any,
    *,
    label: str,
    unit: str,
    description: str,
    source: str,
    references: tuple[Reference, ...] = (),
    assumption: bool = False,
    ge: float | None = None,
    le: float | None = None,
    step: float | None = None,
    quality: Quality | None = None,
    effect: str = "",
    spread: Spread | None = None,
) -> Any:
    """A pydantic field carrying its parameter's record (validation reads its range).

    ``source`` is the sentence shown beside the value; ``references`` the publications
    it cites, or ``assumption=True`` when the value is a stated modelling assumption
    (its ``source`` then starts with ``"Assumption"``). A record with neither is refused.
    """
    record = Parameter(
        label=label,
        description=description,
        unit=unit,
        source=source,
        default=default,
        ge=ge,
        le=le,
        step=step,
        references=references,
        assumption=assumption,
        quality=quality,
        effect=effect,
        spread=spread,
    )
    return Field(default, ge=ge, le=le, description=description, json_schema_extra=record)


def param_meta(model: type[BaseModel], name: str) -> dict[str, Any]:
    """Unit, range, default, description and source of one field: its parameter record,
    or for a field that is not a parameter what pydantic knows of it."""
    field = model.model_fields[name]
    record = parameter(model, name)
    if record is not None:
        return {
            "name": name,
            "default": record.default,
            "description": record.description,
            "unit": record.unit,
            "source": record.source,
            "step": record.step,
            "ge": record.ge,
            "le": record.le,
        }
    ge = le = None
    for constraint in field.metadata:
        ge = getattr(constraint, "ge", ge)
        le = getattr(constraint, "le", le)
    return {
        "name": name,
        "default": field.default,
        "description": field.description or "",
        "unit": "",
        "source": "",
        "step": None,
        "ge": ge,
        "le": le,
    }


def param_table(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Metadata of every field of ``model`` (for registers and help text)."""
    return [param_meta(model, name) for name in model.model_fields]
