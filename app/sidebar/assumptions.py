"""The projection's assumptions and the rule that reconstructs the September 2017
expectations: every declared field, in its declared order."""

from __future__ import annotations

from app.services import ExpectationRule, ProjectionParams
from app.sidebar.form import Section, Text, fields

PROJECTION = Section(
    ProjectionParams,
    "projection",
    (
        *fields(ProjectionParams),
        Text(
            "Fewer draws redraw faster; the P10–P90 ranges and the probability of "
            "meeting the ambition use the scenario's draws and seed.",
            caption=True,
        ),
    ),
)
EXPECTATIONS = Section(
    ExpectationRule,
    "expectations",
    (
        Text(
            "The official September 2017 expectations table was not available: "
            "expectations are reconstructed by this rule and labelled so.",
            caption=True,
        ),
        *fields(ExpectationRule),
    ),
)
