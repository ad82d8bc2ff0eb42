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
    problems = golden.projection_differences(path.stem, golden.golden_projection(path, dataset))
    assert not problems, "\n".join([*problems, golden.UPDATE_HINT])


def test_projection_goldens_name_their_evidence_and_no_model_version() -> None:
    for path in SHIPPED:
        text = (golden.PROJECTION_DIR / f"{path.stem}.json").read_text(encoding="utf-8")
        assert '"evidence_set"' in text and "model_version" not in text
        assert '"cash_releasing"' in text and '"notional"' in text


def test_no_golden_file_without_a_shipped_scenario() -> None:
    names = {p.stem for p in SHIPPED}
    stale = [p.name for p in golden.GOLDEN_DIR.iterdir() if p.stem not in names]
    assert not stale, f"golden files for scenarios no longer shipped: {stale}. " + (
        golden.UPDATE_HINT
    )


def test_golden_files_are_what_they_say(dataset: Dataset) -> None:
    """152 councils, the key columns, whole pounds, the ledger balanced in every run."""
    for path in SHIPPED:
        table, summary = golden.read_golden(path.stem)
        assert list(table.columns) == golden.KEY_COLUMNS
        assert len(table) == 152
        assert "scenario_hash" not in summary and "data_hash" not in summary
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
