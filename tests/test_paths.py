"""Every repository path the docs, the code's docstrings and comments, the generated
files and the assumptions register name exists: a file that moves cannot leave its old
name behind.

What counts as a path (:func:`named_paths`):

- anywhere, a path rooted at a folder of the repository (``simulator/io.py``,
  ``data/raw/SOURCES.md``, ``tests/golden/``), ``*`` read as a glob;
- in backticks, a path below such a folder (``schema/disk.py``, ``reports/``), found under
  ``simulator/``, ``app/`` or the root;
- in backticks, a bare file name (``params.py``): it must be in a folder that the same
  paragraph names, or anywhere in the repository when the paragraph names none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from simulator.reports.assumptions import assumptions_register
from simulator.reports.design import DESIGN_FILES
from simulator.reports.files import COMPARE_FILES, RUN_FILES

ROOT = Path(__file__).resolve().parent.parent
TOP = ("simulator", "app", "tests", "docs", "data", "scripts", "benchmarks", "scenarios")
TOP_HIDDEN = (".ci", "changelog.d", ".streamlit")
# Named on purpose, though not in the repository.
NOT_IN_THE_REPOSITORY = {
    "data/official": "where a user drops the official tables (README, data/README.md)",
    "simulator/bundled": "the wheel's copy of data/ and scenarios/ (pyproject.toml)",
    "test-artifacts": "screenshots the browser tests save",
}
# The files the commands write, named by the docs as the user sees them.
OUTPUT_FILES = {
    *RUN_FILES,
    *COMPARE_FILES,
    *DESIGN_FILES,
    "haproxy.cfg",
    "brief.pdf",
    "about.csv",
    "scorecard.csv",
}
FOLDERS_BELOW = ("simulator", "app", "data", "")
EXTENSIONS = r"py|md|toml|csv|json|lock|hexjson|jinja|txt|cfg|png|LICENSE"

_top = "|".join(re.escape(t) for t in (*TOP, *TOP_HIDDEN))
ROOTED = re.compile(rf"(?<![\w./@-])((?:{_top})/[\w.*/-]*)")
TICKED = re.compile(r"`+([^`\s]+)`+")
BELOW = re.compile(rf"[\w-]+(?:/[\w.*-]+)*(?:/|\.(?:{EXTENSIONS}))")
BARE = re.compile(rf"[\w-]+\.(?:{EXTENSIONS})")
FOLDER_WORD = re.compile(r"`*((?:[\w.-]+/)+)`*")


def _exists(path: str) -> bool:
    path = path.rstrip("/.,:;)")
    if any(path == p or path.startswith(p + "/") for p in NOT_IN_THE_REPOSITORY):
        return True
    if "*" in path:
        return any(ROOT.glob(path))
    return (ROOT / path).exists()


def _folders(paragraph: str) -> list[Path]:
    """The folders a paragraph names (rooted, or below simulator/ or app/)."""
    found = []
    for word in FOLDER_WORD.findall(paragraph):
        for base in FOLDERS_BELOW:
            folder = ROOT / base / word
            if folder.is_dir():
                found.append(folder)
    return found


def _paragraphs(text: str) -> list[str]:
    return re.split(r"\n\s*\n", text)


def _anywhere(name: str) -> bool:
    return any(".venv" not in p.parts for p in ROOT.rglob(name))


def _bare_exists(name: str, folders: list[Path]) -> bool:
    """A module name is looked for in the folders its paragraph names (and the root);
    another file, or a module in a paragraph that names no folder, anywhere."""
    if name.endswith(".py") and folders:
        return any((f / name).exists() for f in [*folders, ROOT])
    return _anywhere(name)


def named_paths(text: str) -> list[str]:
    """The repository paths ``text`` names that do not exist (see the module's docstring)."""
    missing: list[str] = []
    for paragraph in _paragraphs(text):
        folders = _folders(paragraph)
        for rooted in ROOTED.findall(paragraph):
            if not _exists(rooted):
                missing.append(rooted.rstrip("/.,:;)"))
        for ticked in TICKED.findall(paragraph):
            ticked = ticked.strip("()[],.:;'\"")
            if ROOTED.fullmatch(ticked) or "://" in ticked or ticked in OUTPUT_FILES:
                continue
            if "/" in ticked and BELOW.fullmatch(ticked):
                if not any(_exists(str(Path(base) / ticked)) for base in FOLDERS_BELOW):
                    missing.append(ticked)
            elif BARE.fullmatch(ticked) and not _bare_exists(ticked, folders):
                missing.append(ticked)
    return missing


# ---------------------------------------------------------------------- what is read
DOCS = ["README.md", "CONTRIBUTING.md", "data/README.md", "changelog.d/README.md"]


def doc_files() -> list[Path]:
    return [ROOT / d for d in DOCS] + sorted((ROOT / "docs").glob("*.md"))


def code_text(path: Path) -> str:
    """A module's docstrings and comments: the text between the code."""
    import ast
    import io
    import tokenize

    source = path.read_text(encoding="utf-8")
    parts = [
        tok.string.lstrip("#")
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                parts.append(doc)
    return "\n\n".join(parts)


MOD_ROLE = re.compile(r":mod:`~?([.\w]+)`")


def module_exists(name: str, package: str) -> bool:
    """A module named in a ``:mod:`` role exists (``.x`` is relative to ``package``)."""
    if name.startswith("."):
        name = package + name
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def code_files() -> list[Path]:
    return sorted([*ROOT.glob("simulator/**/*.py"), *ROOT.glob("app/**/*.py")])


def register_text() -> str:
    """Every cell of the assumptions register, as the Excel Assumptions sheet holds it."""
    table = assumptions_register()
    return "\n\n".join(str(v) for v in table.to_numpy().ravel())


def sources() -> Iterable[tuple[str, str]]:
    for path in doc_files():
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in code_files():
        yield str(path.relative_to(ROOT)), code_text(path)
    yield "the assumptions register (Excel Assumptions sheet)", register_text()


def test_every_path_named_exists() -> None:
    stale = [f"{where}: {path}" for where, text in sources() for path in named_paths(text)]
    for path in code_files():
        parts = path.relative_to(ROOT).with_suffix("").parts
        package = ".".join(parts if parts[-1] == "__init__" else parts[:-1])
        package = package.removesuffix(".__init__")
        stale += [
            f"{path.relative_to(ROOT)}: :mod:`{name}`"
            for name in MOD_ROLE.findall(code_text(path))
            if not module_exists(name, package)
        ]
    assert not stale, "named but not in the repository:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Built by code in `simulator/data.py` every time.", ["simulator/data.py"]),
        ("rule in simulator/expectations.py (see docs)", ["simulator/expectations.py"]),
        ("# tests/test_calibration.py pins them.", ["tests/test_calibration.py"]),
        (
            "The package `simulator/projection/`: `params.py`, `words.py`.",
            ["params.py", "words.py"],
        ),
        ("Its files (`schema/disk.py`, `schema/nowhere.py`).", ["schema/nowhere.py"]),
        ("`hexmap.py` draws the map; `requirements.lock` pins.", []),
        ("`summary.json` and `compare.csv` are outputs; `official/` is the user's.", []),
        ("`nowhere.py` draws the map.", ["nowhere.py"]),
        ("Today's: `simulator/projection/api.py`, tests/test_golden.py, data/raw/*.csv.", []),
        ("2018/19, P10/P90, `out/oct`, https://example.org/a/b.py, data/official/x.csv", []),
    ],
)
def test_a_stale_path_is_found(text: str, missing: list[str]) -> None:
    assert named_paths(text) == missing


def test_a_stale_module_is_found() -> None:
    assert module_exists(".forecast", "simulator.projection")
    assert module_exists("simulator.rules", "app")
    assert not module_exists(".params", "simulator.projection")
    assert not module_exists("simulator.uncertainty", "app")
