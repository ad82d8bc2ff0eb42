"""The who-bears-it panels in a real browser at a desk (1440×900), a projector
(1280×720) and a phone (390×844): the Overview's panel, the council card's firmness
box and Compare's equity table are drawn, fit the screen, and are saved as screenshots
to ``test-artifacts/bears/`` (normal and workshop mode)."""

from __future__ import annotations

import pytest

from tests.browser import browser, server
from tests.test_browser import ARTIFACTS
from tests.test_browser_layouts import SIZES, TOO_WIDE_JS, open_page, view_url

pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]

SHOTS = ARTIFACTS / "bears"
PANELS = [
    ("Overview", "", "Who bears it", "overview"),
    ("Councils", "&council=E10000017", "How firm, and what it rewards", "card"),
    (
        "Compare",
        "&compare=current,preset:graduated",
        "Who bears each option, and how firm its list is",
        "compare",
    ),
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_new_panels_are_drawn_and_fit(server: str, browser, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for mode, ws in (("", ""), ("workshop-", "&ws=1")):
        for view, extra, heading, name in PANELS:
            if ws and view == "Councils":
                extra = ""  # a workshop link carries no council code
            page = open_page(browser, view_url(server, view, extra + ws), size)
            assert page.locator('[data-testid="stException"]').count() == 0, view
            title = page.get_by_text(heading, exact=True).first
            title.wait_for()
            title.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            fit = page.evaluate(TOO_WIDE_JS)
            if fit["wide"] or fit["scrollWidth"] > fit["width"]:
                problems[f"{mode}{name}"] = fit
            page.screenshot(path=str(SHOTS / f"{mode}{name}-{size[0]}x{size[1]}.png"))
            page.close()
    assert problems == {}
