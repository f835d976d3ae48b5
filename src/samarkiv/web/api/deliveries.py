"""Agreements, deliveries and receipts: what a business system does after uploading."""

from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status

from samarkiv.delivery import services, worker
from samarkiv.delivery.choices import DeliveryState
from samarkiv.web.api.auth import scope_of
from samarkiv.web.api.schemas import (
    AgreementOut,
    DeliveryIn,
    DeliveryOut,
    ErrorOut,
    ReceiptOut,
)

router = Router(tags=["deliveries"])

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/agreements", operation_id="listAgreements", response={200: list[AgreementOut], **READ_ERRORS}
)
def list_agreements(request: HttpRequest):
    """The submission agreements the caller may deliver under (a token: its own one)."""
    agreements = services.deliverable_agreements(scope_of(request)).select_related("tenant")
    return [AgreementOut.of(a) for a in agreements]


@router.post(
    "/deliveries",
    operation_id="startDelivery",
    response={202: DeliveryOut, 409: ErrorOut, 410: ErrorOut, **READ_ERRORS},
)
def start_delivery(request: HttpRequest, payload: DeliveryIn):
    """Start the ingest of a complete upload. Asking again for the same upload returns
    the same delivery, so a client may safely retry after a lost answer."""
    delivery = services.start_delivery(scope_of(request), payload.upload_id)
    delivery = services.get_delivery(scope_of(request), delivery.pk)
    return Status(202, DeliveryOut.of(delivery))


@router.get(
    "/deliveries", operation_id="listDeliveries", response={200: list[DeliveryOut], **READ_ERRORS}
)
def list_deliveries(
    request: HttpRequest,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
):
    """The caller's deliveries, newest first (a token: those under its agreement)."""
    queryset = services.list_deliveries(scope_of(request))
    if state is not None:
        queryset = queryset.filter(state=state)
    return [DeliveryOut.of(d) for d in queryset[:limit]]


@router.get(
    "/deliveries/{delivery_id}",
    operation_id="getDelivery",
    response={200: DeliveryOut, **READ_ERRORS},
)
def get_delivery(request: HttpRequest, delivery_id: UUID):
    """One delivery; poll this until ``state`` is done, duplicate, rejected or failed."""
    delivery = services.get_delivery(scope_of(request), delivery_id)
    if delivery.state not in DeliveryState.finished():
        worker.nudge()  # after a restart, the first poll starts the worker again
    return DeliveryOut.of(delivery)


@router.get(
    "/deliveries/{delivery_id}/receipt",
    operation_id="deliveryReceipt",
    response={200: ReceiptOut, 409: ErrorOut, **READ_ERRORS},
)
def delivery_receipt(request: HttpRequest, delivery_id: UUID):
    """The ingest receipt of a finished delivery (409 ``not_finished`` before that)."""
    scope = scope_of(request)
    delivery = services.get_delivery(scope, delivery_id)
    return ReceiptOut.of(delivery, services.delivery_receipt(scope, delivery.pk))
