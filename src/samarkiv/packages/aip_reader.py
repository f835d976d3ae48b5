"""Reading an AIP back: what the catalogue needs, from its METS and PREMIS alone.

Kept apart from the writer so that a rebuild of the catalogue depends on nothing but
the files samarkiv wrote, read with the same rules an outside tool would use.
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

from lxml import etree

from samarkiv.packages.aip import (
    AGREEMENT_TYPE,
    SIP_OBJID_TYPE,
    TENANT_NOTE_PREFIX,
    _safe_relpath,
)
from samarkiv.packages.model import AipSummary
from samarkiv.packages.namespaces import METS, XLINK, q
from samarkiv.packages.premis import iter_children, read_premis


def read_aip_summary(aip_dir: Path) -> AipSummary:
    """What the catalogue needs, read back from an AIP's METS and PREMIS alone.

    Paths come back as PREMIS records them: relative to the AIP root, i.e.
    ``submission/<sip folder>/<path in the SIP>`` for the submitted files (and for the
    events' file objects). The METS is read only up to its amdSec, the PREMIS file is
    streamed. Raises ``XmlProblem`` for unreadable XML, ValueError for a METS that
    lacks what samarkiv writes (owner tenant, PREMIS reference).
    """
    aip_dir = Path(aip_dir)
    root_attrs, hdr, premis_href = _read_mets_head(aip_dir / "METS.xml")
    if hdr is None or not premis_href:
        raise ValueError(f"{aip_dir}/METS.xml has no metsHdr or no PREMIS reference (AIPM5)")
    files, events, agents = read_premis(_inside(aip_dir, premis_href))
    return AipSummary(
        aip_id=root_attrs.get("OBJID", ""),
        tenant_code=_read_tenant_code(hdr),
        sip_objid=_read_alt_id(hdr, SIP_OBJID_TYPE),
        agreement=_read_alt_id(hdr, AGREEMENT_TYPE),
        label=root_attrs.get("LABEL", ""),
        created=_parse_datetime(hdr.get("CREATEDATE")),
        files=files,
        events=events,
        agents=agents,
    )


def _read_mets_head(path: Path) -> tuple[dict[str, str], etree._Element | None, str]:
    """Root attributes, a copy of metsHdr and the PREMIS href; stops before the fileSec."""
    root_attrs: dict[str, str] = {}
    hdr: etree._Element | None = None
    skip = {q(METS, "dmdSec"), q(METS, "fileSec")}
    for child in iter_children(path, q(METS, "mets"), skip=skip):
        root_attrs = dict(child.getparent().attrib)
        if child.tag == q(METS, "metsHdr") and hdr is None:
            hdr = copy.deepcopy(child)  # the streamed original is freed
        elif child.tag == q(METS, "amdSec"):
            href = _premis_href(child)
            if href:
                return root_attrs, hdr, href
        elif child.tag == q(METS, "structMap"):
            break
    return root_attrs, hdr, ""


def _read_tenant_code(hdr: etree._Element) -> str:
    for agent in hdr.iterfind(q(METS, "agent")):
        if agent.get("ROLE") != "IPOWNER":
            continue
        for note in agent.iterfind(q(METS, "note")):
            text = (note.text or "").strip()
            if text.startswith(TENANT_NOTE_PREFIX):
                return text[len(TENANT_NOTE_PREFIX) :]
    raise ValueError("the AIP METS names no IPOWNER agent with a samarkiv-tenant note")


def _read_alt_id(hdr: etree._Element, kind: str) -> str:
    for alt in hdr.iterfind(q(METS, "altRecordID")):
        if alt.get("TYPE") == kind:
            return (alt.text or "").strip()
    return ""


def _parse_datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _inside(aip_dir: Path, href: str) -> Path:
    """An href of the AIP METS as a path that cannot leave the AIP folder."""
    rel = href.strip().removeprefix("./")
    if not _safe_relpath(rel):
        raise ValueError(f"reference {href!r} points outside the AIP")
    return aip_dir / rel


def _premis_href(amd: etree._Element) -> str:
    """AIPM5/AIPM6: the digiprovMD/mdRef of type PREMIS."""
    for ref in amd.iterfind(f"{q(METS, 'digiprovMD')}/{q(METS, 'mdRef')}"):
        if ref.get("MDTYPE") == "PREMIS" and ref.get(q(XLINK, "href")):
            return ref.get(q(XLINK, "href"))
    return ""
