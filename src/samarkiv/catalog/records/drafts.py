"""Records as the format readers see them, before they become database rows.

Why a separate plain structure: the ERMS, FGS 1.x and EAD readers are pure functions of
an XML tree (testable without a database), and one writer (``extract``) turns their
output into ``Record`` rows, resolves file references and replaces the AIP's records in
one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

from samarkiv.catalog.records.personal_ids import classify, find_personal_ids

MAX_DESCRIPTION_CHARS = 200_000  # a record's description; the full file text is elsewhere
_SPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?")


@dataclass
class Draft:
    """One record-to-be; ``children`` are its documents (of a case) or sub-units."""

    kind: str
    source_format: str
    title: str = ""
    source_id: str = ""
    registration_number: str = ""
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    case_officer: str = ""
    document_type: str = ""
    classification_code: str = ""
    records_creator_name: str = ""
    description: str = ""
    parties: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    file_refs: list[str] = field(default_factory=list)
    children: list[Draft] = field(default_factory=list)

    def walk(self):
        """This draft and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def free_text(self) -> str:
        """The free-text fields, where personal identity numbers may hide."""
        return "\n".join([self.title, self.description, *self.extra.get("notes", [])])


def clean(text: str | None) -> str:
    """Whitespace collapsed, NUL and other control characters removed (PostgreSQL
    refuses NUL in text)."""
    if not text:
        return ""
    return _SPACE.sub(" ", "".join(c for c in text if c >= " " or c in "\t\n")).strip()


def text_of(el: etree._Element | None) -> str:
    """All text inside an element (its descendants' too), cleaned."""
    if el is None:
        return ""
    return clean(" ".join(el.itertext()))


def local(el: etree._Element) -> str:
    """An element's local name; '' for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def parse_date(value: str | None, *, end: bool = False) -> dt.date | None:
    """The date at the start of an ISO-like value: 2023-03-14T09:00, 20230314, 2023-03,
    2023. A year or month alone means its first (or with ``end``, last) day."""
    match = _DATE.match((value or "").strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            return dt.date(int(year), int(month), int(day))
        if month:
            first = dt.date(int(year), int(month), 1)
            if not end:
                return first
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(int(year), 12, 31) if end else dt.date(int(year), 1, 1)
    except ValueError:
        return None


def parse_range(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """A normalised date or range as EAD ``@normal`` writes it: '2023', '2023/2024',
    '2023-03-14/2023-06-20'."""
    if not value:
        return None, None
    first, _, last = value.partition("/")
    return parse_date(first), parse_date(last or first, end=True)


def party(name: str, role: str = "", identifier: str = "", *, protected: bool = False) -> dict:
    """A party as records store it; ``personal_data`` when it identifies a private person.

    A valid personnummer or samordningsnummer, a protected identity or a name that
    itself contains such a number makes the party personal data; an organisation number
    does not.
    """
    number = classify(identifier) if identifier else None
    entry = {"name": clean(name), "role": clean(role), "personal_id": "", "personal_data": False}
    if number is not None and number.personal:
        entry["personal_id"] = number.value
        entry["personal_data"] = True
    elif number is not None:
        entry["organisation_number"] = number.value
    elif identifier:
        entry["identifier"] = clean(identifier)
    if protected or find_personal_ids(name):
        entry["personal_data"] = True
    if protected:
        entry["protected_identity"] = True
    return entry


def capped(text: str, limit: int = MAX_DESCRIPTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit]
