"""One ingest at a time per archive home, across processes.

The embedded archive runs its worker in-process; a CLI ingest may run beside it. An
exclusive ``flock`` on a file in ``SAMARKIV_HOME/locks`` serialises them, and because
the kernel drops the lock when a process dies, a SIGKILLed ingest never blocks the next.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_lock(lock_dir: Path, name: str = "ingest") -> Iterator[None]:
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
