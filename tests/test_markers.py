"""The test layers' promise to pytest-xdist (tests/conftest.py, the Makefile's
``--dist loadgroup``): a browser module's tests run on one worker, so one app server and
its caches serve them all (a browser module's tour is taken once, not once per worker)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Two browser modules of four tests each, under the suite's own collection hook; each
# test writes down the worker it ran on.
CONFTEST = "from tests.conftest import pytest_collection_modifyitems  # noqa: F401\n"
MODULE = """import os
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("k", range(4))
def test_worker(k):
    out = os.path.join(os.environ["WORKERS_SEEN"], f"{__name__}-{k}")
    with open(out, "w") as f:
        f.write(os.environ["PYTEST_XDIST_WORKER"])
"""


@pytest.mark.process
def test_a_browser_module_stays_on_one_worker(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST)
    for name in ("test_one.py", "test_two.py"):
        (suite / name).write_text(MODULE)
    seen = tmp_path / "workers"
    seen.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKERS_SEEN": str(seen)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", str(suite)],
        cwd=suite, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    ran = {p.name: p.read_text() for p in seen.iterdir()}
    assert len(ran) == 8, ran
    for module in ("test_one", "test_two"):
        workers = {w for name, w in ran.items() if name.startswith(module)}
        assert len(workers) == 1, f"{module} ran on {sorted(workers)}"


def test_every_browser_test_is_in_a_browser_module() -> None:
    """CI's browser job runs tests/test_browser*.py only (.ci/run) and the suite job
    everything but the browser layer: a browser test anywhere else would run in neither."""
    from tests.conftest import LAYER_BY_FILE

    marked = [
        path.name
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        if "mark.browser" in path.read_text(encoding="utf-8")
        or LAYER_BY_FILE.get(path.name) == "browser"
    ]
    outside = [n for n in marked if not n.startswith("test_browser") and n != Path(__file__).name]
    assert marked and outside == [], outside
