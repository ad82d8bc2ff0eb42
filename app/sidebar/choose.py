"""The top of the sidebar: workshop mode, the shipped scenario chosen, undo, redo and
reset, the scenario file (download and upload) and the shareable link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from app import link, services, state
from app.context import Ctx
from app.display import slug
from app.services import MAX_SCENARIO_BYTES, YEAR, Scenario, scenario_toml
from app.text import md

PENDING = "_pending_preset"
SHARE_OPEN = "share_link_open"


def edited() -> bool:
    """The scenario differs from the shipped file it started from."""
    shipped = services.presets()[state.preset_slug()]
    return services.as_dict(state.scenario()) != services.as_dict(shipped)


def _preset_changed() -> None:
    """Switch scenario; with unsaved edits, ask first (the choice waits in PENDING)."""
    chosen = st.session_state[state.PRESET_SELECT]
    if chosen == state.preset_slug() and not edited():
        return
    if edited():
        st.session_state[PENDING] = chosen
        st.session_state[state.PRESET_SELECT] = state.preset_slug()
        return
    state.replace(services.presets()[chosen], chosen)


def _switch_confirmed() -> None:
    chosen = st.session_state.pop(PENDING, None)
    if chosen in services.presets():
        state.replace(services.presets()[chosen], chosen)


def _switch_cancelled() -> None:
    st.session_state.pop(PENDING, None)


def _reset() -> None:
    current = state.preset_slug()
    state.replace(services.presets()[current], current)
    st.session_state.pop(state.UPLOAD_ERRORS, None)


def _uploaded() -> None:
    upload = st.session_state.get(state.UPLOAD)
    if upload is None:
        st.session_state[state.UPLOAD_ERRORS] = []
        return
    handle_upload(upload.name, upload.getvalue())


def handle_upload(name: str, raw: bytes) -> bool:
    """Validate an uploaded file; swap it in, or keep the scenario and list the errors."""
    data = services.dataset()
    scenario, errors, warnings = services.read_scenario_file(
        name, raw, services.context(), data.data_hash
    )
    if scenario is not None:
        errors = services.problems(scenario, Path(name or "upload").name)
    if scenario is None or errors:
        st.session_state[state.UPLOAD_ERRORS] = errors
        return False
    st.session_state[state.UPLOAD_ERRORS] = []
    slug = link.closest_preset(scenario, services.presets())
    state.replace(scenario, slug)
    state.flash("success", f"Loaded {scenario.name} from {Path(name or 'upload').name}.")
    params = services.link_params(slug, services.presets()[slug], scenario, data.data_hash)
    cut = link.left_out(params)
    if cut:
        warnings = [*warnings, link.sender_note(cut)]
    if warnings:
        state.flash("warning", warnings)
    return True


def render(ctx: Ctx) -> None:
    """Workshop mode, the scenario chosen (asking before edits are discarded), undo,
    redo, reset and the files."""
    scen = state.scenario()
    st.toggle(
        "Workshop mode",
        key=state.WORKSHOP,
        help="For presenting: larger type, shipped scenarios locked (only the two "
        "shares can move), council names replaced by 'Council A', 'Council B'..., "
        "one-click reset.",
    )
    st.selectbox(
        "Scenario",
        list(ctx.presets),
        key=state.PRESET_SELECT,
        format_func=lambda s: ctx.presets[s].name,
        on_change=_preset_changed,
        help="A shipped scenario (scenarios/*.toml). The status quo is the published "
        f"{YEAR} allocations with no review.",
    )
    changed = services.as_dict(scen) != services.as_dict(ctx.presets[state.preset_slug()])
    pending = st.session_state.get(PENDING)
    if pending in ctx.presets:
        st.warning(
            f"Switching to {ctx.presets[pending].name} discards the changes made to "
            "this scenario (Undo brings them back).",
            icon=":material/warning:",
        )
        a, b = st.columns(2)
        a.button("Switch", on_click=_switch_confirmed, type="primary", width="stretch")
        b.button("Keep editing", on_click=_switch_cancelled, width="stretch")
    st.caption("Now showing" + (", changed from the shipped file:" if changed else ":"))
    st.text(scen.name)
    _history(ctx.workshop)
    _files(ctx, scen, ctx.workshop)


# The undo history (and a prepared Excel pack) live in this page's session on the
# server, not in the link.
HISTORY_NOTE = (
    "The history lasts while this page stays open: a reload, a new tab or a restarted "
    "server keeps the scenario (it is in the link) but starts the history afresh."
)


def _history(locked: bool) -> None:
    u, r = st.columns(2)
    u.button(
        "Undo",
        on_click=state.undo,
        disabled=not state.can_undo(),
        icon=":material/undo:",
        width="stretch",
        help="Go back one change (a switch of scenario or an upload counts as one). "
        + HISTORY_NOTE,
    )
    r.button(
        "Redo",
        on_click=state.redo,
        disabled=not state.can_redo(),
        icon=":material/redo:",
        width="stretch",
        help="Make again a change undone. " + HISTORY_NOTE,
    )
    st.button(
        "Reset to the shipped scenario",
        on_click=_reset,
        type="primary" if locked else "secondary",
        width="stretch",
        help="Undo every change since the scenario was chosen or loaded.",
    )


def _files(ctx: Ctx, scen: Scenario, locked: bool) -> None:
    st.download_button(
        "Download scenario (.toml)",
        data=scenario_toml(scen, ctx.data.data_hash),
        file_name=f"{slug(scen.name)}.toml",
        mime="application/toml",
        width="stretch",
        help="The scenario file, stamped with the model version and the data hash, to "
        "rerun with `ibcf run` or upload here later.",
    )
    if not locked:
        st.file_uploader(
            "Upload a scenario (.toml)",
            type=["toml"],
            key=state.UPLOAD,
            on_change=_uploaded,
            max_upload_size=1,
            help=f"A scenario file of at most {MAX_SCENARIO_BYTES // 1024} KB. It is checked "
            "strictly; a file with errors is not applied and the errors are listed.",
        )
        errors = st.session_state.get(state.UPLOAD_ERRORS) or []
        if errors:
            st.error(
                "The file was not loaded; the current scenario is unchanged.\n\n"
                + "\n".join(f"- {md(e)}" for e in errors)
            )
    # Drawn only while open: a code box loads the browser's syntax highlighter (1.5 MB),
    # which would otherwise delay every new visitor's first headline.
    with st.expander("Shareable link", key=SHARE_OPEN, on_change="rerun") as box:
        if box.open:
            st.caption(
                "The address bar always holds a link to this view: the shipped scenario "
                "plus the changes made to it, the data hash and the model version."
            )
            st.code(share_url(), language=None, wrap_lines=True)
            cut = link.left_out(st.query_params.to_dict())
            if cut:
                st.warning(link.sender_note(cut))


def share_url() -> str:
    base = (st.context.url or "").split("?")[0].rstrip("/") + "/"
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})
    return f"{base}?{query}"
