"""Links the app writes always open: long notes are left out (and said so) rather than
making a link the app itself refuses, and every link the app writes is within what
the web server carries (tested on a real server)."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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
    assert link.encoded_size(params) <= link.LINK_BUDGET


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
    assert link.encoded_size(params) <= link.LINK_BUDGET
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


def test_links_of_the_app_budget_load_on_a_real_server(
    server: int,
) -> None:
    """The web server resets a request line of about 100 KiB or more (so the app's
    notice cannot show); a page's later requests carry the address again as the
    Referer. A link of the app's whole budget, sent both ways, loads."""
    query = urlencode({"preset": "graduated", "notes": "x" * link.LINK_BUDGET})
    query = query[: link.LINK_BUDGET]
    assert get(server, query, referer=False) == 200
    assert get(server, query, referer=True) == 200


def test_undo_history_is_said_to_be_per_process() -> None:
    """The undo history is not in the link: the Undo and Redo buttons say so, and that
    a reload keeps the scenario."""
    at = ok(new_app())
    helps = {b.label: b.help or "" for b in at.sidebar.button}
    for label in ("Undo", "Redo"):
        assert "a reload, a new tab or a restarted server keeps the scenario" in helps[label]
        assert "starts the history afresh" in helps[label]
