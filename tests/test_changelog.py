"""The changelog keeps up with the goldens (scripts/check_changelog.py): the record
matches today's goldens, every fragment is well named, and the record cannot be
refreshed without a new entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts import check_changelog as cc


def test_the_goldens_are_recorded_with_their_changelog_entry() -> None:
    found = cc.problems()
    assert not found, "\n".join(found)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout in miniature: one golden file, one fragment, a current record."""
    (tmp_path / "tests" / "golden").mkdir(parents=True)
    (tmp_path / "tests" / "golden" / "a.csv").write_text("x\n1\n")
    (tmp_path / "changelog.d").mkdir()
    (tmp_path / "changelog.d" / "first.added.md").write_text("A first thing.\n")
    assert cc.record(tmp_path).startswith("recorded")
    assert cc.problems(tmp_path) == []
    return tmp_path


def test_a_changed_golden_fails_until_an_entry_is_recorded(repo: Path) -> None:
    (repo / "tests" / "golden" / "a.csv").write_text("x\n2\n")
    assert cc.problems(repo) == [
        "goldens changed (tests/golden, tests/golden_projection, tests/snapshots, "
        "docs/outputs.md, docs/scenario-reference.md): add a changelog.d fragment "
        "(CONTRIBUTING.md) and run `make goldens-hash`"
    ]
    with pytest.raises(ValueError, match=r"no changelog\.d fragment was added or changed"):
        cc.record(repo)
    (repo / "changelog.d" / "second.changed.md").write_text("The figures moved.\n")
    assert cc.record(repo).startswith("recorded")
    assert cc.problems(repo) == []


def test_a_new_golden_file_or_generated_doc_counts(repo: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "outputs.md").write_text("# Outputs\n")
    assert len(cc.problems(repo)) == 1
    (repo / "docs" / "outputs.md").unlink()
    shutil.copy(repo / "tests" / "golden" / "a.csv", repo / "tests" / "golden" / "b.csv")
    assert len(cc.problems(repo)) == 1


def test_an_edited_fragment_also_allows_a_record(repo: Path) -> None:
    (repo / "tests" / "golden" / "a.csv").write_text("x\n3\n")
    (repo / "changelog.d" / "first.added.md").write_text("A first thing, and why.\n")
    assert cc.record(repo).startswith("recorded")


def test_one_entry_covers_one_change_of_the_goldens(repo: Path) -> None:
    """After a record, a further change to the goldens needs a further entry; `make
    golden` alone, or touching the goldens back and forth, never refreshes the record."""
    (repo / "tests" / "golden" / "a.csv").write_text("x\n4\n")
    (repo / "changelog.d" / "second.changed.md").write_text("The figures moved.\n")
    cc.record(repo)
    (repo / "tests" / "golden" / "a.csv").write_text("x\n5\n")
    with pytest.raises(ValueError):
        cc.record(repo)
    assert cc.problems(repo) != []
    (repo / "tests" / "golden" / "a.csv").write_text("x\n4\n")
    assert cc.problems(repo) == [], "back to what was recorded"


def test_fragments_are_named_by_kind(repo: Path) -> None:
    for name in ("feature.feature.md", "Big-Change.added.md", "x.added.txt", "x.md"):
        (repo / "changelog.d" / name).write_text("x\n")
    assert [p.split(":")[0] for p in cc.problems(repo)] == [
        "changelog.d/Big-Change.added.md",
        "changelog.d/feature.feature.md",
        "changelog.d/x.added.txt",
        "changelog.d/x.md",
    ]
