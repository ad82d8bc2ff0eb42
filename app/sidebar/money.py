"""The money: consequences (shares conditioned and withheld, graduation, caps, floor,
release) and the redistribution of withheld money."""

from __future__ import annotations

from typing import Any

from app import state
from app import widgets as w
from app.services import YEAR, Consequences, Redistribution, Release, Scenario, suggested
from app.sidebar.form import Field, Section, Span, Switch, Text


def _graduated(value: Any) -> None:
    """A new graduation; "by margin" needs a test to graduate by: the first criterion."""
    changes: dict[str, Any] = {"consequences.graduation": value}
    scen = state.scenario()
    if value == "margin" and scen.consequences.margin_test is None and scen.selection.tests:
        ids = [t.id for t in scen.selection.criteria] or [t.id for t in scen.selection.tests]
        changes["consequences.margin_test"] = ids[0]
    elif value != "margin":
        changes["consequences.margin_test"] = None  # names a test only when graduating by it
    state.apply(changes)


def _margin_tests(scen: Scenario) -> dict[str, Any]:
    names = {t.id: t.label or t.id for t in scen.selection.tests}
    return {"options": list(names), "fmt": lambda i: names.get(i, i)}


def _by_margin(c: Any) -> bool:
    return bool(c.graduation == "margin")


RELEASE = Section(
    Release,
    "consequences.release",
    (
        Field("attribution"),
        Field("rule"),
        Span("window", "Trigger"),
        Field("rate", when=lambda r: r.rule == "below_rate"),
    ),
)
CONSEQUENCES = Section(
    Consequences,
    "consequences",
    (
        Field("base", options={"fmt": w.BASE_LABELS.__getitem__}),
        Field("condition_pct", unlocked_only=True),
        Field("reduction_pct", unlocked_only=True),
        Field(
            "graduation",
            options={
                "label": "Graduation",
                "apply": _graduated,
                "hint": "Flat: every selected council gets the full share. By tests "
                "failed: in proportion to the share of tests failed. By margin: rising "
                "linearly with how far a council is past one test's line. Source: "
                "assumption.",
            },
        ),
        Field(
            "margin_test",
            when=_by_margin,
            dynamic=_margin_tests,
            options={"label": "Graduate by the margin on test", "toggle": False},
        ),
        Field("margin_from", when=_by_margin),
        Field("margin_to", when=_by_margin),
        Field("cap_pct"),
        Field(
            "cap_gbp",
            options={
                "optional_default": suggested.CAP_GBP,
                "label": f"Cap per council (£, {YEAR})",
            },
        ),
        Field("floor_pct"),
        Switch(
            "release",
            "Release conditions for councils that reach a trigger",
            suggested.RELEASE,
            "Early 2018: councils that improved were told a reduction was no longer likely.",
            RELEASE,
        ),
    ),
)
# Rules that read each council's performance (the others need no window).
BY_PERFORMANCE = ("best_quartile", "met_expectation", "improvers")
REDISTRIBUTION = Section(
    Redistribution,
    "redistribution",
    (
        Field("rule"),
        Field("attribution", when=lambda r: r.rule in BY_PERFORMANCE),
        Span("window", "Performance window", when=lambda r: r.rule in BY_PERFORMANCE),
        Span("before", "Improvement from", when=lambda r: r.rule == "improvers"),
        Field(
            "gain_cap_pct",
            when=lambda r: r.rule != "retain",
            options={
                "optional_default": suggested.GAIN_CAP_PCT,
                "label": "Cap on gains (% of base)",
            },
        ),
        Text(
            "All withheld money stays in local government unless the rule retains it "
            "centrally; the ledger balances to the pound.",
            caption=True,
        ),
    ),
)
