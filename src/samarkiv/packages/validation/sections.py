"""Which part of a package a rule is about, for grouping reports by section."""

from __future__ import annotations

import re

_CSIP_RANGES = (
    (1, 6, "METS root element"),
    (7, 16, "METS header"),
    (117, 117, "METS header"),
    (17, 30, "Descriptive metadata (dmdSec)"),
    (31, 57, "Administrative metadata (amdSec)"),
    (58, 79, "File section (fileSec)"),
    (113, 114, "File section (fileSec)"),
    (80, 112, "Structural map (structMap)"),
    (115, 119, "Structural map (structMap)"),
)
_PREFIXES = (
    ("CSIPSTR", "Folder structure"),
    ("SIP", "E-ARK SIP profile"),
    ("DIP", "E-ARK DIP profile"),
    ("AIP", "E-ARK AIP profile"),
    ("FGS1", "FGS Paketstruktur 1.x"),
    ("FIXITY", "Fixity"),
    ("REFERENCE", "References"),
    ("METS-", "XML schema"),
    ("XML", "XML"),
    ("PKG", "Container safety"),
    ("SIARD", "SIARD"),
)
SECTION_ORDER = (
    "Container safety",
    "Folder structure",
    "XML",
    "XML schema",
    "METS root element",
    "METS header",
    "Descriptive metadata (dmdSec)",
    "Administrative metadata (amdSec)",
    "File section (fileSec)",
    "Structural map (structMap)",
    "E-ARK SIP profile",
    "E-ARK DIP profile",
    "E-ARK AIP profile",
    "FGS Paketstruktur 1.x",
    "References",
    "Fixity",
    "SIARD",
    "Other",
)


def section_of(rule_id: str) -> str:
    match = re.fullmatch(r"CSIP(\d+)", rule_id)
    if match:
        number = int(match.group(1))
        for low, high, name in _CSIP_RANGES:
            if low <= number <= high:
                return name
    for prefix, name in _PREFIXES:
        if rule_id.startswith(prefix):
            return name
    return "Other"
