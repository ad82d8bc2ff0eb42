"""One executor seam: chunks of option specs run in this process, in a process pool, or
on a Dask cluster, with the same bytes out.

A chunk is a spec, never data: the design and base scenario as JSON, a range of option
indices (or of frontier options for the Monte Carlo) and the chunk's index. A worker
loads the bundled data itself (once per process) and checks its hash against the spec's.
The Monte Carlo of a chunk is seeded from the run's seed and the chunk's index
(``numpy.random.SeedSequence([seed, index])``), so where a chunk runs never changes its
numbers. Finished chunks are kept content-addressed, under a key made of the design, the
base scenario's content hash, the data hash, the model version and the chunk's range,
each as soon as it is finished, whatever the order chunks finish in (the answers are
put back in chunk order, so the bytes out never depend on it). A run killed part way
resumes having lost only the chunks being computed when it stopped:

- ``local``: at most one, the chunk this process was computing;
- ``local:N``: at most one per process, N in all (each process files its chunk in the
  cache itself before it takes the next);
- ``dask://``: the client files each chunk as its result arrives (workers may not share
  its disk), so at most the chunks running on the workers and those whose results were
  on their way back.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulator import MODEL_VERSION
from simulator.errors import SimulatorError


@dataclass(frozen=True)
class ChunkSpec:
    """What a worker needs to evaluate one chunk (all text and integers)."""

    kind: str  # "options" (the kernel) or "montecarlo" (frontier options' projections)
    index: int
    design_json: str
    base_json: str
    data_hash: str
    start: int = 0
    stop: int = 0
    options: tuple[int, ...] = ()  # for "montecarlo": the option indices
    watch: tuple[str, ...] = ()
    seed: int = 0
    draws: int = 0

    def key(self, base_hash: str) -> str:
        """The chunk's content address."""
        text = json.dumps(
            [
                self.kind,
                self.design_json,
                base_hash,
                self.data_hash,
                MODEL_VERSION,
                self.start,
                self.stop,
                list(self.options),
                list(self.watch),
                self.seed,
                self.draws,
                self.index if self.kind == "montecarlo" else 0,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


# ---------------------------------------------------------------------- workers
@functools.lru_cache(maxsize=1)
def _dataset() -> Any:
    from simulator.inputs.data import load_dataset

    return load_dataset()


@functools.lru_cache(maxsize=4)
def _context(design_json: str, base_json: str, watch: tuple[str, ...]) -> Any:
    from simulator.design.grid import build_grid
    from simulator.design.kernel import make_context
    from simulator.schema.design import Design
    from simulator.schema.scenario import Scenario

    design = Design.model_validate_json(design_json)
    base = Scenario.model_validate_json(base_json)
    return make_context(build_grid(design, base), _dataset(), watch=watch)


def run_chunk(spec: ChunkSpec) -> dict[str, np.ndarray]:
    """Evaluate one chunk (in whatever process or worker it lands)."""
    data = _dataset()
    if data.data_hash != spec.data_hash:
        raise SimulatorError(
            f"chunk {spec.index}: this worker's data ({data.data_hash}) is not the run's "
            f"({spec.data_hash}); install the same data on every worker"
        )
    ctx = _context(spec.design_json, spec.base_json, spec.watch)
    if spec.kind == "options":
        from simulator.design.kernel import evaluate_options

        return evaluate_options(ctx, spec.start, spec.stop)
    from simulator.design.robust import monte_carlo

    return monte_carlo(ctx, list(spec.options), seed=spec.seed, index=spec.index, draws=spec.draws)


# ---------------------------------------------------------------------- the cache
class ChunkCache:
    """Finished chunks as ``.npz`` files named by their content address (written to a
    temporary name and renamed, so a chunk on disk is always whole)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str) -> dict[str, np.ndarray] | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.npz"
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}

    def put(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(buffer.getvalue())
            os.replace(tmp, self.folder / f"{key}.npz")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ibcf" / "design"


# ---------------------------------------------------------------------- executors
@dataclass
class Stats:
    computed: int = 0
    cached: int = 0


def run_and_file(spec: ChunkSpec, cache: ChunkCache, key: str) -> dict[str, np.ndarray]:
    """Evaluate one chunk and file it in the cache before returning (in the process that
    computed it, so a finished chunk is kept even if the one that asked for it dies)."""
    arrays = run_chunk(spec)
    cache.put(key, arrays)
    return arrays


class Executor:
    """Runs chunk specs and yields ``(spec, arrays)`` as each finishes, every one filed
    in ``cache`` (under ``spec.key(base_hash)``) before it is yielded."""

    name = "local"

    def run(
        self, specs: list[ChunkSpec], cache: ChunkCache, base_hash: str
    ) -> Iterator[tuple[ChunkSpec, dict[str, np.ndarray]]]:
        for spec in specs:
            yield spec, run_and_file(spec, cache, spec.key(base_hash))

    def close(self) -> None:
        return None


class PoolExecutor(Executor):
    def __init__(self, workers: int) -> None:
        self.name = f"local, {workers} processes"
        self.pool = ProcessPoolExecutor(max_workers=workers)

    def run(
        self, specs: list[ChunkSpec], cache: ChunkCache, base_hash: str
    ) -> Iterator[tuple[ChunkSpec, dict[str, np.ndarray]]]:
        futures = {
            self.pool.submit(run_and_file, spec, cache, spec.key(base_hash)): spec for spec in specs
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskExecutor(Executor):
    """Chunks sent to a ``dask.distributed`` scheduler (``pip install '.[dask]'``)."""

    def __init__(self, address: Any) -> None:
        try:
            from dask.distributed import Client
        except ImportError:
            raise SimulatorError(
                "--executor dask:// needs dask.distributed: pip install 'ibcf-simulator[dask]'"
            ) from None
        self.client = Client(address)
        self.name = f"dask {address if isinstance(address, str) else 'cluster'}"

    def run(
        self, specs: list[ChunkSpec], cache: ChunkCache, base_hash: str
    ) -> Iterator[tuple[ChunkSpec, dict[str, np.ndarray]]]:
        from dask.distributed import as_completed as dask_completed

        # pure=False: a spec is cheap to send and the cache, not Dask, says what is done.
        futures = self.client.map(run_chunk, specs, pure=False)
        spec_of = {future.key: spec for future, spec in zip(futures, specs, strict=True)}
        try:
            for future in dask_completed(futures):
                spec = spec_of[future.key]
                arrays = future.result()
                cache.put(spec.key(base_hash), arrays)  # workers may not share this disk
                yield spec, arrays
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()


def executor_for(words: str) -> Executor:
    """``local`` (this process), ``local:N`` (N processes) or ``dask://HOST:PORT``."""
    if words == "local":
        return Executor()
    if words.startswith("local:") and words[6:].isdigit() and int(words[6:]) >= 1:
        n = int(words[6:])
        return Executor() if n == 1 else PoolExecutor(n)
    if words.startswith("dask://"):
        return DaskExecutor("tcp://" + words.removeprefix("dask://"))
    raise SimulatorError(
        f"--executor {words}: use local, local:N (N processes) or dask://HOST:PORT"
    )


def run_chunks(
    executor: Executor,
    specs: list[ChunkSpec],
    cache: ChunkCache,
    base_hash: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    stats: Stats | None = None,
) -> list[dict[str, np.ndarray]]:
    """Every chunk's arrays in spec order: from the cache where finished, else run (each
    kept as soon as it finishes, in whatever order they finish)."""
    stats = stats if stats is not None else Stats()
    out: dict[int, dict[str, np.ndarray]] = {}
    todo = []
    for spec in specs:
        found = cache.get(spec.key(base_hash))
        if found is None:
            todo.append(spec)
        else:
            out[spec.index] = found
            stats.cached += 1
    done = len(out)
    if progress:
        progress(done, len(specs))
    for spec, arrays in executor.run(todo, cache, base_hash):
        out[spec.index] = arrays
        stats.computed += 1
        done += 1
        if progress:
            progress(done, len(specs))
    return [out[s.index] for s in specs]


def chunk_ranges(size: int, per_chunk: int) -> Iterable[tuple[int, int]]:
    for start in range(0, size, per_chunk):
        yield start, min(size, start + per_chunk)
