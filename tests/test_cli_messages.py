"""Errors the command line gives name what is wrong: the data folder and the variable
that named it, the brief's own target (checked before the model runs), the key that
holds a too-long integer, a Windows path on POSIX; a warning never repeats a huge value."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.design import run as design_run
from simulator.engine import run as engine
from simulator.errors import ScenarioError
from simulator.schema.files import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
STATUS_QUO = ROOT / "scenarios" / "status-quo.toml"
DESIGN = ROOT / "scenarios" / "designs" / "october-criteria-family.toml"


def no_model(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model ran before the target was checked")


def ibcf(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


# --------------------------------------------------------------------------- IBCF_DATA_DIR
@pytest.mark.process
def test_wrong_ibcf_data_dir_names_the_folder_and_the_variable(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-data"
    done = ibcf("data", "check", env={"IBCF_DATA_DIR": str(missing)})
    assert done.returncode == 2
    assert done.stderr == (
        f"ibcf: error: {missing}: no such data folder (from IBCF_DATA_DIR={missing}); it holds "
        "raw/ and, optionally, official/ (data/README.md)\n"
    )
    empty = tmp_path / "empty"
    (empty / "raw").mkdir(parents=True)
    done = ibcf(
        "run", str(STATUS_QUO), "--out", str(tmp_path / "out"), env={"IBCF_DATA_DIR": str(empty)}
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"ibcf: error: {empty / 'raw'}: missing council_reference.csv")
    assert f"(from IBCF_DATA_DIR={empty})" in done.stderr


# --------------------------------------------------------------------------- the brief
def test_brief_into_a_folder_named_like_a_pdf_is_refused_before_the_model_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "DIR.pdf"
    folder.mkdir()
    monkeypatch.setattr(engine, "evaluate", no_model)
    args = ["-q", "brief", str(STATUS_QUO), "--out", str(folder), "--overwrite"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {folder}: is a folder; give the brief a file name ending .pdf\n"


def test_brief_into_a_read_only_folder_is_refused_before_the_model_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated (the tests may run as root, who can write anywhere): the message names
    the brief, not the hidden temporary file it would have been written through."""

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    monkeypatch.setattr(engine, "evaluate", no_model)
    out = tmp_path / "brief.pdf"
    assert main(["-q", "brief", str(STATUS_QUO), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"ibcf: error: {out}: cannot write there (Read-only file system)\n"


def test_brief_under_a_file_is_refused_before_the_model_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a file").write_text("x\n")
    out = tmp_path / "a file" / "brief.pdf"
    monkeypatch.setattr(engine, "evaluate", no_model)
    assert main(["-q", "brief", str(STATUS_QUO), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ibcf: error: {out}: cannot write there (")
    assert "is a file, not a folder" in err and ".tmp" not in err


# --------------------------------------------------------------------------- scenario files
def test_long_digit_run_in_notes_is_not_blamed_for_cap_gbp() -> None:
    """Digits in a string (or a comment) are not an integer: the key named is the one
    whose integer literal Python cannot read."""
    text = (
        f'name = "x"\nnotes = "{"7" * 5000}"\n# {"8" * 6000}\n'
        f"[consequences]\ncap_gbp = {'9' * 5000}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="f.toml")
    assert caught.value.problems == ["f.toml: cap_gbp: integer of more than 4,300 digits (line 5)"]
    multi = f'name = "x"\nnotes = """\n{"7" * 5000}\n"""\nseed = {"9" * 5000}\n'
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(multi, source="f.toml")
    assert caught.value.problems == ["f.toml: seed: integer of more than 4,300 digits (line 5)"]


def test_long_data_hash_is_clipped_in_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "x"\ndata_hash = "{"f" * 10_000}"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_scenario(path, data_hash="0123456789abcdef")
    (warning,) = [str(w.message) for w in caught]
    assert warning == (
        f"{path}: saved with data {'f' * 39}…, now 0123456789abcdef: results may differ"
    )


# --------------------------------------------------------------------------- --out
@pytest.mark.parametrize("out", ["C:\\out\\oct", "out\\oct", "D:/reports", "c:"])
def test_windows_out_path_is_refused_on_posix(
    out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "evaluate", no_model)
    assert main(["-q", "run", str(STATUS_QUO), "--out", out, "--draws", "0"]) == 2
    assert capsys.readouterr().err == (
        f"ibcf: error: {out}: looks like a Windows path; on this system folders are "
        "separated by / (e.g. --out out/oct)\n"
    )
    assert list(tmp_path.iterdir()) == []


def read_only_folder(*args: object, **kwargs: object) -> str:
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize("case", ["existing", "a file", "under a file", "read-only"])
def test_design_refuses_a_bad_out_before_computing_the_design(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "design"
    if case == "existing":  # a previous design's folder, no --overwrite
        out.mkdir()
        (out / "design.json").write_text("{}\n")
        said = f"{out}: would overwrite design.json; use --overwrite or another --out"
    elif case == "a file":
        out.write_text("x\n")
        said = f"{out}: exists and is not a folder"
    elif case == "under a file":
        (tmp_path / "a file").write_text("x\n")
        out = tmp_path / "a file" / "design"
        said = f"{out}: {tmp_path / 'a file'} is a file, not a folder"
    else:  # simulated, as the tests may run as root
        monkeypatch.setattr("tempfile.mkdtemp", read_only_folder)
        said = f"{out}: cannot write there (Read-only file system)"
    monkeypatch.setattr(design_run, "run_design", no_model)
    assert main(["-q", "design", str(DESIGN), "--out", str(out), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"ibcf: error: {said}\n"
    if case == "existing":
        assert (out / "design.json").read_text() == "{}\n"
