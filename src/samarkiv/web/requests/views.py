"""Staff pages of requests for public records: the queue, a request with its decision,
and the statistics.

Only the owning municipality's registrars and archivists (DECIDE) see a request; for
anyone else it is "not found", the same as a request that does not exist. Opening a
request is logged and starts its review; the service logs the decision, each masked
copy and the download link.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.access.requests import notify, release, service
from samarkiv.access.requests.choices import RequestState
from samarkiv.access.requests.models import RequestDecision
from samarkiv.access.requests.review import build_review, metadata_fields
from samarkiv.access.requests.stats import request_stats
from samarkiv.accounts.roles import Permission
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record as audit
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError
from samarkiv.web.manage.flash import notices
from samarkiv.web.manage.flash import notify as flash
from samarkiv.web.requests.charts import stats_chart
from samarkiv.web.requests.forms import DecisionForm
from samarkiv.web.scoping import requires


@require_GET
@requires(Permission.DECIDE)
def queue(request: HttpRequest) -> HttpResponse:
    """The municipality's requests, oldest first, with the clock since receipt."""
    state = request.GET.get("status", "")
    if state not in RequestState.values:
        state = ""
    if not state and "status" not in request.GET:
        rows = service.staff_requests(request.acting).exclude(state=RequestState.CLOSED)
    else:
        rows = service.staff_requests(request.acting, state or None)
    now = timezone.now()
    items = [
        {
            "req": row,
            "hours": service.hours_open(row, now),
            "overdue": row.decided_at is None and service.is_overdue(row, now),
        }
        for row in rows[:500]
    ]
    context = {"items": items, "states": RequestState.choices, "state": state}
    return render(request, "requests/queue.html", context)


def _decide(request: HttpRequest, number: str, form: DecisionForm) -> HttpResponse | None:
    data = form.decision_input()
    if data is None:
        return None
    try:
        decided = release.decide(request.acting, number, data)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        field = exc.path if exc.path in form.fields else None
        form.add_error(field, exc.message)
        return None
    download_url = None
    if decided.token:
        path = reverse("requests_public:download", kwargs={"token": decided.token})
        download_url = request.build_absolute_uri(path)
    req = decided.decision.request
    sent = notify.send_decision(req, download_url)
    text = _("Beslutet om %(number)s är fattat.") % {"number": number}
    if req.email:
        text += " " + (
            _("Beskedet har skickats med e-post.") if sent else _("E-post kunde inte skickas.")
        )
    flash(request, text, problem=bool(req.email) and not sent)
    return redirect("requests_ui:detail", number=number)


@require_http_methods(["GET", "HEAD", "POST"])
@requires(Permission.DECIDE)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """The request, the record's metadata, files and secrecy data, and the decision."""
    if request.method == "POST":
        req = service.get_request(request.acting, number)
    else:
        req = service.open_request(request.acting, number)
    review = build_review(request.acting, req)
    decision = RequestDecision.objects.filter(request=req).first()
    form = None
    if decision is None and req.state in (RequestState.RECEIVED, RequestState.IN_REVIEW):
        initial = {"appeal_text": release.default_appeal_text(req), "outcome": ""}
        form = DecisionForm(request.POST or None, files=review.files, initial=initial)
        if request.method == "POST" and form.is_valid():
            response = _decide(request, number, form)
            if response is not None:
                return response
    elif request.method == "POST":
        flash(request, _("Begäran är redan beslutad."), problem=True)
        return redirect("requests_ui:detail", number=number)
    now = timezone.now()
    context = {
        "req": req,
        "review": review,
        "fields": metadata_fields(review.record) if review.record else [],
        "decision": decision,
        "released": list(req.released.all()),
        "links": list(req.links.all()),
        "form": form,
        "hours": service.hours_open(req, now),
        "overdue": req.decided_at is None and service.is_overdue(req, now),
        "due": service.due_at(req.received_at),
        "notices": notices(request),
        "can_close": req.state != RequestState.CLOSED,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "requests/detail.html", context, status=status)


@require_POST
@requires(Permission.DECIDE)
def close(request: HttpRequest, number: str) -> HttpResponse:
    """Close the request (answered, withdrawn or handled another way)."""
    try:
        service.close_request(request.acting, number)
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        flash(request, exc.message, problem=True)
    else:
        flash(request, _("Begäran %(number)s är avslutad.") % {"number": number})
    return redirect("requests_ui:detail", number=number)


@require_POST
@requires(Permission.DECIDE)
def link(request: HttpRequest, number: str) -> HttpResponse:
    """Attach a free-text request to a record of the own catalogue (id or diarienummer)."""
    try:
        service.link_record(request.acting, number, request.POST.get("record", ""))
    except (AccessDeniedError, NotFoundError):
        raise
    except SamarkivError as exc:
        flash(
            request,
            _("Posten kunde inte kopplas: %(reason)s") % {"reason": exc.message},
            problem=True,
        )
    else:
        flash(request, _("Begäran är kopplad till posten."))
    return redirect("requests_ui:detail", number=number)


@require_POST
@requires(Permission.DECIDE)
def new_link(request: HttpRequest, number: str) -> HttpResponse:
    """A fresh download link (the old one expired); the status page shows it at once."""
    req = service.get_request(request.acting, number)
    if not req.released.exists():
        flash(request, _("Det finns inga utlämnade filer att länka till."), problem=True)
        return redirect("requests_ui:detail", number=number)
    token = release.create_link(request.acting, req)
    path = reverse("requests_public:download", kwargs={"token": token})
    sent = notify.send_decision(req, request.build_absolute_uri(path))
    text = _("En ny nedladdningslänk är skapad och visas på den sökandes statussida.")
    if req.email:
        text += " " + (
            _("Beskedet har skickats med e-post.") if sent else _("E-post kunde inte skickas.")
        )
    flash(request, text, problem=bool(req.email) and not sent)
    return redirect("requests_ui:detail", number=number)


@require_GET
@requires(Permission.DECIDE)
def released_file(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A released (maybe masked) copy, for the municipality's staff to check."""
    req = service.get_request(request.acting, number)
    row = req.released.filter(pk=pk).first()
    if row is None:
        raise NotFoundError("no such released file")
    try:
        stream = release.open_released(row)
    except OSError as exc:
        raise NotFoundError("the released copy is missing") from exc
    audit(
        request.acting,
        AuditAction.DOWNLOAD,
        obj=row,
        detail={"event": "staff_download", "number": number, "file": row.name},
    )
    return FileResponse(
        stream,
        as_attachment=True,
        filename=row.name,
        content_type=row.mime or "application/octet-stream",
    )


@require_GET
@requires(Permission.DECIDE, Permission.VIEW_AUDIT_LOG, Permission.MANAGE_PLATFORM)
def stats(request: HttpRequest) -> HttpResponse:
    """Requests per municipality, median time to decision, share decided the same day."""
    rows = request_stats(request.acting)
    chart, description = stats_chart(rows)
    context = {
        "rows": rows,
        "chart": chart,
        "description": description,
        "all_tenants": request.acting.can(Permission.MANAGE_PLATFORM),
    }
    return render(request, "requests/stats.html", context)
