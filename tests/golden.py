"""Golden runs: every shipped scenario against committed expected outputs.

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
``docs/outputs.md``.

``tests/test_golden.py`` compares fresh runs with them. When a change to the model,
the data, a scenario or the documentation is deliberate, regenerate them all (files
whose content is unchanged are left alone), review the diff and commit the result::

    make golden            # same as: python -m tests.golden --update
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.cli import main as cli_main
from simulator.engine.run import evaluate
from simulator.inputs.data import Dataset, load_dataset
from simulator.io import SCENARIO_DIR
from simulator.reports.assumptions import assumptions_register
from simulator.schema.files import data_context, load_scenario

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
PROJECTION_DIR = Path(__file__).resolve().parent / "golden_projection"
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"
ROOT = Path(__file__).resolve().parent.parent
KEY_COLUMNS = [
    "gss_code",
    "selected",
    "tests_failed",
    "conditioned",
    "withheld",
    "received",
    "final_allocation",
]
# Hashes change with any byte of the inputs or any metadata; the figures are what matter.
# Hashes change with any byte of the inputs or any metadata, and the version with every
# release; the figures are what matter.
LEFT_OUT_OF_SUMMARY = ("scenario_hash", "data_hash", "model_version")
UPDATE_HINT = (
    "If the change is deliberate, run `make golden` (python -m tests.golden --update) "
    "and commit the changed files (tests/golden/, tests/golden_projection/, "
    "tests/snapshots/, docs/)."
)


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.toml"))


def golden_outputs(path: Path, data: Dataset) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The key columns and the summary of one shipped scenario, as committed."""
    scenario = load_scenario(path, context=data_context(data.months, list(data.codes)))
    result = evaluate(scenario, data)
    table = result.table[KEY_COLUMNS].reset_index(drop=True)
    summary = {k: v for k, v in result.summary.items() if k not in LEFT_OUT_OF_SUMMARY}
    return table, json.loads(json.dumps(summary, default=str))


def golden_projection(path: Path, data: Dataset) -> dict[str, Any]:
    """The projection of one shipped scenario at its own draws and seed, rounded."""
    from simulator.engine.run import project_scenario

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


def projection_differences(name: str, fresh: dict[str, Any]) -> list[str]:
    target = PROJECTION_DIR / f"{name}.json"
    if not target.exists():
        return [f"{name}: no golden file {target.name} in {PROJECTION_DIR.name}/"]
    old = json.loads(target.read_text(encoding="utf-8"))
    return [
        f"{PROJECTION_DIR.name}/{name}.json: {key}: expected {old.get(key)!r}, got "
        f"{fresh.get(key)!r}"
        for key in sorted(set(old) | set(fresh))
        if old.get(key) != fresh.get(key)
    ]


def _cli_output(args: list[str]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli_main(args)
    return buffer.getvalue()


def generated_files() -> dict[Path, Callable[[], str]]:
    """Committed generated files and what writes each."""
    return {
        SNAPSHOT_DIR / "assumptions-register.csv": lambda: csv_text(assumptions_register()),
        ROOT / "docs" / "scenario-reference.md": lambda: _cli_output(["schema"]),
        ROOT / "docs" / "outputs.md": lambda: _cli_output(["schema", "--outputs"]),
    }


def generated_differences() -> list[str]:
    """Generated files whose committed copy differs from what their command writes."""
    return [
        f"{target.relative_to(ROOT)}: differs from what generates it"
        for target, make in generated_files().items()
        if not target.exists() or target.read_text(encoding="utf-8") != make()
    ]


def update_generated() -> list[Path]:
    """Rewrite the generated files whose content changed."""
    written = []
    for target, make in generated_files().items():
        text = make()
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def csv_text(table: pd.DataFrame) -> str:
    return str(table.to_csv(index=False, lineterminator="\n"))


def json_text(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def read_golden(name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    table = pd.read_csv(GOLDEN_DIR / f"{name}.csv", dtype={"gss_code": str})
    summary = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return table, summary


def differences(name: str, table: pd.DataFrame, summary: dict[str, Any]) -> list[str]:
    """What differs between a fresh run and the committed golden files (empty if none)."""
    missing = [
        p.name for p in (GOLDEN_DIR / f"{name}.csv", GOLDEN_DIR / f"{name}.json") if not p.exists()
    ]
    if missing:
        return [f"{name}: no golden file {', '.join(missing)}"]
    old_table, old_summary = read_golden(name)
    out = []
    for key in sorted(set(old_summary) | set(summary)):
        if old_summary.get(key, "<absent>") != summary.get(key, "<absent>"):
            out.append(
                f"{name}.json: {key}: expected {old_summary.get(key, '<absent>')!r}, "
                f"got {summary.get(key, '<absent>')!r}"
            )
    if list(old_table.columns) != list(table.columns):
        out.append(f"{name}.csv: columns {list(old_table.columns)} != {list(table.columns)}")
        return out
    if list(old_table["gss_code"]) != list(table["gss_code"]):
        out.append(f"{name}.csv: councils differ (codes or order)")
        return out
    new = pd.read_csv(io.StringIO(csv_text(table)), dtype={"gss_code": str})
    for column in KEY_COLUMNS[1:]:
        changed = old_table[column].to_numpy() != new[column].to_numpy()
        for i in changed.nonzero()[0][:5]:
            out.append(
                f"{name}.csv: {table['gss_code'].iloc[i]} {column}: expected "
                f"{old_table[column].iloc[i]!r}, got {new[column].iloc[i]!r}"
            )
        if changed.sum() > 5:
            out.append(f"{name}.csv: {column}: {int(changed.sum())} councils differ in all")
    return out


def update(data: Dataset | None = None, *, projection: bool = True) -> list[Path]:
    """Write the golden files for every shipped scenario; remove those of retired ones
    (``projection``: the projection goldens too)."""
    data = data or load_dataset()
    GOLDEN_DIR.mkdir(exist_ok=True)
    written = []
    names = set()
    for path in shipped_scenarios():
        table, summary = golden_outputs(path, data)
        for target, text in (
            (GOLDEN_DIR / f"{path.stem}.csv", csv_text(table)),
            (GOLDEN_DIR / f"{path.stem}.json", json_text(summary)),
        ):
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                written.append(target)
        names.add(path.stem)
    for stale in sorted(GOLDEN_DIR.glob("*.csv")) + sorted(GOLDEN_DIR.glob("*.json")):
        if stale.stem not in names:
            stale.unlink()
            written.append(stale)
    if projection:
        written += update_projection(data, names)
    return written


def update_projection(data: Dataset, names: set[str] | None = None) -> list[Path]:
    """Write the projection goldens of every shipped scenario; remove retired ones."""
    PROJECTION_DIR.mkdir(exist_ok=True)
    written = []
    keep = names if names is not None else {p.stem for p in shipped_scenarios()}
    for path in shipped_scenarios():
        target = PROJECTION_DIR / f"{path.stem}.json"
        text = json_text(golden_projection(path, data))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    for stale in sorted(PROJECTION_DIR.glob("*.json")):
        if stale.stem not in keep:
            stale.unlink()
            written.append(stale)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.golden",
        description="Check (default) or update the golden outputs of the shipped scenarios.",
    )
    parser.add_argument("--update", action="store_true", help="rewrite tests/golden/")
    args = parser.parse_args(argv)
    data = load_dataset()
    if args.update:
        changed = update(data) + update_generated()
        for path in changed:
            print(f"updated {path.relative_to(ROOT)}", file=sys.stderr)
        print(f"{len(changed)} golden file(s) changed", file=sys.stderr)
        return 0
    problems = []
    for path in shipped_scenarios():
        problems += differences(path.stem, *golden_outputs(path, data))
        problems += projection_differences(path.stem, golden_projection(path, data))
    problems += generated_differences()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(UPDATE_HINT, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
