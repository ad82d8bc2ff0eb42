"""Fuzzing the scenario parser (any input parses or raises the project's own error)
and the writers (hostile text in a CSV, a workbook, the page or a link stays text)."""

from __future__ import annotations

import calendar
import csv
import json
import re
import string
from io import BytesIO, StringIO

import numpy as np
import openpyxl
import pandas as pd
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import services
from app.text import JOINER, md
from simulator import cells, io
from simulator.cells import one_line
from simulator.errors import DataError, ScenarioError
from simulator.inputs.data import build_dataset
from simulator.reports import excel
from simulator.schema.files import parse_scenario, scenario_from_mapping
from simulator.schema.scenario import Scenario
from tests.strategies import (
    control_text,
    date_like,
    deep_toml,
    examples,
    hostile_text,
    huge_integers,
)

KEYS = [
    "name",
    "selection",
    "consequences",
    "redistribution",
    "projection",
    "expectations",
    "tests",
    "combine",
    "condition_pct",
    "reduction_pct",
    "window",
    "end",
    "months",
    "kind",
    "id",
    "mode",
    "threshold",
    "rule",
    "base",
    "schema_version",
    "at_least",
    "draws",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["2017-07", "rate", "all", "spring_budget", "worst_quartile", "x"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_scenario_error(raw: bytes) -> None:
    try:
        assert isinstance(parse_scenario(raw, source="fuzz.toml"), Scenario)
    except ScenarioError as exc:
        assert all(p.startswith("fuzz.toml: ") for p in exc.problems)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_any_mapping_parses_or_raises_scenario_error(mapping: dict[str, object]) -> None:
    try:
        scenario = scenario_from_mapping(mapping, source="m.toml")
    except ScenarioError as exc:
        assert exc.problems and all(p.startswith("m.toml: ") for p in exc.problems)
        return
    # whatever parses round-trips through TOML unchanged
    assert parse_scenario(scenario.to_toml()) == scenario


@settings(max_examples=examples(100), deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), scalars.filter(lambda v: v is not None), max_size=5))
def test_toml_text_of_random_tables(mapping: dict[str, object]) -> None:
    try:
        text = tomli_w.dumps(mapping)
    except (TypeError, ValueError):
        return
    try:
        parse_scenario(text, source="t.toml")
    except ScenarioError as exc:
        assert all(p.startswith("t.toml: ") for p in exc.problems)


# ---------------------------------------------------------------------- hostile input
def assert_one_line_errors(exc: ScenarioError, source: str) -> None:
    assert exc.problems
    for problem in exc.problems:
        assert problem.startswith(f"{source}: "), problem
        assert len(problem.splitlines()) == 1, problem


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_toml())
def test_deep_nesting_is_refused_with_the_projects_error(text: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="deep.toml")
    assert_one_line_errors(caught.value, "deep.toml")


@settings(max_examples=examples(60), deadline=None)
@given(
    st.sampled_from(["schema_version", "selection.at_least", "consequences.cap_gbp",
                     "projection.seed", "selection.composite.n", "notes"]),
    huge_integers(),
)  # fmt: skip
def test_huge_integers_are_refused_in_text_and_mappings(
    path: str, literal: tuple[str, int]
) -> None:
    *tables, key = path.split(".")
    written, value = literal
    header = f"[{'.'.join(tables)}]\n" if tables else ""
    text = f'name = "huge"\n{header}{key} = {written}\n'
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="huge.toml")
    assert_one_line_errors(caught.value, "huge.toml")
    mapping: dict = {"name": "huge"}
    node = mapping
    for table in tables:
        node = node.setdefault(table, {})
    node[key] = value
    with pytest.raises(ScenarioError) as caught:
        scenario_from_mapping(mapping, source="link")
    assert_one_line_errors(caught.value, "link")


@settings(max_examples=examples(100), deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\x00" not in t))
def test_a_byte_order_mark_never_changes_a_scenario(name: str) -> None:
    text = Scenario(name="x").to_toml().replace('name = "x"', f"name = {json.dumps(name)}")
    try:
        plain = parse_scenario(text.encode(), source="plain.toml")
    except ScenarioError as exc:
        with pytest.raises(ScenarioError) as caught:
            parse_scenario(b"\xef\xbb\xbf" + text.encode(), source="plain.toml")
        assert caught.value.problems == exc.problems
        return
    assert parse_scenario(b"\xef\xbb\xbf" + text.encode(), source="bom.toml") == plain


@settings(max_examples=examples(200), deadline=None)
@given(
    st.sampled_from(["name", "notes", "key", "label", "screen", "test id"]),
    control_text,
)
def test_control_characters_keep_every_error_on_one_line(where: str, text: str) -> None:
    test = {"id": "t", "kind": "rate", "window": {"end": "2017-09"}}
    mapping: dict = {"name": "x", "selection": {"tests": [test]}}
    if where in ("name", "notes"):
        mapping[where] = text
    elif where == "key":
        mapping["selection"][text] = 1
    elif where == "label":
        test["label"] = text
    elif where == "screen":
        mapping["selection"]["screen"] = [text]
    else:
        test["id"] = text
    for source, attempt in (
        ("m.toml", lambda: scenario_from_mapping(mapping, source="m.toml")),
        ("t.toml", lambda: parse_scenario(tomli_w.dumps(mapping), source="t.toml")),
    ):
        try:
            attempt()
        except ScenarioError as exc:
            assert_one_line_errors(exc, source)


def is_calendar_date(text: str) -> bool:
    year, month, day = (int(p) for p in text.split("-"))
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


@settings(max_examples=examples(300), deadline=None)
@given(date_like())
def test_only_calendar_dates_are_accepted(date: str) -> None:
    text = f'name = "dated"\ndate = "{date}"\n'
    if is_calendar_date(date):
        assert parse_scenario(text, source="d.toml").date == date
    else:
        with pytest.raises(ScenarioError, match=r"d\.toml: date: not a calendar date"):
            parse_scenario(text, source="d.toml")


# ---------------------------------------------------------------------- hostile data cells
@pytest.fixture(scope="module")
def raw_tables() -> tuple[dict, dict, str]:
    return io.read_data_tables(io.RAW_DIR, io.RAW_DIR / "no-official-tables-here")


hostile_cells = st.one_of(
    st.sampled_from(["", "-", "0", "-0", "12.5", "1e20", "inf", "-inf", "nan", "NaN", "1,000"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**25), 10**25).map(str),
    control_text,
)
# The cells that carry numbers, codes and periods (free text is free).
EDITABLE = {
    "councils": ["population_18plus", "gss_code", "authority_type"],
    "populations": ["pop_18plus", "pop_65plus", "pop_75plus", "pop_85plus", "pop_all_ages"],
    "dtoc": ["delayed_days_total", "delayed_days_nhs", "delayed_days_social_care",
             "delayed_days_both", "month", "gss_code"],
    "expectation_facts": ["expectation_value", "target_period", "baseline_period", "status"],
    "dtoc_lookup": ["dh_la_code", "gss_code", "region_as_published"],
}  # fmt: skip


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(sorted(EDITABLE)), st.data(), hostile_cells)
def test_any_bad_cell_builds_sound_data_or_names_its_file(
    raw_tables: tuple[dict, dict, str], table: str, data: st.DataObject, cell: str
) -> None:
    raw, official, data_hash = raw_tables
    frame = raw[table].copy()
    row = data.draw(st.integers(0, len(frame) - 1), label="row")
    column = data.draw(st.sampled_from(EDITABLE[table]), label="column")
    frame.iloc[row, frame.columns.get_loc(column)] = cell
    try:
        built = build_dataset({**raw, table: frame}, official, data_hash)
    except DataError as exc:
        for problem in exc.problems:
            assert problem.split(":", 1)[0] in io.RAW_FILES.values(), problem
            assert len(problem.splitlines()) == 1, problem
        return
    # What builds is sound: populations positive, plausible and nested, the edited cell
    # taken at its value (not rounded or wrapped round); whole, finite days.
    people = built.councils[["pop_85plus", "pop_75plus", "pop_65plus", "adults_18plus",
                             "pop_all_ages"]].to_numpy()  # fmt: skip
    assert (people > 0).all() and (people <= 10_000_000).all()
    assert (np.diff(people, axis=1) >= 0).all()
    if table == "populations":
        name = "adults_18plus" if column == "pop_18plus" else column
        council = built.councils.set_index("gss_code").loc[frame["gss_code"].iloc[row]]
        assert council[name] == float(cell.replace(",", ""))
    days = built.dtoc_days[~np.isnan(built.dtoc_days)]
    assert (days >= 0).all() and (days == np.floor(days)).all() and np.isfinite(days).all()


# ---------------------------------------------------------------------- hostile text out
def _frame(header: str, values: list[str]) -> pd.DataFrame:
    """A frame of text cells held as Python objects (pandas' own string type cannot hold
    a lone surrogate, which the writers must still handle)."""
    return pd.DataFrame(
        np.array(values, dtype=object)[:, None],
        columns=pd.Index([header], dtype=object),
        dtype=object,
    )


def _unescaped(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.replace(JOINER, ""))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(hostile_text, min_size=1, max_size=5), hostile_text)
def test_hostile_text_in_a_csv_is_never_a_formula(values: list[str], header: str) -> None:
    frame = _frame(header, values)
    frame["n"] = range(-len(values), 0)
    header_row, *rows = list(csv.reader(StringIO(cells.csv_text(frame), newline="")))
    assert len(rows) == len(values)  # no value broke a row in two
    for cell, value in zip([header_row[0], *(r[0] for r in rows)], [header, *values], strict=True):
        kept = cells.printable(value.replace("\r\n", "\n").replace("\r", "\n"))
        if cells.is_formula_like(kept) or kept.startswith("'"):
            assert cell == "'" + kept
        else:
            assert cell == kept
        assert (cell[1:] if cell.startswith("'") else cell) == kept  # the reader's rule
    assert [int(r[1]) for r in rows] == list(range(-len(values), 0))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_text, min_size=1, max_size=4), hostile_text)
def test_hostile_text_in_a_workbook_is_a_string_cell(values: list[str], header: str) -> None:
    frame = _frame(header, values)
    book = openpyxl.load_workbook(BytesIO(excel.workbook({"Sheet": frame}, ())))
    sheet = book["Sheet"]
    got = [sheet.cell(row=r, column=1) for r in range(1, len(values) + 2)]
    for cell, value in zip(got, [header, *values], strict=True):
        if value == "":
            assert cell.value is None  # an empty text cell is written empty
            continue
        assert cell.data_type == "s"
        # openpyxl reads back "\r" line ends as "\n"; everything else as written
        want = cells.excel_text(value).replace("\r\n", "\n").replace("\r", "\n")
        assert str(cell.value).replace("\r\n", "\n").replace("\r", "\n") == want
        assert bool(cell.quotePrefix) == cells.is_formula_like(str(cell.value))


@settings(max_examples=examples(500), deadline=None)
@given(hostile_text)
def test_hostile_text_is_never_markdown(value: str) -> None:
    shown = md(value)
    assert not re.search(r"[\n\r\u2028\u2029\x85]", shown)  # one line
    # every ASCII punctuation character is escaped, so none can format or link
    i = 0
    while i < len(shown):
        if shown[i] == "\\":
            assert shown[i + 1] in string.punctuation, shown
            i += 2
        else:
            assert shown[i] not in string.punctuation, shown
            i += 1
    assert _unescaped(shown) == one_line(value)


@settings(max_examples=examples(200), deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(["name", "notes", "consequences.cap_gbp"]), hostile_text),
        hostile_text,
        max_size=4,
    )
)
def test_hostile_link_parameters_give_a_scenario_or_plain_problems(
    params: dict[str, str],
) -> None:
    presets = {"status-quo": Scenario(name="Status quo")}
    slug, scenario, _, problems = services.scenario_from_link(
        {"preset": "status-quo", **params}, presets, None, "hash"
    )
    assert slug == "status-quo" and isinstance(scenario, Scenario)
    for line in problems:
        assert "Error" not in line and "object" not in line, line
