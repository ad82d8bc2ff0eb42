"""Shared fixtures: the bundled dataset, loaded once, and scratch copies of the raw files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator import io
from simulator.data import Dataset, build_dataset, load_dataset


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The bundled data exactly as the app and the command line load it."""
    return load_dataset()


@pytest.fixture(scope="session")
def reconstructed(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The bundled raw data with no official table, whatever is in data/official/."""
    empty = tmp_path_factory.mktemp("no_official")
    raw, official, data_hash = io.read_data_tables(io.RAW_DIR, empty)
    assert official == {}
    return build_dataset(raw, official, data_hash)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw/ for tests that break or extend the inputs."""
    dest = tmp_path / "raw"
    shutil.copytree(io.RAW_DIR, dest)
    return dest
