"""Demo deliveries built by code: one valid E-ARK SIP 2.2 and one deliberately broken one.

Why build instead of ship: the packages always match the current builder and checksums,
the repository carries no binary blobs, and tests make fresh copies in a tmp dir.
No Django here: `samarkiv demo`, the tests and benchmarks all call these functions.
"""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from importlib import resources
from pathlib import Path

from lxml import etree

from samarkiv.ingest import demo_mets as m
from samarkiv.ingest.demo_mets import Entry, Header

VALID_NAME = "sip-exempelby-protokoll-2024"
BROKEN_NAME = "sip-exempelby-trasigt-2024"
REP = "rep1"
SCHEMA_FILES = (
    "mets.xsd",
    "xlink.xsd",
    "DILCISExtensionMETS.xsd",
    "DILCISExtensionSIPMETS.xsd",
    "premis-v3-0.xsd",
)

PROTOKOLL = """Protokoll, kommunstyrelsen i Exempelby kommun, 2024-01-15

§ 1 Val av justerare
Kommunstyrelsen utser Anna Andersson att justera dagens protokoll.

§ 2 Informationshanteringsplan för kommunstyrelsen
Kommunstyrelsen fastställer informationshanteringsplanen (dnr KS 2023/412).
"""

LEVERANSBESKRIVNING = """Leveransbeskrivning
Arkivbildare: Exempelby kommun, kommunstyrelsen
Innehåll: protokoll 2024, en representation (rep1) med en textfil.
Paketet är ett demoexempel som samarkiv bygger själv.
"""

DUBLIN_CORE = """<?xml version="1.0" encoding="UTF-8"?>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Kommunstyrelsens protokoll 2024</dc:title>
  <dc:creator>Exempelby kommun, kommunstyrelsen</dc:creator>
  <dc:date>2024</dc:date>
  <dc:language>sv</dc:language>
</oai_dc:dc>
"""

PREMIS = """<?xml version="1.0" encoding="UTF-8"?>
<premis xmlns="http://www.loc.gov/premis/v3"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0">
  <object xsi:type="file">
    <objectIdentifier>
      <objectIdentifierType>local</objectIdentifierType>
      <objectIdentifierValue>representations/rep1/data/protokoll-2024-01-15.txt</objectIdentifierValue>
    </objectIdentifier>
    <objectCharacteristics>
      <format>
        <formatDesignation><formatName>Plain Text File</formatName></formatDesignation>
        <formatRegistry>
          <formatRegistryName>PRONOM</formatRegistryName>
          <formatRegistryKey>x-fmt/111</formatRegistryKey>
        </formatRegistry>
      </format>
    </objectCharacteristics>
  </object>
  <event>
    <eventIdentifier>
      <eventIdentifierType>local</eventIdentifierType>
      <eventIdentifierValue>event-1</eventIdentifierValue>
    </eventIdentifier>
    <eventType>creation</eventType>
    <eventDateTime>2024-05-02T10:00:00+02:00</eventDateTime>
  </event>
</premis>
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_schemas(dest: Path) -> list[str]:
    """Copy the vendored XSDs the METS files use (CSIPSTR15); return their names."""
    dest.mkdir(parents=True, exist_ok=True)
    source = resources.files("samarkiv.packages") / "schemas"
    copied = []
    for name in SCHEMA_FILES:
        item = source / name
        if item.is_file():
            (dest / name).write_bytes(item.read_bytes())
            copied.append(name)
    return copied


def copy_schemas(dest: Path) -> list[str]:
    """Public for the other demo builders (demo_sips): the vendored XSDs, copied to dest."""
    return _copy_schemas(dest)


def package_file_sec(root: etree._Element, pkg: Path, docs: list[Entry]) -> None:
    """Public for demo_sips: copy the schemas, then the package fileSec listing ``docs``.

    Same groups and IDs as the demo SIP, so :func:`package_struct_map` fits it.
    """
    _file_sec(root, pkg, _copy_schemas(pkg / "schemas"), docs)


def package_struct_map(root: etree._Element, name: str) -> None:
    """Public for demo_sips: the package structMap (expects dmdSec ``pkg-dmd`` and
    digiprovMD ``pkg-digiprov``)."""
    _struct_map(root, name)


def _representation_mets(rep_dir: Path, header: Header) -> None:
    """representations/rep1/METS.xml: the data and metadata of one representation."""
    data = [Entry("data/protokoll-2024-01-15.txt", "text/plain", "rep1-file-protokoll")]
    root = m.mets_root(REP, "Kommunstyrelsens protokoll 2024, representation 1")
    m.add_header(root, header)
    _metadata_sections(root, rep_dir, "rep1-")
    file_sec = etree.SubElement(root, m.q(m.METS, "fileSec"), {"ID": "rep1-filesec"})
    grp = m.add_file_group(file_sec, rep_dir, "Data", "rep1-grp-data", data)
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), "MIXED")
    smap = etree.SubElement(
        root,
        m.q(m.METS, "structMap"),
        {"ID": "rep1-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"},
    )
    top = m.div(smap, "rep1-div-root", REP)
    m.div(top, "rep1-div-metadata", "Metadata", ADMID="rep1-digiprov", DMDID="rep1-dmd")
    m.fptr(m.div(top, "rep1-div-data", "Data"), "rep1-grp-data")
    m.write(root, rep_dir / "METS.xml")


def _metadata_sections(root: etree._Element, folder: Path, prefix: str) -> None:
    """dmdSec (Dublin Core) and amdSec/digiprovMD (PREMIS) for the files in folder."""
    dmd = etree.SubElement(
        root,
        m.q(m.METS, "dmdSec"),
        {"ID": f"{prefix}dmd", "CREATED": m.CREATED, "STATUS": "CURRENT"},
    )
    m.add_md_ref(dmd, folder, Entry("metadata/descriptive/dc.xml", "text/xml", ""), "DC")
    amd = etree.SubElement(root, m.q(m.METS, "amdSec"))
    digi = etree.SubElement(
        amd,
        m.q(m.METS, "digiprovMD"),
        {"ID": f"{prefix}digiprov", "CREATED": m.CREATED, "STATUS": "CURRENT"},
    )
    entry = Entry("metadata/preservation/premis.xml", "text/xml", "")
    m.add_md_ref(digi, folder, entry, "PREMIS")


def _write_metadata(folder: Path) -> None:
    _write(folder / "metadata" / "descriptive" / "dc.xml", DUBLIN_CORE)
    _write(folder / "metadata" / "preservation" / "premis.xml", PREMIS)


def _file_sec(
    root: etree._Element, pkg: Path, schemas: list[str], docs: list[Entry] | None = None
) -> None:
    file_sec = etree.SubElement(root, m.q(m.METS, "fileSec"), {"ID": "filesec"})
    docs = docs or [Entry("documentation/leveransbeskrivning.txt", "text/plain", "file-doc-1")]
    m.add_file_group(file_sec, pkg, "Documentation", "grp-documentation", docs)
    xsds = [
        Entry(f"schemas/{name}", "application/xml", f"file-schema-{i}")
        for i, name in enumerate(schemas, start=1)
    ]
    m.add_file_group(file_sec, pkg, "Schemas", "grp-schemas", xsds)
    rep = [Entry(f"representations/{REP}/METS.xml", "application/xml", "file-rep1-mets")]
    grp = m.add_file_group(file_sec, pkg, f"Representations/{REP}", "grp-rep1", rep)
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), "MIXED")


def _struct_map(root: etree._Element, name: str) -> None:
    smap = etree.SubElement(
        root,
        m.q(m.METS, "structMap"),
        {"ID": "structmap-csip", "TYPE": "PHYSICAL", "LABEL": "CSIP"},
    )
    top = m.div(smap, "div-root", name)
    m.div(top, "div-metadata", "Metadata", ADMID="pkg-digiprov", DMDID="pkg-dmd")
    m.fptr(m.div(top, "div-documentation", "Documentation"), "grp-documentation")
    m.fptr(m.div(top, "div-schemas", "Schemas"), "grp-schemas")
    rep = m.div(top, "div-rep1", f"Representations/{REP}")
    m.mptr(rep, f"representations/{REP}/METS.xml", "grp-rep1")
    m.fptr(rep, "grp-rep1")


def build_valid_sip(parent: Path, name: str = VALID_NAME, header: Header | None = None) -> Path:
    """Write a complete, valid E-ARK SIP 2.2 folder ``parent/name`` and return it."""
    header = header or Header()
    pkg = Path(parent) / name
    if pkg.exists():
        shutil.rmtree(pkg)
    rep_dir = pkg / "representations" / REP
    _write(rep_dir / "data" / "protokoll-2024-01-15.txt", PROTOKOLL)
    _write(pkg / "documentation" / "leveransbeskrivning.txt", LEVERANSBESKRIVNING)
    _write_metadata(pkg)
    _write_metadata(rep_dir)
    schemas = _copy_schemas(pkg / "schemas")
    _representation_mets(rep_dir, header)
    root = m.mets_root(name, "Kommunstyrelsens protokoll 2024")
    m.add_header(root, header)
    _metadata_sections(root, pkg, "pkg-")
    _file_sec(root, pkg, schemas)
    _struct_map(root, name)
    m.write(root, pkg / "METS.xml")
    return pkg


def build_broken_sip(parent: Path, name: str = BROKEN_NAME) -> Path:
    """A SIP with typical delivery mistakes, each one a MUST that a validator must catch.

    - the package METS has no OBJID (CSIP1);
    - a payload file was changed after its checksum was written (fixity);
    - the documentation file listed in the METS is missing (reference).
    """
    pkg = build_valid_sip(parent, name)
    (pkg / "representations" / REP / "data" / "protokoll-2024-01-15.txt").write_text(
        PROTOKOLL + "\nÄndrad efter att kontrollsumman räknades.\n", encoding="utf-8"
    )
    (pkg / "documentation" / "leveransbeskrivning.txt").unlink()
    mets_path = pkg / "METS.xml"
    tree = etree.parse(mets_path)
    del tree.getroot().attrib["OBJID"]
    tree.write(mets_path, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return pkg


def build_demo_packages(parent: Path) -> list[Path]:
    """Both demo packages, freshly built under ``parent``."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    return [build_valid_sip(parent), build_broken_sip(parent)]


def archive(package_dir: Path, dest: Path) -> Path:
    """Pack a package folder as .zip, .tar or .tar.gz (by dest's name), one root folder."""
    package_dir, dest = Path(package_dir), Path(dest)
    files = sorted(p for p in package_dir.rglob("*") if p.is_file())
    if dest.name.endswith(".zip"):
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, f"{package_dir.name}/{path.relative_to(package_dir).as_posix()}")
        return dest
    mode = "w:gz" if dest.name.endswith((".tar.gz", ".tgz")) else "w"
    with tarfile.open(dest, mode) as tf:
        tf.add(package_dir, arcname=package_dir.name)
    return dest
