"""The demo inventory loads, covers every member municipality and plans."""

from __future__ import annotations

import pytest

from samarkiv.catalog.models import Tenant
from samarkiv.planning.demo import load_demo
from samarkiv.planning.models import Installation, PlanItem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_inventory_is_planned_with_its_pilots_first(capsys) -> None:
    assert load_demo() == 0
    assert "systems inventoried" in capsys.readouterr().out
    tenants = set(Tenant.objects.values_list("code", flat=True))
    assert set(Installation.objects.values_list("tenant_id", flat=True)) == tenants
    pilots = PlanItem.objects.filter(installation__pilot=True)
    assert {p.installation.tenant_id for p in pilots} == {"ystad", "bjuv"}
    assert set(pilots.values_list("quarter", flat=True)) == {0}
    early = set(
        PlanItem.objects.filter(quarter__lt=4).values_list("installation__tenant", flat=True)
    )
    assert early == tenants
    assert load_demo() == 0  # loading twice changes nothing
    assert Installation.objects.count() == 89
