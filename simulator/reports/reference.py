"""The scenario file reference, generated from the Scenario model itself.

``ibcf schema`` prints it; ``docs/scenario-reference.md`` is a committed copy that a
test keeps in step with the code.
"""

from __future__ import annotations

import re
import typing
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


def _type_name(annotation: Any) -> str:
    text = str(annotation)
    if "pattern=" in text:
        return "text" + (" (optional)" if "Optional" in text or "None" in text else "")
    if "discriminator='kind'" in text:
        return "list of test tables"
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f'"{a}"' for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"dict[{_type_name(key)}, {_type_name(value)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    text = str(annotation).replace("typing.", "")
    return re.sub(r"simulator\.schema\.\w+\.", "", text).replace("|", "\\|")


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(table)"
    return f"`{value!r}`" if value not in ([], {}) else "empty"


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
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            ge = le = None
            for c in field.metadata:
                ge = getattr(c, "ge", ge)
                le = getattr(c, "le", le)
            rng = (
                ""
                if ge is None and le is None
                else f"{ge if ge is not None else ''}–{le if le is not None else ''}"
            )
            meaning = field.description or ""
            if extra.get("source"):
                meaning += f" Source: {extra['source']}"
            lines.append(
                f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {rng} | "
                f"{extra.get('unit', '')} | {meaning.strip()} |"
            )
    return "\n".join(lines) + "\n"
