"""A throwaway PostgreSQL cluster for one test session.

Why our own cluster: tests must not depend on (or damage) a server someone already
runs, and CI machines start nothing for us. initdb into a temp dir, listen on a free
loopback port with fsync off, drop everything afterwards.

PostgreSQL refuses to run as root, and CI runs as root: then every server binary is run
as the ``postgres`` system user (created by Debian's postgresql package) via runuser.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "samarkiv"
DB_USER = "samarkiv"


def wants_postgresql() -> bool:
    """True in the PostgreSQL run of the suite (SAMARKIV_TEST_DB=postgresql)."""
    return os.environ.get("SAMARKIV_TEST_DB", "sqlite").lower() in {"postgresql", "postgres"}


def _version(initdb: str) -> tuple[int, ...]:
    name = Path(initdb).parent.parent.name  # /usr/lib/postgresql/<version>/bin/initdb
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<v>/bin that has initdb, else initdb on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    base: Path
    port: int
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        result = subprocess.run(cmd, cwd=self.base, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}):\n{result.stderr}")

    def start(self) -> Cluster:
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            DB_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.base / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER, DB_NAME)
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start_cluster(bindir: Path) -> Cluster:
    """initdb + pg_ctl start in a fresh temp dir (owned by postgres when we are root)."""
    base = Path(tempfile.mkdtemp(prefix="samarkiv-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)
        os.chown(base, user.pw_uid, user.pw_gid)
    cluster = Cluster(bindir, base, free_port(), run_as)
    try:
        return cluster.start()
    except BaseException:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
        raise
