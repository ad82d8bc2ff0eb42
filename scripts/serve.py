"""Serve the app to many people: several Streamlit processes behind HAProxy.

``make serve WORKERS=4 PORT=8501`` (or ``python -m scripts.serve --workers 4``). Each
worker is one ``streamlit run`` on a localhost port; HAProxy listens on PORT and gives
each browser a worker, kept for the whole session by a cookie (websockets, uploads and
downloads of one session all reach the same process). A session's state lives in its
worker and its link, so a worker that stops loses only its own sessions: it is started
again, and HAProxy sends no one to it until its health check passes.

HAProxy comes from the system packages: it is installed with apt-get when missing and
running as root or with password-less sudo, else the script says what to run. Stops
everything it started (each worker's and the proxy's whole process group) on Ctrl-C,
SIGTERM or SIGHUP (a closed terminal), or after ``--seconds``; a second signal while it
stops does not cut the stopping short. The processes it runs are listed in a pid file
(:func:`pid_file`), so a start finds and names any left running by one that was killed
outright (SIGKILL), and refuses to start beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from app.link import MAX_LINK_CHARS
from scripts.system_packages import apt_install_command

ROOT = Path(__file__).resolve().parent.parent
STREAMLIT = Path(sys.executable).parent / "streamlit"
COOKIE = "IBCF_WORKER"
PROXY_BUFFER = 4 * MAX_LINK_CHARS
HAPROXY_HELP = "HAProxy is not installed: sudo apt-get install haproxy (Debian or Ubuntu)"


def say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def haproxy_config(host: str, port: int, worker_ports: Sequence[int]) -> str:
    """HAProxy in front of the workers: a session cookie picks the worker (the first
    request gets the least busy one), websockets pass through, a health check on
    Streamlit's own endpoint keeps a starting or stopped worker out of rotation."""
    servers = "\n".join(
        f"    server w{i} 127.0.0.1:{p} check cookie w{i}" for i, p in enumerate(worker_ports, 1)
    )
    return f"""\
global
    maxconn 4096
    log stdout format raw local0 info
    # A request's line and headers must fit one buffer. The default, 16 KiB, answered a
    # link of more than about 15,000 characters with a bare 400; 128 KiB, what a worker
    # takes, holds a link over the app's limit even with a Referer repeating it, so the
    # app is the one to refuse it, in words.
    tune.bufsize {PROXY_BUFFER}

defaults
    mode http
    # One line a request, naming the worker that answered (in haproxy.log).
    log global
    option httplog
    option http-server-close
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # A Streamlit session is one websocket held open for as long as the page is.
    timeout tunnel 12h
    timeout http-request 10s

frontend app
    bind {host}:{port}
    default_backend workers

backend workers
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect string ok
    default-server inter 2s fall 2 rise 1
{servers}
"""


def haproxy_path() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.path.exists(p)), None
    )


def find_haproxy() -> str | None:
    """HAProxy, installed from the system packages first if missing and allowed."""
    found = haproxy_path()
    command = None if found else apt_install_command("haproxy")
    if command is None:
        return found
    say(f"installing HAProxy: {command}")
    subprocess.run(command, shell=True, stdout=sys.stderr, stdin=subprocess.DEVNULL)
    return haproxy_path()


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        # As the servers do: a port with connections closing (TIME_WAIT) is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def worker_command(port: int) -> list[str]:
    """One app process on a localhost port, as ``make serve`` and the browser tests run it."""
    return [
        str(STREAMLIT),
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


def start_worker(port: int, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            worker_command(port),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.read().strip() == b"ok")
    except OSError:
        return False


def pid_file(port: int) -> Path:
    """Where ``serve`` on ``port`` lists the processes it started (``PID PORT ROLE`` a
    line), removed when it stops."""
    return Path(tempfile.gettempdir()) / f"ibcf-serve-{port}.pids"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_processes(port: int) -> list[str]:
    """The processes an earlier ``serve`` on ``port`` started that still run, as
    ``pid N (worker on port P)``; a pid file whose processes have all ended is removed."""
    path = pid_file(port)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit() and alive(int(parts[0])):
            found.append(f"pid {parts[0]} ({parts[2]} on port {parts[1]})")
    if not found:
        path.unlink(missing_ok=True)
    return found


def record(port: int, procs: dict[int, subprocess.Popen[bytes]], proxy_pid: int | None) -> None:
    lines = [f"{proc.pid} {p} worker" for p, proc in procs.items()]
    if proxy_pid is not None:
        lines.append(f"{proxy_pid} {port} proxy")
    pid_file(port).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class Guard:
    """Turns SIGTERM, SIGINT and SIGHUP into :class:`Stop`, except while a process is
    started and recorded (:meth:`held`): a signal then waits until both are done, so it
    cannot leave a process running that nothing knows of. (Not a signal mask: a started
    process would inherit it and ignore the signals that stop it.)"""

    def __init__(self) -> None:
        self.holding = False
        self.stopping = False
        self.pending: str | None = None

    def __call__(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if self.stopping:  # already stopping: a second signal changes nothing
            return
        if self.holding:
            self.pending = self.pending or name
            return
        self.stopping = True
        raise Stop(name)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending is not None:
            self.stopping = True
            raise Stop(self.pending)


def stop(proc: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Stop a process started in a session of its own, and all it started: SIGTERM to
    its process group, SIGKILL if it is still there after ``seconds``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=seconds)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=seconds)


class Stop(Exception):
    pass


def serve(workers: int, host: str, port: int, base_port: int, seconds: float | None) -> int:
    ports = [base_port + i for i in range(workers)]
    left = stale_processes(port)
    if left:
        pids = " ".join(item.split()[1] for item in left)
        say(
            f"an earlier serve on port {port} left {', '.join(left)} running "
            f"(listed in {pid_file(port)}): stop them with `kill {pids}`, then start again"
        )
        return 1
    busy = [p for p in ports if not port_free("127.0.0.1", p)]
    if not port_free(host, port):
        busy.insert(0, port)
    if busy:
        apps = [p for p in busy if healthy(p)]
        also = (
            f"; an app answers on port {', '.join(map(str, apps))} (a worker left running? "
            "`ss -ltnp` names its process)"
            if apps
            else ""
        )
        say(f"port {', '.join(map(str, busy))} already in use: choose others with --port{also}")
        return 1
    haproxy = find_haproxy()
    if haproxy is None:
        say(HAPROXY_HELP)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="ibcf-serve-"))
    # One cookie secret for all workers, so any of them accepts a session's cookies.
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    procs: dict[int, subprocess.Popen[bytes]] = {}
    proxy: subprocess.Popen[bytes] | None = None

    guard = Guard()
    for signum in SIGNALS:
        signal.signal(signum, guard)
    try:
        for p in ports:
            with guard.held():
                procs[p] = start_worker(p, folder / f"worker-{p}.log", env)
                record(port, procs, None)
        deadline = time.monotonic() + 120
        waiting = set(ports)
        while waiting and time.monotonic() < deadline:
            for p in list(waiting):
                if procs[p].poll() is not None:
                    say(f"worker on port {p} exited; log {folder / f'worker-{p}.log'}")
                    return 1
                if healthy(p):
                    waiting.discard(p)
            time.sleep(0.3)
        if waiting:
            say(f"workers on ports {sorted(waiting)} did not start in 120 s; logs in {folder}")
            return 1
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config(host, port, ports), encoding="utf-8")
        with (folder / "haproxy.log").open("ab") as out, guard.held():
            proxy = subprocess.Popen(
                [haproxy, "-db", "-f", str(config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            record(port, procs, proxy.pid)
        time.sleep(0.5)
        if proxy.poll() is not None:
            say(f"HAProxy did not start: {(folder / 'haproxy.log').read_text()}")
            return 1
        shown = "localhost" if host in {"0.0.0.0", "127.0.0.1"} else host
        say(f"serving on http://{shown}:{port} with {workers} workers (logs in {folder})")
        say("Ctrl-C stops it")
        ends = time.monotonic() + seconds if seconds else None
        while ends is None or time.monotonic() < ends:
            time.sleep(1)
            if proxy.poll() is not None:
                say(f"HAProxy exited with {proxy.returncode}; stopping")
                return 1
            for p, proc in procs.items():
                if proc.poll() is not None:
                    say(f"worker on port {p} exited with {proc.returncode}; starting it again")
                    with guard.held():
                        procs[p] = start_worker(p, folder / f"worker-{p}.log", env)
                        record(port, procs, proxy.pid)
        say(f"{seconds:g} s are up: stopping")
        return 0
    except Stop as why:
        say(f"{why}: stopping")
        return 0
    finally:
        # A second signal (a repeated Ctrl-C, a supervisor's SIGTERM) must not cut the
        # stopping short and leave workers running: ignored until all are stopped.
        guard.stopping = True
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        if proxy is not None:
            stop(proxy)
        for proc in procs.values():
            stop(proc)
        pid_file(port).unlink(missing_ok=True)
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    parser.add_argument(
        "--host", default="0.0.0.0", help="the proxy's address (default all interfaces)"
    )
    parser.add_argument(
        "--base-port", type=int, help="the first worker's port (default PORT + 1, then up)"
    )
    parser.add_argument("--seconds", type=float, help="stop after this many seconds")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers: from 1 to 64")
    base = args.base_port if args.base_port is not None else args.port + 1
    return serve(args.workers, args.host, args.port, base, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
