"""An ingested sample database of tenant bjuv, and an empty portal page cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import collected_static, staff_client  # noqa: F401


@pytest.fixture
def archived(db, home: Path, tmp_path: Path):
    from tests.portal_databases.sample import ingest_sample

    return ingest_sample(tmp_path)
