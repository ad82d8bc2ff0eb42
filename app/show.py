"""Small drawing helpers shared by the views: a chart with its CSV, a table with its CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.context import Ctx
from app.display import YEAR
from simulator import MODEL_VERSION, cells

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
    """CSV with two ``#`` lines saying what it is, the year, data, model and status.

    The scenario's name is kept on its comment line, and every text cell that a
    spreadsheet would run as a formula is written as text (:mod:`simulator.cells`)."""
    status = ctx.result.summary.get("allocation_status", "reconstructed")
    head = (
        f"# {what}; scenario '{cells.comment_text(ctx.scenario.name)}' "
        f"({ctx.scenario.content_hash()}); {YEAR}; "
        f"data {ctx.data.data_hash}; model {MODEL_VERSION}\n"
        f"# allocations: {status.upper()}"
        + (" (not the official table; see Data and assumptions)" if status != "official" else "")
        + "\n"
    )
    return head + cells.csv_text(frame)


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
