"""Receiving and routing requests: numbers, secrets, tenants, states and the clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from samarkiv.access.requests import service
from samarkiv.access.requests.choices import RequestState, TargetKind
from samarkiv.access.requests.models import AccessRequest
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import ConflictError, NotFoundError, UsageError

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def _at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def test_numbers_run_per_year_and_are_unique():
    made = [
        service.submit_request(tenant="bjuv", description="Ritningar", now=_at(2026, 3, 1, 9))[0]
        for _ in range(3)
    ]
    next_year = service.submit_request(tenant="bjuv", description="x", now=_at(2027, 1, 2, 9))[0]

    assert [r.number for r in made] == ["BEG-2026-00001", "BEG-2026-00002", "BEG-2026-00003"]
    assert next_year.number == "BEG-2027-00001"
    assert AccessRequest.objects.filter(number__startswith="BEG-2026-").count() == 3


def test_the_secret_is_kept_hashed_and_opens_only_its_own_status():
    first, secret = service.submit_request(tenant="bjuv", description="Protokoll 1998")
    second, other = service.submit_request(tenant="ystad", description="Protokoll 1999")

    assert secret not in first.secret_digest and len(first.secret_digest) == 64
    assert service.request_status(first.number, secret).pk == first.pk
    for wrong in (None, "", other, secret[:-1]):
        with pytest.raises(NotFoundError):
            service.request_status(first.number, wrong)
    with pytest.raises(NotFoundError):
        service.request_status("BEG-2026-99999", secret)
    assert second.tenant_id == "ystad"


def test_a_stub_request_goes_to_the_owning_municipality_with_only_public_fields(horby):
    request, _secret = service.submit_request(stub_id=str(horby.stub.pk), message="Tack")

    stenby = horby.cases["BN 2023/145"]
    assert request.tenant_id == "horby" and request.record_id == stenby.pk
    assert request.target_kind == TargetKind.STUB
    assert "Bygglovsärenden" in request.target_summary and "2023" in request.target_summary
    assert "Stenby" not in request.target_summary  # the title is not public
    entry = AuditEntry.objects.filter(action="request", object_id=str(request.pk)).get()
    assert entry.tenant == "horby" and entry.actor == "anonymous"
    assert entry.detail["event"] == "received"


def test_a_published_record_request_names_the_record(horby):
    request, _ = service.submit_request(record_id=str(horby.published.pk))
    assert request.tenant_id == "horby" and "BN 2023/301" in request.target_summary


def test_unknown_targets_and_missing_choices_are_refused(horby):
    with pytest.raises(NotFoundError):
        service.submit_request(stub_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFoundError):  # a stub id is no published record
        service.submit_request(record_id=str(horby.stub.pk))
    with pytest.raises(UsageError):
        service.submit_request(tenant="atlantis", description="x")
    with pytest.raises(UsageError):
        service.submit_request(tenant="bjuv", description="  ")
    assert not AccessRequest.objects.exists()


def test_state_transitions_follow_the_table():
    request, _ = service.submit_request(tenant="bjuv", description="x")
    with pytest.raises(ConflictError):
        service.transition(request, RequestState.DELIVERED)
    service.transition(request, RequestState.IN_REVIEW)
    service.transition(request, RequestState.DECIDED)
    assert request.decided_at is not None
    service.transition(request, RequestState.DELIVERED)
    service.transition(request, RequestState.CLOSED)
    with pytest.raises(ConflictError):
        service.transition(request, RequestState.IN_REVIEW)
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED and request.closed_at is not None


def test_the_clock_runs_to_the_end_of_the_working_day():
    thursday = _at(2026, 3, 5, 15, 30)
    assert service.due_at(thursday) == _at(2026, 3, 6, 0, 0)
    saturday = _at(2026, 3, 7, 10)
    assert service.due_at(saturday) == _at(2026, 3, 10, 0, 0)  # end of Monday
    request = AccessRequest(received_at=thursday)
    assert service.hours_open(request, _at(2026, 3, 5, 18, 30)) == pytest.approx(3)
    assert not service.is_overdue(request, _at(2026, 3, 5, 23, 0))
    assert service.is_overdue(request, _at(2026, 3, 6, 8, 0))


def test_demo_requests_are_made_once(horby, capsys):
    from samarkiv.access.requests.demo import load_demo

    assert load_demo() == 0 and load_demo() == 0
    made = AccessRequest.objects.order_by("pk")
    assert [r.tenant_id for r in made] == ["horby", "bjuv"]
    assert made[0].target_kind == TargetKind.STUB and made[1].target_kind == TargetKind.FREE_TEXT
    assert "already there" in capsys.readouterr().out


def test_statistics_give_the_median_time_to_decision_and_the_same_day_share():
    from samarkiv.access.requests.stats import request_stats
    from samarkiv.accounts.roles import Role
    from samarkiv.accounts.scope import user_scope
    from tests.factories import staff_user

    received = _at(2026, 3, 3, 9)  # a Tuesday
    for hours in (2, 4, 30, None):
        request, _ = service.submit_request(tenant="bjuv", description="x", now=received)
        decided = received + dt.timedelta(hours=hours) if hours is not None else None
        AccessRequest.objects.filter(pk=request.pk).update(decided_at=decided)
    service.submit_request(tenant="ystad", description="y", now=received)

    (row,) = request_stats(user_scope(staff_user(Role.REGISTRAR, "bjuv"), "bjuv"))
    assert (row.code, row.total, row.decided, row.open) == ("bjuv", 4, 3, 1)
    assert row.median_hours == 4 and row.same_day == 2
    assert row.same_day_share == pytest.approx(2 / 3)
