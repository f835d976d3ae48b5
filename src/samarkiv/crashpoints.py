"""Crash injection for tests: ``SAMARKIV_CRASH_AT=<point>`` SIGKILLs the process there.

SIGKILL cannot be caught, so no ``finally`` or ``__exit__`` runs: exactly what a power
cut or the OOM killer does.

The points are the seams between pipeline steps; the crash tests kill an ingest at each
of them and check that the archive holds either nothing or a complete, verified AIP.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "SAMARKIV_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
