"""The sidebar: choose, edit, upload, download and share a scenario.

Groups follow the scenario file: selection, consequences, redistribution,
projection assumptions, the expectations rule and the scenario's own details.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app import link, services, state
from app import widgets as w
from app.context import Ctx
from app.display import slug
from app.services import (
    MAX_SCENARIO_BYTES,
    YEAR,
    Composite,
    Consequences,
    Exemption,
    ExpectationRule,
    GapTest,
    ManualEntry,
    ProjectionParams,
    RateTest,
    Redistribution,
    Release,
    Scenario,
    Selection,
    TrendTest,
    Window,
    scenario_toml,
)
from app.text import md

TEST_MODELS: dict[str, type[RateTest | GapTest | TrendTest]] = {
    "rate": RateTest,
    "gap": GapTest,
    "trend": TrendTest,
}
TEST_KIND_LABELS = {
    "rate": "Rate per 100,000 adults",
    "gap": "Gap to expectation",
    "trend": "Trend between two windows",
}
EDIT_TEST = "edit_test"
NEW_TEST_KIND = "new_test_kind"
MANUAL_REASON = "Chosen by hand in the app"
EXEMPTION_DEFAULT = {
    "attribution": "social_care",
    "baseline": {"end": "2017-07"},
    "check": {"end": "2017-09"},
    "min_improvement_pct": 10.0,
}
RELEASE_DEFAULT = {"attribution": "social_care", "window": {"end": "2018-01"}}


# ---------------------------------------------------------------------- callbacks
PENDING = "_pending_preset"


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
    state.replace(scenario, link.closest_preset(scenario, services.presets()))
    state.flash("success", f"Loaded {scenario.name} from {Path(name or 'upload').name}.")
    if warnings:
        state.flash("warning", warnings)
    return True


def _graduation_changed() -> None:
    if w.key("consequences.graduation") not in st.session_state:
        return  # stale: the scenario was replaced
    value = st.session_state[w.key("consequences.graduation")]
    changes: dict[str, Any] = {"consequences.graduation": value}
    scen = state.scenario()
    if value == "margin" and scen.consequences.margin_test is None and scen.selection.tests:
        ids = [t.id for t in scen.selection.criteria] or [t.id for t in scen.selection.tests]
        changes["consequences.margin_test"] = ids[0]
    state.apply(changes)


def _add_test() -> None:
    kind = st.session_state.get(NEW_TEST_KIND, "rate")
    if state.apply_scenario(
        lambda s: services.add_test(s, kind, services.context()), structural=True
    ):
        st.session_state[EDIT_TEST] = len(state.scenario().selection.tests) - 1


def _remove_test(index: int) -> None:
    if state.apply_scenario(
        lambda s: services.remove_test(s, index, services.context()), structural=True
    ):
        st.session_state[EDIT_TEST] = 0


def _screen_changed(test_id: str, widget_key: str) -> None:
    if widget_key not in st.session_state or test_id not in {
        t.id for t in state.scenario().selection.tests
    }:
        return  # stale: the scenario was replaced
    on = bool(st.session_state[widget_key])
    state.apply_scenario(lambda s: services.set_screen(s, test_id, on, services.context()))


def _manual_changed(which: str, widget_key: str) -> None:
    if widget_key not in st.session_state:
        return  # stale: the scenario was replaced
    codes = st.session_state[widget_key]
    existing = {e.gss_code: e.reason for e in getattr(state.scenario().selection, which)}
    entries = [{"gss_code": c, "reason": existing.get(c, MANUAL_REASON)} for c in codes]
    state.apply({f"selection.{which}": entries})


# ---------------------------------------------------------------------- layout
def render(ctx: Ctx) -> None:
    scen = state.scenario()
    data = services.as_dict(scen)
    locked = ctx.workshop
    with st.sidebar:
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
        u, r = st.columns(2)
        u.button(
            "Undo",
            on_click=state.undo,
            disabled=not state.can_undo(),
            icon=":material/undo:",
            width="stretch",
            help="Go back one change (a switch of scenario or an upload counts as one).",
        )
        r.button(
            "Redo",
            on_click=state.redo,
            disabled=not state.can_redo(),
            icon=":material/redo:",
            width="stretch",
        )
        st.button(
            "Reset to the shipped scenario",
            on_click=_reset,
            type="primary" if locked else "secondary",
            width="stretch",
            help="Undo every change since the scenario was chosen or loaded.",
        )
        _files(ctx, scen, locked)
        st.divider()
        if locked:
            st.markdown("**Presenter levers**")
            w.field(Consequences, "condition_pct", "consequences.condition_pct", data)
            w.field(Consequences, "reduction_pct", "consequences.reduction_pct", data)
            st.caption("Other settings are locked in workshop mode.")
        with st.expander("Selection: who is reviewed", expanded=False):
            _selection(ctx, scen, data, locked)
        with st.expander("Consequences: conditions and reductions", expanded=not locked):
            _consequences(scen, data, locked)
        with st.expander("Redistribution of withheld money"):
            _redistribution(ctx, scen, data, locked)
        with st.expander(f"Projection assumptions ({YEAR})"):
            _projection(data, locked)
        with st.expander("Expectations: September 2017 (reconstruction rule)"):
            _expectations(data, locked)
        if scen.text_stale:
            _stale_text(ctx, locked)
        with st.expander("Scenario details"):
            _details(data, locked)


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
    with st.expander("Shareable link"):
        st.caption(
            "The address bar always holds a link to this view: the shipped scenario plus "
            "the changes made to it, the data hash and the model version."
        )
        st.code(share_url(), language=None, wrap_lines=True)


def share_url() -> str:
    base = (st.context.url or "").split("?")[0].rstrip("/") + "/"
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})
    return f"{base}?{query}"


def _selection(ctx: Ctx, scen: Scenario, data: dict[str, Any], locked: bool) -> None:
    months = ctx.data.months
    tests = scen.selection.tests
    if tests:
        rows = [
            {
                "test": t.label or t.id,
                "kind": t.kind,
                "role": "screen" if t.id in scen.selection.screen else "criterion",
            }
            for t in tests
        ]
        st.dataframe(rows, hide_index=True, width="stretch")
        # The browser can hand back a stale or string value after the test list changes
        # (another scenario chosen): anything that is not a valid position starts at 0.
        current = st.session_state.get(EDIT_TEST, 0)
        if not isinstance(current, int) or not 0 <= current < len(tests):
            st.session_state[EDIT_TEST] = 0
        index = st.selectbox(
            "Edit test",
            list(range(len(tests))),
            key=EDIT_TEST,
            format_func=lambda i: f"{i + 1}. {tests[i].label or tests[i].id}",
        )
        _test(ctx, scen, data, index, months, locked)
    else:
        st.caption("No tests: no council is selected on DToC grounds.")
    c1, c2 = st.columns([3, 2])
    c1.selectbox(
        "New test",
        list(TEST_KIND_LABELS),
        key=NEW_TEST_KIND,
        format_func=TEST_KIND_LABELS.__getitem__,
        disabled=locked,
    )
    c2.button("Add test", on_click=_add_test, disabled=locked, width="stretch")

    if len(scen.selection.screen) > 1:
        _screen_needed(scen, locked)
    st.markdown("**Combining the tests**")
    w.field(Selection, "combine", "selection.combine", data, disabled=locked)
    if scen.selection.combine == "at_least":
        w.field(Selection, "at_least", "selection.at_least", data, disabled=locked)
    if scen.selection.combine == "composite":
        w.field(Composite, "method", "selection.composite.method", data, disabled=locked)
        w.field(Composite, "select", "selection.composite.select", data, disabled=locked)
        if scen.selection.composite.select == "worst_n":
            w.field(
                Composite,
                "n",
                "selection.composite.n",
                data,
                disabled=locked,
                label="Worst N councils",
            )
        else:
            w.field(
                Composite, "quantile_pct", "selection.composite.quantile_pct", data, disabled=locked
            )
        for t in scen.selection.criteria:
            path = f"selection.composite.weights.{t.id}"
            wkey = w.key(path)
            if wkey not in st.session_state:
                st.session_state[wkey] = float(scen.selection.composite.weights.get(t.id, 1.0))

            def read_weight(d: dict[str, Any], p: str = path) -> float:
                return float(services.get_path(d, p) or 1.0)

            def weight_changed(p: str = path, k: str = wkey) -> None:
                if k in st.session_state:  # else stale: the scenario was replaced
                    state.apply({p: st.session_state[k]})

            state.register(wkey, read_weight)
            st.number_input(
                f"Weight of {md(t.label or t.id)}",
                min_value=0.0,
                max_value=100.0,
                step=0.5,
                key=wkey,
                disabled=locked,
                on_change=weight_changed,
                help="Relative weight in the composite score (default 1).",
            )
    st.markdown("**Exemption for improvement**")
    if w.section_toggle(
        "selection.exemption",
        "Exempt selected councils that improved",
        data,
        EXEMPTION_DEFAULT,
        disabled=locked,
        hint="October 2017 letter: councils showing significant improvement in the "
        "September data would be considered for exemption.",
    ):
        w.field(Exemption, "attribution", "selection.exemption.attribution", data, disabled=locked)
        w.window("selection.exemption.baseline", "From", data, months, disabled=locked)
        w.window("selection.exemption.check", "To", data, months, disabled=locked)
        w.field(
            Exemption,
            "min_improvement_pct",
            "selection.exemption.min_improvement_pct",
            data,
            disabled=locked,
        )
    st.markdown("**Councils added or removed by hand**")
    for which, text in (("include", "Always select"), ("exclude", "Never select")):
        wkey = w.key(f"selection.{which}")
        if wkey not in st.session_state:
            st.session_state[wkey] = [e.gss_code for e in getattr(scen.selection, which)]

        def read_codes(d: dict[str, Any], wh: str = which) -> list[str]:
            return [e["gss_code"] for e in services.get_path(d, f"selection.{wh}") or []]

        state.register(wkey, read_codes)
        st.multiselect(
            text,
            ctx.council_codes(),
            key=wkey,
            format_func=ctx.name,
            disabled=locked,
            on_change=_manual_changed,
            args=(which, wkey),
            help=ManualEntry.model_fields["reason"].description
            or "Each entry carries a reason in the scenario file.",
        )


def _screen_needed(scen: Scenario, locked: bool) -> None:
    n = len(scen.selection.screen)
    wkey = w.key("selection.screen_at_least")
    if wkey not in st.session_state:
        st.session_state[wkey] = scen.selection.screen_needed
    state.register(
        wkey,
        lambda d: (
            services.get_path(d, "selection.screen_at_least")
            or len(services.get_path(d, "selection.screen") or [])
        ),
    )

    def changed() -> None:
        if wkey in st.session_state:  # else stale: the scenario was replaced
            k = int(st.session_state[wkey])
            state.apply({"selection.screen_at_least": None if k >= n else k})

    st.selectbox(
        "Screening tests a council must fail",
        list(range(1, n + 1)),
        key=wkey,
        format_func=lambda k: f"all {n}" if k == n else f"at least {k} of {n}",
        disabled=locked,
        on_change=changed,
        help="A council is considered only if it fails this many of the screening tests "
        "(the December 2017 scenario: at least 2 of the 3 October 2017 criteria).",
    )


def _test(
    ctx: Ctx, scen: Scenario, data: dict[str, Any], i: int, months: list[str], locked: bool
) -> None:
    test = scen.selection.tests[i]
    model_cls = TEST_MODELS[test.kind]
    base = f"selection.tests.{i}"
    with st.container(border=True):
        w.field(model_cls, "label", f"{base}.label", data, disabled=locked, label="Label")
        screen_key = w.key(f"screen#{test.id}")
        if screen_key not in st.session_state:
            st.session_state[screen_key] = test.id in scen.selection.screen
        state.register(
            screen_key, lambda d: test.id in (services.get_path(d, "selection.screen") or [])
        )
        st.toggle(
            "Screening test",
            key=screen_key,
            disabled=locked,
            on_change=_screen_changed,
            args=(test.id, screen_key),
            help="A council must fail the screening tests (all, or as many as set below the "
            "test list) to be considered at all, as the October 2017 letter scoped the "
            "December 2017 tests.",
        )
        w.field(model_cls, "attribution", f"{base}.attribution", data, disabled=locked)
        w.field(model_cls, "mode", f"{base}.mode", data, disabled=locked)
        if test.kind == "trend":
            w.window(f"{base}.before", "Earlier window", data, months, disabled=locked)
            w.window(f"{base}.after", "Later window", data, months, disabled=locked)
        else:
            w.window(f"{base}.window", "Window", data, months, disabled=locked)
        if isinstance(test, RateTest) and test.mode == "worst_n":
            w.field(RateTest, "n", f"{base}.n", data, disabled=locked)
        if isinstance(test, RateTest) and test.mode == "above_threshold":
            w.field(RateTest, "threshold", f"{base}.threshold", data, disabled=locked)
        if isinstance(test, GapTest) and test.mode == "above_expectation":
            w.field(GapTest, "tolerance_pct", f"{base}.tolerance_pct", data, disabled=locked)
        if isinstance(test, TrendTest) and test.mode == "not_improved":
            w.field(
                TrendTest,
                "min_improvement_pct",
                f"{base}.min_improvement_pct",
                data,
                disabled=locked,
            )
        st.button(
            "Remove this test",
            key=f"remove_test_{i}",
            on_click=_remove_test,
            args=(i,),
            disabled=locked,
        )


def _consequences(scen: Scenario, data: dict[str, Any], locked: bool) -> None:
    c = "consequences"
    w.field(Consequences, "base", f"{c}.base", data, disabled=locked, fmt=w.BASE_LABELS.__getitem__)
    if not locked:
        w.field(Consequences, "condition_pct", f"{c}.condition_pct", data)
        w.field(Consequences, "reduction_pct", f"{c}.reduction_pct", data)
    gkey = w.key(f"{c}.graduation")
    if gkey not in st.session_state:
        st.session_state[gkey] = scen.consequences.graduation
    state.register(gkey, lambda d: services.get_path(d, "consequences.graduation"))
    st.selectbox(
        "Graduation",
        ["flat", "tests_failed", "margin"],
        key=gkey,
        format_func=w.option_label,
        on_change=_graduation_changed,
        disabled=locked,
        help="Flat: every selected council gets the full share. By tests failed: in "
        "proportion to the share of tests failed. By margin: rising linearly with how far "
        "a council is past one test's line. Source: assumption.",
    )
    if scen.consequences.graduation == "margin":
        names = {t.id: t.label or t.id for t in scen.selection.tests}
        w.field(
            Consequences,
            "margin_test",
            f"{c}.margin_test",
            data,
            options=list(names),
            fmt=lambda i: names.get(i, i),
            disabled=locked,
            label="Graduate by the margin on test",
            toggle=False,
        )
        w.field(Consequences, "margin_from", f"{c}.margin_from", data, disabled=locked)
        w.field(Consequences, "margin_to", f"{c}.margin_to", data, disabled=locked)
    w.field(Consequences, "cap_pct", f"{c}.cap_pct", data, disabled=locked)
    w.field(
        Consequences,
        "cap_gbp",
        f"{c}.cap_gbp",
        data,
        disabled=locked,
        optional_default=1_000_000,
        label=f"Cap per council (£, {YEAR})",
    )
    w.field(Consequences, "floor_pct", f"{c}.floor_pct", data, disabled=locked)
    if w.section_toggle(
        f"{c}.release",
        "Release conditions for councils that reach a trigger",
        data,
        RELEASE_DEFAULT,
        disabled=locked,
        hint="Early 2018: councils that improved were told a reduction was no longer likely.",
    ):
        w.field(Release, "attribution", f"{c}.release.attribution", data, disabled=locked)
        w.field(Release, "rule", f"{c}.release.rule", data, disabled=locked)
        w.window(
            f"{c}.release.window",
            "Trigger",
            data,
            services.dataset().months,
            disabled=locked,
            default_end="2018-01",
        )
        if scen.consequences.release is not None and scen.consequences.release.rule == (
            "below_rate"
        ):
            w.field(Release, "rate", f"{c}.release.rate", data, disabled=locked)


def _redistribution(ctx: Ctx, scen: Scenario, data: dict[str, Any], locked: bool) -> None:
    r = "redistribution"
    w.field(Redistribution, "rule", f"{r}.rule", data, disabled=locked)
    rule = scen.redistribution.rule
    if rule in ("best_quartile", "met_expectation", "improvers"):
        w.field(Redistribution, "attribution", f"{r}.attribution", data, disabled=locked)
        w.window(f"{r}.window", "Performance window", data, ctx.data.months, disabled=locked)
    if rule == "improvers":
        w.window(
            f"{r}.before",
            "Improvement from",
            data,
            ctx.data.months,
            disabled=locked,
            default_end=Window(end="2017-02").end,
        )
    if rule != "retain":
        w.field(
            Redistribution,
            "gain_cap_pct",
            f"{r}.gain_cap_pct",
            data,
            disabled=locked,
            optional_default=10.0,
            label="Cap on gains (% of base)",
        )
    st.caption(
        "All withheld money stays in local government unless the rule retains it "
        "centrally; the ledger balances to the pound."
    )


def _projection(data: dict[str, Any], locked: bool) -> None:
    for name in ProjectionParams.model_fields:
        w.field(ProjectionParams, name, f"projection.{name}", data, disabled=locked)
    st.caption(
        "Fewer draws redraw faster; the P10–P90 ranges and the probability of "
        "meeting the ambition use the scenario's draws and seed."
    )


def _expectations(data: dict[str, Any], locked: bool) -> None:
    st.caption(
        "The official September 2017 expectations table was not available: "
        "expectations are reconstructed by this rule and labelled so."
    )
    for name in ExpectationRule.model_fields:
        w.field(ExpectationRule, name, f"expectations.{name}", data, disabled=locked)


STALE_TEXT = (
    "The description and notes were written before this option was edited: they may no "
    "longer describe it."
)


def _describe_from_option(ctx: Ctx) -> None:
    state.apply({"description": services.policy_sentence(ctx.result)})


def _keep_text() -> None:
    state.apply({"text_for": None})


def _stale_text(ctx: Ctx, locked: bool) -> None:
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


def _details(data: dict[str, Any], locked: bool) -> None:
    for name in ("name", "author"):
        w.field(Scenario, name, name, data, disabled=locked, label=name.capitalize())
    dkey = w.key("date")
    if dkey not in st.session_state:
        st.session_state[dkey] = data.get("date", "")
    state.register(dkey, lambda d: d.get("date", ""))

    def date_changed() -> None:
        if dkey in st.session_state:  # else stale: the scenario was replaced
            state.apply({"date": st.session_state[dkey].strip() or None})

    st.text_input("Date (YYYY-MM-DD)", key=dkey, disabled=locked, on_change=date_changed)
    for name in ("description", "notes"):
        wkey = w.key(name)
        if wkey not in st.session_state:
            st.session_state[wkey] = data.get(name, "")

        def read_text(d: dict[str, Any], n: str = name) -> Any:
            return d.get(n, "")

        def text_changed(n: str = name, k: str = wkey) -> None:
            if k in st.session_state:  # else stale: the scenario was replaced
                state.apply({n: st.session_state[k]})

        state.register(wkey, read_text)
        st.text_area(
            name.capitalize(),
            key=wkey,
            disabled=locked,
            on_change=text_changed,
        )
