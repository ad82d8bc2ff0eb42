"""pandera (about 0.3 s to import) is loaded only when data is: importing the model,
the command line or the engine does not import it."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.process
def test_importing_the_model_does_not_import_pandera() -> None:
    code = (
        "import sys, simulator.cli, simulator.engine.run, simulator.inputs.data; "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@pytest.mark.process
def test_loading_data_does_import_it() -> None:
    code = (
        "import sys; from simulator.inputs.data import load_dataset; load_dataset(); "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "True"
