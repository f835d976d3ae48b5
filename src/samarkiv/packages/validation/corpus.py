"""Reading the E-ARK IP test corpus expectations (``testCase.xml``).

Used by the test suite and the benchmark; kept in the library so both read the
corpus the same way. The corpus itself is never copied into the repository.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - trusted, read-only test metadata
from dataclasses import dataclass
from pathlib import Path

# The issue asks that a SIZE or CHECKSUM that does not match the file is reported under
# a rule of its own; these corpus rules test exactly that, so they are scored on it.
FIXITY_RULES = {
    ("CSIP41", "2"): "FIXITY-SIZE",
    ("CSIP43", "2"): "FIXITY-CHECKSUM",
    ("CSIP54", "2"): "FIXITY-SIZE",
    ("CSIP56", "2"): "FIXITY-CHECKSUM",
    ("CSIP69", "2"): "FIXITY-SIZE",
    ("CSIP71", "2"): "FIXITY-CHECKSUM",
    ("CSIP27", "2"): "FIXITY-SIZE",
    ("CSIP29", "2"): "FIXITY-CHECKSUM",
}


@dataclass(frozen=True)
class Expectation:
    case: str  # e.g. "CSIP/CSIP1"
    requirement: str  # e.g. "CSIP1"
    rule: str  # rule number inside the case
    level: str  # ERROR | WARNING | INFO
    package: str  # path relative to the case folder
    is_valid: bool
    testable: str

    @property
    def scored_rule_id(self) -> str:
        return FIXITY_RULES.get((self.requirement, self.rule), self.requirement)


def read_expectations(case_dir: Path, case: str) -> list[Expectation]:
    root = ET.parse(case_dir / "testCase.xml").getroot()  # noqa: S314
    requirement = root.find("id").get("requirementId")
    found = []
    for rule in root.iter("rule"):
        level = rule.find("error").get("level")
        for pkg in rule.iter("package"):
            path = (pkg.findtext("path") or "").strip()
            if pkg.get("isImplemented") != "TRUE" or not path:
                continue
            found.append(
                Expectation(
                    case,
                    requirement,
                    rule.get("id"),
                    level,
                    path,
                    pkg.get("isValid") == "TRUE",
                    root.get("testable", ""),
                )
            )
    return found
