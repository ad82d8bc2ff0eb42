"""iBCF allocation review simulator: a pure model of the 2018/19 iBCF review."""

__version__ = "0.2.0"
MODEL_VERSION = __version__
