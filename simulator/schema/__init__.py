"""Declarations: what a scenario is, with each parameter's unit, range and source.

Pydantic and the standard library only: reading a scenario file loads no numpy,
pandas or scipy. Everything below (data, rules, engine, projection, reports) reads
these declarations; nothing here reads them back.
"""
