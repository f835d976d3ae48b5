"""What the delivered (SIP) METS says about the descriptive metadata and the package.

Why read it: the METS is where a delivery declares which descriptive files it has and
what they are (dmdSec MDTYPE/OTHERMDTYPE/MDTYPEVERSION, CONTENTINFORMATIONTYPE such as
citserms_v3_0), who the records creator is (the ARCHIVIST agent) and what the package is
called: the fallbacks when the descriptive metadata is missing or silent.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from samarkiv.catalog.records.aipfiles import AipFiles, FileTooLargeError, parse_aip_xml
from samarkiv.catalog.records.drafts import clean
from samarkiv.packages.safexml import XmlProblem

METS_NS = "http://www.loc.gov/METS/"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
CSIP_TYPE = "{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}CONTENTINFORMATIONTYPE"
METS_NAMES = ("METS.xml", "mets.xml", "sip.xml")
MAX_METS_BYTES = 256 * 2**20
N = {"m": METS_NS}
log = logging.getLogger(__name__)


@dataclass
class SipHints:
    """Declarations of one or more submitted METS files (first one wins)."""

    label: str = ""
    objid: str = ""
    archivist: str = ""
    content_type: str = ""
    declared: dict[str, dict[str, str]] = field(default_factory=dict)  # AIP path -> mdRef

    def format_hint(self, path: str) -> str:
        """What the METS says about one descriptive file, as one string for detection."""
        ref = self.declared.get(path, {})
        parts = [ref.get("OTHERMDTYPE", ""), ref.get("MDTYPEVERSION", ""), self.content_type]
        return " ".join(p for p in parts if p)


def read_hints(files: AipFiles) -> SipHints:
    """Hints from every submitted package METS; problems only mean fewer hints."""
    hints = SipHints()
    for sip_root in files.submissions():
        path = next(
            (f"{sip_root}/{n}" for n in METS_NAMES if f"{sip_root}/{n}" in files.by_path), ""
        )
        if not path:
            continue
        try:
            root = parse_aip_xml(files.aip, path, MAX_METS_BYTES).getroot()
        except (XmlProblem, FileTooLargeError) as exc:  # hints are optional
            log.info("no hints from %s of %s: %s", path, files.aip.id, exc)
            continue
        _read_root(root, sip_root, hints)
    return hints


def _read_root(root: etree._Element, sip_root: str, hints: SipHints) -> None:
    hints.label = hints.label or clean(root.get("LABEL"))
    hints.objid = hints.objid or clean(root.get("OBJID"))
    hints.content_type = hints.content_type or clean(root.get(CSIP_TYPE))
    for agent in root.iterfind("m:metsHdr/m:agent", N):
        if agent.get("ROLE") == "ARCHIVIST" and agent.get("TYPE") != "OTHER":
            hints.archivist = hints.archivist or clean(agent.findtext("m:name", "", N))
    for ref in root.iterfind("m:dmdSec/m:mdRef", N):
        href = unquote((ref.get(XLINK_HREF) or "").strip())
        target = posixpath.normpath(posixpath.join(sip_root, href)) if href else ""
        if target.startswith(f"{sip_root}/"):
            hints.declared[target] = {k: v for k, v in ref.attrib.items() if "}" not in k}
