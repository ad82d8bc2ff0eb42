"""The sidebar: choose, edit, upload, download and share a scenario.

Sections follow the scenario file: selection, consequences, redistribution,
projection assumptions, the expectations rule and the scenario's own details. Each
is a short list of rows declared beside it (:mod:`app.sidebar.form`) and drawn from
the scenario's field declarations; every widget is bound by :func:`app.widgets.bind`.
"""

from __future__ import annotations

import streamlit as st

from app import services, state
from app import widgets as w
from app.context import Ctx
from app.services import YEAR, Consequences
from app.sidebar import choose, details
from app.sidebar.assumptions import EXPECTATIONS, PROJECTION
from app.sidebar.details import DETAILS, STALE_NOTES, STALE_TEXT
from app.sidebar.form import Form, draw
from app.sidebar.money import CONSEQUENCES, REDISTRIBUTION
from app.sidebar.selection import SELECTION

__all__ = ["STALE_NOTES", "STALE_TEXT", "render"]


def render(ctx: Ctx) -> None:
    scen = state.scenario()
    form = Form(ctx, scen, services.as_dict(scen), ctx.workshop)
    with st.sidebar:
        if form.locked:  # first, on a projector's first screen: the presenter's hands
            st.markdown("**Presenter levers**")
            for name in ("condition_pct", "reduction_pct"):
                w.field(Consequences, name, f"consequences.{name}", form.data)
            st.caption("Other settings are locked in workshop mode.")
            st.divider()
        choose.render(ctx)
        st.divider()
        with st.expander("Selection: who is reviewed", expanded=False):
            draw(SELECTION, form)
        with st.expander("Consequences: conditions and reductions", expanded=not form.locked):
            draw(CONSEQUENCES, form)
        with st.expander("Redistribution of withheld money"):
            draw(REDISTRIBUTION, form)
        with st.expander(f"Projection assumptions ({YEAR})"):
            draw(PROJECTION, form)
        with st.expander("Expectations: September 2017 (reconstruction rule)"):
            draw(EXPECTATIONS, form)
        if scen.text_stale:
            details.stale_text(ctx, form.locked)
        with st.expander("Scenario details"):
            draw(DETAILS, form)
