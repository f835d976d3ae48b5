"""The ingest receipt: what the deliverer gets back, as JSON and as a readable summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def json_safe(value: Any) -> Any:
    """The value with every string made encodable as UTF-8 (lists and dicts walked).

    Why: a file name that is not UTF-8 reaches Python as lone surrogates, and reports
    quote file names; neither the JSON of the catalogue (PostgreSQL jsonb refuses lone
    surrogates) nor a deliverer's terminal can take those, so they become ``\\udcXX``.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


@dataclass
class StoredCopyReceipt:
    location: str
    version: str
    url: str


@dataclass
class Receipt:
    ingest_id: str
    state: str
    tenant: str
    source: str
    sip_objid: str = ""
    aip_id: str = ""
    file_count: int = 0
    bytes: int = 0
    copies: list[StoredCopyReceipt] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    message: str = ""
    started: str = ""
    finished: str = ""
    duplicate_of: str = ""

    @property
    def ok(self) -> bool:
        return self.state in ("done", "duplicate")

    def to_dict(self) -> dict:
        return json_safe(asdict(self))

    def summary(self) -> str:
        """Plain text for the deliverer and the terminal (Swedish first, then English)."""
        lines = [
            f"Inleverans / ingest {self.ingest_id}: {self.state}",
            f"  Kommun / tenant:  {self.tenant}",
            f"  Leverans / SIP:   {self.sip_objid or self.source}",
        ]
        if self.aip_id:
            lines.append(f"  Arkivpaket / AIP: {self.aip_id}")
            lines.append(f"  Filer / files:    {self.file_count} ({self.bytes:,} bytes)")
        lines.extend(f"  Kopia / copy:     {c.location} {c.version} {c.url}" for c in self.copies)
        if self.errors or self.warnings:
            lines.append(f"  Validering:       {self.errors} errors, {self.warnings} warnings")
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)
