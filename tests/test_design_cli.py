"""``ibcf design``: the shipped design writes its frontier, every written scenario
reproduces its row with ``ibcf run``, the worked example in docs/designer.md is what it
writes, a Dask cluster and a process pool give the same bytes as this process, and a
killed run loses at most the chunk each process was computing."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.design.executor import ChunkCache, ChunkSpec, Executor, Stats, run_and_file
from simulator.design.grid import build_grid
from simulator.design.run import load_design, run_design
from simulator.inputs.data import load_dataset
from simulator.schema.files import data_context

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenarios" / "designs" / "october-criteria-family.toml"
DATA = load_dataset()
CONTEXT = data_context(DATA.months, list(DATA.codes))

SMALL = """
schema_version = 1
name = "Small design"
base = "october.toml"

[design]
objectives = ["money_moved", "beds_freed:central"]
goal = { objective = "beds_freed:central", sense = "max" }
draws = 20
chunk_options = 7

[design.axes]
combine = ["all", "at_least_2", "any"]
condition_pct = [0.0, 20.0, 33.0]
reduction_pct = [0.0, 5.0]
redistribution = ["retain", "pro_rata_all"]

[design.guarantees]
max_councils = 40
"""


def small_design(tmp_path: Path) -> Path:
    """A small design beside a copy of the October 2017 letter's scenario."""
    october = (ROOT / "scenarios" / "october-2017-letter.toml").read_text(encoding="utf-8")
    (tmp_path / "october.toml").write_text(october, encoding="utf-8")
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The shipped design run once by the command line (no Monte Carlo: design.json's
    figures do not depend on it): its folder and what it printed."""
    out = tmp_path_factory.mktemp("shipped") / "design"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["design", str(SHIPPED), "--out", str(out), "--draws", "0", "--no-cache"])
    assert code == 0
    return out, json.loads(printed.getvalue())


def test_shipped_design_rows_reproduce_with_ibcf_run(
    shipped: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, said = shipped
    assert said["options_in_grid"] == 12960  # 4 x 3 x 3 x 2 x 2 x 5 x 3 x 2 x 3
    front = pd.read_csv(out / "frontier.csv")
    summary = json.loads((out / "design.json").read_text())
    assert summary["guarantees"] == [
        "all money stays in local government",
        "at most 40 councils affected",
    ]
    assert len(front) >= summary["efficient_options"] > 0
    assert (front["retained"] == 0).all() and (front["councils_affected"] <= 40).all()
    assert {"design.json", "design.xlsx", "frontier.csv"} <= {p.name for p in out.iterdir()}
    # The design asks what condition share, the best option's other settings held,
    # moves £10m: a share whose figure is the target to the pound, or says it cannot.
    seek = summary["goal_seek"]
    assert seek["met"] and seek["achieved"] >= 10_000_000
    assert seek["exact"] == (seek["achieved"] == 10_000_000)
    best = summary["best"]["option"]
    withheld = front[front["withheld"] > 0]["option"].head(1).tolist()
    rows = front[front["option"].isin([best, *withheld, int(front["option"].iloc[-1])])]
    for _, row in rows.iterrows():
        run_out = tmp_path / f"run-{row['option']}"
        assert (
            main(["run", str(out / row["scenario_file"]), "--out", str(run_out), "--draws", "0"])
            == 0
        )
        capsys.readouterr()
        ran = json.loads((run_out / "summary.json").read_text())
        assert ran["total_conditioned"] == row["conditioned"]
        assert ran["total_withheld"] == row["withheld"]
        assert ran["total_retained"] == row["retained"]
        assert ran["councils_selected"] == row["councils_selected"]
        councils = pd.read_csv(run_out / "councils.csv")
        loss = np.maximum(councils["withheld"] - councils["received"], 0)
        assert loss.max() == row["largest_loss_gbp"]


DOC = ROOT / "docs" / "designer.md"


def _numbers(text: str) -> set[str]:
    """The figures of ``text`` (code spans, i.e. file names and hashes, left out)."""
    text = re.sub(r"`[^`]*`", " ", text)
    return set(re.findall(r"£?\d+(?:,\d{3})*(?:\.\d+)?%?", text))


def test_the_worked_example_in_the_docs_is_what_the_run_writes(
    shipped: tuple[Path, dict[str, object]],
) -> None:
    """docs/designer.md's worked example quotes design.json of the shipped design: every
    figure it states is one the run writes (or one the design file declares)."""
    from simulator.design.grid import build_grid
    from simulator.schema.calendar import month_name

    out, _ = shipped
    s = json.loads((out / "design.json").read_text())
    file, base = load_design(SHIPPED, context=CONTEXT)
    grid = build_grid(file.design, base)
    best = s["best"]
    setting = grid.setting(best["option"])
    oracle, seek = s["oracle_bound"], s["goal_seek"]
    assert best["beds_freed:no_effect"] == 0 and seek["exact"]
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Worked example") :]
    section = " ".join(section[: section.index("\n## ")].split())
    said = [
        f"data hash `{s['data_hash']}`, model version `{s['model_version']}`",
        f"{s['options_meeting_guarantees']:,} options keep both guarantees and "
        f"{s['efficient_options']:,} are efficient",
        f"The best (option {best['option']}) conditions {setting['condition_pct']:g}%",
        f"of the {best['councils_affected']:g} councils failing all three criteria on "
        f"{month_name(setting['data_month'])} data",
        f"£{best['money_moved']:,.0f}, {best['beds_freed:central']:.3f} beds a day freed on "
        f"the central path ({best['beds_per_gbpm:central']:.2f} per £1m; "
        f"{best['beds_freed:low']:.3f} under the low evidence, "
        f"{best['beds_freed:fit_2017_18']:.3f} under the 2017/18 fit, none under no effect)",
        f"The oracle bound for that share and money: {oracle['beds']:.3f} beds, by "
        f"{oracle['councils']} councils picked by name (£{oracle['money']:,.0f} conditioned)",
        f"within {100 * (1 - best['beds_freed:central'] / oracle['beds']):.1f}% of any selection",
        f"moves exactly £{seek['target']:,.0f}",
        f"{seek['value']:.10g}% gives £{seek['achieved']:,.0f} exactly",
    ]
    for words in said:
        assert words in section, words
    assert f"option-{best['option']:08d}.toml" in text  # the command at the top of the page
    # No other figure: each is one of those, or one the design file declares.
    declared = {"2017", "0", "5", "10%", "50%", "100%", "£1", f"{grid.size:,}"}
    declared.add(str(file.design.guarantees.max_councils))
    assert grid.size == s["options_in_grid"]
    assert _numbers(section) <= _numbers(" ".join(said)) | declared


def test_a_broken_design_file_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(small_design(tmp_path).read_text().replace("combine = [", 'combine = ["most", '))
    assert main(["design", str(bad), "--out", str(tmp_path / "o"), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: design.axes.combine.0: String should match pattern" in err


@pytest.mark.process
def test_dask_cluster_gives_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dask.distributed import LocalCluster

    design = small_design(tmp_path)
    assert main(["design", str(design), "--out", str(tmp_path / "local"), "--no-cache"]) == 0
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",  # loopback only, the dashboard too
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        words = f"dask://{address}"
        assert main(["design", str(design), "--out", str(tmp_path / "dask"), "--no-cache",
                     "--executor", words]) == 0  # fmt: skip
    capsys.readouterr()
    local = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert local == sorted(p.name for p in (tmp_path / "dask").iterdir())
    assert any(name.startswith("option-") for name in local)
    for name in local:  # the workbook too: its times are fixed, so its bytes are
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    front = pd.read_csv(tmp_path / "local" / "frontier.csv")
    assert front["beds_p50:central"].notna().any()  # the Monte Carlo ran on both


class Interrupting(Executor):
    """Runs chunks in this process and is killed after ``after`` of them."""

    def __init__(self, after: int) -> None:
        self.after = after

    def run(
        self, specs: list[ChunkSpec], cache: ChunkCache, base_hash: str
    ) -> Iterator[tuple[ChunkSpec, dict[str, np.ndarray]]]:
        for n, spec in enumerate(specs):
            if n == self.after:
                raise KeyboardInterrupt
            yield spec, run_and_file(spec, cache, spec.key(base_hash))


def test_a_killed_run_resumes_with_at_most_one_chunk_recomputed(tmp_path: Path) -> None:
    file, base = load_design(small_design(tmp_path), context=CONTEXT)
    file = file.model_copy(update={"design": file.design.model_copy(update={"draws": 0})})
    cache = ChunkCache(tmp_path / "cache")
    first = Stats()
    with pytest.raises(KeyboardInterrupt):
        run_design(file, base, DATA, executor=Interrupting(3), cache=cache, stats=first)
    assert first.computed == 3  # three chunks finished and kept before the kill
    second = Stats()
    answer = run_design(file, base, DATA, cache=cache, stats=second)
    chunks = -(-answer.grid.size // file.design.chunk_options)
    assert second.cached == 3 and second.computed == chunks - 3
    # And a full rerun computes nothing.
    third = Stats()
    again = run_design(file, base, DATA, cache=cache, stats=third)
    assert third.computed == 0 and third.cached == chunks
    pd.testing.assert_frame_equal(answer.frontier, again.frontier)


# The command line with each chunk's start and end marked in a folder (argv[1]), so a
# test can tell which chunks a killed run had started; the pool's processes are forked
# from this one and mark theirs too.
MARKED = """
import sys
from pathlib import Path

from simulator.design import executor

marks = Path(sys.argv[1])
real = executor.run_chunk


def run_chunk(spec):
    (marks / f"started-{spec.kind}-{spec.index}").touch()
    return real(spec)


executor.run_chunk = run_chunk
from simulator.cli import main

sys.exit(main(sys.argv[2:]))
"""
KILLED = """
schema_version = 1
name = "A design killed part way"
base = "october.toml"

[design]
objectives = ["money_moved", "beds_freed:central"]
goal = { objective = "beds_freed:central", sense = "max" }
draws = 5
chunk_options = 1024

[design.axes]
combine = ["all", "at_least_2", "any"]
data_month = ["2017-08", "2017-09"]
base = ["spring_budget", "total"]
condition_pct = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 33.0, 40.0, 50.0]
reduction_pct = [0.0, 2.0, 5.0, 10.0, 20.0]
cap_pct = [100.0, 75.0, 50.0, 25.0]
floor_pct = [0.0, 95.0, 97.0, 99.0]
redistribution = ["retain", "pro_rata_all", "passed"]
"""


@pytest.mark.process
def test_a_killed_process_pool_run_loses_at_most_one_chunk_per_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """``--executor local:2`` killed with SIGKILL once eight chunks have started (its
    whole process group, the pool too): of the chunks it had started, at most two (one
    per process) are not in the cache, the rerun computes only the others, and writes
    the same bytes as a run never interrupted."""
    import os
    import signal
    import subprocess
    import sys
    import time

    design = small_design(tmp_path)
    design.write_text(KILLED, encoding="utf-8")
    cache, marks = tmp_path / "cache", tmp_path / "marks"
    marks.mkdir()
    args = ["-q", "design", str(design), "--executor", "local:2", "--cache", str(cache)]
    run = subprocess.Popen(
        [sys.executable, "-c", MARKED, str(marks), *args, "--out", str(tmp_path / "killed")],
        cwd=ROOT,
        start_new_session=True,  # its own process group: the pool dies with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while len(list(marks.iterdir())) < 8:  # under way: eight chunks started
            assert run.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no chunk started in four minutes"
            time.sleep(0.002)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert run.returncode == -signal.SIGKILL
    kept = {p.name for p in cache.glob("*.npz")}
    started = {p.name for p in marks.iterdir()}
    file, base = load_design(design, context=CONTEXT)
    chunks = -(-build_grid(file.design, base).size // file.design.chunk_options)
    # Each process files its chunk before it takes the next: the work lost is the chunk
    # each was computing.
    assert len(started) - len(kept) <= 2, (sorted(started), len(kept))
    # The rerun computes only what is not kept, and its files are those of a run never
    # interrupted (in this process, no cache), byte for byte.
    caplog.set_level(logging.INFO, logger="ibcf")
    assert main([*args[1:], "--out", str(tmp_path / "resumed")]) == 0
    total = len(list(cache.glob("*.npz")))  # the options' chunks and the Monte Carlo's
    assert total > chunks and len(kept) < total  # killed part way, in either phase
    said = f"({total - len(kept)} chunks computed, {len(kept)} from the cache)"
    assert said in caplog.text
    assert main(["-q", "design", str(design), "--no-cache", "--out", str(tmp_path / "once")]) == 0
    capsys.readouterr()
    once = sorted(p.name for p in (tmp_path / "once").iterdir())
    assert once == sorted(p.name for p in (tmp_path / "resumed").iterdir())
    for name in once:
        assert (tmp_path / "once" / name).read_bytes() == (
            tmp_path / "resumed" / name
        ).read_bytes(), name


@pytest.mark.process
def test_a_process_pool_gives_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = small_design(tmp_path)
    for name, words in (("here", "local"), ("pool", "local:2")):
        out = tmp_path / name
        assert main(["design", str(design), "--out", str(out), "--no-cache",
                     "--executor", words, "--draws", "5"]) == 0  # fmt: skip
    capsys.readouterr()
    here = sorted(p.name for p in (tmp_path / "here").iterdir())  # the workbook too
    for name in here:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes()
    assert main(["design", str(design), "--out", str(tmp_path / "x"), "--executor", "local:0"]) == 2
    assert "use local, local:N (N processes) or dask://HOST:PORT" in capsys.readouterr().err
