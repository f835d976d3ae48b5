"""CSIP1-16 and CSIP117: the mets root element and the METS header."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from samarkiv.packages.namespaces import CSIP, METS, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.attributes import is_datetime
from samarkiv.packages.validation.catalogue import vocabulary
from samarkiv.packages.validation.context import MetsContext, csip_attr


def _fold(value: str) -> str:
    """Compare vocabulary terms leniently on case and dash style."""
    text = unicodedata.normalize("NFC", value).replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split()).casefold()


def in_vocabulary(value: str, name: str) -> bool:
    return _fold(value) in {_fold(t) for t in vocabulary(name)}


def pairtree_name(identifier: str) -> str:
    """AIP container names map ':' and '/' reversibly (E-ARK AIP20-22)."""
    return identifier.replace(":", "+").replace("/", "=")


def check_root(ctx: MetsContext, folder_name: str) -> None:
    """CSIP1-6 on the mets element."""
    mets = ctx.root
    _check_objid(ctx, folder_name)
    mets_type = mets.get("TYPE")
    if mets_type is None or not mets_type.strip():
        ctx.add("CSIP2", "mets/@TYPE (content category) is missing", mets)
    elif not in_vocabulary(mets_type, "CSIPVocabularyContentCategory"):
        ctx.add(
            "CSIP2",
            f"mets/@TYPE '{mets_type}' is not a term of the CSIP content category vocabulary",
            mets,
        )
    elif _fold(mets_type) == "other" and not (csip_attr(mets, "OTHERTYPE") or "").strip():
        ctx.add("CSIP3", "mets/@TYPE is 'OTHER' but mets/@csip:OTHERTYPE is missing", mets)
    _check_content_information_type(ctx)
    if not (mets.get("PROFILE") or "").strip():
        ctx.add("CSIP6", "mets/@PROFILE (URL of the METS profile) is missing", mets)


def _check_objid(ctx: MetsContext, folder_name: str) -> None:
    mets = ctx.root
    objid = mets.get("OBJID")
    if objid is None:
        ctx.add("CSIP1", "mets/@OBJID (package identifier) is missing", mets)
        return
    if not objid.strip():
        ctx.add("CSIP1", "mets/@OBJID (package identifier) is empty", mets)
        return
    if folder_name and folder_name not in (objid, pairtree_name(objid)):
        kind = "representation folder" if ctx.is_representation else "package root folder"
        ctx.add(
            "CSIP1",
            f"mets/@OBJID '{objid}' SHOULD equal the name of the {kind} '{folder_name}'",
            mets,
            level=Level.SHOULD,
        )
        if not ctx.is_representation:
            ctx.add(
                "CSIPSTR2",
                f"package root folder '{folder_name}' SHOULD be named after mets/@OBJID '{objid}'",
                mets,
            )


def _check_content_information_type(ctx: MetsContext) -> None:
    mets = ctx.root
    cit = csip_attr(mets, "CONTENTINFORMATIONTYPE")
    if cit is None:
        if ctx.is_representation:
            ctx.add(
                "CSIP4",
                "mets/@csip:CONTENTINFORMATIONTYPE is mandatory in a representation METS",
                mets,
                level=Level.MUST,
            )
        return
    if not in_vocabulary(cit, "CSIPVocabularyContentInformationType"):
        ctx.add(
            "CSIP4",
            f"mets/@csip:CONTENTINFORMATIONTYPE '{cit}' is not a term of the content "
            "information type vocabulary",
            mets,
            level=Level.MUST,
        )
    elif cit == "OTHER" and not (csip_attr(mets, "OTHERCONTENTINFORMATIONTYPE") or "").strip():
        ctx.add(
            "CSIP5",
            "mets/@csip:CONTENTINFORMATIONTYPE is 'OTHER' but "
            "@csip:OTHERCONTENTINFORMATIONTYPE is missing",
            mets,
            level=Level.MUST,
        )


def check_header(ctx: MetsContext) -> None:
    """CSIP117 and CSIP7-16 on metsHdr."""
    hdr = ctx.find("metsHdr")
    if hdr is None:
        ctx.add("CSIP117", "mets/metsHdr (package header) is missing", ctx.root)
        return
    _check_dates(ctx, hdr)
    ptype = csip_attr(hdr, "OAISPACKAGETYPE")
    if ptype is None:
        ctx.add("CSIP9", "metsHdr/@csip:OAISPACKAGETYPE is missing", hdr)
    elif ptype not in vocabulary("CSIPVocabularyOAISPackageType"):
        ctx.add(
            "CSIP9",
            f"metsHdr/@csip:OAISPACKAGETYPE '{ptype}' is not one of "
            f"{', '.join(sorted(vocabulary('CSIPVocabularyOAISPackageType')))}",
            hdr,
        )
    _check_software_agent(ctx, hdr)


def _check_dates(ctx: MetsContext, hdr) -> None:
    created = hdr.get("CREATEDATE")
    if created is None:
        ctx.add("CSIP7", "metsHdr/@CREATEDATE is missing", hdr)
    elif not is_datetime(created):
        ctx.add("CSIP7", f"metsHdr/@CREATEDATE '{created}' is not an xs:dateTime", hdr)
    modified = hdr.get("LASTMODDATE")
    if modified is None:
        ctx.add(
            "CSIP8", "metsHdr/@LASTMODDATE SHOULD record when the package was last modified", hdr
        )
    elif not is_datetime(modified):
        ctx.add(
            "CSIP8",
            f"metsHdr/@LASTMODDATE '{modified}' is not an xs:dateTime",
            hdr,
            level=Level.MUST,
        )
    elif _in_future(modified):
        ctx.add(
            "CSIP8",
            f"metsHdr/@LASTMODDATE '{modified}' lies in the future",
            hdr,
            level=Level.MUST,
        )


def _in_future(value: str) -> bool:
    stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp > datetime.now(UTC)


def _check_software_agent(ctx: MetsContext, hdr) -> None:
    agents = hdr.findall(q(METS, "agent"))
    if not agents and ctx.is_representation:
        return  # the software agent describes the package; commons-IP omits it here
    if not agents:
        ctx.add("CSIP10", "metsHdr has no agent (the software that created the package)", hdr)
        return
    creators = [a for a in agents if a.get("ROLE") == "CREATOR"]
    if not creators:
        ctx.add("CSIP11", "metsHdr has no agent with @ROLE='CREATOR'", hdr)
        return
    others = [a for a in creators if a.get("TYPE") == "OTHER"]
    if not others:
        shown = creators[0].get("TYPE")
        ctx.add(
            "CSIP12",
            f"the CREATOR agent's @TYPE is {('missing' if shown is None else repr(shown))}; "
            "it MUST be 'OTHER' (software)",
            creators[0],
        )
        return
    software = [a for a in others if a.get("OTHERTYPE") == "SOFTWARE"]
    if not software:
        ctx.add("CSIP13", "the CREATOR agent's @OTHERTYPE MUST be 'SOFTWARE'", others[0])
        return
    _check_agent_details(ctx, software[0])


def _check_agent_details(ctx: MetsContext, agent) -> None:
    names = agent.findall(q(METS, "name"))
    if len(names) != 1 or not (names[0].text or "").strip():
        ctx.add("CSIP14", "the software agent MUST have exactly one non-empty name", agent)
    notes = agent.findall(q(METS, "note"))
    if not notes or not any((n.text or "").strip() for n in notes):
        ctx.add("CSIP15", "the software agent MUST have a note giving the software version", agent)
        return
    if not any(n.get(q(CSIP, "NOTETYPE")) == "SOFTWARE VERSION" for n in notes):
        ctx.add(
            "CSIP16",
            "the software agent's note MUST have @csip:NOTETYPE='SOFTWARE VERSION'",
            notes[0],
        )
