"""Fixtures for the audit log tests: a private home, so each test has its own head file.

Tests that check the head file commit (``django_db(transaction=True)``): the head is
written only after a commit, which the plain rolled-back ``db`` fixture never makes.
"""

from __future__ import annotations
