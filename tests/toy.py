"""Made-up councils for case tables: a tiny :class:`Dataset` built by hand.

Delayed transfers are given as average delayed *beds a day* for each month of
2017 (the builder multiplies by the days in the month), so a council with
100,000 adults has a rate per 100,000 equal to its beds a day: expected results
can be worked out on paper.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine.run import Result, evaluate
from simulator.inputs.data import Dataset
from simulator.schema.files import scenario_from_mapping
from simulator.schema.scenario import Scenario

MONTHS = [f"2017-{m:02d}" for m in range(1, 13)]
MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS = np.array([calendar.monthrange(2017, m)[1] for m in range(1, 13)], dtype=float)
NAN = float("nan")


def monthly(default: float = 0.0, **by_month: float) -> list[float]:
    """Beds a day for Jan..Dec 2017: ``default`` except the months named, e.g. ``jul=4``."""
    unknown = set(by_month) - set(MONTH_KEYS)
    assert not unknown, unknown
    return [by_month.get(key, default) for key in MONTH_KEYS]


@dataclass
class Toy:
    """One made-up council. Beds a day by month (12 values) or one value for every month."""

    name: str
    social_care: float | list[float] = 0.0
    nhs: float | list[float] = 0.0
    both: float | list[float] = 0.0
    adults: int = 100_000
    original: int = 2_000_000
    spring_budget: int = 1_000_000
    extra: dict[str, Any] = field(default_factory=dict)

    def beds(self, which: str) -> np.ndarray:
        value = getattr(self, which)
        if isinstance(value, list):
            assert len(value) == 12
            return np.array(value, dtype=float)
        return np.full(12, float(value))


def code_for(position: int) -> str:
    return f"E060000{position + 1:02d}"


def make_dataset(toys: list[Toy]) -> Dataset:
    """A Dataset of the toys, in the order given; GSS codes E06000001, E06000002, ..."""
    n = len(toys)
    codes = [code_for(i) for i in range(n)]
    councils = pd.DataFrame(
        {
            "gss_code": codes,
            "council": [t.name for t in toys],
            "region": ["Test region"] * n,
            "authority_type": ["Unitary authority"] * n,
            "adults_18plus": np.array([t.adults for t in toys], dtype=np.int64),
            "pop_65plus": np.array([t.adults // 5 for t in toys], dtype=np.int64),
            "pop_75plus": np.array([t.adults // 10 for t in toys], dtype=np.int64),
            "pop_85plus": np.array([t.adults // 40 for t in toys], dtype=np.int64),
            "pop_all_ages": np.array([t.adults * 5 // 4 for t in toys], dtype=np.int64),
        }
    )
    original = np.array([t.original for t in toys], dtype=np.int64)
    spring = np.array([t.spring_budget for t in toys], dtype=np.int64)
    allocations = pd.DataFrame(
        {
            "gss_code": codes,
            "allocation_original": original,
            "status_original": "reconstructed",
            "source_original": "made up for a test",
            "allocation_spring_budget": spring,
            "status_spring_budget": "reconstructed",
            "source_spring_budget": "made up for a test",
            "allocation_total": original + spring,
            "allocation_status": "reconstructed",
        }
    )
    days = np.zeros((n, 12, 4))
    for i, t in enumerate(toys):
        sc, nhs, both = t.beds("social_care"), t.beds("nhs"), t.beds("both")
        days[i, :, 0] = sc * DAYS
        days[i, :, 1] = (sc + both) * DAYS
        days[i, :, 2] = nhs * DAYS
        days[i, :, 3] = (sc + both + nhs) * DAYS
    return Dataset(
        councils=councils,
        allocations=allocations,
        months=list(MONTHS),
        dtoc_days=days,
        england_days=np.nansum(days, axis=0),
        known_figures=pd.DataFrame(),
        official_expectations=None,
        data_hash="toy",
    )


def scenario(mapping: Mapping[str, Any]) -> Scenario:
    return scenario_from_mapping({"name": "case", **mapping}, source="case.toml")


def run(toys: list[Toy] | Dataset, mapping: Mapping[str, Any]) -> Result:
    data = toys if isinstance(toys, Dataset) else make_dataset(toys)
    return evaluate(scenario(mapping), data)


def column(result: Result, name: str) -> dict[str, Any]:
    """One results column keyed by council name (plain Python values)."""
    t = result.table
    return {
        n: v.item() if hasattr(v, "item") else v for n, v in zip(t["council"], t[name], strict=True)
    }


def names(result: Result, mask: np.ndarray) -> set[str]:
    return set(result.table["council"][np.asarray(mask, dtype=bool)])


def rate_test(
    test_id: str, end: str, *, mode: str = "above_threshold", months: int = 1, **extra: Any
) -> dict[str, Any]:
    return {
        "id": test_id,
        "kind": "rate",
        "window": {"end": end, "months": months},
        "mode": mode,
        **extra,
    }
