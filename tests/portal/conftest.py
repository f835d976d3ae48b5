"""Fixtures of the portal tests: collected static files, an empty page cache per test,
and a published world built through the projection and the public index."""

from __future__ import annotations

import pytest

from tests.web.conftest import collected_static  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with no cached pages (they are keyed per index, not per test)."""
    from samarkiv.web.portal import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def archive(db, home, tmp_path):
    """Hörby's cases ingested and published: one public, one secret, one protected."""
    from tests.portal.archive import build

    return build(tmp_path)
