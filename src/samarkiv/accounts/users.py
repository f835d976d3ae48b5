"""People and their roles: create accounts, grant and revoke roles and emergency access.

Every function takes the acting Scope, checks it itself (the web pages, the CLI and any
future API call the same functions) and writes what it did to the audit log. The rules,
which are the municipalities' legal independence written as code:

- a municipality's archivist (MANAGE_MEMBERS) manages roles in *their* tenant only, and
  never the host roles (platform administrator, IT archivist);
- host roles are granted only by the platform administrator (MANAGE_PLATFORM) and only
  in the host tenant, where they mean something (elsewhere they grant nothing);
- the platform administrator may also appoint a municipality's first archivist, but
  never give host staff (themselves included) a role with content in a municipality;
- nobody grants a role or emergency access to themselves;
- emergency access is for host staff only, at most 24 hours, always with a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.accounts.models import EmergencyGrant, Membership
from samarkiv.accounts.roles import HOST_ROLES, Permission, Role
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.catalog.models import Tenant
from samarkiv.catalog.tenants import get_tenant
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError, UsageError

P = Permission
MAX_EMERGENCY_HOURS = 24


# --------------------------------------------------------------------------- checks


def _manages_tenant(scope: Scope, tenant_code: str) -> bool:
    """MANAGE_MEMBERS acting in that very tenant (or the operator at the shell)."""
    if scope.all_tenants:
        return True
    return scope.can(P.MANAGE_MEMBERS) and scope.tenant == tenant_code


def _not_self(scope: Scope, user) -> None:
    if scope.user_id is not None and scope.user_id == user.pk:
        raise AccessDeniedError(_("Du kan inte ändra din egen behörighet."))


def _check_role_change(scope: Scope, user, tenant: Tenant, role: Role) -> None:
    """Who may grant or revoke ``role`` in ``tenant``; raises AccessDeniedError."""
    _not_self(scope, user)
    if role in HOST_ROLES:
        if not (scope.all_tenants or scope.can(P.MANAGE_PLATFORM)):
            raise AccessDeniedError(_("Bara plattformsadministratören hanterar värdroller."))
        if not tenant.is_host:
            raise UsageError(_("Värdroller finns bara i värdkommunen."))
        return
    if _manages_tenant(scope, tenant.code):
        return
    if not scope.can(P.MANAGE_PLATFORM):
        raise AccessDeniedError(_("Du hanterar inte roller i den här kommunen."))
    if is_host_staff(user):
        # Content roles for host staff come from the municipality itself (or as a
        # logged, time-limited emergency grant), never from the platform side.
        raise AccessDeniedError(_("Värdkommunens tekniska personal får roller av kommunen själv."))


def is_host_staff(user) -> bool:
    """Holds a host role in the host tenant (the only place host roles count)."""
    return Membership.objects.filter(
        user=user, role__in=[r.value for r in HOST_ROLES], tenant__is_host=True
    ).exists()


# --------------------------------------------------------------------------- users


def create_user(scope: Scope, username: str, email: str = "", password: str | None = None):
    """A new active account, without roles (grant them with ``grant_role``).

    Without a password the account can log in only through single sign-on (the
    identity is linked by its verified e-mail at the first login).
    """
    if not (scope.all_tenants or scope.can(P.MANAGE_MEMBERS) or scope.can(P.MANAGE_PLATFORM)):
        raise AccessDeniedError(_("Du får inte lägga upp användare."))
    username = username.strip()
    if not username:
        raise UsageError(_("Ange ett användarnamn."))
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise ConflictError(_("Användarnamnet %(name)s finns redan.") % {"name": username})
    user = model(username=username, email=email.strip())
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise UsageError(" ".join(exc.messages)) from exc
        user.set_password(password)
    with transaction.atomic():
        user.save()
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            obj=user,
            tenant=scope.tenant or "",
            detail={"created_user": username, "local_password": password is not None},
        )
    return user


def find_user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise NotFoundError(_("Ingen användare heter %(name)s.") % {"name": username}) from None


# --------------------------------------------------------------------------- roles


def grant_role(scope: Scope, user, tenant_code: str, role: Role | str) -> Membership:
    """Give ``user`` the ``role`` in the tenant; granting a held role changes nothing."""
    role = Role(role)
    tenant = get_tenant(tenant_code)
    _check_role_change(scope, user, tenant, role)
    with transaction.atomic():
        row, created = Membership.objects.get_or_create(user=user, tenant=tenant, role=role)
        if created:
            record(
                scope,
                AuditAction.ACCESS_GRANT,
                obj=row,
                tenant=tenant.code,
                detail={"user": user.get_username(), "role": role.value, "granted": True},
            )
    return row


def revoke_role(scope: Scope, user, tenant_code: str, role: Role | str) -> bool:
    """Take the role away; False when the user did not hold it.

    The last platform administrator cannot be removed: nobody could appoint another.
    """
    role = Role(role)
    tenant = get_tenant(tenant_code)
    _check_role_change(scope, user, tenant, role)
    with transaction.atomic():
        row = Membership.objects.filter(user=user, tenant=tenant, role=role).first()
        if row is None:
            return False
        if role == Role.PLATFORM_ADMIN and _last_platform_admin(row):
            raise ConflictError(_("Den sista plattformsadministratören kan inte tas bort."))
        row_id = row.pk
        row.delete()
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            object_type="accounts.membership",
            object_id=str(row_id),
            tenant=tenant.code,
            detail={"user": user.get_username(), "role": role.value, "granted": False},
        )
    return True


def _last_platform_admin(row: Membership) -> bool:
    others = Membership.objects.filter(
        role=Role.PLATFORM_ADMIN, tenant__is_host=True, user__is_active=True
    ).exclude(pk=row.pk)
    return not others.exists()


def memberships(scope: Scope) -> QuerySet[Membership]:
    """Roles the scope may see: its tenant's (MANAGE_MEMBERS), every one (platform)."""
    rows = Membership.objects.select_related("user", "tenant").order_by(
        "tenant__name", "user__username", "role"
    )
    if scope.all_tenants or scope.can(P.MANAGE_PLATFORM):
        return rows
    return scope.visible(rows, "tenant", P.MANAGE_MEMBERS)


# --------------------------------------------------------------------------- emergency


def grant_emergency_access(
    scope: Scope, user, tenant_code: str, reason: str, hours: float = 4
) -> EmergencyGrant:
    """Time-limited content access for one host staff member in one tenant."""
    tenant = get_tenant(tenant_code)
    if not (_manages_tenant(scope, tenant.code) or scope.can(P.MANAGE_PLATFORM)):
        raise AccessDeniedError(_("Du får inte ge nödåtkomst i den här kommunen."))
    _not_self(scope, user)
    if not is_host_staff(user):
        raise UsageError(_("Nödåtkomst ges bara till värdkommunens tekniska personal."))
    reason = (reason or "").strip()
    if not reason:
        raise UsageError(_("Ange skälet till nödåtkomsten."))
    if not 0 < hours <= MAX_EMERGENCY_HOURS:
        raise UsageError(_("Nödåtkomst ges för högst 24 timmar."))
    now = timezone.now()
    with transaction.atomic():
        grant = EmergencyGrant.objects.create(
            user=user,
            tenant=tenant,
            granted_by_id=_granter_id(scope, user),
            reason=reason,
            starts_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            obj=grant,
            tenant=tenant.code,
            detail={
                "user": user.get_username(),
                "emergency": True,
                "reason": reason,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
    return grant


def _granter_id(scope: Scope, user) -> int:
    """The person who grants; the shell operator has no account, so the grantee's own
    row is named and the audit log's actor ("cli:<os user>") says who really did it."""
    return scope.user_id if scope.user_id is not None else user.pk


def revoke_emergency_access(scope: Scope, grant: EmergencyGrant | str) -> EmergencyGrant:
    """End a grant now (an already ended grant is returned unchanged)."""
    if not isinstance(grant, EmergencyGrant):
        grant = EmergencyGrant.objects.filter(pk=grant).first()
        if grant is None:
            raise NotFoundError(_("Ingen sådan nödåtkomst."))
    if not (_manages_tenant(scope, grant.tenant_id) or scope.can(P.MANAGE_PLATFORM)):
        raise NotFoundError(_("Ingen sådan nödåtkomst."))
    if grant.revoked_at is not None:
        return grant
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record(
            scope,
            AuditAction.ACCESS_GRANT,
            obj=grant,
            tenant=grant.tenant_id,
            detail={"user": grant.user.get_username(), "emergency": True, "revoked": True},
        )
    return grant


def emergency_grants(scope: Scope) -> QuerySet[EmergencyGrant]:
    """Grants the scope may see: its tenant's (MANAGE_MEMBERS), every one (platform)."""
    rows = EmergencyGrant.objects.select_related("user", "tenant", "granted_by")
    if scope.all_tenants or scope.can(P.MANAGE_PLATFORM):
        return rows
    return scope.visible(rows, "tenant", P.MANAGE_MEMBERS)


__all__ = [
    "create_user",
    "emergency_grants",
    "find_user",
    "grant_emergency_access",
    "grant_role",
    "is_host_staff",
    "memberships",
    "revoke_emergency_access",
    "revoke_role",
]
