"""Validated input frames: councils, 2018/19 allocations and monthly DToC.

Raw tables arrive as text (see :mod:`simulator.io`); this module checks them,
converts types, reconstructs what is not officially published, and returns one
frozen :class:`Dataset`. Blank cells stay NaN: unknown is never zero.

Council order is fixed: sorted by GSS code, 152 rows, position ``i`` in every array.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.errors import DataError
from simulator.inputs import allocation, reported
from simulator.inputs.reported import Screen
from simulator.money import largest_remainder
from simulator.schema.calendar import days_in_months
from simulator.schema.vocabulary import ATTRIBUTIONS

log = logging.getLogger(__name__)

ENGLAND = "E92000001"
N_COUNCILS = 152

# National totals of the 2018/19 iBCF (SOURCES.md; ibcf_known_figures.csv England rows).
ORIGINAL_TOTAL_2018_19 = 825_000_000
SPRING_BUDGET_TOTAL_2018_19 = 674_000_000
# The 2018/19 Adult Social Care Support Grant (£150m) was distributed on ASC RNF shares.
ASC_SUPPORT_GRANT_2018_19 = 150_000_000
# COVID-19 tranche 1 was paid to the 2019 successor councils of Bournemouth, Poole and
# Dorset: BCP £11,101,861 and Dorset Council £10,665,165 (note column of
# covid19_tranche1_allocations.csv). The combined sum is split by population 65+.
BCP_DORSET_COMBINED = 11_101_861 + 10_665_165
BCP_DORSET = ("E06000028", "E06000029", "E10000009")

AUTHORITY_TYPES = (
    "County council",
    "London borough",
    "Metropolitan district",
    "Unitary authority",
)
OFFICIAL_STATUSES = ("official", "published_rounded")
# A reported figure moved to fit what a partial official table leaves of the pot.
RESCALED = "reported 2018-19 outturn, rescaled to the official table's remainder"
# Plausible bounds: the largest council (Kent) has about 1.5 million people; England's
# delayed days peaked near 200,000 a month (6,700 beds a day).
MAX_COUNCIL_POPULATION = 10_000_000
MAX_DELAYED_DAYS = 31 * 20_000
# England's rows are the control total of each month's council rows; councils' figures
# are rounded and a few suppressed, so they agree to within this share.
ENGLAND_TOLERANCE = 0.02
FACT_STATUSES = (
    "published_national_target",
    "published_by_council",
    "reported_in_press",
    "criterion_reported_by_third_party",
    "official",
)
PROXY_FILE = "covid19_tranche1_allocations.csv"
TAX_FILE = "council_tax_requirement_2014_2020.csv"
TAXBASE_FILE = "council_taxbase_ctb_2016_2018.csv"
RNF_FILE = "asc_rnf_checkpoints.csv"
KNOWN_FILE = "ibcf_known_figures.csv"
# The 2018/19 (and 2019/20) winter pressures grant: £240m allocated by the ASC RNF.
WINTER_PRESSURES_GRANT = "winter_pressures_grant_240m"
WINTER_PRESSURES_POT = 240_000_000
# Half the rounding unit of each stated precision, £: a figure "rounded to £0.1m" is
# within £50,000 of the true value.
RNF_PRECISIONS = {"exact (pound)": 0.5, "rounded to £0.1m": 50_000.0}
KNOWN_PRECISIONS = {
    "exact": 0.5,
    "national total": 0.5,
    "rounded to £1k": 500.0,
    "rounded to £0.1m": 50_000.0,
    "rounded to £1m": 500_000.0,
}
KNOWN_ELEMENTS = ("original", "spring_budget", "total", "asc_support_grant")
THREE_YEARS = "2017-18 to 2019-20"
KNOWN_YEARS = (*allocation.YEARS, THREE_YEARS)
CTB_YEARS = ("2016-17", "2017-18", "2018-19")
DTOC_COLUMNS = {
    "social_care": "delayed_days_social_care",
    "nhs": "delayed_days_nhs",
    "both": "delayed_days_both",
    "total": "delayed_days_total",
}

if TYPE_CHECKING:
    from simulator.inputs.schemas import Councils


# --------------------------------------------------------------------------- councils
# Each file is declared in simulator/inputs/schemas.py (pandera, imported only when
# data is loaded) and checked by schemas.validate, which names file, row and column.
def build_councils(reference: pd.DataFrame, populations: pd.DataFrame) -> pd.DataFrame:
    """The 152 councils with region, type and mid-2017 populations, sorted by GSS code."""
    from simulator.inputs import schemas

    reference = schemas.validate(reference, schemas.council_reference())
    codes = [str(c) for c in reference["gss_code"]]
    adults = dict(zip(codes, reference["population_18plus"], strict=True))
    known = schemas.Councils(codes=tuple(sorted(codes)), adults=adults)
    populations = schemas.validate(populations, schemas.council_population_ages(known))
    pops = ["pop_18plus", "pop_65plus", "pop_75plus", "pop_85plus", "pop_all_ages"]
    merged = reference.merge(populations[["gss_code", *pops]], on="gss_code", how="left")
    councils = pd.DataFrame(
        {
            "gss_code": merged["gss_code"],
            "council": merged["council"],
            "region": merged["region"],
            "authority_type": merged["authority_type"],
            "adults_18plus": merged["pop_18plus"].astype(np.int64),
            "pop_65plus": merged["pop_65plus"].astype(np.int64),
            "pop_75plus": merged["pop_75plus"].astype(np.int64),
            "pop_85plus": merged["pop_85plus"].astype(np.int64),
            "pop_all_ages": merged["pop_all_ages"].astype(np.int64),
        }
    )
    return councils.sort_values("gss_code").reset_index(drop=True)


# --------------------------------------------------------------------------- allocations
def _wide(
    frame: pd.DataFrame, column: str, codes: np.ndarray, years: tuple[str, ...]
) -> np.ndarray:
    table = frame.pivot(index="gss_code", columns="year", values=column)
    return table.reindex(index=codes, columns=list(years)).to_numpy(dtype=float)


def council_tax_arrays(ctr: pd.DataFrame, councils: Councils) -> tuple[np.ndarray, np.ndarray]:
    """Tax base (Band D equivalents) and Band D (£) as ``(council, year)`` arrays over
    2014-15 … 2019-20, from the official CTR returns, validated
    (:func:`simulator.inputs.schemas.council_tax_requirement`)."""
    from simulator.inputs import schemas

    numbers = schemas.validate(ctr, schemas.council_tax_requirement(councils))
    codes = np.array(councils.codes)
    tax_base = _wide(numbers, "tax_base_for_tax_setting", codes, allocation.CTR_YEARS)
    band_d = _wide(numbers, "band_d_excl_local_precepts", codes, allocation.CTR_YEARS)
    return tax_base, band_d


def council_taxbase_ctb(ctb: pd.DataFrame, councils: Councils) -> np.ndarray:
    """Council Taxbase (CTB) tax base after council tax support, Band D equivalents,
    ``(council, year)`` over 2016-17 … 2018-19 (a control on the CTR tax bases)."""
    from simulator.inputs import schemas

    numbers = schemas.validate(ctb, schemas.council_taxbase_ctb(councils))
    column = "ctb_tax_base_after_cts_band_d_equivalents"
    return _wide(numbers, column, np.array(councils.codes), CTB_YEARS)


def rnf_checkpoints(
    rnf: pd.DataFrame, councils: Councils
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact ASC RNF shares (NaN where none) and the bounds a rounded one sets.

    Each row is a council's £240m winter pressures grant; its share of £240m is its
    ASC RNF share. Exact to the pound: the share itself; rounded to £0.1m: the share
    lies within ± £50,000 / £240m.
    """
    from simulator.inputs import schemas

    numbers = schemas.validate(rnf, schemas.asc_rnf_checkpoints(councils))
    n = len(councils.codes)
    exact, lower, upper = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    position = {c: i for i, c in enumerate(councils.codes)}
    for code, precision, amount in zip(
        numbers["gss_code"], numbers["precision"], numbers["amount"], strict=True
    ):
        i = position[str(code)]
        half = RNF_PRECISIONS[str(precision)]
        if half < 1:
            exact[i] = float(amount) / WINTER_PRESSURES_POT
        else:
            lower[i] = (float(amount) - half) / WINTER_PRESSURES_POT
            upper[i] = (float(amount) + half) / WINTER_PRESSURES_POT
    return exact, lower, upper


def proxy_shares(proxy: pd.DataFrame, councils: pd.DataFrame, known: Councils) -> pd.Series:
    """Each council's share of the upper-tier COVID-19 tranche 1 total (sums to 1)."""
    from simulator.inputs import schemas

    proxy = schemas.validate(proxy, schemas.covid19_tranche1_allocations(known))
    amounts = councils[["gss_code", "pop_65plus"]].merge(
        proxy[["gss_code", "amount"]], on="gss_code", how="left"
    )
    split = amounts["gss_code"].isin(BCP_DORSET)
    pop65 = amounts.loc[split, "pop_65plus"].astype(float)
    amounts.loc[split, "amount"] = BCP_DORSET_COMBINED * pop65 / pop65.sum()
    amount = amounts["amount"].to_numpy(dtype=float)
    return pd.Series(amount / amount.sum(), index=councils["gss_code"].to_numpy())


def allocation_inputs(
    raw: dict[str, pd.DataFrame], councils: pd.DataFrame, known: Councils
) -> allocation.Inputs:
    """Every input of the reconstruction, validated, as arrays in council order."""
    exact, lower, upper = rnf_checkpoints(raw["rnf_checkpoints"], known)
    tax_base, band_d = council_tax_arrays(raw["council_tax"], known)
    return allocation.Inputs(
        proxy=proxy_shares(raw["proxy"], councils, known).to_numpy(),
        exact=exact,
        lower=lower,
        upper=upper,
        tax_base=tax_base,
        band_d=band_d,
    )


def validated_known_figures(known: pd.DataFrame, councils: Councils) -> pd.DataFrame:
    """The published figures, checked (:func:`simulator.inputs.schemas.ibcf_known_figures`)."""
    from simulator.inputs import schemas

    return schemas.validate(known, schemas.ibcf_known_figures(councils))


def allocation_source(method: allocation.Method) -> str:
    """The source text of a reconstructed value (for the ``reported`` kind: of the
    allocations as a whole)."""
    if method.kind == "reported":
        return (
            f"{reported.SOURCE}, where the report passes the plausibility screen; the rest: "
            + allocation_source(method.equalisation)
        )
    if method.kind == "proxy":
        return (
            "Reconstructed (COVID-19 proxy split): 2018/19 national total distributed on "
            "each council's share of COVID-19 emergency funding tranche 1 (March 2020, "
            "primarily ASC RNF; Bournemouth, Poole and Dorset split by population 65+)"
        )
    return (
        "Reconstructed (precept equalisation): need shares (ASC RNF; COVID-19 tranche 1 "
        "proxy where the exact share is not published) applied to the national pot plus "
        "the ASC precept councils can raise (MHCLG CTR returns), less each council's "
        f"precept; {allocation.FORM_LABELS[method.form]}"
    )


@dataclass(frozen=True)
class Baseline:
    """2018/19 allocations before any official table: per element whole pounds, the
    weights that spread what an official table leaves, and each value's status and
    source."""

    values: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]
    status: np.ndarray
    source: np.ndarray


def reconstructed_baseline(reconstruction: allocation.Reconstruction) -> Baseline:
    """Every council rebuilt by the method (each element sums exactly to its pot)."""
    method = reconstruction.method
    n = len(reconstruction.shares)
    year = "2018-19"
    return Baseline(
        values={
            "original": reconstruction.original[year],
            "spring_budget": reconstruction.spring_budget[year],
        },
        weights={
            "original": reconstruction.original_exact[year],
            "spring_budget": reconstruction.spring_budget_exact[year],
        },
        status=np.full(n, method.status, dtype=object),
        source=np.full(n, allocation_source(method), dtype=object),
    )


def reported_baseline(
    reconstruction: allocation.Reconstruction,
    screen: reported.Screen,
    shares: np.ndarray,
) -> Baseline:
    """Screened councils' 2018/19 totals as reported (£000 × 1,000), the rest of each pot
    shared by precept equalisation among the others with ``shares`` (the calibrated need
    shares); each element sums exactly to its pot."""
    method = reconstruction.method
    year = "2018-19"
    pinned = screen.screened
    totals = np.where(pinned, np.nan_to_num(screen.reported), 0.0).round().astype(np.int64)
    try:
        original, spring_budget = allocation.with_pinned_totals(
            pinned,
            totals,
            reconstruction.original_exact[year],
            reconstruction.spring_budget_exact[year],
            shares,
            reconstruction.precept[year],
            method.form,
        )
    except ValueError as exc:
        raise DataError(f"{reported.FILE}: {exc}") from None
    status = np.where(pinned, reported.REPORTED, method.status).astype(object)
    rest_source = allocation_source(method.equalisation) + (
        "; the rest of each pot after the reported figures, need shares calibrated on them"
    )
    source = np.where(pinned, reported.SOURCE, rest_source).astype(object)
    return Baseline(
        values={"original": original, "spring_budget": spring_budget},
        weights={"original": original.astype(float), "spring_budget": spring_budget.astype(float)},
        status=status,
        source=source,
    )


def build_allocations(
    councils: pd.DataFrame,
    baseline: Baseline | allocation.Reconstruction,
    official: pd.DataFrame | None,
) -> pd.DataFrame:
    """2018/19 allocations by element, whole pounds, each with a status and a source.

    ``baseline``: the method's 2018/19 whole pounds (each element sums exactly to its
    pot), or a reconstruction to take them from. Rows of an official table replace the
    baseline for their councils; the remaining national amount is spread over the other
    councils in proportion to their baseline values (largest remainder); councils on
    their own reports keep them where the others can take up the difference (else they
    are rescaled too, and say so).
    """
    if isinstance(baseline, allocation.Reconstruction):
        baseline = reconstructed_baseline(baseline)
    codes = councils["gss_code"].to_numpy()
    frame = pd.DataFrame({"gss_code": codes})
    pinned = pd.DataFrame(columns=["gss_code"])
    if official is not None:
        from simulator.inputs import schemas

        declared = schemas.ibcf_allocations_2018_19(schemas.Councils.of(councils))
        pinned = schemas.validate(official, declared)
    for element, total in (
        ("original", ORIGINAL_TOTAL_2018_19),
        ("spring_budget", SPRING_BUDGET_TOTAL_2018_19),
    ):
        values = np.asarray(baseline.values[element]).astype(np.int64).copy()
        exact = np.asarray(baseline.weights[element], dtype=float)
        status = baseline.status.copy()
        source = baseline.source.copy()
        is_pinned = np.isin(codes, pinned["gss_code"].to_numpy())
        if is_pinned.any():
            lookup = pinned.set_index("gss_code")
            values[is_pinned] = lookup.loc[codes[is_pinned], f"allocation_{element}"].to_numpy(
                dtype=np.int64
            )
            status[is_pinned] = lookup.loc[codes[is_pinned], "status"].to_numpy()
            source[is_pinned] = lookup.loc[codes[is_pinned], "source"].to_numpy()
            rest = ~is_pinned
            remaining = total - int(values[is_pinned].sum())
            if rest.any():
                if remaining < 0:
                    raise DataError(
                        f"ibcf_allocations_2018_19.csv: allocation_{element} sums to more "
                        f"than the national total £{total:,}"
                    )
                # Councils on their own reports keep them while the others can absorb
                # what the official rows leave; otherwise all are rescaled, and say so.
                kept = rest & (status == reported.REPORTED)
                spread = rest & ~kept
                left = remaining - int(values[kept].sum())
                if not spread.any() or left < 0:
                    spread, left = rest, remaining
                    status[kept] = RESCALED
                weights = exact[spread] if exact[spread].sum() > 0 else np.ones(int(spread.sum()))
                values[spread] = largest_remainder(left, weights)
            elif remaining != 0:
                raise DataError(
                    f"ibcf_allocations_2018_19.csv: allocation_{element} sums to "
                    f"£{int(values.sum()):,}, not the national total £{total:,}"
                )
        frame[f"allocation_{element}"] = values
        frame[f"status_{element}"] = status
        frame[f"source_{element}"] = source
    frame["allocation_total"] = frame["allocation_original"] + frame["allocation_spring_budget"]
    official_status = np.where(
        (frame["status_original"] == "official") & (frame["status_spring_budget"] == "official"),
        "official",
        "published_rounded",
    )
    both_official = frame["status_original"].isin(OFFICIAL_STATUSES) & frame[
        "status_spring_budget"
    ].isin(OFFICIAL_STATUSES)
    frame["allocation_status"] = np.where(
        both_official, official_status, frame["status_original"].astype(str)
    )
    frame["allocation_source"] = frame["source_original"]
    return frame


def _reconstructed_amount(
    recon: allocation.Reconstruction, element: str, year: str, i: int | None
) -> int:
    years = list(allocation.YEARS) if year == THREE_YEARS else [year]
    parts = []
    if element in ("original", "total"):
        parts += [recon.original[y] for y in years]
    if element in ("spring_budget", "total"):
        parts += [recon.spring_budget[y] for y in years]
    return int(sum(int(p.sum() if i is None else p[i]) for p in parts))


def known_figure_checks(
    known: pd.DataFrame,
    inputs: allocation.Inputs,
    recon: allocation.Reconstruction,
    codes: np.ndarray,
    *,
    implied: bool = True,
) -> pd.DataFrame:
    """Every published figure beside the reconstruction: the difference, whether it is
    within the figure's rounding, and the need share it implies under the method
    beside the share the method used and the proxy share (percent)."""
    position = {c: i for i, c in enumerate(codes)}
    shares = recon.shares
    method = recon.method
    precept = recon.precept
    rows = []
    for record in known.to_dict("records"):
        code, element, year = str(record["gss_code"]), str(record["element"]), str(record["year"])
        published = float(record["amount"])
        half = KNOWN_PRECISIONS[str(record["precision"])]
        i = position.get(code)
        if element == "asc_support_grant":
            # Distributed on ASC RNF shares: the need share times the £150m pot.
            model = float(round(shares[i] * ASC_SUPPORT_GRANT_2018_19)) if i is not None else 0.0
            implied_share = published / ASC_SUPPORT_GRANT_2018_19
        else:
            model = float(_reconstructed_amount(recon, element, year, i))
            implied_share = (
                allocation.implied_share(published, i, element, year, shares, precept, method)
                if implied and i is not None
                else float("nan")
            )
        difference = model - published
        rows.append(
            {
                "gss_code": code,
                "council": record["council"],
                "element": element,
                "year": year,
                "published": int(published),
                "precision": record["precision"],
                "reconstructed": int(model),
                "difference": int(difference),
                "difference_pct": round(100 * difference / published, 1),
                "within_rounding": bool(abs(difference) <= half),
                "implied_need_share_pct": (
                    round(100 * implied_share, 4) if i is not None else float("nan")
                ),
                "need_share_pct": round(100 * shares[i], 4) if i is not None else float("nan"),
                "proxy_share_pct": (
                    round(100 * inputs.proxy[i], 4) if i is not None else float("nan")
                ),
                "share_source": inputs.share_source(i, method) if i is not None else "",
                "method": method.status,
                "source": record["source"],
            }
        )
    return pd.DataFrame(rows)


def method_comparison(
    known: pd.DataFrame, inputs: allocation.Inputs, codes: np.ndarray
) -> pd.DataFrame:
    """How much each choice moves the result: for the default and each single change
    from it, the fit to the published council figures and the 2018/19 money moved."""
    base = inputs.reconstruct(allocation.DEFAULT_METHOD)
    council_rows = known["gss_code"] != ENGLAND
    iBCF = known["element"] != "asc_support_grant"
    rows = []
    for name, method in allocation.variants().items():
        recon = base if name == "default" else inputs.reconstruct(method)
        table = known_figure_checks(known[council_rows & iBCF], inputs, recon, codes, implied=False)
        moved = sum(
            int(np.abs(getattr(recon, e)["2018-19"] - getattr(base, e)["2018-19"]).sum())
            for e in ("original", "spring_budget")
        )
        change = (
            recon.original["2018-19"]
            + recon.spring_budget["2018-19"]
            - (base.original["2018-19"] + base.spring_budget["2018-19"])
        )
        worst = int(np.argmax(np.abs(change)))
        rows.append(
            {
                "variant": name,
                "figures_within_rounding": int(table["within_rounding"].sum()),
                "figures": len(table),
                "mean_abs_difference_pct": round(float(table["difference_pct"].abs().mean()), 2),
                "max_abs_difference_pct": round(float(table["difference_pct"].abs().max()), 1),
                "moved_2018_19": moved // 2,
                "largest_council_change": int(change[worst]),
                "largest_change_council": codes[worst],
                "method": method.describe(),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- DToC
def build_dtoc(dtoc: pd.DataFrame, councils: Councils) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Monthly delayed days as arrays ``(council, month, attribution)`` and England's.

    Councils without rows (Isles of Scilly) are NaN throughout.
    """
    from simulator.inputs import schemas

    dtoc = schemas.validate(dtoc, schemas.dtoc_monthly(councils))
    codes = list(councils.codes)
    months = sorted(dtoc["month"].unique())
    sc = dtoc["delayed_days_social_care"]
    by_basis = {
        "social_care": sc,
        "social_care_and_both": sc + dtoc["delayed_days_both"],
        "nhs": dtoc["delayed_days_nhs"],
        "total": dtoc["delayed_days_total"],
    }
    long = pd.DataFrame(by_basis)
    long["gss_code"] = dtoc["gss_code"].to_numpy()
    long["month"] = dtoc["month"].to_numpy()
    wide = long.set_index(["gss_code", "month"])
    full_index = pd.MultiIndex.from_product([codes, months], names=["gss_code", "month"])
    flat = wide.reindex(full_index)[list(ATTRIBUTIONS)].to_numpy(dtype=float)
    by_council = flat.reshape(len(codes), len(months), len(ATTRIBUTIONS))
    eng_index = pd.MultiIndex.from_product([[ENGLAND], months], names=["gss_code", "month"])
    england = wide.reindex(eng_index)[list(ATTRIBUTIONS)].to_numpy(dtype=float)
    return months, by_council, england


# --------------------------------------------------------------------------- official expectations
def build_official_expectations(
    official: pd.DataFrame | None, councils: Councils
) -> pd.DataFrame | None:
    """An official September 2017 expectations table, validated, or None."""
    if official is None:
        return None
    from simulator.inputs import schemas

    return schemas.validate(official, schemas.dtoc_expectations_2017_official(councils))


# --------------------------------------------------------------------------- reference facts
def check_expectation_facts(facts: pd.DataFrame, councils: Councils) -> pd.DataFrame:
    """The published expectation figures (dtoc_expectations_2017.csv), validated."""
    from simulator.inputs import schemas

    return schemas.validate(facts, schemas.dtoc_expectations_2017(councils))


def check_dtoc_lookup(lookup: pd.DataFrame, councils: Councils) -> None:
    """The DH council codes of the DToC tables (dtoc_la_lookup_2017.csv), against the
    councils with DToC data (``councils.with_dtoc``)."""
    from simulator.inputs import schemas

    schemas.validate(lookup, schemas.dtoc_la_lookup_2017(councils))


# --------------------------------------------------------------------------- dataset
@dataclass(frozen=True)
class Dataset:
    """Everything the model reads, validated. Arrays are indexed by council position."""

    councils: pd.DataFrame
    allocations: pd.DataFrame
    months: list[str]
    dtoc_days: np.ndarray  # (council, month, attribution) delayed days; NaN unknown
    england_days: np.ndarray  # (month, attribution)
    known_figures: pd.DataFrame
    official_expectations: pd.DataFrame | None
    data_hash: str
    sources: dict[str, str] = field(default_factory=dict)
    # The reconstruction behind the allocations (None for hand-made test datasets).
    allocation_method: allocation.Method = allocation.DEFAULT_METHOD
    reconstruction: allocation.Reconstruction | None = None
    allocation_inputs: allocation.Inputs | None = None
    published_figures: pd.DataFrame | None = None
    # Each council's reported 2018-19 iBCF beside the rebuild (None for test datasets).
    reported: pd.DataFrame | None = None
    report_screen: Screen | None = None
    report_corrections: dict[str, float] = field(default_factory=dict)
    # Who bears an option (simulator.inputs.distribution), council order; None when the
    # table is absent (hand-made test datasets).
    distribution: pd.DataFrame | None = None
    # Sums of the data that published figures check (:func:`check_totals`); empty for
    # hand-made test datasets.
    check_totals: dict[str, float] = field(default_factory=dict)
    # The published winter pressures grants (asc_rnf_checkpoints.csv), validated; None for
    # hand-made test datasets.
    rnf_checkpoints: pd.DataFrame | None = None

    @cached_property
    def days(self) -> np.ndarray:
        return np.array(days_in_months(self.months))

    @cached_property
    def dtoc_beds(self) -> np.ndarray:
        """Average delayed beds per day: delayed days / days in the month."""
        return self.dtoc_days / self.days[None, :, None]

    @cached_property
    def england_beds(self) -> np.ndarray:
        return self.england_days / self.days[:, None]

    @cached_property
    def adults(self) -> np.ndarray:
        return self.councils["adults_18plus"].to_numpy(dtype=float)

    @cached_property
    def has_dtoc(self) -> np.ndarray:
        """Councils with any DToC data (Isles of Scilly is reported within Cornwall)."""
        return np.asarray(~np.isnan(self.dtoc_days[:, :, 3]).all(axis=1))

    @cached_property
    def council_columns(self) -> dict[str, np.ndarray]:
        """Descriptive council columns as arrays, converted once (results tables reuse them)."""
        c = self.councils
        return {
            "gss_code": c["gss_code"].to_numpy(),
            "council": c["council"].to_numpy(),
            "region": c["region"].to_numpy(),
            "authority_type": c["authority_type"].to_numpy(),
            "adults_18plus": c["adults_18plus"].to_numpy(),
            "allocation_status": self.allocations["allocation_status"].to_numpy(),
            "allocation_source": self.allocations["allocation_source"].to_numpy()
            if "allocation_source" in self.allocations
            else np.full(len(c), "", dtype=object),
            "report_status": self.report_status,
        }

    @cached_property
    def report_status(self) -> np.ndarray:
        """Each council's report: ``reported 2018-19 outturn``, ``reported, flagged`` or
        ``not reported`` (all ``not reported`` for a dataset built without the file)."""
        if self.reported is None:
            return np.full(len(self.councils), reported.NOT_REPORTED, dtype=object)
        return self.reported["report_status"].to_numpy()

    @cached_property
    def money_2017_18(self) -> np.ndarray:
        """Each council's 2017/18 iBCF (£), both elements, from the direct 2017/18
        reconstruction (precept equalisation of the 2017/18 pots, £105m and £1,010m).
        A dataset without a reconstruction scales each 2018/19 element to its 2017/18
        pot instead."""
        if self.reconstruction is not None:
            recon = self.reconstruction
            return (recon.original["2017-18"] + recon.spring_budget["2017-18"]).astype(float)
        year = "2017-18"
        alloc = self.allocation_by_element
        return alloc["original"] * (
            allocation.ORIGINAL_POTS[year] / ORIGINAL_TOTAL_2018_19
        ) + alloc["spring_budget"] * (
            allocation.SPRING_BUDGET_POTS[year] / SPRING_BUDGET_TOTAL_2018_19
        )

    @cached_property
    def allocation_by_element(self) -> dict[str, np.ndarray]:
        """Whole-pound 2018/19 allocations by element (``original``, ``spring_budget``)."""
        alloc = self.allocations
        return {
            "original": alloc["allocation_original"].to_numpy(dtype=np.int64),
            "spring_budget": alloc["allocation_spring_budget"].to_numpy(dtype=np.int64),
        }

    @cached_property
    def allocations_reconstructed(self) -> bool:
        return bool((self.allocations["allocation_status"] != "official").any())

    @cached_property
    def allocation_status(self) -> str:
        """``official``, ``published_rounded`` where an official table pins every council
        and some of it is rounded, else the reconstruction's status with its method named."""
        status = self.allocations["allocation_status"].astype(str)
        if (status == reported.REPORTED).any():
            n = int((status == reported.REPORTED).sum())
            return f"{reported.REPORTED} for {n} councils; the rest {self.allocation_method.status}"
        if status.str.startswith("reconstructed").any():
            return self.allocation_method.status
        return "official" if (status == "official").all() else "published_rounded"

    @cached_property
    def method_comparison(self) -> pd.DataFrame:
        """Each single change of method against the default (computed when asked)."""
        if self.allocation_inputs is None or self.published_figures is None:
            return pd.DataFrame()
        return method_comparison(self.published_figures, self.allocation_inputs, self.codes)

    @cached_property
    def codes(self) -> np.ndarray:
        return self.councils["gss_code"].to_numpy()

    def month_index(self, month: str) -> int:
        try:
            return self.months.index(month)
        except ValueError:
            raise KeyError(
                f"no DToC data for {month} (data run {self.months[0]} to {self.months[-1]})"
            ) from None

    def position(self, gss_code: str) -> int:
        found = np.flatnonzero(self.codes == gss_code)
        if not len(found):
            raise KeyError(f"{gss_code} is not one of the {N_COUNCILS} councils")
        return int(found[0])

    def with_dtoc_beds(self, beds: np.ndarray) -> Dataset:
        """A copy with other delayed beds a day, for re-running the tests on changed
        data (unknown months must stay NaN). Councils, allocations and the England row
        are shared with this dataset, not copied."""
        changed = replace(
            self, dtoc_days=beds * self.days[None, :, None], data_hash=f"{self.data_hash}+what-if"
        )
        # Cached properties that the change leaves as they are, plus the beds themselves.
        for name in ("days", "adults", "codes", "has_dtoc", "england_beds"):
            changed.__dict__[name] = getattr(self, name)
        changed.__dict__["dtoc_beds"] = beds
        return changed


def build_dataset(
    raw: dict[str, pd.DataFrame],
    official: dict[str, pd.DataFrame],
    data_hash: str,
    method: allocation.Method = allocation.DEFAULT_METHOD,
) -> Dataset:
    """Validate raw tables and assemble the :class:`Dataset` (pure: no file access).

    ``method``: how allocations are reconstructed (precept equalisation by default;
    the COVID-19 proxy split for comparison). An official table overrides either.
    """
    from simulator.inputs import schemas

    councils = build_councils(raw["councils"], raw["populations"])
    known = schemas.Councils.of(councils)
    codes = councils["gss_code"].to_numpy()
    check_expectation_facts(raw["expectation_facts"], known)
    inputs = allocation_inputs(raw, councils, known)
    council_taxbase_ctb(raw["taxbase"], known)
    published = validated_known_figures(raw["known_figures"], known)
    reconstruction = inputs.reconstruct(method)
    outturn = reported.validated_outturn(raw["outturn"], codes)
    report, screen, corrections = reported_checks(outturn, inputs, councils)
    if method.kind == "reported":
        shares = reported.corrected_shares(
            reconstruction.shares, councils["authority_type"].to_numpy(), corrections
        )
        baseline = reported_baseline(reconstruction, screen, shares)
    else:
        baseline = reconstructed_baseline(reconstruction)
    allocations = build_allocations(councils, baseline, official.get("allocations"))
    report["allocation_total"] = allocations["allocation_total"].to_numpy()
    months, dtoc_days, england_days = build_dtoc(raw["dtoc"], known)
    missing = list(codes[np.isnan(dtoc_days[:, :, 3]).all(axis=1)])
    check_dtoc_lookup(raw["dtoc_lookup"], replace(known, with_dtoc=frozenset(codes) - set(missing)))
    if missing:
        log.info("no DToC rows for %s (reported within another council)", ", ".join(missing))
    distribution = None
    if "distribution" in raw:
        from simulator.inputs.distribution import validate

        distribution = validate(raw["distribution"], councils)
    return Dataset(
        councils=councils,
        allocations=allocations,
        months=months,
        dtoc_days=dtoc_days,
        england_days=england_days,
        known_figures=known_figure_checks(published, inputs, reconstruction, codes),
        official_expectations=build_official_expectations(official.get("expectations"), known),
        data_hash=data_hash,
        sources={
            "councils": "ONS mid-2017 population estimates; MHCLG Oflog ASC dataset",
            "allocations": (
                "official table" if "allocations" in official else allocation_source(method)
            ),
            "dtoc": "NHS England DToC LA Type B, revised figures, 2011-04 to 2018-03",
        },
        allocation_method=method,
        reconstruction=reconstruction,
        allocation_inputs=inputs,
        published_figures=published,
        reported=report,
        report_screen=screen,
        report_corrections=corrections,
        distribution=distribution,
        check_totals=check_totals(raw, outturn),
        rnf_checkpoints=schemas.validate(
            raw["rnf_checkpoints"], schemas.asc_rnf_checkpoints(known)
        ),
    )


def check_totals(raw: dict[str, pd.DataFrame], outturn: pd.DataFrame) -> dict[str, float]:
    """Sums of the data that published figures check (the scorecard of ``ibcf replay``),
    read from the validated tables: the councils levying the ASC precept in 2016-17 and
    what it raised (£, CTR returns), the 2018-19 ASC support and winter pressures grants
    the councils reported receiving (£, revenue outturn) and the COVID-19 tranche 1
    money of the councils in the proxy file (£)."""
    from simulator.inputs.schemas import parse

    ctr = raw["council_tax"]
    levied = parse(ctr.loc[ctr["year"] == "2016-17", "asc_precept_in_year_amount"])[0]
    levied = levied.fillna(0.0)
    return {
        "precept_2016_17_councils": float((levied > 0).sum()),
        "precept_2016_17": float(levied.sum()),
        "outturn_asc_support_grant": 1000 * float(outturn["rg_asc_support_grant"].sum()),
        "outturn_winter_pressures_grant": 1000 * float(outturn["rg_winter_pressures_grant"].sum()),
        "covid19_tranche1_councils": float(parse(raw["proxy"]["amount"])[0].sum()),
    }


def reported_checks(
    outturn: pd.DataFrame, inputs: allocation.Inputs, councils: pd.DataFrame
) -> tuple[pd.DataFrame, reported.Screen, dict[str, float]]:
    """Every council's reported 2018-19 iBCF beside the precept-equalisation rebuild:
    report (£), status and reason of the screen, the need share it implies as a ratio to
    the share used, the rebuilt total, the difference (rebuilt − reported) in £ and %.

    The screen and the rebuild use the default equalisation whatever method is chosen,
    so a council's status is a property of its report, not of the method. Returned with
    the screen and the need-share corrections fitted on it.
    """
    method = allocation.EQUALISATION_METHOD
    recon = inputs.reconstruct(method)
    year = "2018-19"
    precept = recon.precept[year]
    pot = ORIGINAL_TOTAL_2018_19 + SPRING_BUDGET_TOTAL_2018_19
    report = outturn[reported.COLUMN].to_numpy(dtype=float) * 1000
    screen = reported.screen(report, recon.shares, precept, pot)
    groups = councils["authority_type"].to_numpy()
    corrections = reported.share_corrections(screen.share_ratio, screen.screened, groups)
    rebuilt = recon.original[year] + recon.spring_budget[year]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(report > 0, 100 * (rebuilt - report) / report, np.nan)
    frame = pd.DataFrame(
        {
            "gss_code": councils["gss_code"].to_numpy(),
            "council": councils["council"].to_numpy(),
            "authority_type": groups,
            "reported_2018_19": report,
            "report_status": screen.status,
            "report_reason": screen.reason,
            "implied_share_ratio": np.round(screen.share_ratio, 4),
            "rebuilt_2018_19": rebuilt,
            "difference": rebuilt - np.nan_to_num(report),
            "difference_pct": np.round(pct, 2),
        }
    )
    frame.loc[np.isnan(report), "difference"] = np.nan
    return frame, screen, corrections


def agreement(rebuilt: np.ndarray, report: np.ndarray) -> dict[str, float]:
    """How close 2018/19 totals are to the reports, over councils with a positive report:
    median and worst absolute difference (% of the report), and the councils within 1%
    and within 5%.

    >>> a = agreement(np.array([100.0, 103.0, 90.0, 7.0]), np.array([100.0, 100, 100, 0]))
    >>> a["councils"], a["median_abs_pct"], a["worst_abs_pct"], a["within_1pct"], a["within_5pct"]
    (3, 3.0, 10.0, 1, 2)
    """
    report = np.asarray(report, dtype=float)
    positive = np.nan_to_num(report) > 0
    pct = np.abs(np.asarray(rebuilt, dtype=float)[positive] - report[positive]) / report[positive]
    pct = 100 * pct
    return {
        "councils": int(positive.sum()),
        "median_abs_pct": round(float(np.median(pct)), 2),
        "worst_abs_pct": round(float(pct.max()), 1),
        "within_1pct": int((pct <= 1).sum()),
        "within_5pct": int((pct <= 5).sum()),
    }


def convention_check(data: Dataset) -> dict[str, float]:
    """What the screened reports say about the choices the method leaves open: for each
    precept convention and form, the median absolute difference (%) between precept
    equalisation for every council and the reports, over the screened councils only."""
    inputs, screen = data.allocation_inputs, data.report_screen
    if inputs is None or screen is None:
        return {}
    used = screen.screened
    report = screen.reported[used]
    out: dict[str, float] = {}
    for convention in ("settlement", "actual"):
        for form in allocation.FORMS:
            method = allocation.Method("equalisation", convention, form)
            recon = inputs.reconstruct(method)
            totals = (recon.original["2018-19"] + recon.spring_budget["2018-19"])[used]
            pct = 100 * np.abs(totals - report) / report
            out[f"{convention} precept, {form.replace('_', '-')}"] = round(float(np.median(pct)), 2)
    return out


def reported_agreement(data: Dataset) -> pd.DataFrame:
    """Every method's 2018/19 totals against the reported figures (:func:`agreement`),
    with the council furthest from its report: the default on reported figures, then
    precept equalisation and each single change from it, and the proxy split."""
    inputs, report = data.allocation_inputs, data.reported
    screen, corrections = data.report_screen, data.report_corrections
    if inputs is None or report is None or screen is None:
        return pd.DataFrame()
    values = report["reported_2018_19"].to_numpy(dtype=float)
    names = data.councils["council"].to_numpy()
    methods: dict[str, np.ndarray] = {}
    on_reports = allocation.Method(
        "reported",
        data.allocation_method.convention,
        data.allocation_method.form,
        data.allocation_method.rounded_bounds,
    )
    recon = inputs.reconstruct(on_reports)
    shares = reported.corrected_shares(
        recon.shares, data.councils["authority_type"].to_numpy(), corrections
    )
    base = reported_baseline(recon, screen, shares)
    methods[on_reports.label] = base.values["original"] + base.values["spring_budget"]
    for name, method in allocation.variants().items():
        r = inputs.reconstruct(method)
        label = method.label if name != "default" else f"{method.label} (every council)"
        methods[label] = r.original["2018-19"] + r.spring_budget["2018-19"]
    rows = []
    positive = np.nan_to_num(values) > 0
    for label, totals in methods.items():
        pct = np.full(len(values), -1.0)
        pct[positive] = np.abs(totals[positive] - values[positive]) / values[positive]
        worst = int(np.argmax(pct))
        rows.append({"method": label, **agreement(totals, values), "worst_council": names[worst]})
    return pd.DataFrame(rows)


def reconstruction_frame(data: Dataset) -> pd.DataFrame:
    """Per council: need share and its source, precept capacity and both elements for
    each year 2017-18 … 2019-20 (whole pounds) under the dataset's method."""
    recon, inputs = data.reconstruction, data.allocation_inputs
    if recon is None or inputs is None:
        return pd.DataFrame()
    method = recon.method
    frame = pd.DataFrame(
        {
            "gss_code": data.codes,
            "council": data.councils["council"].to_numpy(),
            "need_share": recon.shares,
            "need_share_source": [inputs.share_source(i, method) for i in range(len(data.codes))],
            "proxy_share": inputs.proxy,
        }
    )
    for year in allocation.YEARS:
        frame[f"precept_capacity_{year}"] = np.round(recon.precept[year]).astype(np.int64)
        frame[f"original_{year}"] = recon.original[year]
        frame[f"spring_budget_{year}"] = recon.spring_budget[year]
    frame["method"] = method.status
    return frame


def allocation_totals(data: Dataset) -> pd.DataFrame:
    """Each element and year: the national pot, the reconstruction's sum, councils
    given nothing, and the national precept capacity beside DCLG's own forecast."""
    recon = data.reconstruction
    if recon is None:
        return pd.DataFrame()
    rows = []
    for year in allocation.YEARS:
        for element, pot in (
            ("original", allocation.ORIGINAL_POTS[year]),
            ("spring_budget", allocation.SPRING_BUDGET_POTS[year]),
        ):
            values = getattr(recon, element)[year]
            rows.append(
                {
                    "year": year,
                    "element": element,
                    "pot": pot,
                    "reconstructed": int(values.sum()),
                    "councils_with_nothing": int((values == 0).sum()),
                    "precept_capacity": round(float(recon.precept[year].sum())),
                    "dclg_precept_forecast": allocation.DCLG_PRECEPT_FORECAST[year],
                }
            )
    return pd.DataFrame(rows)


def check_hex_layout(hexjson: dict[str, Any], codes: np.ndarray) -> None:
    """The hex map's layout (drawn for the 2019 councils): a layout kind the map knows,
    whole-number ``q`` and ``r`` for each hex, no two hexes in one place, and a hex for
    every council of 2017/18 (Bournemouth, Poole and Dorset take those of their 2019
    successors, E06000058 and E06000059)."""
    file = "hex_upper_tier_2019.hexjson"
    problems = []
    kind = hexjson.get("layout", "odd-r")
    if kind not in ("odd-r", "even-r"):
        problems.append(f"{file}: layout: {str(kind)[:40]!r} is not odd-r or even-r")
    cells: dict[tuple[int, int], str] = {}
    for code, cell in hexjson["hexes"].items():
        where = f"{file}: hexes: {str(code)[:20]}"
        q, r = (cell.get(k) if isinstance(cell, dict) else None for k in ("q", "r"))
        if (
            not (isinstance(q, int) and isinstance(r, int))
            or isinstance(q, bool)
            or isinstance(r, bool)
        ):
            problems.append(f"{where}: q and r must be whole numbers")
        elif (q, r) in cells:
            problems.append(f"{where}: shares the hex ({q}, {r}) with {cells[q, r]}")
        else:
            cells[q, r] = str(code)
    needed = sorted((set(codes) - set(BCP_DORSET)) | {"E06000058", "E06000059"})
    missing = [c for c in needed if c not in hexjson["hexes"]]
    if missing:
        problems.append(f"{file}: hexes: no hex for {', '.join(missing[:5])}")
    if problems:
        raise DataError(problems[:10])


# The datasets this process has built, by the bytes they were built from and the method:
# a process that loads the same folder again (a notebook, the test suite, a design run's
# chunks) reads the files and reuses the validated dataset instead of validating it
# again. Shared, so read-only, as the app's sessions already share theirs.
_BUILT: dict[tuple[str, str | None, allocation.Method], Dataset] = {}
_BUILT_KEPT = 4


def load_dataset(method: allocation.Method = allocation.DEFAULT_METHOD) -> Dataset:
    """Load and validate the data folder (``IBCF_DATA_DIR`` or the bundled ``data/``):
    every table, and the hex map's layout the app draws. The files are read every time;
    a dataset already built in this process from the same bytes is reused."""
    from simulator import io

    raw, official, data_hash = io.read_data_tables(io.RAW_DIR, io.OFFICIAL_DIR)
    # The data hash covers every table but the who-bears-it one, so the key adds it.
    key = (data_hash, io.file_digest(io.RAW_DIR / io.DISTRIBUTION_FILE), method)
    data = _BUILT.get(key)
    if data is None:
        data = build_dataset(raw, official, data_hash, method)
        while len(_BUILT) >= _BUILT_KEPT:
            del _BUILT[next(iter(_BUILT))]
        _BUILT[key] = data
    check_hex_layout(io.read_hexjson(io.HEX_LAYOUT), data.codes)
    return data
