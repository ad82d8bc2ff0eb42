"""Widgets generated from the scenario's own field declarations.

Each widget mirrors one field of the Scenario: its kind (select, slider, toggle,
number), label, range, step, default, unit and source come from the pydantic model and
its parameter records (``parameter``, through :mod:`app.services`), never retyped here.
A change calls
:func:`app.state.apply`, which validates the whole scenario.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st
from pydantic import BaseModel

from app import services, state
from app.display import label as words
from app.services import (
    ATTRIBUTION_LABELS,
    EVIDENCE_LABELS,
    LABELS,
    METHOD_LABELS,
    RULE_LABELS,
    param_meta,
    parameter,
    short_month_name,
)

DTOC_SOURCE = "NHS England DToC, LA Type B, revised figures"

OPTION_LABELS: dict[str, str] = {
    **{k: v.capitalize() for k, v in ATTRIBUTION_LABELS.items()},
    **{k: v[:1].upper() + v[1:] for k, v in RULE_LABELS.items()},
    **METHOD_LABELS,
    "auto": "Automatic (best in the back-test)",
    "worst_quartile": "Worst quartile (highest rates; the letters' bottom quartile)",
    "worst_n": "Worst N councils",
    "above_threshold": "Above a threshold",
    "above_expectation": "Above its September 2017 expectation",
    "worse": "Got worse",
    "not_improved": "Did not improve (enough)",
    "all": "all of the tests",
    "any": "any of the tests",
    "at_least": "at least k of the tests",
    "composite": "a composite score (worst N or share)",
    "spring_budget": "Spring Budget 2017 element (£674m)",
    "original": "Original element (£825m)",
    "total": "All organisations",
    "flat": "Flat: the full share",
    "tests_failed": "By the share of tests failed",
    "margin": "By the margin on one test",
    "rank": "Weighted ranks",
    "zscore": "Weighted z-scores",
    "worst_quantile": "Worst share of councils",
    "meets_expectation": "Meets its September 2017 expectation",
    "below_rate": "At or below a rate",
    "annual_average": "2018/19 average",
    **EVIDENCE_LABELS,
    "march_2019": "March 2019",
    "every_month": "Every month of 2018/19",
    "2017-02": "February 2017",
    "2017-03": "March 2017",
    "2017-04": "April 2017",
}
# "total" is an attribution basis and a base; the base list is formatted separately.
BASE_LABELS = {
    "spring_budget": "Spring Budget 2017 element (£674m)",
    "original": "Original element (£825m)",
    "total": "Total 2018/19 iBCF (£1,499m)",
}


def key(path: str) -> str:
    return state.W + path


def option_label(value: Any) -> str:
    return OPTION_LABELS.get(str(value), str(value))


def help_text(model: type[BaseModel], name: str) -> str:
    """Description, unit, range, default and source of a field."""
    meta = param_meta(model, name)
    parts = [meta["description"].rstrip(".") + "." if meta["description"] else ""]
    if meta["unit"]:
        parts.append(f"Unit: {meta['unit']}.")
    if meta["ge"] is not None and meta["le"] is not None:
        parts.append(f"Range {meta['ge']:g} to {meta['le']:g}.")
    default = meta["default"]
    if (
        default is not None
        and not callable(default)
        and type(default).__name__ != "PydanticUndefinedType"
    ):
        parts.append(f"Default {option_label(default)}.")
    if meta["source"]:
        parts.append(f"Source: {meta['source']}")
    return " ".join(p for p in parts if p)


def field_label(model: type[BaseModel], name: str) -> str:
    """A parameter's label from its record; other fields' from :data:`LABELS`."""
    meta = param_meta(model, name)
    record = parameter(model, name)
    text = record.label if record is not None else LABELS.get(name, words(name))
    unit = SHOWN_UNITS.get(meta["unit"], meta["unit"])
    if unit and unit.lower() not in text.lower():
        text = f"{text} ({unit})"
    return text


# Units as a widget label shows them: plain words where the declared unit is a technical
# term (the declared unit stays in help, the register and the Methods sheet); nothing
# where the label already says it ("multiplier", "draws", "seed").
SHOWN_UNITS = {"share (0-1)": "0 to 1", "multiple": "", "draws": "", "seed": ""}


def bind(
    widget_key: str, start: Any, reader: state.Reader, apply: Callable[[Any], object]
) -> Callable[[], None]:
    """Bind one widget to the scenario, the one way every sidebar widget is bound:
    give its session key a first value (``start``) unless it has one, register how to
    read its value back from the scenario mapping (:func:`app.state.sync_widgets`), and
    return its ``on_change`` callback. The callback ignores a change reported for a
    widget of a scenario that has just been replaced (its key already cleared) rather
    than apply it to the new scenario; otherwise it passes the widget's value to
    ``apply``, which edits the scenario (:func:`app.state.apply`)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = start
    state.register(widget_key, reader)

    def changed() -> None:
        if widget_key in st.session_state:  # else stale: the scenario was replaced
            apply(st.session_state[widget_key])

    return changed


def at(path: str, convert: Callable[[Any], Any] | None = None) -> Callable[[Any], object]:
    """The edit that sets ``path`` to a widget's value (converted first if asked)."""
    return lambda value: state.apply({path: convert(value) if convert else value})


def reads(path: str, convert: Callable[[Any], Any] | None = None) -> state.Reader:
    """The reader of ``path`` in the scenario mapping (converted if asked)."""
    return lambda d: convert(services.get_path(d, path)) if convert else services.get_path(d, path)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


@dataclass(frozen=True)
class Spec:
    """One field's widget, as declared by the model and the caller."""

    model: type[BaseModel]
    name: str
    path: str
    text: str
    hint: str
    current: Any
    disabled: bool
    annotation: Any
    options: list[Any] | None
    fmt: Callable[[Any], str] | None
    apply: Callable[[Any], object] | None

    @property
    def key(self) -> str:
        return key(self.path)

    def on_change(self, start: Any, reader: state.Reader, convert: Callable[[Any], Any]) -> Any:
        return bind(self.key, start, reader, self.apply or at(self.path, convert))


def field(
    model: type[BaseModel],
    name: str,
    path: str,
    data: dict[str, Any],
    *,
    disabled: bool = False,
    label: str | None = None,
    hint: str | None = None,
    options: list[Any] | None = None,
    fmt: Callable[[Any], str] | None = None,
    optional_default: Any = None,
    toggle: bool = True,
    apply: Callable[[Any], object] | None = None,
) -> None:
    """One widget for ``model.name`` at ``path`` of the scenario mapping ``data``: a
    select for a choice, a toggle for a flag, a slider for a bounded number, a number
    box otherwise, a text box for text (``apply`` replaces the plain edit of ``path``).

    An optional field gets an on/off toggle first, unless ``toggle`` is False (the
    caller shows the widget only when the field must have a value)."""
    info = model.model_fields[name]
    annotation, optional = _unwrap_optional(info.annotation)
    optional = optional and toggle
    text = label or field_label(model, name)
    hint = hint if hint is not None else help_text(model, name)
    current = services.get_path(data, path)
    if current is None and not optional:
        current = info.default
    if optional and not _limit(path, text, hint, current, optional_default, disabled):
        return
    spec = Spec(model, name, path, text, hint, current, disabled, annotation, options, fmt, apply)
    if typing.get_origin(annotation) is Literal or options is not None:
        _select(spec)
    elif annotation in DRAW:
        DRAW[annotation](spec)
    else:  # pragma: no cover - every scenario field is one of the kinds above
        st.caption(f"{text}: edit in the scenario file")


def _limit(path: str, text: str, hint: str, current: Any, start: Any, disabled: bool) -> bool:
    """The on/off toggle of an optional field (on: the field's widget follows)."""
    on_key = key(path) + "#on"

    def switched(on: bool) -> None:
        state.apply({path: st.session_state.get(key(path), start) if on else None})

    changed = bind(on_key, current is not None, lambda d: reads(path)(d) is not None, switched)
    st.toggle(f"{text}: set a limit", key=on_key, on_change=changed, disabled=disabled, help=hint)
    return current is not None


def _select(f: Spec) -> None:
    choices = f.options if f.options is not None else list(typing.get_args(f.annotation))
    st.selectbox(
        f.text,
        choices,
        key=f.key,
        format_func=f.fmt or option_label,
        help=f.hint,
        disabled=f.disabled,
        on_change=f.on_change(f.current, reads(f.path), _same),
    )


def _flag(f: Spec) -> None:
    st.toggle(
        f.text,
        key=f.key,
        help=f.hint,
        disabled=f.disabled,
        on_change=f.on_change(bool(f.current), reads(f.path), bool),
    )


def _float_field(f: Spec) -> None:
    meta = param_meta(f.model, f.name)
    lo, hi = meta["ge"], meta["le"]
    step = float(meta["step"] or 1.0)
    changed = f.on_change(float(f.current), reads(f.path, _float), float)
    if lo is not None and hi is not None:
        st.slider(
            f.text,
            min_value=float(lo),
            max_value=float(hi),
            step=step,
            key=f.key,
            help=f.hint,
            disabled=f.disabled,
            on_change=changed,
            format=number_format(step, f.current),
        )
    else:
        st.number_input(
            f.text,
            min_value=float(lo) if lo is not None else None,
            step=step,
            key=f.key,
            help=f.hint,
            disabled=f.disabled,
            on_change=changed,
        )


def _int_field(f: Spec) -> None:
    meta = param_meta(f.model, f.name)
    lo, hi = meta["ge"], meta["le"]
    step = int(meta["step"] or (100_000 if f.name == "cap_gbp" else 1))
    st.number_input(
        f.text,
        min_value=int(lo) if lo is not None else None,
        max_value=int(hi) if hi is not None else None,
        step=step,
        key=f.key,
        help=f.hint,
        disabled=f.disabled,
        on_change=f.on_change(int(f.current), reads(f.path, _int), int),
    )


def _text_field(f: Spec) -> None:
    convert = _blank_is_none if f.name == "date" else _same
    st.text_input(
        f.text,
        key=f.key,
        help=f.hint,
        disabled=f.disabled,
        on_change=f.on_change(f.current or "", lambda d: reads(f.path)(d) or "", convert),
    )


DRAW: dict[Any, Callable[[Spec], None]] = {
    bool: _flag,
    float: _float_field,
    int: _int_field,
    str: _text_field,
}


def number_format(step: float, value: float) -> str:
    """printf format showing as many decimals as the step or the value needs (at most 3).

    >>> number_format(1.0, 33.0), number_format(0.1, 2.6), number_format(0.01, 0.677)
    ('%.0f', '%.1f', '%.3f')
    """

    def decimals(x: float) -> int:
        text = f"{x:.3f}".rstrip("0")
        return len(text.split(".")[1]) if "." in text else 0

    return f"%.{max(decimals(step), decimals(float(value)))}f"


def _same(value: Any) -> Any:
    return value


def _blank_is_none(value: str) -> str | None:
    return value.strip() or None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def window(
    path: str,
    text: str,
    data: dict[str, Any],
    months: list[str],
    *,
    disabled: bool = False,
) -> None:
    """A data window: its last month and the number of months averaged."""
    end_key, len_key = key(path + ".end"), key(path + ".months")
    end = services.get_path(data, path + ".end") or months[-1]
    length = services.get_path(data, path + ".months") or 1
    st.select_slider(
        f"{text}: last month",
        options=months,
        key=end_key,
        format_func=short_month_name,
        help=f"Last month of the window ({DTOC_SOURCE}, {months[0]} to {months[-1]}).",
        disabled=disabled,
        on_change=bind(end_key, end, reads(path + ".end"), at(path + ".end", str)),
    )
    st.number_input(
        f"{text}: months averaged",
        min_value=1,
        max_value=24,
        step=1,
        key=len_key,
        help="Months averaged, ending at the last month (1 = that month alone). "
        "Rates are average delayed beds a day per 100,000 adults 18+.",
        disabled=disabled,
        on_change=bind(
            len_key,
            int(length),
            lambda d: _int(services.get_path(d, path + ".months") or 1),
            at(path + ".months", int),
        ),
    )


def section_toggle(
    path: str,
    text: str,
    data: dict[str, Any],
    default: dict[str, Any],
    *,
    disabled: bool = False,
    hint: str = "",
) -> bool:
    """Switch an optional section (exemption, release) on with defaults, or off."""
    on_key = key(path + "#on")
    changed = bind(
        on_key,
        services.get_path(data, path) is not None,
        lambda d: services.get_path(d, path) is not None,
        lambda on: state.apply({path: default if on else None}),
    )
    st.toggle(text, key=on_key, on_change=changed, disabled=disabled, help=hint)
    return services.get_path(data, path) is not None
