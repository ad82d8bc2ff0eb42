"""Selection: the tests (added, edited, removed, screening or not), how they combine,
the exemption for improvement and the councils chosen by hand."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import services, state
from app import widgets as w
from app.services import (
    Composite,
    Exemption,
    GapTest,
    ManualEntry,
    RateTest,
    Selection,
    TrendTest,
    suggested,
)
from app.sidebar.form import Field, Form, Part, Section, Span, Switch, Text, draw
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


# ---------------------------------------------------------------------- one test
def _test_section(i: int, kind: str) -> Section:
    """The rows of the ``i``-th test, by its kind and mode."""

    def mode(*modes: str) -> Any:
        return lambda t: t.mode in modes

    return Section(
        TEST_MODELS[kind],
        f"selection.tests.{i}",
        (
            Field("label", options={"label": "Label"}),
            Part(lambda form: _screen_toggle(form, i)),
            Field("attribution"),
            Field("mode"),
            Span("before", "Earlier window", when=lambda t: t.kind == "trend"),
            Span("after", "Later window", when=lambda t: t.kind == "trend"),
            Span("window", "Window", when=lambda t: t.kind != "trend"),
            Field("n", when=mode("worst_n") if kind == "rate" else _never),
            Field("threshold", when=mode("above_threshold") if kind == "rate" else _never),
            Field("tolerance_pct", when=mode("above_expectation") if kind == "gap" else _never),
            Field("min_improvement_pct", when=mode("not_improved") if kind == "trend" else _never),
        ),
    )


def _never(_: Any) -> bool:
    return False


def _screen_toggle(form: Form, i: int) -> None:
    test = form.scen.selection.tests[i]
    screen_key = w.key(f"screen#{test.id}")

    def screened(on: Any) -> None:
        if test.id in {t.id for t in state.scenario().selection.tests}:  # else stale
            state.apply_scenario(
                lambda s: services.set_screen(s, test.id, bool(on), services.context())
            )

    st.toggle(
        "Screening test",
        key=screen_key,
        disabled=form.locked,
        on_change=w.bind(
            screen_key,
            test.id in form.scen.selection.screen,
            lambda d: test.id in (services.get_path(d, "selection.screen") or []),
            screened,
        ),
        help="A council must fail the screening tests (all, or as many as set below the "
        "test list) to be considered at all, as the October 2017 letter scoped the "
        "December 2017 tests.",
    )


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


def _tests(form: Form) -> None:
    """The tests as a table, one of them to edit, and a new one to add."""
    tests = form.scen.selection.tests
    if tests:
        # A list in words (labels escaped), not a data grid: the grid's script (about
        # 1.2 MB) would hold back every new visitor's first headline.
        screen = form.scen.selection.screen
        st.markdown(
            "\n".join(
                f"{k}. {md(t.label or t.id)} ({t.kind}, "
                f"{'screen' if t.id in screen else 'criterion'})"
                for k, t in enumerate(tests, start=1)
            )
        )
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
        with st.container(border=True):
            draw(_test_section(index, tests[index].kind), form)
            st.button(
                "Remove this test",
                key=f"remove_test_{index}",
                on_click=_remove_test,
                args=(index,),
                disabled=form.locked,
            )
    else:
        st.caption("No tests: no council is selected on DToC grounds.")
    c1, c2 = st.columns([3, 2])
    c1.selectbox(
        "New test",
        list(TEST_KIND_LABELS),
        key=NEW_TEST_KIND,
        format_func=TEST_KIND_LABELS.__getitem__,
        disabled=form.locked,
    )
    c2.button("Add test", on_click=_add_test, disabled=form.locked, width="stretch")


# ---------------------------------------------------------------------- combining
def _screen_needed(form: Form) -> None:
    n = len(form.scen.selection.screen)
    wkey = w.key("selection.screen_at_least")
    st.selectbox(
        "Screening tests a council must fail",
        list(range(1, n + 1)),
        key=wkey,
        format_func=lambda k: f"all {n}" if k == n else f"at least {k} of {n}",
        disabled=form.locked,
        on_change=w.bind(
            wkey,
            form.scen.selection.screen_needed,
            lambda d: (
                services.get_path(d, "selection.screen_at_least")
                or len(services.get_path(d, "selection.screen") or [])
            ),
            lambda k: state.apply({"selection.screen_at_least": None if int(k) >= n else int(k)}),
        ),
        help="A council is considered only if it fails this many of the screening tests "
        "(the December 2017 scenario: at least 2 of the 3 October 2017 criteria).",
    )


def _weights(form: Form) -> None:
    """The composite score's weight of each criterion (unlisted: the schema's weight)."""
    for t in form.scen.selection.criteria:
        path = f"selection.composite.weights.{t.id}"
        wkey = w.key(path)
        weight = form.scen.selection.composite.weights.get(t.id, suggested.WEIGHT)
        st.number_input(
            f"Weight of {md(t.label or t.id)}",
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            key=wkey,
            disabled=form.locked,
            on_change=w.bind(
                wkey,
                float(weight),
                w.reads(path, lambda v: float(v or suggested.WEIGHT)),
                w.at(path),
            ),
            help="Relative weight in the composite score (default 1).",
        )


def _manual(form: Form) -> None:
    """Councils always or never selected, each with a reason in the scenario file."""
    for which, text in (("include", "Always select"), ("exclude", "Never select")):
        wkey = w.key(f"selection.{which}")

        def chosen(codes: Any, wh: str = which) -> None:
            existing = {e.gss_code: e.reason for e in getattr(state.scenario().selection, wh)}
            entries = [{"gss_code": c, "reason": existing.get(c, MANUAL_REASON)} for c in codes]
            state.apply({f"selection.{wh}": entries})

        st.multiselect(
            text,
            form.ctx.council_codes(),
            key=wkey,
            format_func=form.ctx.name,
            disabled=form.locked,
            on_change=w.bind(
                wkey,
                [e.gss_code for e in getattr(form.scen.selection, which)],
                w.reads(f"selection.{which}", lambda v: [e["gss_code"] for e in v or []]),
                chosen,
            ),
            help=ManualEntry.model_fields["reason"].description
            or "Each entry carries a reason in the scenario file.",
        )


def _composite(*selects: str) -> Any:
    return lambda s: s.combine == "composite" and (not selects or s.composite.select in selects)


EXEMPTION = Section(
    Exemption,
    "selection.exemption",
    (
        Field("attribution"),
        Span("baseline", "From"),
        Span("check", "To"),
        Field("min_improvement_pct"),
    ),
)
SELECTION = Section(
    Selection,
    "selection",
    (
        Part(_tests),
        Part(_screen_needed, when=lambda s: len(s.screen) > 1),
        Text("**Combining the tests**"),
        Field("combine"),
        Field("at_least", when=lambda s: s.combine == "at_least"),
        Field("method", Composite, "composite.method", when=_composite()),
        Field("select", Composite, "composite.select", when=_composite()),
        Field(
            "n",
            Composite,
            "composite.n",
            when=_composite("worst_n"),
            options={"label": "Worst N councils"},
        ),
        Field(
            "quantile_pct",
            Composite,
            "composite.quantile_pct",
            when=_composite("worst_quantile"),
        ),
        Part(_weights, when=_composite()),
        Text("**Exemption for improvement**"),
        Switch(
            "exemption",
            "Exempt selected councils that improved",
            suggested.EXEMPTION,
            "October 2017 letter: councils showing significant improvement in the "
            "September data would be considered for exemption.",
            EXEMPTION,
        ),
        Text("**Councils added or removed by hand**"),
        Part(_manual),
    ),
)
