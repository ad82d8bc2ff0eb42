"""The app in a real browser: Playwright driving Debian's chromium against
``streamlit run`` on a free localhost port.

Moves a slider with the keyboard, checks the headline follows the model, downloads the
scenario file, reopens the view from the shareable link and from the downloaded file,
and saves screenshots to ``test-artifacts/``. Fails (does not skip) without a browser:
``make test`` provisions one (see :mod:`tests.browser`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pages.overview import CONDITIONED
from simulator.engine import run as engine
from simulator.inputs.data import Dataset
from simulator.reports.words import gbp
from simulator.schema.files import data_context, load_scenario, parse_scenario
from tests.browser import CHROMIUM_ARGS, chromium, server
from tests.pdf import pages_and_text, save_png

pytestmark = pytest.mark.browser
__all__ = ["server"]  # its own streamlit server (a fixture)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(executable),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1440, "height": 1100},
        )
        try:
            yield context
        finally:
            context.close()


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return str(metric.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def wait_metric(page, label: str, want: str, seconds: float = TIMEOUT_MS / 1000) -> float:  # type: ignore[no-untyped-def]
    """Wait until a headline shows ``want``; returns the seconds it took."""
    start = time.monotonic()
    seen = ""
    while time.monotonic() - start < seconds:
        try:
            seen = metric_value(page, label)
        except Exception:
            seen = ""
        if seen == want and not page.locator('[data-testid="stStatusWidget"]').is_visible():
            return time.monotonic() - start
        time.sleep(0.05)
    shot = ARTIFACTS / f"failed-{re.sub(r'[^A-Za-z0-9]+', '-', label)}.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    raise AssertionError(f"{label}: showed {seen!r}, expected {want!r} (screenshot {shot})")


def expected_conditioned(dataset: Dataset, condition_pct: float) -> str:
    context = data_context(dataset.months, list(dataset.codes))
    scenario = load_scenario(ROOT / "scenarios" / "october-2017-letter.toml", context=context)
    scenario = scenario.model_copy(
        update={
            "consequences": scenario.consequences.model_copy(
                update={"condition_pct": condition_pct}
            )
        }
    )
    return gbp(engine.evaluate(scenario, dataset).summary["total_conditioned"])


def test_slider_download_link_and_screenshot(
    server: str,
    browser_context,
    dataset: Dataset,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_text("Councils selected").first.wait_for()
    wait_metric(page, CONDITIONED, expected_conditioned(dataset, 33.0))

    # Move the condition share with the keyboard on the slider thumb.
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Condition share").first
    thumb = slider.get_by_role("slider")
    # The thumb is an <input type="range">: its value is the slider's value. Each key
    # press can start a rerun, so step one press at a time until the app is idle at 38
    # (a busy machine may drop or merge presses; the loop corrects either way).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        value = int(float(thumb.input_value()))
        idle = not page.locator('[data-testid="stStatusWidget"]').is_visible()
        if value == 38 and idle:
            time.sleep(0.5)
            if int(float(thumb.input_value())) == 38:
                break
            continue
        if idle:
            thumb.focus()
            thumb.press("ArrowRight" if value < 38 else "ArrowLeft")
        time.sleep(0.3)
    assert thumb.input_value() == "38"
    want = expected_conditioned(dataset, 38.0)
    assert want != expected_conditioned(dataset, 33.0)
    took = wait_metric(page, CONDITIONED, want)
    print(f"headline redrawn {took:.2f} s after the slider moved")
    page.screenshot(path=str(ARTIFACTS / "browser-overview.png"), full_page=True)

    # The address bar is the shareable link.
    page.wait_for_url(re.compile(r"consequences\.condition_pct=38"))
    link = page.url

    # Download the scenario file.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download scenario (.toml)").click()
    path = tmp_path / "scenario.toml"
    info.value.save_as(path)
    context = data_context(dataset.months, list(dataset.codes))
    saved = parse_scenario(path.read_bytes(), source=str(path), context=context)
    assert saved.consequences.condition_pct == 38.0
    assert saved.data_hash == dataset.data_hash

    # Reopen the view from the link, in a fresh page: same headline.
    again = browser_context.new_page()
    again.set_default_timeout(TIMEOUT_MS)
    again.goto(link)
    again.get_by_text("Councils selected").first.wait_for()
    wait_metric(again, CONDITIONED, want)
    again.close()

    # Load the downloaded file into a fresh page that starts from the status quo.
    fresh = browser_context.new_page()
    fresh.set_default_timeout(TIMEOUT_MS)
    fresh.goto(f"{server}/?preset=status-quo")
    fresh.get_by_text("Councils selected").first.wait_for()
    wait_metric(fresh, CONDITIONED, gbp(0))
    fresh.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_metric(fresh, CONDITIONED, want)
    fresh.screenshot(path=str(ARTIFACTS / "browser-uploaded.png"), full_page=True)
    fresh.close()
    page.close()


def test_switching_between_shipped_scenarios(
    server: str,
    browser_context,
    dataset: Dataset,  # type: ignore[no-untyped-def]
) -> None:
    """Choosing one shipped scenario after another in the sidebar never shows an error,
    and each shows the model's number of councils selected."""
    context = data_context(dataset.months, list(dataset.codes))
    page = browser_context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/?preset=status-quo")
    page.get_by_text("Councils selected").first.wait_for()
    order = [
        "december-2017-five-tests",
        "graduated",
        "october-2017-letter",
        "reduce-and-redistribute",
        "december-2017-five-tests",
        "reduce-and-redistribute",
        "status-quo",
    ]
    for stem in order:
        scenario = load_scenario(ROOT / "scenarios" / f"{stem}.toml", context=context)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Scenario").first
        box.click()
        page.get_by_role("option", name=scenario.name, exact=True).click()
        selected = engine.evaluate(scenario, dataset).summary["councils_selected"]
        wait_metric(page, "Councils selected", f"{selected} of 152")
        assert page.locator('[data-testid="stException"]').count() == 0, stem
    page.close()


def test_the_brief_downloads_from_the_overview(
    server: str,
    browser_context,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """The Overview's 'One-page brief (PDF)' gives a one-page PDF of the scenario."""
    page = browser_context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/?preset=october-2017-letter")
    page.get_by_text("Councils selected").first.wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="One-page brief (PDF)").first.click()
    path = tmp_path / "brief.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    pages, _ = pages_and_text(path.read_bytes())
    assert len(pages) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    save_png(path, ARTIFACTS / "browser-brief.png")
    page.close()
