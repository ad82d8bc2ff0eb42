"""The option designer: a declared grid over the option space, evaluated in batches.

In the order data flows: :mod:`.grid` (the options and the scenario each stands for),
:mod:`.objectives` (the register of what is weighed), :mod:`.kernel` (the vectorised
evaluation), :mod:`.search` (the exact Pareto set, the best option under guarantees,
goal-seek, the oracle bound and why a target cannot be met), :mod:`.executor` (local
or Dask, chunked and cached) and :mod:`.run` (one call from a design file to its answers).
See ``docs/designer.md``.
"""
