"""Roles and scopes: what each role may do, where host roles count, emergency expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from samarkiv.accounts.models import EmergencyGrant
from samarkiv.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from samarkiv.accounts.scope import ANONYMOUS, operator_scope, tenants_of, user_scope
from samarkiv.catalog.models import Tenant
from samarkiv.errors import AccessDeniedError, NotFoundError
from tests.factories import staff_user

P = Permission
pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ARCHIVIST, {P.VIEW_DELIVERIES, P.VIEW_CONTENT, P.DELIVER, P.VALIDATE,
                          P.MANAGE_AGREEMENTS, P.MANAGE_MEMBERS, P.VIEW_AUDIT_LOG, P.DECIDE,
                          P.MANAGE_INVENTORY}),
        (Role.REGISTRAR, {P.VIEW_DELIVERIES, P.VIEW_CONTENT, P.DELIVER, P.VALIDATE, P.DECIDE}),
        (Role.AUDITOR, {P.VIEW_DELIVERIES, P.VIEW_AUDIT_LOG}),
        (Role.SYSTEM, {P.DELIVER}),
    ],
)  # fmt: skip
def test_each_municipal_role_gets_exactly_its_permissions(role: Role, expected: set) -> None:
    scope = user_scope(staff_user(role, "bjuv"), "bjuv")
    assert scope.permissions == frozenset(expected) == ROLE_PERMISSIONS[role]
    assert (scope.tenant, scope.roles, scope.emergency) == ("bjuv", {role}, False)
    assert not scope.can(P.OPERATE_STORAGE) and not scope.can(P.MANAGE_PLATFORM)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.PLATFORM_ADMIN,
            {P.MANAGE_PLATFORM, P.OPERATE_STORAGE, P.VIEW_AUDIT_LOG, P.PLAN_DELIVERIES},
        ),
        (Role.IT_ARCHIVIST, {P.OPERATE_STORAGE, P.VALIDATE, P.PLAN_DELIVERIES}),
    ],
)
def test_host_roles_in_the_host_give_platform_permissions_and_no_content(role, expected) -> None:
    scope = user_scope(staff_user(role, "lund"), "lund")
    assert scope.permissions == frozenset(expected)
    assert not scope.can(P.VIEW_CONTENT) and not scope.can(P.VIEW_DELIVERIES)


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.IT_ARCHIVIST])
def test_host_roles_held_outside_the_host_grant_nothing(role: Role) -> None:
    user = staff_user(role, "bjuv")
    scope = user_scope(user, "bjuv")
    assert scope.permissions == frozenset() and scope.tenant is None
    with pytest.raises(AccessDeniedError):
        scope.require(P.OPERATE_STORAGE)


def test_no_user_or_no_tenant_is_anonymous_and_sees_nothing() -> None:
    assert user_scope(None, "bjuv") is ANONYMOUS
    assert user_scope(staff_user("archivist", "bjuv"), None) is ANONYMOUS
    assert not ANONYMOUS.visible(Tenant.objects.all(), "pk").exists()


def test_a_role_in_one_tenant_gives_nothing_in_another() -> None:
    user = staff_user("archivist", "bjuv")
    assert user_scope(user, "ystad").permissions == frozenset()
    assert tenants_of(user) == ["bjuv"]


def test_visible_narrows_to_the_acting_tenant_and_platform_permissions_see_all() -> None:
    tenants = Tenant.objects.all()
    archivist = user_scope(staff_user("archivist", "bjuv"), "bjuv")
    assert list(archivist.visible(tenants, "pk").values_list("code", flat=True)) == ["bjuv"]
    it = user_scope(staff_user("it_archivist", "lund"), "lund")
    assert it.visible(tenants, "pk", P.OPERATE_STORAGE).count() == tenants.count() > 1
    assert not it.visible(tenants, "pk", P.VIEW_DELIVERIES).exists()  # fails closed
    assert operator_scope().visible(tenants, "pk").count() == tenants.count()


def test_get_says_not_found_for_another_tenants_object() -> None:
    scope = user_scope(staff_user("archivist", "bjuv"), "bjuv")
    assert scope.get(Tenant.objects.all(), "pk", code="bjuv").code == "bjuv"
    with pytest.raises(NotFoundError):
        scope.get(Tenant.objects.all(), "pk", code="ystad")


def test_emergency_grant_gives_content_until_it_expires_or_is_revoked() -> None:
    it = staff_user("it_archivist", "lund")
    admin = staff_user("platform_admin", "lund")
    now = timezone.now()
    grant = EmergencyGrant.objects.create(
        user=it, tenant_id="bjuv", granted_by=admin, reason="trasigt paket",
        starts_at=now, expires_at=now + timedelta(hours=2),
    )  # fmt: skip
    during = user_scope(it, "bjuv", now=now + timedelta(hours=1))
    assert during.permissions == {P.VIEW_DELIVERIES, P.VIEW_CONTENT}
    assert during.emergency and during.tenant == "bjuv"
    assert "bjuv" in tenants_of(it, now=now + timedelta(hours=1))

    after = user_scope(it, "bjuv", now=now + timedelta(hours=2, seconds=1))
    assert after.permissions == frozenset() and not after.emergency
    assert tenants_of(it, now=now + timedelta(hours=3)) == ["lund"]

    grant.revoked_at = now + timedelta(minutes=5)
    grant.save()
    assert user_scope(it, "bjuv", now=now + timedelta(hours=1)).permissions == frozenset()


def test_an_inactive_user_has_no_roles() -> None:
    user = staff_user("archivist", "bjuv")
    user.is_active = False
    user.save()
    assert user_scope(user, "bjuv").permissions == frozenset()
    assert tenants_of(user) == []
