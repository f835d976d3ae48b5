"""E-ARK DIP 2.2 as one zip, streamed: the portal's "download all files".

Layout (one root folder named after the DIP id, CSIPSTR1/2)::

    <dip_id>/
      METS.xml                          root METS, csip:OAISPACKAGETYPE="DIP"
      metadata/descriptive/dc.xml       the record page's metadata (Dublin Core)
      metadata/preservation/premis.xml  source AIP, file fixity, dissemination event
      documentation/om-paketet.txt      what this package is, for the citizen
      schemas/                          mets, xlink, CSIP extension, PREMIS XSDs
      representations/rep1/METS.xml     the representation METS
      representations/rep1/data/...     the files themselves

Why data first and metadata last in the zip: the files are read once, from storage,
chunk by chunk; their SHA-256 is computed on the way through and compared with the
archive's digest, and only then are the METS/PREMIS written with the verified values.
Nothing is held in memory beyond one chunk of a file, and the output need not be
seekable (zip data descriptors, zip64 where a file may pass 4 GiB), so a web response
can stream it while it is being built. A file whose bytes do not match its catalogued
digest aborts the package (:class:`DipIntegrityError`): a broken copy must never reach
a citizen as if it were the record.

No Django here: the web glue is ``samarkiv.access.dip``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import BinaryIO
from urllib.parse import quote

from samarkiv.errors import SamarkivError
from samarkiv.packages import dip_mets
from samarkiv.packages.dip_mets import REP, Entry, Header, PremisFacts, RootParts
from samarkiv.packages.validation.catalogue import iana_media_types

CHUNK = 256 * 1024
DATA_PREFIX = f"representations/{REP}/data/"
SCHEMA_FILES = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "premis-v3-0.xsd")
DOCUMENTATION_NAME = "documentation/om-paketet.txt"
MAX_NAME_BYTES = 180
_ZIP64_LIMIT = (1 << 31) - 1
_UNSAFE = re.compile(r'[\\/:*?"<>|%#\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,127}$")

Opener = Callable[[], AbstractContextManager[BinaryIO]]

README = """Om paketet / About this package

Det här är en E-ARK DIP (Dissemination Information Package, version 2.2) från
samarkiv, kommunernas e-arkiv. Handlingens filer finns i representations/rep1/data/.
Uppgifterna om handlingen (titel, diarienummer, datum, kommun, arkivbildare,
handlingstyp) finns i metadata/descriptive/dc.xml. METS.xml listar varje fil med
storlek och SHA-256-kontrollsumma, så att du kan se att filerna är oförändrade.

This is an E-ARK DIP (version 2.2) from samarkiv, the municipalities' e-archive.
The record's files are in representations/rep1/data/; its description is in
metadata/descriptive/dc.xml; METS.xml lists every file with size and SHA-256.
"""


class DipIntegrityError(SamarkivError):
    """A file read from storage did not match its catalogued size or SHA-256."""

    code = "dip_integrity"
    http_status = 500


@dataclass(frozen=True, slots=True)
class DipFile:
    """One file to deliver. ``opener()`` returns a context manager yielding a binary
    stream (``open(path, "rb")`` or ``open_aip_file(aip, path)`` both qualify).

    ``size``/``sha256`` are the archive's values, checked while streaming; a derived
    file whose digest is not known yet passes ``size=-1`` and ``sha256=""``.
    ``source`` names the original (e.g. ``<aip id>/<path>``) for PREMIS provenance.
    """

    name: str
    size: int
    sha256: str
    mime: str
    opener: Opener
    source: str = ""


@dataclass(frozen=True, slots=True)
class DipSpec:
    """Everything a DIP says. ``descriptive`` keys: title, registration_number,
    record_id, dates, municipality, records_creator, document_type, series,
    classification_code, description (others become DC descriptions)."""

    dip_id: str
    label: str
    source_aip_id: str
    tenant_name: str
    files: Sequence[DipFile]
    descriptive: Mapping[str, str] = field(default_factory=dict)
    tenant_code: str = ""
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class DipSummary:
    """What was written: the root folder, each file's package path and fixity."""

    dip_id: str
    entries: tuple[Entry, ...]
    data_bytes: int

    @property
    def data_files(self) -> list[Entry]:
        return [e for e in self.entries if e.path.startswith(DATA_PREFIX)]


def new_dip_id() -> str:
    """A fresh DIP identifier (DIP1: differs from the AIP's), portable as a folder."""
    return f"uuid-{uuid.uuid4()}"


# --------------------------------------------------------------------------- names


def safe_name(name: str, taken: set[str] | None = None) -> str:
    """A file name safe to unpack anywhere: NFC, one path segment, no characters that
    Windows, URLs or zip tools choke on, not hidden, not a device name, not too long,
    and unique (case-insensitively) among ``taken``, which it then joins."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join("_" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in text)
    text = _UNSAFE.sub("_", text).strip().strip(".").strip() or "fil"
    if _RESERVED.match(text):
        text = f"_{text}"
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, dot, ext = text, "", ""
    candidate = _shorten(stem, dot + ext)
    if taken is None:
        return candidate
    number = 1
    while candidate.casefold() in taken:
        number += 1
        candidate = _shorten(stem, f"-{number}{dot}{ext}")
    taken.add(candidate.casefold())
    return candidate


def _shorten(stem: str, tail: str) -> str:
    """stem + tail within MAX_NAME_BYTES of UTF-8, cut on a character boundary."""
    room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > room:
        stem = encoded[:room].decode("utf-8", "ignore").rstrip() or "fil"
    return stem + tail


def href(path: str) -> str:
    """The relative URL METS writes for a package path (RFC 3986, UTF-8)."""
    return quote(path, safe="/-._~")


# --------------------------------------------------------------------------- building


def build_dip(spec: DipSpec, out: BinaryIO) -> DipSummary:
    """Write the DIP zip to ``out`` (seekable or not) and say what it holds."""
    _check_spec(spec)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        steps = _write_package(spec, zf)
        try:
            while True:
                next(steps)
        except StopIteration as done:
            summary = done.value
    return summary


def iter_dip(spec: DipSpec, on_done: Callable[[DipSummary], None] | None = None) -> Iterator[bytes]:
    """The DIP zip as chunks of bytes, produced while it is built (for HTTP streaming).

    ``on_done`` receives the summary once the last byte has been produced.
    """
    _check_spec(spec)
    sink = _Sink()
    zf = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, allowZip64=True)  # noqa: SIM115
    steps = _write_package(spec, zf)
    summary = None
    try:
        while True:
            try:
                next(steps)
            except StopIteration as done:
                summary = done.value
                break
            if sink.pending >= CHUNK:
                yield sink.take()
        zf.close()
    finally:
        steps.close()
    yield sink.take()
    if on_done is not None and summary is not None:
        on_done(summary)


class _Sink:
    """A write-only buffer: zipfile writes into it, the iterator drains it."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.pending = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self.pending += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts, self.pending = [], 0
        return data


def _check_spec(spec: DipSpec) -> None:
    if not _ID.match(spec.dip_id):
        raise ValueError(f"DIP id {spec.dip_id!r} must be a portable folder name")
    if not spec.source_aip_id:
        raise ValueError("a DIP needs the id of the AIP it was made from")


def _write_package(spec: DipSpec, zf: zipfile.ZipFile) -> Generator[None, None, DipSummary]:
    """Write every entry; yield after each chunk so a caller can drain the output."""
    created_at = spec.created or datetime.now(UTC)
    created = created_at.isoformat(timespec="seconds")
    writer = _EntryWriter(zf, spec.dip_id, created_at)
    taken: set[str] = set()
    data: list[tuple[Entry, str]] = []
    for item in spec.files:
        path = DATA_PREFIX + safe_name(item.name, taken)
        entry = yield from writer.stream(path, item)
        data.append((entry, item.source))
    header = Header(spec.dip_id, spec.label, created, spec.tenant_name, spec.tenant_code)
    rep_path = f"representations/{REP}/METS.xml"
    rep_mets = writer.small(
        rep_path, dip_mets.representation_mets(header, [e for e, _ in data], href)
    )
    docs = [writer.small(DOCUMENTATION_NAME, README.encode("utf-8"), "text/plain")]
    dc = writer.small("metadata/descriptive/dc.xml", dip_mets.dublin_core(spec.descriptive))
    facts = PremisFacts(
        dip_id=spec.dip_id,
        source_aip_id=spec.source_aip_id,
        created=created,
        owner_name=spec.tenant_name,
        event_id=str(uuid.uuid4()),
        fixity_event_id=str(uuid.uuid4()),
        files=data,
    )
    premis = writer.small("metadata/preservation/premis.xml", dip_mets.premis(facts))
    yield
    schemas = [writer.small(f"schemas/{name}", data) for name, data in _schema_bytes()]
    parts = RootParts(dc, premis, docs, schemas, rep_mets)
    writer.small("METS.xml", dip_mets.root_mets(header, parts, href))
    total = sum(entry.size for entry, _ in data)
    return DipSummary(spec.dip_id, tuple(writer.entries), total)


@functools.cache
def _schema_bytes() -> tuple[tuple[str, bytes], ...]:
    """The bundled XSDs every DIP carries, read once per process, not once per download."""
    source = resources.files("samarkiv.packages") / "schemas"
    return tuple((name, (source / name).read_bytes()) for name in SCHEMA_FILES)


class _EntryWriter:
    """Writes zip entries under the root folder and remembers their fixity."""

    def __init__(self, zf: zipfile.ZipFile, root: str, created: datetime) -> None:
        self.zf = zf
        self.root = root
        stamp = created.astimezone().timetuple()[:6]
        self.date_time = stamp if stamp[0] >= 1980 else (1980, 1, 1, 0, 0, 0)
        self.entries: list[Entry] = []

    def _info(self, path: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.root}/{path}", self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = max(size, 0)
        return info

    def small(self, path: str, data: bytes, mime: str = dip_mets.XML_MIME) -> Entry:
        """A generated metadata file, written whole."""
        self.zf.writestr(self._info(path, len(data)), data)
        entry = Entry(path, len(data), hashlib.sha256(data).hexdigest(), mime)
        self.entries.append(entry)
        return entry

    def stream(self, path: str, item: DipFile) -> Generator[None, None, Entry]:
        """Copy one file chunk by chunk, hashing it; refuse it if it is not the
        archive's file (size or digest differ from the declared ones)."""
        digest = hashlib.sha256()
        size = 0
        big = item.size < 0 or item.size > _ZIP64_LIMIT
        with (
            item.opener() as source,
            self.zf.open(self._info(path, item.size), "w", force_zip64=big) as target,
        ):
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
                yield
        actual = digest.hexdigest()
        declared = item.sha256.lower()
        if (item.size >= 0 and size != item.size) or (declared and declared != actual):
            raise DipIntegrityError(
                f"{item.name}: {size} bytes with SHA-256 {actual} read from storage, "
                f"the archive says {item.size} bytes with {declared}",
                path=item.source or item.name,
            )
        entry = Entry(path, size, actual, _mime(item.mime))
        self.entries.append(entry)
        return entry


def _mime(value: str) -> str:
    """An IANA media type (CSIP68 strongly recommends one), else octet-stream."""
    base = (value or "").split(";", 1)[0].strip().lower()
    return base if base in iana_media_types() else "application/octet-stream"
