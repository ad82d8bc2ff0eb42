"""The one-page brief: what an official attaches to a submission, as a PDF.

Two steps, kept apart: :func:`scenario_brief` and :func:`comparison_brief` gather the
content as plain data (headline numbers with units and year, the option in plain
words, the ledger, who changes, the projected effect with the evidence it rests on,
the caveats); :func:`render_pdf` lays it out on one A4 page with fpdf2. Every piece of
user text (scenario names, descriptions, council names) is written as text: nothing
is read as markup.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator import MODEL_VERSION
from simulator.engine.run import Result
from simulator.projection import METHOD_LABELS, ProjectionParams
from simulator.reports.anonymous import anonymise
from simulator.reports.letter import reconciliation_lines
from simulator.reports.robustness import robustness_text
from simulator.reports.summary import (
    CAVEATS,
    LETTER_PROMISE,
    LETTER_PROMISE_SOURCE,
    STALE_TEXT,
    option_words,
    workshop_caveats,
)
from simulator.reports.tables import breakdown, compare_frame
from simulator.reports.words import (
    ambition_text,
    beds_figure,
    chance,
    chance_change,
    detectability_lines,
    evidence_name,
    evidence_side_by_side,
    gbp,
    is_nil,
)
from simulator.rules.redistribution import RULE_LABELS
from simulator.schema.base import param_meta
from simulator.schema.vocabulary import YEAR

if TYPE_CHECKING:
    from fpdf import FPDF

    from simulator.projection import ProjectionResult

# The projection parameters a projected effect rests on most, named in the brief with
# their source (the assumptions register has the rest).
EVIDENCE = ("discharge_share", "price_share", "lag_months")  # beside the evidence set
LARGEST = 5  # councils listed under "largest changes"
# fpdf2 subsets fonts with fontTools, which reports each step at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # shares of the text width
    right: tuple[int, ...] = ()  # columns aligned right (numbers)


Block = str | Table


@dataclass(frozen=True)
class Brief:
    title: str
    subtitle: str
    headline: list[tuple[str, str]]  # (label with unit and year, value)
    warning: str | None  # money leaving local government, beside the letter's words
    sections: list[tuple[str, list[Block]]]
    footer: str
    lead: str = ""  # the option's policy sentence, in bold under the title
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- content
def _first_sentence(text: str) -> str:
    """A caveat's first sentence (the brief is one page; the Excel pack has the rest).

    >>> _first_sentence("One (a. b). Two.")
    'One (a. b).'
    """
    depth = 0
    for k, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "." and depth == 0 and (k + 1 == len(text) or text[k + 1] == " "):
            return text[: k + 1]
    return text


def _clip(text: str, limit: int = 700) -> str:
    """User text cut to fit the page (the scenario file keeps all of it).

    >>> _clip("abc " * 3, 6)
    'abc…'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _evidence(params: ProjectionParams) -> str:
    parts = [f"the {evidence_name(params.evidence_set)} evidence set (docs/projection.md)"]
    for name in (n for n in EVIDENCE if n in ProjectionParams.model_fields):
        meta = param_meta(ProjectionParams, name)
        source = str(meta["source"]).split(";")[0].split(" (")[0]
        value = getattr(params, name)
        if meta["unit"] == "share (0-1)":  # a share in words people use: a percentage
            shown = f"{100 * value:.0f}%"
        else:
            shown = f"{value:g}" + (f" {meta['unit']}" if meta["unit"] else "")
        parts.append(f"{name.replace('_', ' ')} {shown} ({source})")
    return "Rests on: " + "; ".join(parts) + ". Every assumption: the Excel pack's register."


def _headline(result: Result, projection: ProjectionResult | None) -> list[tuple[str, str]]:
    s = result.summary
    n = len(result.data.codes)
    firm = robustness_text(result)
    out = [
        (f"Councils selected{f'; {firm}' if firm else ''}", f"{s['councils_selected']} of {n}"),
        (f"Conditioned, {YEAR}", gbp(s["total_conditioned"])),
        (f"Withheld, {YEAR}", gbp(s["total_withheld"])),
        (f"Redistributed to councils, {YEAR}", gbp(s["total_received"])),
    ]
    if s["total_retained"] > 0:
        out.append((f"Retained by the centre, {YEAR}", gbp(s["total_retained"])))
    if projection is not None:
        freed = projection.beds_freed
        out += [
            (
                f"Beds freed a day, {YEAR} (median, if the "
                f"{evidence_name(projection.evidence_set)} evidence holds)",
                "≈ nil" if is_nil(freed) else beds_figure(freed["p50"]),
            ),
            (f"NHS value (notional), {YEAR}", gbp(projection.nhs_value_gbp["notional"])),
            (
                f"NHS value (cash-releasing), {YEAR}",
                gbp(projection.nhs_value_gbp["cash_releasing"]),
            ),
            (
                "Chance national ambition is met: "
                + chance_change(
                    projection.probability_ambition_met,
                    projection.probability_ambition_met_no_change,
                ),
                chance(projection.probability_ambition_met),
            ),
        ]
    return out


def _warning(result: Result) -> str | None:
    s = result.summary
    if s["total_retained"] <= 0:
        return None
    return (
        f"{gbp(s['total_retained'])} of the {gbp(s['total_withheld'])} withheld is retained "
        f"by the centre and leaves local government. {LETTER_PROMISE_SOURCE}: "
        f'"{LETTER_PROMISE}"'
    )


def _ledger(result: Result) -> Table:
    s = result.summary
    rows = [
        [f"{YEAR} iBCF allocations before review", gbp(s["total_baseline"])],
        ["of which conditioned (stays with councils, ring-fenced)", gbp(s["total_conditioned"])],
        ["Withheld from councils", gbp(s["total_withheld"])],
        ["Redistributed to councils", gbp(s["total_received"])],
        ["Final allocations to councils", gbp(s["total_final"])],
        ["Retained by the centre", gbp(s["total_retained"])],
    ]
    balanced = "balances to the pound" if s["ledger_balanced"] else "DOES NOT BALANCE"
    rows.append([f"Withheld = redistributed + retained: the ledger {balanced}", ""])
    return Table(["Ledger", "£"], rows, [0.75, 0.25], right=(1,))


def _named(result: Result, aliases: dict[str, str] | None) -> pd.DataFrame:
    """The results table, council names replaced by neutral labels when given."""
    if aliases is None:
        return result.table
    return anonymise(result.table, aliases, names_only=True)


def _who_changes(result: Result, aliases: dict[str, str] | None = None) -> list[Block]:
    table = _named(result, aliases)
    by_type = breakdown(table, "authority_type")
    by_region = breakdown(table, "region").sort_values("change")
    groups = pd.concat(
        [by_type.rename(columns={"authority_type": "group"}),
         by_region.rename(columns={"region": "group"})],
        ignore_index=True,
    )  # fmt: skip
    rows = [
        [
            str(g["group"]),
            f"{int(g['selected'])} of {int(g['councils'])}",
            gbp(g["conditioned"]),
            gbp(g["change"]),
        ]
        for _, g in groups.iterrows()
    ]
    counts = Table(
        ["By type, then region", "Selected", f"Conditioned £, {YEAR}", f"Change £, {YEAR}"],
        rows,
        [0.46, 0.16, 0.19, 0.19],
        right=(1, 2, 3),
    )
    moved = table["change"].abs().to_numpy()
    key = moved if moved.any() else table["conditioned"].to_numpy()
    order = [int(i) for i in np.argsort(-key, kind="stable")[:LARGEST] if key[i] > 0]
    title = "Largest changes" if moved.any() else "Largest amounts conditioned"
    largest = Table(
        [title, "Status", f"Conditioned £, {YEAR}", f"Change £, {YEAR}"],
        [
            [
                str(table["council"].iloc[i]),
                "selected" if table["selected"].iloc[i] else "not selected",
                gbp(table["conditioned"].iloc[i]),
                f"{gbp(table['change'].iloc[i])} ({table['change_pct'].iloc[i]:+.1f}%)",
            ]
            for i in order
        ],
        [0.40, 0.16, 0.19, 0.25],
        right=(2, 3),
    )
    if not order:
        return [counts, "No council's allocation changes."]
    return [counts, largest, _sources_of(table, order)]


def _sources_of(table: pd.DataFrame, order: list[int]) -> str:
    """Where the listed councils' 2018/19 allocations come from, in one sentence.

    >>> t = pd.DataFrame({"council": ["A", "B", "C"], "allocation_status": [
    ...     "reported 2018-19 outturn", "reconstructed: precept equalisation",
    ...     "reported 2018-19 outturn"]})
    >>> _sources_of(t, [0, 1, 2]).split(" except ")[1]
    'B (reconstructed: precept equalisation).'
    >>> _sources_of(t, [1])
    'Allocations above: B reconstructed: precept equalisation.'
    """
    status = table["allocation_status"].astype(str).to_numpy()
    names = table["council"].astype(str).to_numpy()
    reported = [i for i in order if status[i] == "reported 2018-19 outturn"]
    others = [i for i in order if status[i] != "reported 2018-19 outturn"]
    if reported:
        text = "Allocations above: as each council reported (revenue outturn 2018-19)"
        if others:
            text += " except " + ", ".join(f"{names[i]} ({status[i]})" for i in others)
        return text + "."
    return "Allocations above: " + ", ".join(f"{names[i]} {status[i]}" for i in others) + "."


def _bears(result: Result, projection: ProjectionResult | None) -> list[Block]:
    """One line each: distribution, stability, incentives (no council named)."""
    from simulator.reports.distribution import annex, sentence
    from simulator.reports.incentives import incentive_words, incentives
    from simulator.reports.stability import stability, stability_words

    return [
        f"Who bears it: {sentence(annex(result, projection))}",
        f"How firm: {stability_words(stability(result, flips=False))}",
        f"What it rewards: {' '.join(incentive_words(incentives(result))[:2])}",
    ]


def _projection(result: Result, projection: ProjectionResult | None) -> list[Block]:
    if projection is None:
        return ["Not projected (run with a projection for the effect on delays)."]
    p = result.scenario.projection
    f = projection.beds_freed
    method = METHOD_LABELS.get(projection.method, projection.method)
    return [
        f"Delayed beds a day freed, England, average over {YEAR} against no change: median "
        f"{beds_figure(f['p50'])} (80% range {beds_figure(f['p10'])} to {beds_figure(f['p90'])}; "
        f"from {projection.draws:,} random draws). Delayed bed days avoided: "
        f"{projection.delayed_days_avoided:,.0f}; notional NHS value "
        f"{gbp(projection.nhs_value_gbp['notional'])} at £{p.excess_bed_day_cost_gbp:,.0f} an "
        f"excess bed day (cash-releasing {gbp(projection.nhs_value_gbp['cash_releasing'])}; "
        f"evidence set: {evidence_name(projection.evidence_set)}). Chance that national "
        f"delays meet the ambition of "
        f"{p.ambition_rate_per_100k:g} per 100,000 adults: "
        f"{ambition_text(projection)}. Counterfactual: {method.lower()}.",
        " ".join(
            [
                evidence_side_by_side(projection),
                *detectability_lines(projection, result.selection.selected),
            ]
        ).strip(),
        _evidence(p),
    ]


def _few(method: list[str], keep: int = 3) -> list[str]:
    """At most ``keep`` method caveats, and how many more the Excel pack holds."""
    more = len(method) - keep
    tail = [f"{more} more notes on the tests: the option summary in the Excel pack."]
    return method[:keep] + (tail if more > 0 else [])


def _caveats(result: Result, method: list[str], workshop: bool = False) -> list[Block]:
    out: list[Block] = [*_few(method)]
    if result.scenario.text_stale:
        out.append(STALE_TEXT)
    names = list(result.data.councils["council"])
    out += [_first_sentence(c) for c in (workshop_caveats(names) if workshop else CAVEATS)]
    return out


def _footer(results: list[Result]) -> str:
    hashes = ", ".join(r.scenario.content_hash() for r in results)
    return (
        f"iBCF allocation review simulator {MODEL_VERSION}; data {results[0].data.data_hash}; "
        f"scenario {hashes}; made {date.today().isoformat()}. Every table: the Excel pack. "
        "Wording is neutral: it states what the option would do."
    )


def scenario_brief(
    result: Result,
    projection: ProjectionResult | None = None,
    aliases: dict[str, str] | None = None,
) -> Brief:
    """The one-page brief of one scenario, as plain data (``aliases``: GSS code to a
    neutral name, for workshops; a named council's published figures are left out)."""
    s = result.scenario
    words = option_words(result)
    policy, details, method = words.policy, words.details, words.caveats
    status = result.summary["allocation_status"]
    subtitle = (
        f"{YEAR} improved Better Care Fund; DToC data to {_month(result)}; allocations "
        f"{status.upper()}"
    )
    option: list[Block] = [" ".join(details)] if details else []
    if s.description and not s.text_stale:
        option.append(f"Described as: {_clip(s.description)}")
    sections: list[tuple[str, list[Block]]] = [
        ("The option", option),
        (f"Where the money goes, {YEAR}", [_ledger(result)]),
        ("Who changes", _who_changes(result, aliases)),
        ("Who bears it, how firm the list is, what it rewards", _bears(result, projection)),
        (f"Projected effect on delayed transfers, {YEAR}", _projection(result, projection)),
    ]
    reconciled = reconciliation_lines(result, "" if aliases is not None else None)
    if reconciled:
        sections.append(("Beside the published document", reconciled))  # type: ignore[arg-type]
    sections.append(("Caveats", _caveats(result, method, workshop=aliases is not None)))
    return Brief(
        title=_clip(s.name, 120),
        subtitle=subtitle,
        headline=_headline(result, projection),
        warning=_warning(result),
        sections=sections,
        footer=_footer([result]),
        lead=policy,
    )


def _month(result: Result) -> str:
    from simulator.schema.selection import Window

    month = str(result.summary["data_month"])
    return Window(end=month).label() if month in result.data.months else "none read"


def comparison_brief(
    results: list[Result],
    projections: list[ProjectionResult] | None = None,
    aliases: dict[str, str] | None = None,
) -> Brief:
    """The one-page brief of two to four scenarios side by side, as plain data."""
    tags = [f"s{k}" for k in range(1, len(results) + 1)]
    heads = [_headline(r, projections[k] if projections else None) for k, r in enumerate(results)]
    labels = [label for label, _ in heads[0]]
    for h in heads[1:]:
        labels += [label for label, _ in h if label not in labels]
    rows = [[label] + [dict(h).get(label, gbp(0)) for h in heads] for label in labels]
    width = 0.52 / len(results)
    headline = Table(
        ["Headline", *tags], rows, [0.48] + [width] * len(results), right=tuple(range(1, 9))
    )
    options: list[Block] = [
        f"{tag}: {r.scenario.name}. {option_words(r).policy}"
        for tag, r in zip(tags, results, strict=True)
    ]
    frame = compare_frame(results)
    if aliases is not None:
        frame = anonymise(frame, aliases, names_only=True)
    sel = frame[[f"{t}_selected" for t in tags]].to_numpy()
    status_differs = (sel != sel[:, :1]).any(axis=1)
    fin = frame[[f"{t}_final_allocation" for t in tags]].to_numpy()
    spread = fin.max(axis=1) - fin.min(axis=1)
    who: list[Block] = [
        f"{int(status_differs.sum())} councils change status between the options; "
        f"{int((spread > 0).sum())} end with a different {YEAR} allocation."
    ]
    if status_differs.any():
        for column, words in (("authority_type", "type"), ("region", "region")):
            counts = frame[status_differs].groupby(column).size().sort_values(ascending=False)
            who.append(
                f"Status changes by {words}: "
                + "; ".join(f"{k} {v}" for k, v in counts.items())
                + "."
            )
    order = [i for i in np.argsort(-spread, kind="stable")[:LARGEST] if spread[i] > 0]
    if order:
        who.append(
            Table(
                ["Largest differences in final allocation", *[f"{t} £" for t in tags], "gap £"],
                [
                    [str(frame["council"].iloc[i])] + [gbp(v) for v in fin[i]] + [gbp(spread[i])]
                    for i in order
                ],
                [0.40] + [0.60 / (len(results) + 1)] * (len(results) + 1),
                right=tuple(range(1, 9)),
            )
        )
    caveats: list[Block] = []
    for tag, r in zip(tags, results, strict=True):
        named = "" if aliases is not None else None
        caveats += [f"{tag}: {line}" for line in reconciliation_lines(r, named)]
        caveats += [f"{tag}: {line}" for line in _few(option_words(r).caveats, 2)]
        if r.scenario.text_stale:
            caveats.append(f"{tag}: {STALE_TEXT}")
    councils = list(results[0].data.councils["council"])
    general = workshop_caveats(councils) if aliases is not None else CAVEATS
    caveats += [_first_sentence(c) for c in general]
    evidence: list[Block] = []
    if projections:
        evidence = [_evidence(results[0].scenario.projection)]
        if any(r.scenario.projection != results[0].scenario.projection for r in results[1:]):
            evidence.append("The options use different projection assumptions (see each pack).")
    warnings = [w for w in (_warning(r) for r in results) if w]
    names = " / ".join(r.scenario.name for r in results)
    rules = {RULE_LABELS[r.scenario.redistribution.rule] for r in results}
    return Brief(
        title=f"Comparison: {names}",
        subtitle=f"{YEAR} improved Better Care Fund; {len(results)} options; withheld money "
        + ("; ".join(sorted(rules))),
        headline=[],
        warning=" ".join(warnings) or None,
        sections=[
            ("Headline numbers", [headline]),
            ("The options", options),
            ("Who changes between them", who),
            *([(f"Projected effect, {YEAR}", evidence)] if evidence else []),
            ("Caveats", caveats),
        ],
        footer=_footer(results),
    )


# ---------------------------------------------------------------------- layout
# The brief's font ships with the package (DejaVu Sans 2.37, Bitstream Vera licence in
# fonts/LICENSE), so a brief is the same PDF on every machine: wide coverage (Latin,
# Greek, Cyrillic, Arabic, Hebrew, symbols), shaped by HarfBuzz so Arabic letters join.
FONTS = Path(__file__).resolve().parent / "fonts"
FONT_PATHS: tuple[Path, ...] = (FONTS / "DejaVuSans.ttf",)
MISSING = "\u25a1"  # drawn where the font has no glyph (the brief says which)
# Text the PDF core font cannot hold is written with the nearest Latin-1 character.
LATIN1 = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2212": "-"})  # fmt: skip


@cache
def _font_chars(path: Path) -> frozenset[int]:
    """The code points the font at ``path`` has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _unprintable(ch: str, chars: frozenset[int]) -> bool:
    """A character the font cannot draw (format characters and variation selectors,
    which draw nothing, are left to the shaper)."""
    return ord(ch) not in chars and unicodedata.category(ch) not in ("Cf", "Mn", "Zs", "Cc")


def _brief_text(b: Brief) -> list[str]:
    """Every piece of text a brief prints."""
    out = [b.title, b.subtitle, b.footer, b.lead, b.warning or "", *b.notes]
    out += [v for pair in b.headline for v in pair]
    for title, blocks in b.sections:
        out.append(title)
        for block in blocks:
            if isinstance(block, Table):
                out += block.columns + [cell for row in block.rows for cell in row]
            else:
                out.append(block)
    return out


def unprintable_note(b: Brief, font: Path | None = None) -> str | None:
    """What the brief's font cannot print, named by code point, or None.

    >>> note = unprintable_note(Brief("Plan \U0001f3e5", "", [], None, [], ""))
    >>> print(note.replace(". ", ".\\n"))
    Some characters cannot be printed in the brief’s font, shown as □: U+1F3E5 (HOSPITAL).
    The scenario file keeps the text as written.
    """
    path = font or (FONT_PATHS[0] if FONT_PATHS else None)
    if path is None or not path.exists():
        return None
    chars = _font_chars(path)
    missing = sorted({ch for text in _brief_text(b) for ch in text if _unprintable(ch, chars)})
    if not missing:
        return None
    named = [f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})" for ch in missing[:8]]
    more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
    return (
        f"Some characters cannot be printed in the brief\u2019s font, shown as {MISSING}: "
        f"{', '.join(named)}{more}. The scenario file keeps the text as written."
    )


class _Writer:
    """Draws a :class:`Brief` at a given type scale; ``fits`` says if it took one page."""

    def __init__(self, brief: Brief, scale: float) -> None:
        from fpdf import FPDF

        self.brief = brief
        self.scale = scale
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_auto_page_break(auto=True, margin=10)
        pdf.set_margins(12, 10, 12)
        pdf.set_title(brief.title[:200])
        pdf.set_creator(f"iBCF allocation review simulator {MODEL_VERSION}")
        # Stamped with the day the footer names, not the second: the same brief, same bytes.
        pdf.set_creation_date(datetime.combine(date.today(), time(), tzinfo=UTC))
        regular = next((p for p in FONT_PATHS if p.exists()), None)
        if regular is not None:
            pdf.add_font("body", "", regular)
            bold = regular.with_name(regular.name.replace(".ttf", "-Bold.ttf"))
            pdf.add_font("body", "B", bold if bold.exists() else regular)
            pdf.set_text_shaping(True)  # joins Arabic letters, orders right-to-left text
            self.family, self.unicode = "body", True
            self.chars = _font_chars(regular)
        else:
            self.family, self.unicode = "helvetica", False
            self.chars = frozenset()
        self.pdf: FPDF = pdf
        pdf.add_page()

    def text(self, value: str) -> str:
        if self.unicode:
            chars = self.chars
            return "".join(MISSING if _unprintable(c, chars) else c for c in value)
        return value.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size * self.scale)

    def para(
        self, value: str, size: float = 8, bold: bool = False, gap: float = 0.8, align: str = "J"
    ) -> None:
        self.font(size, bold)
        height = size * self.scale * 0.45
        self.pdf.multi_cell(0, height, self.text(value), markdown=False, align=align)
        self.pdf.ln(gap * self.scale)

    def heading(self, value: str) -> None:
        self.pdf.ln(1.2 * self.scale)
        self.font(9.5, bold=True)
        self.pdf.set_text_color(0, 51, 102)
        self.pdf.cell(0, 5 * self.scale, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)

    def table(self, t: Table) -> None:
        pdf = self.pdf
        width = pdf.epw
        height = 3.9 * self.scale
        for r, row in enumerate([t.columns, *t.rows]):
            self.font(7.2, bold=r == 0)
            if r == 0:
                pdf.set_fill_color(225, 232, 240)
            for c, (cell, share) in enumerate(zip(row, t.widths, strict=True)):
                w = width * share
                value = self.text(cell)
                while value and pdf.get_string_width(value) > w - 1.5:
                    value = value[:-2] + "\u2026" if self.unicode else value[:-4] + "..."
                pdf.cell(
                    w, height, value, border="B" if r == 0 else 0, fill=r == 0,
                    align="R" if c in t.right else "L",
                )  # fmt: skip
            pdf.ln(height)
        pdf.ln(1.0 * self.scale)

    def lines(self, value: str, width: float, height: float) -> int:
        """How many lines ``value`` takes in a box ``width`` wide, in the current font."""
        out = self.pdf.multi_cell(width, height, self.text(value), dry_run=True, output="LINES")
        return len(out) if isinstance(out, list) else 1

    def headline(self, items: list[tuple[str, str]]) -> None:
        """Cards four to a row; a label wraps inside its card (every card in a row as
        tall as its longest label), a value too wide for its card is set smaller."""
        pdf = self.pdf
        per_row = 4
        w = pdf.epw / per_row
        inner = w - 3
        line = 3.0 * self.scale
        for start in range(0, len(items), per_row):
            row = items[start : start + per_row]
            self.font(6.8)
            lines = max(self.lines(label, inner, line) for label, _ in row)
            label_h = lines * line
            box_h = 1.0 + label_h + 8.5 * self.scale
            x0, y0 = pdf.get_x(), pdf.get_y()
            for k, (label, value) in enumerate(row):
                x = x0 + k * w
                marked = label.startswith("Retained by the centre")
                pdf.set_draw_color(*((180, 0, 0) if marked else (170, 170, 170)))
                pdf.set_line_width(0.6 if marked else 0.2)
                pdf.rect(x + 0.5, y0, w - 1, box_h)
                pdf.set_xy(x + 1.5, y0 + 1)
                self.font(6.8)
                pdf.set_text_color(*((180, 0, 0) if marked else (70, 70, 70)))
                pdf.multi_cell(inner, line, self.text(label), markdown=False)
                pdf.set_xy(x + 1.5, y0 + 1 + label_h + 0.8 * self.scale)
                pdf.set_text_color(*((180, 0, 0) if marked else (0, 0, 0)))
                size = 14.0
                self.font(size, bold=True)
                while size > 7 and pdf.get_string_width(self.text(value)) > inner:
                    size -= 0.5
                    self.font(size, bold=True)
                pdf.cell(inner, 6.5 * self.scale, self.text(value))
                pdf.set_text_color(0, 0, 0)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.2)
            pdf.set_xy(x0, y0 + box_h + 1.5 * self.scale)

    def draw(self) -> bool:
        b, pdf = self.brief, self.pdf
        self.para(b.title, size=15, bold=True, gap=0.3, align="L")  # a title is never stretched
        pdf.set_text_color(70, 70, 70)
        self.para(b.subtitle, size=8, gap=1.2)
        pdf.set_text_color(0, 0, 0)
        for note in b.notes:
            pdf.set_text_color(180, 0, 0)
            self.para(note, size=7.4, gap=1.0)
            pdf.set_text_color(0, 0, 0)
        if b.headline:
            self.headline(b.headline)
        if b.warning:
            pdf.set_text_color(180, 0, 0)
            self.para(b.warning, size=8, bold=True, gap=1.0)
            pdf.set_text_color(0, 0, 0)
        if b.lead:
            self.para(b.lead, size=9.5, bold=True, gap=0.6)
        for title, blocks in b.sections:
            self.heading(title)
            for block in blocks:
                if isinstance(block, Table):
                    self.table(block)
                else:
                    self.para(block, size=7.4 if title == "Caveats" else 8)
        pdf.ln(1.5 * self.scale)
        pdf.set_text_color(90, 90, 90)
        self.para(b.footer, size=6.5, gap=0)
        return pdf.page_no() == 1


def render_pdf(brief: Brief) -> bytes:
    """The brief on one A4 page: the type is reduced step by step until it fits."""
    note = unprintable_note(brief)
    if note is not None:
        brief = replace(brief, notes=[*brief.notes, note])
    writer = None
    for scale in (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62):
        writer = _Writer(brief, scale)
        if writer.draw():
            break
    else:  # still too long at the smallest type: drop the last sections' detail
        trimmed = [(t, blocks[:2]) for t, blocks in brief.sections]
        short = Brief(**{**brief.__dict__, "sections": trimmed})
        writer = _Writer(short, 0.62)
        writer.draw()
    assert writer is not None
    return bytes(writer.pdf.output())


def scenario_pdf(
    result: Result,
    projection: ProjectionResult | None = None,
    aliases: dict[str, str] | None = None,
) -> bytes:
    return render_pdf(scenario_brief(result, projection, aliases))


def comparison_pdf(
    results: list[Result], projections: list[ProjectionResult] | None = None
) -> bytes:
    return render_pdf(comparison_brief(results, projections))
