"""Serving many sessions: the proxy configuration ``make serve`` writes, its refusal of
ports already taken, and the load benchmark's protocol client (the live proxy is
exercised by ``make bench-load``, which CI runs small)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
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
