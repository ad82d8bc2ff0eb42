"""A hex map of the 152 councils of 2017/18: layout and the values it is coloured by.

The layout is Open Innovations' upper-tier hex map of 2019 (``data/raw/
hex_upper_tier_2019.hexjson``, MIT licence), which already has Bournemouth,
Christchurch and Poole (E06000058) and the unitary Dorset (E06000059) of April 2019.
For 2017/18 they are taken back to the three councils of the time:

- E06000058's hex goes to Bournemouth (E06000028);
- E06000059's hex goes to Dorset County Council (E10000009);
- Poole (E06000029) takes the free hex next to both of them (it lay between them),
  the first in a fixed order of the six neighbours, so the result never changes.

Pure functions: :mod:`simulator.io` reads the file; nothing here touches a file.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine.run import Result
from simulator.reports.tables import basis_rate, rate_basis

# 2019 successor code -> the 2017/18 council that takes its hex.
TAKES_HEX = {"E06000058": "E06000028", "E06000059": "E10000009"}
# A 2017/18 council with no 2019 hex -> (the council it sits beside, and the other).
BESIDE = {"E06000029": ("E06000028", "E10000009")}
ROW_HEIGHT = math.sqrt(3) / 2  # centre-to-centre distance between rows, hex width 1


def neighbours(q: int, r: int, layout: str = "odd-r") -> list[tuple[int, int]]:
    """The six hexes touching ``(q, r)`` in an offset-row layout, in a fixed order.

    In "odd-r" odd rows sit half a hex to the right of even rows.

    >>> neighbours(5, 2)
    [(6, 2), (4, 2), (4, 1), (5, 1), (4, 3), (5, 3)]
    >>> neighbours(4, 1)
    [(5, 1), (3, 1), (4, 0), (5, 0), (4, 2), (5, 2)]
    """
    shifted = (r % 2 == 1) == (layout == "odd-r")
    d = 0 if shifted else -1
    return [
        (q + 1, r),
        (q - 1, r),
        (q + d, r - 1),
        (q + d + 1, r - 1),
        (q + d, r + 1),
        (q + d + 1, r + 1),
    ]


def layout_2017(hexjson: dict[str, Any], codes: list[str]) -> pd.DataFrame:
    """One row per council of ``codes``: ``gss_code``, ``q``, ``r`` and the hex centre
    ``x``, ``y`` (hex width 1, north up), from the 2019 hexjson adapted to 2017/18.

    >>> hexes = {"layout": "odd-r", "hexes": {"E06000058": {"q": 5, "r": 2},
    ...     "E06000059": {"q": 3, "r": 1}, "E1": {"q": 4, "r": 2}}}
    >>> frame = layout_2017(hexes, ["E06000028", "E06000029", "E10000009", "E1"])
    >>> frame[["gss_code", "q", "r"]].values.tolist()
    [['E06000028', 5, 2], ['E06000029', 4, 1], ['E10000009', 3, 1], ['E1', 4, 2]]
    """
    kind = str(hexjson.get("layout", "odd-r"))
    cells: dict[str, tuple[int, int]] = {}
    for code, cell in hexjson["hexes"].items():
        cells[TAKES_HEX.get(code, code)] = (int(cell["q"]), int(cell["r"]))
    taken = set(cells.values())
    for code, (beside, other) in BESIDE.items():
        if code in cells or beside not in cells:
            continue
        around = neighbours(*cells[beside], kind)
        near_other = set(neighbours(*cells[other], kind)) if other in cells else set()
        free = [c for c in around if c not in taken]
        both = [c for c in free if c in near_other]
        if not free:
            raise ValueError(f"hex map: no free hex beside {beside} for {code}")
        cells[code] = (both or free)[0]
        taken.add(cells[code])
    missing = [c for c in codes if c not in cells]
    if missing:
        raise ValueError(f"hex map: no hex for {', '.join(missing)}")
    rows = []
    for code in codes:
        q, r = cells[code]
        shifted = (r % 2 == 1) == (kind == "odd-r")
        rows.append(
            {
                "gss_code": code,
                "q": q,
                "r": r,
                "x": q + (0.5 if shifted else 0.0),
                "y": r * ROW_HEIGHT,
            }
        )
    return pd.DataFrame(rows)


def hexagon(x: float, y: float, width: float = 1.0) -> list[tuple[float, float]]:
    """The six corners of a pointy-topped hexagon ``width`` across its flats.

    >>> [(round(a, 3), round(b, 3)) for a, b in hexagon(0, 0)][:2]
    [(0.5, 0.289), (0.0, 0.577)]
    """
    size = width / math.sqrt(3)
    return [
        (
            x + size * math.cos(math.radians(30 + 60 * k)),
            y + size * math.sin(math.radians(30 + 60 * k)),
        )
        for k in range(6)
    ]


def map_frame(result: Result, layout: pd.DataFrame) -> pd.DataFrame:
    """What the map shows for each council: its place, status, change in £ and DToC
    rate per 100,000 adults 18+ (on the councils table's basis: :func:`rate_basis`)."""
    table = result.table
    data = result.data
    basis = rate_basis(result)
    rate = basis_rate(data, basis)
    status = np.where(
        table["selected"],
        "selected",
        np.where(
            table["exempt"], "exempt", np.where(data.has_dtoc, "not selected", "no DToC data")
        ),
    )
    values = pd.DataFrame(
        {
            "gss_code": table["gss_code"].to_numpy(),
            "council": table["council"].to_numpy(),
            "status": status,
            "change": table["change"].to_numpy(),
            "rate": np.round(rate, 3),
            "rate_basis": basis.attribution,
            "rate_month": basis.month,
        }
    )
    return layout.merge(values, on="gss_code", how="right")[
        [
            "gss_code",
            "council",
            "q",
            "r",
            "x",
            "y",
            "status",
            "change",
            "rate",
            "rate_basis",
            "rate_month",
        ]
    ]
