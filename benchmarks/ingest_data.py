"""Generated benchmark SIPs for ``ingest.py``: real formats, valid E-ARK SIP 2.2 folders.

Kept apart from the measuring so each file has one job: this one makes data (not
timed), ``ingest.py`` measures samarkiv against the floor.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from lxml import etree
from PIL import Image

from samarkiv.ingest import demo_mets as m
from samarkiv.ingest import demo_sips as d
from samarkiv.ingest.demo_mets import Entry, Header
from samarkiv.ingest.demo_packages import (
    DUBLIN_CORE,
    REP,
    package_file_sec,
    package_struct_map,
)

BIN = Path(sys.executable).parent
SAMARKIV = BIN / "samarkiv"
MIB = 1 << 20
KIB = 1 << 10
MIN_SIZE, MAX_SIZE = 1 * KIB, 50 * MIB
BODY_SIGMA = 1.5  # spread of ln(size) of the ordinary files (log-normal)
TAIL_PER_FILES = 1000  # one large scan (1-50 MiB, log-spaced) per this many files
POOL_BYTES = 64 * MIB  # seeded random bytes that pixel data and padding are cut from
FILES_PER_FOLDER = 40
TENANT = "lund"
TARGET_RATIO = 2.5
TARGET_FILES_PER_S = 500
RSS_SAMPLE_S = 0.01
SEED = "samarkiv-bench-ingest"

EXT_MIME = {ext: fmt.mime for ext, fmt in d.FORMATS.items()} | {".txt": "text/plain"}
KIND_NAMES = {
    ".pdf": "beslut",
    ".docx": "tjänsteskrivelse",
    ".odt": "skrivelse från sökande",
    ".png": "fasadritning",
    ".tif": "planritning",
    ".xml": "ärendeexport",
    ".txt": "anteckning",
}
BODY_WEIGHTS = {".pdf": 35, ".docx": 12, ".odt": 10, ".xml": 15, ".txt": 8, ".png": 10, ".tif": 10}
TAIL_WEIGHTS = {".pdf": 40, ".tif": 40, ".png": 20}
PREMIS_TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<premis xmlns="http://www.loc.gov/premis/v3"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0">
  <object xsi:type="intellectualEntity">
    <objectIdentifier>
      <objectIdentifierType>local</objectIdentifierType>
      <objectIdentifierValue>{objid}</objectIdentifierValue>
    </objectIdentifier>
  </object>
  <event>
    <eventIdentifier>
      <eventIdentifierType>local</eventIdentifierType>
      <eventIdentifierValue>event-creation</eventIdentifierValue>
    </eventIdentifier>
    <eventType>creation</eventType>
    <eventDateTime>2024-05-02T10:00:00+02:00</eventDateTime>
  </event>
</premis>
"""


# --- sizes -----------------------------------------------------------------------------


def plan_sizes(n: int, total: int, rng: random.Random) -> list[int]:
    """n sizes in [1 KiB, 50 MiB] summing to about ``total``, shuffled.

    A log-uniform spread over 1 KiB-50 MiB has a mean of 4.6 MiB (10,000 files would be
    46 GiB), so: one file in ``TAIL_PER_FILES`` is a large scan, log-spaced from 1 MiB to
    50 MiB; the others are log-normal (sigma 1.5) with the median solved so that the
    total is met (10,000 files / 1 GiB: median about 30 KiB).
    """
    k = max(1, round(n / TAIL_PER_FILES)) if n > 1 else 0
    tail = [round(MIB * (MAX_SIZE / MIB) ** (i / max(1, k - 1))) for i in range(k)]
    while tail and sum(tail) > total / 2:
        tail.pop()
    z = [rng.gauss(0.0, 1.0) for _ in range(n - len(tail))]
    body_total = total - sum(tail)

    def body(mu: float) -> list[int]:
        return [round(min(MAX_SIZE, max(MIN_SIZE, math.exp(mu + BODY_SIGMA * x)))) for x in z]

    lo, hi = math.log(MIN_SIZE), math.log(MAX_SIZE)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(body(mid)) < body_total else (lo, mid)
    sizes = body(hi) + tail
    rng.shuffle(sizes)
    return sizes


def pick_kind(size: int, rng: random.Random, minimum: dict[str, int]) -> str:
    weights = TAIL_WEIGHTS if size >= MIB else BODY_WEIGHTS
    kinds = [k for k in weights if minimum[k] <= size] or [".txt"]
    return rng.choices(kinds, [weights.get(k, 1) for k in kinds])[0]


# --- file makers: a few templates from the project's makers, varied per file -------------


@dataclass(frozen=True)
class PdfTemplate:
    data: bytes
    prev_xref: int
    next_object: int
    root: str


@dataclass
class Makers:
    """What every file is cut from: seeded random bytes, PDF templates, XML and text units."""

    rng: random.Random
    pool: bytes
    pdfs: list[PdfTemplate] = field(default_factory=list)
    records: list[bytes] = field(default_factory=list)  # XML elements
    lines: list[bytes] = field(default_factory=list)  # text lines

    def pixels(self, n: int) -> bytes:
        """n seeded bytes (a slice of the pool at a seeded offset)."""
        if n > len(self.pool):
            return (self.pool * (n // len(self.pool) + 1))[:n]
        start = self.rng.randrange(len(self.pool) - n + 1)
        return self.pool[start : start + n]

    def minimum(self) -> dict[str, int]:
        """The smallest size each format is made at."""
        small = {k: MIN_SIZE for k in (".png", ".tif", ".xml", ".txt")}
        pdf = min(len(t.data) for t in self.pdfs) + 600
        return small | {".pdf": pdf, ".docx": 2 * KIB, ".odt": 2 * KIB}


def _sentence(rng: random.Random) -> str:
    who = f"{rng.choice(d.FIRST)} {rng.choice(d.LAST)}"
    return f"{' '.join(rng.sample(d.FILLER, 2))} Handläggare: {who}."


def new_makers(rng: random.Random) -> Makers:
    makers = Makers(rng, rng.randbytes(POOL_BYTES))
    for pages in (1, 2):
        body = [[f"§ {i} {_sentence(rng)}" for i in range(1, 9)] for _ in range(pages)]
        pdf = d.pdf_bytes(f"Protokollsutdrag KS 2023/{pages}", body, "Lunds kommun")
        makers.pdfs.append(_pdf_template(pdf))
    stamp = Image.new("L", (240, 80), 255)  # a small blank slip, so that PDFs can be small
    makers.pdfs.append(_pdf_template(d.image_bytes(stamp, "PDF", resolution=100)))
    for i in range(300):
        dnr = f"KS 2023/{rng.randint(1, 999)}"
        text = escape(_sentence(rng))
        record = f'  <post nr="{i}"><dnr>{dnr}</dnr><text>{text}</text></post>\n'
        makers.records.append(record.encode())
        makers.lines.append(f"{dnr}: {_sentence(rng)}\n".encode())
    return makers


def _pdf_template(data: bytes) -> PdfTemplate:
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", data)[-1].decode()
    return PdfTemplate(data.rstrip() + b"\n", prev, size, root)


def make_pdf(mk: Makers, size: int, index: int) -> bytes:
    """A template plus one incremental update adding a grey-scale image XObject (a scan)."""
    fits = [t for t in mk.pdfs if len(t.data) + 600 <= size]
    t = fits[index % len(fits)] if fits else min(mk.pdfs, key=lambda p: len(p.data))
    n = max(64, size - len(t.data) - 420)
    width = min(2048, max(8, int(math.sqrt(n))))
    height = max(1, n // width)
    obj = t.next_object
    head = (
        f"{obj} 0 obj\n<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length {width * height} >>\nstream\n"
    ).encode()
    body = head + mk.pixels(width * height) + b"\nendstream\nendobj\n"
    tail = (
        f"xref\n0 1\n0000000000 65535 f \n{obj} 1\n{len(t.data):010d} 00000 n \n"
        f"trailer\n<< /Size {obj + 1} "
        f"/Root {t.root} /Prev {t.prev_xref} >>\nstartxref\n{len(t.data) + len(body)}\n%%EOF\n"
    ).encode()
    return t.data + body + tail


def _noise(mk: Makers, payload: int) -> Image.Image:
    """A grey-scale 'scan' of about ``payload`` pixels, from the seeded pool."""
    width = min(4096, max(8, int(math.sqrt(max(64, payload)))))
    height = max(1, payload // width)
    return Image.frombytes("L", (width, height), mk.pixels(width * height))


def make_png(mk: Makers, size: int, index: int) -> bytes:
    return d.image_bytes(_noise(mk, size - 120), "PNG", compress_level=0)


def make_tiff(mk: Makers, size: int, index: int) -> bytes:
    return d.image_bytes(_noise(mk, size - 200), "TIFF", dpi=(300, 300))


def _with_scan(mk: Makers, base: bytes, size: int, member: str) -> bytes:
    """The document's ZIP with a stored PNG scan added, so that it reaches ``size``."""
    payload = size - len(base) - 2 * len(member) - 220
    if payload < 256:
        return base
    buf = io.BytesIO(base)
    with zipfile.ZipFile(buf, "a") as zf:
        info = zipfile.ZipInfo(member, d.ZIP_TIME)
        info.compress_type = zipfile.ZIP_STORED
        zf.writestr(info, d.image_bytes(_noise(mk, payload), "PNG", compress_level=0))
    return buf.getvalue()


def make_docx(mk: Makers, size: int, index: int) -> bytes:
    paragraphs = [_sentence(mk.rng) for _ in range(mk.rng.randint(2, 8))]
    base = d.docx_bytes(f"Tjänsteskrivelse nr {index}", paragraphs)
    return _with_scan(mk, base, size, "word/media/image1.png")


def make_odt(mk: Makers, size: int, index: int) -> bytes:
    paragraphs = [_sentence(mk.rng) for _ in range(mk.rng.randint(2, 8))]
    base = d.odt_bytes(f"Skrivelse nr {index}", paragraphs)
    return _with_scan(mk, base, size, "Pictures/bild1.png")


def _fill(head: bytes, units: list[bytes], tail: bytes, size: int, rng: random.Random) -> bytes:
    """head + whole units (from a seeded start) + blank padding + tail: exactly ``size``."""
    room = max(0, size - len(head) - len(tail))
    start = rng.randrange(len(units))
    block = b"".join(units[start:] + units[:start])
    parts = [block] * (room // len(block))
    left = room - len(block) * len(parts)
    for unit in units:
        if len(unit) > left:
            break
        parts.append(unit)
        left -= len(unit)
    return head + b"".join(parts) + b" " * left + tail


def make_xml(mk: Makers, size: int, index: int) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<arendeexport xmlns="urn:x-samarkiv:bench" fil="{index}">\n'
    ).encode()
    return _fill(head, mk.records, b"</arendeexport>\n", size, mk.rng)


def make_text(mk: Makers, size: int, index: int) -> bytes:
    head = f"Anteckningar, Lunds kommun, fil {index}\n\n".encode()
    return _fill(head, mk.lines, b"\n", size, mk.rng)


MAKE: dict[str, Callable[[Makers, int, int], bytes]] = {
    ".pdf": make_pdf,
    ".docx": make_docx,
    ".odt": make_odt,
    ".png": make_png,
    ".tif": make_tiff,
    ".xml": make_xml,
    ".txt": make_text,
}


# --- SIPs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataFile:
    """One file under representations/rep1/data, as the METS lists it."""

    rel: str
    mime: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Sip:
    label: str
    path: Path
    files: int  # every file of the SIP (data, METS, metadata, schemas)
    bytes: int
    kinds: dict[str, int] = field(default_factory=dict)  # data files per extension


HEADER = Header(
    archival_creator="Lunds kommun, kommunstyrelsen",
    creator_code="ORG:lund:ks",
    submitter="Lunds kommun, kommunarkivet",
    submitter_code="ORG:lund:arkiv",
    reference_code="SE/LUND/KS/2023",
    submission_agreement="LÖ 2024:3",
)


def build_small_sip(parent: Path, name: str, n: int, total: int) -> Sip:
    """n data files of mixed formats, ``total`` bytes in all, as an E-ARK SIP 2.2 folder."""
    rng = random.Random(f"{SEED}:{name}")  # noqa: S311 - benchmark content, not crypto
    makers = new_makers(rng)
    minimum = makers.minimum()
    pkg = parent / name
    data_dir = pkg / "representations" / REP / "data"
    files: list[DataFile] = []
    kinds: dict[str, int] = {}
    for i, size in enumerate(plan_sizes(n, total, rng), start=1):
        kind = pick_kind(size, rng, minimum)
        kinds[kind] = kinds.get(kind, 0) + 1
        rel = f"ärende-{(i - 1) // FILES_PER_FOLDER + 1:04d}/{KIND_NAMES[kind]}-{i:05d}{kind}"
        data = MAKE[kind](makers, size, i)
        target = data_dir / rel
        if i % FILES_PER_FOLDER == 1:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files.append(DataFile(rel, EXT_MIME[kind], len(data), hashlib.sha256(data).hexdigest()))
    write_package(pkg, name, f"Benchmark: {n} filer från kommunstyrelsens diarium", files)
    return _sip(f"small {n}", pkg, kinds)


def build_big_sip(parent: Path, name: str, size: int) -> Sip:
    """One uncompressed grey-scale TIFF of about ``size`` bytes (a scanned map)."""
    pkg = parent / name
    rel = "kartor/översiktskarta 1 till 10000.tif"
    target = pkg / "representations" / REP / "data" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{SEED}:{name}")  # noqa: S311 - benchmark content, not crypto
    written, sha = write_big_tiff(target, size, rng.randbytes(POOL_BYTES))
    files = [DataFile(rel, "image/tiff", written, sha)]
    write_package(pkg, name, "Benchmark: en inskannad karta", files)
    return _sip(f"big {size // MIB} MiB", pkg, {".tif": 1})


def _sip(label: str, pkg: Path, kinds: dict[str, int]) -> Sip:
    paths = [p for p in pkg.rglob("*") if p.is_file()]
    return Sip(label, pkg, len(paths), sum(p.stat().st_size for p in paths), kinds)


def write_big_tiff(path: Path, size: int, pool: bytes) -> tuple[int, str]:
    """A baseline TIFF (8-bit grey, uncompressed, 64-row strips), streamed: (size, sha256)."""
    width = 16384 if size >= 256 * MIB else 1024
    rows = 64
    height = max(2 * rows, (size - 8 * KIB) // width)
    strips = math.ceil(height / rows)
    counts = [min(rows, height - i * rows) * width for i in range(strips)]
    offsets_at = 8 + width * height
    counts_at = offsets_at + 4 * strips
    res_at = counts_at + 4 * strips
    ifd_at = res_at + 16
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1)]
    entries += [(262, 3, 1, 1), (273, 4, strips, offsets_at), (277, 3, 1, 1), (278, 4, 1, rows)]
    entries += [(279, 4, strips, counts_at), (282, 5, 1, res_at), (283, 5, 1, res_at + 8)]
    entries += [(296, 3, 1, 2)]
    ifd = struct.pack("<H", len(entries))
    ifd += b"".join(struct.pack("<HHII", *entry) for entry in entries) + struct.pack("<I", 0)
    digest = hashlib.sha256()
    with open(path, "wb") as out:

        def put(chunk: bytes) -> None:
            digest.update(chunk)
            out.write(chunk)

        put(b"II*\x00" + struct.pack("<I", ifd_at))
        for start in range(0, width * height, 8 * MIB):
            n = min(8 * MIB, width * height - start)
            at = (start // 7 + 4099) % (len(pool) - n + 1)  # wander through the pool
            put(pool[at : at + n])
        put(struct.pack(f"<{strips}I", *(8 + i * rows * width for i in range(strips))))
        put(struct.pack(f"<{strips}I", *counts) + struct.pack("<4I", 300, 1, 300, 1) + ifd)
    return ifd_at + len(ifd), digest.hexdigest()


def write_package(pkg: Path, name: str, label: str, files: list[DataFile]) -> None:
    """Metadata, documentation, representation METS and package METS around the data."""
    rep_dir = pkg / "representations" / REP
    for folder, objid in ((pkg, name), (rep_dir, f"{name}/{REP}")):
        _put(folder / "metadata" / "descriptive" / "dc.xml", DUBLIN_CORE.encode())
        premis = PREMIS_TEXT.format(objid=escape(objid)).encode()
        _put(folder / "metadata" / "preservation" / "premis.xml", premis)
    about = [label, f"{len(files)} filer i {REP}.", "Genererad av benchmarks/ingest.py."]
    description = d.pdf_bytes(f"Leveransbeskrivning: {label}", [about], HEADER.archival_creator)
    _put(pkg / "documentation" / "leveransbeskrivning.pdf", description)
    _representation_mets(rep_dir, label, files)
    root = m.mets_root(name, label)
    m.add_header(root, HEADER)
    _md_sections(root, pkg, "pkg-")
    docs = [Entry("documentation/leveransbeskrivning.pdf", "application/pdf", "file-doc-1")]
    package_file_sec(root, pkg, docs)
    package_struct_map(root, name)
    m.write(root, pkg / "METS.xml")


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _md_sections(root: etree._Element, folder: Path, prefix: str) -> None:
    """dmdSec (Dublin Core) and amdSec/digiprovMD (PREMIS), as CSIP wants them."""
    dates = {"CREATED": m.CREATED, "STATUS": "CURRENT"}
    dmd = etree.SubElement(root, m.q(m.METS, "dmdSec"), {"ID": f"{prefix}dmd", **dates})
    m.add_md_ref(dmd, folder, Entry("metadata/descriptive/dc.xml", "text/xml", ""), "DC")
    amd = etree.SubElement(root, m.q(m.METS, "amdSec"))
    digi = etree.SubElement(amd, m.q(m.METS, "digiprovMD"), {"ID": f"{prefix}digiprov", **dates})
    premis = Entry("metadata/preservation/premis.xml", "text/xml", "")
    m.add_md_ref(digi, folder, premis, "PREMIS")


def _representation_mets(rep_dir: Path, label: str, files: list[DataFile]) -> None:
    """rep1/METS.xml: the data files with size and SHA-256 computed when they were made."""
    root = m.mets_root(REP, f"{label}, representation 1")
    m.add_header(root, HEADER)
    _md_sections(root, rep_dir, f"{REP}-")
    file_sec = etree.SubElement(root, m.q(m.METS, "fileSec"), {"ID": f"{REP}-filesec"})
    grp = etree.SubElement(
        file_sec, m.q(m.METS, "fileGrp"), {"ID": f"{REP}-grp-data", "USE": "Data"}
    )
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), "MIXED")
    link = {"LOCTYPE": "URL", m.q(m.XLINK, "type"): "simple"}
    for i, f in enumerate(files, start=1):
        attrib = {"ID": f"{REP}-file-{i:06d}", "MIMETYPE": f.mime, "SIZE": str(f.size)}
        attrib |= {"CREATED": m.CREATED, "CHECKSUM": f.sha256, "CHECKSUMTYPE": "SHA-256"}
        file_el = etree.SubElement(grp, m.q(m.METS, "file"), attrib)
        href = {m.q(m.XLINK, "href"): quote(f"data/{f.rel}")}
        etree.SubElement(file_el, m.q(m.METS, "FLocat"), {**link, **href})
    smap = etree.SubElement(
        root, m.q(m.METS, "structMap"), {"ID": f"{REP}-structmap", "TYPE": "PHYSICAL"}
    )
    smap.set("LABEL", "CSIP")
    top = m.div(smap, f"{REP}-div-root", REP)
    m.div(top, f"{REP}-div-metadata", "Metadata", ADMID=f"{REP}-digiprov", DMDID=f"{REP}-dmd")
    m.fptr(m.div(top, f"{REP}-div-data", "Data"), f"{REP}-grp-data")
    m.write(root, rep_dir / "METS.xml")


def check_valid(sip: Sip) -> None:
    """``samarkiv validate`` must call the SIP valid with no errors, or we stop here."""
    out = subprocess.run(
        [str(SAMARKIV), "validate", "--json", str(sip.path)], capture_output=True, text=True
    )
    report = json.loads(out.stdout.splitlines()[0])
    severities = [f["severity"] for f in report["findings"]]
    errors, warnings = severities.count("error"), severities.count("warning")
    print(
        f"  samarkiv validate {sip.path.name}: valid={report['valid']}, "
        f"{errors} errors, {warnings} warnings ({report['specification']})"
    )
    if not report["valid"] or errors:
        for finding in report["findings"][:20]:
            print(f"    {finding['severity']} {finding['rule_id']}: {finding['message']}")
        sys.exit(f"the generated SIP {sip.path} is not valid; nothing was measured")
