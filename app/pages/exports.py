"""Exports: the scenario file, the Excel pack and a CSV of every table and chart."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app import services, show
from app.context import Ctx
from app.display import slug
from app.services import CAVEATS, YEAR, scenario_toml
from app.text import md


def excel_bytes(ctx: Ctx) -> bytes:
    return services.excel_pack(
        ctx.result, ctx.projection, aliases=ctx.aliases if ctx.workshop else None
    )


Table = pd.DataFrame | Callable[[], pd.DataFrame]


def tables(ctx: Ctx) -> dict[str, tuple[str, Table]]:
    """Every table the app shows, by file name: (description, frame or function)."""
    r = ctx.result
    councils = lambda: services.councils_frame(r)  # noqa: E731 - deferred until clicked
    out: dict[str, tuple[str, Table]] = {
        "councils": ("councils: every output column", councils),
        "summary": ("headline summary", lambda: services.summary_frame(r, ctx.projection)),
        "ledger": ("ledger", lambda: services.ledger_steps(r.summary)),
        "by_region": ("totals by region", lambda: services.breakdown(councils(), "region")),
        "by_authority_type": (
            "totals by authority type",
            lambda: services.breakdown(councils(), "authority_type"),
        ),
        "by_dtoc_quartile": (
            "totals by DToC quartile",
            lambda: services.breakdown(councils(), "dtoc_quartile"),
        ),
        "national_path": ("national projection (fan chart)", lambda: ctx.projection.national_path),
        "national_history": (
            "national reported delayed beds a day",
            lambda: services.national_history(ctx.data),
        ),
        "projection_councils": (
            "projection per council, month and attribution",
            lambda: services.projection_frame(r, ctx.projection),
        ),
        "monte_carlo": (
            "Monte Carlo draws of beds freed",
            lambda: pd.DataFrame({"beds_freed_per_day": ctx.projection.national_draws}),
        ),
        "tornado": ("tornado (one-at-a-time sensitivities)", lambda: services.tornado(r)),
        "near_the_line": (
            "councils within 2 beds a day of the line",
            lambda: services.near_the_line(r, beds=2.0, flip=services.distance_to_flip(r)),
        ),
        "compare_status_quo": (
            "this scenario against the status quo",
            lambda: services.compare_frame([r, services.status_quo()]),
        ),
        "known_figures": (
            "published figures beside the reconstruction",
            lambda: ctx.data.known_figures,
        ),
        "reported_figures": (
            "reported 2018-19 figures beside the reconstruction, every council",
            lambda: services.reported_figures(ctx.data),
        ),
        "assumptions": (
            "assumptions register",
            lambda: services.assumptions_register(ctx.scenario.projection),
        ),
        "parameters": ("scenario parameters", lambda: services.parameters_frame(r)),
        "methods": ("methods", lambda: services.methods_table(r)),
        "caveats": (
            "caveats",
            lambda: pd.DataFrame({"caveat": services.scenario_caveats(r) + CAVEATS}),
        ),
    }
    if ctx.workshop:  # published figures name their councils (as in the Excel pack)
        del out["known_figures"]
        del out["reported_figures"]
    return out


def all_csvs(ctx: Ctx) -> bytes:
    """Every CSV and the scenario file in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        listed = tables(ctx)
        for name, (what, frame) in listed.items():
            table = frame() if callable(frame) else frame
            archive.writestr(f"{name}.csv", show.csv_text(ctx.shown(table), ctx, what))
        files = {name: what for name, (what, _) in listed.items()}
        archive.writestr("about.csv", show.csv_text(show.about_frame(ctx, files), ctx, "about"))
        archive.writestr("scenario.toml", scenario_toml(ctx.scenario, ctx.data.data_hash))
    return buffer.getvalue()


EXCEL = "_excel_pack"
EXCEL_LABEL = "Excel pack (.xlsx)"


def excel_download(ctx: Ctx) -> None:
    """The Excel pack in two steps: building it takes seconds (the projection and every
    table), so it is built on request with a spinner, then downloaded at once by the
    first click, never a click that seems to do nothing."""
    wanted = (ctx.scenario, ctx.workshop)  # the whole scenario: its notes are in the pack
    ready = st.session_state.get(EXCEL)
    if ready is None or ready[0] != wanted:
        if not st.button(
            f"Prepare the {EXCEL_LABEL}", type="primary", icon=":material/table_view:"
        ):
            return
        with st.spinner("Building the Excel pack: the projection, every table and the caveats…"):
            ready = (wanted, excel_bytes(ctx))
        st.session_state[EXCEL] = ready
    st.download_button(
        EXCEL_LABEL,
        data=ready[1],
        file_name=f"{slug(ctx.scenario.name)}-report.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="excel_pack",
        on_click="ignore",
        type="primary",
        icon=":material/download:",
    )


def render(ctx: Ctx) -> None:
    if ctx.result.summary["allocation_status"] != "official":
        st.caption(
            "Every export says that allocations are reconstructed: the Excel pack's "
            "Caveats sheet, the brief, and the CSVs' about.csv and caveats.csv."
        )
    st.markdown(f"#### {md(ctx.scenario.name)}: {YEAR}")
    c1, c2 = st.columns(2)
    with c1:
        excel_download(ctx)
        st.caption(
            "Every table, caveats, methods, parameters, the scenario, data provenance, "
            "allocation checks, the projection and the assumptions register: the same "
            "pack as `ibcf run`."
        )
    with c2:
        st.download_button(
            "Scenario file (.toml)",
            data=scenario_toml(ctx.scenario, ctx.data.data_hash),
            file_name=f"{slug(ctx.scenario.name)}.toml",
            mime="application/toml",
            key="export_toml",
            on_click="ignore",
            icon=":material/description:",
        )
        st.caption(
            "Stamped with the model version and data hash; rerun it with "
            "`ibcf run FILE` or upload it in the sidebar."
        )
    show.brief_button(
        lambda: show.scenario_brief(ctx), f"{slug(ctx.scenario.name)}-brief.pdf", "export_brief"
    )
    st.caption(
        "One A4 page to attach to a submission: headline numbers, the option in plain "
        "words, the ledger, who changes, the projected effect and what it rests on, and "
        "the caveats (`ibcf brief FILE --out brief.pdf`)."
    )
    st.markdown("#### CSV files")
    st.download_button(
        "All CSV files and the scenario (.zip)",
        data=lambda: all_csvs(ctx),
        file_name=f"{slug(ctx.scenario.name)}-csv.zip",
        mime="application/zip",
        key="export_zip",
        on_click="ignore",
        icon=":material/folder_zip:",
    )
    st.caption(
        "Each CSV is a plain table that opens in Excel. The zip's `about.csv` says what "
        "each file holds, the scenario, year, data hash, model version and allocation "
        "status, and lists the caveats (also `caveats.csv`)."
    )
    items = list(tables(ctx).items())
    cols = st.columns(3)
    for k, (name, (what, frame)) in enumerate(items):
        with cols[k % 3]:
            show.csv_button(frame, ctx, name, what, label=f"{name}.csv", key=f"export_{name}")
            st.caption(what)
