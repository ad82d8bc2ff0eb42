"""Where the browser tests find Chromium: ``$IBCF_CHROMIUM``, which ``make test`` sets
from ``scripts/ensure_browser.py`` (it finds one or installs one), else Debian's
/usr/bin/chromium. A missing browser fails the test and says what to run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DEFAULT = Path("/usr/bin/chromium")


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
