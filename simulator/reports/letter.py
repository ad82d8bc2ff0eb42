"""A preview of the letter a council would receive, in the style of the 10 October 2017
letter, and the published document's figures set beside the model's."""

from __future__ import annotations

from simulator.engine.run import Result
from simulator.reports.tables import RateBasis, basis_rate, rank_positions, rate_basis
from simulator.reports.words import gbp, ordinal, screen_phrase, to_change
from simulator.schema.calendar import month_name
from simulator.schema.vocabulary import ATTRIBUTION_LABELS, BASE_LABELS, YEAR

QUARTILE_WORDS = ("lowest", "second-lowest", "second-highest", "highest")


def letter_figures(result: Result, i: int) -> tuple[float, float]:
    """The rate per 100,000 adults and the patients delayed daily a letter quotes."""
    rate = basis_rate(result.data, rate_basis(result, letter=True))[i]
    return float(rate), float(rate * result.data.adults[i] / 100_000)


def reconciliation_lines(result: Result, gss_code: str | None = None) -> list[str]:
    """'The letter: ... / this model on revised data: ...' for the published figures a
    shipped scenario recreates, then the one-line reason; only one council's figures
    (and the national ones) when ``gss_code`` is given. Empty without a reconciliation."""
    rec = result.scenario.reconciliation
    if rec is None:
        return []
    doc = rec.document[:1].upper() + rec.document[1:]
    lines = []
    by_council: dict[str, list[tuple[str, str, str]]] = {}
    for fact in rec.facts:
        if fact.measure == "councils_selected":
            lines.append(
                f"{doc}: {fact.published:g} {fact.label or 'councils'} / this model on "
                f"revised data: {result.summary['councils_selected']} councils selected"
            )
        elif fact.gss_code is not None and gss_code in (None, fact.gss_code):
            rate, beds = letter_figures(result, result.data.position(fact.gss_code))
            model = f"{rate:.1f} per 100,000" if fact.measure == "rate" else f"{beds:.0f} patients"
            by_council.setdefault(fact.gss_code, []).append(
                (f"{fact.published:g}", fact.label, model)
            )
    for code, facts in by_council.items():
        name = result.table["council"].iloc[result.data.position(code)]
        published = "; ".join(f"{p} {label}".strip() for p, label, _ in facts)
        model = "; ".join(m for _, _, m in facts)
        lines.append(f"{name}, {rec.document}: {published} / this model on revised data: {model}")
    if not lines:
        return []
    return [*lines, f"Why they differ: {rec.reason}."]


def letter_preview(result: Result, gss_code: str, *, month: str | None = None) -> str:
    """A preview of the letter a council would receive, in the style of 10 October 2017.

    Uses the first rate test among the selection criteria (else any rate test) for the
    attribution and month (or ``month``); quotes the rate
    per 100,000 adults and the equivalent patients delayed daily, the quartile
    positions and what happens next under this scenario.
    """
    data = result.data
    i = data.position(gss_code)
    row = result.table.iloc[i]
    basis = rate_basis(result, letter=True)
    if month is not None:
        basis = RateBasis(basis.attribution, month)
    label = ATTRIBUTION_LABELS[basis.attribution]
    status = {"official": "official", "reported 2018-19 outturn": "reported"}.get(
        str(row["allocation_status"]), "reconstructed"
    )
    header = (
        "PREVIEW FOR ILLUSTRATION: not an official letter. Generated from scenario "
        f"'{result.scenario.name}' on {status} allocations.\n"
    )
    if not row["selected"]:
        header += (
            "Under this option this council is not selected; the text shows what a letter "
            "setting out its position would say.\n"
        )
    if not data.has_dtoc[i]:
        return header + (
            f"\n{row['council']}: no delayed transfers of care data are published for this "
            "council (reported within Cornwall). It would not be written to on DToC grounds."
        )
    rate = basis_rate(data, basis)
    beds = rate[i] * data.adults[i] / 100_000
    positions, n, quartiles = rank_positions(rate)
    reconciled = reconciliation_lines(result, gss_code)
    position = int(positions[i])
    quartile = int(quartiles[i])
    mname = month_name(basis.month)
    body = [
        header,
        "Dear Leader,",
        "",
        f"Delayed transfers of care: {row['council']}",
        "",
        f"Looking closely at your DToC performance, in {mname} your rate of delayed "
        f"transfers attributable to {label} was {rate[i]:.1f} per 100,000 adults aged 18+, "
        f"which is equivalent to {beds:.0f} patient{'' if round(beds) == 1 else 's'} delayed "
        "daily. This places your "
        f"council {ordinal(position)} of {n} councils (1st = lowest rate), in the "
        f"quartile with the {QUARTILE_WORDS[quartile - 1]} rates.",
    ]
    sel = result.scenario.selection
    screen = [o for o in result.outcomes if o.id in sel.screen and o.assessable[i]]
    tested = [o for o in result.outcomes if o.id not in sel.screen and o.assessable[i]]
    if screen:
        body += ["", "Scope of this review (earlier data):"]
        body += [
            f"- {o.label}: your council {'does not meet' if o.fails[i] else 'meets'} this measure."
            for o in screen
        ]
        if not result.selection.in_scope[i]:
            body.append(
                f"Your council is outside the scope of this review: only councils that "
                f"{screen_phrase(result.scenario)} are considered."
            )
    if tested:
        body += ["", "Against the measures in this review:"]
        for o in tested:
            verdict = "does not meet" if o.fails[i] else "meets"
            body.append(
                f"- {o.label}: your council {verdict} this measure "
                f"({to_change(bool(o.fails[i]), o.margin[i], o.margin_beds[i])})."
            )
    body += ["", "Next steps"]
    base = BASE_LABELS[result.scenario.consequences.base]
    if row["selected"]:
        if row["conditioned"]:
            body.append(
                f"Under this option, {gbp(row['conditioned'])} of your {YEAR} {base} "
                "would be subject to conditions: it remains with your council, to be used to "
                "support DToC performance."
            )
        if row["withheld"]:
            body.append(
                f"Under this option, your {YEAR} allocation would be reduced by "
                f"{gbp(row['withheld'])}, to {gbp(row['final_allocation'])}."
                + (
                    " All iBCF funding remains in local government."
                    if result.summary["total_retained"] == 0
                    else " Of the money withheld from councils, "
                    f"{gbp(result.summary['total_retained'])} would be retained centrally."
                )
            )
        if not row["conditioned"] and not row["withheld"]:
            body.append(
                "Under this option, your council is identified for review; no money "
                "is conditioned or withheld."
            )
    else:
        body.append(
            f"Under this option, your council is not selected for review and keeps its "
            f"{YEAR} allocation"
            + (
                f", plus {gbp(row['received'])} redistributed from councils whose "
                "allocations are reduced."
                if row["received"]
                else "."
            )
        )
    if reconciled:
        body += ["", "Set beside the published document:", *[f"- {line}" for line in reconciled]]
    return "\n".join(body)
