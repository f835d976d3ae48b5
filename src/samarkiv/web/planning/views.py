"""Staff pages of the systems mapping and the delivery plan (/staff/planning/).

One dashboard, shown by what the person may do: the host's planners get the settings,
the whole plan with pin/move, re-plan and exports; a municipality's staff get their
own inventory, their own plan items in full and the other municipalities' items as
(system, municipality, quarter). Changes are POST + redirect; the service layer checks
the scope and writes the audit log.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.accounts.roles import Permission
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.planning import plan_view, reports, service, spreadsheet
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.planning.forms import ImportForm, InstallationForm, PinForm, SettingsForm
from samarkiv.web.scoping import requires

READERS = (Permission.VIEW_DELIVERIES, Permission.PLAN_DELIVERIES, Permission.MANAGE_INVENTORY)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _planner_context(request: HttpRequest, settings_form: SettingsForm | None = None) -> dict:
    scope = request.acting
    settings = service.plan_settings()
    rows = plan_view.planner_rows(scope)
    labels = plan_view.quarter_labels(settings)
    for row in rows:
        row.pin_form = PinForm(
            initial={"item": row.item_id, "quarter": row.quarter if row.pinned else ""},
            labels=labels,
            auto_id=f"fast-{row.item_id}-%s",
        )
    return {
        "planner": True,
        "rows": rows,
        "figures": plan_view.figures(rows, settings),
        "settings_form": settings_form or SettingsForm(instance=settings),
    }


def _municipal_context(request: HttpRequest) -> dict:
    scope = request.acting
    own = plan_view.own_rows(scope)
    return {
        "municipal": True,
        "inventory": list(service.inventory(scope).order_by("product__name", "name")),
        "own_rows": own,
        "shared": plan_view.shared_plan(scope),
        "can_edit": scope.can(Permission.MANAGE_INVENTORY),
    }


@require_GET
@requires(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = request.acting
    context = {"notices": notices(request), "settings": service.plan_settings()}
    if scope.can(Permission.PLAN_DELIVERIES):
        context |= _planner_context(request)
    if scope.can(Permission.VIEW_DELIVERIES):
        context |= _municipal_context(request)
    elif not scope.can(Permission.PLAN_DELIVERIES):
        context["shared"] = plan_view.shared_plan(scope)
    return render(request, "planning/dashboard.html", context)


@require_POST
@requires(Permission.PLAN_DELIVERIES)
def update_settings(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST, instance=service.plan_settings())
    if form.is_valid():
        try:
            service.update_settings(request.acting, form.cleaned_data)
        except service.InventoryError as exc:
            form.add_error(None, exc.message)
    if form.errors:
        context = {"notices": [], "settings": service.plan_settings()}
        context |= _planner_context(request, settings_form=form)
        if request.acting.can(Permission.VIEW_DELIVERIES):
            context |= _municipal_context(request)
        return render(request, "planning/dashboard.html", context, status=400)
    notify(request, _("Vikterna och inställningarna är sparade. Planera om för att se effekten."))
    return redirect("planning_ui:dashboard")


@require_POST
@requires(Permission.PLAN_DELIVERIES)
def replan(request: HttpRequest) -> HttpResponse:
    try:
        result, _scores, _items = service.run_plan(request.acting)
    except SamarkivError as exc:
        if isinstance(exc, AccessDeniedError | NotFoundError):
            raise
        notify(request, _("Planen kunde inte göras: %(e)s") % {"e": exc.message}, problem=True)
        return redirect("planning_ui:dashboard")
    note = _("Planen är gjord: %(n)s system.") % {"n": len(result.placements)}
    if not result.optimal:
        note += " " + _("Bästa plan som hittades inom tidsgränsen.")
    notify(request, note)
    return redirect("planning_ui:dashboard")


@require_POST
@requires(Permission.PLAN_DELIVERIES)
def pin(request: HttpRequest) -> HttpResponse:
    settings = service.plan_settings()
    form = PinForm(request.POST, labels=plan_view.quarter_labels(settings))
    if not form.is_valid():
        notify(request, _("Välj ett kvartal i planen."), problem=True)
        return redirect("planning_ui:dashboard")
    quarter = form.cleaned_data["quarter"]
    try:
        item = service.pin(request.acting, form.cleaned_data["item"], quarter, request.user)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        notify(request, exc.message, problem=True)
        return redirect("planning_ui:dashboard")
    product = item.installation.product.name
    municipality = item.installation.tenant.name
    if quarter is None:
        notify(request, _("%(p)s (%(m)s) är inte längre fäst.") % {"p": product, "m": municipality})
    else:
        notify(
            request,
            _("%(p)s (%(m)s) är fäst till %(q)s. Planera om för att flytta resten.")
            % {"p": product, "m": municipality, "q": service.label(settings, quarter)},
        )
    return redirect("planning_ui:dashboard")


@require_GET
@requires(Permission.PLAN_DELIVERIES)
def plan_csv(request: HttpRequest) -> HttpResponse:
    return _attachment(
        reports.plan_csv(request.acting), "text/csv; charset=utf-8", "leveransplan.csv"
    )


@require_GET
@requires(Permission.PLAN_DELIVERIES)
def plan_pdf(request: HttpRequest) -> HttpResponse:
    return _attachment(reports.plan_pdf(request.acting), "application/pdf", "leveransplan.pdf")


@require_http_methods(["GET", "HEAD", "POST"])
@requires(Permission.MANAGE_INVENTORY)
def inventory_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = spreadsheet.import_inventory(request.acting, upload.read(), upload.name)
        except spreadsheet.InventoryImportError as exc:
            errors = exc.errors
        else:
            notify(request, _("%(n)s system importerades.") % {"n": count})
            return redirect("planning_ui:dashboard")
    status = 400 if (errors or form.errors) else 200
    context = {"form": form, "row_errors": errors}
    return render(request, "planning/import.html", context, status=status)


@require_GET
@requires(Permission.VIEW_DELIVERIES)
def inventory_export(request: HttpRequest) -> HttpResponse:
    kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    rows = list(service.inventory(request.acting).order_by("product__name", "name"))
    filename = f"inventering-{request.acting.tenant}.{kind}"
    record(request.acting, AuditAction.EXPORT, object_type="planning.inventory",
           object_id=filename, detail={"rows": len(rows)})  # fmt: skip
    content_type = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return _attachment(spreadsheet.export_bytes(rows, filename), content_type, filename)


@require_GET
@requires(*READERS)
def inventory_template(request: HttpRequest) -> HttpResponse:
    return _attachment(spreadsheet.template_bytes(), XLSX, "inventeringsmall.xlsx")


def _edit(request: HttpRequest, installation) -> HttpResponse:
    scope = request.acting
    tenant = installation.tenant_id if installation else scope.tenant
    form = InstallationForm(request.POST or None, instance=installation, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            saved = service.save_installation(scope, installation, form.values())
        except service.InventoryError as exc:
            form.add_error(None, exc.message)
        else:
            notify(request, _("%(name)s är sparat.") % {"name": saved.name})
            return redirect("planning_ui:dashboard")
    context = {"form": form, "installation": installation}
    if installation is not None:
        context["score"] = service.score_installation(installation)
        context["rows"] = [
            r for r in plan_view.own_rows(scope) if r.installation_id == installation.pk
        ]
    status = 400 if form.errors else 200
    return render(request, "planning/installation_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@requires(Permission.MANAGE_INVENTORY)
def installation_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@requires(Permission.MANAGE_INVENTORY)
def installation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Another municipality's system is "not found" (scope.get)."""
    return _edit(request, service.get_installation(request.acting, pk, edit=True))
