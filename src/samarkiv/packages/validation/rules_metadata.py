"""CSIP17-57: descriptive (dmdSec) and administrative (amdSec) metadata sections."""

from __future__ import annotations

from lxml import etree

from samarkiv.packages.namespaces import METS, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.attributes import (
    DIGIPROV_MDREF,
    DMD_MDREF,
    RIGHTS_MDREF,
    PointerRules,
    check_pointer,
    is_datetime,
)
from samarkiv.packages.validation.context import MetsContext

STATUSES = ("CURRENT", "SUPERSEDED")


def _has_files(ctx: MetsContext, *parts: str) -> bool:
    folder = ctx.base_dir.joinpath(*parts)
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def check_dmdsecs(ctx: MetsContext) -> None:
    sections = ctx.findall("dmdSec")
    if not sections:
        if _has_files(ctx, "metadata", "descriptive"):
            ctx.add(
                "CSIP17",
                "metadata/descriptive holds files but the METS has no dmdSec describing them",
                ctx.root,
                level=Level.MUST,
            )
        else:
            ctx.add("CSIP17", "no dmdSec: descriptive metadata SHOULD be provided", ctx.root)
        return
    if not _has_files(ctx, "metadata", "descriptive"):
        ctx.add(
            "CSIP17",
            "the METS has dmdSec elements but metadata/descriptive holds no files",
            sections[0],
        )
    for sec in sections:
        _check_section(ctx, sec, "dmdSec", ("CSIP18", "CSIP20", "CSIP21"), DMD_MDREF)
        created = sec.get("CREATED")
        if created is None:
            ctx.add("CSIP19", "dmdSec/@CREATED is missing", sec)
        elif not is_datetime(created):
            ctx.add("CSIP19", f"dmdSec/@CREATED '{created}' is not an xs:dateTime", sec)


def _check_section(
    ctx: MetsContext,
    sec: etree._Element,
    what: str,
    ids: tuple[str, str, str],
    pointer_rules: PointerRules,
) -> None:
    """ID, STATUS and mdRef of one dmdSec, digiprovMD or rightsMD."""
    id_rule, status_rule, mdref_rule = ids
    if not (sec.get("ID") or "").strip():
        ctx.add(id_rule, f"{what}/@ID is missing", sec)
    status = sec.get("STATUS")
    if status is None:
        ctx.add(status_rule, f"{what}/@STATUS SHOULD be 'CURRENT' or 'SUPERSEDED'", sec)
    elif status not in STATUSES:
        ctx.add(
            status_rule,
            f"{what}/@STATUS '{status}' MUST be 'CURRENT' or 'SUPERSEDED'",
            sec,
            level=Level.MUST,
        )
    refs = sec.findall(q(METS, "mdRef"))
    if not refs:
        ctx.add(mdref_rule, f"{what} SHOULD reference its metadata file with mdRef", sec)
    for ref in refs:
        check_pointer(ctx, ref, pointer_rules, f"{what}/mdRef")


def check_amdsec(ctx: MetsContext) -> None:
    sections = ctx.findall("amdSec")
    if not sections:
        if _has_files(ctx, "metadata", "preservation"):
            ctx.add(
                "CSIP31",
                "metadata/preservation holds files but the METS has no amdSec describing them",
                ctx.root,
                level=Level.MUST,
            )
        else:
            ctx.add("CSIP31", "no amdSec: administrative metadata SHOULD be provided", ctx.root)
        return
    if len(sections) > 1:
        ctx.add(
            "CSIP31",
            f"{len(sections)} amdSec elements: all administrative metadata SHOULD be in one",
            sections[1],
        )
    digiprov = [d for s in sections for d in s.findall(q(METS, "digiprovMD"))]
    rights = [r for s in sections for r in s.findall(q(METS, "rightsMD"))]
    if not digiprov:
        ctx.add("CSIP32", "amdSec has no digiprovMD (preservation metadata)", sections[0])
    for sec in digiprov:
        _check_section(ctx, sec, "digiprovMD", ("CSIP33", "CSIP34", "CSIP35"), DIGIPROV_MDREF)
    if not rights:
        ctx.add("CSIP45", "amdSec has no rightsMD (optional rights metadata)", sections[0])
    for sec in rights:
        _check_section(ctx, sec, "rightsMD", ("CSIP46", "CSIP47", "CSIP48"), RIGHTS_MDREF)
