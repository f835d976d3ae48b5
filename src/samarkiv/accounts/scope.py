"""The acting scope: who acts, in which tenant, allowed to do what.

Every read and write in the service layer goes through a Scope, so the web pages, the
API, the CLI, search and downloads all inherit the same narrowing. It fails closed: a
scope without the permission sees an empty queryset, and a lookup outside the tenant
is "not found", never a hint that the object exists elsewhere.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.utils import timezone

from samarkiv.accounts.roles import (
    EMERGENCY_PERMISSIONS,
    HOST_ROLES,
    PLATFORM_WIDE,
    Permission,
    Role,
    permissions_of,
)
from samarkiv.errors import AccessDeniedError, NotFoundError


@dataclass(frozen=True)
class Scope:
    actor: str  # "user:anna", "system:diarium", "cli:root", "anonymous"
    tenant: str | None = None
    permissions: frozenset[Permission] = frozenset()
    user_id: int | None = None
    roles: frozenset[Role] = frozenset()
    all_tenants: bool = False  # the local operator at the shell: every tenant
    emergency: bool = False  # content access comes from an emergency grant
    token_agreement: int | None = field(default=None)  # API tokens: their one agreement

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise AccessDeniedError(f"{self.actor} may not {permission.value.replace('_', ' ')}")

    def visible(
        self,
        queryset: QuerySet,
        tenant_field: str = "tenant",
        permission: Permission = Permission.VIEW_DELIVERIES,
    ) -> QuerySet:
        """The rows of the acting tenant, if the scope holds ``permission``; else none.

        Platform-wide permissions (storage, platform management) see every tenant's
        rows: they are technical and carry no content by design of what they guard.
        """
        if not self.can(permission):
            return queryset.none()
        if self.all_tenants or permission in PLATFORM_WIDE:
            return queryset
        if self.tenant is None:
            return queryset.none()
        return queryset.filter(**{tenant_field: self.tenant})

    def get(
        self,
        queryset: QuerySet,
        tenant_field: str = "tenant",
        permission: Permission = Permission.VIEW_DELIVERIES,
        **lookup,
    ) -> Model:
        """One visible object, or NotFoundError (the same for other tenants' objects)."""
        found = self.visible(queryset, tenant_field, permission).filter(**lookup).first()
        if found is None:
            raise NotFoundError(f"no such {queryset.model._meta.verbose_name}")
        return found


ANONYMOUS = Scope(actor="anonymous")


def operator_scope(tenant: str | None = None) -> Scope:
    """The person at the server's shell: they can read the storage anyway, so the CLI
    acts in every tenant; what they do is still logged under their OS account."""
    return Scope(
        actor=f"cli:{_os_user()}",
        tenant=tenant,
        permissions=frozenset(Permission),
        all_tenants=True,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def roles_in(user, tenant_code: str) -> frozenset[Role]:
    from samarkiv.accounts.models import Membership

    if user is None or not user.is_active:
        return frozenset()
    rows = Membership.objects.filter(user=user, tenant_id=tenant_code).select_related("tenant")
    roles = set()
    for row in rows:
        role = Role(row.role)
        if role in HOST_ROLES and not row.tenant.is_host:
            continue  # host roles held outside the host grant nothing
        roles.add(role)
    return frozenset(roles)


def active_grant(user, tenant_code: str, now=None):
    from samarkiv.accounts.models import EmergencyGrant

    now = now or timezone.now()
    return (
        EmergencyGrant.objects.filter(
            user=user,
            tenant_id=tenant_code,
            revoked_at__isnull=True,
            starts_at__lte=now,
            expires_at__gt=now,
        )
        .order_by("-expires_at")
        .first()
    )


def user_scope(user, tenant_code: str | None, now=None) -> Scope:
    """The scope of a logged-in user acting in one tenant (none: no permissions)."""
    if user is None or not getattr(user, "is_authenticated", False) or not tenant_code:
        return ANONYMOUS
    roles = roles_in(user, tenant_code)
    by_role = permissions_of(roles)
    permissions = set(by_role)
    grant = active_grant(user, tenant_code, now) if user.is_active else None
    if grant is not None:
        permissions |= EMERGENCY_PERMISSIONS
    if not roles and grant is None:
        return Scope(actor=f"user:{user.get_username()}", user_id=user.pk)
    return Scope(
        actor=f"user:{user.get_username()}",
        tenant=tenant_code,
        permissions=frozenset(permissions),
        user_id=user.pk,
        roles=roles,
        emergency=grant is not None and Permission.VIEW_CONTENT not in by_role,
    )


def tenants_of(user, now=None) -> list[str]:
    """Tenant codes the user can act in: memberships and active emergency grants."""
    from samarkiv.accounts.models import EmergencyGrant, Membership

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    now = now or timezone.now()
    codes = set(Membership.objects.filter(user=user).values_list("tenant_id", flat=True))
    codes |= set(
        EmergencyGrant.objects.filter(
            user=user, revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now
        ).values_list("tenant_id", flat=True)
    )
    return sorted(codes)
