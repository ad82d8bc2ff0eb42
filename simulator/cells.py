"""Text in spreadsheets and CSV files: always text, never a formula, never a bad byte.

Every export carries user text (scenario names, notes, test labels, authors) and data
text (council names). Three rules keep it inert wherever it is opened:

- **No formulas.** A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a
  carriage return or a line feed (or their full-width forms ``＝ ＋ － ＠``) is what
  Excel, LibreOffice and Google Sheets evaluate as a formula when they import a CSV.
  In a CSV such a cell gets a leading apostrophe (``'=1+1``), the usual defence: the
  spreadsheet shows it as text; a program reading the CSV removes one leading
  apostrophe from any cell that starts with one (text that already started with an
  apostrophe gets a second, so this gives back exactly the text). In an
  Excel workbook every text cell is written as a string cell (never a formula cell)
  and such a cell is also marked "quote prefix", so it stays text when edited.
- **No characters the file format forbids.** Control characters other than tab,
  line feed and carriage return are not allowed in an XML workbook (a workbook writer
  refuses them or writes an escape); each is written as its visible Unicode control
  picture (U+0007 as ``␇``). A lone surrogate (which no UTF-8 file can hold) becomes U+FFFD.
- **Cells fit.** Excel holds at most 32,767 characters in a cell; longer text is cut
  and says so.

Pure functions, no files: :mod:`simulator.io` and :mod:`simulator.reports.excel` call them.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
EXCEL_CELL_LIMIT = 32_767
CUT = " […cut: longer than a spreadsheet cell holds]"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNENCODABLE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def printable(text: str) -> str:
    """``text`` with control characters shown as control pictures and unencodable
    code points replaced, so any file format can hold it.

    >>> printable("bell\\x07 and tab\\t"), printable("lone \\ud800")
    ('bell␇ and tab\\t', 'lone �')
    """
    return _UNENCODABLE.sub("\ufffd", _ILLEGAL.sub(_picture, text))


def one_line(text: str) -> str:
    """``text`` on one line (every line break, U+2028 included, becomes a space), for
    a comment line of a CSV or a one-line message.

    >>> one_line("a\\nb\\r\\nc\\u2028d")
    'a b c d'
    """
    return printable(_LINE_BREAKS.sub(" ", text))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet importing ``text`` as a cell would evaluate it.

    >>> [is_formula_like(t) for t in ("=1+1", "-2", "＠SUM(A1)", "Kent", "")]
    [True, True, True, False, False]
    """
    return text.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A value as a CSV must hold it: text that would be a formula gets an apostrophe,
    and a carriage return becomes a line feed (the CSV writer quotes a field holding a
    line feed, not one holding a lone carriage return, which a reader would take for
    the end of the row). Numbers, booleans and missing values are left as they are.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-1"), csv_cell(-1), csv_cell("Kent")
    ('\\'=HYPERLINK("http://x")', "'-1", -1, 'Kent')
    >>> csv_cell("a\\r=1+1")
    'a\\n=1+1'

    Text that starts with an apostrophe gets one more, so that a reader removing one
    leading apostrophe from every cell that has one gets back exactly the text:

    >>> csv_cell("'=1"), csv_cell("'tis")
    ("''=1", "''tis")
    """
    if not isinstance(value, str):
        return value
    text = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return "'" + text if is_formula_like(text) or text.startswith("'") else text


def excel_text(value: str) -> str:
    """Text as an Excel cell holds it: printable, line ends as line feeds (a workbook's
    XML keeps no carriage return) and within the cell limit.

    >>> len(excel_text("x" * 40_000)) == EXCEL_CELL_LIMIT
    True
    >>> excel_text("a\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    text = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(CUT)] + CUT
    return text


def _map_text(frame: pd.DataFrame, fn: Any) -> pd.DataFrame:
    out = frame.copy()
    out.columns = pd.Index([fn(c) if isinstance(c, str) else c for c in frame.columns])
    for k in range(out.shape[1]):
        column = out.iloc[:, k]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            out.isetitem(k, column.map(lambda v: fn(v) if isinstance(v, str) else v).to_numpy())
    return out


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose headers and text cells are safe in a CSV."""
    return _map_text(frame, csv_cell)


def excel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose headers and text cells an Excel workbook can hold."""
    return _map_text(frame, excel_text)


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV of ``frame`` (no index, ``\\n`` line ends), every text cell made safe."""
    return csv_frame(frame).to_csv(index=False, lineterminator="\n")
