"""Staff views: the home page (validation runs and an upload form) and one report per run.

A report lists the package's file paths, so it is content: the tenant's content viewers
see it, and so does the person who uploaded the package (host IT archivists validate
packages for the members without any other content access).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.accounts.roles import Permission
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import SamarkivError
from samarkiv.ingest import queries, services
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.uploads import spooled_upload
from samarkiv.web.forms import UploadForm
from samarkiv.web.scoping import login_required_view, requires
from samarkiv.web.sections import group_findings

PAGE_SIZE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers and `make run` scripts."""
    return JsonResponse({"ok": True})


def _validate(request: HttpRequest, form: UploadForm) -> ValidationRun | None:
    """Run the upload through the service; domain errors become form errors."""
    upload = form.cleaned_data["package"]
    spec = form.cleaned_data["specification"]
    try:
        with spooled_upload(upload.chunks(), upload.name) as path:
            return services.validate_upload(request.acting, path, upload.name, spec)
    except SamarkivError as exc:
        form.add_error("package", exc.message)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required_view
def staff_home(request: HttpRequest) -> HttpResponse:
    """Validation runs the scope may see, newest first, and the form to validate one more.

    Every logged-in person lands here; the form is offered (and accepted) only with
    VALIDATE in the acting tenant.
    """
    can_validate = request.acting.can(Permission.VALIDATE)
    form = UploadForm(request.POST or None, request.FILES or None) if can_validate else None
    if request.method == "POST":
        request.acting.require(Permission.VALIDATE)
        if form.is_valid():
            run = _validate(request, form)
            if run is not None:
                return redirect("web:validation_detail", pk=run.pk)
    runs = queries.validation_runs(request.acting)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("sida"))
    status = 400 if form is not None and form.errors else 200
    context = {"form": form, "page": page}
    return render(request, "web/staff_home.html", context, status=status)


@require_GET
@requires(Permission.VIEW_CONTENT, Permission.VALIDATE)  # VALIDATE: own runs only
def validation_detail(request: HttpRequest, pk) -> HttpResponse:
    """One report, findings grouped by the part of the package they concern."""
    run = queries.validation_run(request.acting, pk)
    record(request.acting, AuditAction.VIEW, obj=run, tenant=run.tenant_id or "")
    context = {"run": run, "sections": group_findings(run.findings)}
    return render(request, "web/validation_detail.html", context)


@require_GET
@requires(Permission.VIEW_CONTENT, Permission.VALIDATE)
def validation_json(request: HttpRequest, pk) -> JsonResponse:
    """The same report as `samarkiv validate --json` prints, for scripts."""
    run = queries.validation_run(request.acting, pk)
    record(request.acting, AuditAction.DOWNLOAD, obj=run, tenant=run.tenant_id or "")
    return JsonResponse(run.report, json_dumps_params={"ensure_ascii": False})
