"""The Design view in a real browser at a desk (1440×900), a projector (1280×720) and a
phone (390×844): drawn without an error, nothing wider than the screen, the frontier
chart present, and hovering an efficient option shows it in words. Screenshots go to
``test-artifacts/pages/design-*.png``."""

from __future__ import annotations

import pytest

from tests.browser import browser, server
from tests.test_browser_layouts import SIZES, TOO_WIDE_JS, open_page, shoot, view_url

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # its browser and its own streamlit server (fixtures)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_design_view_fits_and_hover_says_the_option(server: str, browser, size) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, view_url(server, "Design"), size)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Options keeping the guarantees").first.is_visible()
    fit = page.evaluate(TOO_WIDE_JS)
    assert not fit["wide"] and fit["scrollWidth"] <= fit["width"], fit
    shoot(page, "design", size)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    points = chart.locator("g.trace.scatter path.point")
    assert points.count() > 0
    points.nth(points.count() // 2).hover(force=True)
    hover = chart.locator("g.hovertext")
    hover.first.wait_for(timeout=10_000)
    assert "Option " in (hover.first.text_content() or "")
    page.close()
