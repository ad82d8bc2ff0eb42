"""The import contracts catch what they are for: each of the newer contracts in
pyproject.toml, run by import-linter on a copy of the code with one deliberate bad
import, is broken by exactly that import (and the copy untouched keeps them all)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = ("model-layers", "projection-inside", "leaves", "leaves-apart")

# contract id -> (module file, the line added to it, the import import-linter reports)
BAD_IMPORTS = {
    "model-layers": (
        "simulator/rules/expectations.py",
        "from simulator.rules.selection import SelectionResult  # noqa",
        "simulator.rules.expectations -> simulator.rules.selection",
    ),
    "projection-inside": (
        "simulator/projection/forecast.py",
        "def _circle():\n    from simulator.projection import montecarlo  # noqa\n",
        "simulator.projection.forecast -> simulator.projection.montecarlo",
    ),
    "leaves": (
        "simulator/money.py",
        "from simulator.schema.vocabulary import ATTRIBUTIONS  # noqa",
        "simulator.money -> simulator.schema.vocabulary",
    ),
    "leaves-apart": (
        "simulator/errors.py",
        "from simulator.cells import printable  # noqa",
        "simulator.errors -> simulator.cells",
    ),
}


def copy_of_the_code(tmp_path: Path) -> Path:
    for folder in ("simulator", "app"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(folder: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    chosen = [arg for c in contracts for arg in ("--contract", c)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *chosen],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.process
def test_the_copy_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_imports(copy_of_the_code(tmp_path), *CONTRACTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


@pytest.mark.process
@pytest.mark.parametrize("contract", CONTRACTS)
def test_a_bad_import_breaks_its_contract(tmp_path: Path, contract: str) -> None:
    folder = copy_of_the_code(tmp_path)
    module, line, reported = BAD_IMPORTS[contract]
    path = folder / module
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = lint_imports(folder, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout, result.stdout
    assert reported in result.stdout, result.stdout
