"""A SIARD file as an E-ARK SIP per CITS SIARD: the database plus its documentation.

Layout (CSIP 2.2 divided METS, CITS SIARD): the package METS has ``TYPE="Databases"`` and
``csip:CONTENTINFORMATIONTYPE="SIARD2"`` (which is what makes ingest treat it as a SIARD
delivery under a submission agreement); ``representations/rep1/data/<name>.siard`` is the
database, declared ``SIARD2`` in the representation METS too; ``documentation/`` holds a
data dictionary generated from metadata.xml (HTML: every schema, table, column, key and
view) and the screenshots and manuals the caller gives. Checksums are computed while
streaming, so a SIARD of any size is packaged with flat memory; the zip is written atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from samarkiv import __version__
from samarkiv.packages.atomic import atomic_open
from samarkiv.packages.siard.datadict import data_dictionary_html
from samarkiv.packages.siard.reader import open_siard

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: METS, "csip": CSIP, "sip": SIP, "xlink": XLINK, "xsi": XSI}
SCHEMA_LOCATION = (
    f"{METS} https://www.loc.gov/standards/mets/mets.xsd "
    f"{XLINK} http://www.loc.gov/standards/xlink/xlink.xsd "
    f"{CSIP} https://earkcsip.dilcis.eu/schema/DILCISExtensionMETS.xsd "
    f"{SIP} https://earksip.dilcis.eu/schema/DILCISExtensionSIPMETS.xsd"
)
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml"
CONTENT_TYPE = "SIARD2"
SCHEMA_FILES = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "DILCISExtensionSIPMETS.xsd")
REP = "rep1"
CHUNK = 2**20


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


@dataclass(frozen=True)
class _Entry:
    href: str  # relative to the METS file's folder
    mimetype: str
    id: str


def _safe_name(name: str) -> str:
    """A file name every validator and file system accepts (letters, digits, . _ -)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "fil"
    return stem[:100]


def _attributes(folder: Path, entry: _Entry, created: str) -> dict[str, str]:
    """SIZE and SHA-256 of the file on disk, hashed in chunks (files may be huge)."""
    hasher = hashlib.sha256()
    size = 0
    with open(folder / entry.href, "rb") as fh:
        while chunk := fh.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    return {
        "ID": entry.id,
        "MIMETYPE": entry.mimetype,
        "SIZE": str(size),
        "CREATED": created,
        "CHECKSUM": hasher.hexdigest(),
        "CHECKSUMTYPE": "SHA-256",
    }


class _Mets:
    """One METS document under construction."""

    def __init__(self, objid: str, label: str, created: str, package_type: str) -> None:
        self.created = created
        self.root = etree.Element(
            _q(METS, "mets"),
            nsmap=NSMAP,
            attrib={
                "OBJID": objid,
                "LABEL": label,
                "TYPE": "Databases",
                _q(CSIP, "CONTENTINFORMATIONTYPE"): CONTENT_TYPE,
                "PROFILE": SIP_PROFILE,
                _q(XSI, "schemaLocation"): SCHEMA_LOCATION,
            },
        )
        self._header(package_type)

    def _header(self, package_type: str) -> None:
        hdr = etree.SubElement(
            self.root,
            _q(METS, "metsHdr"),
            {
                "CREATEDATE": self.created,
                "LASTMODDATE": self.created,
                "RECORDSTATUS": "NEW",
                _q(CSIP, "OAISPACKAGETYPE"): package_type,
            },
        )
        self.hdr = hdr
        self.agent(
            {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"},
            "samarkiv",
            ("SOFTWARE VERSION", __version__),
        )

    def agent(self, attrib: dict[str, str], name: str, note: tuple[str, str] | None) -> None:
        agent = etree.SubElement(self.hdr, _q(METS, "agent"), attrib=attrib)
        etree.SubElement(agent, _q(METS, "name")).text = name
        if note:
            note_el = etree.SubElement(agent, _q(METS, "note"), {_q(CSIP, "NOTETYPE"): note[0]})
            note_el.text = note[1]

    def metadata(self, folder: Path, prefix: str) -> None:
        """dmdSec (Dublin Core) and digiprovMD (PREMIS) files under folder/metadata."""
        for section, mid, href, mdtype in (
            ("dmdSec", f"{prefix}dmd", "metadata/descriptive/dc.xml", "DC"),
            ("digiprovMD", f"{prefix}digiprov", "metadata/preservation/premis.xml", "PREMIS"),
        ):
            parent = self.root
            if section == "digiprovMD":
                parent = etree.SubElement(self.root, _q(METS, "amdSec"))
            sec = etree.SubElement(
                parent, _q(METS, section), {"ID": mid, "CREATED": self.created, "STATUS": "CURRENT"}
            )
            attrib = _attributes(folder, _Entry(href, "text/xml", ""), self.created)
            del attrib["ID"]
            etree.SubElement(
                sec,
                _q(METS, "mdRef"),
                {
                    "LOCTYPE": "URL",
                    _q(XLINK, "type"): "simple",
                    _q(XLINK, "href"): href,
                    "MDTYPE": mdtype,
                    **attrib,
                },
            )

    def file_group(
        self, file_sec: etree._Element, folder: Path, use: str, gid: str, entries: list[_Entry]
    ) -> etree._Element:
        grp = etree.SubElement(file_sec, _q(METS, "fileGrp"), {"ID": gid, "USE": use})
        for entry in entries:
            el = etree.SubElement(grp, _q(METS, "file"), _attributes(folder, entry, self.created))
            etree.SubElement(
                el,
                _q(METS, "FLocat"),
                {"LOCTYPE": "URL", _q(XLINK, "type"): "simple", _q(XLINK, "href"): entry.href},
            )
        return grp

    def write(self, path: Path) -> None:
        path.write_bytes(
            etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        )


def _div(parent: etree._Element, div_id: str, label: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, _q(METS, "div"), {"ID": div_id, "LABEL": label, **attrib})


def _fptr(parent: etree._Element, file_id: str) -> None:
    etree.SubElement(parent, _q(METS, "fptr"), {"FILEID": file_id})


def _dublin_core(title: str, creator: str, system: str, description: str | None) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"  <dc:title>{escape(title)}</dc:title>",
        f"  <dc:creator>{escape(creator)}</dc:creator>",
        f"  <dc:subject>{escape(system)}</dc:subject>",
        f"  <dc:description>{escape(description or '')}</dc:description>",
        "  <dc:type>Databas (SIARD 2)</dc:type>",
        "  <dc:language>sv</dc:language>",
        "</oai_dc:dc>",
    ]
    return "\n".join(lines) + "\n"


def _premis(object_path: str, created: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<premis xmlns="http://www.loc.gov/premis/v3"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0">
  <object xsi:type="file">
    <objectIdentifier>
      <objectIdentifierType>local</objectIdentifierType>
      <objectIdentifierValue>{escape(object_path)}</objectIdentifierValue>
    </objectIdentifier>
    <objectCharacteristics>
      <format><formatDesignation><formatName>SIARD 2</formatName></formatDesignation></format>
    </objectCharacteristics>
  </object>
  <event>
    <eventIdentifier>
      <eventIdentifierType>local</eventIdentifierType>
      <eventIdentifierValue>event-1</eventIdentifierValue>
    </eventIdentifier>
    <eventType>creation</eventType>
    <eventDateTime>{created}</eventDateTime>
  </event>
</premis>
"""


def build_siard_sip(
    siard_path: Path,
    out_zip: Path,
    *,
    label: str,
    records_creator: str,
    system_name: str,
    documentation: list[Path] | tuple[Path, ...] = (),
) -> Path:
    """Package ``siard_path`` (and its documentation) as a zipped E-ARK SIP at ``out_zip``."""
    siard_path, out_zip = Path(siard_path), Path(out_zip)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    name = f"siard-{uuid.uuid4()}"
    with open_siard(siard_path) as reader:
        archive = reader.archive
    with tempfile.TemporaryDirectory(prefix="samarkiv-siard-sip-", dir=out_zip.parent) as tmp:
        pkg = Path(tmp) / name
        rep = pkg / "representations" / REP
        data_name = _safe_name(siard_path.stem) + ".siard"
        (rep / "data").mkdir(parents=True)
        shutil.copyfile(siard_path, rep / "data" / data_name)
        for folder, target in (
            (pkg, f"representations/{REP}/data/{data_name}"),
            (rep, f"data/{data_name}"),
        ):
            _write(
                folder / "metadata/descriptive/dc.xml",
                _dublin_core(label, records_creator, system_name, archive.description),
            )
            _write(folder / "metadata/preservation/premis.xml", _premis(target, created))
        docs = _documentation(pkg, archive, documentation)
        _representation_mets(rep, label, created, data_name)
        _package_mets(pkg, name, label, created, records_creator, docs)
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        with (
            atomic_open(out_zip) as fh,
            zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
        ):
            for path in sorted(p for p in pkg.rglob("*") if p.is_file()):
                zf.write(path, f"{name}/{path.relative_to(pkg).as_posix()}")
    return out_zip


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _documentation(pkg: Path, archive, given: list[Path] | tuple[Path, ...]) -> list[_Entry]:
    """documentation/: the generated data dictionary first, then the given files."""
    folder = pkg / "documentation"
    folder.mkdir(parents=True)
    (folder / "datadictionary.html").write_text(data_dictionary_html(archive), encoding="utf-8")
    entries = [_Entry("documentation/datadictionary.html", "text/html", "file-doc-1")]
    used = {"datadictionary.html"}
    for number, source in enumerate(given, start=2):
        target = _safe_name(Path(source).name)
        while target in used:
            target = f"{number}_{target}"
        used.add(target)
        shutil.copyfile(source, folder / target)
        mime = mimetypes.guess_type(target)[0] or "application/octet-stream"
        entries.append(_Entry(f"documentation/{target}", mime, f"file-doc-{number}"))
    return entries


def _representation_mets(rep: Path, label: str, created: str, data_name: str) -> None:
    mets = _Mets(REP, f"{label}, representation 1", created, "SIP")
    mets.metadata(rep, "rep1-")
    file_sec = etree.SubElement(mets.root, _q(METS, "fileSec"), {"ID": "rep1-filesec"})
    data = [_Entry(f"data/{data_name}", "application/zip", "rep1-file-siard")]
    grp = mets.file_group(file_sec, rep, "Data", "rep1-grp-data", data)
    grp.set(_q(CSIP, "CONTENTINFORMATIONTYPE"), CONTENT_TYPE)
    smap = etree.SubElement(
        mets.root,
        _q(METS, "structMap"),
        {"ID": "rep1-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"},
    )
    top = _div(smap, "rep1-div-root", REP)
    _div(top, "rep1-div-metadata", "Metadata", ADMID="rep1-digiprov", DMDID="rep1-dmd")
    _fptr(_div(top, "rep1-div-data", "Data"), "rep1-grp-data")
    mets.write(rep / "METS.xml")


def _package_mets(
    pkg: Path, name: str, label: str, created: str, creator: str, docs: list[_Entry]
) -> None:
    mets = _Mets(name, label, created, "SIP")
    mets.agent({"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"}, creator, None)
    mets.agent({"ROLE": "CREATOR", "TYPE": "ORGANIZATION"}, creator, None)
    mets.metadata(pkg, "pkg-")
    (pkg / "schemas").mkdir()
    source = resources.files("samarkiv.packages") / "schemas"
    xsds = []
    for number, xsd in enumerate(SCHEMA_FILES, start=1):
        (pkg / "schemas" / xsd).write_bytes((source / xsd).read_bytes())
        xsds.append(_Entry(f"schemas/{xsd}", "application/xml", f"file-schema-{number}"))
    file_sec = etree.SubElement(mets.root, _q(METS, "fileSec"), {"ID": "filesec"})
    mets.file_group(file_sec, pkg, "Documentation", "grp-documentation", docs)
    mets.file_group(file_sec, pkg, "Schemas", "grp-schemas", xsds)
    rep = [_Entry(f"representations/{REP}/METS.xml", "application/xml", "file-rep1-mets")]
    grp = mets.file_group(file_sec, pkg, f"Representations/{REP}", "grp-rep1", rep)
    grp.set(_q(CSIP, "CONTENTINFORMATIONTYPE"), CONTENT_TYPE)
    smap = etree.SubElement(
        mets.root,
        _q(METS, "structMap"),
        {"ID": "structmap-csip", "TYPE": "PHYSICAL", "LABEL": "CSIP"},
    )
    top = _div(smap, "div-root", name)
    _div(top, "div-metadata", "Metadata", ADMID="pkg-digiprov", DMDID="pkg-dmd")
    _fptr(_div(top, "div-documentation", "Documentation"), "grp-documentation")
    _fptr(_div(top, "div-schemas", "Schemas"), "grp-schemas")
    rep_div = _div(top, "div-rep1", f"Representations/{REP}")
    etree.SubElement(
        rep_div,
        _q(METS, "mptr"),
        {
            "LOCTYPE": "URL",
            _q(XLINK, "type"): "simple",
            _q(XLINK, "href"): f"representations/{REP}/METS.xml",
            _q(XLINK, "title"): "grp-rep1",
        },
    )
    _fptr(rep_div, "grp-rep1")
    mets.write(pkg / "METS.xml")
