"""Request statistics per municipality: how many, how fast, how often the same day.

Why these three figures: JO and JK review municipalities on exactly this (TF 2:15,
"genast eller så snart det är möjligt", normally the same day). Only counts and times
are computed, never content, so the platform administrator may see every
municipality's row while a municipality's staff see their own.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from samarkiv.access.requests.models import AccessRequest
from samarkiv.access.requests.service import due_at
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.errors import AccessDeniedError


@dataclass
class TenantStats:
    code: str
    name: str
    total: int = 0
    decided: int = 0
    open: int = 0
    median_hours: float | None = None
    same_day: int = 0

    @property
    def same_day_share(self) -> float | None:
        """Share of decided requests decided within the working day they arrived."""
        return self.same_day / self.decided if self.decided else None


def visible_requests(scope: Scope):
    """Every tenant's requests for the platform administrator (counts only), else the
    acting municipality's for its registrars, archivists and auditors."""
    rows = AccessRequest.objects.all()
    if scope.can(Permission.MANAGE_PLATFORM) or scope.all_tenants:
        return rows
    for permission in (Permission.DECIDE, Permission.VIEW_AUDIT_LOG):
        if scope.can(permission):
            return scope.visible(rows, "tenant", permission)
    raise AccessDeniedError(f"{scope.actor} may not see request statistics")


def request_stats(scope: Scope) -> list[TenantStats]:
    """One row per municipality with requests, by name."""
    from samarkiv.catalog.models import Tenant

    rows = visible_requests(scope).values_list("tenant_id", "received_at", "decided_at")
    names = dict(Tenant.objects.values_list("code", "name"))
    found: dict[str, TenantStats] = {}
    hours: dict[str, list[float]] = {}
    for code, received, decided in rows:
        stats = found.setdefault(code, TenantStats(code, names.get(code, code)))
        stats.total += 1
        if decided is None:
            stats.open += 1
            continue
        stats.decided += 1
        hours.setdefault(code, []).append((decided - received).total_seconds() / 3600)
        if decided < due_at(received):
            stats.same_day += 1
    for code, values in hours.items():
        found[code].median_hours = statistics.median(values)
    return sorted(found.values(), key=lambda s: s.name.casefold())
