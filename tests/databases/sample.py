"""A small real database for the browse and decommissioning tests.

SQLite with two tables joined by a foreign key, Swedish text, a personal identity
number to mask, a value that starts like a spreadsheet formula, and enough rows to page.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

PEOPLE = 120
SECRET_PNR = "19121212-1212"
FORMULA = '=HYPERLINK("http://example.invalid","klicka")'


def make_source(path: Path) -> Path:
    """Create the source database file and return it."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE person (
            id INTEGER PRIMARY KEY,
            namn VARCHAR(100) NOT NULL,
            personnummer VARCHAR(13),
            anteckning TEXT
        );
        CREATE TABLE arende (
            id INTEGER PRIMARY KEY,
            person_id INTEGER REFERENCES person(id),
            rubrik VARCHAR(200),
            belopp NUMERIC(10, 2)
        );
        """
    )
    people = [(1, "Åsa Öberg", SECRET_PNR, FORMULA)]
    people += [
        (i, f"Person {i:03d}", f"19800101-{i:04d}", "bygglov" if i % 2 else None)
        for i in range(2, PEOPLE + 1)
    ]
    conn.executemany("INSERT INTO person VALUES (?, ?, ?, ?)", people)
    cases = [
        (1, 1, "Bygglov för förråd", "1500.50"),
        (2, 1, "Strandskydd", "0"),
        (3, 7, "Nybyggnad av garage", "12.25"),
    ]
    conn.executemany("INSERT INTO arende VALUES (?, ?, ?, ?)", cases)
    conn.commit()
    conn.close()
    return path


def make_siard(tmp: Path) -> Path:
    """The sample database extracted with samarkiv's own SIARD extractor."""
    from samarkiv.packages.siard.extract import extract_database

    source = make_source(tmp / "kalla.sqlite")
    out = tmp / "kalla.siard"
    extract_database(f"sqlite:///{source}", out)
    return out
