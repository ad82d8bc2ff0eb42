"""The grid of options a design declares, and the scenario each option stands for.

Options are numbered in one fixed order: the selection axes (criteria, combination,
data month, attribution, each threshold, exemption) vary slowest, then the money axes
(base, condition share, reduction share, graduation, cap, cap in £, floor), then the
redistribution rule. Option ``i`` is selection variant ``i // (M·R)``, money variant
``(i // R) % M`` and rule ``i % R``. An option whose settings contradict (a condition
and a reduction share over 100%, "at least 3" of two tests) is not an option: it is
marked invalid and never reported.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from simulator.errors import ScenarioError
from simulator.rules.redistribution import RULE_LABELS
from simulator.schema.calendar import month_index, month_name, shift_month
from simulator.schema.design import MAX_OPTIONS, Design
from simulator.schema.files import scenario_from_mapping
from simulator.schema.labels import LABELS
from simulator.schema.scenario import Scenario
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, BASE_LABELS, TEST_KIND_LABELS

SELECTION_AXES = ("criteria", "combine", "data_month", "attribution", "thresholds", "exemption")
MONEY_AXES = ("base", "condition_pct", "reduction_pct", "graduation", "cap_pct", "cap_gbp")
MONEY_AXES_ALL = (*MONEY_AXES, "floor_pct")


def base_data_month(scenario: Scenario) -> str | None:
    """The latest month the base scenario's tests read (None without tests)."""
    ends = [t.after.end if t.kind == "trend" else t.window.end for t in scenario.selection.tests]
    return max(ends) if ends else None


@dataclass(frozen=True)
class Grid:
    """The values of every axis, resolved against the base scenario."""

    design: Design
    base: Scenario
    selection_values: dict[str, list[Any]]  # axis -> values (thresholds: one axis per test)
    money_values: dict[str, list[Any]]
    rules: list[str]

    @property
    def n_selection(self) -> int:
        n = 1
        for values in self.selection_values.values():
            n *= len(values)
        return n

    @property
    def n_money(self) -> int:
        n = 1
        for values in self.money_values.values():
            n *= len(values)
        return n

    @property
    def size(self) -> int:
        return self.n_selection * self.n_money * len(self.rules)

    def split(self, index: int) -> tuple[int, int, int]:
        """Selection variant, money variant and rule of option ``index``."""
        r = index % len(self.rules)
        m = (index // len(self.rules)) % self.n_money
        return index // (len(self.rules) * self.n_money), m, r

    def selection_setting(self, s: int) -> dict[str, Any]:
        return _nth(self.selection_values, s)

    def money_setting(self, m: int) -> dict[str, Any]:
        return _nth(self.money_values, m)

    def setting(self, index: int) -> dict[str, Any]:
        """Every axis's value for option ``index`` (the words of an option)."""
        s, m, r = self.split(index)
        return {
            **self.selection_setting(s),
            **self.money_setting(m),
            "redistribution": self.rules[r],
        }

    def varied(self) -> list[str]:
        """The axes with more than one value (the ones worth printing per option)."""
        axes = {**self.selection_values, **self.money_values, "redistribution": self.rules}
        return [k for k, v in axes.items() if len(v) > 1]


def _nth(values: dict[str, list[Any]], index: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in reversed(list(values)):
        vals = values[name]
        out[name] = vals[index % len(vals)]
        index //= len(vals)
    return dict(reversed(list(out.items())))


def build_grid(design: Design, base: Scenario) -> Grid:
    """Resolve each axis against ``base``; refuse axes the base cannot carry."""
    axes = design.axes
    sel, cons = base.selection, base.consequences
    criteria_ids = [t.id for t in sel.criteria]
    problems: list[str] = []
    if base.redistribution.gain_cap_pct is not None:
        problems.append(
            "design: the base scenario caps gains (redistribution.gain_cap_pct); the "
            "designer's grid does not vary capped redistribution yet"
        )
    if sel.combine == "composite" and (axes.combine or axes.criteria):
        problems.append("design.axes: a composite base scenario cannot vary criteria or combine")
    for subset in axes.criteria or []:
        unknown = [t for t in subset if t not in criteria_ids]
        if unknown:
            problems.append(
                f"design.axes.criteria: {', '.join(unknown)} not among the base scenario's "
                f"criteria ({', '.join(criteria_ids) or 'none'})"
            )
    by_id = {t.id: t for t in sel.tests}
    for test_id in axes.thresholds or {}:
        test = by_id.get(test_id)
        if test is None or test.kind != "rate" or test.mode != "above_threshold":
            problems.append(
                f"design.axes.thresholds.{test_id}: not an above-threshold rate test of the "
                "base scenario"
            )
    if axes.data_month and base_data_month(base) is None:
        problems.append("design.axes.data_month: the base scenario has no tests to move")
    if axes.exemption and True in axes.exemption and sel.exemption is None:
        problems.append("design.axes.exemption: the base scenario has no exemption to apply")
    if problems:
        raise ScenarioError(problems)
    selection_values: dict[str, list[Any]] = {
        "criteria": [list(c) for c in axes.criteria] if axes.criteria else [criteria_ids],
        "combine": list(axes.combine) if axes.combine else [_combine_word(base)],
        "data_month": list(axes.data_month) if axes.data_month else [base_data_month(base)],
        "attribution": list(axes.attribution) if axes.attribution else [None],
    }
    for test_id in sorted(axes.thresholds or {}):
        selection_values[f"threshold:{test_id}"] = list((axes.thresholds or {})[test_id])
    selection_values["exemption"] = (
        list(axes.exemption) if axes.exemption else [sel.exemption is not None]
    )
    money_values: dict[str, list[Any]] = {
        name: list(getattr(axes, name)) if getattr(axes, name) else [getattr(cons, name)]
        for name in MONEY_AXES_ALL
    }
    rules: list[str] = (
        list(axes.redistribution) if axes.redistribution else [base.redistribution.rule]
    )
    grid = Grid(design, base, selection_values, money_values, rules)
    if grid.size > MAX_OPTIONS:
        raise ScenarioError(
            f"design.axes: {grid.size:,} options, more than the {MAX_OPTIONS:,} one design "
            "may hold; split it into several designs"
        )
    return grid


def _combine_word(base: Scenario) -> str:
    sel = base.selection
    return f"at_least_{sel.at_least}" if sel.combine == "at_least" else sel.combine


def _shift_window(window: dict[str, Any], k: int) -> dict[str, Any]:
    return {**window, "end": shift_month(window["end"], k)}


def selection_mapping(grid: Grid, s: int) -> dict[str, Any] | None:
    """The base scenario as a mapping with selection variant ``s`` applied (None:
    the combination contradicts itself, e.g. at least 3 of two tests)."""
    base = grid.base
    setting = grid.selection_setting(s)
    data = base.model_dump(mode="json", exclude_none=True)
    selection = data["selection"]
    keep = set(setting["criteria"]) | set(base.selection.screen)
    tests = [t for t in selection["tests"] if t["id"] in keep]
    before = [{k: v for k, v in t.items() if k != "label"} for t in tests]
    shift = 0
    if setting["data_month"] is not None:
        current = base_data_month(base)
        assert current is not None
        shift = month_index(setting["data_month"]) - month_index(current)
    for test in tests:
        for key in ("window", "before", "after"):
            if key in test and shift:
                test[key] = _shift_window(test[key], shift)
        if setting["attribution"] is not None:
            test["attribution"] = setting["attribution"]
        threshold = setting.get(f"threshold:{test['id']}")
        if threshold is not None:
            test["threshold"] = threshold
    # A label is the base's words for the base's test (its month, its delays, its
    # line): a test the option changes loses it, and reads as what it now measures.
    for test, was in zip(tests, before, strict=True):
        if {k: v for k, v in test.items() if k != "label"} != was:
            test.pop("label", None)
    selection["tests"] = tests
    combine = setting["combine"]
    if combine.startswith("at_least_"):
        k = int(combine.removeprefix("at_least_"))
        if k > len(setting["criteria"]):
            return None
        selection["combine"], selection["at_least"] = "at_least", k
    elif selection.get("combine") != "composite":
        selection["combine"] = combine
        selection.pop("at_least", None)  # counts failed tests only for "at least K"
    weights = selection.get("composite", {}).get("weights")
    if weights:
        selection["composite"]["weights"] = {k: v for k, v in weights.items() if k in keep}
    if "exemption" in selection:
        if not setting["exemption"]:
            del selection["exemption"]
        elif shift:
            ex = selection["exemption"]
            ex["baseline"] = _shift_window(ex["baseline"], shift)
            ex["check"] = _shift_window(ex["check"], shift)
    if (
        data["consequences"].get("graduation") == "margin"
        and data["consequences"].get("margin_test") not in keep
    ):
        return None
    return data


def option_mapping(grid: Grid, index: int) -> dict[str, Any] | None:
    """Option ``index`` as a scenario mapping (None: not a valid option)."""
    s, m, r = grid.split(index)
    data = selection_mapping(grid, s)
    if data is None:
        return None
    money = grid.money_setting(m)
    if money["condition_pct"] + money["reduction_pct"] > 100:
        return None
    cons = data["consequences"]
    for name in MONEY_AXES_ALL:
        if money[name] is None:
            cons.pop(name, None)
        else:
            cons[name] = money[name]
    if cons.get("graduation", "flat") != "margin":
        cons.pop("margin_test", None)  # names a test only for graduation by margin
    data["redistribution"] = {**data.get("redistribution", {}), "rule": grid.rules[r]}
    return data


def option_scenario(
    grid: Grid, index: int, *, context: dict[str, Any] | None = None, name: str | None = None
) -> Scenario:
    """The scenario option ``index`` stands for (validated like a scenario file)."""
    data = option_mapping(grid, index)
    if data is None:
        raise ScenarioError(f"design: option {index} contradicts itself (not an option)")
    data["name"] = name or f"{grid.base.name}: option {index}"
    data["description"] = describe(grid, index)
    data["notes"] = option_notes(grid, index)
    for key in ("reconciliation", "text_for", "model_version", "data_hash", "date"):
        data.pop(key, None)
    return scenario_from_mapping(data, source=f"design option {index}", context=context)


def option_notes(grid: Grid, index: int) -> str:
    """The notes of an option's scenario file: the option in words, every setting, and
    its base named. The base scenario's own notes describe the base (how many councils
    it selects, the share it conditions), which the option may change, so none of them
    is copied."""
    return (
        f"Option {index} of a design over the scenario '{grid.base.name}', written by "
        f"ibcf design: {describe(grid, index, every=True)}. Every setting not named here "
        "is the base scenario's. The base scenario's notes (what it represents, its "
        "sources and assumptions) are in its own file; they describe the base, whose "
        "selection and money this option may change, so they are not repeated here."
    )


def describe(grid: Grid, index: int, *, every: bool = False) -> str:
    """An option in words, from the axes that vary (all of them if none varies, or if
    ``every``): each test by what it measures, each setting in the scenario file's own
    words."""
    setting = grid.setting(index)
    names = (not every and grid.varied()) or list(setting)
    return "; ".join(_setting_words(name, setting[name], _test_words(grid.base)) for name in names)


def _test_words(base: Scenario) -> dict[str, str]:
    """Each test by what it measures (a label of the base scenario would name a month
    and a count of delays the option may change); by its label when two tests measure
    the same thing."""
    kinds = [t.kind for t in base.selection.tests]
    return {
        t.id: TEST_KIND_LABELS[t.kind] if kinds.count(t.kind) == 1 else (t.label or t.id)
        for t in base.selection.tests
    }


def _setting_words(name: str, value: Any, tests: dict[str, str]) -> str:
    if name == "criteria":
        return "criteria " + " + ".join(tests[t] for t in value)
    if name.startswith("threshold:"):
        return f"{LABELS['threshold'].lower()} {value:g} on {tests[name.split(':', 1)[1]]}"
    if value is None:
        return f"{_name_words(name)} as in the base scenario"
    if name == "combine":
        return f"{_name_words(name)} {str(value).replace('_', ' ')}"
    if name == "data_month":
        return f"data of {month_name(str(value))}"
    if name == "attribution":
        return f"{_name_words(name)} {ATTRIBUTION_LABELS[value]}"
    if name == "exemption":
        return "with the exemption" if value else "without the exemption"
    if name == "base":
        return f"{_name_words(name)} the {BASE_LABELS[value]}"
    if name == "redistribution":
        return f"withheld money {RULE_LABELS[value]}"
    if name == "cap_gbp":
        return f"{_name_words(name)} £{value:,}"
    if name.endswith("_pct"):
        return f"{_name_words(name)} {value:g}%"
    return f"{_name_words(name)} {str(value).replace('_', ' ')}"


def _name_words(name: str) -> str:
    label = LABELS.get(name, name.replace("_", " "))
    return label[:1].lower() + label[1:]


def combinations(values: dict[str, list[Any]]) -> itertools.product[tuple[Any, ...]]:
    return itertools.product(*values.values())
