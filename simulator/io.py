"""The only module that touches files: raw data in, scenario files and outputs out.

Everything here is thin: read bytes or text, hand them to pure functions elsewhere,
and write results atomically so a failed run never leaves half a file behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.errors import DataError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
OFFICIAL_DIR = DATA_DIR / "official"
SCENARIO_DIR = PROJECT_ROOT / "scenarios"

RAW_FILES = {
    "councils": "council_reference.csv",
    "populations": "council_population_ages.csv",
    "proxy": "covid19_tranche1_allocations.csv",
    "known_figures": "ibcf_known_figures.csv",
    "dtoc": "dtoc_monthly.csv",
    "expectation_facts": "dtoc_expectations_2017.csv",
    "dtoc_lookup": "dtoc_la_lookup_2017.csv",
}
# Optional official tables: dropping one of these in data/official/ replaces the
# reconstruction with no code change (schemas in data/README.md).
OFFICIAL_FILES = {
    "allocations": "ibcf_allocations_2018_19.csv",
    "expectations": "dtoc_expectations_2017_official.csv",
}


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells (validation converts types and reports bad cells)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path.name}: cannot be read ({exc.strerror})") from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path.name}: not a readable CSV ({exc})") from None
    frame.attrs["file"] = path.name
    return frame


def read_data_tables(
    raw_dir: Path = RAW_DIR, official_dir: Path = OFFICIAL_DIR
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], str]:
    """Read every raw table, any official override, and the hash of all input bytes."""
    raw = {key: read_csv_text(raw_dir / name) for key, name in RAW_FILES.items()}
    official: dict[str, pd.DataFrame] = {}
    paths = [raw_dir / name for name in RAW_FILES.values()]
    for key, name in OFFICIAL_FILES.items():
        path = official_dir / name
        if path.exists():
            official[key] = read_csv_text(path)
            paths.append(path)
    return raw, official, hash_files(paths)


def hash_files(paths: Iterable[Path]) -> str:
    """A short SHA-256 over file names and bytes: it changes when any input changes."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def file_mode() -> int:
    """The mode a new file gets from ``open()``: 0o666 less the process umask (read once,
    on the first write: os.umask can only be read by setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and rename; refuse to clobber.

    The file gets the usual permissions for a new file (not the private mode of a
    temporary file), so colleagues on a shared drive can read the outputs."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: exists; pass overwrite to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    write_atomic(path, text.encode("utf-8"), overwrite=overwrite)


def write_json(path: Path, obj: Any, *, overwrite: bool = False) -> None:
    write_text(path, json.dumps(obj, indent=2, default=str) + "\n", overwrite=overwrite)


def write_csv(path: Path, frame: pd.DataFrame, *, overwrite: bool = False) -> None:
    write_text(path, frame.to_csv(index=False, lineterminator="\n"), overwrite=overwrite)


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """Read a file's bytes, refusing files larger than ``limit``."""
    size = path.stat().st_size
    if limit is not None and size > limit:
        raise OSError(f"{size:,} bytes is larger than the {limit:,}-byte limit")
    return path.read_bytes()
