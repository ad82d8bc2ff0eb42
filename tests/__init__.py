"""Tests of the iBCF review simulator (a package so ``python -m tests.golden`` runs)."""
