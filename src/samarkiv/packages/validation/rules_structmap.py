"""CSIP80-119: the CSIP structural map.

Packages in the wild organise representations two ways: one ``Representations``
division with file pointers (compound METS), or one division per representation
labelled ``Representations/<name>`` with a METS pointer (divided METS). Both are
accepted; the checks follow whichever the package uses.
"""

from __future__ import annotations

from lxml import etree

from samarkiv.packages.namespaces import METS, XLINK, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.context import MetsContext, ids
from samarkiv.packages.validation.rules_filesec import amd_ids

_SECTION_RULES = {
    # label: (division SHOULD exist, ID, label, fptr, FILEID)
    "Documentation": ("CSIP93", "CSIP94", "CSIP95", "CSIP96", "CSIP116"),
    "Schemas": ("CSIP97", "CSIP98", "CSIP99", "CSIP100", "CSIP118"),
    "Representations": ("CSIP101", "CSIP102", "CSIP103", "CSIP104", "CSIP119"),
}


def check_structmap(ctx: MetsContext) -> None:
    maps = ctx.findall("structMap")
    if not maps:
        ctx.add("CSIP80", "no structMap: a CSIP structural map is mandatory", ctx.root)
        return
    csip_maps = [m for m in maps if m.get("LABEL") == "CSIP"]
    if not csip_maps:
        ctx.add("CSIP82", "no structMap has @LABEL='CSIP'", maps[0])
        physical = [m for m in maps if m.get("TYPE") == "PHYSICAL"]
        if not physical:
            ctx.add("CSIP81", "no structMap has @TYPE='PHYSICAL'", maps[0])
        return
    if len(csip_maps) > 1:
        ctx.add(
            "CSIP82",
            f"{len(csip_maps)} structMaps have @LABEL='CSIP'; exactly one is allowed",
            csip_maps[1],
        )
    smap = csip_maps[0]
    if smap.get("TYPE") != "PHYSICAL":
        ctx.add(
            "CSIP81",
            f"the CSIP structMap's @TYPE is {smap.get('TYPE')!r}; it MUST be 'PHYSICAL'",
            smap,
        )
    if not (smap.get("ID") or "").strip():
        ctx.add("CSIP83", "the CSIP structMap has no @ID", smap)
    divs = smap.findall(q(METS, "div"))
    if len(divs) != 1:
        ctx.add(
            "CSIP84", f"the CSIP structMap has {len(divs)} top divisions; it MUST have one", smap
        )
        if not divs:
            return
    main = divs[0]
    if not (main.get("ID") or "").strip():
        ctx.add("CSIP85", "the main division has no @ID", main)
    if "CSIP86" in ctx.package.catalogue and not (main.get("LABEL") or "").strip():
        ctx.add("CSIP86", "the main division has no @LABEL", main)
    _check_metadata_division(ctx, main)
    groups = _file_groups(ctx)
    for label, rules in _SECTION_RULES.items():
        _check_section_division(ctx, main, label, rules, groups)
    _check_representation_divisions(ctx, main, groups)


def _file_groups(ctx: MetsContext) -> dict[str, str]:
    """fileGrp ID -> USE."""
    return {
        g.get("ID"): g.get("USE") or "" for g in ctx.root.iter(q(METS, "fileGrp")) if g.get("ID")
    }


def _label_variants(main: etree._Element, label: str) -> list[etree._Element]:
    return [
        d
        for d in main.findall(q(METS, "div"))
        if (d.get("LABEL") or "").casefold() == label.casefold() and d.get("LABEL") != label
    ]


def _check_metadata_division(ctx: MetsContext, main: etree._Element) -> None:
    found = [d for d in main.findall(q(METS, "div")) if d.get("LABEL") == "Metadata"]
    if not found and ctx.is_representation and not _has_metadata_sections(ctx):
        return  # a representation METS without metadata needs no Metadata division
    if len(found) != 1:
        problem = "no division" if not found else f"{len(found)} divisions"
        for rule_id in ("CSIP88", "CSIP90"):
            ctx.add(rule_id, f"{problem} labelled 'Metadata'; exactly one is required", main)
    for wrong in _label_variants(main, "Metadata"):
        ctx.add("CSIP90", f"division label {wrong.get('LABEL')!r} MUST be 'Metadata'", wrong)
    if not found:
        return
    div = found[0]
    if not (div.get("ID") or "").strip():
        ctx.add("CSIP89", "the Metadata division has no @ID", div)
    amd = amd_ids(ctx, current_only=True)
    all_amd = amd_ids(ctx)
    dmd = {
        s.get("ID")
        for s in ctx.findall("dmdSec")
        if s.get("ID") and s.get("STATUS") != "SUPERSEDED"
    }
    all_dmd = {s.get("ID") for s in ctx.findall("dmdSec") if s.get("ID")}
    _check_id_list(ctx, div, "ADMID", "CSIP91", amd, all_amd, "administrative metadata")
    _check_id_list(ctx, div, "DMDID", "CSIP92", dmd, all_dmd, "descriptive metadata (dmdSec)")


def _has_metadata_sections(ctx: MetsContext) -> bool:
    return bool(ctx.findall("dmdSec")) or any(len(a) for a in ctx.findall("amdSec"))


def _check_id_list(ctx, div, attr, rule_id, current: set, known: set, what: str) -> None:
    listed = ids(div.get(attr))
    if current and div.get(attr) is None:
        ctx.add(
            rule_id,
            f"the Metadata division has no @{attr} although the METS has {what} sections",
            div,
            level=Level.MUST,
        )
        return
    missing = sorted(current - set(listed))
    if missing:
        ctx.add(
            rule_id,
            f"the Metadata division's @{attr} does not list the current {what} "
            f"section(s) {', '.join(missing)}",
            div,
            level=Level.MUST,
        )
    unknown = [i for i in listed if i not in known]
    if unknown:
        ctx.add(
            rule_id,
            f"the Metadata division's @{attr} lists {', '.join(unknown)}, "
            f"which are not {what} sections",
            div,
            level=Level.MUST,
        )


def _check_section_division(ctx, main, label: str, rules: tuple, groups: dict[str, str]) -> None:
    should_rule, id_rule, label_rule, fptr_rule, fileid_rule = rules
    for wrong in _label_variants(main, label):
        ctx.add(label_rule, f"division label {wrong.get('LABEL')!r} MUST be '{label}'", wrong)
    divs = [d for d in main.findall(q(METS, "div")) if d.get("LABEL") == label]
    wanted = _groups_for(label, groups)
    if label == "Representations":
        divs_any = [
            d
            for d in main.iter(q(METS, "div"))
            if (d.get("LABEL") or "").startswith("Representations")
        ]
        if not divs_any and wanted and not ctx.is_representation:
            ctx.add(should_rule, "no division for the representations", main)
    elif not divs and wanted:
        ctx.add(
            should_rule, f"no division labelled '{label}' although fileGrp(s) use '{label}'", main
        )
    for div in divs:
        if not (div.get("ID") or "").strip():
            ctx.add(id_rule, f"the {label} division has no @ID", div)
        fptrs = div.findall(q(METS, "fptr"))
        if not fptrs and not div.findall(q(METS, "div")):
            ctx.add(fptr_rule, f"the {label} division has no fptr to its file group(s)", div)
        for fptr in fptrs:
            _check_fptr(ctx, fptr, label, fileid_rule, groups)
    if not ctx.is_representation:
        _check_groups_pointed_at(ctx, label, fileid_rule, wanted, main)


def _groups_for(label: str, groups: dict[str, str]) -> set[str]:
    if label == "Representations":
        return {gid for gid, use in groups.items() if use.startswith("Representations")}
    return {gid for gid, use in groups.items() if use == label}


def _check_fptr(ctx, fptr, label: str, rule_id: str, groups: dict[str, str]) -> None:
    fileid = fptr.get("FILEID")
    if not fileid:
        ctx.add(rule_id, f"an fptr in the {label} division has no @FILEID", fptr)
        return
    use = groups.get(fileid)
    ok = use is not None and (use.startswith(label) if label == "Representations" else use == label)
    if not ok:
        shown = "no fileGrp" if use is None else f"fileGrp with @USE={use!r}"
        ctx.add(
            rule_id,
            f"fptr/@FILEID '{fileid}' in the {label} division points to {shown}; "
            f"it MUST point to a '{label}' fileGrp",
            fptr,
        )


def _check_groups_pointed_at(ctx, label: str, rule_id: str, wanted: set[str], main) -> None:
    """Every fileGrp of the section is reached from the structMap (fptr or mptr title).

    A representation's own schemas or documentation group may sit under that
    representation's division, so any division of the CSIP structMap counts.
    """
    pointed = {f.get("FILEID") for f in main.iter(q(METS, "fptr"))}
    pointed.update(m.get(q(XLINK, "title")) for m in main.iter(q(METS, "mptr")))
    for gid in sorted(wanted - pointed):
        ctx.add(
            rule_id,
            f"fileGrp '{gid}' ({label}) is not referenced by any fptr of the CSIP structMap",
            main,
        )


def _check_representation_divisions(ctx: MetsContext, main, groups: dict[str, str]) -> None:
    rep_divs = [
        d
        for d in main.findall(q(METS, "div"))
        if (d.get("LABEL") or "").startswith("Representations/")
    ]
    rep_mets = sorted(p.parent.name for p in (ctx.base_dir / "representations").glob("*/METS.xml"))
    if ctx.is_representation:
        return
    with_mptr = {d.get("LABEL") for d in rep_divs if d.findall(q(METS, "mptr"))}
    if rep_mets and not with_mptr:
        ctx.add(
            "CSIP105",
            "representation METS files exist but no division labelled "
            "'Representations/<name>' points to them",
            main,
        )
    for div in rep_divs:
        if not (div.get("ID") or "").strip():
            ctx.add("CSIP106", "a representation division has no @ID", div)
        name = (div.get("LABEL") or "").split("/", 1)[1].split("/")[0]
        mptrs = div.findall(q(METS, "mptr"))
        if name in rep_mets and len(mptrs) != 1:
            ctx.add(
                "CSIP109",
                f"division {div.get('LABEL')!r} has {len(mptrs)} mptr elements; it MUST "
                f"have one pointing to representations/{name}/METS.xml",
                div,
            )
        for mptr in mptrs:
            _check_mptr(ctx, mptr, groups)


def _check_mptr(ctx: MetsContext, mptr, groups: dict[str, str]) -> None:
    title = mptr.get(q(XLINK, "title"))
    if not title:
        ctx.add("CSIP108", "mptr/@xlink:title (the representation's fileGrp ID) is missing", mptr)
    elif title not in groups:
        ctx.add("CSIP108", f"mptr/@xlink:title '{title}' does not name a fileGrp", mptr)
    if not (mptr.get(q(XLINK, "href")) or "").strip():
        ctx.add("CSIP110", "mptr/@xlink:href is missing", mptr)
    if mptr.get(q(XLINK, "type")) != "simple":
        ctx.add("CSIP111", "mptr/@xlink:type MUST be 'simple'", mptr)
    if mptr.get("LOCTYPE") != "URL":
        ctx.add("CSIP112", "mptr/@LOCTYPE MUST be 'URL'", mptr)
