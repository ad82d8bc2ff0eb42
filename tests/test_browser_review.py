"""What only a browser shows of the review's findings (issue 21: the map, the workshop
first screen, the phone), at 1440×900, 1280×720 and 390×844, with a screenshot of each
under ``test-artifacts/review/``. Fails (does not skip) without a browser."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.browser import browser, server
from tests.test_browser import ARTIFACTS
from tests.test_browser_layouts import open_page, settle

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]

SHOTS = ARTIFACTS / "review"
SIZES = [(1440, 900), (1280, 720), (390, 844)]


def url(server: str, view: str, extra: str = "") -> str:
    return f"{server}/?preset=october-2017-letter&view={quote(view)}{extra}"


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}x{size['height']}.png"))


def hexes(page):  # type: ignore[no-untyped-def]
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and chart.locator(".shapelayer path").count() < 152:
        time.sleep(0.2)
    assert chart.locator(".shapelayer path").count() == 152
    return chart


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_hover_labels_and_fold(server: str, browser, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, url(server, "Map"), size)
    chart = hexes(page)
    labels = chart.locator(".scatterlayer .trace").last.locator(".textpoint")
    assert labels.count() == 152, "every hexagon labelled"
    if size[0] > 640:  # readable: not smaller than 9px on a desk or a projector
        font = labels.first.locator("text").evaluate("e => parseFloat(e.style.fontSize)")
        assert font >= 9
        box = chart.bounding_box()
        assert box is not None and box["y"] < size[1] * 0.6, "the map starts above the fold"
    point = chart.locator(".scatterlayer .trace").last.locator(".point").nth(20)
    point.scroll_into_view_if_needed()
    b = point.bounding_box()
    assert b is not None
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and hover.count() == 0:
        time.sleep(0.1)
    assert "<br>" not in hover.first.text_content(), "line breaks, not tags"
    assert hover.first.locator("tspan.line").count() == 3, "three lines"
    shoot(page, "map-hover")
    page.close()


def test_workshop_map_is_shown_anonymised(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, url(server, "Map", "&ws=1"), (1280, 720))
    chart = hexes(page)
    hovertext = chart.evaluate("e => e.data[e.data.length - 1].hovertext")
    assert all(h.startswith("Council ") for h in hovertext)
    assert "Lancashire" not in page.content()
    shoot(page, "workshop-map")
    page.close()


def test_workshop_first_screen_holds_eight_numbers_and_the_levers(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, url(server, "Overview", "&ws=1"), (1280, 720))
    values = page.locator('[data-testid="stMetricValue"]')
    assert values.count() == 8
    boxes = [values.nth(k).bounding_box() for k in range(8)]
    assert all(b is not None and b["y"] + b["height"] <= 720 for b in boxes), boxes
    cards = page.locator('[data-testid="stMetric"]')
    tops = [(cards.nth(k).bounding_box() or {"y": -1.0})["y"] for k in range(8)]
    assert len({round(y) for y in tops}) == 2, ("two rows of four, no hole", tops)
    lever = page.locator('section[data-testid="stSidebar"] [data-testid="stSlider"]').first
    box = lever.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720, "the presenter's levers"
    shoot(page, "workshop-overview")
    page.close()


def test_phone_title_clears_the_header_and_tables_are_not_cut(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, url(server, "Overview"), (390, 844))
    header = page.locator('[data-testid="stHeader"]').bounding_box()
    title = page.locator("h1").first.bounding_box()
    assert header is not None and title is not None
    assert title["y"] >= header["y"] + header["height"] - 1, (title, header)
    shoot(page, "phone-overview")
    page.goto(url(server, "Councils"))
    settle(page)
    table = page.locator('[data-testid="stTable"]').first
    table.scroll_into_view_if_needed()
    fit = table.evaluate(
        "e => ({right: e.getBoundingClientRect().right, width: innerWidth,"
        " scroll: e.scrollWidth > e.clientWidth, overflow: getComputedStyle(e).overflowX})"
    )
    assert fit["right"] <= fit["width"] + 1, fit
    assert not fit["scroll"] or fit["overflow"] in ("auto", "scroll"), "it scrolls, not cut"
    shoot(page, "phone-council-card")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    grid.hover()
    time.sleep(0.5)
    toolbars = page.locator('[data-testid="stElementToolbar"]')
    assert all(not toolbars.nth(k).is_visible() for k in range(toolbars.count()))
    page.close()


FIRST_HEADLINE_JS = """(() => {
  const obs = new MutationObserver(() => {
    const el = document.querySelector('[data-testid="stMetricValue"]');
    if (el && el.innerText.trim()) { window.__first = performance.now(); obs.disconnect(); }
  });
  document.addEventListener('DOMContentLoaded', () =>
    obs.observe(document.body, {subtree: true, childList: true, characterData: true}));
})();"""


def test_first_headline_comes_before_the_chart_library(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """A new visitor's first Overview: the headline numbers are drawn before the
    browser fetches the chart library (4.6 MB of script), and the charts follow."""
    warm = open_page(browser, url(server, "Overview"), (1440, 900))
    warm.close()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(FIRST_HEADLINE_JS)
    page = context.new_page()
    page.goto(url(server, "Overview"))
    page.wait_for_function("() => window.__first !== undefined", timeout=90_000)
    first = page.evaluate("() => window.__first")
    before = page.evaluate(
        "(t) => performance.getEntriesByType('resource').filter(e => e.startTime < t)"
        ".map(e => e.name)",
        first,
    )
    assert before and not [n for n in before if "Plotly" in n], "no chart script first"
    # Then the charts: the ledger, the national path and who bears it.
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 3", timeout=90_000
    )
    shoot(page, "first-view-then-charts")
    context.close()
