"""Output folders are written as one set: concurrent runs, interruptions, kills, and
folders that cannot be written never leave a mixture, a fragment or a traceback."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

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


def test_concurrent_overwrite_runs_leave_one_consistent_set(tmp_path: Path) -> None:
    """Four runs of two scenarios into one folder, at the same time: all succeed
    and the folder holds one of them, whole (the status quo selects no council, the
    October letter 37, so a mixture cannot pass)."""
    out = tmp_path / "shared"
    for _ in range(2):
        runs = [
            ibcf("run", str(s), "--out", str(out), "--overwrite", "--draws", "0")
            for s in (STATUS_QUO, OCTOBER, STATUS_QUO, OCTOBER)
        ]
        for proc in runs:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
        assert assert_consistent(out) in ("Status quo", "October 2017 letter")
        assert hidden_leftovers(tmp_path) == []


def wait_until_writing(parent: Path, before: dict[str, float], proc: subprocess.Popen) -> None:
    """Wait until the run has written something under ``parent`` (a staged file or a
    changed output file): the moment an interruption would split a set."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        now = {str(p): p.stat().st_mtime for p in parent.rglob("*") if p.is_file()}
        if any(name not in before or before[name] != t for name, t in now.items()):
            return
        time.sleep(0.005)
    raise AssertionError("the run finished or hung before writing anything")


def signal_mid_write(folder: Path, signum: int) -> tuple[Path, dict[str, bytes], int, str]:
    """Run the status quo into ``folder/out``, then start an --overwrite run of the
    October letter and send it ``signum`` while it writes. Returns the folder, its old
    set, and the second run's exit code and stderr."""
    out = folder / "out"
    assert main(["-q", "run", str(STATUS_QUO), "--out", str(out), "--draws", "0"]) == 0
    old = run_set(out)
    before = {str(p): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}
    proc = ibcf("run", str(OCTOBER), "--out", str(out), "--overwrite", "--draws", "50")
    wait_until_writing(folder, before, proc)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=600)
    return out, old, proc.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_the_old_set(tmp_path: Path, signum: int) -> None:
    out, old, code, err = signal_mid_write(tmp_path, signum)
    assert code == 128 + signum, err
    assert "Traceback" not in err
    assert "interrupted; no output was written, files are unchanged" in err
    assert run_set(out) == old
    assert hidden_leftovers(tmp_path) == []


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
