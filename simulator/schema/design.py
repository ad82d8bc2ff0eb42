"""The ``[design]`` table: a declared grid over the option space, the objectives to
weigh and the guarantees every option must keep (declarations only; the kernel that
evaluates the grid is :mod:`simulator.design`).

A design file names a base scenario (``base``, a path relative to the design file) and
varies it along axes. Each axis lists the values to try; an axis left out keeps the
base scenario's value. Every option of the grid is a scenario: the base with one value
from each axis (:func:`simulator.design.grid.option_scenario`).

>>> d = Design(axes=Axes(condition_pct=[10.0, 33.0], redistribution=["retain"]))
>>> d.axes.condition_pct, d.guarantees.money_stays_local
([10.0, 33.0], False)
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from simulator.schema.base import Strict
from simulator.schema.calendar import Month
from simulator.schema.consequences import NATIONAL_IBCF_2018_19, RedistributionRule
from simulator.schema.projection import EvidenceSetName
from simulator.schema.selection import GssCode, TestId
from simulator.schema.vocabulary import Attribution

DESIGN_SCHEMA_VERSION = 1
# Values one axis may list, and options one grid may hold (the kernel's memory is per
# chunk, so the bound is about run time: 25 million options take minutes on two cores).
MAX_AXIS_VALUES = 200
MAX_OPTIONS = 25_000_000

Pct = Annotated[float, Field(ge=0, le=100)]
Combine = Annotated[str, StringConstraints(pattern=r"^(all|any|at_least_([1-9]|1[0-2]))$")]
Base = Literal["spring_budget", "original", "total"]
Graduation = Literal["flat", "tests_failed"]


def _axis(description: str, unit: str) -> Any:
    return Field(
        None,
        min_length=1,
        max_length=MAX_AXIS_VALUES,
        description=f"{description} ({unit}; blank: the base scenario's)",
    )


class Axes(Strict):
    """The values tried on each axis; every combination is one option."""

    criteria: list[list[TestId]] | None = _axis(
        "Sets of the base scenario's tests that select councils (the others are dropped)",
        "test ids",
    )
    combine: list[Combine] | None = _axis(
        'How failed tests combine: "all", "any" or "at_least_K"', "rule"
    )
    data_month: list[Month] | None = _axis(
        "The month of data the tests read: every test window moves with it", "YYYY-MM"
    )
    attribution: list[Attribution] | None = _axis("Delays counted by every test", "attribution")
    thresholds: dict[TestId, list[Annotated[float, Field(ge=0, le=50)]]] | None = Field(
        None,
        description="Lines tried for above-threshold rate tests, by test id "
        "(beds/day per 100,000 adults 18+; blank: the base scenario's)",
    )
    exemption: list[bool] | None = _axis(
        "Whether the base scenario's improvement exemption applies", "yes/no"
    )
    base: list[Base] | None = _axis("Element the shares apply to", "element")
    condition_pct: list[Pct] | None = _axis("Condition share", "% of base")
    reduction_pct: list[Pct] | None = _axis("Reduction share", "% of base")
    graduation: list[Graduation] | None = _axis(
        'Full share ("flat") or share by tests failed ("tests_failed")', "rule"
    )
    cap_pct: list[Pct] | None = _axis("Most withheld from one council", "% of base")
    cap_gbp: list[Annotated[int, Field(ge=0, le=NATIONAL_IBCF_2018_19)]] | None = _axis(
        "Most withheld from one council", "£"
    )
    floor_pct: list[Pct] | None = _axis(
        "Floor on the final allocation", "% of 2018/19 total allocation"
    )
    redistribution: list[RedistributionRule] | None = _axis("Where withheld money goes", "rule")

    @field_validator("*", mode="after")
    @classmethod
    def _distinct(cls, value: object) -> object:
        if isinstance(value, list):
            seen = [repr(v) for v in value]
            twice = sorted({s for s in seen if seen.count(s) > 1})
            if twice:
                raise ValueError(f"values listed more than once: {', '.join(twice)}")
        return value


class MinBeds(Strict):
    evidence_set: EvidenceSetName = Field(description="The evidence set the beds are read under")
    beds: float = Field(ge=0, le=100_000, description="Beds freed at least (beds/day, 2018/19)")


class Guarantees(Strict):
    """Hard constraints, in the words officials use; an option breaking one is out."""

    money_stays_local: bool = Field(
        False, description="All withheld money stays in local government (none retained)"
    )
    max_councils: int | None = Field(
        None, ge=0, le=152, description="At most this many councils lose or have money conditioned"
    )
    max_loss_pct: float | None = Field(
        None, ge=0, le=100, description="No council loses more than this share of its allocation"
    )
    max_loss_gbp: int | None = Field(
        None, ge=0, le=NATIONAL_IBCF_2018_19, description="No council loses more than this (£)"
    )
    exempt: list[GssCode] = Field(
        default_factory=list,
        max_length=152,
        description="Councils that must not be selected (no money conditioned or withheld)",
    )
    min_beds: MinBeds | None = Field(
        None, description="Beds freed at least, under a named evidence set"
    )
    max_most_deprived_fifth_pct: float | None = Field(
        None,
        ge=0,
        le=100,
        description="At most this share (%) of the money conditioned or withheld falls on "
        "the most deprived fifth of councils (IoD2015 deprivation deciles 1 and 2)",
    )


ObjectiveName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(:[a-z_]+)?$")]


class Goal(Strict):
    objective: ObjectiveName = Field(description="The objective the best option is best at")
    sense: Literal["max", "min"] = Field("max", description="Largest or smallest is best")


class Seek(Strict):
    """Goal-seek: move one lever of an option until a figure reaches a target."""

    lever: Annotated[
        str,
        StringConstraints(
            pattern=r"^(condition_pct|reduction_pct|cap_pct|threshold:[a-z][a-z0-9_]{0,39})$"
        ),
    ] = Field(description="condition_pct, reduction_pct, cap_pct or threshold:<test id>")
    metric: Literal[
        "conditioned", "withheld", "money_moved", "councils_affected", "councils_selected"
    ] = Field(description="The figure to reach (£ or councils)")
    target: float = Field(ge=0, le=NATIONAL_IBCF_2018_19, description="The target (£ or councils)")
    option: int | None = Field(
        None, ge=0, description="The option whose lever moves (blank: the best option)"
    )


class Design(Strict):
    axes: Axes = Axes()
    seek: Seek | None = Field(None, description="Goal-seek on one lever (optional)")
    objectives: list[ObjectiveName] = Field(
        default_factory=lambda: [
            "money_moved",
            "councils_affected",
            "beds_freed:central",
            "largest_loss_pct",
        ],
        min_length=1,
        max_length=8,
        description="Objectives of the Pareto set (each with its own sense: beds up, the "
        "rest down); names as in the objectives register (docs/designer.md)",
    )
    goal: Goal = Goal(objective="beds_per_gbpm:central")
    guarantees: Guarantees = Guarantees()
    seed: int = Field(
        20_181_019, ge=0, le=2**32 - 1, description="Seed of the Monte Carlo on frontier options"
    )
    draws: int = Field(
        1000, ge=0, le=100_000, description="Monte Carlo draws per frontier option (0: none)"
    )
    chunk_options: int = Field(
        4096,
        ge=1,
        le=1_000_000,
        description="Options evaluated per chunk (the unit sent to a worker and cached)",
    )

    @field_validator("objectives")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"objectives listed more than once: {', '.join(twice)}")
        return names


class DesignFile(Strict):
    """A whole design file: its name, the base scenario it varies and the ``[design]``."""

    schema_version: int = Field(DESIGN_SCHEMA_VERSION, ge=1, le=DESIGN_SCHEMA_VERSION)
    name: str = Field(min_length=1, max_length=120, description="Short name of the design")
    description: str = Field("", max_length=2000)
    notes: str = Field("", max_length=20_000)
    base: str = Field(
        min_length=1,
        max_length=300,
        description="The base scenario file, relative to the design file",
    )
    design: Design

    @field_validator("base")
    @classmethod
    def _toml(cls, base: str) -> str:
        if base.startswith("/") or not re.fullmatch(r"[A-Za-z0-9_./-]+\.toml", base):
            raise ValueError("a relative path to a .toml scenario file (letters, digits, _ . / -)")
        return base
