"""An AIP's files as the records code needs them: by path, readable, and resolvable from
the file references inside its metadata.

Why resolution works on the catalogue and not the file system: a reference in a
delivered metadata file is untrusted text ("../../etc/passwd", "file:///C:/x.pdf",
"Content/1/x.pdf"). It is normalised and then only ever matched against the AIP's
catalogued file paths, so it can name nothing outside the AIP, whatever it says.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import unquote

from django.conf import settings
from lxml import etree

from samarkiv.errors import NotFoundError, SamarkivError
from samarkiv.packages.aip import SUBMISSION_FOLDER, aip_folder_name
from samarkiv.packages.safexml import parse_untrusted
from samarkiv.preservation.locations import location, policy_of
from samarkiv.preservation.models import Aip, AipFile

_CHUNK = 1024 * 1024


class FileTooLargeError(SamarkivError):
    code = "file_too_large"


def _copy_locations(aip: Aip) -> list[str]:
    """Where the AIP's head version is stored: policy order first, then any other copy."""
    stored = list(aip.copies.filter(version=aip.version).values_list("location", flat=True))
    stored = stored or list(aip.copies.values_list("location", flat=True))
    try:
        policy = list(policy_of(aip))
    except Exception:  # a removed policy must not make the AIP unreadable here
        policy = []
    return [name for name in policy if name in stored] + [n for n in stored if n not in policy]


@contextlib.contextmanager
def open_aip_file(aip: Aip, path: str) -> Iterator[BinaryIO]:
    """Open one file of the AIP (``path`` as in ``AipFile.path``) from the first stored
    copy that can deliver it."""
    last: Exception | None = None
    logical = f"{aip_folder_name(aip.id)}/{path}"
    for name in _copy_locations(aip):
        try:
            stream = location(name).open_file(aip.id, logical)
        except (SamarkivError, OSError, KeyError) as exc:
            last = exc
            continue
        with stream:
            yield stream
        return
    if last is not None:
        raise last
    raise NotFoundError(f"no stored copy of {aip.id} holds {path}", path=path)


def read_aip_file(aip: Aip, path: str, max_bytes: int) -> bytes:
    """The whole file, refused when it is larger than ``max_bytes``."""
    buffer = io.BytesIO()
    with open_aip_file(aip, path) as stream:  # in chunks: read(n) would allocate n bytes
        _copy_bounded(stream, buffer, max_bytes, path)
    return buffer.getvalue()


@contextlib.contextmanager
def spooled_aip_file(aip: Aip, path: str, max_bytes: int, suffix: str = "") -> Iterator[Path]:
    """The file copied to a private temporary file (parsers want a seekable local file;
    storage may be remote), removed afterwards."""
    tmp_dir = Path(settings.SAMARKIV_TMP_DIR)
    directory = str(tmp_dir) if tmp_dir.is_dir() else None
    with tempfile.NamedTemporaryFile(prefix="records-", suffix=suffix, dir=directory) as tmp:
        with open_aip_file(aip, path) as stream:
            _copy_bounded(stream, tmp, max_bytes, path)
        tmp.flush()
        yield Path(tmp.name)


def _copy_bounded(source: BinaryIO, target: IO[bytes], max_bytes: int, path: str) -> None:
    copied = 0
    while chunk := source.read(_CHUNK):
        copied += len(chunk)
        if copied > max_bytes:
            raise FileTooLargeError(f"{path} is larger than {max_bytes} bytes", path=path)
        target.write(chunk)


def parse_aip_xml(aip: Aip, path: str, max_bytes: int) -> etree._ElementTree:
    """An XML file of the AIP, parsed with the XXE- and entity-expansion-safe parser."""
    with spooled_aip_file(aip, path, max_bytes, ".xml") as local:
        # read(n) allocates n bytes up front: never ask for more than the file holds
        return parse_untrusted(local, max_bytes=max(1, min(max_bytes, local.stat().st_size)))


class AipFiles:
    """The AIP's catalogued files by path, and reference resolution among them."""

    def __init__(self, aip: Aip, files: list[AipFile] | None = None) -> None:
        self.aip = aip
        rows = files if files is not None else list(aip.files.all())
        self.by_path: dict[str, AipFile] = {f.path: f for f in rows}
        self._reps: dict[str, list[str]] = {}

    def submissions(self) -> list[str]:
        """The ``submission/<sip>`` folders (one per stored SIP)."""
        roots = {
            "/".join(p.split("/")[:2])
            for p in self.by_path
            if p.startswith(f"{SUBMISSION_FOLDER}/") and p.count("/") >= 2
        }
        return sorted(roots)

    def sip_root_of(self, path: str) -> str:
        """The ``submission/<sip>`` folder a path belongs to, or '' for AIP-level files."""
        parts = path.split("/")
        return "/".join(parts[:2]) if parts[0] == SUBMISSION_FOLDER and len(parts) > 2 else ""

    def _representations(self, sip_root: str) -> list[str]:
        if sip_root not in self._reps:  # asked for every reference: computed once
            prefix = f"{sip_root}/representations/" if sip_root else "representations/"
            found = {p[len(prefix) :].split("/")[0] for p in self.by_path if p.startswith(prefix)}
            self._reps[sip_root] = sorted(found)
        return self._reps[sip_root]

    def resolve(self, reference: str, *, source_path: str) -> AipFile | None:
        """The catalogued file a reference in the metadata file ``source_path`` means.

        Tried in order: relative to the metadata file's folder, to the SIP root, to each
        representation and its data folder; then, if exactly one file ends with the
        reference, that one. None when nothing matches (or it would leave the AIP).
        """
        sip_root = self.sip_root_of(source_path)
        for ref in _variants(reference):
            for base in self._bases(ref, source_path, sip_root):
                found = self._inside(base, ref)
                if found is not None:
                    return found
        return self._by_suffix(reference, sip_root)

    def _bases(self, ref: str, source_path: str, sip_root: str) -> list[str]:
        if ref.startswith("/"):  # "file:///Content/1/x.pdf": rooted at the package
            return [sip_root]
        bases = [posixpath.dirname(source_path), sip_root]
        for rep in self._representations(sip_root):
            rep_dir = posixpath.join(sip_root, "representations", rep)
            bases += [rep_dir, f"{rep_dir}/data"]
        return bases

    def _inside(self, base: str, ref: str) -> AipFile | None:
        joined = posixpath.normpath(posixpath.join(base, ref.lstrip("/")))
        if joined.startswith(("../", "/")) or joined == "..":
            return None
        return self.by_path.get(joined)

    def _by_suffix(self, reference: str, sip_root: str) -> AipFile | None:
        for ref in _variants(reference):
            tail = posixpath.normpath(ref.lstrip("/"))
            if tail.startswith("..") or tail in (".", ""):
                continue
            hits = [
                f
                for p, f in self.by_path.items()
                if p.endswith(f"/{tail}") and (not sip_root or p.startswith(f"{sip_root}/"))
            ]
            if len(hits) == 1:
                return hits[0]
        return None


def _variants(reference: str) -> list[str]:
    """The reference as written and percent-decoded, with file: URLs and Windows
    separators made plain; none for other URL schemes."""
    ref = reference.strip().replace("\\", "/")
    if ref.lower().startswith("file:"):
        ref = ref[5:]
        ref = "/" + ref.lstrip("/") if ref.startswith("//") else ref
    elif "://" in ref or ref.lower().startswith(("http:", "https:", "mailto:", "urn:")):
        return []
    while ref.startswith("./"):
        ref = ref[2:]
    variants = [ref, unquote(ref)]
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]
