"""Fixtures of the planning tests: collected static, logged-in clients, a small inventory."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def collected_static() -> None:
    """Pages use the production (manifest) static storage, so collect once per session."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def staff_client(db, collected_static):
    """``staff_client(role, tenant)``: a client logged in with ``role`` in ``tenant``."""
    from tests import factories

    return factories.staff_client


def make_installation(tenant: str, product: str, **values):
    """One installation with sensible defaults (prerequisites done, 100 h)."""
    from samarkiv.planning.models import Installation
    from samarkiv.planning.service import product_for

    defaults = {
        "name": f"{product} i {tenant}",
        "domain": "diarium",
        "registry_care_done": True,
        "disposal_done": True,
        "effort_hours": 100,
        "licence_cost": 100_000,
        "end_of_support": date(2028, 1, 1),
    }
    defaults.update(values)
    name = defaults.pop("name")
    return Installation.objects.create(
        tenant_id=tenant,
        product=product_for(product, defaults.pop("vendor", "")),
        name=name,
        **defaults,
    )
