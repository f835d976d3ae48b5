"""Demo secrecy and publication, loaded by ``samarkiv demo`` after the demo AIPs are indexed.

What the portal demo then shows: Hörby's building-permit cases and Lund's and
Klippan's records published; Hörby's drawing hidden (drawings only after ten years);
a neighbour's statement with a protected identity not shown at all; Ystad's
social-services delivery secret (26 kap. 1 § OSL, omvänt skaderekvisit, 70 years),
visible only as a stub with a request button. Idempotent: run twice, same rows.
"""

from __future__ import annotations

from datetime import date

RULES = (
    # tenant, name, publish, document type contains, min age
    ("horby", "Offentliga handlingar i bygglovsärenden", True, "", 0),
    ("horby", "Ritningar publiceras först efter 10 år", True, "ritning", 10),
    ("lund", "Kommunstyrelsens diarium", True, "", 0),
    ("klippan", "Kommunfullmäktiges protokoll", True, "", 0),
    ("ystad", "Allt som inte omfattas av sekretess", True, "", 0),
)


def load_demo() -> int:
    """Rules, markings, then one full refresh; 0 = success."""
    from samarkiv.access.publication.models import PublicationRule
    from samarkiv.access.publication.refresh import refresh

    for tenant, name, publish, document_type, age in RULES:
        PublicationRule.objects.get_or_create(
            tenant_id=tenant,
            name=name,
            defaults={"publish": publish, "document_type": document_type, "min_age_years": age},
        )
    _markings()
    summary = refresh()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
    print(f"Publication: {summary.records} records ({counts}), {summary.indexed} published")
    return 0


def _markings() -> None:
    from samarkiv.access.publication.choices import HarmTest, MarkingTarget
    from samarkiv.access.publication.models import SecrecyMarking
    from samarkiv.catalog.records.models import Record

    social = Record.objects.filter(tenant_id="ystad", title__icontains="bistånd").first()
    if social is not None:
        SecrecyMarking.objects.get_or_create(
            tenant_id="ystad",
            target=MarkingTarget.RECORD,
            record_id=social.pk,
            ground="26 kap. 1 § OSL",
            defaults={
                "aip_id": social.aip_id,
                "harm_test": HarmTest.REVERSE,
                "max_years": 70,
                "period_start": social.date_end or date(2021, 12, 31),
                "personal_data": True,
                "note": "Socialtjänstens akter: sekretess med omvänt skaderekvisit, högst 70 år.",
            },
        )
    neighbour = Record.objects.filter(tenant_id="horby", title="Yttrande från granne").first()
    if neighbour is not None:
        SecrecyMarking.objects.get_or_create(
            tenant_id="horby",
            target=MarkingTarget.RECORD,
            record_id=neighbour.pk,
            ground="21 kap. 3 § OSL",
            defaults={
                "aip_id": neighbour.aip_id,
                "harm_test": HarmTest.STRAIGHT,
                "protected_identity": True,
                "personal_data": True,
                "note": "Grannen har skyddade personuppgifter (sekretessmarkering).",
            },
        )
