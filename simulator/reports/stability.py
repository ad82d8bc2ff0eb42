"""How firm is the list: the share of plausible variants in which each council is selected.

Ranks of noisy rates are uncertain (Goldstein & Spiegelhalter 1996, JRSS A 159(3)): a
council chosen in 30% of plausible variants is not the same as one chosen in all. The
variants re-run the scenario's tests (the vectorised selection: every council at once)
on:

- **data months**: every window the tests read moved back 0 to 3 months (a year-on-year
  trend moves both its windows, another trend only its later one);
- **attribution**: each basis that keeps a test's meaning (social care delays with or
  without those attributed to both; NHS and total tests stay as they are);
- **rank noise**: each council's monthly delays redrawn within their own observed
  month-to-month variation (each month moved by one of the council's own month-to-month
  changes of the 24 months to the data month, divided by the square root of 2 and with
  a random sign; never below zero), with a fixed seed.

A council is *fragile* when it is selected in more than 10% and fewer than 90% of the
variants (a stated convention, not a rule of the 2017 review). For each fragile council
the smallest change that flips it comes from :mod:`simulator.reports.distance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine.run import Result, data_month
from simulator.inputs.data import Dataset
from simulator.reports.distance import Flip, change_tried, distance_to_flip, flip_sentence
from simulator.reports.words import agrees, counted
from simulator.rules.expectations import expected_beds
from simulator.rules.selection import run_test, select
from simulator.schema.calendar import shift_month
from simulator.schema.scenario import Scenario
from simulator.schema.selection import Window

MONTHS_BACK = (0, 1, 2, 3)
NOISE_DRAWS = 40
SEED = 2017
FRAGILE = (0.10, 0.90)  # selected in more than 10% and fewer than 90% of variants
HISTORY_MONTHS = 24
# Social care tests may count delays attributed to social care alone or with "both".
OTHER_BASIS = {"social_care": "social_care_and_both", "social_care_and_both": "social_care"}


@dataclass(frozen=True)
class Variant:
    months_back: int
    basis: str  # "as set" or "other social care basis"
    draw: int  # 0: the data as they are; 1..: noise draws


@dataclass(frozen=True)
class Stability:
    variants: list[Variant]
    selected: np.ndarray  # (variant, council) bool
    own: np.ndarray  # the scenario's own selection (council,)
    flips: list[str | None]  # for each council: the change that flips it (fragile only)

    def share(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Share of the variants (all, or those in ``mask``) selecting each council."""
        chosen = self.selected if mask is None else self.selected[mask]
        return chosen.mean(axis=0) if len(chosen) else np.full(self.selected.shape[1], np.nan)

    @property
    def fragile(self) -> np.ndarray:
        s = self.share()
        return (s > FRAGILE[0]) & (s < FRAGILE[1])

    def same_list(self) -> float:
        """Share of variants selecting exactly the scenario's own list."""
        return float((self.selected == self.own[None, :]).all(axis=1).mean())

    def overlap(self) -> float:
        """Mean Jaccard overlap of each variant's list with the scenario's own (1 when
        both are empty)."""
        inter = (self.selected & self.own[None, :]).sum(axis=1)
        union = (self.selected | self.own[None, :]).sum(axis=1)
        return float(np.where(union > 0, inter / np.maximum(union, 1), 1.0).mean())


def shifted(scenario: Scenario, k: int, basis: bool) -> Scenario:
    """``scenario`` with its tests reading data ``k`` months earlier and, with ``basis``,
    the other social care attribution."""
    if k == 0 and not basis:
        return scenario

    def back(w: Window) -> Window:
        return w.model_copy(update={"end": shift_month(w.end, -k)})

    tests = []
    for t in scenario.selection.tests:
        update: dict[str, object] = {}
        if t.kind == "trend":
            year_on_year = shift_month(t.before.end, 12) == t.after.end
            update["after"] = back(t.after)
            if year_on_year:
                update["before"] = back(t.before)
        else:
            update["window"] = back(t.window)
        if basis and t.attribution in OTHER_BASIS:
            update["attribution"] = OTHER_BASIS[t.attribution]
        tests.append(t.model_copy(update=update))
    selection = scenario.selection.model_copy(update={"tests": tests})
    return scenario.model_copy(update={"selection": selection})


def _valid(s: Scenario, data: Dataset) -> bool:
    """Every window still inside the data, every trend's later window after its earlier."""
    first = data.months[0]
    for t in s.selection.tests:
        windows = [t.before, t.after] if t.kind == "trend" else [t.window]
        if t.kind == "trend" and t.after.end <= t.before.end:
            return False
        if any(shift_month(w.end, 1 - w.months) < first for w in windows):
            return False
    return True


def noise_steps(beds: np.ndarray, end: int, months: int = HISTORY_MONTHS) -> np.ndarray:
    """Each council's observed month-to-month changes of each delay kind over the
    ``months`` months to month index ``end`` (inclusive), divided by sqrt(2): the size
    of one month's noise if months vary independently. Shape (council, months - 1, kind)
    for the kinds social care, both, NHS; NaN where unknown.

    >>> b = np.zeros((1, 3, 4)); b[0, :, 0] = [2.0, 4.0, 3.0]; b[0, :, 1] = b[0, :, 0]
    >>> np.round(noise_steps(b, 2, 3)[0, :, 0] * np.sqrt(2), 6).tolist()
    [2.0, -1.0]
    """
    start = max(0, end - months + 1)
    window = beds[:, start : end + 1, :]
    parts = np.stack(
        [window[..., 0], window[..., 1] - window[..., 0], window[..., 2]], axis=-1
    )  # social care, both, NHS
    return np.diff(parts, axis=1) / math.sqrt(2)


def noisy_beds(beds: np.ndarray, steps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``beds`` (council, month, attribution) with every council's every month moved by
    one of its own ``steps`` (random sign), each kind apart; never below zero; unknown
    months stay unknown; the sums (social care and both, total) rebuilt."""
    n, m, _ = beds.shape
    k = steps.shape[1]
    pick = rng.integers(0, k, size=(n, m, 3))
    sign = rng.choice(np.array([-1.0, 1.0]), size=(n, m, 3))
    step = steps[np.arange(n)[:, None, None], pick, np.arange(3)[None, None, :]]
    step = np.nan_to_num(step, nan=0.0) * sign
    sc = np.maximum(beds[..., 0] + step[..., 0], 0)
    both = np.maximum(beds[..., 1] - beds[..., 0] + step[..., 1], 0)
    nhs = np.maximum(beds[..., 2] + step[..., 2], 0)
    out = np.stack([sc, sc + both, nhs, sc + both + nhs], axis=-1)
    return np.where(np.isnan(beds), np.nan, out)


def _select(s: Scenario, data: Dataset) -> np.ndarray:
    expected, _ = expected_beds(data, s.expectations)
    outcomes = [run_test(t, data, expected) for t in s.selection.tests]
    return select(s.selection, outcomes, data, expected).selected


def stability(
    result: Result,
    *,
    draws: int = NOISE_DRAWS,
    seed: int = SEED,
    months_back: tuple[int, ...] = MONTHS_BACK,
    flips: bool = True,
    flip: Flip | None = None,
) -> Stability:
    """Every variant's selection (see the module docstring). ``flips``: find the change
    that flips each fragile council (the slower part; ``flip``: the distances when
    already computed)."""
    s, data = result.scenario, result.data
    own = np.asarray(result.selection.selected, dtype=bool)
    if not s.selection.tests:
        return Stability([Variant(0, "as set", 0)], own[None, :], own, [None] * len(own))
    has_basis = any(t.attribution in OTHER_BASIS for t in s.selection.tests)
    month = data_month(s)
    end = data.month_index(month) if month in data.months else len(data.months) - 1
    steps = noise_steps(data.dtoc_beds, end)
    rng = np.random.default_rng(seed)
    noisy = [data.with_dtoc_beds(noisy_beds(data.dtoc_beds, steps, rng)) for _ in range(draws)]
    variants: list[Variant] = []
    rows: list[np.ndarray] = []
    for k in months_back:
        for basis in (False, True) if has_basis else (False,):
            v = shifted(s, k, basis)
            if not _valid(v, data):
                continue
            label = "other social care basis" if basis else "as set"
            variants.append(Variant(k, label, 0))
            rows.append(own if (k == 0 and not basis) else _select(v, data))
            for d, noisy_data in enumerate(noisy, start=1):
                variants.append(Variant(k, label, d))
                rows.append(_select(v, noisy_data))
    selected = np.asarray(rows, dtype=bool)
    found: list[str | None] = [None] * len(own)
    result_stability = Stability(variants, selected, own, found)
    if flips and result_stability.fragile.any():
        flip = flip or distance_to_flip(result)
        for i in np.flatnonzero(result_stability.fragile):
            found[i] = flip_sentence(flip, int(i), bool(own[i]), change_tried(result, int(i)))
    return result_stability


def status(share: float) -> str:
    """firm in, firm out or fragile.

    >>> [status(x) for x in (1.0, 0.9, 0.5, 0.1, 0.0)]
    ['firm in', 'firm in', 'fragile', 'firm out', 'firm out']
    """
    if share >= FRAGILE[1]:
        return "firm in"
    if share <= FRAGILE[0]:
        return "firm out"
    return "fragile"


def _masks(st: Stability) -> dict[str, np.ndarray]:
    v = st.variants
    return {
        "share_noise_only": np.array([x.months_back == 0 and x.basis == "as set" for x in v]),
        "share_earlier_months": np.array([x.months_back > 0 and x.draw == 0 for x in v]),
        "share_other_basis": np.array([x.basis != "as set" and x.draw == 0 for x in v]),
    }


STABILITY_COLUMNS = (
    "section",
    "gss_code",
    "council",
    "selected",
    "selected_share",
    "share_noise_only",
    "share_earlier_months",
    "share_other_basis",
    "status",
    "flip_condition",
    "variants",
)


def stability_table(
    result: Result, st: Stability, aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """``stability.csv``: one row for the option, then one per council (most fragile
    first, ties by code). ``aliases``: workshop labels (codes hidden; the most fragile
    first still, ties by label)."""
    from simulator.reports import anonymous

    share = st.share()
    masks = _masks(st)
    parts = {k: st.share(m) for k, m in masks.items()}
    councils = pd.DataFrame(
        {
            "section": "council",
            "gss_code": result.table["gss_code"].to_numpy(),
            "council": result.table["council"].to_numpy(),
            "selected": st.own,
            "selected_share": np.round(share, 4),
            **{k: np.round(v, 4) for k, v in parts.items()},
            "status": [status(x) for x in share],
            "flip_condition": [f or "" for f in st.flips],
            "variants": len(st.variants),
        }
    )
    counts = councils["status"].value_counts()
    option = {
        "section": "option",
        "gss_code": "",
        "council": "All councils",
        "selected": int(st.own.sum()),
        "selected_share": round(st.overlap(), 4),
        "share_noise_only": np.nan,
        "share_earlier_months": np.nan,
        "share_other_basis": np.nan,
        "status": (
            f"{counts.get('firm in', 0)} firm in, {counts.get('fragile', 0)} fragile, "
            f"{counts.get('firm out', 0)} firm out; the same list in "
            f"{st.same_list():.0%} of variants"
        ),
        "flip_condition": "",
        "variants": len(st.variants),
    }
    # the most fragile first (nearest half the variants), then the more often selected;
    # ties by code, or in workshops by label (anonymise sorts by label first), so the
    # order never decodes the labels against the public list of codes
    keys = {"_from_half": np.abs(share - 0.5), "_not_selected": -share}
    councils = councils.assign(**keys)
    if aliases is not None:
        councils = anonymous.anonymise(councils, aliases, codes="hide")
    councils = councils.sort_values(list(keys), kind="stable").drop(columns=list(keys))
    frame = pd.concat([pd.DataFrame([option]), councils], ignore_index=True)
    return frame.reindex(columns=list(STABILITY_COLUMNS))


def stability_words(st: Stability) -> str:
    """The option's stability in one sentence."""
    share = st.share()
    own = st.own
    always = int((own & (share >= 1.0)).sum())
    fragile = int(st.fragile.sum())
    n = len(st.variants)
    if not own.any() and not share.any():
        where = "the one variant" if n == 1 else f"any of {n:,} variants"
        return f"No council is selected in {where}."
    every = "the one variant" if n == 1 else f"every one of {n:,} variants"
    return (
        f"Of {counted(int(own.sum()), 'council')} selected, {always} "
        f"{agrees(always, 'is', 'are')} selected in {every}; "
        f"{counted(fragile, 'council')} {agrees(fragile, 'is', 'are')} fragile (selected in "
        f"10–90% of variants); the lists overlap the option's own by {st.overlap():.0%} on "
        "average."
    )


def council_line(st: Stability, i: int) -> str:
    """One council's stability in words."""
    share = float(st.share()[i])
    n = len(st.variants)
    line = f"Selected in {share:.0%} of {counted(n, 'plausible variant')} ({status(share)})."
    flip = st.flips[i]
    return f"{line} {flip}" if flip else line
