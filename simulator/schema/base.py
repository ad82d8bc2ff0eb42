"""Declaring scenario parameters with a unit, a valid range, a default and a source.

Every numeric scenario field is declared with :func:`param`, so the scenario file,
the app's widgets (slider ranges, help text) and the exports read one definition.

>>> from pydantic import BaseModel
>>> class Demo(BaseModel):
...     share: float = param(33.0, unit="%", ge=0, le=100,
...                          description="Share of the base conditioned",
...                          source="December 2017 letters: conditions on 33%")
>>> meta = param_meta(Demo, "share")
>>> (meta["unit"], meta["ge"], meta["le"], meta["default"])
('%', 0, 100, 33.0)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    unit: str,
    description: str,
    source: str,
    ge: float | None = None,
    le: float | None = None,
    step: float | None = None,
) -> Any:
    """A pydantic field carrying the metadata the app and exports need.

    ``source`` names a publication, or starts with ``"Assumption:"`` when the
    value is a stated modelling assumption.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if step is not None:
        extra["step"] = step
    return Field(default, ge=ge, le=le, description=description, json_schema_extra=extra)


def param_meta(model: type[BaseModel], name: str) -> dict[str, Any]:
    """Unit, range, default, description and source of one declared field."""
    field = model.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    ge = le = None
    for constraint in field.metadata:
        ge = getattr(constraint, "ge", ge)
        le = getattr(constraint, "le", le)
    return {
        "name": name,
        "default": field.default,
        "description": field.description or "",
        "unit": extra.get("unit", ""),
        "source": extra.get("source", ""),
        "step": extra.get("step"),
        "ge": ge,
        "le": le,
    }


def param_table(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Metadata of every declared field of ``model`` (for registers and help text)."""
    return [param_meta(model, name) for name in model.model_fields]
