"""The scenario file reference, generated from the Scenario model's JSON schema
(``model_json_schema()``: types, defaults, ranges, and each parameter's record).

``ibcf schema`` prints it; ``docs/scenario-reference.md`` is a committed copy that a
test keeps in step with the code.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from simulator.projection import ProjectionParams
from simulator.schema.consequences import Consequences, Redistribution, Release
from simulator.schema.expectations import ExpectationRule
from simulator.schema.scenario import SCHEMA_VERSION, Scenario
from simulator.schema.selection import (
    Composite,
    Exemption,
    GapTest,
    ManualEntry,
    RateTest,
    Selection,
    TrendTest,
    Window,
)

SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("(top level)", Scenario, "Metadata and the sections below."),
    ("[expectations]", ExpectationRule, "Rule reconstructing September 2017 expectations."),
    ("[selection]", Selection, "Which councils are selected."),
    ('[[selection.tests]] kind = "rate"', RateTest, "Worst rates per 100,000 adults 18+."),
    ('[[selection.tests]] kind = "gap"', GapTest, "Rate above the expectation."),
    ('[[selection.tests]] kind = "trend"', TrendTest, "Change between two windows."),
    ("window tables", Window, '`{ end = "YYYY-MM", months = N }`: N months ending at end.'),
    ("[selection.composite]", Composite, "Composite score of the tests."),
    ("[selection.exemption]", Exemption, "Exemption for improvement."),
    ("[[selection.include]] / [[selection.exclude]]", ManualEntry, "Manual lists."),
    ("[consequences]", Consequences, "Conditions and reductions."),
    ("[consequences.release]", Release, "Release of conditions on a trigger."),
    (
        "[redistribution]",
        Redistribution,
        "Where withheld money goes. With no rule, all of it stays in local government "
        "(pro_rata_all). A file of schema version 2 or earlier that names no rule is read "
        'as `rule = "retain"`, as it meant when it was saved.',
    ),
    ("[projection]", ProjectionParams, "Projection of 2018/19 DToC and its uncertainty."),
]


NULL = {"type": "null"}
JSON_TYPES = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}


def _type_name(schema: dict[str, Any]) -> str:
    """A field's type in the reference's words, from its JSON schema.

    >>> print(_type_name({"anyOf": [{"type": "integer"}, {"type": "null"}]}))
    int \\| None
    >>> _type_name({"type": "array", "items": {"$ref": "#/$defs/ManualEntry"}})
    'list[ManualEntry]'
    """
    if "anyOf" in schema:
        kinds = [b for b in schema["anyOf"] if b != NULL]
        if any("pattern" in b for b in kinds):
            return "text (optional)"
        names = [_type_name(b) for b in kinds] + (["None"] if NULL in schema["anyOf"] else [])
        return " \\| ".join(names)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _type_name(schema["allOf"][0])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "const" in schema:
        return f'"{schema["const"]}"'
    if "enum" in schema:
        return " \\| ".join(f'"{v}"' for v in schema["enum"])
    if schema.get("type") == "array":
        items = schema.get("items", {})
        if "discriminator" in items or "oneOf" in items:
            return "list of test tables"
        return f"list[{_type_name(items)}]"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"dict[str, {_type_name(schema['additionalProperties'])}]"
    return JSON_TYPES.get(str(schema.get("type")), str(schema.get("type")))


def _default(schema: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" not in schema:  # built by a factory: an empty list or table
        return "empty"
    value = schema["default"]
    if isinstance(value, dict | list):
        return "(table)" if value else "empty"
    return f"`{value!r}`"


def _range(schema: dict[str, Any]) -> str:
    """``ge–le`` of a number, or of the number an optional field holds."""
    for branch in [schema, *schema.get("anyOf", [])]:
        ge, le = branch.get("minimum"), branch.get("maximum")
        if ge is not None or le is not None:
            return f"{_bound(ge)}–{_bound(le)}"
    return ""


def _bound(value: float | None) -> str:
    """A bound as people write it, the same under every supported pydantic (some write
    a float field's ``ge=0`` as ``0.0``, others as ``0``).

    >>> _bound(0.0), _bound(0.9), _bound(1_499_000_000), _bound(None)
    ('0', '0.9', '1499000000', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scenario_reference() -> str:
    lines = [
        "# Scenario file reference",
        "",
        f"Scenario files are TOML, schema version {SCHEMA_VERSION}. Unknown keys, duplicate "
        "keys, wrong types and out-of-range values are errors naming the file and key path. "
        "Generated from the model by `ibcf schema`; do not edit by hand.",
    ]
    for title, model, blurb in SECTIONS:
        lines += ["", f"## {title}", "", blurb, "",
                  "| key | type | default | range | unit | meaning and source |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        schema = model.model_json_schema()
        required = set(schema.get("required", []))
        for name, field in schema["properties"].items():
            meaning = field.get("description", "")
            if field.get("source"):
                meaning += f" Source: {field['source']}"
            lines.append(
                f"| `{name}` | {_type_name(field)} | {_default(field, name in required)} | "
                f"{_range(field)} | {field.get('unit', '')} | {meaning.strip()} |"
            )
    return "\n".join(lines) + "\n"
