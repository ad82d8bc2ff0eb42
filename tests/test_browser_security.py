"""Hostile links in a real browser (Playwright driving Debian's chromium against
``streamlit run``): user text shows literally and fetches nothing; two browsers on
one server each get their own text in their Excel pack.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest

from tests.browser import browser, server
from tests.test_browser import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # its browser and its own streamlit server (fixtures)

EXTERNAL = "203.0.113.5"  # TEST-NET-3: never routed
NAME = f"![ZQXimage](http://{EXTERNAL}/n.png) **ZQXbold** <b>ZQXhtml</b>"
LABEL = f"[ZQXlink](http://{EXTERNAL}/l) <a href=http://{EXTERNAL}/a>ZQXa</a>"
STAMP = f"![ZQXstamp](http://{EXTERNAL}/s.png)"
PRESET = f"![ZQXpreset](http://{EXTERNAL}/p.png)"


def _ready(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("iBCF allocation review simulator").first.wait_for()
    page.get_by_text("Model ").last.wait_for()  # the footer: the run has finished
    deadline = time.monotonic() + 30
    while page.locator('[data-testid="stStatusWidget"]').is_visible():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)


def _text(page) -> str:  # type: ignore[no-untyped-def]
    """The page's text as read: the invisible word joiners the app puts inside
    addresses (so that none becomes a link) left out."""
    return str(page.locator("body").inner_text()).replace("\u2060", "")


def _external_references(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every src/href (HTML or SVG) in the page that names the external address."""
    return list(
        page.evaluate(
            """(host) => Array.from(document.querySelectorAll('*')).flatMap(el =>
                ['src', 'href', 'xlink:href', 'srcset', 'style']
                  .map(a => el.getAttribute(a) || '')
                  .filter(v => v.includes(host))
                  .map(v => el.tagName + ' ' + v))""",
            EXTERNAL,
        )
    )


def test_crafted_link_shows_text_and_fetches_nothing(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        query = {
            "preset": "october-2017-letter",
            "name": NAME,
            "selection.tests.0.label": LABEL,
            "dh": STAMP,
            "mv": STAMP,
            "view": "Compare",
        }
        page.goto(f"{server}/?{urlencode(query)}")
        _ready(page)
        text = _text(page)
        assert NAME in text  # the title line, literally
        assert STAMP in text  # the data-hash and model-version warnings
        assert _external_references(page) == []

        page.goto(f"{server}/?{urlencode({'preset': PRESET})}")
        _ready(page)
        assert PRESET in _text(page)  # the error names it, literally
        assert _external_references(page) == []

        page.goto(f"{server}/?{urlencode({**query, 'view': 'Councils'})}")
        _ready(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser-hostile-link.png"), full_page=True)
        assert _external_references(page) == []
    finally:
        context.close()
    local = server.rstrip("/")
    outside = [u for u in requests if not u.startswith((local, "data:", "blob:", "about:"))]
    assert requests and outside == []


def _excel_pack(browser, server: str, who: str, tmp_path: Path) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    query = {
        "preset": "october-2017-letter",
        "consequences.condition_pct": "41.0",
        "name": "Shared plan",
        "notes": f"Notes of {who}",
        "author": who,
        "view": "Exports",
    }
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{server}/?{urlencode(query)}")
        _ready(page)
        page.get_by_role("button", name="Prepare the Excel pack (.xlsx)").click()
        download = page.get_by_role("button", name="Excel pack (.xlsx)", exact=True)
        download.wait_for()
        with page.expect_download() as info:
            download.click()
        path = tmp_path / f"{who}.xlsx"
        info.value.save_as(path)
    finally:
        context.close()
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))


def test_two_browsers_do_not_share_text(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same scenario with different notes and author in two browsers at once: the
    second's Excel pack carries its own, not the first's."""
    for who, other in (("Alice", "Bob"), ("Bob", "Alice")):
        book = _excel_pack(browser, server, who, tmp_path)
        toml = "\n".join(str(row[0].value) for row in book["Scenario"].iter_rows())
        assert f"Notes of {who}" in toml and f'author = "{who}"' in toml
        assert other not in toml
        assert book["Summary"]["B2"].value == "Shared plan"


def test_link_over_1000_keys_is_refused_with_a_message(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """Streamlit drops a query string of more than 1,000 fields before the app sees it;
    the page still says the link was not applied, instead of silently showing the
    default scenario. A link within the limit shows no such message."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        fields = {"preset": "graduated", **{f"notes{k}": "x" for k in range(1000)}}
        page.goto(f"{server}/?{urlencode(fields)}")
        _ready(page)
        notice = page.locator('[data-testid="oversizedLink"]')
        notice.wait_for()
        assert "holds 1,001 parameters" in notice.inner_text()
        assert "more than the 1,000 parameters" in notice.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser-oversized-link.png"))
        page.goto(f"{server}/?{urlencode({'preset': 'graduated'})}")
        _ready(page)
        time.sleep(1)
        assert page.locator('[data-testid="oversizedLink"]').count() == 0
    finally:
        context.close()


def test_a_link_just_over_the_character_limit_gets_the_apps_notice(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """A link of 32,769 characters (the limit, ``link.MAX_LINK_CHARS``, is 32,768) opens
    the page, which says the link was not applied and why, rather than the server's bare
    error; the default scenario is shown."""
    from tests.test_app_links import query_of

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        response = page.goto(f"{server}/?{query_of(32_769)}")
        assert response is not None and response.status == 200
        _ready(page)
        alert = page.locator('[data-testid="stAlert"]').filter(has_text="could not be applied")
        alert.first.wait_for()
        said = alert.first.inner_text()
        assert "it holds 3 parameters (32,769 characters)" in said
        assert "more than the 1,000 parameters or 32,768 characters a link may carry" in said
        assert "October 2017 letter" in _text(page)
    finally:
        context.close()
