"""The staff pages through Django's test client: list, upload, report, CSRF, language.

``client`` is Lund's archivist (logged in, acting in Lund) unless a test says otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from samarkiv.ingest.choices import ValidationSource
from samarkiv.ingest.demo import load_demo_data
from samarkiv.ingest.models import ValidationRun
from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(staff_client) -> Client:
    return staff_client("archivist", "lund")


def _upload(client: Client, path: Path, spec: str = "auto", **extra):
    with path.open("rb") as fh:
        return client.post("/staff/", {"package": fh, "specification": spec}, **extra)


def test_staff_page_sends_anonymous_visitors_to_the_login() -> None:
    response = Client().get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=/staff/"


def test_staff_page_renders_in_swedish_with_an_accessible_upload_form(client: Client) -> None:
    response = client.get("/staff/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert '<a class="skip-link" href="#innehall">' in html
    assert '<main id="innehall"' in html
    assert "<h1>Valideringar</h1>" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_package">' in html
    assert '<label for="id_specification">' in html
    assert 'accept=".zip,.tar,.tar.gz,.tgz"' in html
    assert 'aria-describedby="id_package_helptext"' in html
    for spec in ("auto", "csip-2.2", "csip-2.1", "csip-2.0.4", "fgs-1.2"):
        assert f'<option value="{spec}"' in html
    assert "Inga valideringar ännu." in html


def test_upload_of_a_valid_zip_records_a_web_run_and_shows_its_report(
    client: Client, valid_zip: Path
) -> None:
    response = _upload(client, valid_zip)
    assert response.status_code == 302
    run = ValidationRun.objects.get()
    assert response["Location"] == f"/staff/validations/{run.pk}/"
    assert (run.package_name, run.source, run.valid) == ("leverans.zip", ValidationSource.WEB, True)
    assert run.specification == "csip-2.2"
    assert run.error_count == 0
    assert run.report["package"] == "leverans.zip"
    assert (run.tenant_id, run.created_by) == ("lund", client.user)

    page = client.get(response["Location"]).content.decode()
    assert "Valideringsrapport: leverans.zip" in page
    assert "Giltigt" in page and "Ogiltigt" not in page


def test_report_of_a_broken_package_groups_findings_by_section(
    client: Client, broken_zip: Path
) -> None:
    response = _upload(client, broken_zip, spec="csip-2.2")
    run = ValidationRun.objects.get()
    assert not run.valid
    assert run.error_count == sum(f["severity"] == "error" for f in run.findings) >= 3

    page = client.get(response["Location"]).content.decode()
    assert "Ogiltigt" in page
    for section in ("METS-rot", "Filreferenser", "Storlek och kontrollsummor"):
        assert f">{section}</h2>" in page
    for rule in ("CSIP1", "REFERENCE-MISSING", "FIXITY-CHECKSUM"):
        assert f"<code>{rule}</code>" in page
    assert '<th scope="col">Regel</th>' in page
    assert "<caption" in page
    assert "<code>representations/rep1/METS.xml</code>" in page
    # METS-rot (CSIP1) comes before the file references and fixity sections
    assert page.index(">METS-rot</h2>") < page.index(">Filreferenser</h2>")


def test_list_shows_runs_newest_first_with_badges_and_counts(
    client: Client, valid_zip: Path, broken_zip: Path
) -> None:
    _upload(client, valid_zip)
    _upload(client, broken_zip)
    html = client.get("/staff/").content.decode()
    assert html.index("trasig.zip") < html.index("leverans.zip")
    assert 'class="badge badge-valid"' in html
    assert 'class="badge badge-invalid"' in html
    broken = ValidationRun.objects.get(package_name="trasig.zip")
    row = html[html.index("trasig.zip") : html.index("</tr>", html.index("trasig.zip"))]
    assert f'<td class="num">{broken.error_count}</td>' in row


def test_report_json_is_the_validator_contract(client: Client, broken_zip: Path) -> None:
    _upload(client, broken_zip)
    run = ValidationRun.objects.get()
    data = client.get(f"/staff/validations/{run.pk}.json").json()
    assert set(data) == {"package", "valid", "specification", "findings"}
    assert data["valid"] is False
    assert set(data["findings"][0]) == {"rule_id", "level", "severity", "message", "path", "line"}


def test_upload_of_a_file_that_is_no_container_is_refused(client: Client, tmp_path: Path) -> None:
    note = tmp_path / "anteckning.txt"
    note.write_text("inte ett paket", encoding="utf-8")
    response = _upload(client, note)
    assert response.status_code == 400
    assert "Endast .zip, .tar och .tar.gz kan valideras." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ValidationRun.objects.exists()


def test_upload_of_an_unreadable_zip_is_reported_not_crashed(
    client: Client, tmp_path: Path
) -> None:
    junk = tmp_path / "trasig-behallare.zip"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip file")
    response = _upload(client, junk)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "Paketet kunde inte valideras" in response.content.decode()
        assert not ValidationRun.objects.exists()
    else:
        assert not ValidationRun.objects.get().valid


def test_uploads_leave_no_temp_files_behind(client: Client, valid_zip: Path, settings) -> None:
    _upload(client, valid_zip)
    assert list(Path(settings.SAMARKIV_TMP_DIR).glob("upload-*")) == []


def _csrf_client() -> Client:
    return log_in(Client(enforce_csrf_checks=True), staff_user("archivist", "lund"), "lund")


def test_post_without_csrf_token_is_refused(valid_zip: Path) -> None:
    client = _csrf_client()
    response = _upload(client, valid_zip)
    assert response.status_code == 403
    assert not ValidationRun.objects.exists()


def test_post_with_the_pages_csrf_token_is_accepted(valid_zip: Path) -> None:
    client = _csrf_client()
    html = client.get("/staff/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    with valid_zip.open("rb") as fh:
        data = {"package": fh, "specification": "auto", "csrfmiddlewaretoken": token}
        response = client.post("/staff/", data)
    assert response.status_code == 302


def test_language_switch_to_english_and_back(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    assert response.status_code == 302
    html = client.get("/staff/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Validations</h1>" in html
    assert "Validate a package" in html
    assert "Skip to main content" in html

    client.post("/i18n/setlang/", {"language": "sv", "next": "/staff/"})
    assert "<h1>Valideringar</h1>" in client.get("/staff/").content.decode()


def test_report_page_in_english_translates_sections_and_severities(
    client: Client, broken_zip: Path
) -> None:
    location = _upload(client, broken_zip)["Location"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    page = client.get(location).content.decode()
    assert ">METS root</h2>" in page
    assert ">Sizes and checksums</h2>" in page
    assert ">Error</span>" in page


def test_healthz_answers_ok_json() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_unknown_report_is_404(client: Client) -> None:
    assert client.get("/staff/validations/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_demo_data_shows_on_the_staff_page_and_is_not_duplicated(
    client: Client, tmp_path: Path
) -> None:
    load_demo_data(tmp_path / "demo")
    load_demo_data(tmp_path / "demo")
    runs = ValidationRun.objects.filter(source=ValidationSource.DEMO)
    assert runs.count() == 3
    by_name = {run.package_name: run.valid for run in runs}
    assert by_name["sip-exempelby-protokoll-2024"] is True
    assert by_name["sip-exempelby-trasigt-2024"] is False
    html = client.get("/staff/").content.decode()
    assert "sip-exempelby-protokoll-2024" in html


def test_upload_over_the_size_limit_is_refused(client: Client, valid_zip: Path, settings) -> None:
    settings.SAMARKIV_MAX_UPLOAD_BYTES = 100
    response = _upload(client, valid_zip)
    assert response.status_code == 400
    assert "Paketet är större än 100\xa0byte." in response.content.decode()
    assert not ValidationRun.objects.exists()
