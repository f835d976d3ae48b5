"""Staff pages of deliveries: the acting tenant's list, and one delivery as it progresses.

The detail page polls its own status (htmx, every few seconds) only while the delivery
is unfinished; the server answers "204 no change" until the state moves, so the page
(and a screen reader's live region) changes only when there is news.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samarkiv.accounts.roles import Permission
from samarkiv.delivery import services
from samarkiv.delivery.agreements import list_agreements
from samarkiv.delivery.choices import DeliveryState
from samarkiv.errors import ConflictError
from samarkiv.ingest.receipt import Receipt
from samarkiv.web.manage.forms import DeliveryFilterForm, chosen
from samarkiv.web.manage.guard import staff_view

PAGE_SIZE = 50
POLL_SECONDS = 3


def _filtered(scope, form: DeliveryFilterForm):
    rows = services.list_deliveries(scope)
    values = chosen(form)
    if "state" in values:
        rows = rows.filter(state=values["state"])
    if "agreement" in values:
        rows = rows.filter(agreement_id=values["agreement"])
    return rows.select_related("agreement", "submitted_by", "token", "ingest")


@require_GET
@staff_view(Permission.VIEW_DELIVERIES)
def delivery_list(request: HttpRequest) -> HttpResponse:
    """The tenant's deliveries, newest first, by state and agreement, 50 a page."""
    agreements = list_agreements(request.acting)
    form = DeliveryFilterForm(request.GET or None, agreements=agreements, auto_id="filter_%s")
    rows = _filtered(request.acting, form).order_by("-created_at")
    context = {
        "filter_form": form,
        "filtered": bool(chosen(form)),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
    }
    return render(request, "manage/delivery_list.html", context, status=400 if form.errors else 200)


def receipt_parts(receipt: Receipt | None) -> tuple[str, dict]:
    """The receipt as the deliverer reads it (summary) and its fields."""
    if receipt is None:
        return "", {}
    return receipt.summary(), receipt.to_dict()


def _receipt(scope, delivery):
    """The finished delivery's receipt; none when it never reached the ingest."""
    if delivery.state not in DeliveryState.finished():
        return None
    try:
        return services.delivery_receipt(scope, delivery.pk)
    except ConflictError:
        return None


def _status_context(request: HttpRequest, pk) -> dict:
    delivery = services.get_delivery(request.acting, pk)
    finished = delivery.state in DeliveryState.finished()
    summary, receipt = receipt_parts(_receipt(request.acting, delivery))
    return {
        "delivery": delivery,
        "finished": finished,
        "receipt_summary": summary,
        "receipt": receipt,
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@staff_view(Permission.VIEW_DELIVERIES)
def delivery_detail(request: HttpRequest, pk) -> HttpResponse:
    """One delivery: state, message, who sent it under which agreement, the receipt."""
    return render(request, "manage/delivery_detail.html", _status_context(request, pk))


@require_GET
@staff_view(Permission.VIEW_DELIVERIES)
def delivery_status(request: HttpRequest, pk) -> HttpResponse:
    """The status block alone, for polling; 204 while the state is what the page shows."""
    context = _status_context(request, pk)
    if request.GET.get("state") == context["delivery"].state:
        return HttpResponse(status=204)
    return render(request, "manage/_delivery_status.html", context)


@require_GET
@staff_view(Permission.VIEW_DELIVERIES)
def delivery_receipt(request: HttpRequest, pk) -> JsonResponse:
    """The receipt as JSON, what the API gives the deliverer; 409 while unfinished."""
    try:
        receipt = services.delivery_receipt(request.acting, pk)
    except ConflictError as exc:
        return JsonResponse(exc.to_dict(), status=exc.http_status)
    return JsonResponse(receipt.to_dict(), json_dumps_params={"ensure_ascii": False})
