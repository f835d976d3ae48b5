"""Real source databases for the SIARD tests: PostgreSQL, MariaDB and SQLite.

Each server is started once per session on loopback with a private data folder and port,
filled with the sample music database (``sample_db``), and stopped afterwards. MariaDB runs
as root only with ``--user=root`` (CI runs as root); a password user is created for the
connection, so the extractor goes through ordinary TCP authentication.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.pg import find_bindir, free_port, start_cluster
from tests.siard import sample_db

CORPUS = Path("/work/shared/corpus/siard/sfa-siard-SiardCmd")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL (initdb) is not installed")
    cluster = start_cluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


def pg_database(cluster: object, name: str) -> str:
    """A fresh database in the test cluster; its psycopg URL."""
    base = sa.create_engine(cluster.url.replace("postgresql://", "postgresql+psycopg://"))
    with base.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base.dispose()
    url = sa.make_url(cluster.url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_source(pg_cluster) -> str:
    url = pg_database(pg_cluster, "musik")
    sample_db.create(url, schema="musik")
    return url


@pytest.fixture(scope="session")
def sqlite_source(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'musik.db'}"
    sample_db.create(url)
    return url


class MariaDB:
    """A throwaway mariadbd on a free loopback port."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="samarkiv-mariadb-"))
        self.port = free_port()
        self.socket = self.base / "sock"
        self.proc: subprocess.Popen | None = None

    def start(self) -> MariaDB:
        data = self.base / "data"
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        log = open(self.base / "server.log", "wb")  # noqa: SIM115 - lives with the server
        self.proc = subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=64M",
                "--max-allowed-packet=64M",
                f"--pid-file={self.base / 'pid'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait()
        sql = (
            "CREATE DATABASE musik CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; "
            "CREATE USER 'samarkiv'@'127.0.0.1' IDENTIFIED BY 'hemligt'; "
            "GRANT ALL ON *.* TO 'samarkiv'@'127.0.0.1';"
        )
        subprocess.run(
            ["mariadb", "--no-defaults", "-S", str(self.socket), "-u", "root", "-e", sql],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError((self.base / "server.log").read_text(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("mariadbd did not start within 60 s")

    def url(self, database: str = "musik") -> str:
        return f"mysql+pymysql://samarkiv:hemligt@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDB]:
    if not (shutil.which("mariadbd") or os.path.exists("/usr/sbin/mariadbd")):
        pytest.skip("mariadb-server is not installed")
    if not shutil.which("mariadbd"):
        os.environ["PATH"] += os.pathsep + "/usr/sbin"
    server = MariaDB()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mariadb_source(mariadb) -> str:
    url = mariadb.url()
    sample_db.create(url)
    return url


@pytest.fixture(scope="session")
def extracted() -> dict[str, Path]:
    """Lazily extracted SIARD per source kind (each extraction runs once per session)."""
    return {}


def siard_of(extracted: dict, kind: str, url: str, tmp: Path) -> Path:
    from samarkiv.packages.siard.extract import extract_database

    if kind not in extracted:
        out = tmp / f"{kind}.siard"
        extract_database(url, out, lob_threshold=4000, description="Testdatabas med musik")
        extracted[kind] = out
    return extracted[kind]
