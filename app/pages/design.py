"""Design: state the guarantees and the goal, see the efficient options of a shipped
design, the best option's beds under every evidence set beside the oracle bound, and why
no option keeps the guarantees when none does (each guarantee named by its box); pick
an efficient option on the chart or in its box and load it as the current scenario."""

from __future__ import annotations

import json
import math
import textwrap
from typing import Any

import pandas as pd
import streamlit as st

from app import charts, services, show, state
from app.context import Ctx
from app.services import DEFAULT_EVIDENCE_SET, beds_figure, evidence_set, gbp
from app.text import md

SLUG = "design:slug"
GOAL = "design:goal"
LOCAL = "design:local"
MAX_COUNCILS = "design:max_councils"
MAX_LOSS_PCT = "design:max_loss_pct"
MAX_LOSS_GBP = "design:max_loss_gbp"
EXEMPT = "design:exempt"
MIN_BEDS = "design:min_beds"
MIN_BEDS_SET = "design:min_beds_set"
MAX_FIFTH = "design:max_most_deprived_fifth_pct"
PICK = "design:pick"
CHART = "chart_design_frontier"  # the frontier chart's selection (show.chart's key)
DEFAULT_GOAL = f"beds_per_gbpm:{DEFAULT_EVIDENCE_SET}"
# The page's starting guarantees: the shipped design's own (at most 40 councils, all
# money local); a limit of 0 in a box that says "0 = no limit" is none.
DEFAULTS: dict[str, Any] = {
    LOCAL: True,
    MAX_COUNCILS: 40,
    MAX_LOSS_PCT: 0.0,
    MAX_LOSS_GBP: 0,
    EXEMPT: [],
    MIN_BEDS: 0.0,
    MAX_FIFTH: 100.0,
}
# The guarantees' boxes, named the same way wherever the page speaks of them ("why not").
LABELS = {
    LOCAL: "All money stays in local government",
    MAX_COUNCILS: "At most this many councils affected",
    MAX_LOSS_PCT: "No council loses more than this % of its allocation",
    MAX_LOSS_GBP: "No council loses more than £",
    EXEMPT: "Councils exempt",
    MIN_BEDS: "Beds freed at least",
    MAX_FIFTH: "At most this % of the money conditioned or withheld from the most deprived "
    "fifth of councils",
}
# A goal in the few words its box shows whole, on a phone too.
GOAL_WORDS = {
    "money_moved": "Least money conditioned or withheld",
    "conditioned": "Least money conditioned",
    "withheld": "Least money withheld",
    "retained": "Least money retained by the centre",
    "councils_affected": "Fewest councils affected",
    "largest_loss_gbp": "Least lost by any one council (£)",
    "largest_loss_pct": "Least lost by any one council (% of allocation)",
    "most_deprived_fifth_pct": "Least on the most deprived fifth (%)",
    "most_deprived_fifth_gbp": "Least on the most deprived fifth (£)",
}
# What each number box takes (a link's value outside it is left out).
RANGES: dict[str, tuple[float, float]] = {
    "max_councils": (0, 152),
    "max_loss_pct": (0, 100),
    "max_loss_gbp": (0, 1_499_000_000),
    "min_beds": (0, 10_000),
    "max_most_deprived_fifth_pct": (0, 100),
}
HOVER_WIDTH = 40  # characters a line of a chart's hover text holds


def link_value() -> str:
    """The design part of the shareable link (the page's choices as JSON)."""
    ss = st.session_state
    keys = (
        SLUG,
        GOAL,
        LOCAL,
        MAX_COUNCILS,
        MAX_LOSS_PCT,
        MAX_LOSS_GBP,
        EXEMPT,
        MIN_BEDS,
        MIN_BEDS_SET,
        MAX_FIFTH,
    )
    values = {k: ss.get(k, DEFAULTS.get(k)) for k in keys}
    return json.dumps(
        {k.split(":", 1)[1]: v for k, v in values.items() if v is not None}, sort_keys=True
    )


def from_link(text: str) -> None:
    """Put a link's design choices in the session (anything unreadable is left out)."""
    try:
        values = json.loads(text)
    except ValueError:
        return
    if not isinstance(values, dict):
        return
    kinds: dict[str, tuple[type, ...]] = {
        "slug": (str,),
        "goal": (str,),
        "local": (bool,),
        "max_councils": (int,),
        "max_loss_pct": (int, float),
        "max_loss_gbp": (int,),
        "exempt": (list,),
        "min_beds": (int, float),
        "min_beds_set": (str,),
        "max_most_deprived_fifth_pct": (int, float),
    }
    for key, value in values.items():
        if key not in kinds or not isinstance(value, kinds[key]):
            continue
        if isinstance(value, bool) != (kinds[key] == (bool,)):
            continue  # true is not a number, 1 is not true
        low, high = RANGES.get(key, (-math.inf, math.inf))
        if isinstance(value, int | float) and not low <= value <= high:
            continue  # outside what its box takes: the box keeps its default
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            continue
        st.session_state[f"design:{key}"] = value


def _guarantees(ctx: Ctx) -> dict[str, Any]:
    ss = st.session_state
    out: dict[str, Any] = {"money_stays_local": bool(ss[LOCAL])}
    if ss[MAX_COUNCILS]:
        out["max_councils"] = int(ss[MAX_COUNCILS])
    if ss.get(MAX_LOSS_PCT):
        out["max_loss_pct"] = float(ss[MAX_LOSS_PCT])
    if ss.get(MAX_LOSS_GBP):
        out["max_loss_gbp"] = int(ss[MAX_LOSS_GBP])
    codes = set(ctx.data.codes)
    out["exempt"] = [c for c in ss.get(EXEMPT, []) if c in codes]
    if float(ss.get(MAX_FIFTH, 100.0)) < 100.0:
        out["max_most_deprived_fifth_pct"] = float(ss[MAX_FIFTH])
    if ss.get(MIN_BEDS):
        out["min_beds"] = {
            "evidence_set": ss.get(MIN_BEDS_SET, DEFAULT_EVIDENCE_SET),
            "beds": float(ss[MIN_BEDS]),
        }
    return out


def render(ctx: Ctx) -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if state.DESIGN_LINK in st.session_state:
        from_link(st.session_state.pop(state.DESIGN_LINK))
    shipped = services.designs()
    if not shipped:
        st.info("No design ships with this copy of the simulator.")
        return
    if st.session_state.get(SLUG) not in shipped:
        st.session_state[SLUG] = next(iter(shipped))
    st.selectbox("Design", list(shipped), key=SLUG, format_func=lambda s: shipped[s])
    slug = st.session_state[SLUG]
    grid = services.design_grid(slug)
    objectives = services.design_objectives(slug)
    _controls(ctx, grid, objectives)
    values, problems = services.design_guarantees(_guarantees(ctx))
    if values is None:
        st.error("\n\n".join(md(p) for p in problems))
        return
    answer = services.design_answer(slug, values, st.session_state[GOAL])
    _answer(ctx, answer, objectives)


def _controls(ctx: Ctx, grid: Any, objectives: dict[str, tuple[str, str, str]]) -> None:
    ss = st.session_state
    st.caption(
        f"{grid.file.description} {grid.grid.size:,} options, each a scenario of "
        f"'{grid.base.name}'; money exact to the pound, beds on the projection's central path."
    )
    evidence = [k.split(":", 1)[1] for k in objectives if k.startswith("beds_freed:")]
    goals = [k for k in objectives if k not in ("councils_selected",)]
    if ss.get(GOAL) not in goals:
        ss[GOAL] = DEFAULT_GOAL if DEFAULT_GOAL in goals else goals[0]
    left, right = st.columns(2)
    with left:
        st.selectbox(
            "Best at",
            goals,
            key=GOAL,
            format_func=lambda k: goal_words(k, objectives),
        )
        st.checkbox(LABELS[LOCAL], key=LOCAL)
        _number_box(MAX_COUNCILS, 1, "0 = no limit")
        _number_box(MAX_LOSS_PCT, 0.5, "0 = no limit")
    with right:
        _number_box(MAX_LOSS_GBP, 100_000, "0 = no limit")
        st.multiselect(
            LABELS[EXEMPT],
            list(ctx.data.codes),
            key=EXEMPT,
            format_func=ctx.name,
            placeholder="none",
        )
        _number_box(MIN_BEDS, 1.0, "0 = no target")
        if ss.get(MIN_BEDS_SET) not in evidence:
            ss[MIN_BEDS_SET] = (
                DEFAULT_EVIDENCE_SET if DEFAULT_EVIDENCE_SET in evidence else evidence[0]
            )
        st.selectbox(
            "… under the evidence set",
            evidence,
            key=MIN_BEDS_SET,
            format_func=services.evidence_label,
        )
        if "most_deprived_fifth_pct" in objectives:  # the data say who is most deprived
            _number_box(
                MAX_FIFTH,
                5.0,
                "100 = no limit",
                help="The most deprived fifth: councils in deciles 1 and 2 of the IoD2015 "
                "average score, as in the Overview's 'Who bears it'.",
            )


def _number_box(key: str, step: float, none: str, help: str | None = None) -> None:
    """A guarantee's number box: its label, what value means none, and the range
    :data:`RANGES` gives it (whole numbers where the step is whole)."""
    kind = type(step)
    low, high = RANGES[key.split(":", 1)[1]]
    st.number_input(
        f"{LABELS[key]} ({none})",
        min_value=kind(low),
        max_value=kind(high),
        step=step,
        key=key,
        help=help,
    )


def _answer(ctx: Ctx, answer: Any, objectives: dict[str, tuple[str, str, str]]) -> None:
    front = answer.frontier
    table = answer.table
    from_rules = services.design_feasible(answer)
    kept = int(from_rules.sum())
    cols = show.metric_columns(3, ctx)
    cols[0].metric("Options keeping the guarantees", f"{kept:,}")
    cols[1].metric("Efficient options", f"{int(front['efficient'].sum()):,}")
    best = answer.best
    cols[2].metric(
        "Best option",
        f"option {best['option']}" if best else "none",
        help=None if best is None else best["option_words"],
    )
    if best is None:
        _why_not(ctx, answer)
    else:
        goal = st.session_state[GOAL]
        st.success(
            md(
                f"Best at {objectives[goal][0].lower()}: {best['option_words']}. "
                f"Money moved {gbp(best['money_moved'])}, {int(best['councils_affected'])} "
                "councils affected; the beds it frees under each evidence set are below."
            )
        )
        _best_beds(ctx, answer)
    pool = table[from_rules] if kept else table
    shown = front[front["efficient"]]
    reading = evidence_set(DEFAULT_EVIDENCE_SET).reading.removeprefix("the ")
    fig = charts.design_frontier(
        pool,
        "options keeping the guarantees" if kept else "every option (none keeps them)",
        shown,
        "money_moved",
        f"beds_freed:{DEFAULT_EVIDENCE_SET}",
        "Money moved (£)",
        f"Beds freed a day, {reading} (central path)",
        [option_hover(row, answer.evidence) for row in shown.to_dict("records")],
    )
    show.chart(
        fig,
        shown,
        ctx,
        "design_frontier",
        "efficient options",
        on_select=_clicked,
        selection_mode="points",
    )
    st.caption(
        f"The beds axis reads {reading}, the default. Hover over an option for its beds "
        "under every evidence set; click it to pick it below. In the table, an option "
        "whose rank by beds differs between evidence sets is ticked under ‘Rank flips’."
    )
    _load(ctx, shown)
    columns = [
        "option",
        "ranking_flips",
        "money_moved",
        "councils_affected",
        "largest_loss_pct",
        *[c for c in front.columns if c.startswith("beds_freed:")],
        "option_words",
    ]
    show.table(
        shown[columns],
        ctx,
        "design_options",
        "efficient options",
        column_config=objective_columns(columns, objectives),
    )


def goal_words(key: str, objectives: dict[str, tuple[str, str, str]]) -> str:
    """A goal in the few words its box shows whole.

    >>> goal_words("beds_per_gbpm:fit_2017_18", {})
    'Most beds per £1m, 2017/18 fit (optimistic reading)'
    >>> goal_words("councils_affected", {}), goal_words("x", {"x": ("Spread", "£", "min")})
    ('Fewest councils affected', 'Spread (least)')
    """
    kind, _, name = key.partition(":")
    if kind in ("beds_freed", "beds_per_gbpm") and name:
        what = "Most beds freed" if kind == "beds_freed" else "Most beds per £1m"
        return f"{what}, {evidence_set(name).reading.removeprefix('the ')}"
    if key in GOAL_WORDS:
        return GOAL_WORDS[key]
    label, _, sense = objectives[key]
    return f"{label} ({'most' if sense == 'max' else 'least'})"


def option_hover(row: dict[str, Any], evidence: list[str]) -> str:
    """An efficient option on the chart: its number, money and councils, its beds under
    every evidence set (the default marked), whether its rank by beds flips between
    them, and the option in words; lines short enough for a phone.

    >>> print(option_hover({"option": 7, "option_words": "condition share 10%",
    ...     "money_moved": 4e6, "councils_affected": 11, "beds_freed:low": 0.16,
    ...     "beds_freed:central": 0.33, "ranking_flips": True}, ["low", "central"]))
    Option 7: money moved £4.0m, 11 councils
    affected
    Beds freed a day (central path):
    low: 0.2
    central (default): 0.3
    Its rank by beds flips between sets
    condition share 10%
    """
    lines = [
        f"Option {int(row['option'])}: money moved {gbp(row['money_moved'])}, "
        f"{int(row['councils_affected'])} councils affected",
        "Beds freed a day (central path):",
    ]
    wrapped = textwrap.wrap(lines[0], HOVER_WIDTH) + lines[1:]
    for name in evidence:
        s = evidence_set(name)
        mark = " (default)" if s.is_default else ""
        wrapped.append(f"{s.label}{mark}: {beds_figure(float(row[f'beds_freed:{name}']))}")
    if row.get("ranking_flips"):
        wrapped.append("Its rank by beds flips between sets")
    wrapped += textwrap.wrap(str(row["option_words"]), HOVER_WIDTH)
    return "\n".join(wrapped)


def _best_beds(ctx: Ctx, answer: Any) -> None:
    """The best option's beds freed under every evidence set side by side, and the
    oracle bound under each beside them."""
    ss = st.session_state
    values, _ = services.design_guarantees(_guarantees(ctx))
    bound = None
    if answer.oracle is not None and values is not None:
        bound = services.design_bound(ss[SLUG], values, ss[GOAL])
    with st.container(border=True, key="design-best-beds"):
        st.markdown("**The best option's beds freed under every evidence set**")
        # A small table drawn whole (every column on a phone too), figures side by side.
        frame = best_beds_frame(answer.best, answer.evidence, bound)
        st.table(frame, hide_index=True)
        show.csv_button(frame, ctx, "design_best_beds", "beds freed by the best option")
        if bound is not None:
            st.info(
                md(
                    "A bound, not an option: under each evidence set, no rule conditioning "
                    f"{bound.share_pct:g}% of the {bound.element} in each council it picks, "
                    f"with at most {gbp(bound.budget)} in all, frees more beds a day than "
                    "the bound in the table. The councils reaching it are picked by name, "
                    "which no rule of the design does."
                ),
                icon=":material/functions:",
            )


def best_beds_frame(best: dict[str, Any], evidence: list[str], bound: Any) -> pd.DataFrame:
    """One row per evidence set, the default marked: the best option's beds freed a day
    (central path), per £1m moved, and the bound (when there is one)."""
    rows = []
    for name in evidence:
        s = evidence_set(name)
        row = {
            "Evidence set": s.label + (" (default)" if s.is_default else ""),
            "Beds freed a day (central path)": beds_figure(float(best[f"beds_freed:{name}"])),
            "Beds a day per £1m moved": beds_figure(float(best[f"beds_per_gbpm:{name}"])),
        }
        if bound is not None:
            row["Bound (beds a day)"] = beds_figure(bound.beds[name])
        rows.append(row)
    return pd.DataFrame(rows)


def objective_columns(
    columns: list[str], objectives: dict[str, tuple[str, str, str]]
) -> dict[str, Any]:
    """Each objective's column headed by its label and unit, money in pounds with
    separators (numbers still, so the table sorts by amount and the CSV keeps them)."""
    config: dict[str, Any] = {}
    for col in columns:
        if col in objectives:
            label, unit, _ = objectives[col]
            heading = f"{label} ({unit})"
            config[col] = (
                st.column_config.NumberColumn(heading, format="localized")
                if unit == "£"
                else st.column_config.Column(heading)
            )
    config["option_words"] = st.column_config.Column("The option in words")
    config["ranking_flips"] = st.column_config.CheckboxColumn(
        "Rank flips",
        help="Ticked where the option's rank by beds freed (central path) is not the same "
        "under every evidence set that tells options apart.",
    )
    return config


def _why_not(ctx: Ctx, answer: Any) -> None:
    with st.container(key="design-why-not"):
        st.error("No option of the design keeps every guarantee.", icon=":material/block:")
        if answer.why_not is not None:
            st.markdown("\n".join(f"- {md(line)}" for line in why_not_lines(ctx, answer)))


def why_not_lines(ctx: Ctx, answer: Any) -> list[str]:
    """Which guarantees conflict and what would let options keep the rest: each
    guarantee named by its box on this page, each change said as what to put in that
    box, with the number of options that then keep the guarantees (as the page counts
    them once the box is changed)."""
    values = _guarantees(ctx)
    beds = values.get("min_beds") or {"evidence_set": DEFAULT_EVIDENCE_SET, "beds": 0.0}
    under = evidence_set(beds["evidence_set"]).reading.removeprefix("the ")
    boxes = {
        "money_stays_local": LOCAL,
        "max_councils": MAX_COUNCILS,
        "max_loss_pct": MAX_LOSS_PCT,
        "max_loss_gbp": MAX_LOSS_GBP,
        "min_beds": MIN_BEDS,
        "max_most_deprived_fifth_pct": MAX_FIFTH,
    }

    def box(key: str) -> str:
        if key.startswith("exempt:"):
            return f"‘{LABELS[EXEMPT]}’"
        return f"‘{LABELS[boxes[key]]}’" if key in boxes else key

    def unit(key: str) -> str:
        """What a box's number counts, where the box's words do not say it."""
        return f"beds a day, {under}" if key == "min_beds" else ""

    def as_set(key: str) -> str:
        if key == "money_stays_local":
            return f"{box(key)} ticked"
        if key.startswith("exempt:"):
            return f"{ctx.name(key.split(':', 1)[1])} in {box(key)}"
        if key in boxes:
            now = beds["beds"] if key == "min_beds" else values[key]
            return f"{box(key)} at {said(key, now)}" + (f" ({unit(key)})" if unit(key) else "")
        return key

    lines = [
        "No option keeps these together: " + "; ".join(as_set(k) for k in conflict) + "."
        for conflict in answer.why_not.conflicts
    ]
    if not answer.why_not.exhaustive:
        lines.append(
            "Too many guarantees to try every combination: this is one set that conflicts, "
            "with nothing in it that could be left out; there may be others."
        )
    slug = st.session_state[SLUG]
    for r in answer.why_not.relaxations:
        if r.key not in boxes and not r.key.startswith("exempt:"):
            words, n = r.words[:1].upper() + r.words[1:], r.options  # no box says it
            lines.append(f"{words}: {n:,} option{' qualifies' if n == 1 else 's qualify'}.")
            continue
        if r.key == "min_beds" and r.bound is not None and math.floor(r.bound * 100 + 1e-6) <= 0:
            lines.append(
                f"With the other guarantees kept, no option frees more than "
                f"{beds_figure(r.bound)} beds a day ({under})."
            )
            continue
        change = _change(r.key, r.bound, values)
        if change is None:
            continue
        if r.key == "money_stays_local":
            words = f"Untick {box(r.key)}"
        elif r.key.startswith("exempt:"):
            words = f"Take {ctx.name(r.key.split(':', 1)[1])} out of {box(r.key)}"
        elif r.bound is None and r.key == "max_most_deprived_fifth_pct":
            words = f"Set {box(r.key)} to 100 (no limit)"
        elif r.bound is None:
            words = f"Set {box(r.key)} to 0 ({'no target' if r.key == 'min_beds' else 'no limit'})"
        else:
            now = beds["beds"] if r.key == "min_beds" else values[r.key]
            new = change["min_beds"]["beds"] if r.key == "min_beds" else change[r.key]
            words = f"Set {box(r.key)} to {said(r.key, new)} instead of {said(r.key, now)}"
            words += f" ({unit(r.key)})" if unit(r.key) else ""
        relaxed, _ = services.design_guarantees(change)
        n = r.options if relaxed is None else services.design_kept(slug, relaxed)
        lines.append(f"{words}: {n:,} option{' qualifies' if n == 1 else 's qualify'}.")
    return lines


def said(key: str, value: float) -> str:
    """A guarantee's box value as it is typed in, with its sign.

    >>> said("max_loss_pct", 2.5), said("max_loss_gbp", 1e6), said("max_councils", 20)
    ('2.5%', '£1,000,000', '20')
    """
    if key in ("max_loss_pct", "max_most_deprived_fifth_pct"):
        return f"{value:g}%"
    if key == "max_loss_gbp":
        return f"£{value:,.0f}"
    return f"{value:g}"


def _change(key: str, bound: float | None, values: dict[str, Any]) -> dict[str, Any] | None:
    """The page's guarantees with one changed as a relaxation says: dropped (``bound``
    None) or set to the bound, rounded as its box takes it and so that the options the
    bound lets through still qualify. None where the boxes cannot say it or a line says
    it already (a council affected is its exemption dropped; the centre keeping money
    is the box unticked; a target of no beds is no target)."""
    out = dict(values)
    if key == "money_stays_local":
        if bound is not None:
            return None
        out["money_stays_local"] = False
    elif key.startswith("exempt:"):
        if bound is not None:
            return None
        out["exempt"] = [c for c in values.get("exempt", []) if c != key.split(":", 1)[1]]
    elif bound is None:
        out.pop(key, None)
    elif key == "max_councils":
        out[key] = math.ceil(bound - 1e-9)
    elif key in ("max_loss_pct", "max_most_deprived_fifth_pct"):
        out[key] = math.ceil(bound * 100 - 1e-6) / 100
    elif key == "max_loss_gbp":
        out[key] = math.ceil(bound - 1e-6)
    elif key == "min_beds" and "min_beds" in values:
        floor = math.floor(bound * 100 + 1e-6) / 100
        if floor <= 0:
            return None  # said as the most beds any option frees
        out[key] = {**values[key], "beds": floor}
    return out


def _clicked() -> None:
    """A click on an efficient option on the chart picks it in the box below."""
    event = st.session_state.get(CHART) or {}
    for point in event.get("selection", {}).get("points", []):
        option = point.get("customdata")
        if isinstance(option, list):
            option = option[0] if option else None
        if option is not None:
            st.session_state[PICK] = int(option)
            return


def _load(ctx: Ctx, shown: Any) -> None:
    options = [int(i) for i in shown["option"]]
    if not options:
        return
    words = dict(zip(options, shown["option_words"], strict=True))
    pick = st.selectbox(
        "An efficient option",
        options,
        key=PICK,
        format_func=lambda i: f"Option {i}: {words[i]}",
    )
    if st.button("Load it as the current scenario", key="design:load"):
        slug = st.session_state[SLUG]
        scenario = services.design_option(slug, int(pick))
        state.replace(scenario)
        # Into Compare too, beside the shipped scenario the design varies.
        base = services.design_base_preset(slug)
        picks = ["current", *([f"preset:{base}"] if base in ctx.presets else [])]
        st.session_state[state.COMPARE] = picks
        state.flash(
            "success",
            [f"Loaded option {pick} of the design as the current scenario (and into Compare)."],
        )
        st.rerun()
