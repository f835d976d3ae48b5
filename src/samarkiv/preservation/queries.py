"""Read-side queries of archival storage: the storage dashboard and an AIP's copies.

Why here and not in the views: the dashboard's figures are a handful of aggregates
over the catalogue (StoredCopy, Aip, AuditRun, AuditFinding) combined with the storage
configuration (which locations exist, which tenant's policy names which). Keeping them
in one module keeps the views declarative and lets the CLI or an API reuse them.

Every dashboard query takes the acting Scope and starts from the rows it may see with
OPERATE_STORAGE: a platform-wide permission (the storage holds every tenant's AIPs), so
the figures are platform-wide too, and they carry no content: counts, sizes, AIP ids and
states, never file names or package titles (the dashboard's templates keep to that).

"A copy" below means a verified StoredCopy of the AIP's *current* version: an older
version alone in a location does not make the AIP preserved there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.models import Tenant
from samarkiv.preservation.choices import AipState, AuditState, FindingState
from samarkiv.preservation.locations import policy_of, storage_config
from samarkiv.preservation.models import Aip, AuditFinding, AuditRun, StoredCopy
from samarkiv.storage.config import AuditSchedule, LocationSpec

ALERT_LIMIT = 100
REPAIR_LIMIT = 20
PROBLEM_LIMIT = 100
HISTORY_LIMIT = 60


@dataclass
class AuditOutcome:
    """An audit run seen from one location or tenant: only the findings there count.

    Why: a run of every location that found damage in ``primary`` says nothing bad
    about ``offsite``, and a Lund AIP's damage says nothing about Hörby's.
    """

    run: AuditRun
    problems: int
    repaired: int
    unrepaired: int


@dataclass
class LocationSummary:
    """One storage location: what it holds, what it should hold, how it was audited."""

    name: str
    kind: str  # "local", "s3", or "" when copies exist but the location is not configured
    where: str  # path, or endpoint/bucket/prefix (never credentials)
    aips: int = 0  # AIPs with a copy of their current version here
    bytes: int = 0  # their size (the catalogue's bytes of the current version)
    versions: int = 0  # StoredCopy rows, every version counted
    required: int = 0  # AIPs whose tenant's policy names this location
    missing: int = 0  # of those, the ones without a copy here
    damaged: int = 0  # DAMAGED AIPs with a copy here
    alerts: int = 0  # open findings in this location
    schedule: AuditSchedule | None = None
    last_audit: AuditOutcome | None = None
    last_full: AuditOutcome | None = None


@dataclass
class TenantSummary:
    """One municipality: its AIPs, their copies against its policy, their states."""

    code: str
    name: str
    policy: tuple[str, ...]
    aips: int = 0
    bytes: int = 0
    copies: int = 0
    expected: int = 0  # aips x locations in the policy
    incomplete: int = 0
    damaged: int = 0
    alerts: int = 0
    last_audit: AuditOutcome | None = None


@dataclass
class ProblemAip:
    """An AIP that is not PRESERVED, with the policy locations that lack a copy."""

    aip: Aip
    policy: tuple[str, ...]
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    alerts: int = 0


@dataclass
class GrowthPoint:
    """Bytes and AIPs that reached a location on one day, and the running totals."""

    location: str
    day: date
    bytes: int
    aips: int
    total_bytes: int
    total_aips: int


@dataclass
class CopyStatus:
    """One location of an AIP: required by the policy or not, and its verified copies."""

    location: str
    required: bool
    copies: list[StoredCopy] = field(default_factory=list)
    current: bool = False  # holds the AIP's current version


# --------------------------------------------------------------------------- basics


def _storage(scope: Scope, queryset: QuerySet, tenant_field: str = "tenant") -> QuerySet:
    """The rows the scope may see as storage operator (none without OPERATE_STORAGE)."""
    return scope.visible(queryset, tenant_field, Permission.OPERATE_STORAGE)


def visible_aips(scope: Scope) -> QuerySet[Aip]:
    return _storage(scope, Aip.objects.all())


def current_copies(scope: Scope) -> QuerySet[StoredCopy]:
    """Verified copies of each visible AIP's current version: one per AIP and location."""
    return _storage(scope, StoredCopy.objects.filter(version=F("aip__version")), "aip__tenant")


def alerts(scope: Scope) -> QuerySet[AuditFinding]:
    """Findings nobody has dealt with: not repaired and not acknowledged, newest first."""
    rows = AuditFinding.objects.exclude(state=FindingState.REPAIRED).filter(
        acknowledged_at__isnull=True
    )
    return _storage(scope, rows, "aip__tenant").select_related("aip", "aip__tenant", "run")


def alert_count(scope: Scope) -> int:
    """For the navigation badge on every page: one COUNT query (0 without the permission)."""
    if not scope.can(Permission.OPERATE_STORAGE):
        return 0
    return alerts(scope).count()


def recent_repairs(scope: Scope, limit: int = REPAIR_LIMIT) -> list[AuditFinding]:
    """The latest findings an audit repaired from another copy (the quiet alerts)."""
    rows = AuditFinding.objects.filter(state=FindingState.REPAIRED)
    return list(_storage(scope, rows, "aip__tenant").select_related("aip", "aip__tenant")[:limit])


def _count_by(rows: QuerySet, key: str) -> dict:
    """{value of ``key``: number of rows} in one GROUP BY query."""
    return {row[key]: row["n"] for row in rows.order_by().values(key).annotate(n=Count("pk"))}


def state_counts(scope: Scope) -> dict[str, int]:
    """AIPs per state, every state present (0 when none); plus ``total``."""
    counts = {state.value: 0 for state in AipState}
    counts.update(_count_by(visible_aips(scope), "state"))
    counts["total"] = sum(counts.values())
    return counts


# --------------------------------------------------------------------------- locations


def _where(spec: LocationSpec | None) -> str:
    if spec is None:
        return ""
    if spec.kind == "local":
        return str(spec.options.get("path", ""))
    parts = [spec.options.get("endpoint_url", ""), spec.options.get("bucket", "")]
    parts.append(spec.options.get("prefix", ""))
    return "/".join(str(p).strip("/") for p in parts if p)


def _latest_run(query: Q, *, full: bool = False) -> AuditRun | None:
    runs = AuditRun.objects.filter(query)
    if full:
        runs = runs.filter(sample_pct=100, tenant__isnull=True, state=AuditState.DONE)
    return runs.select_related("tenant").order_by("-started_at", "-pk").first()


def outcome(run: AuditRun | None, *, location: str = "", tenant: str = "") -> AuditOutcome | None:
    """The run's result for one location and/or tenant (the run's own when it was that)."""
    if run is None:
        return None
    if (not location or run.location == location) and (not tenant or run.tenant_id == tenant):
        return AuditOutcome(run, run.problems_found, run.repaired, run.unrepairable)
    rows = AuditFinding.objects.filter(run=run)
    if location:
        rows = rows.filter(location=location)
    if tenant:
        rows = rows.filter(aip__tenant_id=tenant)
    counts = _count_by(rows, "state")
    problems, repaired = sum(counts.values()), counts.get(FindingState.REPAIRED, 0)
    return AuditOutcome(run, problems, repaired, problems - repaired)


def _required(scope: Scope) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """AIPs per tenant, and copies per location and tenant."""
    per_tenant = _count_by(visible_aips(scope), "tenant_id")
    have: dict[str, dict[str, int]] = defaultdict(dict)
    rows = current_copies(scope).order_by().values("location", "aip__tenant_id")
    rows = rows.annotate(n=Count("pk"))
    for row in rows:
        have[row["location"]][row["aip__tenant_id"]] = row["n"]
    return per_tenant, have


def location_summaries(scope: Scope) -> list[LocationSummary]:
    """Every configured location, then any location copies name that is configured no more."""
    config = storage_config()
    copies = current_copies(scope).order_by()
    held = {
        row["location"]: row
        for row in copies.values("location").annotate(aips=Count("pk"), bytes=Sum("aip__bytes"))
    }
    versions = _count_by(_storage(scope, StoredCopy.objects.all(), "aip__tenant"), "location")
    damaged = _count_by(copies.filter(aip__state=AipState.DAMAGED), "location")
    open_alerts = _count_by(alerts(scope), "location")
    per_tenant, have = _required(scope)
    names = list(config.locations) + sorted(set(held) - set(config.locations))
    summaries = []
    for name in names:
        spec = config.locations.get(name)
        tenants = [code for code in per_tenant if name in config.policy_for(code)]
        required = sum(per_tenant[code] for code in tenants)
        row = held.get(name) or {}
        covers = Q(location=name) | Q(location="")
        summaries.append(
            LocationSummary(
                name=name,
                kind=spec.kind if spec else "",
                where=_where(spec),
                aips=row.get("aips", 0),
                bytes=row.get("bytes") or 0,
                versions=versions.get(name, 0),
                required=required,
                missing=required - sum(have[name].get(code, 0) for code in tenants),
                damaged=damaged.get(name, 0),
                alerts=open_alerts.get(name, 0),
                schedule=config.audit_schedule(name) if spec else None,
                last_audit=outcome(_latest_run(covers), location=name),
                last_full=outcome(_latest_run(covers, full=True), location=name),
            )
        )
    return summaries


# --------------------------------------------------------------------------- tenants


def tenant_summaries(scope: Scope) -> list[TenantSummary]:
    """Every visible tenant (host first), with zeros for those without AIPs."""
    config = storage_config()
    aips = visible_aips(scope).order_by().values("tenant_id")
    sizes = {
        row["tenant_id"]: row
        for row in aips.annotate(n=Count("pk"), bytes=Sum("bytes")).values(
            "tenant_id", "n", "bytes"
        )
    }
    states: dict[tuple[str, str], int] = {
        (row["tenant_id"], row["state"]): row["n"]
        for row in aips.values("tenant_id", "state").annotate(n=Count("pk"))
    }
    copies = _count_by(current_copies(scope), "aip__tenant_id")
    open_alerts = _count_by(alerts(scope), "aip__tenant_id")
    summaries = []
    for tenant in _storage(scope, Tenant.objects.all(), "pk"):
        policy = config.policy_for(tenant.code)
        size = sizes.get(tenant.code) or {}
        count = size.get("n", 0)
        summaries.append(
            TenantSummary(
                code=tenant.code,
                name=tenant.name,
                policy=policy,
                aips=count,
                bytes=size.get("bytes") or 0,
                copies=copies.get(tenant.code, 0),
                expected=count * len(policy),
                incomplete=states.get((tenant.code, AipState.INCOMPLETE), 0),
                damaged=states.get((tenant.code, AipState.DAMAGED), 0),
                alerts=open_alerts.get(tenant.code, 0),
                last_audit=outcome(
                    _latest_run(Q(tenant=tenant) | Q(tenant__isnull=True)), tenant=tenant.code
                ),
            )
        )
    return summaries


# --------------------------------------------------------------------------- AIPs


def problem_aips(scope: Scope, limit: int = PROBLEM_LIMIT) -> list[ProblemAip]:
    """DAMAGED AIPs first, then INCOMPLETE ones, oldest first within each state."""
    damaged_first = Case(When(state=AipState.DAMAGED, then=Value(0)), default=Value(1))
    rows = list(
        visible_aips(scope)
        .exclude(state=AipState.PRESERVED)
        .select_related("tenant")
        .order_by(damaged_first, "created_at", "pk")[:limit]
    )
    ids = [aip.pk for aip in rows]
    present: dict[str, set[str]] = defaultdict(set)
    copies = current_copies(scope).filter(aip_id__in=ids)
    for aip_id, name in copies.values_list("aip_id", "location"):
        present[aip_id].add(name)
    counts = _count_by(alerts(scope).filter(aip_id__in=ids), "aip_id")
    result = []
    for aip in rows:
        policy = policy_of(aip)
        result.append(
            ProblemAip(
                aip=aip,
                policy=policy,
                present=[name for name in policy if name in present[aip.pk]]
                + sorted(present[aip.pk] - set(policy)),
                missing=[name for name in policy if name not in present[aip.pk]],
                alerts=counts.get(aip.pk, 0),
            )
        )
    return result


# The AIP functions below take an AIP the caller already obtained through its scope
# (``ingest.queries.aip_detail``): they read only what hangs off that one AIP.


def aip_policy(aip: Aip) -> tuple[str, ...]:
    """The locations the AIP's storage policy (its agreement's, else its tenant's)
    requires a copy in."""
    return policy_of(aip)


def aip_storage(aip: Aip) -> list[CopyStatus]:
    """The AIP's policy locations (in policy order), then any other location holding it."""
    policy = aip_policy(aip)
    rows = StoredCopy.objects.filter(aip=aip).order_by("location", "version")
    statuses = {name: CopyStatus(name, required=True) for name in policy}
    for copy in rows:
        status = statuses.setdefault(copy.location, CopyStatus(copy.location, required=False))
        status.copies.append(copy)
        status.current = status.current or copy.version == aip.version
    return list(statuses.values())


def aip_findings(aip: Aip, limit: int = ALERT_LIMIT) -> list[AuditFinding]:
    """Every audit finding about this AIP, open ones first, newest first within."""
    rows = AuditFinding.objects.filter(aip_id=aip.pk).select_related("run")
    rows = list(rows.order_by("-created_at", "id")[:limit])
    return sorted(rows, key=lambda finding: not finding.is_alert)


# --------------------------------------------------------------------------- history


def audit_history(scope: Scope, limit: int = HISTORY_LIMIT) -> list[AuditRun]:
    """The latest finished (or failed) audit runs, oldest first, for the chart and table."""
    runs = AuditRun.objects.exclude(state=AuditState.RUNNING).select_related("tenant")
    runs = _storage(scope, runs)
    return list(reversed(runs.order_by("-started_at", "-pk")[:limit]))


def storage_growth(scope: Scope) -> list[GrowthPoint]:
    """Per location (configuration order) and day: bytes of AIPs that arrived then.

    An approximation with what the catalogue keeps: a copy's ``verified_at`` moves with
    every audit, so the AIP's ``created_at`` dates every copy of its current version
    (ingest writes all policy copies at once), and its size is the current version's.
    """
    rows = (
        current_copies(scope)
        .order_by()
        .annotate(day=TruncDate("aip__created_at"))
        .values("location", "day")
        .annotate(bytes=Sum("aip__bytes"), aips=Count("pk"))
        .order_by("location", "day")
    )
    order = {name: index for index, name in enumerate(storage_config().locations)}
    rows = sorted(rows, key=lambda row: (order.get(row["location"], len(order)), row["location"]))
    points: list[GrowthPoint] = []
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        total_bytes, total_aips = totals.get(row["location"], (0, 0))
        total_bytes += row["bytes"] or 0
        total_aips += row["aips"]
        totals[row["location"]] = (total_bytes, total_aips)
        points.append(
            GrowthPoint(
                row["location"], row["day"], row["bytes"] or 0, row["aips"], total_bytes, total_aips
            )
        )
    return points
