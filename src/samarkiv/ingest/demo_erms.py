"""ERMS demo deliveries: E-ARK SIPs whose descriptive metadata describes municipal cases.

Why: the records catalogue (cases, documents, parties, full text) must be built, tested
and shown with deliveries that look like a real diarium export from a Swedish
municipality: building permit cases with a diary number, a KLASSA classification, a case
officer, private persons with a personnummer (the Skatteverket test numbers, never real
people) and companies, and documents as PDF, DOCX, ODT and TXT files with Swedish text.
The same cases can be described as CITS ERMS v3 or v2, FGS Ärendehantering 1.x or EAD
(3 or 2002). Every build is byte-identical. No Django: tests and the CLI call
:func:`build_erms_sip` and :func:`build_ead_sip`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from mimetypes import guess_type
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from samarkiv.ingest import demo_mets as m
from samarkiv.ingest.demo_erms_xml import (
    DemoCase,
    DemoDocument,
    DemoOrganisation,
    DemoParty,
    ead_document,
    erms_document,
    fgs_erms1_document,
)
from samarkiv.ingest.demo_mets import Entry, Header
from samarkiv.ingest.demo_packages import REP, copy_schemas
from samarkiv.ingest.demo_pdf import text_pdf_bytes
from samarkiv.ingest.demo_sips import docx_bytes, odt_bytes

ERMS_NAME = "sip-horby-bn-arenden-2023"
MIMETYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}
TEXT_ENCODINGS = {"yttrande från granne.txt": "cp1252"}  # an older Windows system's export

TOLVAN = DemoParty(
    "Tolvan Tolvansson",
    "Sökande",
    "19121212-1212",
    "personnummer",
    ("Stenbyvägen 12", "242 92", "Hörby"),
)
GRANNE = DemoParty(
    "Märta Sjöberg", "Granne", "19850312-2387", "personnummer", ("Kvarngatan 7", "242 30", "Hörby")
)
STENBY_BYGG = DemoParty("Stenby Bygg AB", "Ombud", "556677-8899", "organisationsnummer")
LJUNGENS = DemoParty(
    "Ljungens Bygg & Förvaltning AB", "Byggherre", "556123-4567", "organisationsnummer"
)
KOMMUNEN = DemoParty(
    "Hörby kommun, vård- och omsorgsförvaltningen", "Sökande", "212000-1124", "organisationsnummer"
)

STENBY = DemoCase(
    registration_number="BN 2023/145",
    title="Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12",
    classification_code="3.4.2",
    classification_title="Pröva ansökan om bygglov",
    case_officer="Karin Holmén",
    unit="Bygglovsenheten",
    opened="2023-03-14",
    closed="2023-06-20",
    description=(
        "Ansökan om bygglov för nybyggnad av enbostadshus med garage. Sökanden "
        "19121212-1212 har kompletterat ansökan med nybyggnadskarta."
    ),
    parties=(TOLVAN, STENBY_BYGG),
    documents=(
        DemoDocument(
            1,
            "Ansökan om bygglov, Stenby 3:12",
            "Ansökan",
            "incoming",
            "2023-03-14",
            "ansökan om bygglov.pdf",
            (
                "Ansökan om bygglov för nybyggnad av enbostadshus.",
                "Fastighet: Hörby Stenby 3:12. Sökande: Tolvan Tolvansson.",
                "Byggnadsarea 142 kvm, en våning med inredd vind och fristående garage.",
            ),
            TOLVAN,
        ),
        DemoDocument(
            2,
            "Fasadritning och planritning",
            "Ritning",
            "incoming",
            "2023-03-14",
            "ritning fasad och plan.pdf",
            (
                "Fasad mot söder och planritning, skala 1:100.",
                "Ritad av Stenby Bygg AB för ansökan om bygglov.",
            ),
            STENBY_BYGG,
        ),
        DemoDocument(
            3,
            "Beslut om bygglov",
            "Beslut",
            "outgoing",
            "2023-06-20",
            "beslut om bygglov.docx",
            (
                "Bygg- och miljönämnden beviljar bygglovet enligt 9 kap. 31 § plan- och "
                "bygglagen (2010:900).",
                "Bygglovet upphör att gälla om åtgärden inte har påbörjats inom två år.",
                "Beslutet kan överklagas hos länsstyrelsen i Skåne inom tre veckor.",
            ),
        ),
    ),
)
RINGGARDEN = DemoCase(
    registration_number="BN 2023/212",
    title="Bygglov för tillbyggnad av äldreboendet Ringgården, Hörby Kvarnen 5",
    classification_code="3.4.2",
    classification_title="Pröva ansökan om bygglov",
    case_officer="Per Åkesson",
    unit="Bygglovsenheten",
    opened="2023-05-02",
    closed="2023-09-12",
    description="Tillbyggnad med tolv lägenheter för äldreomsorg; grannehörande genomfört.",
    parties=(KOMMUNEN, GRANNE),
    documents=(
        DemoDocument(
            1,
            "Ansökan om bygglov för tillbyggnad",
            "Ansökan",
            "incoming",
            "2023-05-02",
            "ansökan tillbyggnad.odt",
            (
                "Vård- och omsorgsförvaltningen ansöker om bygglov för tillbyggnad av "
                "äldreboendet Ringgården.",
                "Behovet av platser inom äldreomsorg ökar enligt kommunens lokalförsörjningsplan.",
            ),
            KOMMUNEN,
        ),
        DemoDocument(
            2,
            "Yttrande från granne",
            "Yttrande",
            "incoming",
            "2023-06-01",
            "yttrande från granne.txt",
            (
                "Jag har inget att invända mot tillbyggnaden så länge infarten till "
                "Kvarngatan behålls.",
                "Det är bra att kommunen bygger ut äldreomsorgen i Hörby.",
                "Märta Sjöberg, Kvarngatan 7",
            ),
            GRANNE,
        ),
        DemoDocument(
            3,
            "Beslut om bygglov för tillbyggnad",
            "Beslut",
            "outgoing",
            "2023-09-12",
            "beslut tillbyggnad.pdf",
            (
                "Bygg- och miljönämnden beviljar bygglov för tillbyggnad av äldreboendet.",
                "Tillbyggnaden bedöms förenlig med detaljplanen för kvarteret Kvarnen.",
            ),
        ),
    ),
)
LJUNGEN = DemoCase(
    registration_number="BN 2023/301",
    title="Bygglov för nybyggnad av förskola, Hörby Ljungen 1:4",
    classification_code="3.4.2",
    classification_title="Pröva ansökan om bygglov",
    case_officer="Karin Holmén",
    unit="Bygglovsenheten",
    opened="2023-08-21",
    closed="2023-12-04",
    description="Nybyggnad av förskola med sex avdelningar och tillagningskök.",
    parties=(LJUNGENS,),
    documents=(
        DemoDocument(
            1,
            "Ansökan om bygglov för förskola",
            "Ansökan",
            "incoming",
            "2023-08-21",
            "ansökan förskola.docx",
            (
                "Ljungens Bygg & Förvaltning AB ansöker om bygglov för den nya förskolan "
                "på Ljungen 1:4.",
                "Förskolan får sex avdelningar, tillagningskök och en inhägnad gård.",
            ),
            LJUNGENS,
        ),
        DemoDocument(
            2,
            "Kontrollplan enligt plan- och bygglagen",
            "Kontrollplan",
            "incoming",
            "2023-10-02",
            "kontrollplan.odt",
            ("Kontrollplan för nybyggnad av förskolan.", "Kontrollansvarig: Anna Ek."),
            LJUNGENS,
        ),
        DemoDocument(
            3,
            "Beslut om bygglov för förskola",
            "Beslut",
            "outgoing",
            "2023-12-04",
            "beslut förskola.txt",
            (
                "Bygg- och miljönämnden beviljar bygglov för nybyggnad av förskolan.",
                "Startbesked lämnas när kontrollplanen har fastställts.",
            ),
        ),
    ),
)
DEFAULT_CASES = (STENBY, RINGGARDEN, LJUNGEN)
ORGANISATION = DemoOrganisation()
HEADER = Header(
    archival_creator=ORGANISATION.creator,
    creator_code=f"ORG:{ORGANISATION.org_number.replace('-', '')}",
    submitter="Hörby kommun, kommunarkivet",
    submitter_code="ORG:2120001124-ARK",
    reference_code="SE/HÖRBY/BN/2023",
    submission_agreement="LÖ 2024:5",
)
PREMIS = f"""<?xml version="1.0" encoding="UTF-8"?>
<premis xmlns="http://www.loc.gov/premis/v3" version="3.0">
  <event>
    <eventIdentifier>
      <eventIdentifierType>local</eventIdentifierType>
      <eventIdentifierValue>event-export</eventIdentifierValue>
    </eventIdentifier>
    <eventType>creation</eventType>
    <eventDateTime>{m.CREATED}</eventDateTime>
    <eventDetailInformation><eventDetail>Export ur {ORGANISATION.system}</eventDetail>
    </eventDetailInformation>
  </event>
</premis>
"""


@dataclass(frozen=True)
class Descriptive:
    """One descriptive metadata file of the package and how its dmdSec declares it."""

    filename: str
    data: bytes
    mdtype: str = "OTHER"
    other_mdtype: str = ""
    version: str = ""


def sip_href(case: DemoCase, doc: DemoDocument) -> str:
    """A document's file as the metadata references it: relative to the SIP root."""
    return f"representations/{REP}/data/{case.folder}/{doc.filename}"


def case_files(cases: tuple[DemoCase, ...]) -> dict[str, bytes]:
    """The documents' files, by path under rep1/data, in their own formats."""
    files: dict[str, bytes] = {}
    for case in cases:
        for doc in case.documents:
            files[f"{case.folder}/{doc.filename}"] = document_bytes(case, doc)
    return files


def document_bytes(case: DemoCase, doc: DemoDocument) -> bytes:
    """A genuine file of the document's format, with its title and text."""
    lines = [f"Diarienummer {case.registration_number}", *doc.text]
    suffix = Path(doc.filename).suffix
    if suffix == ".pdf":
        return text_pdf_bytes(doc.title, lines, author=ORGANISATION.creator)
    if suffix == ".docx":
        return docx_bytes(doc.title, lines)
    if suffix == ".odt":
        return odt_bytes(doc.title, lines)
    encoding = TEXT_ENCODINGS.get(doc.filename, "utf-8")
    return "\r\n".join([doc.title, "", *lines, ""]).encode(encoding)


def erms_descriptive(cases: tuple[DemoCase, ...], version: int) -> Descriptive:
    """The descriptive file for ``version`` 3 or 2 (CITS ERMS) or 1 (FGS 1.x)."""
    if version == 1:
        data = fgs_erms1_document(cases, ORGANISATION, sip_href)
        return Descriptive("arendehantering.xml", data, "OTHER", "FGS-ERMS", "1.0")
    if version not in (2, 3):
        raise ValueError(f"unknown ERMS version {version!r}: 3, 2 or 1 (FGS 1.x)")
    data = erms_document(cases, ORGANISATION, sip_href, version=version)
    return Descriptive("erms.xml", data, "OTHER", "ERMS", "3.0" if version == 3 else "2.1")


def build_erms_sip(
    parent: Path,
    name: str = ERMS_NAME,
    *,
    version: int = 3,
    cases: tuple[DemoCase, ...] = DEFAULT_CASES,
) -> Path:
    """A valid E-ARK SIP 2.2 ``parent/name`` of the cases, described in CITS ERMS v3/v2
    (``version`` 3 or 2) or FGS Ärendehantering 1.x (``version`` 1)."""
    content_type = {3: "citserms_v3_0", 2: "citserms_v2_1"}.get(version, "MIXED")
    label = f"{ORGANISATION.creator}, bygglovsärenden 2023"
    return build_sip(
        parent,
        name,
        label=label,
        files=case_files(cases),
        descriptive=erms_descriptive(cases, version),
        content_type=content_type,
    )


def build_ead_sip(
    parent: Path,
    name: str = "sip-horby-bn-forteckning-2023",
    *,
    ead_version: str = "3",
    cases: tuple[DemoCase, ...] = DEFAULT_CASES,
) -> Path:
    """A valid SIP of the same cases described as an EAD3 or EAD 2002 finding aid."""
    data = ead_document(cases, ORGANISATION, sip_href, version=ead_version)
    descriptive = Descriptive("ead.xml", data, "EAD", "", "EAD3" if ead_version == "3" else "")
    label = f"{ORGANISATION.creator}, arkivförteckning 2023"
    return build_sip(parent, name, label=label, files=case_files(cases), descriptive=descriptive)


def build_sip(
    parent: Path,
    name: str,
    *,
    label: str,
    files: dict[str, bytes],
    descriptive: Descriptive | None,
    content_type: str = "MIXED",
) -> Path:
    """A valid E-ARK SIP 2.2 folder with ``files`` in rep1/data and at most one package
    descriptive metadata file (none: a delivery without description). Also for tests
    that need a package around unusual metadata."""
    pkg = Path(parent) / name
    if pkg.exists():
        shutil.rmtree(pkg)
    rep_dir = pkg / "representations" / REP
    for rel, data in files.items():
        _put(rep_dir / "data" / rel, data)
    _put(rep_dir / "metadata" / "preservation" / "premis.xml", PREMIS.encode())
    _put(pkg / "metadata" / "preservation" / "premis.xml", PREMIS.encode())
    about = f"Leveransbeskrivning\n{label}\nArkivbildare: {ORGANISATION.creator}\n"
    _put(pkg / "documentation" / "leveransbeskrivning.txt", about.encode())
    if descriptive is not None:
        _put(pkg / "metadata" / "descriptive" / descriptive.filename, descriptive.data)
    _representation_mets(rep_dir, label, sorted(files), content_type)
    _package_mets(pkg, name, label, descriptive, content_type)
    return pkg


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _digiprov(root: etree._Element, folder: Path, prefix: str) -> None:
    amd = etree.SubElement(root, m.q(m.METS, "amdSec"))
    attrs = {"ID": f"{prefix}digiprov", "CREATED": m.CREATED, "STATUS": "CURRENT"}
    digi = etree.SubElement(amd, m.q(m.METS, "digiprovMD"), attrs)
    m.add_md_ref(digi, folder, Entry("metadata/preservation/premis.xml", "text/xml", ""), "PREMIS")


def _representation_mets(rep_dir: Path, label: str, rels: list[str], content_type: str) -> None:
    root = m.mets_root(REP, f"{label}, representation 1")
    root.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), content_type)
    m.add_header(root, HEADER)
    _digiprov(root, rep_dir, f"{REP}-")
    file_sec = etree.SubElement(root, m.q(m.METS, "fileSec"), {"ID": f"{REP}-filesec"})
    grp = etree.SubElement(file_sec, m.q(m.METS, "fileGrp"), {"ID": f"{REP}-grp-data"})
    grp.set("USE", "Data")
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), content_type)
    for i, rel in enumerate(rels, start=1):
        mime = MIMETYPES.get(Path(rel).suffix) or guess_type(rel)[0] or "application/octet-stream"
        entry = Entry(f"data/{rel}", mime, f"{REP}-file-{i:03d}")
        file_el = etree.SubElement(grp, m.q(m.METS, "file"), m.file_attributes(rep_dir, entry))
        link = {m.q(m.XLINK, "type"): "simple", m.q(m.XLINK, "href"): quote(entry.href)}
        etree.SubElement(file_el, m.q(m.METS, "FLocat"), {"LOCTYPE": "URL", **link})
    smap = etree.SubElement(
        root, m.q(m.METS, "structMap"), {"ID": f"{REP}-structmap", "TYPE": "PHYSICAL"}
    )
    smap.set("LABEL", "CSIP")
    top = m.div(smap, f"{REP}-div-root", REP)
    m.div(top, f"{REP}-div-metadata", "Metadata", ADMID=f"{REP}-digiprov")
    m.fptr(m.div(top, f"{REP}-div-data", "Data"), f"{REP}-grp-data")
    m.write(root, rep_dir / "METS.xml")


def _package_mets(
    pkg: Path, name: str, label: str, descriptive: Descriptive | None, content_type: str
) -> None:
    root = m.mets_root(name, label)
    root.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), content_type)
    m.add_header(root, HEADER)
    metadata_ids = {"ADMID": "pkg-digiprov"}
    if descriptive is not None:
        _dmd_sec(root, pkg, descriptive)
        metadata_ids["DMDID"] = "pkg-dmd"
    _digiprov(root, pkg, "pkg-")
    _package_file_sec(root, pkg, content_type)
    smap = etree.SubElement(
        root, m.q(m.METS, "structMap"), {"ID": "structmap-csip", "TYPE": "PHYSICAL"}
    )
    smap.set("LABEL", "CSIP")
    top = m.div(smap, "div-root", name)
    m.div(top, "div-metadata", "Metadata", **metadata_ids)
    m.fptr(m.div(top, "div-documentation", "Documentation"), "grp-documentation")
    m.fptr(m.div(top, "div-schemas", "Schemas"), "grp-schemas")
    rep = m.div(top, "div-rep1", f"Representations/{REP}")
    m.mptr(rep, f"representations/{REP}/METS.xml", "grp-rep1")
    m.fptr(rep, "grp-rep1")
    m.write(root, pkg / "METS.xml")


def _dmd_sec(root: etree._Element, pkg: Path, descriptive: Descriptive) -> None:
    attrs = {"ID": "pkg-dmd", "CREATED": m.CREATED, "STATUS": "CURRENT"}
    dmd = etree.SubElement(root, m.q(m.METS, "dmdSec"), attrs)
    entry = Entry(f"metadata/descriptive/{descriptive.filename}", "text/xml", "")
    m.add_md_ref(dmd, pkg, entry, descriptive.mdtype)
    ref = dmd[0]
    if descriptive.other_mdtype:
        ref.set("OTHERMDTYPE", descriptive.other_mdtype)
    if descriptive.version:
        ref.set("MDTYPEVERSION", descriptive.version)


def _package_file_sec(root: etree._Element, pkg: Path, content_type: str) -> None:
    file_sec = etree.SubElement(root, m.q(m.METS, "fileSec"), {"ID": "filesec"})
    docs = [Entry("documentation/leveransbeskrivning.txt", "text/plain", "file-doc-1")]
    m.add_file_group(file_sec, pkg, "Documentation", "grp-documentation", docs)
    schemas = copy_schemas(pkg / "schemas")
    xsds = [
        Entry(f"schemas/{schema}", "application/xml", f"file-schema-{i}")
        for i, schema in enumerate(schemas, start=1)
    ]
    m.add_file_group(file_sec, pkg, "Schemas", "grp-schemas", xsds)
    rep = [Entry(f"representations/{REP}/METS.xml", "application/xml", "file-rep1-mets")]
    grp = m.add_file_group(file_sec, pkg, f"Representations/{REP}", "grp-rep1", rep)
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), content_type)
