"""The selected councils' forecast band behind the detectability sentence, worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from simulator.reports.words import council_half_band

MONTHS = [f"2018-{m:02d}" for m in range(4, 13)] + [f"2019-{m:02d}" for m in range(1, 4)]


def _result(width_april: float, width_march: float) -> SimpleNamespace:
    """Two councils; council 0's P10-P90 of total delays is ``width_april`` beds a day in
    April 2018 and ``width_march`` in March 2019, nothing in other months; council 1 none."""
    p10 = np.zeros((2, 12, 4))
    p90 = np.zeros((2, 12, 4))
    p90[0, 0, 3] = width_april
    p90[0, 11, 3] = width_march
    return SimpleNamespace(months=MONTHS, scenario_p10=p10, scenario_p90=p90)


def test_the_band_weights_april_by_30_days_and_march_by_31() -> None:
    """A width of 2 in April alone: average 2·30/365, half of it 30/365; in March alone,
    31/365 (April has 30 days, March 31; a year of 365)."""
    both = np.array([True, True])
    assert council_half_band(_result(2.0, 0.0), both) == pytest.approx(30 / 365)  # type: ignore[arg-type]
    assert council_half_band(_result(0.0, 2.0), both) == pytest.approx(31 / 365)  # type: ignore[arg-type]


def test_councils_add_in_quadrature_and_only_the_selected_count() -> None:
    """Council 0 alone selected: its half band; council 1 alone: 0."""
    r = _result(2.0, 2.0)  # (30 + 31) / 365 for council 0
    assert council_half_band(r, np.array([True, False])) == pytest.approx(61 / 365)  # type: ignore[arg-type]
    assert council_half_band(r, np.array([False, True])) == 0.0  # type: ignore[arg-type]
