"""Which files of an AIP are its descriptive metadata, and reading one of them.

A delivery's description lives in ``metadata/descriptive/`` of the package or of a
representation (E-ARK), is named by a dmdSec of the METS, or, in FGS 1.x style
deliveries, is an ERMS export somewhere among the content: such XML files are
recognised by their namespace in the first bytes. The AIP's own copies at its root
(``metadata/descriptive/``) are the fallback for AIPs whose submission has none.
The same bytes twice (package and representation) are read once.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath

from lxml import etree

from samarkiv.catalog.records import ead, erms, fgs_erms1
from samarkiv.catalog.records.aipfiles import (
    AipFiles,
    FileTooLargeError,
    open_aip_file,
    parse_aip_xml,
    read_aip_file,
    spooled_aip_file,
)
from samarkiv.catalog.records.drafts import Draft
from samarkiv.catalog.records.other import package_draft, raw_markup_text, read_other_xml
from samarkiv.catalog.records.sip_mets import METS_NAMES, SipHints
from samarkiv.catalog.records.text_formats import ExtractionError, NoText, extract, kind_of
from samarkiv.catalog.records.validation import validate_erms
from samarkiv.packages.safexml import XmlProblem
from samarkiv.preservation.models import AipFile

log = logging.getLogger(__name__)
MAX_DESCRIPTIVE_BYTES = 256 * 2**20
MAX_RAW_BYTES = 8 * 2**20  # markup read as plain text when it cannot be parsed
SNIFF_MAX_FILES = 200
SNIFF_MAX_SIZE = 256 * 2**20
SNIFF_BYTES = 4096
XML_MIMES = frozenset({"application/xml", "text/xml"})
SNIFF_MARKERS = (b"DILCIS.eu/XML/ERMS", b"xml.ra.se/e-arkiv/FGS-ERMS", b"<Leveransobjekt")


def _in_descriptive_folder(path: str) -> bool:
    """``submission/<sip>/metadata/descriptive/...`` or the same in a representation."""
    parts = path.split("/")
    starts = [i for i in range(len(parts) - 2) if parts[i : i + 2] == ["metadata", "descriptive"]]
    if parts[0] != "submission":
        return False
    return any(i == 2 or (i == 4 and parts[2] == "representations") for i in starts)


def _sniffable(path: str, aip_file: AipFile) -> bool:
    parts = path.split("/")
    if parts[0] != "submission" or parts[-1] in METS_NAMES:
        return False
    if {"schemas", "metadata"} & set(parts[2:-1]) or aip_file.size > SNIFF_MAX_SIZE:
        return False
    mime = (aip_file.mime or "").split(";", 1)[0].strip().lower()
    return path.lower().endswith(".xml") or mime in XML_MIMES or mime.endswith("+xml")


def _sniff(files: AipFiles, aip_file: AipFile) -> bool:
    with open_aip_file(files.aip, aip_file.path) as stream:
        head = stream.read(SNIFF_BYTES)
    return any(marker in head for marker in SNIFF_MARKERS)


def descriptive_files(files: AipFiles, hints: SipHints) -> list[AipFile]:
    """The AIP's descriptive metadata files, package level first, each content once."""
    paths = sorted(files.by_path)
    chosen = [p for p in paths if _in_descriptive_folder(p)]
    chosen += [p for p in sorted(hints.declared) if p in files.by_path]
    candidates = [p for p in paths if p not in chosen and _sniffable(p, files.by_path[p])]
    chosen += [p for p in candidates[:SNIFF_MAX_FILES] if _sniff(files, files.by_path[p])]
    if not chosen:
        chosen = [p for p in paths if p.startswith("metadata/descriptive/")]
    result, seen = [], set()
    for path in chosen:
        aip_file = files.by_path[path]
        if path in seen or aip_file.sha256 in seen:
            continue
        seen.update({path, aip_file.sha256})
        result.append(aip_file)
    return result


def read_descriptive(
    files: AipFiles, aip_file: AipFile, hints: SipHints
) -> tuple[list[Draft], Draft | None]:
    """(structured drafts, None) for a mapped format, else ([], a package draft with
    the file's text). Raises only when storage cannot deliver the file (so the caller
    keeps the old records and retries), never for what the file contains."""
    path, title = aip_file.path, hints.label or PurePosixPath(aip_file.path).name
    if kind_of(aip_file.puid, aip_file.mime, path) != "xml" and not path.lower().endswith(".xml"):
        return [], _non_xml(files, aip_file, title)
    try:
        tree = parse_aip_xml(files.aip, path, MAX_DESCRIPTIVE_BYTES)
    except XmlProblem as exc:
        return [], _unparsed(files, aip_file, title, exc.message)
    except FileTooLargeError as exc:
        return [], package_draft(title, "", path, problems=[exc.message])
    try:
        drafts, report = _structured(tree, path, hints)
    except Exception as exc:  # a reader bug must not lose the description
        log.exception("reading %s of %s failed", path, files.aip.id)
        drafts, report = [], {"read_error": f"{type(exc).__name__}: {exc}"}
    if drafts:
        return drafts, None
    other = read_other_xml(tree, title, path)
    other.extra.update(report)
    return [], other


def _structured(tree: etree._ElementTree, path: str, hints: SipHints) -> tuple[list[Draft], dict]:
    """Drafts of a mapped format (ERMS, FGS 1.x, EAD); the ERMS validation report too."""
    name = etree.QName(tree.getroot())
    namespace = name.namespace or ""
    if namespace == erms.ERMS_NS and name.localname == "erms":
        version, how = erms.detect_version(tree, hints.format_hint(path))
        full = {**validate_erms(tree, version), "version_detected_by": how}
        drafts = erms.read_erms(tree, version)
        # the problem list once (first record of the file), the verdict on every one
        summary = {k: v for k, v in full.items() if k not in ("xsd_errors", "schematron_errors")}
        for number, draft in enumerate(drafts):
            draft.extra["validation"] = full if number == 0 else {**summary, "details": "first"}
        return drafts, {"validation": full}
    if name.localname == "Leveransobjekt" and namespace in (fgs_erms1.FGS_ERMS_NS, ""):
        return fgs_erms1.read_fgs_erms1(tree), {}
    if name.localname == "ead" and namespace in ead.EAD_NAMESPACES:
        return ead.read_ead(tree), {}
    return [], {}


def _unparsed(files: AipFiles, aip_file: AipFile, title: str, problem: str) -> Draft:
    """XML the safe parser refused: text from the raw markup, the problem noted."""
    try:
        data = read_aip_file(files.aip, aip_file.path, MAX_RAW_BYTES)
    except FileTooLargeError:
        data = b""
    return package_draft(title, raw_markup_text(data), aip_file.path, problems=[problem])


def _non_xml(files: AipFiles, aip_file: AipFile, title: str) -> Draft:
    """A text, PDF or office file as description: its extracted text."""
    kind = kind_of(aip_file.puid, aip_file.mime, aip_file.path)
    if kind is None:
        return package_draft(
            title, "", aip_file.path, problems=["formatet kan inte läsas som text"]
        )
    try:
        with spooled_aip_file(files.aip, aip_file.path, MAX_DESCRIPTIVE_BYTES) as local:
            text = extract(local, kind)
    except (NoText, ExtractionError, FileTooLargeError) as exc:
        return package_draft(title, "", aip_file.path, problems=[str(exc)])
    return package_draft(title, text, aip_file.path)
