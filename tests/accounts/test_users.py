"""The users service: who may create accounts, grant roles and emergency access, where."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from samarkiv.accounts import users
from samarkiv.accounts.models import EmergencyGrant, Membership
from samarkiv.accounts.roles import Permission, Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError, UsageError
from tests.factories import staff_user

pytestmark = [pytest.mark.db, pytest.mark.django_db]
STRONG = "Korrekt-Häst-Batteri-47"


def _scope(role: str, tenant: str):
    return user_scope(staff_user(role, tenant), tenant)


def _grants() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.ACCESS_GRANT).order_by("seq"))


# --------------------------------------------------------------------------- roles


def test_archivist_grants_municipal_roles_in_their_own_tenant_audited() -> None:
    scope = _scope("archivist", "bjuv")
    person = staff_user("auditor", "ystad")
    row = users.grant_role(scope, person, "bjuv", Role.REGISTRAR)
    assert (row.tenant_id, row.role) == ("bjuv", Role.REGISTRAR)
    assert user_scope(person, "bjuv").can(Permission.VIEW_CONTENT)
    entry = _grants()[-1]
    assert (entry.actor, entry.tenant, entry.object_id) == (scope.actor, "bjuv", str(row.pk))
    assert entry.detail["role"] == "registrar" and entry.detail["granted"] is True
    users.grant_role(scope, person, "bjuv", "registrar")  # again: nothing new
    assert Membership.objects.filter(user=person, tenant="bjuv").count() == 1
    assert len(_grants()) == 1


def test_archivist_of_one_tenant_cannot_grant_or_revoke_in_another() -> None:
    scope = _scope("archivist", "bjuv")
    person = staff_user("registrar", "ystad")
    with pytest.raises(AccessDeniedError):
        users.grant_role(scope, person, "ystad", Role.ARCHIVIST)
    with pytest.raises(AccessDeniedError):
        users.revoke_role(scope, person, "ystad", Role.REGISTRAR)
    assert list(Membership.objects.filter(user=person).values_list("role", flat=True)) == [
        "registrar"
    ]
    assert _grants() == []


@pytest.mark.parametrize("role", [Role.IT_ARCHIVIST, Role.PLATFORM_ADMIN])
@pytest.mark.parametrize("tenant", ["lund", "bjuv"])
def test_a_municipal_archivist_can_never_grant_host_roles(role: Role, tenant: str) -> None:
    scope = _scope("archivist", tenant)  # Lund's own archivist included
    with pytest.raises(AccessDeniedError):
        users.grant_role(scope, staff_user("registrar", tenant), "lund", role)
    assert not Membership.objects.filter(role=role).exists()


def test_host_roles_are_granted_by_the_platform_admin_in_the_host_only() -> None:
    admin = _scope("platform_admin", "lund")
    person = get_user_model().objects.create_user("ny.tekniker")
    users.grant_role(admin, person, "lund", Role.IT_ARCHIVIST)
    assert user_scope(person, "lund").can(Permission.OPERATE_STORAGE)
    with pytest.raises(UsageError):
        users.grant_role(admin, person, "bjuv", Role.IT_ARCHIVIST)


def test_platform_admin_appoints_a_first_archivist_but_gives_host_staff_no_content() -> None:
    admin = _scope("platform_admin", "lund")
    first = get_user_model().objects.create_user("forsta.arkivarie")
    users.grant_role(admin, first, "bjuv", Role.ARCHIVIST)
    assert user_scope(first, "bjuv").can(Permission.MANAGE_MEMBERS)
    it = staff_user("it_archivist", "lund")
    with pytest.raises(AccessDeniedError):
        users.grant_role(admin, it, "bjuv", Role.ARCHIVIST)


def test_nobody_changes_their_own_roles() -> None:
    user = staff_user("archivist", "bjuv")
    with pytest.raises(AccessDeniedError):
        users.grant_role(user_scope(user, "bjuv"), user, "bjuv", Role.REGISTRAR)


def test_revoke_role_and_the_last_platform_admin_stays() -> None:
    scope = _scope("archivist", "bjuv")
    person = staff_user("registrar", "bjuv")
    assert users.revoke_role(scope, person, "bjuv", Role.REGISTRAR) is True
    assert users.revoke_role(scope, person, "bjuv", Role.REGISTRAR) is False
    assert user_scope(person, "bjuv").permissions == frozenset()
    assert _grants()[-1].detail == {"user": person.username, "role": "registrar", "granted": False}

    only_admin = staff_user("platform_admin", "lund")
    with pytest.raises(ConflictError):
        users.revoke_role(operator_scope(), only_admin, "lund", Role.PLATFORM_ADMIN)
    second = staff_user("platform_admin", "lund")
    assert users.revoke_role(operator_scope(), second, "lund", Role.PLATFORM_ADMIN)


def test_memberships_lists_the_own_tenant_or_everything_for_the_platform() -> None:
    archivist = _scope("archivist", "bjuv")
    staff_user("registrar", "ystad")
    assert {m.tenant_id for m in users.memberships(archivist)} == {"bjuv"}
    assert {m.tenant_id for m in users.memberships(_scope("platform_admin", "lund"))} >= {
        "bjuv",
        "ystad",
        "lund",
    }
    assert not users.memberships(_scope("auditor", "bjuv")).exists()


# --------------------------------------------------------------------------- users


def test_create_user_needs_a_managing_role_and_checks_the_password() -> None:
    with pytest.raises(AccessDeniedError):
        users.create_user(_scope("auditor", "bjuv"), "nisse", "nisse@bjuv.se")
    scope = _scope("archivist", "bjuv")
    with pytest.raises(UsageError):
        users.create_user(scope, "nisse", "nisse@bjuv.se", "123")
    user = users.create_user(scope, "nisse", "nisse@bjuv.se", STRONG)
    assert user.check_password(STRONG) and user.is_active
    assert Membership.objects.filter(user=user).count() == 0  # roles come separately
    with pytest.raises(ConflictError):
        users.create_user(scope, "Nisse", "annan@bjuv.se")
    sso_only = users.create_user(scope, "sso.person", "sso@bjuv.se")
    assert not sso_only.has_usable_password()
    assert [e.detail["created_user"] for e in _grants()] == ["nisse", "sso.person"]


# --------------------------------------------------------------------------- emergency


def test_emergency_access_by_the_tenants_archivist_for_host_staff_only() -> None:
    it = staff_user("it_archivist", "lund")
    archivist = _scope("archivist", "bjuv")
    grant = users.grant_emergency_access(archivist, it, "bjuv", "paketet går inte att läsa", 2)
    assert grant.granted_by_id == archivist.user_id
    assert (grant.expires_at - grant.starts_at).total_seconds() == 2 * 3600
    scope = user_scope(it, "bjuv")
    assert scope.can(Permission.VIEW_CONTENT) and scope.emergency
    entry = _grants()[-1]
    assert entry.tenant == "bjuv" and entry.detail["emergency"] is True
    assert entry.detail["reason"] == "paketet går inte att läsa"

    users.revoke_emergency_access(archivist, grant)
    assert user_scope(it, "bjuv").permissions == frozenset()
    assert _grants()[-1].detail["revoked"] is True


def test_emergency_access_limits() -> None:
    it = staff_user("it_archivist", "lund")
    archivist = _scope("archivist", "bjuv")
    with pytest.raises(AccessDeniedError):  # not their tenant
        users.grant_emergency_access(archivist, it, "ystad", "skäl", 1)
    with pytest.raises(UsageError):  # not host staff
        users.grant_emergency_access(archivist, staff_user("registrar", "ystad"), "bjuv", "x", 1)
    with pytest.raises(UsageError):
        users.grant_emergency_access(archivist, it, "bjuv", "skäl", 25)
    with pytest.raises(UsageError):
        users.grant_emergency_access(archivist, it, "bjuv", "  ", 1)
    with pytest.raises(AccessDeniedError):  # auditors manage nothing
        users.grant_emergency_access(_scope("auditor", "bjuv"), it, "bjuv", "skäl", 1)
    admin_user = staff_user("platform_admin", "lund")
    with pytest.raises(AccessDeniedError):  # not to oneself
        users.grant_emergency_access(user_scope(admin_user, "lund"), admin_user, "bjuv", "x", 1)
    assert not EmergencyGrant.objects.exists()


def test_platform_admin_grants_anywhere_and_others_cannot_revoke() -> None:
    it = staff_user("it_archivist", "lund")
    admin = _scope("platform_admin", "lund")
    grant = users.grant_emergency_access(admin, it, "ystad", "migrering", 24)
    with pytest.raises(NotFoundError):
        users.revoke_emergency_access(_scope("archivist", "bjuv"), grant.pk)
    assert users.emergency_grants(_scope("archivist", "bjuv")).count() == 0
    assert users.emergency_grants(_scope("archivist", "ystad")).get() == grant
    users.revoke_emergency_access(_scope("archivist", "ystad"), grant.pk)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
