"""Scenario files: strict parsing of TOML, migration from older schema versions, errors
that read ``FILE: key.path: reason``, loading with staleness warnings, and saving.

Parsing is strict: unknown keys, duplicate keys, wrong types, out-of-range values and
contradictions are errors that name the file and the key path.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator import MODEL_VERSION
from simulator.errors import ScenarioError, one_line
from simulator.schema.disk import read_bytes, write_text
from simulator.schema.projection import RETIRED_KEYS
from simulator.schema.scenario import SCHEMA_VERSION, Scenario

MAX_SCENARIO_BYTES = 256 * 1024
# The deepest key path of a scenario is selection.tests.N.window.end (5 levels); a file
# nested much deeper is not a scenario, and is refused before anything recurses into it.
MAX_DEPTH = 16
# Integers in a scenario are counts, months, a seed (< 2**32) or pounds; the 2018/19
# iBCF is £1,499,000,000 in all, so no meaningful amount comes near 2**63.
MAX_INTEGER = 2**63 - 1


# ---------------------------------------------------------------------- migrations
def migrate(data: dict[str, Any], source: str = "<scenario>") -> dict[str, Any]:
    """Bring an older scenario mapping up to :data:`SCHEMA_VERSION`, one version at a time.

    Version 1 gave ``condition_share``/``reduction_share`` as fractions (0.33); version 2
    gives ``condition_pct``/``reduction_pct`` in percent (33.0). Up to version 2 a file
    without a redistribution rule retained withheld money centrally; from version 3 the
    default keeps it in local government, so an older file's silence is written out as
    ``rule = "retain"`` (dropping a gain cap, which did nothing then) and it means what
    it meant when it was saved.
    """
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version >= SCHEMA_VERSION:
        return data
    data = dict(data)
    cons_in = data.get("consequences", {})
    if version == 1 and isinstance(cons_in, Mapping):
        cons = dict(cons_in)
        renames = (("condition_share", "condition_pct"), ("reduction_share", "reduction_pct"))
        for old, new in renames:
            if old in cons and new in cons:
                raise ScenarioError(
                    f"{source}: consequences: both {old} (schema 1, a fraction) and {new} "
                    "(percent) given; keep one"
                )
            if old in cons:
                value = cons.pop(old)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ScenarioError(
                        f"{source}: consequences.{old}: must be a number (a fraction, "
                        f"0 to 1), not {type(value).__name__} {value!r}"
                    )
                cons[new] = value * 100
        data["consequences"] = cons
        version = 2
    if version == 2:
        redistribution = data.get("redistribution", {})
        if isinstance(redistribution, Mapping) and "rule" not in redistribution:
            # A gain cap did nothing when the money was retained: it is dropped.
            kept = {k: v for k, v in redistribution.items() if k != "gain_cap_pct"}
            data["redistribution"] = {**kept, "rule": "retain"}
        version = 3
    data["schema_version"] = version
    return data


# ---------------------------------------------------------------------- parsing
def _format_errors(source: str, exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        parts = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
        # Drop the discriminated-union tag pydantic inserts after a test's index.
        parts = [
            p
            for i, p in enumerate(parts)
            if not (p in ("rate", "gap", "trend") and i > 0 and parts[i - 1].isdecimal())
        ]
        loc = ".".join(parts)
        msg = err["msg"]
        if (
            err["type"] == "extra_forbidden"
            and parts[:1] == ["projection"]
            and parts[-1] in RETIRED_KEYS
        ):
            msg = "retired in 0.3.0: the response is now set by evidence_set (docs/projection.md)"
        elif err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        elif err["type"] == "missing":
            msg = "required key missing"
        if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
            shown = _short_repr(err["input"])
            if shown is not None and len(shown) < 60:
                msg = f"{msg} (got {shown})"
        lines.append(f"{source}: {loc or '(top level)'}: {msg}")
    return lines


def _short_repr(value: Any) -> str | None:
    """``repr`` of a scalar input for an error message; None for a table or list (the
    message is about the whole of it) and for integers too large to show."""
    if isinstance(value, Mapping | list | tuple | BaseModel):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return None
    return repr(value)


def _check_values(data: Mapping[str, Any], source: str) -> None:
    """Refuse what no scenario contains before any recursive code sees it: nesting
    deeper than :data:`MAX_DEPTH`, integers beyond 64 bits, NaN and infinities.
    Iterative, so a hostile input cannot exhaust the stack."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, obj, depth = stack.pop()
        where = path or "(top level)"
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"{source}: {where}: nested more than {MAX_DEPTH} levels deep; not a scenario file"
            )
        if isinstance(obj, float) and not math.isfinite(obj):
            raise ScenarioError(f"{source}: {where}: not a finite number ({obj})")
        if isinstance(obj, int) and not isinstance(obj, bool) and abs(obj) > MAX_INTEGER:
            raise ScenarioError(f"{source}: {where}: integer out of range (more than 2^63)")
        if isinstance(obj, Mapping):
            items: list[tuple[str, Any]] = [(str(k), v) for k, v in obj.items()]
        elif isinstance(obj, list | tuple):
            items = [(str(i), v) for i, v in enumerate(obj)]
        else:
            continue
        for key, value in reversed(items):
            stack.append((f"{path}.{key}" if path else key, value, depth + 1))


def scenario_from_mapping(
    data: Mapping[str, Any], *, source: str = "<scenario>", context: dict[str, Any] | None = None
) -> Scenario:
    """Validate a mapping into a Scenario, raising :class:`ScenarioError`."""
    _check_values(data, source)
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError(f"{source}: schema_version: must be an integer")
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            f"{source}: schema_version: {version} is newer than this simulator reads "
            f"({SCHEMA_VERSION}); upgrade the simulator"
        )
    if version < 1:
        raise ScenarioError(f"{source}: schema_version: must be 1 or more")
    try:
        return Scenario.model_validate(migrate(dict(data), source), context=context)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(source, exc)) from None


def _toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Say which key a TOML error is about where it can be found (duplicates)."""
    message = str(exc)
    match = re.search(r"at line (\d+)", message)
    if match and "overwrite" in message.lower():
        # TOML lines end at \n only (str.splitlines would also split at U+2028 and others).
        line = text.split("\n")[int(match.group(1)) - 1].strip()
        key = line.split("=", 1)[0].strip().strip("[]").strip()
        if key:
            return f"{key}: duplicate key (line {match.group(1)}); not valid TOML ({message})"
    return f"not valid TOML ({message})"


# Strings (basic, literal, multi-line) and comments: what cannot hold an integer literal.
_NOT_NUMBERS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
)


def _long_integer_problem(text: str) -> str:
    """Name the key of an integer literal too long for Python to read (over 4,300 digits);
    digits inside strings (a long run in ``notes``) and comments are not integers."""
    limit = sys.get_int_max_str_digits() or 4300
    bare = _NOT_NUMBERS.sub(lambda m: "\n" * m.group().count("\n"), text)
    for number, line in enumerate(bare.split("\n"), start=1):
        if len(re.sub(r"[^0-9]", "", max(re.findall(r"[0-9_]+", line) or [""], key=len))) > limit:
            key = line.split("=", 1)[0].strip() if "=" in line else "(top level)"
            return f"{key}: integer of more than {limit:,} digits (line {number})"
    return f"(top level): integer of more than {limit:,} digits"


def parse_scenario(
    raw: bytes | str, *, source: str = "<scenario>", context: dict[str, Any] | None = None
) -> Scenario:
    """Parse TOML bytes or text into a Scenario (strict; errors name ``source``)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{source}: {len(raw):,} bytes, larger than the "
                f"{MAX_SCENARIO_BYTES:,}-byte limit for a scenario file"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
            ) from None
    else:
        text = raw
    # A byte-order mark (Notepad's default for UTF-8) is not part of the TOML.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScenarioError(f"{source}: empty file; a scenario needs at least a name")
    if "\x00" in text:
        raise ScenarioError(f"{source}: binary content (NUL byte); not a TOML scenario file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: {_toml_problem(text, exc)}") from None
    except RecursionError:
        raise ScenarioError(
            f"{source}: (top level): keys or values nested too deeply; not a scenario file"
        ) from None
    except ValueError:  # an integer literal beyond Python's digit limit
        raise ScenarioError(f"{source}: {_long_integer_problem(text)}") from None
    return scenario_from_mapping(data, source=source, context=context)


def load_scenario(
    path: Path, *, context: dict[str, Any] | None = None, data_hash: str | None = None
) -> Scenario:
    """Read and parse a scenario file; warn if it was saved with other data or model."""
    try:
        raw = read_bytes(path, limit=MAX_SCENARIO_BYTES)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    scenario = parse_scenario(raw, source=str(path), context=context)
    for message in staleness(scenario, data_hash):
        warnings.warn(one_line(f"{path}: {message}"), stacklevel=2)
    return scenario


def staleness(scenario: Scenario, data_hash: str | None) -> list[str]:
    """Why a saved scenario may not reproduce its results: data or model changed."""
    out = []
    if scenario.data_hash and data_hash and scenario.data_hash != data_hash:
        saved = _clipped(scenario.data_hash)
        out.append(f"saved with data {saved}, now {data_hash}: results may differ")
    if scenario.model_version and scenario.model_version != MODEL_VERSION:
        saved = _clipped(scenario.model_version)
        out.append(f"saved with model {saved}, now {MODEL_VERSION}: results may differ")
    return out


def _clipped(text: str, limit: int = 40) -> str:
    """A recorded hash or version as a warning shows it: at most ``limit`` characters.

    >>> _clipped("0123456789abcdef"), _clipped("f" * 10_000)[-5:], len(_clipped("f" * 10_000))
    ('0123456789abcdef', 'ffff…', 40)
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def save_scenario(scenario: Scenario, path: Path, *, overwrite: bool = False) -> None:
    """Write TOML atomically; refuse to overwrite unless asked."""
    write_text(path, scenario.to_toml(), overwrite=overwrite)


def with_projection(
    scenario: Scenario,
    overrides: Mapping[str, Any],
    *,
    context: dict[str, Any] | None = None,
) -> Scenario:
    """``scenario`` with ``[projection]`` values replaced (``None`` leaves a value as it
    is), validated like a file's own; an error names the option, e.g. ``--draws: ...``.

    >>> s = with_projection(Scenario(name="x"), {"draws": 50, "seed": None})
    >>> s.projection.draws, s.projection.seed == Scenario(name="x").projection.seed
    (50, True)
    """
    changes = {k: v for k, v in overrides.items() if v is not None}
    if not changes:
        return scenario
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["projection"] = {**data.get("projection", {}), **changes}
    try:
        return scenario_from_mapping(data, source="command line", context=context)
    except ScenarioError as exc:
        prefix = "command line: projection."
        raise ScenarioError(
            [f"--{p[len(prefix) :]}" if p.startswith(prefix) else p for p in exc.problems]
        ) from None


def data_context(months: list[str], codes: list[str]) -> dict[str, Any]:
    """Validation context: months with data and council codes."""
    return {"months": months, "codes": set(codes)}
