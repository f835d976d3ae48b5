"""A large, valid E-ARK SIP for the upload acceptance test: the demo SIP plus one big
incompressible data file, listed in the representation METS with size and SHA-256.

Why patch the demo SIP's METS instead of writing new METS: the demo builder is what the
rest of the suite trusts to be valid; only the new file and the checksums that change
because of it (the representation METS in the package METS) are touched.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from lxml import etree

from samarkiv.ingest import demo_mets as m
from samarkiv.ingest.demo_packages import REP, build_valid_sip

BLOCK = 8 * 1024 * 1024
BIG_NAME = "matdata-2024.bin"


def _write_random(path: Path, size: int) -> str:
    """``size`` random bytes (nothing for deflate to shrink); returns their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        left = size
        while left:
            block = os.urandom(min(BLOCK, left))
            fh.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def _list_in_rep_mets(rep_dir: Path, size: int, sha256: str) -> None:
    path = rep_dir / "METS.xml"
    tree = etree.parse(path)
    group = tree.find(f".//{m.q(m.METS, 'fileGrp')}[@ID='{REP}-grp-data']")
    file_el = etree.SubElement(
        group,
        m.q(m.METS, "file"),
        {
            "ID": f"{REP}-file-big",
            "MIMETYPE": "application/octet-stream",
            "SIZE": str(size),
            "CREATED": m.CREATED,
            "CHECKSUM": sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    etree.SubElement(
        file_el,
        m.q(m.METS, "FLocat"),
        {
            "LOCTYPE": "URL",
            m.q(m.XLINK, "type"): "simple",
            m.q(m.XLINK, "href"): f"data/{BIG_NAME}",
        },
    )
    m.write(tree.getroot(), path)


def _refresh_rep_mets_entry(pkg: Path) -> None:
    """The package METS lists the representation METS with its size and checksum."""
    path = pkg / "METS.xml"
    tree = etree.parse(path)
    rep_mets = pkg / "representations" / REP / "METS.xml"
    data = rep_mets.read_bytes()
    for file_el in tree.iter(m.q(m.METS, "file")):
        flocat = file_el.find(m.q(m.METS, "FLocat"))
        if flocat.get(m.q(m.XLINK, "href")) == f"representations/{REP}/METS.xml":
            file_el.set("SIZE", str(len(data)))
            file_el.set("CHECKSUM", hashlib.sha256(data).hexdigest())
    m.write(tree.getroot(), path)


def build_big_sip(parent: Path, size: int, name: str = "sip-stor-leverans-2024") -> Path:
    """The demo SIP with a ``size``-byte random file in representation 1's data."""
    pkg = build_valid_sip(parent, name)
    rep_dir = pkg / "representations" / REP
    sha256 = _write_random(rep_dir / "data" / BIG_NAME, size)
    _list_in_rep_mets(rep_dir, size, sha256)
    _refresh_rep_mets_entry(pkg)
    return pkg


def zip_package(pkg: Path, dest: Path) -> Path:
    """Zip with one root folder; the big random file is stored, not deflated (speed)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for path in sorted(p for p in pkg.rglob("*") if p.is_file()):
            arcname = f"{pkg.name}/{path.relative_to(pkg).as_posix()}"
            method = zipfile.ZIP_STORED if path.name == BIG_NAME else zipfile.ZIP_DEFLATED
            zf.write(path, arcname, compress_type=method)
    return dest
