"""API tokens: only a digest at rest, and every way a token stops working."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from samarkiv.accounts.models import ApiToken, Membership
from samarkiv.accounts.roles import Permission, Role
from samarkiv.accounts.scope import user_scope
from samarkiv.accounts.tokens import authenticate_token, issue_token, revoke_token
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError, NotFoundError, UsageError
from tests.api.support import make_archivist

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def test_only_the_digest_of_the_secret_is_stored(system):
    scheme, prefix, secret = system.secret.split("_", 2)
    assert scheme == "sa"
    assert len(prefix) == 12 and prefix == system.token.prefix
    row = ApiToken.objects.values().get(pk=system.token.pk)
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in row.values())
    assert system.secret not in str(row)


def test_issue_and_revoke_are_audited(system):
    entries = AuditEntry.objects.filter(action=AuditAction.ACCESS_GRANT, object_id=system.token.pk)
    assert entries.count() == 1
    archivist = make_archivist("bjuv", "revoker")
    revoke_token(user_scope(archivist, "bjuv"), system.token.pk)
    assert entries.count() == 2
    assert entries.order_by("-seq").first().actor == "user:revoker"


def test_a_token_acts_as_its_system_under_its_agreement_only(system):
    scope = authenticate_token(system.secret)
    assert scope is not None
    assert scope.actor == f"system:{system.user.username}"
    assert scope.tenant == "bjuv"
    assert scope.permissions == frozenset({Permission.DELIVER})
    assert scope.token_agreement == system.agreement.pk
    assert scope.user_id == system.user.pk


@pytest.mark.parametrize(
    "raw",
    ["", "sa_", "Bearer x", "sa_000000000000_wrong", "xx_{prefix}_{secret}", "sa_{prefix}_x"],
)
def test_malformed_or_wrong_tokens_authenticate_nobody(system, raw):
    _, prefix, secret = system.secret.split("_", 2)
    assert authenticate_token(raw.format(prefix=prefix, secret=secret)) is None


def test_revoked_token_is_refused_by_the_api(system):
    client = system.client()
    assert client.get("/api/v1/deliveries").status_code == 200
    archivist = make_archivist("bjuv", "revoker")
    revoke_token(user_scope(archivist, "bjuv"), system.token.pk)
    answer = client.get("/api/v1/deliveries")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"
    assert authenticate_token(system.secret) is None


def test_inactive_user_or_lost_role_stops_the_token(system):
    system.user.is_active = False
    system.user.save()
    assert authenticate_token(system.secret) is None
    system.user.is_active = True
    system.user.save()
    assert authenticate_token(system.secret) is not None
    Membership.objects.filter(user=system.user).delete()
    assert authenticate_token(system.secret) is None


def test_agreement_out_of_force_stops_the_token(system):
    agreement = system.agreement
    agreement.valid_until = timezone.localdate() - timedelta(days=1)
    agreement.save()
    assert authenticate_token(system.secret) is None
    agreement.valid_until = None
    agreement.active = False
    agreement.save()
    assert authenticate_token(system.secret) is None


def test_last_used_is_written_at_most_once_a_minute(system):
    authenticate_token(system.secret)
    first = ApiToken.objects.get(pk=system.token.pk).last_used_at
    assert first is not None
    authenticate_token(system.secret)
    assert ApiToken.objects.get(pk=system.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=system.token.pk).update(last_used_at=first - timedelta(minutes=2))
    authenticate_token(system.secret)
    assert ApiToken.objects.get(pk=system.token.pk).last_used_at > first


def test_issuing_needs_manage_members_in_the_agreements_tenant(system):
    registrar = make_archivist("bjuv", "registrator")
    Membership.objects.filter(user=registrar).update(role=Role.REGISTRAR)
    with pytest.raises(AccessDeniedError):
        issue_token(
            user_scope(registrar, "bjuv"), name="x", user=system.user, agreement=system.agreement
        )
    ystad = make_archivist("ystad")
    with pytest.raises(NotFoundError):
        issue_token(
            user_scope(ystad, "ystad"), name="x", user=system.user, agreement=system.agreement
        )


def test_only_system_accounts_get_tokens(system):
    archivist = make_archivist("bjuv", "anna")
    with pytest.raises(UsageError):
        issue_token(
            user_scope(archivist, "bjuv"), name="x", user=archivist, agreement=system.agreement
        )
