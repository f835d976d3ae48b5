"""`samarkiv ingest` and `samarkiv tenants` as a deliverer's script sees them.

Real subprocesses with their own SAMARKIV_HOME: what is checked is exactly what a shell
gets, stdout, stderr and the exit code (0 preserved, 1 rejected or failed, 2 usage).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import VALID_NAME, archive, build_broken_sip, build_valid_sip
from samarkiv.packages.aip import aip_id_for

SKANE = {
    "lund", "bjuv", "horby", "klippan", "landskrona", "perstorp", "simrishamn", "sjobo",
    "tomelilla", "ystad", "astorp", "angelholm", "orkelljunga", "svedala", "skurup", "trelleborg",
}  # fmt: skip


def samarkiv(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_json_object(stdout: str) -> dict:
    """The whole of stdout is one JSON object (a script can pipe it straight to jq)."""
    lines = stdout.strip().splitlines()
    assert len(lines) == 1, stdout
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def sips(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sips")
    valid = build_valid_sip(base)
    return {
        "valid": valid,
        "zip": archive(valid, base / "leverans.zip"),
        "broken": build_broken_sip(base),
    }


def test_ingest_json_prints_one_receipt_and_exits_0(subprocess_env, sips):
    result = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "horby", "--json")
    assert result.returncode == 0, result.stderr
    receipt = one_json_object(result.stdout)
    assert receipt["state"] == "done"
    assert receipt["aip_id"] == aip_id_for("horby", VALID_NAME)
    assert (receipt["tenant"], receipt["sip_objid"]) == ("horby", VALID_NAME)
    files = [p for p in sips["valid"].rglob("*") if p.is_file()]
    assert receipt["file_count"] == len(files)
    assert receipt["bytes"] == sum(p.stat().st_size for p in files)
    [copy] = receipt["copies"]
    assert (copy["location"], copy["version"]) == ("primary", "v1")
    home = Path(subprocess_env["SAMARKIV_HOME"])
    assert Path(copy["url"]).is_relative_to(home / "storage" / "primary" / "ocfl")
    assert (Path(copy["url"]) / "v1" / "inventory.json").is_file()


def test_the_same_sip_again_is_a_duplicate_and_still_exits_0(subprocess_env, sips):
    first = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "lund", "--json")
    again = samarkiv(subprocess_env, "ingest", str(sips["zip"]), "--tenant", "lund", "--json")
    assert (first.returncode, again.returncode) == (0, 0)
    receipt = one_json_object(again.stdout)
    assert receipt["state"] == "duplicate"
    assert receipt["duplicate_of"] == one_json_object(first.stdout)["aip_id"]


def test_a_rejected_sip_exits_1_and_the_json_says_rejected(subprocess_env, sips):
    result = samarkiv(subprocess_env, "ingest", str(sips["broken"]), "--tenant", "lund", "--json")
    assert result.returncode == 1
    receipt = one_json_object(result.stdout)
    assert receipt["state"] == "rejected"
    assert receipt["errors"] >= 3 and receipt["aip_id"] == "" and receipt["copies"] == []


def test_an_unknown_tenant_exits_2_with_a_clear_message(subprocess_env, sips):
    result = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "malmo")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown tenant 'malmo'" in result.stderr
    assert "lund" in result.stderr and "trelleborg" in result.stderr

    as_json = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "malmo", "--json")
    assert as_json.returncode == 2
    error = one_json_object(as_json.stdout)
    assert (error["ok"], error["code"]) == (False, "unknown_tenant")


def test_a_missing_path_exits_2(subprocess_env, tmp_path):
    result = samarkiv(subprocess_env, "ingest", str(tmp_path / "nowhere"), "--tenant", "lund")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_a_storage_folder_that_is_not_ocfl_fails_with_exit_1_and_json(subprocess_env, sips):
    foreign = Path(subprocess_env["SAMARKIV_HOME"]) / "storage" / "primary" / "ocfl"
    foreign.mkdir(parents=True)
    (foreign / "someone-elses-file.txt").write_text("not an OCFL root")
    result = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "lund", "--json")
    assert result.returncode == 1, result.stderr
    error = one_json_object(result.stdout)
    assert (error["ok"], error["code"]) == (False, "storage_layout")
    assert (foreign / "someone-elses-file.txt").is_file()


def test_an_unexpected_failure_still_prints_one_json_object_and_exits_1(subprocess_env, sips):
    (Path(subprocess_env["SAMARKIV_HOME"]) / "locks").write_text("a file where a folder belongs")
    result = samarkiv(subprocess_env, "ingest", str(sips["valid"]), "--tenant", "lund", "--json")
    assert result.returncode == 1
    error = one_json_object(result.stdout)
    assert (error["ok"], error["code"]) == (False, "ingest_failed")
    assert "FileExistsError" in error["error"]
    assert "Traceback" in result.stderr  # the operator still gets the details


def test_without_json_the_human_summary_is_printed(subprocess_env, sips):
    result = samarkiv(subprocess_env, "ingest", str(sips["zip"]), "--tenant", "ystad")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not out.lstrip().startswith("{")
    assert ": done" in out
    assert "Kommun / tenant:  ystad" in out
    assert f"Arkivpaket / AIP: {aip_id_for('ystad', VALID_NAME)}" in out
    assert "Kopia / copy:     primary v1 " in out


def test_tenants_json_lists_the_sixteen_municipalities_with_lund_as_host(subprocess_env):
    result = samarkiv(subprocess_env, "tenants", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["code"] for row in rows} == SKANE and len(rows) == 16
    assert [row["code"] for row in rows if row["is_host"]] == ["lund"]
    names = {row["code"]: row["name"] for row in rows}
    assert names["horby"] == "Hörby kommun" and names["angelholm"] == "Ängelholms kommun"


def test_tenants_without_json_is_a_readable_list(subprocess_env):
    result = samarkiv(subprocess_env, "tenants")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 16
    assert lines[0].startswith("lund") and "värdkommun" in lines[0]
    assert any(line.startswith("orkelljunga") and "Örkelljunga" in line for line in lines)
