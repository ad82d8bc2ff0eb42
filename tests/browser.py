"""Where the browser tests find Chromium: ``$IBCF_CHROMIUM``, which ``make test`` sets
from ``scripts/ensure_browser.py`` (it finds one or installs one), else Debian's
/usr/bin/chromium. A missing browser fails the test and says what to run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
