"""The staff pages: who may read, edit, import, plan and pin; what each one sees."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope
from samarkiv.planning import service
from samarkiv.planning.models import Installation, PlanItem
from tests.planning.conftest import make_installation

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/planning/"


@pytest.fixture
def systems():
    bjuv = make_installation("bjuv", "Heroma", name="Bjuvs lönesystem", licence_cost=123_457)
    ystad = make_installation("ystad", "Public 360", name="Ystads hemliga diarium")
    service.run_plan(operator_scope())
    return bjuv, ystad


def test_an_archivist_edits_their_own_system_but_not_another_municipalitys(
    staff_client, systems
) -> None:
    bjuv, ystad = systems
    client = staff_client(Role.ARCHIVIST, "bjuv")
    assert client.get(f"/staff/planning/systems/{ystad.pk}/").status_code == 404
    response = client.post(f"/staff/planning/systems/{ystad.pk}/", {"name": "kapat"})
    assert response.status_code == 404
    assert Installation.objects.get(pk=ystad.pk).name == "Ystads hemliga diarium"
    page = client.get(f"/staff/planning/systems/{bjuv.pk}/")
    assert page.status_code == 200 and "Arkivbehov" in page.content.decode()
    form = {
        "product_name": "Heroma",
        "product_vendor": "CGI",
        "name": "Bjuvs lönesystem",
        "domain": "hr",
        "information_types_text": "Anställningsuppgifter:bevaras",
        "volume_gb": "3",
        "record_count": "10",
        "export_module_cost": "0",
        "licence_cost": "200000",
        "operations_cost": "0",
        "support_cost": "0",
        "requests_per_year": "4",
        "effort_hours": "90",
        "end_of_support": "2029-01-31",
    }
    assert client.post(f"/staff/planning/systems/{bjuv.pk}/", form).status_code == 302
    bjuv.refresh_from_db()
    assert bjuv.licence_cost == 200_000 and bjuv.product.vendor == "CGI"
    assert bjuv.information_types == [{"name": "Anställningsuppgifter", "retention": "keep"}]
    bad = client.post(f"/staff/planning/systems/{bjuv.pk}/", form | {"licence_cost": "-1"})
    assert bad.status_code == 400
    new = client.post("/staff/planning/systems/new/", form | {"name": "Nytt system"})
    assert new.status_code == 302
    assert Installation.objects.get(name="Nytt system").tenant_id == "bjuv"


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.AUDITOR, Role.IT_ARCHIVIST])
def test_only_the_archivist_changes_the_inventory(staff_client, systems, role) -> None:
    bjuv, _ystad = systems
    client = staff_client(role, None if role == Role.IT_ARCHIVIST else "bjuv")
    assert client.get(f"/staff/planning/systems/{bjuv.pk}/").status_code in (403, 404)
    assert client.get("/staff/planning/inventory/import/").status_code == 403


def test_municipal_dashboard_shows_own_costs_and_only_product_and_quarter_of_others(
    staff_client, systems
) -> None:
    client = staff_client(Role.REGISTRAR, "bjuv")
    body = client.get(DASHBOARD).content.decode()
    assert "Bjuvs lönesystem" in body and "123\u00a0457" in body
    assert "Ystads kommun" in body and "Ystads hemliga diarium" not in body  # the shared plan
    # Only Ystad runs Public 360 so far: its product name is Ystad's word, shown by domain.
    assert "Public 360" not in body
    assert "Diarium och ärendehantering (kommunens eget system)" in body
    make_installation("lund", "Public 360")
    service.run_plan(operator_scope())
    assert "Public 360" in client.get(DASHBOARD).content.decode()
    assert client.post("/staff/planning/replan/").status_code == 403
    assert client.get("/staff/planning/plan.pdf").status_code == 403
    item = PlanItem.objects.get(installation__tenant="ystad")
    assert client.post("/staff/planning/pin/", {"item": item.pk, "quarter": 2}).status_code == 403


def test_host_planners_replan_pin_and_change_weights(staff_client, systems) -> None:
    _bjuv, ystad = systems
    client = staff_client(Role.IT_ARCHIVIST)
    body = client.get(DASHBOARD).content.decode()
    assert "Ystads hemliga diarium" not in body  # a municipality's own words
    assert "Heroma" not in body and "(kommunens eget system)" in body  # only Bjuv runs it
    assert 'data-reason="score_rank"' in body
    item = PlanItem.objects.get(installation=ystad)
    assert client.post("/staff/planning/pin/", {"item": item.pk, "quarter": 3}).status_code == 302
    assert client.post("/staff/planning/replan/").status_code == 302
    item.refresh_from_db()
    assert item.quarter == 3 and item.pinned_quarter == 3
    settings = {f: getattr(service.plan_settings(), f) for f in service.SETTING_FIELDS}
    response = client.post("/staff/planning/settings/", settings | {"weight_demand": 7})
    assert response.status_code == 302
    assert service.plan_settings().weight_demand == 7
    refused = client.post("/staff/planning/settings/", settings | {"weight_demand": 11})
    assert refused.status_code == 400
    csv_body = client.get("/staff/planning/plan.csv").content.decode("utf-8-sig")
    assert "Ystads kommun" in csv_body and "Ystads hemliga diarium" not in csv_body


def test_inventory_export_is_the_own_municipalitys(staff_client, systems) -> None:
    client = staff_client(Role.AUDITOR, "bjuv")
    response = client.get("/staff/planning/inventory/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["bjuv"]
    template = client.get("/staff/planning/inventory/template.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "Inventering"


def test_import_page_shows_each_row_error_and_imports_nothing(staff_client, systems) -> None:
    client = staff_client(Role.ARCHIVIST, "bjuv")
    data = (
        "kommun;system;benämning;verksamhetsområde;insats_timmar;supportslut\n"
        "bjuv;Ecos;Miljö;building;100;2028-01-01\n"
        "ystad;Ecos;Miljö;building;100;2028-13-01\n"
    ).encode()
    upload = io.BytesIO(data)
    upload.name = "inventering.csv"
    response = client.post("/staff/planning/inventory/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "du får inte ändra den kommunens inventering" in body
    assert "inte ett datum" in body
    assert not Installation.objects.filter(product__name="Ecos").exists()


def test_an_impossible_plan_is_refused_with_the_constraint_named(staff_client, systems) -> None:
    bjuv, _ystad = systems
    bjuv.pilot, bjuv.registry_care_done = True, False
    bjuv.save()
    client = staff_client(Role.PLATFORM_ADMIN)
    before = list(PlanItem.objects.values_list("pk", "quarter"))
    response = client.post("/staff/planning/replan/", follow=True)
    body = response.content.decode()
    assert "Planen kunde inte göras: Piloten" in body
    assert "förutsättningarna är klara först kvartal 3" in body
    assert list(PlanItem.objects.values_list("pk", "quarter")) == before  # the old plan stays
