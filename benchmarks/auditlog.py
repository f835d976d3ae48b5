"""Benchmark the audit log: appends per second, and entries verified per second.

Run from the repository root::

    .venv/bin/python benchmarks/auditlog.py [--entries N] [--threads T] [--database URL]

In a fresh temporary ``SAMARKIV_HOME`` (never the repository's, never a real archive):
``samarkiv migrate``, then N appends (default 5,000; each its own transaction, as a
login or a download records it) from T threads (default 1) at once, then
``chain.verify()`` over the whole chain. With ``--database postgresql://...`` the
catalogue is that (empty, throwaway) PostgreSQL database instead of SQLite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--database", help="SAMARKIV_DATABASE_URL (default: SQLite)")
    return parser.parse_args()


def _setup(home: str, database: str | None) -> None:
    os.environ["SAMARKIV_HOME"] = home
    os.environ.pop("SAMARKIV_CONFIG", None)
    if database:
        os.environ["SAMARKIV_DATABASE_URL"] = database
    else:
        os.environ.pop("SAMARKIV_DATABASE_URL", None)
    from samarkiv.web.commands import migrate

    migrate()


def _append_all(total: int, threads: int) -> float:
    from django.db import connection

    from samarkiv.auditlog.chain import append
    from samarkiv.auditlog.choices import AuditAction

    def work(count: int) -> None:
        try:
            for i in range(count):
                append(
                    actor="user:bänkmärkning",
                    action=AuditAction.VIEW,
                    tenant="lund",
                    object_type="preservation.aip",
                    object_id=f"urn:uuid:{i:032x}",
                    detail={"i": i, "fil": "protokoll-2024-01-15.pdf"},
                )
        finally:
            connection.close()

    shares = [total // threads + (1 if n < total % threads else 0) for n in range(threads)]
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, shares))
    return time.perf_counter() - start


def main() -> int:
    args = _arguments()
    home = tempfile.mkdtemp(prefix="samarkiv-bench-auditlog-")
    try:
        _setup(home, args.database)
        from django.db import connection

        from samarkiv.auditlog.chain import verify

        appended = _append_all(args.entries, args.threads)
        start = time.perf_counter()
        result = verify()
        verified = time.perf_counter() - start
        print(f"catalogue: {connection.vendor}, threads: {args.threads}")
        print(
            f"append: {args.entries} entries in {appended:.2f} s = "
            f"{args.entries / appended:,.0f} appends/s"
        )
        print(
            f"verify: {result.entries} entries in {verified:.2f} s = "
            f"{result.entries / verified:,.0f} entries/s ({'ok' if result.ok else 'BROKEN'})"
        )
        return 0 if result.ok and result.entries == args.entries else 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
