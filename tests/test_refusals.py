"""Inputs a review found accepted (or accepted and then crashing) that are now refused
with a one-line error naming the key: reconciliation facts, graduation and redistribution
contradictions, invisible names and the schema-1 migration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.inputs.data import Dataset
from simulator.schema import edit
from simulator.schema.files import data_context, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
OCTOBER = ROOT / "scenarios" / "october-2017-letter.toml"
NORFOLK = "E10000020"  # one of the 152


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


def fact(code: str, measure: str = "rate", published: str = "9.7") -> str:
    return (
        "name = 'x'\n[reconciliation]\ndocument = 'the letter'\nreason = 'revised data'\n"
        f"[[reconciliation.facts]]\nmeasure = '{measure}'\ngss_code = '{code}'\n"
        f"published = {published}\n"
    )


def councils_fact(published: str) -> str:
    return (
        "name = 'x'\n[reconciliation]\ndocument = 'the letter'\nreason = 'revised data'\n"
        f"[[reconciliation.facts]]\nmeasure = 'councils_selected'\npublished = {published}\n"
    )


def problems(text: str, context: dict[str, Any] | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="f.toml", context=context)
    return caught.value.problems


def refused_by_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[str]:
    """``ibcf validate`` and ``ibcf run`` both exit 2 with one line each, before any
    output is written."""
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["-q", "validate", str(path)]) == 2
    said = capsys.readouterr()
    out = tmp_path / "out"
    assert main(["-q", "run", str(path), "--out", str(out), "--draws", "0"]) == 2
    assert not out.exists()
    lines = []
    for both in (said, capsys.readouterr()):
        text = both.out + both.err
        assert len(text.splitlines()) == 1 and "Traceback" not in text, text
        lines.append(text.strip())
    return lines


# --------------------------------------------------------------------------- item 14
def test_reconciliation_fact_with_unknown_council_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], context: dict[str, Any]
) -> None:
    words = "reconciliation.facts.0.gss_code: E99999999 is not one of the 152 councils"
    assert any(words in p for p in problems(fact("E99999999"), context))
    checked, ran = refused_by_cli(tmp_path, capsys, fact("E99999999"))
    assert checked == f"{tmp_path / 'f.toml'}: {words} of 2017/18 (got 'E99999999')"
    assert ran == f"ibcf: error: {checked}"
    parse_scenario(fact(NORFOLK), context=context)  # a real council still reads


def test_reconciliation_fact_with_non_ascii_digits_is_refused(context: dict[str, Any]) -> None:
    """Arabic-Indic (and other scripts') digits are digits to a Unicode regex, but no
    council's code: refused by the pattern, with or without the data."""
    arabic = "E" + "".join(chr(0x0660 + int(d)) for d in NORFOLK[1:])
    for ctx in (None, context):
        assert any("reconciliation.facts.0.gss_code" in p for p in problems(fact(arabic), ctx))
    include = f"name = 'x'\n[[selection.include]]\ngss_code = '{arabic}'\nreason = 'by hand'\n"
    assert any("selection.include.0.gss_code" in p for p in problems(include))


def test_reconciliation_fact_with_unknown_council_is_refused_by_the_upload(
    context: dict[str, Any], dataset: Dataset
) -> None:
    """The function behind the app's upload: no scenario (so nothing is "Loaded" and
    nothing reaches Undo), one error naming the key."""
    scenario, errors, _ = edit.read_scenario_file(
        "mine.toml", fact("E99999999").encode(), context, dataset.data_hash
    )
    assert scenario is None
    assert errors == [
        "mine.toml: reconciliation.facts.0.gss_code: E99999999 is not one of the 152 "
        "councils of 2017/18 (got 'E99999999')"
    ]


# --------------------------------------------------------------------------- item 19
@pytest.mark.parametrize("published", ["-1", "1e308", "-1e308", "100001.0"])
def test_reconciliation_published_out_of_range_is_refused(published: str) -> None:
    (problem,) = problems(fact(NORFOLK, "patients", published))
    assert problem.startswith("f.toml: reconciliation.facts.0.published: Input should be")


@pytest.mark.parametrize("published", ["153", "32.5"])
def test_reconciliation_councils_selected_beyond_152_or_fractional_is_refused(
    published: str,
) -> None:
    (problem,) = problems(councils_fact(published))
    assert problem.startswith("f.toml: reconciliation.facts.0")
    assert "a count of councils is a whole number from 0 to 152" in problem


def test_reconciliation_councils_selected_of_1_5e9_is_refused() -> None:
    (problem,) = problems(councils_fact("1.5e9"))
    assert "reconciliation.facts.0.published: Input should be less than or equal to 100000" in (
        problem
    )


def test_reconciliation_councils_selected_of_152_is_accepted() -> None:
    assert parse_scenario(councils_fact("152")).reconciliation is not None


def test_margin_test_without_margin_graduation_is_refused() -> None:
    text = (
        "name = 'x'\n[[selection.tests]]\nkind = 'rate'\nid = 't'\nwindow = {end = '2017-07'}\n"
        "[consequences]\ngraduation = 'flat'\nmargin_test = 't'\n"
    )
    (problem,) = problems(text)
    assert "margin_test 't' graduates only with graduation = 'margin' (here 'flat')" in problem


def test_improvers_with_before_after_window_is_refused() -> None:
    text = (
        "name = 'x'\n[redistribution]\nrule = 'improvers'\n"
        "window = {end = '2017-02'}\nbefore = {end = '2017-11'}\n"
    )
    (problem,) = problems(text)
    assert problem.startswith("f.toml: redistribution: rule = 'improvers' compares window")
    assert "before.end (2017-11) is not earlier" in problem
    same = text.replace("2017-11", "2017-02")
    assert "is not earlier" in problems(same)[0]


@pytest.mark.parametrize(
    "name",
    ["\u3164", "\u3164\u3164\u3164", "\u2800\u2800", "\u0301\u0308", " \u0301 \u3164 \u2800 "],
    ids=["hangul-filler", "fillers", "braille-blank", "combining-marks", "mixed"],
)
def test_invisible_names_are_refused(name: str) -> None:
    (problem,) = problems(f'name = "{name}"\n')
    assert "name: must contain a visible character" in problem


@pytest.mark.parametrize("name", ["e\u0301", "\u0627\u0644\u0628\u064a\u062a", "中文", "⠁x"])
def test_names_with_a_visible_character_still_read(name: str) -> None:
    assert parse_scenario(f'name = "{name}"\n').name == name


def test_schema_1_condition_share_true_is_refused_not_100_percent() -> None:
    text = "schema_version = 1\nname = 'x'\n[consequences]\ncondition_share = true\n"
    (problem,) = problems(text)
    assert problem.startswith("f.toml: consequences.condition_share: must be a number")
    assert "bool True" in problem


def test_schema_1_old_and_new_keys_both_given_is_refused() -> None:
    text = (
        "schema_version = 1\nname = 'x'\n[consequences]\n"
        "condition_share = 0.5\ncondition_pct = 20\n"
    )
    (problem,) = problems(text)
    assert problem == (
        "f.toml: consequences: both condition_share (schema 1, a fraction) and condition_pct "
        "(percent) given; keep one"
    )
    one = "schema_version = 1\nname = 'x'\n[consequences]\ncondition_share = 0.25\n"
    assert parse_scenario(one).consequences.condition_pct == 25.0
