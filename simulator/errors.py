"""The project's own errors: each names the file, the place and the reason."""

from __future__ import annotations

import unicodedata


def one_line(text: str) -> str:
    """``text`` with control characters and line or paragraph separators escaped, so
    a problem is always one line (a newline in user input cannot forge a second one).

    >>> one_line("name\\nx: forged\\u2028y\\tz")
    'name\\\\nx: forged\\\\u2028y\\\\tz'
    """
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        else c
        for c in text
    )


class SimulatorError(Exception):
    """Base class: anything the command line reports without a traceback."""

    def __init__(self, problems: list[str] | str) -> None:
        listed = [problems] if isinstance(problems, str) else list(problems)
        self.problems = [one_line(p) for p in listed]
        super().__init__("\n".join(self.problems))


class DataError(SimulatorError):
    """An input data file is malformed; each problem reads ``FILE: row N: column: reason``."""


class ScenarioError(SimulatorError):
    """A scenario file is invalid; each problem reads ``FILE: key.path: reason``."""
