"""Fixtures for the audit log tests: a private home, so each test has its own head file.

Tests that check the head file commit (``django_db(transaction=True)``): the head is
written only after a commit, which the plain rolled-back ``db`` fixture never makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(settings, tmp_path: Path) -> Path:
    """SAMARKIV_HOME (the head file) and the lock folder, private to the test."""
    base = tmp_path / "home"
    settings.SAMARKIV_HOME = base
    settings.SAMARKIV_LOCKS_DIR = base / "locks"
    base.mkdir()
    return base
