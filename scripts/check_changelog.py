"""The changelog keeps up with the goldens: a change to the committed expected outputs
(the money and projection goldens, the register snapshot, the generated references)
comes with an entry in ``changelog.d/``.

CI runs on a fresh clone with no base to diff against, so the check compares with a
record kept in the repository, ``changelog.d/goldens.sha256``: the digest of the golden
files when their last change was given an entry, and the digest of the fragments at
that moment.

- ``check`` (CI, ``make lint``, a test): the goldens' digest must be the recorded one,
  and every fragment named ``<slug>.<kind>.md``. A mismatch fails with what to do.
- ``record`` (``make goldens-hash``): rewrites the record after a deliberate change to
  the goldens, and refuses unless the fragments changed since the last record (a
  fragment added or edited): the record cannot be refreshed without an entry, and
  ``make golden`` never refreshes it.

Standard library only.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = "changelog.d"
RECORD = f"{FRAGMENTS}/goldens.sha256"
# The committed files `make golden` writes: folders (every file under them) and files.
GOLDENS = (
    "tests/golden",
    "tests/golden_projection",
    "tests/snapshots",
    "docs/outputs.md",
    "docs/scenario-reference.md",
)
KINDS = ("added", "changed", "fixed", "removed")
FRAGMENT_NAME = re.compile(rf"[a-z0-9][a-z0-9-]*\.({'|'.join(KINDS)})\.md")
NOT_FRAGMENTS = {"README.md", "template.md.jinja", "goldens.sha256"}
HOW = "add a changelog.d fragment (CONTRIBUTING.md) and run `make goldens-hash`"


def _digest(root: Path, paths: list[Path]) -> str:
    """One digest of the files' paths (relative to ``root``) and contents."""
    total = hashlib.sha256()
    for path in sorted(paths):
        total.update(path.relative_to(root).as_posix().encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return total.hexdigest()


def golden_files(root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for name in GOLDENS:
        path = root / name
        if path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file()]
        elif path.exists():
            files.append(path)
    return files


def fragment_files(root: Path = ROOT) -> list[Path]:
    folder = root / FRAGMENTS
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_file() and p.name not in NOT_FRAGMENTS]


def goldens_digest(root: Path = ROOT) -> str:
    return _digest(root, golden_files(root))


def fragments_digest(root: Path = ROOT) -> str:
    return _digest(root, fragment_files(root))


def read_record(root: Path = ROOT) -> dict[str, str]:
    """The record's ``goldens`` and ``fragments`` digests (empty when there is none)."""
    path = root / RECORD
    if not path.exists():
        return {}
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            fields[key] = value.strip()
    return fields


def misnamed_fragments(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in fragment_files(root) if not FRAGMENT_NAME.fullmatch(p.name))


def problems(root: Path = ROOT) -> list[str]:
    """What is wrong (empty: the changelog keeps up with the goldens)."""
    out = [
        f"{FRAGMENTS}/{name}: a fragment is named <slug>.<kind>.md, kind one of "
        f"{', '.join(KINDS)} (e.g. fix-the-map.fixed.md)"
        for name in misnamed_fragments(root)
    ]
    if read_record(root).get("goldens") != goldens_digest(root):
        out.append(f"goldens changed ({', '.join(GOLDENS)}): {HOW}")
    return out


def record(root: Path = ROOT) -> str:
    """Record the goldens' digest; refused (ValueError) unless a fragment was added or
    changed since the last record. Returns what was done."""
    old = read_record(root)
    goldens, fragments = goldens_digest(root), fragments_digest(root)
    if old.get("goldens") == goldens:
        return "goldens unchanged since the last record: nothing to do"
    if old.get("fragments") == fragments:
        raise ValueError(
            "goldens changed, but no changelog.d fragment was added or changed since the "
            "last record: add one that says what moved and why, then run this again"
        )
    (root / RECORD).write_text(
        "# The golden files' digest when their last change was given a changelog entry,\n"
        "# and the fragments' digest then. Written by `make goldens-hash`; checked by CI\n"
        "# (scripts/check_changelog.py).\n"
        f"goldens {goldens}\nfragments {fragments}\n",
        encoding="utf-8",
    )
    return f"recorded the goldens' digest in {RECORD}"


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        found = problems()
        for line in found:
            print(f"check_changelog: {line}", file=sys.stderr)
        return 1 if found else 0
    if argv == ["record"]:
        try:
            print(f"check_changelog: {record()}", file=sys.stderr)
        except ValueError as exc:
            print(f"check_changelog: {exc}", file=sys.stderr)
            return 1
        return 0
    print("usage: check_changelog.py check | record", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
