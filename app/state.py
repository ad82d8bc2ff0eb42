"""Session state: the one Scenario each browser session holds, and how it changes.

Flow: widget -> callback -> :func:`apply` (validated edit) -> ``session_state``'s
Scenario -> model -> views. Widgets never hold the truth; after every change
:func:`sync_widgets` writes the scenario's values back into the widgets, so a value
the model rejected snaps back and side effects (the "(edited)" name) show at once.

Everything lives in ``st.session_state`` (one per browser session); nothing mutable
is kept at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import link, services
from app.services import Scenario, ScenarioError

SCENARIO = "scenario"
PRESET = "preset"
PRESET_SELECT = "preset_select"
FLASH = "flash"
LINK_NOTES = "link_notes"
UPLOAD_ERRORS = "upload_errors"
CHECK_LINK = "check_link_size"
UPLOAD = "upload"
WORKSHOP = "workshop"
VIEW = "view"
COUNCIL = "council_select"
SAVED = "saved_scenarios"
COMPARE = "compare_pick"
DESIGN_LINK = "design:link"
WIDGETS = "_widget_registry"
DEFAULT_PRESET = "october-2017-letter"
W = "w:"  # prefix of every widget key that mirrors a scenario field

# A widget's "kind" says how its value maps to the scenario; readers turn the
# scenario mapping into the widget's value (None: leave the widget as it is).
Reader = Callable[[dict[str, Any]], Any]


# ---------------------------------------------------------------------- access
def scenario() -> Scenario:
    return st.session_state[SCENARIO]


def preset_slug() -> str:
    return st.session_state[PRESET]


CHARTS_READY = "_charts_ready"
LIGHT = "_light_view"


def light_view() -> bool:
    """This run leaves the charts out (a new visitor's first Overview): see
    :func:`app.shell.main`."""
    return bool(st.session_state.get(LIGHT, False))


def workshop() -> bool:
    return bool(st.session_state.get(WORKSHOP, False))


def flash(kind: str, lines: list[str] | str) -> None:
    """Queue a message for the top of the page (shown once). A new error replaces any
    error not yet shown, so quick key presses never stack the same complaint."""
    queue = st.session_state.setdefault(FLASH, [])
    if kind == "error":
        queue[:] = [item for item in queue if item[0] != "error"]
    queue.append((kind, [lines] if isinstance(lines, str) else list(lines)))


def rejected(exc: ScenarioError) -> None:
    """Say, in words, why an edit was not applied (the first problem; there is
    rarely more than one for one widget)."""
    problems = [services.for_people(p) for p in exc.problems]
    text = (
        f"That change was not applied. {problems[0]}"
        if problems
        else "That change was not applied."
    )
    if len(problems) > 1:
        text += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    flash("error", text)


def take_flash() -> list[tuple[str, list[str]]]:
    return st.session_state.pop(FLASH, [])


# ---------------------------------------------------------------------- start
def init() -> None:
    """First run of a session: the scenario comes from the link, else the default preset."""
    ss = st.session_state
    if SCENARIO in ss:
        return
    presets = services.presets()
    data = services.dataset()
    params = st.query_params.to_dict()
    notes: list[tuple[str, list[str]]] = []
    refused = link.oversized(params)
    if refused:  # read nothing from it, not even the view
        notes.append(("error", [refused]))
        params = {}
    if link.PRESET in params:
        slug, scen, warnings, errors = services.scenario_from_link(
            params, presets, services.context(), data.data_hash
        )
        scen = services.mark_text(presets[slug], scen)  # the preset's words, an edited option
        notes += [("warning", [w]) for w in warnings]
        if not errors:
            errors = services.problems(scen, "link")
            if errors:  # valid on paper, but the model cannot run it
                scen = presets[slug]
                errors.append(f"showing {scen.name} instead")
        if errors:
            notes.append(("error", ["The link could not be applied:", *errors]))
    else:
        slug = DEFAULT_PRESET if DEFAULT_PRESET in presets else next(iter(presets))
        scen = presets[slug]
        # A link too long for Streamlit arrives empty: the browser checks it.
        ss[CHECK_LINK] = not params and not refused
    ss[SCENARIO] = scen
    ss[PRESET] = slug
    ss[PRESET_SELECT] = slug
    ss[LINK_NOTES] = notes
    ss[WORKSHOP] = params.get(link.WORKSHOP) == "1"
    view = params.get(link.VIEW)
    if view:
        ss[VIEW] = view
    council = params.get(link.COUNCIL)
    if council in set(data.codes):
        ss[COUNCIL] = council
    saved = _snapshots(params, presets, data.data_hash, notes)
    if saved:
        ss[SAVED] = saved
    picks, more = link.decode_picks(params.get(link.COMPARE) or "", presets, list(saved))
    if more:
        notes.append(
            (
                "warning",
                [
                    f"The link names {len(picks) + more} scenarios to compare; Compare shows "
                    f"at most 4, so the first 4 are shown."
                ],
            )
        )
    if len(picks) >= 2:
        ss[COMPARE] = picks
    if params.get(link.DESIGN):  # read by the Design view when it is first drawn
        ss[DESIGN_LINK] = params[link.DESIGN][: link.MAX_VALUE_CHARS]


def _snapshots(
    params: dict[str, str],
    presets: dict[str, Scenario],
    data_hash: str,
    notes: list[tuple[str, list[str]]],
) -> dict[str, Scenario]:
    """The saved comparison snapshots a link carries (``snap1`` ...), each checked as a
    link is; one that cannot be restored is named in a note."""
    keys = sorted((k for k in params if link.is_snapshot_key(k)), key=lambda k: int(k[4:]))
    saved: dict[str, Scenario] = {}
    for key in keys[: link.MAX_SNAPSHOTS]:
        name, scen, errors = services.snapshot_from_link(
            params[key], presets, services.context(), data_hash
        )
        if scen is None:
            notes.append(("warning", [f"Saved snapshot {key[4:]} could not be restored:"]))
            notes[-1][1].extend(errors[:3])
        else:
            saved[link.unique_name(name, saved)] = scen
    if len(keys) > link.MAX_SNAPSHOTS:
        notes.append(
            ("warning", [f"The link holds {len(keys)} saved snapshots; the first "
                         f"{link.MAX_SNAPSHOTS} are restored."])
        )  # fmt: skip
    return saved


# ---------------------------------------------------------------------- changes
UNDO, REDO = "_undo", "_redo"
HISTORY = 50  # edits kept for undo


def record(new: Scenario, slug: str | None = None) -> None:
    """Make ``new`` the scenario, keeping the one it replaces for undo."""
    ss = st.session_state
    old = (ss[SCENARIO], ss[PRESET])
    if new is old[0]:
        return
    ss[UNDO] = [*ss.get(UNDO, [])[-(HISTORY - 1) :], old]
    ss[REDO] = []
    ss[SCENARIO] = new
    if slug is not None:
        ss[PRESET] = slug


def can_undo() -> bool:
    return bool(st.session_state.get(UNDO))


def can_redo() -> bool:
    return bool(st.session_state.get(REDO))


def _step(back: bool) -> None:
    ss = st.session_state
    source, target = (UNDO, REDO) if back else (REDO, UNDO)
    if not ss.get(source):
        return
    *rest, (scen, slug) = ss[source]
    ss[source] = rest
    ss[target] = [*ss.get(target, []), (ss[SCENARIO], ss[PRESET])]
    ss[SCENARIO] = scen
    ss[PRESET] = slug
    ss[PRESET_SELECT] = slug
    clear_widgets()


def undo() -> None:
    """Go back one edit (a switch of scenario, an upload or a reset counts as one)."""
    _step(back=True)


def redo() -> None:
    _step(back=False)


def replace(new: Scenario, slug: str | None = None) -> None:
    """Swap in a whole scenario (preset, upload, reset): every widget starts afresh."""
    record(new)
    if slug is not None:
        st.session_state[PRESET] = slug
        st.session_state[PRESET_SELECT] = slug
    clear_widgets()


def admissible(new: Scenario) -> bool:
    """Whether the model can run ``new``; if not, say why (the scenario is kept)."""
    problems = services.problems(new, "sidebar")
    if problems:
        flash("error", ["That change was not applied:", *problems])
        sync_widgets()
    return not problems


def apply(changes: dict[str, Any]) -> bool:
    """Apply ``path: value`` edits; on a validation error keep the scenario and say why."""
    try:
        new = services.with_changes(scenario(), changes, services.context())
    except ScenarioError as exc:
        rejected(exc)
        sync_widgets()
        return False
    if not admissible(new):
        return False
    record(new)
    sync_widgets()
    return True


def apply_scenario(fn: Callable[[Scenario], Scenario], structural: bool = False) -> bool:
    """Apply an edit given as a function of the scenario (add or remove a test)."""
    try:
        new = services.mark_text(scenario(), fn(scenario()))
    except ScenarioError as exc:
        rejected(exc)
        sync_widgets()
        return False
    if not admissible(new):
        return False
    record(new)
    if structural:
        clear_widgets()
    else:
        sync_widgets()
    return True


# ---------------------------------------------------------------------- widgets
def register(key: str, reader: Reader) -> None:
    st.session_state.setdefault(WIDGETS, {})[key] = reader


def clear_widgets() -> None:
    """Forget every scenario widget's value; each is re-created from the scenario."""
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and k.startswith(W)]:
        del ss[key]
    ss[WIDGETS] = {}


def sync_widgets() -> None:
    """Write the scenario's values into every known widget (inside callbacks only)."""
    ss = st.session_state
    data = services.as_dict(scenario())
    for key, reader in list(ss.get(WIDGETS, {}).items()):
        value = reader(data)
        if value is not None and key in ss and ss[key] != value:
            ss[key] = value
