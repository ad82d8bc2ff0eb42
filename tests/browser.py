"""Where the browser tests find Chromium: ``$IBCF_CHROMIUM``, which ``make test`` sets
from ``scripts/ensure_browser.py`` (it finds one or installs one), else Debian's
/usr/bin/chromium. A missing browser fails the test and says what to run."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.serve import stop, worker_command

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path("/usr/bin/chromium")
# Headless on a machine without a GPU or a network: no sandbox (containers), no
# background fetches, no component updates, no sync.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Path:
    """The browser to drive, or a test failure naming the way to get one."""
    path = Path(os.environ.get("IBCF_CHROMIUM") or DEFAULT)
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: run the tests with `make test`, which provisions a "
            "browser (scripts/ensure_browser.py), or set IBCF_CHROMIUM to a Chromium",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for a test module (each test opens its own pages)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(chromium()), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def free_port() -> int:
    """A localhost port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    """Wait for Streamlit's health check, failing with the server's log if it dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit did not become healthy in {seconds:.0f} s:\n{log.read_text()}")


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    """The app on ``port`` as one worker of ``make serve`` runs it, once healthy."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            worker_command(port),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_healthy(f"http://127.0.0.1:{port}", proc, log)
    return proc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port for one test module; its URL."""
    port = free_port()
    proc = start_server(port, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
