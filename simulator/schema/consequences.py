"""What happens to a selected council's money: conditions, reductions, their graduation,
caps, floor and release, and where withheld money goes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.schema.base import Strict, param
from simulator.schema.parameters import DECEMBER_2017_TEST_5, OCTOBER_2017_LETTER, Reference
from simulator.schema.selection import Window
from simulator.schema.vocabulary import Attribution

# Most that can be withheld from one council: the whole national iBCF (2018/19).
NATIONAL_IBCF_2018_19 = 1_499_000_000


class Release(Strict):
    """Conditions are released for councils that reach a trigger by a later month."""

    attribution: Attribution = "social_care"
    window: Window
    rule: Literal["meets_expectation", "below_rate"] = "meets_expectation"
    rate: float = param(
        2.6,
        label="Release at or below",
        assumption=True,
        references=(DECEMBER_2017_TEST_5,),
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=50,
        step=0.1,
        description="Rate at or below which conditions are released (below_rate)",
        source="Assumption: the December 2017 social care test",
    )


class Consequences(Strict):
    base: Literal["spring_budget", "original", "total"] = param(
        "spring_budget",
        label="Shares apply to",
        references=(OCTOBER_2017_LETTER,),
        unit="",
        description="Element the shares apply to",
        source="October 2017 letter: 'a proportion of the additional 2018/19 iBCF'",
    )
    condition_pct: float = param(
        0.0,
        label="Condition share",
        references=(Reference("December 2017 letters"),),
        unit="% of base",
        ge=0,
        le=100,
        step=1,
        description="Share ring-fenced for reducing delayed transfers (stays with the council)",
        source="December 2017 letters: conditions on 33%",
    )
    reduction_pct: float = param(
        0.0,
        label="Reduction share",
        assumption=True,
        references=(OCTOBER_2017_LETTER,),
        unit="% of base",
        ge=0,
        le=100,
        step=1,
        description="Share withheld from the council",
        source="October 2017 letter reserved the right to reduce; no public source of a size",
    )
    graduation: Literal["flat", "tests_failed", "margin"] = Field(
        "flat", description="Full share, share by tests failed, or linear in a test's margin"
    )
    margin_test: str | None = Field(None, description="Test id whose margin graduates")
    margin_from: float = param(
        0.0,
        label="No share at a margin of",
        assumption=True,
        unit="per 100,000 adults 18+",
        ge=-50,
        le=50,
        step=0.1,
        description="Margin at which a graduated share starts (0% of the share)",
        source="Assumption",
    )
    margin_to: float = param(
        2.0,
        label="Full share at a margin of",
        assumption=True,
        unit="per 100,000 adults 18+",
        ge=-50,
        le=100,
        step=0.1,
        description="Margin at which the full share applies",
        source="Assumption",
    )
    cap_pct: float = param(
        100.0,
        label="Cap per council",
        assumption=True,
        unit="% of base",
        ge=0,
        le=100,
        step=1,
        description="Most that can be withheld from one council, as % of its base",
        source="Assumption",
    )
    cap_gbp: int | None = Field(
        None,
        ge=0,
        le=NATIONAL_IBCF_2018_19,
        description="Most that can be withheld from one council (£, 2018/19)",
    )
    floor_pct: float = param(
        0.0,
        label="Floor on the final allocation",
        assumption=True,
        unit="% of 2018/19 total allocation",
        ge=0,
        le=100,
        step=1,
        description="Final allocation never falls below this share of the baseline total",
        source="Assumption",
    )
    release: Release | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Consequences:
        if self.condition_pct + self.reduction_pct > 100:
            raise ValueError(
                f"condition_pct + reduction_pct = "
                f"{self.condition_pct + self.reduction_pct:g}%, more than 100% of the base"
            )
        if self.graduation == "margin":
            if self.margin_test is None:
                raise ValueError("graduation = 'margin' needs margin_test (a test id)")
            if self.margin_to <= self.margin_from:
                raise ValueError("margin_to must be greater than margin_from")
        return self


RedistributionRule = Literal[
    "retain", "pro_rata_all", "passed", "best_quartile", "met_expectation", "improvers"
]
DEFAULT_REDISTRIBUTION: RedistributionRule = "pro_rata_all"


class Redistribution(Strict):
    rule: RedistributionRule = Field(
        DEFAULT_REDISTRIBUTION,
        description="Where withheld money goes. Default (no [redistribution] table): shared "
        "among all councils not selected or reduced, pro rata to the base the shares apply "
        'to, so all of it stays in local government; "retain" keeps it centrally (a '
        "headline figure wherever it is above £0)",
    )
    attribution: Attribution = "social_care"
    window: Window = Window(end="2017-11")
    before: Window = Window(end="2017-02")
    gain_cap_pct: float | None = Field(
        None,
        ge=0,
        le=1000,
        description="Largest gain per council, % of its base; the excess spills over",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Redistribution:
        if self.rule == "retain" and self.gain_cap_pct is not None:
            raise ValueError(
                "gain_cap_pct caps what councils receive, but rule = 'retain' gives nothing "
                "away: remove gain_cap_pct or choose another rule"
            )
        if self.rule == "improvers" and self.before.end >= self.window.end:
            raise ValueError(
                f"rule = 'improvers' compares window ({self.window.end}) with an earlier "
                f"window, but before.end ({self.before.end}) is not earlier"
            )
        return self
