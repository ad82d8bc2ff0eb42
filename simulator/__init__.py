"""iBCF allocation review simulator: a pure model of the 2018/19 iBCF review."""

import tomllib
from importlib import metadata
from pathlib import Path


def _version() -> str:
    """The version in pyproject.toml, its one source: read there in a checkout (always
    current), else from the installed package's metadata, which the build copied from it."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "ibcf-simulator":
            return str(project["version"])
    return metadata.version("ibcf-simulator")


__version__ = _version()
MODEL_VERSION = __version__
