"""FGS Paketstruktur 1.x (Riksarkivet RAFGS1V1, 1.1, 1.2; 2015-2023): detection and METS rules.

Swedish municipalities still hold, and still receive, packages in the legacy FGS 1.x format
(METS profile ``CommonSpecificationSwedenPackageProfile.xml``, extension namespace literally
``ExtensionMETS``). FGS 2.0 *is* E-ARK CSIP/SIP 2.1, so only 1.x needs its own rules.

Where the rules come from:

* The official METS profile and the RAFGS1V1.2 text were not available in any source we could
  read, so their requirement numbering (if any) is unknown. Rule ids are therefore derived from
  the element or attribute they govern (``FGS1-OBJID``, ``FGS1-AGENT-ARCHIVIST`` ...).
* Every vocabulary (content types, agent roles, altRecordID types, checksum algorithms, the
  ``ext:`` value lists) is read from the vendored FGS 1.1 schemas at run time, never typed in.
  What those schemas enforce (required attributes, enumerations, xs:dateTime) is a MUST.
* Rules the schemas cannot express (which agents a package names, the submission agreement,
  the ``file:///`` location form) follow the practice of the producers that wrote FGS 1.x
  (ESSArch Tools, Norrtälje's scripts, Stockholm University). Their levels are our judgement.

File existence, sizes, checksums and XSD validation belong to other modules; this one checks
the METS document only.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from samarkiv.packages.namespaces import FGS_EXT, METS, XLINK, XSI, q
from samarkiv.packages.report import Level
from samarkiv.packages.validation.catalogue import schemas_path
from samarkiv.packages.validation.context import MetsContext

FGS1_PROFILE_MARKERS = ("CommonSpecificationSwedenPackageProfile",)
FGS1_SCHEMA_MARKERS = ("CSPackageMETS.xsd", "CSPackageExtensionMETS.xsd")
FGS1_PROFILE_URI = "http://xml.ra.se/e-arkiv/METS/CommonSpecificationSwedenPackageProfile.xml"

# rule id -> (level, short name). Levels of rules the FGS 1.1 XSD enforces are MUST; the
# others are explained in the module docstring.
FGS1_REQUIREMENTS: dict[str, tuple[str, str]] = {
    "FGS1-OBJID": ("MUST", "mets/@OBJID identifies the package"),
    "FGS1-TYPE": ("MUST", "mets/@TYPE is a content type from the FGS list"),
    "FGS1-PROFILE": ("MUST", "mets/@PROFILE is given"),
    "FGS1-PROFILE-URI": ("SHOULD", "mets/@PROFILE is the CommonSpecificationSwedenPackageProfile"),
    "FGS1-METSHDR": ("MUST", "Exactly one metsHdr"),
    "FGS1-CREATEDATE": ("MUST", "metsHdr/@CREATEDATE is given"),
    "FGS1-RECORDSTATUS": ("MUST", "metsHdr/@RECORDSTATUS is a term from the FGS list"),
    "FGS1-OAISSTATUS": ("MUST", "metsHdr/@ext:OAISSTATUS gives the package type (SIP, AIP ...)"),
    "FGS1-AGENT-COUNT": ("MUST", "At least three metsHdr/agent elements"),
    "FGS1-AGENT-ROLE": ("MUST", "agent/@ROLE is given and from the FGS list"),
    "FGS1-AGENT-OTHERROLE": ("MUST", "agent/@OTHERROLE is from the FGS list"),
    "FGS1-AGENT-OTHERROLE-GIVEN": ("SHOULD", "agent/@OTHERROLE is given when ROLE is OTHER"),
    "FGS1-AGENT-TYPE": ("MUST", "agent/@TYPE is given and from the FGS list"),
    "FGS1-AGENT-OTHERTYPE": ("MUST", "agent/@OTHERTYPE is from the FGS list"),
    "FGS1-AGENT-OTHERTYPE-GIVEN": ("SHOULD", "agent/@OTHERTYPE is given when TYPE is OTHER"),
    "FGS1-AGENT-NAME": ("MUST", "Every agent has a name"),
    "FGS1-AGENT-ARCHIVIST": ("MUST", "Archival creator: agent ARCHIVIST/ORGANIZATION"),
    "FGS1-AGENT-ARCHIVIST-SOFTWARE": ("SHOULD", "Source system: agent ARCHIVIST/OTHER/SOFTWARE"),
    "FGS1-AGENT-CREATOR": ("MUST", "Delivering organisation: agent CREATOR/ORGANIZATION"),
    "FGS1-AGENT-CREATOR-INDIVIDUAL": ("SHOULD", "Contact person: agent CREATOR/INDIVIDUAL"),
    "FGS1-AGENT-CREATOR-SOFTWARE": ("MAY", "Packaging software: agent CREATOR/OTHER/SOFTWARE"),
    "FGS1-AGENT-PRESERVATION": ("SHOULD", "Receiving archive: agent PRESERVATION/ORGANIZATION"),
    "FGS1-AGENT-SUBMITTER": ("MAY", "Submitting organisation: agent OTHER/SUBMITTER"),
    "FGS1-AGENT-PRODUCER": ("MAY", "Producing organisation: agent OTHER/PRODUCER"),
    "FGS1-AGENT-EDITOR": ("MAY", "Consultant: agent EDITOR"),
    "FGS1-AGENT-IPOWNER": ("MAY", "Owner of the information: agent IPOWNER"),
    "FGS1-ALTRECORDID": ("MUST", "At least one metsHdr/altRecordID"),
    "FGS1-ALTRECORDID-TYPE": ("MUST", "altRecordID/@TYPE is from the FGS list"),
    "FGS1-SUBMISSIONAGREEMENT": ("SHOULD", "altRecordID SUBMISSIONAGREEMENT names the agreement"),
    "FGS1-APPRAISAL": ("MUST", "ext:APPRAISAL is Yes or No"),
    "FGS1-ACCESSRESTRICT": ("MUST", "ext:ACCESSRESTRICT is Secrecy, PuL or 'Secrecy and PuL'"),
    "FGS1-AGREEMENTFORM": ("MUST", "ext:AGREEMENTFORM is from the FGS list"),
    "FGS1-FORMATREGISTRY": ("MUST", "ext:FORMATREGISTRY is PRONOM, GDFR, UDFR or OTHER"),
    "FGS1-EXT-UNKNOWN": ("SHOULD", "Only attributes declared by CSPackageExtensionMETS.xsd"),
    "FGS1-DATETIME": ("MUST", "Date attributes are xs:dateTime"),
    "FGS1-DATERANGE": ("SHOULD", "ext:STARTDATE is not after ext:ENDDATE"),
    "FGS1-FILEGRP": ("MUST", "fileSec holds at least one fileGrp"),
    "FGS1-FILE-ID": ("MUST", "file/@ID is given"),
    "FGS1-FILE-MIMETYPE": ("MUST", "file/@MIMETYPE is given"),
    "FGS1-FILE-MIMETYPE-FORMAT": ("SHOULD", "file/@MIMETYPE is a type/subtype media type"),
    "FGS1-FILE-SIZE": ("MUST", "file/@SIZE is given as a number of bytes"),
    "FGS1-FILE-CREATED": ("MUST", "file/@CREATED is given"),
    "FGS1-FILE-CHECKSUM": ("SHOULD", "file has CHECKSUM and CHECKSUMTYPE"),
    "FGS1-CHECKSUMTYPE": ("MUST", "CHECKSUMTYPE is MD5, SHA-1, SHA-256, SHA-384 or SHA-512"),
    "FGS1-FLOCAT": ("MUST", "Every file has exactly one FLocat with an xlink:href"),
    "FGS1-FLOCAT-URL": ("SHOULD", "FLocat/@xlink:href has the form file:///<path in package>"),
    "FGS1-LOCTYPE": ("MUST", "FLocat and mdRef @LOCTYPE are given and from the FGS list"),
    "FGS1-MDSEC-ID": ("MUST", "dmdSec, amdSec and their metadata sections have an ID"),
    "FGS1-MDTYPE": ("MUST", "mdRef/mdWrap @MDTYPE and @OTHERMDTYPE are from the FGS list"),
    "FGS1-MDREF-HREF": ("MUST", "mdRef has an xlink:href"),
    "FGS1-STRUCTMAP": ("MUST", "At least one structMap, each with a div"),
    "FGS1-FPTR-FILEID": ("MUST", "Every fptr has a FILEID"),
}

_XS = "http://www.w3.org/2001/XMLSchema"
_XS_NS = {"xs": _XS}
_NS = {"mets": METS}
_EXT = f"{{{FGS_EXT}}}"

# Where each vocabulary sits in CSPackageMETS.xsd (the adapted METS 1.11 schema of FGS 1.1).
_METS_VOCABULARIES = {
    "TYPE": "xs:complexType[@name='metsType']/xs:attribute[@name='TYPE']",
    "ROLE": ".//xs:element[@name='agent']//xs:attribute[@name='ROLE']",
    "OTHERROLE": ".//xs:element[@name='agent']//xs:attribute[@name='OTHERROLE']",
    "AGENTTYPE": ".//xs:element[@name='agent']//xs:attribute[@name='TYPE']",
    "OTHERTYPE": ".//xs:element[@name='agent']//xs:attribute[@name='OTHERTYPE']",
    "ALTRECORDID": ".//xs:element[@name='altRecordID']//xs:attribute[@name='TYPE']",
    "RECORDSTATUS": ".//xs:attribute[@name='RECORDSTATUS']",
    "CHECKSUMTYPE": "xs:attributeGroup[@name='FILECORE']/xs:attribute[@name='CHECKSUMTYPE']",
    "LOCTYPE": "xs:attributeGroup[@name='LOCATION']/xs:attribute[@name='LOCTYPE']",
    "MDTYPE": "xs:attributeGroup[@name='METADATA']/xs:attribute[@name='MDTYPE']",
    "OTHERMDTYPE": "xs:attributeGroup[@name='METADATA']/xs:attribute[@name='OTHERMDTYPE']",
}

# dateTime attributes of the METS elements (CSPackageMETS.xsd), by element local name.
_METS_DATETIMES = {
    "metsHdr": ("CREATEDATE", "LASTMODDATE"),
    "fileGrp": ("VERSDATE",),
    "file": ("CREATED",),
    "dmdSec": ("CREATED",),
    "techMD": ("CREATED",),
    "rightsMD": ("CREATED",),
    "sourceMD": ("CREATED",),
    "digiprovMD": ("CREATED",),
    "mdRef": ("CREATED",),
    "mdWrap": ("CREATED",),
    "behaviorSec": ("CREATED",),
    "behavior": ("CREATED",),
}
_MDSEC_TAGS = ("dmdSec", "amdSec", "techMD", "rightsMD", "sourceMD", "digiprovMD")

# (rule id, ROLE, TYPE, OTHERTYPE, what the agent stands for); only MUST/SHOULD are checked.
_EXPECTED_AGENTS = (
    ("FGS1-AGENT-ARCHIVIST", "ARCHIVIST", "ORGANIZATION", None, "the archival creator"),
    ("FGS1-AGENT-ARCHIVIST-SOFTWARE", "ARCHIVIST", "OTHER", "SOFTWARE", "the source system"),
    ("FGS1-AGENT-CREATOR", "CREATOR", "ORGANIZATION", None, "the delivering organisation"),
    ("FGS1-AGENT-CREATOR-INDIVIDUAL", "CREATOR", "INDIVIDUAL", None, "the contact person"),
    ("FGS1-AGENT-PRESERVATION", "PRESERVATION", "ORGANIZATION", None, "the receiving archive"),
)

_PROFILE_URI_RE = re.compile(
    r"^https?://xml\.ra\.se/e-arkiv/METS/(version1\d/)?"
    r"CommonSpecificationSwedenPackageProfile\.xml$"
)
_VERSION_FOLDER_RE = re.compile(r"/e-arkiv/METS/version(1)(\d)/", re.IGNORECASE)
_DATETIME_RE = re.compile(
    r"^-?(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)
_MEDIA_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
_MEDIA_TYPE_RE = re.compile(rf"^{_MEDIA_NAME}/{_MEDIA_NAME}(\s*;.*)?$")
_SIZE_RE = re.compile(r"^\+?\d{1,19}$")
_URL_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # 2+ letters: "C:" is a drive


@dataclass(frozen=True)
class _Vocabulary:
    """The FGS 1.x value lists and the declared ext: attributes, read from the schemas."""

    terms: dict[str, frozenset[str]]  # "TYPE", "ROLE" ... and "ext:APPRAISAL" ...
    ext_types: dict[str, str]  # declared ext: attribute -> XSD type ("" when enumerated)


def fgs1_schema_paths() -> tuple[Path, Path]:
    """The vendored FGS 1.1 METS schema and its ext: extension schema, in that order."""
    return (
        schemas_path("fgs1", "CSPackageMETS.xsd"),
        schemas_path("fgs1", "CSPackageExtensionMETS.xsd"),
    )


def _parse_schema(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


@cache
def _vocabulary() -> _Vocabulary:
    """Read the value lists once; fail loudly if a vendored schema lost one, never guess."""
    mets_xsd, ext_xsd = fgs1_schema_paths()
    schema = _parse_schema(mets_xsd)
    terms: dict[str, frozenset[str]] = {}
    for key, path in _METS_VOCABULARIES.items():
        values = schema.xpath(f"{path}//xs:enumeration/@value", namespaces=_XS_NS)
        if not values:
            raise RuntimeError(f"no {key} vocabulary in {mets_xsd}")
        terms[key] = frozenset(str(v) for v in values)
    ext_types: dict[str, str] = {}
    for attr in _parse_schema(ext_xsd).findall(f"{{{_XS}}}attribute"):
        name = attr.get("name", "")
        values = attr.xpath(".//xs:enumeration/@value", namespaces=_XS_NS)
        if values:
            terms[f"ext:{name}"] = frozenset(str(v) for v in values)
        ext_types[name] = attr.get("type", "")
    return _Vocabulary(terms, ext_types)


def is_fgs1(root: etree._Element) -> bool:
    """True for a METS document written to FGS Paketstruktur 1.x.

    The profile URI is the intended marker, but producers mistype it (``.xmll`` is common),
    so the FGS schema location or any use of the ``ExtensionMETS`` namespace also counts.
    """
    if root.tag != q(METS, "mets"):
        return False
    profile = root.get("PROFILE") or ""
    if any(marker in profile for marker in FGS1_PROFILE_MARKERS):
        return True
    location = root.get(q(XSI, "schemaLocation")) or ""
    if any(marker in location for marker in FGS1_SCHEMA_MARKERS):
        return True
    if FGS_EXT in root.nsmap.values():
        return True
    for el in root.iter(etree.Element):
        if el.tag.startswith(_EXT) or any(name.startswith(_EXT) for name in el.attrib):
            return True
    return False


def fgs1_version(root: etree._Element) -> str:
    """The FGS version the package declares: "1.0", "1.1", "1.2", or "1.x" if unknown.

    Only the versioned folders on xml.ra.se (``.../METS/version11/...``) name a version; the
    unversioned URLs always pointed at whatever version was current. ``ext:AGREEMENTFORM``
    came with 1.1, so a package declaring 1.0 but using it is reported as "1.x".
    """
    texts = (root.get("PROFILE") or "", root.get(q(XSI, "schemaLocation")) or "")
    declared = {f"{m[0]}.{m[1]}" for text in texts for m in _VERSION_FOLDER_RE.findall(text)}
    if len(declared) != 1:
        return "1.x"
    version = declared.pop()
    if version == "1.0" and any(
        el.get(f"{_EXT}AGREEMENTFORM") is not None for el in root.iter(etree.Element)
    ):
        return "1.x"
    return version


def fgs1_href_to_path(href: str) -> str | None:
    """Package-relative path of an FGS href, or None when it is not a file in the package.

    FGS 1.x writes ``file:///content/<name>``: an absolute file URL whose root is the package
    folder. Relative hrefs, ``file:`` and ``file://localhost/`` forms are accepted too.
    """
    value = href.strip()
    if value.lower().startswith("file:"):
        value = value[5:]
        if value.startswith("//"):
            host, _, rest = value[2:].partition("/")
            value = rest if host.lower() == "localhost" else value[2:]
    elif _URL_SCHEME_RE.match(value):
        return None  # http:, urn: ... point outside the package
    value = unquote(value).lstrip("/")
    while value.startswith("./"):
        value = value[2:]
    return value


def fgs1_content_paths(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """Every fileSec FLocat and every mdRef with the package-relative path it points to.

    The generic reference checker resolves these; hrefs with another URL scheme are left out.
    """
    found: list[tuple[etree._Element, str]] = []
    for el in root.xpath("mets:fileSec//mets:FLocat | .//mets:mdRef", namespaces=_NS):
        href = el.get(q(XLINK, "href"))
        path = fgs1_href_to_path(href) if href and href.strip() else None
        if path:
            found.append((el, path))
    return found


def is_xs_datetime(value: str) -> bool:
    """True when ``value`` is a valid xs:dateTime (timezone optional, fractions allowed)."""
    match = _DATETIME_RE.match(value.strip())
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if year == 0 or not 1 <= month <= 12:
        return False
    # The Gregorian leap cycle repeats every 400 years, so this works for any year.
    if not 1 <= day <= calendar.monthrange(2000 + year % 400, month)[1]:
        return False
    if hour == 24:
        fraction = match.group(7) or ""
        if minute or second or fraction.strip(".0"):
            return False
    elif hour > 23 or minute > 59 or second > 59:
        return False
    zone = match.group(8)
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        return minutes <= 59 and hours * 60 + minutes <= 14 * 60
    return True


def _report(ctx: MetsContext, rule_id: str, message: str, el: etree._Element) -> None:
    """Record a finding at the level this module's catalogue gives the rule."""
    ctx.add(rule_id, message, el, level=Level(FGS1_REQUIREMENTS[rule_id][0]))


def _label(attr: str) -> str:
    return f"ext:{attr[len(_EXT) :]}" if attr.startswith(_EXT) else attr


def _where(el: etree._Element) -> str:
    """A readable path such as ``mets/fileSec/fileGrp/file[@ID='ID1']`` for messages."""
    names = [etree.QName(node).localname for node in (*reversed(list(el.iterancestors())), el)]
    ident = el.get("ID")
    return "/".join(names) + (f"[@ID='{ident}']" if ident else "")


def _terms(allowed: frozenset[str]) -> str:
    return ", ".join(sorted(allowed))


def _check_term(
    ctx: MetsContext,
    el: etree._Element,
    attr: str,
    allowed: frozenset[str],
    rule_id: str,
    *,
    required: bool,
) -> None:
    """Check an attribute against an FGS value list; a missing one only if required."""
    value = el.get(attr)
    if value is None:
        if required:
            _report(ctx, rule_id, f"{_where(el)}/@{_label(attr)} is missing", el)
    elif value not in allowed:
        message = f"{_where(el)}/@{_label(attr)} {value!r} is not one of: {_terms(allowed)}"
        _report(ctx, rule_id, message, el)


def _check_root(ctx: MetsContext, root: etree._Element, vocab: _Vocabulary) -> None:
    if not (root.get("OBJID") or "").strip():
        _report(ctx, "FGS1-OBJID", "mets/@OBJID is missing or empty", root)
    _check_term(ctx, root, "TYPE", vocab.terms["TYPE"], "FGS1-TYPE", required=True)
    profile = (root.get("PROFILE") or "").strip()
    if not profile:
        _report(ctx, "FGS1-PROFILE", "mets/@PROFILE is missing or empty", root)
    elif not _PROFILE_URI_RE.match(profile):
        message = f"mets/@PROFILE {profile!r} is not the FGS 1.x profile {FGS1_PROFILE_URI}"
        _report(ctx, "FGS1-PROFILE-URI", message, root)


def _check_header(
    ctx: MetsContext, root: etree._Element, vocab: _Vocabulary
) -> etree._Element | None:
    headers = root.findall(q(METS, "metsHdr"))
    if len(headers) != 1:
        message = f"mets has {len(headers)} metsHdr elements; FGS 1.x requires exactly one"
        _report(ctx, "FGS1-METSHDR", message, headers[1] if headers else root)
    if not headers:
        return None
    header = headers[0]
    if header.get("CREATEDATE") is None:
        _report(ctx, "FGS1-CREATEDATE", "mets/metsHdr/@CREATEDATE is missing", header)
    statuses = vocab.terms["RECORDSTATUS"]
    _check_term(ctx, header, "RECORDSTATUS", statuses, "FGS1-RECORDSTATUS", required=False)
    if header.get(f"{_EXT}OAISSTATUS") is None:
        message = "mets/metsHdr/@ext:OAISSTATUS (package type: SIP, AIP, DIP ...) is missing"
        _report(ctx, "FGS1-OAISSTATUS", message, header)
    return header


def _check_agent(ctx: MetsContext, agent: etree._Element, vocab: _Vocabulary) -> None:
    terms = vocab.terms
    _check_term(ctx, agent, "ROLE", terms["ROLE"], "FGS1-AGENT-ROLE", required=True)
    _check_term(ctx, agent, "OTHERROLE", terms["OTHERROLE"], "FGS1-AGENT-OTHERROLE", required=False)
    _check_term(ctx, agent, "TYPE", terms["AGENTTYPE"], "FGS1-AGENT-TYPE", required=True)
    _check_term(ctx, agent, "OTHERTYPE", terms["OTHERTYPE"], "FGS1-AGENT-OTHERTYPE", required=False)
    kind = f"agent ROLE={agent.get('ROLE')!r} TYPE={agent.get('TYPE')!r}"
    if agent.get("ROLE") == "OTHER" and not agent.get("OTHERROLE"):
        message = f"{kind} has no @OTHERROLE ({_terms(terms['OTHERROLE'])})"
        _report(ctx, "FGS1-AGENT-OTHERROLE-GIVEN", message, agent)
    if agent.get("TYPE") == "OTHER" and not agent.get("OTHERTYPE"):
        message = f"{kind} has no @OTHERTYPE ({_terms(terms['OTHERTYPE'])})"
        _report(ctx, "FGS1-AGENT-OTHERTYPE-GIVEN", message, agent)
    if agent.find(q(METS, "name")) is None:
        _report(ctx, "FGS1-AGENT-NAME", f"{kind} has no name element", agent)


def _check_agents(ctx: MetsContext, header: etree._Element, vocab: _Vocabulary) -> None:
    """Agent attributes, the minimum count, and the agents FGS packages are expected to name."""
    agents = header.findall(q(METS, "agent"))
    if len(agents) < 3:
        message = f"metsHdr has {len(agents)} agent element(s); FGS 1.x requires at least 3"
        _report(ctx, "FGS1-AGENT-COUNT", message, header)
    for agent in agents:
        _check_agent(ctx, agent, vocab)
    for rule_id, role, kind, other_type, meaning in _EXPECTED_AGENTS:
        if not any(
            a.get("ROLE") == role
            and a.get("TYPE") == kind
            and (other_type is None or a.get("OTHERTYPE") == other_type)
            for a in agents
        ):
            what = f"ROLE={role} TYPE={kind}" + (f" OTHERTYPE={other_type}" if other_type else "")
            message = f"metsHdr has no agent {what} ({meaning})"
            _report(ctx, rule_id, message, header)


def _check_alt_record_ids(ctx: MetsContext, header: etree._Element, vocab: _Vocabulary) -> None:
    alts = header.findall(q(METS, "altRecordID"))
    if not alts:
        _report(ctx, "FGS1-ALTRECORDID", "metsHdr has no altRecordID", header)
    for alt in alts:
        types = vocab.terms["ALTRECORDID"]
        _check_term(ctx, alt, "TYPE", types, "FGS1-ALTRECORDID-TYPE", required=False)
    if not any(a.get("TYPE") == "SUBMISSIONAGREEMENT" and (a.text or "").strip() for a in alts):
        message = "metsHdr has no non-empty altRecordID TYPE='SUBMISSIONAGREEMENT'"
        _report(ctx, "FGS1-SUBMISSIONAGREEMENT", message, header)


def _check_datetime(ctx: MetsContext, el: etree._Element, attr: str) -> None:
    value = el.get(attr)
    if value is not None and not is_xs_datetime(value):
        message = f"{_where(el)}/@{_label(attr)} {value!r} is not an xs:dateTime"
        _report(ctx, "FGS1-DATETIME", message, el)


def _check_ext_attribute(
    ctx: MetsContext, el: etree._Element, attr: str, vocab: _Vocabulary
) -> None:
    local = attr[len(_EXT) :]
    if local not in vocab.ext_types:
        message = f"{_where(el)}/@ext:{local} is not declared by CSPackageExtensionMETS.xsd"
        _report(ctx, "FGS1-EXT-UNKNOWN", message, el)
    elif vocab.ext_types[local].endswith("dateTime"):
        _check_datetime(ctx, el, attr)
    elif f"ext:{local}" in vocab.terms:
        _check_term(ctx, el, attr, vocab.terms[f"ext:{local}"], f"FGS1-{local}", required=False)


def _check_date_range(ctx: MetsContext, el: etree._Element) -> None:
    """ext:STARTDATE after ext:ENDDATE is almost always a swapped pair."""
    start, end = el.get(f"{_EXT}STARTDATE"), el.get(f"{_EXT}ENDDATE")
    if not (start and end and is_xs_datetime(start) and is_xs_datetime(end)):
        return
    try:
        first, last = datetime.fromisoformat(start.strip()), datetime.fromisoformat(end.strip())
        if (first.tzinfo is None) != (last.tzinfo is None):
            first, last = first.replace(tzinfo=None), last.replace(tzinfo=None)
        swapped = first > last
    except ValueError:  # years beyond 9999 and the like: nothing sensible to compare
        return
    if swapped:
        message = f"{_where(el)}/@ext:STARTDATE {start!r} is after @ext:ENDDATE {end!r}"
        _report(ctx, "FGS1-DATERANGE", message, el)


def _check_attributes(ctx: MetsContext, root: etree._Element, vocab: _Vocabulary) -> None:
    """ext: attributes wherever they occur, and the xs:dateTime attributes of METS."""
    for el in root.iter(etree.Element):
        ext_names = [name for name in el.attrib if name.startswith(_EXT)]
        for name in ext_names:
            _check_ext_attribute(ctx, el, name, vocab)
        if ext_names:
            _check_date_range(ctx, el)
        if el.tag.startswith(f"{{{METS}}}"):
            for attr in _METS_DATETIMES.get(etree.QName(el).localname, ()):
                _check_datetime(ctx, el, attr)


def _check_checksum_type(ctx: MetsContext, el: etree._Element, vocab: _Vocabulary) -> None:
    algorithms = vocab.terms["CHECKSUMTYPE"]
    _check_term(ctx, el, "CHECKSUMTYPE", algorithms, "FGS1-CHECKSUMTYPE", required=False)


def _check_file(ctx: MetsContext, el: etree._Element, vocab: _Vocabulary) -> None:
    where = _where(el)
    if not (el.get("ID") or "").strip():
        _report(ctx, "FGS1-FILE-ID", f"{where}/@ID is missing or empty", el)
    mimetype = el.get("MIMETYPE")
    if mimetype is None:
        _report(ctx, "FGS1-FILE-MIMETYPE", f"{where}/@MIMETYPE is missing", el)
    elif not _MEDIA_TYPE_RE.match(mimetype.strip()):
        message = f"{where}/@MIMETYPE {mimetype!r} is not a type/subtype media type"
        _report(ctx, "FGS1-FILE-MIMETYPE-FORMAT", message, el)
    size = el.get("SIZE")
    if size is None:
        _report(ctx, "FGS1-FILE-SIZE", f"{where}/@SIZE is missing", el)
    elif not _SIZE_RE.match(size.strip()) or int(size) > 2**63 - 1:
        message = f"{where}/@SIZE {size!r} is not a number of bytes (xs:long, not negative)"
        _report(ctx, "FGS1-FILE-SIZE", message, el)
    if el.get("CREATED") is None:
        _report(ctx, "FGS1-FILE-CREATED", f"{where}/@CREATED is missing", el)
    _check_checksum_type(ctx, el, vocab)
    if el.get("CHECKSUM") is None or el.get("CHECKSUMTYPE") is None:
        message = f"{where} lacks @CHECKSUM or @CHECKSUMTYPE, so its fixity cannot be checked"
        _report(ctx, "FGS1-FILE-CHECKSUM", message, el)
    _check_flocats(ctx, el, vocab)


def _check_flocats(ctx: MetsContext, file_el: etree._Element, vocab: _Vocabulary) -> None:
    flocats = file_el.findall(q(METS, "FLocat"))
    if len(flocats) != 1:
        message = f"{_where(file_el)} has {len(flocats)} FLocat elements; FGS 1.x wants one"
        _report(ctx, "FGS1-FLOCAT", message, file_el)
    for loc in flocats:
        _check_term(ctx, loc, "LOCTYPE", vocab.terms["LOCTYPE"], "FGS1-LOCTYPE", required=True)
        href = loc.get(q(XLINK, "href"))
        if not (href or "").strip():
            _report(ctx, "FGS1-FLOCAT", f"{_where(loc)} has no xlink:href", loc)
        elif not href.strip().lower().startswith("file:///"):
            message = f"{_where(loc)}/@xlink:href {href!r} is not of the form file:///<path>"
            _report(ctx, "FGS1-FLOCAT-URL", message, loc)


def _check_files(ctx: MetsContext, root: etree._Element, vocab: _Vocabulary) -> None:
    for file_sec in root.findall(q(METS, "fileSec")):
        if file_sec.find(q(METS, "fileGrp")) is None:
            _report(ctx, "FGS1-FILEGRP", "mets/fileSec has no fileGrp", file_sec)
    for file_el in root.xpath("mets:fileSec//mets:file", namespaces=_NS):
        _check_file(ctx, file_el, vocab)


def _check_metadata(ctx: MetsContext, root: etree._Element, vocab: _Vocabulary) -> None:
    """Metadata sections need IDs (the XSD makes them required) and known MDTYPEs."""
    for tag in _MDSEC_TAGS:
        for section in root.iter(q(METS, tag)):
            if not (section.get("ID") or "").strip():
                _report(ctx, "FGS1-MDSEC-ID", f"{_where(section)}/@ID is missing", section)
    for wrapper in root.xpath(".//mets:mdRef | .//mets:mdWrap", namespaces=_NS):
        _check_term(ctx, wrapper, "MDTYPE", vocab.terms["MDTYPE"], "FGS1-MDTYPE", required=True)
        others = vocab.terms["OTHERMDTYPE"]
        _check_term(ctx, wrapper, "OTHERMDTYPE", others, "FGS1-MDTYPE", required=False)
        _check_checksum_type(ctx, wrapper, vocab)
        if wrapper.tag == q(METS, "mdRef"):
            locs = vocab.terms["LOCTYPE"]
            _check_term(ctx, wrapper, "LOCTYPE", locs, "FGS1-LOCTYPE", required=True)
            if not (wrapper.get(q(XLINK, "href")) or "").strip():
                _report(ctx, "FGS1-MDREF-HREF", f"{_where(wrapper)} has no xlink:href", wrapper)


def _check_struct_maps(ctx: MetsContext, root: etree._Element) -> None:
    maps = root.findall(q(METS, "structMap"))
    if not maps:
        _report(ctx, "FGS1-STRUCTMAP", "mets has no structMap", root)
    for struct_map in maps:
        if struct_map.find(q(METS, "div")) is None:
            _report(ctx, "FGS1-STRUCTMAP", f"{_where(struct_map)} has no div", struct_map)
    for fptr in root.iter(q(METS, "fptr")):
        if not (fptr.get("FILEID") or "").strip():
            _report(ctx, "FGS1-FPTR-FILEID", f"{_where(fptr)}/@FILEID is missing", fptr)


def check_fgs1(ctx: MetsContext) -> None:
    """Run every METS-level FGS 1.x rule on the package METS (``ctx.root`` is ``mets``)."""
    root = ctx.root
    vocab = _vocabulary()
    _check_root(ctx, root, vocab)
    header = _check_header(ctx, root, vocab)
    if header is not None:
        _check_agents(ctx, header, vocab)
        _check_alt_record_ids(ctx, header, vocab)
    _check_attributes(ctx, root, vocab)
    _check_files(ctx, root, vocab)
    _check_metadata(ctx, root, vocab)
    _check_struct_maps(ctx, root)
