"""Which councils are selected: windows of months, the rate, gap and trend tests, how
failed tests combine, the exemption and the councils listed by hand."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from simulator.schema.base import Strict, param
from simulator.schema.calendar import Month, month_name
from simulator.schema.parameters import DECEMBER_2017_TEST_5, OCTOBER_2017_LETTER, Reference
from simulator.schema.vocabulary import Attribution

MAX_WEIGHT = 1000.0

# ASCII digits only: \d would also take Arabic-Indic and other scripts' digits.
GssCode = Annotated[str, StringConstraints(pattern=r"^E[0-9]{8}$")]
TestId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


def _check_month(month: str, info: ValidationInfo, span: int = 1) -> str:
    """A month with data, when the validation context knows the data's months."""
    months = (info.context or {}).get("months")
    if months is not None:
        if month not in months:
            raise ValueError(f"no DToC data for {month} (data run {months[0]} to {months[-1]})")
        if months.index(month) + 1 < span:
            raise ValueError(f"a {span}-month window ending {month} starts before the data")
    return month


class Window(Strict):
    """Average of ``months`` months ending with ``end`` (1 = a single month)."""

    end: Month = Field(description="Last month of the window, YYYY-MM")
    months: int = Field(1, ge=1, le=24, description="Months averaged, ending at `end`")

    @model_validator(mode="after")
    def _has_data(self, info: ValidationInfo) -> Window:
        _check_month(self.end, info, self.months)
        return self

    def label(self) -> str:
        if self.months == 1:
            return month_name(self.end)
        return f"{self.months} months to {month_name(self.end)}"


class _TestBase(Strict):
    id: TestId = Field(description="Short name used in outputs (a-z, 0-9, _)")
    label: str = Field(
        "",
        description="The standard a council must meet, shown in tables and letters (failing "
        "it counts towards selection); blank: generated from the test",
    )
    attribution: Attribution = Field(
        "social_care", description="Delays counted: social care, social care and both, NHS, total"
    )


class RateTest(_TestBase):
    """Fails councils with the worst rate per 100,000 adults in a window."""

    kind: Literal["rate"]
    window: Window = Field(description="Month or months measured")
    mode: Literal["worst_quartile", "worst_n", "above_threshold"] = Field(
        "worst_quartile", description="Who fails: the worst quarter, the worst n, or above a line"
    )
    n: int = Field(38, ge=1, le=152, description="Councils failed by worst_n")
    threshold: float = param(
        2.6,
        label="Threshold",
        references=(DECEMBER_2017_TEST_5,),
        unit="beds/day per 100,000 adults 18+",
        ge=0,
        le=50,
        step=0.1,
        description="Rate above which above_threshold fails",
        source="December 2017 test (5): 2.6 per 100,000 (social care)",
    )


class GapTest(_TestBase):
    """Fails councils whose rate is above their September 2017 expectation."""

    kind: Literal["gap"]
    window: Window = Field(description="Month or months measured against the expectation")
    mode: Literal["above_expectation", "worst_quartile"] = Field(
        "above_expectation", description="Who fails: any council above, or the worst quarter"
    )
    tolerance_pct: float = param(
        0.0,
        label="Tolerance above expectation",
        assumption=True,
        unit="% of expectation",
        ge=0,
        le=100,
        step=1,
        description="Headroom above the expectation before the test fails",
        source="Assumption: none in the 2017 letters",
    )


class TrendTest(_TestBase):
    """Fails councils whose rate got worse (or did not improve) between two windows."""

    kind: Literal["trend"]
    before: Window = Field(description="Earlier window")
    after: Window = Field(description="Later window")
    mode: Literal["worse", "not_improved", "worst_quartile"] = Field(
        "worse", description="Who fails: rate rose, rate did not fall, or the worst quarter"
    )
    min_improvement_pct: float = param(
        0.0,
        label="Improvement needed",
        assumption=True,
        references=(Reference("December 2017 tests 2 and 3"),),
        unit="% of the earlier rate",
        ge=0,
        le=100,
        step=1,
        description="Improvement needed to pass not_improved",
        source="Assumption: any improvement counts (December 2017 tests 2 and 3)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> TrendTest:
        if self.after.end <= self.before.end:
            raise ValueError("after.end must be later than before.end")
        return self


Test = Annotated[RateTest | GapTest | TrendTest, Field(discriminator="kind")]


Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]


class Composite(Strict):
    method: Literal["rank", "zscore"] = "rank"
    weights: dict[str, Weight] = Field(
        default_factory=dict,
        description="Weight of each test in the composite score (0 to 1,000; unlisted: 1)",
    )
    select: Literal["worst_n", "worst_quantile"] = "worst_n"
    n: int = Field(32, ge=1, le=152)
    quantile_pct: float = param(
        25.0,
        label="Worst share of councils",
        references=(OCTOBER_2017_LETTER,),
        unit="%",
        ge=0,
        le=100,
        step=1,
        description="Share of councils selected",
        source="October 2017 letter: bottom quartile",
    )


def known_council(code: str, info: ValidationInfo) -> str:
    """A council of the data, when the validation context knows the data's councils."""
    codes = (info.context or {}).get("codes")
    if codes is not None and code not in codes:
        raise ValueError(f"{code} is not one of the 152 councils of 2017/18")
    return code


class ManualEntry(Strict):
    gss_code: GssCode
    reason: str = Field(min_length=3)

    @field_validator("gss_code")
    @classmethod
    def _known(cls, code: str, info: ValidationInfo) -> str:
        return known_council(code, info)


class Exemption(Strict):
    """Selected councils that improved enough by a later month are exempted."""

    attribution: Attribution = "social_care"
    baseline: Window
    check: Window
    min_improvement_pct: float = param(
        10.0,
        label="Improvement needed",
        assumption=True,
        references=(OCTOBER_2017_LETTER,),
        unit="% of the baseline rate",
        ge=0,
        le=100,
        step=1,
        description="Improvement that exempts a selected council",
        source="October 2017 letter: 'evidence of significant performance improvements in "
        "the September data'; size is an assumption",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Exemption:
        if self.check.end <= self.baseline.end:
            raise ValueError(
                f"check.end ({self.check.end}) must be later than baseline.end "
                f"({self.baseline.end})"
            )
        return self


class Selection(Strict):
    tests: list[Test] = Field(default_factory=list, max_length=12)
    screen: list[str] = Field(
        default_factory=list,
        description="Tests a council must fail to be considered at all (e.g. the October "
        "2017 letter before the December tests)",
    )
    screen_at_least: int | None = Field(
        None,
        ge=1,
        le=12,
        description="Screening tests a council must fail to be considered (blank: all)",
    )
    combine: Literal["all", "any", "at_least", "composite"] = Field(
        "all", description="How failed tests combine into selection"
    )
    at_least: int = Field(1, ge=1, le=12, description="Tests to fail when combine = at_least")
    composite: Composite = Composite()
    exemption: Exemption | None = Field(None, description="Exempt councils that improved")
    include: list[ManualEntry] = Field(
        default_factory=list, description="Councils added by hand, each with a reason"
    )
    exclude: list[ManualEntry] = Field(
        default_factory=list, description="Councils removed by hand, each with a reason"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Selection:
        ids = [t.id for t in self.tests]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"test ids must be unique: {', '.join(sorted(dup))}")
        unknown = [s for s in self.screen if s not in ids]
        if unknown:
            raise ValueError(f"screen names unknown test(s): {', '.join(unknown)}")
        if self.screen_at_least is not None and self.screen_at_least > len(self.screen):
            raise ValueError(
                f"screen_at_least = {self.screen_at_least} but only {len(self.screen)} "
                "screening test(s)"
            )
        criteria = [i for i in ids if i not in self.screen]
        if self.combine == "at_least" and self.at_least > len(criteria):
            raise ValueError(
                f"at_least = {self.at_least} but only {len(criteria)} test(s) to combine"
            )
        bad_w = [k for k in self.composite.weights if k not in criteria]
        if bad_w:
            raise ValueError(f"composite.weights names unknown test(s): {', '.join(bad_w)}")
        for name, entries in (("include", self.include), ("exclude", self.exclude)):
            codes = [e.gss_code for e in entries]
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                raise ValueError(f"{name} lists council(s) more than once: {', '.join(twice)}")
        if self.combine == "composite" and criteria:
            total = sum(self.composite.weights.get(i, 1.0) for i in criteria)
            if total <= 0:
                raise ValueError(
                    "composite.weights are all zero: at least one test needs a positive weight"
                )
        both = {e.gss_code for e in self.include} & {e.gss_code for e in self.exclude}
        if both:
            raise ValueError(f"council(s) both included and excluded: {', '.join(sorted(both))}")
        return self

    @property
    def criteria(self) -> list[Test]:
        return [t for t in self.tests if t.id not in self.screen]

    @property
    def screen_needed(self) -> int:
        """Screening tests a council must fail to be considered (0 without a screen)."""
        return self.screen_at_least or len(self.screen)
