"""The Hypothesis profiles (tests/conftest.py): `ci` unless IBCF_HYPOTHESIS_PROFILE says
otherwise, and every property's number of examples scaled by the profile."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import settings

from tests.strategies import examples

TESTS = Path(__file__).resolve().parent


def test_the_profile_is_the_one_asked_for() -> None:
    asked = os.environ.get("IBCF_HYPOTHESIS_PROFILE", "ci")
    assert settings.get_profile(asked) == settings.default
    assert settings.get_profile("ci").derandomize, "CI runs the same examples every time"
    assert (
        settings.get_profile("nightly").max_examples == 10 * settings.get_profile("ci").max_examples
    )


def test_examples_scale_with_the_profile() -> None:
    ratio = settings.default.max_examples / 100
    assert examples(60) == round(60 * ratio)
    assert examples(1) >= 1


def test_no_property_fixes_its_examples_past_the_profile() -> None:
    """A literal `max_examples=N` would run N under every profile: use examples(N)."""
    fixed = [
        f"{path.name}:{n}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name != "conftest.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"max_examples=\d", line)
    ]
    assert not fixed, f"max_examples fixed by number (use tests.strategies.examples): {fixed}"
