"""EAD 2002 and EAD3 finding aids to described units.

The ``archdesc`` is the top unit (usually the series or the whole archive), every
component (``c`` or ``c01``..``c12``) a unit below it: unittitle, unitid, unitdate
(``@normal``, EAD3 ``unitdatestructured``), origination (the records creator),
scopecontent, and digital objects (``dao``/``daoloc`` hrefs) as links to the AIP's files.
File- and item-level unitids are the diary numbers of Swedish case files, so they are
also searchable as such.
"""

from __future__ import annotations

import re

from lxml import etree

from samarkiv.catalog.records.choices import RecordKind, SourceFormat
from samarkiv.catalog.records.drafts import Draft, clean, local, parse_date, parse_range, text_of

EAD_NAMESPACES = frozenset({"urn:isbn:1-931666-22-9", "http://ead3.archivists.org/schema/", ""})
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
COMPONENT = re.compile(r"^c(0[1-9]|1[0-2])?$")
CASE_LEVELS = frozenset({"file", "item"})
MAX_DEPTH = 64  # deeper nesting than EAD allows is not followed
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _first(el: etree._Element, *names: str) -> etree._Element | None:
    return next((c for c in el if local(c) in names), None)


def read_ead(tree: etree._ElementTree) -> list[Draft]:
    """The archdesc unit with its components as children."""
    root = tree.getroot()
    archdesc = _first(root, "archdesc")
    if archdesc is None:
        return []
    top = _unit(archdesc, 0)
    if not top.title:
        titles = root.xpath("//*[local-name()='titleproper']")
        top.title = text_of(titles[0]) if titles else ""
    for unit in top.walk():
        unit.records_creator_name = unit.records_creator_name or top.records_creator_name
    return [top]


def _unit(el: etree._Element, depth: int) -> Draft:
    draft = Draft(kind=RecordKind.UNIT, source_format=SourceFormat.EAD)
    level = el.get("otherlevel") or el.get("level") or ""
    did = _first(el, "did")
    if did is not None:
        _did(did, draft)
    unitid = draft.extra.get("unitid", "")
    draft.source_id = unitid or clean(el.get("id"))
    if level in CASE_LEVELS:
        draft.registration_number = unitid
    if level:
        draft.extra["level"] = level
    scope = _first(el, "scopecontent")
    draft.description = text_of(scope)
    holders = [c for c in el if local(c) == "dsc"] if depth == 0 else [el]
    for holder in holders if depth < MAX_DEPTH else []:
        for child in holder:
            if COMPONENT.match(local(child)):
                draft.children.append(_unit(child, depth + 1))
    return draft


def _did(did: etree._Element, draft: Draft) -> None:
    draft.title = text_of(_first(did, "unittitle"))
    unitid = text_of(_first(did, "unitid"))
    if unitid:
        draft.extra["unitid"] = unitid
    origination = _first(did, "origination")
    if origination is not None:
        draft.records_creator_name = text_of(origination)
    _unit_dates(did, draft)
    for dao in did.iter():
        if local(dao) in ("dao", "daoloc"):
            href = dao.get("href") or dao.get(XLINK_HREF)
            if href:
                draft.file_refs.append(href.strip())


def _unit_dates(did: etree._Element, draft: Draft) -> None:
    unitdate = _first(did, "unitdate")
    structured = _first(did, "unitdatestructured")
    if structured is not None:
        stamps = [
            x.get("standarddate") or x.text
            for x in structured.iter()
            if local(x) in ("datesingle", "fromdate", "todate")
        ]
        stamps = [s for s in stamps if s]
        if stamps:
            draft.date_start = parse_date(stamps[0])
            draft.date_end = parse_date(stamps[-1], end=True)
    elif unitdate is not None:
        normal = unitdate.get("normal")
        if normal:
            draft.date_start, draft.date_end = parse_range(normal)
        else:
            years = _YEAR.findall(text_of(unitdate))
            if years:
                draft.date_start = parse_date(years[0])
                draft.date_end = parse_date(years[-1], end=True)
        draft.extra["unitdate"] = text_of(unitdate)
