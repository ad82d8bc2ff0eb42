"""The Scenario: one frozen, strictly validated object that drives every run.

Its sections are declared beside it (:mod:`simulator.schema.expectations`,
:mod:`~simulator.schema.selection`, :mod:`~simulator.schema.consequences`,
:mod:`~simulator.schema.projection`); this module holds the whole and the
contradictions between sections. Reading and writing files: :mod:`simulator.schema.files`.
Widgets, the shareable link, the CLI and every export derive from this object and
round-trip to it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import unicodedata
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import (
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator import MODEL_VERSION
from simulator.schema.base import Strict
from simulator.schema.consequences import Consequences, Redistribution
from simulator.schema.expectations import ExpectationRule
from simulator.schema.projection import ProjectionParams
from simulator.schema.selection import GssCode, Selection, known_council

SCHEMA_VERSION = 3
COUNCILS = 152  # councils with adult social care responsibilities, 2017/18
MAX_PUBLISHED = 100_000.0


# Letters and symbols that print as nothing: Hangul fillers, the blank Braille pattern,
# the Mongolian vowel separator. Marks (combining accents) show only on a letter.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def visible(char: str) -> bool:
    """Whether ``char`` prints as something on its own (not a space, a control or format
    character, a combining mark or a filler).

    >>> [visible(c) for c in ("a", " ", "\u3164", "\u2800", "\u0301", "\u200b", "中")]
    [True, False, False, False, False, False, True]
    """
    return unicodedata.category(char)[0] not in "ZCM" and char not in INVISIBLE


class PublishedFact(Strict):
    """A figure a real document published, to set beside the model's figure."""

    measure: Literal["councils_selected", "rate", "patients"] = Field(
        description="councils_selected: councils the document went to; rate and patients: "
        "the delayed transfers a letter quotes for one council (the letter preview's figures)"
    )
    published: float = Field(
        ge=0,
        le=MAX_PUBLISHED,
        description="The document's figure: a count of councils (0-152), a rate per 100,000 "
        "adults or patients delayed daily (at most 100,000, more than England's NHS beds)",
    )
    label: str = Field("", max_length=120, description="What the document calls it")
    gss_code: GssCode | None = Field(None, description="The council, for rate and patients")

    @field_validator("gss_code")
    @classmethod
    def _known(cls, code: str | None, info: ValidationInfo) -> str | None:
        return code if code is None else known_council(code, info)

    @model_validator(mode="after")
    def _council(self) -> PublishedFact:
        if (self.measure == "councils_selected") != (self.gss_code is None):
            raise ValueError(
                "rate and patients name a council (gss_code); councils_selected does not"
            )
        if self.measure == "councils_selected" and (
            self.published > COUNCILS or self.published != int(self.published)
        ):
            raise ValueError(
                f"published: {self.published:g} councils; a count of councils is a whole "
                f"number from 0 to {COUNCILS}"
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
        if not any(visible(c) for c in name):
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
        if self.consequences.graduation != "margin" and mt is not None:
            raise ValueError(
                f"consequences.margin_test {mt!r} graduates only with graduation = 'margin' "
                f"(here {self.consequences.graduation!r}): remove margin_test or graduate "
                "by margin"
            )
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
