"""Reference integrity and fixity: every FLocat/mdRef/mptr resolves, with the right size
and checksum, and every file in the package is referenced.

Mismatches have rule IDs of their own (FIXITY-*, REFERENCE-*), so a broken file can be
told apart from a badly written METS attribute (CSIP27/29/41/43/...).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from samarkiv.packages.namespaces import METS, XLINK, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation import fixity
from samarkiv.packages.validation.context import MetsContext, PackageContext

_POINTERS = (q(METS, "FLocat"), q(METS, "mdRef"), q(METS, "mptr"))


def href_to_relpath(href: str) -> str | None:
    """Package-relative POSIX path of a local href, or None if it is not local."""
    parts = urlsplit(href.strip())
    if parts.scheme and parts.scheme.lower() != "file" and len(parts.scheme) > 1:
        return None
    path = unquote(parts.path if parts.scheme else href.strip())
    if parts.scheme.lower() == "file":
        path = path.lstrip("/")
    return path.replace("\\", "/")


def resolve(ctx: MetsContext, href: str) -> tuple[str | None, str]:
    """(path relative to the package root, problem) for an href in this METS."""
    rel = href_to_relpath(href)
    if rel is None:
        return None, "points outside the package (absolute URL)"
    if rel.startswith("/") or (len(rel) > 1 and rel[1] == ":"):
        return None, "is an absolute path"
    base = ctx.base_dir.relative_to(ctx.package.root).as_posix()
    joined = posixpath.normpath(posixpath.join("" if base == "." else base, rel))
    if joined == ".." or joined.startswith("../"):
        return None, "escapes the package root"
    return joined, ""


def check_references(ctx: MetsContext) -> None:
    """Resolve and verify every pointer of one METS document."""
    for el in ctx.root.iter(*_POINTERS):
        href = el.get(q(XLINK, "href"))
        if not href or not href.strip():
            continue
        rel, problem = resolve(ctx, href)
        if rel is None:
            ctx.add("REFERENCE-OUTSIDE", f"reference '{href}' {problem}", el)
            continue
        target = ctx.package.root / rel
        if (
            not target.is_file()
            and "+" in rel
            and (ctx.package.root / rel.replace("+", " ")).is_file()
        ):
            rel = rel.replace("+", " ")
            target = ctx.package.root / rel
            ctx.add(
                "REFERENCE-ENCODING",
                f"reference '{href}' encodes spaces as '+' (form encoding); URLs should use "
                "%20 (RFC 3986). The file was found by reading '+' as a space",
                el,
            )
        ctx.package.referenced.add(rel)
        if not target.is_file():
            ctx.add("REFERENCE-MISSING", _missing_message(ctx.package.root, rel, href), el)
            continue
        _check_location_convention(ctx, el, rel)
        holder = el.getparent() if el.tag == q(METS, "FLocat") else el
        if el.tag != q(METS, "mptr"):
            check_fixity(ctx, holder, target, rel)


def _missing_message(root: Path, rel: str, href: str) -> str:
    parent = (root / rel).parent
    name = posixpath.basename(rel)
    if parent.is_dir():
        near = [p.name for p in parent.iterdir() if p.name.casefold() == name.casefold()]
        if near:
            return (
                f"referenced file '{href}' does not exist; '{near[0]}' differs only in "
                "letter case (names are case-sensitive)"
            )
    return f"referenced file '{href}' does not exist in the package"


def _check_location_convention(ctx: MetsContext, el: etree._Element, rel: str) -> None:
    """CSIPSTR6/7: preservation and descriptive metadata live in their folders."""
    if el.tag != q(METS, "mdRef"):
        return
    section = etree.QName(el.getparent()).localname
    folder = {"digiprovMD": "preservation", "dmdSec": "descriptive"}.get(section)
    if folder and f"/metadata/{folder}/" not in f"/{rel}":
        rule_id = "CSIPSTR6" if folder == "preservation" else "CSIPSTR7"
        ctx.add(rule_id, f"{section} metadata '{rel}' SHOULD be in a metadata/{folder} folder", el)


def check_fixity(ctx: MetsContext, holder: etree._Element, target: Path, rel: str) -> None:
    """SIZE and CHECKSUM of a file or mdRef against the bytes on disk."""
    size = holder.get("SIZE")
    actual_size = target.stat().st_size
    if size and size.strip().isdigit() and int(size) != actual_size:
        hint = ""
        if fixity.crlf_size(target) == int(size):
            hint = " (it matches the file with CRLF line ends: altered in transfer)"
        ctx.add(
            "FIXITY-SIZE",
            f"'{rel}' is {actual_size} bytes but the METS declares SIZE={size}{hint}",
            holder,
        )
    checksum, ctype = holder.get("CHECKSUM"), holder.get("CHECKSUMTYPE")
    if not checksum or not ctype:
        return
    if not fixity.supported(ctype):
        ctx.add(
            "FIXITY-ALGORITHM",
            f"CHECKSUMTYPE {ctype} of '{rel}' cannot be verified here; "
            "the file's integrity is unproven",
            holder,
            level=Level.SHOULD,
        )
        return
    known = ctx.package.known_sha256.get(rel) if ctype == "SHA-256" else None
    actual = known or fixity.file_digest(target, ctype)
    if actual.lower() != checksum.strip().lower():
        hint = ""
        if fixity.crlf_digest(target, ctype).lower() == checksum.strip().lower():
            hint = " (it matches the file with CRLF line ends: altered in transfer)"
        ctx.add(
            "FIXITY-CHECKSUM",
            f"{ctype} of '{rel}' is {actual}, the METS declares {checksum.strip()}{hint}",
            holder,
        )


def check_unlisted(pkg: PackageContext, mets_files: set[str], limit: int = 200) -> None:
    """Every file in the package is described by some METS file."""
    unlisted = []
    for dirpath, dirnames, filenames in os.walk(pkg.root):
        dirnames.sort()
        base = Path(dirpath).relative_to(pkg.root).as_posix()
        for name in sorted(filenames):
            rel = name if base == "." else f"{base}/{name}"
            if rel not in pkg.referenced and rel not in mets_files:
                unlisted.append(rel)
    for rel in unlisted[:limit]:
        pkg.add(
            "REFERENCE-UNLISTED",
            f"'{rel}' is in the package but no METS file references it",
            path=rel,
        )
    if len(unlisted) > limit:
        pkg.add(
            "REFERENCE-UNLISTED",
            f"{len(unlisted) - limit} more unreferenced files not listed",
            path="",
        )
