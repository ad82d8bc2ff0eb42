"""The install: locked dependencies with honest lower bounds, one version, bundled data
found wherever the package lives, and a browser provisioned for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import simulator
from simulator import io

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCK_SCRIPT = ROOT / "scripts" / "lock.py"


def pins(lock: Path) -> dict[str, list[Version]]:
    """Package name -> pinned versions (one per environment marker) in a lock file."""
    found: dict[str, list[Version]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match[1]).lower()
            found.setdefault(name, []).append(Version(match[2]))
    return found


def direct(*extras: str) -> list[Requirement]:
    """The direct third-party requirements: the core and the named extras."""
    lines = list(PYPROJECT["dependencies"])
    for extra in extras:
        lines += PYPROJECT["optional-dependencies"][extra]
    return [r for r in map(Requirement, lines) if r.name != PYPROJECT["name"]]


# Item: locked dependencies -------------------------------------------------------------


def test_lock_pins_every_dependency_within_pyproject_ranges() -> None:
    locked = pins(ROOT / "requirements.lock")
    for requirement in direct("app", "test", "dev"):
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in locked, f"{name} is not in requirements.lock"
        for version in locked[name]:
            assert requirement.specifier.contains(version), f"{name}=={version}"


def test_lowest_lock_pins_each_direct_dependency_at_its_lower_bound() -> None:
    """The lower bounds name real releases, and the lowest-versions check installs them."""
    locked = pins(ROOT / "requirements-lowest.lock")
    for requirement in direct("app", "test"):
        bound = [s.version for s in requirement.specifier if s.operator == ">="]
        assert len(bound) == 1, f"{requirement}: one lower bound expected"
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert locked[name] == [Version(bound[0])], f"{name}: {locked[name]} vs >={bound[0]}"


@pytest.mark.process
def test_every_lock_records_the_current_pyproject() -> None:
    result = subprocess.run(
        [sys.executable, str(LOCK_SCRIPT), "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def lock_check_in(folder: Path) -> subprocess.CompletedProcess[str]:
    """scripts/lock.py check run on a copy of the project's lock inputs in ``folder``."""
    (folder / "scripts").mkdir()
    shutil.copy(LOCK_SCRIPT, folder / "scripts" / "lock.py")
    for name in ("pyproject.toml", "requirements.lock", "requirements-lowest.lock"):
        shutil.copy(ROOT / name, folder / name)
    return subprocess.run(
        [sys.executable, str(folder / "scripts" / "lock.py"), "check"],
        capture_output=True,
        text=True,
    )


@pytest.mark.process
def test_a_stale_lock_is_refused_with_what_to_run(tmp_path: Path) -> None:
    assert lock_check_in(tmp_path).returncode == 0
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert '"tomli-w>=1.0",' in text
    pyproject.write_text(text.replace('"tomli-w>=1.0",', '"tomli-w>=1.0",\n    "rich>=13",'))
    result = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "lock.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "requirements.lock, requirements-lowest.lock: out of date" in result.stderr
    assert "make lock" in result.stderr


@pytest.mark.process
def test_a_tool_setting_does_not_stale_the_lock(tmp_path: Path) -> None:
    (tmp_path / "probe").mkdir()
    folder = tmp_path / "probe"
    assert lock_check_in(folder).returncode == 0
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n[tool.extra]\nx = 1\n")
    result = subprocess.run(
        [sys.executable, str(folder / "scripts" / "lock.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_pin_gives_one_package_s_lines_with_their_hashes(tmp_path: Path) -> None:
    """``make install`` takes the lock's uv with pip through ``lock.py pin uv``: exactly
    that package's version and hashes, never the next package's, and an error for a
    package the lock does not pin."""
    sys.path.insert(0, str(LOCK_SCRIPT.parent))
    try:
        import lock
    finally:
        sys.path.remove(str(LOCK_SCRIPT.parent))
    toy = tmp_path / "requirements.lock"
    toy.write_text(
        "# header\n"
        "tomli-w==1.2.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\n"
        "uv==0.5.1 \\\n    --hash=sha256:cc\n    # via ibcf-simulator\n"
        "uvicorn==0.30.0 \\\n    --hash=sha256:dd\n",
        encoding="utf-8",
    )
    assert lock.pin("uv", toy) == "uv==0.5.1 \\\n    --hash=sha256:cc\n    # via ibcf-simulator\n"
    assert lock.pin("tomli-w", toy).count("--hash=") == 2
    with pytest.raises(SystemExit, match=r"requirements\.lock: no pin for rich"):
        lock.pin("rich", toy)
    assert lock.pin("uv").startswith(f"uv=={pins(ROOT / 'requirements.lock')['uv'][0]} ")


# Item: an installable package ----------------------------------------------------------


def test_one_version_from_pyproject() -> None:
    assert PYPROJECT["version"] == simulator.MODEL_VERSION
    assert metadata.version("ibcf-simulator") == PYPROJECT["version"]


def test_the_model_installs_without_the_app_stack() -> None:
    core = {r.name for r in direct()}
    assert not core & {"streamlit", "plotly"}
    assert {r.name for r in direct("app")} - core == {"streamlit", "plotly"}


@pytest.mark.process
def test_a_checkout_reads_its_own_data_and_scenarios(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "IBCF_DATA_DIR"}
    code = "from simulator import io; print(io.RAW_DIR, io.OFFICIAL_DIR, io.SCENARIO_DIR)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(ROOT / "data" / "raw"),
        str(ROOT / "data" / "official"),
        str(ROOT / "scenarios"),
    ]


def test_the_wheel_maps_the_checkout_folders_into_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    assert mapping == {
        "simulator.bundled.data": "data",
        "simulator.bundled.scenarios": "scenarios",
    }
    data = config["tool"]["setuptools"]["package-data"]
    raw = {p.name for p in (ROOT / "data" / "raw").iterdir()}
    shipped = {".csv", ".md", ".hexjson", ".LICENSE"}
    assert {n for n in raw if Path(n).suffix in shipped} == raw
    assert data["simulator.bundled.data.raw"] == ["*.csv", "*.md", "*.hexjson", "*.LICENSE"]
    scenarios = ROOT / "scenarios"
    assert {p.suffix for p in scenarios.iterdir() if p.is_file()} == {".toml"}
    assert [p.name for p in scenarios.iterdir() if p.is_dir()] == ["designs"]
    assert {p.suffix for p in (scenarios / "designs").iterdir()} == {".toml"}
    assert data["simulator.bundled.scenarios"] == ["*.toml", "designs/*.toml"]


@pytest.mark.process
def test_a_packaged_copy_is_preferred_to_the_checkout(tmp_path: Path) -> None:
    """Laid out as the wheel installs it (simulator/bundled/...), the package reads the
    copy it carries, from any working folder."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "simulator", site / "simulator")
    shutil.copytree(ROOT / "data", site / "simulator" / "bundled" / "data")
    shutil.copytree(ROOT / "scenarios", site / "simulator" / "bundled" / "scenarios")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("IBCF_DATA_DIR", None)
    code = "from simulator import io; print(io.RAW_DIR); print(io.SCENARIO_DIR)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        str(site / "simulator" / "bundled" / "data" / "raw"),
        str(site / "simulator" / "bundled" / "scenarios"),
    ]


@pytest.mark.process
def test_data_dir_variable_replaces_the_data_folder(tmp_path: Path) -> None:
    """IBCF_DATA_DIR names a folder laid out like data/: the command line reads its raw/
    files (a file missing there is reported) and its official/ tables."""
    data = tmp_path / "mydata"
    shutil.copytree(io.RAW_DIR, data / "raw")
    (data / "raw" / "dtoc_monthly.csv").unlink()
    env = {**os.environ, "IBCF_DATA_DIR": str(data)}
    ibcf = Path(sys.executable).parent / "ibcf"
    result = subprocess.run(
        [str(ibcf), "-q", "data", "check"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "dtoc_monthly.csv" in result.stderr
    code = "from simulator import io; print(io.RAW_DIR); print(io.OFFICIAL_DIR)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.splitlines() == [str(data / "raw"), str(data / "official")]


# Item: a browser for the browser tests -------------------------------------------------


def fake_browser(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho 'Chromium 1.0'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def ensure_browser(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/ensure_browser.py with its candidates and install steps replaced."""
    base = {k: v for k, v in os.environ.items() if k != "IBCF_CHROMIUM"}
    # No Playwright-installed browser is seen: an empty browser cache.
    base["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path / "no-playwright-browsers")
    return subprocess.run(
        [sys.executable, "-m", "scripts.ensure_browser"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.process
def test_browser_present_is_used_without_installing(tmp_path: Path) -> None:
    browser = fake_browser(tmp_path / "bin" / "chromium")
    marker = tmp_path / "installed"
    result = ensure_browser(
        tmp_path,
        IBCF_BROWSER_CANDIDATES=f"{tmp_path / 'missing'}:{browser}",
        IBCF_PLAYWRIGHT_INSTALL=f"touch {marker}",
        IBCF_SYSTEM_INSTALL=f"touch {marker}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{browser}\n"
    assert not marker.exists()


@pytest.mark.process
def test_browser_named_by_variable_wins(tmp_path: Path) -> None:
    listed = fake_browser(tmp_path / "a" / "chromium")
    named = fake_browser(tmp_path / "b" / "chrome")
    result = ensure_browser(tmp_path, IBCF_BROWSER_CANDIDATES=str(listed), IBCF_CHROMIUM=str(named))
    assert result.stdout == f"{named}\n"


@pytest.mark.process
def test_browser_named_by_variable_must_work(tmp_path: Path) -> None:
    broken = tmp_path / "chrome"
    broken.write_text("not a program")
    listed = fake_browser(tmp_path / "a" / "chromium")
    result = ensure_browser(
        tmp_path, IBCF_BROWSER_CANDIDATES=str(listed), IBCF_CHROMIUM=str(broken)
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"IBCF_CHROMIUM={broken} is not a working browser" in result.stderr


@pytest.mark.process
def test_failed_download_falls_through_to_the_package_manager(tmp_path: Path) -> None:
    target = tmp_path / "usr" / "bin" / "chromium"
    script = tmp_path / "apt"
    script.write_text(
        f"#!/bin/sh\nmkdir -p {target.parent}\n"
        f"printf '#!/bin/sh\\necho Chromium 2.0\\n' > {target}\nchmod +x {target}\n"
    )
    script.chmod(0o755)
    result = ensure_browser(
        tmp_path,
        IBCF_BROWSER_CANDIDATES=str(target),
        IBCF_PLAYWRIGHT_INSTALL="echo 'Download failure' >&2; exit 1",
        IBCF_SYSTEM_INSTALL=str(script),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{target}\n"
    download = result.stderr.index("Playwright's download failed (exit 1)")
    assert download < result.stderr.index("trying the system package manager")


@pytest.mark.process
def test_hanging_download_is_stopped_in_time(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    started = time.monotonic()
    result = ensure_browser(
        tmp_path,
        IBCF_BROWSER_CANDIDATES=str(browser),
        IBCF_PLAYWRIGHT_INSTALL="sleep 60",
        IBCF_SYSTEM_INSTALL=f"printf '#!/bin/sh\\necho ok\\n' > {browser}; chmod +x {browser}",
        IBCF_BROWSER_INSTALL_SECONDS="1",
    )
    assert time.monotonic() - started < 50
    assert "Playwright's download gave no answer in 1 s" in result.stderr
    assert result.stdout == f"{browser}\n"


@pytest.mark.process
def test_no_browser_says_exactly_what_to_run(tmp_path: Path) -> None:
    result = ensure_browser(
        tmp_path,
        IBCF_BROWSER_CANDIDATES=str(tmp_path / "chromium"),
        IBCF_PLAYWRIGHT_INSTALL="exit 1",
        IBCF_SYSTEM_INSTALL="",
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "sudo apt-get install chromium" in result.stderr
    assert ".venv/bin/python -m playwright install chromium" in result.stderr
    assert "IBCF_CHROMIUM=/path/to/chromium make test" in result.stderr


def test_make_test_hands_the_browser_to_pytest() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert 'IBCF_CHROMIUM="$$($(BIN)/python -m scripts.ensure_browser)"' in recipe
    assert "pytest" in recipe.split("ensure_browser", 1)[1]
