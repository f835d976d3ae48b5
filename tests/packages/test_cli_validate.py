"""`samarkiv validate` as a user runs it: real processes, real packages, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import archive, build_broken_sip, build_valid_sip

FINDING_KEYS = {"rule_id", "level", "severity", "message", "path", "line"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", "validate", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("cli")
    valid = build_valid_sip(base)
    broken = build_broken_sip(base)
    return {
        "valid": valid,
        "broken": broken,
        "zip": archive(valid, base / "valid.zip"),
        "tar": archive(valid, base / "valid.tar"),
    }


def test_a_valid_package_exits_0_in_every_container_form(packages):
    for key in ("valid", "zip", "tar"):
        result = run(str(packages[key]))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "VALID" in result.stdout


def test_json_output_is_one_object_per_package_per_line(packages):
    result = run("--json", str(packages["valid"]), str(packages["broken"]))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"package", "valid", "specification", "findings"}
    assert first["valid"] is True and second["valid"] is False
    assert first["specification"] == "csip-2.2"
    for finding in second["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"error", "warning", "info"}
        assert finding["level"] in {"MUST", "SHOULD", "MAY"}
    errors = [f for f in second["findings"] if f["severity"] == "error"]
    assert errors and all(f["path"] for f in errors)
    assert any(f["line"] for f in errors), "XML findings carry a line number"


def test_human_report_is_grouped_by_section_with_counts(packages):
    result = run(str(packages["broken"]))
    assert result.returncode == 1
    assert "INVALID" in result.stdout
    assert "errors," in result.stdout
    assert "METS root element" in result.stdout


def test_unreadable_or_missing_input_exits_2(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"\x00\x01 this is not an archive" * 10)
    for target in (junk, tmp_path / "does-not-exist"):
        result = run("--json", str(target))
        assert result.returncode == 2, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert report["valid"] is False
        assert str(target.name) in report["findings"][0]["message"]


def test_usage_errors_exit_2(packages):
    assert run("--spec", "csip-9", str(packages["valid"])).returncode == 2
    assert run().returncode == 2


def test_forcing_a_spec_is_reported(packages):
    result = run("--json", "--spec", "csip-2.0.4", str(packages["valid"]))
    assert json.loads(result.stdout)["specification"] == "csip-2.0.4"


def test_a_zero_byte_mets_is_a_clear_finding(tmp_path, packages):
    pkg = tmp_path / "empty-mets"
    pkg.mkdir()
    (pkg / "METS.xml").write_bytes(b"")
    result = run("--json", str(pkg))
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert any(f["rule_id"] == "XML-EMPTY" and f["path"] == "METS.xml" for f in findings)


def test_a_tar_with_two_root_folders_is_refused(tmp_path, packages):
    bad = tmp_path / "two-roots.tar"
    with tarfile.open(bad, "w") as tar:
        tar.add(packages["valid"], arcname="one")
        tar.add(packages["valid"], arcname="two")
    result = run("--json", str(bad))
    assert result.returncode == 1
    assert any(f["rule_id"] == "CSIPSTR1" for f in json.loads(result.stdout)["findings"])


def test_the_validator_never_loads_the_web_framework(packages):
    code = (
        "import sys; from samarkiv.cli import main;"
        f"rc = main(['validate', '--json', {str(packages['valid'])!r}]);"
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
