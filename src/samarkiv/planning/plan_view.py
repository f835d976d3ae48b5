"""The stored plan as each reader may see it, its savings and its charts.

Three views of one plan (see ``service`` for the reasoning):

* ``planner_rows``: every item with its planning facts and explanation, for the host's
  planners (PLAN_DELIVERIES) and the shell operator; a municipality's own words (the
  installation's name) only for the planner's own tenant;
* ``own_rows``: the acting municipality's items in full (VIEW_DELIVERIES);
* ``shared_plan``: every municipality's items as (system product, municipality,
  quarter) and nothing more, for anyone who holds either permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.planning import charts
from samarkiv.planning.models import PlanItem, PlanSettings
from samarkiv.planning.service import (
    label,
    plan_settings,
    product_label,
    quarter_start,
    shared_product_ids,
)


@dataclass
class PlanRow:
    item_id: int
    installation_id: int
    product: str
    vendor: str
    municipality: str
    tenant: str
    quarter: int | None
    quarter_label: str
    score: float
    effort: int
    yearly_cost: int
    pilot: bool
    pinned: bool
    factors: list[dict] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)
    name: str = ""  # only for the reader's own municipality
    state: str = ""  # decommissioning state, when the app knows one
    realised: float = 0.0  # yearly saving realised by a finished decommissioning
    realised_on: date | None = None  # when that decommissioning finished
    decommissioning_url: str = ""  # for the reader's own municipality


def _items():
    return PlanItem.objects.select_related("installation__product", "installation__tenant")


def _decommissioning_url(pk: int) -> str:
    try:
        return reverse("databases_ui:decommissioning_detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _decommissionings(installation_ids: list[int]) -> dict[int, tuple]:
    """installation id -> (state label, realised yearly saving, when, its page), if the
    decommissioning app has its model; an archive without it plans all the same."""
    if not apps.is_installed("samarkiv.decommissioning"):
        return {}
    try:
        model = apps.get_model("decommissioning", "Decommissioning")
    except LookupError:
        return {}
    if not all(hasattr(model, name) for name in ("installation", "state", "yearly_cost_saved")):
        return {}
    found = {}
    rows = model.objects.filter(installation_id__in=installation_ids).order_by("pk")
    for row in rows:
        done = row.state == "decommissioned"
        saved = float(row.yearly_cost_saved or 0) if done else 0.0
        when = getattr(row, "decommissioned_at", None)
        found[row.installation_id] = (
            row.get_state_display(),
            saved,
            when.date() if done and when else None,
            _decommissioning_url(row.pk),
        )
    return found


def _row(scope: Scope, item: PlanItem, settings: PlanSettings, shared: set[int]) -> PlanRow:
    inst = item.installation
    product, vendor = product_label(scope, inst, shared)
    show_name = scope.all_tenants or (
        inst.tenant_id == scope.tenant and scope.can(Permission.VIEW_DELIVERIES)
    )
    return PlanRow(
        item_id=item.pk,
        installation_id=inst.pk,
        product=product,
        vendor=vendor,
        municipality=inst.tenant.name,
        tenant=inst.tenant_id,
        quarter=item.quarter,
        quarter_label=label(settings, item.quarter),
        score=item.score,
        effort=inst.effort_hours,
        yearly_cost=inst.yearly_cost,
        pilot=inst.pilot,
        pinned=item.pinned_quarter is not None,
        factors=item.factors,
        reasons=item.reasons,
        name=inst.name if show_name else "",
    )


def _ordered(rows: list[PlanRow]) -> list[PlanRow]:
    return sorted(rows, key=lambda r: (r.quarter is None, r.quarter or 0, -r.score, r.product))


def _with_decommissioning(rows: list[PlanRow]) -> list[PlanRow]:
    found = _decommissionings([r.installation_id for r in rows])
    for row in rows:
        if row.installation_id in found:
            row.state, row.realised, row.realised_on, url = found[row.installation_id]
            row.decommissioning_url = url if row.name else ""  # own municipality only
    return rows


def planner_rows(scope: Scope) -> list[PlanRow]:
    """Every item for the host's planners (empty for everyone else: fail closed)."""
    items = scope.visible(_items(), "installation__tenant", Permission.PLAN_DELIVERIES)
    settings, shared = plan_settings(), shared_product_ids()
    rows = [_row(scope, item, settings, shared) for item in items]
    return _with_decommissioning(_ordered(rows))


def own_rows(scope: Scope) -> list[PlanRow]:
    """The acting municipality's items in full."""
    items = scope.visible(_items(), "installation__tenant", Permission.VIEW_DELIVERIES)
    settings, shared = plan_settings(), shared_product_ids()
    return _with_decommissioning(_ordered([_row(scope, i, settings, shared) for i in items]))


def shared_plan(scope: Scope) -> list[dict]:
    """(system product, municipality, quarter) of every item, and nothing else."""
    if not (scope.can(Permission.VIEW_DELIVERIES) or scope.can(Permission.PLAN_DELIVERIES)):
        return []
    settings, shared = plan_settings(), shared_product_ids()
    items = PlanItem.objects.select_related("installation__product", "installation__tenant")
    rows = [
        {
            "product": product_label(scope, item.installation, shared)[0],
            "municipality": item.installation.tenant.name,
            "quarter": item.quarter,
            "quarter_label": label(settings, item.quarter),
        }
        for item in items.only(
            "quarter",
            "installation__tenant_id",
            "installation__domain",
            "installation__product__name",
            "installation__product__vendor",
            "installation__tenant__name",
        )
    ]
    return sorted(rows, key=lambda r: (r["quarter"] is None, r["quarter"] or 0, r["product"]))


# --------------------------------------------------------------------------- figures


def quarter_labels(settings: PlanSettings) -> list[str]:
    return [label(settings, q) for q in range(settings.quarters)]


def load(rows: list[PlanRow], settings: PlanSettings) -> list[int]:
    hours = [0] * settings.quarters
    for row in rows:
        if row.quarter is not None and row.quarter < settings.quarters:
            hours[row.quarter] += row.effort
    return hours


def planned_savings(rows: list[PlanRow], settings: PlanSettings) -> list[float]:
    """Yearly savings reached by the end of each quarter, if every item connected in
    its quarter is decommissioned at the end of it."""
    per_quarter = [0.0] * settings.quarters
    for row in rows:
        if row.quarter is not None and row.quarter < settings.quarters:
            per_quarter[row.quarter] += row.yearly_cost
    running, out = 0.0, []
    for value in per_quarter:
        running += value
        out.append(running)
    return out


def realised_savings(
    rows: list[PlanRow], settings: PlanSettings, today: date | None = None
) -> list[float | None]:
    """Realised yearly savings at the end of each quarter up to today (later: None).

    ``rows`` come from ``planner_rows``/``own_rows``, which already carry each finished
    decommissioning's date and saving (no second query).
    """
    today = today or date.today()
    done = [(r.realised_on, r.realised) for r in rows if r.realised_on is not None]
    out: list[float | None] = []
    for q in range(settings.quarters):
        start = quarter_start(settings, q)
        if start > today:
            out.append(None)
            continue
        end = quarter_start(settings, q + 1)
        out.append(sum(saved for when, saved in done if when < end))
    return out


def coverage(rows: list[PlanRow]) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row.municipality, [0, 0])
        entry[1] += 1
        entry[0] += row.quarter is not None
    ordered = sorted(totals.items(), key=lambda pair: swedish_key(pair[0]))
    return [(name, planned, total) for name, (planned, total) in ordered]


def swedish_key(text: str) -> str:
    """Å, Ä, Ö after Z, in that order (Swedish alphabetical order)."""
    return text.casefold().translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


def figures(rows: list[PlanRow], settings: PlanSettings | None = None) -> dict:
    """The charts and their numbers for the dashboard and the PDF."""
    settings = settings or plan_settings()
    labels = quarter_labels(settings)
    hours = load(rows, settings)
    planned = planned_savings(rows, settings)
    realised = realised_savings(rows, settings)
    cover = coverage(rows)
    return {
        "savings": charts.savings_chart(
            labels,
            planned,
            realised,
            _("Årlig besparing efter kvartal"),
            (_("Planerad besparing"), _("Realiserad besparing")),
        ),
        "effort": charts.effort_chart(
            labels, hours, settings.capacity_hours, _("Insats per kvartal"), _("Kapacitet")
        ),
        "coverage": charts.coverage_chart(cover, _("Täckning per kommun")),
        "table": [
            {"label": lab, "hours": h, "planned": p, "realised": r}
            for lab, h, p, r in zip(labels, hours, planned, realised, strict=True)
        ],
        "coverage_rows": cover,
        "capacity": settings.capacity_hours,
        "planned_total": planned[-1] if planned else 0,
        "realised_total": sum(r.realised for r in rows),
    }
