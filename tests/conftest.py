"""Shared fixtures (the bundled dataset, loaded once, and scratch copies of the raw files)
and the test layers, marked by where a test lives (see ``markers`` in pyproject.toml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator import io
from simulator.inputs.allocation import EQUALISATION_METHOD
from simulator.inputs.data import Dataset, build_dataset, load_dataset

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("unit", "property", "golden", "app", "browser")
# Layer of each test file that is not all hand-worked unit cases. Elsewhere a test
# keeps a layer marker it carries itself, a test in a module that drives the app
# headless (imports AppTest) is "app", a Hypothesis test is "property", and the rest
# (tests/*, and the docstring examples in simulator/ and app/) are "unit".
LAYER_BY_FILE = {
    "test_app.py": "app",
    "test_browser.py": "browser",
    "test_golden.py": "golden",
    "test_properties.py": "property",
    "test_fuzz.py": "property",
}
# Snapshot checks of the generated docs that live beside the command that writes them.
GOLDEN_TESTS = {"test_scenario_reference_is_current", "test_output_reference_is_current"}


def layer(item: pytest.Item) -> str:
    """The one layer marker of a collected test (see ``markers`` in pyproject.toml)."""
    own = [m.name for m in item.iter_markers() if m.name in LAYERS]
    if own:
        return own[0]
    if item.path.parent == ROOT / "tests" and item.path.name in LAYER_BY_FILE:
        return LAYER_BY_FILE[item.path.name]
    if getattr(item, "originalname", item.name) in GOLDEN_TESTS:
        return "golden"
    if hasattr(getattr(item, "module", None), "AppTest"):
        return "app"
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return "property"
    return "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(layer(item))


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The bundled data exactly as the app and the command line load it."""
    return load_dataset()


@pytest.fixture(scope="session")
def reconstructed(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The bundled raw data with no official table, whatever is in data/official/,
    every council rebuilt by precept equalisation (no reported figures)."""
    empty = tmp_path_factory.mktemp("no_official")
    raw, official, data_hash = io.read_data_tables(io.RAW_DIR, empty)
    assert official == {}
    return build_dataset(raw, official, data_hash, EQUALISATION_METHOD)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw/ for tests that break or extend the inputs."""
    dest = tmp_path / "raw"
    shutil.copytree(io.RAW_DIR, dest)
    return dest
