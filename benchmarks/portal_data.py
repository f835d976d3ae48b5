"""Synthetic published records for ``portal.py``: a million rows of municipal Swedish.

Kept apart from the measuring (as ``search_data.py`` is for ``search.py``): this file
makes data and loads it; ``portal.py`` serves and drives the portal.

Each record starts from ``search_data.Generator`` (titles, registration numbers,
records creators, tenants weighted by size, dates 1990-2025, Zipf-distributed body
text with every inflection) and gets what a published record adds: the tenant's name,
a series, a masked description, parties' names, street addresses and property
designations (fastighetsbeteckningar such as "Lund Kvarnen 4:12"). One seeded
``random.Random``: the same N gives the same records, the same queries.

Loading is one pass: rows go to SQLite with ``executemany`` in batches of
``BATCH`` (one transaction each) and, from the same generator, into the public
tantivy index through the publication engineer's ``public_index.bulk_load``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

from search_data import CREATORS, DOCUMENT_TYPES, FIRST, LAST, Generator

from samarkiv.catalog.tenants import DEFAULT_HOST, DEFAULT_MEMBERS, slug

BATCH = 10_000
TENANT_NAMES = {slug(short): name for short, name in (DEFAULT_HOST, *DEFAULT_MEMBERS)}
STREETS = (
    "Storgatan", "Kyrkogatan", "Järnvägsgatan", "Skolgatan", "Ringvägen", "Kvarngatan",
    "Parkgatan", "Strandvägen", "Bangatan", "Idrottsvägen", "Sjövägen", "Åkervägen",
    "Hamngatan", "Mårtensgatan", "Östra vägen", "Västra Storgatan",
)  # fmt: skip
BLOCKS = (
    "Kvarnen", "Svanen", "Lärkan", "Hjorten", "Eken", "Björken", "Rosen", "Måsen", "Gripen",
    "Ugglan", "Tranan", "Falken", "Linden", "Almen", "Vallmon", "Smedjan", "Bryggaren",
    "Fiskaren", "Skolan", "Prästgården",
)  # fmt: skip
SERIES = {
    "KS": "Diarieförda handlingar, kommunstyrelsen",
    "BUN": "Elevakter och diarieförda handlingar",
    "SN": "Diarieförda handlingar, socialnämnden",
    "BN": "Bygglovsakter",
    "TN": "Diarieförda handlingar, tekniska nämnden",
    "KFN": "Föreningsbidrag",
    "MHN": "Tillsynsärenden, miljö och hälsoskydd",
    "VON": "Diarieförda handlingar, vård och omsorg",
}
_PREFIX = {name: prefix for name, prefix, _codes in CREATORS}


class PortalGenerator:
    """Published-record dicts (``public_index.record_dict`` shape) and query paths."""

    def __init__(self, seed: int = 2026) -> None:
        self.base = Generator(seed)
        self.rng = random.Random(seed + 1)

    def _address(self, tenant_name: str) -> str:
        town = tenant_name.split()[0].removesuffix("s")
        rng = self.rng
        postcode = f"{rng.randint(211, 299)} {rng.randint(10, 99)}"
        return f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {postcode} {town}"

    def _property(self, tenant_name: str) -> str:
        town = tenant_name.split()[0].removesuffix("s")
        return (
            f"{town} {self.rng.choice(BLOCKS)} {self.rng.randint(1, 40)}:{self.rng.randint(1, 300)}"
        )

    def records(self, n: int) -> Iterator[dict]:
        rng = self.rng
        for base in self.base.records(n):
            tenant = base["tenant"]
            name = TENANT_NAMES.get(tenant, tenant)
            prefix = _PREFIX.get(base["records_creator"], "KS")
            people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(0, 3))]
            addresses = [self._address(name) for _ in range(rng.randint(0, 2))]
            properties = [self._property(name) for _ in range(rng.randint(0, 1 + (prefix == "BN")))]
            title = base["title"]
            if prefix == "BN" and properties:
                title = f"{base['document_type']} om bygglov, {properties[0]}"
            yield {
                "id": base["record_id"],
                "tenant_code": tenant,
                "tenant_name": name,
                "aip_id": "uuid-" + base["aip_id"].removeprefix("urn:uuid:"),
                "kind": base["kind"],
                "title": title,
                "registration_number": base["registration_number"],
                "date_start": base["date_start"],
                "date_end": base["date_end"],
                "document_type": base["document_type"],
                "classification_code": base["classification"],
                "records_creator": base["records_creator"],
                "series_title": SERIES.get(prefix, "Diarieförda handlingar"),
                "description": f"{base['document_type']} i ärende {base['registration_number']}.",
                "names": "\n".join(people),
                "addresses": "\n".join(addresses),
                "property_designations": "\n".join(properties),
                "body": base["body"],
            }

    # --- queries ----------------------------------------------------------------------

    def search_paths(self, count: int, sample: list[dict]) -> list[str]:
        """``count`` search URLs a citizen might type or click (facets always computed):
        words, prefixes, phrases, fuzzy words, two-word searches, fielded searches on
        numbers, names, addresses and properties, and facet filters."""
        rng, base = self.rng, self.base
        makers: list[tuple[float, Callable[[], dict]]] = [
            (30, lambda: {"q": base.word()}),
            (10, lambda: {"q": base.prefix()}),
            (10, lambda: {"q": base.phrase()}),
            (5, lambda: {"q": base.word() + "~"}),
            (15, lambda: {"q": f"{base.word()} {base.word()}"}),
            (5, lambda: {"diarienummer": rng.choice(sample)["registration_number"]}),
            (5, lambda: {"namn": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}),
            (5, lambda: {"adress": rng.choice(STREETS)}),
            (3, lambda: {"fastighet": f"{rng.choice(BLOCKS)}"}),
            (7, lambda: {"q": base.word(), "kommun": base.tenant()}),
            (
                5,
                lambda: {
                    "q": base.word(),
                    "handlingstyp": rng.choice(DOCUMENT_TYPES),
                    "period": str(rng.randrange(1990, 2026) // 10 * 10),
                },
            ),
        ]
        weights = [w for w, _ in makers]
        paths: list[str] = []
        seen: set[str] = set()
        while len(paths) < count:
            maker = rng.choices(makers, weights=weights)[0][1]
            path = "/sok/?" + urlencode(maker())
            if path not in seen:
                seen.add(path)
                paths.append(path)
        return paths

    def uncached_paths(self, count: int) -> list[str]:
        """Distinct searches (a word plus a year range): no page or result cache helps."""
        out = set()
        while len(out) < count:
            start = self.rng.randrange(1990, 2025)
            params = {"q": self.base.word(), "fran": start, "till": start + self.rng.randint(0, 15)}
            out.add("/sok/?" + urlencode(params))
        return sorted(out)


# --- loading ------------------------------------------------------------------------------

COLUMNS = (
    "id", "tenant_code", "tenant_name", "aip_id", "parent_id", "kind", "title",
    "registration_number", "date_start", "date_end", "document_type", "classification_code",
    "records_creator", "series_title", "description", "names", "addresses",
    "property_designations", "body", "published_at",
)  # fmt: skip


def load(n: int, progress: Callable[[int], None], keep: Callable[[dict], None]) -> int:
    """Insert ``n`` PublishedRecord rows and index them, in one pass (Django is set up).

    ``keep(row)`` sees every row (the caller samples ids and numbers for the queries).
    """
    from django.db import connection, transaction

    from samarkiv.access.publication.models import PublishedRecord
    from samarkiv.access.publication.public_index import bulk_load

    table = PublishedRecord._meta.db_table
    marks = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
    batch: list[tuple] = []
    done = 0

    def flush() -> None:
        nonlocal batch, done
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        done += len(batch)
        batch = []
        progress(done)

    def rows() -> Iterator[dict]:
        for row in PortalGenerator().records(n):
            keep(row)
            batch.append(_db_row(row, now, connection.vendor))
            if len(batch) >= BATCH:
                flush()
            yield row
        if batch:
            flush()

    return bulk_load(rows(), threads=2)


def _db_row(row: dict, now: datetime, vendor: str) -> tuple:
    values = dict(row)
    record_id = uuid.UUID(row["id"])
    values["id"] = record_id.hex if vendor == "sqlite" else record_id
    values["parent_id"] = None
    # what Django's SQLite backend stores: naive UTC text, ISO dates
    values["published_at"] = now.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else now
    for key in ("date_start", "date_end"):
        day = row[key]
        values[key] = day.isoformat() if (day and vendor == "sqlite") else day
    return tuple(values[c] for c in COLUMNS)
