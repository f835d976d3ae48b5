"""Message digests for every CHECKSUMTYPE of METS 1.12 that can be computed here."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

CHUNK = 1 << 20

_HASHLIB_NAMES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "WHIRLPOOL": "whirlpool",
}


class _ZlibDigest:
    """Adler-32 and CRC32 with the hashlib interface."""

    def __init__(self, func: Callable[[bytes, int], int], start: int) -> None:
        self._func, self._value = func, start

    def update(self, data: bytes) -> None:
        self._value = self._func(data, self._value)

    def hexdigest(self) -> str:
        return f"{self._value & 0xFFFFFFFF:08x}"


def new_digest(checksum_type: str):
    """A fresh digest object, or None when the algorithm is not available."""
    if checksum_type == "Adler-32":
        return _ZlibDigest(zlib.adler32, 1)
    if checksum_type == "CRC32":
        return _ZlibDigest(zlib.crc32, 0)
    name = _HASHLIB_NAMES.get(checksum_type)
    if name is None:
        return None
    try:
        return hashlib.new(name)
    except ValueError:
        return None


def supported(checksum_type: str) -> bool:
    return new_digest(checksum_type) is not None


def _chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def file_digest(path: Path, checksum_type: str) -> str:
    """Stream the file once; memory stays at one chunk whatever the file size."""
    digest = new_digest(checksum_type)
    if digest is None:
        raise ValueError(f"unsupported checksum type {checksum_type}")
    for chunk in _chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


def _crlf_chunks(path: Path) -> Iterable[bytes]:
    """The file's bytes with every bare LF turned into CRLF, chunk by chunk."""
    pending_cr = False
    for chunk in _chunks(path):
        head = b""
        if pending_cr and chunk.startswith(b"\n"):
            head, chunk = b"\n", chunk[1:]
        pending_cr = chunk.endswith(b"\r") or (not chunk and pending_cr)
        yield head + chunk.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def crlf_digest(path: Path, checksum_type: str) -> str:
    """Digest of the file with LF line ends turned into CRLF.

    Used only to explain a mismatch: text files converted by git or FTP in transfer.
    """
    digest = new_digest(checksum_type)
    for chunk in _crlf_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


def crlf_size(path: Path) -> int:
    return sum(len(chunk) for chunk in _crlf_chunks(path))
