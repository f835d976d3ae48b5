"""Verification against real live sources of every kind: PostgreSQL, MariaDB and SQLite,
with every common type, NULLs, Unicode, multi-MB LOBs and composite keys (the sample
music database of tests/siard). The checksums of the SIARD and of the live database
must agree table by table, whatever types each driver returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from samarkiv.decommissioning.verify import verify
from tests.siard.conftest import (  # noqa: F401 (session fixtures of the SIARD tests)
    mariadb,
    mariadb_source,
    pg_cluster,
    pg_source,
    sqlite_source,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ["sqlite_source", "pg_source", "mariadb_source"])
def test_checksums_of_siard_and_live_source_agree(kind: str, request, tmp_path: Path) -> None:
    from samarkiv.packages.siard.extract import extract_database

    url = request.getfixturevalue(kind)
    siard = tmp_path / "musik.siard"
    extract_database(url, siard, lob_threshold=4000)
    report = verify(siard, url)
    problems = [t for t in report["tables"] if not t["ok"]]
    assert report["ok"], problems
    assert report["against"] == "source" and len(report["tables"]) >= 3
    for table in report["tables"]:
        assert table["source_checksum"] == table["siard_checksum"]
        assert table["source_rows"] == table["siard_rows"] == table["metadata_rows"]
