"""API tokens for business systems: issue, revoke, authenticate.

A token is ``sa_<prefix>_<secret>``. The prefix (12 random hex characters) finds the
row; only the SHA-256 hex digest of the secret is stored. Why not a slow password hash:
the secret is 256 random bits, so nobody can guess it offline, and every API call pays
for the check. The plaintext is returned once, when the token is issued.

A token acts as one system account (a user with the SYSTEM role in one tenant) under
one submission agreement, and can do no more than deliver under it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samarkiv.accounts.models import ApiToken, Membership
from samarkiv.accounts.roles import Permission, Role, permissions_of
from samarkiv.accounts.scope import Scope, roles_in
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.catalog.models import Tenant
from samarkiv.delivery.models import SubmissionAgreement
from samarkiv.errors import ConflictError, NotFoundError, UsageError

TOKEN_SCHEME = "sa"  # noqa: S105 - the token format's tag, not a secret
PREFIX_HEX_BYTES = 6  # 12 hex characters
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Compared against when the prefix is unknown, so a miss costs what a hit costs.
_DUMMY_DIGEST = hashlib.sha256(b"samarkiv-no-such-token").hexdigest()


@dataclass(frozen=True)
class TokenScope(Scope):
    """A Scope that also remembers which token acts (uploads and deliveries name it)."""

    token_id: UUID | None = None


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_system_account(scope: Scope, tenant_code: str, username: str):
    """A user for a business system, holding only the SYSTEM role in one tenant.

    The account has no usable password: it can only act through API tokens. An existing
    account is reused only if it already is a system account of this tenant, so a
    person's account can never be turned into a token holder by mistake.
    """
    scope.require(Permission.MANAGE_MEMBERS)
    tenant = scope.get(Tenant.objects.all(), "pk", Permission.MANAGE_MEMBERS, pk=tenant_code)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            if Role.SYSTEM not in roles_in(user, tenant.pk):
                raise ConflictError(f"the account {username!r} exists and is not a system account")
            return user
        user = user_model(username=username)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, tenant=tenant, role=Role.SYSTEM)
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            obj=user,
            tenant=tenant.pk,
            detail={"granted": "system_account", "username": username, "role": Role.SYSTEM},
        )
    return user


def _agreement(scope: Scope, agreement) -> SubmissionAgreement:
    pk = agreement.pk if isinstance(agreement, SubmissionAgreement) else agreement
    return scope.get(
        SubmissionAgreement.objects.select_related("tenant"),
        "tenant",
        Permission.MANAGE_MEMBERS,
        pk=pk,
    )


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(PREFIX_HEX_BYTES)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def issue_token(scope: Scope, *, name: str, user, agreement) -> tuple[ApiToken, str]:
    """A new token for a system account under one agreement; the plaintext is returned
    here and never again."""
    scope.require(Permission.MANAGE_MEMBERS)
    found = _agreement(scope, agreement)
    if not found.active:
        raise ConflictError(f"the agreement {found.code!r} is not in force")
    if Role.SYSTEM not in roles_in(user, found.tenant_id):
        raise UsageError(f"{user.get_username()} is not a system account of {found.tenant_id}")
    name = (name or "").strip()
    if not name:
        raise UsageError("a token needs a name")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[: ApiToken._meta.get_field("name").max_length],
            user=user,
            tenant=found.tenant,
            agreement=found,
            prefix=_new_prefix(),
            digest=digest_of(secret),
            created_by_id=scope.user_id,
        )
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            obj=token,
            tenant=found.tenant_id,
            detail={"granted": "api_token", "user": user.get_username(), "agreement": found.code},
        )
    return token, f"{TOKEN_SCHEME}_{token.prefix}_{secret}"


def revoke_token(scope: Scope, token_id) -> ApiToken:
    """Revoke a token of the scope's tenant; revoking twice keeps the first time."""
    scope.require(Permission.MANAGE_MEMBERS)
    try:
        token = scope.get(ApiToken.objects.all(), "tenant", Permission.MANAGE_MEMBERS, pk=token_id)
    except (ValueError, TypeError) as exc:  # not a UUID
        raise NotFoundError("no such API token") from exc
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                scope,
                AuditAction.ACCESS_GRANT,
                obj=token,
                tenant=token.tenant_id,
                detail={"revoked": "api_token", "user": token.user.get_username()},
            )
    return token


def _split(raw: str) -> tuple[str, str] | None:
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _agreement_in_force(agreement: SubmissionAgreement, today) -> bool:
    if not agreement.active:
        return False
    if agreement.valid_from and today < agreement.valid_from:
        return False
    return not (agreement.valid_until and today > agreement.valid_until)


def _usable(token: ApiToken) -> bool:
    if token.revoked_at is not None or not token.user.is_active:
        return False
    if token.agreement.tenant_id != token.tenant_id:
        return False
    if not _agreement_in_force(token.agreement, timezone.localdate()):
        return False
    return Role.SYSTEM in roles_in(token.user, token.tenant_id)


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def authenticate_token(raw: str) -> TokenScope | None:
    """The scope a presented token acts in, or None (unknown, wrong, revoked, expired)."""
    parts = _split(raw)
    if parts is None:
        return None
    prefix, secret = parts
    token = ApiToken.objects.select_related("user", "agreement").filter(prefix=prefix[:16]).first()
    expected = token.digest if token is not None else _DUMMY_DIGEST
    if not hmac.compare_digest(digest_of(secret), expected) or token is None:
        return None
    if not _usable(token):
        return None
    _touch(token)
    return TokenScope(
        actor=f"system:{token.user.get_username()}",
        tenant=token.tenant_id,
        permissions=permissions_of({Role.SYSTEM}),
        user_id=token.user_id,
        roles=frozenset({Role.SYSTEM}),
        token_agreement=token.agreement_id,
        token_id=token.pk,
    )
