"""Staff views: a list with an upload form, and one report page per validation run."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.errors import SamarkivError
from samarkiv.ingest import services
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.uploads import spooled_upload
from samarkiv.web.forms import UploadForm
from samarkiv.web.sections import group_findings

PAGE_SIZE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers and `make run` scripts."""
    return JsonResponse({"ok": True})


def _validate(form: UploadForm) -> ValidationRun | None:
    """Run the upload through the service; domain errors become form errors."""
    upload = form.cleaned_data["package"]
    try:
        with spooled_upload(upload.chunks(), upload.name) as path:
            return services.validate_upload(path, upload.name, form.cleaned_data["specification"])
    except SamarkivError as exc:
        form.add_error("package", exc.message)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def staff_home(request: HttpRequest) -> HttpResponse:
    """Validation runs, newest first, and the form to validate one more package."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = _validate(form)
        if run is not None:
            return redirect("web:validation_detail", pk=run.pk)
    runs = ValidationRun.objects.defer("report").order_by("-created_at")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("sida"))
    status = 400 if form.errors else 200
    context = {"form": form, "page": page}
    return render(request, "web/staff_home.html", context, status=status)


@require_GET
def validation_detail(request: HttpRequest, pk) -> HttpResponse:
    """One report, findings grouped by the part of the package they concern."""
    run = get_object_or_404(ValidationRun, pk=pk)
    context = {"run": run, "sections": group_findings(run.findings)}
    return render(request, "web/validation_detail.html", context)


@require_GET
def validation_json(request: HttpRequest, pk) -> JsonResponse:
    """The same report as `samarkiv validate --json` prints, for scripts."""
    run = get_object_or_404(ValidationRun, pk=pk)
    return JsonResponse(run.report, json_dumps_params={"ensure_ascii": False})
