"""Benchmark ``extract-db``: rows/s, MB/s and peak RSS of PostgreSQL → SIARD 2.2.

Run from the repository root::

    .venv/bin/python benchmarks/siard.py [--sizes 10000,100000,1000000]

Starts a throwaway PostgreSQL cluster (tests/pg.py), and for each size N creates two
tables in their own schema: ``narrow`` (bigint key, varchar, numeric, timestamp) and
``docs`` (bigint key, varchar, bytea LOB: 192 bytes inline, every 100th row 16 KB, which
becomes a separate LOB file). Each extraction runs in a fresh subprocess so its peak RSS
(``os.wait4`` rusage ``ru_maxrss``) is its own. Targets (issue 8): ≥ 20,000 rows/s for the
narrow table, and peak RSS within ±20 % from the smallest to the largest size.

MB/s is uncompressed SIARD content (table XML + LOB files) per second of wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time
from samarkiv.packages.siard.extract import extract_database
url, out, schema = sys.argv[1:4]
result = extract_database(url, out, schemas=[schema])
print(json.dumps({"rows": result.rows, "seconds": result.seconds, "lobs": result.lob_files}))
"""

NARROW = """
CREATE SCHEMA {s};
CREATE TABLE {s}.narrow (id bigint PRIMARY KEY, name varchar(40), amount numeric(12, 2),
                         created timestamp);
INSERT INTO {s}.narrow SELECT g, 'namn ' || g || ' åäö', (g % 100000) / 100.0,
       timestamp '2020-01-01' + g * interval '1 second' FROM generate_series(1, {n}) g;
"""

DOCS = """
CREATE SCHEMA {s};
CREATE TABLE {s}.docs (id bigint PRIMARY KEY, title varchar(40), body bytea);
INSERT INTO {s}.docs SELECT g, 'dokument ' || g,
       CASE WHEN g % 100 = 0 THEN decode(repeat(md5(g::text), 1024), 'hex')
            ELSE decode(repeat(md5(g::text), 12), 'hex') END
FROM generate_series(1, {n}) g;
"""


def _psql(cluster, sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(sa.text(statement))
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def _extract(url: str, out: Path, schema: str) -> dict:
    """One extraction in a fresh Python process; its own wall time, rows and peak RSS."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(out), schema],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    output = proc.stdout.read() if proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"extraction of {schema} failed ({proc.returncode})")
    result = json.loads(output)
    with zipfile.ZipFile(out) as zf:
        content = sum(i.file_size for i in zf.infolist() if i.filename.startswith("content/"))
    result.update(
        rss_mb=usage.ru_maxrss / 1024,
        content_mb=content / 2**20,
        file_mb=out.stat().st_size / 2**20,
    )
    out.unlink()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    from tests.pg import find_bindir, start_cluster

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (initdb not found)")
    cluster = start_cluster(bindir)
    url = cluster.url.replace("postgresql://", "postgresql+psycopg://")
    results: dict[tuple[str, int], dict] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="siard-bench-") as tmp:
            for n in sizes:
                _psql(
                    cluster, NARROW.format(s=f"narrow_{n}", n=n) + DOCS.format(s=f"docs_{n}", n=n)
                )
                for kind in ("narrow", "docs"):
                    res = _extract(url, Path(tmp) / f"{kind}_{n}.siard", f"{kind}_{n}")
                    results[(kind, n)] = res
                    print(
                        f"{kind:6} {n:>9,} rows: {res['rows'] / res['seconds']:>9,.0f} rows/s  "
                        f"{res['content_mb'] / res['seconds']:>6.1f} MB/s  "
                        f"peak RSS {res['rss_mb']:6.1f} MB  ({res['seconds']:.1f} s, "
                        f"{res['content_mb']:.0f} MB content, {res['file_mb']:.0f} MB file, "
                        f"{res['lobs']} LOB files)",
                        flush=True,
                    )
    finally:
        cluster.stop()
    _verdict(results, sizes)
    return 0


def _verdict(results: dict, sizes: list[int]) -> None:
    small, large = min(sizes), max(sizes)
    for kind in ("narrow", "docs"):
        a, b = results[(kind, small)]["rss_mb"], results[(kind, large)]["rss_mb"]
        change = (b - a) / a * 100
        flat = "OK" if abs(change) <= 20 else "NOT FLAT"
        print(
            f"{kind}: peak RSS {a:.1f} MB at {small:,} → {b:.1f} MB at {large:,} "
            f"({change:+.1f} %) {flat}"
        )
    speed = results[("narrow", large)]["rows"] / results[("narrow", large)]["seconds"]
    print(
        f"narrow at {large:,} rows: {speed:,.0f} rows/s "
        f"({'OK' if speed >= 20_000 else 'BELOW'} target 20,000)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
