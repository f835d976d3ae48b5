"""Demo: one decommissioned business system in Bjuv, with its database browsable.

A small building-permit register (SQLite, written here) goes the whole way: extracted
to SIARD, verified against the live file, approved, ingested as an AIP, certified and
marked decommissioned with its yearly saving; the applicants' personal identity numbers
are masked. Run again, it finds the finished demo and does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from decimal import Decimal
from pathlib import Path

TENANT = "bjuv"
PRODUCT, VENDOR = "BLR Bygglovsregister 3", "Kommundata AB"
SYSTEM = "Bygglovsregistret (BLR)"
SAVED = Decimal("240000")
STREETS = ("Storgatan", "Billesholmsvägen", "Ekebyvägen", "Gruvvägen", "Södra vägen")
NAMES = (
    "Anna Lindqvist",
    "Åke Persson",
    "Märta Öhman",
    "Erik Johansson",
    "Sofia Ek",
    "Jörgen Ahlström",
    "Lena Bergkvist",
    "Omar Haddad",
    "Karin Åberg",
    "Nils Olsson",
)
TOPICS = (
    "Nybyggnad av enbostadshus",
    "Tillbyggnad av garage",
    "Rivning av förråd",
    "Uppförande av plank",
    "Fasadändring",
    "Strandskyddsdispens",
)

SCHEMA = """
        CREATE TABLE fastighet (id INTEGER PRIMARY KEY, beteckning VARCHAR(40) NOT NULL,
                                adress VARCHAR(100));
        CREATE TABLE sokande (id INTEGER PRIMARY KEY, namn VARCHAR(100) NOT NULL,
                              personnummer VARCHAR(13));
        CREATE TABLE arende (id INTEGER PRIMARY KEY, diarienummer VARCHAR(20) NOT NULL,
                             fastighet_id INTEGER REFERENCES fastighet(id),
                             sokande_id INTEGER REFERENCES sokande(id),
                             rubrik VARCHAR(200), beslut VARCHAR(20), beslutsdatum DATE,
                             avgift NUMERIC(10, 2));
        """


def write_database(path: Path) -> Path:
    """The demo register: properties, applicants and cases, 1998–2014."""
    rng = random.Random(1998)  # noqa: S311
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO fastighet VALUES (?, ?, ?)",
        [
            (
                i,
                f"Bjuv Gruvan {i}:{rng.randint(1, 40)}",
                f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
            )
            for i in range(1, 41)
        ],
    )
    conn.executemany(
        "INSERT INTO sokande VALUES (?, ?, ?)",
        [
            (
                i,
                NAMES[i - 1],
                f"19{rng.randint(40, 85)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}-"
                f"{rng.randint(1000, 9999)}",
            )
            for i in range(1, len(NAMES) + 1)
        ],
    )
    cases = []
    for i in range(1, 121):
        year = 1998 + i % 17
        cases.append(
            (
                i,
                f"BN {year}/{i:04d}",
                rng.randint(1, 40),
                rng.randint(1, len(NAMES)),
                rng.choice(TOPICS),
                rng.choice(("Beviljas", "Beviljas", "Avslås")),
                dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                f"{rng.randint(5, 90) * 100}.00",
            )
        )
    conn.executemany("INSERT INTO arende VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cases)
    conn.commit()
    conn.close()
    return path


def load_demo() -> int:
    """0 = success (or already there), 1 = the demo could not be built."""
    from django.conf import settings

    from samarkiv.access.databases.browse import list_databases
    from samarkiv.access.databases.masks import set_table_marks
    from samarkiv.access.databases.public_copy import set_published
    from samarkiv.accounts.roles import Permission
    from samarkiv.accounts.scope import Scope
    from samarkiv.decommissioning import workflow
    from samarkiv.decommissioning.models import Decommissioning
    from samarkiv.errors import SamarkivError

    done = Decommissioning.objects.filter(
        tenant_id=TENANT, installation__product__name=PRODUCT, state="decommissioned"
    ).first()
    if done is not None:
        print(f"Decommissioning demo: {SYSTEM} already decommissioned (AIP {done.aip_id})")
        return 0
    scope = Scope(actor="system:demo", tenant=TENANT, permissions=frozenset(Permission))
    source = write_database(Path(settings.SAMARKIV_DEMO_DIR) / "blr-bygglov.sqlite")
    try:
        item = workflow.create(
            scope,
            installation_id=_installation().pk,
            source_description="Bygglovsärenden 1998–2014 ur BLR 3",
        )
        workflow.extract_from_source(scope, item.pk, f"sqlite:///{source}", allow_local=True)
        workflow.review(scope, item.pk, approve=True, comment="Stämmer med systemets rapporter.")
        item = workflow.ingest_archive(scope, item.pk)
        database = list_databases(scope).filter(aip_id=item.aip_id).first()
        if database is not None:
            index = [t["name"] for t in database.metadata["tables"]].index("sokande")
            set_table_marks(
                scope,
                database.pk,
                index,
                table_secret=False,
                secret_columns={"personnummer"},
                reason="OSL 21 kap. 3 §",
            )
            set_published(scope, database.pk, True)  # citizens browse it, numbers masked
        workflow.certify(scope, item.pk)
        workflow.mark_decommissioned(scope, item.pk, SAVED)
    except SamarkivError as exc:
        print(f"Decommissioning demo failed: {exc.message}")
        return 1
    print(f"Decommissioning demo: {SYSTEM} in {TENANT} decommissioned, AIP {item.aip_id}")
    return 0


def _installation():
    """Bjuv's installation of the product, made if the inventory does not have it yet."""
    from samarkiv.planning.models import Installation, SystemProduct

    product, _ = SystemProduct.objects.get_or_create(name=PRODUCT, vendor=VENDOR)
    found = Installation.objects.filter(tenant_id=TENANT, product=product).first()
    return found or Installation.objects.create(tenant_id=TENANT, product=product, name=SYSTEM)
