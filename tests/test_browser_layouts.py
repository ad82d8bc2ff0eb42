"""The app in a real browser at a desk (1440×900), a projector (1280×720) and a phone
(390×844), on one tour of every view per size, in normal and workshop mode (see "the
tour" below): nothing wider than the screen, with the who-bears-it panels drawn (the
Overview's, the council card's firmness box and Compare's equity table); Compare's
tables with every cell's text whole; workshop numbers larger than normal and above the
fold, words never broken inside them, eight numbers and the levers on a projector's
first screen; the sidebar's collapse freeing the main area; the map's 152 councils,
labels (never one over another: a phone's map has none), hover and click, anonymised
in workshop mode; the Design view's goal in words shown whole, the best option's beds
under every evidence set with the bound, the frontier, its hover and a click picking an
option, and why not (conflicting guarantees); a phone's title and council tables;
Compare picks surviving a link; and a new visitor's headline before the chart library.

Saves the first screen of every view at every size to ``test-artifacts/pages/``, each
panel to ``test-artifacts/bears/`` and the checked details to ``test-artifacts/review/``;
with ``IBCF_FULL_PAGE_SHOTS=1``, each whole page too (``-full.png``: a tall page takes a
while to draw). Fails (does not skip) without a browser (``tests/browser.py``).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlparse

import pytest

from app.shell import VIEWS
from app.show import CHART_FOLLOWS
from benchmarks.browser import FIRST_PAINT_JS
from simulator.inputs.data import Dataset
from tests.browser import browser, server
from tests.test_browser import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # its browser and its own streamlit server (fixtures)

SIZES = [(1440, 900), (1280, 720), (390, 844)]
SHOTS = ARTIFACTS / "pages"
PANEL_SHOTS = ARTIFACTS / "bears"
REVIEW_SHOTS = ARTIFACTS / "review"
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

# Every chart on the screen has been drawn (Plotly's own drawing, not its placeholder).
CHARTS_IN_VIEW_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })
  .every(e => e.querySelector('.main-svg'))"""

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
    shown; no running indicator; no placeholder still waiting for its element, nor a
    new visitor's first Overview waiting for its charts) and charts have had a moment
    to lay out, so a screenshot shows the page a user reads."""
    page.get_by_text(f"{view} drawn in" if view else "Drawn in").first.wait_for()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').is_visible()
        waiting = (
            page.locator('[data-testid="stSkeleton"]').count()
            or page.get_by_text(CHART_FOLLOWS).count()
        )
        if not running and not waiting:
            break
        time.sleep(0.1)
    time.sleep(0.5)


def click_view(page, view: str) -> None:  # type: ignore[no-untyped-def]
    """Go to ``view`` as a user does, with its button above the page (the same session:
    no page load), and wait until it is drawn; then back to the top of the page."""
    views = page.get_by_role("radiogroup", name="View")
    views.get_by_role("radio", name=view, exact=True).click()
    settle(page, view=view)
    to_top(page)


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


# --------------------------------------------------------------------------- the tour
# One tour of the app per screen size, as a user goes: every view in normal and then
# workshop mode, by the view buttons (one session per mode; a view whose fullest form
# needs its link, by the link). At each view it saves the first screen and records what
# the tests below assert, so each test names one property and the pages load once.

Box = dict[str, float]


@dataclass
class Tour:
    """What one tour at one screen size saw (``take_tour``)."""

    size: tuple[int, int]
    too_wide: dict[str, object] = field(default_factory=dict)  # page -> what sticks out
    number_px: dict[str, float] = field(default_factory=dict)  # mode -> first number's size
    broken_words: dict[str, list[str]] = field(default_factory=dict)  # mode -> words split
    workshop_numbers: list[Box | None] = field(default_factory=list)  # Overview's, workshop
    workshop_card_tops: list[float] = field(default_factory=list)
    workshop_lever: Box | None = None  # the sidebar's first slider, workshop
    header: Box | None = None  # Overview, normal mode
    title: Box | None = None
    council_table: dict[str, object] = field(default_factory=dict)  # Councils, normal
    toolbars_shown: list[bool] = field(default_factory=list)  # over the council grid
    map: dict[str, object] = field(default_factory=dict)  # Map, normal
    workshop_map: dict[str, object] = field(default_factory=dict)  # Map, workshop
    design: dict[str, object] = field(default_factory=dict)  # Design, normal
    compare: dict[str, object] = field(default_factory=dict)  # Compare, normal: its tables
    main_width: dict[str, float] = field(default_factory=dict)  # sidebar opened / closed
    # each panel's screenshot: its heading's box and the fixed app header's, as shot
    panels: dict[str, tuple[Box | None, Box | None]] = field(default_factory=dict)


class Tours:
    """Each size's tour, taken when a test first asks for it (a failed tour fails every
    test that asks for it, with its error, without being taken again)."""

    def __init__(self, server: str, browser: object, dataset: Dataset) -> None:
        self.server, self.browser, self.dataset = server, browser, dataset
        self.done: dict[tuple[int, int], Tour | BaseException] = {}

    def __call__(self, size: tuple[int, int]) -> Tour:
        if size not in self.done:
            try:
                self.done[size] = take_tour(self.server, self.browser, self.dataset, size)
            except Exception as error:  # kept for the other tests at this size
                self.done[size] = error
        seen = self.done[size]
        if isinstance(seen, BaseException):
            raise AssertionError(f"the tour at {size[0]}x{size[1]} failed: {seen}") from seen
        return seen


@pytest.fixture(scope="module")
def tours(server: str, browser, dataset: Dataset) -> Tours:  # type: ignore[no-untyped-def]
    return Tours(server, browser, dataset)


def take_tour(server: str, browser, dataset: Dataset, size: tuple[int, int]) -> Tour:  # type: ignore[no-untyped-def]
    tour = Tour(size)
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.set_default_timeout(TIMEOUT_MS)
    for mode, extra in (("normal", ""), ("workshop", "&ws=1")):
        prefix = "" if mode == "normal" else "workshop-"
        for i, view in enumerate(VIEWS):
            fuller, panel = PANELS.get(view, ("", None))
            if extra and view == "Councils":
                fuller = ""  # a workshop link carries no council code
            if i == 0 or fuller:
                page.goto(view_url(server, view, fuller + extra))
                settle(page, view=view)
            else:
                click_view(page, view)
            assert page.locator('[data-testid="stException"]').count() == 0, (mode, view)
            shown = parse_qs(urlparse(page.url).query).get("view", ["Overview"])[0]
            assert shown == view, page.url  # the address bar is a link to this view
            fit = page.evaluate(TOO_WIDE_JS)
            if fit["wide"] or fit["scrollWidth"] > fit["width"]:
                tour.too_wide[f"{prefix}{view}"] = fit
            shoot(page, f"{prefix}{slug(view)}", size)
            inspect = INSPECTIONS.get((view, mode))
            if inspect is not None:
                inspect(page, tour, dataset)
            if panel is not None:
                shoot_panel(page, panel, f"{prefix}{slug(view)}", tour)
    collapse_sidebar(page, tour)  # last: a reload keeps the sidebar as it was left
    page.close()
    return tour


def to_top(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(
        """() => { window.scrollTo(0, 0); for (const s of ['[data-testid="stMain"]',
        '[data-testid="stAppViewContainer"]']) { const e = document.querySelector(s);
        if (e) e.scrollTop = 0; } }"""
    )


def number_px(page) -> float:  # type: ignore[no-untyped-def]
    value = page.locator('[data-testid="stMetricValue"]').first
    return float(
        value.evaluate("e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)")
    )


def overview(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    tour.number_px["normal"] = number_px(page)
    tour.broken_words["normal"] = page.evaluate(BROKEN_WORDS_JS, NUMBERS)
    tour.header = page.locator('[data-testid="stHeader"]').bounding_box()
    tour.title = page.locator("h1").first.bounding_box()
    if tour.size[0] < 640:
        review_shot(page, "phone-overview")


def workshop_overview(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    tour.number_px["workshop"] = number_px(page)
    tour.broken_words["workshop"] = page.evaluate(BROKEN_WORDS_JS, NUMBERS)
    values = page.locator('[data-testid="stMetricValue"]')
    tour.workshop_numbers = [values.nth(k).bounding_box() for k in range(values.count())]
    cards = page.locator('[data-testid="stMetric"]')
    tour.workshop_card_tops = [
        (cards.nth(k).bounding_box() or {"y": -1.0})["y"] for k in range(cards.count())
    ]
    lever = page.locator('section[data-testid="stSidebar"] [data-testid="stSlider"]').first
    tour.workshop_lever = lever.bounding_box()
    review_shot(page, "workshop-overview")


def hexes(page):  # type: ignore[no-untyped-def]
    """The map's chart once plotly has drawn its 152 hexagons (or a minute has passed)."""
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and chart.locator(".shapelayer path").count() < 152:
        time.sleep(0.2)
    return chart


# The map's hexagon labels a reader sees (drawn, with a size), and the first two whose
# boxes overlap, if any (half a pixel allowed).
MAP_LABELS_JS = """(chart) => {
  const traces = chart.querySelectorAll('.scatterlayer .trace');
  const texts = [...traces[traces.length - 1].querySelectorAll('.textpoint text')];
  const shown = texts.map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      const [a, p] = shown[i], [b, q] = shown[j];
      if (p.left < q.right - 0.5 && q.left < p.right - 0.5
          && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5) {
        return {shown: shown.length, overlap: [a, b]};
      }
    }
  }
  return {shown: shown.length, overlap: null};
}"""


def map_view(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    chart = hexes(page)
    seen = tour.map
    seen["hexes"] = chart.locator(".shapelayer path").count()
    labels = chart.locator(".scatterlayer .trace").last.locator(".textpoint")
    seen["labels"] = labels.count()
    seen["label_px"] = labels.first.locator("text").evaluate("e => parseFloat(e.style.fontSize)")
    chart.scroll_into_view_if_needed()
    seen["labels_shown"] = chart.evaluate(MAP_LABELS_JS)
    seen["find"] = page.get_by_text("Find a council").first.is_visible()
    seen["chart"] = chart.bounding_box()
    codes = chart.evaluate("e => e.data[e.data.length - 1].customdata")
    seen["codes"] = codes
    point = chart.locator(".scatterlayer .trace").last.locator(".point")
    point.nth(20).scroll_into_view_if_needed()
    b = point.nth(20).bounding_box()
    assert b is not None
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and hover.count() == 0:
        time.sleep(0.1)
    seen["hover"] = hover.first.text_content()
    seen["hover_lines"] = hover.first.locator("tspan.line").count()
    review_shot(page, "map-hover")
    # A click on another council's hexagon opens its card.
    names = dict(zip(dataset.codes, dataset.councils["council"], strict=True))
    heading = page.locator("h3").first
    before = heading.inner_text()
    k = next(i for i, c in enumerate(codes) if names[c] != before)
    point.nth(k).scroll_into_view_if_needed()
    b = point.nth(k).bounding_box()
    assert b is not None
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    time.sleep(0.3)
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and heading.inner_text() != names[codes[k]]:
        time.sleep(0.2)
    seen["clicked"], seen["card"] = names[codes[k]], heading.inner_text()


def workshop_map(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    chart = hexes(page)
    seen = tour.workshop_map
    seen["hexes"] = chart.locator(".shapelayer path").count()
    seen["codes"] = chart.evaluate("e => e.data[e.data.length - 1].customdata")
    seen["hovertext"] = chart.evaluate("e => e.data[e.data.length - 1].hovertext")
    seen["lancashire_named"] = "Lancashire" in page.content()
    review_shot(page, "workshop-map")


def councils_view(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    table = page.locator('[data-testid="stTable"]').first
    table.scroll_into_view_if_needed()
    tour.council_table = table.evaluate(
        "e => ({right: e.getBoundingClientRect().right, width: innerWidth,"
        " scroll: e.scrollWidth > e.clientWidth, overflow: getComputedStyle(e).overflowX})"
    )
    review_shot(page, "council-card")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    grid.hover()
    time.sleep(0.5)
    toolbars = page.locator('[data-testid="stElementToolbar"]')
    tour.toolbars_shown = [toolbars.nth(k).is_visible() for k in range(toolbars.count())]
    to_top(page)


# The goal box's text: whether the words shown, and each choice's words, fit its width
# (measured in its own font; an input never wraps, so words too long are cut).
GOAL_FITS_JS = """(e, texts) => {
  const cs = getComputedStyle(e);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const r = e.getBoundingClientRect();
  return {shown: e.value, shown_cut: e.scrollWidth > e.clientWidth + 1, right: r.right,
          width: document.documentElement.clientWidth,
          cut: texts.filter(t => pen.measureText(t).width > room + 0.5)};
}"""
GOAL = 'input[aria-label="Best at"]'
PICK = 'input[aria-label="An efficient option"]'
# Guarantees no option keeps together (a link's design choices).
CONFLICTING = json.dumps({"max_councils": 1, "min_beds": 1.0})


def scroll_to(page, element, above: float = 8) -> None:  # type: ignore[no-untyped-def]
    """``element`` at the top of the screen, ``above`` pixels below the app's header
    (room for a heading drawn above it), as a screenshot should show it."""
    element.evaluate(
        """(e, above) => {
          const header = document.querySelector('[data-testid="stHeader"]');
          const h = header ? Math.max(header.getBoundingClientRect().bottom, 0) : 0;
          e.style.scrollMarginTop = `${h + above}px`;
          e.scrollIntoView({block: 'start'});
        }""",
        above,
    )
    time.sleep(0.5)


def goal_fit(page, choices: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Whether the goal box shows its words whole; with ``choices``, every choice's
    words too (read from its opened list)."""
    box = page.locator(GOAL)
    texts: list[str] = []
    if choices:
        box.click()
        options = page.get_by_role("option")
        options.first.wait_for()
        texts = [options.nth(k).inner_text() for k in range(options.count())]
        page.keyboard.press("Escape")
        time.sleep(0.3)
    fit = box.evaluate(GOAL_FITS_JS, texts)
    fit["choices"] = len(texts)
    return dict(fit)


def design_view(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    seen = tour.design
    seen["frontier"] = page.get_by_text("Options keeping the guarantees").first.is_visible()
    seen["goal"] = goal_fit(page, choices=True)
    # The best option's beds under every evidence set, and the bound beside them.
    panel = page.locator(".st-key-design-best-beds")
    if panel.count():  # else nothing recorded: the tests say what is missing
        scroll_to(page, panel)
        seen["best_box"] = panel.bounding_box()
        table = panel.locator('[data-testid="stTable"]')
        seen["best_cells"] = table.locator("td").all_inner_texts()
        seen["best_table"] = table.evaluate(
            "e => ({right: e.getBoundingClientRect().right, width: innerWidth,"
            " hidden: e.scrollWidth > e.clientWidth + 1})"
        )
        seen["bound"] = panel.get_by_text("A bound, not an option").first.is_visible()
        review_shot(page, "design-best")
    # The frontier: a point's hover, then a click on it picks its option below.
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    scroll_to(page, chart, above=64)  # its title, drawn by the page, above it
    points = chart.locator("g.trace.scatter path.point")
    seen["points"] = points.count()
    if points.count():
        point = points.nth(points.count() // 2)
        point.hover(force=True)
        hover = chart.locator("g.hovertext")
        hover.first.wait_for(timeout=10_000)
        seen["hover"] = hover.first.text_content() or ""
        seen["hover_box"] = hover.first.bounding_box()
        seen["chart_box"] = chart.bounding_box()
        review_shot(page, "design-frontier")
        pick = page.locator(PICK)
        seen["picked_before"] = before = pick.input_value()
        b = point.bounding_box()
        assert b is not None
        page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and pick.input_value() == before:
            time.sleep(0.2)
        seen["picked_after"] = pick.input_value()
    # Why not: guarantees that conflict, from a link.
    here = urlparse(page.url)
    page.goto(f"{here.scheme}://{here.netloc}/?view=Design&design={quote(CONFLICTING)}")
    settle(page, view="Design")
    why = page.locator(".st-key-design-why-not")
    if why.count():
        scroll_to(page, why)
        seen["why_not_box"] = why.bounding_box()
        seen["why_not"] = why.locator("li").all_inner_texts()
        seen["why_not_fit"] = page.evaluate(TOO_WIDE_JS)
        review_shot(page, "design-why-not")
    to_top(page)


def workshop_design(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    tour.design["workshop_goal"] = goal_fit(page, choices=False)


# The first table after the heading that starts with ``heading``: whether the browser
# lays its cells out ("table") or a grid draws them on a canvas ("grid"), its cells, and
# those whose text does not fit their box (cut, or spilling over a neighbour).
CUT_CELLS_JS = """(heading) => {
  const blocks = [...document.querySelectorAll('[data-testid="stElementContainer"]')];
  const at = blocks.findIndex(b => b.innerText.trim().startsWith(heading));
  if (at < 0) return {kind: 'missing'};
  const next = blocks.slice(at + 1).find(
    b => b.querySelector('[data-testid="stTable"], [data-testid="stDataFrame"]'));
  if (!next) return {kind: 'missing'};
  if (next.querySelector('[data-testid="stDataFrame"]')) {
    return {kind: 'grid', cells: next.querySelectorAll('td').length, cut: []};
  }
  const cells = [...next.querySelectorAll('th, td')];
  const cut = cells.filter(e => e.scrollWidth > e.clientWidth + 1
    || e.scrollHeight > e.clientHeight + 1).map(e => e.innerText.slice(0, 60));
  return {kind: 'table', cells: cells.length, cut: cut.slice(0, 5)};
}"""
COMPARE_TABLES = {
    "equity": "Who bears each option, and how firm its list is",
    "councils": "Councils whose selection differs",
}


def compare_view(page, tour: Tour, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    for name, heading in COMPARE_TABLES.items():
        tour.compare[name] = page.evaluate(CUT_CELLS_JS, heading)
    heading = page.get_by_text(COMPARE_TABLES["councils"]).first
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")
    time.sleep(0.3)
    review_shot(page, "compare-councils")
    to_top(page)


INSPECTIONS = {
    ("Compare", "normal"): compare_view,
    ("Overview", "normal"): overview,
    ("Overview", "workshop"): workshop_overview,
    ("Map", "normal"): map_view,
    ("Map", "workshop"): workshop_map,
    ("Councils", "normal"): councils_view,
    ("Design", "normal"): design_view,
    ("Design", "workshop"): workshop_design,
}
NUMBERS = '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]'


def collapse_sidebar(page, tour: Tour) -> None:  # type: ignore[no-untyped-def]
    """Open the sidebar if it is closed (a phone), then collapse it, as a user would."""
    sidebar = page.locator('section[data-testid="stSidebar"]')
    if sidebar.get_attribute("aria-expanded") == "false" or (
        (sidebar.bounding_box() or {"x": -1.0})["x"] < 0
    ):
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        time.sleep(1.0)
    tour.main_width["opened"] = float(page.evaluate(FREE_MAIN_JS))
    sidebar.hover()
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    time.sleep(1.0)
    tour.main_width["closed"] = float(page.evaluate(FREE_MAIN_JS))


def shoot_panel(page, heading: str, name: str, tour: Tour) -> None:  # type: ignore[no-untyped-def]
    """The panel under ``heading`` is drawn: scrolled to (its heading just below the
    app's fixed header, not under it) and saved as a screenshot, recording where its
    heading and the header were."""
    size = tour.size
    title = page.get_by_text(heading, exact=True).first
    title.wait_for()
    bar = page.locator('[data-testid="stHeader"]').bounding_box()
    clear = (bar["y"] + bar["height"] if bar else 0) + 8
    title.evaluate(
        "(e, clear) => { e.style.scrollMarginTop = clear + 'px';"
        " e.scrollIntoView({block: 'start'}); }",
        clear,
    )
    page.wait_for_function(CHARTS_IN_VIEW_DRAWN_JS, timeout=30_000)
    time.sleep(0.5)  # its charts lay out
    header = page.locator('[data-testid="stHeader"]').bounding_box()
    tour.panels[name] = (title.bounding_box(), header)
    PANEL_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PANEL_SHOTS / f"{name}-{size[0]}x{size[1]}.png"))


def review_shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(REVIEW_SHOTS / f"{name}-{size['width']}x{size['height']}.png"))


# --------------------------------------------------------------------------- the tests
DESK, PROJECTOR, PHONE = SIZES
by_size = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@by_size
def test_every_page_fits_the_screen(tours: Tours, size: tuple[int, int]) -> None:
    assert tours(size).too_wide == {}


@by_size
def test_workshop_numbers_are_larger_and_on_the_first_screen(
    tours: Tours, size: tuple[int, int]
) -> None:
    tour = tours(size)
    assert tour.number_px["workshop"] > tour.number_px["normal"], tour.number_px
    assert tour.broken_words == {"normal": [], "workshop": []}
    first = tour.workshop_numbers[0]
    assert first is not None and first["y"] + first["height"] <= size[1], first


@by_size
def test_collapsing_the_sidebar_frees_the_main_area(tours: Tours, size: tuple[int, int]) -> None:
    width = tours(size).main_width
    assert width["closed"] > width["opened"], width
    assert width["closed"] >= size[0] - 20, width  # all of it: no strip of sidebar left


@by_size
def test_map_hover_labels_and_fold(tours: Tours, size: tuple[int, int]) -> None:
    """On a desk or a projector every hexagon shows its label, readable, and the map
    starts above the fold; on a phone, whose hexagons are too small for a label, the
    labels are left out (they overprinted each other) and hover and the search name a
    council. At every size no label covers another, and hover reads in lines."""
    seen = tours(size).map
    assert seen["hexes"] == 152 and seen["labels"] == 152, "every hexagon drawn and labelled"
    shown = seen["labels_shown"]
    assert isinstance(shown, dict) and shown["overlap"] is None, shown
    if size[0] > 640:  # readable on a desk or a projector, and starting above the fold
        assert shown["shown"] == 152, shown
        assert seen["label_px"] >= 9, seen["label_px"]
        chart = seen["chart"]
        assert isinstance(chart, dict) and chart["y"] < size[1] * 0.6, chart
    else:
        assert shown["shown"] == 0, shown
        assert seen["find"] is True, "the search names a council instead"
    assert "<br>" not in str(seen["hover"]), "line breaks, not tags"
    assert seen["hover_lines"] == 3, "three lines"


EVIDENCE_LABELS = ("no effect", "low", "central (default)", "2017/18 fit, optimistic reading")


def inside(box: object, left: float, right: float) -> bool:
    """A drawn element's box, from ``left`` to ``right`` (a pixel's leeway)."""
    return (
        isinstance(box, dict)
        and box["width"] > 0
        and box["height"] > 0
        and box["x"] >= left - 1
        and box["x"] + box["width"] <= right + 1
    )


@by_size
def test_design_view_fits_and_hover_says_the_option(tours: Tours, size: tuple[int, int]) -> None:
    tour = tours(size)
    seen = tour.design
    assert "Design" not in tour.too_wide and "workshop-Design" not in tour.too_wide
    assert seen["frontier"] is True
    assert isinstance(seen["points"], int) and seen["points"] > 0
    hover = str(seen.get("hover"))
    assert "Option " in hover
    # The option's beds under every evidence set, the default marked, not one set's.
    assert all(f"{label}:" in hover for label in EVIDENCE_LABELS), hover
    # The chart and its hover are drawn inside the screen.
    chart = seen.get("chart_box")
    assert inside(chart, 0, size[0]), chart
    assert isinstance(chart, dict)
    hover_box = seen.get("hover_box")
    assert inside(hover_box, chart["x"], chart["x"] + chart["width"]), hover_box


@by_size
def test_design_goal_shows_its_words_whole(tours: Tours, size: tuple[int, int]) -> None:
    """Whichever goal is chosen, its box shows all its words (an input is never
    wrapped: words that do not fit are cut); in workshop mode, the one shown."""
    seen = tours(size).design
    goal, workshop = seen.get("goal"), seen.get("workshop_goal")
    assert isinstance(goal, dict) and isinstance(workshop, dict)
    assert goal["choices"] > 1 and goal["cut"] == [], goal
    assert goal["shown_cut"] is False and goal["right"] <= goal["width"], goal
    assert workshop["shown_cut"] is False, workshop


@by_size
def test_design_click_on_a_point_picks_its_option(tours: Tours, size: tuple[int, int]) -> None:
    seen = tours(size).design
    number = re.match(r"Option (\d+):", str(seen.get("hover")))
    assert number is not None, seen.get("hover")
    before, after = seen.get("picked_before"), str(seen.get("picked_after"))
    assert before != after and after.startswith(f"Option {number[1]}:"), (before, after)


@by_size
def test_design_best_option_beds_and_bound_are_drawn(tours: Tours, size: tuple[int, int]) -> None:
    """The best option's beds freed under every evidence set, the default marked, and
    the oracle bound: drawn, inside the screen."""
    seen = tours(size).design
    assert inside(seen.get("best_box"), 0, size[0]), seen.get("best_box")
    cells = seen.get("best_cells")
    assert isinstance(cells, list) and all(label in cells for label in EVIDENCE_LABELS), cells
    table = seen.get("best_table")  # every column in sight, none scrolled out of it
    assert isinstance(table, dict) and table["right"] <= table["width"], table
    assert table["hidden"] is False, table
    assert seen.get("bound") is True


@by_size
def test_design_why_not_is_drawn_in_the_boxes_words(tours: Tours, size: tuple[int, int]) -> None:
    seen = tours(size).design
    assert inside(seen.get("why_not_box"), 0, size[0]), seen.get("why_not_box")
    fit = seen.get("why_not_fit")
    assert isinstance(fit, dict) and fit["wide"] == [], fit
    lines = seen.get("why_not")
    assert isinstance(lines, list) and lines, "the conflict and what to change are listed"
    assert lines[0].startswith(
        "No option keeps these together: ‘At most this many councils affected’ at 1;"
    ), lines
    assert not [line for line in lines if re.search(r"\b[a-z]+_[a-z_]+\b", line)], lines


@by_size
def test_each_panel_shot_shows_its_heading_below_the_header(
    tours: Tours, size: tuple[int, int]
) -> None:
    """Each who-bears-it panel's screenshot (normal and workshop) starts with its
    heading in view: below the fixed app header, not under it, and on the screen."""
    panels = tours(size).panels
    assert len(panels) == 2 * len(PANELS), sorted(panels)
    hidden = {
        name: (heading, header)
        for name, (heading, header) in panels.items()
        if heading is None
        or header is None
        or heading["y"] < header["y"] + header["height"]
        or heading["y"] + heading["height"] > size[1]
    }
    assert hidden == {}


@by_size
def test_compare_tables_show_every_cell_whole(tours: Tours, size: tuple[int, int]) -> None:
    """Compare's equity table (its "meaning" column) and its table of councils that differ
    (its "What changed" column) were grids, which draw on a canvas and cut a cell's text
    at the column's edge (at 1440x900 both were cut). Both are tables whose cells wrap:
    every cell's text fits its box, at every size."""
    seen = tours(size).compare
    for name in COMPARE_TABLES:
        table = seen[name]
        assert isinstance(table, dict), (name, table)
        assert table["kind"] == "table", (name, "a grid cuts its cells' text", table)
        assert table["cells"] > 0 and table["cut"] == [], (name, table)


def test_the_map_shows_152_councils_and_a_click_opens_a_card(
    tours: Tours, dataset: Dataset
) -> None:
    seen = tours(DESK).map
    assert isinstance(seen["codes"], list) and sorted(seen["codes"]) == sorted(dataset.codes)
    assert seen["card"] == seen["clicked"]


def test_workshop_map_is_shown_anonymised(tours: Tours) -> None:
    seen = tours(PROJECTOR).workshop_map
    assert seen["hexes"] == 152
    assert seen["codes"] is None
    hovertext = seen["hovertext"]
    assert isinstance(hovertext, list) and all(h.startswith("Council ") for h in hovertext)
    assert seen["lancashire_named"] is False


def test_workshop_first_screen_holds_eight_numbers_and_the_levers(tours: Tours) -> None:
    tour = tours(PROJECTOR)
    height = PROJECTOR[1]
    boxes = tour.workshop_numbers
    assert len(boxes) == 8
    assert all(b is not None and b["y"] + b["height"] <= height for b in boxes), boxes
    tops = tour.workshop_card_tops
    assert len({round(y) for y in tops}) == 2, ("two rows of four, no hole", tops)
    lever = tour.workshop_lever
    assert lever is not None and lever["y"] + lever["height"] <= height, "the presenter's levers"


def test_phone_title_clears_the_header_and_tables_are_not_cut(tours: Tours) -> None:
    tour = tours(PHONE)
    header, title = tour.header, tour.title
    assert header is not None and title is not None
    assert title["y"] >= header["y"] + header["height"] - 1, (title, header)
    fit = tour.council_table
    assert fit["right"] <= fit["width"] + 1, fit  # type: ignore[operator]
    assert not fit["scroll"] or fit["overflow"] in ("auto", "scroll"), "it scrolls, not cut"
    assert not any(tour.toolbars_shown), "no grid toolbar over the card on a phone"


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


def test_first_headline_comes_before_the_chart_library(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """A new visitor's first Overview: the headline numbers are drawn before the
    browser fetches the chart library (4.6 MB of script), and the charts follow."""
    warm = open_page(browser, view_url(server, "Overview"), (1440, 900))
    warm.close()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(FIRST_PAINT_JS)  # sets window.__firstPaint
    page = context.new_page()
    page.goto(view_url(server, "Overview"))
    page.wait_for_function("() => window.__firstPaint !== undefined", timeout=90_000)
    first = page.evaluate("() => window.__firstPaint")
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
    review_shot(page, "first-view-then-charts")
    context.close()
