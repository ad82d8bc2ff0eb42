"""Golden runs of every shipped scenario against committed outputs (see tests/golden.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.data import Dataset
from tests import golden

SHIPPED = golden.shipped_scenarios()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_matches_golden(path: Path, dataset: Dataset) -> None:
    table, summary = golden.golden_outputs(path, dataset)
    problems = golden.differences(path.stem, table, summary)
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_projection_matches_golden(path: Path, dataset: Dataset) -> None:
    problems = golden.projection_differences(path.stem, golden.projection_golden(path, dataset))
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


def test_generated_files_match_their_committed_copies() -> None:
    """The assumptions register and the generated docs, regenerated, are what is committed."""
    problems = golden.generated_differences()
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


def test_no_golden_file_without_a_shipped_scenario() -> None:
    names = {p.stem for p in SHIPPED}
    files = [*golden.GOLDEN_DIR.iterdir(), *(golden.GOLDEN_DIR / golden.PROJECTION).iterdir()]
    kept = {golden.PROJECTION, golden.REGISTER}
    stale = [p.name for p in files if p.stem not in names and p.name not in kept]
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
        projection = golden.read_projection(path.stem)
        assert projection is not None
        assert [row["month"] for row in projection["national_path"]] == [
            f"2018-{m:02d}" for m in range(4, 13)
        ] + [f"2019-{m:02d}" for m in range(1, 4)]
        bands = projection["beds_freed"]
        assert bands["p10"] <= bands["p50"] <= bands["p90"]
        assert 0 <= projection["probability_ambition_met"] <= 1
        assert "model_version" not in projection


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


def test_a_changed_projection_is_reported(dataset: Dataset) -> None:
    path = SHIPPED[-1]
    fresh = golden.projection_golden(path, dataset)
    assert golden.projection_differences(path.stem, fresh) == []
    moved = {**fresh, "nhs_value_gbp": fresh["nhs_value_gbp"] + 1}
    moved["national_path"] = [dict(row) for row in fresh["national_path"]]
    moved["national_path"][5]["p50"] += 0.0001
    problems = golden.projection_differences(path.stem, moved)
    assert any("nhs_value_gbp" in p for p in problems)
    assert any(f"national_path {fresh['national_path'][5]['month']} p50" in p for p in problems)


def test_update_writes_files_that_then_match(tmp_path: Path, dataset: Dataset, monkeypatch) -> None:
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    docs = {tmp_path / "docs" / "reference.md": lambda: "generated\n"}
    monkeypatch.setattr(golden, "generated_docs", lambda: docs)
    (tmp_path / "retired.csv").write_text("old\n")
    (tmp_path / "projection").mkdir()
    (tmp_path / "projection" / "retired.json").write_text("{}\n")
    written = golden.update(dataset)
    assert not (tmp_path / "retired.csv").exists()
    assert not (tmp_path / "projection" / "retired.json").exists()
    assert {p.name for p in tmp_path.iterdir()} == {
        f"{p.stem}.{ext}" for p in SHIPPED for ext in ("csv", "json")
    } | {"projection", "docs", golden.REGISTER}
    assert {p.name for p in (tmp_path / "projection").iterdir()} == {
        f"{p.stem}.json" for p in SHIPPED
    }
    assert (tmp_path / "docs" / "reference.md").read_text() == "generated\n"
    assert len(written) == 3 * len(SHIPPED) + 2 + 2  # + register and doc, + two retired
    assert golden.update(dataset) == [], "a second update changes nothing"
    assert golden.generated_differences() == []
    for path in SHIPPED:
        assert golden.differences(path.stem, *golden.golden_outputs(path, dataset)) == []
    table = pd.read_csv(tmp_path / f"{SHIPPED[0].stem}.csv", dtype={"gss_code": str})
    assert table["gss_code"].str.match(r"E\d{8}$").all()
