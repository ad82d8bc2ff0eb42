"""Small drawing helpers shared by the views: a chart with its CSV, a table with its CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.context import Ctx
from app.display import YEAR
from simulator import MODEL_VERSION

RECONSTRUCTED_NOTE = (
    "Allocations are RECONSTRUCTED (precept equalisation): the official per-council "
    "2018/19 iBCF table is not loaded (data/official/), so both elements are rebuilt by "
    "the best-supported reading of the published method: need shares of the pot plus the "
    "adult social care precept councils can raise, less each council's precept (see Data "
    "and assumptions). September 2017 expectations are reconstructed by a rule."
)
WORKSHOP_NOTE = (
    "Workshop mode: neutral labels (Council A, Council B, ...) hide names from an "
    "audience, but do not stop anyone identifying a council from published figures "
    "such as its allocation or its delayed transfers. Region, authority type, adult "
    "population and the two allocation elements are left out of council-level tables."
)
MONEY_COLUMNS = (
    "allocation_original",
    "allocation_spring_budget",
    "allocation_total",
    "conditioned",
    "withheld",
    "received",
    "final_allocation",
    "change",
)


def csv_text(frame: pd.DataFrame, ctx: Ctx, what: str) -> str:
    """A CSV that opens cleanly in Excel: a header row, then the rows; UTF-8 with a byte
    order mark so that £ reads as £. What it is, the year, data, model and allocation
    status go in the sidecar (:func:`about_frame`), not in the file."""
    del ctx, what  # said once, in about.csv beside the tables
    return "\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")


def about_frame(ctx: Ctx, files: dict[str, str]) -> pd.DataFrame:
    """The sidecar of a set of CSVs: each file, what it holds, the scenario, year, data,
    model and allocation status, then every caveat."""
    from simulator.export import CAVEATS, scenario_caveats

    status = ctx.result.summary.get("allocation_status", "reconstructed")
    rows = [
        ("scenario", f"{ctx.scenario.name} ({ctx.scenario.content_hash()})"),
        ("year", YEAR),
        ("data", ctx.data.data_hash),
        ("model", MODEL_VERSION),
        ("allocations", status.upper()),
    ]
    rows += [(f"{name}.csv", what) for name, what in files.items()]
    rows += [("caveat", c) for c in scenario_caveats(ctx.result) + CAVEATS]
    return pd.DataFrame(rows, columns=["item", "value"])


def csv_button(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    ctx: Ctx,
    name: str,
    what: str,
    label: str | None = None,
    key: str | None = None,
) -> None:
    """A download button for one table (built only when clicked if given a function)."""

    def build() -> str:
        table = frame() if callable(frame) else frame
        return csv_text(ctx.shown(table), ctx, what)

    st.download_button(
        label or f"CSV: {what}",
        data=build,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"csv_{name}",
        on_click="ignore",
        icon=":material/download:",
    )


def scenario_brief(ctx: Ctx) -> bytes:
    """The scenario's one-page brief (council names replaced in workshop mode)."""
    from simulator import brief

    aliases = ctx.aliases if ctx.workshop else None
    return brief.scenario_pdf(ctx.result, ctx.projection, aliases=aliases)


def brief_button(
    build: Callable[[], bytes], file_name: str, key: str, label: str = "One-page brief (PDF)"
) -> None:
    """Download of a one-page PDF brief, built only when clicked."""
    st.download_button(
        label,
        data=build,
        file_name=file_name,
        mime="application/pdf",
        key=key,
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )


def chart(fig: go.Figure, frame: pd.DataFrame, ctx: Ctx, name: str, what: str) -> None:
    st.plotly_chart(fig, width="stretch", key=f"chart_{name}", config={"displaylogo": False})
    csv_button(frame, ctx, name, what, label=f"CSV of this chart ({what})")


def arrow_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns holding mixed types (a parameter table's values) shown as text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col] if v is not None}
            if len(kinds) > 1:
                out[col] = out[col].map(lambda v: "" if v is None else str(v))
    return out


def table(frame: pd.DataFrame, ctx: Ctx, name: str, what: str, **kwargs: Any) -> None:
    shown = arrow_safe(ctx.shown(frame))
    config = dict(kwargs.pop("column_config", {}) or {})
    for col in shown.columns:
        if col in MONEY_COLUMNS and col not in config:
            config[col] = st.column_config.NumberColumn(f"{col} (£)", format="localized")
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config, key=f"table_{name}", **kwargs
    )
    csv_button(frame, ctx, name, what)
