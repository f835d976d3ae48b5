"""A small published archive built the real way: ingest, extraction, rules, refresh.

Hörby's building-permit cases (the ERMS demo delivery) are ingested and extracted;
a rule publishes Hörby's records; one case is marked secret (OSL 26:1, its documents
inherit it) and one has a party with a protected identity. After the publication
refresh the portal must show the first case, stub the secret one, and never mention
the protected one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TENANT = "horby"
PUBLIC_CASE = "BN 2023/145"  # Stenby 3:12, Tolvan Tolvansson: published
SECRET_CASE = "BN 2023/212"  # Ringgården, Märta Sjöberg: secret (stubs)
PROTECTED_CASE = "BN 2023/301"  # Ljungen 1:4 förskola: protected identity (nothing)
SECRET_WORDS = ("Ringgården", "Sjöberg", "Kvarnen")
PROTECTED_WORDS = ("Ljungen", "förskola", "Förvaltning AB")


@dataclass
class Archive:
    public_case: str
    public_docs: list[str]
    secret_case: str
    secret_docs: list[str]
    protected_case: str
    protected_docs: list[str]
    files: dict[str, list] = field(default_factory=dict)  # record id -> PublishedFile rows


def _ids(number: str) -> tuple[str, list[str]]:
    from samarkiv.catalog.records.models import Record

    case = Record.objects.get(tenant_id=TENANT, registration_number=number)
    docs = Record.objects.filter(parent=case).order_by("registration_number")
    return str(case.pk), [str(d.pk) for d in docs]


def build(tmp: Path) -> Archive:
    """Ingest, extract, mark, publish; returns the ids the tests look at."""
    from samarkiv.access.publication.choices import HarmTest, MarkingTarget
    from samarkiv.access.publication.models import PublicationRule, PublishedFile, SecrecyMarking
    from samarkiv.access.publication.refresh import refresh
    from samarkiv.access.search.queue import process_pending
    from samarkiv.ingest.demo_erms import build_erms_sip
    from samarkiv.ingest.pipeline import IngestRequest, ingest

    receipt = ingest(IngestRequest(source=build_erms_sip(tmp), tenant=TENANT))
    assert receipt.ok, receipt.message
    process_pending(ignore_backoff=True)
    PublicationRule.objects.create(tenant_id=TENANT, name="Bygglovsärenden")
    public_case, public_docs = _ids(PUBLIC_CASE)
    secret_case, secret_docs = _ids(SECRET_CASE)
    protected_case, protected_docs = _ids(PROTECTED_CASE)
    SecrecyMarking.objects.create(
        tenant_id=TENANT,
        target=MarkingTarget.RECORD,
        record_id=secret_case,
        ground="OSL 26 kap. 1 §",
        harm_test=HarmTest.REVERSE,
        max_years=70,
    )
    SecrecyMarking.objects.create(
        tenant_id=TENANT,
        target=MarkingTarget.RECORD,
        record_id=protected_case,
        ground="OSL 21 kap. 3 §",
        harm_test=HarmTest.STRAIGHT,
        protected_identity=True,
    )
    refresh(tenant=TENANT)
    archive = Archive(
        public_case, public_docs, secret_case, secret_docs, protected_case, protected_docs
    )
    for row in PublishedFile.objects.all():
        archive.files.setdefault(str(row.record_id), []).append(row)
    return archive
