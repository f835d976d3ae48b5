"""Deciding requests on a real stored AIP: masked copies, untouched originals, links."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from django.core import mail
from django.utils import timezone

from samarkiv.access.requests import downloads, release, service
from samarkiv.access.requests.choices import Outcome, RequestState
from samarkiv.access.requests.models import DownloadLink, ReleasedFile
from samarkiv.access.requests.release import DecisionInput, FileChoice
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.records.aipfiles import read_aip_file
from samarkiv.errors import ConflictError, NotFoundError
from samarkiv.preservation.models import AipFile
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
GROUND = "21 kap. 1 § OSL"


def _scope(tenant: str = "horby", role: Role = Role.REGISTRAR):
    return user_scope(staff_user(role, tenant), tenant)


def _file(horby, name: str) -> AipFile:
    return AipFile.objects.get(aip=horby.aip, path__endswith=f"/{name}")


def _partial(horby) -> DecisionInput:
    application = _file(horby, "ansökan om bygglov.pdf")
    decision = _file(horby, "beslut om bygglov.docx")
    return DecisionInput(
        outcome=Outcome.PARTIAL,
        ground=GROUND,
        reasoning="Uppgifter om sökandens hälsa.",
        masked_fields=["parties", "description"],
        files=[
            FileChoice(application.pk, include=True, pages=[1]),
            FileChoice(decision.pk, include=False),
        ],
    )


def _events(request) -> list[str]:
    rows = AuditEntry.objects.filter(tenant="horby").order_by("seq")
    return [row.detail.get("event") for row in rows if row.detail.get("number") == request.number]


def test_partial_release_masks_copies_and_never_touches_the_original(horby):
    application = _file(horby, "ansökan om bygglov.pdf")
    original = read_aip_file(horby.aip, application.path, 10**7)
    assert "Tolvan Tolvansson" in pypdf.PdfReader(io.BytesIO(original)).pages[0].extract_text()
    request, _secret = service.submit_request(stub_id=str(horby.stub.pk), email="a@example.se")
    scope = _scope()
    service.open_request(scope, request.number)

    decided = release.decide(scope, request.number, _partial(horby))

    request.refresh_from_db()
    assert request.state == RequestState.DELIVERED and decided.token
    rows = {row.name: row for row in ReleasedFile.objects.filter(request=request)}
    assert set(rows) == {
        "ansökan om bygglov.pdf",
        "ritning fasad och plan.pdf",
        release.METADATA_NAME,
    }  # the withheld decision document is not released
    folder = release.released_dir(request.number)
    masked = (folder / "ansökan om bygglov.pdf").read_bytes()
    text = pypdf.PdfReader(io.BytesIO(masked)).pages[0].extract_text()
    assert text.strip() == f"Maskerad enligt {GROUND}" and "Tolvan" not in text
    assert rows["ansökan om bygglov.pdf"].masked and rows["ansökan om bygglov.pdf"].masking == {
        "pages": [1]
    }
    assert hashlib.sha256(masked).hexdigest() == rows["ansökan om bygglov.pdf"].sha256
    drawing = (folder / "ritning fasad och plan.pdf").read_bytes()
    assert drawing == read_aip_file(
        horby.aip, _file(horby, "ritning fasad och plan.pdf").path, 10**7
    )
    sheet = (folder / release.METADATA_NAME).read_text("utf-8")
    assert "Parter: [maskerat]" in sheet and "Tolvan" not in sheet and "Stenby 3:12" in sheet
    # The AIP's file is byte for byte what was ingested.
    again = read_aip_file(horby.aip, application.path, 10**7)
    assert again == original and hashlib.sha256(again).hexdigest() == application.sha256
    assert _events(request) == ["received", "opened", "decided", "masked", "masked", "link_created"]
    masking = AuditEntry.objects.filter(action="masking", detail__source__path=application.path)
    assert masking.get().detail["source"]["sha256"] == application.sha256
    assert len(mail.outbox) == 0  # the view sends; the service only decides


def test_download_link_counts_logs_and_expires(horby):
    request, _ = service.submit_request(stub_id=str(horby.stub.pk))
    decided = release.decide(_scope(), request.number, DecisionInput(outcome=Outcome.RELEASE))
    link = downloads.link_for(decided.token)
    assert link.token_digest == service.digest(decided.token)
    assert release.link_token(link) == decided.token
    assert decided.token not in (link.token_digest, link.salt)  # only derivable, never kept
    names = {row.name for row in ReleasedFile.objects.filter(request=request)}
    assert "beslut om bygglov.docx" in names and release.METADATA_NAME in names
    downloads.record_download(link, "*")
    link.refresh_from_db()
    assert link.download_count == 1
    assert (link.expires_at - link.created_at) == timedelta(days=14)

    DownloadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for _attempt in range(2):
        with pytest.raises(downloads.LinkExpiredError):
            downloads.link_for(decided.token)
    with pytest.raises(NotFoundError):
        downloads.link_for(decided.token + "x")
    assert _events(request).count("link_expired") == 1
    assert _events(request).count("downloaded") == 1


def test_refusal_has_no_copies_and_carries_the_appeal_text(horby):
    request, _ = service.submit_request(stub_id=str(horby.stub.pk))
    decided = release.decide(
        _scope(role=Role.ARCHIVIST),
        request.number,
        DecisionInput(outcome=Outcome.REFUSAL, ground=GROUND, reasoning="Hälsouppgifter."),
    )
    request.refresh_from_db()
    assert decided.token is None and request.state == RequestState.DECIDED
    assert not ReleasedFile.objects.filter(request=request).exists()
    assert not release.released_dir(request.number).exists()
    text = decided.decision.appeal_text
    assert "kammarrätten" in text and "tre veckor" in text and "Hörby kommun" in text
    with pytest.raises(ConflictError):
        release.decide(_scope(), request.number, DecisionInput(outcome=Outcome.RELEASE))


def test_another_municipality_cannot_decide_or_see(horby):
    request, _ = service.submit_request(stub_id=str(horby.stub.pk))
    for tenant, role in (("ystad", Role.ARCHIVIST), ("bjuv", Role.REGISTRAR)):
        scope = _scope(tenant, role)
        with pytest.raises(NotFoundError):
            release.decide(scope, request.number, DecisionInput(outcome=Outcome.RELEASE))
        with pytest.raises(NotFoundError):
            service.open_request(scope, request.number)
        assert not service.staff_requests(scope).exists()
    auditor = _scope(role=Role.AUDITOR)
    assert not service.staff_requests(auditor).exists()
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED
