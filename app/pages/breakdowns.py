"""Breakdowns: totals by region, authority type and DToC quartile; who gains and loses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, services, show
from app.context import Ctx
from app.services import YEAR, month_name

GROUPS = {
    "region": "Region",
    "authority_type": "Authority type",
    "dtoc_quartile": "DToC quartile",
}
GROUP_BY = "breakdown_by"
TOP_N = "winners_n"


def render(ctx: Ctx) -> None:
    councils = services.councils_frame(ctx.result)
    by = (
        st.segmented_control(
            "Group councils by",
            list(GROUPS),
            default="region",
            key=GROUP_BY,
            format_func=GROUPS.__getitem__,
        )
        or "region"
    )
    table = services.breakdown(councils, by)
    if by == "dtoc_quartile":
        basis = services.rate_basis(ctx.result)
        st.caption(
            f"Quartiles of the {basis.attribution.replace('_', ' ')} rate per 100,000 adults "
            f"18+ in {month_name(basis.month)} (Q1 = lowest delays)."
        )
    _by_group(ctx, table, by)
    _gains_and_losses(ctx, councils)


def _by_group(ctx: Ctx, table: pd.DataFrame, by: str) -> None:
    """The totals by group: net change (or councils selected) and the money."""
    group = GROUPS[by].lower()
    left, right = st.columns(2)
    with left:
        if (table["change"] != 0).any():
            show.chart(
                charts.hbars(
                    table, by, "change", f"Net change in allocations by {group}, {YEAR}", "£"
                ),
                table[[by, "change", "change_pct"]],
                ctx,
                f"breakdown_{by}",
                f"net change by {group}",
            )
        else:
            counts = table[[by, "councils", "selected"]]
            show.chart(
                charts.hgrouped(
                    counts,
                    by,
                    ["councils", "selected"],
                    f"Councils and councils selected by {group}",
                    "Councils",
                    names={"councils": "All councils", "selected": "Selected"},
                ),
                counts,
                ctx,
                f"breakdown_{by}",
                f"councils selected by {group}",
            )
    with right:
        money = table[[by, "conditioned", "withheld", "received"]]
        show.chart(
            charts.hgrouped(
                money,
                by,
                ["conditioned", "withheld", "received"],
                f"Conditioned, withheld and redistributed by {group}, {YEAR}",
                "£",
                names={
                    "conditioned": "Conditioned",
                    "withheld": "Withheld",
                    "received": "Redistributed to councils",
                },
            ),
            money,
            ctx,
            f"breakdown_money_{by}",
            f"money by {group}",
        )
    show.table(table, ctx, f"breakdown_table_{by}", f"breakdown by {group}")


def _gains_and_losses(ctx: Ctx, councils: pd.DataFrame) -> None:
    """The largest gains and losses, and how many councils gain, lose or stay."""
    st.markdown(f"#### Who gains and who loses, {YEAR}")
    n = st.slider("Councils in each list", 5, 30, 10, key=TOP_N)
    cols = [
        "gss_code",
        "council",
        "region",
        "authority_type",
        "allocation_total",
        "withheld",
        "received",
        "change",
        "change_pct",
    ]
    gains, losses, tally = services.gains_and_losses(councils, n, cols)
    st.caption(
        f"{tally['gain']} councils gain, {tally['lose']} lose, "
        f"{tally['unchanged']} are unchanged "
        "(conditioned money is not a change: it stays with the council)."
    )
    left, right = st.columns(2)
    with left:
        if gains.empty:
            st.caption("No council gains under this scenario.")
        else:
            shown = ctx.shown(gains)
            show.chart(
                charts.hbars(shown, "council", "change", "Largest gains", "£"),
                gains,
                ctx,
                "gains",
                "largest gains",
            )
    with right:
        if losses.empty:
            st.caption("No council loses under this scenario.")
        else:
            shown = ctx.shown(losses)
            show.chart(
                charts.hbars(shown, "council", "change", "Largest losses", "£"),
                losses,
                ctx,
                "losses",
                "largest losses",
            )
