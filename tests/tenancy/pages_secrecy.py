"""Secrecy and publication pages in the isolation matrix.

Tenant B (ystad) gets a publication rule, a record marking and a series marking, each
named with the marker; tenant A's people must get 403/404 on them and never see their
names, grounds or B's computed visibility on A's overview pages.
"""

from __future__ import annotations

from tests.tenancy.world import MARK, OTHER

PAGES = {
    "secrecy_ui:rule_edit": lambda w: {"pk": w.extra["secrecy_rule"].pk},
    "secrecy_ui:rule_deactivate": lambda w: {"pk": w.extra["secrecy_rule"].pk},
    "secrecy_ui:record_marking_new": lambda w: {"record_id": w.record.pk},
    "secrecy_ui:marking_delete": lambda w: {"pk": w.extra["secrecy_marking"].pk},
}


def build(world) -> None:
    from samarkiv.access.publication.choices import HarmTest, MarkingTarget
    from samarkiv.access.publication.models import PublicationRule, SecrecyMarking
    from samarkiv.access.publication.refresh import refresh

    rule = PublicationRule.objects.create(
        tenant_id=OTHER, name=f"{MARK} regel", document_type=f"{MARK}typ", min_age_years=7
    )
    marking = SecrecyMarking.objects.create(
        tenant_id=OTHER,
        target=MarkingTarget.RECORD,
        record_id=world.record.pk,
        aip_id=world.record.aip_id,
        ground=f"{MARK} 26 kap. 1 § OSL",
        harm_test=HarmTest.REVERSE,
        max_years=70,
    )
    series_marking = SecrecyMarking.objects.create(
        tenant_id=OTHER,
        target=MarkingTarget.SERIES,
        series=world.catalog["series"],
        ground=f"{MARK} seriegrund",
    )
    refresh(tenant=OTHER)
    world.extra.update(
        secrecy_rule=rule, secrecy_marking=marking, secrecy_series_marking=series_marking
    )
    world.markers += [rule.name, marking.ground, series_marking.ground]
