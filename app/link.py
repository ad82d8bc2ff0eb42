"""The shareable link: a scenario's difference from its preset, in the URL query.

A link reads ``?preset=october-2017-letter&consequences.condition_pct=40&dh=...&mv=...``:
the preset's file name, one query key per field that differs (the field's path in
the scenario file, list positions as numbers), and the data hash and model version
the view was made with, so that opening the link later can warn when either has
changed. Values are JSON (``40.0``, ``true``, ``null`` to remove an optional
section, ``[...]`` for a whole list); a text value that is not JSON is kept as typed.

A link is input from anyone: it is bounded before it is read (at most
:data:`MAX_CHANGES` changes, key paths of at most :data:`MAX_PATH_PARTS` parts, values
of at most :data:`MAX_VALUE_CHARS` characters nested at most :data:`MAX_DEPTH` deep,
integers of at most :data:`MAX_DIGITS` digits), and whatever is wrong with it is said
in one line per problem, never as a Python error.

Pure functions, no Streamlit and no model: the page code reads and writes
``st.query_params``, and :mod:`app.services` binds the model's version and its
scenario editing (:func:`app.services.link_params`, :func:`app.services.scenario_from_link`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar


class Shipped(Protocol):
    """What a link needs of a scenario: its name and its content as JSON."""

    @property
    def name(self) -> str: ...

    def model_dump(self, *, mode: str, exclude_none: bool) -> dict[str, Any]: ...


S = TypeVar("S", bound=Shipped)
# Applies a link's changes to a preset's content: the scenario, or the problems found.
Rebuild = Callable[[dict[str, Any], dict[str, Any]], tuple[S | None, list[str]]]

PRESET, DATA_HASH, MODEL, VIEW, WORKSHOP, COUNCIL = "preset", "dh", "mv", "view", "ws", "council"
COMPARE = "compare"  # the Compare view's picks: "current" and shipped "preset:<file>" keys
DESIGN = "design"  # the Design view's choices: the design, the goal and the guarantees
RESERVED = (PRESET, DATA_HASH, MODEL, VIEW, WORKSHOP, COUNCIL, COMPARE, DESIGN)
STAMPS = ("model_version", "data_hash", "schema_version")
MAX_CHANGES = 1_000
# Streamlit itself ignores a whole query string of more than 1,000 fields or 512 KiB
# (the script then sees none); the page says so in the browser (app.shell).
MAX_FIELDS = 1_000
MAX_QUERY_CHARS = 512 * 1024
MAX_PATH_PARTS = 8
MAX_PATH_CHARS = 200
MAX_VALUE_CHARS = 20_000
MAX_DEPTH = 8
MAX_DIGITS = 30
_DIGIT_RUN = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUMBER = re.compile(r"\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*")


def _content(scenario: Shipped) -> dict[str, Any]:
    data = scenario.model_dump(mode="json", exclude_none=True)
    for key in STAMPS:
        data.pop(key, None)
    return data


def diff(base: Any, new: Any, prefix: str = "") -> dict[str, Any]:
    """Flat ``path: value`` changes that turn ``base`` into ``new``.

    Mappings are compared key by key, lists of the same length item by item; a
    key missing from ``new`` is ``None``.

    >>> diff({"a": {"b": 1, "c": 2}, "l": [1, 2]}, {"a": {"b": 1, "c": 3}, "l": [1, 5]})
    {'a.c': 3, 'l.1': 5}
    >>> diff({"x": {"y": 1}}, {})
    {'x': None}
    """
    if isinstance(base, dict) and isinstance(new, dict):
        out: dict[str, Any] = {}
        for key in list(base) + [k for k in new if k not in base]:
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in new:
                out[path] = None
            elif key not in base:
                out[path] = new[key]
            else:
                out.update(diff(base[key], new[key], path))
        return out
    if isinstance(base, list) and isinstance(new, list) and len(base) == len(new) and prefix:
        out = {}
        for i, (b, n) in enumerate(zip(base, new, strict=True)):
            out.update(diff(b, n, f"{prefix}.{i}"))
        return out
    if base == new and type(base) is type(new):
        return {}
    return {prefix: new}


def encode_value(value: Any) -> str:
    """A query-string value: JSON, except plain text that JSON would misread.

    >>> encode_value(40.0), encode_value("total"), encode_value("40"), encode_value(None)
    ('40.0', 'total', '"40"', 'null')
    """
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def decode_value(text: str) -> Any:
    """Inverse of :func:`encode_value`.

    >>> decode_value("40.0"), decode_value("total"), decode_value('"40"')
    (40.0, 'total', '40')

    Raises :class:`ValueError` with a readable reason for a value too long, too deeply
    nested or holding a number with too many digits.

    >>> decode_value("[" * 50 + "]" * 50)
    Traceback (most recent call last):
    ...
    ValueError: nested more than 8 deep
    >>> decode_value('"\\\\ud800"')
    Traceback (most recent call last):
    ...
    ValueError: not valid Unicode text (a lone surrogate, as JSON's \\ud800)
    """
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{len(text):,} characters, more than the {MAX_VALUE_CHARS:,} allowed")
    if text.lstrip()[:1] in ("[", "{") and _depth(text) > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} deep")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} deep") from None
    except ValueError:  # not JSON (or an integer too long for it): text as typed
        value = text
    numeric = not isinstance(value, str) or _NUMBER.fullmatch(text) is not None
    if numeric and _DIGIT_RUN.search(text):
        raise ValueError(f"a number with more than {MAX_DIGITS} digits")
    if _SURROGATE.search(json.dumps(value, ensure_ascii=False)):
        raise ValueError("not valid Unicode text (a lone surrogate, as JSON's \\ud800)")
    return value


def _depth(text: str) -> int:
    """Deepest bracket nesting in ``text`` (an upper bound on the JSON's depth).

    >>> _depth('[{"a": [1]}]'), _depth("plain")
    (3, 0)
    """
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def check_path(path: str) -> str | None:
    """Why a link key cannot be a scenario path (``None`` if it can).

    >>> check_path("consequences.condition_pct"), check_path("a." * 20 + "b")
    (None, 'a key path of more than 8 parts')
    """
    if len(path) > MAX_PATH_CHARS:
        return f"a key of more than {MAX_PATH_CHARS} characters"
    parts = path.split(".")
    if len(parts) > MAX_PATH_PARTS:
        return f"a key path of more than {MAX_PATH_PARTS} parts"
    if any(not p for p in parts):
        return "a key path with an empty part"
    return None


def link_params(
    preset_slug: str,
    preset: Shipped,
    scenario: Shipped,
    data_hash: str,
    extra: dict[str, str] | None = None,
    *,
    model_version: str,
) -> dict[str, str]:
    """Query parameters that reproduce ``scenario`` from ``preset``."""
    params = {PRESET: preset_slug}
    for path, value in diff(_content(preset), _content(scenario)).items():
        params[path] = encode_value(value)
    params[DATA_HASH] = data_hash
    params[MODEL] = model_version
    params.update(extra or {})
    return params


def scenario_from_link(
    params: dict[str, str],
    presets: Mapping[str, S],
    data_hash: str,
    *,
    model_version: str,
    rebuild: Rebuild[S],
) -> tuple[str, S, list[str], list[str]]:
    """Rebuild the scenario a link describes: ``rebuild`` applies the link's changes
    to the preset's content and validates the result.

    Returns ``(preset_slug, scenario, warnings, errors)``. With errors the scenario
    is the preset itself (or the first preset if the link names none we have).
    """
    slug = params.get(PRESET, "")
    warnings: list[str] = []
    if slug not in presets:
        fallback = next(iter(presets))
        return (
            fallback,
            presets[fallback],
            [],
            [
                f"link: preset {slug!r} is not one of the shipped scenarios "
                f"({', '.join(presets)}); showing {presets[fallback].name}"
            ],
        )
    preset = presets[slug]
    if params.get(DATA_HASH) and params[DATA_HASH] != data_hash:
        warnings.append(
            f"This link was made with data {params[DATA_HASH]}; the data now are {data_hash}. "
            "The numbers may differ from those seen when the link was made."
        )
    if params.get(MODEL) and params[MODEL] != model_version:
        warnings.append(
            f"This link was made with model version {params[MODEL]}; this is version "
            f"{model_version}. The numbers may differ from those seen when the link was made."
        )
    raw = {k: v for k, v in params.items() if k not in RESERVED}
    if not raw:
        return slug, preset, warnings, []
    instead = f"showing {preset.name} instead"
    if len(raw) > MAX_CHANGES:
        return (
            slug,
            preset,
            warnings,
            [f"link: {len(raw):,} changes, more than the {MAX_CHANGES:,} a link holds", instead],
        )
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for path, text in raw.items():
        reason = check_path(path)
        if reason is None:
            try:
                changes[path] = decode_value(str(text))
            except ValueError as exc:
                reason = str(exc)
        if reason is not None:
            problems.append(f"link: {_shown(path)}: {reason}")
    if problems:
        return slug, preset, warnings, [*problems[:10], instead]
    ordered = dict(sorted(changes.items(), key=lambda kv: kv[0].count(".")))
    scenario, problems = rebuild(_content(preset), ordered)
    if scenario is None:
        return slug, preset, warnings, [*problems, instead]
    return slug, scenario, warnings, []


def _shown(path: str) -> str:
    """A key as quoted in a message: at most 60 characters.

    >>> len(_shown("x" * 100)), _shown("x" * 100)[-2:]
    (60, 'x…')
    """
    return path if len(path) <= 60 else path[:59] + "…"


def encode_picks(picks: list[str]) -> str:
    """The Compare picks a link can carry (the sidebar's scenario and shipped ones; a
    scenario saved in one browser session cannot travel), comma-separated.

    >>> encode_picks(["current", "preset:status-quo", "saved:1. Mine"])
    'current,preset:status-quo'
    """
    return ",".join(p for p in picks if p == "current" or p.startswith("preset:"))


def decode_picks(text: str, presets: Mapping[str, object]) -> list[str]:
    """Compare picks from a link, keeping only those that exist, each once, at most four.

    >>> decode_picks("current,preset:a,preset:zz,preset:a", {"a": None})  # type: ignore[dict-item]
    ['current', 'preset:a']
    """
    out: list[str] = []
    for pick in text.split(","):
        known = pick == "current" or (pick.startswith("preset:") and pick[7:] in presets)
        if known and pick not in out:
            out.append(pick)
    return out[:4]


def closest_preset(scenario: Shipped, presets: Mapping[str, Shipped]) -> str:
    """The shipped scenario that needs the fewest changes to become ``scenario``
    (so the link to an uploaded file stays short)."""
    target = _content(scenario)
    return min(presets, key=lambda slug: len(diff(_content(presets[slug]), target)))
