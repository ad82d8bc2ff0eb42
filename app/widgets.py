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
from typing import Any, Literal

import streamlit as st
from pydantic import BaseModel

from app import services, state
from app.display import label as words
from app.services import (
    ATTRIBUTION_LABELS,
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
    "no_effect": "No effect (NAO 2017; Crawford et al. 2021)",
    "low": "Low (care-home supply, Gaughan et al. 2015)",
    "central": "Central (2017/18, net of the NHS-attributed fall)",
    "high": "High (2017/18, uncontrolled: an upper bound)",
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
    if meta["unit"] and meta["unit"].lower() not in text.lower():
        text = f"{text} ({meta['unit']})"
    return text


def _on_change(path: str, widget_key: str, convert: Callable[[Any], Any]) -> None:
    # A change reported for a widget of a scenario that has just been replaced (its key
    # already cleared) is stale: ignore it rather than apply it to the new scenario.
    if widget_key not in st.session_state:
        return
    state.apply({path: convert(st.session_state[widget_key])})


def _init(widget_key: str, value: Any, reader: state.Reader) -> None:
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value
    state.register(widget_key, reader)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def field(
    model: type[BaseModel],
    name: str,
    path: str,
    data: dict[str, Any],
    *,
    disabled: bool = False,
    label: str | None = None,
    options: list[Any] | None = None,
    fmt: Callable[[Any], str] | None = None,
    optional_default: Any = None,
    toggle: bool = True,
) -> None:
    """One widget for ``model.name`` at ``path`` of the scenario mapping ``data``.

    An optional field gets an on/off toggle first, unless ``toggle`` is False (the
    caller shows the widget only when the field must have a value)."""
    info = model.model_fields[name]
    meta = param_meta(model, name)
    annotation, optional = _unwrap_optional(info.annotation)
    optional = optional and toggle
    text = label or field_label(model, name)
    hint = help_text(model, name)
    wkey = key(path)
    current = services.get_path(data, path)
    if current is None and not optional:
        current = info.default

    if optional:
        on_key = wkey + "#on"
        _init(on_key, current is not None, lambda d: services.get_path(d, path) is not None)
        start = current if current is not None else optional_default

        def toggled() -> None:
            if on_key not in st.session_state:
                return  # stale: the scenario was replaced
            on = st.session_state[on_key]
            value = st.session_state.get(wkey, start) if on else None
            state.apply({path: value})

        st.toggle(
            f"{text}: set a limit", key=on_key, on_change=toggled, disabled=disabled, help=hint
        )
        if current is None:
            return
        text = f"{text}"

    if typing.get_origin(annotation) is Literal or options is not None:
        choices = options if options is not None else list(typing.get_args(annotation))
        _init(wkey, current, lambda d: services.get_path(d, path))
        st.selectbox(
            text,
            choices,
            key=wkey,
            format_func=fmt or option_label,
            help=hint,
            disabled=disabled,
            on_change=_on_change,
            args=(path, wkey, _same),
        )
    elif annotation is bool:
        _init(wkey, bool(current), lambda d: services.get_path(d, path))
        st.toggle(
            text,
            key=wkey,
            help=hint,
            disabled=disabled,
            on_change=_on_change,
            args=(path, wkey, bool),
        )
    elif annotation is float:
        lo, hi = meta["ge"], meta["le"]
        step = float(meta["step"] or 1.0)
        if lo is not None and hi is not None:
            _init(wkey, float(current), lambda d: _float(services.get_path(d, path)))
            st.slider(
                text,
                min_value=float(lo),
                max_value=float(hi),
                step=step,
                key=wkey,
                help=hint,
                disabled=disabled,
                on_change=_on_change,
                args=(path, wkey, float),
                format=number_format(step, current),
            )
        else:
            _init(wkey, float(current), lambda d: _float(services.get_path(d, path)))
            st.number_input(
                text,
                min_value=float(lo) if lo is not None else None,
                step=step,
                key=wkey,
                help=hint,
                disabled=disabled,
                on_change=_on_change,
                args=(path, wkey, float),
            )
    elif annotation is int:
        lo, hi = meta["ge"], meta["le"]
        step = int(meta["step"] or (100_000 if name == "cap_gbp" else 1))
        _init(wkey, int(current), lambda d: _int(services.get_path(d, path)))
        st.number_input(
            text,
            min_value=int(lo) if lo is not None else None,
            max_value=int(hi) if hi is not None else None,
            step=step,
            key=wkey,
            help=hint,
            disabled=disabled,
            on_change=_on_change,
            args=(path, wkey, int),
        )
    elif annotation is str:
        _init(wkey, current or "", lambda d: services.get_path(d, path) or "")
        convert = _blank_is_none if name == "date" else _same
        st.text_input(
            text,
            key=wkey,
            help=hint,
            disabled=disabled,
            on_change=_on_change,
            args=(path, wkey, convert),
        )
    else:  # pragma: no cover - every scenario field is one of the kinds above
        st.caption(f"{text}: edit in the scenario file")


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
    default_end: str = "2017-11",
) -> None:
    """A data window: its last month and the number of months averaged."""
    end_key, len_key = key(path + ".end"), key(path + ".months")
    end = services.get_path(data, path + ".end") or default_end
    length = services.get_path(data, path + ".months") or 1
    _init(end_key, end, lambda d: services.get_path(d, path + ".end"))
    _init(len_key, int(length), lambda d: _int(services.get_path(d, path + ".months") or 1))
    st.select_slider(
        f"{text}: last month",
        options=months,
        key=end_key,
        format_func=short_month_name,
        help=f"Last month of the window ({DTOC_SOURCE}, {months[0]} to {months[-1]}).",
        disabled=disabled,
        on_change=_on_change,
        args=(path + ".end", end_key, str),
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
        on_change=_on_change,
        args=(path + ".months", len_key, int),
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
    _init(
        on_key,
        services.get_path(data, path) is not None,
        lambda d: services.get_path(d, path) is not None,
    )

    def toggled() -> None:
        if on_key in st.session_state:  # else stale: the scenario was replaced
            state.apply({path: default if st.session_state[on_key] else None})

    st.toggle(text, key=on_key, on_change=toggled, disabled=disabled, help=hint)
    return services.get_path(data, path) is not None
