"""The command line: a thin shell over the model (``ibcf`` or ``python -m simulator``).

Progress and errors go to stderr, results to stdout or files. Any problem with the
input is reported as ``FILE: key.path: reason`` lines and exit code 2, never a
traceback; nothing existing is overwritten unless ``--overwrite`` is given.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from simulator import MODEL_VERSION, io
from simulator.errors import SimulatorError
from simulator.schema.disk import check_writable, write_atomic

log = logging.getLogger("ibcf")
EXIT_OK, EXIT_USAGE = 0, 2


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _dataset(args: argparse.Namespace | None = None):  # type: ignore[no-untyped-def]
    from simulator.inputs.data import load_dataset

    chosen = os.environ.get(io.DATA_DIR_VARIABLE)
    log.info("loading and validating %s", f"the data in {chosen}" if chosen else "the bundled data")
    if args is None or not hasattr(args, "allocation_method"):
        return load_dataset()
    return load_dataset(_allocation_method(args))


def _out_path(text: str) -> Path:
    """``--out`` as a path; a Windows path (``C:\\out``, backslashes) on POSIX is
    refused rather than made into one folder of that odd name."""
    if os.sep == "/" and ("\\" in text or re.match(r"^[A-Za-z]:([\\/]|$)", text)):
        raise SimulatorError(
            f"{text}: looks like a Windows path; on this system folders are separated by / "
            "(e.g. --out out/oct)"
        )
    return Path(text)


def _allocation_method(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from simulator.inputs.allocation import Method

    return Method(
        kind=args.allocation_method,
        convention=args.precept,
        form=args.form,
        rounded_bounds=not args.exact_shares_only,
    )


def _load(path: Path, data, args: argparse.Namespace | None = None):  # type: ignore[no-untyped-def]
    """Load a scenario; ``--draws`` and ``--seed`` (when ``args`` has them) are applied to
    it and validated like the file's own values, so the scenario is what runs."""
    from simulator.schema.files import data_context, load_scenario, with_projection

    context = data_context(data.months, list(data.codes))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = load_scenario(path, context=context, data_hash=data.data_hash)
    for w in caught:
        log.warning("%s", w.message)
    if scenario.text_stale:  # as saved, before --draws or --seed change the option
        from simulator.reports.summary import STALE_TEXT

        log.warning("%s: %s", path, STALE_TEXT)
    if args is not None:
        overrides = {k: getattr(args, k) for k in ("draws", "seed")}
        scenario = with_projection(scenario, overrides, context=context)
    return scenario


# ---------------------------------------------------------------------- commands
def cmd_data_check(args: argparse.Namespace) -> int:
    from simulator.inputs.data import allocation_totals
    from simulator.rules.measures import rate_per_100k
    from simulator.schema.vocabulary import ATTRIBUTIONS

    data = _dataset(args)
    alloc = data.allocations
    feb, sep = data.month_index("2017-02"), data.month_index("2017-09")
    total = ATTRIBUTIONS.index("total")
    lines = [
        f"councils: {len(data.councils)}",
        f"councils with DToC data: {int(data.has_dtoc.sum())} "
        "(Isles of Scilly reported within Cornwall)",
        f"England adults 18+ (ONS mid-2017): {int(data.councils['adults_18plus'].sum()):,}",
        f"England all ages (ONS mid-2017): {int(data.councils['pop_all_ages'].sum()):,}",
        f"allocation status: {data.allocation_status}",
        f"allocation method: {data.allocation_method.describe()}",
    ]
    for element in ("original", "spring_budget"):
        by_status = alloc.groupby(f"status_{element}")[f"allocation_{element}"].agg(
            ["count", "sum"]
        )
        parts = ", ".join(
            f"{s}: {int(r['count'])} councils £{int(r['sum']):,}" for s, r in by_status.iterrows()
        )
        lines.append(
            f"2018/19 {element.replace('_', ' ')} element: "
            f"£{int(alloc[f'allocation_{element}'].sum()):,} ({parts})"
        )
    lines.append(f"2018/19 total: £{int(alloc['allocation_total'].sum()):,}")
    lines += [
        f"England delayed beds a day, February 2017: {data.england_beds[feb, total]:,.1f} "
        "(published baseline 6,660)",
        f"England delayed beds a day, September 2017: {data.england_beds[sep, total]:,.1f} "
        f"({int(data.england_days[sep, total]):,} delayed days)",
        f"England total DToC rate, February 2017: "
        f"{rate_per_100k(data.england_beds[feb, total], data.adults.sum()):.2f} per 100,000 "
        "adults 18+",
        f"DToC months: {data.months[0]} to {data.months[-1]}",
        f"data hash: {data.data_hash}",
        f"model version: {MODEL_VERSION}",
    ]
    for line in lines:
        _out(line)
    totals = allocation_totals(data)
    if not totals.empty:
        _out(
            "reconstruction by element and year (national pot, sum, councils given £0; "
            "ASC precept capacity beside DCLG's December 2016 forecast):"
        )
        for _, r in totals.iterrows():
            _out(
                f"  {r['year']} {r['element'].replace('_', ' '):<13} pot £{r['pot']:,}: "
                f"sum £{r['reconstructed']:,}, {r['councils_with_nothing']} at £0; precept "
                f"£{r['precept_capacity'] / 1e6:,.1f}m "
                f"(DCLG £{r['dclg_precept_forecast'] / 1e6:,.1f}m)"
            )
    if not data.known_figures.empty:
        _out(
            "published figures vs reconstruction (difference; within the figure's rounding; "
            "need share implied under the method / used / tranche-1 proxy):"
        )
        for _, r in data.known_figures.iterrows():
            within = "within rounding" if r["within_rounding"] else "outside rounding"
            shares = (
                f"; share implied {r['implied_need_share_pct']:.3f}% / used "
                f"{r['need_share_pct']:.3f}% / proxy {r['proxy_share_pct']:.3f}%"
                if r["gss_code"] != "E92000001"
                else ""
            )
            _out(
                f"  {r['council']} {r['element']} {r['year']}: published £{r['published']:,.0f} "
                f"({r['precision']}), reconstructed £{r['reconstructed']:,} "
                f"({r['difference']:+,}, {r['difference_pct']:+.1f}%, {within}){shares}"
            )
    _print_reported(data)
    comparison = data.method_comparison
    if not comparison.empty:
        _out(
            "how much each choice moves the result (published council iBCF figures within "
            "rounding, mean and largest |difference|, 2018/19 £ moved against the default):"
        )
        for _, r in comparison.iterrows():
            _out(
                f"  {r['variant']}: {r['figures_within_rounding']} of {r['figures']} within "
                f"rounding, mean {r['mean_abs_difference_pct']:.1f}%, largest "
                f"{r['max_abs_difference_pct']:.1f}%; £{r['moved_2018_19']:,} moved"
            )
    _distribution_check(data)
    return EXIT_OK


def _print_reported(data) -> None:  # type: ignore[no-untyped-def]
    """The reported 2018-19 figures: agreement of every method, flagged and unreported
    councils with reasons, and the need-share corrections fitted on the screened ones."""
    from simulator.inputs import reported
    from simulator.inputs.data import convention_check, reported_agreement

    report = data.reported
    if report is None:
        return
    counts = report["report_status"].value_counts()
    _out(
        "reported 2018-19 iBCF (MHCLG revenue outturn, £000 as reported): "
        + ", ".join(f"{s}: {int(counts.get(s, 0))}" for s in reported.STATUSES)
        + f"; sum £{report['reported_2018_19'].sum() / 1e6:,.1f}m"
    )
    _out(
        "agreement with the reports, 2018/19 totals (councils with a positive report: "
        "median and worst |difference|, councils within 1% and 5%):"
    )
    for _, r in reported_agreement(data).iterrows():
        _out(
            f"  {r['method']}: median {r['median_abs_pct']:.2f}%, worst "
            f"{r['worst_abs_pct']:,.1f}% ({r['worst_council']}), within 1% "
            f"{r['within_1pct']} of {r['councils']}, within 5% {r['within_5pct']}"
        )
    others = report[report["report_status"] != reported.REPORTED]
    _out("councils whose report is not used (status; reason; 2018/19 total in use):")
    for _, r in others.iterrows():
        shown = (
            "blank"
            if r["reported_2018_19"] != r["reported_2018_19"]
            else (f"£{r['reported_2018_19']:,.0f}")
        )
        _out(
            f"  {r['council']} ({r['gss_code']}): {r['report_status']}, reported {shown}; "
            f"{r['report_reason']}; in use £{int(r['allocation_total']):,}"
        )
    checked = ", ".join(f"{k} {v:.2f}%" for k, v in convention_check(data).items())
    _out(
        "checked on the screened reports (median |difference| of precept equalisation for "
        f"every council): {checked}"
    )
    fitted = ", ".join(f"{k} {v:.3f}" for k, v in data.report_corrections.items())
    _out(
        "fitted on the screened reports: need-share correction by authority type (median "
        f"implied / used share) {fitted}"
    )


def _distribution_check(data: Any) -> None:
    """Coverage of the who-bears-it table: every field's blanks by name."""
    from simulator.inputs.distribution import blanks

    if data.distribution is None:
        _out("who bears an option: council_distribution.csv not found")
        return
    table = data.distribution
    _out(
        f"who bears an option (council_distribution.csv): {len(table)} councils; IoD2015 "
        f"from {int(table['imd2015_lsoas'].sum()):,} small areas; ASC gross current "
        f"expenditure 2016-17 £{table['asc_gross_current_expenditure_000'].sum() / 1e6:,.2f}bn"
    )
    for line in blanks(table):
        _out(f"  {line}")


def cmd_data_build(args: argparse.Namespace) -> int:
    names = [
        "councils.csv",
        "allocations_2018_19.csv",
        "allocations_2017_2020.csv",
        "allocation_methods.csv",
        "dtoc_monthly_beds.csv",
        "allocation_checks.csv",
        "reported_checks.csv",
    ]
    out = io.OutputSet(_out_path(args.out), names, overwrite=args.overwrite)
    with out:
        _data_build(out, args)
    log.info("wrote %s to %s", ", ".join(names), out.target)
    return EXIT_OK


def _data_build(out: io.OutputSet, args: argparse.Namespace) -> None:
    import pandas as pd

    from simulator.inputs.data import reconstruction_frame
    from simulator.schema.vocabulary import ATTRIBUTIONS

    data = _dataset(args)
    n, t, _ = data.dtoc_beds.shape
    long = pd.DataFrame(
        {
            "gss_code": data.codes.repeat(t),
            "month": data.months * n,
            **{
                f"beds_{a}": data.dtoc_beds[:, :, j].reshape(-1) for j, a in enumerate(ATTRIBUTIONS)
            },
            **{
                f"days_{a}": data.dtoc_days[:, :, j].reshape(-1) for j, a in enumerate(ATTRIBUTIONS)
            },
        }
    )
    out.write_csv("councils.csv", data.councils)
    out.write_csv("allocations_2018_19.csv", data.allocations)
    out.write_csv("allocations_2017_2020.csv", reconstruction_frame(data))
    out.write_csv("allocation_methods.csv", data.method_comparison)
    out.write_csv("dtoc_monthly_beds.csv", long)
    out.write_csv("allocation_checks.csv", data.known_figures)
    if data.reported is not None:
        out.write_csv("reported_checks.csv", data.reported)
    log.info("data hash %s", data.data_hash)


def cmd_validate(args: argparse.Namespace) -> int:
    from simulator.errors import ScenarioError

    data = _dataset()
    status = EXIT_OK
    for name in args.files:
        try:
            _load(Path(name), data)
            _out(f"{name}: valid")
        except ScenarioError as exc:
            status = EXIT_USAGE
            for problem in exc.problems:
                _out(problem)
    return status


def _run_projection(result):  # type: ignore[no-untyped-def]
    from simulator.engine.run import project_scenario

    log.info("projecting DToC for 2018/19 (Monte Carlo)")
    return project_scenario(result)


def _write(out: io.OutputSet, files: Mapping[str, object]) -> None:
    """Each file of a set by its kind: a frame as CSV, a summary as JSON, bytes, text."""
    import pandas as pd

    for name, content in files.items():
        if isinstance(content, pd.DataFrame):
            out.write_csv(name, content)
        elif isinstance(content, dict):
            out.write_json(name, content)
        elif isinstance(content, bytes):
            out.write_bytes(name, content)
        else:
            out.write_text(name, str(content))


# What `ibcf run` and `ibcf design` print of their summaries (the files hold the rest).
RUN_SUMMARY_KEYS = (
    "scenario",
    "councils_selected",
    "total_conditioned",
    "total_withheld",
    "total_received",
    "total_retained",
    "retained_warning",
    "ledger_balanced",
    "evidence_set",
    "headline",
    "beds_freed",
    "beds_freed_by_evidence_set",
    "detectability",
    "beds_freed_evidence",
    "forecast_noise",
    "gross",
    "nhs_value_gbp",
    "probability_ambition_met",
)
DESIGN_SUMMARY_KEYS = (
    "design",
    "options_in_grid",
    "valid_options",
    "options_meeting_guarantees",
    "efficient_options",
    "best",
    "why_not",
    "oracle_bound",
    "goal_seek",
)


def _print_summary(summary: dict[str, object], keys: tuple[str, ...]) -> None:
    """The summary's ``keys`` (those it has) as one JSON line on standard output."""
    _out(json.dumps({k: summary[k] for k in keys if k in summary}, default=str))


def cmd_run(args: argparse.Namespace) -> int:
    from simulator.engine.run import evaluate
    from simulator.reports.files import RUN_FILES, run_files
    from simulator.reports.words import headline_lines

    data = _dataset()
    # The scenario carries --draws and --seed, so its stamped copy reproduces the folder.
    scenario = _load(Path(args.scenario), data, args)
    out = io.OutputSet(_out_path(args.out), list(RUN_FILES), overwrite=args.overwrite)
    with out:  # checks the folder can be written before the model runs
        log.info("evaluating '%s'", scenario.name)
        result = evaluate(scenario, data)
        projection = _run_projection(result)
        log.info("writing the tables and the Excel pack")
        files = run_files(result, projection, _assumptions())
        _write(out, files)
        summary = files["summary.json"]
        assert isinstance(summary, dict)
    _print_summary(summary, RUN_SUMMARY_KEYS)
    if "retained_warning" in summary:
        log.warning("%s", summary["retained_warning"])
    for line in headline_lines(projection, result.selection.selected):
        log.info("%s", line)
    log.info("wrote %s to %s", ", ".join(RUN_FILES), out.target)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from simulator.engine.run import evaluate
    from simulator.reports.replay import (
        expectation_counts,
        expectations_line,
        replay_lines,
        replay_steps,
        scorecard,
    )

    data = _dataset()
    names = ("october-2017-letter", "december-2017-five-tests", "reduce-and-redistribute",
             "graduated")  # fmt: skip
    rules = [_load(io.SCENARIO_DIR / f"{name}.toml", data) for name in names]
    log.info("replaying 2017: each rule at each decision date, then the scorecard")
    steps = replay_steps(rules, data)
    october, december = evaluate(rules[0], data), evaluate(rules[1], data)
    card = scorecard(october, december)
    lines = [expectations_line(december), *replay_lines(steps, card, names=not args.counts_only)]
    for month in ("2017-09", "2017-11"):
        met, missed = expectation_counts(december, month)
        lines.insert(
            len(lines) - len(card) - 1,
            f"Councils at or below / above their reconstructed social care expectation, "
            f"{month}: {met} / {missed} (no published count was found)",
        )
    for line in lines:
        _out(line)
    if args.out:
        with io.OutputSet(_out_path(args.out), ["scorecard.csv"], overwrite=args.overwrite) as out:
            out.write_csv("scorecard.csv", card)
        log.info("wrote scorecard.csv to %s", out.target)
    return EXIT_OK


class _Progress:
    """A progress bar on stderr for long runs (a line per phase when not a terminal)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet or total == 0:
            return
        if self.tty:
            filled = int(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            end = "\n" if done == total else ""
            sys.stderr.write(f"\ribcf: {phase:<11} [{bar}] {done}/{total} chunks{end}")
            sys.stderr.flush()
        elif done == total:
            log.info("%s: %d chunks done", phase, total)


def cmd_design(args: argparse.Namespace) -> int:
    from simulator.design.executor import ChunkCache, default_cache_dir, executor_for
    from simulator.design.run import load_design, run_design
    from simulator.reports.design import DESIGN_FILES, design_files
    from simulator.schema.files import data_context

    data = _dataset()
    context = data_context(data.months, list(data.codes))
    file, base = load_design(Path(args.file), context=context)
    if args.draws is not None:
        if not 0 <= args.draws <= 100_000:
            raise SimulatorError(f"--draws {args.draws}: from 0 to 100,000")
        design = file.design.model_copy(update={"draws": args.draws})
        file = file.model_copy(update={"design": design})
    cache = ChunkCache(None if args.no_cache else Path(args.cache or default_cache_dir()))
    out = io.OutputSet(_out_path(args.out), list(DESIGN_FILES), overwrite=args.overwrite)
    with out:  # checks the folder can be written before the design is computed
        executor = executor_for(args.executor)
        try:
            log.info("designing '%s' on %s", file.name, executor.name)
            answer = run_design(
                file, base, data, executor=executor, cache=cache, progress=_Progress(args.quiet)
            )
        finally:
            executor.close()
        files = design_files(answer, data.data_hash, context)
        out.extend(list(files))  # and the scenario files, named by the answer
        _write(out, files)
    summary = files["design.json"]
    assert isinstance(summary, dict)
    _print_summary(summary, DESIGN_SUMMARY_KEYS)
    log.info(
        "wrote %s and %d scenario files to %s (%d chunks computed, %d from the cache)",
        ", ".join(DESIGN_FILES),
        len(files) - len(DESIGN_FILES),
        out.target,
        answer.stats.computed,
        answer.stats.cached,
    )
    return EXIT_OK


def cmd_backtest(args: argparse.Namespace) -> int:
    from simulator.reports.backtest import backtest_report

    data = _dataset()
    log.info("back-testing every forecasting method (rolling origins, 2013-2017)")
    text, tables = backtest_report(data.dtoc_beds, data.months)
    if args.out:
        names = [f"{k}.csv" for k in tables]
        with io.OutputSet(_out_path(args.out), names, overwrite=args.overwrite) as out:
            for name, table in tables.items():
                out.write_csv(f"{name}.csv", table)
        log.info("wrote %s to %s", ", ".join(names), out.target)
    _out(text)
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from simulator.reports.backtest import calibration_report

    data = _dataset()
    alloc = data.allocation_by_element
    councils = data.councils.set_index("gss_code").loc[list(data.codes)]
    _out(
        calibration_report(
            data.dtoc_beds,
            data.months,
            alloc["original"],
            alloc["spring_budget"],
            data.money_2017_18,
            councils["region"].to_numpy(),
            councils["council"].to_numpy(),
        )
    )
    return EXIT_OK


def _assumptions():  # type: ignore[no-untyped-def]
    try:
        from simulator.reports.assumptions import assumptions_register
    except ImportError:  # pragma: no cover - the register ships with the model
        return None
    return assumptions_register()


def cmd_schema(args: argparse.Namespace) -> int:
    if args.outputs:
        from simulator.reports.columns import outputs_reference

        _out(outputs_reference().rstrip("\n"))
        return EXIT_OK
    from simulator.reports.reference import scenario_reference

    _out(scenario_reference().rstrip("\n"))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from simulator.engine.run import evaluate
    from simulator.reports.files import COMPARE_FILES, compare_files
    from simulator.reports.tables import selection_differs

    if not 2 <= len(args.scenarios) <= 4:
        raise SimulatorError("compare takes two to four scenario files")
    data = _dataset()
    scenarios = [_load(Path(p), data, args) for p in args.scenarios]
    with io.OutputSet(_out_path(args.out), list(COMPARE_FILES), overwrite=args.overwrite) as out:
        results = [evaluate(s, data) for s in scenarios]
        projections = [_run_projection(r) for r in results]
        log.info("writing the comparison and the Excel comparison")
        files = compare_files(results, projections)
        _write(out, files)
    frame, summary = files["compare.csv"], files["compare_summary.csv"]
    assert isinstance(frame, pd.DataFrame) and isinstance(summary, pd.DataFrame)
    _out(summary.to_string(index=False))
    _out(f"councils whose selection differs: {selection_differs(frame)}")
    _out(f"councils whose selection or final allocation differs: {int(frame['differs'].sum())}")
    return EXIT_OK


def cmd_brief(args: argparse.Namespace) -> int:
    from simulator.engine.run import evaluate
    from simulator.reports import brief

    if not 1 <= len(args.scenarios) <= 4:
        raise SimulatorError("brief takes one scenario, or two to four to compare")
    out = _out_path(args.out)
    if out.suffix.lower() != ".pdf":
        raise SimulatorError(f"{out}: the brief is a PDF; give a file name ending .pdf")
    if out.is_dir():
        raise SimulatorError(f"{out}: is a folder; give the brief a file name ending .pdf")
    if out.exists() and not args.overwrite:
        raise SimulatorError(f"{out}: exists; use --overwrite or another --out")
    try:  # before the model runs, as `run` checks its folder
        check_writable(out)
    except OSError as exc:
        raise SimulatorError(f"{out}: cannot write there ({exc.strerror or exc})") from None
    data = _dataset()
    results = [evaluate(_load(Path(p), data, args), data) for p in args.scenarios]
    projections = [_run_projection(r) for r in results]
    pdf = (
        brief.scenario_pdf(results[0], projections[0])
        if len(results) == 1
        else brief.comparison_pdf(results, projections)
    )
    try:
        write_atomic(out, pdf, overwrite=args.overwrite)
    except OSError as exc:
        raise SimulatorError(f"{out}: cannot write the brief ({exc.strerror or exc})") from None
    from simulator.reports.summary import retained_warning

    for r in results:
        warning = retained_warning(r.summary)
        if warning is not None:
            log.warning("%s: %s", r.scenario.name, warning)
    log.info("wrote the one-page brief to %s", out)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from simulator.engine.run import evaluate
    from simulator.reports.card import reason_card_text
    from simulator.reports.letter import letter_preview

    data = _dataset()
    codes = set(data.codes)
    code = args.gss_code.strip()
    code = code.upper() if code.upper() in codes else code
    if code not in codes:
        names = data.councils.set_index("gss_code")["council"]
        hits = names[names.str.lower().str.contains(code.lower(), regex=False)]
        hint = "; ".join(f"{c} {n}" for c, n in hits.head(5).items())
        raise SimulatorError(
            f"{code}: not one of the 152 councils of 2017/18"
            + (f" (did you mean: {hint})" if hint else "; `ibcf data build` lists the codes")
        )
    result = evaluate(_load(Path(args.scenario), data), data)
    _out(reason_card_text(result, code))
    _out("")
    _out(letter_preview(result, code))
    return EXIT_OK


# ---------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ibcf",
        description="Simulate the review of 2018/19 iBCF allocations by DToC performance.",
        epilog="Examples: ibcf data check | ibcf run scenarios/october-2017-letter.toml "
        "--out out/oct | ibcf explain E10000017 --scenario scenarios/graduated.toml",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="only warnings and errors",
    )
    parser.add_argument("--version", action="version", version=f"ibcf {MODEL_VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", parents=[common], help="check or build the bundled data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    method = argparse.ArgumentParser(add_help=False)
    method.add_argument(
        "--allocation-method",
        choices=["reported", "equalisation", "proxy"],
        default="reported",
        help="reported 2018-19 outturn where plausible, the rest by precept equalisation "
        "(default); precept equalisation for every council; or the COVID-19 proxy split",
    )
    method.add_argument(
        "--form",
        choices=["scale_down", "water_filling"],
        default="scale_down",
        help="equalisation form (default scale_down, as the published figures support)",
    )
    method.add_argument(
        "--precept",
        choices=["settlement", "actual"],
        default="settlement",
        help="precept capacity projected as the Feb 2016 settlement would (default) or "
        "from actual CTR figures",
    )
    method.add_argument(
        "--exact-shares-only",
        action="store_true",
        help="ignore rounded ASC RNF checkpoints (use only shares exact to the pound)",
    )
    data_sub.add_parser(
        "check", parents=[common, method], help="validate the data and print control figures"
    )
    build = data_sub.add_parser(
        "build", parents=[common, method], help="write the validated tables as CSV"
    )
    build.add_argument("--out", default="data/processed")
    build.add_argument("--overwrite", action="store_true")

    run = sub.add_parser("run", parents=[common], help="run a scenario and write the results")
    run.add_argument("scenario", help="scenario TOML file")
    run.add_argument("--out", required=True, help="output folder")
    run.add_argument("--overwrite", action="store_true")
    run.add_argument("--draws", type=int, help="Monte Carlo draws (default: the scenario's)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")

    dsg = sub.add_parser(
        "design",
        parents=[common],
        help="evaluate a design's grid: efficient options, the best under guarantees, why not",
    )
    dsg.add_argument("file", help="design TOML file (a [design] table and a base scenario)")
    dsg.add_argument("--out", required=True, help="output folder")
    dsg.add_argument("--overwrite", action="store_true")
    dsg.add_argument(
        "--executor",
        default="local",
        help="local (this process, default), local:N (N processes) or dask://HOST:PORT",
    )
    dsg.add_argument("--cache", help="folder of finished chunks (default ~/.cache/ibcf/design)")
    dsg.add_argument("--no-cache", action="store_true", help="keep no finished chunks")
    dsg.add_argument("--draws", type=int, help="Monte Carlo draws per efficient option")

    val = sub.add_parser("validate", parents=[common], help="check scenario files")
    val.add_argument("files", nargs="+", help="scenario TOML files")

    cmp_ = sub.add_parser("compare", parents=[common], help="compare two to four scenarios")
    cmp_.add_argument("scenarios", nargs="+", help="two to four scenario TOML files")
    cmp_.add_argument("--out", required=True)
    cmp_.add_argument("--overwrite", action="store_true")
    cmp_.add_argument("--draws", type=int, help="Monte Carlo draws (default: each scenario's)")
    cmp_.add_argument("--seed", type=int, help="random seed (default: each scenario's)")

    exp = sub.add_parser(
        "explain", parents=[common], help="reason card and letter preview for one council"
    )
    exp.add_argument("gss_code", help="council GSS code, e.g. E10000017 (Lancashire)")
    exp.add_argument("--scenario", required=True)
    brf = sub.add_parser(
        "brief",
        parents=[common],
        help="one-page PDF brief of a scenario, or of two to four compared",
    )
    brf.add_argument("scenarios", nargs="+", help="one scenario TOML file, or two to four")
    brf.add_argument("--out", required=True, help="PDF file to write, e.g. brief.pdf")
    brf.add_argument("--overwrite", action="store_true")
    brf.add_argument("--draws", type=int, help="Monte Carlo draws (default: the scenario's)")
    brf.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    schema = sub.add_parser(
        "schema", parents=[common], help="print the scenario file reference (Markdown)"
    )
    schema.add_argument(
        "--outputs", action="store_true", help="print the output files' columns instead"
    )
    bt = sub.add_parser(
        "backtest", parents=[common], help="rolling-origin back-test of the projection"
    )
    bt.add_argument("--out", help="also write the tables as CSV to this folder")
    bt.add_argument("--overwrite", action="store_true")
    sub.add_parser(
        "calibrate", parents=[common], help="reproduce every calibration figure of the docs"
    )
    rpl = sub.add_parser(
        "replay",
        parents=[common],
        help="the 2017 replay: who each rule selects at each decision date, and the "
        "scorecard of published figures",
    )
    rpl.add_argument("--counts-only", action="store_true", help="counts, not council names")
    rpl.add_argument("--out", help="also write scorecard.csv to this folder")
    rpl.add_argument("--overwrite", action="store_true")
    return parser


COMMANDS = {
    "backtest": cmd_backtest,
    "calibrate": cmd_calibrate,
    "schema": cmd_schema,
    "run": cmd_run,
    "design": cmd_design,
    "validate": cmd_validate,
    "compare": cmd_compare,
    "explain": cmd_explain,
    "brief": cmd_brief,
    "replay": cmd_replay,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="ibcf: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "data":
        handler = cmd_data_check if args.data_command == "check" else cmd_data_build
    else:
        handler = COMMANDS[args.command]
    previous = _terminate_as_interrupt()
    done = len(io.COMMITTED)
    try:
        return handler(args)
    except SimulatorError as exc:
        for problem in exc.problems:
            _error(problem)
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader (e.g. `head`) closed the pipe: stop quietly
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:  # a file could not be read or written: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        written = io.COMMITTED[done:]
        if written:
            said = ", ".join(str(p) for p in written)
            sys.stderr.write(f"ibcf: interrupted; {said} was written in full before it\n")
        else:
            sys.stderr.write("ibcf: interrupted; no output was written, files are unchanged\n")
        return 128 + _SIGNAL_RECEIVED.get("signum", signal.SIGINT)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


_SIGNAL_RECEIVED: dict[str, int] = {}


def _error(problem: str) -> None:
    from simulator.errors import one_line

    sys.stderr.write(f"ibcf: error: {one_line(problem)}\n")


def _terminate_as_interrupt():  # type: ignore[no-untyped-def]
    """Handle SIGTERM like Ctrl-C (staged output is removed, the target left as it was).
    Returns the previous handler, or None where signals cannot be set (not the main
    thread)."""

    def interrupt(signum: int, frame: object) -> None:
        _SIGNAL_RECEIVED["signum"] = signum
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:
        return None
