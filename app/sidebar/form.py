"""Sidebar sections declared as rows, drawn from the scenario's field declarations.

A section names its model and its rows; each row is a field of that model (its widget,
label, range, step, default and help come from the declaration, :func:`app.widgets.field`),
a data window, an optional sub-section switched on with suggested values, a line of
text, or a part drawn by a function of its own. ``when`` says, from the section's
current value, whether a row is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from pydantic import BaseModel

from app import widgets as w
from app.context import Ctx
from app.services import Scenario

When = Callable[[Any], bool]


def always(_: Any) -> bool:
    return True


@dataclass(frozen=True)
class Form:
    """What every row is drawn with: the view, the scenario (as a model and as the
    mapping of its file) and whether editing is locked (workshop mode)."""

    ctx: Ctx
    scen: Scenario
    data: dict[str, Any]
    locked: bool


@dataclass(frozen=True)
class Field:
    """A field of the section's model (or of ``model``) at ``at`` (default: its name)."""

    name: str
    model: type[BaseModel] | None = None
    at: str | None = None
    when: When = always
    unlocked_only: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    dynamic: Callable[[Scenario], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Span:
    """A data window (last month and months averaged) at ``name``."""

    name: str
    text: str
    when: When = always


@dataclass(frozen=True)
class Text:
    """A line of markdown (``caption`` for small print)."""

    text: str
    caption: bool = False
    when: When = always


@dataclass(frozen=True)
class Part:
    """A part drawn by a function of its own."""

    draw: Callable[[Form], None]
    when: When = always


@dataclass(frozen=True)
class Section:
    """A group of rows for one model, found at ``base`` of the scenario file."""

    model: type[BaseModel]
    base: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Switch:
    """An optional sub-section at ``name``: a toggle switches it on with ``default``
    (the schema's suggested values) or off; its rows follow while it is on."""

    name: str
    text: str
    default: BaseModel
    hint: str
    section: Section
    when: When = always


Row = Field | Span | Text | Part | Switch


def draw(section: Section, form: Form, value: Any = None) -> None:
    """Draw the rows of ``section``; ``value`` is the section's current value (read
    from the scenario at ``section.base`` unless given)."""
    if value is None:
        value = _value(form.scen, section.base)
    for row in section.rows:
        if row.when(value):
            _row(row, section, form, value)


def _row(row: Row, section: Section, form: Form, value: Any) -> None:
    prefix = f"{section.base}." if section.base else ""
    if isinstance(row, Field):
        if row.unlocked_only and form.locked:
            return
        options = {**row.options, **(row.dynamic(form.scen) if row.dynamic else {})}
        model = row.model or section.model
        path = prefix + (row.at or row.name)
        w.field(model, row.name, path, form.data, disabled=form.locked, **options)
    elif isinstance(row, Span):
        months = form.ctx.data.months
        w.window(prefix + row.name, row.text, form.data, months, disabled=form.locked)
    elif isinstance(row, Text):
        (st.caption if row.caption else st.markdown)(row.text)
    elif isinstance(row, Switch):
        default = row.default.model_dump(mode="json", exclude_none=True)
        path = prefix + row.name
        args = (path, row.text, form.data, default)
        if w.section_toggle(*args, disabled=form.locked, hint=row.hint):
            draw(row.section, form, getattr(value, row.name))
    else:
        row.draw(form)


def _value(scen: Scenario, base: str) -> Any:
    value: Any = scen
    for part in base.split(".") if base else []:
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


def fields(model: type[BaseModel]) -> tuple[Field, ...]:
    """A row for every field of ``model``, in its declared order."""
    return tuple(Field(name) for name in model.model_fields)


__all__ = ["Field", "Form", "Part", "Section", "Span", "Switch", "Text", "draw", "fields"]
