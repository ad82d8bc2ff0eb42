"""The only module that touches files: raw data in, scenario files and outputs out.

Everything here is thin: read bytes or text, hand them to pure functions elsewhere,
and write results atomically so a failed run never leaves half a file behind. Inputs
are read only from regular files, with a size limit (a FIFO or ``/dev/zero`` is
refused, not waited on). A command's output files are written as one set: into a
folder beside the target, swapped in as one step under a lock, so a reader (or a
second run) sees the old set or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import cells
from simulator.errors import DataError, SimulatorError
from simulator.schema.disk import read_bytes, umask, write_text

try:  # POSIX; elsewhere output sets are still swapped whole, without the lock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The folder that replaces data/ (its raw/ and official/ subfolders), e.g. to drop the
# official tables in beside an installed package.
DATA_DIR_VARIABLE = "IBCF_DATA_DIR"


def shipped_dir(name: str) -> Path:
    """The bundled folder ``name`` (``data`` or ``scenarios``).

    A checkout reads its own top-level folder, the source of truth; an installed wheel
    carries a copy of it inside the package (``simulator/bundled/NAME``), found through
    importlib.resources."""
    shipped = resources.files("simulator") / "bundled" / name
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return PROJECT_ROOT / name


DATA_DIR = Path(os.environ.get(DATA_DIR_VARIABLE) or shipped_dir("data"))
RAW_DIR = DATA_DIR / "raw"
OFFICIAL_DIR = DATA_DIR / "official"
SCENARIO_DIR = shipped_dir("scenarios")

RAW_FILES = {
    "councils": "council_reference.csv",
    "populations": "council_population_ages.csv",
    "proxy": "covid19_tranche1_allocations.csv",
    "known_figures": "ibcf_known_figures.csv",
    "dtoc": "dtoc_monthly.csv",
    "expectation_facts": "dtoc_expectations_2017.csv",
    "dtoc_lookup": "dtoc_la_lookup_2017.csv",
    "council_tax": "council_tax_requirement_2014_2020.csv",
    "taxbase": "council_taxbase_ctb_2016_2018.csv",
    "rnf_checkpoints": "asc_rnf_checkpoints.csv",
}
# The hex map's layout (not a model input: outside the data hash).
HEX_LAYOUT = RAW_DIR / "hex_upper_tier_2019.hexjson"
# Who bears an option (deprivation, rurality, area type, ASC spending): read by the
# distribution annex, not by the money, so outside the data hash like the hex layout.
DISTRIBUTION_FILE = "council_distribution.csv"
# Optional official tables: dropping one of these in data/official/ replaces the
# reconstruction with no code change (schemas in data/README.md).
OFFICIAL_FILES = {
    "allocations": "ibcf_allocations_2018_19.csv",
    "expectations": "dtoc_expectations_2017_official.csv",
}


# The largest input file is dtoc_monthly.csv (2.5 MB); anything near this is not ours.
MAX_DATA_BYTES = 64 * 1024 * 1024


def read_csv_text(path: Path, raw: bytes | None = None) -> pd.DataFrame:
    """Read a CSV as text cells (validation converts types and reports bad cells).

    ``raw`` is the file's bytes when already read (so the hash and the table come from
    the same read)."""
    if raw is None:
        try:
            raw = read_bytes(path, limit=MAX_DATA_BYTES)
        except OSError as exc:
            raise DataError(f"{path.name}: cannot be read ({_reason(exc)})") from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path.name}: not a readable CSV ({exc})") from None
    # A row cut short has no cells at its end: blank text, like any other empty cell.
    frame = frame.fillna("")
    frame.attrs["file"] = path.name
    return frame


def read_data_tables(
    raw_dir: Path = RAW_DIR, official_dir: Path = OFFICIAL_DIR
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], str]:
    """Read every raw table, any official override, and the hash of all input bytes."""
    contents: dict[str, bytes] = {}

    def read(path: Path) -> pd.DataFrame:
        try:
            contents[path.name] = read_bytes(path, limit=MAX_DATA_BYTES)
        except OSError as exc:
            raise DataError(f"{path.name}: cannot be read ({_reason(exc)})") from None
        return read_csv_text(path, contents[path.name])

    raw = {key: read(raw_dir / name) for key, name in RAW_FILES.items()}
    if (raw_dir / DISTRIBUTION_FILE).exists():
        raw["distribution"] = read_csv_text(raw_dir / DISTRIBUTION_FILE)
    official: dict[str, pd.DataFrame] = {}
    for key, name in OFFICIAL_FILES.items():
        path = official_dir / name
        if path.exists():
            official[key] = read(path)
    return raw, official, hash_contents(contents)


def read_hexjson(path: Path = HEX_LAYOUT) -> dict[str, Any]:
    """The hex map layout (HexJSON: ``layout`` and ``hexes`` by GSS code)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path.name}: not a readable HexJSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("hexes"), dict):
        raise DataError(f"{path.name}: no 'hexes' object")
    return data


def hash_contents(contents: dict[str, bytes]) -> str:
    """A short SHA-256 over file names and bytes: it changes when any input changes."""
    digest = hashlib.sha256()
    for name in sorted(contents):
        digest.update(name.encode())
        digest.update(contents[name])
    return digest.hexdigest()[:16]


def write_json(path: Path, obj: Any, *, overwrite: bool = False) -> None:
    write_text(path, json.dumps(obj, indent=2, default=str) + "\n", overwrite=overwrite)


def write_csv(path: Path, frame: pd.DataFrame, *, overwrite: bool = False) -> None:
    """Write ``frame`` as CSV; text that a spreadsheet would run as a formula is
    written as text (:func:`simulator.cells.csv_text`)."""
    write_text(path, cells.csv_text(frame), overwrite=overwrite)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------- output sets
# Output folders swapped in by this process (for an honest message on interruption).
COMMITTED: list[Path] = []


def _dir_mode() -> int:
    return 0o777 & ~umask()


def _staging_pattern(target: Path) -> re.Pattern[str]:
    """Names this module gives to what it keeps beside ``target``: a staged set
    (``.NAME.PID.RANDOM.partial``) and, during a swap, the previous set
    (``.NAME.PID.previous``)."""
    return re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.(?:(\w+)\.partial|previous)")


class OutputSet:
    """The files one command writes, staged beside ``target`` and swapped in together.

    Use as a context manager: creating it checks that the folder can be written
    (before any work is done); leaving it normally swaps the staged set in as one step;
    leaving it by an exception (including an interruption) removes the staged files
    and leaves ``target`` as it was. Files in ``target`` that are not part of the set
    are kept. Any :class:`OSError` becomes a one-line :class:`SimulatorError`.
    """

    def __init__(self, target: Path, names: list[str], *, overwrite: bool = False) -> None:
        self.shown = target  # as the user gave it, for messages
        # A symlinked folder is replaced where it really is, the link left as it was.
        self.target = Path(os.path.realpath(target))
        self.names = list(names)
        self.overwrite = overwrite
        self.staging: Path | None = None

    # -- set up
    def __enter__(self) -> OutputSet:
        target = self.target
        with self._os_errors("cannot write there"):
            if target.exists() and not target.is_dir():
                raise SimulatorError(f"{self.shown}: exists and is not a folder")
            here = Path.cwd().resolve()
            if target == here or target in here.parents:
                raise SimulatorError(
                    f"{self.shown}: is the current folder or holds it; the output set replaces "
                    "its folder as a whole, so write it to a folder of its own"
                )
            existing = next(p for p in target.parents if p.exists())
            if not existing.is_dir():
                raise SimulatorError(f"{self.shown}: {existing} is a file, not a folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            self._check_clashes()
            prefix = f".{target.name}.{os.getpid()}."
            self.staging = Path(
                tempfile.mkdtemp(dir=target.parent, prefix=prefix, suffix=".partial")
            )
            os.chmod(self.staging, _dir_mode())
        return self

    def _check_clashes(self) -> None:
        clash = [n for n in self.names if (self.target / n).exists()]
        if clash and not self.overwrite:
            raise SimulatorError(
                f"{self.shown}: would overwrite {', '.join(clash)}; "
                "use --overwrite or another --out"
            )

    @contextlib.contextmanager
    def _os_errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SimulatorError:
            raise
        except OSError as exc:
            raise SimulatorError(f"{self.shown}: {doing} ({_reason(exc)})") from None

    # -- writing
    def write_bytes(self, name: str, data: bytes) -> None:
        if name not in self.names:
            raise ValueError(f"{name} is not one of this output set's files")
        assert self.staging is not None, "use OutputSet as a context manager"
        with self._os_errors(f"cannot write {name}"):
            (self.staging / name).write_bytes(data)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_json(self, name: str, obj: Any) -> None:
        self.write_text(name, json.dumps(obj, indent=2, default=str) + "\n")

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        self.write_text(name, cells.csv_text(frame))

    # -- finishing
    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            if kind is None:
                missing = [n for n in self.names if not (self._staged() / n).exists()]
                if missing:
                    raise RuntimeError(f"output set incomplete: {', '.join(missing)}")
                self._commit()
        finally:
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)

    def _staged(self) -> Path:
        assert self.staging is not None
        return self.staging

    def _commit(self) -> None:
        """Swap the staged folder in under a lock on the parent folder, with SIGINT and
        SIGTERM held back until the swap is done (it takes microseconds)."""
        target, staging = self.target, self._staged()
        backup = target.parent / f".{target.name}.{os.getpid()}.previous"
        with self._os_errors("cannot replace the output folder"), _locked(target.parent):
            _clean_stale(target)
            self._check_clashes()  # another run may have written meanwhile
            if target.is_dir():
                # Keep what is not ours: link (not move) it into the new set, so the old
                # folder stays whole until the swap.
                for entry in target.iterdir():
                    if entry.name not in self.names:
                        _link_tree(entry, staging / entry.name)
            try:
                with _signals_held():
                    if target.is_dir():
                        os.rename(target, backup)
                        os.rename(staging, target)
                    else:
                        os.rename(staging, target)
                    self.staging = None
                    COMMITTED.append(target)
            finally:  # also when a signal held back arrives as the hold ends
                if backup.exists() and not target.exists():
                    os.rename(backup, target)  # the new set did not arrive: keep the old
                shutil.rmtree(backup, ignore_errors=True)


def _link_tree(source: Path, dest: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, dest, symlinks=True, copy_function=os.link)
    elif source.is_symlink():
        os.symlink(os.readlink(source), dest)
    else:
        os.link(source, dest)


def _clean_stale(target: Path) -> None:
    """Remove what a killed run (SIGKILL, power cut) left beside ``target``: staged sets
    of processes that no longer run, and a previous set if the swap was cut short (put
    back if the new one never arrived). Called with the lock held."""
    pattern = _staging_pattern(target)
    for entry in target.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if match.group(2) is None and not target.exists():
            os.rename(entry, target)  # the swap was cut short: put the old set back
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) is not a probe on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (flock on the folder itself: no lock file)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
