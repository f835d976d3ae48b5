"""Where things go: the SIP's files into the AIP being built in storage staging.

Files unpacked into the ingest workspace are moved (one rename each, same filesystem);
files of a delivery folder are copied (the deliverer's folder is never touched). Either
way the storage commit re-reads and verifies every byte before anything is visible.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from samarkiv.packages import aip as aipmod
from samarkiv.packages.model import FileRecord
from samarkiv.packages.report import Finding, Level
from samarkiv.storage.location import StorageLocation

RULE_FILE_NAME = "INGEST-FILE-NAME"
MAX_NAME_FINDINGS = 50
# Characters XML 1.0 cannot hold (METS and PREMIS name every file); NUL cannot occur.
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def list_files(root: Path) -> list[str]:
    """Every regular file under root, as sorted POSIX paths relative to root."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        base = Path(dirpath).relative_to(root).as_posix()
        found.extend(name if base == "." else f"{base}/{name}" for name in sorted(filenames))
    return found


def name_findings(rel_paths: list[str]) -> list[Finding]:
    """MUST findings for file names the AIP cannot keep unchanged.

    Why the ingest checks this itself: a folder delivery is read in place, and the
    validator lets through names that the AIP cannot carry: a backslash (a path
    separator for other tools; the AIP builder refuses it) and control characters (not
    allowed in the XML of METS and PREMIS). Rejecting with a report beats failing
    halfway through building the AIP. Names that are not UTF-8 are left out here: the
    package container already reports them (PKG-NAME-ENCODING).
    """
    findings = []
    for rel in rel_paths:
        if not _is_utf8(rel):
            continue
        if "\\" in rel:
            reason = "contains a backslash, which other systems read as a folder separator"
        elif _NOT_XML.search(rel):
            reason = "contains a control character, which METS and PREMIS (XML) cannot hold"
        else:
            continue
        shown = printable(rel)
        message = f"file name '{shown}' {reason}; rename the file and deliver again"
        findings.append(Finding(RULE_FILE_NAME, Level.MUST, message, path=shown))
        if len(findings) >= MAX_NAME_FINDINGS:
            break
    return findings


def printable(text: str) -> str:
    """A name fit for XML and JSON: bytes that are not UTF-8 and control characters are
    shown as escapes (``\\udce9``, ``\\x07``), everything else unchanged."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", safe)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def place(src_root: Path, dest_root: Path, rel_paths: list[str], move: bool) -> None:
    made: set[Path] = set()
    for rel in rel_paths:
        dest = dest_root / rel
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        src = src_root / rel
        if move:
            try:
                os.rename(src, dest)
                continue
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
        shutil.copyfile(src, dest)


@dataclass(frozen=True)
class AipLayout:
    """Paths of one AIP inside a storage version's content folder."""

    content_dir: Path
    aip_id: str
    sip_name: str

    @property
    def folder(self) -> str:
        return aipmod.aip_folder_name(self.aip_id)

    @property
    def aip_dir(self) -> Path:
        return self.content_dir / self.folder

    @property
    def submission_prefix(self) -> str:
        return submission_path(self.sip_name)

    @property
    def submission_dir(self) -> Path:
        return self.aip_dir / self.submission_prefix

    def aip_records(self, files: list[FileRecord], meta: list[FileRecord]) -> list[FileRecord]:
        """Every file of the AIP with its path relative to the AIP root folder."""
        prefix = self.submission_prefix
        moved = [_with_path(f, f"{prefix}/{f.path}") for f in files]
        return moved + list(meta)

    def expected(self, files: list[FileRecord], meta: list[FileRecord]) -> dict[str, str]:
        """Logical path (in the storage version) -> SHA-256, for the commit to verify."""
        return {f"{self.folder}/{f.path}": f.sha256 for f in self.aip_records(files, meta)}


def submission_path(sip_name: str) -> str:
    """Where the SIP is kept, unchanged, inside the AIP."""
    return f"{aipmod.SUBMISSION_FOLDER}/{sip_name}"


def split_submission_path(path: str) -> tuple[str, str] | None:
    """('<sip name>', '<path inside the SIP>') for a file of the kept SIP, else None."""
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[0] == aipmod.SUBMISSION_FOLDER:
        return parts[1], parts[2]
    return None


def _with_path(record: FileRecord, path: str) -> FileRecord:
    return FileRecord(
        path,
        record.size,
        record.sha256,
        record.puid,
        record.format_name,
        record.format_version,
        record.mime,
        record.basis,
        record.warning,
    )


def primary_location(tenant_code: str | None = None) -> StorageLocation:
    """The first location of the tenant's storage policy (``[storage.policies]``)."""
    from samarkiv.preservation import locations

    if tenant_code is None:
        return locations.location(locations.storage_config().policy_for("")[0])
    return locations.locations_for_tenant(tenant_code)[0]


def all_locations() -> list[StorageLocation]:
    from samarkiv.preservation import locations

    return locations.all_locations()
