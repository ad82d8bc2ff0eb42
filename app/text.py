"""User text shown as text: never as markdown, HTML, an image or a link.

Scenario names, notes, test labels, authors, upload file names, link parameters and
any message that quotes them pass through :func:`md` (one line) or :func:`md_block`
(several lines) before Streamlit draws them: every ASCII punctuation character is
backslash-escaped, which CommonMark defines as that character taken literally, so
``![x](http://...)`` shows as those characters and fetches nothing, and ``**``,
``#``, ``<b>``, ``$x$`` and ``:red[x]`` do not format. Streamlit also turns bare
addresses in text into links (``http://...``, ``www....``, ``a@b.c``, escaped or not):
an invisible word joiner (U+2060) is put inside each such pattern, so no address
in user text becomes a link. Chart text goes through
:func:`chart` (Plotly reads a few HTML tags, links among them, in its labels).

Pure functions, no Streamlit.
"""

from __future__ import annotations

import html
import re
import string

from app.services import one_line

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
JOINER = "\u2060"
_LINKABLE = re.compile(r"(:)(?=//)|(?i:(?<=www)(?=\.))|(?=@)")


def unlink(text: str) -> str:
    """``text`` with a word joiner inside every pattern a renderer would make a link.

    >>> unlink("see http://x.org, www.x.org or a@x.org").replace(JOINER, "|")
    'see http:|//x.org, www|.x.org or a|@x.org'
    """
    return _LINKABLE.sub(lambda m: (m.group(1) or "") + JOINER, text)


def escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character.

    >>> escape("![x](http://e.com) **b**")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/e\\\\.com\\\\) \\\\*\\\\*b\\\\*\\\\*'
    """
    return _PUNCTUATION.sub(r"\\\1", text)


def md(text: object) -> str:
    """``text`` as literal markdown on one line (line breaks become spaces).

    >>> md("# Plan <b>A</b>\\nnext")
    '\\\\# Plan \\\\<b\\\\>A\\\\<\\\\/b\\\\> next'
    """
    return escape(unlink(one_line(str(text))))


def md_block(text: object) -> str:
    """``text`` as literal markdown, each of its lines a line on the page.

    >>> md_block("a*\\nb_")
    'a\\\\*  \\nb\\\\_'
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(md(line) for line in lines)


def chart(text: object) -> str:
    """Text for a Plotly label: its HTML-like tags shown, not followed (Plotly decodes
    ``&amp; &lt; &gt;`` back to the characters).

    >>> chart('<a href="http://e.com">B & H</a>')
    '&lt;a href="http://e.com"&gt;B &amp; H&lt;/a&gt;'
    """
    return html.escape(one_line(str(text)), quote=False)
