"""The portal's query string, read once into a clean ``PortalQuery``.

Why a module of its own: the search page, the public API and the page cache all need
the same reading of ``?q=...&kommun=...``. Parameter names are Swedish (citizens see
them in the address bar and share links); every value is trimmed and capped, so a
hostile URL cannot make the search do more work than a person could ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

QUERY = "q"
PAGE = "sida"
YEAR_FROM = "fran"
YEAR_TO = "till"
SHOW_STUBS = "dolda"
MAX_QUERY = 500
MAX_FIELD = 200
MAX_VALUES = 20
MAX_PAGE = 500  # deep paging is a crawler, not a person
PER_PAGE = 20
MIN_YEAR, MAX_YEAR = 1000, 2999

# Advanced search fields: URL parameter -> field of the public index -> label.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("diarienummer", "registration_number", _("Diarienummer")),
    ("namn", "names", _("Namn")),
    ("adress", "addresses", _("Adress")),
    ("fastighet", "property_designations", _("Fastighetsbeteckning")),
)

# Facets: URL parameter -> facet key of the public index -> legend. A facet key the
# index returns that is not listed here is not shown (and not accepted as a filter).
FACETS: tuple[tuple[str, str, str], ...] = (
    ("kommun", "tenant", _("Kommun")),
    ("arkivbildare", "records_creator", _("Arkivbildare")),
    ("handlingstyp", "document_type", _("Handlingstyp")),
    ("period", "period", _("Period")),
    ("typ", "kind", _("Typ")),
)
FACET_PARAM = {key: param for param, key, _label in FACETS}
FACET_LEGEND = {key: label for _param, key, label in FACETS}


@dataclass
class PortalQuery:
    """One search as the citizen asked for it."""

    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # index field -> text
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet key -> values
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    show_stubs: bool = False

    @property
    def searched(self) -> bool:
        """True when there is anything to search for (else the page shows the start)."""
        years = self.year_from is not None or self.year_to is not None
        return bool(self.text or self.fields or self.filters or years)

    @property
    def advanced(self) -> bool:
        """True when an advanced field is in use (the page then opens that panel)."""
        years = self.year_from is not None or self.year_to is not None
        return bool(self.fields or years)

    def service_filters(self) -> dict:
        """Filters in the shape ``public_search`` takes: facet values plus the period."""
        chosen: dict = {key: list(values) for key, values in self.filters.items()}
        if self.year_from is not None:
            chosen["year_from"] = [str(self.year_from)]
        if self.year_to is not None:
            chosen["year_to"] = [str(self.year_to)]
        return chosen


def _text(raw: str | None, limit: int) -> str:
    return " ".join((raw or "").split())[:limit]


def _year(raw: str | None) -> int | None:
    try:
        year = int((raw or "").strip())
    except ValueError:
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), MAX_PAGE))
    except ValueError:
        return 1


def read(params: QueryDict) -> PortalQuery:
    """The query string as a ``PortalQuery``; never raises, whatever was sent."""
    query = PortalQuery(text=_text(params.get(QUERY), MAX_QUERY))
    for param, key, _label in FIELDS:
        value = _text(params.get(param), MAX_FIELD)
        if value:
            query.fields[key] = value
    for param, key, _label in FACETS:
        values: list[str] = []
        for raw in params.getlist(param):
            value = raw.strip()[:MAX_FIELD]
            if value and value not in values:
                values.append(value)
        if values:
            query.filters[key] = values[:MAX_VALUES]
    query.year_from = _year(params.get(YEAR_FROM))
    query.year_to = _year(params.get(YEAR_TO))
    if query.year_from and query.year_to and query.year_from > query.year_to:
        query.year_from, query.year_to = query.year_to, query.year_from
    query.page = page_number(params.get(PAGE))
    query.show_stubs = params.get(SHOW_STUBS) == "1"
    return query
