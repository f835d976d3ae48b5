"""Recording what a scope did: the one call every entry point makes."""

from __future__ import annotations

from django.db.models import Model

from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry


def record(
    scope: Scope,
    action: AuditAction,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    tenant: str | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append who (the scope's actor) did what, where (its tenant), to what, how it went."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if scope.emergency:
        detail = {**(detail or {}), "emergency_grant": True}
    return append(
        actor=scope.actor,
        action=action,
        outcome=outcome,
        tenant=tenant if tenant is not None else (scope.tenant or ""),
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
