"""Councils: every output column for all 152 councils, and one council's card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import council_card, services, show
from app.context import Ctx
from app.services import YEAR

SEARCH = "council_search"
ONLY_SELECTED = "only_selected"


def councils_table(ctx: Ctx) -> pd.DataFrame:
    return services.councils_frame(ctx.result)


def searched_columns(workshop: bool) -> list[str]:
    """The columns the search box reads: in workshop mode only the neutral label."""
    return ["council"] if workshop else ["council", "gss_code", "region", "authority_type"]


def filtered(frame: pd.DataFrame, ctx: Ctx, text: str, only_selected: bool) -> pd.DataFrame:
    shown = ctx.shown(frame)
    if only_selected:
        shown = shown[shown["selected"]]
    text = text.strip().lower()
    if text:
        hay = shown[searched_columns(ctx.workshop)].astype(str).agg(" ".join, axis=1)
        shown = shown[hay.str.lower().str.contains(text, regex=False)]
    return shown


def render(ctx: Ctx) -> None:
    table = councils_table(ctx)
    st.markdown(f"#### All 152 councils, {YEAR}")
    if ctx.workshop:
        st.caption(show.WORKSHOP_NOTE)
    c1, c2 = st.columns([3, 1])
    what = "label" if ctx.workshop else "name, code, region or type"
    text = c1.text_input(f"Search councils ({what})", key=SEARCH)
    only = c2.toggle("Selected only", key=ONLY_SELECTED)
    shown = filtered(table, ctx, text, only)
    st.caption(
        f"{len(shown)} of 152 councils shown. Click a column heading to sort. Money in whole "
        f"pounds, {YEAR}; test values and margins per 100,000 adults 18+ (margin: value minus "
        "the test's line, positive = fails by that much) and in delayed beds a day."
    )
    show.table(shown, ctx, "councils_shown", "councils (as filtered)", height=380)
    st.divider()
    council_card.render(ctx)
