"""Record, hidden-record and file answers of the portal, and its machine-facing ones.

Real ingested files are served: a PDF is shown inline with the protective headers, its
bytes are the stored ones; anything unpublished is a 404 that says nothing more than a
random id does.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile

import pytest
from django.test import Client

from samarkiv.access.publication.models import PublicStub
from tests.portal.archive import PROTECTED_WORDS, SECRET_WORDS

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _file(archive, suffix: str):
    return next(f for rows in archive.files.values() for f in rows if f.name.endswith(suffix))


def test_record_page_shows_metadata_files_and_dip_link(archive) -> None:
    response = Client().get(f"/handling/{archive.public_case}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12</h1>" in body
    assert "BN 2023/145" in body
    assert "Tolvan Tolvansson" in body
    assert "Stenby 3:12" in body
    for doc in archive.public_docs:  # the case lists its published documents
        assert f"/handling/{doc}/" in body
    assert "stub=" not in body and f"record={archive.public_case}" in body
    assert not [w for w in (*SECRET_WORDS, *PROTECTED_WORDS) if w in body]


def test_document_page_lists_files_with_format_size_and_view_links(archive) -> None:
    pdf = _file(archive, ".pdf")
    docx = _file(archive, ".docx")
    client = Client()
    body = client.get(f"/handling/{pdf.record_id}/").content.decode()
    assert pdf.name in body and "PDF" in body
    assert f"/handling/{pdf.record_id}/dip/" in body
    assert "Ladda ner alla filer (E-ARK DIP)" in body
    assert f"/handling/{pdf.record_id}/fil/{pdf.pk}/visa/" in body
    assert f"/handling/{pdf.record_id}/fil/{pdf.pk}/" in body
    body = client.get(f"/handling/{docx.record_id}/").content.decode()
    assert docx.name in body
    assert f"/fil/{docx.pk}/visa/" not in body  # office files: download only
    assert f"/fil/{docx.pk}/" in body


def test_unpublished_ids_are_404_and_reveal_nothing(archive) -> None:
    client = Client()
    made_up = str(uuid.uuid4())
    random = client.get(f"/handling/{made_up}/").content.decode().replace(made_up, "ID")
    for record_id in (archive.secret_case, *archive.secret_docs, archive.protected_case):
        for path in (f"/handling/{record_id}/", f"/handling/{record_id}/dip/"):
            response = client.get(path)
            assert response.status_code == 404, path
            body = response.content.decode().replace(record_id, "ID").replace("dip/", "")
            assert body == random  # the same page as a made-up id
    for pk in (archive.protected_case, *archive.protected_docs):
        assert client.get(f"/dold/{pk}/").status_code == 404  # no stub at all
    assert client.get(f"/dold/{archive.public_case}/").status_code == 404


def test_stub_page_shows_only_what_may_be_shown_and_a_request_button(archive) -> None:
    stub = PublicStub.objects.get(pk=archive.secret_case)
    body = Client().get(f"/dold/{stub.pk}/").content.decode()
    assert "Handling som måste begäras" in body
    assert stub.tenant_name in body
    assert "sekretess" in body  # the plain-language reason
    assert f"stub={stub.pk}" in body
    assert "/varfor-visas-inte-allt/" in body
    assert not [w for w in SECRET_WORDS if w in body]
    assert "BN 2023/212" not in body


def test_pdf_is_shown_inline_with_protective_headers(archive) -> None:
    pdf = _file(archive, ".pdf")
    response = Client().get(f"/handling/{pdf.record_id}/fil/{pdf.pk}/visa/")
    data = _body(response)
    assert response.status_code == 200
    assert Client().head(f"/handling/{pdf.record_id}/fil/{pdf.pk}/visa/").status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "allow-same-origin" not in response["Content-Security-Policy"]
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == pdf.sha256
    assert int(response["Content-Length"]) == len(data) == pdf.size


def test_other_formats_are_downloaded_never_shown(archive) -> None:
    docx = _file(archive, ".docx")
    client = Client()
    for path in (f"fil/{docx.pk}/visa/", f"fil/{docx.pk}/"):
        response = client.get(f"/handling/{docx.record_id}/{path}")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"].startswith("sandbox;")  # no exceptions
        assert hashlib.sha256(_body(response)).hexdigest() == docx.sha256


def test_a_file_is_only_reachable_through_its_own_published_record(archive) -> None:
    pdf = _file(archive, ".pdf")
    other = next(pk for pk in archive.public_docs if pk != str(pdf.record_id))
    client = Client()
    assert client.get(f"/handling/{other}/fil/{pdf.pk}/").status_code == 404
    assert client.get(f"/handling/{archive.secret_docs[0]}/fil/{pdf.pk}/").status_code == 404
    assert client.get(f"/handling/{pdf.record_id}/fil/999999/visa/").status_code == 404


def test_dip_downloads_a_zip_of_the_published_files(archive) -> None:
    pytest.importorskip("samarkiv.access.dip")
    pdf = _file(archive, ".pdf")
    response = Client().get(f"/handling/{pdf.record_id}/dip/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert any(n.endswith("METS.xml") for n in names)
    assert any(n.endswith(pdf.name) for n in names)


def test_about_page_explains_the_legal_frame(db) -> None:
    body = Client().get("/varfor-visas-inte-allt/").content.decode()
    for phrase in ("tryckfrihetsförordningen", "offentlighets- och sekretesslagen", "kammarrätten"):
        assert phrase in body


def test_suggestions_come_from_published_titles_only(archive) -> None:
    client = Client()
    answer = json.loads(client.get("/forslag/?q=bygglov").content)
    assert "Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12" in answer
    assert not [s for s in answer if "Ringgården" in s or "förskola" in s]
    assert json.loads(client.get("/forslag/?q=Ringg").content) == []


def test_sitemap_lists_published_records_only_and_robots_points_to_it(archive) -> None:
    client = Client()
    body = client.get("/sitemap.xml").content.decode()
    assert body.count("<url>") == 1 + len(archive.public_docs)
    assert f"/handling/{archive.public_case}/" in body
    assert archive.secret_case not in body and archive.protected_case not in body
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /staff/" in robots


def test_a_large_sitemap_is_split_into_parts(archive, monkeypatch) -> None:
    monkeypatch.setattr("samarkiv.web.portal.meta.SITEMAP_SIZE", 2)
    client = Client()
    index = client.get("/sitemap.xml").content.decode()
    parts = -(-(1 + len(archive.public_docs)) // 2)
    assert index.count("<sitemap>") == parts
    seen = set()
    for number in range(1, parts + 1):
        body = client.get(f"/sitemap.xml?del={number}").content.decode()
        assert 1 <= body.count("<url>") <= 2
        seen |= {line for line in body.split("<loc>")[1:]}
    assert len(seen) == 1 + len(archive.public_docs)


def test_language_switch_needs_no_token_and_keeps_the_page(db, home) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sprak/", {"language": "en", "next": "/sok/?q=bygglov"})
    assert response.status_code == 302
    assert response["Location"] == "/sok/?q=bygglov"
    assert (
        client.post("/sprak/", {"language": "en", "next": "https://evil.example/"})["Location"]
        == "/"
    )  # never away from the portal
    body = client.get("/sok/?q=bygglov").content.decode()
    assert '<html lang="en">' in body
    assert 'aria-pressed="true">English' in body


def test_public_api_search_and_record(archive) -> None:
    client = Client()
    answer = client.get("/api/v1/public/search?q=bygglov&tenant=horby").json()
    ids = {hit["record_id"] for hit in answer["hits"]}
    assert archive.public_case in ids
    assert not ids & {archive.secret_case, archive.protected_case, *archive.secret_docs}
    assert {v["value"] for v in answer["facets"]["tenant"]} == {"horby"}
    response = client.get(f"/api/v1/public/records/{archive.public_case}")
    assert response["Cache-Control"] == "public, max-age=60"
    record = response.json()
    assert record["registration_number"] == "BN 2023/145"
    assert record["dip_url"].endswith(f"/handling/{archive.public_case}/dip/")
    for hidden in (archive.secret_case, archive.protected_case):
        response = client.get(f"/api/v1/public/records/{hidden}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "no such published record"}
