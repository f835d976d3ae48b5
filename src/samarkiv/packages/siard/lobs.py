"""LOB cells stored as separate files, inside the zip or (rarely) next to it.

A LOB cell carries ``file`` (URL-encoded, relative to the nearest ``lobFolder``: column, then
archive; none means the zip root), ``length`` (characters for CLOB/NCLOB/XML, bytes for BLOB),
``digestType`` and ``digest`` over the file bytes. A ``..`` leaves the zip for the folder the
``.siard`` lies in (the E-ARK/CITS SIARD layout for external LOB folders). The path rules are
strict: backslashes, absolute ``file:`` URIs and anything escaping that folder are refused,
because a LOB path is attacker-controlled input that names files to read.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import unquote

from samarkiv.errors import SamarkivError

if TYPE_CHECKING:
    from lxml import etree

    from samarkiv.packages.siard.model import Column
    from samarkiv.packages.siard.reader import SiardReader

CHUNK = 2**20
_DIGESTS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256"}


class LobPathError(SamarkivError):
    code = "siard_lob_path"
    http_status = 422


@dataclass(eq=False)
class LobRef:
    """A LOB value left in its file; ``open()`` streams it, ``read()`` loads it."""

    reader: SiardReader
    member: str | None  # name inside the zip, or None when external
    external: Path | None
    binary: bool
    length: int | None  # as declared in the cell
    digest_type: str | None
    digest: str | None
    size: int | None  # bytes of the file, when it exists
    mime_type: str | None = None

    @property
    def location(self) -> str:
        return self.member if self.member is not None else str(self.external)

    def open(self) -> IO[bytes]:
        """The file's bytes as a stream (FileNotFoundError/KeyError when missing)."""
        if self.member is not None:
            return self.reader.open_member(self.member)
        assert self.external is not None
        return open(self.external, "rb")

    def read(self) -> bytes | str:
        """The whole value: bytes for BLOBs, str (UTF-8) for CLOB/NCLOB/XML."""
        with self.open() as fh:
            data = fh.read()
        return data if self.binary else data.decode("utf-8")

    def measure(self) -> tuple[int, str | None]:
        """(length in the cell's unit, hex digest of digest_type), streamed in chunks."""
        algo = _DIGESTS.get((self.digest_type or "").upper())
        hasher = hashlib.new(algo) if algo else None
        length = 0
        decoder = None if self.binary else _utf8_decoder()
        with self.open() as fh:
            while chunk := fh.read(CHUNK):
                if hasher is not None:
                    hasher.update(chunk)
                length += len(chunk) if decoder is None else len(decoder.decode(chunk))
        if decoder is not None:
            length += len(decoder.decode(b"", final=True))
        return length, (hasher.hexdigest().upper() if hasher else None)


def _utf8_decoder():  # noqa: ANN202 - codecs has no public type for it
    import codecs

    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def lob_cell(reader: SiardReader, column: Column, cell: etree._Element) -> LobRef:
    """Resolve a LOB cell of ``column`` to a LobRef (raises LobPathError if refused)."""
    raw = cell.get("file") or ""
    member, external = resolve_lob_path(reader, column.lob_folder, raw)
    size: int | None = None
    if member is not None:
        try:
            size = reader.zf.getinfo(member).file_size
        except KeyError:
            size = None
    elif external is not None and external.is_file():
        size = external.stat().st_size
    length = cell.get("length")
    binary = column.is_binary or (column.type is None and raw.lower().endswith(".bin"))
    return LobRef(
        reader=reader,
        member=member,
        external=external,
        binary=binary,
        length=int(length) if length and length.isdigit() else None,
        digest_type=cell.get("digestType"),
        digest=cell.get("digest"),
        size=size,
        mime_type=column.mime_type,
    )


def resolve_lob_path(
    reader: SiardReader, column_folder: str | None, raw: str
) -> tuple[str | None, Path | None]:
    """(zip member, None) or (None, external path) for a cell's ``file`` attribute."""
    parts = [reader.archive.lob_folder or "", column_folder or "", unquote(raw)]
    for part in parts:
        if "\\" in part or part.lower().startswith("file:") or part.startswith("/"):
            raise LobPathError(
                f"LOB path '{raw}' (lobFolder '{part}') is absolute or uses backslashes; refused",
                rule_id="SIARD-LOB-PATH",
                path=raw,
            )
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p] or ["."]))
    if not joined.startswith("../") and joined != "..":
        return joined, None
    rest = joined[3:]
    if rest.startswith("..") or not rest:
        raise LobPathError(
            f"LOB path '{raw}' leaves the folder of the SIARD file; refused",
            rule_id="SIARD-LOB-PATH",
            path=raw,
        )
    base = reader.path.resolve().parent
    target = (base / rest).resolve()
    if not target.is_relative_to(base):
        raise LobPathError(
            f"LOB path '{raw}' leaves the folder of the SIARD file; refused",
            rule_id="SIARD-LOB-PATH",
            path=raw,
        )
    return None, target
