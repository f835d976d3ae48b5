"""`samarkiv audit`, `worker` and `rebuild-catalog` as an operator's shell sees them.

Real subprocesses with their own SAMARKIV_HOME and a samarkiv.toml naming two local
locations (the policy: every AIP in both): stdout, stderr and the exit code (0 healthy
or all repaired, 1 something unrepaired, 2 usage) are what is checked.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import build_valid_sip
from samarkiv.storage.local import LocalOcflLocation

TOML = """
[storage.locations.primary]
type = "local"

[storage.locations.offsite]
type = "local"

[storage.policies]
default = ["primary", "offsite"]
"""


def samarkiv(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def query(home: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(home / "catalogue.sqlite3")) as db:
        return db.execute(sql).fetchall()


def stores(home: Path) -> dict[str, LocalOcflLocation]:
    return {n: LocalOcflLocation(home / "storage" / n, name=n) for n in ("primary", "offsite")}


@pytest.fixture
def archive(subprocess_env: dict, tmp_path: Path) -> tuple[dict, str]:
    """A home with one ingested AIP (primary copy only, as ingest makes it today)."""
    home = Path(subprocess_env["SAMARKIV_HOME"])
    (home / "samarkiv.toml").write_text(TOML, encoding="utf-8")
    sip = build_valid_sip(tmp_path)
    result = samarkiv(subprocess_env, "ingest", str(sip), "--tenant", "lund", "--json")
    assert result.returncode == 0, result.stderr
    return subprocess_env, json.loads(result.stdout)["aip_id"]


def test_audit_repairs_then_flags_damage_no_copy_can_mend(archive):
    env, aip_id = archive
    home = Path(env["SAMARKIV_HOME"])

    first = samarkiv(env, "audit", "--json")  # ingest wrote both policy copies
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["ok"] and report["repaired"] == 0 and report["findings"] == []
    assert stores(home)["offsite"].verify_object(aip_id) == []

    path = next(iter(stores(home)["primary"].inventory(aip_id)["manifest"].values()))[0]
    for store in stores(home).values():
        (store.object_dir(aip_id) / path).write_bytes(b"bit rot")
    second = samarkiv(env, "audit")

    assert second.returncode == 1, second.stdout + second.stderr
    assert "UNREPAIRABLE" in second.stdout and "DAMAGED" in second.stdout
    assert "DAMAGED" in second.stderr  # logged at error level for the operator
    assert query(home, "SELECT state FROM preservation_aip") == [("damaged",)]

    rebuilt = samarkiv(env, "rebuild-catalog", "--json")
    assert rebuilt.returncode == 1
    assert json.loads(rebuilt.stdout)["damaged"] == [aip_id]


def test_usage_errors_exit_2(archive):
    env, _aip_id = archive
    wrong = samarkiv(env, "audit", "--location", "tape")
    assert wrong.returncode == 2 and "no storage location 'tape'" in wrong.stderr
    tenant = samarkiv(env, "audit", "--tenant", "atlantis", "--json")
    assert tenant.returncode == 2 and json.loads(tenant.stdout)["ok"] is False
    sample = samarkiv(env, "audit", "--sample", "0")
    assert sample.returncode == 2


def test_worker_once_runs_due_audits_then_nothing(archive):
    env, _aip_id = archive
    home = Path(env["SAMARKIV_HOME"])
    first = samarkiv(env, "worker", "--once")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("audit ") == 2  # a full sweep of each location
    second = samarkiv(env, "worker", "--once")
    assert second.returncode == 0 and second.stdout.strip() == "no audit due"
    assert query(home, "SELECT location, sample_pct, state FROM preservation_auditrun") == [
        ("primary", 100, "done"),
        ("offsite", 100, "done"),
    ]


def test_rebuild_catalog_prints_what_it_rebuilt(archive):
    env, _aip_id = archive
    assert samarkiv(env, "audit").returncode == 0
    result = samarkiv(env, "rebuild-catalog")
    assert result.returncode == 0, result.stderr
    assert "1 AIPs" in result.stdout and "2 verified copies" in result.stdout
