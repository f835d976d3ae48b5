"""Reading the audit log: what a scope may see of it, filtered.

Why a tenant sees only its own entries: the log names people, packages and decisions
of one municipality; another municipality's archivist has no business with them. The
platform's own entries (tenant "": logins before a tenant is chosen, platform
configuration) belong to whoever administers the platform.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry

PLATFORM = ""  # the tenant column of entries that belong to no municipality


def visible_entries(scope: Scope) -> QuerySet[AuditEntry]:
    """The entries the scope may read (raises AccessDeniedError without the permission).

    The operator at the shell (``all_tenants``) reads everything, or one tenant's entries
    when it acts for one; anyone else reads the acting tenant's entries, and a platform
    administrator also the platform's.
    """
    scope.require(Permission.VIEW_AUDIT_LOG)
    rows = AuditEntry.objects.all()
    if scope.all_tenants:
        return rows if scope.tenant is None else rows.filter(tenant=scope.tenant)
    if not scope.tenant:
        return rows.none()
    allowed = Q(tenant=scope.tenant)
    if scope.can(Permission.MANAGE_PLATFORM):
        allowed |= Q(tenant=PLATFORM)
    return rows.filter(allowed)


def entries(
    scope: Scope,
    *,
    action: AuditAction | str | None = None,
    actor: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    object_id: str | None = None,
    outcome: AuditOutcome | str | None = None,
) -> QuerySet[AuditEntry]:
    """Visible entries, oldest first, narrowed by the filters that are given.

    A date ``since`` starts at the beginning of that day and a date ``until`` includes
    the whole day, in the archive's time zone (what a person means by "until 31 May").
    """
    rows = visible_entries(scope)
    if action:
        rows = rows.filter(action=AuditAction(action))
    if outcome:
        rows = rows.filter(outcome=AuditOutcome(outcome))
    if actor:
        rows = rows.filter(actor=actor)
    if object_id:
        rows = rows.filter(object_id=str(object_id))
    if since is not None:
        rows = rows.filter(at__gte=start_of(since))
    if until is not None:
        rows = (
            rows.filter(at__lte=start_of(until))
            if isinstance(until, datetime)
            else rows.filter(at__lt=start_of(until + timedelta(days=1)))
        )
    return rows.order_by("seq")


def start_of(value: date | datetime) -> datetime:
    """An aware datetime: a date means its midnight in the archive's time zone."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.min))
