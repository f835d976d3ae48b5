"""The tus 1.0.0 endpoints: creation, offsets, checksums, termination, limits."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from django.test import Client

from samarkiv.delivery import uploads as files
from samarkiv.delivery.choices import UploadState
from samarkiv.delivery.models import Upload
from tests.api.support import UPLOADS, checksum, create, head, metadata, patch

pytestmark = [pytest.mark.db, pytest.mark.django_db]

DATA = os.urandom(300_000)


def _upload(location: str) -> Upload:
    return Upload.objects.get(pk=location.rstrip("/").rsplit("/", 1)[1])


def test_options_advertises_version_extensions_and_limits(settings):
    answer = Client().options(UPLOADS)
    assert answer.status_code == 204
    assert answer["Tus-Resumable"] == "1.0.0"
    assert answer["Tus-Version"] == "1.0.0"
    assert set(answer["Tus-Extension"].split(",")) == {"creation", "termination", "checksum"}
    assert answer["Tus-Max-Size"] == str(settings.SAMARKIV_MAX_UPLOAD_BYTES)
    assert answer["Tus-Checksum-Algorithm"] == "sha256,sha1"


def test_create_then_head_reports_offset_zero(system):
    client = system.client()
    created = create(client, len(DATA))
    assert created.status_code == 201
    assert created["Tus-Resumable"] == "1.0.0"
    location = created["Location"]
    assert location.startswith("/api/v1/uploads/")  # relative, as tus allows
    assert created.json()["offset"] == 0
    answer = head(client, location)
    assert answer.status_code == 200
    assert (answer["Upload-Offset"], answer["Upload-Length"]) == ("0", str(len(DATA)))
    assert answer["Cache-Control"] == "no-store"
    assert answer["Tus-Resumable"] == "1.0.0"
    upload = _upload(location)
    assert (upload.tenant_id, upload.agreement, upload.token_id) == (
        "bjuv",
        system.agreement,
        system.token.pk,
    )
    assert files.part_path(upload.pk).stat().st_size == 0


def test_chunks_move_the_offset_until_complete(system):
    client = system.client()
    location = create(client, len(DATA), sha256=hashlib.sha256(DATA).hexdigest())["Location"]
    first, second = DATA[:100_000], DATA[100_000:]
    answer = patch(client, location, 0, first, checksum("sha1", first))
    assert answer.status_code == 204
    assert answer["Upload-Offset"] == "100000"
    assert answer["Tus-Resumable"] == "1.0.0"
    assert _upload(location).state == UploadState.RECEIVING
    answer = patch(client, location, 100_000, second, checksum("sha256", second))
    assert answer["Upload-Offset"] == str(len(DATA))
    upload = _upload(location)
    assert upload.state == UploadState.COMPLETE
    assert files.part_path(upload.pk).read_bytes() == DATA


def test_a_chunk_larger_than_djangos_memory_limit_is_streamed(system, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3_000_000
    data = os.urandom(3_000_000)
    client = system.client()
    location = create(client, len(data))["Location"]
    assert patch(client, location, 0, data).status_code == 204
    assert files.part_path(_upload(location).pk).read_bytes() == data


def test_wrong_offset_is_a_conflict_and_changes_nothing(system):
    client = system.client()
    location = create(client, len(DATA))["Location"]
    patch(client, location, 0, DATA[:1000])
    answer = patch(client, location, 500, DATA[500:2000])
    assert answer.status_code == 409
    assert answer.json()["code"] == "offset_mismatch"
    assert answer["Tus-Resumable"] == "1.0.0"
    assert head(client, location)["Upload-Offset"] == "1000"


def test_checksum_mismatch_is_460_and_the_offset_stays(system):
    client = system.client()
    location = create(client, len(DATA))["Location"]
    chunk = DATA[:50_000]
    answer = patch(client, location, 0, chunk, checksum("sha256", b"something else"))
    assert answer.status_code == 460
    assert answer.json()["code"] == "checksum_mismatch"
    assert head(client, location)["Upload-Offset"] == "0"
    assert files.part_path(_upload(location).pk).stat().st_size == 0
    assert patch(client, location, 0, chunk, checksum("sha256", chunk)).status_code == 204


def test_unknown_checksum_algorithm_is_refused(system):
    client = system.client()
    location = create(client, len(DATA))["Location"]
    answer = patch(client, location, 0, DATA[:10], "md5 AAAA")
    assert answer.status_code == 400
    assert answer.json()["code"] == "checksum_algorithm"


def test_bytes_past_the_recorded_offset_are_cut_off(system):
    """A crash after writing but before the offset moved must leave no garbage."""
    client = system.client()
    location = create(client, len(DATA))["Location"]
    patch(client, location, 0, DATA[:1000])
    with files.part_path(_upload(location).pk).open("ab") as fh:
        fh.write(b"garbage from a crashed append" * 100)
    assert head(client, location)["Upload-Offset"] == "1000"
    assert patch(client, location, 1000, DATA[1000:1500]).status_code == 204
    assert files.part_path(_upload(location).pk).read_bytes() == DATA[:1500]


def test_wrong_whole_file_sha256_discards_the_upload(system):
    client = system.client()
    location = create(client, len(DATA), sha256="0" * 64)["Location"]
    answer = patch(client, location, 0, DATA)
    assert answer.status_code == 460
    assert answer.json()["code"] == "upload_checksum_mismatch"
    assert head(client, location).status_code == 410
    assert not files.part_path(_upload(location).pk).exists()


def test_terminate_removes_the_bytes(system):
    client = system.client()
    location = create(client, len(DATA))["Location"]
    patch(client, location, 0, DATA[:1000])
    answer = client.delete(location, headers={"Tus-Resumable": "1.0.0"})
    assert answer.status_code == 204
    assert answer["Tus-Resumable"] == "1.0.0"
    assert _upload(location).state == UploadState.TERMINATED
    assert not files.part_path(_upload(location).pk).exists()
    assert head(client, location).status_code == 410
    assert patch(client, location, 1000, DATA[1000:2000]).status_code == 410


def test_limits_and_malformed_requests(system, settings):
    client = system.client()
    settings.SAMARKIV_MAX_UPLOAD_BYTES = 1000
    answer = create(client, 1001)
    assert (answer.status_code, answer.json()["code"]) == (413, "upload_too_large")
    settings.SAMARKIV_MAX_CHUNK_BYTES = 100
    location = create(client, 1000)["Location"]
    answer = patch(client, location, 0, b"x" * 101)
    assert (answer.status_code, answer.json()["code"]) == (413, "chunk_too_large")
    answer = patch(client, location, 0, b"x" * 100)
    assert answer.status_code == 204
    answer = client.patch(
        location,
        data=b"x",
        content_type="application/octet-stream",
        headers={"Upload-Offset": "100"},
    )
    assert (answer.status_code, answer.json()["code"]) == (415, "unsupported_media_type")
    answer = create(client, 10, filename="leverans.exe")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_upload")
    answer = client.post(UPLOADS, headers={"Upload-Metadata": metadata("a.zip")})
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request")
    answer = client.post(UPLOADS, headers={"Upload-Length": "10", "Tus-Resumable": "0.2.2"})
    assert (answer.status_code, answer.json()["code"]) == (412, "tus_version")


def test_a_chunk_may_not_go_past_upload_length(system):
    client = system.client()
    location = create(client, 10)["Location"]
    answer = patch(client, location, 0, b"x" * 11)
    assert (answer.status_code, answer.json()["code"]) == (413, "chunk_too_large")
    assert head(client, location)["Upload-Offset"] == "0"


def test_without_credentials_every_tus_call_is_401_json(system):
    anonymous = Client()
    location = create(system.client(), 10)["Location"]
    for answer in (
        create(anonymous, 10),
        patch(anonymous, location, 0, b"x"),
        anonymous.delete(location),
        Client(headers={"Authorization": "Bearer sa_nope_nope"}).post(UPLOADS),
    ):
        assert answer.status_code == 401
        assert answer.json()["code"] == "unauthenticated"
        assert answer["Tus-Resumable"] == "1.0.0"
        assert answer["WWW-Authenticate"].startswith("Bearer")
    assert head(anonymous, location).status_code == 401


def test_a_short_body_is_cut_back_and_refused(tmp_path):
    """Under WSGI a client may vanish mid-body: what arrived must not count."""
    part = tmp_path / "x.part"
    part.write_bytes(b"kept")
    with part.open("r+b") as fh, pytest.raises(files.IncompleteChunkError):
        files.write_chunk(fh, 4, io.BytesIO(b"only five"[:5]), 100, None)
    assert part.read_bytes() == b"kept"


def test_untouched_uploads_expire(system):
    from datetime import timedelta

    from django.utils import timezone

    from samarkiv.delivery.services import expire_uploads

    client = system.client()
    location = create(client, len(DATA))["Location"]
    upload = _upload(location)
    assert expire_uploads() == 0
    assert expire_uploads(timezone.now() + timedelta(days=30)) == 1
    assert _upload(location).state == UploadState.TERMINATED
    assert not files.part_path(upload.pk).exists()
    assert head(client, location).status_code == 410
