"""Who sees which audit log entries: the acting tenant's only, platform entries for the
platform administrator, nothing without the permission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from samarkiv.accounts.models import Membership
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import ANONYMOUS, operator_scope, user_scope
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry
from samarkiv.auditlog.queries import entries
from samarkiv.errors import AccessDeniedError

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def person(name: str, tenant: str, role: Role):
    user = get_user_model().objects.create_user(name, f"{name}@example.se")
    Membership.objects.create(user=user, tenant_id=tenant, role=role)
    return user_scope(user, tenant)


@pytest.fixture
def log() -> dict[str, AuditEntry]:
    return {
        "bjuv_login": append(actor="user:anna", action=AuditAction.LOGIN, tenant="bjuv"),
        "bjuv_view": append(
            actor="user:anna", action=AuditAction.VIEW, tenant="bjuv", object_id="aip-1"
        ),
        "bjuv_denied": append(
            actor="user:bo", action=AuditAction.DENIED, tenant="bjuv", outcome=AuditOutcome.DENIED
        ),
        "ystad_view": append(actor="user:yngve", action=AuditAction.VIEW, tenant="ystad"),
        "lund_config": append(actor="user:lars", action=AuditAction.CONFIG_CHANGE, tenant="lund"),
        "platform_login": append(actor="user:lars", action=AuditAction.LOGIN, tenant=""),
    }


def keys(rows, log) -> set[str]:
    by_seq = {entry.seq: name for name, entry in log.items()}
    return {by_seq[row.seq] for row in rows}


def test_an_archivist_sees_only_the_own_tenants_entries(log):
    scope = person("arkivarie", "bjuv", Role.ARCHIVIST)
    assert keys(entries(scope), log) == {"bjuv_login", "bjuv_view", "bjuv_denied"}


def test_an_auditor_sees_the_own_tenants_entries(log):
    scope = person("granskare", "ystad", Role.AUDITOR)
    assert keys(entries(scope), log) == {"ystad_view"}


def test_the_platform_administrator_also_sees_platform_entries(log):
    scope = person("plattform", "lund", Role.PLATFORM_ADMIN)
    assert keys(entries(scope), log) == {"lund_config", "platform_login"}


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.SYSTEM, Role.IT_ARCHIVIST])
def test_roles_without_the_permission_are_refused(log, role):
    tenant = "lund" if role == Role.IT_ARCHIVIST else "bjuv"
    with pytest.raises(AccessDeniedError):
        entries(person(f"p-{role}", tenant, role))


def test_anonymous_is_refused(log):
    with pytest.raises(AccessDeniedError):
        entries(ANONYMOUS)


def test_the_operator_sees_everything_or_one_tenant(log):
    assert keys(entries(operator_scope()), log) == set(log)
    assert keys(entries(operator_scope("ystad")), log) == {"ystad_view"}


def test_entries_come_oldest_first(log):
    seqs = list(entries(operator_scope()).values_list("seq", flat=True))
    assert seqs == sorted(seqs)


def test_filters_narrow_the_visible_entries(log):
    scope = person("arkivarie", "bjuv", Role.ARCHIVIST)
    assert keys(entries(scope, action=AuditAction.VIEW), log) == {"bjuv_view"}
    assert keys(entries(scope, actor="user:bo"), log) == {"bjuv_denied"}
    assert keys(entries(scope, object_id="aip-1"), log) == {"bjuv_view"}
    assert keys(entries(scope, outcome=AuditOutcome.DENIED), log) == {"bjuv_denied"}
    assert keys(entries(scope, action="view", actor="user:yngve"), log) == set()


def test_date_filters_include_the_whole_days_given(log):
    scope = operator_scope("bjuv")
    today = timezone.localdate()
    assert len(entries(scope, since=today, until=today)) == 3
    assert len(entries(scope, until=today - timedelta(days=1))) == 0
    assert len(entries(scope, since=today + timedelta(days=1))) == 0
    AuditEntry.objects.filter(seq=log["bjuv_login"].seq).update(
        at=timezone.make_aware(timezone.datetime(2024, 5, 31, 23, 59))
    )
    assert keys(entries(scope, until=date(2024, 5, 31)), log) == {"bjuv_login"}
    assert keys(entries(scope, since=date(2024, 6, 1)), log) == {"bjuv_view", "bjuv_denied"}
