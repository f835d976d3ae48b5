"""Checks shared by every METS element that points at a file (file/FLocat and mdRef).

CSIP repeats the same attribute requirements for dmdSec, digiprovMD, rightsMD and file,
each under its own ID; this module holds the logic once and takes the IDs as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from samarkiv.packages.namespaces import XLINK, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.catalogue import iana_media_types
from samarkiv.packages.validation.context import MetsContext

METS_CHECKSUM_TYPES = frozenset(
    {
        "Adler-32",
        "CRC32",
        "HAVAL",
        "MD5",
        "MNP",
        "SHA-1",
        "SHA-256",
        "SHA-384",
        "SHA-512",
        "TIGER",
        "WHIRLPOOL",
    }
)

METS_MDTYPES = frozenset(
    [
        "MARC",
        "MODS",
        "EAD",
        "DC",
        "NISOIMG",
        "LC-AV",
        "VRA",
        "TEIHDR",
        "DDI",
        "FGDC",
        "LOM",
        "PREMIS",
        "PREMIS:OBJECT",
        "PREMIS:AGENT",
        "PREMIS:RIGHTS",
        "PREMIS:EVENT",
        "TEXTMD",
        "METSRIGHTS",
        "EAC-CPF",
        "LIDO",
        "OTHER",
    ]
    + ["ISO 19115:2003 NAP"]
)

_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
MAX_MIMETYPE_LENGTH = 256


@dataclass(frozen=True)
class PointerRules:
    """Requirement IDs for one kind of pointer (mdRef in a section, or file/FLocat)."""

    loctype: str
    xlink_type: str
    href: str
    mimetype: str
    size: str
    created: str
    checksum: str
    checksumtype: str
    mdtype: str | None = None


DMD_MDREF = PointerRules(
    "CSIP22", "CSIP23", "CSIP24", "CSIP26", "CSIP27", "CSIP28", "CSIP29", "CSIP30", "CSIP25"
)
DIGIPROV_MDREF = PointerRules(
    "CSIP36", "CSIP37", "CSIP38", "CSIP40", "CSIP41", "CSIP42", "CSIP43", "CSIP44", "CSIP39"
)
RIGHTS_MDREF = PointerRules(
    "CSIP49", "CSIP50", "CSIP51", "CSIP53", "CSIP54", "CSIP55", "CSIP56", "CSIP57", "CSIP52"
)
FILE_ATTRS = PointerRules(
    "CSIP77", "CSIP78", "CSIP79", "CSIP68", "CSIP69", "CSIP70", "CSIP71", "CSIP72"
)


def is_datetime(value: str) -> bool:
    """xs:dateTime as CSIP requires for CREATED, CREATEDATE and LASTMODDATE."""
    if not _DATETIME.match(value.strip()):
        return False
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_locator(ctx: MetsContext, el: etree._Element, rules: PointerRules, what: str) -> None:
    """LOCTYPE, xlink:type and xlink:href of an mdRef or FLocat."""
    loctype = el.get("LOCTYPE")
    if loctype != "URL":
        shown = "missing" if loctype is None else f"'{loctype}'"
        ctx.add(rules.loctype, f"{what}/@LOCTYPE is {shown}; it MUST be 'URL'", el)
    xtype = el.get(q(XLINK, "type"))
    if xtype != "simple":
        shown = "missing" if xtype is None else f"'{xtype}'"
        ctx.add(rules.xlink_type, f"{what}/@xlink:type is {shown}; it MUST be 'simple'", el)
    href = el.get(q(XLINK, "href"))
    if not href or not href.strip():
        ctx.add(rules.href, f"{what}/@xlink:href is missing or empty", el)


def check_file_properties(
    ctx: MetsContext, el: etree._Element, rules: PointerRules, what: str
) -> None:
    """MIMETYPE, SIZE, CREATED, CHECKSUM and CHECKSUMTYPE: present and well-formed."""
    _check_mimetype(ctx, el, rules.mimetype, what)
    size = el.get("SIZE")
    if size is None:
        ctx.add(rules.size, f"{what}/@SIZE is missing", el)
    elif not size.strip().isdigit():
        ctx.add(rules.size, f"{what}/@SIZE '{size}' is not a size in bytes", el)
    created = el.get("CREATED")
    if created is None:
        ctx.add(rules.created, f"{what}/@CREATED is missing", el)
    elif not is_datetime(created):
        ctx.add(rules.created, f"{what}/@CREATED '{created}' is not an xs:dateTime", el)
    checksum = el.get("CHECKSUM")
    if checksum is None or not checksum.strip():
        ctx.add(rules.checksum, f"{what}/@CHECKSUM is missing or empty", el)
    ctype = el.get("CHECKSUMTYPE")
    if ctype is None:
        ctx.add(rules.checksumtype, f"{what}/@CHECKSUMTYPE is missing", el)
    elif ctype not in METS_CHECKSUM_TYPES:
        ctx.add(
            rules.checksumtype,
            f"{what}/@CHECKSUMTYPE '{ctype}' is not in the METS vocabulary "
            f"({', '.join(sorted(METS_CHECKSUM_TYPES))})",
            el,
        )
    elif checksum and not _checksum_shape_ok(ctype, checksum.strip()):
        ctx.add(
            rules.checksum,
            f"{what}/@CHECKSUM '{checksum}' is not a {ctype} value (wrong length or characters)",
            el,
        )


_HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128}


def _checksum_shape_ok(ctype: str, checksum: str) -> bool:
    length = _HEX_LENGTHS.get(ctype)
    if length is None:
        return True
    return len(checksum) == length and all(c in "0123456789abcdefABCDEF" for c in checksum)


def _check_mimetype(ctx: MetsContext, el: etree._Element, rule_id: str, what: str) -> None:
    mimetype = el.get("MIMETYPE")
    if mimetype is None or not mimetype.strip():
        ctx.add(rule_id, f"{what}/@MIMETYPE is missing or empty", el)
        return
    if len(mimetype) > MAX_MIMETYPE_LENGTH:
        ctx.add(
            rule_id,
            f"{what}/@MIMETYPE is {len(mimetype)} characters long; a media type "
            f"SHOULD NOT exceed {MAX_MIMETYPE_LENGTH}",
            el,
            level=Level.SHOULD,
        )
        return
    base = mimetype.split(";", 1)[0].strip().lower()
    if base not in iana_media_types():
        ctx.add(
            rule_id,
            f"{what}/@MIMETYPE '{mimetype}' is not a registered IANA media type",
            el,
        )


def check_mdtype(ctx: MetsContext, el: etree._Element, rule_id: str, what: str) -> None:
    mdtype = el.get("MDTYPE")
    if mdtype is None:
        ctx.add(rule_id, f"{what}/@MDTYPE is missing", el)
    elif mdtype not in METS_MDTYPES:
        ctx.add(rule_id, f"{what}/@MDTYPE '{mdtype}' is not in the METS vocabulary", el)
    elif mdtype == "OTHER" and not (el.get("OTHERMDTYPE") or "").strip():
        ctx.add(rule_id, f"{what}/@MDTYPE is 'OTHER' but @OTHERMDTYPE is missing", el)


def check_pointer(ctx: MetsContext, el: etree._Element, rules: PointerRules, what: str) -> None:
    """All attribute rules of one mdRef."""
    check_locator(ctx, el, rules, what)
    if rules.mdtype:
        check_mdtype(ctx, el, rules.mdtype, what)
    check_file_properties(ctx, el, rules, what)
