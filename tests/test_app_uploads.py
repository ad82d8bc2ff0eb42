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
