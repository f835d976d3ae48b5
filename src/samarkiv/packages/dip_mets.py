"""The metadata files of an E-ARK DIP 2.2: root and representation METS, PREMIS, DC.

Why a separate module: ``dip.py`` streams bytes into a zip and owns the file names;
this module only turns plain facts (paths, sizes, SHA-256 digests) into XML. The
documents are small (one line per file), so they are built in memory with lxml and
returned as bytes, which gives their own size and digest for the METS that lists them.

Conventions follow the AIP builder (``aip.py``): identifiers start with ``ID-``,
every ``file`` and ``mdRef`` carries MIMETYPE, SIZE, CREATED, CHECKSUM (SHA-256);
the root METS points at the representation METS with ``mptr`` + ``fptr`` (divided
METS); the metsHdr names the software (CSIP10-16) and the municipality as IPOWNER.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

import samarkiv
from samarkiv.packages.namespaces import CSIP, METS, PREMIS3, XLINK, XSI, q

DIP_PROFILE = "https://earkdip.dilcis.eu/profile/E-ARK-DIP.xml"  # DIP2
CONTENT_CATEGORY = "Mixed"
CONTENT_INFORMATION_TYPE = "MIXED"
SOFTWARE_NAME = "samarkiv"
REP = "rep1"
SCHEMA_FOLDER = "schemas"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XML_MIME = "application/xml"
TENANT_NOTE_PREFIX = "samarkiv-tenant:"

_METS_NSMAP = {None: METS, "csip": CSIP, "xlink": XLINK, "xsi": XSI}
_LOC = "http://id.loc.gov/vocabulary/preservation"
# Descriptive field -> Dublin Core element; order is the order written.
DC_FIELDS = (
    ("title", "title"),
    ("registration_number", "identifier"),
    ("record_id", "identifier"),
    ("records_creator", "creator"),
    ("municipality", "publisher"),
    ("dates", "date"),
    ("document_type", "type"),
    ("series", "relation"),
    ("classification_code", "subject"),
    ("description", "description"),
    ("language", "language"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One file as METS lists it: package-relative path plus its fixity facts."""

    path: str
    size: int
    sha256: str
    mime: str


@dataclass(frozen=True, slots=True)
class Header:
    """What both METS documents say about the package as a whole."""

    objid: str
    label: str
    created: str  # xs:dateTime
    owner_name: str
    owner_code: str


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """The text with every character XML 1.0 cannot carry replaced (metadata comes from
    deliveries and may hold control characters; the package must still be written)."""
    return _NOT_XML.sub("\ufffd", value)


def _el(parent, local: str, attrib: Mapping[str, str] | None = None, text: str = ""):
    clean = {key: xml_text(value) for key, value in (attrib or {}).items()}
    node = etree.SubElement(parent, q(METS, local), clean)
    if text:
        node.text = xml_text(text)
    return node


def _locator(href: str) -> dict[str, str]:
    return {"LOCTYPE": "URL", q(XLINK, "type"): "simple", q(XLINK, "href"): href}


def _fixity(entry: Entry, created: str) -> dict[str, str]:
    """CSIP26-30 / 40-44 / 68-72: type, size, date and SHA-256 of a listed file."""
    return {
        "MIMETYPE": entry.mime,
        "SIZE": str(entry.size),
        "CREATED": created,
        "CHECKSUM": entry.sha256.lower(),
        "CHECKSUMTYPE": "SHA-256",
    }


def _root(header: Header, objid: str, schema_prefix: str) -> etree._Element:
    location = (
        f"{METS} {schema_prefix}mets.xsd {XLINK} {schema_prefix}xlink.xsd "
        f"{CSIP} {schema_prefix}DILCISExtensionMETS.xsd"
    )
    attrib = {
        "OBJID": objid,
        "TYPE": CONTENT_CATEGORY,
        q(CSIP, "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
        "PROFILE": DIP_PROFILE,
        "LABEL": xml_text(header.label),
        q(XSI, "schemaLocation"): location,
    }
    root = etree.Element(q(METS, "mets"), attrib, nsmap=_METS_NSMAP)
    hdr = _el(
        root,
        "metsHdr",
        {
            "CREATEDATE": header.created,
            "LASTMODDATE": header.created,
            q(CSIP, "OAISPACKAGETYPE"): "DIP",  # DIP3 / CSIP9
        },
    )
    software = _el(hdr, "agent", {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    _el(software, "name", text=SOFTWARE_NAME)
    _el(software, "note", {q(CSIP, "NOTETYPE"): "SOFTWARE VERSION"}, samarkiv.__version__)
    owner = _el(hdr, "agent", {"ROLE": "IPOWNER", "TYPE": "ORGANIZATION"})
    _el(owner, "name", text=header.owner_name or header.owner_code)
    note = {q(CSIP, "NOTETYPE"): "IDENTIFICATIONCODE"}
    _el(owner, "note", note, f"{TENANT_NOTE_PREFIX}{header.owner_code}")
    return root


def _file_group(file_sec, grp_id: str, use: str, entries: Sequence[Entry], created: str, href):
    grp = _el(file_sec, "fileGrp", {"ID": grp_id, "USE": use})
    for number, entry in enumerate(entries, start=1):
        node = _el(grp, "file", {"ID": f"{grp_id}-file-{number}", **_fixity(entry, created)})
        _el(node, "FLocat", _locator(href(entry.path)))
    return grp


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def representation_mets(header: Header, data: Sequence[Entry], href_of) -> bytes:
    """representations/rep1/METS.xml: the delivered files, paths relative to rep1/.

    ``href_of`` turns a package path into the URL written in FLocat (percent-encoding).
    """
    prefix = f"representations/{REP}/"
    root = _root(header, REP, "../../schemas/")
    root.set("LABEL", f"{header.label}, representation 1")
    file_sec = _el(root, "fileSec", {"ID": "ID-rep1-filesec"})
    grp = _file_group(
        file_sec,
        "ID-rep1-grp-data",
        "Data",
        data,
        header.created,
        lambda path: href_of(path.removeprefix(prefix)),
    )
    grp.set(q(CSIP, "CONTENTINFORMATIONTYPE"), CONTENT_INFORMATION_TYPE)
    smap = _el(root, "structMap", {"ID": "ID-rep1-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _el(smap, "div", {"ID": "ID-rep1-div", "LABEL": REP})
    data_div = _el(top, "div", {"ID": "ID-rep1-div-data", "LABEL": "Data"})
    _el(data_div, "fptr", {"FILEID": "ID-rep1-grp-data"})
    return _serialize(root)


@dataclass(frozen=True, slots=True)
class RootParts:
    """The files the root METS lists, grouped as CSIP wants them."""

    descriptive: Entry
    premis: Entry
    documentation: Sequence[Entry]
    schemas: Sequence[Entry]
    rep_mets: Entry


def root_mets(header: Header, parts: RootParts, href_of) -> bytes:
    """The package METS (CSIP 2.2 + DIP 2.2): dmdSec, amdSec, fileSec, structMap."""
    created = header.created
    root = _root(header, header.objid, "schemas/")
    dmd = _el(root, "dmdSec", {"ID": "ID-dmd-dc", "CREATED": created, "STATUS": "CURRENT"})
    _el(
        dmd,
        "mdRef",
        {
            **_locator(href_of(parts.descriptive.path)),
            "MDTYPE": "DC",
            "MDTYPEVERSION": "1.1",
            **_fixity(parts.descriptive, created),
        },
    )
    amd = _el(root, "amdSec", {"ID": "ID-amdsec"})
    digi = _el(amd, "digiprovMD", {"ID": "ID-digiprov-premis", "CREATED": created})
    digi.set("STATUS", "CURRENT")
    _el(
        digi,
        "mdRef",
        {
            **_locator(href_of(parts.premis.path)),
            "MDTYPE": "PREMIS",
            "MDTYPEVERSION": "3.0",
            **_fixity(parts.premis, created),
        },
    )
    file_sec = _el(root, "fileSec", {"ID": "ID-filesec"})
    _file_group(file_sec, "ID-grp-doc", "Documentation", parts.documentation, created, href_of)
    _file_group(file_sec, "ID-grp-schemas", "Schemas", parts.schemas, created, href_of)
    rep_use = f"Representations/{REP}"
    grp = _file_group(file_sec, "ID-grp-rep1", rep_use, [parts.rep_mets], created, href_of)
    grp.set(q(CSIP, "CONTENTINFORMATIONTYPE"), CONTENT_INFORMATION_TYPE)
    _root_struct_map(root, header.objid, parts.rep_mets, href_of)
    return _serialize(root)


def _root_struct_map(root, objid: str, rep_mets: Entry, href_of) -> None:
    """CSIP80-112: Metadata, Documentation, Schemas and rep1 (mptr + fptr) divisions."""
    smap = _el(root, "structMap", {"ID": "ID-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _el(smap, "div", {"ID": "ID-div-dip", "LABEL": objid})
    metadata = {"ID": "ID-div-metadata", "LABEL": "Metadata"}
    _el(top, "div", {**metadata, "ADMID": "ID-digiprov-premis", "DMDID": "ID-dmd-dc"})
    for div_id, label, grp in (
        ("ID-div-doc", "Documentation", "ID-grp-doc"),
        ("ID-div-schemas", "Schemas", "ID-grp-schemas"),
    ):
        _el(_el(top, "div", {"ID": div_id, "LABEL": label}), "fptr", {"FILEID": grp})
    rep = _el(top, "div", {"ID": "ID-div-rep1", "LABEL": f"Representations/{REP}"})
    _el(rep, "mptr", {**_locator(href_of(rep_mets.path)), q(XLINK, "title"): "ID-grp-rep1"})
    _el(rep, "fptr", {"FILEID": "ID-grp-rep1"})


# --------------------------------------------------------------------------- DC, PREMIS


def dublin_core(fields: Mapping[str, str]) -> bytes:
    """Simple Dublin Core (oai_dc) of the record: what a record page shows.

    Why DC: commons-IP and every archive system read it; the samarkiv record has no
    hierarchy worth EAD here. Unknown keys are kept as ``dc:description`` "key: value".
    """
    root = etree.Element(q(OAI_DC_NS, "dc"), nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
    known = {key for key, _ in DC_FIELDS}
    for key, element in DC_FIELDS:
        value = (fields.get(key) or "").strip()
        if value:
            etree.SubElement(root, q(DC_NS, element)).text = xml_text(value)
    for key, value in fields.items():
        if key not in known and (value or "").strip():
            text = xml_text(f"{key}: {value.strip()}")
            etree.SubElement(root, q(DC_NS, "description")).text = text
    return _serialize(root)


@dataclass(frozen=True, slots=True)
class PremisFacts:
    """What PREMIS records about a DIP: where it came from and what was done."""

    dip_id: str
    source_aip_id: str
    created: str
    owner_name: str
    event_id: str
    fixity_event_id: str
    files: Sequence[tuple[Entry, str]]  # (entry, source identifier or "")


def _p(parent, local: str, text: str = "", attrib: Mapping[str, str] | None = None):
    node = etree.SubElement(parent, q(PREMIS3, local), dict(attrib or {}))
    if text:
        node.text = xml_text(text)
    return node


def _pid(parent, kind: str, id_type: str, value: str) -> None:
    node = _p(parent, f"{kind}Identifier")
    _p(node, f"{kind}IdentifierType", id_type)
    _p(node, f"{kind}IdentifierValue", value)


def _relationship(parent, rel_type: str, subtype: str, id_type: str, value: str) -> None:
    rel = _p(parent, "relationship")
    _p(rel, "relationshipType", rel_type)
    _p(rel, "relationshipSubType", subtype)
    _pid(rel, "relatedObject", id_type, value)


def premis(facts: PremisFacts) -> bytes:
    """PREMIS 3.0: the DIP entity derived from its AIP, its files, two events, agents."""
    schema = f"{PREMIS3} ../../schemas/premis-v3-0.xsd"
    root = etree.Element(
        q(PREMIS3, "premis"),
        {"version": "3.0", q(XSI, "schemaLocation"): schema},
        nsmap={None: PREMIS3, "xsi": XSI},
    )
    entity = _p(root, "object", attrib={q(XSI, "type"): "intellectualEntity"})
    _pid(entity, "object", "repository", facts.dip_id)
    _relationship(entity, "derivation", "has source", "repository", facts.source_aip_id)
    for entry, source in facts.files:
        obj = _p(root, "object", attrib={q(XSI, "type"): "file"})
        _pid(obj, "object", "filepath", entry.path)
        chars = _p(obj, "objectCharacteristics")
        fixity = _p(chars, "fixity")
        _p(fixity, "messageDigestAlgorithm", "SHA-256")
        _p(fixity, "messageDigest", entry.sha256)
        _p(fixity, "messageDigestOriginator", SOFTWARE_NAME)
        _p(chars, "size", str(entry.size))
        fmt = _p(chars, "format")
        _p(_p(fmt, "formatDesignation"), "formatName", entry.mime)
        _relationship(obj, "structural", "is included in", "repository", facts.dip_id)
        if source:
            _relationship(obj, "derivation", "has source", "filepath", source)
    _event(root, facts, facts.event_id, "dissemination", "dis", "E-ARK DIP för nedladdning")
    _event(
        root,
        facts,
        facts.fixity_event_id,
        "fixity check",
        "fix",
        "SHA-256 för varje fil jämförd med arkivets när paketet skrevs",
    )
    agent = _p(root, "agent")
    _pid(agent, "agent", "local", f"{SOFTWARE_NAME}-{samarkiv.__version__}")
    _p(agent, "agentName", SOFTWARE_NAME)
    _p(agent, "agentType", "software")
    _p(agent, "agentVersion", samarkiv.__version__)
    owner = _p(root, "agent")
    _pid(owner, "agent", "local", "owner")
    _p(owner, "agentName", facts.owner_name)
    _p(owner, "agentType", "organization")
    return _serialize(root)


def _event(root, facts: PremisFacts, event_id: str, kind: str, code: str, detail: str) -> None:
    vocab = f"{_LOC}/eventType"
    event = _p(root, "event")
    _pid(event, "event", "UUID", event_id)
    type_attrib = {"authority": "eventType", "authorityURI": vocab, "valueURI": f"{vocab}/{code}"}
    _p(event, "eventType", kind, type_attrib)
    _p(event, "eventDateTime", facts.created)
    _p(_p(event, "eventDetailInformation"), "eventDetail", detail)
    _p(_p(event, "eventOutcomeInformation"), "eventOutcome", "success")
    _pid(event, "linkingAgent", "local", f"{SOFTWARE_NAME}-{samarkiv.__version__}")
    _pid(event, "linkingAgent", "local", "owner")
    _pid(event, "linkingObject", "repository", facts.dip_id)
    _pid(event, "linkingObject", "repository", facts.source_aip_id)
