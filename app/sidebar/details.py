"""The scenario's own details (name, author, date, description, notes) and the warning
that the description and notes may no longer describe an edited option."""

from __future__ import annotations

import streamlit as st

from app import services, state
from app import widgets as w
from app.context import Ctx
from app.services import Scenario
from app.sidebar.form import Field, Form, Part, Section

STALE_TEXT = (
    "The description and notes were written before this option was edited: they may no "
    "longer describe it."
)


def _describe_from_option(ctx: Ctx) -> None:
    state.apply({"description": services.policy_sentence(ctx.result)})


def _keep_text() -> None:
    state.apply({"text_for": None})


def stale_text(ctx: Ctx, locked: bool) -> None:
    """Say that the written description and notes may be stale; regenerate, or keep."""
    st.warning(STALE_TEXT, icon=":material/edit_note:")
    c1, c2 = st.columns(2)
    c1.button(
        "Describe from the option",
        key="stale_regenerate",
        disabled=locked,
        help="Replace the description with the option's one-sentence summary.",
        on_click=_describe_from_option,
        args=(ctx,),
    )
    c2.button(
        "They still hold",
        key="stale_keep",
        disabled=locked,
        help="Keep the description and notes as written and clear this warning.",
        on_click=_keep_text,
    )


def _date(form: Form) -> None:
    dkey = w.key("date")
    st.text_input(
        "Date (YYYY-MM-DD)",
        key=dkey,
        disabled=form.locked,
        on_change=w.bind(
            dkey,
            form.data.get("date", ""),
            lambda d: d.get("date", ""),
            lambda text: state.apply({"date": text.strip() or None}),
        ),
    )


def _texts(form: Form) -> None:
    for name in ("description", "notes"):
        wkey = w.key(name)
        st.text_area(
            name.capitalize(),
            key=wkey,
            disabled=form.locked,
            on_change=w.bind(
                wkey, form.data.get(name, ""), w.reads(name, lambda v: v or ""), w.at(name)
            ),
        )


DETAILS = Section(
    Scenario,
    "",
    (
        Field("name", options={"label": "Name"}),
        Field("author", options={"label": "Author"}),
        Part(_date),
        Part(_texts),
    ),
)
