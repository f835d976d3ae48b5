"""Masking scanned drawings and photos on a real stored AIP (Hörby's 2022 permits)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from samarkiv.access.requests import release, service
from samarkiv.access.requests.choices import Outcome
from samarkiv.access.requests.release import DecisionInput, FileChoice
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.records.aipfiles import read_aip_file
from tests.factories import staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
GROUND = "18 kap. 8 § OSL"


@pytest.fixture
def permits(home: Path, tmp_path: Path):
    """The 2022 permits delivery ingested for Hörby, and a stub for its package record."""
    from samarkiv.access.publication.models import PublicStub
    from samarkiv.catalog.records.extract import extract_aip
    from samarkiv.catalog.records.models import Record
    from samarkiv.ingest.demo_sips import SPECS, build_delivery
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.preservation.models import Aip

    spec = next(s for s in SPECS if s.name == "sip-horby-bmn-bygglov-2022")
    receipt = ingest(IngestRequest(source=build_delivery(tmp_path, spec).path, tenant="horby"))
    assert receipt.state == "done", receipt
    aip = Aip.objects.get(pk=receipt.aip_id)
    extract_aip(aip)
    record = Record.objects.filter(aip=aip, files__aip_file__mime="image/png").distinct().get()
    PublicStub.objects.create(
        id=record.pk, tenant_code="horby", tenant_name="Hörby kommun", kind=record.kind,
        reason="unpublished",
    )  # fmt: skip
    return aip, record


def test_an_image_region_and_a_whole_photo_are_masked_in_copies_only(permits):
    aip, record = permits
    png = aip.files.filter(mime="image/png").order_by("path").first()
    jpg = aip.files.filter(mime="image/jpeg").order_by("path").first()
    png_before = read_aip_file(aip, png.path, 10**7)
    jpg_before = read_aip_file(aip, jpg.path, 10**7)
    request, _ = service.submit_request(stub_id=str(record.pk))
    scope = user_scope(staff_user(Role.ARCHIVIST, "horby"), "horby")
    choices = [
        FileChoice(png.pk, pages=[], region=(0, 0, 20, 20)),
        FileChoice(jpg.pk, whole=True),
    ]
    release.decide(scope, request.number, DecisionInput(Outcome.PARTIAL, GROUND, files=choices))

    rows = {row.source_path: row for row in request.released.all()}
    folder = release.released_dir(request.number)
    masked_png = Image.open(folder / rows[png.path].stored_name).convert("RGB")
    original_png = Image.open(io.BytesIO(png_before)).convert("RGB")
    assert masked_png.getpixel((5, 5)) == (0, 0, 0) != original_png.getpixel((5, 5))
    assert masked_png.getpixel((300, 300)) == original_png.getpixel((300, 300))
    assert rows[png.path].masking == {"region": [0, 0, 20, 20]}
    photo = Image.open(folder / rows[jpg.path].stored_name)
    assert photo.size == Image.open(io.BytesIO(jpg_before)).size and not photo.getexif()
    assert rows[jpg.path].masking == {"whole": True}
    unmasked = [row for row in rows.values() if row.source_path and not row.masked]
    assert unmasked and all(
        (folder / r.stored_name).read_bytes() == read_aip_file(aip, r.source_path, 10**8)
        for r in unmasked
    )
    for aip_file, before in ((png, png_before), (jpg, jpg_before)):
        after = read_aip_file(aip, aip_file.path, 10**7)
        assert after == before and hashlib.sha256(after).hexdigest() == aip_file.sha256
    events = AuditEntry.objects.filter(action="masking", tenant="horby")
    assert {e.detail["source"]["path"] for e in events} == {png.path, jpg.path}
