"""Benchmarks (not tests): ``make bench`` prints timings; the last line is one JSON object."""
