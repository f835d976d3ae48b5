"""Staff pages of the decommissioning workflow (/staff/databases/avveckling/).

One page per decommissioning shows where it stands (the steps as an ordered list) and
the form of the next step only; each step is a POST to its own URL, handled by the
service in ``samarkiv.decommissioning.workflow``, which refuses steps out of order.
Long steps (extraction, ingest) run inline; the page after the redirect shows the result.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.accounts.roles import Permission
from samarkiv.decommissioning import background, workflow
from samarkiv.decommissioning.models import DecommissioningState
from samarkiv.decommissioning.models import DecommissioningState as S
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.manage.guard import staff_view


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def decommissioning_list(request: HttpRequest) -> HttpResponse:
    items = workflow.list_decommissionings(request.acting)
    context = {
        "items": items,
        "can_start": request.acting.can(Permission.DELIVER),
        "notices": notices(request),
    }
    return render(request, "databases/decommissioning_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Permission.DELIVER)
def decommissioning_new(request: HttpRequest) -> HttpResponse:
    from samarkiv.planning.models import Installation

    installations = Installation.objects.filter(tenant_id=request.acting.tenant).select_related(
        "product"
    )
    error, values = "", request.POST
    if request.method == "POST":
        try:
            item = workflow.create(
                request.acting,
                installation_id=int(values.get("installation") or 0) or None,
                system_name=values.get("system", "")[:200],
                vendor=values.get("vendor", "")[:200],
                source_description=values.get("source", "")[:2000],
            )
        except (AccessDeniedError, NotFoundError):
            raise
        except (SamarkivError, ValueError) as exc:
            error = getattr(exc, "message", str(exc))
        else:
            return redirect("databases_ui:decommissioning_detail", pk=item.pk)
    context = {"installations": installations, "error": error, "values": values}
    return render(
        request, "databases/decommissioning_new.html", context, status=400 if error else 200
    )


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def decommissioning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = background.clear_abandoned(workflow.get(request.acting, pk))
    states = list(DecommissioningState)
    context = {
        "item": item,
        "steps": [(s, i < item.step, i == item.step) for i, s in enumerate(states)],
        "S": {s.name: s.value for s in states},
        "can_deliver": request.acting.can(Permission.DELIVER),
        "can_decide": request.acting.can(Permission.DECIDE),
        "notices": notices(request),
        "databases": _databases_of(request, item),
        "documentation": [p.name for p in workflow.documentation_files(item)],
        "before_ingest": item.state in workflow.BEFORE_INGEST,
    }
    return render(request, "databases/decommissioning_detail.html", context)


def _databases_of(request: HttpRequest, item) -> list:
    if not item.aip_id:
        return []
    from samarkiv.access.databases.browse import list_databases

    return list(list_databases(request.acting).filter(aip_id=item.aip_id))


def _step(request: HttpRequest, pk: int, action, done: str | None) -> HttpResponse:
    """Run one step; a refusal becomes a notice on the detail page, not an error page."""
    try:
        action()
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        notify(
            request,
            _("Steget kunde inte göras: %(reason)s") % {"reason": exc.message},
            problem=True,
        )
    else:
        if done:
            notify(request, done)
    return redirect("databases_ui:decommissioning_detail", pk=pk)


def _long_step(request: HttpRequest, pk: int, step: str, check, work, done: str) -> HttpResponse:
    """Check now, then run the step beside the request; the page shows its progress."""

    def run() -> None:
        check()
        started = background.start(pk, step, work)
        notify(
            request,
            _("Steget har startats. Sidan visar hur långt det har kommit.") if started else done,
        )

    return _step(request, pk, run, None)


@require_POST
@staff_view(Permission.DELIVER)
def step_extract(request: HttpRequest, pk: int) -> HttpResponse:
    url = request.POST.get("url", "")
    scope = request.acting
    return _long_step(
        request,
        pk,
        "extract",
        lambda: workflow.check_extraction(scope, pk, url),
        lambda: workflow.extract_from_source(scope, pk, url),
        _("Databasen är uttagen och kontrollerad."),
    )


@require_POST
@staff_view(Permission.DELIVER)
def step_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the uploaded SIARD now; check it against its metadata in the background."""
    scope = request.acting
    workflow.get(scope, pk, Permission.DELIVER)  # another tenant's: 404 first
    upload = request.FILES.get("siard")
    if upload is None:
        notify(request, _("Välj en SIARD-fil att ladda upp."), problem=True)
        return redirect("databases_ui:decommissioning_detail", pk=pk)
    return _long_step(
        request,
        pk,
        "verify",
        lambda: workflow.upload_siard(scope, pk, upload.chunks(), upload.name, verify_now=False),
        lambda: workflow.verify_again(scope, pk),
        _("SIARD-filen är uppladdad och kontrollerad."),
    )


@require_POST
@staff_view(Permission.DELIVER)
def step_documentation(request: HttpRequest, pk: int) -> HttpResponse:
    """System documentation (manuals, data dictionary...) for the SIP's documentation folder."""
    scope = request.acting
    workflow.get(scope, pk, Permission.DELIVER)  # another tenant's: 404 first
    uploads = request.FILES.getlist("dokument")
    if not uploads:
        notify(request, _("Välj en eller flera filer att ladda upp."), problem=True)
        return redirect("databases_ui:decommissioning_detail", pk=pk)
    files = [(u.name, u.chunks()) for u in uploads]
    return _step(
        request,
        pk,
        lambda: workflow.add_documentation(scope, pk, files),
        _("Dokumentationen är sparad och följer med i arkivpaketet."),
    )


@require_POST
@staff_view(Permission.DELIVER)
def step_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, lambda: workflow.verify_again(request.acting, pk), _("Kontrollen är gjord.")
    )


@require_POST
@staff_view(Permission.DECIDE)
def step_review(request: HttpRequest, pk: int) -> HttpResponse:
    approve = request.POST.get("beslut") == "godkann"
    comment = request.POST.get("kommentar", "")[:2000]
    done = _("Uttaget är godkänt.") if approve else _("Uttaget är underkänt.")
    return _step(
        request,
        pk,
        lambda: workflow.review(request.acting, pk, approve=approve, comment=comment),
        done,
    )


@require_POST
@staff_view(Permission.DELIVER)
def step_ingest(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    return _long_step(
        request,
        pk,
        "ingest",
        lambda: workflow.check_step(scope, pk, "ingest", S.REVIEWED, Permission.DELIVER),
        lambda: workflow.ingest_archive(scope, pk),
        _("Databasen är arkiverad."),
    )


@require_POST
@staff_view(Permission.DECIDE)
def step_certify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda: workflow.certify(request.acting, pk),
        _("Avvecklingsintyget är utfärdat."),
    )


@require_POST
@staff_view(Permission.DECIDE)
def step_decommission(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("besparing", "").replace(" ", "").replace("\u00a0", "")
    try:
        saved = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        saved = Decimal(-1)
    return _step(
        request,
        pk,
        lambda: workflow.mark_decommissioned(request.acting, pk, saved),
        _("Systemet är markerat som avvecklat."),
    )


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    item, path = workflow.certificate_file(request.acting, pk)
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,  # noqa: SIM115
        filename=f"avvecklingsintyg-{item.pk}.pdf",
        content_type="application/pdf",
    )
