"""Speed a user feels: the app in headless chromium, timed in the page itself.

``make bench-browser`` (a benchmark, not a test) starts ``streamlit run`` on a free
port, warms it with one visit, then measures, as the machine is ("idle") and then with
one busy process per core beside it ("loaded", other work on the machine: a second app,
a build; the busy processes of ``make bench-load``), the medians of:

- ``keypress_to_headline_ms``: a key press on the Condition share slider until the
  "Conditioned" headline shows the new amount (target <= 250 ms);
- ``page_switch_ms``: a click on a view until that view's first content is drawn
  (target <= 300 ms);
- ``first_paint_s``: a new visitor (a fresh browser context) on the warm server, from
  navigation until the first headline number is shown (target <= 3 s);
- ``first_paint_kb``: the script, styles and fonts the browser fetched before that
  first headline (kB, decoded): what a new visitor waits for, steadier than a time on a
  busy machine;
- ``sensitivity_step_ms``: one step of the Sensitivity page's slider until the list
  of councils near the line follows (target <= 1 s).

It prints each figure idle and loaded side by side, then the new visitor's first
headline under both in one line with the machine's one-minute load average before and
after each (an "idle" run on a machine already busy says so). ``--conditions idle`` or
``--conditions loaded`` (or ``CONDITIONS=...``) measures one of them.

Times run from the browser's input event (or navigation start) to the DOM change
that shows the result, both measured with ``performance.now()`` in the page. The
last line printed is one JSON object: each condition's medians, load average and busy
processes.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.browser import CHROMIUM_ARGS, chromium, free_port, start_server

ROOT = Path(__file__).resolve().parent.parent
ARGS = CHROMIUM_ARGS

# In the page: note the time of the next key or mouse press, then of the first DOM
# change after it for which `done()` holds; resolves with the milliseconds between.
WATCH_JS = """([selector, text, mustChange]) => { window.__watch = new Promise((resolve) => {
  let t0 = null;
  const find = () => [...document.querySelectorAll(selector)]
    .find(e => text === null || e.innerText.includes(text));
  const before = find() ? find().innerText.trim() : null;
  const done = () => {
    const el = find();
    return el && (!mustChange || el.innerText.trim() !== before);
  };
  const start = () => { if (t0 === null) t0 = performance.now(); };
  document.addEventListener('keydown', start, {capture: true, once: true});
  document.addEventListener('pointerdown', start, {capture: true, once: true});
  const obs = new MutationObserver(() => {
    if (t0 !== null && done()) { obs.disconnect(); resolve(performance.now() - t0); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { obs.disconnect(); resolve(-1); }, 60000);
}); }"""

# Installed before any page script: the time the first headline number appears.
FIRST_PAINT_JS = """(() => {
  const obs = new MutationObserver(() => {
    const el = document.querySelector('[data-testid="stMetricValue"]');
    if (el && el.innerText.trim()) { window.__firstPaint = performance.now(); obs.disconnect(); }
  });
  document.addEventListener('DOMContentLoaded', () =>
    obs.observe(document.body, {subtree: true, childList: true, characterData: true}));
})();"""

# A distinctive element of each view, to know its content is drawn.
VIEW_MARKS = {
    "Councils": ("h4", "All 152 councils"),
    "Breakdowns": ("h4", "Who gains and who loses"),
    "How this works": ("h4", "How this works"),
    "Overview": ("h4", "The option in plain English"),
}


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def idle(page: Any, seconds: float = 60) -> None:
    page.get_by_text("Drawn in").first.wait_for(timeout=seconds * 1000)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not page.locator('[data-testid="stStatusWidget"]').is_visible():
            return
        time.sleep(0.05)


def timed(page: Any, selector: str, text: str | None, change: bool, act: Any) -> float:
    """Milliseconds from the input ``act`` makes to the DOM showing the result: the
    first element matching ``selector`` and holding ``text`` (changed, if ``change``)."""
    page.evaluate(WATCH_JS, [selector, text, change])  # returns at once; the watch waits
    time.sleep(0.05)
    act()
    ms = float(page.evaluate("() => window.__watch"))
    idle(page)
    return ms


def keypress_to_headline(page: Any, url: str, repeat: int) -> list[float]:
    page.goto(url)
    idle(page)
    thumb = (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Condition share")
        .first.get_by_role("slider")
    )
    out = []
    for k in range(repeat):
        key = "ArrowRight" if k % 2 == 0 else "ArrowLeft"
        thumb.focus()
        selector = '[data-testid="stMetric"]'
        out.append(timed(page, selector, "Conditioned", True, lambda key=key: thumb.press(key)))
    return out


def page_switch(page: Any, url: str, repeat: int) -> list[float]:
    page.goto(url)
    idle(page)
    out = []
    views = list(VIEW_MARKS)
    for k in range(repeat):
        view = views[k % len(views)]
        tag, text = VIEW_MARKS[view]
        button = page.get_by_role("radio", name=view, exact=True).first
        out.append(timed(page, tag, text, False, button.click))
    return out


# Kilobytes of every resource requested before the first headline was shown.
FETCHED_KB_JS = """(paint) => Math.round(performance.getEntriesByType('resource')
  .filter(e => e.startTime < paint).reduce((sum, e) => sum + e.decodedBodySize, 0) / 1024)"""


def first_paint(browser: Any, url: str, repeat: int, fetched: list[float]) -> list[float]:
    """Seconds to each new visitor's first headline; appends to ``fetched`` the kB
    fetched before it."""
    out = []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(FIRST_PAINT_JS)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.__firstPaint !== undefined", timeout=90_000)
        paint = float(page.evaluate("() => window.__firstPaint"))
        out.append(paint / 1000)
        fetched.append(float(page.evaluate(FETCHED_KB_JS, paint)))
        idle(page)
        context.close()
    return out


def sensitivity_step(page: Any, url: str, repeat: int) -> list[float]:
    page.goto(url + "&view=Sensitivity")
    idle(page, 120)
    thumb = (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Within (delayed beds a day)")
        .first.get_by_role("slider")
    )
    caption = '[data-testid="stCaptionContainer"]'
    out = []
    for k in range(repeat):
        key = "ArrowRight" if k % 2 == 0 else "ArrowLeft"
        thumb.focus()
        press = lambda key=key: thumb.press(key)  # noqa: E731
        out.append(timed(page, caption, "would change status", True, press))
    return out


FIGURES = (
    "keypress_to_headline_ms",
    "page_switch_ms",
    "sensitivity_step_ms",
    "first_paint_s",
    "first_paint_kb",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``conditions`` is a list, idle before loaded."""
    from benchmarks.load import CONDITIONS

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="measurements per figure")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: any free)")
    parser.add_argument(
        "--conditions",
        default=os.environ.get("CONDITIONS", ",".join(CONDITIONS)),
        help="idle, loaded (one busy process per core beside the app) or both (default)",
    )
    args = parser.parse_args(argv)
    wanted = [c.strip() for c in args.conditions.split(",") if c.strip()]
    if not wanted or any(c not in CONDITIONS for c in wanted) or len(set(wanted)) < len(wanted):
        parser.error(f"--conditions: one or both of {', '.join(CONDITIONS)}")
    args.conditions = [c for c in CONDITIONS if c in wanted]
    return args


def medians(figures: dict[str, list[float]]) -> dict[str, float | None]:
    """Each figure's median, leaving out a -1 (no change seen within a minute).

    >>> medians({"page_switch_ms": [210.4, -1, 190.0, 250.2], "first_paint_s": [1.612, 1.5]})
    {'page_switch_ms': 210.0, 'first_paint_s': 1.56}
    """
    out: dict[str, float | None] = {}
    for name, values in figures.items():
        good = [v for v in values if v >= 0]
        digits = 2 if name.endswith("_s") else 0
        out[name] = round(statistics.median(good), digits) if good else None
    return out


def report(runs: dict[str, dict[str, Any]], cores: int) -> list[str]:
    """The lines printed at the end: each figure's median under each condition side by
    side, then the new visitor's first headline under each in one line. ``runs`` maps a
    condition to its ``medians``, ``load`` (one-minute load average before and after)
    and ``busy`` (busy processes started beside the app)."""
    names = list(runs)
    lines = ["figure".ljust(26) + "".join(n.rjust(10) for n in names)]
    for figure in FIGURES:
        cells = [runs[n]["medians"].get(figure) for n in names]
        lines.append(figure.ljust(26) + "".join(str(c).rjust(10) for c in cells))
    said = []
    for name in names:
        run = runs[name]
        before, after = run["load"]
        how = f"{run['busy']} busy processes, " if run["busy"] else ""
        if name == "idle" and before >= 0.5 * cores:
            how = "the machine was not idle: "
        said.append(
            f"{run['medians'].get('first_paint_s')} s {name} ({how}load average "
            f"{before} before, {after} after)"
        )
    lines.append(
        f"first headline for a new visitor: {'; '.join(said)}; {cores} cores; target <= 3 s idle"
    )
    return lines


def measure(browser: Any, url: str, repeat: int) -> dict[str, list[float]]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    fetched: list[float] = []
    figures = {
        "keypress_to_headline_ms": keypress_to_headline(page, url, repeat),
        "page_switch_ms": page_switch(page, url, repeat),
        "sensitivity_step_ms": sensitivity_step(page, url, repeat),
        "first_paint_s": first_paint(browser, url, max(3, repeat // 2), fetched),
        "first_paint_kb": fetched,
    }
    page.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    from benchmarks.load import busy

    cores = os.cpu_count() or 1
    port = args.port or free_port()
    proc = start_server(port, Path(tempfile.mkdtemp(prefix="bench-browser-")) / "server.log")
    url = f"http://127.0.0.1:{port}/?preset=october-2017-letter"
    runs: dict[str, dict[str, Any]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium()), headless=True, args=ARGS)
            warm = browser.new_page(viewport={"width": 1440, "height": 900})
            warm.goto(url)
            idle(warm, 120)
            warm.close()
            for condition in args.conditions:
                with busy(cores if condition == "loaded" else 0) as extra:
                    if extra:
                        time.sleep(5)  # the busy processes under way
                    before = os.getloadavg()[0]
                    figures = measure(browser, url, args.repeat)
                    load = (round(before, 2), round(os.getloadavg()[0], 2))
                runs[condition] = {"medians": medians(figures), "load": load, "busy": extra}
                for name, values in figures.items():
                    digits = 2 if name.endswith("_s") else 0
                    each = ", ".join(f"{v:.{digits}f}" for v in values)
                    print(
                        f"{condition} {name}: median {runs[condition]['medians'][name]} ({each})",
                        flush=True,
                    )
            browser.close()
    finally:
        stop_server(proc)
    for line in report(runs, cores):
        print(line, flush=True)
    summary = {
        name: {**run["medians"], "load_average": list(run["load"]), "busy_processes": run["busy"]}
        for name, run in runs.items()
    }
    print(json.dumps({"cores": cores, **summary}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
