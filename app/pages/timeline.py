"""Timeline: the 2017 decision dates, who each shipped rule would have selected at each,
and the scorecard of every published figure the project knows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import services, show
from app.context import Ctx
from app.text import md

SCORECARD = "Scorecard of published figures"


def selected_frame(steps: list[services.ReplayStep]) -> pd.DataFrame:
    """One row per decision date, one column per rule: how many it selects."""
    rows: dict[str, dict[str, object]] = {}
    for step in steps:
        rows.setdefault(step.label, {"decision date": step.label})[step.rule] = len(step.codes)
    return pd.DataFrame(list(rows.values()))


def render(ctx: Ctx) -> None:
    steps, card = services.replay_2017()
    st.markdown(
        "The shipped rules stepped through 2017, each reading the data a decision at that "
        "date would have read. DToC figures are NHS England's revised ones (14 June 2018), "
        "not those first published."
    )
    counts = selected_frame(steps)
    show.table(counts, ctx, "timeline_counts", "councils selected by date and rule")
    for month, label in services.REPLAY_DATES:
        with st.expander(label):
            for step in (s for s in steps if s.month == month):
                names = ", ".join(md(ctx.name(code)) for code in sorted(step.codes, key=ctx.name))
                st.markdown(f"**{md(step.rule)}** ({len(step.codes)}): {names or 'none'}")
    st.markdown(f"#### {SCORECARD}")
    shown = card[~card["names_council"]] if ctx.workshop else card
    if ctx.workshop:
        st.caption("Workshop mode: figures about a named council are left out.")
    show.table(
        shown.drop(columns=["names_council"]).reset_index(drop=True),
        ctx,
        "timeline_scorecard",
        "published figures beside the model's",
    )
    st.caption(
        f"{services.replay_label_counts(shown)}. "
        + "; ".join(f"{k.capitalize()}: {v}" for k, v in services.REPLAY_LABELS.items())
        + "."
    )
