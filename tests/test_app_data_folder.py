"""The app with a broken data folder: a plain message at start, never a crash on the
view that reads the broken file (the Map view, for a folder without the hex layout)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import services
from simulator import io

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def test_the_app_shows_a_data_folder_without_the_hex_layout_as_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "data" / "raw"
    shutil.copytree(io.RAW_DIR, raw)
    (raw / io.HEX_FILE).unlink()
    monkeypatch.setattr(io, "RAW_DIR", raw)
    monkeypatch.setattr(io, "OFFICIAL_DIR", tmp_path / "data" / "official")
    monkeypatch.setattr(io, "HEX_LAYOUT", raw / io.HEX_FILE)
    services.dataset.clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
    finally:
        services.dataset.clear()
    assert not at.exception
    assert [e.value for e in at.error] == ["The data folder cannot be used: fix these and reload."]
    assert f"{raw}: missing {io.HEX_FILE}" in at.text[0].value
