"""Typed validation reports: every finding names a rule, its level and the file.

The JSON shape is a published contract (`samarkiv validate --json`), so it lives in one
place and tests pin it.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field


class Level(enum.StrEnum):
    """Requirement level as written in the specifications (RFC 2119)."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"

    @property
    def severity(self) -> Severity:
        return {Level.MUST: Severity.ERROR, Level.SHOULD: Severity.WARNING}.get(self, Severity.INFO)


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken (or noteworthy) rule at one place in the package."""

    rule_id: str
    level: Level
    message: str
    path: str = ""
    line: int | None = None
    severity: Severity | None = None

    @property
    def effective_severity(self) -> Severity:
        return self.severity or self.level.severity

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "level": str(self.level),
            "severity": str(self.effective_severity),
            "message": self.message,
            "path": self.path,
            "line": self.line,
        }


@dataclass(slots=True)
class PackageReport:
    """The outcome of validating one package.

    A package is invalid as soon as one finding has severity error (a MUST broken).
    """

    package: str
    specification: str = "unknown"
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(f.effective_severity is Severity.ERROR for f in self.findings)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.effective_severity is Severity.ERROR]

    def rule_ids(self, severity: Severity | None = None) -> set[str]:
        return {
            f.rule_id for f in self.findings if severity is None or f.effective_severity is severity
        }

    def to_dict(self) -> dict:
        return {
            "package": self.package,
            "valid": self.valid,
            "specification": self.specification,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
