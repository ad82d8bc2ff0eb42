"""What every view receives: the data, the scenario, its result and display settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from app import services
from app.services import Dataset, ProjectionResult, Result, Scenario, alias_map, anonymise


@dataclass
class Ctx:
    data: Dataset
    presets: dict[str, Scenario]
    scenario: Scenario
    preset_slug: str
    result: Result
    workshop: bool = False
    _aliases: dict[str, str] = field(default_factory=dict)

    @cached_property
    def projection(self) -> ProjectionResult:
        """Computed only by the views that show it (cached by scenario hash)."""
        return services.project(self.result)

    @cached_property
    def aliases(self) -> dict[str, str]:
        return alias_map(list(self.data.codes))

    @cached_property
    def names(self) -> dict[str, str]:
        if self.workshop:
            return self.aliases
        return dict(zip(self.data.codes, self.data.councils["council"], strict=True))

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def council_codes(self) -> list[str]:
        """Codes ordered by the name shown."""
        return sorted(self.data.codes, key=lambda c: self.name(c))

    def shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A frame as displayed: council names hidden in workshop mode."""
        return anonymise(frame, self.aliases) if self.workshop else frame

    def hide(self, text: str, code: str) -> str:
        """Text about one council with its real name replaced in workshop mode."""
        if not self.workshop:
            return text
        real = str(self.data.councils["council"].iloc[self.data.position(code)])
        return text.replace(real, self.name(code)).replace(code, "(code hidden)")
