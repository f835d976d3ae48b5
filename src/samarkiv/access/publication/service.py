"""Staff side of secrecy and publication: markings, rules, computed visibility.

Every function takes the acting scope first and narrows to its tenant: one
municipality's archivist never sees, nor can attach a marking to, another's records,
series, classes, agreements or rules (a foreign id is "not found"). Reading needs
VIEW_CONTENT (markings describe content); changing needs DECIDE (secrecy assessments
and publication are the municipality's decisions). Every change is written to the
audit log and recomputes the tenant's published projection at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from samarkiv.access.publication.choices import MarkingTarget, Visibility
from samarkiv.access.publication.models import PublicationRule, RecordVisibility, SecrecyMarking
from samarkiv.access.publication.refresh import refresh
from samarkiv.access.publication.secrecy import SecrecyContext, release_date
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record as audit
from samarkiv.errors import NotFoundError, UsageError

READ = Permission.VIEW_CONTENT
CHANGE = Permission.DECIDE
WORKLIST_DAYS = 365
RULE_FIELDS = (
    "name",
    "active",
    "publish",
    "document_type",
    "classification_prefix",
    "records_creator",
    "series",
    "min_age_years",
)
MARKING_FIELDS = (
    "ground",
    "harm_test",
    "max_years",
    "period_start",
    "protected_identity",
    "personal_data",
    "note",
)


@dataclass
class Overview:
    counts: dict[str, int]
    worklist: list[RecordVisibility]  # secret records whose secrecy may end within a year
    titles: dict  # record id -> title (staff side)


def _tenant(scope: Scope, permission: Permission) -> str:
    """The acting tenant; the operator's all-tenant scope must name one here."""
    scope.require(permission)
    if not scope.tenant:
        raise UsageError("välj en kommun (tenant) att arbeta i")
    return scope.tenant


def overview(scope: Scope, today: date | None = None) -> Overview:
    tenant = _tenant(scope, READ)
    today = today or timezone.localdate()
    rows = scope.visible(RecordVisibility.objects.all(), permission=READ)
    counts = {v.value: 0 for v in Visibility}
    for row in rows.values("visibility").annotate(n=Count("pk")):
        counts[row["visibility"]] = row["n"]
    worklist = list(
        rows.filter(
            visibility=Visibility.SECRET,
            earliest_release__isnull=False,
            earliest_release__lte=today + timedelta(days=WORKLIST_DAYS),
        ).order_by("earliest_release", "pk")[:200]
    )
    from samarkiv.catalog.records.models import Record

    titles = dict(
        Record.objects.filter(tenant_id=tenant, pk__in=[w.pk for w in worklist]).values_list(
            "pk", "title"
        )
    )
    return Overview(counts=counts, worklist=worklist, titles=titles)


# --- rules -------------------------------------------------------------------------------


def list_rules(scope: Scope):
    return scope.visible(PublicationRule.objects.select_related("series"), permission=READ)


def get_rule(scope: Scope, pk) -> PublicationRule:
    return scope.get(PublicationRule.objects.all(), permission=READ, pk=pk)


def save_rule(scope: Scope, rule: PublicationRule | None, data: dict) -> PublicationRule:
    """Create (``rule`` None) or change a rule of the acting tenant, then refresh."""
    tenant = _tenant(scope, CHANGE)
    if rule is not None and rule.tenant_id != tenant:
        raise NotFoundError("no such publication rule")
    series = data.get("series")
    if series is not None and series.tenant_id != tenant:
        raise NotFoundError("no such series")
    created = rule is None
    rule = rule or PublicationRule(tenant_id=tenant)
    for name in RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name])
    with transaction.atomic():
        rule.save()
        audit(
            scope,
            AuditAction.CONFIG_CHANGE,
            obj=rule,
            tenant=tenant,
            detail={"publication_rule": "created" if created else "changed", **_rule_detail(rule)},
        )
    refresh(tenant=tenant)
    return rule


def deactivate_rule(scope: Scope, pk) -> PublicationRule:
    tenant = _tenant(scope, CHANGE)
    rule = scope.get(PublicationRule.objects.all(), permission=CHANGE, pk=pk)
    with transaction.atomic():
        rule.active = False
        rule.save(update_fields=["active"])
        audit(
            scope,
            AuditAction.CONFIG_CHANGE,
            obj=rule,
            tenant=tenant,
            detail={"publication_rule": "deactivated", **_rule_detail(rule)},
        )
    refresh(tenant=tenant)
    return rule


def _rule_detail(rule: PublicationRule) -> dict:
    return {
        "name": rule.name,
        "publish": rule.publish,
        "active": rule.active,
        "document_type": rule.document_type,
        "classification_prefix": rule.classification_prefix,
        "records_creator": rule.records_creator,
        "series": rule.series_id,
        "min_age_years": rule.min_age_years,
    }


# --- markings ----------------------------------------------------------------------------


def list_markings(scope: Scope, target: str | None = None):
    qs = scope.visible(
        SecrecyMarking.objects.select_related("series", "classification_node", "agreement"),
        permission=READ,
    )
    return qs.filter(target=target) if target else qs


def add_marking(scope: Scope, target: str, data: dict) -> SecrecyMarking:
    """A marking of the acting tenant on one of its own records, files, series,
    classes or agreements (anything else is "not found"); audited; refreshes."""
    tenant = _tenant(scope, CHANGE)
    marking = SecrecyMarking(tenant_id=tenant, target=target, created_by_id=scope.user_id)
    _attach(scope, tenant, marking, data)
    for name in MARKING_FIELDS:
        if name in data and data[name] is not None:
            setattr(marking, name, data[name])
    with transaction.atomic():
        marking.save()
        audit(
            scope,
            AuditAction.DECISION,
            obj=marking,
            tenant=tenant,
            detail={"secrecy_marking": "added", **_marking_detail(marking)},
        )
    refresh(tenant=tenant)
    return marking


def _attach(scope: Scope, tenant: str, marking: SecrecyMarking, data: dict) -> None:
    """Point the marking at its target, looked up only among the tenant's own."""
    from samarkiv.catalog.models import ClassificationNode, Series
    from samarkiv.catalog.records import queries
    from samarkiv.delivery.models import SubmissionAgreement

    target = marking.target
    if target in (MarkingTarget.RECORD, MarkingTarget.FILE):
        record = queries.get_record(scope, data.get("record_id"))
        marking.record_id = record.pk
        marking.aip_id = record.aip_id
        if target == MarkingTarget.FILE:
            path = str(data.get("file_path") or "")
            if not record.files.filter(aip_file__path=path).exists():
                raise NotFoundError("no such file of the record")
            marking.file_path = path
    elif target == MarkingTarget.SERIES:
        marking.series = _own(Series, tenant, data.get("series"))
    elif target == MarkingTarget.CLASSIFICATION:
        marking.classification_node = _own(
            ClassificationNode, tenant, data.get("classification_node")
        )
    elif target == MarkingTarget.AGREEMENT:
        marking.agreement = _own(SubmissionAgreement, tenant, data.get("agreement"))
    else:
        raise UsageError(f"unknown marking target {target!r}")


def _own(model, tenant: str, value):
    pk = getattr(value, "pk", value)
    found = model.objects.filter(tenant_id=tenant, pk=pk).first() if pk else None
    if found is None:
        raise NotFoundError(f"no such {model._meta.verbose_name}")
    return found


def delete_marking(scope: Scope, pk) -> SecrecyMarking:
    tenant = _tenant(scope, CHANGE)
    marking = scope.get(SecrecyMarking.objects.all(), permission=CHANGE, pk=pk)
    detail = {"secrecy_marking": "removed", **_marking_detail(marking)}
    with transaction.atomic():
        audit(scope, AuditAction.DECISION, obj=marking, tenant=tenant, detail=detail)
        marking.delete()
    refresh(tenant=tenant)
    return marking


def _marking_detail(m: SecrecyMarking) -> dict:
    return {
        "target": m.target,
        "record_id": str(m.record_id or ""),
        "file_path": m.file_path,
        "series": m.series_id,
        "classification_node": m.classification_node_id,
        "agreement": m.agreement_id,
        "ground": m.ground,
        "harm_test": m.harm_test,
        "max_years": m.max_years,
        "period_start": m.period_start.isoformat() if m.period_start else "",
        "protected_identity": m.protected_identity,
    }


# --- one record --------------------------------------------------------------------------


@dataclass
class MarkingRow:
    source: str  # where the marking sits, for people
    marking: SecrecyMarking
    release: date | None  # earliest release for this record; None: no date
    removable: bool  # a marking on this record or its file (wider ones: overview page)


@dataclass
class RecordSecrecy:
    visibility: RecordVisibility | None
    rows: list[MarkingRow]
    can_change: bool


def record_secrecy(scope: Scope, record) -> RecordSecrecy:
    """What the staff record page shows: computed visibility with reasons, markings."""
    from django.utils.translation import gettext as _

    tenant = _tenant(scope, READ)
    if record.tenant_id != tenant:
        raise NotFoundError("no such record")
    visibility = (
        scope.visible(RecordVisibility.objects.all(), permission=READ).filter(pk=record.pk).first()
    )
    ctx = SecrecyContext([tenant], [record.aip_id])
    rows = [
        MarkingRow(_("posten"), m, release_date(m, record), True)
        for m in ctx.by_record.get(str(record.pk), [])
    ]
    parent = record.parent
    for _depth in range(20):
        if parent is None:
            break
        rows += [
            MarkingRow(_("ärendet"), m, release_date(m, record, parent), False)
            for m in ctx.by_record.get(str(parent.pk), [])
        ]
        parent = parent.parent
    for _source, m in ctx.wider(record, record.aip.agreement):
        label = f"{m.get_target_display()}: {m.series or m.classification_node or m.agreement}"
        rows.append(MarkingRow(label, m, release_date(m, record), False))
    files = SecrecyMarking.objects.filter(
        tenant_id=tenant, target=MarkingTarget.FILE, aip_id=record.aip_id, record_id=record.pk
    )
    rows += [MarkingRow(m.file_path, m, None, True) for m in files]
    return RecordSecrecy(visibility, rows, scope.can(CHANGE))
