"""From a design file to its answers: the grid evaluated in chunks, the efficient
options under every evidence set, the best option under the guarantees (or why none
keeps them), the oracle bound and the Monte Carlo on the frontier."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from simulator.design.executor import (
    ChunkCache,
    ChunkSpec,
    Executor,
    Stats,
    chunk_ranges,
    run_chunks,
)
from simulator.design.grid import Grid, build_grid, describe
from simulator.design.kernel import Context, make_context
from simulator.design.objectives import Objective
from simulator.design.robust import ranking_flips
from simulator.design.search import WhyNot, best, constraints, feasible, frontier, why_not
from simulator.design.seek import OracleBound, SeekResult, goal_seek, oracle_bound
from simulator.errors import ScenarioError
from simulator.inputs.data import Dataset
from simulator.projection.evidence import DEFAULT_EVIDENCE_SET
from simulator.schema.design import DesignFile
from simulator.schema.disk import read_bytes
from simulator.schema.files import _check_values, _format_errors, load_scenario
from simulator.schema.scenario import Scenario

MAX_DESIGN_BYTES = 256 * 1024


def load_design(
    path: Path, *, context: dict[str, Any] | None = None
) -> tuple[DesignFile, Scenario]:
    """Read a design file and its base scenario (strict; errors name the file and key)."""
    source = str(path)
    try:
        raw = read_bytes(path, limit=MAX_DESIGN_BYTES)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{source}: not a valid TOML design file ({exc})") from None
    _check_values(data, source)
    try:
        design = DesignFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(source, exc)) from None
    base_path = (path.parent / design.base).resolve()
    base = load_scenario(base_path, context=context)
    return design, base


@dataclass
class DesignAnswer:
    file: DesignFile
    base: Scenario
    grid: Grid
    table: pd.DataFrame  # every valid option: option, objectives
    frontier: pd.DataFrame  # efficient options with their words and settings
    best: dict[str, Any] | None
    why_not: WhyNot | None
    oracle: OracleBound | None
    oracle_why: str | None  # why no bound is given (None when one is)
    objectives: dict[str, Objective]
    evidence: list[str]
    seek: SeekResult | None = None
    stats: Stats = field(default_factory=Stats)
    seconds: dict[str, float] = field(default_factory=dict)


def _spec_text(file: DesignFile, base: Scenario) -> tuple[str, str]:
    return file.design.model_dump_json(), base.model_dump_json()


def evaluate_grid(
    file: DesignFile,
    base: Scenario,
    data: Dataset,
    *,
    executor: Executor,
    cache: ChunkCache,
    progress: Callable[[int, int], None] | None = None,
    stats: Stats | None = None,
    watch: tuple[str, ...] = (),
) -> tuple[Grid, pd.DataFrame]:
    """Every valid option of the grid and its objectives, chunk by chunk."""
    grid = build_grid(file.design, base)
    design_json, base_json = _spec_text(file, base)
    specs = [
        ChunkSpec("options", i, design_json, base_json, data.data_hash, start, stop, watch=watch)
        for i, (start, stop) in enumerate(chunk_ranges(grid.size, file.design.chunk_options))
    ]
    parts = run_chunks(executor, specs, cache, base.content_hash(), progress=progress, stats=stats)
    table = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    return grid, table


def run_design(
    file: DesignFile,
    base: Scenario,
    data: Dataset,
    *,
    executor: Executor | None = None,
    cache: ChunkCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    stats: Stats | None = None,
) -> DesignAnswer:
    """Evaluate the grid and answer the design (see the module)."""
    executor = executor or Executor()
    cache = cache or ChunkCache(None)
    stats = stats if stats is not None else Stats()
    design = file.design
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    grid, table = evaluate_grid(
        file,
        base,
        data,
        executor=executor,
        cache=cache,
        progress=(lambda d, n: progress("options", d, n)) if progress else None,
        stats=stats,
    )
    seconds["grid"] = time.perf_counter() - t0
    ctx = make_context(grid, data)
    t1 = time.perf_counter()
    answered = answer(file, base, grid, table, ctx)
    seconds["frontier"] = time.perf_counter() - t1
    answered.seek = _seek(ctx, grid, answered, table)
    front = answered.frontier
    if design.draws and ctx.evidence and front["efficient"].any():
        t2 = time.perf_counter()
        front = _monte_carlo(file, base, data, front, executor, cache, progress, stats)
        seconds["monte_carlo"] = time.perf_counter() - t2
    answered.frontier = front
    answered.stats = stats
    answered.seconds = seconds
    return answered


def answer(
    file: DesignFile, base: Scenario, grid: Grid, table: pd.DataFrame, ctx: Context
) -> DesignAnswer:
    """The answers over an evaluated grid, without the Monte Carlo: efficient options
    under every evidence set, the best under the guarantees, why not, the oracle bound."""
    design = file.design
    objectives = ctx.objectives
    unknown = [o for o in [*design.objectives, design.goal.objective] if o not in objectives]
    if unknown:
        raise ScenarioError(
            f"design.objectives: unknown {', '.join(unknown)} (known: {', '.join(objectives)})"
        )
    rules = constraints(design.guarantees)
    cannot = [r for r in rules if r.column not in table.columns]
    if cannot:
        raise ScenarioError(
            [
                f"design.guarantees.{r.key}: this dataset has no {r.column} (the most "
                "deprived fifth needs the who-bears-it table, council_distribution.csv)"
                for r in cannot
            ]
        )
    ok = feasible(table, rules)
    senses: dict[str, str] = {k: str(o.sense) for k, o in objectives.items()}
    pool = table[ok] if ok.any() else table
    front = _frontier_every_set(pool, design.objectives, senses, ctx.evidence)
    front["meets_guarantees"] = bool(ok.any())
    chosen = best(table, rules, design.goal.objective, design.goal.sense)
    reason = why_not(table, rules) if chosen is None else None
    oracle, oracle_why = (
        _oracle(ctx, grid, chosen, design)
        if chosen is not None
        else (None, "no bound: no option keeps the guarantees")
    )
    front = _words(grid, front)
    # The ranking is read on the central path (deterministic), so a flip is the evidence
    # sets disagreeing, never Monte Carlo noise.
    front["ranking_flips"] = ranking_flips(front, ctx.evidence, "beds_freed")
    return DesignAnswer(
        file=file,
        base=base,
        grid=grid,
        table=table,
        frontier=front,
        best=_best_dict(grid, chosen),
        why_not=reason,
        oracle=oracle,
        oracle_why=oracle_why,
        objectives=objectives,
        evidence=ctx.evidence,
    )


def _frontier_every_set(
    pool: pd.DataFrame, chosen: list[str], senses: dict[str, str], evidence: list[str]
) -> pd.DataFrame:
    """The union of the frontiers with the beds objective read under each evidence set,
    ``efficient:<set>`` saying under which (the design's own set first)."""
    beds = [o for o in chosen if o.startswith(("beds_freed:", "beds_per_gbpm:"))]
    variants: dict[str, list[str]] = {"": chosen}
    for name in evidence if beds else []:
        variants[name] = [f"{o.split(':', 1)[0]}:{name}" if o in beds else o for o in chosen]
    fronts = {k: frontier(pool, objs, senses) for k, objs in variants.items()}
    options = sorted(set().union(*(set(f["option"]) for f in fronts.values())))
    out = pool[pool["option"].isin(options)].drop_duplicates(subset=["option"]).copy()
    own = fronts[""].set_index("option")["equivalent_options"]
    out["efficient"] = out["option"].isin(own.index)
    out["equivalent_options"] = out["option"].map(own).fillna(0).astype(int)
    for name in evidence if beds else []:
        out[f"efficient:{name}"] = out["option"].isin(fronts[name]["option"])
    return out.sort_values("option").reset_index(drop=True)


def _words(grid: Grid, front: pd.DataFrame) -> pd.DataFrame:
    front = front.copy()
    front.insert(1, "option_words", [describe(grid, int(i)) for i in front["option"]])
    for name in grid.varied():
        values = [grid.setting(int(i))[name] for i in front["option"]]
        front[f"setting:{name}"] = [" + ".join(v) if isinstance(v, list) else v for v in values]
    front["scenario_file"] = [f"option-{int(i):08d}.toml" for i in front["option"]]
    return front


def _monte_carlo(
    file: DesignFile,
    base: Scenario,
    data: Dataset,
    front: pd.DataFrame,
    executor: Executor,
    cache: ChunkCache,
    progress: Callable[[str, int, int], None] | None,
    stats: Stats,
) -> pd.DataFrame:
    design = file.design
    design_json, base_json = _spec_text(file, base)
    options = [int(i) for i in front["option"][front["efficient"]]]
    per = 8
    specs = [
        ChunkSpec(
            "montecarlo",
            i,
            design_json,
            base_json,
            data.data_hash,
            options=tuple(options[a:b]),
            seed=design.seed,
            draws=design.draws,
        )
        for i, (a, b) in enumerate(chunk_ranges(len(options), per))
    ]
    parts = run_chunks(
        executor,
        specs,
        cache,
        base.content_hash(),
        progress=(lambda d, n: progress("Monte Carlo", d, n)) if progress else None,
        stats=stats,
    )
    mc = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    mc["seed"] = mc["seed"].astype(np.int64)
    return front.merge(mc, on="option", how="left")


def _seek(
    ctx: Context, grid: Grid, answered: DesignAnswer, table: pd.DataFrame
) -> SeekResult | None:
    seek = answered.file.design.seek
    if seek is None:
        return None
    option = seek.option
    if option is None:
        option = None if answered.best is None else int(answered.best["option"])
    if option is None:
        return None
    if option >= grid.size or not (table["option"] == option).any():
        raise ScenarioError(f"design.seek.option: {option} is not a valid option of the grid")
    return goal_seek(ctx, grid.setting(option), seek.lever, seek.metric, seek.target)


def _oracle(
    ctx: Context, grid: Grid, chosen: pd.Series, design: Any
) -> tuple[OracleBound | None, str | None]:
    """The oracle bound for the best option, or why none is given."""
    if not ctx.evidence:
        return None, "no bound: beds were not evaluated"
    goal = design.goal.objective
    name = goal.split(":", 1)[1] if ":" in goal else DEFAULT_EVIDENCE_SET
    if name not in ctx.evidence:
        name = ctx.evidence[0]
    setting = grid.setting(int(chosen["option"]))
    share = float(setting["condition_pct"])
    # The bound is exact for conditioned money, which stays with its council; money
    # withheld and shared out acts elsewhere too, and no such bound is claimed for it.
    if share <= 0:
        return None, "no bound: the best option conditions no money (the bound is for conditions)"
    if float(setting["reduction_pct"]) > 0:
        return None, (
            "no bound: the best option withholds money, which is shared out and acts "
            "elsewhere too (the bound is for conditions alone)"
        )
    # The programme counts the beds money frees council by council; an incentive effect
    # of review frees beds in every council selected whatever its money (and changes
    # how each responds), which it cannot see: what it found would be no bound.
    incentive = grid.base.projection.incentive_effect_pct
    if incentive > 0:
        return None, (
            f"no bound: the base scenario's incentive effect of review ({incentive:g}%) frees "
            "beds in every council selected whatever its money, which the programme does "
            "not see"
        )
    bound = oracle_bound(
        ctx,
        share_pct=share,
        element=str(setting["base"]),
        budget=float(chosen["money_moved"]),
        guarantees=design.guarantees,
        evidence_set=name,
    )
    return bound, None


def _best_dict(grid: Grid, chosen: pd.Series | None) -> dict[str, Any] | None:
    if chosen is None:
        return None
    index = int(chosen["option"])
    out: dict[str, Any] = {"option": index, "option_words": describe(grid, index)}
    out.update({str(k): _plain(v) for k, v in chosen.items() if k != "option"})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
