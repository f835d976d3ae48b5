"""Realistic demo deliveries (leveranser) from Skåne municipalities, built offline by code.

Why: the archive must be shown, tested and benchmarked with packages that look like what
municipalities deliver (case files with PDF decisions and office letters, scanned drawings,
CSV registers, XML exports) without binary blobs in git or real personal data. Every file is
a genuine instance of its format (siegfried identifies it by signature, see ``FORMATS``);
names are invented and content is seeded, so builds are byte-identical. Each delivery is an
E-ARK SIP 2.2 folder with package and representation METS, written with ``demo_mets``
helpers. No Django: the CLI, tests and benchmarks call :func:`build_demo_deliveries`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import random
import shutil
import textwrap
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from samarkiv.ingest import demo_mets as m
from samarkiv.ingest.demo_mets import Entry, Header
from samarkiv.ingest.demo_packages import REP, package_file_sec, package_struct_map


@dataclass(frozen=True)
class DemoDelivery:
    """One built demo SIP: its folder, the owning tenant and a human title."""

    path: Path
    tenant_code: str
    title: str


def _rows(table: str) -> list[list[str]]:
    """A table literal: one row per line, cells separated by '|'."""
    return [line.strip().split("|") for line in table.strip().splitlines()]


@dataclass(frozen=True)
class DemoFormat:
    """What a data file of this extension is, as the delivering system declares it."""

    mime: str
    name: str
    version: str
    puid: str  # what siegfried 1.11.9 / PRONOM v125 returns for the files made here


FORMAT_TABLE = """
.pdf|application/pdf|Acrobat PDF 1.4 - Portable Document Format|1.4|fmt/18
.docx|application/vnd.openxmlformats-officedocument.wordprocessingml.document|\
Microsoft Word for Windows|2007 onwards|fmt/412
.odt|application/vnd.oasis.opendocument.text|OpenDocument Text|1.3|fmt/1756
.tif|image/tiff|Tagged Image File Format||fmt/353
.png|image/png|Portable Network Graphics|1.0|fmt/11
.jpg|image/jpeg|JPEG File Interchange Format|1.01|fmt/43
.csv|text/csv|Comma Separated Values||x-fmt/18
.xml|application/xml|Extensible Markup Language|1.0|fmt/101"""
FORMATS = {row[0]: DemoFormat(*row[1:]) for row in _rows(FORMAT_TABLE)}
FIXED_TIME = time.gmtime(1714636800)  # 2024-05-02, the same instant as demo_mets.CREATED
ZIP_TIME = (2024, 5, 2, 10, 0, 0)
FONT_DIR = "/usr/share/fonts/truetype/"  # Debian fonts-dejavu-core, fonts-liberation
FONTS = (f"{FONT_DIR}dejavu/DejaVuSans.ttf", f"{FONT_DIR}liberation/LiberationSans-Regular.ttf")
PAGE = (827, 1169)  # A4 at 100 dpi
DC_TAGS = ("title", "creator", "date", "description", "language", "identifier")
EAD_NS = "urn:isbn:1-931666-22-9"
ARENDE_NS = "urn:x-samarkiv:demo:arendeexport"  # an FGS-Ärendehantering-like shape
PREMIS_NS = "http://www.loc.gov/premis/v3"
FIRST = "Anna Erik Maria Lars Karin Per Åsa Örjan Märta Björn Ingrid Göran".split()  # noqa: SIM905
LAST = "Andersson Nilsson Persson Månsson Ek Åkesson Lindqvist Holmén Sjöberg".split()  # noqa: SIM905
FILLER = """\
Förvaltningen har berett ärendet i samråd med berörda nämnder.
Ärendet har kommunicerats med sökanden, som inte har haft något att invända.
Beslutet kan överklagas hos förvaltningsrätten i Malmö inom tre veckor.
Kostnaderna ryms inom nämndens budgetram för året.
Bedömningen görs mot bakgrund av gällande översiktsplan och detaljplan.
Samråd har skett med kommunarkivet om gallring och bevarande.""".splitlines()

CASES = """
412|Informationshanteringsplan för kommunstyrelsen|2023-03-14|miljöförvaltningen
87|Medborgarförslag om fler parkbänkar i Stadsparken|2023-01-30|serviceförvaltningen
233|Yttrande över remiss om regional cykelplan för Skåne|2023-05-22|tekniska förvaltningen
519|Samverkan om e-arkiv mellan kommunerna i Skåne|2023-09-04|kommunarkivet
640|Ändring av kommunstyrelsens delegationsordning|2023-11-20|kommunkontoret"""
CASE_TAGS = ("Diarienummer", "Registrerat", "Arendemening", "Handlaggare", "Status", "Avslutat")
PERMITS = """
118|Ringsjöholm 1:23|Nybyggnad av enbostadshus
131|Hörby 45:7|Tillbyggnad av fritidshus
157|Fågelsång 2:14|Nybyggnad av garage och förråd
203|Önneköp 8:3|Fasadändring, byte av fönster"""
PBL = "Nämnden beviljar bygglov enligt 9 kap. 31 § plan- och bygglagen (2010:900)."
HOUSEHOLDS = ("Ensamstående", "Ensamstående med barn", "Sammanboende", "Sammanboende med barn")
SOL = "Socialnämnden beviljar ekonomiskt bistånd enligt 4 kap. 1 § socialtjänstlagen."
AGENDA = """Val av justerare|Anmälningar|Årsredovisning och ansvarsfrihet|Motion om cykelbanor \
i Ljungbyhed|Taxa för räddningstjänsten|Interpellation om skolskjutsar|Avsägelser och fyllnadsval"""
El = etree._Element
Files = dict[str, bytes]  # path under representations/rep1/data -> content
Units = list[tuple[str, str]]  # (reference, title) of the file-level units, for EAD/DC


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A system font with å, ä and ö (Pillow's built-in font has no glyphs for them)."""
    found = next((name for name in FONTS if Path(name).is_file()), None)
    return ImageFont.truetype(found, size) if found else ImageFont.load_default(size=size)


def pdf_bytes(title: str, pages: list[list[str]], footer: str) -> bytes:
    """A real (image-based) PDF 1.4 made by Pillow: grey-scale A4 pages, fixed dates."""
    images = []
    for number, lines in enumerate(pages, start=1):
        im = Image.new("L", PAGE, 255)
        draw, y = ImageDraw.Draw(im), 125
        draw.text((70, 60), title, font=_font(26), fill=0)
        draw.line((70, 100, PAGE[0] - 70, 100), fill=0, width=2)
        for part in (part for line in lines for part in textwrap.wrap(line, 78) or [""]):
            draw.text((70, y), part, font=_font(16), fill=20)
            y += 24
        page_footer = f"{footer} – sida {number} av {len(pages)}"
        draw.text((70, PAGE[1] - 60), page_footer, font=_font(12), fill=90)
        images.append(im)
    buf = io.BytesIO()
    dates = {"creationDate": FIXED_TIME, "modDate": FIXED_TIME}
    options = {"resolution": 100, "title": title, "author": footer, **dates}
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], **options)
    return buf.getvalue()


def _zip(entries: list[tuple[str, str]], first: tuple[str, str] | None = None) -> bytes:
    """A ZIP with fixed timestamps; ``first`` is written first and stored uncompressed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, (name, text) in enumerate([first, *entries] if first else entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            stored = first is not None and i == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


ODT_MIME = "application/vnd.oasis.opendocument.text"
_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">\
<office:body><office:text>{body}</office:text></office:body></office:document-content>"""
_ODT_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
manifest:media-type="{ODT_MIME}"/><manifest:file-entry manifest:full-path="content.xml" \
manifest:media-type="text/xml"/></manifest:manifest>"""
_DOCX_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=\
"rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension=\
"xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType=\
"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""
_DOCX_DOCUMENT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
<w:body>{body}</w:body></w:document>"""
_DOCX_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship \
Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/officeDocument"/></Relationships>"""


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A minimal but proper Office Open XML word-processing document (fmt/412)."""
    bold = "<w:rPr><w:b/></w:rPr>"
    runs = "".join(
        f'<w:p><w:r>{bold if i == 0 else ""}<w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>'
        for i, p in enumerate([title, *paragraphs])
    )
    document = _DOCX_DOCUMENT.format(body=runs)
    parts = [("[Content_Types].xml", _DOCX_TYPES), ("_rels/.rels", _DOCX_RELS)]
    return _zip([*parts, ("word/document.xml", document)])


def odt_bytes(title: str, paragraphs: list[str]) -> bytes:
    """An ODF 1.3 text document; ``mimetype`` comes first and uncompressed, as ODF requires."""
    body = f'<text:h text:outline-level="1">{escape(title)}</text:h>'
    body += "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = _ODT_CONTENT.format(body=body)
    parts = [("content.xml", content), ("META-INF/manifest.xml", _ODT_MANIFEST)]
    return _zip(parts, first=("mimetype", ODT_MIME))


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """Semicolon-separated UTF-8, as Swedish spreadsheet exports usually are."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def drawing(rng: random.Random, caption: str, size: tuple[int, int] = (1100, 780)) -> Image.Image:
    """A scanned building drawing: plan rooms, dimension lines and a title block."""
    im = Image.new("L", size, 250)
    draw = ImageDraw.Draw(im)
    w, h = size
    x0, y0, x1, y1 = 80, 80, w - 80, h - 200
    draw.rectangle((x0, y0, x1, y1), outline=0, width=6)
    for _ in range(rng.randint(3, 5)):
        x = rng.randint(x0 + 120, x1 - 120)
        draw.line((x, y0, x, rng.randint((y0 + y1) // 2, y1)), fill=0, width=3)
    y = rng.randint(y0 + 150, y1 - 100)
    draw.line((x0, y, x1, y), fill=0, width=3)
    draw.line((x0, y1 + 30, x1, y1 + 30), fill=60, width=1)
    length = f"{rng.randint(9, 18) * 1000} mm"
    draw.text(((x0 + x1) // 2 - 40, y1 + 35), length, font=_font(18), fill=0)
    draw.rectangle((w - 520, h - 150, w - 40, h - 30), outline=0, width=2)
    draw.text((w - 505, h - 140), caption, font=_font(20), fill=0)
    draw.text((w - 505, h - 100), "Skala 1:100  Ritad av: Ark AB", font=_font(14), fill=0)
    for _ in range(400):  # scanner dust, from the seeded generator
        draw.point((rng.randrange(w), rng.randrange(h)), fill=rng.randint(120, 200))
    return im


def photo(rng: random.Random, caption: str, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A colour 'photograph' of a house: sky gradient, facade, roof and seeded grain."""
    w, h = size
    sky = Image.linear_gradient("L").resize(size)
    bands = [sky.point(lambda v, a=a, b=b: a + v // b) for a, b in ((90, 3), (140, 4), (220, 9))]
    im = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, int(h * 0.75), w, h), fill=(70, 120, 60))
    colour = rng.choice([(170, 40, 30), (230, 200, 120), (240, 240, 235)])
    draw.rectangle((200, 260, 600, 470), fill=colour, outline=(40, 40, 40), width=3)
    draw.polygon([(180, 260), (400, 140), (620, 260)], fill=(60, 60, 70))
    for x in (240, 340, 460):
        draw.rectangle((x, 300, x + 60, 360), fill=(200, 220, 240), outline="white", width=4)
    draw.rectangle((530, 380, 575, 470), fill=(90, 60, 40))
    grain = Image.frombytes("L", size, rng.randbytes(w * h)).convert("RGB")
    im = Image.blend(im, grain, 0.06)
    ImageDraw.Draw(im).text((15, h - 30), caption, font=_font(16), fill=(255, 255, 255))
    return im


def image_bytes(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _filler(rng: random.Random, n: int = 3) -> str:
    return " ".join(rng.sample(FILLER, n))


@dataclass(frozen=True)
class _Spec:
    """What one demo delivery is about; one row of ``DELIVERIES``."""

    name: str  # package folder and OBJID
    kind: str  # which maker writes its data files: a key of MAKERS
    tenant: str
    municipality: str
    board: str  # the archival creator, a nämnd
    code: str  # the board's diary prefix, e.g. "KS"
    year: str
    agreement: str
    title: str
    summary: str

    @property
    def creator(self) -> str:  # the archival creator: the municipality's board
        return f"{self.municipality}, {self.board}"


def _diarium(rng: random.Random, spec: _Spec) -> tuple[Files, Units]:
    """A diary (diarium) export: case files with decisions, letters, XML and a register."""
    files: Files = {}
    export = etree.Element(f"{{{ARENDE_NS}}}Arendeexport", nsmap={None: ARENDE_NS})
    export.attrib.update({"system": "Demodiariet 4.2", "exportdatum": "2024-04-30"})
    _sub(export, ARENDE_NS, "Arkivbildare", spec.creator)
    rows = []
    for number, heading, date, sender in _rows(CASES):
        dnr, folder, officer = f"{spec.code} {spec.year}/{number}", f"ärende-{number}", _person(rng)
        texts = [f"Ärende {dnr}: {heading}.", f"Handläggare: {officer}.", _filler(rng)]
        docs = [f"{folder}/beslut-{spec.code}-{number}.pdf", f"{folder}/tjänsteskrivelse.docx"]
        docs.append(f"{folder}/skrivelse från {sender}.odt")
        pages = [texts + [_filler(rng)], [f"Beslut i {dnr}", _filler(rng), "Justerat."]]
        files[docs[0]] = pdf_bytes(f"Protokollsutdrag {dnr}", pages, spec.creator)
        files[docs[1]] = docx_bytes(f"Tjänsteskrivelse {dnr}", texts)
        greeting = f"Med vänlig hälsning, {_person(rng)}, {sender}"
        files[docs[2]] = odt_bytes(heading, [f"Dnr {dnr}", _filler(rng), greeting])
        closed = f"{spec.year}-12-{rng.randint(10, 28)}"
        rows.append([dnr, date, heading, officer, "Avslutat", closed])
        case = _sub(export, ARENDE_NS, "Arende")
        for tag, text in zip(CASE_TAGS, rows[-1], strict=True):
            _sub(case, ARENDE_NS, tag, text)
        handlingar = _sub(case, ARENDE_NS, "Handlingar")
        kinds = ("Beslut", "Tjänsteskrivelse", "Skrivelse")
        for i, (doc, kind) in enumerate(zip(docs, kinds, strict=True), 1):
            handling = _sub(handlingar, ARENDE_NS, "Handling", lopnummer=str(i))
            handling.set("riktning", "Inkommen" if kind == "Skrivelse" else "Upprättad")
            _sub(handling, ARENDE_NS, "Beskrivning", kind)
            _sub(handling, ARENDE_NS, "Fil", href=doc)
    files["ärendeexport.xml"] = _xml_bytes(export)
    header = ["Diarienummer", "Registrerat", "Ärendemening", "Handläggare", "Status", "Avslutat"]
    files[f"diarieförteckning-{spec.year}.csv"] = csv_bytes(header, rows)
    return files, [(r[0], r[2]) for r in rows]


def _bygglov(rng: random.Random, spec: _Spec) -> tuple[Files, Units]:
    """Building permits: scanned drawings (TIFF), facades (PNG), photos (JPEG), decisions."""
    files: Files = {}
    rows = []
    for number, estate, action in _rows(PERMITS):
        dnr, folder = f"{spec.code} {spec.year}/{number}", f"{spec.code}-{number}"
        applicant = _person(rng)
        plan = drawing(rng, f"Planritning {estate}")
        files[f"{folder}/planritning.tif"] = image_bytes(plan, "TIFF", compression="tiff_lzw")
        site = drawing(rng, f"Situationsplan {estate}").convert("1")
        files[f"{folder}/situationsplan.tif"] = image_bytes(site, "TIFF", compression="group4")
        facade = drawing(rng, f"Fasad mot söder, {estate}")
        files[f"{folder}/fasadritning söder.png"] = image_bytes(facade, "PNG", dpi=(150, 150))
        picture = photo(rng, f"{estate}, foto {spec.year}")
        files[f"{folder}/foto före åtgärd.jpg"] = image_bytes(picture, "JPEG", quality=80)
        decision = [f"Ärende {dnr}. Fastighet {estate}.", f"Sökande: {applicant}."]
        decision += [f"Åtgärd: {action}.", PBL, _filler(rng)]
        pdf = pdf_bytes(f"Beslut om bygglov {dnr}", [decision], spec.creator)
        files[f"{folder}/beslut om bygglov.pdf"] = pdf
        day = f"{spec.year}-{rng.randint(3, 11):02d}-{rng.randint(1, 28):02d}"
        rows.append([dnr, estate, action, applicant, day, "Beviljat"])
    header = ["Diarienummer", "Fastighet", "Åtgärd", "Sökande", "Beslutsdatum", "Beslut"]
    files[f"bygglovsförteckning-{spec.year}.csv"] = csv_bytes(header, rows)
    return files, [(r[0], f"{r[1]}: {r[2]}") for r in rows]


def _bistand(rng: random.Random, spec: _Spec) -> tuple[Files, Units]:
    """Social services: a de-identified payment register (CSV) and decision letters (PDF)."""
    files: Files = {}
    rows = []
    for i in range(240):
        month = f"{spec.year}-{i // 20 + 1:02d}"
        amount, day = str(rng.randint(18, 140) * 100), f"{month}-{rng.randint(1, 28):02d}"
        rows.append([f"{i + 1:04d}", month, rng.choice(HOUSEHOLDS), amount, day, _person(rng)])
    header = ["Löpnummer", "Månad", "Hushållstyp", "Belopp (kr)", "Beslutsdatum", "Handläggare"]
    files[f"utbetalningar ekonomiskt bistånd {spec.year}.csv"] = csv_bytes(header, rows)
    units: Units = []
    for number in sorted(rng.sample(range(100, 900), 5)):
        dnr = f"{spec.code} {spec.year}/{number}"
        text = [f"Beslut i ärende {dnr} (personuppgifter avidentifierade).", SOL]
        text += [f"Belopp: {rng.randint(18, 140) * 100} kr.", f"Handläggare: {_person(rng)}."]
        pdf = pdf_bytes(f"Beslut {dnr}", [text + [_filler(rng)]], spec.creator)
        files[f"beslut/beslut-{spec.code}-{spec.year}-{number}.pdf"] = pdf
        units.append((dnr, "Beslut om ekonomiskt bistånd"))
    total = sum(int(r[3]) for r in rows)
    summary = [f"Utbetalt bistånd {spec.year}: {total} kr i {len(rows)} beslut.", _filler(rng)]
    title = f"Sammanställning ekonomiskt bistånd {spec.year}"
    files[f"sammanställning-{spec.year}.pdf"] = pdf_bytes(title, [summary], spec.creator)
    return files, units


def _protokoll(rng: random.Random, spec: _Spec) -> tuple[Files, Units]:
    """Council minutes: multi-page PDF minutes, ODT notices, DOCX announcements, XML index."""
    files: Files = {}
    index = etree.Element("protokollsregister", organ=spec.creator, år=spec.year)
    items, units, section = AGENDA.split("|"), [], 1
    for date in (f"{spec.year}-{md}" for md in ("02-20", "04-24", "06-19", "09-25")):
        pages, meeting = [], etree.SubElement(index, "sammanträde", datum=date)
        for chunk in (items[:4], items[4:]):
            lines = []
            for item in chunk:
                decision = f"Beslut: fullmäktige bifaller förslaget. Justerare: {_person(rng)}."
                lines += [f"§ {section} {item}", _filler(rng), decision, ""]
                etree.SubElement(meeting, "paragraf", nummer=str(section)).text = item
                section += 1
            pages.append(lines)
        minutes = pdf_bytes(f"Protokoll {spec.board} {date}", pages, spec.creator)
        files[f"protokoll-{spec.code}-{date}.pdf"] = minutes
        agenda = [f"Ärende {i}: {t}" for i, t in enumerate(items, 1)]
        files[f"kallelse-{spec.code}-{date}.odt"] = odt_bytes(f"Kallelse {date}", agenda)
        notice = [f"Protokoll från {date} är justerat.", f"Ordförande: {_person(rng)}"]
        files[f"anslag om justering {date}.docx"] = docx_bytes("Tillkännagivande", notice)
        units.append((f"{spec.code} {date}", f"Sammanträde {date}"))
    files[f"protokollsregister-{spec.year}.xml"] = _xml_bytes(index)
    return files, units


EAD_KINDS = ("diarium", "protokoll")  # described in EAD (a series with file-level units)
MAKERS = {"diarium": _diarium, "bygglov": _bygglov, "bistand": _bistand, "protokoll": _protokoll}
DELIVERIES = """
sip-lund-ks-diarium-2023|diarium|lund|Lunds kommun|kommunstyrelsen|KS|2023|LÖ 2024:3|\
Kommunstyrelsens diarium 2023, urval av ärenden|\
Ärenden med beslut, tjänsteskrivelser, skrivelser, ärendeexport (XML) och diarieförteckning.
sip-horby-bmn-bygglov-2022|bygglov|horby|Hörby kommun|bygg- och miljönämnden|BMN|2022|LÖ 2023:7|\
Bygglov 2022, bygg- och miljönämnden|\
Bygglovsärenden med inskannade ritningar, fasadritningar, fotografier och beslut.
sip-ystad-sn-bistand-2021|bistand|ystad|Ystads kommun|socialnämnden|SN|2021|LÖ 2022:2|\
Ekonomiskt bistånd 2021, avidentifierat urval|\
Utbetalningsregister och beslut om ekonomiskt bistånd; personuppgifterna är avidentifierade.
sip-klippan-kf-protokoll-2023|protokoll|klippan|Klippans kommun|kommunfullmäktige|KF|2023|\
LÖ 2024:1|Kommunfullmäktiges protokoll 2023|\
Protokoll, kallelser och anslag om justering från fullmäktiges sammanträden."""
SPECS = tuple(_Spec(*row) for row in _rows(DELIVERIES))


def _sub(parent: El, ns: str, tag: str, text: str | None = None, **attrib: str) -> El:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
    el.text = text
    return el


def _nest(parent: etree._Element, ns: str, path: str, text: str) -> None:
    """Create ``a/b/c`` under parent (always new elements) and set the last one's text."""
    for tag in path.split("/"):
        parent = _sub(parent, ns, tag)
    parent.text = text


def _descriptive(spec: _Spec, units: Units, *, ead: bool) -> tuple[str, bytes]:
    """(file name, bytes) of a descriptive record: EAD 2002 or Dublin Core (OAI-DC)."""
    if not ead:
        oai, dc = "http://www.openarchives.org/OAI/2.0/oai_dc/", "http://purl.org/dc/elements/1.1/"
        root = etree.Element(f"{{{oai}}}dc", nsmap={"oai_dc": oai, "dc": dc})
        values = (spec.title, spec.creator, spec.year, spec.summary, "sv", spec.name)
        for tag, text in zip(DC_TAGS, values, strict=True):
            _sub(root, dc, tag, text)
        return "dc.xml", _xml_bytes(root)
    ead = etree.Element(f"{{{EAD_NS}}}ead", nsmap={None: EAD_NS})
    header = _sub(ead, EAD_NS, "eadheader")
    _sub(header, EAD_NS, "eadid", spec.name, countrycode="SE")
    _nest(header, EAD_NS, "filedesc/titlestmt/titleproper", spec.title)
    archdesc = _sub(ead, EAD_NS, "archdesc", level="series")
    did = _sub(archdesc, EAD_NS, "did")
    _sub(did, EAD_NS, "unittitle", spec.title)
    _sub(did, EAD_NS, "unitdate", spec.year, normal=spec.year)
    _nest(did, EAD_NS, "origination/corpname", spec.creator)
    _nest(archdesc, EAD_NS, "scopecontent/p", spec.summary)
    dsc = _sub(archdesc, EAD_NS, "dsc")
    for unit_id, unit_title in units:
        c_did = _sub(_sub(dsc, EAD_NS, "c", level="file"), EAD_NS, "did")
        _sub(c_did, EAD_NS, "unitid", unit_id)
        _sub(c_did, EAD_NS, "unittitle", unit_title)
    return "ead.xml", _xml_bytes(ead)


def _premis(entity: str, files: Files, header: Header) -> bytes:
    """PREMIS 3 (schema-valid): the package as intellectual entity, an object per data file
    (fixity, size, format), the creation event and its agent."""
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    nsmap = {None: PREMIS_NS, "xsi": xsi}
    root = etree.Element(f"{{{PREMIS_NS}}}premis", nsmap=nsmap, version="3.0")
    obj = _sub(root, PREMIS_NS, "object", **{f"{{{xsi}}}type": "intellectualEntity"})
    _premis_id(obj, "object", entity)
    for rel, data in sorted(files.items()):
        obj = _sub(root, PREMIS_NS, "object", **{f"{{{xsi}}}type": "file"})
        _premis_id(obj, "object", f"data/{rel}")
        chars = _sub(obj, PREMIS_NS, "objectCharacteristics")
        fixity = _sub(chars, PREMIS_NS, "fixity")
        _sub(fixity, PREMIS_NS, "messageDigestAlgorithm", "SHA-256")
        _sub(fixity, PREMIS_NS, "messageDigest", hashlib.sha256(data).hexdigest())
        _sub(chars, PREMIS_NS, "size", str(len(data)))
        fmt, form = FORMATS[Path(rel).suffix], _sub(chars, PREMIS_NS, "format")
        designation = _sub(form, PREMIS_NS, "formatDesignation")
        _sub(designation, PREMIS_NS, "formatName", fmt.name)
        if fmt.version:
            _sub(designation, PREMIS_NS, "formatVersion", fmt.version)
        registry = _sub(form, PREMIS_NS, "formatRegistry")
        _sub(registry, PREMIS_NS, "formatRegistryName", "PRONOM")
        _sub(registry, PREMIS_NS, "formatRegistryKey", fmt.puid)
    event = _sub(root, PREMIS_NS, "event")
    _premis_id(event, "event", "event-creation")
    _sub(event, PREMIS_NS, "eventType", "creation")
    _sub(event, PREMIS_NS, "eventDateTime", m.CREATED)
    _premis_id(event, "linkingAgent", header.submitter_code)
    agent = _sub(root, PREMIS_NS, "agent")
    _premis_id(agent, "agent", header.submitter_code)
    _sub(agent, PREMIS_NS, "agentName", header.submitter)
    _sub(agent, PREMIS_NS, "agentType", "organization")
    return _xml_bytes(root)


def _premis_id(parent: etree._Element, kind: str, value: str) -> None:
    ident = _sub(parent, PREMIS_NS, f"{kind}Identifier")
    _sub(ident, PREMIS_NS, f"{kind}IdentifierType", "local")
    _sub(ident, PREMIS_NS, f"{kind}IdentifierValue", value)


def _md_sections(root: etree._Element, folder: Path, prefix: str, descriptive: str) -> None:
    """dmdSec (EAD or DC) and amdSec/digiprovMD (PREMIS) for the metadata in ``folder``."""
    dmd = _sub(root, m.METS, "dmdSec", ID=f"{prefix}dmd", CREATED=m.CREATED, STATUS="CURRENT")
    entry = Entry(f"metadata/descriptive/{descriptive}", "text/xml", "")
    m.add_md_ref(dmd, folder, entry, "EAD" if descriptive == "ead.xml" else "DC")
    amd = _sub(root, m.METS, "amdSec")
    dates = {"CREATED": m.CREATED, "STATUS": "CURRENT"}
    digi = _sub(amd, m.METS, "digiprovMD", ID=f"{prefix}digiprov", **dates)
    m.add_md_ref(digi, folder, Entry("metadata/preservation/premis.xml", "text/xml", ""), "PREMIS")


def _data_group(file_sec: etree._Element, rep_dir: Path, rels: list[str]) -> None:
    """fileGrp Data with sizes, checksums, declared formats and percent-encoded hrefs."""
    grp = _sub(file_sec, m.METS, "fileGrp", ID=f"{REP}-grp-data", USE="Data")
    grp.set(m.q(m.CSIP, "CONTENTINFORMATIONTYPE"), "MIXED")
    for i, rel in enumerate(rels, start=1):
        fmt = FORMATS[Path(rel).suffix]
        attrib = m.file_attributes(rep_dir, Entry(f"data/{rel}", fmt.mime, f"{REP}-file-{i:03d}"))
        declared = {"FILEFORMATNAME": fmt.name, "FILEFORMATVERSION": fmt.version}
        declared |= {"FORMATREGISTRY": "PRONOM", "FORMATREGISTRYKEY": fmt.puid}
        attrib |= {m.q(m.SIP, k): v for k, v in declared.items() if v}
        file_el = _sub(grp, m.METS, "file", **attrib)
        link = {m.q(m.XLINK, "type"): "simple", m.q(m.XLINK, "href"): quote(f"data/{rel}")}
        _sub(file_el, m.METS, "FLocat", LOCTYPE="URL", **link)


def _struct_map(root: etree._Element, prefix: str, label: str) -> etree._Element:
    smap = _sub(root, m.METS, "structMap", ID=f"{prefix}structmap", TYPE="PHYSICAL", LABEL="CSIP")
    top = m.div(smap, f"{prefix}div-root", label)
    m.div(top, f"{prefix}div-metadata", "Metadata", ADMID=f"{prefix}digiprov", DMDID=f"{prefix}dmd")
    return top


def _representation_mets(rep_dir: Path, spec: _Spec, header: Header, rels: list[str]) -> None:
    """representations/rep1/METS.xml: its own header and metadata, so rep1 stands alone."""
    root = m.mets_root(REP, f"{spec.title}, representation 1")
    m.add_header(root, header)
    _md_sections(root, rep_dir, f"{REP}-", "dc.xml")
    _data_group(_sub(root, m.METS, "fileSec", ID=f"{REP}-filesec"), rep_dir, rels)
    top = _struct_map(root, f"{REP}-", REP)
    m.fptr(m.div(top, f"{REP}-div-data", "Data"), f"{REP}-grp-data")
    m.write(root, rep_dir / "METS.xml")


def _package_mets(pkg: Path, spec: _Spec, header: Header, descriptive: str) -> None:
    """The package METS, with the fileSec/structMap layout shared with ``demo_packages``."""
    root = m.mets_root(spec.name, spec.title)
    m.add_header(root, header)
    _md_sections(root, pkg, "pkg-", descriptive)
    docs = [Entry("documentation/leveransbeskrivning.pdf", "application/pdf", "file-doc-1")]
    package_file_sec(root, pkg, docs)
    package_struct_map(root, spec.name)
    m.write(root, pkg / "METS.xml")


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_delivery(parent: Path, spec: _Spec) -> DemoDelivery:
    """Write one demo SIP folder ``parent/spec.name`` (replacing an earlier build)."""
    pkg = Path(parent) / spec.name
    if pkg.exists():
        shutil.rmtree(pkg)
    rng = random.Random(f"samarkiv-demo:{spec.name}")  # noqa: S311 - demo content, not crypto
    files, units = MAKERS[spec.kind](rng, spec)
    header = Header(  # the codes are invented, not real organisation numbers
        archival_creator=spec.creator,
        creator_code=f"ORG:{spec.tenant}:{spec.code.lower()}",
        submitter=f"{spec.municipality}, kommunarkivet",
        submitter_code=f"ORG:{spec.tenant}:arkiv",
        reference_code=f"SE/{spec.tenant.upper()}/{spec.code}/{spec.year}",
        submission_agreement=spec.agreement,
    )
    rep_dir = pkg / "representations" / REP
    for rel, data in files.items():
        _put(rep_dir / "data" / rel, data)
    about = [spec.summary, f"Arkivbildare: {spec.creator}.", f"Överenskommelse: {spec.agreement}."]
    about += [f"{len(files)} filer i {REP}.", "Demoleverans från samarkiv; namnen är påhittade."]
    description = pdf_bytes(f"Leveransbeskrivning: {spec.title}", [about], spec.creator)
    _put(pkg / "documentation" / "leveransbeskrivning.pdf", description)
    name, record = _descriptive(spec, units, ead=spec.kind in EAD_KINDS)
    _put(pkg / "metadata" / "descriptive" / name, record)
    _put(pkg / "metadata" / "preservation" / "premis.xml", _premis(spec.name, {}, header))
    _put(rep_dir / "metadata" / "descriptive" / "dc.xml", _descriptive(spec, [], ead=False)[1])
    _put(rep_dir / "metadata" / "preservation" / "premis.xml", _premis(spec.name, files, header))
    _representation_mets(rep_dir, spec, header, sorted(files))
    _package_mets(pkg, spec, header, name)
    return DemoDelivery(path=pkg, tenant_code=spec.tenant, title=spec.title)


def build_demo_deliveries(parent: Path) -> list[DemoDelivery]:
    """All demo deliveries, freshly built under ``parent`` (about 3.5 MB in total)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    return [build_delivery(parent, spec) for spec in SPECS]
