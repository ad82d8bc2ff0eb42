"""The brief's layout and font, read back with pdfplumber (pure Python, no poppler):
words never overprint one another, headline labels stay in their card, and the bundled
font prints the same on every machine, or the brief says what it cannot print."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pytest

from simulator.engine.run import evaluate, project_scenario
from simulator.inputs.data import Dataset
from simulator.io import SCENARIO_DIR
from simulator.reports import brief
from simulator.schema.files import data_context, load_scenario
from simulator.schema.scenario import Scenario
from tests.toy import Toy, rate_test, run

TOLERANCE = 0.3  # points: a word may end this far past its card's edge (rounding)
OVERPRINT = 0.4  # share of the smaller glyph box two glyphs must share to overprint


@pytest.fixture(scope="module")
def shipped(dataset: Dataset) -> dict[str, Scenario]:
    context = data_context(dataset.months, list(dataset.codes))
    return {p.stem: load_scenario(p, context=context) for p in SCENARIO_DIR.glob("*.toml")}


Page = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]


def read(pdf: bytes) -> Page:
    """The one page's glyphs and words (with boxes), rectangles and text."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1, "the brief is one page"
        page = doc.pages[0]
        chars = [c for c in page.chars if c["text"].strip()]
        return chars, page.extract_words(), list(page.rects), page.extract_text() or ""


def overlaps(chars: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of glyphs drawn over one another (a glyph box shared by more than
    OVERPRINT of the smaller one, across and down): text printed over text."""
    box = np.array([[c["x0"], c["x1"], c["top"], c["bottom"]] for c in chars])
    x0, x1, top, bottom = (box[:, k] for k in range(4))
    w, h = x1 - x0, bottom - top
    wide = np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None])
    tall = np.minimum(bottom[:, None], bottom[None]) - np.maximum(top[:, None], top[None])
    cross = (wide > OVERPRINT * np.minimum(w[:, None], w[None])) & (
        tall > OVERPRINT * np.minimum(h[:, None], h[None])
    )
    pairs = zip(*np.nonzero(np.triu(cross, k=1)), strict=True)
    return [(chars[i]["text"], chars[j]["text"]) for i, j in pairs]


def outside_cards(words: list[dict[str, Any]], rects: list[dict[str, Any]]) -> list[str]:
    """Words that start inside a headline card and run past its right or bottom edge."""
    cards = [r for r in rects if r["height"] > 15 and r["width"] < 200]
    out = []
    for w in words:
        for r in cards:
            inside = r["x0"] <= w["x0"] < r["x1"] and r["top"] <= w["top"] < r["bottom"]
            if inside and (w["x1"] > r["x1"] + TOLERANCE or w["bottom"] > r["bottom"] + 0.5):
                out.append(w["text"])
    return out


@pytest.mark.parametrize(
    "name", ["october-2017-letter", "graduated", "reduce-and-redistribute", "status-quo"]
)
def test_brief_labels_do_not_overlap(
    name: str, shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    result = evaluate(shipped[name], dataset)
    pdf = brief.scenario_pdf(result, project_scenario(result, draws=100))
    chars, words, rects, text = read(pdf)
    assert "Beds freed a day" in text and "NHS value" in text
    assert len([r for r in rects if r["height"] > 15 and r["width"] < 200]) >= 8, "the cards"
    assert overlaps(chars) == []
    assert outside_cards(words, rects) == [], "every label fits or wraps in its card"


def test_comparison_brief_labels_do_not_overlap(
    shipped: dict[str, Scenario], dataset: Dataset
) -> None:
    names = ["october-2017-letter", "reduce-and-redistribute", "graduated", "status-quo"]
    results = [evaluate(shipped[n], dataset) for n in names]
    projections = [project_scenario(r, draws=100) for r in results]
    chars, _, _, _ = read(brief.comparison_pdf(results, projections))
    assert overlaps(chars) == []


def test_the_overlap_check_sees_an_overprint() -> None:
    """The check itself: two words drawn over one another are caught."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 20, "Overprinted label")
    pdf.text(40, 20, "value")
    chars, _, _, _ = read(bytes(pdf.output()))
    assert len(overlaps(chars)) >= 3, "the glyphs of 'label' and 'value' cross"
    assert overlaps(chars[:16]) == [], "a word's own glyphs do not count as an overprint"


def test_the_brief_font_is_bundled_with_its_licence() -> None:
    fonts = Path(brief.__file__).parent / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (fonts / "LICENSE").read_text(encoding="utf-8")
    assert brief.FONT_PATHS[0] == fonts / "DejaVuSans.ttf", "the bundled font, not the system's"


def test_a_brief_is_the_same_pdf_on_every_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the bundled font is read: no system font folder changes the PDF."""
    toys = [Toy("Aville", social_care=10), Toy("Bton", social_care=1)]
    result = run(toys, {"name": "Same everywhere", "selection": {"tests": []}})
    first = brief.scenario_pdf(result)
    monkeypatch.setattr(Path, "exists", lambda self: "fonts" in self.parts)  # no system fonts
    second = brief.scenario_pdf(result)
    assert b"DejaVuSans" in first
    assert first == second, "same bytes, system fonts or none (stamped with the day)"


ARABIC = "\u0645\u062c\u0644\u0633 \u0645\u062f\u064a\u0646\u0629"  # "مجلس مدينة"


def test_an_arabic_name_prints_joined() -> None:
    """Arabic letters take their joined forms (shaped), right to left."""
    from fontTools.ttLib import TTFont

    toys = [Toy(ARABIC, social_care=10), Toy("Bton", social_care=1), Toy("Cford")]
    result = run(
        toys,
        {
            "name": f"Option {ARABIC}",
            "selection": {"tests": [rate_test("t", "2017-07", threshold=5)]},
            "consequences": {"reduction_pct": 10},
        },
    )
    chars, _, _, text = read(brief.scenario_pdf(result))
    title = [
        c for c in chars if c["top"] < chars[0]["bottom"] and "\u0600" <= c["text"] <= "\u06ff"
    ]
    assert len(title) == 9, "every Arabic letter of the title is drawn"
    x = {c["text"]: c["x0"] for c in title if c["text"] in "\u062c\u0644\u0633"}
    assert x["\u062c"] > x["\u0644"] > x["\u0633"], "read right to left"
    # Joined, lam (U+0644) between jeem and seen is a narrow medial form; drawn alone
    # (unjoined) it is the wide isolated glyph.
    with TTFont(brief.FONT_PATHS[0]) as font:
        isolated = font["hmtx"][font.getBestCmap()[0x0644]][0] / font["head"].unitsPerEm
    lam = next(c for c in title if c["text"] == "\u0644")
    assert lam["x1"] - lam["x0"] < 0.8 * isolated * lam["size"]
    assert "\u25a1" not in text and "cannot be printed" not in text, "all in the font"


def test_an_emoji_name_says_what_cannot_be_printed() -> None:
    toys = [Toy("Aville", social_care=10), Toy("Bton", social_care=1)]
    result = run(toys, {"name": "Winter plan \U0001f3e5\ufe0f", "selection": {"tests": []}})
    _, _, _, text = read(brief.scenario_pdf(result))
    assert "Winter plan \u25a1" in text, "the title keeps its words and marks the gap"
    assert "cannot be printed" in text and "U+1F3E5" in text


def test_the_wheel_carries_the_brief_font() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["simulator.reports"]
    package = root / "simulator" / "reports"
    carried = {p.name for g in globs for p in package.glob(g)}
    assert carried == {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"}
