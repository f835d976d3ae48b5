"""The public portal in the isolation matrix.

Its list pages need no login and show only the published projection (``PUBLIC``).
The record, file and DIP pages are aimed at tenant B's world record, which no rule
publishes; the hidden-record page at a record of B with a protected identity, which
must not even have a stub. Every role of every tenant gets a 404 on all of them.
(An ordinary unpublished record of B does have a stub page, on purpose: municipality,
records creator, series and years are public, for anyone, so that it can be requested.)
"""

from __future__ import annotations

from tests.tenancy.world import MARK, OTHER

PUBLIC = {
    "portal:home",
    "portal:search",
    "portal:about_hidden",
    "portal:suggest",
    "portal:sitemap",
    "portal:robots",
    "portal:language",
}

PAGES = {
    "portal:record": lambda w: {"pk": w.record.pk},
    "portal:stub": lambda w: {"pk": w.extra["portal_protected"].pk},
    "portal:dip": lambda w: {"pk": w.record.pk},
    "portal:file": lambda w: {"pk": w.record.pk, "file_id": 1},
    "portal:file_view": lambda w: {"pk": w.record.pk, "file_id": 1},
}


def build(world) -> None:
    """A record of B whose party has a protected identity: never published, no stub."""
    from samarkiv.access.publication.refresh import refresh
    from samarkiv.catalog.records.models import Record

    protected = Record.objects.create(
        tenant_id=OTHER,
        aip=world.aip,
        kind="case",
        source_format="other",
        title=f"{MARK} skyddat ärende",
        registration_number=f"{MARK} 2024/2",
        parties=[{"name": f"{MARK} skyddad", "protected_identity": True}],
    )
    refresh(tenant=OTHER)
    world.extra["portal_protected"] = protected
    world.markers.append(str(protected.pk))
