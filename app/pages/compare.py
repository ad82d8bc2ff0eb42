"""Compare: two to four scenarios side by side, and the councils they treat differently."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from app import charts, link, services, show, state
from app.context import Ctx
from app.display import slug
from app.headings import headings
from app.services import (
    YEAR,
    Result,
    Scenario,
    beds_figure,
    chance,
    chance_change,
    gbp,
    is_nil,
)

PICK = state.COMPARE
MOST = 4
CURRENT = "current"
SAVE_NAME = "compare_save_name"
STATUS_ONLY = "compare_status_only"


def choices(ctx: Ctx) -> dict[str, Scenario]:
    """Everything that can be compared: the sidebar's scenario, the shipped ones, saved ones."""
    out = {CURRENT: ctx.scenario}
    out.update({f"preset:{k}": v for k, v in ctx.presets.items()})
    out.update({f"saved:{k}": v for k, v in st.session_state.get(state.SAVED, {}).items()})
    return out


def _label(key: str, options: dict[str, Scenario]) -> str:
    if key == CURRENT:
        return f"Current: {options[key].name}"
    if key.startswith("saved:"):
        return f"Saved: {key[6:]}"  # the snapshot's own name: two saves never share one
    return options[key].name


def _save() -> None:
    """Keep the sidebar's scenario under the name typed (or its own), never reusing one,
    and add it to the comparison."""
    scen = state.scenario()
    saved = dict(st.session_state.get(state.SAVED, {}))
    typed = link.snapshot_name(str(st.session_state.get(SAVE_NAME) or ""))
    name = link.unique_name(typed or link.snapshot_name(scen.name) or "Snapshot", saved)
    saved[name] = scen
    st.session_state[state.SAVED] = saved
    st.session_state[SAVE_NAME] = ""
    picks = list(st.session_state.get(PICK) or [])
    if len(picks) < MOST:
        st.session_state[PICK] = [*picks, f"saved:{name}"]


def _snapshots(ctx: Ctx) -> None:
    """Name and save a snapshot of the sidebar's scenario; say where snapshots live, and
    offer the file of any too long to travel in the link."""
    saved = st.session_state.get(state.SAVED, {})
    with st.expander(f"Saved snapshots ({len(saved)})", expanded=not saved):
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        c1.text_input(
            "Name of the snapshot",
            key=SAVE_NAME,
            max_chars=link.MAX_SNAPSHOT_NAME,
            placeholder=ctx.scenario.name,
        )
        c2.button(
            "Save current for comparison",
            key="compare_save",
            on_click=_save,
            width="stretch",
            help="Keep the sidebar's scenario as it is now, to compare with later edits.",
        )
        _, travel = services.snapshot_params(saved, ctx.presets)
        st.caption(
            f"Snapshots travel in the link (the address bar, at most {link.MAX_SNAPSHOTS}): "
            "they survive a reload and reach whoever opens it."
        )
        for k, (name, scen) in enumerate(saved.items()):
            if name not in travel:
                st.warning(
                    f"Snapshot {k + 1} is too large (or too many) to travel in the link: a "
                    "reload or a colleague opening the link will not see it. Download its "
                    "file to keep or share it.",
                    icon=":material/link_off:",
                )
                st.download_button(
                    f"Download snapshot {k + 1} (scenario file)",
                    scen.to_toml(),
                    file_name=f"{slug(name)}.toml",
                    mime="application/toml",
                    key=f"snapshot_file_{k}",
                )


def summary_frame(results: list[Result], labels: list[str]) -> pd.DataFrame:
    """The comparison's numbers, one row per scenario (compare_summary.csv's builder)."""
    projections = [services.project(r) for r in results]
    return services.scenario_table(services.comparison(results, projections, labels))


def side_by_side(summary: pd.DataFrame) -> pd.DataFrame:
    """The comparison as people read it: one row per measure, one column per scenario."""
    rows = {
        "Councils selected (of 152)": [str(v) for v in summary["councils selected"]],
        f"Conditioned, {YEAR}": [gbp(v) for v in summary[f"conditioned £ {YEAR}"]],
        f"Withheld, {YEAR}": [gbp(v) for v in summary[f"withheld £ {YEAR}"]],
        f"Redistributed, {YEAR}": [gbp(v) for v in summary[f"redistributed £ {YEAR}"]],
        f"Retained by the centre, {YEAR}": [gbp(v) for v in summary[f"retained £ {YEAR}"]],
        "Evidence set": [services.evidence_name(str(v)) for v in summary["evidence set"]],
        "Beds freed a day, every evidence set": [
            str(v) for v in summary["beds freed, every evidence set"]
        ],
        "Could 2018/19 data show it?": [str(v) for v in summary["detectability"]],
        "Beds freed a day, central estimate (likely range)": [
            f"{'≈ nil' if is_nil({'p10': a, 'p50': b, 'p90': c}) else beds_figure(b)} "
            f"({beds_figure(a)} to {beds_figure(c)})"
            for a, b, c in zip(
                summary["beds freed a day P10"],
                summary["beds freed a day P50"],
                summary["beds freed a day P90"],
                strict=True,
            )
        ],
        f"NHS value notional, {YEAR}": [gbp(v) for v in summary[f"NHS value notional £ {YEAR}"]],
        f"NHS value cash-releasing, {YEAR}": [
            gbp(v) for v in summary[f"NHS value cash-releasing £ {YEAR}"]
        ],
        "Chance national ambition is met": [
            f"{chance(v)} ({chance_change(v, v0).replace(' with no change', ', no change')})"
            for v, v0 in zip(
                summary["chance ambition met"],
                summary["chance ambition met with no change"],
                strict=True,
            )
        ],
        "Ledger balances": ["yes" if v else "NO" for v in summary["ledger balances"]],
    }
    out = pd.DataFrame(rows, index=list(summary["scenario"])).T
    return out.reset_index(names="measure")


def render(ctx: Ctx) -> None:
    options = choices(ctx)
    if PICK not in st.session_state or not set(st.session_state[PICK]) <= set(options):
        st.session_state[PICK] = [CURRENT, "preset:status-quo"]
    picked = st.multiselect(
        "Scenarios to compare (two to four)",
        list(options),
        key=PICK,
        format_func=lambda k: _label(k, options),
    )
    _snapshots(ctx)
    if len(picked) < 2:
        st.info("Choose at least two scenarios.")
        return
    if len(picked) > MOST:
        st.warning(
            f"{len(picked)} scenarios are chosen; Compare shows at most {MOST} side by side. "
            f"Remove {len(picked) - MOST} to see the comparison."
        )
        return
    labels = [_label(k, options) for k in picked]
    results = [services.evaluate(options[k]) for k in picked]
    summary = summary_frame(results, labels)
    # A static table: four long scenario names wrap in their columns, never clipped.
    st.table(side_by_side(summary), hide_index=True)
    show.csv_button(summary, ctx, "compare_summary", "scenario comparison")
    if not ctx.workshop:  # the comparison brief names councils
        show.brief_button(
            lambda: services.comparison_pdf(results),
            "comparison-brief.pdf",
            "compare_brief",
            label="One-page brief of the comparison (PDF)",
        )
    money = summary[
        ["scenario", f"conditioned £ {YEAR}", f"withheld £ {YEAR}", f"redistributed £ {YEAR}"]
    ]
    show.chart(
        charts.grouped(
            money,
            "scenario",
            list(money.columns[1:]),
            f"Money conditioned, withheld and redistributed, {YEAR}",
            "£",
            names={
                f"conditioned £ {YEAR}": "Conditioned",
                f"withheld £ {YEAR}": "Withheld",
                f"redistributed £ {YEAR}": "Redistributed",
            },
        ),
        money,
        ctx,
        "compare_money",
        "money by scenario",
    )
    _equity(ctx, results, labels)
    _councils_differ(ctx, results, labels)


def figure(value: object) -> str:
    """An equity measure as the table shows it: whole numbers without decimals, the
    rest as rounded (to four places), a missing one blank.

    >>> [figure(v) for v in (2.9288, 0.0, 114.0, -0.0385, float("nan"))]
    ['2.9288', '0', '114', '-0.0385', '']
    """
    if not isinstance(value, numbers.Real) or value != value:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _equity(ctx: Ctx, results: list[Result], labels: list[str]) -> None:
    """Each option's equity measures and stability, side by side."""
    st.markdown("**Who bears each option, and how firm its list is**")
    frame = services.equity_comparison([services.annex(r) for r in results], labels)
    firm: dict[str, object] = {
        "measure": "Mean overlap of plausible variants' lists with the option's own",
        "meaning": "1: every variant selects the same councils",
    }
    for r, label in zip(results, labels, strict=True):
        firm[label] = round(services.selection_stability(r).overlap(), 4)
    frame = pd.concat([frame, pd.DataFrame([firm])], ignore_index=True)[
        ["measure", *labels, "meaning"]
    ]
    # A static table: its cells wrap, so every meaning reads whole at any width.
    shown = frame.rename(columns={"measure": "Measure", "meaning": "Meaning"})
    st.table(shown.style.format(figure, subset=pd.Index(labels)), hide_index=True)
    show.csv_button(frame, ctx, "compare_equity", "equity measures by scenario")


STATUS = {True: "selected", False: "not selected"}


def what_changed(row: Mapping[Any, object], labels: list[str]) -> str:
    """In words, how a council fares across the scenarios.

    >>> row = {"s1_selected": True, "s2_selected": False,
    ...     "s1_final_allocation": 90, "s2_final_allocation": 100}
    >>> what_changed(row, ["A", "B"])
    'selected in A, not in B; final allocation £90 in A, £100 in B'
    """
    n = len(labels)
    picked = [labels[k] for k in range(n) if row[f"s{k + 1}_selected"]]
    others = [labels[k] for k in range(n) if not row[f"s{k + 1}_selected"]]
    parts = []
    if picked and others:
        parts.append(f"selected in {', '.join(picked)}, not in {', '.join(others)}")
    finals = [row[f"s{k + 1}_final_allocation"] for k in range(n)]
    if len(set(finals)) > 1:
        parts.append(
            "final allocation "
            + ", ".join(f"{gbp(float(v))} in {labels[k]}" for k, v in enumerate(finals))  # type: ignore[arg-type]
        )
    return "; ".join(parts) or "no change"


MONEY_FIELDS = (
    ("conditioned", "conditioned"),
    ("final_allocation", "final allocation"),
    ("change", "change"),
)


def differs_view(differs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """The councils that differ as the CSV holds them: what changed in words beside the
    council's name, each scenario's status in words and its money (the page shows the
    name first and headings in words: :func:`differs_headings`)."""
    view = differs.copy()
    view.insert(
        list(view.columns).index("council") + 1,
        "what_changed",
        [what_changed(row, labels) for row in differs.to_dict("records")],
    )
    for k in range(1, len(labels) + 1):
        view[f"s{k}_selected"] = view[f"s{k}_selected"].map(STATUS)
    return view


def differs_headings(columns: list[str], labels: list[str], ctx: Ctx) -> dict[str, str]:
    """Each column of :func:`differs_view` headed by its label and unit, the scenarios'
    columns by the scenario's name."""
    names = {"what_changed": "What changed"}
    for k, label in enumerate(labels, start=1):
        names[f"s{k}_selected"] = f"{label}: status"
        for field, words in MONEY_FIELDS:
            names[f"s{k}_{field}"] = f"{label}: {words} (£)"
    return {**headings(columns, show.scenario_test_labels(ctx)), **names}


def _councils_differ(ctx: Ctx, results: list[Result], labels: list[str]) -> None:
    """The councils the scenarios treat differently."""
    diff = services.compare_frame(results)
    differs = diff[diff["differs"]].drop(columns=["differs"])
    st.markdown(
        f"**Councils whose selection differs: {services.selection_differs(diff)}; whose "
        "selection or final "
        f"allocation differs: {len(differs)}**"
    )
    only = st.toggle(
        "Status changes only",
        key=STATUS_ONLY,
        help="Only the councils whose selection differs between the scenarios, not those "
        "whose money alone does.",
    )
    if only:
        chosen = differs[[f"s{k}_selected" for k in range(1, len(labels) + 1)]].to_numpy()
        differs = differs[(chosen != chosen[:, :1]).any(axis=1)]
    view = differs_view(differs, labels)
    shown = ctx.shown(view)  # workshop mode: neutral names, no identifying columns
    shown = shown[["council", *(c for c in shown.columns if c != "council")]]  # name first
    shown = shown.rename(columns=differs_headings(list(shown.columns), labels, ctx))
    money = [c for c in shown.columns if c.endswith("(£)")]
    # A static table in a box that scrolls: "What changed" wraps in its cells, at least
    # 16 characters wide, so every sentence reads whole at any width.
    styled = (
        shown.style.format("{:,.0f}", subset=pd.Index(money))
        .set_properties(subset=["What changed"], **{"min-width": "16em"})
        .set_table_styles([{"selector": "th", "props": [("min-width", "6.5em")]}])
    )
    st.table(styled, hide_index=True, height=560 if len(shown) > 8 else "content")
    show.csv_button(view, ctx, "compare_councils", "councils that differ between scenarios")
