"""statsmodels is imported only by the calibration's identification diagnostics
(`ibcf calibrate`), never by a run, the app's door to the model or a scenario file
(README, Libraries and why)."""

from __future__ import annotations

import subprocess
import sys

import pytest

RUN = (
    "from simulator import io; from simulator.inputs.data import load_dataset; "
    "from simulator.schema.files import data_context, load_scenario; "
    "from simulator.engine.run import evaluate, project_scenario; "
    "d = load_dataset(); c = data_context(d.months, list(d.codes)); "
    "s = load_scenario(io.SCENARIO_DIR / 'october-2017-letter.toml', context=c); "
    "project_scenario(evaluate(s, d), draws=200); import app.services; "
)


def _loaded(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", "import sys; " + code + "print('statsmodels' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.process
def test_a_run_and_the_app_door_do_not_import_statsmodels() -> None:
    assert _loaded(RUN) == "False"


@pytest.mark.process
def test_the_identification_diagnostics_do_import_it() -> None:
    """The same check sees statsmodels once a diagnostic runs (no run needed first)."""
    diagnostic = (
        "import numpy as np; from simulator.projection.identification import "
        "ols_through_origin; ols_through_origin(np.ones(3), np.arange(1.0, 4.0), "
        "np.array(['a', 'a', 'b'])); "
    )
    assert _loaded(diagnostic) == "True"
