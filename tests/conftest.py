"""Shared fixtures (the bundled dataset, loaded once, and scratch copies of the raw files),
the test layers, marked by where a test lives (see ``markers`` in pyproject.toml), the
``process`` marker held true, and the Hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from simulator import io
from simulator.inputs.allocation import EQUALISATION_METHOD
from simulator.inputs.data import Dataset, build_dataset, load_dataset

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis profiles, chosen by IBCF_HYPOTHESIS_PROFILE: "ci" (the default, for
# make test and CI) runs each property's own number of examples in a fixed order, so a
# run never fails on an example the last one did not try; "nightly" runs ten times as
# many, in a new random order each night (tests/strategies.py `examples` scales them).
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile(
    "nightly",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("IBCF_HYPOTHESIS_PROFILE", "ci"))
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


def layer(item: pytest.Item) -> str:
    """The one layer marker of a collected test (see ``markers`` in pyproject.toml)."""
    own = [m.name for m in item.iter_markers() if m.name in LAYERS]
    if own:
        return own[0]
    if item.path.parent == ROOT / "tests" and item.path.name in LAYER_BY_FILE:
        return LAYER_BY_FILE[item.path.name]
    if hasattr(getattr(item, "module", None), "AppTest"):
        return "app"
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return "property"
    return "unit"


# Every test fails after `timeout` in pyproject.toml (five minutes); a browser test,
# which drives a real page through several views, after fifteen.
BROWSER_TIMEOUT_S = 900


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(layer(item))
        if layer(item) == "browser":
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT_S))
            # A browser module's tests share one worker, so one app server (and its
            # caches) serves them all; the other tests spread over the workers.
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


# Layers whose tests start processes by nature (the app's command-line runs, a browser).
PROCESS_LAYERS = {"app", "browser"}


@pytest.fixture(autouse=True)
def _processes_only_where_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A unit, property or golden test that starts a process (or a system tool) without
    the ``process`` marker fails, so ``make test-fast`` stays fast and needs nothing of
    the machine."""
    node = request.node
    if node.get_closest_marker("process") is None and layer(node) not in PROCESS_LAYERS:

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError(
                f"{node.nodeid} starts a process: mark it @pytest.mark.process (tests/conftest.py)"
            )

        monkeypatch.setattr(subprocess, "Popen", refuse)
    yield


@pytest.fixture(scope="session", autouse=True)
def _components_scanned_once() -> Iterator[None]:
    """Each headless app (``AppTest``) scans every installed package for Streamlit
    components when it first runs (a tenth of a second each); the packages installed do
    not change during a test run, so the scan is made once per process and reused. The
    app server scans once at its start anyway."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    found = scan()
    manifest_scanner.scan_component_manifests = lambda max_workers=None: list(found)
    try:
        yield
    finally:
        manifest_scanner.scan_component_manifests = scan


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
