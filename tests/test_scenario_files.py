"""Scenario files: the shipped ones parse; one broken file per failure mode, each with
the words its error must contain (the file name, the key path and the reason);
migration of old files; save and load round trips, no silent overwrite, stale warnings.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from simulator import MODEL_VERSION
from simulator.errors import ScenarioError
from simulator.inputs.data import Dataset
from simulator.io import SCENARIO_DIR
from simulator.schema.files import (
    MAX_SCENARIO_BYTES,
    data_context,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_from_mapping,
)
from simulator.schema.scenario import SCHEMA_VERSION, Scenario

FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"
BAD = FIXTURES / "bad"
SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))

# File -> the words its ScenarioError must contain, besides the file name.
# TOML syntax errors (garbage, duplicate keys) come from the TOML parser, which gives a
# line and column rather than a key path.
EXPECTED: dict[str, list[str]] = {
    "garbage.toml": ["not valid TOML", "line 1"],
    "garbage_bytes.toml": ["not UTF-8 text", "save the file as UTF-8"],
    "binary_nul.toml": ["binary content (NUL byte)"],
    "empty.toml": ["empty file"],
    "blank_lines.toml": ["empty file"],
    "not_utf8.toml": ["not UTF-8 text (byte 30)"],
    "unknown_key.toml": ["consequences.conditon_pct: unknown key"],
    "unknown_top_level_key.toml": ["nmae: unknown key"],
    "duplicate_key.toml": ["not valid TOML", "Cannot overwrite a value", "line 3"],
    "wrong_type.toml": ["consequences.condition_pct: Input should be a valid number", "'33'"],
    "wrong_type_bool.toml": ["selection.at_least: Input should be a valid integer"],
    "out_of_range.toml": ["consequences.condition_pct: Input should be less than or equal to 100"],
    "negative_cap.toml": ["consequences.cap_gbp: Input should be greater than or equal to 0"],
    "nan.toml": ["consequences.reduction_pct: not a finite number (nan)"],
    "inf.toml": ["selection.tests.0.threshold: not a finite number (inf)"],
    "shares_over_100.toml": ["consequences: condition_pct + reduction_pct = 110%"],
    "month_without_data.toml": [
        "selection.tests.0.window: no DToC data for 2019-01",
        "data run 2011-04 to 2018-03",
    ],
    "window_before_data.toml": [
        "selection.tests.0.window: a 3-month window ending 2011-05 starts before the data"
    ],
    "not_a_month.toml": ["selection.tests.0.window.end: String should match pattern", "2017-13"],
    "unknown_gss_code.toml": [
        "selection.include.0.gss_code: E06000999 is not one of the 152 councils"
    ],
    "unknown_screen_test.toml": ["selection: screen names unknown test(s): nope"],
    "future_schema_version.toml": ["schema_version: 99 is newer than this simulator reads"],
    "schema_version_string.toml": ["schema_version: must be an integer"],
    "schema_version_zero.toml": ["schema_version: must be 1 or more"],
    "margin_without_test.toml": ["consequences: graduation = 'margin' needs margin_test"],
    "margin_test_unknown.toml": ["consequences.margin_test 'nope' is not a test id"],
    "margin_range_backwards.toml": ["consequences: margin_to must be greater than margin_from"],
    "duplicate_test_id.toml": ["selection: test ids must be unique: t"],
    "at_least_too_many.toml": ["selection: at_least = 3 but only 1 test(s) to combine"],
    "screen_at_least_too_many.toml": [
        "selection: screen_at_least = 2 but only 1 screening test(s)"
    ],
    "trend_backwards.toml": ["selection.tests.0", "after.end must be later than before.end"],
    "unknown_test_kind.toml": ["selection.tests.0: Input tag 'ratio'", "'rate', 'gap', 'trend'"],
    "missing_name.toml": ["name: required key missing"],
    "missing_window.toml": ["selection.tests.0.window: required key missing"],
    "include_and_exclude.toml": ["selection: council(s) both included and excluded: E06000051"],
    "composite_weight_unknown.toml": ["selection: composite.weights names unknown test(s): nope"],
    "unknown_attribution.toml": ["selection.tests.0.attribution: Input should be", "'social'"],
    "date_format.toml": ["date: String should match pattern", "18/12/2017"],
    "unknown_redistribution_rule.toml": ["redistribution.rule: Input should be", "to_everyone"],
    # ---- bounds, nesting, contradictions and one-line messages
    "cap_gbp_too_large.toml": ["consequences.cap_gbp: integer out of range (more than 2^63)"],
    "cap_gbp_above_national_total.toml": [
        "consequences.cap_gbp: Input should be less than or equal to 1499000000"
    ],
    "deep_dotted_key.toml": ["selection.selection", "nested more than 16 levels deep"],
    "deep_array.toml": ["nested", "not a scenario file"],
    "huge_integer.toml": ["at_least: integer of more than 4,300 digits (line 4)"],
    "old_format_consequences_number.toml": [
        "consequences: Input should be a valid dictionary",
        "(got 5)",
    ],
    "composite_weights_zero.toml": ["selection: composite.weights are all zero"],
    "composite_weight_negative.toml": [
        "selection.composite.weights.a: Input should be greater than or equal to 0",
        "(got -1.0)",
    ],
    "composite_weight_huge.toml": [
        "selection.composite.weights.a: Input should be less than or equal to 1000"
    ],
    "impossible_date.toml": ["date: not a calendar date", "2017-99-99"],
    "blank_name.toml": ["name: must contain a visible character"],
    "zero_width_name.toml": ["name: must contain a visible character", "\\u200b"],
    "include_twice.toml": ["selection: include lists council(s) more than once: E06000051"],
    "check_before_baseline.toml": [
        "selection.exemption: check.end (2017-02) must be later than baseline.end (2017-09)"
    ],
    "gain_cap_with_retain.toml": [
        "redistribution: gain_cap_pct caps what councils receive, but rule = 'retain'"
    ],
    "newline_in_key.toml": ["x\\nforged.toml: name: all is well: unknown key"],
    "duplicate_key_after_line_separator.toml": ["name: duplicate key (line 4)"],
    "expectations_string_number.toml": [
        "expectations.baseline_months: Input should be a valid integer",
        "'2'",
    ],
    "expectations_bool_number.toml": [
        "expectations.social_care_cut_pct: Input should be a valid number",
        "True",
    ],
    "projection_draws_string.toml": ["projection.draws: Input should be a valid integer", "'50'"],
    "projection_seed_float.toml": ["projection.seed: Input should be a valid integer", "1.5"],
    "projection_cost_string.toml": [
        "projection.excess_bed_day_cost_gbp: Input should be a valid number",
        "'100'",
    ],
    "projection_retired_key.toml": [
        "projection.unit_cost_gbp_per_day: retired in 0.3.0",
        "evidence_set",
    ],
    "projection_unknown_evidence.toml": ["projection.evidence_set: Input should be", "'medium'"],
    "projection_retired_high_evidence.toml": [
        "projection.evidence_set: 'high'",
        "removed in 0.3.0",
        "Forder",
        "Use 'fit_2017_18'",
    ],
}


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict:
    return data_context(dataset.months, list(dataset.codes))


# --------------------------------------------------------------------------- shipped
def test_the_five_scenarios_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {
        "status-quo",
        "october-2017-letter",
        "december-2017-five-tests",
        "reduce-and-redistribute",
        "graduated",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_parses_with_its_metadata(path: Path, context: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario = load_scenario(path, context=context)
    assert scenario.schema_version == SCHEMA_VERSION
    assert scenario.name
    assert scenario.description
    assert scenario.author
    assert scenario.date
    assert "Represents" in scenario.notes or "Baseline" in scenario.notes


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_round_trips(path: Path, context: dict) -> None:
    scenario = load_scenario(path, context=context)
    again = parse_scenario(scenario.to_toml(), source="again.toml", context=context)
    assert again == scenario
    assert again.content_hash() == scenario.content_hash()


# --------------------------------------------------------------------------- broken files
def test_every_broken_file_has_expected_words() -> None:
    on_disk = {p.name for p in BAD.glob("*.toml")}
    assert on_disk == set(EXPECTED), "add the new file's expected words to EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_error_names_file_and_key(name: str, context: dict) -> None:
    path = BAD / name
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, context=context)
    message = str(caught.value)
    # Each problem reads FILE: key.path: reason (the command line prints these lines),
    # on one line whatever the input holds.
    for line in caught.value.problems:
        assert line.startswith(f"{path}: "), line
        assert len(line.splitlines()) == 1, line
    assert name in message
    for words in EXPECTED[name]:
        assert words in message, f"{words!r} not in {message!r}"


def test_projection_negative_zero_is_normalised(context: dict) -> None:
    a = parse_scenario('name = "x"\n[projection]\nincentive_effect_pct = -0.0\n', source="a.toml")
    b = parse_scenario('name = "x"\n[projection]\nincentive_effect_pct = 0.0\n', source="b.toml")
    assert str(a.projection.incentive_effect_pct) == "0.0"
    assert a.content_hash() == b.content_hash()


def test_too_large_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text('name = "big"\nnotes = """' + "x" * MAX_SCENARIO_BYTES + '"""\n')
    with pytest.raises(ScenarioError, match=r"huge\.toml: .*(larger than|limit)"):
        load_scenario(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nowhere\.toml: no such file"):
        load_scenario(tmp_path / "nowhere.toml")


def test_month_check_needs_the_data_context() -> None:
    """Without the data's months a well-formed month is accepted; with them, it is not."""
    text = (BAD / "month_without_data.toml").read_text()
    assert parse_scenario(text, source="x.toml").selection.tests[0].window.end == "2019-01"


# --------------------------------------------------------------------------- migration
def test_schema_version_1_is_migrated(context: dict) -> None:
    scenario = load_scenario(FIXTURES / "old" / "v1_condition_share.toml", context=context)
    assert scenario.schema_version == SCHEMA_VERSION
    # Version 1 gave fractions (0.33, 0.05); version 2 gives percent.
    assert scenario.consequences.condition_pct == pytest.approx(33.0)
    assert scenario.consequences.reduction_pct == pytest.approx(5.0)
    assert "condition_share" not in scenario.to_toml()


def test_schema_version_2_without_a_rule_keeps_retaining(context: dict) -> None:
    """Version 2 retained withheld money when a file named no rule; the migration keeps
    that meaning, and a version 3 file with no [redistribution] keeps the money local."""
    text = (FIXTURES / "old" / "v1_condition_share.toml").read_text()
    v1 = parse_scenario(text, source="v1.toml")
    assert v1.redistribution.rule == "retain"
    assert v1.schema_version == SCHEMA_VERSION == 3
    assert 'rule = "retain"' in v1.to_toml(), "saved again, the rule is explicit"
    kept = parse_scenario(
        text.replace("schema_version = 1", "schema_version = 2")
        .replace("condition_share = 0.33", "")
        .replace("reduction_share = 0.05", "reduction_pct = 5.0")
        + "\n[redistribution]\ngain_cap_pct = 10.0\n",
        source="old.toml",
    )
    # The gain cap did nothing while the money was retained: dropped, not an error.
    assert (kept.redistribution.rule, kept.redistribution.gain_cap_pct) == ("retain", None)
    new = parse_scenario('schema_version = 3\nname = "n"\n', source="new.toml")
    assert new.redistribution.rule == "pro_rata_all"


def test_schema_version_2_does_not_accept_the_old_names() -> None:
    text = (FIXTURES / "old" / "v1_condition_share.toml").read_text()
    text = text.replace("schema_version = 1", "schema_version = 2")
    with pytest.raises(ScenarioError, match=r"consequences\.condition_share: unknown key"):
        parse_scenario(text, source="v2.toml")


# --------------------------------------------------------------------------- save and load
def example() -> Scenario:
    return parse_scenario((SCENARIO_DIR / "graduated.toml").read_bytes(), source="graduated")


def test_save_then_load_is_equal(tmp_path: Path) -> None:
    scenario = example()
    path = tmp_path / "saved.toml"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario
    assert [p.name for p in tmp_path.iterdir()] == ["saved.toml"], "no temporary file left"


def test_saved_file_lists_only_what_differs_from_the_defaults() -> None:
    text = parse_scenario('name = "Mine"\nnotes = """line one\nline two"""\n').to_toml()
    assert text.splitlines()[:2] == ["schema_version = 3", 'name = "Mine"']
    assert "[consequences]" not in text, "untouched sections are left out"
    assert 'notes = """' in text, "multi-line notes stay readable"


def test_negative_zero_is_stored_as_zero() -> None:
    plain = parse_scenario('name = "z"\n[consequences]\nreduction_pct = 0.0\n')
    signed = parse_scenario('name = "z"\n[consequences]\nreduction_pct = -0.0\n')
    assert "-0.0" not in signed.to_toml()
    assert signed.content_hash() == plain.content_hash()


def test_save_never_overwrites_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("# someone's own file\n")
    with pytest.raises(FileExistsError):
        save_scenario(example(), path)
    assert path.read_text() == "# someone's own file\n"
    save_scenario(example(), path, overwrite=True)
    assert load_scenario(path) == example()


def test_stamped_scenario_records_model_and_data(tmp_path: Path) -> None:
    stamped = example().stamped("abc123")
    assert stamped.model_version == MODEL_VERSION
    assert stamped.data_hash == "abc123"
    # Metadata does not change what the scenario computes.
    assert stamped.content_hash() == example().content_hash()
    path = tmp_path / "stamped.toml"
    save_scenario(stamped, path)
    text = path.read_text()
    assert 'data_hash = "abc123"' in text
    assert f'model_version = "{MODEL_VERSION}"' in text


def test_load_warns_when_the_data_changed(tmp_path: Path) -> None:
    path = tmp_path / "old-data.toml"
    save_scenario(example().stamped("abc123"), path)
    with pytest.warns(UserWarning, match="saved with data abc123, now def456"):
        load_scenario(path, data_hash="def456")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenario(path, data_hash="abc123")


def test_load_warns_when_the_model_changed(tmp_path: Path) -> None:
    path = tmp_path / "old-model.toml"
    scenario = example().model_copy(update={"model_version": "0.0.1", "data_hash": "abc123"})
    save_scenario(scenario, path)
    with pytest.warns(UserWarning, match=f"saved with model 0.0.1, now {MODEL_VERSION}"):
        load_scenario(path, data_hash="abc123")


# --------------------------------------------------------------------------- hostile text
def test_a_utf8_byte_order_mark_is_accepted() -> None:
    """Notepad saves UTF-8 with a byte-order mark; the scenario reads the same."""
    plain = parse_scenario(b'name = "Mine"\n', source="plain.toml")
    assert parse_scenario(b'\xef\xbb\xbfname = "Mine"\n', source="bom.toml") == plain
    assert parse_scenario('\ufeffname = "Mine"\n', source="bom.toml") == plain


def test_a_newline_in_input_cannot_forge_a_second_error_line() -> None:
    text = 'name = "x"\n[selection]\nscreen = ["a\\nx.toml: name: fine"]\n'
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="s.toml")
    assert caught.value.problems == [
        "s.toml: selection: screen names unknown test(s): a\\nx.toml: name: fine"
    ]
    assert len(str(caught.value).splitlines()) == 1


def test_expectations_negative_zero_is_stored_as_zero() -> None:
    plain = parse_scenario('name = "z"\n[expectations]\nsocial_care_cut_pct = 0.0\n')
    signed = parse_scenario('name = "z"\n[expectations]\nsocial_care_cut_pct = -0.0\n')
    assert "-0.0" not in signed.to_toml()
    assert signed.content_hash() == plain.content_hash()


def test_a_mapping_nested_without_end_is_refused_without_recursion() -> None:
    """The link and the app hand mappings straight to validation: 5,000 levels deep
    is refused with the project's error, not a RecursionError."""
    deep: dict = {}
    inner = deep
    for _ in range(5000):
        inner["selection"] = {}
        inner = inner["selection"]
    with pytest.raises(ScenarioError, match="nested more than 16 levels deep"):
        scenario_from_mapping({"name": "x", "notes": deep}, source="link")
    with pytest.raises(ScenarioError, match=r"link: consequences\.cap_gbp: integer out of range"):
        scenario_from_mapping({"name": "x", "consequences": {"cap_gbp": 10**5000}}, source="link")


def test_a_stale_warning_is_one_line_whatever_the_file_says(tmp_path: Path) -> None:
    """The saved model version is the file's own text: a newline in it cannot forge a
    second log line."""
    path = tmp_path / "forged.toml"
    path.write_text('name = "x"\nmodel_version = "0.0.1\\nibcf: all is well"\n')
    with pytest.warns(UserWarning) as caught:
        load_scenario(path)
    (message,) = [str(w.message) for w in caught]
    assert message == (
        f"{path}: saved with model 0.0.1\\nibcf: all is well, now {MODEL_VERSION}: "
        "results may differ"
    )
