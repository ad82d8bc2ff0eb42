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
import stat
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock

from simulator import cells
from simulator.errors import DataError, SimulatorError
from simulator.schema.disk import read_bytes, umask, write_text

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
    "outturn": "revenue_outturn_2018_19.csv",
}
# The hex map's layout (not a model input: outside the data hash).
HEX_FILE = "hex_upper_tier_2019.hexjson"
HEX_LAYOUT = RAW_DIR / HEX_FILE
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


def check_data_folder(raw_dir: Path = RAW_DIR) -> None:
    """The data folder has every file anything reads (the raw tables and the hex map's
    layout; the official tables are optional), or one error naming the folder, what is
    missing, and the variable that chose the folder when it is set."""
    data_dir = raw_dir.parent
    chosen = os.environ.get(DATA_DIR_VARIABLE)
    named = f" (from {DATA_DIR_VARIABLE}={chosen})" if chosen else ""
    layout = "it holds raw/ and, optionally, official/ (data/README.md)"
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: no such data folder{named}; {layout}")
    if not raw_dir.is_dir():
        raise DataError(f"{data_dir}: the data folder{named} has no raw/ folder; {layout}")
    wanted = [*RAW_FILES.values(), HEX_FILE]
    missing = [name for name in wanted if not os.path.lexists(raw_dir / name)]
    if missing:
        raise DataError(
            f"{raw_dir}: missing {', '.join(missing)}{named} (every file the model, the "
            "reports and the app read; data/README.md lists them)"
        )


def read_data_tables(
    raw_dir: Path = RAW_DIR, official_dir: Path = OFFICIAL_DIR
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], str]:
    """Read every raw table, any official override, and the hash of all input bytes,
    after :func:`check_data_folder`."""
    check_data_folder(raw_dir)
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


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when there is no such file."""
    try:
        return hashlib.sha256(read_bytes(path, limit=MAX_DATA_BYTES)).hexdigest()
    except FileNotFoundError:
        return None


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

    def extend(self, names: list[str]) -> None:
        """More files for the set, named only once the work is done (a design's scenario
        files); refused, like the first ones, where they would overwrite a file."""
        self.names += [n for n in names if n not in self.names]
        self._check_clashes()

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
        SIGTERM held back until the swap is done (it takes microseconds), then settle
        the previous folder into the new one (:func:`_settle`): only our own files and
        our links are removed from it, and it is removed only once empty, so a file
        another program writes into the folder meanwhile is never lost."""
        target, staging = self.target, self._staged()
        backup = target.parent / f".{target.name}.{os.getpid()}.previous"
        with self._os_errors("cannot replace the output folder"), _locked(target.parent):
            _clean_stale(target, self.names)
            self._check_clashes()  # another run may have written meanwhile
            linked = Linked()
            if target.is_dir():
                # Keep what is not ours: link (not move) it into the new set, so the old
                # folder stays whole until the swap.
                _link_others(target, staging, set(self.names), linked)
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
                elif backup.exists():
                    with _signals_held():
                        _settle(backup, target, set(self.names), linked)


class Linked:
    """What :func:`_link_others` put into a new set, by path inside the folder: each
    file's identity when linked, and the folders it made."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[object, ...] | None] = {}
        self.folders: list[str] = []


def _identity(path: Path) -> tuple[object, ...] | None:
    """What makes two names the same file: the inode (a hard link shares it), or a
    symbolic link's text; ``None`` when nothing is there."""
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            return ("->", os.readlink(path))
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _link_others(source: Path, dest: Path, ours: set[str], linked: Linked, rel: str = "") -> None:
    """Hard-link every file under ``source`` but ``ours`` into ``dest`` (folders made
    afresh, symbolic links copied), recording what was linked in ``linked``. An entry
    renamed or removed meanwhile is passed over: it is settled after the swap."""
    try:
        entries = sorted(os.scandir(source), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name in ours:
            continue
        here, there, name = source / entry.name, dest / entry.name, f"{rel}{entry.name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                os.mkdir(there)
                linked.folders.append(name)
                shutil.copystat(here, there, follow_symlinks=False)
                _link_others(here, there, set(), linked, f"{name}/")
                continue
            if entry.is_symlink():
                os.symlink(os.readlink(here), there)
            else:
                os.link(here, there, follow_symlinks=False)
        except FileNotFoundError:
            continue
        linked.files[name] = _identity(there)


def _settle(old: Path, new: Path, ours: set[str], linked: Linked) -> None:
    """Bring into ``new`` whatever reached the folder ``old`` between the linking and
    the swap, then remove ``old`` if (and only if) it is empty.

    In ``old``: the previous set's own files are removed; a file ``new`` holds as the
    same file (a link made before the swap) is unlinked here; a file created meanwhile
    moves to ``new``; a file replaced meanwhile replaces the older copy in ``new``; a
    file removed or renamed meanwhile is removed from ``new`` too. Anything else (the
    same name written in both folders) stays in ``old``, which is then kept."""
    gone = [n for n in linked.files if not os.path.lexists(old / n)]
    made_gone = [n for n in linked.folders if not os.path.lexists(old / n)]
    with contextlib.suppress(OSError):
        _settle_folder(old, new, "", ours, linked)
    for name in gone:
        if linked.files[name] == _identity(new / name):
            with contextlib.suppress(OSError):
                os.unlink(new / name)
    for name in sorted(made_gone, reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(new / name)  # only if empty
    with contextlib.suppress(OSError):
        os.rmdir(old)  # only if empty: never a folder that may hold someone's file


def _settle_folder(old: Path, new: Path, rel: str, ours: set[str], linked: Linked) -> None:
    for entry in sorted(os.scandir(old / rel if rel else old), key=lambda e: e.name):
        name = f"{rel}{entry.name}"
        here, there = old / name, new / name
        try:
            if not rel and entry.name in ours:
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(here)  # the previous set's file: the new set has its own
            elif entry.is_dir(follow_symlinks=False):
                if there.is_dir() and not there.is_symlink():
                    _settle_folder(old, new, f"{name}/", set(), linked)
                    with contextlib.suppress(OSError):
                        os.rmdir(here)
                elif not os.path.lexists(there):
                    os.rename(here, there)
            elif _identity(here) == _identity(there):
                os.unlink(here)  # the same file, linked into the new set
            elif not os.path.lexists(there):
                _move(here, there)  # written meanwhile
            elif linked.files.get(name) == _identity(there):
                os.replace(here, there)  # replaced meanwhile: newer than what was linked
        except OSError:
            continue  # left in the old folder, which is then kept


def _move(here: Path, there: Path) -> None:
    """Rename without replacing a file that appears at ``there`` meanwhile."""
    try:
        os.link(here, there, follow_symlinks=False)
    except FileExistsError:
        return
    except OSError:  # a file system without hard links
        os.rename(here, there)
        return
    os.unlink(here)


def _clean_stale(target: Path, ours: list[str]) -> None:
    """Tidy what a killed run (SIGKILL, power cut) left beside ``target``: staged sets
    of processes that no longer run are removed, and a previous set is put back if the
    new one never arrived, else settled into it like a finished swap's. Called with the
    lock held."""
    pattern = _staging_pattern(target)
    for entry in target.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if match.group(2) is not None:
            shutil.rmtree(entry, ignore_errors=True)  # only our files and links
        elif not target.exists():
            os.rename(entry, target)  # the swap was cut short: put the old set back
        else:
            _settle(entry, target, set(ours), Linked())


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


def _lock_file(folder: Path) -> Path:
    """The lock file for output sets beside ``folder``'s entries: in a folder of this
    user's own under the temporary folder (so nothing is left beside the output), named
    by the folder's real path."""
    locks = Path(tempfile.gettempdir()) / f"ibcf-locks-{_user()}"
    locks.mkdir(mode=0o700, exist_ok=True)
    if os.name == "posix" and (locks.is_symlink() or locks.stat().st_uid != os.getuid()):
        raise SimulatorError(f"{locks}: not this user's folder; remove it to write outputs")
    key = hashlib.sha256(os.fsencode(os.path.realpath(folder))).hexdigest()[:24]
    return locks / f"{key}.lock"


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    return re.sub(r"[^\w.-]", "_", os.environ.get("USERNAME", "user"))  # pragma: no cover


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` for this machine's runs (filelock: fcntl on
    POSIX, msvcrt on Windows), waited on as long as another run holds it."""
    with FileLock(_lock_file(folder)):
        yield


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
