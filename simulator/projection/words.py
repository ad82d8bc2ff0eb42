"""The projection in words: one place for how its headlines are said.

Beds freed are always said with the evidence set they rest on, "≈ nil" when the
P10-P90 range straddles zero, and for a scenario that both withholds and gives money
the gross flows come before the net.
"""

from __future__ import annotations

from simulator.projection.evidence import evidence_set
from simulator.projection.result import Bands, ProjectionResult

SOCIAL_CARE_CAVEAT = (
    "Social care attribution is shown second: it was itself the 2017 target, and areas "
    "re-coded delays as they responded, so a fall in it can be re-coding rather than effect."
)
NHS_VALUE_CAVEAT = (
    "Two NHS values, never to be added to or set against iBCF money: notional (the full "
    "cost of the bed days) and cash-releasing (what providers' accounts show delays cost)."
)


def is_nil(bands: Bands) -> bool:
    """True when the P10-P90 range straddles zero.

    >>> is_nil({"p10": -1.0, "p50": 0.5, "p90": 2.0}), is_nil({"p10": 1.0, "p50": 2, "p90": 3})
    (True, False)
    """
    return bands["p10"] <= 0.0 <= bands["p90"]


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 0.5 else "0"


def beds_text(bands: Bands) -> str:
    """Beds a day, with its range; "≈ nil" when the range straddles zero.

    >>> beds_text({"p10": 6.7, "p50": 22.5, "p90": 42.7})
    '22 beds a day (P10-P90 7 to 43)'
    >>> beds_text({"p10": -1.3, "p50": -0.4, "p90": 0.2})
    '≈ nil (P10-P90 -1 to 0 beds a day)'
    """
    if is_nil(bands):
        return f"≈ nil (P10-P90 {_n(bands['p10'])} to {_n(bands['p90'])} beds a day)"
    return f"{_n(bands['p50'])} beds a day (P10-P90 {_n(bands['p10'])} to {_n(bands['p90'])})"


def evidence_label(name: str) -> str:
    """'beds freed if the central evidence holds' and the like."""
    return f"beds freed if the {evidence_set(name).label} evidence holds"


def headline_lines(result: ProjectionResult) -> list[str]:
    """The projection's headlines, primary outcome first."""
    lines = []
    g = result.gross
    if g["beds_gained"] > 0 and g["beds_lost"] > 0:
        lines.append(
            f"Gross: {_n(g['beds_lost'])} beds a day lost where money is withheld, "
            f"{_n(g['beds_gained'])} gained where it is conditioned or received (central)."
        )
    lines.append(
        f"Total delays, {evidence_label(result.evidence_set)}: {beds_text(result.beds_freed)}."
    )
    lines.append(
        f"Evidence uncertainty alone: {beds_text(result.beds_freed_evidence)}; forecast noise "
        f"alone: national delays {_n(result.forecast_noise['baseline_p10'])} to "
        f"{_n(result.forecast_noise['baseline_p90'])} beds a day (P10-P90, 2018/19 average)."
    )
    nhs = result.nhs_value_gbp
    lines.append(
        f"NHS value of the days avoided: £{nhs['notional'] / 1e6:,.1f}m notional, "
        f"£{nhs['cash_releasing'] / 1e6:,.1f}m cash-releasing. {NHS_VALUE_CAVEAT}"
    )
    lines.append(
        f"Social care delays (secondary): {beds_text(result.beds_freed_social_care)}. "
        + SOCIAL_CARE_CAVEAT
    )
    return lines
