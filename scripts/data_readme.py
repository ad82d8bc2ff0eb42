"""Write the column tables of data/README.md from the declarations in
simulator/inputs/schemas.py (between its two "generated" marker lines), so the data
dictionary cannot drift from what is checked. ``--check``: exit 1 if it would change.

Run: ``.venv/bin/python scripts/data_readme.py`` after changing a declaration.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
BEGIN = "<!-- begin generated: scripts/data_readme.py from simulator/inputs/schemas.py -->"
END = "<!-- end generated -->"


def rendered(current: str) -> str:
    """``current`` with the text between the markers replaced by today's tables."""
    from simulator.inputs.schemas import data_dictionary

    head, rest = current.split(BEGIN + "\n", 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{data_dictionary()}{END}{tail}"


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    new = rendered(current)
    if "--check" in argv:
        if new != current:
            print(f"{README}: out of date; run scripts/data_readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
