"""Links the app writes always open: long notes are left out (and said so) rather than
making a link the app itself refuses, and every link the app writes is within what
the web server carries (tested on a real server). A link over the one limit a link may
hold (``link.MAX_LINK_CHARS``) gets the app's notice, not a server error: the notice,
the README and the servers (a worker alone, and ``make serve``'s proxy) agree on it."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from app import link, services
from simulator.inputs.data import Dataset
from simulator.schema.files import data_context, load_scenario, parse_scenario
from simulator.schema.scenario import Scenario
from tests.browser import free_port, start_server
from tests.test_app import new_app, ok

ROOT = Path(__file__).resolve().parent.parent
GRADUATED = ROOT / "scenarios" / "graduated.toml"


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> dict[str, Any]:
    return data_context(dataset.months, list(dataset.codes))


def shown(at: AppTest) -> str:
    texts = [e.value for e in [*at.warning, *at.error, *at.success, *at.sidebar.warning]]
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", " ".join(texts))


def with_long_notes(chars: int, context: dict[str, Any]) -> tuple[Scenario, bytes]:
    """The graduated scenario with ``chars`` characters of notes: a valid file."""
    base = load_scenario(GRADUATED, context=context)
    notes = ("Sources, assumptions and the reasoning behind each choice. " * 1000)[:chars]
    scenario = base.model_copy(update={"notes": notes, "name": "Long notes"})
    raw = scenario.to_toml().encode()
    assert parse_scenario(raw, context=context).notes == notes  # the file itself is valid
    return scenario, raw


def test_long_notes_upload_then_reload_keeps_the_scenario(context: dict[str, Any]) -> None:
    """Upload a valid scenario with 30,000 characters of notes, then reload from the
    address bar: the same option (not the status quo and an error), a note in place of
    the notes, and both the sender and the receiver told why."""
    scenario, raw = with_long_notes(30_000, context)
    at = ok(new_app())
    at.file_uploader(key="upload").set_value(("long.toml", raw, "application/toml")).run()
    ok(at)
    assert at.session_state["scenario"].notes == scenario.notes
    params = dict(at.query_params.items())

    again = ok(new_app(**params))  # F5: a new session from the address bar
    said = shown(again)
    assert "more than the 20,000 allowed" not in said
    reloaded = again.session_state["scenario"]
    assert reloaded.content_hash() == scenario.content_hash()
    assert reloaded.name == "Long notes"
    assert reloaded.notes == link.left_out_text("notes", 30_000)
    assert "This link leaves out the scenario's notes: too long for a link" in said
    assert "leaves out the notes: too long for a link" in shown(at)  # the sender was told
    assert params[link.CUT] == "notes"
    assert link.encoded_size(params) <= link.MAX_LINK_CHARS


def test_short_notes_travel_in_the_link_whole(context: dict[str, Any]) -> None:
    scenario, raw = with_long_notes(3_000, context)
    at = ok(new_app())
    at.file_uploader(key="upload").set_value(("short.toml", raw, "application/toml")).run()
    params = dict(ok(at).query_params.items())
    assert link.CUT not in params
    assert ok(new_app(**params)).session_state["scenario"].notes == scenario.notes


@pytest.mark.parametrize("alphabet", ["a", "é", "中", "😀", '"%&+ '])
def test_every_link_the_app_writes_fits_the_budget(
    context: dict[str, Any], dataset: Dataset, alphabet: str
) -> None:
    """Notes, description and author of 20,000 characters each, in scripts that
    percent-encode to up to 12 bytes a character: the link stays within its budget."""
    base = load_scenario(GRADUATED, context=context)
    text = (alphabet * 20_000)[:20_000]
    scenario = base.model_copy(update={"notes": text, "description": text, "author": text})
    params = services.link_params("graduated", base, scenario, dataset.data_hash)
    assert link.encoded_size(params) <= link.MAX_LINK_CHARS
    assert sorted(link.left_out(params)) == ["author", "description", "notes"]


# --------------------------------------------------------------------------- a real server
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    from scripts.serve import stop

    port = free_port()
    proc = start_server(port, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield port
    finally:
        stop(proc)


def get(port: int, query: str, referer: bool) -> int:
    """The status of the page at ``/?query`` (and, as a page's later requests do, of a
    script fetched with the page's address as the Referer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Referer": f"http://127.0.0.1:{port}/?{query}"} if referer else {}
        conn.request("GET", f"/?{query}", headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def query_of(chars: int) -> str:
    """A link's query string of exactly ``chars`` characters (the graduated scenario
    with notes and a description of plain letters)."""
    head = "preset=graduated&notes="
    notes = (chars - len(head)) // 2
    query = f"{head}{'x' * notes}&description="
    query += "y" * (chars - len(query))
    assert len(query) == chars
    return query


def test_links_of_the_app_budget_load_on_a_real_server(
    server: int,
) -> None:
    """A link of the whole limit loads, and so does one just over it (the page then
    says the link could not be applied), sent both ways: a page's later requests can
    carry the address again as the Referer. The web server itself refuses a request of
    more than about 128 KiB, before the app can say anything."""
    for chars in (link.MAX_LINK_CHARS, link.MAX_LINK_CHARS + 1):
        query = query_of(chars)
        assert get(server, query, referer=False) == 200, chars
        assert get(server, query, referer=True) == 200, chars


def test_a_link_just_over_the_limit_gets_the_apps_notice() -> None:
    """32,768 characters is the most a link may hold: a link of that length is applied,
    one of 32,769 is refused with the app's notice (the default scenario shown), in the
    same words as the notice the browser shows for a link Streamlit drops."""
    assert link.MAX_LINK_CHARS == 32_768
    at = ok(new_app(**dict(parse_qsl(query_of(32_768)))))
    assert "could not be applied" not in shown(at)
    assert at.session_state["scenario"].name == "Graduated by margin"
    assert len(at.session_state["scenario"].notes) == (32_768 - 23) // 2

    over = ok(new_app(**dict(parse_qsl(query_of(32_769)))))
    said = shown(over)
    assert (
        "The link could not be applied: it holds 3 parameters (32,769 characters), more "
        "than the 1,000 parameters or 32,768 characters a link may carry. Showing the "
        "default scenario instead."
    ) in said
    assert over.session_state["scenario"].name == "October 2017 letter"


def test_the_notice_and_the_readme_state_the_one_limit() -> None:
    """The browser's notice compares with, and states, the same limit as the app's own
    check and the README."""
    from app import shell

    script = shell.OVERSIZED_LINK_SCRIPT
    assert f"query.length <= {link.MAX_LINK_CHARS})" in script
    assert "32,768 characters a link may carry" in script
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "A link holds at most 32,768 characters" in readme
    for wrong in ("524,288", "100 KiB", "60 KiB"):
        assert wrong not in script + readme


@pytest.mark.process
def test_a_link_just_over_the_limit_passes_make_serves_proxy(tmp_path: Path) -> None:
    """``make serve`` puts HAProxy in front of the workers; its default buffer (16 KiB)
    answered a link of more than about 15,200 characters with a bare "400 Bad request".
    A link just over the limit, with the Referer a page's later requests may add, now
    reaches the app."""
    import subprocess
    import sys
    import time
    import urllib.request

    from scripts.serve import stop

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripts.serve", "--workers", "1", "--port", str(port),
         "--host", "127.0.0.1", "--seconds", "240"],
        cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "serve.log").open("wb"),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "make serve was not up in 180 s"
                time.sleep(0.5)
        query = query_of(link.MAX_LINK_CHARS + 1)
        assert get(port, query, referer=False) == 200
        assert get(port, query, referer=True) == 200
    finally:
        stop(proc, seconds=60)


def test_undo_history_is_said_to_be_per_process() -> None:
    """The undo history is not in the link: the Undo and Redo buttons say so, and that
    a reload keeps the scenario."""
    at = ok(new_app())
    helps = {b.label: b.help or "" for b in at.sidebar.button}
    for label in ("Undo", "Redo"):
        assert "a reload, a new tab or a restarted server keeps the scenario" in helps[label]
        assert "starts the history afresh" in helps[label]
