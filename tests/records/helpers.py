"""Small builders shared by the records tests."""

from __future__ import annotations

from pathlib import Path

from samarkiv.ingest.demo_erms import (
    DEFAULT_CASES,
    Descriptive,
    build_sip,
    case_files,
    erms_descriptive,
)

SWEDISH_WORDS = ("bygglovet", "äldreomsorg", "förskolan")


def erms_v3_bytes() -> bytes:
    return erms_descriptive(DEFAULT_CASES, 3).data


def sip_with(
    parent: Path,
    name: str,
    filename: str,
    data: bytes,
    *,
    other_mdtype: str = "ERMS",
    mdtype: str = "OTHER",
    files: dict[str, bytes] | None = None,
) -> Path:
    """A valid SIP around one descriptive file ``data`` (and the demo cases' files)."""
    descriptive = Descriptive(filename, data, mdtype, other_mdtype if mdtype == "OTHER" else "")
    return build_sip(
        parent,
        name,
        label="Testleverans",
        files=case_files(DEFAULT_CASES) if files is None else files,
        descriptive=descriptive,
    )
