"""Legacy FGS Ärendehantering 1.x (``Leveransobjekt``) to records.

Riksarkivet's 1.x schema (``arendehantering.xsd``, namespace
``http://xml.ra.se/e-arkiv/FGS-ERMS``) is what many municipal diarium exports from
before 2023 use. ``ArkivobjektArende`` is a case (ArkivobjektID = diarienummer,
Arendemening = title, Klass/KlassReferens = classification, Agent with Roll
"Handläggare" = case officer, Motpart = parties); ``ArkivobjektHandling`` is a document
(Rubrik, Handlingstyp, Avsandare/Mottagare, Bilaga/@Lank = its file). Exports differ in
which optional elements they fill, so every element is optional here, and the namespace
is matched by local name (some scripts write the elements without it).
"""

from __future__ import annotations

from lxml import etree

from samarkiv.catalog.records.choices import RecordKind, SourceFormat
from samarkiv.catalog.records.drafts import Draft, clean, local, parse_date, party, text_of

FGS_ERMS_NS = "http://xml.ra.se/e-arkiv/FGS-ERMS"
OFFICER_ROLES = ("handläggare", "handlaggare")
PARTY_TAGS = {"Motpart": "Motpart", "Avsandare": "Avsändare", "Mottagare": "Mottagare"}
ID_TAGS = ("Personnummer", "Samordningsnummer", "Organisationsnummer", "IDNummer", "Identitet")
START_TAGS = ("Skapad", "Inkommen", "Upprattad", "Registrerad")
END_TAGS = ("Avslutat", "Expedierad", "Beslutad")


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in el if local(child) == name]


def _first(el: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in el if local(child) == name), None)


def _value(el: etree._Element, name: str) -> str:
    return text_of(_first(el, name))


def read_fgs_erms1(tree: etree._ElementTree) -> list[Draft]:
    """Cases with their documents, and documents listed outside any case."""
    root = tree.getroot()
    drafts = []
    for listing in _children(root, "ArkivobjektListaArenden"):
        drafts += [_case(el) for el in _children(listing, "ArkivobjektArende")]
    for listing in _children(root, "ArkivobjektListaHandlingar"):
        drafts += [_document(el) for el in _children(listing, "ArkivobjektHandling")]
    return drafts


def _common(el: etree._Element, draft: Draft) -> None:
    draft.source_id = clean(el.get("Systemidentifierare"))
    draft.registration_number = _value(el, "ArkivobjektID")
    draft.description = _value(el, "Beskrivning")
    klass = _value(el, "Klass") or _value(el, "KlassReferens")
    if klass:
        code, _, title = klass.partition(" ")
        draft.classification_code = code
        if title:
            draft.extra["classification_title"] = title
    for agent in _children(el, "Agent"):
        role = _value(agent, "Roll")
        if any(word in role.lower() for word in OFFICER_ROLES) and not draft.case_officer:
            draft.case_officer = _value(agent, "Namn")
        organisation = _value(agent, "Organisationsnamn")
        if organisation and not draft.records_creator_name:
            draft.records_creator_name = organisation
    for tag, role in PARTY_TAGS.items():
        for el_party in _children(el, tag):
            identifier = next((v for v in (_value(el_party, t) for t in ID_TAGS) if v), "")
            name = _value(el_party, "Namn") or _value(el_party, "Organisationsnamn")
            entry = party(name, role, identifier)
            organisation = _value(el_party, "Organisationsnamn") or _value(el_party, "Organisation")
            if organisation:
                entry["organisation"] = organisation
            draft.parties.append(entry)
    _dates(el, draft)
    extra = {"extra_ids": [text_of(x) for x in _children(el, "ExtraID")]}
    extra["notes"] = [text_of(x) for x in _children(el, "Notering")]
    extra["restrictions"] = [
        {"type": clean(r.get("Typ")), "explanation": _value(r, "ForklarandeText")}
        for r in _children(el, "Restriktion")
    ]
    draft.extra.update({k: v for k, v in extra.items() if v})


def _dates(el: etree._Element, draft: Draft) -> None:
    found = {tag: _value(el, tag) for tag in (*START_TAGS, *END_TAGS) if _value(el, tag)}
    if not found:
        return
    draft.extra["dates"] = found
    draft.date_start = next((parse_date(found[t]) for t in START_TAGS if t in found), None)
    draft.date_end = next((parse_date(found[t]) for t in END_TAGS if t in found), None)


def _case(el: etree._Element) -> Draft:
    draft = Draft(kind=RecordKind.CASE, source_format=SourceFormat.FGS_ERMS1)
    _common(el, draft)
    draft.title = _value(el, "Arendemening") or _value(el, "Rubrik")
    status = _value(el, "StatusArande")
    if status:
        draft.extra["status"] = status
    for listing in _children(el, "ArkivobjektListaHandlingar"):
        for handling in _children(listing, "ArkivobjektHandling"):
            document = _document(handling)
            document.classification_code = document.classification_code or draft.classification_code
            document.records_creator_name = (
                document.records_creator_name or draft.records_creator_name
            )
            draft.children.append(document)
    return draft


def _document(el: etree._Element) -> Draft:
    draft = Draft(kind=RecordKind.DOCUMENT, source_format=SourceFormat.FGS_ERMS1)
    _common(el, draft)
    draft.title = _value(el, "Rubrik") or draft.description
    draft.document_type = _value(el, "Handlingstyp")
    for key, tag in (("status", "StatusHandling"), ("running_number", "Lopnummer")):
        if _value(el, tag):
            draft.extra[key] = _value(el, tag)
    for bilaga in _children(el, "Bilaga"):
        link = (bilaga.get("Lank") or "").strip()
        if link:
            draft.file_refs.append(link)
        draft.extra.setdefault("appendices", []).append(clean(bilaga.get("Namn")))
    return draft
