"""The dependency locks: ``write`` refreshes them from pyproject.toml (``make lock``
keeps the versions already locked where it can; ``make lock-upgrade`` takes the newest),
``check`` fails when pyproject's dependencies changed since (``make install`` runs it),
``pin NAME`` prints one package's locked lines, hashes included (``make install`` takes
the lock's uv that way, with pip, and installs the rest with it).

Two locks, both with exact versions and hashes, resolved for Python 3.11 on every
platform by uv:

- ``requirements.lock``: the newest versions pyproject allows, with the ``dev`` extra
  (the app, tests and tools). ``make install`` and CI install exactly this.
- ``requirements-lowest.lock``: the lowest version of each direct dependency that
  pyproject allows (``app`` and ``test`` extras), to prove the lower bounds honest
  (``make check-lowest``).

Each lock's first line records a digest of the dependency tables of pyproject.toml, so
a lock that no longer matches is caught before anything is installed. Standard library
only: ``check`` runs before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PYTHON_VERSION = "3.11"
LOCKS = {
    "requirements.lock": ["--extra", "dev"],
    "requirements-lowest.lock": [
        "--extra",
        "app",
        "--extra",
        "test",
        "--resolution",
        "lowest-direct",
    ],
}
STAMP = "# pyproject dependencies sha256: "
HEADER = "# Made by `make lock` (scripts/lock.py) with uv from pyproject.toml: do not edit.\n"


def dependency_digest(pyproject: Path = PYPROJECT) -> str:
    """A digest of what a lock depends on: requires-python, dependencies and extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    tables = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    """The digest a lock was made from, or None when the lock has none."""
    first = lock.read_text(encoding="utf-8").splitlines()[:1]
    if first and first[0].startswith(STAMP):
        return first[0].removeprefix(STAMP).strip()
    return None


def stale_locks(root: Path = ROOT) -> list[str]:
    """The locks that are missing or were made from other dependencies than pyproject's."""
    want = dependency_digest(root / "pyproject.toml")
    stale = []
    for name in LOCKS:
        lock = root / name
        if not lock.exists() or recorded_digest(lock) != want:
            stale.append(name)
    return stale


def check(root: Path = ROOT) -> int:
    stale = stale_locks(root)
    if not stale:
        return 0
    print(
        f"{', '.join(stale)}: out of date with the dependencies in pyproject.toml.\n"
        "Run `make lock` to refresh the lock files, review the version changes "
        "(git diff), and commit them with pyproject.toml.",
        file=sys.stderr,
    )
    return 1


def write(uv: str, *, upgrade: bool = False) -> int:
    """Resolve both locks. Versions already locked are kept where pyproject still allows
    them (uv reads the old lock as preferences), unless ``upgrade``."""
    digest = dependency_digest()
    for name, options in LOCKS.items():
        lock = ROOT / name
        tmp = lock.with_name(f".{name}.tmp")
        if lock.exists() and not upgrade:
            tmp.write_bytes(lock.read_bytes())
        else:
            tmp.unlink(missing_ok=True)
        command = [
            uv,
            "pip",
            "compile",
            "pyproject.toml",
            *options,
            "--universal",
            "--python-version",
            PYTHON_VERSION,
            "--generate-hashes",
            "--quiet",
            "--no-header",
            "--output-file",
            str(tmp),
            *(["--upgrade"] if upgrade else []),
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            print(result.stderr, file=sys.stderr, end="")
            print(f"{name}: uv could not resolve the dependencies", file=sys.stderr)
            return result.returncode
        body = tmp.read_text(encoding="utf-8")
        tmp.write_text(f"{STAMP}{digest}\n{HEADER}{body}", encoding="utf-8")
        tmp.replace(lock)
        print(f"wrote {name}")
    return 0


def pin(name: str, lock: Path = ROOT / "requirements.lock") -> str:
    """The lines of ``lock`` that pin ``name`` (its version and hashes), as a requirements
    file of one package; an error naming the lock when it pins no such package."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{name}==")), None)
    if start is None:
        raise SystemExit(f"{lock.name}: no pin for {name}")
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith((" ", "\t")):
            break
        block.append(line)
    return "\n".join(block) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["pin"] and len(argv) == 2:
        print(pin(argv[1]), end="")
        return 0
    if argv[:1] == ["write"] and len(argv) in (2, 3) and argv[2:] in ([], ["--upgrade"]):
        return write(argv[1], upgrade=argv[2:] == ["--upgrade"])
    print(
        "usage: lock.py check | lock.py pin NAME | lock.py write PATH-TO-UV [--upgrade]",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
