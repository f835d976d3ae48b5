"""SIP1-35, DIP1-4 and AIPM1-7: what the SIP, DIP and AIP profiles add to CSIP.

Which of these apply is decided by the package itself: its OAIS package type
(metsHdr/@csip:OAISPACKAGETYPE) or the profile it claims (mets/@PROFILE).
"""

from __future__ import annotations

from lxml import etree

from samarkiv.packages.namespaces import CSIP, METS, SIP, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.context import MetsContext, csip_attr

SIP_PROFILES = {
    "2.0.4": ("https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",),
    "2.1.0": ("https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",),
    "2.2.0": (
        "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml",
        "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
    ),
}
RECORD_STATUSES = {"NEW", "SUPPLEMENT", "REPLACEMENT", "TEST", "VERSION", "DELETE", "OTHER"}


def package_kind(ctx: MetsContext) -> str | None:
    """'SIP', 'AIP' or 'DIP' when the package claims one by type or profile."""
    profile = (ctx.root.get("PROFILE") or "").lower()
    for kind in ("sip", "aip", "dip"):
        if f"e-ark-{kind}" in profile:
            return kind.upper()
    hdr = ctx.find("metsHdr")
    ptype = csip_attr(hdr, "OAISPACKAGETYPE") if hdr is not None else None
    return ptype if ptype in ("SIP", "AIP", "DIP") else None


def check_sip(ctx: MetsContext) -> None:
    mets = ctx.root
    if mets.get("LABEL") is None:
        ctx.add("SIP1", "mets/@LABEL (short package name) is not given (optional)", mets)
    profile = mets.get("PROFILE") or ""
    allowed = SIP_PROFILES.get(ctx.package.version, SIP_PROFILES["2.2.0"])
    if profile not in allowed:
        ctx.add("SIP2", f"mets/@PROFILE {profile!r} MUST be {allowed[0]!r} for an E-ARK SIP", mets)
    hdr = ctx.find("metsHdr")
    if hdr is None:
        return
    ptype = csip_attr(hdr, "OAISPACKAGETYPE")
    if ptype != "SIP":
        shown = "missing" if ptype is None else repr(ptype)
        ctx.add("SIP4", f"metsHdr/@csip:OAISPACKAGETYPE is {shown}; it MUST be 'SIP'", hdr)
    status = hdr.get("RECORDSTATUS")
    if status is None:
        ctx.add("SIP3", "metsHdr/@RECORDSTATUS is not given (optional; NEW is assumed)", hdr)
    elif status not in RECORD_STATUSES:
        ctx.add("SIP3", f"metsHdr/@RECORDSTATUS {status!r} is not in the SIP vocabulary", hdr)
    _check_alt_record_ids(ctx, hdr)
    _check_sip_agents(ctx, hdr)


_ALT_IDS = (
    ("SIP5", "SUBMISSIONAGREEMENT", True),
    ("SIP6", "PREVIOUSSUBMISSIONAGREEMENT", False),
    ("SIP7", "REFERENCECODE", True),
    ("SIP8", "PREVIOUSREFERENCECODE", False),
)


def _check_alt_record_ids(ctx: MetsContext, hdr: etree._Element) -> None:
    alts = hdr.findall(q(METS, "altRecordID"))
    for rule_id, kind, single in _ALT_IDS:
        found = [a for a in alts if a.get("TYPE") == kind]
        if not found:
            ctx.add(rule_id, f"no altRecordID with @TYPE='{kind}' (optional)", hdr)
        if single and len(found) > 1:
            ctx.add(
                rule_id,
                f"{len(found)} altRecordID elements with @TYPE='{kind}'; at most one",
                found[1],
            )
        for alt in found:
            if not (alt.text or "").strip():
                ctx.add(rule_id, f"altRecordID[@TYPE='{kind}'] has no value", alt)


def _note_type_ok(agent: etree._Element) -> bool:
    notes = agent.findall(q(METS, "note"))
    return all(n.get(q(CSIP, "NOTETYPE")) == "IDENTIFICATIONCODE" for n in notes)


def _check_named(ctx, agent, rule_id: str, what: str) -> None:
    if not (agent.findtext(q(METS, "name")) or "").strip():
        ctx.add(rule_id, f"the {what} agent MUST have a name", agent)


def _check_sip_agents(ctx: MetsContext, hdr: etree._Element) -> None:
    agents = hdr.findall(q(METS, "agent"))
    for agent in agents:
        if not agent.get("ROLE"):
            ctx.add("SIP10", "a metsHdr agent has no @ROLE", agent)
    for agent in (a for a in agents if a.get("ROLE") == "ARCHIVIST"):
        if agent.get("TYPE") not in ("ORGANIZATION", "INDIVIDUAL"):
            ctx.add(
                "SIP11",
                "the archival creator agent's @TYPE MUST be ORGANIZATION or INDIVIDUAL",
                agent,
            )
        _check_named(ctx, agent, "SIP12", "archival creator")
        if not _note_type_ok(agent):
            ctx.add(
                "SIP14",
                "the archival creator agent's note MUST have @csip:NOTETYPE='IDENTIFICATIONCODE'",
                agent,
            )
    submitters = [
        a
        for a in agents
        if a.get("ROLE") == "CREATOR" and a.get("TYPE") in ("ORGANIZATION", "INDIVIDUAL")
    ]
    if not submitters:
        ctx.add(
            "SIP15",
            "no submitting agent (agent with @ROLE='CREATOR' and @TYPE ORGANIZATION or INDIVIDUAL)",
            hdr,
        )
    for agent in submitters:
        _check_named(ctx, agent, "SIP18", "submitting")
        if agent.get("TYPE") == "ORGANIZATION" and not _note_type_ok(agent):
            ctx.add(
                "SIP20",
                "the submitting agent's note MUST have @csip:NOTETYPE='IDENTIFICATIONCODE'",
                agent,
            )
    for agent in (a for a in agents if a.get("ROLE") == "PRESERVATION"):
        if agent.get("TYPE") != "ORGANIZATION":
            ctx.add("SIP28", "the preservation agent's @TYPE MUST be 'ORGANIZATION'", agent)
        _check_named(ctx, agent, "SIP29", "preservation")
        if not _note_type_ok(agent):
            ctx.add(
                "SIP31",
                "the preservation agent's note MUST have @csip:NOTETYPE='IDENTIFICATIONCODE'",
                agent,
            )


_FORMAT_ATTRS = (
    ("SIP32", ("FILEFORMATNAME",)),
    ("SIP33", ("FILEFORMATVERSION",)),
    ("SIP34", ("FORMATREGISTRY", "FILEFORMATREGISTRY")),
    ("SIP35", ("FORMATREGISTRYKEY", "FILEFORMATKEY")),
)


def check_sip_file_formats(ctx: MetsContext) -> None:
    """SIP32-35: optional format attributes; reported once per METS, not per file."""
    files = list(ctx.root.iter(q(METS, "file")))
    if not files:
        return
    for rule_id, names in _FORMAT_ATTRS:
        values = [
            next((f.get(q(SIP, n)) for n in names if f.get(q(SIP, n)) is not None), None)
            for f in files
        ]
        missing = [f for f, v in zip(files, values, strict=True) if v is None]
        empty = [f for f, v in zip(files, values, strict=True) if v is not None and not v.strip()]
        if missing:
            ctx.add(
                rule_id,
                f"{len(missing)} of {len(files)} file elements have no @sip:{names[0]} (optional)",
                missing[0],
            )
        for f in empty:
            ctx.add(
                rule_id,
                f"file '{f.get('ID')}' has an empty @sip:{names[0]}; "
                "if present it MUST have a value",
                f,
                level=Level.SHOULD,
            )


def check_dip(ctx: MetsContext) -> None:
    mets = ctx.root
    if not (mets.get("OBJID") or "").strip():
        ctx.add("DIP1", "mets/@OBJID is missing", mets)
    if not (mets.get("PROFILE") or "").startswith("https://earkdip.dilcis.eu/profile/E-ARK-DIP"):
        ctx.add(
            "DIP2", "mets/@PROFILE MUST be 'https://earkdip.dilcis.eu/profile/E-ARK-DIP.xml'", mets
        )
    hdr = ctx.find("metsHdr")
    if hdr is not None and csip_attr(hdr, "OAISPACKAGETYPE") != "DIP":
        ctx.add("DIP3", "metsHdr/@csip:OAISPACKAGETYPE MUST be 'DIP'", hdr)
    for sec in ctx.findall("dmdSec"):
        if sec.get("STATUS") != "CURRENT":
            ctx.add("DIP4", "dmdSec/@STATUS SHOULD be 'CURRENT' in a DIP", sec)


def check_aip(ctx: MetsContext) -> None:
    mets = ctx.root
    if "E-ARK-AIP" not in (mets.get("PROFILE") or ""):
        ctx.add("AIPM2", "mets/@PROFILE MUST be the E-ARK AIP profile URL", mets)
    hdr = ctx.find("metsHdr")
    if hdr is not None and csip_attr(hdr, "OAISPACKAGETYPE") != "AIP":
        ctx.add("AIPM3", "metsHdr/@csip:OAISPACKAGETYPE MUST be 'AIP'", hdr)
    dmd = ctx.findall("dmdSec")
    if dmd and not any(s.get("STATUS") == "CURRENT" for s in dmd):
        ctx.add("AIPM4", "no dmdSec has @STATUS='CURRENT'", dmd[0])
    refs = [
        r
        for amd in ctx.findall("amdSec")
        for d in amd.findall(q(METS, "digiprovMD"))
        for r in d.findall(q(METS, "mdRef"))
    ]
    if not refs:
        ctx.add(
            "AIPM5", "an AIP MUST reference its provenance metadata with digiprovMD/mdRef", mets
        )
    elif not any((r.get("MDTYPE") or "").startswith("PREMIS") for r in refs):
        ctx.add("AIPM6", "no digiprovMD/mdRef has @MDTYPE='PREMIS'", refs[0])
