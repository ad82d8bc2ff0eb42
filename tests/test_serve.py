"""Serving many sessions: the proxy configuration ``make serve`` writes, and its refusal
of ports already taken (the live proxy is exercised by ``make bench-load``)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

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
