"""The plan through the service: pins survive re-plans, prerequisites, who may plan,
who sees what of the plan, and realised savings from decommissionings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.apps import apps

from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError
from samarkiv.planning import plan_view, service
from samarkiv.planning.models import PlanItem
from samarkiv.planning.solver import PlanInfeasibleError
from tests.factories import staff_user
from tests.planning.conftest import make_installation

pytestmark = pytest.mark.django_db


def _scope(role: Role, tenant: str):
    return user_scope(staff_user(role, tenant), tenant)


@pytest.fixture
def inventory():
    """Nine systems in three municipalities; Ystad's diarium waits for registervård."""
    made = {}
    for tenant in ("bjuv", "ystad", "lund"):
        for n, product in enumerate(("Public 360", "Heroma", "ByggR")):
            made[tenant, product] = make_installation(
                tenant, product, licence_cost=100_000 * (n + 1), effort_hours=200
            )
    late = made["ystad", "Public 360"]
    late.registry_care_done = False
    late.prerequisites_expected = date(2027, 8, 15)  # done in 2027 K3: K4 is the first
    late.requests_per_year = 5000
    late.save()
    settings = service.plan_settings()
    settings.capacity_hours, settings.quarters = 600, 8
    settings.save()
    return made


def test_pins_are_kept_by_every_replan(inventory) -> None:
    planner = _scope(Role.IT_ARCHIVIST, "lund")
    service.run_plan(planner, today=date(2027, 1, 1))
    heroma = PlanItem.objects.get(installation=inventory["bjuv", "Heroma"])
    service.pin(planner, heroma.pk, 6)
    for _ in range(2):
        service.run_plan(planner, today=date(2027, 1, 1))
        heroma.refresh_from_db()
        assert heroma.quarter == 6 and heroma.pinned_quarter == 6
        assert heroma.reasons[0]["code"] == "pinned"
    service.pin(planner, heroma.pk, None)
    service.run_plan(planner, today=date(2027, 1, 1))
    heroma.refresh_from_db()
    assert heroma.pinned_quarter is None and heroma.quarter != 6
    pins = AuditEntry.objects.filter(object_type="planning.planitem", action="decision")
    assert pins.count() == 2


def test_prerequisites_set_the_earliest_quarter(inventory) -> None:
    planner = _scope(Role.PLATFORM_ADMIN, "lund")
    service.run_plan(planner, today=date(2027, 1, 1))
    item = PlanItem.objects.get(installation=inventory["ystad", "Public 360"])
    assert item.quarter == 3  # 2027 K4: the demand pulls it as early as allowed
    assert "prerequisite" in [r["code"] for r in item.reasons]
    with pytest.raises(PlanInfeasibleError) as caught:
        service.pin(planner, item.pk, 1)
    assert caught.value.constraint == "prerequisite"
    assert "2027 K4" in caught.value.message


def test_only_host_planners_plan_and_pin(inventory) -> None:
    service.run_plan(operator_scope(), today=date(2027, 1, 1))
    item = PlanItem.objects.first()
    for role, tenant in ((Role.ARCHIVIST, "bjuv"), (Role.REGISTRAR, "ystad")):
        scope = _scope(role, tenant)
        with pytest.raises(AccessDeniedError):
            service.run_plan(scope)
        with pytest.raises(AccessDeniedError):
            service.pin(scope, item.pk, 2)
        with pytest.raises(AccessDeniedError):
            service.update_settings(scope, {"weight_need": 9})
    assert PlanItem.objects.filter(pinned_quarter__isnull=False).count() == 0


def test_municipal_staff_see_their_own_rows_and_others_only_as_product_and_quarter(
    inventory,
) -> None:
    service.run_plan(operator_scope(), today=date(2027, 1, 1))
    archivist = _scope(Role.ARCHIVIST, "bjuv")
    own = plan_view.own_rows(archivist)
    assert {r.tenant for r in own} == {"bjuv"} and len(own) == 3
    assert all(r.name.endswith("i bjuv") for r in own)
    assert plan_view.planner_rows(archivist) == []
    shared = plan_view.shared_plan(archivist)
    assert len(shared) == 9
    assert set(shared[0]) == {"product", "municipality", "quarter", "quarter_label"}
    assert "Ystads kommun" in {r["municipality"] for r in shared}
    system = user_scope(staff_user(Role.SYSTEM, "bjuv"), "bjuv")
    assert plan_view.shared_plan(system) == [] and plan_view.own_rows(system) == []
    planner = plan_view.planner_rows(_scope(Role.IT_ARCHIVIST, "lund"))
    assert len(planner) == 9
    assert {r.name for r in planner if r.tenant != "lund"} == {""}  # no municipality's words


def test_weights_change_is_audited_and_changes_the_scores(inventory) -> None:
    planner = _scope(Role.IT_ARCHIVIST, "lund")
    service.run_plan(planner, today=date(2027, 1, 1))
    before = PlanItem.objects.get(installation=inventory["lund", "ByggR"]).score
    service.update_settings(planner, {"weight_saving": 10, "weight_need": 0})
    service.run_plan(planner, today=date(2027, 1, 1))
    after = PlanItem.objects.get(installation=inventory["lund", "ByggR"]).score
    assert after != before
    entry = AuditEntry.objects.filter(action="config_change").latest("pk")
    assert entry.detail["changed"]["weight_saving"] == [2, 10]


def test_realised_savings_come_from_finished_decommissionings(inventory) -> None:
    if not apps.is_installed("samarkiv.decommissioning"):
        pytest.skip("no decommissioning app")
    try:
        model = apps.get_model("decommissioning", "Decommissioning")
    except LookupError:
        pytest.skip("no Decommissioning model yet")
    settings = service.plan_settings()
    settings.start_year = 2024
    settings.save()
    service.run_plan(operator_scope(), today=date(2024, 1, 1))
    model.objects.create(
        tenant_id="bjuv",
        installation=inventory["bjuv", "Heroma"],
        state="decommissioned",
        yearly_cost_saved=180_000,
        decommissioned_at=datetime(2024, 5, 2, tzinfo=UTC),
    )
    rows = plan_view.own_rows(_scope(Role.ARCHIVIST, "bjuv"))
    heroma = next(r for r in rows if r.product == "Heroma")
    assert heroma.realised == 180_000 and heroma.state
    realised = plan_view.realised_savings(rows, settings, today=date(2024, 12, 1))
    assert realised[:4] == [0, 180_000, 180_000, 180_000]  # done in 2024 K2
    assert realised[4:] == [None] * 4  # 2025 is still to come
