"""The project's own errors: each names the file, the place and the reason."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base class: anything the command line reports without a traceback."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class DataError(SimulatorError):
    """An input data file is malformed; each problem reads ``FILE: row N: column: reason``."""


class ScenarioError(SimulatorError):
    """A scenario file is invalid; each problem reads ``FILE: key.path: reason``."""
