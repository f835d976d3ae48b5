"""Roles and what they may do: the one table every entry point consults.

Why a fixed table in code and not per-site configuration: the split between the host's
technical staff and each municipality's archive authority is law (each municipality
decides over its own records), not a preference. A role that is not here can do nothing
(fail closed).
"""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Plattformsadministratör")
    IT_ARCHIVIST = "it_archivist", _("IT-arkivarie")
    ARCHIVIST = "archivist", _("Arkivarie")
    REGISTRAR = "registrar", _("Registrator")
    AUDITOR = "auditor", _("Granskare")
    SYSTEM = "system", _("Verksamhetssystem")


class Permission(enum.StrEnum):
    """Things a scope may do; checked in the service layer, never only in templates."""

    VIEW_DELIVERIES = "view_deliveries"  # lists: deliveries, ingests, AIPs (metadata)
    VIEW_CONTENT = "view_content"  # file names, records, validation reports, downloads
    DELIVER = "deliver"  # submit SIPs (API upload, staff upload)
    VALIDATE = "validate"  # run the validator on an uploaded package
    MANAGE_AGREEMENTS = "manage_agreements"
    MANAGE_MEMBERS = "manage_members"  # roles and API tokens within the tenant
    MANAGE_PLATFORM = "manage_platform"  # users across tenants, tenants, emergency grants
    OPERATE_STORAGE = "operate_storage"  # storage, fixity, formats: technical, no content
    VIEW_AUDIT_LOG = "view_audit_log"
    DECIDE = "decide"  # appraisal, disposal and access decisions
    MANAGE_INVENTORY = "manage_inventory"  # the tenant's business-system inventory
    PLAN_DELIVERIES = "plan_deliveries"  # the cross-municipality delivery plan (host)


P = Permission

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PLATFORM_ADMIN: frozenset(
        {P.MANAGE_PLATFORM, P.OPERATE_STORAGE, P.VIEW_AUDIT_LOG, P.PLAN_DELIVERIES}
    ),
    Role.IT_ARCHIVIST: frozenset({P.OPERATE_STORAGE, P.VALIDATE, P.PLAN_DELIVERIES}),
    Role.ARCHIVIST: frozenset(
        {
            P.VIEW_DELIVERIES,
            P.VIEW_CONTENT,
            P.DELIVER,
            P.VALIDATE,
            P.MANAGE_AGREEMENTS,
            P.MANAGE_MEMBERS,
            P.VIEW_AUDIT_LOG,
            P.DECIDE,
            P.MANAGE_INVENTORY,
        }
    ),
    Role.REGISTRAR: frozenset({P.VIEW_DELIVERIES, P.VIEW_CONTENT, P.DELIVER, P.VALIDATE, P.DECIDE}),
    Role.AUDITOR: frozenset({P.VIEW_DELIVERIES, P.VIEW_AUDIT_LOG}),
    Role.SYSTEM: frozenset({P.DELIVER}),
}

# Roles only the host municipality's staff can hold: they act on the platform, not on
# any municipality's records.
HOST_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.IT_ARCHIVIST})

# What a logged, time-limited emergency grant adds for host staff in one tenant.
EMERGENCY_PERMISSIONS = frozenset({P.VIEW_DELIVERIES, P.VIEW_CONTENT})

# Permissions that reach across every tenant (the platform), not into one tenant's rows.
PLATFORM_WIDE = frozenset({P.MANAGE_PLATFORM, P.OPERATE_STORAGE, P.PLAN_DELIVERIES})


def permissions_of(roles: set[Role] | frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)
