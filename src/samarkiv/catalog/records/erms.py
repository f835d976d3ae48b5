"""CITS ERMS v2 and v3 (FGS Ärendehantering 2.0) to records.

Mapping: an ``aggregation`` of type caseFile/file/subfile is a case (ärende), other
aggregation types (class, volume, component, own) are described units; a ``record`` is
a document (handling) whose ``additionalInformation/appendix/@path`` points to its file.
The diary number is the ``extraId`` typed as a diary/case number, else the ``objectId``.
The case officer is the agent whose role says so (handläggare), else the
responsible_person; counterparts, senders and recipients are the parties.

Both versions share one namespace, so the version is told by what the delivery declares
(METS CONTENTINFORMATIONTYPE citserms_v2_1/citserms_v3_0, MDTYPEVERSION, the
schemaLocation), then by constructs only one version has, then by which XSD accepts it.
"""

from __future__ import annotations

import re

from lxml import etree

from samarkiv.catalog.records.choices import RecordKind, SourceFormat
from samarkiv.catalog.records.drafts import Draft, clean, local, parse_date, party, text_of
from samarkiv.catalog.records.validation import is_valid_xsd

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
N = {"e": ERMS_NS}
CASE_TYPES = frozenset({"caseFile", "file", "subfile"})
OFFICER_ROLES = ("handläggare", "case officer", "case_officer", "handlaggare")
PARTY_TYPES = frozenset(
    {"counterpart", "sender", "recipient", "receiver", "agent", "contact_person", "other",
     "main_signatory", "other_signatory", "owner"}
)  # fmt: skip
DIARY_ID_TYPES = ("diarienummer", "diary", "case_number", "casenumber", "registration", "dnr")
START_DATES = ("opened", "created", "received", "originated", "registered", "start", "prepared")
END_DATES = ("closed", "finished", "end", "decision", "decision_date", "expedited", "sent")
_V3_ONLY_ATTRS = ("classificationSchemaUsed", "classificationSchemaId", "addressType")
_V2_ONLY_ATTRS = ("adressType",)
_VERSION_TOKEN = re.compile(r"^v?([23])(?:[._]\d+)*$")


def _q(tag: str) -> str:
    return f"{{{ERMS_NS}}}{tag}"


def detect_version(tree: etree._ElementTree, hint: str = "") -> tuple[int, str]:
    """(2 or 3, how it was decided). ``hint`` is what the METS declares, e.g.
    'citserms_v3_0' or an MDTYPEVERSION like '2.1'."""
    declared = _declared_version(hint)
    if declared:
        return declared, "mets"
    root = tree.getroot()
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") or ""
    if "ERMS_v3" in location or "erms-v3" in location.lower():
        return 3, "schemaLocation"
    if any(root.xpath(f"//@{a}") for a in _V3_ONLY_ATTRS):
        return 3, "v3 constructs"
    if root.find(".//e:useDatePeriod", N) is not None:
        return 3, "v3 constructs"
    digital = set(root.xpath("//e:record/@recordPhysicalOrDigital", namespaces=N))
    if digital & {"digital", "physical_and_digital"}:
        return 3, "v3 constructs"
    if any(root.xpath(f"//@{a}") for a in _V2_ONLY_ATTRS) or digital & {"digitial"}:
        return 2, "v2 constructs"
    if not is_valid_xsd(tree, 3) and is_valid_xsd(tree, 2):
        return 2, "xsd"
    return 3, "default"


def _declared_version(hint: str) -> int | None:
    """The first version a METS token declares: '3.0', 'v2.1', 'citserms_v3_0' ..."""
    for token in hint.lower().split():
        match = _VERSION_TOKEN.match(token.removeprefix("citserms_"))
        if match:
            return int(match.group(1))
    return None


def read_erms(tree: etree._ElementTree, version: int) -> list[Draft]:
    """The case/unit/document drafts of an ERMS document, in document order."""
    root = tree.getroot()
    source = SourceFormat.ERMS3 if version == 3 else SourceFormat.ERMS2
    creator = text_of(root.find("e:control/e:maintenanceInformation/e:maintenanceAgency/"
                                "e:agencyName", N))  # fmt: skip
    drafts = []
    for el in root.iterfind("e:aggregations/e:aggregation", N):
        drafts.append(_aggregation(el, source))
    for el in root.iterfind("e:records/e:record", N):
        drafts.append(_record(el, source))
    for draft in drafts:
        for item in draft.walk():
            item.records_creator_name = item.records_creator_name or creator
    return drafts


def _common(el: etree._Element, draft: Draft) -> None:
    """What aggregations and records share: ids, title, classification, agents, dates."""
    draft.source_id = clean(el.get("systemIdentifier"))
    object_id = text_of(el.find("e:objectId", N))
    draft.registration_number = _diary_number(el) or object_id
    draft.title = text_of(el.find("e:title", N))
    draft.description = text_of(el.find("e:description", N))
    classification = el.find("e:classification", N)
    if classification is not None:
        code = classification.get("classificationCode") or classification.get(
            "fullyQualifiedClassificationCode"
        )
        draft.classification_code = clean(code or classification.text)
        draft.extra["classification_title"] = text_of(classification)
    _agents(el, draft)
    _dates(el, draft)
    extra = {"object_id": object_id, "level_name": text_of(el.find("e:levelName", N))}
    extra["keywords"] = [text_of(k) for k in el.iterfind("e:keywords/e:keyword", N)]
    extra["notes"] = [text_of(n) for n in el.iterfind("e:notes/e:note", N)]
    status = el.find("e:status", N)
    extra["status"] = status.get("value", "") if status is not None else ""
    extra["restrictions"] = [_restriction(r) for r in el.iterfind("e:restriction", N)]
    draft.extra.update({k: v for k, v in extra.items() if v})


def _diary_number(el: etree._Element) -> str:
    for extra in el.iterfind("e:extraId", N):
        kind = (extra.get("extraIdType") or "").lower()
        if any(word in kind for word in DIARY_ID_TYPES):
            return text_of(extra)
    return ""


def _restriction(el: etree._Element) -> dict:
    return {
        "type": el.get("otherRestrictionType") or el.get("restrictionType") or "",
        "regulation": text_of(el.find("e:regulation", N)),
        "explanation": text_of(el.find("e:explanatoryText", N)),
    }


def _agents(el: etree._Element, draft: Draft) -> None:
    officers: list[tuple[int, str]] = []
    for agent in el.iterfind("e:agents/e:agent", N):
        kind = agent.get("agentType", "")
        name = text_of(agent.find("e:name", N))
        role = text_of(agent.find("e:role", N))
        if any(word in role.lower() for word in OFFICER_ROLES):
            officers.append((0, name))
        elif kind == "responsible_person":
            officers.append((1, name))
        elif kind in PARTY_TYPES:
            protected = text_of(agent.find("e:protectedIdentity", N)).lower() in ("true", "1")
            number = text_of(agent.find("e:idNumber", N))
            entry = party(name, role or agent.get("otherAgentType") or kind, number,
                          protected=protected)  # fmt: skip
            entry["agent_type"] = kind
            organisation = text_of(agent.find("e:organisation", N))
            if organisation:
                entry["organisation"] = organisation
            lines = [text_of(line) for line in agent.iterfind(".//e:addressLine", N)]
            if any(lines):
                entry["address"] = ", ".join(line for line in lines if line)
            draft.parties.append(entry)
    if officers:
        draft.case_officer = min(officers)[1]


def _dates(el: etree._Element, draft: Draft) -> None:
    found: dict[str, str] = {}
    for date in el.iterfind("e:dates/e:date", N):
        kind = date.get("otherDateType") if date.get("dateType") == "other" else None
        found.setdefault(kind or date.get("dateType", ""), clean(date.text))
    if not found:
        return
    draft.extra["dates"] = found
    starts = [parse_date(found[k]) for k in START_DATES if k in found]
    ends = [parse_date(found[k]) for k in END_DATES if k in found]
    every = [d for d in (parse_date(v) for v in found.values()) if d]
    draft.date_start = next((d for d in starts if d), None) or min(every, default=None)
    draft.date_end = next((d for d in ends if d), None)
    if draft.date_end is None and len(every) > 1:
        draft.date_end = max(every)


def _appendix_refs(el: etree._Element, draft: Draft) -> None:
    for appendix in el.iterfind("e:additionalInformation/e:appendix", N):
        path = (appendix.get("path") or "").strip()
        if path:
            draft.file_refs.append(path)
        names = draft.extra.setdefault("appendices", [])
        names.append(clean(appendix.get("name")))


def _aggregation(el: etree._Element, source: str) -> Draft:
    kind_attr = el.get("aggregationType", "")
    kind = RecordKind.CASE if kind_attr in CASE_TYPES else RecordKind.UNIT
    draft = Draft(kind=kind, source_format=source)
    _common(el, draft)
    draft.extra["aggregation_type"] = el.get("otherAggregationType") or kind_attr
    _appendix_refs(el, draft)
    for child in el:
        if local(child) == "aggregation":
            draft.children.append(_aggregation(child, source))
        elif local(child) == "record":
            document = _record(child, source)
            document.classification_code = document.classification_code or draft.classification_code
            draft.children.append(document)
    return draft


def _record(el: etree._Element, source: str) -> Draft:
    draft = Draft(kind=RecordKind.DOCUMENT, source_format=source)
    _common(el, draft)
    draft.document_type = clean(el.get("recordType"))
    direction = el.find("e:direction", N)
    if direction is not None:
        value = direction.get("otherDirectionDefinition") or direction.get("directionDefinition")
        draft.extra["direction"] = clean(value)
    number = text_of(el.find("e:runningNumber", N))
    if number:
        draft.extra["running_number"] = number
    _appendix_refs(el, draft)
    return draft
