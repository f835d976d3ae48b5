"""Portal load test: 1 M published records, `samarkiv serve`, driven by wrk on loopback.

What it does:

1. a SAMARKIV_HOME (``--home``, reused between runs; else a temporary one) is migrated
   and, unless it already holds the same dataset, filled with ``--records`` published
   records (``portal_data.py``: SQLite ``executemany`` batches + the public tantivy
   index via ``public_index.bulk_load``, in one pass);
2. ``samarkiv serve --workers W`` is started for each W of ``--workers`` (e.g. 1,2,3);
3. wrk (Debian package) runs for ``--duration`` seconds at each concurrency of
   ``--concurrency`` against each scenario, after an unreported warm-up of the same
   scenario:

   - ``search``: ~500 realistic searches (words, prefixes, phrases, fuzzy, fields,
     facet filters; facets are always computed), picked at random per request by a
     wrk Lua script. Repeated searches hit the portal's page cache, as they would;
   - ``search-uncached``: 20,000 distinct searches (a word and a year range) so no
     page or result cache helps: the engine's and the template's real cost;
   - ``record``: record pages of 20,000 random published ids.

Printed per run: requests/s, p50/p90/p99 latency, errors (socket errors plus non-2xx/3xx
answers) and, for the search scenarios, the ratio to the 300 req/s target of issue 7.
``--profile S`` also samples the workers with py-spy for S seconds during the first
run of ``--profile-scenario`` (default: search-uncached) and prints the hottest functions.

    .venv/bin/python benchmarks/portal.py --home /tmp/portal-bench            # full
    .venv/bin/python benchmarks/portal.py --home /tmp/pb --records 50000 --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from portal_data import PortalGenerator, load  # noqa: E402

TARGET = 300.0
DATASET_VERSION = 1
MARKER = "bench-portal.json"
ID_SAMPLE = 20_000
UNCACHED = 20_000

LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Language"] = "sv"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


# --------------------------------------------------------------------------- dataset


def _setup_django(home: Path) -> None:
    os.environ["SAMARKIV_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "samarkiv.settings"
    for name in ("SAMARKIV_DATABASE_URL", "SAMARKIV_CONFIG"):
        os.environ.pop(name, None)
    from samarkiv.web.commands import migrate

    migrate()


def prepare(home: Path, records: int, queries: int) -> dict:
    """The dataset in ``home`` (made once, reused while its marker matches)."""
    _setup_django(home)
    from samarkiv.access.publication.models import PublishedRecord
    from samarkiv.access.publication.public_index import public_count

    marker = home / MARKER
    wanted = {"version": DATASET_VERSION, "records": records, "queries": queries}
    if marker.is_file():
        saved = json.loads(marker.read_text(encoding="utf-8"))
        if {k: saved.get(k) for k in wanted} == wanted and (
            PublishedRecord.objects.count() == records == public_count()
        ):
            print(f"dataset: reusing {records:,} records in {home}")
            return saved
    return _make(home, records, queries, wanted)


def _make(home: Path, records: int, queries: int, wanted: dict) -> dict:
    from samarkiv.access.publication.models import PublishedRecord
    from samarkiv.access.publication.public_index import index_dir

    PublishedRecord.objects.all().delete()
    shutil.rmtree(index_dir(), ignore_errors=True)
    rng = random.Random(7)
    sample: list[dict] = []
    seen = 0

    def keep(row: dict) -> None:  # reservoir sample of ids and numbers
        nonlocal seen
        seen += 1
        if len(sample) < ID_SAMPLE:
            sample.append({"id": row["id"], "registration_number": row["registration_number"]})
        elif (slot := rng.randrange(seen)) < ID_SAMPLE:
            sample[slot] = {"id": row["id"], "registration_number": row["registration_number"]}

    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == records:
            rate = done / (time.perf_counter() - started)
            print(f"  loaded {done:,} rows ({rate:,.0f}/s)", flush=True)

    print(f"dataset: generating {records:,} published records into {home}")
    indexed = load(records, progress, keep)
    took = time.perf_counter() - started
    print(f"dataset: {indexed:,} rows in SQLite and the public index in {took:,.0f} s")
    gen = PortalGenerator(seed=99)
    (home / "bench-search.txt").write_text("\n".join(gen.search_paths(queries, sample)) + "\n")
    (home / "bench-uncached.txt").write_text("\n".join(gen.uncached_paths(UNCACHED)) + "\n")
    ids = "\n".join(f"/handling/{row['id']}/" for row in sample)
    (home / "bench-record.txt").write_text(ids + "\n")
    saved = {**wanted, "load_seconds": round(took, 1)}
    (home / MARKER).write_text(json.dumps(saved), encoding="utf-8")
    return saved


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, workers: int, extra_path: str = "") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "SAMARKIV_HOME": str(home), "SAMARKIV_LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if extra_path:
        env["PYTHONPATH"] = extra_path
    command = [str(REPO / ".venv/bin/samarkiv"), "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    log = (home / f"bench-serve-{workers}.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"samarkiv serve exited {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/sok/?q=ärende".replace("ä", "%C3%A4"), timeout=30):
                return proc, base
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("samarkiv serve did not answer within 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server this script started (its own process group: uvicorn and workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --------------------------------------------------------------------------- wrk


def run_wrk(base: str, script: Path, connections: int, seconds: int, threads: int) -> dict:
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", str(script), base]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[6:])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


def _scripts(home: Path, work: Path) -> dict[str, Path]:
    scripts = {}
    for name, file in (
        ("search", "bench-search.txt"),
        ("search-uncached", "bench-uncached.txt"),
        ("record", "bench-record.txt"),
    ):
        script = work / f"{name}.lua"
        script.write_text(LUA % {"paths": home / file}, encoding="utf-8")
        scripts[name] = script
    return scripts


def _line(workers: int, scenario: str, conns: int, r: dict) -> str:
    ratio = f"{r['rps'] / TARGET:5.2f}x" if scenario.startswith("search") else "     "
    return (
        f"{workers:>7} {scenario:<16} {conns:>5} {r['rps']:>9.1f} {ratio} "
        f"{r['p50'] / 1000:>8.1f} {r['p90'] / 1000:>8.1f} {r['p99'] / 1000:>8.1f} "
        f"{r['errors']:>7} {r['requests']:>9}"
    )


# --------------------------------------------------------------------------- profiling


def profile(pid: int, seconds: int, out: Path) -> None:
    """Sample the server and its workers with py-spy; print the hottest own and inclusive frames."""
    spy = shutil.which("py-spy") or str(REPO / ".venv/bin/py-spy")
    raw = out.with_suffix(".txt")
    command = [spy, "record", "-p", str(pid), "-d", str(seconds), "-r", "200", "--subprocesses"]
    command += ["--format", "raw", "-o", str(raw), "--nonblocking", "--gil"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if not raw.is_file():
        print(f"py-spy failed: {result.stderr.strip()[-400:]}")
        return
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        total += n
        own[_short(frames[-1])] += n
        for frame in {_short(f) for f in frames}:
            inclusive[frame] += n
    print(f"\npy-spy: {total} samples of pid {pid} ({raw})")
    print("  hottest (self):")
    for frame, n in own.most_common(15):
        print(f"    {100 * n / max(total, 1):5.1f}%  {frame}")
    print("  hottest (inclusive, samarkiv/django/tantivy frames):")
    picked = [
        (f, n)
        for f, n in inclusive.most_common(400)
        if any(k in f for k in ("samarkiv", "django/template", "tantivy", "uvicorn", "h11"))
    ]
    for frame, n in picked[:20]:
        print(f"    {100 * n / max(total, 1):5.1f}%  {frame}")


def _short(frame: str) -> str:
    """'func (path/to/site-packages/pkg/mod.py:12)' -> 'func (pkg/mod.py)'."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


# --------------------------------------------------------------------------- main


def _serve_and_drive(args, home: Path, workers: int, scripts, conns, scenarios) -> None:
    """One server with ``workers`` processes: warm each scenario up, then measure it."""
    proc, base = start_server(home, workers, args.pythonpath)
    profiled = not args.profile
    try:
        for scenario in scenarios:
            if args.warmup:
                run_wrk(base, scripts[scenario], 8, args.warmup, 1)
            for c in conns:
                spy = None
                if not profiled and scenario == args.profile_scenario:
                    spy = subprocess.Popen(  # noqa: S603 - uvicorn's supervisor, --subprocesses
                        [sys.executable, __file__, "--_spy", str(proc.pid), str(args.profile),
                         str(home / "bench-pyspy")]
                    )  # fmt: skip
                result = run_wrk(base, scripts[scenario], c, args.duration, args.threads)
                print(_line(workers, scenario, c, result), flush=True)
                if spy is not None:
                    spy.wait()
                    profiled = True
    finally:
        stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="SAMARKIV_HOME to make or reuse")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--duration", type=int, default=60, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=30, help="seconds before each scenario")
    parser.add_argument("--concurrency", default="8,32,64")
    parser.add_argument("--workers", default="2", help="worker counts to compare, e.g. 1,2,3")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--scenarios", default="search,search-uncached,record", help="comma-separated"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="S")
    parser.add_argument("--profile-scenario", default="search-uncached")
    parser.add_argument(
        "--pythonpath", default="", help="extra PYTHONPATH for the server (e.g. uvloop)"
    )
    parser.add_argument("--prepare-only", action="store_true", help="make the dataset, exit")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    home = args.home or Path(tempfile.mkdtemp(prefix="samarkiv-portal-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    dataset = prepare(home.resolve(), args.records, args.queries)
    if args.prepare_only:
        return 0
    conns = [int(c) for c in args.concurrency.split(",")]
    scenarios = args.scenarios.split(",")
    print(f"\n{os.cpu_count()} CPUs; {args.records:,} records; {args.duration} s per run")
    if "load_seconds" in dataset:
        print(f"dataset load took {dataset['load_seconds']} s (when it was made)")
    header = (
        f"{'workers':>7} {'scenario':<16} {'conns':>5} {'req/s':>9} {'/300':>6} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7} {'requests':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as work:
        scripts = _scripts(home, Path(work))
        print(header, flush=True)
        for workers in [int(w) for w in args.workers.split(",")]:
            _serve_and_drive(args, home, workers, scripts, conns, scenarios)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--_spy":
        profile(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
