"""Inventory import and export: per-row errors, nothing half-imported, round trips."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.models import SubmissionAgreement
from samarkiv.planning.models import Installation, SystemProduct
from samarkiv.planning.spreadsheet import (
    HEADERS,
    InventoryImportError,
    export_bytes,
    import_inventory,
    read_rows,
    template_bytes,
)
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

GOOD = {
    "kommun": "ystad",
    "system": "Public 360",
    "leverantör": "Tietoevry",
    "benämning": "KS diarium",
    "verksamhetsområde": "diarium",
    "informationstyper": "Diarieförda handlingar:bevaras; Loggar:gallras",
    "supportslut": "2028-06-30",
    "licenskostnad": "180 000",
    "fgs_export": "ja",
    "insats_timmar": "160",
}


def _csv(rows: list[dict], headers: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers or HEADERS, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v for k, v in row.items() if k in writer.fieldnames})
    return out.getvalue().encode("utf-8")


def _refused(data: bytes, name: str = "inventering.csv", scope=None) -> list[tuple[int, str]]:
    with pytest.raises(InventoryImportError) as caught:
        import_inventory(scope or operator_scope(), data, name)
    assert Installation.objects.count() == 0, "a refused file must import nothing"
    assert SystemProduct.objects.count() == 0
    return [(e.row, e.column) for e in caught.value.errors], caught.value


def test_a_good_file_imports_and_a_second_import_updates() -> None:
    second = GOOD | {"kommun": "Bjuvs kommun", "benämning": "Bjuvs diarium"}
    assert import_inventory(operator_scope(), _csv([GOOD, second]), "inv.csv") == 2
    ystad = Installation.objects.get(tenant_id="ystad")
    assert ystad.licence_cost == 180_000 and ystad.fgs_export and ystad.domain == "diarium"
    assert ystad.end_of_support == date(2028, 6, 30)
    assert ystad.information_types[0] == {"name": "Diarieförda handlingar", "retention": "keep"}
    assert SystemProduct.objects.count() == 1  # one product, two installations
    import_inventory(operator_scope(), _csv([GOOD | {"licenskostnad": "1"}]), "inv.csv")
    assert Installation.objects.count() == 2
    assert Installation.objects.get(tenant_id="ystad").licence_cost == 1
    assert AuditEntry.objects.filter(object_type="planning.inventory").count() == 2


def test_every_bad_row_is_named_and_nothing_is_imported() -> None:
    rows = [
        GOOD,
        GOOD | {"benämning": "A", "supportslut": "30/6 2028"},
        GOOD | {"benämning": "B", "licenskostnad": "-5"},
        GOOD | {"benämning": "C", "kommun": "Atlantis"},
        GOOD,  # duplicate of row 2
        GOOD | {"benämning": "D", "verksamhetsområde": "rymdfart"},
        GOOD | {"benämning": "E", "fgs_export": "kanske"},
        GOOD | {"benämning": "F", "informationstyper": "Akter"},
        GOOD | {"benämning": "G", "leveransöverenskommelse": "saknas"},
    ]
    found, error = _refused(_csv(rows))
    assert found == [
        (3, "supportslut"),
        (4, "licenskostnad"),
        (5, "kommun"),
        (6, "benämning"),
        (7, "verksamhetsområde"),
        (8, "fgs_export"),
        (9, "informationstyper"),
        (10, "leveransöverenskommelse"),
    ]
    text = error.message
    assert "Rad 3, kolumn supportslut: inte ett datum ÅÅÅÅ-MM-DD: 30/6 2028" in text
    assert "Rad 4, kolumn licenskostnad: får inte vara negativt: -5" in text
    assert "Rad 5, kolumn kommun: okänd kommun: Atlantis" in text
    assert "Rad 6, kolumn benämning: dubblett av rad 2" in text
    assert "inget sparades" in text
    refused = AuditEntry.objects.filter(object_type="planning.inventory").latest("pk")
    assert refused.outcome == "failure" and refused.detail["errors"] == 8


def test_a_missing_required_column_is_named() -> None:
    headers = [h for h in HEADERS if h != "insats_timmar"]
    found, error = _refused(_csv([GOOD], headers))
    assert found == [(1, "insats_timmar")]
    assert "obligatorisk kolumn saknas" in error.message


def test_an_archivist_may_import_only_for_their_own_municipality() -> None:
    scope = user_scope(staff_user(Role.ARCHIVIST, "bjuv"), "bjuv")
    found, _error = _refused(_csv([GOOD]), scope=scope)  # GOOD is Ystad's
    assert found == [(2, "kommun")]
    assert import_inventory(scope, _csv([GOOD | {"kommun": "bjuv"}]), "inv.csv") == 1
    registrar = user_scope(staff_user(Role.REGISTRAR, "bjuv"), "bjuv")
    found, _error = _refused_keep(_csv([GOOD | {"kommun": "bjuv", "benämning": "X"}]), registrar)
    assert found == [(2, "kommun")]


def _refused_keep(data: bytes, scope):
    with pytest.raises(InventoryImportError) as caught:
        import_inventory(scope, data, "inv.csv")
    return [(e.row, e.column) for e in caught.value.errors], caught.value


def _full_inventory() -> list[Installation]:
    agreement = SubmissionAgreement.objects.create(
        tenant_id="ystad", code="ks-diarium", name="KS diarium", specifications=["eark2"]
    )
    rows = [
        GOOD
        | {
            "arkivbildare": "Kommunstyrelsen; Kultur- och fritidsnämnden",
            "datamängd_gb": "12,5",
            "antal_poster": "45000",
            "format": "PDF/A, XML",
            "siard": "nej",
            "uttagsmodul": "ja",
            "uttagsmodul_kostnad": "85000",
            "avtalsslut": "2027-12-31",
            "driftkostnad": "90000",
            "supportkostnad": "40000",
            "verksamhet_upphört": "nej",
            "förfrågningar_per_år": "120",
            "registervård_klar": "ja",
            "gallring_klar": "nej",
            "förutsättningar_klara": "2027-09-30",
            "pilot": "ja",
            "leveransöverenskommelse": "ks-diarium",
            "anteckningar": "Gammal version 5.2; kör på egen server",
        },
        GOOD
        | {"kommun": "bjuv", "system": "Heroma", "leverantör": "CGI", "verksamhetsområde": "hr"},
    ]
    ks = RecordsCreator.objects.create(tenant_id="ystad", code="ks", name="Kommunstyrelsen")
    RecordsCreator.objects.create(tenant_id="bjuv", code="ks", name="Kommunstyrelsen")
    import_inventory(operator_scope(), _csv(rows), "inv.csv")
    ystad = Installation.objects.get(tenant_id="ystad")
    assert ystad.agreement == agreement
    assert list(ystad.records_creators.all()) == [ks]  # linked within the municipality only
    return list(Installation.objects.order_by("tenant_id"))


def _snapshot() -> list[tuple]:
    return [
        tuple(str(v) for v in row)
        for row in Installation.objects.order_by("tenant_id").values_list(
            "tenant_id", "product__name", "product__vendor", "name", "domain", "information_types",
            "volume_gb", "record_count", "formats", "fgs_export", "siard_able",
            "vendor_export_module", "export_module_cost", "end_of_support", "contract_end",
            "licence_cost", "operations_cost", "support_cost", "activity_ceased",
            "requests_per_year", "registry_care_done", "disposal_done", "prerequisites_expected",
            "pilot", "effort_hours", "agreement__code", "notes", "records_creators_text",
        )
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["inventering.xlsx", "inventering.csv"])
def test_export_then_import_gives_the_same_inventory(name: str) -> None:
    before = _snapshot_after(_full_inventory)
    data = export_bytes(list(Installation.objects.all()), name)
    Installation.objects.all().delete()
    assert import_inventory(operator_scope(), data, name) == 2
    assert _snapshot() == before
    if name.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(data)).active
        assert [c.value for c in sheet[1]] == HEADERS
        assert sheet.cell(2, HEADERS.index("supportslut") + 1).is_date


def _snapshot_after(make) -> list[tuple]:
    make()
    return _snapshot()


def test_an_xlsx_with_bad_cells_names_them_by_spreadsheet_row() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    row = [GOOD.get(h, "") for h in HEADERS]
    sheet.append(row)
    bad = list(row)
    bad[HEADERS.index("benämning")] = "Annan"
    bad[HEADERS.index("supportslut")] = "i morgon"
    bad[HEADERS.index("driftkostnad")] = -100
    sheet.append(bad)
    buffer = io.BytesIO()
    book.save(buffer)
    found, _error = _refused(buffer.getvalue(), "inv.xlsx")
    assert found == [(3, "supportslut"), (3, "driftkostnad")]


def test_the_template_is_importable_and_documents_every_column() -> None:
    data = template_bytes()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Inventering", "Instruktioner"]
    documented = [r[0].value for r in book["Instruktioner"].iter_rows(min_row=2)]
    assert documented == HEADERS
    assert read_rows(data, "mall.xlsx")[0] == HEADERS
    assert import_inventory(operator_scope(), data, "mall.xlsx") == 1
