"""The app stays thin: no function in app/ longer than 80 lines unless a comment on the
line above its ``def`` (or its first decorator) says why, as ``# long: <reason>``."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
LIMIT = 80
REASON = "# long:"


def long_functions(root: Path, limit: int = LIMIT) -> list[str]:
    """``file:line name (N lines)`` for each function longer than ``limit`` lines
    (decorators and docstring included) with no ``# long:`` comment above it."""
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            above = lines[first - 2].strip() if first >= 2 else ""
            if length > limit and not above.startswith(REASON):
                found.append(f"{path.name}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_in_the_app_is_longer_than_80_lines_without_a_reason() -> None:
    assert long_functions(APP) == []


def test_the_check_finds_a_long_function_and_accepts_a_reason(tmp_path: Path) -> None:
    body = "".join(f"    x{k} = {k}\n" for k in range(80))  # 81 lines with the def
    (tmp_path / "views.py").write_text(
        f"def short():\n    return 1\n\n\ndef long():\n{body}\n\nclass A:\n"
        f"    @staticmethod\n    def method():\n{body.replace('    ', '        ')}",
        encoding="utf-8",
    )
    assert long_functions(tmp_path) == [
        "views.py:5 long (81 lines)",
        "views.py:90 method (82 lines)",  # the decorator (line 89) counts
    ]
    (tmp_path / "views.py").write_text(
        f"# long: one table of eighty rows, read top to bottom\ndef long():\n{body}",
        encoding="utf-8",
    )
    assert long_functions(tmp_path) == []
    assert long_functions(tmp_path, limit=200) == []
