"""E-ARK AIP 2.2: wrap an accepted SIP, unchanged, in an Archival Information Package.

Layout (the caller has already copied the SIP into ``submission/<name>/``)::

    <aip folder>/                      named aip_folder_name(aip_id) by the caller
      METS.xml                         the AIP (root) METS written here
      metadata/preservation/premis.xml PREMIS for every SIP file, paths AIP-relative
      schemas/                         mets.xsd, xlink.xsd, DILCISExtensionMETS.xsd,
                                       premis-v3-0.xsd
      submission/<name>/METS.xml ...   the original SIP, byte for byte

Why this shape (E-ARK AIP 2.0.x "AIP container for submissions"; 2.2 keeps the
``submission`` division in its appendix A example): the original submission is kept
untouched, for authenticity, in a ``submission`` folder with one IP per sub-folder
(so submission updates can follow, AIP-SUBMISSION-IPS/-ORDER). The root METS lists
every submitted file with size and SHA-256 (AIP-DIGITAL-OBJECTS; commons-IP requires
it, CSIP66) and points at the submission's METS with ``mptr`` + ``fptr`` (the
divided-METS pattern, AIP3). PREMIS lists every file again with its format, so the
catalogue can be rebuilt from storage alone. No ``representations`` folder is
written: the AIP adds no representation of its own (AIP-REPRESENTATIONS-OPTIONAL).

The municipality that owns the AIP is the metsHdr agent ``ROLE="IPOWNER"``; its note
``samarkiv-tenant:<code>`` is how the tenant is read back.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path, PurePosixPath

from lxml import etree

import samarkiv
from samarkiv.packages.aip_descriptive import DescriptiveCopy, carry_descriptive_metadata
from samarkiv.packages.atomic import atomic_open, atomic_write_bytes
from samarkiv.packages.model import FileRecord, PremisAgent, PremisEvent, TenantRef
from samarkiv.packages.namespaces import CSIP, METS, XLINK, XSI, q
from samarkiv.packages.premis import iter_children, write_premis
from samarkiv.packages.validation.catalogue import iana_media_types, vocabulary

# AIPM2: the profile's own URI (its text and <URI> say "earkdip", sic).
AIP_PROFILE = "https://earkdip.dilcis.eu/profile/E-ARK-AIP-v2-2-0.xml"
SUBMISSION_FOLDER = "submission"
PREMIS_PATH = "metadata/preservation/premis.xml"
SCHEMA_FOLDER = "schemas"
SCHEMA_FILES = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "premis-v3-0.xsd")
TENANT_NOTE_PREFIX = "samarkiv-tenant:"
ORG_NUMBER_PREFIX = "ORG:"
SIP_OBJID_TYPE = "SIPOBJID"
AGREEMENT_TYPE = "SUBMISSIONAGREEMENT"  # CSIP altRecordID type vocabulary
SOFTWARE_NAME = "samarkiv"
# Fixed forever: changing it would give every re-ingested SIP a new AIP identifier.
AIP_ID_NAMESPACE = uuid.UUID("30fb074d-e5da-49a3-b794-e9be9ccfad80")

_METS_NAMES = ("METS.xml", "mets.xml", "sip.xml")
_NSMAP = {None: METS, "csip": CSIP, "xlink": XLINK, "xsi": XSI}
_SCHEMA_LOCATION = (
    f"{METS} {SCHEMA_FOLDER}/mets.xsd {XLINK} {SCHEMA_FOLDER}/xlink.xsd "
    f"{CSIP} {SCHEMA_FOLDER}/DILCISExtensionMETS.xsd"
)
_XML_MIME = "application/xml"
_PORTABLE = re.compile(r"[A-Za-z0-9._\-:/]")

# IDs start with "ID" (commons-IP checks AIP file IDs for that prefix; CSIP wants a prefix).
ID_DIGIPROV = "ID-digiprov-premis"
ID_GRP_SCHEMAS = "ID-grp-schemas"
ID_GRP_SUBMISSION = "ID-grp-submission-1"


# --------------------------------------------------------------------------- identifiers


def aip_id_for(tenant_code: str, sip_objid: str) -> str:
    """Stable AIP identifier: the same SIP of the same tenant always gets the same id.

    AIPM1 wants an OBJID that never changes over the AIP's life; a UUID v5 over a fixed
    samarkiv namespace makes a re-run of an interrupted ingest land on the same AIP
    instead of creating a duplicate, while two tenants never collide. The ``uuid-``
    prefix (the CSIP recommendation for identifiers) keeps it a portable folder name, so
    the AIP root folder can carry the OBJID itself, as CSIP1 asks and commons-IP checks.
    """
    return f"uuid-{uuid.uuid5(AIP_ID_NAMESPACE, f'{tenant_code}/{sip_objid}')}"


def aip_folder_name(aip_id: str) -> str:
    """Portable, reversible folder/container name for an AIP id (E-ARK AIP20-22).

    Pairtree-style cleaning: ``:`` -> ``+`` and ``/`` -> ``=``; any other character
    outside ``[A-Za-z0-9._-]`` (including ``+``, ``=`` and ``^`` themselves) becomes
    ``^hh`` per UTF-8 byte, so the mapping can always be undone. A leading dot is
    escaped too, so no name is hidden, ``.`` or ``..``.
    """
    out = []
    for i, char in enumerate(aip_id):
        if _PORTABLE.fullmatch(char) and not (char == "." and i == 0):
            out.append({":": "+", "/": "="}.get(char, char))
        else:
            out.extend(f"^{byte:02x}" for byte in char.encode("utf-8"))
    return "".join(out)


def aip_id_from_folder_name(name: str) -> str:
    """The inverse of :func:`aip_folder_name`."""
    text = name.replace("+", ":").replace("=", "/")
    return re.sub(
        r"(?:\^[0-9a-fA-F]{2})+",
        lambda m: bytes.fromhex(m.group(0).replace("^", "")).decode("utf-8"),
        text,
    )


# --------------------------------------------------------------------------- building


def build_aip(
    aip_dir: Path,
    *,
    aip_id: str,
    tenant: TenantRef,
    sip_objid: str,
    sip_label: str,
    sip_files: list[FileRecord],
    events: list[PremisEvent],
    agents: list[PremisAgent],
    created: datetime,
    submission_dir_name: str,
    agreement: str = "",
) -> list[FileRecord]:
    """Write the AIP metadata around a SIP already copied to ``submission/<name>/``.

    ``sip_files`` are the SIP's files with paths relative to the SIP folder (as found
    in the SIP's own METS). Writes PREMIS, the schemas and the AIP METS (last, so a
    METS only exists once everything it points to does) and returns their FileRecords
    (AIP-relative path, size, SHA-256) for the storage inventory.

    Raises ValueError when the precondition does not hold: the submission folder does
    not match ``sip_files``, an event has no agent (AIP16) or names an undescribed one
    (AIP18), or ``created`` has no time zone.
    """
    aip_dir = Path(aip_dir)
    if created.tzinfo is None or created.utcoffset() is None:
        raise ValueError("created must be timezone-aware")
    sip_dir = _submission_dir(aip_dir, submission_dir_name)
    _check_submission(sip_dir, sip_files)
    _check_event_links(events, agents)
    prefix = f"{SUBMISSION_FOLDER}/{submission_dir_name}/"
    sip_mets = _find_sip_mets(sip_dir)
    _check_sip_mets_record(_record(aip_dir, prefix + sip_mets.name), prefix, sip_files)
    premis = _write_premis_file(aip_dir, aip_id, sip_files, events, agents, prefix)
    schemas = _copy_schemas(aip_dir)
    descriptive = carry_descriptive_metadata(aip_dir, sip_mets)
    facts = _MetsFacts(
        aip_id=aip_id,
        tenant=tenant,
        sip_objid=sip_objid,
        sip_label=sip_label,
        agreement=agreement,
        created=created.isoformat(),
        type_attrs=_content_type_attrs(sip_mets),
        premis=premis,
        schemas=schemas,
        submission_name=submission_dir_name,
        sip_mets_href=prefix + sip_mets.name,
        descriptive=tuple(descriptive),
    )
    _write_aip_mets(aip_dir / "METS.xml", facts, sip_files)
    return [_record(aip_dir, "METS.xml"), premis, *schemas, *(d.record for d in descriptive)]


def _write_premis_file(
    aip_dir: Path,
    aip_id: str,
    sip_files: list[FileRecord],
    events: list[PremisEvent],
    agents: list[PremisAgent],
    prefix: str,
) -> FileRecord:
    """metadata/preservation/premis.xml, pointing at the AIP's own copy of the XSD."""
    target = aip_dir / PREMIS_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    write_premis(
        target,
        aip_id=aip_id,
        files=sip_files,
        events=events,
        agents=agents,
        representation_prefix=prefix,
        schema_location=f"../../{SCHEMA_FOLDER}/premis-v3-0.xsd",
    )
    return _record(aip_dir, PREMIS_PATH)


def _submission_dir(aip_dir: Path, name: str) -> Path:
    """``aip_dir/submission/<name>``; the name must be one plain path segment."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"submission_dir_name {name!r} must be a single folder name")
    folder = aip_dir / SUBMISSION_FOLDER / name
    if not folder.is_dir():
        raise ValueError(f"the SIP must already be copied to {folder}")
    return folder


def _safe_relpath(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\\" not in path


def _check_submission(sip_dir: Path, sip_files: list[FileRecord]) -> None:
    """Every listed file is there with its size, and nothing unlisted is.

    Cheap (stat and a walk, no hashing) yet it catches a half-finished copy or a list
    from another delivery before PREMIS is written with the wrong inventory.
    """
    listed: set[str] = set()
    for record in sip_files:
        if not _safe_relpath(record.path):
            raise ValueError(f"unsafe SIP file path {record.path!r}")
        if record.path in listed:
            raise ValueError(f"SIP file {record.path!r} is listed twice")
        listed.add(record.path)
        target = sip_dir / record.path
        if not target.is_file() or target.stat().st_size != record.size:
            raise ValueError(f"SIP file {record.path!r} is missing or not {record.size} bytes")
    unlisted = []
    for dirpath, _dirs, names in os.walk(sip_dir):
        base = Path(dirpath).relative_to(sip_dir).as_posix()
        unlisted.extend(
            rel for rel in (n if base == "." else f"{base}/{n}" for n in names) if rel not in listed
        )
    if unlisted:
        raise ValueError(f"files in the submission folder not in sip_files: {unlisted[:5]}")


def _check_event_links(events: list[PremisEvent], agents: list[PremisAgent]) -> None:
    """AIP16: every event names its agent; AIP18: every such agent is described."""
    known = {agent.identifier for agent in agents}
    for event in events:
        if not event.agent_ids:
            raise ValueError(f"event {event.identifier} has no agent (E-ARK AIP16)")
        missing = [a for a in event.agent_ids if a not in known]
        if missing:
            raise ValueError(
                f"event {event.identifier} names undescribed agent(s) {missing} (E-ARK AIP18)"
            )


def _find_sip_mets(sip_dir: Path) -> Path:
    for name in _METS_NAMES:
        if (sip_dir / name).is_file():
            return sip_dir / name
    raise ValueError(f"no METS.xml in the submitted package {sip_dir}")


def _check_sip_mets_record(actual: FileRecord, prefix: str, sip_files: list[FileRecord]) -> None:
    """The SIP METS on disk is the one PREMIS describes (its digest is in both)."""
    rel = actual.path[len(prefix) :]
    for record in sip_files:
        if record.path == rel and record.sha256.lower() != actual.sha256:
            raise ValueError(f"SHA-256 of the SIP METS {rel!r} differs from sip_files")


def _record(aip_dir: Path, rel: str) -> FileRecord:
    """Path, size and SHA-256 of a file as it is on disk now."""
    with open(aip_dir / rel, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return FileRecord(rel, (aip_dir / rel).stat().st_size, digest)


def _copy_schemas(aip_dir: Path) -> list[FileRecord]:
    """CSIPSTR15: the XSDs of every XML format the AIP metadata uses, offline copies."""
    folder = aip_dir / SCHEMA_FOLDER
    folder.mkdir(exist_ok=True)
    source = resources.files("samarkiv.packages") / "schemas"
    records = []
    for name in SCHEMA_FILES:
        data = (source / name).read_bytes()
        atomic_write_bytes(folder / name, data)
        records.append(
            FileRecord(f"{SCHEMA_FOLDER}/{name}", len(data), hashlib.sha256(data).hexdigest())
        )
    return records


def _root_attributes(mets: Path) -> dict[str, str]:
    """Attributes of a METS root, read without parsing the (possibly huge) rest."""
    for child in iter_children(mets, q(METS, "mets")):
        return dict(child.getparent().attrib)
    return {}


def _content_type_attrs(sip_mets: Path) -> dict[str, str]:
    """mets/@TYPE and csip content information type, carried over from the SIP.

    A value outside the CSIP vocabularies (an FGS 1.x SIP, say) is kept as the
    OTHER/OTHERTYPE pair so the AIP METS stays conformant without losing it.
    """
    sip = _root_attributes(sip_mets)
    attrs: dict[str, str] = {}
    kind = (sip.get("TYPE") or "").strip()
    categories = {t.casefold(): t for t in vocabulary("CSIPVocabularyContentCategory")}
    if kind.casefold() in categories:
        attrs["TYPE"] = categories[kind.casefold()]
        other = sip.get(q(CSIP, "OTHERTYPE"))
        if kind.casefold() == "other" and other:
            attrs[q(CSIP, "OTHERTYPE")] = other
    else:
        attrs["TYPE"] = "OTHER"
        attrs[q(CSIP, "OTHERTYPE")] = kind or "unknown"
    cit = (sip.get(q(CSIP, "CONTENTINFORMATIONTYPE")) or "").strip()
    if cit in vocabulary("CSIPVocabularyContentInformationType"):
        attrs[q(CSIP, "CONTENTINFORMATIONTYPE")] = cit
        other_cit = sip.get(q(CSIP, "OTHERCONTENTINFORMATIONTYPE"))
        if cit == "OTHER" and other_cit:
            attrs[q(CSIP, "OTHERCONTENTINFORMATIONTYPE")] = other_cit
    elif cit:
        attrs[q(CSIP, "CONTENTINFORMATIONTYPE")] = "OTHER"
        attrs[q(CSIP, "OTHERCONTENTINFORMATIONTYPE")] = cit
    return attrs


# --------------------------------------------------------------------------- AIP METS


@dataclass(frozen=True, slots=True)
class _MetsFacts:
    """Everything the AIP METS says besides the list of submitted files."""

    aip_id: str
    tenant: TenantRef
    sip_objid: str
    sip_label: str
    agreement: str
    created: str
    type_attrs: dict[str, str]
    premis: FileRecord
    schemas: list[FileRecord]
    submission_name: str
    sip_mets_href: str
    descriptive: tuple[DescriptiveCopy, ...] = ()


def _e(xf, local: str, attrib: dict[str, str] | None = None):
    """A METS element context in the streamed document (namespaces declared once)."""
    return xf.element(q(METS, local), attrib or {})


def _empty(xf, local: str, attrib: dict[str, str]) -> None:
    """An element with attributes only (mdRef, FLocat, fptr, mptr)."""
    with _e(xf, local, attrib):
        pass


def _leaf(xf, local: str, attrib: dict[str, str] | None, text: str) -> None:
    with _e(xf, local, attrib):
        xf.write(text)
    xf.write("\n")


def _write_aip_mets(path: Path, facts: _MetsFacts, sip_files: list[FileRecord]) -> None:
    """The AIP root METS (CSIP + AIP 2.2 profile), streamed: one line per file entry.

    Every submitted file is listed in the fileSec (E-ARK AIP 2.0 AIP-DIGITAL-OBJECTS,
    and what commons-IP's CSIP66 demands); the structMap also points at the SIP METS
    with mptr + fptr, the divided-METS pattern of AIP3.
    """
    attrib = {"OBJID": facts.aip_id, **facts.type_attrs, "PROFILE": AIP_PROFILE}
    if facts.sip_label:
        attrib["LABEL"] = facts.sip_label
    attrib[q(XSI, "schemaLocation")] = _SCHEMA_LOCATION
    prefix = f"{SUBMISSION_FOLDER}/{facts.submission_name}/"
    with atomic_open(path) as fh, etree.xmlfile(fh, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(q(METS, "mets"), attrib, nsmap=_NSMAP):
            xf.write("\n")
            _write_header(xf, facts)
            _write_dmd_secs(xf, facts)
            _write_amd_sec(xf, facts)
            with _e(xf, "fileSec", {"ID": "ID-filesec"}):
                xf.write("\n")
                with _e(xf, "fileGrp", {"ID": ID_GRP_SCHEMAS, "USE": "Schemas"}):
                    xf.write("\n")
                    for number, record in enumerate(facts.schemas, start=1):
                        file_id = f"ID-file-schema-{number}"
                        _write_file(xf, file_id, record.path, record, _XML_MIME, facts.created)
                xf.write("\n")
                use = f"Submission/{facts.submission_name}"
                with _e(xf, "fileGrp", {"ID": ID_GRP_SUBMISSION, "USE": use}):
                    xf.write("\n")
                    for number, record in enumerate(sip_files, start=1):
                        file_id = f"ID-file-submission-1-{number}"
                        href = prefix + record.path
                        _write_file(xf, file_id, href, record, _mimetype(record), facts.created)
                xf.write("\n")
            xf.write("\n")
            _write_struct_map(xf, facts)


def _write_header(xf, facts: _MetsFacts) -> None:
    """metsHdr: the creating software (CSIP10-16), the owning tenant, the SIP's OBJID."""
    hdr_attrib = {
        "CREATEDATE": facts.created,
        "LASTMODDATE": facts.created,
        "RECORDSTATUS": "NEW",
        q(CSIP, "OAISPACKAGETYPE"): "AIP",
    }
    code_note = {q(CSIP, "NOTETYPE"): "IDENTIFICATIONCODE"}
    software = {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    with _e(xf, "metsHdr", hdr_attrib):
        xf.write("\n")
        with _e(xf, "agent", software):
            _leaf(xf, "name", None, SOFTWARE_NAME)
            version_note = {q(CSIP, "NOTETYPE"): "SOFTWARE VERSION"}
            _leaf(xf, "note", version_note, samarkiv.__version__)
        xf.write("\n")
        with _e(xf, "agent", {"ROLE": "IPOWNER", "TYPE": "ORGANIZATION"}):
            _leaf(xf, "name", None, facts.tenant.name)
            _leaf(xf, "note", code_note, f"{TENANT_NOTE_PREFIX}{facts.tenant.code}")
            if facts.tenant.org_number:
                _leaf(xf, "note", code_note, f"{ORG_NUMBER_PREFIX}{facts.tenant.org_number}")
        xf.write("\n")
        _leaf(xf, "altRecordID", {"TYPE": SIP_OBJID_TYPE}, facts.sip_objid)
        if facts.agreement:  # CSIP's own type: the catalogue can be rebuilt with it
            _leaf(xf, "altRecordID", {"TYPE": AGREEMENT_TYPE}, facts.agreement)
    xf.write("\n")


def _write_dmd_secs(xf, facts: _MetsFacts) -> None:
    """AIPM4: the carried-over descriptive metadata, CURRENT."""
    for carried in facts.descriptive:
        md_attrib = {**_locator(carried.record.path), "MDTYPE": carried.mdtype}
        if carried.other_mdtype:
            md_attrib["OTHERMDTYPE"] = carried.other_mdtype
        md_attrib.update(_fixity(carried.record, carried.mimetype, facts.created))
        dmd = {"ID": carried.dmd_id, "CREATED": facts.created, "STATUS": "CURRENT"}
        with _e(xf, "dmdSec", dmd):
            _empty(xf, "mdRef", md_attrib)
        xf.write("\n")


def _write_amd_sec(xf, facts: _MetsFacts) -> None:
    """AIPM5/AIPM6: the PREMIS file as digital provenance, with its size and SHA-256."""
    digi_attrib = {"ID": ID_DIGIPROV, "CREATED": facts.created, "STATUS": "CURRENT"}
    md_attrib = {
        **_locator(facts.premis.path),
        "MDTYPE": "PREMIS",
        "MDTYPEVERSION": "3.0",
        "LABEL": "PREMIS",
        **_fixity(facts.premis, _XML_MIME, facts.created),
    }
    with _e(xf, "amdSec", {"ID": "ID-amdsec"}), _e(xf, "digiprovMD", digi_attrib):
        _empty(xf, "mdRef", md_attrib)
    xf.write("\n")


def _locator(href: str) -> dict[str, str]:
    return {"LOCTYPE": "URL", q(XLINK, "type"): "simple", q(XLINK, "href"): href}


def _mimetype(record: FileRecord) -> str:
    """The record's media type if IANA knows it (CSIP68), else application/octet-stream."""
    base = record.mime.split(";", 1)[0].strip().lower()
    return base if base in iana_media_types() else "application/octet-stream"


def _fixity(record: FileRecord, mimetype: str, created: str) -> dict[str, str]:
    """CSIP68-72 (file) and CSIP53-57 (mdRef): type, size, date and SHA-256.

    CREATED is when the entry was made (E-ARK AIP 2.0, table 2): the AIP's creation.
    """
    return {
        "MIMETYPE": mimetype,
        "SIZE": str(record.size),
        "CREATED": created,
        "CHECKSUM": record.sha256.lower(),
        "CHECKSUMTYPE": "SHA-256",
    }


def _write_file(
    xf, file_id: str, href: str, record: FileRecord, mimetype: str, created: str
) -> None:
    with _e(xf, "file", {"ID": file_id, **_fixity(record, mimetype, created)}):
        _empty(xf, "FLocat", _locator(href))
    xf.write("\n")


def _write_struct_map(xf, facts: _MetsFacts) -> None:
    """CSIP structMap; the submission division points at the SIP METS (mptr + fptr)."""
    smap = {"ID": "ID-structmap-csip", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    submission = f"{SUBMISSION_FOLDER}/{facts.submission_name}"
    mptr = {**_locator(facts.sip_mets_href), q(XLINK, "title"): ID_GRP_SUBMISSION}
    with _e(xf, "structMap", smap), _e(xf, "div", {"ID": "ID-div-aip", "LABEL": facts.aip_id}):
        xf.write("\n")
        metadata = {"ID": "ID-div-metadata", "LABEL": "Metadata", "ADMID": ID_DIGIPROV}
        if facts.descriptive:
            metadata["DMDID"] = " ".join(d.dmd_id for d in facts.descriptive)
        _empty(xf, "div", metadata)
        xf.write("\n")
        with _e(xf, "div", {"ID": "ID-div-schemas", "LABEL": "Schemas"}):
            _empty(xf, "fptr", {"FILEID": ID_GRP_SCHEMAS})
        xf.write("\n")
        with (
            _e(xf, "div", {"ID": "ID-div-submission", "LABEL": SUBMISSION_FOLDER}),
            _e(xf, "div", {"ID": "ID-div-submission-1", "LABEL": submission}),
        ):
            _empty(xf, "mptr", mptr)
            _empty(xf, "fptr", {"FILEID": ID_GRP_SUBMISSION})
        xf.write("\n")
    xf.write("\n")


# Reading lives in aip_reader; re-exported here for callers of the one AIP module.
from samarkiv.packages.aip_reader import read_aip_summary  # noqa: E402

__all__ = ["build_aip", "read_aip_summary"]
