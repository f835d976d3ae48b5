"""Header-level readers for zip and tar archives, behind one small ``_Reader`` protocol.

Each reader turns its format's members into ``_Entry`` objects (recovering the stored
name bytes and the entry type) and opens one member as a stream; neither ever writes
anything. The format quirks live here, apart from the checks and the extraction, so
that ``container`` handles both formats alike:

* Zip names without the UTF-8 flag are turned back into their stored bytes (zipfile
  decoded them as cp437, a lossless inverse), so the name checks see what was stored.
* The zip entry count is read from the end record before zipfile loads the central
  directory, so an archive claiming millions of entries is refused cheaply.
* Oversized GNU long-name and pax headers are refused before tarfile reads them whole.
* The container type is detected by content, never by file name.
"""

from __future__ import annotations

import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from samarkiv.errors import UnreadableInputError
from samarkiv.packages.entries import _archive_entry, _display, _Entry, _Refused, _too_many
from samarkiv.packages.limits import MAX_TAR_META_BYTES, RULE_BOMB, RULE_ENCODING, Limits

_ZIP_UTF8_FLAG = 0x800
_ZIP_ENCRYPTED_FLAG = 0x1
_SPECIAL_MODES = (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
_TAR_META_TYPES = frozenset(
    (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE)
)
_READ_ERRORS = (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError)
_READ_ERRORS += (OSError, NotImplementedError, RuntimeError, ValueError)


def _cannot_read(path: Path | str, exc: OSError) -> UnreadableInputError:
    return UnreadableInputError(f"cannot read '{path}': {exc.strerror}", path=str(path))


class _Reader(Protocol):
    kind: str
    path: Path

    def entries(self) -> Iterator[_Entry]: ...
    def open(self, entry: _Entry) -> IO[bytes]: ...
    def close(self) -> None: ...


def _unreadable(path: Path, kind: str, exc: BaseException) -> UnreadableInputError:
    detail = str(exc) or type(exc).__name__
    message = f"'{path.name}' is a damaged or unsupported {kind} archive: {detail}"
    return UnreadableInputError(message, path=str(path))


class _ZipReader:
    kind = "zip"

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        declared = _zip_declared_count(path)
        if declared is not None and declared > limits.max_entries:
            raise _too_many(f"zip archive '{path.name}'", limits)
        try:
            self.zf = zipfile.ZipFile(path)
        except UnicodeDecodeError as exc:  # a name flagged UTF-8 that is not
            name = _display(exc.object if isinstance(exc.object, bytes) else b"")
            message = f"zip entry '{name}' is flagged as UTF-8 but is not valid UTF-8"
            raise _Refused(RULE_ENCODING, message + "; nothing was extracted", name) from None
        except _READ_ERRORS as exc:
            raise _unreadable(path, "zip", exc) from None

    def entries(self) -> Iterator[_Entry]:
        for info in self.zf.infolist():
            if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
                raise UnreadableInputError(
                    f"zip entry '{info.filename}' in '{self.path.name}' is encrypted; "
                    "encrypted packages cannot be validated",
                    path=info.filename,
                )
            yield _zip_entry(info)

    def open(self, entry: _Entry) -> IO[bytes]:
        assert isinstance(entry.handle, zipfile.ZipInfo)
        return self.zf.open(entry.handle)

    def close(self) -> None:
        self.zf.close()


def _zip_entry(info: zipfile.ZipInfo) -> _Entry:
    """Recover the stored name bytes and the entry type from the central directory."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        raw = info.orig_filename.encode("utf-8")
    else:
        raw = info.orig_filename.encode("cp437")  # zipfile decoded cp437: lossless inverse
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        kind = "symlink"
    elif stat.S_IFMT(mode) in _SPECIAL_MODES:
        kind = "special"
    else:
        kind = "dir" if info.is_dir() else "file"
    return _archive_entry(raw, kind, info.file_size, info)


def _zip_declared_count(path: Path) -> int | None:
    """Entry count from the end record, read before zipfile loads the central directory."""
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        tail_len = min(size, 2**16 + 22 + 20)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        pos = tail.rfind(b"PK\x05\x06")
        if pos < 0 or len(tail) - pos < 22:
            return None
        (total,) = struct.unpack_from("<H", tail, pos + 10)
        loc = pos - 20
        if total != 0xFFFF or loc < 0 or tail[loc : loc + 4] != b"PK\x06\x07":
            return total if total != 0xFFFF else None
        (offset,) = struct.unpack_from("<Q", tail, loc + 8)
        fh.seek(min(offset, size))
        record = fh.read(56)
    if len(record) < 40 or record[:4] != b"PK\x06\x06":
        return None
    return struct.unpack_from("<Q", record, 32)[0]


class _BoundedTarInfo(tarfile.TarInfo):
    """Refuses oversized GNU long-name and pax headers, which tarfile reads into memory."""

    def _proc_member(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:  # type: ignore[override]
        if self.type in _TAR_META_TYPES and self.size > MAX_TAR_META_BYTES:
            message = (
                f"tar metadata header '{self.name}' declares {self.size} bytes, over the "
                f"limit of {MAX_TAR_META_BYTES} bytes (long name or pax data); "
                "nothing was extracted"
            )
            raise _Refused(RULE_BOMB, message, self.name, container="tar")
        return super()._proc_member(tarfile)


class _TarReader:
    kind = "tar"

    def __init__(self, path: Path, tf: tarfile.TarFile) -> None:
        self.path = path
        self.tf = tf

    def entries(self) -> Iterator[_Entry]:
        members = iter(self.tf)
        while True:
            try:
                info = next(members)
            except StopIteration:
                return
            except _READ_ERRORS as exc:
                raise _unreadable(self.path, "tar", exc) from None
            yield _tar_entry(info)

    def open(self, entry: _Entry) -> IO[bytes]:
        assert isinstance(entry.handle, tarfile.TarInfo)
        stream = self.tf.extractfile(entry.handle)
        if stream is None:  # not a regular file; the checks exclude those already
            raise ValueError(f"'{entry.display}' has no data")
        return stream

    def close(self) -> None:
        self.tf.close()


def _tar_entry(info: tarfile.TarInfo) -> _Entry:
    raw = info.name.encode("utf-8", "surrogateescape")
    target = _display(info.linkname.encode("utf-8", "surrogateescape"))
    kinds = [(info.isreg, "file"), (info.isdir, "dir"), (info.issym, "symlink")]
    kind = next((kind for test, kind in kinds if test()), "special")
    kind = "hardlink" if info.islnk() else kind
    return _archive_entry(raw, kind, info.size, info, target)


def _open_reader(path: Path, limits: Limits) -> _Reader:
    """Detect the container by content, not by file name: zip magic, then tar, then zip."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if head in (b"PK\x03\x04", b"PK\x05\x06"):
        return _ZipReader(path, limits)
    try:  # tarfile.is_tarfile would read oversized headers unbounded; open bounded instead
        options = {"encoding": "utf-8", "errors": "surrogateescape"}
        tf = tarfile.open(path, "r:*", tarinfo=_BoundedTarInfo, **options)  # noqa: SIM115
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError):
        tf = None
    if tf is not None:
        return _TarReader(path, tf)
    if zipfile.is_zipfile(path):  # zip with a prefix, e.g. self-extracting
        return _ZipReader(path, limits)
    message = f"'{path.name}' is neither a folder nor a readable zip or tar archive"
    raise UnreadableInputError(message, path=str(path))
