"""Golden runs of every shipped scenario against committed outputs (see tests/golden.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from simulator.inputs.data import Dataset
from tests import golden

SHIPPED = golden.shipped_scenarios()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_matches_golden(path: Path, dataset: Dataset) -> None:
    table, summary = golden.golden_outputs(path, dataset)
    problems = golden.differences(path.stem, table, summary)
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_projection_matches_golden(path: Path, dataset: Dataset) -> None:
    problems = golden.projection_differences(path.stem, golden.golden_projection(path, dataset))
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


def test_projection_goldens_name_their_evidence_and_no_model_version() -> None:
    for path in SHIPPED:
        text = (golden.PROJECTION_DIR / f"{path.stem}.json").read_text(encoding="utf-8")
        assert '"evidence_set"' in text and "model_version" not in text
        assert '"cash_releasing"' in text and '"notional"' in text


def test_projection_goldens_are_what_they_say() -> None:
    """Every shipped scenario's projection: twelve months, ordered bands, a probability,
    its seed, and no model version."""
    for path in SHIPPED:
        text = (golden.PROJECTION_DIR / f"{path.stem}.json").read_text(encoding="utf-8")
        assert "model_version" not in text
        projection = json.loads(text)
        assert all(len(v) == 12 for v in projection["national_path"].values())
        bands = projection["beds_freed"]
        assert bands["p10"] <= bands["p50"] <= bands["p90"]
        assert 0 <= projection["probability_ambition_met"] <= 1
        assert projection["seed"] == 20180401


def test_a_changed_projection_is_reported(dataset: Dataset) -> None:
    path = SHIPPED[-1]
    fresh = golden.golden_projection(path, dataset)
    assert golden.projection_differences(path.stem, fresh) == []
    path_p50 = [*fresh["national_path"]["p50"]]
    path_p50[5] += 0.0001
    moved = {**fresh, "national_path": {**fresh["national_path"], "p50": path_p50}}
    moved["nhs_value_gbp"] = {
        **fresh["nhs_value_gbp"],
        "notional": fresh["nhs_value_gbp"]["notional"] + 1,
    }
    problems = golden.projection_differences(path.stem, moved)
    assert any("nhs_value_gbp" in p for p in problems)
    assert any("national_path" in p for p in problems)


def test_generated_files_match_their_committed_copies() -> None:
    """The assumptions register and the generated docs, regenerated, are what is committed."""
    problems = golden.generated_differences()
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


def test_update_generated_rewrites_only_what_changed(tmp_path: Path, monkeypatch) -> None:
    files = {tmp_path / "a.md": lambda: "fresh\n", tmp_path / "sub" / "b.csv": lambda: "x\n"}
    monkeypatch.setattr(golden, "generated_files", lambda: files)
    monkeypatch.setattr(golden, "ROOT", tmp_path)
    (tmp_path / "a.md").write_text("stale\n")
    assert golden.generated_differences() == [
        "a.md: differs from what generates it",
        f"{Path('sub') / 'b.csv'}: differs from what generates it",
    ]
    assert sorted(golden.update_generated()) == sorted(files)
    assert (tmp_path / "a.md").read_text() == "fresh\n"
    assert golden.update_generated() == [] and golden.generated_differences() == []


def test_no_golden_file_without_a_shipped_scenario() -> None:
    names = {p.stem for p in SHIPPED}
    files = [*golden.GOLDEN_DIR.iterdir(), *golden.PROJECTION_DIR.iterdir()]
    stale = [f"{p.parent.name}/{p.name}" for p in files if p.stem not in names]
    assert not stale, f"golden files for scenarios no longer shipped: {stale}. " + (
        golden.UPDATE_HINT
    )


def test_golden_files_are_what_they_say(dataset: Dataset) -> None:
    """152 councils, the key columns, whole pounds, the ledger balanced in every run."""
    for path in SHIPPED:
        table, summary = golden.read_golden(path.stem)
        assert list(table.columns) == golden.KEY_COLUMNS
        assert len(table) == 152
        for key in ("scenario_hash", "data_hash", "model_version"):
            assert key not in summary, key
        assert summary["ledger_balanced"] is True
        assert int(table["final_allocation"].sum()) + summary["total_retained"] == 1_499_000_000


def test_a_changed_result_is_reported_with_the_update_hint(dataset: Dataset) -> None:
    path = SHIPPED[0]
    table, summary = golden.golden_outputs(path, dataset)
    table = table.copy()
    table.loc[3, "final_allocation"] += 1
    summary = {**summary, "councils_selected": -1}
    problems = golden.differences(path.stem, table, summary)
    code = table["gss_code"].iloc[3]
    assert any(f"{code} final_allocation" in p for p in problems)
    assert any("councils_selected" in p for p in problems)
    assert "make golden" in golden.UPDATE_HINT


def test_update_writes_files_that_then_match(tmp_path: Path, dataset: Dataset, monkeypatch) -> None:
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    (tmp_path / "retired.csv").write_text("old\n")
    written = golden.update(dataset, projection=False)
    assert not (tmp_path / "retired.csv").exists()
    assert {p.name for p in tmp_path.iterdir()} == {
        f"{p.stem}.{ext}" for p in SHIPPED for ext in ("csv", "json")
    }
    assert len(written) == 2 * len(SHIPPED) + 1
    assert golden.update(dataset, projection=False) == [], "a second update changes nothing"
    for path in SHIPPED:
        assert golden.differences(path.stem, *golden.golden_outputs(path, dataset)) == []
    table = pd.read_csv(tmp_path / f"{SHIPPED[0].stem}.csv", dtype={"gss_code": str})
    assert table["gss_code"].str.match(r"E\d{8}$").all()
