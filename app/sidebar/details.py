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
STALE_NOTES = (
    "The description now follows the option, but the notes were written before it was "
    "edited: they may no longer describe it. Edit them, or say they still hold."
)


def _describe_from_option(ctx: Ctx) -> None:
    state.apply({"description": services.policy_sentence(ctx.result)})


def _keep_text(ctx: Ctx) -> None:
    # Confirmed for this option: its own hash, which the link carries to whoever opens it.
    state.apply({"text_for": ctx.result.scenario.content_hash()})


def stale_text(ctx: Ctx, locked: bool) -> None:
    """Say that the written description and notes may be stale; regenerate the
    description, or confirm them. The notes are the analyst's own text: the warning (and
    the exports' caveat) stays until they are edited or confirmed."""
    scen = ctx.result.scenario
    generated = scen.description == services.policy_sentence(ctx.result)
    text = STALE_NOTES if generated and scen.notes else STALE_TEXT
    st.warning(text, icon=":material/edit_note:")
    c1, c2 = st.columns(2)
    c1.button(
        "Describe from the option",
        key="stale_regenerate",
        disabled=locked or generated,
        help="Replace the description with the option's one-sentence summary (the notes "
        "are yours: edit them, or say they still hold).",
        on_click=_describe_from_option,
        args=(ctx,),
    )
    c2.button(
        "They still hold",
        key="stale_keep",
        disabled=locked,
        help="Keep the description and notes as written and clear this warning.",
        on_click=_keep_text,
        args=(ctx,),
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
