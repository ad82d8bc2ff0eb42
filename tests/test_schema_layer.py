"""The declarations layer stands alone: a fresh interpreter that reads and saves a
shipped scenario through :mod:`simulator.schema` loads no numpy, pandas or scipy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "pandas", "pandera", "scipy")

# Loads a shipped file, saves it, reads the saved copy back, and prints which of the
# heavy libraries the interpreter holds afterwards.
PROBE = """
import json, sys, tempfile
from pathlib import Path
{imports}
source = Path(sys.argv[1])
scenario = load_scenario(source)
with tempfile.TemporaryDirectory() as folder:
    saved = Path(folder) / "saved.toml"
    save_scenario(scenario, saved)
    again = load_scenario(saved)
print(json.dumps({{
    "same": again.content_hash() == scenario.content_hash(),
    "name": again.name,
    "loaded": sorted(m for m in {heavy!r} if m in sys.modules),
}}))
"""


def probe(imports: str) -> dict[str, object]:
    script = PROBE.format(imports=imports, heavy=HEAVY)
    scenario = ROOT / "scenarios" / "october-2017-letter.toml"
    proc = subprocess.run(
        [sys.executable, "-c", script, str(scenario)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.mark.process
def test_reading_and_saving_a_scenario_loads_no_numpy_pandas_or_scipy() -> None:
    result = probe(
        "import simulator.schema.scenario\n"
        "from simulator.schema.files import load_scenario, save_scenario"
    )
    assert result == {"same": True, "name": "October 2017 letter", "loaded": []}


@pytest.mark.process
def test_the_probe_sees_a_heavy_import() -> None:
    # The same probe after importing the data tables' reader, which uses pandas: the check
    # above would fail if the scenario's module reached it.
    result = probe(
        "import simulator.io\nfrom simulator.schema.files import load_scenario, save_scenario"
    )
    assert "pandas" in result["loaded"]
    assert "numpy" in result["loaded"]
