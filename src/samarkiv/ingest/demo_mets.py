"""METS writers for the demo deliveries: package METS and representation METS.

Plain lxml, no Django, so tests and benchmarks can build packages without settings.
The documents follow the E-ARK CSIP/SIP 2.2 profiles and the divided-METS layout: the
package METS points at one METS file per representation (CSIP appendix 2).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: METS, "csip": CSIP, "sip": SIP, "xlink": XLINK, "xsi": XSI}
SCHEMA_LOCATION = " ".join(
    [
        METS,
        "https://www.loc.gov/standards/mets/mets.xsd",
        XLINK,
        "http://www.loc.gov/standards/xlink/xlink.xsd",
        CSIP,
        "https://earkcsip.dilcis.eu/schema/DILCISExtensionMETS.xsd",
        SIP,
        "https://earksip.dilcis.eu/schema/DILCISExtensionSIPMETS.xsd",
    ]
)
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml"
CREATED = "2024-05-02T10:00:00+02:00"  # fixed, so that every build is byte-identical


@dataclass(frozen=True)
class Entry:
    """One file to list in a METS document, relative to that document's folder."""

    href: str
    mimetype: str
    id: str


@dataclass(frozen=True)
class Header:
    """Who made and who delivers the package (metsHdr agents, CSIP10-16, SIP9-20)."""

    archival_creator: str = "Exempelby kommun, kommunstyrelsen"
    creator_code: str = "ORG:2120000000"
    submitter: str = "Exempelby kommun, kommunarkivet"
    submitter_code: str = "ORG:2120000000-ARK"
    software_version: str = "0.1.0"
    reference_code: str = "SE/EXK/KS/2024"
    submission_agreement: str = "LÖ 2024:1"


def q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def file_attributes(folder: Path, entry: Entry) -> dict[str, str]:
    """SIZE and SHA-256 as actually found on disk (CSIP68-72)."""
    data = (folder / entry.href).read_bytes()
    return {
        "ID": entry.id,
        "MIMETYPE": entry.mimetype,
        "SIZE": str(len(data)),
        "CREATED": CREATED,
        "CHECKSUM": hashlib.sha256(data).hexdigest(),
        "CHECKSUMTYPE": "SHA-256",
    }


def mets_root(objid: str, label: str) -> etree._Element:
    return etree.Element(
        q(METS, "mets"),
        nsmap=NSMAP,
        attrib={
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            q(CSIP, "CONTENTINFORMATIONTYPE"): "MIXED",
            "PROFILE": SIP_PROFILE,
            q(XSI, "schemaLocation"): SCHEMA_LOCATION,
        },
    )


def _agent(parent: etree._Element, attrib: dict[str, str], name: str, note: tuple) -> None:
    agent = etree.SubElement(parent, q(METS, "agent"), attrib=attrib)
    etree.SubElement(agent, q(METS, "name")).text = name
    note_el = etree.SubElement(agent, q(METS, "note"), {q(CSIP, "NOTETYPE"): note[0]})
    note_el.text = note[1]


def add_header(root: etree._Element, header: Header) -> None:
    """metsHdr with the software agent, the records creator and the submitting agent."""
    hdr = etree.SubElement(
        root,
        q(METS, "metsHdr"),
        {
            "CREATEDATE": CREATED,
            "LASTMODDATE": CREATED,
            "RECORDSTATUS": "NEW",
            q(CSIP, "OAISPACKAGETYPE"): "SIP",
        },
    )
    software = {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    _agent(hdr, software, "samarkiv", ("SOFTWARE VERSION", header.software_version))
    creator = {"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"}
    _agent(hdr, creator, header.archival_creator, ("IDENTIFICATIONCODE", header.creator_code))
    submitter = {"ROLE": "CREATOR", "TYPE": "ORGANIZATION"}
    _agent(hdr, submitter, header.submitter, ("IDENTIFICATIONCODE", header.submitter_code))
    for kind, value in (
        ("SUBMISSIONAGREEMENT", header.submission_agreement),
        ("REFERENCECODE", header.reference_code),
    ):
        etree.SubElement(hdr, q(METS, "altRecordID"), {"TYPE": kind}).text = value


def add_md_ref(section: etree._Element, folder: Path, entry: Entry, mdtype: str) -> None:
    """An mdRef with size and checksum, as dmdSec/digiprovMD require (CSIP21-30, 35-44)."""
    attrib = file_attributes(folder, entry)
    del attrib["ID"]
    etree.SubElement(
        section,
        q(METS, "mdRef"),
        {
            "LOCTYPE": "URL",
            q(XLINK, "type"): "simple",
            q(XLINK, "href"): entry.href,
            "MDTYPE": mdtype,
            **attrib,
        },
    )


def add_file_group(
    file_sec: etree._Element, folder: Path, use: str, grp_id: str, entries: list[Entry]
) -> etree._Element:
    grp = etree.SubElement(file_sec, q(METS, "fileGrp"), {"ID": grp_id, "USE": use})
    for entry in entries:
        file_el = etree.SubElement(grp, q(METS, "file"), file_attributes(folder, entry))
        etree.SubElement(
            file_el,
            q(METS, "FLocat"),
            {"LOCTYPE": "URL", q(XLINK, "type"): "simple", q(XLINK, "href"): entry.href},
        )
    return grp


def div(parent: etree._Element, div_id: str, label: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, q(METS, "div"), {"ID": div_id, "LABEL": label, **attrib})


def fptr(parent: etree._Element, file_id: str) -> None:
    etree.SubElement(parent, q(METS, "fptr"), {"FILEID": file_id})


def mptr(parent: etree._Element, href: str, title: str) -> None:
    etree.SubElement(
        parent,
        q(METS, "mptr"),
        {
            "LOCTYPE": "URL",
            q(XLINK, "type"): "simple",
            q(XLINK, "href"): href,
            q(XLINK, "title"): title,
        },
    )


def write(root: etree._Element, path: Path) -> None:
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )
