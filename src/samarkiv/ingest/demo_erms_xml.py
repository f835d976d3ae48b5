"""Descriptive metadata writers for the ERMS demo deliveries: CITS ERMS v3 and v2 (FGS
Ärendehantering 2.0), legacy FGS Ärendehantering 1.x, and EAD3 / EAD 2002.

Why several shapes of the same cases: a municipal archive receives all of them (older
diarium exports are FGS 1.x, newer ones CITS ERMS, archival finding aids EAD), and the
records extraction must map each to the same cases and documents. The ERMS output is
valid against the official XSD and Schematron of its version (tested). The FGS 1.x shape
follows the element names of Riksarkivet's ``arendehantering.xsd`` as used in municipal
export scripts; no official copy of that schema is available offline.
No Django here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
FGS_ERMS_NS = "http://xml.ra.se/e-arkiv/FGS-ERMS"
EAD3_NS = "http://ead3.archivists.org/schema/"
EAD2002_NS = "urn:isbn:1-931666-22-9"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EXPORTED = "2024-04-30T10:00:00"
_UUIDS = uuid.UUID("5d0f4a3e-7a51-4bd4-9a57-5e3f0c8a1b2c")  # stable ids: byte-identical builds


@dataclass(frozen=True)
class DemoParty:
    """A party of a case (sökande, ombud, förslagsställare ...)."""

    name: str
    role: str  # Swedish role text, e.g. "Sökande"
    id_number: str = ""  # personnummer (ÅÅÅÅMMDD-NNNN) or organisationsnummer (NNNNNN-NNNN)
    id_type: str = ""  # "personnummer" | "organisationsnummer"
    address: tuple[str, ...] = ()  # street, postal code, city
    agent_type: str = "counterpart"


@dataclass(frozen=True)
class DemoDocument:
    """A registered document (handling) and its file under the case folder in rep1/data."""

    number: int
    title: str
    doc_type: str  # Swedish: Ansökan, Ritning, Beslut ...
    direction: str  # ERMS directionDefinition: incoming, outgoing, internal_memo_...
    date: str  # YYYY-MM-DD
    filename: str
    text: tuple[str, ...]
    sender: DemoParty | None = None


@dataclass(frozen=True)
class DemoCase:
    """A case (ärende) with its diary number, classification, officer, parties, documents."""

    registration_number: str
    title: str
    classification_code: str
    classification_title: str
    case_officer: str
    unit: str
    opened: str
    closed: str
    description: str
    parties: tuple[DemoParty, ...]
    documents: tuple[DemoDocument, ...]

    @property
    def folder(self) -> str:
        """The case's folder under rep1/data: the diary number made path-friendly."""
        return self.registration_number.replace(" ", "-").replace("/", "-")


@dataclass(frozen=True)
class DemoOrganisation:
    """Who exported the cases: the records creator and its case management system."""

    municipality: str = "Hörby kommun"
    board: str = "bygg- och miljönämnden"
    org_number: str = "212000-1124"
    system: str = "Demodiariet 5.1"
    classification_scheme: str = "Klassificeringsstruktur enligt KLASSA, Hörby kommun"

    @property
    def creator(self) -> str:
        return f"{self.municipality}, {self.board}"


Href = Callable[[DemoCase, DemoDocument], str]  # the file reference written in the metadata


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUIDS, "/".join(parts)))


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrib: str):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrib.items() if v})
    if text is not None:
        el.text = text
    return el


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------- CITS ERMS


def erms_document(
    cases: tuple[DemoCase, ...], org: DemoOrganisation, href: Href, *, version: int = 3
) -> bytes:
    """A CITS ERMS document (v3 = ERMS_v3.xsd 3.0.2, v2 = ERMS.xsd 2.1.2) of the cases."""
    xsd = "ERMS_v3.xsd" if version == 3 else "ERMS.xsd"
    root = etree.Element(
        f"{{{ERMS_NS}}}erms",
        nsmap={None: ERMS_NS, "xsi": XSI_NS},
        attrib={f"{{{XSI_NS}}}schemaLocation": f"{ERMS_NS} https://DILCIS.eu/XML/ERMS/{xsd}"},
    )
    _erms_control(root, org, version)
    aggregations = _el(root, ERMS_NS, "aggregations")
    for case in cases:
        _erms_case(aggregations, case, org, href, version)
    return to_bytes(root)


def _erms_control(root: etree._Element, org: DemoOrganisation, version: int) -> None:
    control = _el(root, ERMS_NS, "control")
    _el(control, ERMS_NS, "identification", org.system, identificationType="system_name")
    scheme_attrs = {"classificationSchemaId": "klassa", "classificationSchemaStatus": "current"}
    scheme = _el(control, ERMS_NS, "classificationSchema", **(scheme_attrs if version == 3 else {}))
    if version == 3:
        _el(_el(scheme, ERMS_NS, "useDatePeriod"), ERMS_NS, "fromDate", "2020-01-01")
    text = _el(scheme, ERMS_NS, "textualDescriptionOfClassificationSchema")
    _el(text, ERMS_NS, "p", org.classification_scheme)
    _el(_el(control, ERMS_NS, "dates"), ERMS_NS, "date", EXPORTED, dateType="created")
    maintenance = _el(control, ERMS_NS, "maintenanceInformation")
    _el(maintenance, ERMS_NS, "maintenanceStatus", value="new")
    agency = _el(maintenance, ERMS_NS, "maintenanceAgency")
    _el(agency, ERMS_NS, "agencyCode", org.org_number, type="organisationsnummer")
    _el(agency, ERMS_NS, "agencyName", org.creator)
    event = _el(_el(maintenance, ERMS_NS, "maintenanceHistory"), ERMS_NS, "maintenanceEvent")
    _el(event, ERMS_NS, "eventType", value="created")
    _el(event, ERMS_NS, "eventDateTime", EXPORTED)
    _el(_el(event, ERMS_NS, "agent", agentType="creator"), ERMS_NS, "name", org.system)


def _erms_case(
    parent: etree._Element, case: DemoCase, org: DemoOrganisation, href: Href, version: int
) -> None:
    attrs = {"systemIdentifier": _uuid(case.registration_number), "aggregationType": "caseFile"}
    if version == 3:
        attrs["classificationSchemaUsed"] = "klassa"
    agg = _el(parent, ERMS_NS, "aggregation", **attrs)
    _el(agg, ERMS_NS, "objectId", case.registration_number)
    _el(agg, ERMS_NS, "extraId", case.registration_number, extraIdType="diarienummer")
    code = case.classification_code
    _el(agg, ERMS_NS, "classification", case.classification_title, classificationCode=code)
    _el(agg, ERMS_NS, "title", case.title)
    _el(agg, ERMS_NS, "status", value="closed")
    agents = _el(agg, ERMS_NS, "agents")
    officer = _el(agents, ERMS_NS, "agent", agentType="responsible_person")
    _el(officer, ERMS_NS, "name", case.case_officer)
    _el(officer, ERMS_NS, "organisation", org.municipality)
    _el(officer, ERMS_NS, "unitName", case.unit)
    _el(officer, ERMS_NS, "role", "Handläggare")
    for party in case.parties:
        _erms_agent(agents, party, version)
    _el(agg, ERMS_NS, "description", case.description)
    dates = _el(agg, ERMS_NS, "dates")
    _el(dates, ERMS_NS, "date", f"{case.opened}T09:00:00", dateType="opened")
    _el(dates, ERMS_NS, "date", f"{case.closed}T15:00:00", dateType="closed")
    for doc in case.documents:
        _erms_record(agg, case, doc, href, version)


def _erms_agent(parent: etree._Element, party: DemoParty, version: int) -> None:
    agent = _el(parent, ERMS_NS, "agent", agentType=party.agent_type)
    _el(agent, ERMS_NS, "name", party.name)
    if party.id_number:
        _el(agent, ERMS_NS, "idNumber", party.id_number, idNumberType=party.id_type)
    _el(agent, ERMS_NS, "role", party.role)
    if party.address:
        contact = _el(agent, ERMS_NS, "addressContactInformation")
        kind = "addressType" if version == 3 else "adressType"  # v2 spells it so
        line_types = ("postal_address", "postal_code", "postal_city")[: len(party.address)]
        for value, line_type in zip(party.address, line_types, strict=True):
            _el(contact, ERMS_NS, "addressLine", value, **{kind: line_type})
        if version == 2:  # v2 requires at least one contactLine too
            _el(contact, ERMS_NS, "contactLine", "0415-37 80 00", contactType="phonenumber")


def _erms_record(
    agg: etree._Element, case: DemoCase, doc: DemoDocument, href: Href, version: int
) -> None:
    attrs = {"systemIdentifier": _uuid(case.registration_number, str(doc.number))}
    attrs["recordType"] = doc.doc_type
    if version == 3:
        attrs["recordPhysicalOrDigital"] = "digital"
    record = _el(agg, ERMS_NS, "record", **attrs)
    _el(record, ERMS_NS, "objectId", f"{case.registration_number}-{doc.number}")
    _el(record, ERMS_NS, "title", doc.title)
    _el(record, ERMS_NS, "runningNumber", str(doc.number))
    _el(record, ERMS_NS, "direction", directionDefinition=doc.direction)
    if doc.sender is not None:
        _erms_agent(_el(record, ERMS_NS, "agents"), doc.sender, version)
    kind = {"incoming": "received", "outgoing": "expedited"}.get(doc.direction, "created")
    _el(_el(record, ERMS_NS, "dates"), ERMS_NS, "date", f"{doc.date}T10:00:00", dateType=kind)
    info = _el(record, ERMS_NS, "additionalInformation")
    _el(info, ERMS_NS, "appendix", name=doc.filename, path=href(case, doc))


# --------------------------------------------------------------------------- FGS 1.x


def fgs_erms1_document(cases: tuple[DemoCase, ...], org: DemoOrganisation, href: Href) -> bytes:
    """A legacy FGS Ärendehantering 1.x ``Leveransobjekt`` of the cases."""
    location = f"{FGS_ERMS_NS} arendehantering.xsd"
    root = etree.Element(
        f"{{{FGS_ERMS_NS}}}Leveransobjekt",
        nsmap={None: FGS_ERMS_NS, "xsi": XSI_NS},
        attrib={f"{{{XSI_NS}}}schemaLocation": location},
    )
    cases_el = _el(root, FGS_ERMS_NS, "ArkivobjektListaArenden")
    for case in cases:
        _fgs_case(cases_el, case, org, href)
    return to_bytes(root)


def _fgs_case(parent: etree._Element, case: DemoCase, org: DemoOrganisation, href: Href) -> None:
    ns = FGS_ERMS_NS
    el = _el(parent, ns, "ArkivobjektArende", Systemidentifierare=_uuid(case.registration_number))
    _el(el, ns, "ArkivobjektID", case.registration_number)
    _el(el, ns, "Avslutat", case.closed)
    _el(el, ns, "Beskrivning", case.description)
    agent = _el(el, ns, "Agent")
    _el(agent, ns, "Roll", "Handläggare")
    _el(agent, ns, "Namn", case.case_officer)
    _el(agent, ns, "Enhetsnamn", case.unit)
    _el(agent, ns, "Organisationsnamn", org.creator)
    _el(el, ns, "Klass", f"{case.classification_code} {case.classification_title}")
    for party in case.parties:
        _fgs_party(el, "Motpart", party)
    _el(el, ns, "Skapad", case.opened)
    _el(el, ns, "StatusArande", "Avslutat")
    _el(el, ns, "Arendemening", case.title)
    docs = _el(el, ns, "ArkivobjektListaHandlingar")
    for doc in case.documents:
        ident = _uuid(case.registration_number, str(doc.number))
        handling = _el(docs, ns, "ArkivobjektHandling", Systemidentifierare=ident)
        _el(handling, ns, "ArkivobjektID", f"{case.registration_number}-{doc.number}")
        _el(handling, ns, "Handlingstyp", doc.doc_type)
        if doc.sender is not None:
            _fgs_party(handling, "Avsandare", doc.sender)
        _el(handling, ns, "Lopnummer", str(doc.number))
        _el(handling, ns, "Rubrik", doc.title)
        _el(handling, ns, "Skapad", doc.date)
        status = {"incoming": "Inkommen", "outgoing": "Expedierad"}.get(doc.direction, "Upprättad")
        _el(handling, ns, "StatusHandling", status)
        _el(handling, ns, "Bilaga", Namn=doc.filename, Lank=href(case, doc))


def _fgs_party(parent: etree._Element, tag: str, party: DemoParty) -> None:
    ns = FGS_ERMS_NS
    el = _el(parent, ns, tag)
    _el(el, ns, "Namn", party.name)
    if party.id_type == "personnummer":
        _el(el, ns, "Personnummer", party.id_number)
    elif party.id_number:
        _el(el, ns, "Organisationsnummer", party.id_number)
    tags = ("Postadress", "Postnummer", "Postort")[: len(party.address)]
    for tag_name, value in zip(tags, party.address, strict=True):
        _el(el, ns, tag_name, value)


# --------------------------------------------------------------------------- EAD


def ead_document(
    cases: tuple[DemoCase, ...], org: DemoOrganisation, href: Href, *, version: str = "3"
) -> bytes:
    """An EAD3 (``version="3"``) or EAD 2002 finding aid: the series, one file per case,
    one item per document with a digital object link to its file."""
    ns = EAD3_NS if version == "3" else EAD2002_NS
    nsmap = {None: ns} if version == "3" else {None: ns, "xlink": XLINK_NS}
    root = etree.Element(f"{{{ns}}}ead", nsmap=nsmap)
    title = f"{org.creator}, diarieförda ärenden"
    (_ead3_control if version == "3" else _ead2002_header)(root, org, title)
    archdesc = _el(root, ns, "archdesc", level="series")
    did = _el(archdesc, ns, "did")
    _el(did, ns, "unitid", f"SE/{org.org_number}/E1")
    _el(did, ns, "unittitle", title)
    years = sorted({c.opened[:4] for c in cases} | {c.closed[:4] for c in cases})
    _el(did, ns, "unitdate", f"{years[0]}–{years[-1]}", normal=f"{years[0]}/{years[-1]}")
    _ead_name(_el(_el(did, ns, "origination"), ns, "corpname"), ns, org.creator, version)
    dsc = _el(archdesc, ns, "dsc")
    for case in cases:
        c01 = _el(dsc, ns, "c01", level="file")
        cdid = _el(c01, ns, "did")
        _el(cdid, ns, "unitid", case.registration_number)
        _el(cdid, ns, "unittitle", case.title)
        _el(
            cdid,
            ns,
            "unitdate",
            f"{case.opened}–{case.closed}",
            normal=f"{case.opened}/{case.closed}",
        )
        _el(_el(c01, ns, "scopecontent"), ns, "p", case.description)
        for doc in case.documents:
            ddid = _el(_el(c01, ns, "c02", level="item"), ns, "did")
            _el(ddid, ns, "unitid", f"{case.registration_number}-{doc.number}")
            _el(ddid, ns, "unittitle", doc.title)
            _el(ddid, ns, "unitdate", doc.date, normal=doc.date)
            if version == "3":
                _el(ddid, ns, "dao", daotype="derived", href=href(case, doc))
            else:
                link = {f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": href(case, doc)}
                etree.SubElement(ddid, f"{{{ns}}}dao", link)
    return to_bytes(root)


def _ead_name(corpname: etree._Element, ns: str, name: str, version: str) -> None:
    if version == "3":  # EAD3 names hold parts
        _el(corpname, ns, "part", name)
    else:
        corpname.text = name


def _ead3_control(root: etree._Element, org: DemoOrganisation, title: str) -> None:
    ns = EAD3_NS
    control = _el(root, ns, "control")
    _el(control, ns, "recordid", f"{org.org_number}-arenden")
    _el(_el(_el(control, ns, "filedesc"), ns, "titlestmt"), ns, "titleproper", title)
    _el(control, ns, "maintenancestatus", value="new")
    _el(_el(control, ns, "maintenanceagency"), ns, "agencyname", org.municipality)
    event = _el(_el(control, ns, "maintenancehistory"), ns, "maintenanceevent")
    _el(event, ns, "eventtype", value="created")
    _el(event, ns, "eventdatetime", EXPORTED, standarddatetime=EXPORTED)
    _el(event, ns, "agenttype", value="machine")
    _el(event, ns, "agent", org.system)


def _ead2002_header(root: etree._Element, org: DemoOrganisation, title: str) -> None:
    ns = EAD2002_NS
    header = _el(root, ns, "eadheader")
    _el(header, ns, "eadid", f"{org.org_number}-arenden", countrycode="SE")
    _el(_el(_el(header, ns, "filedesc"), ns, "titlestmt"), ns, "titleproper", title)
