"""data/README.md's column tables are generated from the declarations in
simulator/inputs/schemas.py, so the data dictionary cannot drift from what is checked."""

from __future__ import annotations

from scripts import data_readme
from simulator.inputs import schemas


def test_the_committed_data_dictionary_is_the_generated_one() -> None:
    current = data_readme.README.read_text(encoding="utf-8")
    assert data_readme.rendered(current) == current, "run scripts/data_readme.py"


def test_every_declared_column_and_bound_is_in_the_data_dictionary() -> None:
    text = data_readme.README.read_text(encoding="utf-8")
    for name, (folder, declaration) in schemas.DECLARATIONS.items():
        assert f"### `{folder}/{name}`" in text
        for column in declaration(schemas.Councils()).columns:
            assert f"| `{column}` |" in text, (name, column)
    # A bound changed in a declaration shows in the docs (here, tranche 1's total).
    assert "≤ £1,600,000,000, the whole of tranche 1" in text


def test_a_changed_declaration_makes_the_committed_copy_stale(monkeypatch) -> None:
    current = data_readme.README.read_text(encoding="utf-8")
    monkeypatch.setattr(schemas, "TRANCHE1_TOTAL", 1_700_000_000)
    assert data_readme.rendered(current) != current


def test_every_file_the_model_reads_is_declared() -> None:
    from simulator import io

    read = {*io.RAW_FILES.values(), io.DISTRIBUTION_FILE, *io.OFFICIAL_FILES.values()}
    assert set(schemas.DECLARATIONS) == read
