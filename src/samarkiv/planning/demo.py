"""Demo data of this domain, loaded by ``samarkiv demo`` (web.commands.DEMO_STEPS)."""

from __future__ import annotations


def load_demo() -> int:
    """Nothing yet; 0 = success."""
    return 0
