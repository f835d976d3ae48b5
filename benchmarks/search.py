"""Benchmark search: index N synthetic records into each engine, then time queries.

Run from the repository root::

    .venv/bin/python benchmarks/search.py [--records N] [--queries Q]
        [--backend tantivy|postgresql|both] [--database-url URL] [--keep] [--json]

Defaults: 1,000,000 records, 200 queries per kind, both engines. The records come from
``search_data.Generator`` (seeded, municipal Swedish), streamed in batches straight into
the backend's ``index()`` for tantivy and with ``COPY`` into ``search_document`` for
PostgreSQL (no Django rows: the engines are measured, not the catalogue). PostgreSQL is a
private throwaway cluster (``tests/pg.py``), or the database named by ``--database-url``
/ ``SAMARKIV_DATABASE_URL`` (its ``search_document`` table is emptied!). Everything else
is written under a new ``samarkiv-bench-search-*`` folder in ``$TMPDIR`` and removed.

Figures: indexing rate (docs/s; generation time measured and left out, and the rate
with it), index size, and p50/p95/p99 latency of ``backend.search()`` per query kind,
each as a staff search is made: one tenant, top 20 with highlights and the total.

- word: one vocabulary word in some inflection;
- phrase: a title phrase such as "beslut om bygglov";
- prefix: 4-7 letters and ``*``;
- faceted: a word, two filters (document type, decade) and all seven facet counts,
  which is what the staff search page asks for;
- all tenants: a word with facet counts over every tenant (the operator's CLI).

The target (issue 6) is p95 < 100 ms for the embedded engine; the ratio p95 / 100 ms is
printed for every kind and engine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from search_data import Generator  # noqa: E402  (benchmarks/ is on sys.path)

from samarkiv.access.search.query import SearchQuery, exact_text, parse  # noqa: E402

BATCH = 5_000
TARGET_MS = 100.0
WARM_UP = 20
SHARED_BUFFERS = "4GB"  # the private cluster's (PostgreSQL's default is 128MB)
KINDS = ("word", "phrase", "prefix", "faceted", "all tenants")


@dataclass
class Latency:
    kind: str
    n: int
    p50: float
    p95: float
    p99: float
    median_hits: int

    @property
    def ratio(self) -> float:
        return self.p95 / TARGET_MS


@dataclass
class EngineRun:
    engine: str
    records: int
    wall_s: float = 0.0  # generation + indexing (+ index build for PostgreSQL)
    generate_s: float = 0.0
    index_s: float = 0.0  # wall - generation
    build_s: float = 0.0  # PostgreSQL: CREATE INDEX after COPY (included in index_s)
    size_bytes: int = 0
    notes: list[str] = field(default_factory=list)
    latencies: list[Latency] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.records / self.index_s if self.index_s else 0.0

    @property
    def rate_with_generation(self) -> float:
        return self.records / self.wall_s if self.wall_s else 0.0


# --- feeding -------------------------------------------------------------------------


def batches(n: int, seed: int, timer: list[float]) -> Iterator[list[dict]]:
    """Batches of generated records; the time spent generating is added to timer[0]."""
    records = Generator(seed).records(n)
    while True:
        started = time.perf_counter()
        batch = list(islice(records, BATCH))
        timer[0] += time.perf_counter() - started
        if not batch:
            return
        yield batch


def progress(done: int, total: int, started: float) -> None:
    if sys.stderr.isatty():
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"\r  {done:,}/{total:,} ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)


def index_tantivy(run: EngineRun, base: Path, seed: int):
    from samarkiv.access.search.backends.tantivy_backend import TantivyBackend

    backend = TantivyBackend(base / "index" / "tantivy", heap_size=512_000_000, threads=2)
    timer = [0.0]
    started = time.perf_counter()
    done = 0
    for batch in batches(run.records, seed, timer):
        done += backend.index(batch)
        progress(done, run.records, started)
    backend.commit()
    backend.close()  # waits for the merges
    run.wall_s = time.perf_counter() - started
    run.generate_s = timer[0]
    run.index_s = run.wall_s - run.generate_s
    run.size_bytes = backend.size_bytes()
    segments = backend.index_obj.searcher().num_segments
    run.notes.append(f"{segments} segments; writer heap 512 MB, 2 threads")
    return backend


def index_postgres(run: EngineRun, seed: int):
    """COPY into search_document with only the primary key, then build the indexes."""
    from django.db import connection

    from samarkiv.access.search.backends import postgres_backend as pb

    backend = pb.PostgresBackend()
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3, autocommit
    with raw.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute(f"TRUNCATE {pb.TABLE}")
        indexes = cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
            [pb.TABLE, f"{pb.TABLE}_pkey"],
        ).fetchall()
        for name, _ddl in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    timer = [0.0]
    started = time.perf_counter()
    done = 0
    columns = ", ".join(pb.COLUMNS)
    with raw.cursor() as cur, cur.copy(f"COPY {pb.TABLE} ({columns}) FROM STDIN") as copy:
        for batch in batches(run.records, seed, timer):
            for doc in batch:
                copy.write_row(pb.row(doc))
            done += len(batch)
            progress(done, run.records, started)
    copied = time.perf_counter()
    with raw.cursor() as cur:
        for _name, ddl in indexes:
            cur.execute(ddl)
        cur.execute(f"VACUUM ANALYZE {pb.TABLE}")
    run.wall_s = time.perf_counter() - started
    run.build_s = time.perf_counter() - copied
    run.generate_s = timer[0]
    run.index_s = run.wall_s - run.generate_s
    run.size_bytes = backend.size_bytes()
    with raw.cursor() as cur:  # as warm as tantivy's memory-mapped files
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for relation in (pb.TABLE, *(name for name, _ddl in indexes)):
            cur.execute("SELECT pg_prewarm(%s)", [relation])
    run.notes.append(
        f"COPY {copied - started - timer[0]:,.1f} s + indexes and VACUUM ANALYZE "
        f"{run.build_s:,.1f} s (maintenance_work_mem 1GB); table and indexes prewarmed"
    )
    return backend


# --- querying ------------------------------------------------------------------------


def make_queries(n: int, seed: int) -> dict[str, list[SearchQuery]]:
    """The same queries for both engines: ``n`` of each kind (+ warm-up ones)."""
    gen = Generator(seed + 1)

    def q(text: str, tenant: str | None, facets: bool, filters=None) -> SearchQuery:
        wanted = dict(filters or {})
        if tenant:
            wanted["tenant"] = (tenant,)
        return SearchQuery(
            clauses=parse(text), filters=wanted, limit=20, exact=exact_text(text), facets=facets
        )

    makers: dict[str, Callable[[], SearchQuery]] = {
        "word": lambda: q(gen.word(), gen.tenant(), False),
        "phrase": lambda: q(gen.phrase(), gen.tenant(), False),
        "prefix": lambda: q(gen.prefix(), gen.tenant(), False),
        "faceted": lambda: q(gen.word(), gen.tenant(), True, gen.facet_filter()),
        "all tenants": lambda: q(gen.word(), None, True),
    }
    return {kind: [make() for _ in range(n + WARM_UP)] for kind, make in makers.items()}


def percentile(sorted_ms: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, round(pct / 100 * len(sorted_ms) + 0.5 - 1e-9))
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def time_queries(backend, queries: dict[str, list[SearchQuery]]) -> list[Latency]:
    out = []
    for kind in KINDS:
        timings, hits = [], []
        for i, query in enumerate(queries[kind]):
            started = time.perf_counter()
            result = backend.search(query)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= WARM_UP:
                timings.append(elapsed)
                hits.append(result.total)
        timings.sort()
        hits.sort()
        out.append(
            Latency(
                kind,
                len(timings),
                percentile(timings, 50),
                percentile(timings, 95),
                percentile(timings, 99),
                hits[len(hits) // 2],
            )
        )
    return out


# --- engines -------------------------------------------------------------------------


def run_tantivy(args, base: Path, queries) -> EngineRun:
    run = EngineRun("tantivy", args.records)
    print(f"tantivy: indexing {args.records:,} records ...", file=sys.stderr)
    backend = index_tantivy(run, base, args.seed)
    print(f"\ntantivy: {args.queries} queries per kind ...", file=sys.stderr)
    run.latencies = time_queries(backend, queries)
    return run


def tune(cluster) -> None:
    """What a DBA would set on a search server: a buffer cache that holds the table."""
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{SHARED_BUFFERS}'")
        conn.execute("ALTER SYSTEM SET effective_cache_size = '12GB'")
    log = str(cluster.base / "server.log")  # -l: the server must not hold our pipes
    cluster._run("pg_ctl", "-D", str(cluster.datadir), "-l", log, "-w", "-m", "fast", "restart")


def run_postgres(args, base: Path, queries) -> EngineRun:
    url = args.database_url or os.environ.get("SAMARKIV_DATABASE_URL")
    cluster = None
    if not url:
        from tests import pg

        bindir = pg.find_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL (initdb) found; install postgresql or pass a URL")
        cluster = pg.start_cluster(bindir)
        url = cluster.url
        tune(cluster)
    try:
        os.environ["SAMARKIV_DATABASE_URL"] = url
        os.environ["SAMARKIV_HOME"] = str(base / "home")
        os.environ["DJANGO_SETTINGS_MODULE"] = "samarkiv.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        run = EngineRun("postgresql", args.records)
        if cluster is not None:
            run.notes.append(
                f"private PostgreSQL {cluster.bindir.parent.name} cluster, fsync off, "
                f"shared_buffers {SHARED_BUFFERS}"
            )
        print(f"postgresql: indexing {args.records:,} records ...", file=sys.stderr)
        backend = index_postgres(run, args.seed)
        print(f"\npostgresql: {args.queries} queries per kind ...", file=sys.stderr)
        run.latencies = time_queries(backend, queries)
        return run
    finally:
        from django.db import connections

        connections.close_all()
        if cluster is not None:
            cluster.stop()


# --- report --------------------------------------------------------------------------


def report(runs: list[EngineRun]) -> str:
    lines = ["", "| engine | records | docs/s | docs/s incl. generation | index size |", ""]
    lines[2] = "| --- | ---: | ---: | ---: | ---: |"
    for r in runs:
        lines.append(
            f"| {r.engine} | {r.records:,} | {r.rate:,.0f} | {r.rate_with_generation:,.0f} "
            f"| {r.size_bytes / 2**20:,.0f} MiB |"
        )
    lines += [
        "",
        "| engine | query | n | p50 ms | p95 ms | p99 ms | p95 / 100 ms | median hits |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        for lat in r.latencies:
            lines.append(
                f"| {r.engine} | {lat.kind} | {lat.n} | {lat.p50:.1f} | {lat.p95:.1f} | "
                f"{lat.p99:.1f} | {lat.ratio:.2f} | {lat.median_hits:,} |"
            )
    for r in runs:
        lines.append(
            f"\n{r.engine}: wall {r.wall_s:,.1f} s, of which generating {r.generate_s:,.1f} s; "
            + "; ".join(r.notes)
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak RSS of this process: {peak:,.0f} MiB; CPUs: {os.cpu_count()}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind")
    parser.add_argument("--backend", choices=("tantivy", "postgresql", "both"), default="both")
    parser.add_argument("--database-url", help="PostgreSQL to use instead of a private one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="samarkiv-bench-search-"))
    queries = make_queries(args.queries, args.seed)
    runs = []
    try:
        if args.backend in ("tantivy", "both"):
            runs.append(run_tantivy(args, base, queries))
        if args.backend in ("postgresql", "both"):
            runs.append(run_postgres(args, base, queries))
    finally:
        if args.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(report(runs))
    if args.json:
        print(json.dumps([{**asdict(r), "rate": r.rate} for r in runs], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
