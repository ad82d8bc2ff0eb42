"""Neutral labels for councils (workshop mode): one rule for every export and view.

A council-level frame has its names replaced by their alias, the GSS codes removed
(``codes="drop"``: the Excel pack) or written ``hidden`` (``codes="hide"``: the app's
tables and CSVs), the columns that would single a council out dropped, and its rows
sorted by alias so their order does not decode the labels against the public list of
codes. (The stability and incentives annexes then re-sort their labelled rows by
their own measures, stably, so ties stay in label order.) ``names_only`` replaces the
names and nothing else (the one-page brief, whose tables hold no code and no
identifying column). A code with no alias reads
:data:`UNKNOWN`, never the council's name; labelling a labelled frame again changes
nothing.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

# Council-level columns that single a council out even under a neutral label.
IDENTIFYING = (
    "region",
    "authority_type",
    "adults_18plus",
    "allocation_original",
    "allocation_spring_budget",
)
UNKNOWN = "a council"
HIDDEN = "hidden"  # the code of a row already labelled (``codes="hide"``)


def anonymised_names(n: int) -> list[str]:
    """'Council A' ... 'Council Z', 'Council AA' ...

    >>> anonymised_names(28)[-3:]
    ['Council Z', 'Council AA', 'Council AB']
    """
    names = []
    for i in range(n):
        label, k = "", i
        while True:
            label = chr(ord("A") + k % 26) + label
            k = k // 26 - 1
            if k < 0:
                break
        names.append(f"Council {label}")
    return names


def anonymise(
    frame: pd.DataFrame,
    aliases: dict[str, str],
    *,
    codes: Literal["drop", "hide"] = "drop",
    names_only: bool = False,
) -> pd.DataFrame:
    """``frame`` with its councils under their ``aliases`` (GSS code to label).

    Only council-level frames (with a ``gss_code`` or ``council`` column) change:
    totals by region or authority type are aggregates and stay.

    >>> rows = pd.DataFrame({"gss_code": ["E2", "E1"], "council": ["Southshire", "Northshire"],
    ...     "region": ["South", "North"], "change": [-10, 5]})
    >>> anonymise(rows, {"E1": "Council A"}).to_dict("records")
    [{'council': 'Council A', 'change': 5}, {'council': 'a council', 'change': -10}]
    >>> anonymise(rows, {"E1": "Council A", "E2": "Council B"}, codes="hide")["gss_code"].tolist()
    ['hidden', 'hidden']
    >>> anonymise(rows, {"E1": "Council A"}, names_only=True)["council"].tolist()
    ['a council', 'Council A']
    >>> once = anonymise(rows, {"E1": "Council A"}, codes="hide")
    >>> anonymise(once, {"E1": "Council A"}, codes="hide").equals(once)
    True
    >>> list(anonymise(pd.DataFrame({"region": ["North"], "change": [-10]}), {}).columns)
    ['region', 'change']
    """
    out = frame.copy()
    if "gss_code" not in out and "council" not in out:
        return out
    alias = _aliases(out, aliases) if "gss_code" in out else None
    if names_only:
        if alias is not None and "council" in out:
            out["council"] = alias
        return out
    out = out.drop(columns=[c for c in IDENTIFYING if c in out])
    if alias is None:
        return out
    if "council" in out:
        out["council"] = alias
    if codes == "hide":
        out["gss_code"] = HIDDEN
        # in code order the rows would decode the labels against the public list of codes
        return out.sort_values("council", kind="stable") if "council" in out and aliases else out
    out.insert(0, "alias", alias)
    out = without_codes(out).sort_values("alias", kind="stable")
    return out.drop(columns=["alias"]) if "council" in out else out


def without_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """A labelled frame as the Excel pack holds it (``codes="drop"``): no code column,
    where the app's tables and CSVs write the codes ``hidden``. The annexes, labelled
    with their codes hidden and their sections in order, go into the pack through it.

    >>> labelled = pd.DataFrame({"gss_code": ["hidden"], "council": ["Council A"]})
    >>> list(without_codes(labelled).columns)
    ['council']
    """
    return frame.drop(columns=["gss_code"], errors="ignore")


def _aliases(frame: pd.DataFrame, aliases: dict[str, str]) -> pd.Series:
    """Each row's label: its code's alias; a row already labelled (code hidden) keeps
    its label, so labelling twice changes nothing; any other code reads UNKNOWN."""
    codes = frame["gss_code"]
    alias = codes.map(aliases)
    kept = frame["council"] if "council" in frame else pd.Series(UNKNOWN, index=frame.index)
    return alias.fillna(kept.where(codes == HIDDEN, UNKNOWN))
