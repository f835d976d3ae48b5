"""The demo description: seeded for the demo tenants, idempotent, and linking the demo
deliveries' AIPs once they are ingested."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from samarkiv.catalog import ead3
from samarkiv.catalog.choices import RelationKind, SchemeStatus
from samarkiv.catalog.demo import AIP_LINKS, demo_tenants, load_demo_description
from samarkiv.catalog.inventory import tenant_inventory
from samarkiv.catalog.models import (
    AipDescription,
    Archive,
    ClassificationNode,
    ClassificationScheme,
    RecordsCreator,
    RecordsCreatorRelation,
    Series,
    Volume,
)
from samarkiv.ingest.demo_erms import ERMS_NAME
from samarkiv.ingest.demo_sips import SPECS

pytestmark = pytest.mark.django_db
MODELS = (
    RecordsCreator,
    RecordsCreatorRelation,
    Archive,
    Series,
    Volume,
    ClassificationScheme,
    ClassificationNode,
    AipDescription,
)


def test_every_demo_delivery_has_a_place_in_the_description() -> None:
    assert set(AIP_LINKS) == {spec.name for spec in SPECS} | {ERMS_NAME}
    assert set(demo_tenants()) >= {spec.tenant for spec in SPECS}


def test_the_demo_tenants_get_creators_archives_and_a_versioned_scheme() -> None:
    seeded = load_demo_description()
    assert set(seeded) == set(demo_tenants())
    for tenant in seeded:
        names = set(RecordsCreator.objects.filter(tenant_id=tenant).values_list("name", flat=True))
        assert {"Kommunstyrelsen", "Byggnadsnämnden", "Socialnämnden"} <= names
        merger = RecordsCreatorRelation.objects.get(tenant_id=tenant)
        assert (merger.source.name, merger.kind, merger.target.name) == (
            "Miljö- och byggnämnden",
            RelationKind.MERGED_INTO,
            "Byggnadsnämnden",
        )
        assert merger.date == date(2019, 1, 1)
        versions = ClassificationScheme.objects.filter(tenant_id=tenant).order_by("version")
        assert [v.status for v in versions] == [SchemeStatus.RETIRED, SchemeStatus.ACTIVE]
        assert versions[1].nodes.get(code="3.4.2").parent.code == "3.4"
        assert versions[1].nodes.count() == versions[0].nodes.count() + 1
    assert not RecordsCreator.objects.filter(tenant_id="perstorp").exists()  # no demo there
    protocols = Series.objects.get(archive__reference_code="SE/1266/BN", code="A1")
    assert [v.title for v in protocols.volumes.all()][:2] == ["Protokoll 2019", "Protokoll 2020"]


def test_the_demo_is_idempotent_and_keeps_changes() -> None:
    load_demo_description()
    RecordsCreator.objects.filter(tenant_id="lund", code="ks").update(name="KS (ändrad)")
    counts = [model.objects.count() for model in MODELS]
    load_demo_description()
    assert [model.objects.count() for model in MODELS] == counts
    assert RecordsCreator.objects.get(tenant_id="lund", code="ks").name == "KS (ändrad)"


def test_the_demo_deliveries_are_linked_when_ingested(home: Path, settings) -> None:
    """`samarkiv demo` ingests the deliveries and links each AIP (ingest.demo calls us)."""
    from samarkiv.ingest.demo import load_demo_deliveries

    settings.SAMARKIV_STORAGE_DIR = home / "storage"
    settings.SAMARKIV_WORKSPACES_DIR = home / "workspaces"
    settings.SAMARKIV_DEMO_DIR = home / "demo"
    for folder in ("storage", "workspaces"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    results = load_demo_deliveries()
    assert all(receipt.ok for _d, receipt in results)
    links = {link.aip_id: link for link in AipDescription.objects.select_related("volume")}
    for delivery, receipt in results:
        link = links[receipt.aip_id]
        creator, signum, year, node = AIP_LINKS[delivery.path.name]
        assert (link.records_creator.code, link.series.code) == (creator, signum)
        assert link.volume.title.endswith(str(year)) and link.classification_node.code == node
        assert link.classification_node.scheme.status == SchemeStatus.ACTIVE
    from samarkiv.accounts.scope import operator_scope

    document = ead3.export(tenant_inventory(operator_scope(), "horby"))
    horby_aip = next(r.aip_id for d, r in results if d.tenant_code == "horby")
    assert f'href="{horby_aip}"'.encode() in document
