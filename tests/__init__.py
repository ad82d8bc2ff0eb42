"""Tests of the iBCF review simulator (a package, so that tests import shared helpers)."""
