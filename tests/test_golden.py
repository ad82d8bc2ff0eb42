"""Golden runs: every shipped scenario, and the generated files, against committed
copies, compared byte for byte by pytest-regressions (``file_regression``).

For each ``scenarios/<name>.toml`` the committed files are

* ``tests/golden/<name>.csv``: the key columns of the councils table, one row per
  council (gss_code, selected, tests_failed, conditioned, withheld, received,
  final_allocation);
* ``tests/golden/<name>.json``: the run summary, without the scenario and data hashes
  or the model version;
* ``tests/golden_projection/<name>.json``: the projection, exact by seed (evidence set,
  method, beds freed P10/P50/P90 with and without forecast noise, both NHS values, the
  chance of the ambition, gross flows and the national path), without the model version.

Beside them, generated files that must not drift: ``tests/snapshots/`` (the assumptions
register shipped in every Excel pack), ``docs/scenario-reference.md`` and
``docs/outputs.md``. A difference fails with the diff. When a change to the model, the
data, a scenario or the documentation is deliberate, regenerate them all, review the
diff and commit the result::

    make golden        # pytest -m golden --regen-all: rewrites every golden file
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from simulator.cli import main as cli_main
from simulator.engine.run import evaluate, project_scenario
from simulator.inputs.data import Dataset
from simulator.io import SCENARIO_DIR
from simulator.reports.assumptions import assumptions_register
from simulator.schema.files import data_context, load_scenario

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN_DIR = TESTS / "golden"
PROJECTION_DIR = TESTS / "golden_projection"
SNAPSHOT_DIR = TESTS / "snapshots"
SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))
KEY_COLUMNS = [
    "gss_code",
    "selected",
    "tests_failed",
    "conditioned",
    "withheld",
    "received",
    "final_allocation",
]
# Hashes change with any byte of the inputs or any metadata, and the version with every
# release; the figures are what matter.
LEFT_OUT_OF_SUMMARY = ("scenario_hash", "data_hash", "model_version")
UPDATE_HINT = (
    "If the change is deliberate, run `make golden` and commit the changed files "
    "(tests/golden/, tests/golden_projection/, tests/snapshots/, docs/) with a "
    "changelog.d fragment (`make goldens-hash`)."
)


def csv_text(table: pd.DataFrame) -> str:
    return str(table.to_csv(index=False, lineterminator="\n"))


def json_text(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def golden_outputs(path: Path, data: Dataset) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The key columns and the summary of one shipped scenario."""
    scenario = load_scenario(path, context=data_context(data.months, list(data.codes)))
    result = evaluate(scenario, data)
    table = result.table[KEY_COLUMNS].reset_index(drop=True)
    summary = {k: v for k, v in result.summary.items() if k not in LEFT_OUT_OF_SUMMARY}
    return table, json.loads(json.dumps(summary, default=str))


def golden_projection(path: Path, data: Dataset) -> dict[str, Any]:
    """The projection of one shipped scenario at its own draws and seed, rounded."""
    scenario = load_scenario(path, context=data_context(data.months, list(data.codes)))
    p = project_scenario(evaluate(scenario, data))

    def r(x: float) -> float:
        return round(float(x), 4) + 0.0

    nat = p.national_path
    return {
        "evidence_set": p.evidence_set,
        "method": p.method,
        "draws": p.draws,
        "seed": p.seed,
        "beds_freed": {k: r(v) for k, v in p.beds_freed.items()},
        "beds_freed_evidence": {k: r(v) for k, v in p.beds_freed_evidence.items()},
        "beds_freed_social_care": {k: r(v) for k, v in p.beds_freed_social_care.items()},
        "gross": {k: r(v) for k, v in p.gross.items()},
        "nhs_value_gbp": {k: r(v) for k, v in p.nhs_value_gbp.items()},
        "probability_ambition_met": r(p.probability_ambition_met),
        "national_path": {
            col: [r(v) for v in nat[col]] for col in ("baseline", "p10", "p50", "p90")
        },
    }


def _cli_output(args: list[str]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli_main(args)
    return buffer.getvalue()


GENERATED: dict[str, tuple[Path, Callable[[], str]]] = {
    "assumptions-register": (
        SNAPSHOT_DIR / "assumptions-register.csv",
        lambda: csv_text(assumptions_register()),
    ),
    "scenario-reference": (
        ROOT / "docs" / "scenario-reference.md",
        lambda: _cli_output(["schema"]),
    ),
    "outputs": (ROOT / "docs" / "outputs.md", lambda: _cli_output(["schema", "--outputs"])),
}


def check(file_regression: Any, text: str, target: Path) -> None:
    """``text`` is byte for byte the committed ``target`` (``make golden`` rewrites it)."""
    try:
        file_regression.check(text, fullpath=target, encoding="utf-8")
    except AssertionError as exc:
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        raise AssertionError(f"{shown}: {exc}\n{UPDATE_HINT}") from None


# ---------------------------------------------------------------------- the comparisons
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_matches_golden(path: Path, dataset: Dataset, file_regression) -> None:
    table, summary = golden_outputs(path, dataset)
    check(file_regression, csv_text(table), GOLDEN_DIR / f"{path.stem}.csv")
    check(file_regression, json_text(summary), GOLDEN_DIR / f"{path.stem}.json")


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_projection_matches_golden(path: Path, dataset: Dataset, file_regression) -> None:
    fresh = json_text(golden_projection(path, dataset))
    check(file_regression, fresh, PROJECTION_DIR / f"{path.stem}.json")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_file_matches_its_committed_copy(name: str, file_regression) -> None:
    """The assumptions register and the generated docs, regenerated, are what is committed."""
    target, make = GENERATED[name]
    check(file_regression, make(), target)


# ---------------------------------------------------------------------- the files themselves
def test_no_golden_file_without_a_shipped_scenario() -> None:
    names = {p.stem for p in SHIPPED}
    files = [*GOLDEN_DIR.iterdir(), *PROJECTION_DIR.iterdir()]
    stale = [f"{p.parent.name}/{p.name}" for p in files if p.stem not in names]
    assert not stale, f"golden files for scenarios no longer shipped: {stale}; delete them"


def test_projection_goldens_are_what_they_say() -> None:
    """Every shipped scenario's projection: its evidence set and both NHS values, twelve
    months, ordered bands, a probability, its seed, and no model version."""
    for path in SHIPPED:
        text = (PROJECTION_DIR / f"{path.stem}.json").read_text(encoding="utf-8")
        assert "model_version" not in text
        assert '"evidence_set"' in text
        assert '"cash_releasing"' in text and '"notional"' in text
        projection = json.loads(text)
        assert all(len(v) == 12 for v in projection["national_path"].values())
        bands = projection["beds_freed"]
        assert bands["p10"] <= bands["p50"] <= bands["p90"]
        assert 0 <= projection["probability_ambition_met"] <= 1
        assert projection["seed"] == 20180401


def test_golden_files_are_what_they_say() -> None:
    """152 councils, the key columns, whole pounds, the ledger balanced in every run."""
    for path in SHIPPED:
        table = pd.read_csv(GOLDEN_DIR / f"{path.stem}.csv", dtype={"gss_code": str})
        summary = json.loads((GOLDEN_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert list(table.columns) == KEY_COLUMNS
        assert len(table) == 152
        assert table["gss_code"].str.match(r"E\d{8}$").all()
        for key in LEFT_OUT_OF_SUMMARY:
            assert key not in summary, key
        assert summary["ledger_balanced"] is True
        assert int(table["final_allocation"].sum()) + summary["total_retained"] == 1_499_000_000


def test_a_changed_result_fails_with_the_diff_and_the_update_hint(
    dataset: Dataset, file_regression, tmp_path: Path
) -> None:
    """One pound moved for one council, against a copy of its golden file: the comparison
    fails, showing the council's row both ways and saying what to run."""
    path = SHIPPED[0]
    copy = tmp_path / f"{path.stem}.csv"
    copy.write_bytes((GOLDEN_DIR / f"{path.stem}.csv").read_bytes())
    table, _ = golden_outputs(path, dataset)
    check(file_regression, csv_text(table), copy)  # unchanged: passes
    table.loc[3, "final_allocation"] += 1
    code = table["gss_code"].iloc[3]
    with pytest.raises(AssertionError) as failed:
        check(file_regression, csv_text(table), copy)
    message = str(failed.value)
    assert str(copy) in message and "make golden" in message
    assert f"+{code}," in message and f"-{code}," in message
