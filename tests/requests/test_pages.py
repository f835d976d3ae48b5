"""The request pages through the Django test client: citizen and staff."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from datetime import timedelta

import pypdf
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samarkiv.access.requests import release
from samarkiv.access.requests.choices import RequestState
from samarkiv.access.requests.models import AccessRequest, DownloadLink
from samarkiv.accounts.roles import Role
from samarkiv.auditlog.models import AuditEntry

pytestmark = pytest.mark.django_db
GROUND = "21 kap. 1 § OSL"


def _submit(client: Client, **data) -> tuple[AccessRequest, str]:
    response = client.post(reverse("requests_public:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = client.get(response["Location"])
    body = receipt.content.decode()
    status_url = re.search(r'id="foljlank" href="([^"]+)"', body).group(1)
    request = AccessRequest.objects.latest("pk")
    assert request.number in body
    again = client.get(reverse("requests_public:receipt")).content.decode()
    assert request.number not in again  # shown once
    return request, status_url.replace("&amp;", "&")


def test_the_stub_form_shows_only_what_the_stub_shows(client, horby):
    url = reverse("requests_public:new") + f"?stub={horby.stub.pk}"
    body = client.get(url).content.decode()
    assert "Bygglovsärenden" in body and "Hörby kommun" in body
    assert "Stenby" not in body and "Tolvan" not in body and "BN 2023/145" not in body
    assert "csrfmiddlewaretoken" in body
    assert 'name="tenant"' not in body  # routed by the record, not chosen
    assert client.get(reverse("requests_public:new") + "?stub=nonsense").status_code == 404


def test_the_record_form_names_the_published_record(client, horby):
    url = reverse("requests_public:new") + f"?record={horby.published.pk}"
    body = client.get(url).content.decode()
    assert "BN 2023/301" in body and "förskola" in body


def test_csrf_is_required():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("requests_public:new"), {"tenant": "bjuv", "description": "x"})
    assert response.status_code == 403
    assert not AccessRequest.objects.exists()


def test_free_text_request_and_status_needs_the_key(client):
    request, status_url = _submit(
        client, tenant="bjuv", description="Bygglov Storgatan 1", email="svar@example.se"
    )
    assert request.tenant_id == "bjuv" and request.email == "svar@example.se"
    assert len(mail.outbox) == 1 and status_url in mail.outbox[0].body
    page = client.get(status_url)
    assert page.status_code == 200 and "Mottagen" in page.content.decode()
    plain = reverse("requests_public:status", kwargs={"number": request.number})
    assert client.get(plain).status_code == 404
    assert client.get(plain + "?k=wrong").status_code == 404


def test_free_text_needs_a_municipality_and_a_description(client):
    response = client.post(reverse("requests_public:new"), {"tenant": "", "description": ""})
    assert response.status_code == 400
    assert not AccessRequest.objects.exists()


def _decide(staff, request, files_data: dict, **extra):
    url = reverse("requests_ui:detail", kwargs={"number": request.number})
    data = {"outcome": "partial", "ground": GROUND, "appeal_text": "", **files_data, **extra}
    return staff.post(url, data)


def test_staff_partial_release_and_the_citizen_downloads(client, staff_client, horby):
    request, status_url = _submit(client, stub=str(horby.stub.pk), email="svar@example.se")
    staff = staff_client(Role.REGISTRAR, "horby")
    queue = staff.get(reverse("requests_ui:queue")).content.decode()
    assert request.number in queue
    detail = staff.get(reverse("requests_ui:detail", kwargs={"number": request.number}))
    body = detail.content.decode()
    assert detail.status_code == 200 and "Stenby 3:12" in body and "kammarrätten" in body
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW
    names = re.findall(r"<legend>([^<]+?) <span", body)
    index = names.index("ansökan om bygglov.pdf")
    files = {f"file_{i}_include": "on" for i in range(len(names))}
    files[f"file_{index}_pages"] = "1"
    response = _decide(staff, request, files, masked_fields=["parties"])
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Beskedet har skickats" in staff.get(response["Location"]).content.decode()
    link_mail = mail.outbox[-1].body
    download = re.search(r"(http://testserver/begaran/hamta/[^/\s]+/)", link_mail).group(1)

    status = client.get(status_url).content.decode()
    assert "Delvis bifall" in status and GROUND in status and "kammarrätten" in status
    listing = client.get(download)
    assert listing.status_code == 200
    file_url = re.search(
        r'href="([^"]+)" download>ansökan om bygglov.pdf', listing.content.decode()
    )
    pdf = client.get(file_url.group(1))
    data = b"".join(pdf.streaming_content)
    assert "Tolvan" not in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    dip = client.get(download + "alla.zip")
    assert dip["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(dip.streaming_content))) as archive:
        names = archive.namelist()
        inside = next(n for n in names if n.endswith("/data/ansökan om bygglov.pdf"))
        masked = archive.read(inside)
    assert any(n.endswith("METS.xml") for n in names)
    assert masked == data  # the DIP carries the masked copy, not the original
    link = DownloadLink.objects.get(request=request)
    assert link.download_count == 2

    DownloadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    gone = client.get(download)
    assert gone.status_code == 410 and request.number in gone.content.decode()
    assert client.get(file_url.group(1)).status_code == 410
    assert AuditEntry.objects.filter(action="download", tenant="horby").count() == 2


def test_partial_needs_a_ground_and_valid_pages(staff_client, horby, client):
    request, _ = _submit(client, stub=str(horby.stub.pk))
    staff = staff_client(Role.ARCHIVIST, "horby")
    staff.get(reverse("requests_ui:detail", kwargs={"number": request.number}))
    assert _decide(staff, request, {}, ground="").status_code == 400
    assert _decide(staff, request, {"file_0_pages": "1-x"}).status_code == 400
    beyond = _decide(staff, request, {"file_0_include": "on", "file_0_pages": "99"})
    assert beyond.status_code == 400  # page 99 of a one-page PDF: refused, nothing kept
    assert not release.released_dir(request.number).exists()
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW


def test_other_municipalities_and_roles_never_reach_the_request(client, staff_client, horby):
    request, _ = _submit(client, stub=str(horby.stub.pk))
    detail = reverse("requests_ui:detail", kwargs={"number": request.number})
    close = reverse("requests_ui:close", kwargs={"number": request.number})
    for role, tenant in ((Role.ARCHIVIST, "ystad"), (Role.REGISTRAR, "bjuv")):
        other = staff_client(role, tenant)
        assert request.number not in other.get(reverse("requests_ui:queue")).content.decode()
        assert other.get(detail).status_code == 404
        assert other.post(detail, {"outcome": "release"}).status_code == 404
        assert other.post(close).status_code == 404
    for role, tenant in ((Role.AUDITOR, "horby"), (Role.PLATFORM_ADMIN, "lund")):
        assert staff_client(role, tenant).get(detail).status_code == 403
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED


def test_statistics_per_municipality(client, staff_client, horby):
    _submit(client, stub=str(horby.stub.pk))
    _submit(client, tenant="bjuv", description="Protokoll")
    own = staff_client(Role.REGISTRAR, "bjuv").get(reverse("requests_ui:stats")).content.decode()
    assert "Bjuvs kommun" in own and "Hörby kommun" not in own and "<svg" in own
    admin = staff_client(Role.PLATFORM_ADMIN, "lund").get(reverse("requests_ui:stats"))
    body = admin.content.decode()
    assert admin.status_code == 200 and "Bjuvs kommun" in body and "Hörby kommun" in body
    assert (
        staff_client(Role.IT_ARCHIVIST, "lund").get(reverse("requests_ui:stats")).status_code == 403
    )


def test_detail_shows_the_records_secrecy_markings(client, staff_client, horby):
    from samarkiv.access.publication.choices import HarmTest, MarkingTarget
    from samarkiv.access.publication.models import SecrecyMarking

    stenby = horby.cases["BN 2023/145"]
    SecrecyMarking.objects.create(
        tenant_id="horby",
        target=MarkingTarget.RECORD,
        record_id=stenby.pk,
        ground="21 kap. 1 § OSL",
        harm_test=HarmTest.REVERSE,
        max_years=70,
        period_start=dt.date(2023, 6, 20),
        protected_identity=True,
    )
    request, _ = _submit(client, stub=str(horby.stub.pk))
    staff = staff_client(Role.REGISTRAR, "horby")
    body = staff.get(reverse("requests_ui:detail", kwargs={"number": request.number}))
    text = body.content.decode()
    assert "21 kap. 1 § OSL" in text and "2093-06-20" in text and "Omvänt" in text
    assert "70 år" in text


def test_a_free_text_request_is_linked_to_a_record_then_released(client, staff_client, horby):
    request, status_url = _submit(client, tenant="horby", description="Förskolan på Ljungen")
    staff = staff_client(Role.ARCHIVIST, "horby")
    link = reverse("requests_ui:link", kwargs={"number": request.number})
    staff.post(link, {"record": "BN 1999/1"})  # no such diarienummer
    request.refresh_from_db()
    assert request.record_id is None
    other = staff_client(Role.ARCHIVIST, "ystad")
    assert other.post(link, {"record": "BN 2023/301"}).status_code == 404
    staff.post(link, {"record": "BN 2023/301"})
    request.refresh_from_db()
    assert request.record_id == horby.cases["BN 2023/301"].pk
    detail = reverse("requests_ui:detail", kwargs={"number": request.number})
    assert "förskola" in staff.get(detail).content.decode()
    assert staff.post(detail, {"outcome": "release", "appeal_text": ""}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DELIVERED
    assert "Till de utlämnade handlingarna" in client.get(status_url).content.decode()


def test_releasing_a_free_text_request_without_a_record_sends_nothing(client, staff_client):
    request, status_url = _submit(client, tenant="bjuv", description="Något")
    staff = staff_client(Role.REGISTRAR, "bjuv")
    detail = reverse("requests_ui:detail", kwargs={"number": request.number})
    assert staff.post(detail, {"outcome": "release"}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DECIDED and not request.links.exists()
    assert "Bifall" in client.get(status_url).content.decode()


def test_staff_check_the_copies_and_renew_an_expired_link(client, staff_client, horby):
    request, status_url = _submit(client, stub=str(horby.stub.pk))
    staff = staff_client(Role.REGISTRAR, "horby")
    detail = reverse("requests_ui:detail", kwargs={"number": request.number})
    assert staff.post(detail, {"outcome": "release"}).status_code == 302
    row = request.released.get(name="ansökan om bygglov.pdf")
    kwargs = {"number": request.number, "pk": row.pk}
    copy = staff.get(reverse("requests_ui:released_file", kwargs=kwargs))
    assert b"".join(copy.streaming_content)[:5] == b"%PDF-"
    other = staff_client(Role.ARCHIVIST, "ystad")
    assert other.get(reverse("requests_ui:released_file", kwargs=kwargs)).status_code == 404
    renew = reverse("requests_ui:new_link", kwargs={"number": request.number})
    assert other.post(renew).status_code == 404

    DownloadLink.objects.filter(request=request).update(expires_at=timezone.now())
    assert "slutat gälla" in client.get(status_url).content.decode()
    assert staff.post(renew).status_code == 302
    assert request.links.count() == 2
    page = client.get(status_url).content.decode()
    fresh = re.search(r'id="hamta-lank" href="([^"]+)"', page).group(1)
    assert client.get(fresh).status_code == 200


def test_too_many_requests_from_one_address_get_429(client, monkeypatch):
    from samarkiv.web.requests import public_views

    monkeypatch.setattr(public_views, "SUBMIT_LIMIT", 2)
    for _ in range(2):
        _submit(client, tenant="bjuv", description="Protokoll")
    refused = client.post(reverse("requests_public:new"), {"tenant": "bjuv", "description": "x"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert AccessRequest.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert (
        other.post(
            reverse("requests_public:new"), {"tenant": "bjuv", "description": "y"}
        ).status_code
        == 302
    )
