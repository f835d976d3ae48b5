"""Descriptive metadata in a format without a mapping: kept as text on a package record.

Why: a delivery's description must stay findable even when it is Dublin Core, a
system's own XML, a text file, or XML too broken or hostile to parse. The text is taken
without ever expanding entities: from the safe parser's tree, or, when the file was
refused (DOCTYPE, not well-formed), by stripping the markup from the raw bytes so that
an entity reference stays the literal "&name;" it is.
"""

from __future__ import annotations

import re

from lxml import etree

from samarkiv.catalog.records.choices import RecordKind, SourceFormat
from samarkiv.catalog.records.drafts import MAX_DESCRIPTION_CHARS, Draft, clean, local, parse_date
from samarkiv.catalog.records.text_formats import decode_text, normalise

DC_NS = "http://purl.org/dc/elements/1.1/"
_TAG = re.compile(rb"<[^>]*>")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)[^\[>]*(?:\[[^\]]*\])?\s*>", re.DOTALL)


def tree_text(tree: etree._ElementTree, limit: int = MAX_DESCRIPTION_CHARS) -> str:
    """All text nodes of a parsed tree, one per line, capped."""
    parts, size = [], 0
    for el in tree.iter():
        for value in (el.text if isinstance(el.tag, str) else "", el.tail):
            if value and value.strip():
                parts.append(value.strip())
                size += len(value)
        if size > limit:
            break
    return normalise("\n".join(parts), limit)


def raw_markup_text(data: bytes, limit: int = MAX_DESCRIPTION_CHARS) -> str:
    """Text of markup that was not parsed: declarations and tags removed, entities left
    as written (nothing is expanded or fetched)."""
    stripped = _TAG.sub(b" ", _DECLARATION.sub(b" ", data[: limit * 4]))
    return normalise(decode_text(stripped), limit)


def package_draft(title: str, text: str, source: str, **extra: object) -> Draft:
    """A package record carrying the text of a description without a mapping."""
    draft = Draft(kind=RecordKind.PACKAGE, source_format=SourceFormat.OTHER, title=title)
    draft.description = text
    draft.extra.update({"sources": [source], **{k: v for k, v in extra.items() if v}})
    return draft


def read_other_xml(tree: etree._ElementTree, title: str, source: str) -> Draft:
    """Any XML: its text; Dublin Core fields (title, creator, date) where present."""
    draft = package_draft(title, tree_text(tree), source)
    root = tree.getroot()
    draft.extra["root_element"] = f"{etree.QName(root).namespace or ''} {local(root)}".strip()
    dc = {local(el): clean(el.text) for el in root.iter(f"{{{DC_NS}}}*") if clean(el.text)}
    if dc.get("title"):
        draft.title = dc["title"]
    draft.records_creator_name = dc.get("creator", "")
    if dc.get("date"):
        draft.date_start = parse_date(dc["date"])
        draft.date_end = parse_date(dc["date"], end=True)
    return draft


def merge(drafts: list[Draft], title: str) -> Draft:
    """One package record for all the AIP's descriptions without a mapping."""
    if len(drafts) == 1:
        return drafts[0]
    first = drafts[0]
    merged = package_draft(first.title or title, "", first.extra["sources"][0])
    merged.extra["sources"] = [s for d in drafts for s in d.extra.get("sources", [])]
    merged.description = normalise(
        "\n\n".join(d.description for d in drafts), MAX_DESCRIPTION_CHARS
    )
    merged.records_creator_name = next(
        (d.records_creator_name for d in drafts if d.records_creator_name), ""
    )
    merged.date_start = min((d.date_start for d in drafts if d.date_start), default=None)
    merged.date_end = max((d.date_end for d in drafts if d.date_end), default=None)
    problems = [p for d in drafts for p in d.extra.get("problems", [])]
    if problems:
        merged.extra["problems"] = problems
    return merged
