"""Who bears an option: the distribution annex of a run (pure functions of a result).

Money conditioned, withheld and received, the net change and beds freed, summed by
deprivation decile (IoD2015 council average score), region, authority type,
rural-urban class and ASC spend per adult; councils gaining and losing and the largest
losses; and a small battery of equity measures. Choosing one measure is itself a value
judgement, so several are shown, each with one line on what it means.

Every figure is a function of a :class:`~simulator.engine.run.Result` (and, for beds,
its projection), so other code can use them as objectives: :func:`equity_measures`,
:func:`withheld_share` and :func:`annex`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.engine.run import Result
from simulator.inputs.distribution import deprivation_decile
from simulator.reports.words import agrees, counted

if TYPE_CHECKING:
    from simulator.projection import ProjectionResult

DAYS_2018_19 = 365
TAX_BASE_YEAR = "2017-18"
MONEY = ("conditioned", "withheld", "received", "change")
DIMENSIONS = {
    "deprivation_decile": "IoD2015 deprivation decile of councils (1 most deprived)",
    "region": "Region",
    "authority_type": "Authority type",
    "rural_urban": "2011 rural-urban class",
    "asc_spend_per_adult": "ASC gross current spend per adult 2016-17, fifths of councils",
}
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Measure:
    """One equity measure: its value on the baseline and under the option (for a
    measure of spread) or of the change itself (a correlation: baseline blank)."""

    key: str
    name: str
    baseline: float
    option: float
    meaning: str

    @property
    def change(self) -> float:
        return self.option - self.baseline if np.isfinite(self.baseline) else self.option


@dataclass(frozen=True)
class Annex:
    councils: pd.DataFrame  # one row per council: facts, money, beds freed
    groups: pd.DataFrame  # dimension, group, councils, adults, money, beds freed
    measures: list[Measure]
    largest_losses: pd.DataFrame  # gss_code, council, change, change_per_adult
    totals: dict[str, float]

    @property
    def gaining(self) -> int:
        return int((self.councils["change"] > 0).sum())

    @property
    def losing(self) -> int:
        return int((self.councils["change"] < 0).sum())


# --------------------------------------------------------------------------- measures
def weighted_gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Gini coefficient of ``values`` among people (``weights`` people each): half the
    mean absolute difference between two people's values over the mean.

    >>> weighted_gini(np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    0.25
    >>> weighted_gini(np.array([2.0, 2.0, 2.0]), np.array([5.0, 1.0, 9.0]))
    0.0
    """
    x, w = np.asarray(values, float), np.asarray(weights, float)
    mean = float(np.average(x, weights=w))
    if mean == 0:
        return float("nan")
    diff = np.abs(x[:, None] - x[None, :])
    return float((w[:, None] * w[None, :] * diff).sum() / (2 * w.sum() ** 2 * mean))


def weighted_cv(values: np.ndarray, weights: np.ndarray) -> float:
    """Coefficient of variation among people: weighted standard deviation over mean.

    >>> round(weighted_cv(np.array([1.0, 3.0]), np.array([1.0, 1.0])), 6)
    0.5
    """
    x, w = np.asarray(values, float), np.asarray(weights, float)
    mean = float(np.average(x, weights=w))
    if mean == 0:
        return float("nan")
    return float(np.sqrt(np.average((x - mean) ** 2, weights=w)) / mean)


def range_ratio(values: np.ndarray) -> float:
    """90th over 10th percentile of councils' values (linear interpolation).

    >>> range_ratio(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]))
    5.0
    """
    low, high = np.percentile(np.asarray(values, float), [10, 90])
    return float(high / low) if low > 0 else float("nan")


def correlation(change: np.ndarray, other: np.ndarray) -> float:
    """Pearson correlation across councils where both are known; 0 when nothing
    changes (no association), blank (NaN) when ``other`` is unknown or constant.

    >>> correlation(np.array([0.0, 0.0]), np.array([1.0, 2.0]))
    0.0
    >>> correlation(np.array([-1.0, 1.0, 3.0]), np.array([10.0, 20.0, 30.0]))
    1.0
    """
    x, y = np.asarray(change, float), np.asarray(other, float)
    known = np.isfinite(x) & np.isfinite(y)
    x, y = x[known], y[known]
    if len(x) < 2 or np.ptp(y) == 0:
        return float("nan")
    if np.ptp(x) == 0:
        return 0.0
    return round(float(np.corrcoef(x, y)[0, 1]), 12)


def equity_measures(
    baseline: np.ndarray,
    final: np.ndarray,
    adults: np.ndarray,
    deprivation: np.ndarray,
    tax_base: np.ndarray,
) -> list[Measure]:
    """The battery, from money per council before and after the option (£), adults,
    deprivation score and council-tax base (Band D equivalents); councils without adults
    are left out."""
    adults = np.asarray(adults, float)
    keep = adults > 0
    before = np.asarray(baseline, float)[keep] / adults[keep]
    after = np.asarray(final, float)[keep] / adults[keep]
    change = after - before
    people = adults[keep]
    nan = float("nan")
    return [
        Measure(
            "range_ratio",
            "Range ratio (90th / 10th percentile of £ per adult)",
            range_ratio(before),
            range_ratio(after),
            "How many times more per adult a council near the top gets than one near the "
            "bottom; falls as allocations per adult converge.",
        ),
        Measure(
            "coefficient_of_variation",
            "Coefficient of variation of £ per adult (weighted by adults)",
            weighted_cv(before, people),
            weighted_cv(after, people),
            "Spread of £ per adult relative to its average; falls as allocations converge.",
        ),
        Measure(
            "gini",
            "Gini coefficient of £ per adult (weighted by adults)",
            weighted_gini(before, people),
            weighted_gini(after, people),
            "0 if every adult's council gets the same per adult, towards 1 if a few get it "
            "all; falls when money moves from councils with more per adult to those with less.",
        ),
        Measure(
            "correlation_deprivation",
            "Correlation of the change per adult with deprivation (IoD2015 score)",
            nan,
            correlation(change, np.asarray(deprivation, float)[keep]),
            "Above 0: the option moves money towards more deprived councils; below 0: away "
            "from them; 0: no relation (or no change).",
        ),
        Measure(
            "correlation_tax_base",
            "Correlation of the change per adult with council-tax base per adult",
            nan,
            correlation(change, np.asarray(tax_base, float)[keep] / adults[keep]),
            "Below 0: money moves towards councils that can raise less council tax per "
            "adult; above 0: towards those that can raise more.",
        ),
    ]


# --------------------------------------------------------------------------- annex
def _tax_base(result: Result) -> np.ndarray:
    from simulator.inputs.allocation import CTR_YEARS

    inputs = result.data.allocation_inputs
    if inputs is None:
        return np.full(len(result.table), np.nan)
    return np.asarray(inputs.tax_base[:, CTR_YEARS.index(TAX_BASE_YEAR)], float)


def _fifths(values: np.ndarray) -> np.ndarray:
    """Fifths of councils by value, labelled with their range in £ per adult."""
    out = np.full(len(values), UNKNOWN, dtype=object)
    known = np.isfinite(values)
    if not known.any():
        return out
    order = np.argsort(values[known], kind="stable")
    rank = np.empty(int(known.sum()), dtype=int)
    rank[order] = np.arange(len(order))
    band = rank * 5 // len(order)
    values_known = values[known]
    labels = np.empty(len(values_known), dtype=object)
    for k in range(5):
        members = values_known[band == k]
        if len(members):
            labels[band == k] = f"Q{k + 1} £{members.min():,.0f}–£{members.max():,.0f}"
    out[known] = labels
    return out


def council_facts(
    result: Result,
    projection: ProjectionResult | None = None,
    facts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per council: who it is (deprivation, rurality, ASC spend per adult, tax
    base) and what the option does to it (money and central beds freed)."""
    table = result.table
    facts = result.data.distribution if facts is None else facts
    n = len(table)
    adults = table["adults_18plus"].to_numpy(dtype=float)
    score = (
        facts["imd2015_average_score"].to_numpy(dtype=float)
        if facts is not None
        else np.full(n, np.nan)
    )
    decile = deprivation_decile(score)
    spend = (
        facts["asc_gross_current_expenditure_000"].to_numpy(dtype=float) * 1_000 / adults
        if facts is not None
        else np.full(n, np.nan)
    )
    beds = (
        np.asarray(projection.council_days, float) / DAYS_2018_19
        if projection is not None
        else np.full(n, np.nan)
    )
    frame = pd.DataFrame(
        {
            "gss_code": table["gss_code"].to_numpy(),
            "council": table["council"].to_numpy(),
            "region": table["region"].to_numpy(),
            "authority_type": table["authority_type"].to_numpy(),
            "adults_18plus": adults,
            "imd2015_average_score": score,
            "deprivation_decile": np.where(decile > 0, decile.astype(str), UNKNOWN),
            "rural_urban": (
                facts["ruc11_class"].str.split(" \\(").str[0].to_numpy()
                if facts is not None
                else np.full(n, UNKNOWN, dtype=object)
            ),
            "asc_spend_per_adult": spend,
            "tax_base_2017_18": _tax_base(result),
            "allocation_total": table["allocation_total"].to_numpy(),
            "final_allocation": table["final_allocation"].to_numpy(),
            **{k: table[k].to_numpy() for k in MONEY},
            "beds_freed": beds,
        }
    )
    frame["change_per_adult"] = np.where(adults > 0, frame["change"] / np.maximum(adults, 1), 0.0)
    return frame


def _group_rows(councils: pd.DataFrame) -> pd.DataFrame:
    rows = []
    keyed = councils.assign(asc_spend_band=_fifths(councils["asc_spend_per_adult"].to_numpy()))
    for dimension in DIMENSIONS:
        column = "asc_spend_band" if dimension == "asc_spend_per_adult" else dimension
        for group, part in keyed.groupby(column, sort=True):
            adults = float(part["adults_18plus"].sum())
            rows.append(
                {
                    "dimension": dimension,
                    "group": str(group),
                    "councils": len(part),
                    "adults_18plus": int(adults),
                    **{k: int(part[k].sum()) for k in MONEY},
                    "change_per_adult": round(float(part["change"].sum()) / adults, 4)
                    if adults
                    else 0.0,
                    "beds_freed": round(float(part["beds_freed"].sum()), 2)
                    if part["beds_freed"].notna().any()
                    else float("nan"),
                    "councils_gaining": int((part["change"] > 0).sum()),
                    "councils_losing": int((part["change"] < 0).sum()),
                }
            )
    groups = pd.DataFrame(rows)
    # deciles in number order (10 after 9), unknown last
    groups["_order"] = [
        (int(g) if g.isdigit() else 99) if d == "deprivation_decile" else 0
        for d, g in zip(groups["dimension"], groups["group"], strict=True)
    ]
    order = list(DIMENSIONS)
    groups["_dim"] = groups["dimension"].map(order.index)
    return (
        groups.sort_values(["_dim", "_order", "group"], kind="stable")
        .drop(columns=["_dim", "_order"])
        .reset_index(drop=True)
    )


def annex(
    result: Result,
    projection: ProjectionResult | None = None,
    facts: pd.DataFrame | None = None,
    *,
    top: int = 5,
) -> Annex:
    """The distribution annex of ``result`` (``facts``: the who-bears-it table,
    default the dataset's own)."""
    councils = council_facts(result, projection, facts)
    losses = councils[councils["change"] < 0].nsmallest(top, "change")
    measures = equity_measures(
        councils["allocation_total"].to_numpy(),
        councils["final_allocation"].to_numpy(),
        councils["adults_18plus"].to_numpy(),
        councils["imd2015_average_score"].to_numpy(),
        councils["tax_base_2017_18"].to_numpy(),
    )
    totals: dict[str, float] = {k: int(councils[k].sum()) for k in MONEY}
    totals["beds_freed"] = float(councils["beds_freed"].sum())
    return Annex(
        councils=councils,
        groups=_group_rows(councils),
        measures=measures,
        largest_losses=losses[["gss_code", "council", "change", "change_per_adult"]].reset_index(
            drop=True
        ),
        totals=totals,
    )


def withheld_share(annex: Annex, deciles: tuple[int, ...] = (1, 2)) -> float:
    """Share of the money withheld that comes from councils in ``deciles`` (default the
    most deprived fifth); 0 when nothing is withheld."""
    c = annex.councils
    total = float(c["withheld"].sum())
    if total == 0:
        return 0.0
    mask = c["deprivation_decile"].isin([str(d) for d in deciles])
    return float(c.loc[mask, "withheld"].sum()) / total


def sentence(annex: Annex) -> str:
    """The Overview's one sentence on who bears the option."""
    c = annex.councils
    withheld = annex.totals["withheld"]
    known = c["deprivation_decile"] != UNKNOWN
    if not known.any():
        return "Deprivation data are not loaded, so who bears the option is not shown."
    adults_share = float(
        c.loc[c["deprivation_decile"].isin(["1", "2"]), "adults_18plus"].sum()
        / c["adults_18plus"].sum()
    )
    corr = next(m for m in annex.measures if m.key == "correlation_deprivation").option
    conditioned = annex.totals["conditioned"]
    if withheld == 0 and conditioned == 0:
        return "The option moves no money, so no council bears anything."
    if withheld == 0:
        most = c["deprivation_decile"].isin(["1", "2"])
        share = float(c.loc[most, "conditioned"].sum()) / conditioned
        return (
            f"No money is withheld; of £{conditioned / 1e6:,.1f}m conditioned, {share:.0%} "
            f"falls on the most deprived fifth of councils, home to {adults_share:.0%} of "
            "adults."
        )
    direction = (
        "towards more deprived councils"
        if corr > 0.1
        else "away from more deprived councils"
        if corr < -0.1
        else "with little relation to deprivation"
    )
    return (
        f"Of £{withheld / 1e6:,.1f}m withheld, {withheld_share(annex):.0%} comes from the "
        f"most deprived fifth of councils, home to {adults_share:.0%} of adults; "
        f"{counted(annex.gaining, 'council')} {agrees(annex.gaining, 'gains', 'gain')} and "
        f"{annex.losing} {agrees(annex.losing, 'loses', 'lose')}, and the change per adult "
        f"runs {direction} (correlation {corr:+.2f})."
    )


DISTRIBUTION_COLUMNS = (
    "section",
    "dimension",
    "group",
    "gss_code",
    "council",
    "councils",
    "adults_18plus",
    *MONEY,
    "change_per_adult",
    "beds_freed",
    "councils_gaining",
    "councils_losing",
    "baseline",
    "option",
    "measure_change",
    "meaning",
)


def distribution_table(annex: Annex, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """``distribution.csv``: the groups, the whole of England, the equity measures and
    the largest losses, one row each, told apart by ``section``. ``aliases`` (workshop
    mode) names the councils among the largest losses by their neutral label, code
    hidden, like every other council-level output."""
    from simulator.reports import anonymous

    c = annex.councils
    total = {
        "section": "total",
        "dimension": "england",
        "group": "All councils",
        "councils": len(c),
        "adults_18plus": int(c["adults_18plus"].sum()),
        **{k: int(annex.totals[k]) for k in MONEY},
        "change_per_adult": round(annex.totals["change"] / max(c["adults_18plus"].sum(), 1), 4),
        "beds_freed": round(annex.totals["beds_freed"], 2)
        if c["beds_freed"].notna().any()
        else float("nan"),
        "councils_gaining": annex.gaining,
        "councils_losing": annex.losing,
    }
    measures = [
        {
            "section": "equity",
            "dimension": m.key,
            "group": m.name,
            "baseline": m.baseline,
            "option": m.option,
            "measure_change": m.change,
            "meaning": m.meaning,
        }
        for m in annex.measures
    ]
    losses = [
        {
            "section": "largest_loss",
            "dimension": "council",
            "group": f"{k + 1}",
            "gss_code": r["gss_code"] if aliases is None else anonymous.HIDDEN,
            "council": (
                r["council"] if aliases is None else aliases.get(r["gss_code"], anonymous.UNKNOWN)
            ),
            "change": int(r["change"]),
            "change_per_adult": round(float(r["change_per_adult"]), 4),
        }
        for k, (_, r) in enumerate(annex.largest_losses.iterrows())
    ]
    frame = pd.concat(
        [
            annex.groups.assign(section="group"),
            pd.DataFrame([total, *measures, *losses]),
        ],
        ignore_index=True,
    )
    frame = frame.reindex(columns=list(DISTRIBUTION_COLUMNS))
    for column in ("councils", "adults_18plus", *MONEY, "councils_gaining", "councils_losing"):
        frame[column] = frame[column].astype("Int64")  # whole numbers; blank where none
    for column in ("baseline", "option", "measure_change"):
        frame[column] = frame[column].astype(float).round(6)
    return frame


# The decile chart's axis title: the ticks are the bare numbers 1 to 10, so that ten of
# them fit side by side on a phone.
DECILE_AXIS = "Deprivation decile: 1 = most deprived, 10 = least deprived"


def decile_view(annex: Annex) -> pd.DataFrame:
    """Money by deprivation decile for a chart: every decile from "1" (most deprived) to
    "10" (least; the axis says so, :data:`DECILE_AXIS`), councils, conditioned, withheld
    and received (£), zero where a decile has none; deciles unknown left out, and no
    rows at all without deprivation data."""
    columns = ["councils", "conditioned", "withheld", "received"]
    rows = annex.groups[
        (annex.groups["dimension"] == "deprivation_decile") & (annex.groups["group"] != UNKNOWN)
    ]
    if rows.empty:
        return pd.DataFrame(columns=["decile", *columns])
    deciles = [str(d) for d in range(1, 11)]
    out = rows.set_index("group")[columns].reindex(deciles, fill_value=0).astype(int)
    return out.rename_axis("decile").reset_index()


def equity_comparison(annexes: list[Annex], labels: list[str]) -> pd.DataFrame:
    """Each scenario's equity measures side by side: one row per measure (the option's
    value; the change from the allocations for a spread), one column per scenario."""
    rows = []
    for k, m in enumerate(annexes[0].measures if annexes else []):
        row: dict[str, object] = {"measure": m.name, "meaning": m.meaning}
        for annex, label in zip(annexes, labels, strict=True):
            value = annex.measures[k]
            row[label] = round(value.option, 4)
        rows.append(row)
    for label_, key in (
        ("Share of money withheld from the most deprived fifth", "withheld_share"),
        ("Councils gaining", "gaining"),
        ("Councils losing", "losing"),
    ):
        row = {"measure": label_, "meaning": ""}
        for annex, label in zip(annexes, labels, strict=True):
            row[label] = (
                round(withheld_share(annex), 4) if key == "withheld_share" else getattr(annex, key)
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    # the figures first, the long explanations last (a narrow screen shows the figures)
    return frame[["measure", *labels, "meaning"]] if rows else frame
