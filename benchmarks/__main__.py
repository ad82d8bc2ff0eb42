"""Run the benchmarks and print medians over repeated runs.

Targets (on the 2-core reference machine): evaluate < 2 ms; Monte Carlo (10,000 draws
x 152 councils x 12 months) < 1 s; sweep >= 5,000 scenarios/s; app rerun after a
slider change < 300 ms (``app_rerun_fresh_ms`` gives each view's rerun after a change
to a value not seen before: the views that do not show the projection run no Monte
Carlo); cold start (import and load the bundled data) < 3 s; selection stability (every variant of
the December scenario, with the change that flips each fragile council) < 5 s.
The last line printed is one JSON object of the medians.
"""

from __future__ import annotations

import json
import logging
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench")


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cold_start_s(repeat: int = 3) -> float:
    code = "from simulator.inputs.data import load_dataset; load_dataset()"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def app_rerun_ms(repeat: int = 5) -> float | None:
    """Server time of an AppTest rerun after a slider change (None if no slider found)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    sliders = [s for s in at.slider if isinstance(s.value, int | float)]
    if not sliders:
        return None
    slider = sliders[0]
    lo, hi = slider.min, slider.max
    times = []
    for k in range(repeat + 1):
        value = lo + (hi - lo) * (0.25 if k % 2 else 0.5)
        start = time.perf_counter()
        slider.set_value(type(slider.value)(value)).run()
        if k:  # the first run warms caches
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_rerun_fresh_ms(repeat: int = 3) -> dict[str, float]:
    """Server CPU time of an AppTest rerun on each view after the condition share moves
    to a value not seen before (so the model, and the Monte Carlo where the view shows
    it, run). CPU time of this process, not wall time: fair on a busy machine."""
    from streamlit.testing.v1 import AppTest

    from app.shell import VIEWS

    out = {}
    for j, view in enumerate(VIEWS):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        at.query_params["view"] = view
        at.run()
        times = []
        for k in range(repeat + 1):
            slider = at.slider(key="w:consequences.condition_pct")
            start = time.process_time()
            slider.set_value(11.0 + 0.5 * (j * (repeat + 1) + k)).run()
            if k:  # the first run warms what does not depend on the value
                times.append((time.process_time() - start) * 1000)
        out[view] = round(statistics.median(times), 1)
    return out


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    from simulator.engine.run import evaluate, project_scenario
    from simulator.engine.sweep import sweep
    from simulator.inputs.data import load_dataset
    from simulator.schema.files import data_context, load_scenario

    data = load_dataset()
    scenario = load_scenario(
        ROOT / "scenarios" / "december-2017-five-tests.toml",
        context=data_context(data.months, list(data.codes)),
    )
    log.info("evaluate: one scenario end to end, no Monte Carlo")
    evaluate_ms = median_ms(lambda: evaluate(scenario, data), repeat=200, warmup=5)
    result = evaluate(scenario, data)
    log.info("Monte Carlo: 10,000 draws x 152 councils x 12 months")
    mc_ms = median_ms(lambda: project_scenario(result, draws=10_000), repeat=5)
    thresholds = np.linspace(0.0, 12.0, 50)
    shares = np.linspace(0.0, 50.0, 50)
    n_variants = len(thresholds) * len(shares) * 4
    log.info("sweep: %d scenario variants in one call", n_variants)
    sweep_ms = median_ms(
        lambda: sweep(data, thresholds=thresholds, reduction_pcts=shares), repeat=10
    )
    from simulator.reports.stability import stability

    log.info("selection stability: every variant, flips of the fragile councils")
    stability_ms = median_ms(lambda: stability(result), repeat=3)
    log.info("app rerun after a slider change (AppTest)")
    rerun = app_rerun_ms()
    log.info("app rerun on each view after a change to a new value (AppTest, CPU time)")
    fresh = app_rerun_fresh_ms()
    log.info("cold start: import and load the bundled data in a new process")
    cold = cold_start_s()
    figures = {
        "evaluate_ms": round(evaluate_ms, 3),
        "monte_carlo_ms": round(mc_ms, 1),
        "sweep_scenarios_per_s": round(n_variants / (sweep_ms / 1000)),
        "app_rerun_ms": None if rerun is None else round(rerun, 1),
        "app_rerun_fresh_ms": fresh,
        "cold_start_s": round(cold, 2),
        "stability_s": round(stability_ms / 1000, 2),
        "machine": f"{platform.machine()} {platform.processor() or ''} cpus={_cpus()}".strip(),
        "python": platform.python_version(),
    }
    targets = {
        "evaluate_ms": ("<", 2.0),
        "monte_carlo_ms": ("<", 1000.0),
        "sweep_scenarios_per_s": (">=", 5000),
        "app_rerun_ms": ("<", 300.0),
        "cold_start_s": ("<", 3.0),
        "stability_s": ("<", 5.0),
    }
    log.info("option designer (benchmarks/design.py)")
    from benchmarks import design as design_bench

    design_bench.quiet_dask()
    designer = design_bench.figures()
    figures.update(designer)
    for key, (op, target) in targets.items():
        value = figures[key]
        ok = value is not None and (value < target if op == "<" else value >= target)
        log.info("%-22s %12s  target %s %s  %s", key, value, op, target, "ok" if ok else "MISSED")
    design_bench.report(designer)
    sys.stdout.write(json.dumps(figures) + "\n")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
