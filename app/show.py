"""Small drawing helpers shared by the views: a chart with its CSV, a table with its CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import charts, services, state
from app.context import Ctx
from app.headings import headings
from app.services import BREAKDOWN_MONEY, CAVEATS, MODEL_VERSION, YEAR, scenario_caveats

RECONSTRUCTED_NOTE = (
    "Allocations are councils' REPORTED figures where plausible, RECONSTRUCTED elsewhere: "
    "the official per-council 2018/19 iBCF table is not loaded (data/official/). Each "
    "council's 2018/19 total is the iBCF it reported receiving (MHCLG revenue outturn "
    "2018-19) where the report passes a plausibility screen; the rest of each pot goes to "
    "the other councils by precept equalisation, the best-supported reading of the "
    "published method: need shares of the pot plus the adult social care precept councils "
    "can raise, less each council's precept. The split between the two elements is "
    "reconstructed for every council (see Data and assumptions). September 2017 "
    "expectations are reconstructed by a rule."
)
# The header's warning: short enough that a phone's first screen still reaches the
# numbers, naming the method; the whole method is on the Data and assumptions page.
RECONSTRUCTED_HEADLINE = (
    "Allocations are councils' REPORTED 2018-19 figures where plausible, RECONSTRUCTED by "
    "precept equalisation elsewhere, not the official 2018/19 table; September 2017 "
    "expectations are reconstructed by a rule. Status and sources: Data and assumptions."
)
RECONSTRUCTED_SHORT = (
    "Allocations are REPORTED figures where plausible, RECONSTRUCTED elsewhere, not the "
    "official table (see Data and assumptions)."
)
WORKSHOP_NOTE = (
    "Workshop mode: neutral labels (Council A, Council B, ...) hide names from an "
    "audience, but do not stop anyone identifying a council from published figures "
    "such as its allocation or its delayed transfers. Region, authority type, adult "
    "population and the two allocation elements are left out of council-level tables."
)
MONEY_COLUMNS = ("allocation_original", "allocation_spring_budget", *BREAKDOWN_MONEY)


def markdown_escape(text: str) -> str:
    r"""Text shown literally inside markdown (a chart title naming a council).

    >>> print(markdown_escape("A_B *C* [d](e) <f>"))
    A\_B \*C\* \[d\]\(e\) \<f\>
    """
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in text)


def metric_columns(n: int, ctx: Ctx) -> list[Any]:
    """``n`` slots for headline cards in rows of four, in workshop mode too (its larger
    numbers are sized to a quarter of the screen, so two rows of four fill the first
    screen of a projector with no hole)."""
    del ctx
    per_row = 4
    slots: list[Any] = []
    while len(slots) < n:
        slots += st.columns(per_row)
    return slots[:n]


def csv_text(frame: pd.DataFrame, ctx: Ctx, what: str) -> str:
    """A CSV that opens cleanly in Excel: a header row, then the rows; UTF-8 with a byte
    order mark so that £ reads as £; text a spreadsheet would run as a formula is
    written as text (the model's ``cells`` rules). What it is, the year, data, model and allocation
    status go in the sidecar (:func:`about_frame`), not in the file."""
    del ctx, what  # said once, in about.csv beside the tables
    return "\ufeff" + services.cells_csv_text(frame)


def about_frame(ctx: Ctx, files: dict[str, str]) -> pd.DataFrame:
    """The sidecar of a set of CSVs: each file, what it holds, the scenario, year, data,
    model and allocation status, then every caveat."""
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
    aliases = ctx.aliases if ctx.workshop else None
    return services.scenario_pdf(ctx.result, ctx.projection, aliases)


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


CHART_FOLLOWS = "The chart follows in a moment."  # a light view's placeholder


def chart(
    fig: go.Figure, frame: pd.DataFrame, ctx: Ctx, name: str, what: str, **kwargs: Any
) -> Any:
    """A chart (larger type in workshop mode; no toolbar over its title) and its CSV.
    Extra arguments go to ``st.plotly_chart`` (a selection event is returned). In a
    new visitor's first view, a light placeholder of the chart's height instead."""
    if state.light_view():
        with st.container(height=int(fig.layout.height or 380), border=True):
            st.caption(CHART_FOLLOWS)
        return None
    if ctx.workshop:
        fig = charts.presenting(fig)
    # The title is drawn by the page, above the chart: it wraps and scales like the text
    # around it, where a chart's own title is clipped or sits under the legend.
    title = str(fig.layout.title.text or "").replace("<br>", " ")
    fig = go.Figure(fig)
    fig.update_layout(title={"text": ""})
    charts.room_on_top(fig)
    if title:
        st.markdown(f"**{markdown_escape(title)}**")
    event = st.plotly_chart(
        fig,
        width="stretch",
        key=f"chart_{name}",
        config={"displayModeBar": False, "displaylogo": False},
        **kwargs,
    )
    csv_button(frame, ctx, name, what, label=f"CSV of this chart ({what})")
    return event


def arrow_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns holding mixed types (a parameter table's values) shown as text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col] if v is not None}
            if len(kinds) > 1:
                out[col] = out[col].map(lambda v: "" if v is None else str(v))
    return out


def scenario_test_labels(ctx: Ctx) -> dict[str, str]:
    """The scenario's test ids and labels, for the headings of the per-test columns."""
    return {t.id: t.label or t.id for t in ctx.scenario.selection.tests}


def column_config(columns: list[str], ctx: Ctx) -> dict[str, Any]:
    """Every column headed by its label and unit (the CSV keeps the file's names);
    money with separators; the council's name frozen on the left."""
    config: dict[str, Any] = {}
    names = headings(columns, scenario_test_labels(ctx))
    for col in columns:
        if col in MONEY_COLUMNS:
            config[col] = st.column_config.NumberColumn(names[col], format="localized")
        elif col == "council":
            config[col] = st.column_config.Column(names[col], pinned=True)
        else:
            config[col] = st.column_config.Column(names[col])
    return config


def table(frame: pd.DataFrame, ctx: Ctx, name: str, what: str, **kwargs: Any) -> None:
    shown = arrow_safe(ctx.shown(frame))
    config = column_config(list(shown.columns), ctx)
    config.update(kwargs.pop("column_config", {}) or {})
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config, key=f"table_{name}", **kwargs
    )
    csv_button(frame, ctx, name, what)
