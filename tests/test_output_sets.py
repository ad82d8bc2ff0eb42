"""Output folders are written as one set: concurrent runs, interruptions, kills, and
folders that cannot be written never leave a mixture, a fragment or a traceback."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from simulator import cli, io
from simulator.cli import main
from simulator.engine import run as engine
from simulator.errors import SimulatorError
from simulator.schema.files import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
STATUS_QUO = SCENARIOS / "status-quo.toml"
OCTOBER = SCENARIOS / "october-2017-letter.toml"
RUN_FILES = [
    "councils.csv",
    "summary.json",
    "projection.csv",
    "distribution.csv",
    "stability.csv",
    "incentives.csv",
    "report.xlsx",
    "scenario.toml",
]


def ibcf(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", "-q", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_set(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def assert_consistent(out: Path) -> str:
    """The files of one run: the stamped scenario, the summary and the council
    table all describe the same scenario. Returns its name."""
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    stamped = parse_scenario((out / "scenario.toml").read_bytes(), source="scenario.toml")
    summary = json.loads((out / "summary.json").read_text())
    councils = pd.read_csv(out / "councils.csv")
    assert summary["scenario"] == stamped.name
    assert summary["scenario_hash"] == stamped.content_hash()
    assert int(councils["selected"].sum()) == summary["councils_selected"]
    assert int(councils["conditioned"].sum()) == summary["total_conditioned"]
    return stamped.name


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.process
def test_concurrent_overwrite_runs_leave_one_consistent_set(tmp_path: Path) -> None:
    """Three runs of two scenarios into one folder, at the same time, into a new folder
    and then over a set: all succeed and the folder holds one of them, whole (the status
    quo selects no council, the October letter 37, so a mixture cannot pass)."""
    out = tmp_path / "shared"
    for scenarios in ((STATUS_QUO, OCTOBER, STATUS_QUO), (OCTOBER, STATUS_QUO, OCTOBER)):
        runs = [
            ibcf("run", str(s), "--out", str(out), "--overwrite", "--draws", "0") for s in scenarios
        ]
        for proc in runs:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
        assert assert_consistent(out) in ("Status quo", "October 2017 letter")
        assert hidden_leftovers(tmp_path) == []


# ``ibcf`` in a process that stops half way through writing its set, with the set's
# first files staged and none swapped in: it says so on a pipe, then waits there for the
# signal the test sends. The test waits for that word, not for a moment.
PAUSED_RUN = """
import os, signal, sys, time
from simulator import io
from simulator.cli import main

# Ctrl-C as a terminal delivers it to a foreground run: a suite started as a background
# job (a shell's `&`) would otherwise pass SIGINT down ignored, and the run sleep on.
signal.signal(signal.SIGINT, signal.default_int_handler)
ready = int(sys.argv[1])
write_bytes = io.OutputSet.write_bytes

def pause_after_the_summary(self, name, data):
    write_bytes(self, name, data)
    if name == "summary.json":
        os.write(ready, b"staged")
        os.close(ready)
        time.sleep(600)

io.OutputSet.write_bytes = pause_after_the_summary
sys.exit(main(sys.argv[2:]))
"""


def signal_mid_write(folder: Path, signum: int) -> tuple[Path, dict[str, bytes], int, str]:
    """Run the status quo into ``folder/out``, then start an --overwrite run of the
    October letter and send it ``signum`` once it has staged part of its set. Returns the
    folder, its old set, and the second run's exit code and stderr."""
    out = folder / "out"
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 0
    old = run_set(out)
    read_end, write_end = os.pipe()
    args = ["-q", "run", str(OCTOBER), "--out", str(out), "--overwrite", "--draws", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_RUN, str(write_end), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as ready:
        said = ready.read()  # until the run closes its end: staged, or ended early
    if said != b"staged":
        proc.kill()
        raise AssertionError(f"the run ended before staging its set: {proc.communicate()[1]}")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=600)
    return out, old, proc.returncode, err


@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_the_old_set(tmp_path: Path, signum: int) -> None:
    out, old, code, err = signal_mid_write(tmp_path, signum)
    assert code == 128 + signum, err
    assert "Traceback" not in err
    assert "interrupted; no output was written, files are unchanged" in err
    assert run_set(out) == old
    assert hidden_leftovers(tmp_path) == []


@pytest.mark.process
def test_a_killed_run_leaves_the_old_set_and_the_next_run_tidies(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the staged files stay behind, the old set is whole, and
    the next run into the folder removes what the dead run left."""
    out, old, code, _ = signal_mid_write(tmp_path, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert run_set(out) == old
    code = main(["-q", "run", str(OCTOBER), "--out", str(out), "--overwrite", "--draws", "0"])
    assert code == 0
    assert assert_consistent(out) == "October 2017 letter"
    assert hidden_leftovers(tmp_path) == []


def test_other_files_in_the_output_folder_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "my notes.txt").write_text("mine\n")
    (out / "older").mkdir()
    (out / "older" / "kept.csv").write_text("a\n1\n")
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 0
    assert (out / "my notes.txt").read_text() == "mine\n"
    assert (out / "older" / "kept.csv").read_text() == "a\n1\n"
    assert (out / "summary.json").exists()


# --------------------------------------------------------------------------- unwritable
def no_model(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model ran before the folder was checked")


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("under_a_file", "is a file, not a folder"),
        ("proc", "cannot write there"),
    ],
)
def test_an_unwritable_folder_is_one_line_before_the_model_runs(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    words: str,
) -> None:
    (tmp_path / "a file").write_text("x\n")
    out = tmp_path / "a file" / "out" if where == "under_a_file" else Path("/proc/ibcf-out")
    monkeypatch.setattr(engine, "evaluate", no_model)
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ibcf: error: {out}: ") and words in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_read_only_folder_is_one_line_before_the_model_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder refuses the staging folder (simulated: the tests may run as
    root, who can write anywhere)."""

    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("tempfile.mkdtemp", read_only)
    monkeypatch.setattr(engine, "evaluate", no_model)
    out = tmp_path / "out"
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 2
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {out}: cannot write there (Read-only file system)\n"


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:
        if self.name == "report.xlsx":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    out = tmp_path / "out"
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 2
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {out}: cannot write report.xlsx (No space left on device)\n"
    assert list(tmp_path.iterdir()) == []


def test_the_output_folder_cannot_be_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "evaluate", no_model)
    assert main(["-q", "run", str(STATUS_QUO), "--out", ".", "--draws", "0"]) == 2
    assert "is the current folder or holds it" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the set itself
def staged(target: Path, text: str) -> io.OutputSet:
    out = io.OutputSet(target, ["a.txt", "b.txt"], overwrite=True)
    out.__enter__()
    out.write_text("a.txt", text)
    out.write_text("b.txt", text)
    return out


def contents(target: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(target.iterdir())}


def test_two_interleaved_sets_end_with_the_last_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "out"
    first, second = staged(target, "first"), staged(target, "second")
    first.__exit__(None, None, None)
    assert contents(target) == {"a.txt": "first", "b.txt": "first"}
    second.__exit__(None, None, None)
    assert contents(target) == {"a.txt": "second", "b.txt": "second"}
    assert hidden_leftovers(tmp_path) == []


def test_a_swap_that_fails_half_way_keeps_the_old_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    staged(target, "old").__exit__(None, None, None)
    new = staged(target, "new")
    real = os.rename
    calls: list[str] = []

    def second_rename_fails(src: object, dst: object) -> None:
        calls.append(str(src))
        if len(calls) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", second_rename_fails)
    with pytest.raises(SimulatorError, match="cannot replace the output folder"):
        new.__exit__(None, None, None)
    assert contents(target) == {"a.txt": "old", "b.txt": "old"}
    assert hidden_leftovers(tmp_path) == []


def test_an_incomplete_set_is_never_swapped_in(tmp_path: Path) -> None:
    target = tmp_path / "out"
    out = io.OutputSet(target, ["a.txt", "b.txt"])
    with pytest.raises(RuntimeError, match=r"output set incomplete: b\.txt"), out:
        out.write_text("a.txt", "only one")
    assert list(tmp_path.iterdir()) == []


def test_a_symlinked_output_folder_is_replaced_where_it_is(tmp_path: Path) -> None:
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real)
    staged(link, "via the link").__exit__(None, None, None)
    assert link.is_symlink()
    assert contents(real) == {"a.txt": "via the link", "b.txt": "via the link"}
    assert hidden_leftovers(tmp_path) == []


def test_an_interruption_after_the_swap_says_the_set_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the summary is printed, after the set is in place: the message says
    the folder was written in full (and it is)."""

    def interrupted(text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_out", interrupted)
    out = tmp_path / "out"
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 130
    assert capsys.readouterr().err == f"ibcf: interrupted; {out} was written in full before it\n"
    assert assert_consistent(out) == "Status quo"


# --------------------------------------------------------------------------- others' files
class Writer(threading.Thread):
    """Another program saving files into the output folder as fast as it can (one a
    millisecond at most), each once, named in order; ``written`` lists those it saved."""

    def __init__(self, folder: Path, prefix: str = "theirs") -> None:
        super().__init__(daemon=True)
        self.folder, self.prefix = folder, prefix
        self.written: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            name = f"{self.prefix}-{n:06d}.txt"
            try:
                (self.folder / name).write_text(name)
            except FileNotFoundError:  # between two renames of the swap: try again
                continue
            self.written.append(name)
            n += 1
            time.sleep(0.001)

    def __enter__(self) -> Writer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.join()


def test_files_another_program_writes_during_a_swap_are_never_lost(tmp_path: Path) -> None:
    """2,000 files of the user's, a writer saving a new one every millisecond, and 30
    sets swapped in over them: every file the writer saved is there, whole, and the
    last set is whole (on the old code the files saved between the linking and the swap
    went with the old folder)."""
    target = tmp_path / "out"
    target.mkdir()
    for i in range(2000):
        (target / f"mine-{i:04d}.txt").write_text(str(i))
    with Writer(target) as writer:
        for k in range(30):
            staged(target, f"set {k}").__exit__(None, None, None)
    names = {p.name for p in target.iterdir()}
    lost = [n for n in writer.written if n not in names]
    assert len(writer.written) > 30 and lost == [], f"{len(lost)} of {len(writer.written)} lost"
    assert all((target / n).read_text() == n for n in writer.written)
    assert all((target / f"mine-{i:04d}.txt").read_text() == str(i) for i in range(2000))
    assert (target / "a.txt").read_text() == (target / "b.txt").read_text() == "set 29"
    assert hidden_leftovers(tmp_path) == []


@pytest.mark.process
def test_files_another_program_writes_during_overwrite_runs_are_never_lost(
    tmp_path: Path,
) -> None:
    """The command itself: two --overwrite runs while a writer saves into --out."""
    out = tmp_path / "out"
    out.mkdir()
    for i in range(500):
        (out / f"mine-{i:04d}.txt").write_text(str(i))
    with Writer(out) as writer:
        for scenario in (OCTOBER, STATUS_QUO):
            proc = ibcf("run", str(scenario), "--out", str(out), "--overwrite", "--draws", "0")
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
    names = {p.name for p in out.iterdir()}
    assert [n for n in writer.written if n not in names] == []
    assert sorted(n for n in names if not n.startswith(("mine-", "theirs-"))) == sorted(RUN_FILES)
    assert hidden_leftovers(tmp_path) == []


def test_a_file_renamed_during_the_linking_does_not_fail_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file renamed (an editor saving, a sync client) between the listing of the folder
    and its linking: the set is swapped in, the file is there under its new name only,
    and a file removed meanwhile stays removed."""
    target = tmp_path / "out"
    target.mkdir()
    for name in ("a-draft.txt", "b-draft.txt", "c-old.txt"):
        (target / name).write_text(name)
    real = os.link

    def renamed_first(src: object, dst: object, **kwargs: object) -> None:
        source = Path(str(src))
        if source.name == "a-draft.txt":  # renamed just before we link it
            os.rename(source, source.with_name("a-final.txt"))
            (source.parent / "c-old.txt").unlink()  # removed after it was linked
        real(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", renamed_first)
    staged(target, "new").__exit__(None, None, None)
    assert contents(target) == {
        "a-final.txt": "a-draft.txt",
        "a.txt": "new",
        "b-draft.txt": "b-draft.txt",
        "b.txt": "new",
    }
    assert hidden_leftovers(tmp_path) == []


def test_a_file_replaced_during_the_linking_keeps_its_new_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves by writing a new file over the old name after we linked the old
    one: the new content wins; a subfolder's new file is kept too."""
    target = tmp_path / "out"
    (target / "sub").mkdir(parents=True)
    (target / "notes.txt").write_text("first draft")
    (target / "sub" / "kept.txt").write_text("kept")
    real_rename = os.rename
    done: list[bool] = []

    def save_before_the_swap(src: object, dst: object) -> None:
        if not done and Path(str(src)) == target:
            done.append(True)
            (target / "notes.new").write_text("second draft")
            real_rename(target / "notes.new", target / "notes.txt")
            (target / "sub" / "late.txt").write_text("late")
        real_rename(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", save_before_the_swap)
    staged(target, "new").__exit__(None, None, None)
    assert done == [True]
    assert (target / "notes.txt").read_text() == "second draft"
    assert (target / "sub" / "kept.txt").read_text() == "kept"
    assert (target / "sub" / "late.txt").read_text() == "late"
    assert not (target / "notes.new").exists()
    assert hidden_leftovers(tmp_path) == []


def test_the_lock_is_a_file_lock_held_for_the_swap(tmp_path: Path) -> None:
    """filelock, on a lock file named after the folder outside it: while another
    process holds it, a swap waits; nothing is left beside the output."""
    target = tmp_path / "out"
    new = staged(target, "waited")
    lock = FileLock(io._lock_file(tmp_path))
    with lock:
        swap = threading.Thread(target=new.__exit__, args=(None, None, None))
        swap.start()
        time.sleep(0.3)
        assert not target.exists()  # still waiting for the lock
    swap.join(timeout=30)
    assert contents(target) == {"a.txt": "waited", "b.txt": "waited"}
    assert hidden_leftovers(tmp_path) == []
    assert not io._lock_file(tmp_path).is_relative_to(tmp_path)


def test_an_interruption_during_the_swap_still_settles_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C held back during the swap arrives as the hold ends: the new set is in
    place, the user's files are in it and nothing is left beside it."""
    target = tmp_path / "out"
    staged(target, "old").__exit__(None, None, None)
    (target / "mine.txt").write_text("mine")
    new = staged(target, "new")
    real = io._signals_held
    holds: list[int] = []

    @contextlib.contextmanager
    def interrupted_after_the_swap() -> Iterator[None]:
        holds.append(1)
        with real():
            yield
        if len(holds) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(io, "_signals_held", interrupted_after_the_swap)
    with pytest.raises(KeyboardInterrupt):
        new.__exit__(None, None, None)
    assert contents(target) == {"a.txt": "new", "b.txt": "new", "mine.txt": "mine"}
    assert hidden_leftovers(tmp_path) == []
