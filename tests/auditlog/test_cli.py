"""`samarkiv audit-log` as an operator's shell sees it: real processes, a real SQLite
file in their own home, exit codes and output.

Several processes append at once here too: the test database of the other tests lives
in memory and cannot be shared between processes (test_chain.py does that on
PostgreSQL).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from samarkiv.auditlog.export import check_jsonl

APPENDER = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "samarkiv.settings"
django.setup()
from django.db import transaction
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction
count, tenant, nested = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "nested"
def one(i):
    append(actor=f"process:{os.getpid()}", action=AuditAction.VIEW, tenant=tenant,
           detail={"i": i, "kommun": "Örkelljunga"})
for i in range(0, count, 2):
    if nested:  # two entries in the caller's own transaction, which takes its time
        with transaction.atomic():
            one(i)
            time.sleep(0.02)
            one(i + 1)
    else:
        one(i)
        one(i + 1)
"""


def samarkiv(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    """One home for the module: migrate, then 5 processes x 20 appends, concurrently; one
    appends inside its own transactions."""
    import os

    env = dict(os.environ)
    for name in ("SAMARKIV_DATABASE_URL", "SAMARKIV_CONFIG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env["SAMARKIV_HOME"] = str(tmp_path_factory.mktemp("home"))
    assert samarkiv(env, "migrate").returncode == 0
    runs = [("bjuv", "plain"), ("bjuv", "plain"), ("ystad", "plain"), ("", "plain")]
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, "20", tenant, mode], env=env)
        for tenant, mode in [*runs, ("lund", "nested")]
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * 5
    return env


def database(env: dict) -> Path:
    return Path(env["SAMARKIV_HOME"]) / "catalogue.sqlite3"


def test_appends_from_several_processes_verify(env):
    result = samarkiv(env, "audit-log", "verify", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["entries"] == data["last_seq"] == 100
    assert data["problems"] == []
    text = samarkiv(env, "audit-log", "verify")
    assert text.returncode == 0 and "intact: 100 entries" in text.stdout


def test_jsonl_export_of_one_tenant_checks_out_and_is_recorded(env, tmp_path):
    out = tmp_path / "bjuv.jsonl"
    result = samarkiv(env, "audit-log", "export", "--tenant", "bjuv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40
    assert {json.loads(line)["tenant"] for line in lines} == {"bjuv"}
    assert json.loads(lines[0])["detail"]["kommun"] == "Örkelljunga"
    assert check_jsonl(lines) == []
    with sqlite3.connect(database(env)) as db:
        action, tenant, actor = db.execute(
            "SELECT action, tenant, actor FROM auditlog_auditentry ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert (action, tenant) == ("export", "bjuv") and actor.startswith("cli:")


def test_csv_export_to_stdout_with_filters(env):
    result = samarkiv(
        env, "audit-log", "export", "--tenant", "ystad", "--format", "csv",
        "--since", "2000-01-01", "--until", "2999-12-31", "--action", "view",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert len(rows) == 20 and {r["tenant"] for r in rows} == {"ystad"}


@pytest.mark.parametrize(
    "args",
    [
        ("--tenant", "atlantis"),
        ("--tenant", "bjuv", "--action", "dance"),
        ("--tenant", "bjuv", "--since", "igår"),
    ],
)
def test_export_usage_errors_exit_2(env, args):
    result = samarkiv(env, "audit-log", "export", *args)
    assert result.returncode == 2, result.stdout + result.stderr


def test_tampering_makes_verify_exit_1_naming_the_entries(env, tmp_path):
    """Last in the module: it breaks the module's chain."""
    with sqlite3.connect(database(env)) as db:
        db.execute("UPDATE auditlog_auditentry SET actor = 'user:mallory' WHERE seq = 7")
        db.execute("DELETE FROM auditlog_auditentry WHERE seq = 30")
    result = samarkiv(env, "audit-log", "verify")
    assert result.returncode == 1
    assert "#7: content was changed" in result.stdout
    assert "#31: entries 30..30 are missing" in result.stdout
    data = json.loads(samarkiv(env, "audit-log", "verify", "--json").stdout)
    assert data["ok"] is False
    assert {(p["seq"], p["code"]) for p in data["problems"]} == {
        (7, "altered"),
        (31, "gap"),
        (31, "broken_link"),
    }
