"""The citizen's pages: ask for records, follow the request, fetch what was released.

No login, no JavaScript, no name asked. The request form reads only the published
projection (a stub shows only municipality, records creator, series and years); the
status page needs the follow-up key that was shown once on the receipt; the download
pages need the token of an expiring link.

Friendly to rate limiting: one POST endpoint (post/redirect/get), every other page a
plain GET, and a modest cap per client address and hour answered with 429 and
Retry-After, so a proxy in front can throttle the same way.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.access.requests import downloads, notify, release, service
from samarkiv.access.requests.models import RequestDecision
from samarkiv.access.requests.service import stub_summary
from samarkiv.errors import NotFoundError, UsageError
from samarkiv.web.requests.forms import RequestForm

RECEIPT = "requests_receipt"
SUBMIT_LIMIT = 20  # requests per client address and hour; a person rarely needs more
SUBMIT_WINDOW = 3600


def _submit_key(request: HttpRequest) -> str:
    """A cache key per client address (hashed: the address is never stored as such)."""
    address = request.META.get("REMOTE_ADDR", "")
    return "requests-submit:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _too_many(request: HttpRequest) -> bool:
    return (cache.get(_submit_key(request)) or 0) >= SUBMIT_LIMIT


def _count_submission(request: HttpRequest) -> None:
    key = _submit_key(request)
    if cache.add(key, 1, SUBMIT_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, SUBMIT_WINDOW)


def _tenants() -> list[tuple[str, str]]:
    from samarkiv.catalog.models import Tenant

    return list(Tenant.objects.order_by("name").values_list("code", "name"))


def _target(request: HttpRequest) -> dict:
    """The record or stub the form is about, from the public projection only."""
    from samarkiv.access.publication import public

    record_id = request.POST.get("record") or request.GET.get("record")
    stub_id = request.POST.get("stub") or request.GET.get("stub")
    if record_id:
        published = public.published_record(record_id)
        return {"record": published, "initial": {"record": published.pk}}
    if stub_id:
        stub = public.public_stub(stub_id)
        return {"stub": stub, "stub_text": stub_summary(stub), "initial": {"stub": stub.pk}}
    return {"initial": {}}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """The request form (prefilled from ?record= or ?stub=, else free text)."""
    target = _target(request)
    free_text = "record" not in target and "stub" not in target
    form = RequestForm(
        request.POST or None, free_text=free_text, tenants=_tenants(), initial=target["initial"]
    )
    if request.method == "POST" and _too_many(request):
        response = render(request, "requests/too_many.html", status=429)
        response["Retry-After"] = str(SUBMIT_WINDOW)
        return response
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created, secret = service.submit_request(
                record_id=str(data["record"]) if data.get("record") else None,
                stub_id=str(data["stub"]) if data.get("stub") else None,
                tenant=data.get("tenant") or None,
                description=data.get("description", ""),
                message=data.get("message", ""),
                email=data.get("email", ""),
            )
        except UsageError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, exc.message)
        else:
            _count_submission(request)
            status_url = request.build_absolute_uri(_status_path(created.number, secret))
            request.session[RECEIPT] = {"number": created.number, "url": status_url}
            notify.send_receipt(created, status_url)
            return redirect("requests_public:receipt")
    context = {**target, "form": form, "free_text": free_text}
    return render(request, "requests/new.html", context, status=400 if form.errors else 200)


def _status_path(number: str, secret: str) -> str:
    return f"{reverse('requests_public:status', kwargs={'number': number})}?k={secret}"


@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    """The request number and the follow-up link, shown once (then gone from the session)."""
    shown = request.session.pop(RECEIPT, None)
    return render(request, "requests/receipt.html", {"receipt": shown})


@never_cache
@require_GET
def status(request: HttpRequest, number: str) -> HttpResponse:
    """State, clock, decision and download link, for whoever holds the follow-up key."""
    found = service.request_status(number, request.GET.get("k"))
    decision = RequestDecision.objects.filter(request=found).first()
    link = downloads.current_link(found)
    download_url = None
    token = release.link_token(link) if link is not None else None
    if token is not None:
        download_url = reverse("requests_public:download", kwargs={"token": token})
    context = {
        "req": found,
        "decision": decision,
        "download_url": download_url,
        "link": link,
        "had_link": download_url is None and found.links.exists(),
        "hours": service.hours_open(found),
        "due": service.due_at(found.received_at),
    }
    # The key is in the URL: the site-wide Referrer-Policy (same-origin) keeps it from
    # other sites, and the page is never cached.
    return render(request, "requests/status.html", context)


def _link_or_gone(request: HttpRequest, token: str):
    try:
        return downloads.link_for(token), None
    except downloads.LinkExpiredError as exc:
        context = {"number": exc.link.request.number, "tenant": exc.link.request.tenant}
        return None, render(request, "requests/gone.html", context, status=410)


@never_cache
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The released copies of a request: a list with one link each and one for all."""
    link, gone = _link_or_gone(request, token)
    if gone is not None:
        return gone
    rows = list(link.request.released.all())
    decision = RequestDecision.objects.filter(request=link.request).first()
    context = {
        "link": link,
        "req": link.request,
        "files": rows,
        "token": token,
        "decision": decision,
    }
    return render(request, "requests/download.html", context)


@never_cache
@require_GET
def download_file(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    link, gone = _link_or_gone(request, token)
    if gone is not None:
        return gone
    row = downloads.released_file(link, pk)
    try:
        stream = release.open_released(row)
    except OSError as exc:
        raise NotFoundError("the released copy is missing") from exc
    downloads.record_download(link, row.name)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=row.name,
        content_type=row.mime or "application/octet-stream",
    )


@never_cache
@require_GET
def download_all(request: HttpRequest, token: str) -> HttpResponse:
    """Every released copy as one E-ARK DIP (its PREMIS names each copy's original)."""
    from samarkiv.access.dip import DipFile, dip_for_files

    link, gone = _link_or_gone(request, token)
    if gone is not None:
        return gone
    req = link.request
    rows = list(req.released.all())
    files = [
        DipFile(
            name=row.name,
            size=row.size,
            sha256=row.sha256,
            mime=row.mime or "application/octet-stream",
            opener=lambda row=row: release.open_released(row),
            source=f"{row.aip_id}/{row.source_path}" if row.aip_id else "",
        )
        for row in rows
    ]
    downloads.record_download(link, "*")
    label = _("Utlämnade handlingar, %(number)s") % {"number": req.number}
    return dip_for_files(
        label=label,
        source_aip_id=next((row.aip_id for row in rows if row.aip_id), ""),
        tenant_code=req.tenant_id,
        tenant_name=req.tenant.name,
        files=files,
        descriptive={"title": label, "municipality": req.tenant.name, "language": "sv"},
        filename=f"{req.number}.zip",
    )
