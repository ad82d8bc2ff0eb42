"""The words the sidebar shows for each scenario field, by field name: a parameter's
label comes from its record (:mod:`simulator.schema.parameters`); the fields that are
not parameters (a mode, a rule, a method) are named here. The editing helpers name a
problem's field with them too."""

from __future__ import annotations

from simulator.schema.consequences import Consequences, Redistribution, Release
from simulator.schema.expectations import ExpectationRule
from simulator.schema.parameters import parameters
from simulator.schema.projection import CHOICES, ProjectionParams
from simulator.schema.selection import Composite, Exemption, GapTest, RateTest, TrendTest

# Fields that choose among options or name things, rather than parameters.
FIELD_LABELS: dict[str, str] = {
    "attribution": "Delays attributed to",
    "mode": "Test",
    "n": "Number of councils (worst N)",
    "combine": "A council is selected if it fails",
    "at_least": "Number of tests that must fail",
    "graduation": "Graduation",
    "margin_test": "Graduate by the margin on",
    "cap_gbp": "Cap per council in pounds",
    "rule": "Rule",
    "gain_cap_pct": "Cap on gains",
    "method": "Method",
    "select": "Select",
    "baseline_end": "Baseline ends",
    "theta": "θ: delayed days avoided per £1m (evidence set)",
}

SECTIONS = (
    RateTest,
    GapTest,
    TrendTest,
    Composite,
    Exemption,
    Release,
    Consequences,
    Redistribution,
    ExpectationRule,
    ProjectionParams,
)


def _labels() -> dict[str, str]:
    out = dict(FIELD_LABELS)
    records = {name: r for model in SECTIONS for name, r in parameters(model).items()}
    for name, record in {**records, **CHOICES}.items():
        if out.get(name, record.label) != record.label:
            raise ValueError(f"{name}: two labels ({out[name]!r}, {record.label!r})")
        out[name] = record.label
    return out


LABELS: dict[str, str] = _labels()
