"""PDFs read back as a reader sees them, with pypdfium2 (PDFium, the PDF engine of
Chromium, shipped inside the wheel: no system package): each page rendered to pixels,
and the text in reading order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

# Dots per inch of the rendered pages: enough to tell a page with content from a blank one.
DPI = 60


def pages_and_text(pdf: bytes) -> tuple[list[np.ndarray], str]:
    """Each page as an RGB array (height × width × 3) and the text of all the pages,
    its runs of white space made one space."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [page.render(scale=DPI / 72).to_numpy()[..., :3] for page in document]
        text = " ".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()
    return pages, " ".join(text.split())


def ink(page: np.ndarray) -> float:
    """The share of a rendered page's pixels that are not (near) white."""
    return float((page.min(axis=2) < 200).mean())


def save_png(pdf: Path, target: Path, page: int = 0) -> None:
    """One page of a PDF file as a PNG (for a test's artifacts; needs Pillow)."""
    document = pdfium.PdfDocument(pdf)
    try:
        document[page].render(scale=DPI / 72).to_pil().save(target)
    finally:
        document.close()
