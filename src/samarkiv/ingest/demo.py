"""Demo data for `samarkiv demo`: validation runs, and real AIPs from demo deliveries.

Idempotent by design, so `make run` can call it every time:

- the validation demo packages are rebuilt byte-identically and each demo run replaces
  the earlier run of the same package;
- the realistic deliveries are rebuilt byte-identically too and ingested through the
  pipeline only when no AIP of the same tenant and SIP OBJID exists yet: a demo re-run is
  no delivery, so `make run` does not pile up "already preserved" ingests per start.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from samarkiv.catalog.demo import load_demo_description
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.demo_erms import build_erms_sip
from samarkiv.ingest.demo_packages import archive, build_demo_packages
from samarkiv.ingest.demo_sips import DemoDelivery, build_demo_deliveries
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.receipt import Receipt
from samarkiv.ingest.services import record_demo_validation
from samarkiv.packages import validation
from samarkiv.packages.safexml import parse_untrusted
from samarkiv.preservation.models import Aip

DELIVERIES_DIR = "deliveries"


def demo_inputs(demo_dir: Path) -> list[Path]:
    """The demo packages as folders, plus the valid one as a ZIP container."""
    valid, broken = build_demo_packages(demo_dir)
    zipped = archive(valid, demo_dir / f"{valid.name}.zip")
    return [valid, broken, zipped]


def load_demo_data(demo_dir: Path | None = None) -> list[ValidationRun]:
    """Validate every demo input and record it with source=demo."""
    demo_dir = Path(demo_dir or settings.SAMARKIV_DEMO_DIR)
    return [
        record_demo_validation(validation.validate_package(path, "auto"), path.name)
        for path in demo_inputs(demo_dir)
    ]


def ingest_demo_delivery(delivery: DemoDelivery) -> Receipt:
    """Ingest one demo delivery for its tenant, unless it is preserved already."""
    objid = parse_untrusted(delivery.path / "METS.xml").getroot().get("OBJID", "")
    existing = Aip.objects.filter(tenant_id=delivery.tenant_code, sip_objid=objid).first()
    if existing is None:
        return ingest(IngestRequest(delivery.path, delivery.tenant_code))
    return Receipt(
        ingest_id="",
        state=IngestState.DUPLICATE.value,
        tenant=delivery.tenant_code,
        source=str(delivery.path),
        sip_objid=objid,
        aip_id=existing.id,
        file_count=existing.file_count,
        bytes=existing.bytes,
        message=f"already preserved as {existing.id}",
        duplicate_of=existing.id,
    )


def _erms_delivery(parent: Path) -> DemoDelivery:
    """Hörby's building-permit cases from a case-management export (CITS ERMS v3): the
    demo's searchable cases and documents."""
    path = build_erms_sip(parent)
    return DemoDelivery(path, "horby", "Byggnadsnämndens bygglovsärenden 2023 (ERMS)")


def load_demo_deliveries(demo_dir: Path | None = None) -> list[tuple[DemoDelivery, Receipt]]:
    """Build the realistic deliveries under ``demo_dir/deliveries`` and ingest each."""
    parent = Path(demo_dir or settings.SAMARKIV_DEMO_DIR) / DELIVERIES_DIR
    deliveries = [*build_demo_deliveries(parent), _erms_delivery(parent)]
    results = [(d, ingest_demo_delivery(d)) for d in deliveries]
    load_demo_description((d.path.name, r.aip_id) for d, r in results)
    return results
