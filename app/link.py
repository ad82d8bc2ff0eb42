"""The shareable link: a scenario's difference from its preset, in the URL query.

A link reads ``?preset=october-2017-letter&consequences.condition_pct=40&dh=...&mv=...``:
the preset's file name, one query key per field that differs (the field's path in
the scenario file, list positions as numbers), and the data hash and model version
the view was made with, so that opening the link later can warn when either has
changed. Values are JSON (``40.0``, ``true``, ``null`` to remove an optional
section, ``[...]`` for a whole list); a text value that is not JSON is kept as typed.

Pure functions, no Streamlit: the page code reads and writes ``st.query_params``.
"""

from __future__ import annotations

import json
from typing import Any

from app.edit import set_path
from simulator import MODEL_VERSION
from simulator.errors import ScenarioError
from simulator.scenario import Scenario, scenario_from_mapping

PRESET, DATA_HASH, MODEL, VIEW, WORKSHOP, COUNCIL = "preset", "dh", "mv", "view", "ws", "council"
COMPARE = "compare"  # the Compare view's picks: "current" and shipped "preset:<file>" keys
RESERVED = (PRESET, DATA_HASH, MODEL, VIEW, WORKSHOP, COUNCIL, COMPARE)
STAMPS = ("model_version", "data_hash", "schema_version")


def _content(scenario: Scenario) -> dict[str, Any]:
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
    """
    try:
        return json.loads(text)
    except ValueError:
        return text


def link_params(
    preset_slug: str,
    preset: Scenario,
    scenario: Scenario,
    data_hash: str,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Query parameters that reproduce ``scenario`` from ``preset``."""
    params = {PRESET: preset_slug}
    for path, value in diff(_content(preset), _content(scenario)).items():
        params[path] = encode_value(value)
    params[DATA_HASH] = data_hash
    params[MODEL] = MODEL_VERSION
    params.update(extra or {})
    return params


def scenario_from_link(
    params: dict[str, str],
    presets: dict[str, Scenario],
    context: dict[str, Any] | None,
    data_hash: str,
) -> tuple[str, Scenario, list[str], list[str]]:
    """Rebuild the scenario a link describes.

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
    if params.get(MODEL) and params[MODEL] != MODEL_VERSION:
        warnings.append(
            f"This link was made with model version {params[MODEL]}; this is version "
            f"{MODEL_VERSION}. The numbers may differ from those seen when the link was made."
        )
    changes = {k: decode_value(v) for k, v in params.items() if k not in RESERVED}
    if not changes:
        return slug, preset, warnings, []
    data = _content(preset)
    try:
        for path, value in sorted(changes.items(), key=lambda kv: kv[0].count(".")):
            data = set_path(data, path, value)
        scenario = scenario_from_mapping(data, source="link", context=context)
    except ScenarioError as exc:
        return slug, preset, warnings, [*exc.problems, f"showing {preset.name} instead"]
    except (TypeError, AttributeError) as exc:
        return (
            slug,
            preset,
            warnings,
            [f"link: cannot apply the changes ({exc})", f"showing {preset.name} instead"],
        )
    return slug, scenario, warnings, []


def encode_picks(picks: list[str]) -> str:
    """The Compare picks a link can carry (the sidebar's scenario and shipped ones; a
    scenario saved in one browser session cannot travel), comma-separated.

    >>> encode_picks(["current", "preset:status-quo", "saved:1. Mine"])
    'current,preset:status-quo'
    """
    return ",".join(p for p in picks if p == "current" or p.startswith("preset:"))


def decode_picks(text: str, presets: dict[str, Scenario]) -> list[str]:
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


def closest_preset(scenario: Scenario, presets: dict[str, Scenario]) -> str:
    """The shipped scenario that needs the fewest changes to become ``scenario``
    (so the link to an uploaded file stays short)."""
    target = _content(scenario)
    return min(presets, key=lambda slug: len(diff(_content(presets[slug]), target)))
