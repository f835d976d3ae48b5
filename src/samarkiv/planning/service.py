"""Inventory, settings and the plan, behind the scope.

Who may do what (fail closed, every function takes the scope first):

* a municipality's staff who see deliveries (VIEW_DELIVERIES) read their own tenant's
  inventory in full; its archivist (MANAGE_INVENTORY) changes it;
* the host's planners (PLAN_DELIVERIES, platform-wide) change the weights, run the
  plan, pin and move items and export it. They see every installation's planning facts
  (product, municipality, numbers, dates, score) but the pages never show them a
  municipality's own words (system names, records creators, information types, notes);
* every one of them reads the adopted plan of the other municipalities only as
  (system product, municipality, quarter): see ``plan_view.shared_plan``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError, SamarkivError
from samarkiv.planning.models import Domain, Installation, PlanItem, PlanSettings, SystemProduct
from samarkiv.planning.scoring import Facts, Score, Weights, score
from samarkiv.planning.solver import (
    ItemInput,
    PlanConfig,
    PlanInfeasibleError,
    PlanResult,
    quarter_label,
    solve,
)

WEIGHT_FIELDS = ("weight_need", "weight_risk", "weight_ease", "weight_saving", "weight_demand")
SETTING_FIELDS = (
    *WEIGHT_FIELDS,
    "start_year",
    "start_quarter",
    "quarters",
    "capacity_hours",
    "early_quarters",
    "pilot_quarters",
    "prerequisite_quarters",
)


class InventoryError(SamarkivError):
    code = "inventory_invalid"

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


# --------------------------------------------------------------------------- settings


def plan_settings() -> PlanSettings:
    """The platform's one settings row, made with the defaults on first use."""
    found, _created = PlanSettings.objects.get_or_create(pk=1)
    return found


def weights_of(settings: PlanSettings) -> Weights:
    return Weights(
        need=settings.weight_need,
        risk=settings.weight_risk,
        ease=settings.weight_ease,
        saving=settings.weight_saving,
        demand=settings.weight_demand,
    )


def update_settings(scope: Scope, values: dict) -> PlanSettings:
    """Change weights, horizon or capacity (host planners); audited with old and new."""
    scope.require(Permission.PLAN_DELIVERIES)
    settings = plan_settings()
    changed = {}
    for name in SETTING_FIELDS:
        if name in values and values[name] is not None and getattr(settings, name) != values[name]:
            changed[name] = [getattr(settings, name), values[name]]
            setattr(settings, name, values[name])
    if sum(values.get(n, getattr(settings, n)) for n in WEIGHT_FIELDS) == 0:
        raise InventoryError(_("Minst en vikt måste vara större än 0."), {"weight_need": ""})
    settings.full_clean()
    settings.save()
    if changed:
        record(scope, AuditAction.CONFIG_CHANGE, obj=settings, detail={"changed": changed})
    return settings


# --------------------------------------------------------------------------- inventory


def inventory(scope: Scope) -> QuerySet:
    """The acting municipality's installations (all of them for the shell operator)."""
    qs = Installation.objects.select_related("product", "tenant", "agreement")
    return scope.visible(qs, permission=Permission.VIEW_DELIVERIES)


def planning_inventory(scope: Scope) -> QuerySet:
    """Every installation, for planning: host planners and the shell operator only."""
    qs = Installation.objects.select_related("product", "tenant")
    return scope.visible(qs, permission=Permission.PLAN_DELIVERIES)


def get_installation(scope: Scope, pk: int, *, edit: bool = False) -> Installation:
    permission = Permission.MANAGE_INVENTORY if edit else Permission.VIEW_DELIVERIES
    return scope.get(Installation.objects.select_related("product"), permission=permission, pk=pk)


def may_edit_tenant(scope: Scope, tenant: str) -> bool:
    """Only a municipality's archivist changes its inventory (or the shell operator)."""
    if not scope.can(Permission.MANAGE_INVENTORY):
        return False
    return scope.all_tenants or scope.tenant == tenant


def product_for(name: str, vendor: str) -> SystemProduct:
    product, _created = SystemProduct.objects.get_or_create(
        name=name.strip(), vendor=vendor.strip()
    )
    return product


def _check_links(installation: Installation, creator_ids: list[int] | None) -> None:
    """The agreement and the records creators must be the installation's tenant's."""
    agreement = installation.agreement
    if agreement is not None and agreement.tenant_id != installation.tenant_id:
        raise InventoryError(_("Överenskommelsen finns inte i kommunen."), {"agreement": ""})
    if creator_ids:
        from samarkiv.catalog.models import RecordsCreator

        mine = RecordsCreator.objects.filter(tenant_id=installation.tenant_id, pk__in=creator_ids)
        if mine.count() != len(set(creator_ids)):
            raise InventoryError(
                _("Arkivbildaren finns inte i kommunen."), {"records_creators": ""}
            )


def save_installation(
    scope: Scope, installation: Installation | None, values: dict
) -> Installation:
    """Add or change one installation of the acting tenant; audited."""
    tenant = installation.tenant_id if installation else scope.tenant
    if tenant is None or not may_edit_tenant(scope, tenant):
        raise AccessDeniedError(f"{scope.actor} may not manage inventory")
    values = dict(values)
    creators = values.pop("records_creators", None)
    product = product_for(values.pop("product_name"), values.pop("product_vendor", ""))
    target = installation or Installation(tenant_id=tenant)
    target.product = product
    for name, value in values.items():
        setattr(target, name, value)
    creator_ids = [c.pk for c in creators] if creators is not None else None
    _check_links(target, creator_ids)
    with transaction.atomic():
        target.save()
        if creator_ids is not None:
            target.records_creators.set(creator_ids)
    record(
        scope,
        AuditAction.CONFIG_CHANGE,
        obj=target,
        tenant=tenant,
        detail={"inventory": "created" if installation is None else "changed"},
    )
    return target


# --------------------------------------------------------------------------- scoring


def shared_counts() -> Counter:
    """Installations per product: a mapping made once serves every one of them."""
    rows = Installation.objects.values("product_id").annotate(n=Count("id"))
    return Counter({row["product_id"]: row["n"] for row in rows})


def shared_product_ids() -> set[int]:
    """Products run by at least two municipalities: the shared product catalogue."""
    rows = (
        Installation.objects.values("product_id")
        .annotate(n=Count("tenant", distinct=True))
        .filter(n__gte=2)
    )
    return {row["product_id"] for row in rows}


def product_label(scope: Scope, installation: Installation, shared: set[int]) -> tuple[str, str]:
    """(system, vendor) as this reader may see them.

    A product only one municipality runs was named by that municipality (a home-made
    register, say): to everyone else it is shown by its domain until a second
    municipality runs it too. The shell operator sees every name.
    """
    own = scope.all_tenants or installation.tenant_id == scope.tenant
    if own or installation.product_id in shared:
        return installation.product.name, installation.product.vendor
    domain = Domain(installation.domain).label
    return _("%(domain)s (kommunens eget system)") % {"domain": domain}, ""


def facts_of(installation: Installation, shared: Counter) -> Facts:
    return Facts(
        information_types=list(installation.information_types or []),
        end_of_support=installation.end_of_support,
        contract_end=installation.contract_end,
        activity_ceased=installation.activity_ceased,
        fgs_export=installation.fgs_export,
        siard_able=installation.siard_able,
        vendor_export_module=installation.vendor_export_module,
        export_module_cost=installation.export_module_cost,
        domain=installation.domain,
        shared_installations=shared.get(installation.product_id, 1),
        yearly_cost=installation.yearly_cost,
        requests_per_year=installation.requests_per_year,
    )


def score_installation(installation: Installation, today: date | None = None) -> Score:
    settings = plan_settings()
    return score(facts_of(installation, shared_counts()), weights_of(settings), today)


def quarter_start(settings: PlanSettings, index: int) -> date:
    absolute = settings.start_quarter - 1 + index
    return date(settings.start_year + absolute // 4, absolute % 4 * 3 + 1, 1)


def earliest_quarter(installation: Installation, settings: PlanSettings) -> int:
    """Prerequisites not done: the first quarter starting after they are expected done,
    or ``prerequisite_quarters`` in when no date is known."""
    if installation.prerequisites_done:
        return 0
    expected = installation.prerequisites_expected
    if expected is None:
        return settings.prerequisite_quarters
    index = 0
    while index < settings.quarters and quarter_start(settings, index) <= expected:
        index += 1
    return index


def label(settings: PlanSettings, index: int | None) -> str:
    return quarter_label(settings.start_year, settings.start_quarter, index)


# --------------------------------------------------------------------------- the plan


def _inputs(scope: Scope, rows: list[Installation], settings: PlanSettings, today: date | None):
    shared, weights, catalogue = shared_counts(), weights_of(settings), shared_product_ids()
    pins = dict(PlanItem.objects.values_list("installation_id", "pinned_quarter"))
    items, scores = [], {}
    for inst in rows:
        scores[inst.pk] = score(facts_of(inst, shared), weights, today)
        items.append(
            ItemInput(
                key=inst.pk,
                tenant=inst.tenant.name,
                label=f"{product_label(scope, inst, catalogue)[0]} ({inst.tenant.name})",
                score=scores[inst.pk].total,
                effort=inst.effort_hours,
                pilot=inst.pilot,
                earliest=earliest_quarter(inst, settings),
                pinned=pins.get(inst.pk),
            )
        )
    return items, scores


def run_plan(
    scope: Scope, *, quarters: int | None = None, today: date | None = None, save: bool = True
) -> tuple[PlanResult, dict[int, Score], list[ItemInput]]:
    """Score every installation and place them into quarters; keep pins; store it.

    ``quarters`` overrides the horizon for this run only (the CLI's --quarters) and is
    then never stored.
    """
    scope.require(Permission.PLAN_DELIVERIES)
    settings = plan_settings()
    if quarters:
        settings.quarters = quarters
        save = False
    rows = list(planning_inventory(scope))
    items, scores = _inputs(scope, rows, settings, today)
    config = PlanConfig(
        quarters=settings.quarters,
        capacity=settings.capacity_hours,
        early_quarters=min(settings.early_quarters, settings.quarters),
        pilot_quarters=min(settings.pilot_quarters, settings.quarters),
    )
    result = solve(items, config)
    if save:
        _store(scope, result, scores)
    return result, scores, items


def _store(scope: Scope, result: PlanResult, scores: dict[int, Score]) -> None:
    now = timezone.now()
    with transaction.atomic():
        PlanItem.objects.exclude(installation_id__in=list(result.placements)).delete()
        for key, placement in result.placements.items():
            PlanItem.objects.update_or_create(
                installation_id=key,
                defaults={
                    "quarter": placement.quarter,
                    "score": scores[key].total,
                    "factors": scores[key].as_dicts(),
                    "reasons": placement.reasons,
                    "planned_at": now,
                },
            )
    record(
        scope,
        AuditAction.DECISION,
        object_type="planning.plan",
        object_id="plan",
        detail={"items": len(result.placements), "optimal": result.optimal, "load": result.load},
    )


def pin(scope: Scope, item_id: int, quarter: int | None, user=None) -> PlanItem:
    """Pin (or move) an item to a quarter, or release it (``None``); kept by re-plans."""
    scope.require(Permission.PLAN_DELIVERIES)
    item = scope.get(
        PlanItem.objects.select_related("installation__product", "installation__tenant"),
        tenant_field="installation__tenant",
        permission=Permission.PLAN_DELIVERIES,
        pk=item_id,
    )
    settings = plan_settings()
    if quarter is not None and not 0 <= quarter < settings.quarters:
        raise InventoryError(_("Kvartalet ligger utanför planen."), {"quarter": ""})
    earliest = earliest_quarter(item.installation, settings)
    if quarter is not None and quarter < earliest:
        raise PlanInfeasibleError(
            _("%(p)s kan inte fästas före %(q)s: registervård och gallring är inte klara.")
            % {
                "p": product_label(scope, item.installation, shared_product_ids())[0],
                "q": label(settings, earliest),
            },
            "prerequisite",
        )
    before = item.pinned_quarter
    item.pinned_quarter = quarter
    item.pinned_by = user if quarter is not None else None
    if quarter is not None:
        item.quarter = quarter
    item.save()
    record(
        scope,
        AuditAction.DECISION,
        obj=item,
        tenant=item.installation.tenant_id,
        detail={"pinned": [before, quarter]},
    )
    return item
