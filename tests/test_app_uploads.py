"""Uploads the model cannot run are refused at the door, in the app itself: nothing
is "Loaded", the page never shows an error box, and Undo has nothing to bring back."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"


def test_reconciliation_fact_with_unknown_council_upload_is_refused_in_the_app() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    before = at.session_state["scenario"]
    raw = (
        b"name = 'Unknown council'\n[reconciliation]\ndocument = 'the letter'\n"
        b"reason = 'revised data'\n[[reconciliation.facts]]\nmeasure = 'rate'\n"
        b"gss_code = 'E99999999'\npublished = 9.7\n"
    )
    at.file_uploader(key="upload").set_value(("bad.toml", raw, "application/toml")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.sidebar.error))
    assert "bad.toml: reconciliation.facts.0.gss_code: E99999999 is not one of the 152" in errors
    assert "current scenario is unchanged" in errors
    assert not any("Loaded" in s.value for s in at.success)
    assert at.session_state["scenario"] == before
    undo = next(b for b in at.sidebar.button if b.label == "Undo")
    assert undo.disabled  # nothing was recorded, so nothing to undo into


def test_graduation_switched_back_from_margin_drops_margin_test() -> None:
    """margin_test names a test only when graduating by margin (a file giving it
    otherwise is refused), so the sidebar drops it when graduation changes back."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.selectbox(key="w:consequences.graduation").set_value("margin").run()
    assert at.session_state["scenario"].consequences.margin_test is not None
    at.selectbox(key="w:consequences.graduation").set_value("flat").run()
    assert not at.exception and not at.sidebar.error
    cons = at.session_state["scenario"].consequences
    assert cons.graduation == "flat" and cons.margin_test is None
