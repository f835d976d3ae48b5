"""What the search and record pages show, prepared from the service's plain data.

Kept apart from the views so the rules that protect people are small and testable on
their own: highlight HTML reaches the page only with ``<mark>`` as its one tag, and a
personal identity number is masked unless the viewer asked (and was logged) to see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from samarkiv.catalog.records.choices import RecordKind
from samarkiv.catalog.records.personal_ids import classify

# The facets of the sidebar, in display order: service key -> legend. ``tenant`` is
# left out: a staff scope acts in one tenant, so that facet could only say one thing.
FACETS: tuple[tuple[str, str], ...] = (
    ("records_creator", _("Arkivbildare")),
    ("classification", _("Klassificering")),
    ("period", _("Period")),
    ("document_type", _("Handlingstyp")),
    ("format", _("Format")),
    ("kind", _("Typ av post")),
)
FACET_KEYS = tuple(key for key, _legend in FACETS)

QUERY_PARAM = "q"
PAGE_PARAM = "sida"
MAX_QUERY = 500
MAX_VALUES = 20  # selected values per facet (a longer URL is not a person clicking)
MAX_VALUE = 200

# Validation severities the stylesheet has colours for (anything else shows no badge).
SEVERITIES = {"error": "error", "fatal": "error", "warning": "warning", "warn": "warning"}
SEVERITIES |= {"info": "info", "information": "info"}

_OTHER_TAGS = re.compile(r"<(?!/?mark>)", re.IGNORECASE)
_MARK_TAG = re.compile(r"</?mark>", re.IGNORECASE)
_PERSONAL_ID = re.compile(r"^(?P<keep>.*?)(?P<last>\d{4})\s*$")


def safe_highlight(snippet: str) -> SafeString:
    """The service's highlight HTML, marked safe with ``<mark>`` as the only tag left.

    The service escapes the indexed text and adds ``<mark>`` itself, so this changes
    nothing in a correct snippet (it holds no other ``<``). It is the second lock: a
    backend that forgot to escape would show ``&lt;script&gt;`` here, never run it.
    """
    return mark_safe(_OTHER_TAGS.sub("&lt;", snippet))  # noqa: S308 (only <mark> is left)


def mask_personal_id(value: str) -> str:
    """``19121212-1212`` -> ``19121212-****``: the birth date stays, the last four go.

    A value without four final digits is masked completely: a reader must never learn
    part of a number the masking could not recognise.
    """
    value = (value or "").strip()
    if not value:
        return ""
    match = _PERSONAL_ID.match(value)
    if match is None:
        return "*" * min(len(value), 13)
    return f"{match['keep']}****"


_ID_IN_TEXT = re.compile(
    r"(?<![\d\w])((?:\d{2})?\d{6})((?:</?mark>)*[-+]?(?:</?mark>)*)(\d{4})(?![\d\w])"
)


def mask_ids_in_text(text: str) -> str:
    """Every personnummer or samordningsnummer in ``text`` masked, the rest untouched.

    Works on plain text and on highlight HTML (a ``<mark>`` may sit inside the number).
    Only numbers with a real date and a valid check digit count, so diary numbers and
    organisation numbers stay readable.
    """

    def masked(match: re.Match[str]) -> str:
        separator = _MARK_TAG.sub("", match[2])
        number = classify(f"{match[1]}{separator}{match[3]}")
        if number is None or not number.personal:
            return match[0]
        return f"{match[1]}{match[2]}****"

    return _ID_IN_TEXT.sub(masked, text or "")


def has_ids_in_text(*texts: str) -> bool:
    return any(mask_ids_in_text(text) != (text or "") for text in texts)


@dataclass
class Party:
    """One party of a record as the page shows it."""

    name: str
    role: str
    identifier: str  # a personal id (masked unless revealed) or an organisation number
    personal_data: bool
    protected: bool = False  # skyddad identitet: even the name waits for the reveal


def _party(row: dict, reveal: bool) -> Party:
    protected = bool(row.get("protected_identity"))
    personal_id = str(row.get("personal_id") or "")
    other = str(row.get("organisation_number") or row.get("identifier") or "")
    name = str(row.get("name") or "")
    if not reveal:
        personal_id = mask_personal_id(personal_id)
        name = "" if protected else mask_ids_in_text(name)
    return Party(
        name=name,
        role=str(row.get("role") or ""),
        identifier=personal_id or other,
        personal_data=bool(row.get("personal_data")),
        protected=protected,
    )


def parties(rows: list, *, reveal: bool) -> list[Party]:
    """The record's parties, personal identity numbers (and the names of people with a
    protected identity) hidden unless ``reveal``."""
    return [_party(row, reveal) for row in rows or [] if isinstance(row, dict)]


def has_personal_ids(rows: list) -> bool:
    """True when something on the parties list waits for the "Visa personnummer" button."""
    return any(isinstance(row, dict) and _hides_something(row) for row in rows or [])


def _hides_something(row: dict) -> bool:
    hidden = row.get("personal_id") or row.get("protected_identity")
    return bool(hidden) or has_ids_in_text(str(row.get("name") or ""))


def kind_label(kind: str) -> str:
    try:
        return str(RecordKind(kind).label)
    except ValueError:
        return kind


def as_date(value) -> date | None:
    """The service may hand dates as ``date`` or ISO strings; the page wants dates."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass
class HitView:
    """One search hit, ready for the template."""

    record_id: str
    title: str
    kind: str
    kind_label: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    highlights: list[SafeString]


def hit_view(hit) -> HitView:
    return HitView(
        record_id=str(hit.record_id),
        title=mask_ids_in_text(hit.title or ""),
        kind=hit.kind or "",
        kind_label=kind_label(hit.kind or ""),
        registration_number=hit.registration_number or "",
        date_start=as_date(hit.date_start),
        date_end=as_date(hit.date_end),
        highlights=[safe_highlight(mask_ids_in_text(h)) for h in (hit.highlights or [])],
    )


def read_filters(params: QueryDict) -> dict[str, list[str]]:
    """The selected facet values from the query string, cleaned, in a stable order."""
    chosen: dict[str, list[str]] = {}
    for key in FACET_KEYS:
        values = []
        for raw in params.getlist(key):
            value = raw.strip()[:MAX_VALUE]
            if value and value not in values:
                values.append(value)
        if values:
            chosen[key] = values[:MAX_VALUES]
    return chosen


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FacetGroup:
    key: str
    legend: str
    options: list[FacetOption] = field(default_factory=list)


def _option_label(key: str, value: str, label: str) -> str:
    if key == "kind" and (not label or label == value):
        return kind_label(value)
    return label or value


def facet_groups(facets: dict, selected: dict[str, list[str]]) -> list[FacetGroup]:
    """Sidebar fieldsets: the service's values, plus any selected value it no longer
    returns (so a filter that now matches nothing can still be unticked)."""
    groups = []
    for key, legend in FACETS:
        chosen = selected.get(key, [])
        options = [
            FacetOption(str(fv.value), _option_label(key, str(fv.value), fv.label), fv.count, False)
            for fv in facets.get(key, [])
        ]
        known = {o.value for o in options}
        missing = [v for v in chosen if v not in known]
        options += [FacetOption(v, _option_label(key, v, ""), 0, False) for v in missing]
        for option in options:
            option.checked = option.value in chosen
        if options:
            groups.append(FacetGroup(key, str(legend), options))
    return groups


@dataclass
class Chip:
    """A selected filter with the link that removes it."""

    legend: str
    label: str
    remove_url: str


def chips(params: QueryDict, selected: dict[str, list[str]], groups: list[FacetGroup]) -> list:
    """One removable chip per selected value; removing one also returns to page one."""
    labels = {(g.key, o.value): o.label for g in groups for o in g.options}
    legends = dict(FACETS)
    found = []
    for key, values in selected.items():
        for value in values:
            rest = params.copy()
            rest.setlist(key, [v for v in params.getlist(key) if v.strip() != value])
            rest.pop(PAGE_PARAM, None)
            found.append(
                Chip(str(legends[key]), labels.get((key, value), value), f"?{rest.urlencode()}")
            )
    return found


def without_filters(params: QueryDict) -> str:
    """The URL of the same query with every filter removed."""
    rest = QueryDict(mutable=True)
    query = params.get(QUERY_PARAM, "")
    if query:
        rest[QUERY_PARAM] = query
    return f"?{rest.urlencode()}"


@dataclass
class Problem:
    """One validation problem of the extracted metadata, as the record page lists it."""

    message: str
    where: str = ""
    rule: str = ""
    severity: str = ""
    source: str = ""  # "XSD", "Schematron" or "" when the extraction did not say


@dataclass
class ValidationSummary:
    """What the extraction's validation found, for the record page."""

    standard: str
    problems: list[Problem]
    more: int = 0  # problems counted but not stored (the extraction keeps the first ones)


def _problem(item, source: str = "") -> Problem | None:
    if isinstance(item, str):
        return Problem(item, source=source) if item.strip() else None
    if not isinstance(item, dict):
        return None
    message = item.get("message") or item.get("text") or item.get("error") or ""
    line = item.get("line")
    where = str(item.get("location") or item.get("path") or item.get("xpath") or "")
    if line:
        where = f"{where}:{line}" if where else str(_("rad %(line)s") % {"line": line})
    rule = str(item.get("test") or item.get("rule_id") or item.get("rule") or "")
    severity = str(item.get("severity") or item.get("level") or "").lower()
    return Problem(str(message or item), where, rule, SEVERITIES.get(severity, ""), source)


# The lists a stored validation report may hold, with what produced them.
_REPORT_LISTS = (
    ("xsd_errors", "XSD"),
    ("schematron_errors", "Schematron"),
    ("problems", ""),
    ("errors", ""),
    ("findings", ""),
    ("messages", ""),
)


def _report_items(found: dict) -> tuple[list[tuple[object, str]], int]:
    items: list[tuple[object, str]] = []
    counted = 0
    for key, source in _REPORT_LISTS:
        rows = found.get(key)
        if isinstance(rows, list):
            items += [(row, source) for row in rows]
            count = found.get(key.replace("errors", "error_count"))
            counted += count if isinstance(count, int) and count > len(rows) else len(rows)
    if not items and found.get("message"):
        items, counted = [(found, "")], 1
    return items, counted


def validation_problems(extra: dict) -> ValidationSummary | None:
    """``record.extra["validation"]`` for the page, or None when there is nothing wrong.

    The records domain stores ``{"standard", "valid", "xsd_errors", "schematron_errors",
    "*_error_count"}``; plain lists of messages or dicts are read as well, so a reader of
    another format can report problems without a new template.
    """
    found = (extra or {}).get("validation")
    standard = ""
    if isinstance(found, dict):
        standard = str(found.get("standard") or "")
        items, counted = _report_items(found)
    elif isinstance(found, str):
        items, counted = [(found, "")], 1
    elif isinstance(found, list):
        items, counted = [(item, "") for item in found], len(found)
    else:
        return None
    problems = [p for p in (_problem(item, source) for item, source in items) if p is not None]
    if not problems:
        return None
    return ValidationSummary(standard, problems, max(0, counted - len(problems)))
