"""Golden runs: every shipped scenario against committed expected outputs.

For each ``scenarios/<name>.toml`` the committed files are

* ``tests/golden/<name>.csv``: the key columns of the councils table, one row per
  council (gss_code, selected, tests_failed, conditioned, withheld, received,
  final_allocation);
* ``tests/golden/<name>.json``: the run summary, without the scenario and data hashes
  or the model version;
* ``tests/golden/projection/<name>.json``: the projection as ``summary.json`` reports it
  (method, beds freed P10/P50/P90, delayed days avoided, NHS value, chance of the
  ambition, seed, draws) and the national path month by month (beds a day, 4 decimals);
  the Monte Carlo is seeded, so these are exact.

Beside them, generated files that must not drift: ``tests/golden/assumptions-register.csv``
(the register shipped in every Excel pack), and ``docs/scenario-reference.md`` and
``docs/outputs.md`` (checked in ``tests/test_cli.py``).

``tests/test_golden.py`` compares fresh runs with them. When a change to the model,
the data, a scenario or the documentation is deliberate, regenerate them all (files
whose content is unchanged are not touched), review the diff and commit the result::

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

from simulator.assumptions import assumptions_register
from simulator.cli import main as cli_main
from simulator.data import Dataset, load_dataset
from simulator.engine import evaluate, project_scenario
from simulator.export import projection_summary
from simulator.io import SCENARIO_DIR
from simulator.scenario import data_context, load_scenario

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "golden"
PROJECTION = "projection"  # sub-folder of GOLDEN_DIR
REGISTER = "assumptions-register.csv"
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
PATH_DECIMALS = 4  # beds a day, as in projection.csv
UPDATE_HINT = (
    "If the change is deliberate, run `make golden` (python -m tests.golden --update) "
    "and commit the changed files (tests/golden/, docs/)."
)


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.toml"))


def _cli_output(args: list[str]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli_main(args)
    return buffer.getvalue()


def generated_docs() -> dict[Path, Callable[[], str]]:
    """Committed documents and the command that writes each (kept here for ``--update``)."""
    return {
        ROOT / "docs" / "scenario-reference.md": lambda: _cli_output(["schema"]),
        ROOT / "docs" / "outputs.md": lambda: _cli_output(["schema", "--outputs"]),
    }


def golden_outputs(path: Path, data: Dataset) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The key columns and the summary of one shipped scenario, as committed."""
    scenario = load_scenario(path, context=data_context(data.months, list(data.codes)))
    result = evaluate(scenario, data)
    table = result.table[KEY_COLUMNS].reset_index(drop=True)
    summary = {k: v for k, v in result.summary.items() if k not in LEFT_OUT_OF_SUMMARY}
    return table, json.loads(json.dumps(summary, default=str))


def projection_golden(path: Path, data: Dataset) -> dict[str, Any]:
    """The projection of one shipped scenario at its own seed and draws, as committed."""
    scenario = load_scenario(path, context=data_context(data.months, list(data.codes)))
    projection = project_scenario(evaluate(scenario, data))
    national = projection.national_path.round(PATH_DECIMALS)
    out = {
        **projection_summary(projection),
        "national_path": national.to_dict(orient="records"),
    }
    return dict(json.loads(json.dumps(out, default=str)))


def register_text() -> str:
    """The assumptions register at the default projection parameters, as CSV."""
    return csv_text(assumptions_register())


def csv_text(table: pd.DataFrame) -> str:
    return str(table.to_csv(index=False, lineterminator="\n"))


def json_text(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def read_golden(name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    table = pd.read_csv(GOLDEN_DIR / f"{name}.csv", dtype={"gss_code": str})
    summary = json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return table, summary


def key_differences(
    label: str, old: dict[str, Any], new: dict[str, Any], skip: str = ""
) -> list[str]:
    """One line per key whose value differs (or is present on one side only)."""
    out = []
    for key in sorted((set(old) | set(new)) - {skip}):
        if old.get(key, "<absent>") != new.get(key, "<absent>"):
            out.append(
                f"{label}: {key}: expected {old.get(key, '<absent>')!r}, "
                f"got {new.get(key, '<absent>')!r}"
            )
    return out


def differences(name: str, table: pd.DataFrame, summary: dict[str, Any]) -> list[str]:
    """What differs between a fresh run and the committed golden files (empty if none)."""
    missing = [
        p.name for p in (GOLDEN_DIR / f"{name}.csv", GOLDEN_DIR / f"{name}.json") if not p.exists()
    ]
    if missing:
        return [f"{name}: no golden file {', '.join(missing)}"]
    old_table, old_summary = read_golden(name)
    out = key_differences(f"{name}.json", old_summary, summary)
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


def read_projection(name: str) -> dict[str, Any] | None:
    path = GOLDEN_DIR / PROJECTION / f"{name}.json"
    if not path.exists():
        return None
    return dict(json.loads(path.read_text(encoding="utf-8")))


def projection_differences(name: str, fresh: dict[str, Any]) -> list[str]:
    """What differs between a fresh projection and the committed one (empty if none)."""
    old = read_projection(name)
    if old is None:
        return [f"{PROJECTION}/{name}.json: no golden file"]
    label = f"{PROJECTION}/{name}.json"
    out = key_differences(label, old, fresh, skip="national_path")
    old_path, new_path = old.get("national_path", []), fresh.get("national_path", [])
    if len(old_path) != len(new_path):
        out.append(f"{label}: national_path has {len(new_path)} months")
    for before, after in zip(old_path, new_path, strict=False):
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                out.append(
                    f"{label}: national_path {after.get('month')} {key}: "
                    f"expected {before.get(key)!r}, got {after.get(key)!r}"
                )
    return out


def generated_differences() -> list[str]:
    """Committed generated files (register, docs) that a fresh generation would change."""
    out = []
    register = GOLDEN_DIR / REGISTER
    if not register.exists() or register.read_text(encoding="utf-8") != register_text():
        out.append(f"{REGISTER}: the assumptions register differs from the committed copy")
    for target, make in generated_docs().items():
        if not target.exists() or target.read_text(encoding="utf-8") != make():
            out.append(f"{target.name}: differs from what its command generates")
    return out


def _write(target: Path, text: str, written: list[Path]) -> None:
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)


def update(data: Dataset | None = None) -> list[Path]:
    """Write every golden and generated file; remove the goldens of retired scenarios.

    Returns the files written or removed (a file whose content is unchanged is left
    alone, so a second update returns nothing).
    """
    data = data or load_dataset()
    written: list[Path] = []
    names = set()
    for path in shipped_scenarios():
        table, summary = golden_outputs(path, data)
        _write(GOLDEN_DIR / f"{path.stem}.csv", csv_text(table), written)
        _write(GOLDEN_DIR / f"{path.stem}.json", json_text(summary), written)
        projection = projection_golden(path, data)
        _write(GOLDEN_DIR / PROJECTION / f"{path.stem}.json", json_text(projection), written)
        names.add(path.stem)
    _write(GOLDEN_DIR / REGISTER, register_text(), written)
    for target, make in generated_docs().items():
        _write(target, make(), written)
    kept = {*names, Path(REGISTER).stem}
    for folder in (GOLDEN_DIR, GOLDEN_DIR / PROJECTION):
        for stale in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.json")):
            if stale.stem not in kept:
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
        changed = update(data)
        for path in changed:
            print(f"updated {path.relative_to(ROOT)}", file=sys.stderr)
        print(f"{len(changed)} golden file(s) changed", file=sys.stderr)
        return 0
    problems = []
    for path in shipped_scenarios():
        problems += differences(path.stem, *golden_outputs(path, data))
        problems += projection_differences(path.stem, projection_golden(path, data))
    problems += generated_differences()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(UPDATE_HINT, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
