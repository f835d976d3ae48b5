"""The record page: a case with its documents and files, masked personal identity
numbers and their audited reveal, and who may not see it at all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samarkiv.auditlog.models import AuditEntry
from samarkiv.preservation.choices import (
    EventTypeChoice,
    FindingKind,
    FindingState,
    OutcomeChoice,
)
from samarkiv.preservation.models import AuditFinding, AuditRun, PreservationEvent
from tests.search_ui.conftest import Case, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    return make_case("lund")


@pytest.fixture
def client(staff_client) -> Client:
    return staff_client("archivist", "lund")


def _url(record) -> str:
    return f"/staff/records/{record.pk}/"


def _views(record) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="view", object_id=str(record.pk)))


def test_case_page_shows_metadata_documents_and_their_files(client: Client, case: Case) -> None:
    response = client.get(_url(case.case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Bygglov för enbostadshus</h1>" in html
    assert '<span class="badge badge-neutral">Ärende</span>' in html
    for label, value in [
        ("Diarienummer", "<code>BN 2019/123</code>"),
        ("Handläggare", "Karin Handläggare"),
        ("Klassificering", "<code>3.4.2</code>"),
        ("Arkivbildare", "Byggnadsnämnden"),
        ("Kommun", "Lunds kommun"),
    ]:
        assert re.search(rf"<dt>{label}</dt><dd>{re.escape(value)}", html), label
    assert '<time datetime="2019-03-01">2019-03-01</time>–<time datetime="2019-06-30">' in html
    assert f'href="/staff/aips/{case.aip.pk}/">Bygglov 2019</a>' in html

    # Documents in the case's order (created out of order), each with its file.
    ritning, beslut = case.documents
    assert html.index(f'href="{_url(ritning)}">Ritning</a>') < html.index(
        f'href="{_url(beslut)}">Beslut</a>'
    )
    for aip_file in case.files:
        assert aip_file.path in html
        assert f"<code>{aip_file.sha256}</code>" in html
    assert "<code>fmt/95</code>" in html and "<code>fmt/354</code>" in html
    assert 'Acrobat PDF/A <span class="muted">1b</span>' in html
    assert "12,1\xa0kB" in html  # filesizeformat, Swedish
    assert "Verifierad vid lagring" in html  # stored, never audited yet
    assert "Handlingar i ärendet" in html

    # Validation problems of the extraction are shown to the archivist.
    assert "Problem i den beskrivande metadatan" in html
    assert "Element &#x27;Rubrik&#x27; saknas" in html and "(rad 12)" in html

    [entry] = _views(case.case)
    assert (entry.actor, entry.tenant) == (f"user:{client.user.username}", "lund")
    assert entry.object_type == "records.record"
    assert entry.detail in ({}, None)


def test_document_page_links_back_to_its_case(client: Client, case: Case) -> None:
    ritning = case.documents[0]
    html = client.get(_url(ritning)).content.decode()
    assert f'href="{_url(case.case)}">Ärende: Bygglov för enbostadshus</a>' in html
    assert '<span class="badge badge-neutral">Handling</span>' in html
    assert "Ritning.pdf" in html and "Beslut.pdf" not in html
    assert "Handlingar i ärendet" not in html


def test_personal_identity_numbers_are_masked_until_asked_for(client: Client, case: Case) -> None:
    html = client.get(_url(case.case)).content.decode()
    assert "19121212-****" in html
    assert "19121212-1212" not in html
    assert "Tolvan Tolvansson" in html
    assert 'name="visa" value="personnummer"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert [e.detail for e in _views(case.case)] == [{}]

    response = client.post(_url(case.case), {"visa": "personnummer"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "19121212-1212" in html
    assert "Visningen har skrivits i granskningsloggen." in html
    assert 'name="visa" value="personnummer"' not in html
    assert "no-store" in response["Cache-Control"]
    details = [e.detail for e in _views(case.case)]
    assert details == [{}, {"personal_id": "shown"}]


def test_a_post_without_the_reveal_button_stays_masked(client: Client, case: Case) -> None:
    html = client.post(_url(case.case), {}).content.decode()
    assert "19121212-****" in html and "19121212-1212" not in html
    assert [e.detail for e in _views(case.case)] == [{}]


def test_reveal_needs_the_csrf_token(case: Case, staff_client) -> None:
    client = staff_client("archivist", "lund", Client(enforce_csrf_checks=True))
    response = client.post(_url(case.case), {"visa": "personnummer"})
    assert response.status_code == 403
    assert b"19121212-1212" not in response.content
    assert not AuditEntry.objects.filter(detail__personal_id="shown").exists()


def test_another_tenants_record_is_not_found(staff_client, case: Case) -> None:
    client = staff_client("archivist", "bjuv")
    assert client.get(_url(case.case)).status_code == 404
    response = client.post(_url(case.case), {"visa": "personnummer"})
    assert response.status_code == 404
    assert b"19121212" not in response.content
    assert _views(case.case) == []


def test_an_unknown_record_is_not_found(client: Client) -> None:
    assert client.get("/staff/records/6f1c1a52-0000-4000-8000-000000000000/").status_code == 404


@pytest.mark.parametrize("role", ["it_archivist", "auditor"])
def test_staff_without_content_access_are_refused(staff_client, case: Case, role: str) -> None:
    client = staff_client(role) if role == "it_archivist" else staff_client(role, "lund")
    assert client.get(_url(case.case)).status_code == 403
    assert client.post(_url(case.case), {"visa": "personnummer"}).status_code == 403
    assert _views(case.case) == []


def test_anonymous_visitors_are_sent_to_the_login(case: Case) -> None:
    response = Client().get(_url(case.case))
    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={_url(case.case)}"


def test_fixity_shows_the_last_audit_and_open_findings(client: Client, case: Case) -> None:
    checked = timezone.now() - timedelta(hours=2)
    PreservationEvent.objects.create(
        identifier="0b6f3c0e-1111-4a7e-9a59-7f1b2c3d4e5f",
        aip=case.aip,
        event_type=EventTypeChoice.FIXITY_CHECK,
        date_time=checked,
        outcome=OutcomeChoice.SUCCESS,
    )
    run = AuditRun.objects.create(location="primary")
    AuditFinding.objects.create(
        run=run,
        aip=case.aip,
        location="primary",
        content_path="v1/content/x",
        logical_path=f"aip-folder/{case.files[1].path}",
        kind=FindingKind.CORRUPT,
        state=FindingState.UNREPAIRABLE,
    )
    html = client.get(_url(case.case)).content.decode()
    assert html.count('<span class="badge badge-ok">Kontrollerad</span>') == 1  # Ritning
    assert html.count('<span class="badge badge-bad">Avvikelse</span>') == 1  # Beslut
    assert f'<time datetime="{timezone.localtime(checked).isoformat()}' in html
    assert "primary: skadad, kan inte repareras" in html


def test_identity_numbers_in_the_title_wait_for_the_reveal(client: Client, case: Case) -> None:
    record = case.documents[0]
    record.title = "Yttrande om 19121212-1212"
    record.save()
    html = client.get(_url(record)).content.decode()
    assert "<h1>Yttrande om 19121212-****</h1>" in html
    assert 'name="visa" value="personnummer"' in html
    html = client.post(_url(record), {"visa": "personnummer"}).content.decode()
    assert "<h1>Yttrande om 19121212-1212</h1>" in html
    assert [e.detail for e in _views(record)] == [{}, {"personal_id": "shown"}]


def test_a_protected_identity_hides_the_name_until_the_reveal(client: Client, case: Case) -> None:
    case.case.parties = [{"name": "Hemlig Person", "role": "Part", "protected_identity": True}]
    case.case.save()
    html = client.get(_url(case.case)).content.decode()
    assert "Hemlig Person" not in html
    assert "Namnet döljs" in html and "Skyddad identitet" in html
    html = client.post(_url(case.case), {"visa": "personnummer"}).content.decode()
    assert "Hemlig Person" in html
