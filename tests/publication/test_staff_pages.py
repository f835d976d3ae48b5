"""The staff pages of secrecy and publication, and their service's tenant scope.

Real requests through the test client: a registrar marks a record secret from the
record page and the public projection changes at once; an archivist adds, edits and
deactivates a rule; every change is in the audit log; the auditor may read but not
change; another municipality's staff gets 404 on every object and sees none of it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samarkiv.access.publication import public, service
from samarkiv.access.publication.models import (
    PublicationRule,
    PublishedRecord,
    RecordVisibility,
    SecrecyMarking,
)
from samarkiv.access.publication.refresh import refresh
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.errors import AccessDeniedError, NotFoundError
from tests.publication.builders import make_aip, make_file, make_record, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def bjuv_record(pub_home):
    PublicationRule.objects.create(tenant_id="bjuv", name="Allt", publish=True)
    aip = make_aip("bjuv")
    record = make_record(aip, title="Bygglov Kvarnen", date_end=date(2020, 5, 1))
    make_file(record, "data/ritning.pdf", "ritningstext")
    refresh(tenant="bjuv")
    return record


def test_registrar_marks_a_record_secret_from_the_record_page(bjuv_record, staff_client):
    client = staff_client(Role.REGISTRAR, "bjuv")
    page = client.get(reverse("search_ui:record", kwargs={"pk": bjuv_record.pk}))
    body = page.content.decode()
    assert "Sekretess och publicering" in body and "Publicerad" in body
    url = reverse("secrecy_ui:record_marking_new", kwargs={"record_id": bjuv_record.pk})
    assert url in body
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"ground": "26 kap. 1 § OSL", "harm_test": "omvant", "max_years": "70"}
    )
    assert response.status_code == 302
    marking = SecrecyMarking.objects.get(record_id=bjuv_record.pk)
    assert marking.target == "record" and marking.tenant_id == "bjuv"
    assert not PublishedRecord.objects.filter(pk=bjuv_record.pk).exists()
    assert public.public_search("Kvarnen").total == 0
    visibility = RecordVisibility.objects.get(pk=bjuv_record.pk)
    assert visibility.earliest_release == date(2090, 5, 1)
    entry = AuditEntry.objects.filter(action="decision", tenant="bjuv").latest("seq")
    assert entry.detail["secrecy_marking"] == "added"
    body = client.get(reverse("search_ui:record", kwargs={"pk": bjuv_record.pk})).content
    assert "2090-05-01" in body.decode()
    client.post(reverse("secrecy_ui:marking_delete", kwargs={"pk": marking.pk}))
    assert public.public_search("Kvarnen").total == 1


def test_a_file_marking_hides_only_that_file(bjuv_record, staff_client):
    client = staff_client(Role.ARCHIVIST, "bjuv")
    url = reverse("secrecy_ui:record_marking_new", kwargs={"record_id": bjuv_record.pk})
    client.post(url, {"file_path": "data/ritning.pdf", "ground": "OSL 18:8"})
    assert SecrecyMarking.objects.get().target == "file"
    published = public.published_record(bjuv_record.pk)
    assert public.published_files(published) == []
    assert public.public_search("ritningstext").total == 0


def test_archivist_manages_rules_and_every_change_refreshes(bjuv_record, staff_client):
    client = staff_client(Role.ARCHIVIST, "bjuv")
    assert client.get(reverse("secrecy_ui:overview")).status_code == 200
    assert client.get(reverse("secrecy_ui:rules")).status_code == 200
    response = client.post(
        reverse("secrecy_ui:rule_new"),
        {"name": "Aldrig bygglov", "publish": "0", "document_type": ""},
    )
    assert response.status_code == 302
    rule = PublicationRule.objects.get(name="Aldrig bygglov")
    assert public.public_search("Kvarnen").total == 0  # a never-rule wins
    edit = reverse("secrecy_ui:rule_edit", kwargs={"pk": rule.pk})
    client.post(edit, {"name": "Aldrig ritningar", "publish": "0", "document_type": "ritning"})
    assert public.public_search("Kvarnen").total == 1
    client.post(reverse("secrecy_ui:rule_deactivate", kwargs={"pk": rule.pk}))
    rule.refresh_from_db()
    assert not rule.active
    details = [e.detail.get("publication_rule") for e in AuditEntry.objects.order_by("seq")]
    assert [d for d in details if d] == ["created", "changed", "deactivated"]


def test_series_marking_form_offers_only_the_own_tenants_series(bjuv_record, staff_client):
    own = make_series("bjuv", code="F9", title="Bjuvs ärendeakter")
    make_series("ystad", code="F8", title="Ystads hemliga serie")
    client = staff_client(Role.ARCHIVIST, "bjuv")
    page = client.get(reverse("secrecy_ui:marking_new") + "?target=series").content.decode()
    assert "Bjuvs ärendeakter" in page and "Ystads hemliga serie" not in page
    response = client.post(
        reverse("secrecy_ui:marking_new") + "?target=series", {"series": own.pk, "ground": "x"}
    )
    assert response.status_code == 302
    assert SecrecyMarking.objects.get(target="series").series == own
    overview = client.get(reverse("secrecy_ui:overview")).content.decode()
    assert "Bjuvs ärendeakter" in overview


def test_auditor_without_content_access_gets_nothing(bjuv_record, staff_client):
    client = staff_client(Role.AUDITOR, "bjuv")
    assert client.get(reverse("secrecy_ui:overview")).status_code == 403
    assert client.get(reverse("secrecy_ui:rules")).status_code == 403
    assert client.get(reverse("secrecy_ui:rule_new")).status_code == 403
    url = reverse("secrecy_ui:record_marking_new", kwargs={"record_id": bjuv_record.pk})
    assert client.post(url, {"ground": "x"}).status_code == 403
    assert not SecrecyMarking.objects.exists()


def test_another_municipality_never_reaches_the_objects(bjuv_record, staff_client):
    rule = PublicationRule.objects.get(tenant_id="bjuv")
    marking = SecrecyMarking.objects.create(
        tenant_id="bjuv", target="record", record_id=bjuv_record.pk, ground="bjuvgrund"
    )
    refresh(tenant="bjuv")
    client = staff_client(Role.ARCHIVIST, "ystad")
    urls = [
        reverse("secrecy_ui:rule_edit", kwargs={"pk": rule.pk}),
        reverse("secrecy_ui:rule_deactivate", kwargs={"pk": rule.pk}),
        reverse("secrecy_ui:marking_delete", kwargs={"pk": marking.pk}),
        reverse("secrecy_ui:record_marking_new", kwargs={"record_id": bjuv_record.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"name": "x", "publish": "1", "ground": "y"}).status_code == 404
    for url in (reverse("secrecy_ui:overview"), reverse("secrecy_ui:rules")):
        body = client.get(url).content.decode()
        assert "bjuvgrund" not in body and "Allt" not in body
    assert SecrecyMarking.objects.filter(pk=marking.pk).exists()
    assert PublicationRule.objects.get(pk=rule.pk).active


def test_service_scope_narrows_to_the_acting_tenant(bjuv_record):
    from tests.factories import staff_user

    ystad = user_scope(staff_user(Role.ARCHIVIST, "ystad"), "ystad")
    bjuv = user_scope(staff_user(Role.REGISTRAR, "bjuv"), "bjuv")
    auditor = user_scope(staff_user(Role.AUDITOR, "bjuv"), "bjuv")
    assert list(service.list_rules(ystad)) == []
    assert service.overview(ystad).counts["published"] == 0
    assert service.overview(bjuv).counts["published"] == 1
    with pytest.raises(NotFoundError):
        service.add_marking(ystad, "record", {"record_id": bjuv_record.pk})
    with pytest.raises(NotFoundError):
        service.get_rule(ystad, PublicationRule.objects.get().pk)
    with pytest.raises(NotFoundError):
        service.record_secrecy(ystad, bjuv_record)
    with pytest.raises(AccessDeniedError):
        service.add_marking(auditor, "record", {"record_id": bjuv_record.pk})
    with pytest.raises(AccessDeniedError):
        service.overview(auditor)
    series = make_series("bjuv")
    with pytest.raises(NotFoundError):
        service.add_marking(ystad, "series", {"series": series.pk})
