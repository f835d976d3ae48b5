"""Ingest and AIP pages through Django's test client, after real ingests via the service.

Every test that ingests gets a private archive home (the ``home`` fixture), so storage
left by one test never turns the next test's delivery into a duplicate. ``client`` is an
archivist of Lund, Hörby and Ystad, acting in Lund until a test switches tenant.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.models import SubmissionAgreement
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.demo import load_demo_deliveries
from samarkiv.ingest.demo_packages import archive, build_broken_sip
from samarkiv.ingest.demo_sips import SPECS, build_delivery
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.queries import format_summary
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy
from samarkiv.web import aip_views
from samarkiv.web.charts import VALUE_SPACE, format_chart
from samarkiv.web.commands import delivery_line
from samarkiv.web.templatetags.samarkiv_web import number
from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db

LUND, HORBY = SPECS[0], SPECS[1]  # the Lund diarium and the Hörby building permits
UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"


def _deliver(spec, parent: Path):
    """Build one realistic demo delivery and ingest it through the service."""
    delivery = build_delivery(parent, spec)
    return ingest(IngestRequest(delivery.path, delivery.tenant_code))


@pytest.fixture
def lund(home: Path, tmp_path: Path):
    receipt = _deliver(LUND, tmp_path / "deliveries")
    assert receipt.state == "done", receipt.message
    return receipt


def _archivist() -> object:
    return staff_user("archivist", "lund", also=(("horby", "archivist"), ("ystad", "archivist")))


@pytest.fixture
def client(db) -> Client:
    return log_in(Client(), _archivist(), "lund")


def _switch(client: Client, tenant: str) -> None:
    response = client.post("/staff/tenant/", {"tenant": tenant, "next": "/staff/ingests/"})
    assert response.status_code == 302


def _upload(client: Client, path: Path, **extra):
    with path.open("rb") as fh:
        data = {"package": fh, "agreement": "manuell-leverans", **extra}
        return client.post("/staff/ingests/", data)


def _row(html: str, marker: str) -> str:
    """The table row that contains ``marker``."""
    start = html.rindex("<tr", 0, html.index(marker))
    return html[start : html.index("</tr>", start)]


# --------------------------------------------------------------------------- ingests


def test_ingest_list_shows_the_ingest_with_state_counts_and_aip_link(client: Client, lund) -> None:
    html = client.get("/staff/ingests/").content.decode()
    assert "<h1>Inleveranser</h1>" in html
    row = _row(html, LUND.name)
    assert f'href="/staff/ingests/{lund.ingest_id}/"' in row
    assert "<td>Lunds kommun</td>" in row
    assert '<span class="badge badge-ok">Klar</span>' in row
    assert f'<td class="num">{lund.file_count}</td>' in row
    assert "706,5\xa0kB" in row  # 723 413 bytes, Swedish decimal comma
    assert "723\xa0413 byte" in row
    assert f'href="/staff/aips/{lund.aip_id}/"' in row
    assert "<caption>1 inleverans, senaste först</caption>" in html


def test_navigation_marks_the_current_section(client: Client, lund) -> None:
    html = client.get("/staff/ingests/").content.decode()
    assert '<a href="/staff/ingests/" aria-current="page">Inleveranser</a>' in html
    assert '<a href="/staff/aips/">Arkivpaket</a>' in html
    assert '<a href="/staff/">Valideringar</a>' in html
    detail = client.get(f"/staff/aips/{lund.aip_id}/").content.decode()
    assert '<a href="/staff/aips/" aria-current="true">Arkivpaket</a>' in detail


def test_ingest_detail_shows_receipt_findings_and_events(client: Client, lund) -> None:
    row = Ingest.objects.get(pk=lund.ingest_id)
    html = client.get(f"/staff/ingests/{row.pk}/").content.decode()
    assert f"<h1>Inleverans: {LUND.name}</h1>" in html
    assert '<span class="badge badge-ok">Klar</span>' in html
    assert f">{escape(lund.summary())}</pre>" in html  # the receipt summary
    assert f"&quot;ingest_id&quot;: &quot;{row.pk}&quot;" in html  # the receipt JSON
    assert f'href="/staff/ingests/{row.pk}/receipt.json"' in html
    # findings grouped as on the validation report, one heading level down
    assert "Validerad mot csip-2.2." in html
    assert ">Administrativ metadata</h3>" in html
    assert "<code>CSIP45</code>" in html
    # the events as a timeline table
    events = html[html.index('id="handelser-rubrik"') :]
    labels = ("Inleverans påbörjad", "Checksummeberäkning", "Validering", "Formatidentifiering")
    for label in labels:
        assert f'<th scope="row">{label}</th>' in events
    assert events.index("Inleverans påbörjad") < events.index("Inleverans avslutad")
    assert '<span class="badge badge-ok">Lyckades</span>' in events
    assert "<code>tenant:lund, samarkiv/" in events


def test_receipt_json_is_the_stored_receipt(client: Client, lund) -> None:
    data = client.get(f"/staff/ingests/{lund.ingest_id}/receipt.json").json()
    assert data == lund.to_dict()
    assert data["copies"][0]["url"]


def test_ingest_list_shows_the_acting_tenant_and_filters_by_state(
    client: Client, home: Path, tmp_path: Path, lund
) -> None:
    _deliver(HORBY, tmp_path / "deliveries")
    broken = build_broken_sip(tmp_path / "broken")
    rejected = ingest(IngestRequest(broken, "ystad"))
    assert rejected.state == "rejected"

    html = client.get("/staff/ingests/").content.decode()
    assert LUND.name in html and HORBY.name not in html and broken.name not in html
    assert "Inleveranser till Lunds kommun" in html

    _switch(client, "horby")
    html = client.get("/staff/ingests/").content.decode()
    assert HORBY.name in html and LUND.name not in html and broken.name not in html

    _switch(client, "ystad")
    html = client.get("/staff/ingests/?state=rejected").content.decode()
    assert broken.name in html and LUND.name not in html and HORBY.name not in html
    assert '<span class="badge badge-bad">Avvisad</span>' in html
    assert '<option value="rejected" selected>Avvisad</option>' in html

    html = client.get("/staff/ingests/?state=done").content.decode()
    assert "Inga inleveranser matchar filtret." in html


def test_unknown_filter_values_are_a_bad_request(client: Client) -> None:
    response = client.get("/staff/ingests/?state=half-done")
    assert response.status_code == 400
    assert 'href="#filter_state"' in response.content.decode()
    assert client.get("/staff/aips/?state=atlantis").status_code == 400


def test_rejected_ingest_shows_its_errors_and_no_aip(client: Client, home, tmp_path) -> None:
    receipt = ingest(IngestRequest(build_broken_sip(tmp_path), "ystad"))
    assert client.get(f"/staff/ingests/{receipt.ingest_id}/").status_code == 404  # in Lund
    _switch(client, "ystad")
    html = client.get(f"/staff/ingests/{receipt.ingest_id}/").content.decode()
    assert '<span class="badge badge-bad">Avvisad</span>' in html
    assert f'<p class="message">{escape(receipt.message)}</p>' in html
    assert ">Storlek och kontrollsummor</h3>" in html
    assert '<span class="severity severity-error">Fel</span>' in html
    assert "/staff/aips/" not in html.split("<main", 1)[1].split("</dl>", 1)[0]


# --------------------------------------------------------------------------- AIPs


def test_aip_list_shows_tenant_sip_files_size_and_version(client: Client, lund) -> None:
    aip = Aip.objects.get()
    html = client.get("/staff/aips/").content.decode()
    assert "<h1>Arkivpaket</h1>" in html
    row = _row(html, f'href="/staff/aips/{aip.pk}/"')
    assert f">{LUND.name}</a>" in row
    assert "<td>Lunds kommun</td>" in row
    assert f"<td><code>{LUND.name}</code></td>" in row
    assert f'<td class="num">{aip.file_count}</td>' in row
    assert "<td>v1</td>" in row


def test_aip_list_shows_the_acting_tenant_and_filters_by_state(
    client: Client, tmp_path: Path, lund
) -> None:
    _deliver(HORBY, tmp_path / "deliveries")
    html = client.get("/staff/aips/").content.decode()
    assert LUND.name in html and HORBY.name not in html
    _switch(client, "horby")
    html = client.get("/staff/aips/").content.decode()
    assert HORBY.name in html and LUND.name not in html
    assert "Listan visar arkivpaketen i Hörby kommun." in html
    html = client.get("/staff/aips/?state=damaged").content.decode()
    assert "Inga arkivpaket matchar filtret." in html
    assert client.get("/staff/aips/?state=preserved").content.decode().count(HORBY.name) >= 1


def test_aip_detail_shows_copies_files_formats_and_events(client: Client, lund) -> None:
    aip = Aip.objects.get()
    copy = StoredCopy.objects.get(aip=aip)
    pdf = AipFile.objects.filter(aip=aip, puid="fmt/18").first()
    html = client.get(f"/staff/aips/{aip.pk}/").content.decode()
    assert f"<h1>Arkivpaket: {LUND.name}</h1>" in html
    assert f"<code>{copy.url}</code>" in html
    assert f'<th scope="row">{copy.location}</th>' in html
    # the file list: path, size, PUID, format, MIME and the abbreviated digest
    row = _row(html, f"<code>{pdf.path}</code>")
    assert "<code>fmt/18</code>" in row and "application/pdf" in row
    assert f'<code title="{pdf.sha256}">{pdf.sha256[:12]}…</code>' in row
    assert f"Filerna 1–{aip.file_count} av {aip.file_count}" in html
    # the format chart (inline SVG with a text alternative) and its table
    assert '<svg class="bar-chart" role="img"' in html
    assert '<title id="formatdiagram-titel">Antal filer per format</title>' in html
    summary = format_summary(aip)
    assert sum(r["files"] for r in summary) == aip.file_count
    assert html.count('<rect class="bar"') == len(summary)
    assert "Filer per format (textversion av diagrammet)" in html
    assert "Acrobat PDF 1.4 - Portable Document Format (fmt/18)" in html
    # the ingest that made it, and its events
    assert f'href="/staff/ingests/{lund.ingest_id}/"' in html
    assert '<th scope="row">Formatidentifiering</th>' in html


def test_aip_files_are_paginated(client: Client, lund, monkeypatch) -> None:
    monkeypatch.setattr(aip_views, "FILE_PAGE_SIZE", 10)
    aip = Aip.objects.get()
    paths = list(AipFile.objects.filter(aip=aip).order_by("path").values_list("path", flat=True))
    first = client.get(f"/staff/aips/{aip.pk}/").content.decode()
    assert f"<code>{paths[0]}</code>" in first and f"<code>{paths[10]}</code>" not in first
    assert 'href="?sida=2#filer"' in first
    second = client.get(f"/staff/aips/{aip.pk}/?sida=2").content.decode()
    assert f"<code>{paths[10]}</code>" in second and f"<code>{paths[0]}</code>" not in second
    assert f"Filerna 11–20 av {len(paths)}" in second


def test_unknown_ids_are_404(client: Client) -> None:
    assert client.get(f"/staff/ingests/{UNKNOWN_UUID}/").status_code == 404
    assert client.get(f"/staff/ingests/{UNKNOWN_UUID}/receipt.json").status_code == 404
    assert client.get("/staff/ingests/not-a-uuid/").status_code == 404
    assert client.get("/staff/aips/uuid-does-not-exist/").status_code == 404


# --------------------------------------------------------------------------- upload


def test_upload_ingests_a_zip_and_redirects_to_its_receipt(
    client: Client, home: Path, tmp_path: Path
) -> None:
    package = build_delivery(tmp_path / "src", LUND).path
    zipped = archive(package, tmp_path / "kommunstyrelsen-2023.zip")
    response = _upload(client, zipped)
    assert response.status_code == 302
    row = Ingest.objects.get()
    assert response["Location"] == f"/staff/ingests/{row.pk}/"
    assert (row.state, row.tenant_id) == (IngestState.DONE, "lund")
    assert row.agreement == "manuell-leverans"
    entry = AuditEntry.objects.get(action=AuditAction.INGEST)
    assert (entry.actor, entry.tenant) == (f"user:{client.user.username}", "lund")
    assert Path(row.source_name).name == "kommunstyrelsen-2023.zip"  # not the spool name
    assert Aip.objects.get().label == "kommunstyrelsen-2023.zip"
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Inleverans: kommunstyrelsen-2023.zip</h1>" in html
    assert '<span class="badge badge-ok">Klar</span>' in html
    assert list((home / "tmp").iterdir()) == []  # spooled upload and its folder are gone


def test_upload_of_an_invalid_sip_shows_the_rejection(client: Client, home, tmp_path) -> None:
    zipped = archive(build_broken_sip(tmp_path / "src"), tmp_path / "trasig.zip")
    _switch(client, "ystad")
    response = _upload(client, zipped)
    assert response.status_code == 302
    assert Ingest.objects.get().state == IngestState.REJECTED
    assert Ingest.objects.get().tenant_id == "ystad"
    assert not Aip.objects.exists()
    assert "Avvisad" in client.get(response["Location"]).content.decode()


def test_upload_form_refuses_other_files_and_ignores_a_named_tenant(
    client: Client, home: Path, tmp_path: Path
) -> None:
    note = tmp_path / "anteckning.txt"
    note.write_text("inte ett paket", encoding="utf-8")
    response = _upload(client, note)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Paketet kunde inte levereras" in html
    assert "Endast .zip, .tar och .tar.gz kan valideras." in html

    assert not Ingest.objects.exists()
    # the delivery goes to the acting tenant, whatever tenant the form data names
    zipped = archive(build_broken_sip(tmp_path / "src"), tmp_path / "paket.zip")
    assert _upload(client, zipped, tenant="horby").status_code == 302
    assert Ingest.objects.get().tenant_id == "lund"


def test_upload_form_is_accessible(client: Client) -> None:
    html = client.get("/staff/ingests/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    for field in ("id_package", "id_agreement", "filter_state"):
        assert f'<label for="{field}">' in html
    assert 'aria-describedby="id_package_helptext"' in html
    assert "Ladda upp en leverans (SIP) till Lunds kommun." in html
    assert 'id="id_tenant"' not in html and 'id="filter_tenant"' not in html


def test_upload_offers_only_agreements_the_person_may_deliver_under(
    client: Client, home: Path, tmp_path: Path
) -> None:
    creator = RecordsCreator.objects.create(tenant_id="lund", code="ks", name="Kommunstyrelsen")
    named = SubmissionAgreement.objects.create(
        tenant_id="lund", code="ks-diarium", name="KS diarium", records_creator=creator,
        specifications=["eark2"],
    )  # fmt: skip
    named.depositors.add(client.user)
    SubmissionAgreement.objects.create(
        tenant_id="lund", code="bn-bygglov", name="BN bygglov", records_creator=creator,
        specifications=["eark2"],
    )  # fmt: skip
    html = client.get("/staff/ingests/").content.decode()
    assert '<option value="ks-diarium">KS diarium (ks-diarium)</option>' in html
    assert 'value="manuell-leverans" selected' in html
    assert "bn-bygglov" not in html

    zipped = archive(build_broken_sip(tmp_path / "src"), tmp_path / "paket.zip")
    response = _upload(client, zipped, agreement="bn-bygglov")
    assert response.status_code == 400 and 'href="#id_agreement"' in response.content.decode()
    assert _upload(client, zipped, agreement="ks-diarium").status_code == 302
    assert Ingest.objects.get().agreement == "ks-diarium"


def test_upload_without_csrf_token_is_refused(home: Path, tmp_path: Path) -> None:
    zipped = archive(build_broken_sip(tmp_path / "src"), tmp_path / "paket.zip")
    client = log_in(Client(enforce_csrf_checks=True), _archivist(), "lund")
    assert _upload(client, zipped).status_code == 403
    assert not Ingest.objects.exists()

    html = client.get("/staff/ingests/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = _upload(client, zipped, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert Ingest.objects.count() == 1


# --------------------------------------------------------------------------- language


def test_english_switch_shows_english_labels(client: Client, lund) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/ingests/"})
    html = client.get("/staff/ingests/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Ingests</h1>" in html
    assert ">Archival packages</a>" in html
    assert '<span class="badge badge-ok">Done</span>' in html
    assert "706.5\xa0KB" in html  # English number format
    detail = client.get(f"/staff/ingests/{lund.ingest_id}/").content.decode()
    assert ">Receipt</h2>" in detail and '<th scope="row">Format identification</th>' in detail
    aip = client.get(f"/staff/aips/{lund.aip_id}/").content.decode()
    for label in ("Stored copies", "Number of files per format", "Files per format"):
        assert label in aip
    assert "Lunds kommun" in aip  # names stay as they are


def test_numbers_follow_the_language() -> None:
    with translation.override("sv"):
        assert number(1234567) == "1\xa0234\xa0567"
    with translation.override("en"):
        assert number(1234567) == "1,234,567"


def test_chart_keeps_ten_bars_and_sums_the_rest() -> None:
    rows = [{"puid": f"fmt/{i}", "format_name": f"F{i}", "files": 20 - i} for i in range(14)]
    chart = format_chart(rows)
    assert len(chart.bars) == 10
    assert [bar.label for bar in chart.bars[:2]] == ["F0 (fmt/0)", "F1 (fmt/1)"]
    with translation.override("sv"):
        assert format_chart(rows).bars[-1].label == "Övriga format"
    assert chart.bars[-1].value == sum(20 - i for i in range(9, 14))  # 45, the largest bar
    span = chart.width - VALUE_SPACE
    assert chart.bars[-1].width == span
    assert chart.bars[0].width == round(span * 20 / 45)


# --------------------------------------------------------------------------- demo


def test_demo_ingests_the_deliveries_once(home: Path, capsys) -> None:
    first = load_demo_deliveries()
    expected = len(SPECS) + 1  # and Hörby's ERMS cases
    assert [r.state for _d, r in first] == ["done"] * expected
    assert {d.tenant_code for d, _r in first} == {s.tenant for s in SPECS} | {"horby"}
    assert all((home / "demo" / "deliveries" / d.path.name).is_dir() for d, _r in first)
    models = (Ingest, Aip, AipFile, StoredCopy, PreservationEvent)
    counts = [model.objects.count() for model in models]

    second = load_demo_deliveries()
    assert [r.state for _d, r in second] == ["duplicate"] * expected
    assert [model.objects.count() for model in models] == counts  # nothing new
    line = delivery_line(second[0][0].path.name, second[0][1])
    assert line == f"{LUND.name} -> lund: duplicate, already preserved as {first[0][1].aip_id}"
