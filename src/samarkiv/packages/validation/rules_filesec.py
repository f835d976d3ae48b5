"""CSIP58-79, CSIP113-114: the file section."""

from __future__ import annotations

from lxml import etree

from samarkiv.packages.namespaces import METS, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.attributes import (
    FILE_ATTRS,
    check_file_properties,
    check_locator,
)
from samarkiv.packages.validation.context import MetsContext, csip_attr, ids
from samarkiv.packages.validation.rules_header import in_vocabulary

AMD_CHILDREN = ("techMD", "rightsMD", "sourceMD", "digiprovMD")


def amd_ids(ctx: MetsContext, *, current_only: bool = False) -> set[str]:
    """IDs of the administrative metadata sections (children of amdSec)."""
    found = set()
    for amd in ctx.findall("amdSec"):
        for child in amd:
            if etree.QName(child).localname in AMD_CHILDREN and child.get("ID"):
                if current_only and child.get("STATUS") == "SUPERSEDED":
                    continue
                found.add(child.get("ID"))
    return found


def _folder_has_files(ctx: MetsContext, name: str) -> bool:
    folder = ctx.base_dir / name
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def check_filesec(ctx: MetsContext) -> None:
    secs = ctx.findall("fileSec")
    if not secs:
        ctx.add(
            "CSIP58", "no fileSec: references to the content SHOULD be in a file section", ctx.root
        )
        return
    sec = secs[0]
    if not (sec.get("ID") or "").strip():
        ctx.add("CSIP59", "fileSec/@ID is missing", sec)
    groups = sec.findall(q(METS, "fileGrp"))
    if not ctx.is_representation:
        _check_required_groups(ctx, sec, groups)
    known_amd = amd_ids(ctx)
    for grp in groups:
        _check_group(ctx, grp, known_amd)
    _report_optional_file_attributes(ctx, groups)


def _check_required_groups(ctx: MetsContext, sec, groups: list) -> None:
    uses = [g.get("USE") or "" for g in groups]
    if "Documentation" not in uses and _folder_has_files(ctx, "documentation"):
        ctx.add(
            "CSIP60",
            "documentation/ holds files but there is no fileGrp with @USE='Documentation'",
            sec,
        )
    if "Schemas" not in uses and _folder_has_files(ctx, "schemas"):
        ctx.add("CSIP113", "schemas/ holds files but there is no fileGrp with @USE='Schemas'", sec)
    has_reps = any(u.startswith("Representations") for u in uses)
    if not has_reps and _folder_has_files(ctx, "representations"):
        ctx.add(
            "CSIP114",
            "representations/ holds files but there is no fileGrp whose @USE starts with "
            "'Representations'",
            sec,
        )


def _check_group(ctx: MetsContext, grp: etree._Element, known_amd: set[str]) -> None:
    use = grp.get("USE")
    if use is None or not use.strip():
        ctx.add("CSIP64", "fileGrp/@USE is missing", grp)
    if not (grp.get("ID") or "").strip():
        ctx.add("CSIP65", "fileGrp/@ID is missing", grp)
    for ref in ids(grp.get("ADMID")):
        if ref not in known_amd:
            ctx.add(
                "CSIP61",
                f"fileGrp/@ADMID '{ref}' does not name an administrative metadata section",
                grp,
                level=Level.SHOULD,
            )
    _check_group_content_type(ctx, grp, use or "")
    files = grp.findall(q(METS, "file"))
    if not files:
        ctx.add("CSIP66", f"fileGrp '{use}' has no file element", grp)
    for file_el in files:
        _check_file(ctx, file_el)


def _check_group_content_type(ctx: MetsContext, grp, use: str) -> None:
    cit = csip_attr(grp, "CONTENTINFORMATIONTYPE")
    if cit is None:
        if use.startswith("Representations") and not ctx.is_representation:
            ctx.add(
                "CSIP62",
                f"fileGrp '{use}' describes a representation and SHOULD state "
                "@csip:CONTENTINFORMATIONTYPE",
                grp,
            )
        return
    if not in_vocabulary(cit, "CSIPVocabularyContentInformationType"):
        ctx.add(
            "CSIP62",
            f"fileGrp/@csip:CONTENTINFORMATIONTYPE '{cit}' is not a term of the vocabulary",
            grp,
            level=Level.MUST,
        )
    elif cit == "OTHER" and not (csip_attr(grp, "OTHERCONTENTINFORMATIONTYPE") or "").strip():
        ctx.add(
            "CSIP63",
            "fileGrp/@csip:CONTENTINFORMATIONTYPE is 'OTHER' but "
            "@csip:OTHERCONTENTINFORMATIONTYPE is missing",
            grp,
            level=Level.MUST,
        )


def _check_file(ctx: MetsContext, file_el: etree._Element) -> None:
    if not (file_el.get("ID") or "").strip():
        ctx.add("CSIP67", "file/@ID is missing", file_el)
    check_file_properties(ctx, file_el, FILE_ATTRS, "file")
    locs = file_el.findall(q(METS, "FLocat"))
    if len(locs) != 1:
        ctx.add(
            "CSIP76",
            f"file '{file_el.get('ID')}' has {len(locs)} FLocat elements; it MUST have exactly one",
            file_el,
        )
    for loc in locs:
        check_locator(ctx, loc, FILE_ATTRS, "file/FLocat")


_OPTIONAL_FILE_ATTRS = (("CSIP73", "OWNERID"), ("CSIP74", "ADMID"), ("CSIP75", "DMDID"))


def _report_optional_file_attributes(ctx: MetsContext, groups: list) -> None:
    """MAY attributes: one informational line per METS, not one per file."""
    files = [f for g in groups for f in g.findall(q(METS, "file"))]
    if not files:
        return
    for rule_id, attr in _OPTIONAL_FILE_ATTRS:
        missing = [f for f in files if f.get(attr) is None]
        if missing:
            ctx.add(
                rule_id,
                f"{len(missing)} of {len(files)} file elements have no @{attr} (optional)",
                missing[0],
            )
