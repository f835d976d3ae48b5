"""samarkiv: a shared e-archive for Swedish municipalities (OAIS, E-ARK, FGS)."""

__version__ = "0.1.0"
