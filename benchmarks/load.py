"""``make bench-load``: many people at once on ``make serve``, timed per slider move.

Starts the app as ``make serve`` does (WORKERS Streamlit processes behind HAProxy, on
localhost only), then opens 20 and then 40 sessions at once. Each session speaks
Streamlit's own websocket protocol, as the page in a browser does: it loads the page
(getting the worker cookie), opens the session's websocket through the proxy, runs the
script, finds the "Condition share" slider among the elements it was sent, and moves
it several times, pausing between moves as a person would. A rerun's time runs from
sending the new slider value to the server's "script finished"; every rerun's headline
is read back, so a rerun that did not recompute would show. Prints the median and p90
per level, then one JSON line. Each level runs twice: as the machine is ("idle": the
1-minute load average beside it says how idle it was) and "loaded", with one busy
process per core started beside the servers (other work on the machine: a second
app, a build); both are printed. Bounded: a fixed number of moves, a time limit per
level, localhost only; it stops the servers and the busy processes itself.

Options (command line, or the environment as ``make bench-load`` passes them): WORKERS
(default 2), BENCH_PORT (the proxy's port, workers above it; default 8651), SESSIONS
(default "1,20,40"), MOVES (default 5), THINK (seconds between moves, drawn uniformly,
default "1,3"), SEED, CONDITIONS ("idle,loaded", or one of them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from app.pages.overview import CONDITIONED as HEADLINE
from scripts.serve import stop

ROOT = Path(__file__).resolve().parent.parent
# The "Condition share" slider, found by the scenario key it edits.
SLIDER = "consequences.condition_pct"
PRESET = "preset=october-2017-letter"
LEVEL_SECONDS = 300.0
STARTUP_SECONDS = 180.0


@dataclass
class Session:
    """One person's page: a websocket session and what the server last sent it."""

    host: str
    port: int
    cookie: str = ""
    query: str = PRESET
    slider_id: str = ""
    slider_value: float = 0.0
    headline: str = ""
    worker: str = ""
    times: list[float] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)

    def load_page(self) -> None:
        """The page's first request: HAProxy answers with the worker's cookie."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("IBCF_WORKER="):
                self.cookie = value.split(";", 1)[0]
                self.worker = self.cookie.split("=", 1)[1]
        conn.close()

    def rerun(self, widget_value: float | None) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        if widget_value is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self.slider_id
            widget.double_array_value.data.append(widget_value)
        return bytes(msg.SerializeToString())

    def read(self, msg: ForwardMsg) -> bool:
        """Take in one message; True when the script run is over."""
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "slider" and element.slider.id.endswith(SLIDER):
                self.slider_id = element.slider.id
                self.slider_value = element.slider.value[0] if element.slider.value else 0.0
            elif which == "metric" and element.metric.label == HEADLINE:
                self.headline = element.metric.body
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("the app failed to compile")
            return bool(status == ForwardMsg.FINISHED_SUCCESSFULLY)
        return False


async def run_script(ws, session: Session, widget_value: float | None) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await ws.send(session.rerun(widget_value))
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        if session.read(msg):
            return time.perf_counter() - started


async def person(session: Session, moves: int, think: tuple[float, float], seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.to_thread(session.load_page)
    headers = {"Cookie": session.cookie} if session.cookie else {}
    url = f"ws://{session.host}:{session.port}/_stcore/stream"
    async with connect(
        url, subprotocols=[Subprotocol("streamlit")], additional_headers=headers, max_size=None
    ) as ws:
        await run_script(ws, session, None)
        if not session.slider_id:
            raise RuntimeError(f"no slider for {SLIDER} in the page")
        values = [30.0, 40.0] * moves
        for value in values[:moves]:
            await asyncio.sleep(rng.uniform(*think))
            session.times.append(await run_script(ws, session, value))
            session.headlines.append(session.headline)


def p90(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


async def level(
    count: int, host: str, port: int, moves: int, think: tuple[float, float], seed: int
) -> dict[str, object]:
    sessions = [Session(host, port) for _ in range(count)]
    tasks = [
        asyncio.create_task(person(s, moves, think, seed * 1000 + i))
        for i, s in enumerate(sessions)
    ]
    done, pending = await asyncio.wait(tasks, timeout=LEVEL_SECONDS)
    for task in pending:
        task.cancel()
    errors = [repr(t.exception()) for t in done if t.exception() is not None]
    times = [t for s in sessions for t in s.times]
    # Each session alternates the slider between two values: the headline must follow.
    followed = sum(len(set(s.headlines)) == 2 for s in sessions if len(s.headlines) >= 2)
    workers: dict[str, int] = {}
    for s in sessions:
        workers[s.worker or "?"] = workers.get(s.worker or "?", 0) + 1
    return {
        "sessions": count,
        "reruns": len(times),
        "median_s": round(statistics.median(times), 3) if times else None,
        "p90_s": round(p90(times), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "headline_followed": f"{followed} of {count}",
        "sessions_per_worker": dict(sorted(workers.items())),
        "unfinished": len(pending),
        "errors": errors[:3],
    }


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench-load: make serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"bench-load: the app was not up in {STARTUP_SECONDS:.0f} s")


def main(argv: list[str] | None = None) -> int:
    env = os.environ
    parser = argparse.ArgumentParser(description="many sessions at once on make serve")
    parser.add_argument("--workers", type=int, default=int(env.get("WORKERS", "2")))
    parser.add_argument("--port", type=int, default=int(env.get("BENCH_PORT", "8651")))
    parser.add_argument("--sessions", default=env.get("SESSIONS", "1,20,40"))
    parser.add_argument("--moves", type=int, default=int(env.get("MOVES", "5")))
    parser.add_argument("--think", default=env.get("THINK", "1,3"))
    parser.add_argument("--seed", type=int, default=int(env.get("SEED", "1")))
    parser.add_argument("--conditions", default=env.get("CONDITIONS", "idle,loaded"))
    args = parser.parse_args(argv)
    conditions = args.conditions.split(",")
    if not conditions or any(c not in CONDITIONS for c in conditions):
        parser.error(f"--conditions: one or more of {', '.join(CONDITIONS)}")
    counts = [int(c) for c in args.sessions.split(",")]
    think_low, think_high = (float(t) for t in args.think.split(","))
    if not all(1 <= c <= 60 for c in counts) or not 2 <= args.moves <= 20:
        parser.error("sessions from 1 to 60 each, moves from 2 to 20")
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scripts.serve",
            "--workers",
            str(args.workers),
            "--port",
            str(args.port),
            "--host",
            "127.0.0.1",
            "--seconds",
            str(STARTUP_SECONDS + LEVEL_SECONDS * len(counts) * len(conditions) + 60),
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    results = []
    try:
        wait_ready(args.port, serve)
        print(
            f"bench-load: {args.workers} workers behind HAProxy; each session moves the "
            f"slider {args.moves} times, {think_low:g}-{think_high:g} s apart",
            file=sys.stderr,
        )
        for condition in conditions:
            with busy((os.cpu_count() or 1) if condition == "loaded" else 0) as extra:
                said = f"{extra} busy processes beside the servers" if extra else "as it is"
                print(f" {condition} ({said}):", file=sys.stderr)
                for count in counts:
                    result = {
                        "condition": condition,
                        "busy_processes": extra,
                        **asyncio.run(
                            level(
                                count,
                                "127.0.0.1",
                                args.port,
                                args.moves,
                                (think_low, think_high),
                                args.seed,
                            )
                        ),
                        "load_average_1min": round(os.getloadavg()[0], 2),
                    }
                    results.append(result)
                    print(
                        f"  {count:>2} sessions: rerun median {result['median_s']} s, "
                        f"p90 {result['p90_s']} s, max {result['max_s']} s "
                        f"({result['reruns']} reruns; headline followed the slider in "
                        f"{result['headline_followed']} sessions; per worker "
                        f"{result['sessions_per_worker']}; load average "
                        f"{result['load_average_1min']})",
                        file=sys.stderr,
                    )
                    for error in result["errors"]:  # type: ignore[attr-defined]
                        print(f"     error: {error}", file=sys.stderr)
    finally:
        stop(serve, seconds=60)
    print(json.dumps({"workers": args.workers, "cores": os.cpu_count(), "levels": results}))
    # Every session finished its moves without error, and its headline followed the slider.
    ok = all(
        not r["errors"] and not r["unfinished"] and r["headline_followed"] == f"{n} of {n}"
        for r, n in zip(results, counts * len(conditions), strict=True)
    ) and len(results) == len(counts) * len(conditions)
    return 0 if ok else 1


CONDITIONS = ("idle", "loaded")


@contextlib.contextmanager
def busy(count: int) -> Iterator[int]:
    """``count`` processes each keeping one core busy (at the servers' priority), stopped
    on leaving; yields ``count``."""
    spin = "import time\nend = time.monotonic() + 3600\nwhile time.monotonic() < end: pass"
    procs = [
        subprocess.Popen([sys.executable, "-c", spin], start_new_session=True) for _ in range(count)
    ]
    try:
        yield count
    finally:
        for proc in procs:
            stop(proc, seconds=10)


if __name__ == "__main__":
    sys.exit(main())
