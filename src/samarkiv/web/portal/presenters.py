"""What the portal pages show, shaped from ``public.py``'s plain results.

The projection is already masked; this module is the second lock: highlight HTML
reaches the page with ``<mark>`` as its only tag, and any personal identity number
that slipped into a title or snippet is masked again before it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from samarkiv.web.portal import params
from samarkiv.web.search.presenters import as_date, mask_ids_in_text, safe_highlight

# Formats a browser shows safely inside its own viewer (PDF viewer, <img>); anything
# else (HTML, SVG, office files) is offered as a download only.
FACET_SHOWN = 12  # values per facet on the page: the commonest, plus any ticked one

INLINE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
}

FORMAT_LABELS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/tiff": "TIFF",
    "text/plain": _("Text"),
    "text/xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/html": "HTML",
    "application/zip": "ZIP",
    "application/msword": "Word (DOC)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.oasis.opendocument.text": _("OpenDocument-text (ODT)"),
    "application/vnd.ms-excel": "Excel (XLS)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (XLSX)",
    "application/vnd.oasis.opendocument.spreadsheet": _("OpenDocument-kalkylblad (ODS)"),
    "message/rfc822": _("E-post (EML)"),
}


@dataclass
class HitView:
    record_id: str
    url: str
    title: str
    tenant_name: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    document_type: str
    records_creator: str
    highlights: list = field(default_factory=list)

    @property
    def dates(self) -> str:
        """ "2023-01-05–2023-03-01", or one date: cheaper than a template per hit."""
        start = self.date_start.isoformat() if self.date_start else ""
        end = self.date_end.isoformat() if self.date_end else ""
        if start and end and end != start:
            return f"{start}–{end}"
        return start or end


def record_url_prefix() -> str:
    """``/handling/``: hit links are built by joining, not by one reverse() per hit."""
    zero = "00000000-0000-0000-0000-000000000000"
    return reverse("portal:record", kwargs={"pk": zero}).split(zero)[0]


def hit_view(hit, prefix: str) -> HitView:
    return HitView(
        record_id=str(hit.record_id),
        url=f"{prefix}{hit.record_id}/",
        title=mask_ids_in_text(hit.title or ""),
        tenant_name=hit.tenant_name or hit.tenant_code or "",
        registration_number=hit.registration_number or "",
        date_start=as_date(hit.date_start),
        date_end=as_date(hit.date_end),
        document_type=hit.document_type or "",
        records_creator=hit.records_creator or "",
        highlights=[safe_highlight(mask_ids_in_text(h)) for h in (hit.highlights or [])],
    )


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FacetGroup:
    key: str
    param: str
    legend: str
    options: list[FacetOption] = field(default_factory=list)


def _triple(item) -> tuple[str, str, int]:
    """A facet value as (value, label, count), from a tuple or an object with fields."""
    if isinstance(item, tuple | list):
        value, label, count = (list(item) + ["", "", 0])[:3]
    else:
        value = getattr(item, "value", "")
        label = getattr(item, "label", "")
        count = getattr(item, "count", 0)
    return str(value), str(label or value), int(count or 0)


def facet_groups(facets: dict, selected: dict[str, list[str]]) -> list[FacetGroup]:
    """Checkbox lists in the order of ``params.FACETS``; a selected value the index no
    longer returns is still listed (count 0) so it can be unticked."""
    groups = []
    for param, key, legend in params.FACETS:
        chosen = selected.get(key, [])
        options = []
        for item in facets.get(key) or []:
            value, label, count = _triple(item)
            if len(options) < FACET_SHOWN or value in chosen:
                options.append(FacetOption(value, label, count, value in chosen))
        known = {o.value for o in options}
        options += [FacetOption(v, v, 0, True) for v in chosen if v not in known]
        if options:
            groups.append(FacetGroup(key, param, str(legend), options))
    return groups


@dataclass
class Chip:
    legend: str
    label: str
    remove_url: str


def chips(query_string: QueryDict, groups: list[FacetGroup]) -> list[Chip]:
    """One removable chip per selected facet value, field and year; removing one also
    returns to page one."""
    found = []
    for group in groups:
        for option in group.options:
            if option.checked:
                rest = query_string.copy()
                rest.setlist(
                    group.param, [v for v in rest.getlist(group.param) if v != option.value]
                )
                found.append(Chip(group.legend, option.label, _url(rest)))
    for param, _key, label in params.FIELDS:
        if query_string.get(param, "").strip():
            found.append(_chip_without(query_string, param, str(label)))
    for param, label in ((params.YEAR_FROM, _("Från år")), (params.YEAR_TO, _("Till år"))):
        if params._year(query_string.get(param)):
            found.append(_chip_without(query_string, param, str(label)))
    return found


def _chip_without(query_string: QueryDict, param: str, legend: str) -> Chip:
    rest = query_string.copy()
    value = rest.pop(param, [""])[-1]
    return Chip(legend, value.strip(), _url(rest))


def _url(rest: QueryDict) -> str:
    rest = rest.copy()
    rest.pop(params.PAGE, None)
    return f"?{rest.urlencode()}"


def without_filters(query_string: QueryDict) -> str:
    text = query_string.get(params.QUERY, "")
    rest = QueryDict(mutable=True)
    if text:
        rest[params.QUERY] = text
    return f"?{rest.urlencode()}"


def request_url(*, stub: str | None = None, record: str | None = None) -> str:
    """The "Begär ut" link; a plain path until the requests pages are installed."""
    query = f"stub={stub}" if stub else f"record={record}"
    try:
        return f"{reverse('requests_public:new')}?{query}"
    except NoReverseMatch:
        return f"/begaran/ny/?{query}"


def format_label(mime: str, puid: str = "") -> str:
    """A short format name a citizen recognises (PDF, JPEG), else the media type."""
    mime = (mime or "").split(";")[0].strip().lower()
    if mime in FORMAT_LABELS:
        return str(FORMAT_LABELS[mime])
    return mime or puid or str(_("Okänt format"))


def can_show_inline(mime: str) -> bool:
    return (mime or "").split(";")[0].strip().lower() in INLINE_TYPES


@dataclass
class FileView:
    id: int
    name: str
    format: str
    size: int
    inline: bool


def file_views(files) -> list[FileView]:
    return [
        FileView(f.pk, f.name, format_label(f.mime, f.puid), f.size, can_show_inline(f.mime))
        for f in files
    ]


def lines(text: str) -> list[str]:
    """A projection text field kept one value per line (names, addresses)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
