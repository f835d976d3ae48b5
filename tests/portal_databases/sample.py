"""A small real database for the portal's database pages, ingested as a SIARD SIP.

Three tables joined by foreign keys (owner ← building ← inspection). Every text column
and every table has a name found nowhere else on a portal page, so a test can look for
a masked name (or a value written into a masked column) in any page and expect zero
hits; each name appears when nothing is masked (checked by the tests themselves).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

TABLES = ("agare", "byggnad", "tillsyn")
TEXT_COLUMNS = {
    "agare": ("personnummer", "fornamn", "hemadress"),
    "byggnad": ("beteckning", "anteckning"),
    "tillsyn": ("utfall", "inspektor"),
}
OWNERS, BUILDINGS, INSPECTIONS = 30, 60, 80
FORMULA = "=1+2"


def make_source(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE agare (
            id INTEGER PRIMARY KEY, personnummer VARCHAR(13), fornamn VARCHAR(100),
            hemadress VARCHAR(200));
        CREATE TABLE byggnad (
            id INTEGER PRIMARY KEY, agnr INTEGER REFERENCES agare(id),
            beteckning VARCHAR(100), anteckning TEXT, areal INTEGER);
        CREATE TABLE tillsyn (
            id INTEGER PRIMARY KEY, bnr INTEGER REFERENCES byggnad(id),
            utfall VARCHAR(100), inspektor VARCHAR(100));
        """
    )
    conn.executemany(
        "INSERT INTO agare VALUES (?, ?, ?, ?)",
        [(i, f"19700101-{i:04d}", f"Ägare {i}", f"Storgatan {i}") for i in range(1, OWNERS + 1)],
    )
    conn.executemany(
        "INSERT INTO byggnad VALUES (?, ?, ?, ?, ?)",
        [
            (i, (i % OWNERS) + 1, f"Stenby 1:{i}", FORMULA if i == 2 else None, 100 + i)
            for i in range(1, BUILDINGS + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO tillsyn VALUES (?, ?, ?, ?)",
        [(i, (i % BUILDINGS) + 1, "Godkänd", f"Kontrollant {i % 5}") for i in range(1, 81)],
    )
    conn.commit()
    conn.close()
    return path


def ingest_sample(tmp: Path, tenant: str = "bjuv", name: str = "Bygglovsregistret"):
    """SQLite → SIARD (our extractor) → E-ARK SIP → ingest → access copy built."""
    from samarkiv.access.databases import copies
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.packages.siard.extract import extract_database
    from samarkiv.packages.siard.sip import build_siard_sip
    from samarkiv.preservation.models import Aip

    source = make_source(tmp / "bygglov.sqlite")
    siard = tmp / "bygglov.siard"
    extract_database(f"sqlite:///{source}", siard, description="Bygglov 1990–2010")
    sip = build_siard_sip(
        siard,
        tmp / "sip.zip",
        label="Bygglovsregistret – arkiverad databas",
        records_creator="Bjuvs kommun, byggnadsnämnden",
        system_name=name,
    )
    receipt = ingest(IngestRequest(source=sip, tenant=tenant))
    assert receipt.ok, receipt.message
    [database] = copies.register_aip(Aip.objects.get(pk=receipt.aip_id))
    database.name = name
    database.save(update_fields=["name"])
    database = copies.build(database)
    assert database.state == "ready", database.error
    return database
