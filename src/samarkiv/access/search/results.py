"""What a search returns to the web pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Hit:
    record_id: str
    aip_id: str
    tenant: str
    title: str
    kind: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    score: float
    highlights: list[str] = field(default_factory=list)  # HTML: escaped, with <mark>

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("date_start", "date_end"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class SearchResult:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1
