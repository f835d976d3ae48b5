"""Descriptive metadata of the SIP, made visible at the AIP level (AIPM4, CSIP17).

The SIP stays byte-for-byte under ``submission/``; its package-level descriptive
metadata files (EAD, DC, ERMS...) are also copied to the AIP's own
``metadata/descriptive/`` and described by CURRENT dmdSecs in the AIP METS, so an
archivist opening the AIP sees what it is about without reading the submission.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from samarkiv.packages.model import FileRecord
from samarkiv.packages.namespaces import METS, XLINK, q
from samarkiv.packages.safexml import XmlProblem, parse_untrusted

DESCRIPTIVE_FOLDER = "metadata/descriptive"


@dataclass(frozen=True)
class DescriptiveCopy:
    dmd_id: str
    mdtype: str
    other_mdtype: str
    mimetype: str
    record: FileRecord  # the copy, AIP-relative


def carry_descriptive_metadata(aip_dir: Path, sip_mets: Path) -> list[DescriptiveCopy]:
    """Copy the files the SIP METS dmdSecs reference; skip anything odd, never fail."""
    try:
        root = parse_untrusted(sip_mets).getroot()
    except XmlProblem:
        return []
    copies: list[DescriptiveCopy] = []
    used: set[str] = set()
    for number, ref in enumerate(root.iterfind(f"{q(METS, 'dmdSec')}/{q(METS, 'mdRef')}"), 1):
        source = _local_file(sip_mets.parent, ref.get(q(XLINK, "href")) or "")
        if source is None or source.name in used:
            continue
        used.add(source.name)
        target = aip_dir / DESCRIPTIVE_FOLDER / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        data = target.read_bytes()
        record = FileRecord(
            f"{DESCRIPTIVE_FOLDER}/{source.name}", len(data), hashlib.sha256(data).hexdigest()
        )
        copies.append(
            DescriptiveCopy(
                f"ID-dmd-{number}",
                ref.get("MDTYPE") or "OTHER",
                ref.get("OTHERMDTYPE") or "",
                ref.get("MIMETYPE") or "application/xml",
                record,
            )
        )
    return copies


def _local_file(base: Path, href: str) -> Path | None:
    """A plain relative href inside the SIP folder, or None."""
    rel = unquote(href.strip())
    if not rel or "://" in rel or rel.startswith(("/", "\\")) or ".." in Path(rel).parts:
        return None
    candidate = base / rel
    return candidate if candidate.is_file() else None
