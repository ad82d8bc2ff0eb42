"""Inputs: the bundled data, validated, and the 2018/19 allocations reconstructed by
the published method (precept equalisation)."""
