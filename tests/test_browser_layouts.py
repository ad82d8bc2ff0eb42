"""Layouts in a real browser at a desk (1440×900), a projector (1280×720) and a phone
(390×844): nothing wider than the screen on any view, in normal and workshop mode, with
the who-bears-it panels drawn (the Overview's, the council card's firmness box and
Compare's equity table); workshop numbers larger than normal and above the fold, words
never broken inside, the sidebar's collapse freeing the main area, the map's 152
councils and its click, and Compare picks surviving a link.

Saves the first screen of every view at every size to ``test-artifacts/pages/`` and each
panel to ``test-artifacts/bears/``; with ``IBCF_FULL_PAGE_SHOTS=1``, each whole page too
(``-full.png``: a tall page takes a while to draw). Fails (does not skip) without a
browser (``tests/browser.py``).
"""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, quote, urlparse

import pytest

from app.shell import VIEWS
from simulator.inputs.data import Dataset
from tests.browser import browser, server
from tests.test_browser import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # its browser and its own streamlit server (fixtures)

SIZES = [(1440, 900), (1280, 720), (390, 844)]
SHOTS = ARTIFACTS / "pages"
PANEL_SHOTS = ARTIFACTS / "bears"
FULL_PAGE_SHOTS = os.environ.get("IBCF_FULL_PAGE_SHOTS") == "1"
PICKER = "Scenarios to compare"

# The views whose fullest form needs more than the view's name in the link, and the
# who-bears-it panel each must then draw (a workshop link carries no council code: the
# card shows its first council).
PANELS = {
    "Overview": ("", "Who bears it"),
    "Councils": ("&council=E10000017", "How firm, and what it rewards"),
    "Compare": (
        "&compare=current,preset:graduated",
        "Who bears each option, and how firm its list is",
    ),
}

# Visible elements that reach past the right edge of the viewport, ignoring those
# inside a box that clips them (a scrolled table, a chart's own drawing area).
TOO_WIDE_JS = """() => {
  const W = document.documentElement.clientWidth;
  const clipped = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const st = getComputedStyle(a);
      const clips = ['hidden', 'auto', 'scroll', 'clip'].includes(st.overflowX)
        || a.tagName.toLowerCase() === 'svg';
      if (clips && a.getBoundingClientRect().right <= W + 1) return true;
    }
    return false;
  };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
    if (getComputedStyle(e).visibility === 'hidden' || clipped(e)) continue;
    const id = e.getAttribute('data-testid') || e.className || '';
    out.push(`${e.tagName.toLowerCase()}[${id}] right=${Math.round(r.right)}`);
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, wide: out.slice(0, 10)};
}"""

# Words split over two lines inside the given elements ("Condition / ed").
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.textContent)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

# The width of the main area not covered by the sidebar.
FREE_MAIN_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const side = document.querySelector('section[data-testid="stSidebar"]');
  let left = Math.max(main.left, 0);
  if (side) {
    const r = side.getBoundingClientRect();
    if (r.right > left && r.left < main.right && r.width > 0) left = Math.max(left, r.right);
  }
  return Math.min(main.right, document.documentElement.clientWidth) - left;
}"""

PAGE_HEIGHT_JS = """() => Math.max(
  ...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']
    .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight),
  document.documentElement.scrollHeight)"""


def open_page(browser, url: str, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    settle(page)
    return page


def settle(page, seconds: float = 90, view: str = "") -> None:  # type: ignore[no-untyped-def]
    """Wait until the run has finished drawing (the footer, naming ``view`` if given,
    shown; no running indicator; no placeholder still waiting for its element) and charts
    have had a moment to lay out, so a screenshot shows the page a user reads."""
    page.get_by_text(f"{view} drawn in" if view else "Drawn in").first.wait_for()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').is_visible()
        if not running and page.locator('[data-testid="stSkeleton"]').count() == 0:
            break
        time.sleep(0.1)
    time.sleep(0.5)


def click_view(page, view: str) -> None:  # type: ignore[no-untyped-def]
    """Go to ``view`` as a user does, with its button above the page (the same session:
    no page load), and wait until it is drawn."""
    views = page.get_by_role("radiogroup", name="View")
    views.get_by_role("radio", name=view, exact=True).click()
    settle(page, view=view)


def shoot(page, name: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The first screen, then (``IBCF_FULL_PAGE_SHOTS=1``) the whole page (viewport
    stretched to its height)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{size[0]}x{size[1]}"
    page.screenshot(path=str(SHOTS / f"{stem}.png"))
    if not FULL_PAGE_SHOTS:
        return
    height = min(int(page.evaluate(PAGE_HEIGHT_JS)), 9000)
    if height > size[1]:
        page.set_viewport_size({"width": size[0], "height": height})
        time.sleep(0.5)
        page.screenshot(path=str(SHOTS / f"{stem}-full.png"))
        page.set_viewport_size({"width": size[0], "height": size[1]})


def view_url(server: str, view: str, extra: str = "") -> str:
    return f"{server}/?view={quote(view)}{extra}"


def slug(view: str) -> str:
    return view.lower().replace(" ", "-")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_fits_the_screen(server: str, browser, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Each view as a user reaches it, by its button, in one session per mode; a view
    whose fullest form needs its link (a council's card, Compare's picks) by the link."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.set_default_timeout(TIMEOUT_MS)
    problems = {}
    for mode, extra in (("", ""), ("workshop-", "&ws=1")):
        for i, view in enumerate(VIEWS):
            fuller, panel = PANELS.get(view, ("", None))
            if extra and view == "Councils":
                fuller = ""  # a workshop link carries no council code
            if i == 0 or fuller:
                page.goto(view_url(server, view, fuller + extra))
                settle(page, view=view)
            else:
                click_view(page, view)
            assert page.locator('[data-testid="stException"]').count() == 0, view
            shown = parse_qs(urlparse(page.url).query).get("view", ["Overview"])[0]
            assert shown == view, page.url  # the address bar is a link to this view
            fit = page.evaluate(TOO_WIDE_JS)
            if fit["wide"] or fit["scrollWidth"] > fit["width"]:
                problems[f"{mode}{view}"] = fit
            shoot(page, f"{mode}{slug(view)}", size)
            if panel is not None:
                shoot_panel(page, panel, f"{mode}{slug(view)}", size)
    page.close()
    assert problems == {}


def shoot_panel(page, heading: str, name: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The panel under ``heading`` is drawn: scrolled to and saved as a screenshot."""
    title = page.get_by_text(heading, exact=True).first
    title.wait_for()
    title.evaluate("e => e.scrollIntoView({block: 'start'})")
    time.sleep(0.5)  # its charts lay out
    PANEL_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PANEL_SHOTS / f"{name}-{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_workshop_numbers_are_larger_and_on_the_first_screen(
    server: str,
    browser,
    size: tuple[int, int],  # type: ignore[no-untyped-def]
) -> None:
    sizes = {}
    for mode, extra in (("normal", ""), ("workshop", "&ws=1")):
        page = open_page(browser, view_url(server, "Overview", extra), size)
        value = page.locator('[data-testid="stMetricValue"]').first
        sizes[mode] = float(
            value.evaluate("e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)")
        )
        broken = page.evaluate(
            BROKEN_WORDS_JS, '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]'
        )
        assert broken == [], (mode, broken)
        if mode == "workshop":
            box = value.bounding_box()
            assert box is not None and box["y"] + box["height"] <= size[1], box
        page.close()
    assert sizes["workshop"] > sizes["normal"], sizes


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_collapsing_the_sidebar_frees_the_main_area(
    server: str,
    browser,
    size: tuple[int, int],  # type: ignore[no-untyped-def]
) -> None:
    page = open_page(browser, f"{server}/", size)
    sidebar = page.locator('section[data-testid="stSidebar"]')
    if sidebar.get_attribute("aria-expanded") == "false" or (
        (sidebar.bounding_box() or {"x": -1.0})["x"] < 0
    ):  # a phone starts with it closed: open it as a user would
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        time.sleep(1.0)
    opened = float(page.evaluate(FREE_MAIN_JS))
    sidebar.hover()
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    time.sleep(1.0)
    closed = float(page.evaluate(FREE_MAIN_JS))
    page.close()
    assert closed > opened
    assert closed >= size[0] - 20  # all of it: no strip of sidebar left on screen


def test_the_map_shows_152_councils_and_a_click_opens_a_card(
    server: str,
    browser,
    dataset: Dataset,  # type: ignore[no-untyped-def]
) -> None:
    page = open_page(browser, view_url(server, "Map"), (1440, 900))
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    hexes = chart.locator(".shapelayer path")
    deadline = time.monotonic() + 60  # plotly draws after the page has settled
    while time.monotonic() < deadline and hexes.count() < 152:
        time.sleep(0.2)
    assert hexes.count() == 152
    codes = chart.evaluate("e => e.data[e.data.length - 1].customdata")
    assert sorted(codes) == sorted(dataset.codes)
    names = dict(zip(dataset.codes, dataset.councils["council"], strict=True))
    heading = page.locator("h3").first
    before = heading.inner_text()
    k = next(i for i, c in enumerate(codes) if names[c] != before)
    point = chart.locator(".scatterlayer .trace").last.locator(".point").nth(k)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    time.sleep(0.3)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and heading.inner_text() != names[codes[k]]:
        time.sleep(0.2)
    assert heading.inner_text() == names[codes[k]]
    page.close()

    shown = open_page(browser, view_url(server, "Map", "&ws=1"), (1440, 900))
    anonymous = shown.locator(".js-plotly-plot").first
    deadline = time.monotonic() + 60  # workshop mode: the map, under neutral labels
    while time.monotonic() < deadline and anonymous.locator(".shapelayer path").count() < 152:
        time.sleep(0.2)
    assert anonymous.locator(".shapelayer path").count() == 152
    assert anonymous.evaluate("e => e.data[e.data.length - 1].customdata") is None
    shown.close()


def test_compare_picks_survive_a_link(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, view_url(server, "Compare"), (1440, 900))
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text=PICKER).first
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "Graduated by margin" not in picker.inner_text():
        picker.click()
        option = page.get_by_role("option", name="Graduated by margin", exact=True).first
        option.click()
        page.keyboard.press("Escape")
        time.sleep(1.0)
    while time.monotonic() < deadline and "compare=" not in page.url:
        time.sleep(0.2)
    settle(page)
    link = page.url
    assert "preset%3Agraduated" in link or "preset:graduated" in link
    chosen = picker.inner_text()
    page.close()
    again = open_page(browser, link, (1440, 900))
    shown = again.locator('[data-testid="stMultiSelect"]').filter(has_text=PICKER).first
    assert shown.inner_text() == chosen
    assert "Graduated" in chosen
    again.close()
