"""The hex map layout: one hex for each of the 152 councils of 2017/18, none shared,
and the Dorset adaptation placing Poole between Bournemouth and Dorset County."""

from __future__ import annotations

from simulator import io
from simulator.inputs.data import Dataset
from simulator.reports import hexmap

BOURNEMOUTH, POOLE, DORSET = "E06000028", "E06000029", "E10000009"


def test_every_council_has_its_own_hex(dataset: Dataset) -> None:
    layout = hexmap.layout_2017(io.read_hexjson(), list(dataset.codes))
    assert sorted(layout["gss_code"]) == sorted(dataset.codes)
    assert len(layout) == 152
    assert not layout[["q", "r"]].duplicated().any()


def test_poole_sits_between_bournemouth_and_dorset(dataset: Dataset) -> None:
    raw = io.read_hexjson()
    layout = hexmap.layout_2017(raw, list(dataset.codes)).set_index("gss_code")
    cell = {c: (int(layout.loc[c, "q"]), int(layout.loc[c, "r"])) for c in layout.index}
    # the 2019 councils' hexes go to their 2017/18 predecessors
    assert cell[BOURNEMOUTH] == (raw["hexes"]["E06000058"]["q"], raw["hexes"]["E06000058"]["r"])
    assert cell[DORSET] == (raw["hexes"]["E06000059"]["q"], raw["hexes"]["E06000059"]["r"])
    assert cell[POOLE] in hexmap.neighbours(*cell[BOURNEMOUTH])
    assert cell[POOLE] in hexmap.neighbours(*cell[DORSET])


def test_neighbours_are_symmetric() -> None:
    for q in range(4):
        for r in range(4):
            for other in hexmap.neighbours(q, r):
                assert (q, r) in hexmap.neighbours(*other)


def test_the_map_shows_the_scenarios_selection(dataset: Dataset) -> None:
    from pathlib import Path

    from simulator.engine import run as engine
    from simulator.schema.files import data_context, load_scenario

    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    context = data_context(dataset.months, list(dataset.codes))
    result = engine.evaluate(
        load_scenario(scenarios / "october-2017-letter.toml", context=context), dataset
    )
    frame = hexmap.map_frame(result, hexmap.layout_2017(io.read_hexjson(), list(dataset.codes)))
    selected = set(result.table.loc[result.table["selected"], "gss_code"])
    assert set(frame.loc[frame["status"] == "selected", "gss_code"]) == selected
    assert list(frame["change"]) == list(result.table["change"])
    no_data = set(frame.loc[frame["status"] == "no DToC data", "gss_code"])
    assert no_data == set(dataset.councils.loc[~dataset.has_dtoc, "gss_code"])
