"""Benchmark ``samarkiv ingest`` against the floor of copying and hashing the same data.

Run from the repository root::

    .venv/bin/python benchmarks/ingest.py [--small-files N] [--small-total-mb MIB]
        [--big-mb MIB] [--only small|big] [--repeat R] [--cache auto|cold|warm] [--keep]

It generates, in a fresh temporary folder (never in the repository), valid E-ARK SIP 2.2
folders built with the project's own makers (``samarkiv.ingest.demo_sips``,
``demo_mets``, ``demo_packages``):

- the small-file SIP: N files (default 10,000) of PDF, DOCX, ODT, PNG, TIFF, XML and text,
  ``--small-total-mb`` MiB in total (default 1024), sizes from 1 KiB to 50 MiB;
- the same kind of SIP with N/4 files and a quarter of the bytes (same mean size), to show
  whether peak memory grows with the number of files;
- the big SIP: one uncompressed TIFF of ``--big-mb`` MiB (default 1024).

``samarkiv validate`` must call each SIP valid before anything is timed. Then, per SIP and
with the page cache in the same state for both (dropped, or warmed when it cannot be):

- floor: ``cp -r SIP DEST`` + ``sha256sum`` of every copied file (one ``find | xargs``);
- samarkiv: ``samarkiv ingest SIP --tenant lund --json`` as a subprocess, in a fresh
  SAMARKIV_HOME (migrated beforehand, untimed), with the peak RSS of its process tree
  sampled from /proc and the per-step times read from the catalogue afterwards.

Generation time is part of no figure. Sizes are binary: 1 MiB = 2**20 bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest_data import (  # benchmarks/ is on sys.path when this script runs
    BIN,
    KIB,
    MIB,
    RSS_SAMPLE_S,
    SAMARKIV,
    TARGET_FILES_PER_S,
    TARGET_RATIO,
    TENANT,
    Sip,
    build_big_sip,
    build_small_sip,
    check_valid,
)

# --- measuring -------------------------------------------------------------------------


@dataclass
class ProcPeak:
    """Peak resident memory of one process of the measured tree (bytes)."""

    name: str
    rss: int = 0
    file: int = 0  # peak RssFile: file-backed pages (libraries, memory-mapped files)


@dataclass
class Timed:
    """One timed process: wall and CPU seconds, peak RSS (bytes), its output."""

    wall: float
    cpu: float
    tree_rss: int  # peak of the summed VmRSS of the process and its descendants
    max_rss: int  # largest single process (rusage ru_maxrss, as /usr/bin/time -v says)
    started: float  # epoch seconds
    stdout: str = ""
    procs: list[ProcPeak] = field(default_factory=list)


KNOWN_PROCS = (
    "main process",
    "multiprocessing resource tracker",
    "spawned worker (format identification)",
)


def _proc_name(pid: int, root: int) -> str:
    if pid == root:
        return KNOWN_PROCS[0]
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"pid {pid}"
    text = b" ".join(argv).decode("utf-8", "replace")
    if "resource_tracker" in text:
        return KNOWN_PROCS[1]
    if "spawn_main" in text:
        return KNOWN_PROCS[2]
    return Path(argv[0].decode("utf-8", "replace")).name


class RssSampler:
    """Peak RSS of a process tree, from /proc: the sum, and per process."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.tree = 0
        self.procs: dict[int, ProcPeak] = {}

    def sample(self) -> None:
        total, todo = 0, [self.root]
        while todo:
            pid = todo.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                for task in os.listdir(f"/proc/{pid}/task"):
                    todo += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            rss = int(fields.get("VmRSS", "0 kB").split()[0]) * KIB
            file = int(fields.get("RssFile", "0 kB").split()[0]) * KIB
            peak = self.procs.setdefault(pid, ProcPeak(_proc_name(pid, self.root)))
            if peak.name not in KNOWN_PROCS:  # maybe first seen between fork and exec
                peak.name = _proc_name(pid, self.root)
            peak.rss, peak.file = max(peak.rss, rss), max(peak.file, file)
            total += rss
        self.tree = max(self.tree, total)


def run_timed(cmd: list[str], env: dict[str, str], out: Path) -> Timed:
    """Run cmd, sampling the RSS of its process tree every 10 ms; CPU and max RSS by wait4."""
    with open(out, "w+b") as stdout, open(out.with_suffix(".err"), "w+b") as stderr:
        started = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr)
        sampler = RssSampler(proc.pid)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(RSS_SAMPLE_S):
                sampler.sample()

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        text = stdout.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            stderr.seek(0)
            err = stderr.read().decode("utf-8", "replace")[-3000:]
            sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{text[-2000:]}\n{err}")
    cpu = usage.ru_utime + usage.ru_stime
    procs = sorted(sampler.procs.values(), key=lambda p: -p.rss)
    return Timed(wall, cpu, sampler.tree, usage.ru_maxrss * KIB, started, text, procs)


def can_drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def settle(tree: Path, cache: str) -> None:
    """Same start for every measurement: all writes on disk, then the cache cold or warm."""
    os.sync()
    if cache == "cold":
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return
    for path in tree.rglob("*"):
        if path.is_file():
            with open(path, "rb", buffering=0) as f:
                while f.read(8 * MIB):
                    pass


@dataclass
class Floor:
    timed: Timed
    sync: float  # os.sync() right after: what making the copy durable would add


def measure_floor(sip: Sip, scratch: Path, cache: str) -> Floor:
    """``cp -r`` of the SIP folder, then ``sha256sum`` of every copied file."""
    dest = scratch / "floor-copy"
    script = 'cp -r "$1" "$2" && find "$2" -type f -print0 | xargs -0 sha256sum > /dev/null'
    settle(sip.path, cache)
    cmd = ["bash", "-c", script, "floor", str(sip.path), str(dest)]
    timed = run_timed(cmd, dict(os.environ), scratch / "floor.out")
    t0 = time.perf_counter()
    os.sync()
    sync = time.perf_counter() - t0
    shutil.rmtree(dest)
    return Floor(timed, sync)


STEP_QUERY = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
import django
django.setup()
from django.db.models import Count
from samarkiv.ingest.models import Ingest
from samarkiv.preservation.models import Aip, PreservationEvent, StoredCopy
row = Ingest.objects.get(id=sys.argv[1])
aip = Aip.objects.get(id=row.aip_id)
events = PreservationEvent.objects.filter(ingest=row).order_by("date_time")
data = aip.files.filter(path__contains="/representations/rep1/data/")
puids = data.values("puid").annotate(n=Count("id")).order_by("-n")
print(json.dumps({
    "created": row.created_at.timestamp(),
    "finished": row.finished_at.timestamp(),
    "stored": StoredCopy.objects.get(aip=aip).verified_at.timestamp(),
    "events": [[e.event_type, e.date_time.timestamp()] for e in events],
    "puids": {p["puid"] or "(none)": p["n"] for p in puids},
}))
"""
STEPS = {  # timestamp -> what ran up to it (the pipeline order of the source measured)
    "created": "start-up, migrate check, recover, lock",
    "ingestion start": "ingest row and first event",
    "message digest calculation": "receive + SHA-256 of every file",
    "validation": "validate (METS, fixity from the digests)",
    "format identification": "wait for format identification",
    "ingestion end": "copy the SIP into storage staging",
    "stored": "AIP METS + PREMIS, fsync, re-verify, OCFL commit",
    "finished": "catalogue rows, receipt",
}


@dataclass
class IngestResult:
    timed: Timed
    receipt: dict
    steps: list[tuple[str, float]]
    puids: dict[str, int]


def measure_ingest(sip: Sip, scratch: Path, cache: str, name: str) -> IngestResult:
    """``samarkiv ingest`` in a fresh SAMARKIV_HOME (migrated first, untimed)."""
    home = scratch / f"home-{name}"
    env = {**os.environ, "SAMARKIV_HOME": str(home)}
    subprocess.run([str(SAMARKIV), "migrate"], env=env, check=True)
    settle(sip.path, cache)
    cmd = [str(SAMARKIV), "ingest", str(sip.path), "--tenant", TENANT, "--json"]
    timed = run_timed(cmd, env, scratch / f"ingest-{name}.out")
    receipt = json.loads(timed.stdout.strip().splitlines()[-1])
    if receipt["state"] != "done":
        sys.exit(f"ingest of {sip.path} ended {receipt['state']}: {receipt['message']}")
    query = [str(BIN / "python"), "-c", STEP_QUERY, receipt["ingest_id"]]
    facts = json.loads(subprocess.run(query, env=env, capture_output=True, check=True).stdout)
    marks = dict(facts["events"]) | {k: facts[k] for k in ("created", "stored", "finished")}
    steps, before = [], timed.started
    for key, at in sorted(marks.items(), key=lambda item: item[1]):
        steps.append((STEPS.get(key, key), at - before))
        before = at
    steps.append(("print receipt, exit", timed.started + timed.wall - before))
    shutil.rmtree(home)
    return IngestResult(timed, receipt, steps, facts["puids"])


# --- report ----------------------------------------------------------------------------


@dataclass
class Row:
    """One SIP measured ``repeat`` times, floor and samarkiv in turn; figures are medians."""

    sip: Sip
    floors: list[Floor]
    ingests: list[IngestResult]

    @property
    def floor(self) -> Floor:
        return _median(self.floors, lambda f: f.timed.wall)

    @property
    def ingest(self) -> IngestResult:
        return _median(self.ingests, lambda i: i.timed.wall)

    @property
    def ratio(self) -> float:
        return self.ingest.timed.wall / self.floor.timed.wall

    @property
    def pair_ratios(self) -> list[float]:
        return [i.timed.wall / f.timed.wall for f, i in zip(self.floors, self.ingests, strict=True)]

    @property
    def files_per_s(self) -> float:
        return self.ingest.receipt["file_count"] / self.ingest.timed.wall

    @property
    def tree_rss(self) -> int:
        return max(i.timed.tree_rss for i in self.ingests)


def _median(items: list, key: Callable) -> Any:
    ordered = sorted(items, key=key)
    return ordered[(len(ordered) - 1) // 2]


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'SIP':<14} {'files':>6} {'MiB':>6} {'floor s':>8} {'+sync s':>8} {'samarkiv s':>10} "
        f"{'ratio':>6} {'files/s':>8} {'MiB/s':>7} {'CPU/wall':>8} {'RSS tree':>9} {'RSS max':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        t = r.ingest.timed
        mib = r.ingest.receipt["bytes"] / MIB
        print(
            f"{r.sip.label:<14} {r.ingest.receipt['file_count']:>6} {mib:>6.0f} "
            f"{r.floor.timed.wall:>8.2f} {r.floor.timed.wall + r.floor.sync:>8.2f} "
            f"{t.wall:>10.2f} {r.ratio:>6.2f} {r.files_per_s:>8.0f} {mib / t.wall:>7.0f} "
            f"{t.cpu / t.wall:>8.2f} {r.tree_rss / MIB:>9.0f} {t.max_rss / MIB:>8.0f}"
        )
    print(
        "floor s: cp -r + sha256sum; +sync s: the same plus os.sync() of the copy afterwards "
        "(samarkiv fsyncs, the floor does not);\nratio = samarkiv s / floor s; CPU/wall: "
        "samarkiv's user+sys CPU / wall (2.0 = both cores busy all the time);\nRSS tree: peak "
        "of the summed RSS of samarkiv and its child processes (10 ms samples); RSS max: the "
        "largest single process\n(ru_maxrss, as /usr/bin/time -v reports it); both MiB."
    )
    if len(rows[0].floors) > 1:
        print(f"Medians of {len(rows[0].floors)} runs each; ratio of each floor/samarkiv pair:")
        for r in rows:
            print(f"  {r.sip.label}: " + ", ".join(f"{x:.2f}" for x in r.pair_ratios))


def print_steps(row: Row) -> None:
    timed = row.ingest.timed
    print(f"\n{row.sip.label}: where samarkiv's {timed.wall:.2f} s went (catalogue timestamps)")
    for label, seconds in row.ingest.steps:
        print(f"  {seconds:7.2f} s {100 * seconds / timed.wall:5.1f} %  {label}")
    formats = ", ".join(f"{puid} {n}" for puid, n in row.ingest.puids.items())
    print(f"  data files by PRONOM id (siegfried): {formats}")
    for proc in timed.procs:
        print(
            f"  peak RSS {proc.rss / MIB:6.0f} MiB (file-backed {proc.file / MIB:5.0f} MiB)  "
            f"{proc.name}"
        )


def print_targets(rows: list[Row]) -> None:
    print("\nTargets (issue 3)")
    for r in rows:
        ok = r.ratio <= TARGET_RATIO
        print(f"  {r.sip.label}: ratio {r.ratio:.2f} <= {TARGET_RATIO}: {_verdict(ok)}")
    small = sorted((r for r in rows if r.sip.label.startswith("small")), key=lambda r: r.sip.files)
    if small:
        r = small[-1]
        ok = r.files_per_s >= TARGET_FILES_PER_S
        print(f"  {r.sip.label}: {r.files_per_s:.0f} files/s >= 500: {_verdict(ok)}")
    if len(small) == 2:
        few, many = small
        grow = many.tree_rss / few.tree_rss - 1
        print(
            f"  peak RSS (tree) {few.tree_rss / MIB:.0f} MiB at {few.sip.files} files, "
            f"{many.tree_rss / MIB:.0f} MiB at {many.sip.files} files ({grow:+.0%}); "
            f"independent of the file count (within 10 %): {_verdict(grow <= 0.10)}"
        )


def print_setup(sips: list[Sip], cache: str) -> None:
    print(f"\nsamarkiv ingest benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"  {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {os.uname().release}")
    how = {
        "cold": "dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before each measurement",
        "warm": "warmed: sync, then every file of the SIP read once before each measurement",
    }
    print(f"  page cache: {how[cache]}")
    for sip in sips:
        kinds = ", ".join(f"{k[1:]} {n}" for k, n in sorted(sip.kinds.items()))
        print(f"  {sip.label}: {sip.files} files, {sip.bytes / MIB:.0f} MiB ({kinds})")


# --- main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-files", type=int, default=10_000, metavar="N")
    parser.add_argument("--small-total-mb", type=int, default=1024, metavar="MIB")
    parser.add_argument("--big-mb", type=int, default=1024, metavar="MIB")
    parser.add_argument("--only", choices=("small", "big"), help="measure one SIP kind only")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="R", help="floor + samarkiv R times (median)"
    )
    parser.add_argument(
        "--cache",
        choices=("auto", "cold", "warm"),
        default="auto",
        help="page cache before each measurement (auto: cold when it can be dropped)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def check_space(folder: Path, args: argparse.Namespace) -> None:
    """SIPs + one floor copy + one AIP of the largest, with 2 GiB to spare."""
    small = 0 if args.only == "big" else args.small_total_mb * 5 // 4
    big = 0 if args.only == "small" else args.big_mb
    largest = max(args.small_total_mb if small else 0, big)
    need = (small + big + 2 * largest) * MIB + 2 * 1024 * MIB
    free = shutil.disk_usage(folder).free
    if free < need:
        sys.exit(f"{folder}: {free / MIB:.0f} MiB free, the benchmark needs {need / MIB:.0f}")


def generate(scratch: Path, args: argparse.Namespace) -> list[Sip]:
    sips = []
    t0 = time.perf_counter()
    if args.only != "big":
        n, total = args.small_files, args.small_total_mb * MIB
        sips.append(build_small_sip(scratch, "sip-bench-small", n, total))
        quarter = max(1, n // 4)
        sips.append(build_small_sip(scratch, "sip-bench-quarter", quarter, total * quarter // n))
    if args.only != "small":
        sips.append(build_big_sip(scratch, "sip-bench-big", args.big_mb * MIB))
    print(f"generated {len(sips)} SIPs in {time.perf_counter() - t0:.1f} s (not timed below)")
    for sip in sips:
        check_valid(sip)
    return sips


def measure(sip: Sip, scratch: Path, cache: str, repeat: int) -> Row:
    row = Row(sip, [], [])
    for k in range(repeat):
        print(f"measuring {sip.label}, run {k + 1} of {repeat} ...", flush=True)
        row.floors.append(measure_floor(sip, scratch, cache))
        row.ingests.append(measure_ingest(sip, scratch, cache, f"{sip.path.name}-{k}"))
    return row


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = Path(tempfile.gettempdir())
    check_space(base, args)
    cache = args.cache
    if cache == "auto":
        cache = "cold" if can_drop_caches() else "warm"
    scratch = Path(tempfile.mkdtemp(prefix="samarkiv-bench-ingest-", dir=base))
    print(f"scratch folder: {scratch}")
    try:
        sips = generate(scratch, args)
        rows = [measure(sip, scratch, cache, max(1, args.repeat)) for sip in sips]
        print_setup(sips, cache)
        print()
        print_table(rows)
        for row in rows:
            print_steps(row)
        print_targets(rows)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
