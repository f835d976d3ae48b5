"""The description pages: who sees them, who edits, what the forms answer, and that
another tenant's objects are "not found"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree

from samarkiv.accounts.roles import Role
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog import ead3
from samarkiv.catalog.choices import SchemeStatus
from samarkiv.catalog.demo import load_demo_description
from samarkiv.catalog.models import (
    AipDescription,
    Archive,
    ClassificationScheme,
    RecordsCreator,
    Series,
    Volume,
)
from tests.catalog.conftest import MARK, OTHER, OWN, make_aip
from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db


def client_as(role: Role, tenant: str = OWN) -> Client:
    return log_in(Client(), staff_user(role, tenant), tenant)


@pytest.fixture
def seeded(db):
    """Bjuv's demo description (Bjuv is a demo tenant), and Ystad's marked creator."""
    load_demo_description()
    RecordsCreator.objects.create(tenant_id=OTHER, code=MARK, name=f"{MARK} nämnd")
    return RecordsCreator.objects.get(tenant_id=OWN, code="bn")


def test_the_archivist_sees_the_creators_with_edit_links(seeded) -> None:
    body = client_as(Role.ARCHIVIST).get(reverse("catalog_ui:creators")).content.decode()
    assert "Byggnadsnämnden" in body and "Miljö- och byggnämnden" in body
    assert reverse("catalog_ui:creator_new") in body
    assert "<caption>" in body and MARK not in body


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.AUDITOR])
def test_readers_see_the_pages_without_edit_controls(seeded, role) -> None:
    client = client_as(role)
    listing = client.get(reverse("catalog_ui:creators")).content.decode()
    assert "Byggnadsnämnden" in listing and reverse("catalog_ui:creator_new") not in listing
    detail = client.get(reverse("catalog_ui:creator_detail", kwargs={"code": "bn"}))
    assert detail.status_code == 200
    assert reverse("catalog_ui:creator_edit", kwargs={"code": "bn"}) not in detail.content.decode()
    for name, kwargs in (
        ("creator_new", {}),
        ("creator_edit", {"code": "bn"}),
        ("archive_new", {"code": "bn"}),
        ("scheme_new", {}),
    ):
        assert client.get(reverse(f"catalog_ui:{name}", kwargs=kwargs)).status_code == 403
    assert (
        client.post(reverse("catalog_ui:creator_new"), {"code": "x", "name": "x"}).status_code
        == 403
    )
    assert not RecordsCreator.objects.filter(code="x").exists()


@pytest.mark.parametrize("role", [Role.SYSTEM])
def test_a_system_account_sees_nothing(seeded, role) -> None:
    client = client_as(role)
    assert client.get(reverse("catalog_ui:creators")).status_code == 403
    assert client.get(reverse("catalog_ui:tenant_inventory_xml")).status_code == 403


def test_host_staff_see_nothing() -> None:
    client = client_as(Role.IT_ARCHIVIST, "lund")
    assert client.get(reverse("catalog_ui:creators")).status_code == 403
    assert client.get(reverse("catalog_ui:schemes")).status_code == 403


def test_the_creator_page_shows_the_chain_and_the_tree(seeded) -> None:
    body = (
        client_as(Role.ARCHIVIST)
        .get(reverse("catalog_ui:creator_detail", kwargs={"code": "bn"}))
        .content.decode()
    )
    assert '<ol class="chain"' in body
    chain = body[body.index('<ol class="chain"') : body.index("</ol>")]
    assert chain.index("Miljö- och byggnämnden") < chain.index("Byggnadsnämnden</strong>")
    assert "uppgick i" in chain
    assert "SE/1260/BN" in body and "<details" in body and "Bygglovsakter" in body
    assert "Volymer i F1 Bygglovsakter" in body  # a table caption per series
    series = Series.objects.get(archive__reference_code="SE/1260/BN", code="F1")
    assert reverse("catalog_ui:volume_new", kwargs={"pk": series.pk}) in body


def test_another_tenants_objects_are_not_found(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    for name in ("creator_detail", "creator_edit", "inventory_xml", "inventory_pdf"):
        assert client.get(reverse(f"catalog_ui:{name}", kwargs={"code": MARK})).status_code == 404
    response = client.post(
        reverse("catalog_ui:creator_edit", kwargs={"code": MARK}), {"name": "kapad"}
    )
    assert response.status_code == 404
    assert RecordsCreator.objects.get(tenant_id=OTHER, code=MARK).name == f"{MARK} nämnd"


def test_creating_a_creator_and_its_archive_tree(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    response = client.post(
        reverse("catalog_ui:creator_new"),
        {"code": "tn", "name": "Tekniska nämnden", "active_from": "2001-01-01"},
    )
    detail = reverse("catalog_ui:creator_detail", kwargs={"code": "tn"})
    assert response.status_code == 302 and response["Location"] == detail
    assert "Arkivbildaren Tekniska nämnden är sparad." in client.get(detail).content.decode()
    client.post(
        reverse("catalog_ui:archive_new", kwargs={"code": "tn"}),
        {"reference_code": "SE/1260/TN", "title": "Tekniska nämnden"},
    )
    archive = Archive.objects.get(tenant_id=OWN, reference_code="SE/1260/TN")
    client.post(
        reverse("catalog_ui:series_new", kwargs={"pk": archive.pk}),
        {"code": "a1", "title": "Protokoll"},
    )
    series = Series.objects.get(archive=archive, code="A1")
    form = client.get(reverse("catalog_ui:volume_new", kwargs={"pk": series.pk})).content.decode()
    assert 'name="number" value="1"' in form
    response = client.post(
        reverse("catalog_ui:volume_new", kwargs={"pk": series.pk}),
        {"number": "1", "title": "Protokoll 2001", "date_start": "2001-01-01"},
    )
    assert response.status_code == 302 and f"#serie-{series.pk}" in response["Location"]
    assert Volume.objects.get(series=series).title == "Protokoll 2001"
    audited = AuditEntry.objects.filter(action=AuditAction.CONFIG_CHANGE, tenant=OWN).count()
    assert audited >= 4


def test_a_form_with_errors_answers_400_with_a_summary(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    response = client.post(
        reverse("catalog_ui:creator_new"),
        {"code": "bn", "name": "", "active_from": "2020-01-01", "active_until": "2019-01-01"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body and 'href="#id_name"' in body
    assert "Slutdatumet ligger före startdatumet." in body
    # The service's rules (a code taken in the tenant) come back on their fields too.
    response = client.post(reverse("catalog_ui:creator_new"), {"code": "bn", "name": "BN"})
    assert response.status_code == 400
    assert 'href="#id_code"' in response.content.decode()
    assert "Det finns redan: bn." in response.content.decode()


def test_relations_are_added_and_removed(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    sn = RecordsCreator.objects.get(tenant_id=OWN, code="sn")
    response = client.post(
        reverse("catalog_ui:relation_new", kwargs={"code": "ks"}),
        {"kind": "predecessor_of", "target": sn.pk, "date": "2010-01-01"},
    )
    assert response.status_code == 302
    body = client.get(reverse("catalog_ui:creator_detail", kwargs={"code": "sn"})).content.decode()
    assert "Kommunstyrelsen" in body[body.index('<ol class="chain"') :]
    foreign = RecordsCreator.objects.get(tenant_id=OTHER, code=MARK)
    response = client.post(
        reverse("catalog_ui:relation_new", kwargs={"code": "ks"}),
        {"kind": "predecessor_of", "target": foreign.pk},
    )
    assert response.status_code == 400  # not a choice in Bjuv's form
    relation = sn.relations_in.get()
    response = client.post(
        reverse("catalog_ui:relation_delete", kwargs={"pk": relation.pk}), {"creator": "sn"}
    )
    assert response["Location"] == reverse("catalog_ui:creator_detail", kwargs={"code": "sn"})
    assert not sn.relations_in.exists()


def test_the_scheme_page_copies_and_activates_versions(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    active = ClassificationScheme.objects.get(tenant_id=OWN, status=SchemeStatus.ACTIVE)
    body = client.get(
        reverse("catalog_ui:scheme_detail", kwargs={"pk": active.pk})
    ).content.decode()
    assert "<details open>" in body and "3.4.2" in body and "Handlägga bygglov" in body
    response = client.post(reverse("catalog_ui:scheme_copy", kwargs={"pk": active.pk}))
    draft = ClassificationScheme.objects.get(tenant_id=OWN, version=3)
    assert response["Location"] == reverse("catalog_ui:scheme_detail", kwargs={"pk": draft.pk})
    response = client.post(
        reverse("catalog_ui:node_new", kwargs={"pk": draft.pk}),
        {"code": "3.4.3", "title": "Handlägga rivningslov", "level": ""},
    )
    assert response.status_code == 302
    client.post(reverse("catalog_ui:scheme_activate", kwargs={"pk": draft.pk}))
    active.refresh_from_db()
    assert active.status == SchemeStatus.RETIRED
    retired = client.get(reverse("catalog_ui:scheme_detail", kwargs={"pk": active.pk})).content
    assert reverse("catalog_ui:node_new", kwargs={"pk": active.pk}).encode() not in retired
    listing = client.get(reverse("catalog_ui:schemes")).content.decode()
    assert "Utgången" in listing and "Gällande" in listing


def test_an_aip_is_linked_from_its_page(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    aip = make_aip(OWN, "Bygglov 2021")
    bn = RecordsCreator.objects.get(tenant_id=OWN, code="bn")
    volume = Volume.objects.get(series__archive__records_creator=bn, series__code="F1", number=1)
    node = bn.tenant.classification_schemes.get(status="active").nodes.get(code="3.4.2")
    url = reverse("catalog_ui:aip_description", kwargs={"aip_id": aip.pk})
    page = client.get(url).content.decode()
    assert 'name="records_creator"' in page and "3.4.2 Handlägga bygglov" in page
    response = client.post(url, {"records_creator": bn.pk, "series": "", "volume": ""})
    assert response.status_code == 400 and "klass eller en serie" in response.content.decode()
    response = client.post(
        url, {"records_creator": bn.pk, "volume": volume.pk, "classification_node": node.pk}
    )
    assert response.status_code == 302
    link = AipDescription.objects.get(aip=aip)
    assert link.series == volume.series and link.classification_node == node
    listing = client.get(reverse("catalog_ui:aips")).content.decode()
    assert "Byggnadsnämnden" in listing and aip.pk in listing
    foreign = make_aip(OTHER, f"{MARK} paket")
    foreign_url = reverse("catalog_ui:aip_description", kwargs={"aip_id": foreign.pk})
    assert client.get(foreign_url).status_code == 404
    assert client_as(Role.REGISTRAR).get(url).status_code == 403


def test_exports_are_served_validated_and_audited(seeded) -> None:
    client = client_as(Role.REGISTRAR)
    response = client.get(reverse("catalog_ui:inventory_xml", kwargs={"code": "bn"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert 'filename="arkivforteckning-bjuv-bn.xml"' in response["Content-Disposition"]
    assert ead3.validation_errors(response.content) == []
    root = etree.fromstring(response.content)
    unitid = root.findtext("e:archdesc/e:did/e:unitid", namespaces={"e": ead3.NS})
    assert unitid == "SE/1260/BN"
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert entry.object_id == "samarkiv:bjuv:bn" and entry.detail["format"] == "ead3"
    pdf = client.get(reverse("catalog_ui:tenant_inventory_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    whole = client.get(reverse("catalog_ui:tenant_inventory_xml")).content
    assert MARK.encode() not in whole and ead3.validation_errors(whole) == []


def test_the_pages_are_in_english_too(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("catalog_ui:creators")).content.decode()
    assert "Records creators" in body and "Ny arkivbildare" not in body


def _page_problems(html: str) -> list[str]:
    """What a screen-reader user would miss: headings, captions, labels, unique ids."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    main = tree.get_element_by_id("innehall")
    problems = []
    if len(main.findall(".//h1")) != 1:
        problems.append("not exactly one h1")
    problems += ["table without caption" for t in main.iter("table") if t.find("caption") is None]
    labelled = {label.get("for") for label in tree.iter("label")}
    for field in main.xpath(".//input[not(@type='hidden')]|.//select|.//textarea"):
        if field.get("id") not in labelled and not field.get("aria-label"):
            problems.append(f"unlabelled {field.tag} {field.get('name')}")
    ids = tree.xpath("//@id")
    problems += [f"duplicate id {i}" for i in set(ids) if ids.count(i) > 1]
    return problems


def test_every_page_has_headings_captions_and_labels(seeded) -> None:
    client = client_as(Role.ARCHIVIST)
    scheme = ClassificationScheme.objects.get(tenant_id=OWN, status=SchemeStatus.ACTIVE)
    archive = Archive.objects.get(tenant_id=OWN, reference_code="SE/1260/BN")
    series = archive.series.first()
    node = scheme.nodes.get(code="3.4.2")
    aip = make_aip()
    urls = [
        reverse("catalog_ui:creators"),
        reverse("catalog_ui:creator_new"),
        reverse("catalog_ui:creator_detail", kwargs={"code": "bn"}),
        reverse("catalog_ui:creator_detail", kwargs={"code": "mbn"}),
        reverse("catalog_ui:creator_edit", kwargs={"code": "bn"}),
        reverse("catalog_ui:relation_new", kwargs={"code": "bn"}),
        reverse("catalog_ui:archive_new", kwargs={"code": "bn"}),
        reverse("catalog_ui:archive_edit", kwargs={"pk": archive.pk}),
        reverse("catalog_ui:series_new", kwargs={"pk": archive.pk}),
        reverse("catalog_ui:series_edit", kwargs={"pk": series.pk}),
        reverse("catalog_ui:volume_new", kwargs={"pk": series.pk}),
        reverse("catalog_ui:volume_edit", kwargs={"pk": series.volumes.first().pk}),
        reverse("catalog_ui:schemes"),
        reverse("catalog_ui:scheme_new"),
        reverse("catalog_ui:scheme_detail", kwargs={"pk": scheme.pk}),
        reverse("catalog_ui:scheme_edit", kwargs={"pk": scheme.pk}),
        reverse("catalog_ui:node_new", kwargs={"pk": scheme.pk}),
        reverse("catalog_ui:node_edit", kwargs={"pk": node.pk}),
        reverse("catalog_ui:aips"),
        reverse("catalog_ui:aip_description", kwargs={"aip_id": aip.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _page_problems(response.content.decode()) == [], url
