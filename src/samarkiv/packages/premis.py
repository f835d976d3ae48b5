"""PREMIS 3.0 preservation metadata: write it for an AIP, read it back from storage.

The PREMIS file is where an AIP keeps the facts the catalogue is rebuilt from: one
``file`` object per file (path, size, SHA-256, format), one ``intellectualEntity`` object
for the AIP itself, the events of ingest and the agents that performed them.

Why streamed: a municipal delivery can hold 100,000 files. The writer emits each object
through ``etree.xmlfile`` as it goes, so memory stays flat beyond the caller's list of
FileRecords; the reader uses ``iterparse`` and drops each entity once read.

Conventions (E-ARK AIP 2.2 "AIP preservation metadata" and the CSIP PREMIS principles):

- file objects are identified by type ``filepath`` with their AIP-relative path
  (``representation_prefix`` + the path inside the submitted package); ``originalName``
  keeps the path as delivered;
- fixity is always SHA-256 with originator ``samarkiv``;
- formats use ``formatDesignation`` and/or ``formatRegistry`` (PRONOM PUID), AIP7/AIP8;
- MIME type and the identification basis/warning have no PREMIS element, so they go in
  ``objectCharacteristicsExtension`` in samarkiv's own namespace (``EXT_NS``);
- every file object is related (structural, "is included in") to the AIP entity;
- event and agent types use the Library of Congress preservation vocabularies.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path

from lxml import etree

from samarkiv.packages.atomic import atomic_open
from samarkiv.packages.model import (
    AgentType,
    EventOutcome,
    EventType,
    FileRecord,
    PremisAgent,
    PremisEvent,
)
from samarkiv.packages.namespaces import PREMIS3, XSI, q
from samarkiv.packages.safexml import XmlProblem, parse_untrusted
from samarkiv.packages.validation.catalogue import schemas_path

EXT_NS = "urn:samarkiv:premis-extension:1"
NSMAP = {None: PREMIS3, "xsi": XSI, "samarkiv": EXT_NS}
DEFAULT_SCHEMA_LOCATION = "http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"

DIGEST_ALGORITHM = "SHA-256"
DIGEST_ORIGINATOR = "samarkiv"
FILE_ID_TYPE = "filepath"
AIP_ID_TYPE = "repository"  # as in the E-ARK AIP appendix for the package-level object
LOCAL_ID_TYPE = "local"
EVENT_ID_TYPE = "UUID"
PRONOM = "PRONOM"
# PREMIS requires a format; an unidentified file gets this placeholder plus a note, so
# that reading back can tell "no name known" from a format really called "unknown".
FORMAT_PLACEHOLDER = "unknown"
FORMAT_PLACEHOLDER_NOTE = "samarkiv: format not identified; formatName is a placeholder"

_LOC = "http://id.loc.gov/vocabulary/preservation"
_EVENT_CODES = {
    EventType.INGESTION_START: "ins",
    EventType.INGESTION_END: "ine",
    EventType.VALIDATION: "val",
    EventType.FORMAT_IDENTIFICATION: "for",
    EventType.MESSAGE_DIGEST_CALCULATION: "mes",
    EventType.FIXITY_CHECK: "fix",
    EventType.REPLICATION: "rep",
    EventType.VIRUS_CHECK: "vir",
    EventType.INFORMATION_PACKAGE_CREATION: "ipc",
}
_READ_CHUNK = 64 * 1024


def P(local: str) -> str:
    """Clark name of a PREMIS element."""
    return q(PREMIS3, local)


# --------------------------------------------------------------------------- writing


def write_premis(
    path: Path,
    *,
    aip_id: str,
    files: list[FileRecord],
    events: list[PremisEvent],
    agents: list[PremisAgent],
    representation_prefix: str = "",
    schema_location: str = DEFAULT_SCHEMA_LOCATION,
) -> None:
    """Write one PREMIS 3.0 document atomically, streaming one object at a time.

    ``representation_prefix`` turns the package-relative paths of ``files`` (and of the
    events' object ids that name those files) into AIP-relative paths, e.g.
    ``"submission/<sip>/"``. Raises ValueError for an event without a time zone.
    """
    for event in events:
        if event.date_time.tzinfo is None or event.date_time.utcoffset() is None:
            raise ValueError(f"event {event.identifier} has no time zone; PREMIS needs one")
    wanted = {oid for event in events for oid in event.object_ids}
    file_ids: set[str] = set()  # event object ids that are file paths; at most len(wanted)
    root_attrib = {
        "version": "3.0",
        q(XSI, "schemaLocation"): f"{PREMIS3} {schema_location}",
    }
    with atomic_open(path) as fh, etree.xmlfile(fh, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(P("premis"), root_attrib, nsmap=NSMAP):
            xf.write("\n")
            _write_entity(xf, aip_id)
            for record in files:
                _write_file(xf, record, representation_prefix, aip_id)
                if record.path in wanted:
                    file_ids.add(record.path)
            for event in events:
                _write_event(xf, event, file_ids, representation_prefix, aip_id)
            for agent in agents:
                _write_agent(xf, agent)


def _leaf(xf, name: str, text: str, attrib: dict[str, str] | None = None) -> None:
    with xf.element(P(name), attrib or {}):
        xf.write(text)


def _identifier(xf, kind: str, id_type: str, value: str) -> None:
    """``<kindIdentifier><kindIdentifierType/><kindIdentifierValue/></kindIdentifier>``."""
    with xf.element(P(f"{kind}Identifier")):
        _leaf(xf, f"{kind}IdentifierType", id_type)
        _leaf(xf, f"{kind}IdentifierValue", value)


def _write_entity(xf, aip_id: str) -> None:
    """The AIP as an intellectual entity: what every file object is included in."""
    with xf.element(P("object"), {q(XSI, "type"): "intellectualEntity"}):
        _identifier(xf, "object", AIP_ID_TYPE, aip_id)
    xf.write("\n")


def _write_file(xf, record: FileRecord, prefix: str, aip_id: str) -> None:
    with xf.element(P("object"), {q(XSI, "type"): "file"}):
        _identifier(xf, "object", FILE_ID_TYPE, prefix + record.path)
        with xf.element(P("objectCharacteristics")):
            with xf.element(P("fixity")):
                _leaf(xf, "messageDigestAlgorithm", DIGEST_ALGORITHM)
                _leaf(xf, "messageDigest", record.sha256)
                _leaf(xf, "messageDigestOriginator", DIGEST_ORIGINATOR)
            _leaf(xf, "size", str(record.size))
            _write_format(xf, record)
            _write_extension(xf, record)
        with xf.element(P("originalName")):
            xf.write(record.path)
        with xf.element(P("relationship")):
            _leaf(xf, "relationshipType", "structural")
            _leaf(xf, "relationshipSubType", "is included in")
            _identifier(xf, "relatedObject", AIP_ID_TYPE, aip_id)
    xf.write("\n")


def _write_format(xf, record: FileRecord) -> None:
    """formatDesignation and/or formatRegistry (PREMIS needs at least one of them)."""
    named = bool(record.format_name or record.format_version)
    with xf.element(P("format")):
        if named or not record.puid:
            with xf.element(P("formatDesignation")):
                _leaf(xf, "formatName", record.format_name or FORMAT_PLACEHOLDER)
                if record.format_version:
                    _leaf(xf, "formatVersion", record.format_version)
        if record.puid:
            with xf.element(P("formatRegistry")):
                _leaf(xf, "formatRegistryName", PRONOM)
                _leaf(xf, "formatRegistryKey", record.puid)
        if not record.format_name and (named or not record.puid):
            _leaf(xf, "formatNote", FORMAT_PLACEHOLDER_NOTE)


def _write_extension(xf, record: FileRecord) -> None:
    """MIME type and identification basis/warning: no PREMIS element holds them."""
    values = {"mimeType": record.mime, "basis": record.basis, "warning": record.warning}
    if not any(values.values()):
        return
    with (
        xf.element(P("objectCharacteristicsExtension")),
        xf.element(q(EXT_NS, "identification")),
    ):
        for name, value in values.items():
            if value:
                with xf.element(q(EXT_NS, name)):
                    xf.write(value)


def _object_link(oid: str, file_ids: set[str], prefix: str, aip_id: str) -> tuple[str, str]:
    """(identifier type, value) of an event's object, matching the objects written."""
    if oid in file_ids:
        return FILE_ID_TYPE, prefix + oid
    if oid == aip_id:
        return AIP_ID_TYPE, oid
    return LOCAL_ID_TYPE, oid


def _write_event(xf, event: PremisEvent, file_ids: set[str], prefix: str, aip_id: str) -> None:
    vocab = f"{_LOC}/eventType"
    type_attrib = {"authority": "eventType", "authorityURI": vocab}
    code = _EVENT_CODES.get(event.event_type)
    if code:
        type_attrib["valueURI"] = f"{vocab}/{code}"
    with xf.element(P("event")):
        _identifier(xf, "event", EVENT_ID_TYPE, event.identifier)
        _leaf(xf, "eventType", str(event.event_type), type_attrib)
        _leaf(xf, "eventDateTime", event.date_time.isoformat())
        if event.detail:
            with xf.element(P("eventDetailInformation")):
                _leaf(xf, "eventDetail", event.detail)
        with xf.element(P("eventOutcomeInformation")):
            _leaf(xf, "eventOutcome", str(event.outcome))
            if event.outcome_detail:
                with xf.element(P("eventOutcomeDetail")):
                    _leaf(xf, "eventOutcomeDetailNote", event.outcome_detail)
        for agent_id in event.agent_ids:
            _identifier(xf, "linkingAgent", LOCAL_ID_TYPE, agent_id)
        for oid in event.object_ids:
            _identifier(xf, "linkingObject", *_object_link(oid, file_ids, prefix, aip_id))
    xf.write("\n")


def _write_agent(xf, agent: PremisAgent) -> None:
    """A software agent's note is its version (agentVersion); others get an agentNote."""
    type_attrib = {"authority": "agentType", "authorityURI": f"{_LOC}/agentType"}
    with xf.element(P("agent")):
        _identifier(xf, "agent", LOCAL_ID_TYPE, agent.identifier)
        _leaf(xf, "agentName", agent.name)
        _leaf(xf, "agentType", str(agent.agent_type), type_attrib)
        if agent.note:
            kind = "agentVersion" if agent.agent_type == AgentType.SOFTWARE else "agentNote"
            _leaf(xf, kind, agent.note)
    xf.write("\n")


# --------------------------------------------------------------------------- reading


def read_premis(
    path: Path, *, representation_prefix: str = ""
) -> tuple[list[FileRecord], list[PremisEvent], list[PremisAgent]]:
    """Files, events and agents of a PREMIS file: the inverse of ``write_premis``.

    ``representation_prefix`` is stripped from ``filepath`` identifiers, so reading with
    the prefix used for writing returns the very records that were written. Raises
    ``XmlProblem`` for XML that is malformed or declares a DOCTYPE (no entities, no
    network), ValueError for values outside samarkiv's vocabularies.
    """
    files: list[FileRecord] = []
    events: list[PremisEvent] = []
    agents: list[PremisAgent] = []
    for el in iter_children(Path(path), P("premis")):
        name = etree.QName(el).localname
        if name == "object" and _xsi_type(el) == "file":
            files.append(_read_file(el, representation_prefix))
        elif name == "event":
            events.append(_read_event(el, representation_prefix))
        elif name == "agent":
            agents.append(_read_agent(el))
    return files, events, agents


def iter_children(
    path: Path, root_tag: str, *, skip: Collection[str] = ()
) -> Iterator[etree._Element]:
    """Each child of the root element, parsed and freed once the caller is done with it.

    Streaming and hardened for files of any size (PREMIS, METS of 100,000 files): no
    DTD, no entities, no network. Children tagged in ``skip`` are still parsed (the
    XML must be well-formed) but freed piece by piece and never yielded, so a huge
    fileSec costs no memory. The root element keeps its attributes throughout
    (``child.getparent()``). Raises ``XmlProblem`` for a DOCTYPE, malformed XML or
    another root element.
    """
    name = str(path)
    with open(path, "rb") as fh:
        _refuse_doctype(fh.read(_READ_CHUNK), name)
        fh.seek(0)
        context = etree.iterparse(
            fh,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
        )
        depth, skipping = 0, False
        try:
            for action, el in context:
                if action == "start":
                    depth += 1
                    if depth == 1:
                        _check_root(el, name, root_tag)
                    elif depth == 2:
                        skipping = el.tag in skip
                    continue
                depth -= 1  # now the depth of el's parent; 0 for the root itself
                if depth == 1 and not skipping:
                    yield el
                if depth >= 1 and (depth == 1 or skipping):
                    _free(el)
        except etree.XMLSyntaxError as exc:
            raise XmlProblem(
                "XML-WELLFORMED", f"'{name}' is not well-formed XML: {exc.msg}", path=name
            ) from None


def _free(el: etree._Element) -> None:
    """Drop a finished element's content and its finished siblings before it."""
    el.clear()
    parent = el.getparent()
    while parent is not None and el.getprevious() is not None:
        del parent[0]


def _refuse_doctype(head: bytes, name: str) -> None:
    """Archive XML never needs a DTD; refuse one before the parser sees a declaration."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise XmlProblem(
            "XML-DOCTYPE", f"'{name}' has a DOCTYPE/ENTITY declaration; refused", path=name
        )


def _check_root(el: etree._Element, name: str, root_tag: str) -> None:
    docinfo = el.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        _refuse_doctype(b"<!DOCTYPE", name)
    if el.tag != root_tag:
        raise XmlProblem("XML-ROOT", f"'{name}': root is {el.tag}, not {root_tag}", path=name)


def _xsi_type(el: etree._Element) -> str:
    """Local part of xsi:type (``file``, ``premis:file`` -> ``file``)."""
    return (el.get(q(XSI, "type")) or "").rpartition(":")[2]


@cache
def _path(steps: tuple[str, ...]) -> str:
    return "/".join(P(s) for s in steps)


def _text(el: etree._Element, *steps: str) -> str:
    """Text of a descendant, unstripped: values round-trip exactly as written."""
    return el.findtext(_path(steps)) or ""


def _read_file(el: etree._Element, prefix: str) -> FileRecord:
    path = _text(el, "objectIdentifier", "objectIdentifierValue")
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :]
    chars = el.find(P("objectCharacteristics"))
    if chars is None:
        raise ValueError(f"PREMIS file object {path!r} has no objectCharacteristics")
    sha256 = ""
    for fixity in chars.iterfind(P("fixity")):
        if _text(fixity, "messageDigestAlgorithm").strip().upper() == DIGEST_ALGORITHM:
            sha256 = _text(fixity, "messageDigest").strip()
    puid, name, version = _read_format(chars.find(P("format")))
    ext = chars.find(f"{P('objectCharacteristicsExtension')}/{q(EXT_NS, 'identification')}")

    def extension(field: str) -> str:
        return (ext.findtext(q(EXT_NS, field)) or "") if ext is not None else ""

    return FileRecord(
        path=path,
        size=int(_text(chars, "size").strip() or 0),
        sha256=sha256,
        puid=puid,
        format_name=name,
        format_version=version,
        mime=extension("mimeType"),
        basis=extension("basis"),
        warning=extension("warning"),
    )


def _read_format(fmt: etree._Element | None) -> tuple[str, str, str]:
    """(PUID, format name, format version); the placeholder name reads back as ''."""
    if fmt is None:
        return "", "", ""
    name = _text(fmt, "formatDesignation", "formatName")
    version = _text(fmt, "formatDesignation", "formatVersion")
    notes = {(n.text or "").strip() for n in fmt.iterfind(P("formatNote"))}
    if FORMAT_PLACEHOLDER_NOTE in notes:
        name = ""
    puid = ""
    registry = fmt.find(P("formatRegistry"))
    if registry is not None and _text(registry, "formatRegistryName").strip() == PRONOM:
        puid = _text(registry, "formatRegistryKey").strip()
    return puid, name, version


def _read_event(el: etree._Element, prefix: str) -> PremisEvent:
    objects = []
    for link in el.iterfind(P("linkingObjectIdentifier")):
        value = _text(link, "linkingObjectIdentifierValue")
        if _text(link, "linkingObjectIdentifierType").strip() == FILE_ID_TYPE and value.startswith(
            prefix
        ):
            value = value[len(prefix) :]
        objects.append(value)
    agents = [
        _text(link, "linkingAgentIdentifierValue")
        for link in el.iterfind(P("linkingAgentIdentifier"))
    ]
    return PremisEvent(
        identifier=_text(el, "eventIdentifier", "eventIdentifierValue"),
        event_type=EventType(_text(el, "eventType").strip()),
        date_time=datetime.fromisoformat(_text(el, "eventDateTime").strip()),
        outcome=EventOutcome(_text(el, "eventOutcomeInformation", "eventOutcome").strip().lower()),
        detail=_text(el, "eventDetailInformation", "eventDetail"),
        outcome_detail=_text(
            el, "eventOutcomeInformation", "eventOutcomeDetail", "eventOutcomeDetailNote"
        ),
        agent_ids=tuple(agents),
        object_ids=tuple(objects),
    )


def _read_agent(el: etree._Element) -> PremisAgent:
    return PremisAgent(
        identifier=_text(el, "agentIdentifier", "agentIdentifierValue"),
        name=_text(el, "agentName"),
        agent_type=AgentType(_text(el, "agentType").strip().lower()),
        note=_text(el, "agentVersion") or _text(el, "agentNote"),
    )


# --------------------------------------------------------------------------- schema


@cache
def premis_schema() -> etree.XMLSchema:
    """The vendored PREMIS 3.0 XSD (no network: it imports nothing)."""
    return etree.XMLSchema(etree.parse(str(schemas_path("premis-v3-0.xsd"))))


def premis_schema_errors(path: Path) -> list[str]:
    """Messages of everything in a PREMIS file that the PREMIS 3.0 XSD rejects."""
    schema = premis_schema()
    if schema.validate(parse_untrusted(Path(path))):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
