"""Long notes in a real browser: upload a valid scenario whose notes are longer than a
link carries, reload the page (F5), and the scenario is still there, with the notes
said to be left out of the link, never the status quo and an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pages.overview import CONDITIONED
from simulator.engine import run as engine
from simulator.inputs.data import Dataset
from simulator.reports.words import gbp
from simulator.schema.files import data_context, load_scenario
from tests.browser import browser, server
from tests.test_browser import ARTIFACTS, TIMEOUT_MS, wait_metric

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # fixtures: its own streamlit server and one Chromium

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"desk": (1440, 900), "projector": (1280, 720), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
def test_long_notes_reload_keeps_the_scenario_in_a_browser(
    server: str, browser, dataset: Dataset, tmp_path: Path, size: str
) -> None:
    context = data_context(dataset.months, list(dataset.codes))
    base = load_scenario(ROOT / "scenarios" / "october-2017-letter.toml", context=context)
    notes = ("Sources and assumptions, one by one. " * 1000)[:30_000]
    scenario = base.model_copy(update={"notes": notes, "name": "Long notes"})
    path = tmp_path / "long.toml"
    path.write_text(scenario.to_toml(), encoding="utf-8")
    want = gbp(engine.evaluate(scenario, dataset).summary["total_conditioned"])
    assert want != gbp(0)

    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/?preset=status-quo")
    page.get_by_text("Councils selected").first.wait_for()
    wait_metric(page, CONDITIONED, gbp(0))
    # A new visitor's Overview draws its numbers first and its charts a second later
    # (a second run): upload once that run is over, as a reader of the page would.
    page.locator(".js-plotly-plot").first.wait_for()
    wait_metric(page, CONDITIONED, gbp(0))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_metric(page, CONDITIONED, want)
    page.wait_for_url(lambda url: "cut=notes" in url)

    page.reload()
    page.get_by_text("Councils selected").first.wait_for()
    wait_metric(page, CONDITIONED, want)
    page.get_by_text("This link leaves out the scenario's notes").first.wait_for()
    assert page.get_by_text("more than the 20,000 allowed").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"long-notes-reloaded-{size}.png"))
    page.close()
