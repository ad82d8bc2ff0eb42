"""A dataset is built once per process from the same bytes (simulator.inputs.data
``load_dataset``): loading the same folder again reuses it; any changed byte, in any
table (the who-bears-it table included, which the data hash leaves out), or another
allocation method, builds a new one that reads the change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator import io
from simulator.inputs.allocation import EQUALISATION_METHOD
from simulator.inputs.data import load_dataset
from simulator.schema.vocabulary import ATTRIBUTIONS

HARTLEPOOL = "E06000001"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled raw folder, which ``load_dataset`` now reads."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(io.RAW_DIR, raw)
    monkeypatch.setattr(io, "RAW_DIR", raw)
    monkeypatch.setattr(io, "OFFICIAL_DIR", tmp_path / "data" / "official")
    monkeypatch.setattr(io, "HEX_LAYOUT", raw / io.HEX_FILE)
    return raw


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_same_bytes_give_the_same_dataset(folder: Path) -> None:
    first = load_dataset()
    assert load_dataset() is first
    other = load_dataset(EQUALISATION_METHOD)
    assert other is not first
    assert other.allocation_method == EQUALISATION_METHOD
    assert load_dataset() is first


def test_a_changed_table_is_read_again(folder: Path) -> None:
    first = load_dataset()
    hartlepool = list(first.codes).index(HARTLEPOOL)
    # Hartlepool's first DToC row: 10 more delayed days attributed to the NHS.
    dtoc = folder / io.RAW_FILES["dtoc"]
    lines = dtoc.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = next(k for k, line in enumerate(lines) if line.split(",")[0] == HARTLEPOOL)
    cells = lines[row].rstrip("\n").split(",")
    for column in ("delayed_days_total", "delayed_days_nhs"):
        k = header.index(column)
        cells[k] = str(int(cells[k]) + 10)
    lines[row] = ",".join(cells) + "\n"
    dtoc.write_text("".join(lines), encoding="utf-8")
    changed = load_dataset()
    assert changed is not first and changed.data_hash != first.data_hash
    month = first.months.index(cells[header.index("month")])
    total = ATTRIBUTIONS.index("total")
    assert (
        changed.dtoc_days[hartlepool, month, total]
        == first.dtoc_days[hartlepool, month, total] + 10
    )


def test_a_changed_who_bears_it_table_is_read_again(folder: Path) -> None:
    first = load_dataset()
    assert first.distribution is not None
    replace_once(
        folder / io.DISTRIBUTION_FILE, "E06000001,Hartlepool,33.178,", "E06000001,Hartlepool,40.5,"
    )
    changed = load_dataset()
    assert changed is not first
    assert changed.data_hash == first.data_hash  # the data hash leaves this table out
    assert changed.distribution is not None
    row = changed.distribution["gss_code"] == HARTLEPOOL
    assert changed.distribution.loc[row, "imd2015_average_score"].item() == 40.5
    # Back to the bundled bytes: the first dataset again.
    shutil.copy(io.shipped_dir("data") / "raw" / io.DISTRIBUTION_FILE, folder)
    assert load_dataset() is first
