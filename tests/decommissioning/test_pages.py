"""The decommissioning pages with the test client: each step by its form, refusals shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samarkiv.accounts.roles import Role
from samarkiv.decommissioning.models import Decommissioning
from samarkiv.preservation.models import AipFile

pytestmark = pytest.mark.django_db
NATIONS = Path("/work/shared/corpus/siard/sfa-siard-SiardCmd/nations.siard")


def url(name: str, pk: int) -> str:
    return reverse(f"databases_ui:{name}", kwargs={"pk": pk})


def text(response) -> str:
    return response.content.decode("utf-8")


@pytest.mark.slow
def test_upload_to_decommissioned_through_the_forms(home, staff_client) -> None:
    client = staff_client(Role.ARCHIVIST, "bjuv")
    created = client.post(
        reverse("databases_ui:decommissioning_new"),
        {"system": "Nationsregistret", "vendor": "Exempel AB"},
    )
    assert created.status_code == 302
    item = Decommissioning.objects.get()
    early = client.post(url("step_certify", item.pk), follow=True)
    assert "Steget kunde inte göras" in text(early)  # out of order: refused, shown
    upload = SimpleUploadedFile("nations.siard", NATIONS.read_bytes())
    client.post(url("step_upload", item.pk), {"siard": upload})
    page = text(client.get(url("decommissioning_detail", item.pk)))
    assert "Jämfört med SIARD-filens metadata" in page and "countries" in page
    auditor = staff_client(Role.AUDITOR, "bjuv")
    assert auditor.post(url("step_review", item.pk), {"beslut": "godkann"}).status_code == 403
    client.post(url("step_review", item.pk), {"beslut": "godkann", "kommentar": "OK"})
    manual = SimpleUploadedFile("Användarmanual BLR.txt", "Så används systemet.".encode())
    client.post(url("step_documentation", item.pk), {"dokument": [manual]})
    assert "Användarmanual" in text(client.get(url("decommissioning_detail", item.pk)))
    client.post(url("step_ingest", item.pk))
    client.post(url("step_certify", item.pk))
    item.refresh_from_db()
    assert item.state == "certified", item.error
    docs = AipFile.objects.filter(aip_id=item.aip_id, path__contains="/documentation/")
    assert {p.rsplit("/", 1)[1] for p in docs.values_list("path", flat=True)} >= {
        "datadictionary.html"
    } and docs.filter(path__endswith=".txt").exists()
    pdf = client.get(url("certificate", item.pk))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(url("step_decommission", item.pk), {"besparing": "120 000,50"})
    item.refresh_from_db()
    assert item.state == "decommissioned" and str(item.yearly_cost_saved) == "120000.50"
    listing = text(client.get(reverse("databases_ui:decommissioning_list")))
    assert "Nationsregistret" in listing and item.aip_id in listing
    databases = text(client.get(reverse("databases_ui:database_list")))
    assert "Nationsregistret" in databases


def test_new_needs_a_system(home, staff_client) -> None:
    client = staff_client(Role.ARCHIVIST, "bjuv")
    response = client.post(reverse("databases_ui:decommissioning_new"), {"system": " "})
    assert response.status_code == 400 and "error-summary" in text(response)
    assert (
        staff_client(Role.AUDITOR, "bjuv")
        .get(reverse("databases_ui:decommissioning_new"))
        .status_code
        == 403
    )
