"""The Scenario: one frozen, strictly validated object that drives every run.

Scenario files are TOML. Parsing is strict: unknown keys, duplicate keys, wrong
types, out-of-range values and contradictions are errors that name the file and
the key path. Widgets, the shareable link, the CLI and every export derive from
this object and round-trip to it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import sys
import tomllib
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator import MODEL_VERSION
from simulator.errors import ScenarioError, one_line
from simulator.schema.base import Strict, param
from simulator.schema.calendar import Month, month_name
from simulator.schema.disk import read_bytes, write_text
from simulator.schema.expectations import ExpectationRule
from simulator.schema.projection import RETIRED_KEYS, ProjectionParams
from simulator.schema.vocabulary import Attribution

SCHEMA_VERSION = 3
MAX_SCENARIO_BYTES = 256 * 1024
# The deepest key path of a scenario is selection.tests.N.window.end (5 levels); a file
# nested much deeper is not a scenario, and is refused before anything recurses into it.
MAX_DEPTH = 16
# Integers in a scenario are counts, months, a seed (< 2**32) or pounds; the 2018/19
# iBCF is £1,499,000,000 in all, so no meaningful amount comes near 2**63.
MAX_INTEGER = 2**63 - 1
# Most that can be withheld from one council: the whole national iBCF (2018/19).
NATIONAL_IBCF_2018_19 = 1_499_000_000
MAX_WEIGHT = 1000.0

GssCode = Annotated[str, StringConstraints(pattern=r"^E\d{8}$")]
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
        unit="%",
        ge=0,
        le=100,
        step=1,
        description="Share of councils selected",
        source="October 2017 letter: bottom quartile",
    )


class ManualEntry(Strict):
    gss_code: GssCode
    reason: str = Field(min_length=3)

    @field_validator("gss_code")
    @classmethod
    def _known(cls, code: str, info: ValidationInfo) -> str:
        codes = (info.context or {}).get("codes")
        if codes is not None and code not in codes:
            raise ValueError(f"{code} is not one of the 152 councils of 2017/18")
        return code


class Exemption(Strict):
    """Selected councils that improved enough by a later month are exempted."""

    attribution: Attribution = "social_care"
    baseline: Window
    check: Window
    min_improvement_pct: float = param(
        10.0,
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


class Release(Strict):
    """Conditions are released for councils that reach a trigger by a later month."""

    attribution: Attribution = "social_care"
    window: Window
    rule: Literal["meets_expectation", "below_rate"] = "meets_expectation"
    rate: float = param(
        2.6,
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
        unit="",
        description="Element the shares apply to",
        source="October 2017 letter: 'a proportion of the additional 2018/19 iBCF'",
    )
    condition_pct: float = param(
        0.0,
        unit="% of base",
        ge=0,
        le=100,
        step=1,
        description="Share ring-fenced for reducing delayed transfers (stays with the council)",
        source="December 2017 letters: conditions on 33%",
    )
    reduction_pct: float = param(
        0.0,
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
        unit="per 100,000 adults 18+",
        ge=-50,
        le=50,
        step=0.1,
        description="Margin at which a graduated share starts (0% of the share)",
        source="Assumption",
    )
    margin_to: float = param(
        2.0,
        unit="per 100,000 adults 18+",
        ge=-50,
        le=100,
        step=0.1,
        description="Margin at which the full share applies",
        source="Assumption",
    )
    cap_pct: float = param(
        100.0,
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
        return self


class PublishedFact(Strict):
    """A figure a real document published, to set beside the model's figure."""

    measure: Literal["councils_selected", "rate", "patients"] = Field(
        description="councils_selected: councils the document went to; rate and patients: "
        "the delayed transfers a letter quotes for one council (the letter preview's figures)"
    )
    published: float = Field(description="The document's figure")
    label: str = Field("", max_length=120, description="What the document calls it")
    gss_code: GssCode | None = Field(None, description="The council, for rate and patients")

    @model_validator(mode="after")
    def _council(self) -> PublishedFact:
        if (self.measure == "councils_selected") != (self.gss_code is None):
            raise ValueError(
                "rate and patients name a council (gss_code); councils_selected does not"
            )
        return self


class Reconciliation(Strict):
    """The published document a shipped scenario recreates, and why the model differs."""

    document: str = Field(min_length=1, max_length=80, description="e.g. 'the letter'")
    source: str = Field("", max_length=300, description="Title and date of the document")
    reason: str = Field(min_length=1, max_length=300, description="Why the figures differ")
    facts: list[PublishedFact] = Field(default_factory=list, max_length=20)


class Scenario(Strict):
    schema_version: int = Field(SCHEMA_VERSION, description="Scenario file format version")
    name: str = Field(min_length=1, max_length=120, description="Short name of the option")
    description: str = Field("", description="One-line description")
    author: str = Field("", description="Who wrote the scenario")
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        None, description="Date, YYYY-MM-DD"
    )
    notes: str = Field("", description="What it represents, sources and assumptions")
    text_for: str | None = Field(
        None,
        description="Content hash of the option the description and notes were written for; "
        "set when the option is edited after them, so a file saved after edits says its "
        "words are stale (blank: written for this option)",
    )
    reconciliation: Reconciliation | None = Field(
        None, description="The published document the scenario recreates (shipped scenarios)"
    )
    model_version: str | None = Field(None, description="Model version it was saved with")
    data_hash: str | None = Field(None, description="Hash of the data it was saved with")
    expectations: ExpectationRule = ExpectationRule()
    selection: Selection = Selection()
    consequences: Consequences = Consequences()
    redistribution: Redistribution = Redistribution()
    projection: ProjectionParams = ProjectionParams()

    @field_validator("name")
    @classmethod
    def _visible_name(cls, name: str) -> str:
        if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name):
            raise ValueError("must be one line without control characters")
        if not any(unicodedata.category(c)[0] not in "ZC" for c in name):
            raise ValueError("must contain a visible character (blank or invisible name)")
        return name

    @field_validator("date")
    @classmethod
    def _real_date(cls, date: str | None) -> str | None:
        if date is not None:
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                raise ValueError("not a calendar date") from None
        return date

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        ids = {t.id for t in self.selection.tests}
        mt = self.consequences.margin_test
        if self.consequences.graduation == "margin" and mt not in ids:
            raise ValueError(f"consequences.margin_test {mt!r} is not a test id")
        if self.schema_version > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {self.schema_version} is newer than this model reads "
                f"({SCHEMA_VERSION}); upgrade the simulator"
            )
        return self

    # ------------------------------------------------------------------ derived
    def content_dict(self) -> dict[str, Any]:
        """The fields that change results (no metadata), for hashing and comparing."""
        data = self.model_dump(mode="json", exclude_none=True)
        for key in (
            "name",
            "description",
            "author",
            "date",
            "notes",
            "text_for",
            "reconciliation",
            "model_version",
            "data_hash",
            "schema_version",
        ):
            data.pop(key, None)
        return data

    def content_hash(self) -> str:
        text = json.dumps(self.content_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def text_stale(self) -> bool:
        """The description and notes were written for another version of the option."""
        return self.text_for is not None and self.text_for != self.content_hash()

    def to_toml(self) -> str:
        """TOML for people: only what differs from the defaults (plus the version and
        name), multi-line notes kept multi-line. Parsing it gives back this scenario."""
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        head = {"schema_version": self.schema_version, "name": self.name}
        return tomli_w.dumps({**head, **data}, multiline_strings=True)

    def stamped(self, data_hash: str) -> Scenario:
        """A copy recording this model version and the data it was run on."""
        return self.model_copy(update={"model_version": MODEL_VERSION, "data_hash": data_hash})


# ---------------------------------------------------------------------- migrations
def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older scenario mapping up to :data:`SCHEMA_VERSION`, one version at a time.

    Version 1 gave ``condition_share``/``reduction_share`` as fractions (0.33); version 2
    gives ``condition_pct``/``reduction_pct`` in percent (33.0). Up to version 2 a file
    without a redistribution rule retained withheld money centrally; from version 3 the
    default keeps it in local government, so an older file's silence is written out as
    ``rule = "retain"`` (dropping a gain cap, which did nothing then) and it means what
    it meant when it was saved.
    """
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version >= SCHEMA_VERSION:
        return data
    data = dict(data)
    cons_in = data.get("consequences", {})
    if version == 1 and isinstance(cons_in, Mapping):
        cons = dict(cons_in)
        renames = (("condition_share", "condition_pct"), ("reduction_share", "reduction_pct"))
        for old, new in renames:
            if old in cons:
                value = cons.pop(old)
                cons[new] = value * 100 if isinstance(value, int | float) else value
        data["consequences"] = cons
        version = 2
    if version == 2:
        redistribution = data.get("redistribution", {})
        if isinstance(redistribution, Mapping) and "rule" not in redistribution:
            # A gain cap did nothing when the money was retained: it is dropped.
            kept = {k: v for k, v in redistribution.items() if k != "gain_cap_pct"}
            data["redistribution"] = {**kept, "rule": "retain"}
        version = 3
    data["schema_version"] = version
    return data


# ---------------------------------------------------------------------- parsing
def _format_errors(source: str, exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        parts = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
        # Drop the discriminated-union tag pydantic inserts after a test's index.
        parts = [
            p
            for i, p in enumerate(parts)
            if not (p in ("rate", "gap", "trend") and i > 0 and parts[i - 1].isdecimal())
        ]
        loc = ".".join(parts)
        msg = err["msg"]
        if (
            err["type"] == "extra_forbidden"
            and parts[:1] == ["projection"]
            and parts[-1] in RETIRED_KEYS
        ):
            msg = "retired in 0.3.0: the response is now set by evidence_set (docs/projection.md)"
        elif err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        elif err["type"] == "missing":
            msg = "required key missing"
        if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
            shown = _short_repr(err["input"])
            if shown is not None and len(shown) < 60:
                msg = f"{msg} (got {shown})"
        lines.append(f"{source}: {loc or '(top level)'}: {msg}")
    return lines


def _short_repr(value: Any) -> str | None:
    """``repr`` of a scalar input for an error message; None for a table or list (the
    message is about the whole of it) and for integers too large to show."""
    if isinstance(value, Mapping | list | tuple | BaseModel):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return None
    return repr(value)


def _check_values(data: Mapping[str, Any], source: str) -> None:
    """Refuse what no scenario contains before any recursive code sees it: nesting
    deeper than :data:`MAX_DEPTH`, integers beyond 64 bits, NaN and infinities.
    Iterative, so a hostile input cannot exhaust the stack."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, obj, depth = stack.pop()
        where = path or "(top level)"
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"{source}: {where}: nested more than {MAX_DEPTH} levels deep; not a scenario file"
            )
        if isinstance(obj, float) and not math.isfinite(obj):
            raise ScenarioError(f"{source}: {where}: not a finite number ({obj})")
        if isinstance(obj, int) and not isinstance(obj, bool) and abs(obj) > MAX_INTEGER:
            raise ScenarioError(f"{source}: {where}: integer out of range (more than 2^63)")
        if isinstance(obj, Mapping):
            items: list[tuple[str, Any]] = [(str(k), v) for k, v in obj.items()]
        elif isinstance(obj, list | tuple):
            items = [(str(i), v) for i, v in enumerate(obj)]
        else:
            continue
        for key, value in reversed(items):
            stack.append((f"{path}.{key}" if path else key, value, depth + 1))


def scenario_from_mapping(
    data: Mapping[str, Any], *, source: str = "<scenario>", context: dict[str, Any] | None = None
) -> Scenario:
    """Validate a mapping into a Scenario, raising :class:`ScenarioError`."""
    _check_values(data, source)
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError(f"{source}: schema_version: must be an integer")
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            f"{source}: schema_version: {version} is newer than this simulator reads "
            f"({SCHEMA_VERSION}); upgrade the simulator"
        )
    if version < 1:
        raise ScenarioError(f"{source}: schema_version: must be 1 or more")
    try:
        return Scenario.model_validate(migrate(dict(data)), context=context)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(source, exc)) from None


def _toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Say which key a TOML error is about where it can be found (duplicates)."""
    message = str(exc)
    match = re.search(r"at line (\d+)", message)
    if match and "overwrite" in message.lower():
        # TOML lines end at \n only (str.splitlines would also split at U+2028 and others).
        line = text.split("\n")[int(match.group(1)) - 1].strip()
        key = line.split("=", 1)[0].strip().strip("[]").strip()
        if key:
            return f"{key}: duplicate key (line {match.group(1)}); not valid TOML ({message})"
    return f"not valid TOML ({message})"


def _long_integer_problem(text: str) -> str:
    """Name the key of an integer literal too long for Python to read (over 4,300 digits)."""
    limit = sys.get_int_max_str_digits() or 4300
    for number, line in enumerate(text.split("\n"), start=1):
        if len(re.sub(r"[^0-9]", "", max(re.findall(r"[0-9_]+", line) or [""], key=len))) > limit:
            key = line.split("=", 1)[0].strip() if "=" in line else "(top level)"
            return f"{key}: integer of more than {limit:,} digits (line {number})"
    return f"(top level): integer of more than {limit:,} digits"


def parse_scenario(
    raw: bytes | str, *, source: str = "<scenario>", context: dict[str, Any] | None = None
) -> Scenario:
    """Parse TOML bytes or text into a Scenario (strict; errors name ``source``)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{source}: {len(raw):,} bytes, larger than the "
                f"{MAX_SCENARIO_BYTES:,}-byte limit for a scenario file"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
            ) from None
    else:
        text = raw
    # A byte-order mark (Notepad's default for UTF-8) is not part of the TOML.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScenarioError(f"{source}: empty file; a scenario needs at least a name")
    if "\x00" in text:
        raise ScenarioError(f"{source}: binary content (NUL byte); not a TOML scenario file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: {_toml_problem(text, exc)}") from None
    except RecursionError:
        raise ScenarioError(
            f"{source}: (top level): keys or values nested too deeply; not a scenario file"
        ) from None
    except ValueError:  # an integer literal beyond Python's digit limit
        raise ScenarioError(f"{source}: {_long_integer_problem(text)}") from None
    return scenario_from_mapping(data, source=source, context=context)


def load_scenario(
    path: Path, *, context: dict[str, Any] | None = None, data_hash: str | None = None
) -> Scenario:
    """Read and parse a scenario file; warn if it was saved with other data or model."""
    try:
        raw = read_bytes(path, limit=MAX_SCENARIO_BYTES)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    scenario = parse_scenario(raw, source=str(path), context=context)
    for message in staleness(scenario, data_hash):
        warnings.warn(one_line(f"{path}: {message}"), stacklevel=2)
    return scenario


def staleness(scenario: Scenario, data_hash: str | None) -> list[str]:
    """Why a saved scenario may not reproduce its results: data or model changed."""
    out = []
    if scenario.data_hash and data_hash and scenario.data_hash != data_hash:
        out.append(f"saved with data {scenario.data_hash}, now {data_hash}: results may differ")
    if scenario.model_version and scenario.model_version != MODEL_VERSION:
        out.append(
            f"saved with model {scenario.model_version}, now {MODEL_VERSION}: results may differ"
        )
    return out


def save_scenario(scenario: Scenario, path: Path, *, overwrite: bool = False) -> None:
    """Write TOML atomically; refuse to overwrite unless asked."""
    write_text(path, scenario.to_toml(), overwrite=overwrite)


def with_projection(
    scenario: Scenario,
    overrides: Mapping[str, Any],
    *,
    context: dict[str, Any] | None = None,
) -> Scenario:
    """``scenario`` with ``[projection]`` values replaced (``None`` leaves a value as it
    is), validated like a file's own; an error names the option, e.g. ``--draws: ...``.

    >>> s = with_projection(Scenario(name="x"), {"draws": 50, "seed": None})
    >>> s.projection.draws, s.projection.seed == Scenario(name="x").projection.seed
    (50, True)
    """
    changes = {k: v for k, v in overrides.items() if v is not None}
    if not changes:
        return scenario
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["projection"] = {**data.get("projection", {}), **changes}
    try:
        return scenario_from_mapping(data, source="command line", context=context)
    except ScenarioError as exc:
        prefix = "command line: projection."
        raise ScenarioError(
            [f"--{p[len(prefix) :]}" if p.startswith(prefix) else p for p in exc.problems]
        ) from None


def data_context(months: list[str], codes: list[str]) -> dict[str, Any]:
    """Validation context: months with data and council codes."""
    return {"months": months, "codes": set(codes)}
