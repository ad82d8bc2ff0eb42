"""Compare: two to four scenarios side by side, and the councils they treat differently."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, model, show, state
from app.context import Ctx
from app.display import YEAR, beds_signed, gbp, pct
from simulator import export
from simulator.engine import Result
from simulator.scenario import Scenario

PICK = "compare_pick"
CURRENT = "current"
SAVE_NAME = "compare_save_name"


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
        return f"Saved: {options[key].name}"
    return options[key].name


def _save() -> None:
    scen = state.scenario()
    saved = dict(st.session_state.get(state.SAVED, {}))
    saved[f"{len(saved) + 1}. {scen.name}"] = scen
    st.session_state[state.SAVED] = saved


def summary_frame(results: list[Result], labels: list[str]) -> pd.DataFrame:
    rows = []
    for label, r in zip(labels, results, strict=True):
        s = r.summary
        proj = model.project(r)
        rows.append(
            {
                "scenario": label,
                "councils selected": s["councils_selected"],
                f"conditioned £ {YEAR}": s["total_conditioned"],
                f"withheld £ {YEAR}": s["total_withheld"],
                f"redistributed £ {YEAR}": s["total_received"],
                f"retained £ {YEAR}": s["total_retained"],
                "beds freed a day P10": round(proj.beds_freed["p10"], 2),
                "beds freed a day P50": round(proj.beds_freed["p50"], 2),
                "beds freed a day P90": round(proj.beds_freed["p90"], 2),
                f"NHS value £ {YEAR}": round(proj.nhs_value_gbp),
                "chance ambition met": round(proj.probability_ambition_met, 4),
                "ledger balances": s["ledger_balanced"],
            }
        )
    return pd.DataFrame(rows)


def side_by_side(summary: pd.DataFrame) -> pd.DataFrame:
    """The comparison as people read it: one row per measure, one column per scenario."""
    rows = {
        "Councils selected (of 152)": [str(v) for v in summary["councils selected"]],
        f"Conditioned, {YEAR}": [gbp(v) for v in summary[f"conditioned £ {YEAR}"]],
        f"Withheld, {YEAR}": [gbp(v) for v in summary[f"withheld £ {YEAR}"]],
        f"Redistributed, {YEAR}": [gbp(v) for v in summary[f"redistributed £ {YEAR}"]],
        f"Retained by the centre, {YEAR}": [gbp(v) for v in summary[f"retained £ {YEAR}"]],
        "Beds freed a day, P50 (P10–P90)": [
            f"{beds_signed(b)} ({beds_signed(a)} to {beds_signed(c)})"
            for a, b, c in zip(
                summary["beds freed a day P10"],
                summary["beds freed a day P50"],
                summary["beds freed a day P90"],
                strict=True,
            )
        ],
        f"NHS value, {YEAR}": [gbp(v) for v in summary[f"NHS value £ {YEAR}"]],
        "Chance national ambition is met": [pct(v) for v in summary["chance ambition met"]],
        "Ledger balances": ["yes" if v else "NO" for v in summary["ledger balances"]],
    }
    out = pd.DataFrame(rows, index=list(summary["scenario"])).T
    return out.reset_index(names="measure")


def render(ctx: Ctx) -> None:
    options = choices(ctx)
    if PICK not in st.session_state or not set(st.session_state[PICK]) <= set(options):
        st.session_state[PICK] = [CURRENT, "preset:status-quo"]
    c1, c2 = st.columns([4, 1])
    picked = c1.multiselect(
        "Scenarios to compare (two to four)",
        list(options),
        key=PICK,
        format_func=lambda k: _label(k, options),
        max_selections=4,
    )
    c2.button(
        "Save current for comparison",
        on_click=_save,
        width="stretch",
        help="Keep the sidebar's scenario as it is now, to compare with later edits.",
    )
    if len(picked) < 2:
        st.info("Choose at least two scenarios.")
        return
    labels = [_label(k, options) for k in picked]
    results = [model.evaluate(options[k]) for k in picked]
    summary = summary_frame(results, labels)
    st.dataframe(side_by_side(summary), hide_index=True, width="stretch", key="compare_side")
    show.csv_button(summary, ctx, "compare_summary", "scenario comparison")
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
    diff = export.compare_frame(results)
    differs = diff[diff["differs"]].drop(columns=["differs"])
    rename = {}
    for k, label in enumerate(labels, start=1):
        for field in ("selected", "conditioned", "final_allocation", "change"):
            rename[f"s{k}_{field}"] = f"{label}: {field.replace('_', ' ')}"
    st.markdown(
        f"**Councils whose selection differs: {export.selection_differs(diff)}; whose "
        "selection or final "
        f"allocation differs: {len(differs)}**"
    )
    show.table(
        differs.rename(columns=rename),
        ctx,
        "compare_councils",
        "councils that differ between scenarios",
        height=360,
    )
