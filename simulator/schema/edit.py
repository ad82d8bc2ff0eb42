"""Editing the one Scenario: set a field by its path, add or remove a test, read a file.

The app's editing, as pure functions: every edit goes through the model's own strict
validation (:func:`simulator.schema.files.scenario_from_mapping`), so the app can never
hold a scenario that a scenario file could not. A path names a field the way the
scenario file does, with list positions as numbers: ``selection.tests.2.window.end``.
"""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError
from simulator.schema.calendar import shift_month
from simulator.schema.files import (
    parse_scenario,
    scenario_from_mapping,
    staleness,
)
from simulator.schema.labels import LABELS
from simulator.schema.scenario import Scenario

# What the model may raise on input its validation should have refused (or on a
# scenario it accepted but cannot compute): caught at the app's doors and said in one
# plain line, never shown as a Python error.
MODEL_FAILURES = (
    ArithmeticError,
    AttributeError,
    LookupError,
    RecursionError,
    TypeError,
    ValueError,
)
UNREADABLE = "cannot be read as a scenario (its shape is not that of a scenario file)"
EDITED = " (edited)"
METADATA = ("name", "description", "author", "date", "notes", "text_for")
TEXT = ("description", "notes")
# New tests start on the months of the December 2017 review.
NEW_TEST_DEFAULTS: dict[str, dict[str, Any]] = {
    "rate": {"kind": "rate", "window": {"end": "2017-11"}, "mode": "worst_quartile"},
    "gap": {"kind": "gap", "window": {"end": "2017-11"}, "mode": "above_expectation"},
    "trend": {
        "kind": "trend",
        "before": {"end": "2017-02"},
        "after": {"end": "2017-11"},
        "mode": "worse",
    },
}


def as_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the mapping a scenario file holds (no ``None`` values)."""
    return scenario.model_dump(mode="json", exclude_none=True)


def split_path(path: str) -> list[str | int]:
    """``"selection.tests.2.id"`` -> ``["selection", "tests", 2, "id"]``.

    >>> split_path("selection.tests.2.window.end")
    ['selection', 'tests', 2, 'window', 'end']
    """
    return [int(p) if p.isdecimal() else p for p in path.split(".")]


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` (``None`` when absent).

    >>> get_path({"a": [{"b": 1}]}, "a.0.b"), get_path({"a": {}}, "a.c")
    (1, None)
    """
    node = data
    for part in split_path(path):
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)  # None when absent
        else:
            return None
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` set to ``value`` (``None`` removes the key).

    >>> set_path({"a": {"b": 1}}, "a.b", 2), set_path({"a": {"b": 1}}, "a.b", None)
    ({'a': {'b': 2}}, {'a': {}})

    A path through a value that is not a table or a list is an error that says so:

    >>> set_path({"a": {"b": 1.5}}, "a.b.c", 2)
    Traceback (most recent call last):
    ...
    simulator.errors.ScenarioError: a.b.c: a.b is a value (1.5), not a table
    """
    out = copy.deepcopy(data)
    parts = split_path(path)
    node: Any = out
    for k, (part, nxt) in enumerate(itertools.pairwise(parts)):
        if not isinstance(node, dict | list):
            where = _prefix(parts, k)
            raise ScenarioError(f"{path}: {where} is a value ({_short(node)}), not a table")
        if isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                raise ScenarioError(f"{path}: no list position {part}")
            node = node[part]
            continue
        if part not in node or node[part] is None:
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    last = parts[-1]
    if not isinstance(node, dict | list):
        raise ScenarioError(
            f"{path}: {_prefix(parts, len(parts) - 1)} is a value ({_short(node)}), not a table"
        )
    if isinstance(node, list):
        if not isinstance(last, int) or last >= len(node):
            raise ScenarioError(f"{path}: no list position {last}")
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value
    return out


def _prefix(parts: list[str | int], k: int) -> str:
    return ".".join(str(p) for p in parts[:k])


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def edited_name(name: str) -> str:
    """Mark a scenario as changed from what was loaded, once.

    >>> edited_name("October 2017 letter"), edited_name("October 2017 letter (edited)")
    ('October 2017 letter (edited)', 'October 2017 letter (edited)')
    """
    if name.endswith(EDITED):
        return name
    return name[: 120 - len(EDITED)] + EDITED


def validate(
    data: dict[str, Any], context: dict[str, Any] | None, source: str = "sidebar"
) -> Scenario:
    """The model's validation, raising only :class:`ScenarioError` whatever it meets."""
    try:
        return scenario_from_mapping(data, source=source, context=context)
    except ScenarioError:
        raise
    except MODEL_FAILURES:
        raise ScenarioError(f"{source}: {UNREADABLE}") from None


def with_changes(
    scenario: Scenario, changes: dict[str, Any], context: dict[str, Any] | None
) -> Scenario:
    """A new scenario with each ``path: value`` applied, validated as a whole.

    Raises :class:`ScenarioError` (naming the key path) if the result is invalid;
    the scenario passed in is never changed.
    """
    data = as_dict(scenario)
    for path, value in changes.items():
        data = set_path(data, path, value)
    for index in changed_tests(changes):
        data["selection"]["tests"][index]["label"] = ""
    if changes.get("redistribution.rule") == "retain":
        # Nothing is given away under "retain", so a cap on gains would contradict it.
        data.get("redistribution", {}).pop("gain_cap_pct", None)
    if any(not path.startswith(METADATA) for path in changes):
        data["name"] = edited_name(data["name"])
    new = validate(data, context)
    # Written again only when every text the option has was rewritten: a description
    # generated from the option leaves the analyst's notes to be confirmed.
    rewritten = any(p in TEXT for p in changes) and all(
        p in changes for p in TEXT if getattr(new, p)
    )
    return mark_text(scenario, new, rewritten=rewritten)


def mark_text(old: Scenario, new: Scenario, *, rewritten: bool = False) -> Scenario:
    """Keep the record of which option the description and notes were written for: the
    option as it was before its first edit (so an edit marks them stale, and undoing it
    clears the mark), or the option as it is when they are rewritten or confirmed (its
    own hash, which a link carries, so whoever opens it sees the words confirmed too)."""
    if rewritten:
        return confirm_text(new)
    written = new.text_for is None and bool(old.description or old.notes)
    if written and new.content_hash() != old.content_hash():
        return new.model_copy(update={"text_for": old.content_hash()})
    return new


def confirm_text(scenario: Scenario) -> Scenario:
    """The scenario with its description and notes confirmed for the option as it is."""
    return scenario.model_copy(update={"text_for": scenario.content_hash()})


def changed_tests(changes: dict[str, Any]) -> set[int]:
    """Tests whose rule an edit changes: their written labels may no longer be true, so
    they are blanked and the model generates one from the test.

    >>> sorted(changed_tests({"selection.tests.1.window.end": "2017-11",
    ...                       "selection.tests.0.label": "Mine", "name": "x"}))
    [1]
    """
    out = set()
    for path in changes:
        parts = split_path(path)
        if parts[:2] == ["selection", "tests"] and len(parts) > 3 and parts[3] != "label":
            out.add(int(parts[2]))
    return out


def with_value(
    scenario: Scenario, path: str, value: Any, context: dict[str, Any] | None
) -> Scenario:
    return with_changes(scenario, {path: value}, context)


def new_test_id(scenario: Scenario, kind: str) -> str:
    """A test id not yet used: ``rate_2``, ``gap_3`` ...

    >>> from simulator.schema.scenario import Scenario
    >>> new_test_id(Scenario(name="x"), "rate")
    'rate_1'
    """
    used = {t.id for t in scenario.selection.tests}
    k = 1
    while f"{kind}_{k}" in used:
        k += 1
    return f"{kind}_{k}"


def add_test(scenario: Scenario, kind: str, context: dict[str, Any] | None) -> Scenario:
    """Append a test of ``kind`` with the December 2017 months as defaults."""
    data = as_dict(scenario)
    test = {"id": new_test_id(scenario, kind), **copy.deepcopy(NEW_TEST_DEFAULTS[kind])}
    test["label"] = f"New {kind} test"
    data.setdefault("selection", {}).setdefault("tests", []).append(test)
    data["name"] = edited_name(data["name"])
    return validate(data, context)


def remove_test(scenario: Scenario, index: int, context: dict[str, Any] | None) -> Scenario:
    """Drop a test and every reference to it (screen, weights, margin graduation)."""
    data = as_dict(scenario)
    sel = data["selection"]
    gone = sel["tests"].pop(index)["id"]
    sel["screen"] = [t for t in sel.get("screen", []) if t != gone]
    if sel.get("screen_at_least", 0) >= len(sel["screen"]):
        sel.pop("screen_at_least", None)  # "all" of what is left
    weights = sel.get("composite", {}).get("weights", {})
    weights.pop(gone, None)
    criteria = [t for t in sel["tests"] if t["id"] not in sel["screen"]]
    if sel.get("combine") == "at_least":
        sel["at_least"] = max(1, min(sel.get("at_least", 1), len(criteria) or 1))
        if not criteria:
            sel["combine"] = "all"
    cons = data.get("consequences", {})
    if cons.get("margin_test") == gone:
        cons.pop("margin_test")
        cons["graduation"] = "flat"
    data["name"] = edited_name(data["name"])
    return validate(data, context)


def set_screen(
    scenario: Scenario, test_id: str, screen: bool, context: dict[str, Any] | None
) -> Scenario:
    """Make a test a screening test (must fail to be considered) or a criterion."""
    ids = [t.id for t in scenario.selection.tests]
    current = [i for i in scenario.selection.screen if i != test_id]
    if screen:
        current.append(test_id)
    ordered = [i for i in ids if i in current]
    changes: dict[str, Any] = {"selection.screen": ordered}
    k = scenario.selection.screen_at_least
    if k is not None and k >= len(ordered):
        changes["selection.screen_at_least"] = None  # "all" of what is left
    criteria = [i for i in ids if i not in ordered]
    if scenario.selection.combine == "at_least":
        changes["selection.at_least"] = max(1, min(scenario.selection.at_least, len(criteria)))
    weights = {k: v for k, v in scenario.selection.composite.weights.items() if k in criteria}
    if weights != scenario.selection.composite.weights:
        changes["selection.composite.weights"] = weights
    return with_changes(scenario, changes, context)


# ---------------------------------------------------------------------- months
def shift_test_months(scenario: Scenario, k: int, context: dict[str, Any] | None) -> Scenario:
    """The same scenario with every window it reads (tests, exemption, release,
    redistribution) moved by ``k`` months: "what if the review had used one more
    month of data".

    Raises :class:`ScenarioError` when a moved window has no data.
    """

    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (shift_month(v, k) if key == "end" and isinstance(v, str) else move(v))
                for key, v in node.items()
            }
        if isinstance(node, list):
            return [move(v) for v in node]
        return node

    data = as_dict(scenario)
    data["selection"] = move(data.get("selection", {}))
    for test in data["selection"].get("tests", []):
        test["label"] = ""  # written labels name the old months
    release = data.get("consequences", {}).get("release")
    if release is not None:
        data["consequences"]["release"] = move(release)
    if "redistribution" in data:
        data["redistribution"] = move(data["redistribution"])
    data["name"] = f"{scenario.name}, test months {k:+d}"[:120]
    return validate(data, context, source=f"months {k:+d}")


# ---------------------------------------------------------------------- files
def read_scenario_file(
    name: str, raw: bytes, context: dict[str, Any] | None, data_hash: str | None
) -> tuple[Scenario | None, list[str], list[str]]:
    """Validate an uploaded scenario file.

    Returns ``(scenario, errors, warnings)``: ``scenario`` is ``None`` whenever
    ``errors`` is not empty, so the caller keeps the scenario it had. Warnings say
    when the file was saved with other data or another model version.
    """
    source = Path(name or "upload").name
    if not source.lower().endswith(".toml"):
        return None, [f"{source}: not a .toml scenario file (use Download scenario to get one)"], []
    try:
        scenario = parse_scenario(raw, source=source, context=context)
    except ScenarioError as exc:
        return None, list(exc.problems), []
    except RecursionError:
        return None, [f"{source}: nested too deeply to read as a scenario file"], []
    except MODEL_FAILURES:
        return None, [f"{source}: {UNREADABLE}"], []
    return scenario, [], [f"{source}: {m}" for m in staleness(scenario, data_hash)]


_PATH = re.compile(r"^(?P<path>[a-z_][a-z0-9_.]*): (?P<reason>.*)$", re.S)
_SUM = re.compile(r"condition_pct \+ reduction_pct = (?P<now>[\d.]+)%")
_PART_WORDS = {
    "end": "last month",
    "months": "months averaged",
    "window": "window",
    "before": "earlier window",
    "after": "later window",
    "baseline": "from",
    "check": "to",
}


def _field_words(path: str) -> str:
    parts = path.split(".")
    test = ""
    if len(parts) > 2 and parts[0] == "selection" and parts[1] == "tests" and parts[2].isdecimal():
        test = f"Test {int(parts[2]) + 1}"
        parts = parts[3:]
    words = []
    for part in parts:
        if part.isdecimal():
            continue
        if part in _PART_WORDS:
            words.append(_PART_WORDS[part])
        elif part in LABELS:
            words.append(LABELS[part])
    if not words:
        words = [parts[-1].replace("_", " ")] if parts else []
    text = ", ".join(words)
    text = text[:1].upper() + text[1:]
    return f"{test}: {text.lower()}" if test and text else (test or text)


def for_people(problem: str) -> str:
    """A scenario problem as a sentence a user can act on (the widget's words, not the
    file's key path).

    >>> for_people("sidebar: consequences: condition_pct + reduction_pct = 113%, more "
    ...     "than 100% of the base")
    'Condition and reduction together cannot exceed 100% of the base: now 113%.'
    >>> for_people("sidebar: consequences.cap_pct: Input should be greater than or equal "
    ...     "to 0 (got -3.0)")
    'Cap per council: must be at least 0 (got -3.0).'
    >>> for_people("sidebar: selection.tests.0.window.months: Input should be less than "
    ...     "or equal to 24 (got 30)")
    'Test 1: window, months averaged: must be at most 24 (got 30).'
    """
    text = problem
    for prefix in ("sidebar: ", "link: "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if m := _SUM.search(text):
        return (
            "Condition and reduction together cannot exceed 100% of the base: "
            f"now {float(m['now']):g}%."
        )
    reason = text
    where = ""
    if m := _PATH.match(text):
        where, reason = _field_words(m["path"]), m["reason"]
    reason = (
        reason.replace("Input should be greater than or equal to", "must be at least")
        .replace("Input should be less than or equal to", "must be at most")
        .replace("Input should be greater than", "must be more than")
        .replace("Input should be less than", "must be less than")
        .replace("Input should be", "must be")
    )
    reason = reason.rstrip(".") + "."
    return f"{where}: {reason}" if where else reason[:1].upper() + reason[1:]
