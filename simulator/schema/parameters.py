"""One record per parameter: everything said about a scenario parameter, in one place.

As openfisca and policyengine keep parameter metadata, each behavioural parameter of a
scenario is declared once, as a :class:`Parameter` attached to its pydantic field by
:func:`simulator.schema.base.param`: its on-screen label, what it means, its unit,
valid range, step and default, the publications it rests on or an explicit
"assumption" flag, its AQuA quality rating and what it does to the results, and the
spread the Monte Carlo draws it from where it has one. The widgets, the assumptions
register, the tornado, the scenario reference and the Excel Parameters sheet all read
these records; nothing retypes them.

A record that cites nothing and is not flagged as an assumption is refused:

>>> Parameter(label="Share", description="A share", unit="%", source="")
Traceback (most recent call last):
...
ValueError: Share: cites no reference and is not flagged as an assumption
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

Quality = Literal["green", "amber", "red"]
QUALITIES: tuple[Quality, ...] = ("green", "amber", "red")


@dataclass(frozen=True)
class Reference:
    """A publication a value rests on (``url`` blank where none is recorded)."""

    title: str
    url: str = ""


# Publications more than one parameter rests on.
OCTOBER_2017_LETTER = Reference("October 2017 letter")
DECEMBER_2017_TEST_5 = Reference(
    "December 2017 test (5): social care rate at or below 2.6 per 100,000"
)
IBCF_REPORTING_2018_19 = Reference(
    "MHCLG, iBCF quarterly and year-end reporting 2018-19 (4 October 2019)"
)


@dataclass(frozen=True)
class Spread:
    """A beta distribution with mean at the scenario's value and this concentration
    (a + b), on the range [0, upper]: how the Monte Carlo draws the parameter."""

    concentration: float
    upper: float


@dataclass(frozen=True)
class Parameter:
    """Everything declared about one scenario parameter.

    ``source`` is the sentence shown beside the value (help text, reference, register,
    Excel); ``references`` are the publications it cites and ``assumption`` says that
    the value is a stated modelling assumption (both may hold: a published mechanism
    with an assumed size). ``statement`` is how the assumptions register words it when
    that is not the description (a choice among options has no description of its own).
    """

    label: str
    description: str
    unit: str
    source: str
    default: Any = None
    ge: float | None = None
    le: float | None = None
    step: float | None = None
    references: tuple[Reference, ...] = ()
    assumption: bool = False
    quality: Quality | None = None
    effect: str = ""
    spread: Spread | None = None
    statement: str = ""

    def __post_init__(self) -> None:
        if not self.label.strip():
            raise ValueError(f"{self.description or self.source}: a parameter needs a label")
        if not self.references and not self.assumption:
            raise ValueError(
                f"{self.label}: cites no reference and is not flagged as an assumption"
            )
        if self.source.startswith("Assumption") and not self.assumption:
            raise ValueError(f"{self.label}: its source says assumption but it is not flagged")
        if self.quality is not None and self.quality not in QUALITIES:
            raise ValueError(f"{self.label}: quality must be green, amber or red")
        if (self.quality is None) != (not self.effect):
            raise ValueError(f"{self.label}: a quality rating and an effect go together")

    def __call__(self, schema: dict[str, Any]) -> None:
        """Add this record to a field's JSON schema (pydantic's ``json_schema_extra``)."""
        schema.update(self.json())

    def json(self) -> dict[str, Any]:
        """The record as JSON values (what ``model_json_schema()`` carries)."""
        out: dict[str, Any] = {"label": self.label, "unit": self.unit, "source": self.source}
        if self.step is not None:
            out["step"] = self.step
        out["references"] = [{"title": r.title, "url": r.url} for r in self.references]
        out["assumption"] = self.assumption
        if self.quality is not None:
            out["quality"] = self.quality
            out["effect"] = self.effect
        if self.spread is not None:
            out["spread"] = {"concentration": self.spread.concentration, "upper": self.spread.upper}
        return out


def parameter(model: type[BaseModel], name: str) -> Parameter | None:
    """The record declared for ``model.name`` (``None`` for a field that is not a
    parameter: a name, a list of tests, a choice of mode).

    >>> from simulator.schema.projection import ProjectionParams
    >>> parameter(ProjectionParams, "price_share").assumption
    True
    """
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, Parameter) else None


def parameters(model: type[BaseModel]) -> dict[str, Parameter]:
    """Every record declared on ``model``'s own fields, in field order."""
    out = {}
    for name in model.model_fields:
        record = parameter(model, name)
        if record is not None:
            out[name] = record
    return out
