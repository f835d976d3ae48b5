"""Group report findings into sections an archivist recognises.

Rule IDs carry their area in the letters before the number (CSIPSTR4, FIXITY-SIZE,
SIP4). CSIP rule numbers are further split by the METS section they govern, so the
report reads in the order of the METS file itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_PREFIX = re.compile(r"^([A-Za-z]+)(\d+)?")

# CSIP rule number ranges -> METS section (CSIP 2.x profile, section 5.3).
_CSIP_PARTS: tuple[tuple[str, frozenset[int]], ...] = (
    ("CSIP-mets", frozenset(range(1, 7))),
    ("CSIP-metsHdr", frozenset([*range(7, 17), 117])),
    ("CSIP-dmdSec", frozenset(range(17, 31))),
    ("CSIP-amdSec", frozenset(range(31, 58))),
    ("CSIP-fileSec", frozenset([*range(58, 80), 113, 114, 115])),
    ("CSIP-structMap", frozenset([*range(80, 113), 116, 118, 119])),
)

TITLES: dict[str, Promise] = {
    "PKG": _("Paketbehållare och säkerhet"),
    "XML": _("XML-filer"),
    "CSIPSTR": _("Mappstruktur"),
    "CSIP-mets": _("METS-rot"),
    "CSIP-metsHdr": _("METS-huvud och agenter"),
    "CSIP-dmdSec": _("Beskrivande metadata"),
    "CSIP-amdSec": _("Administrativ metadata"),
    "CSIP-fileSec": _("Filsektion"),
    "CSIP-structMap": _("Strukturkarta"),
    "CSIP": _("Övriga CSIP-krav"),
    "METS": _("METS-schema och identiteter"),
    "REFERENCE": _("Filreferenser"),
    "FIXITY": _("Storlek och kontrollsummor"),
    "SIP": _("E-ARK SIP"),
    "AIP": _("E-ARK AIP"),
    "DIP": _("E-ARK DIP"),
    "FGS": _("FGS Paketstruktur"),
}
ORDER = list(TITLES)
OTHER = "OTHER"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Section:
    key: str
    title: Promise | str
    findings: list[dict] = field(default_factory=list)


def section_key(rule_id: str) -> str:
    """The section a rule belongs to: its letters prefix, CSIP split by METS part."""
    match = _PREFIX.match(rule_id or "")
    if not match:
        return OTHER
    prefix, number = match.group(1).upper(), match.group(2)
    if prefix == "CSIP" and number:
        for key, numbers in _CSIP_PARTS:
            if int(number) in numbers:
                return key
    return prefix


def group_findings(findings: list[dict]) -> list[Section]:
    """Sections in METS reading order; unknown prefixes follow in order of appearance.

    Within a section, errors come before warnings and notices.
    """
    sections: dict[str, Section] = {}
    for finding in findings:
        key = section_key(finding.get("rule_id", ""))
        if key not in sections:
            title = TITLES.get(key) or (key if key != OTHER else _("Övrigt"))
            sections[key] = Section(key, title)
        sections[key].findings.append(finding)

    def rank(key: str) -> int:
        return ORDER.index(key) if key in ORDER else len(ORDER)

    for section in sections.values():  # errors first; sort is stable within a severity
        section.findings.sort(key=lambda f: SEVERITY_ORDER.get(f.get("severity", ""), 3))
    return sorted(sections.values(), key=lambda s: rank(s.key))
