"""``ibcf design``'s files: the frontier as CSV, one scenario file per efficient option,
``design.json`` (what was asked, what was found, what is exact and what is a bound) and
the frontier as an Excel sheet."""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulator import MODEL_VERSION
from simulator.design.grid import option_scenario
from simulator.design.run import DesignAnswer
from simulator.reports.excel import workbook

DESIGN_FILES = ("frontier.csv", "design.json", "design.xlsx")


def design_summary(answer: DesignAnswer, data_hash: str) -> dict[str, Any]:
    design = answer.file.design
    why = answer.why_not
    return {
        "design": answer.file.name,
        "base_scenario": answer.base.name,
        "base_scenario_hash": answer.base.content_hash(),
        "data_hash": data_hash,
        "model_version": MODEL_VERSION,
        "options_in_grid": answer.grid.size,
        "valid_options": len(answer.table),
        "axes_varied": answer.grid.varied(),
        "objectives": [
            {
                "name": name,
                "label": answer.objectives[name].label,
                "unit": answer.objectives[name].unit,
                "sense": answer.objectives[name].sense,
            }
            for name in design.objectives
        ],
        "evidence_sets": answer.evidence,
        "guarantees": [r.words for r in _rules(answer)],
        "options_meeting_guarantees": _feasible_count(answer),
        "efficient_options": int(answer.frontier["efficient"].sum()) if len(answer.frontier) else 0,
        "goal": {"objective": design.goal.objective, "sense": design.goal.sense},
        "best": answer.best,
        "why_not": None
        if why is None
        else {
            "conflicts": why.conflicts,
            "every_smallest_conflict": why.exhaustive,
            "relaxations": [
                {"guarantee": r.key, "instead": r.words, "bound": r.bound, "options": r.options}
                for r in why.relaxations
            ],
        },
        "oracle_bound": {"is": "not given", "why": answer.oracle_why}
        if answer.oracle is None
        else {
            "evidence_set": answer.oracle.evidence_set,
            "beds": answer.oracle.beds,
            "councils": answer.oracle.councils,
            "money": answer.oracle.money,
            "is": "a bound, never an option",
            "words": answer.oracle.words,
        },
        "goal_seek": None
        if answer.seek is None
        else {
            "lever": answer.seek.lever,
            "metric": answer.seek.metric,
            "target": answer.seek.target,
            "met": answer.seek.met,
            "exact": answer.seek.exact,
            "value": answer.seek.value,
            "achieved": answer.seek.achieved,
            "words": answer.seek.words,
        },
        "exact": "every option of the grid is evaluated; the frontier and the best option "
        "are exact for the grid; beds are the projection's central path under each "
        "evidence set (the Monte Carlo P10/P50/P90 are given for efficient options)",
        "monte_carlo": {"draws": design.draws, "seed": design.seed},
    }


def _rules(answer: DesignAnswer) -> list[Any]:
    from simulator.design.search import constraints

    return constraints(answer.file.design.guarantees)


def _feasible_count(answer: DesignAnswer) -> int:
    from simulator.design.search import feasible

    return int(feasible(answer.table, _rules(answer)).sum())


def design_files(
    answer: DesignAnswer, data_hash: str, context: dict[str, Any] | None = None
) -> dict[str, object]:
    """Every file of the set, by name: frames, mappings, bytes and text."""
    front = answer.frontier
    files: dict[str, object] = {
        "frontier.csv": front,
        "design.json": design_summary(answer, data_hash),
        "design.xlsx": workbook({"Frontier": front, "Design": _design_sheet(answer)}, ()),
    }
    for index, name in zip(front["option"], front["scenario_file"], strict=True):
        scenario = option_scenario(
            answer.grid,
            int(index),
            context=context,
            name=f"{answer.file.name}: option {int(index)}",
        )
        files[name] = scenario.stamped(data_hash).to_toml()
    return files


def _design_sheet(answer: DesignAnswer) -> pd.DataFrame:
    summary = design_summary(answer, "")
    rows = [
        ("Design", answer.file.name),
        ("Base scenario", answer.base.name),
        ("Options in the grid", summary["options_in_grid"]),
        ("Valid options", summary["valid_options"]),
        ("Options meeting every guarantee", summary["options_meeting_guarantees"]),
        ("Efficient options", summary["efficient_options"]),
        ("Guarantees", "; ".join(summary["guarantees"]) or "none"),
        ("Best option", answer.best["option_words"] if answer.best else "none meets them"),
        ("Oracle bound", answer.oracle.words if answer.oracle else str(answer.oracle_why)),
        ("Goal-seek", answer.seek.words if answer.seek else "not asked"),
        ("What is exact", summary["exact"]),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": str})
