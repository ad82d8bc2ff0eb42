"""The shareable link: a scenario's difference from its preset, in the URL query.

A link reads ``?preset=october-2017-letter&consequences.condition_pct=40&dh=...&mv=...``:
the preset's file name, one query key per field that differs (the field's path in
the scenario file, list positions as numbers), and the data hash and model version
the view was made with, so that opening the link later can warn when either has
changed. Values are JSON (``40.0``, ``true``, ``null`` to remove an optional
section, ``[...]`` for a whole list); a text value that is not JSON is kept as typed.

A link is input from anyone: it is bounded before it is read (at most
:data:`MAX_LINK_CHARS` characters, else refused whole: :func:`oversized`; at most
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
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import quote_plus, urlencode


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
CUT = "cut"  # the long texts a link leaves out (comma-separated field names)
DESIGN = "design"  # the Design view's choices: the design, the goal and the guarantees
RESERVED = (PRESET, DATA_HASH, MODEL, VIEW, WORKSHOP, COUNCIL, COMPARE, CUT, DESIGN)
# Saved comparison snapshots travel as ``snap1`` ... ``snap8``, each a JSON object
# {"name", "preset", "changes"} holding its difference from a preset, as a link does.
SNAPSHOT = "snap"
MAX_SNAPSHOTS = 8
_SNAPSHOT_KEY = re.compile(rf"{SNAPSHOT}[1-9]\d?")
STAMPS = ("model_version", "data_hash", "schema_version")
MAX_CHANGES = 1_000
# The most a link may hold: MAX_FIELDS parameters and MAX_LINK_CHARS characters of query
# string once percent-encoded. A link the app writes stays within MAX_LINK_CHARS: free
# texts longer than LINK_TEXT_CHARS, and then the longest ones until it fits, are left
# out, said so in the text itself and in the ``cut`` key (the receiver is told, and the
# sender can download the scenario file, which keeps them). A longer link is refused
# with :func:`oversized` (app.state), the default scenario shown instead; so is one of
# more than MAX_FIELDS parameters, which Streamlit drops whole before the script sees
# it (the page says so in the browser: app.shell). Both servers carry a link well past
# the limit, so the app is the one to answer: a worker refuses a request of about
# 128 KiB (4 x MAX_LINK_CHARS), and `make serve`'s proxy is given a buffer as large
# (scripts.serve), enough for the address twice over (a page's later requests may repeat
# it as the Referer).
MAX_FIELDS = 1_000
MAX_LINK_CHARS = 32 * 1024
MAX_PATH_PARTS = 8
MAX_PATH_CHARS = 200
MAX_VALUE_CHARS = 20_000
MAX_DEPTH = 8
MAX_DIGITS = 30
LINK_TEXT_CHARS = 4_000
LONG_TEXTS = ("notes", "description", "author")
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
    changes = diff(_content(preset), _content(scenario))
    for path, value in changes.items():
        params[path] = encode_value(value)
    params[DATA_HASH] = data_hash
    params[MODEL] = model_version
    params.update(extra or {})
    return _fit(params, {k: v for k, v in changes.items() if k in LONG_TEXTS})


def left_out_text(field: str, chars: int) -> str:
    """What a link carries instead of a text too long for it.

    >>> left_out_text("notes", 30_000)
    '[The notes (30,000 characters) are too long for a link; the scenario file has them.]'
    """
    return (
        f"[The {field} ({chars:,} characters) are too long for a link; the scenario file has them.]"
    )


def encoded_size(params: Mapping[str, str]) -> int:
    """Characters of the query string once percent-encoded, as the address bar holds it."""
    return len(urlencode(params))


# What a link over the limit gets instead of being applied (the browser's notice fills
# in the same words: app.shell).
OVERSIZED = (
    "The link could not be applied: it holds {fields} parameters ({chars} characters), "
    f"more than the {MAX_FIELDS:,} parameters or {MAX_LINK_CHARS:,} characters a link may "
    "carry. Showing the default scenario instead."
)


def oversized(params: Mapping[str, str]) -> str | None:
    """The notice for a link over the limit, or None for one within it.

    >>> oversized({"preset": "graduated"}) is None
    True
    >>> oversized({"preset": "graduated", "notes": "x" * 32_760})[:80]
    'The link could not be applied: it holds 2 parameters (32,783 characters), more t'
    """
    chars = encoded_size(params)
    if len(params) <= MAX_FIELDS and chars <= MAX_LINK_CHARS:
        return None
    return OVERSIZED.format(fields=f"{len(params):,}", chars=f"{chars:,}")


def _fit(params: dict[str, str], texts: dict[str, Any]) -> dict[str, str]:
    """``params`` within :data:`MAX_LINK_CHARS`: each long free text replaced by
    :func:`left_out_text` (longest first, those over :data:`LINK_TEXT_CHARS` always),
    the fields left out named in :data:`CUT`."""
    out = dict(params)
    cut = []
    for field in sorted(texts, key=lambda k: -len(quote_plus(out[k]))):
        value = texts[field]
        if not isinstance(value, str):
            continue
        if len(value) <= LINK_TEXT_CHARS and encoded_size(out) <= MAX_LINK_CHARS:
            continue
        out[field] = encode_value(left_out_text(field, len(value)))
        cut.append(field)
    if cut:
        out[CUT] = ",".join(cut)
    return out


def sender_note(cut: list[str]) -> str:
    """What the sender is told when the address bar's link leaves texts out.

    >>> sender_note(["notes"])[:60]
    'The link in the address bar leaves out the notes: too long f'
    """
    return (
        f"The link in the address bar leaves out the {' and '.join(cut)}: too long for a "
        "link. Download the scenario file to keep them; reloading the page (or opening the "
        "link) gives this scenario with a note in their place."
    )


def left_out(params: Mapping[str, str]) -> list[str]:
    """The fields a link left out (:data:`CUT`), only the known ones.

    >>> left_out({"cut": "notes,<b>,author"})
    ['notes', 'author']
    """
    return [f for f in str(params.get(CUT) or "").split(",") if f in LONG_TEXTS]


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
    cut = left_out(params)
    if cut:
        warnings.append(
            f"This link leaves out the scenario's {' and '.join(cut)}: too long for a link. "
            "The scenario file (Download scenario) keeps them; ask its sender for it."
        )
    raw = {k: v for k, v in params.items() if k not in RESERVED and not is_snapshot_key(k)}
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


def encode_picks(picks: list[str], saved: list[str] | None = None) -> str:
    """The Compare picks a link carries, comma-separated: the sidebar's scenario, shipped
    ones, and saved snapshots by their place in ``saved`` (those the link carries).

    >>> encode_picks(["current", "preset:status-quo", "saved:Mine, v2"], ["Old", "Mine, v2"])
    'current,preset:status-quo,saved:2'
    >>> encode_picks(["current", "saved:Mine"])
    'current'
    """
    places = {name: k for k, name in enumerate(saved or [], start=1)}
    out = []
    for p in picks:
        if p == "current" or p.startswith("preset:"):
            out.append(p)
        elif p.startswith("saved:") and p[6:] in places:
            out.append(f"saved:{places[p[6:]]}")
    return ",".join(out)


def decode_picks(
    text: str, presets: Mapping[str, object], saved: list[str] | None = None
) -> tuple[list[str], int]:
    """Compare picks from a link, keeping only those that exist, each once: the first
    four, and how many more the link named (Compare shows four).

    >>> decode_picks("current,preset:a,preset:zz,preset:a,saved:1", {"a": None}, ["Mine"])
    (['current', 'preset:a', 'saved:Mine'], 0)
    >>> decode_picks("current,preset:a,preset:b,preset:c,preset:d", dict.fromkeys("abcd"))
    (['current', 'preset:a', 'preset:b', 'preset:c'], 1)
    """
    names = saved or []
    out: list[str] = []
    for pick in text.split(","):
        if pick.startswith("saved:") and pick[6:].isdigit() and 0 < int(pick[6:]) <= len(names):
            pick = f"saved:{names[int(pick[6:]) - 1]}"
        known = pick == "current" or (pick.startswith("preset:") and pick[7:] in presets)
        known = known or (pick.startswith("saved:") and pick[6:] in names)
        if known and pick not in out:
            out.append(pick)
    return out[:4], max(len(out) - 4, 0)


def is_snapshot_key(key: str) -> bool:
    """``snap1`` ... ``snap99``: a saved snapshot's query key, not a scenario field.

    >>> is_snapshot_key("snap3"), is_snapshot_key("snapshot"), is_snapshot_key("snap0")
    (True, False, False)
    """
    return _SNAPSHOT_KEY.fullmatch(key) is not None


def encode_snapshot(name: str, preset_slug: str, preset: Shipped, scenario: Shipped) -> str:
    """A saved snapshot as one query value: its name and its difference from a preset.

    >>> class S:
    ...     name = "x"
    ...     def __init__(self, v): self.v = v
    ...     def model_dump(self, *, mode, exclude_none): return {"a": self.v}
    >>> encode_snapshot("Mine", "p", S(1), S(2))
    '{"name":"Mine","preset":"p","changes":{"a":"2"}}'
    """
    changes = {p: encode_value(v) for p, v in diff(_content(preset), _content(scenario)).items()}
    return json.dumps(
        {"name": name, "preset": preset_slug, "changes": changes},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def decode_snapshot(text: str) -> tuple[str, dict[str, str]]:
    """A snapshot's name and the link parameters that rebuild it (read like a link).

    >>> decode_snapshot('{"name":"Mine","preset":"p","changes":{"a":"2"}}')
    ('Mine', {'a': '2', 'preset': 'p'})
    >>> decode_snapshot('{"name": 5}')
    Traceback (most recent call last):
    ...
    ValueError: not a saved snapshot (a name, a preset and its changes)
    """
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{len(text):,} characters, more than the {MAX_VALUE_CHARS:,} allowed")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    shape = isinstance(data, dict) and set(data) == {"name", "preset", "changes"}
    if not shape or not isinstance(data, dict):
        raise ValueError("not a saved snapshot (a name, a preset and its changes)")
    name, preset, changes = data["name"], data["preset"], data["changes"]
    texts = isinstance(changes, dict) and all(isinstance(v, str) for v in changes.values())
    if not (isinstance(name, str) and name.strip() and isinstance(preset, str) and texts):
        raise ValueError("not a saved snapshot (a name, a preset and its changes)")
    if any(k in RESERVED or is_snapshot_key(k) for k in changes):
        raise ValueError("not a saved snapshot (a name, a preset and its changes)")
    return snapshot_name(name), {**changes, PRESET: preset}


def snapshot_name(text: str) -> str:
    """A snapshot's name: one line, at most :data:`MAX_SNAPSHOT_NAME` characters.

    >>> snapshot_name("  Mine\\n  again "), len(snapshot_name("x" * 500))
    ('Mine again', 80)
    """
    return " ".join(text.split())[:MAX_SNAPSHOT_NAME]


def unique_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` ... when it is taken.

    >>> unique_name("Mine", ["Mine", "Mine (2)"]), unique_name("New", ["Mine"])
    ('Mine (3)', 'New')
    """
    out, k = name, 1
    while out in taken:
        k += 1
        out = f"{name} ({k})"
    return out


MAX_SNAPSHOT_NAME = 80


def closest_preset(scenario: Shipped, presets: Mapping[str, Shipped]) -> str:
    """The shipped scenario that needs the fewest changes to become ``scenario``
    (so the link to an uploaded file stays short)."""
    target = _content(scenario)
    return min(presets, key=lambda slug: len(diff(_content(presets[slug]), target)))
