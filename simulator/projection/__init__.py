"""Projection of delayed transfers of care (DToC) for 2018/19.

The package, in the order data flows (its ``[projection]`` table is declared in
:mod:`simulator.schema.projection`, which loads neither numpy, pandas nor scipy):

- :mod:`.forecast` — statistical counterfactuals, council by council;
- :mod:`.backtest` — rolling-origin scores and band coverage of every method;
- :mod:`.noise` — forecast noise from the back-test errors, on their own scale;
- :mod:`.evidence` — the named evidence sets for θ (days avoided per £1m) as
  distributions; :func:`evidence_sets` lists them (their figures are the records of
  :mod:`simulator.schema.evidence`);
- :mod:`.response` — pounds to care bought to delayed days avoided;
- :mod:`.montecarlo` — the seeded Monte Carlo; :mod:`.result` — what it returns;
- :mod:`.calibration` — the 2017/18 fits; :mod:`.identification` — whether they are
  identified (the diagnostics ``ibcf calibrate`` prints; its tables and those of
  ``ibcf backtest`` are :mod:`simulator.reports.backtest`, and how the headlines are
  said :mod:`simulator.reports.words`);
- :mod:`.api` — the entry point: ``prepare_baseline``, ``project``, ``tornado``.

Names below are loaded on first use, so that the declarations stay light.
See ``docs/projection.md``.
"""

# The imports under TYPE_CHECKING are for type checkers only: at run time the names are
# loaded on first use by __getattr__ below.
# ruff: noqa: F401

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from simulator.schema.projection import METHODS, RETIRED_KEYS, ProjectionParams

if TYPE_CHECKING:
    from simulator.projection.api import (
        cached_backtest,
        prepare_baseline,
        project,
        resolve_method,
        sensitivity_ranges,
        tornado,
    )
    from simulator.projection.backtest import (
        AUTO_ATTRIBUTION,
        AUTO_METRIC,
        DEFAULT_ORIGINS,
        Backtest,
        best_method,
        coverage_table,
        run_backtest,
        summarise_points,
    )
    from simulator.projection.evidence import (
        EVIDENCE_SETS,
        EvidenceSet,
        evidence_set,
        evidence_sets,
    )
    from simulator.projection.forecast import (
        LAST_DATA_MONTH,
        METHOD_LABELS,
        PROJECTION_MONTHS,
        baseline_forecast,
        forecast,
    )
    from simulator.projection.noise import NoiseModel
    from simulator.projection.response import status_quo_change_gbp
    from simulator.projection.result import PreparedBaseline, ProjectionResult, ambition_met

_LAZY = {
    "api": (
        "cached_backtest",
        "prepare_baseline",
        "project",
        "resolve_method",
        "sensitivity_ranges",
        "tornado",
    ),
    "backtest": (
        "AUTO_ATTRIBUTION",
        "AUTO_METRIC",
        "DEFAULT_ORIGINS",
        "Backtest",
        "best_method",
        "coverage_table",
        "run_backtest",
        "summarise_points",
    ),
    "evidence": ("EVIDENCE_SETS", "EvidenceSet", "evidence_set", "evidence_sets"),
    "forecast": (
        "LAST_DATA_MONTH",
        "METHOD_LABELS",
        "PROJECTION_MONTHS",
        "baseline_forecast",
        "forecast",
    ),
    "noise": ("NoiseModel",),
    "response": ("status_quo_change_gbp",),
    "result": ("PreparedBaseline", "ProjectionResult", "ambition_met"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = ["METHODS", "RETIRED_KEYS", "ProjectionParams", *_WHERE]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"simulator.projection.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'simulator.projection' has no attribute {name!r}")
