"""Reading and writing one file, with the standard library only.

The size-limited read of a regular file and the atomic write that every input and
output goes through: :mod:`simulator.io` builds the data tables and output sets on
them, and the scenario files are read and saved with them directly, so loading a
scenario loads no numpy or pandas.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import tempfile
from pathlib import Path


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """Read a regular file's bytes, refusing anything else (a FIFO, a device, a folder)
    and files larger than ``limit``; the limit holds even if the file grows meanwhile.

    Raises :class:`FileNotFoundError` or another :class:`OSError` whose ``strerror``
    says why."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise OSError(errno.EINVAL, f"not a regular file ({kind})")
    with os.fdopen(fd, "rb") as handle:
        if limit is not None and info.st_size > limit:
            raise OSError(
                errno.EFBIG, f"{info.st_size:,} bytes is larger than the {limit:,}-byte limit"
            )
        data = handle.read(limit + 1 if limit is not None else -1)
    if limit is not None and len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than the {limit:,}-byte limit")
    return data


@functools.cache
def umask() -> int:
    """The process umask (read once, on the first write: os.umask can only be read by
    setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets from ``open()``: 0o666 less the process umask."""
    return 0o666 & ~umask()


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


def check_writable(path: Path) -> None:
    """Raise :class:`OSError` unless a file could be written at ``path`` now (its folder
    made if missing, a trial file created and removed): checked before long work."""
    existing = next((p for p in path.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{existing} is a file, not a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)


def write_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` as UTF-8, atomically (:func:`write_atomic`)."""
    write_atomic(path, text.encode("utf-8"), overwrite=overwrite)
