"""Serving many sessions: the proxy configuration ``make serve`` writes, its refusal of
ports already taken, and the load benchmark's protocol client (the live proxy is
exercised by ``make bench-load``, which CI runs small)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load import HEADLINE, Session
from scripts import serve

ROOT = Path(__file__).resolve().parent.parent


def test_proxy_keeps_each_session_on_one_worker() -> None:
    config = serve.haproxy_config("0.0.0.0", 8501, [8502, 8503, 8504])
    assert "    bind 0.0.0.0:8501\n" in config
    servers = re.findall(r"^    server (\S+) (\S+) check cookie (\S+)$", config, re.M)
    assert servers == [
        ("w1", "127.0.0.1:8502", "w1"),
        ("w2", "127.0.0.1:8503", "w2"),
        ("w3", "127.0.0.1:8504", "w3"),
    ]
    # The worker is chosen once and remembered in a cookie the proxy sets itself.
    assert f"    cookie {serve.COOKIE} insert indirect nocache httponly\n" in config
    assert "    balance leastconn\n" in config
    # A session's websocket stays open for hours; workers are checked on Streamlit's
    # own health endpoint.
    assert "    timeout tunnel 12h\n" in config
    assert "    option httpchk GET /_stcore/health\n" in config


@pytest.mark.process
def test_a_port_in_use_is_refused_before_anything_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "scripts.serve", "--workers", "2"]
        result = subprocess.run(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert re.search(rf"port {port}(, \d+)* already in use", result.stderr), result.stderr
    assert "serving on" not in result.stderr


def test_load_session_reads_the_protocol_as_a_page_does() -> None:
    """The load benchmark's client: it finds the slider by the key it edits, reads the
    headline, follows the address the app sets, and counts a run as over only when it
    finished (not when it stopped early for another rerun)."""
    session = Session("127.0.0.1", 1)

    def element(kind: str, **fields: object) -> ForwardMsg:
        msg = ForwardMsg()
        target = getattr(msg.delta.new_element, kind)
        for name, value in fields.items():
            if isinstance(value, list):
                getattr(target, name).extend(value)
            else:
                setattr(target, name, value)
        return msg

    other = element("slider", id="$$ID-1-w:consequences.reduction_pct", label="Reduction share")
    mine = element("slider", id="$$ID-2-w:consequences.condition_pct", label="Share", value=[33])
    assert not session.read(other) and session.slider_id == ""
    assert not session.read(mine)
    assert (session.slider_id, session.slider_value) == ("$$ID-2-w:consequences.condition_pct", 33)
    assert not session.read(element("metric", label=HEADLINE, body="£67.7m"))
    assert session.headline == "£67.7m"
    page = ForwardMsg()
    page.page_info_changed.query_string = "preset=x&consequences.condition_pct=40.0"
    assert not session.read(page)
    assert session.query == "preset=x&consequences.condition_pct=40.0"

    early = ForwardMsg()
    early.script_finished = ForwardMsg.FINISHED_EARLY_FOR_RERUN
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert not session.read(early)
    assert session.read(done)

    # The next rerun sends the slider's new value under its id, with the current address.
    sent = BackMsg()
    sent.ParseFromString(session.rerun(40.0))
    assert sent.rerun_script.query_string == "preset=x&consequences.condition_pct=40.0"
    (widget,) = sent.rerun_script.widget_states.widgets
    assert widget.id == "$$ID-2-w:consequences.condition_pct"
    assert list(widget.double_array_value.data) == [40.0]


# --------------------------------------------------------------------------- stopping
SERVE = [sys.executable, "-m", "scripts.serve", "--host", "127.0.0.1"]


def start_serving(port: int, workers: int = 1) -> subprocess.Popen[str]:
    """``make serve`` on ``port`` (workers on the ports after it), once it says it serves."""
    proc = subprocess.Popen(
        [*SERVE, "--workers", str(workers), "--port", str(port), "--seconds", "600"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "serving on" in line:
            return proc
    raise AssertionError(f"serve did not start: {''.join(seen)}")


def alive(pid: int) -> bool:
    """A process runs (a zombie, ended but not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (from /proc: whatever the script records itself)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def free_ports(n: int) -> int:
    """The first of ``n`` consecutive free localhost ports."""
    for first in range(20_000 + os.getpid() % 20_000, 60_000, 7):
        if all(serve.port_free("127.0.0.1", p) for p in range(first, first + n)):
            return first
    raise AssertionError("no free ports")


@pytest.mark.process
@pytest.mark.parametrize(
    "signals",
    [(signal.SIGTERM, signal.SIGTERM), (signal.SIGHUP,), (signal.SIGINT, signal.SIGTERM)],
    ids=["SIGTERM-twice", "SIGHUP", "SIGINT-then-SIGTERM"],
)
def test_serve_stops_every_worker_on_any_signal(signals: tuple[int, ...]) -> None:
    """A real signal to the serving process (a supervisor or `make` repeats SIGTERM; a
    closed terminal sends SIGHUP): the proxy and every worker stop, their ports are free
    and the pid file is gone. Before, a second signal while stopping, or a SIGHUP, left
    the workers running."""
    port = free_ports(2)
    proc = start_serving(port)
    pids = children(proc.pid)  # the worker and the proxy
    try:
        assert len(pids) == 2 and all(alive(pid) for pid in pids)
        for signum in signals:
            proc.send_signal(signum)
            time.sleep(0.05)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in pids if alive(pid)] == []
        assert proc.returncode == 0
        assert serve.port_free("127.0.0.1", port) and serve.port_free("127.0.0.1", port + 1)
        assert not serve.pid_file(port).exists()
    finally:  # whatever happened, nothing of this test keeps running
        for pid in [proc.pid, *pids]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        proc.wait(timeout=60)


@pytest.mark.process
def test_a_start_finds_and_reports_a_stale_worker() -> None:
    """A serve killed outright (SIGKILL) leaves its pid file and its workers: the next
    start names them and how to stop them, and starts nothing."""
    port = free_ports(2)
    left = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        serve.pid_file(port).write_text(f"{left.pid} {port + 1} worker\n")
        result = subprocess.run(
            [*SERVE, "--workers", "1", "--port", str(port), "--seconds", "5"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        said = f"an earlier serve on port {port} left pid {left.pid} (worker on port {port + 1})"
        assert f"{said} running" in result.stderr
        assert f"kill {left.pid}" in result.stderr and "serving on" not in result.stderr
    finally:
        left.kill()
        left.wait()
        serve.pid_file(port).unlink(missing_ok=True)
    assert serve.stale_processes(port) == []


@pytest.mark.process
def test_bench_load_measures_idle_and_loaded() -> None:
    """`make bench-load` runs every level as the machine is and with one busy process per
    core beside the servers: the busy processes run while measured and stop after."""
    from benchmarks import load

    assert load.CONDITIONS == ("idle", "loaded")
    with load.busy(2) as count:
        assert count == 2
        spinning = children(os.getpid())
        assert len(spinning) >= 2 and all(alive(pid) for pid in spinning)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in spinning) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in spinning if alive(pid)] == []
    with load.busy(0) as count:
        assert count == 0


def test_bench_browser_prints_idle_and_loaded_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`make bench-browser` measures as the machine is and with one busy process per core
    by default (one of them on request), and prints each figure under both side by side,
    then the new visitor's first headline under both in one line with the load averages."""
    from benchmarks import browser

    monkeypatch.delenv("CONDITIONS", raising=False)
    assert browser.parse_args([]).conditions == ["idle", "loaded"]
    assert browser.parse_args(["--conditions", "loaded"]).conditions == ["loaded"]
    assert browser.parse_args(["--conditions", "loaded,idle"]).conditions == ["idle", "loaded"]
    for wrong in ("busy", "idle,idle", ""):
        with pytest.raises(SystemExit):
            browser.parse_args(["--conditions", wrong])
    monkeypatch.setenv("CONDITIONS", "idle")
    assert browser.parse_args([]).conditions == ["idle"]

    def run(paint: float, load: tuple[float, float], busy: int) -> dict[str, object]:
        figures = {"keypress_to_headline_ms": 197.0, "page_switch_ms": 213.0}
        figures |= {"sensitivity_step_ms": 134.0, "first_paint_s": paint, "first_paint_kb": 4600.0}
        return {"medians": figures, "load": load, "busy": busy}

    runs = {"idle": run(1.59, (0.5, 0.62), 0), "loaded": run(1.92, (1.1, 3.4), 2)}
    lines = browser.report(runs, cores=2)
    assert lines[0] == "figure" + " " * 20 + "      idle    loaded"
    assert lines[4] == "first_paint_s" + " " * 13 + "      1.59      1.92"
    assert len(lines) == 7
    assert lines[-1] == (
        "first headline for a new visitor: 1.59 s idle (load average 0.5 before, 0.62 after); "
        "1.92 s loaded (2 busy processes, load average 1.1 before, 3.4 after); 2 cores; "
        "target <= 3 s idle"
    )
    # An "idle" run on a machine already at half its cores or more says so.
    busy_machine = browser.report({"idle": run(2.4, (1.2, 1.5), 0)}, cores=2)
    assert busy_machine[0] == "figure" + " " * 20 + "      idle"
    assert (
        "2.4 s idle (the machine was not idle: load average 1.2 before, 1.5 after)"
        in (busy_machine[-1])
    )
