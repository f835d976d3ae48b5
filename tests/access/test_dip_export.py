"""The portal's "download all files": a real ingested AIP's published files as a DIP.

A demo SIP goes through the real ingest into storage; its files are published the way
``publication.refresh`` writes the projection; the DIP response is read to the end
(both the WSGI and the ASGI way), unpacked, judged by commons-IP 2, and every file is
compared byte for byte with the AIP's stored copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import uuid
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from asgiref.sync import async_to_sync
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import StreamingHttpResponse

from samarkiv.access.dip import DipFile, content_disposition, dip_for_files, dip_response
from samarkiv.access.publication.models import PublishedFile, PublishedRecord
from samarkiv.catalog.records.aipfiles import open_aip_file
from samarkiv.errors import NotFoundError
from samarkiv.ingest.demo_packages import archive, build_valid_sip
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.packages.dip import DATA_PREFIX, DipIntegrityError
from samarkiv.preservation.models import Aip

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(home, tmp_path) -> tuple[PublishedRecord, Aip]:
    sip = build_valid_sip(tmp_path / "sips")
    receipt = ingest(IngestRequest(archive(sip, tmp_path / f"{sip.name}.zip"), "lund"))
    assert receipt.ok, receipt.summary()
    aip = Aip.objects.get(pk=receipt.aip_id)
    record = PublishedRecord.objects.create(
        id=uuid.uuid4(),
        tenant_code="lund",
        tenant_name="Lunds kommun",
        aip_id=aip.id,
        kind="document",
        title="Kommunstyrelsens protokoll 2024-01-15",
        registration_number="KS 2024/17",
        date_start=date(2024, 1, 15),
        date_end=date(2024, 1, 15),
        document_type="Protokoll",
        records_creator="Kommunstyrelsen",
        series_title="Protokoll",
    )
    # every file of the delivery, including one under a name a citizen's disk dislikes
    wanted = [
        f for f in aip.files.all() if "/representations/" in f.path or "/documentation/" in f.path
    ]
    assert len(wanted) >= 3
    for order, f in enumerate(wanted):
        name = f.path.rsplit("/", 1)[-1] if order else "Protokoll: §1/§2 — «justerat».txt"
        PublishedFile.objects.create(
            record=record,
            aip_id=aip.id,
            path=f.path,
            name=name,
            size=f.size,
            sha256=f.sha256,
            mime=f.mime,
            order=order,
        )
    return record, aip


@contextlib.contextmanager
def _closing(response: StreamingHttpResponse):
    """Close the response as a server would, without the "request finished" signal
    closing the database connection under the test's transaction (as Django's own
    test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        response.close()
        request_finished.connect(close_old_connections)


def _read_sync(response: StreamingHttpResponse) -> bytes:
    assert not response.is_async
    with _closing(response):
        return b"".join(response.streaming_content)


def _read_async(response: StreamingHttpResponse) -> bytes:
    """How Django's ASGI handler consumes it: ``async for`` over the content."""
    assert response.is_async

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    with _closing(response):
        return async_to_sync(collect)()


def _unzip(data: bytes, dest: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            assert ".." not in name.split("/") and not name.startswith("/")
        zf.extractall(dest)
        (root,) = {n.split("/")[0] for n in zf.namelist()}
    return dest / root


@pytest.mark.parametrize("read", [_read_sync, _read_async], ids=["wsgi", "asgi"])
def test_the_dip_of_a_published_record_holds_the_aips_files_byte_for_byte(
    published, read, tmp_path
):
    record, aip = published
    files = list(record.files.order_by("order"))
    response = dip_response(record, asynchronous=read is _read_async)
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="KS 2024_17 (E-ARK DIP).zip"')
    assert "filename*=UTF-8''KS%202024%2F17%20%28E-ARK%20DIP%29.zip" in disposition
    root = _unzip(read(response), tmp_path / "out")
    delivered = {p.name: p.read_bytes() for p in (root / DATA_PREFIX).iterdir()}
    assert len(delivered) == len(files)
    for pf in files:
        with open_aip_file(aip, pf.path) as fh:
            original = fh.read()
        assert original in delivered.values()
        assert hashlib.sha256(original).hexdigest() == pf.sha256
    assert "Protokoll_ §1_§2 — «justerat».txt" in delivered
    dc = (root / "metadata/descriptive/dc.xml").read_text(encoding="utf-8")
    assert "KS 2024/17" in dc and "Lunds kommun" in dc and "Kommunstyrelsen" in dc
    assert aip.id in (root / "metadata/preservation/premis.xml").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("java") is None, reason="commons-IP needs Java")
def test_commons_ip_2_says_the_downloaded_dip_is_valid(published, tmp_path):
    from samarkiv.ingest.commons_ip import commons_ip_failures, commons_ip_validate

    record, _aip = published
    root = _unzip(_read_sync(dip_response(record, asynchronous=False)), tmp_path / "out")
    ok, report = commons_ip_validate(root, version="2.2.0")
    assert ok, commons_ip_failures(report)
    assert report["summary"]["errors"] == 0


def test_a_stored_file_that_differs_from_the_catalogue_is_never_delivered(published):
    record, _aip = published
    pf = record.files.order_by("order").first()
    PublishedFile.objects.filter(pk=pf.pk).update(sha256="0" * 64)
    with pytest.raises(DipIntegrityError):
        _read_sync(dip_response(record, asynchronous=False))


def test_a_record_without_published_files_has_no_dip(published):
    record, _aip = published
    record.files.all().delete()
    with pytest.raises(NotFoundError):
        dip_response(record)


def test_masked_copies_go_out_as_a_dip_too(published, tmp_path):
    record, aip = published
    masked = b"Protokoll ... [maskerat enligt OSL 26:1] ...\n"
    response = dip_for_files(
        label="Begäran 2026-0042",
        source_aip_id=aip.id,
        tenant_code="lund",
        tenant_name="Lunds kommun",
        files=[
            DipFile("protokoll (maskerad).txt", -1, "", "text/plain", lambda: io.BytesIO(masked))
        ],
        descriptive={"title": record.title, "registration_number": "KS 2024/17"},
        asynchronous=False,
    )
    root = _unzip(_read_sync(response), tmp_path / "out")
    assert (root / DATA_PREFIX / "protokoll (maskerad).txt").read_bytes() == masked
    mets = (root / "representations/rep1/METS.xml").read_text(encoding="utf-8")
    assert hashlib.sha256(masked).hexdigest() in mets


def test_the_download_name_is_safe_in_a_header_whatever_the_title():
    header = content_disposition('Bygglov "Åsen"\r\nSet-Cookie: x; 100%.zip')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and ";" not in fallback
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == 'Bygglov "Åsen"Set-Cookie: x; 100%.zip'


def test_under_asgi_the_response_streams_asynchronously_and_never_buffers_whole():
    """Django buffers a *sync* iterator completely under ASGI; the view thread that
    uvicorn runs must therefore be detected and given the async iterator."""
    from asgiref.sync import sync_to_async

    from samarkiv.access import dip

    assert dip._under_event_loop() is False  # plain thread (WSGI, CLI)
    assert async_to_sync(sync_to_async(dip._under_event_loop))() is True


def test_a_dip_kept_as_a_file_is_complete_or_absent(tmp_path):
    from dataclasses import replace

    from samarkiv.access.dip import DipSpec, write_dip

    data = b"%PDF-1.4 beslut"
    spec = DipSpec(
        dip_id="uuid-0b5e9a52-2d1c-4a8e-9b7e-3f3c2f1d0a11",
        label="Beslut",
        source_aip_id="uuid-aip",
        tenant_name="Lunds kommun",
        files=[DipFile("beslut.pdf", len(data), "", "application/pdf", lambda: io.BytesIO(data))],
    )
    target = tmp_path / "leverans.zip"
    summary = write_dip(spec, target)
    with zipfile.ZipFile(target) as zf:
        assert zf.read(f"{spec.dip_id}/{summary.data_files[0].path}") == data
    wrong = DipFile("beslut.pdf", len(data), "0" * 64, "application/pdf", lambda: io.BytesIO(data))
    other = tmp_path / "trasig.zip"
    with pytest.raises(DipIntegrityError):
        write_dip(replace(spec, files=[wrong]), other)
    assert not other.exists() and [p.name for p in tmp_path.iterdir()] == ["leverans.zip"]
