"""Receiving, following and routing requests for public records.

The citizen side acts as ``ANONYMOUS`` and reads only the published projection
(``publication.public``): a request for a hidden record copies the stub's always-public
fields, never the record's. The staff side goes through the acting scope with
``Permission.DECIDE``, so a municipality's registrar sees only its own queue and another
municipality's request is "not found".

Why no name and no reason are asked: TF 2 kap. 18 § (efterforskningsförbud). The e-mail
address is optional and used only to deliver the answer.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.access.requests.choices import RequestState, TargetKind
from samarkiv.access.requests.models import AccessRequest, RequestCounter
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import ANONYMOUS, Scope
from samarkiv.accounts.tokens import digest_of as digest  # SHA-256 of a bearer secret
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record as audit
from samarkiv.errors import ConflictError, NotFoundError, UsageError

NUMBER_PREFIX = "BEG"
SECRET_BYTES = 24
MAX_TEXT = 4000

# state -> the states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestState.RECEIVED: frozenset({RequestState.IN_REVIEW, RequestState.CLOSED}),
    RequestState.IN_REVIEW: frozenset({RequestState.DECIDED, RequestState.CLOSED}),
    RequestState.DECIDED: frozenset({RequestState.DELIVERED, RequestState.CLOSED}),
    RequestState.DELIVERED: frozenset({RequestState.CLOSED}),
    RequestState.CLOSED: frozenset(),
}


def format_number(year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{sequence:05d}"


def next_number(year: int) -> tuple[int, str]:
    """The next sequence of ``year`` (must run inside a transaction)."""
    counter = RequestCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = RequestCounter.objects.create(year=year, last=0)
        except IntegrityError:  # created at the same moment by another request
            counter = RequestCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, format_number(year, counter.last)


def transition(request: AccessRequest, new_state: str, now: datetime | None = None) -> None:
    """Move the request on (and stamp the time), or ConflictError for a step not allowed."""
    if new_state not in TRANSITIONS[request.state]:
        raise ConflictError(
            _("Begäran %(number)s kan inte gå från %(old)s till %(new)s.")
            % {
                "number": request.number,
                "old": RequestState(request.state).label,
                "new": RequestState(new_state).label,
            }
        )
    now = now or timezone.now()
    request.state = new_state
    stamp = {
        RequestState.IN_REVIEW: "opened_at",
        RequestState.DECIDED: "decided_at",
        RequestState.DELIVERED: "delivered_at",
        RequestState.CLOSED: "closed_at",
    }[new_state]
    setattr(request, stamp, now)
    request.save(update_fields=["state", stamp])


# ----------------------------------------------------------------------- citizen side


def _target(record_id: str | None, stub_id: str | None) -> tuple[str, str, object, str]:
    """(kind, tenant code, record id, public summary) from the published projection only."""
    from samarkiv.access.publication import public

    if record_id:
        published = public.published_record(record_id)
        parts = [published.title, published.registration_number, published.tenant_name]
        summary = ", ".join(p for p in parts if p)
        return TargetKind.RECORD, published.tenant_code, published.pk, summary
    stub = public.public_stub(stub_id)
    return TargetKind.STUB, stub.tenant_code, stub.pk, stub_summary(stub)


def stub_summary(stub) -> str:
    """What a stub may show: municipality, records creator, series and years."""
    years = ""
    if stub.year_start:
        end = stub.year_end or stub.year_start
        years = str(stub.year_start) if end == stub.year_start else f"{stub.year_start}–{end}"
    parts = [stub.tenant_name, stub.records_creator, stub.series_title, years]
    return ", ".join(p for p in parts if p)


def submit_request(
    *,
    record_id: str | None = None,
    stub_id: str | None = None,
    tenant: str | None = None,
    description: str = "",
    message: str = "",
    email: str = "",
    now: datetime | None = None,
) -> tuple[AccessRequest, str]:
    """Receive a request; returns it and its follow-up secret (shown once, kept hashed).

    The tenant comes from the record or stub; only a free-text request names one, and
    then any member municipality may be chosen (it is the requester's choice of whom to ask).
    """
    from samarkiv.catalog.models import Tenant

    if record_id or stub_id:
        kind, tenant, target_id, summary = _target(record_id, stub_id)
    else:
        if not tenant or not Tenant.objects.filter(code=tenant).exists():
            raise UsageError(_("Välj den kommun som har handlingarna."), path="tenant")
        if not description.strip():
            raise UsageError(_("Beskriv vilka handlingar du vill ta del av."), path="description")
        kind, target_id, summary = TargetKind.FREE_TEXT, None, ""
    now = now or timezone.now()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    year = timezone.localtime(now).year
    with transaction.atomic():
        sequence, number = next_number(year)
        request = AccessRequest.objects.create(
            tenant_id=tenant,
            number=number,
            year=year,
            sequence=sequence,
            secret_digest=digest(secret),
            target_kind=kind,
            record_id=target_id,
            target_summary=summary[:MAX_TEXT],
            description=description.strip()[:MAX_TEXT],
            message=message.strip()[:MAX_TEXT],
            email=email.strip(),
            received_at=now,
        )
        audit(
            ANONYMOUS,
            AuditAction.REQUEST,
            obj=request,
            tenant=tenant,
            detail={"event": "received", "number": number, "target": kind},
        )
    return request, secret


def request_status(number: str, secret: str | None) -> AccessRequest:
    """The request, for whoever holds its follow-up secret; NotFoundError otherwise
    (a wrong secret and an unknown number look the same)."""
    found = AccessRequest.objects.filter(number=number).select_related("tenant").first()
    expected = found.secret_digest if found else digest("-")
    ok = hmac.compare_digest(expected, digest(secret or ""))
    if found is None or not secret or not ok:
        raise NotFoundError("no such request")
    return found


# ------------------------------------------------------------------------- staff side


def staff_requests(scope: Scope, state: str | None = None) -> QuerySet[AccessRequest]:
    """The acting municipality's requests (none without DECIDE), oldest first."""
    rows = scope.visible(AccessRequest.objects.all(), "tenant", Permission.DECIDE)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("received_at", "pk")


def get_request(scope: Scope, number: str) -> AccessRequest:
    """One request of the acting municipality, or NotFoundError (also another's)."""
    rows = AccessRequest.objects.select_related("tenant")
    return scope.get(rows, "tenant", Permission.DECIDE, number=number)


def open_request(scope: Scope, number: str) -> AccessRequest:
    """Staff open a request: logged, and a received request is now under review."""
    request = get_request(scope, number)
    audit(scope, AuditAction.VIEW, obj=request, detail={"event": "opened", "number": number})
    if request.state == RequestState.RECEIVED:
        transition(request, RequestState.IN_REVIEW)
    return request


def link_record(scope: Scope, number: str, value: str) -> AccessRequest:
    """Point a free-text request at a record of the municipality's own catalogue (by its
    id or its exact diarienummer), so the decision can release its files."""
    from samarkiv.catalog.records.models import Record

    scope.require(Permission.DECIDE)
    request = get_request(scope, number)
    if request.state not in (RequestState.RECEIVED, RequestState.IN_REVIEW):
        raise ConflictError(_("Begäran %(number)s är redan beslutad.") % {"number": number})
    rows = scope.visible(Record.objects.all(), "tenant", Permission.VIEW_CONTENT)
    rows = rows.filter(tenant_id=request.tenant_id)
    value = (value or "").strip()
    try:
        found = rows.filter(pk=uuid.UUID(value)).first()
    except ValueError:
        found = rows.filter(registration_number=value).order_by("kind", "pk").first()
    if found is None:
        raise UsageError(_("Ingen post med det id:t eller diarienumret finns."), path="record")
    request.record_id = found.pk
    request.save(update_fields=["record_id"])
    audit(
        scope,
        AuditAction.REQUEST,
        obj=request,
        detail={"event": "record_linked", "number": number, "record": str(found.pk)},
    )
    return request


def close_request(scope: Scope, number: str) -> AccessRequest:
    """Close a request (answered, withdrawn or handled elsewhere)."""
    scope.require(Permission.DECIDE)
    request = get_request(scope, number)
    transition(request, RequestState.CLOSED)
    audit(scope, AuditAction.DECISION, obj=request, detail={"event": "closed", "number": number})
    return request


# ------------------------------------------------------------------------------ clock


def due_at(received_at: datetime) -> datetime:
    """The end of the working day the request arrived (JO: normally the same day).

    A request received on a Saturday or Sunday is due at the end of the next Monday.
    Public holidays are not known here and count as working days.
    """
    day: date = timezone.localtime(received_at).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    end = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(end)


def hours_open(request: AccessRequest, now: datetime | None = None) -> float:
    """Hours from receipt to decision (or to now, while undecided)."""
    end = request.decided_at or now or timezone.now()
    return max(0.0, (end - request.received_at).total_seconds() / 3600)


def is_overdue(request: AccessRequest, now: datetime | None = None) -> bool:
    """Past the same working day: decided late, or still waiting after it."""
    end = request.decided_at or now or timezone.now()
    return end >= due_at(request.received_at)
