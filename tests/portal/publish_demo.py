"""Ingest and publish the demo deliveries in a home, for the browser tests.

Run as ``python -m tests.portal.publish_demo`` with ``SAMARKIV_HOME`` set (the server's
home, migrated). The demo deliveries of every municipality are ingested through the
real pipeline and extracted (what ``samarkiv demo`` does, without the other domains'
demo steps, so a portal test does not depend on them). Every municipality gets a rule
that publishes its records (unless there are rules already); one Ystad case is marked
secret so that the portal has a stub to show. Then the real publication refresh
rewrites the projection and the public index.
"""

from __future__ import annotations

import os


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
    import django

    django.setup()
    from samarkiv.access.publication.choices import HarmTest, MarkingTarget
    from samarkiv.access.publication.models import PublicationRule, SecrecyMarking
    from samarkiv.access.publication.refresh import refresh
    from samarkiv.access.search.queue import process_pending
    from samarkiv.catalog.models import Tenant
    from samarkiv.catalog.records.models import Record
    from samarkiv.ingest.demo import load_demo_deliveries

    for delivery, receipt in load_demo_deliveries():
        assert receipt.ok or receipt.duplicate_of, f"{delivery.path.name}: {receipt.message}"
    process_pending(ignore_backoff=True)
    for tenant in Tenant.objects.all():
        if not PublicationRule.objects.filter(tenant=tenant).exists():
            PublicationRule.objects.create(tenant=tenant, name="Demo: allt utan sekretess")
    case = Record.objects.filter(tenant_id="ystad", parent=None).order_by("pk").first()
    if case is not None:
        SecrecyMarking.objects.get_or_create(
            tenant_id="ystad",
            target=MarkingTarget.RECORD,
            record_id=case.pk,
            defaults={"ground": "OSL 26 kap. 1 §", "harm_test": HarmTest.REVERSE, "max_years": 70},
        )
    summary = refresh()
    print(f"published: {summary.counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
