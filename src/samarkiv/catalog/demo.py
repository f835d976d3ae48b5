"""Demo archival description for `samarkiv demo`: creators, archives, series, volumes,
a two-version KLASSA-like classification, and the demo AIPs linked into them.

Idempotent like the rest of the demo (``make run`` calls it on every start): whatever
exists is left alone, so an archivist's changes to the demo survive a restart, and an
AIP already linked is not re-linked. The names and codes are invented for the demo.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from samarkiv.catalog.choices import ClassificationLevel, RelationKind, SchemeStatus
from samarkiv.catalog.models import (
    AipDescription,
    Archive,
    ClassificationNode,
    ClassificationScheme,
    RecordsCreator,
    RecordsCreatorRelation,
    Series,
    Tenant,
    Volume,
)
from samarkiv.preservation.models import Aip

# Kommunkoder: the reference codes of the demo archives are SE/<kommunkod>/<creator>.
MUNICIPALITY_CODES = {
    "bjuv": "1260",
    "horby": "1266",
    "klippan": "1276",
    "lund": "1281",
    "ystad": "1286",
}
EXTRA_TENANTS = ("bjuv",)  # the demo's archivist, registrar and auditor act here
SCHEME_NAME = "Klassificeringsstruktur (KLASSA-baserad)"
MERGER = date(2019, 1, 1)

# code | name | active from | active until | description
CREATORS = (
    (
        "kf",
        "Kommunfullmäktige",
        date(1971, 1, 1),
        None,
        "Kommunens högsta beslutande organ. Beslutar om mål, budget och skatt.",
    ),
    (
        "ks",
        "Kommunstyrelsen",
        date(1971, 1, 1),
        None,
        "Leder och samordnar kommunens verksamhet och har uppsikt över nämnderna. "
        "Kommunstyrelsen är kommunens arkivmyndighet.",
    ),
    (
        "mbn",
        "Miljö- och byggnämnden",
        date(1995, 1, 1),
        date(2018, 12, 31),
        "Ansvarade för bygglov, detaljplaner och miljö- och hälsoskydd. Uppgick den "
        "1 januari 2019 i byggnadsnämnden; miljötillsynen flyttade till kommunstyrelsen.",
    ),
    (
        "bn",
        "Byggnadsnämnden",
        MERGER,
        None,
        "Ansvarar för bygglov, förhandsbesked, strandskydd och tillsyn enligt plan- och "
        "bygglagen. Övertog byggfrågorna från miljö- och byggnämnden 2019.",
    ),
    (
        "sn",
        "Socialnämnden",
        date(1971, 1, 1),
        None,
        "Ansvarar för individ- och familjeomsorg, ekonomiskt bistånd och missbruksvård.",
    ),
)
# creator | signum | title | volume years
SERIES = (
    ("kf", "A1", "Protokoll", (2021, 2022, 2023)),
    ("ks", "A1", "Protokoll", (2021, 2022, 2023)),
    ("ks", "B1", "Diarier", (2022, 2023)),
    ("ks", "F1", "Ärendeakter", (2022, 2023)),
    ("mbn", "A1", "Protokoll", (2016, 2017, 2018)),
    ("mbn", "F1", "Bygglovsakter", (2016, 2017, 2018)),
    ("bn", "A1", "Protokoll", (2019, 2020, 2021, 2022)),
    ("bn", "B1", "Diarier", (2021, 2022)),
    ("bn", "F1", "Bygglovsakter", (2021, 2022, 2023)),
    ("sn", "A1", "Protokoll", (2020, 2021)),
    ("sn", "F1", "Akter om ekonomiskt bistånd", (2020, 2021)),
)
A, B, G, P = (
    ClassificationLevel.AREA,
    ClassificationLevel.BRANCH,
    ClassificationLevel.PROCESS_GROUP,
    ClassificationLevel.PROCESS,
)
NODES = (  # version 1; version 2 adds NEW_IN_V2
    ("1", "Styra och leda", A),
    ("1.1", "Leda och samordna", G),
    ("1.1.1", "Bereda och besluta ärenden", P),
    ("1.2", "Hantera information", G),
    ("1.2.1", "Registrera och förvara allmänna handlingar", P),
    ("3", "Bygga och bo", A),
    ("3.4", "Bygglov", G),
    ("3.4.2", "Handlägga bygglov", P),
    ("5", "Stöd och omsorg", A),
    ("5.3", "Ekonomiskt bistånd", G),
    ("5.3.1", "Handlägga ekonomiskt bistånd", P),
)
NEW_IN_V2 = (("3.4.1", "Ge förhandsbesked", P),)
# demo delivery (package name) -> creator, signum, volume year, class
AIP_LINKS = {
    "sip-lund-ks-diarium-2023": ("ks", "F1", 2023, "1.1.1"),
    "sip-horby-bmn-bygglov-2022": ("bn", "F1", 2022, "3.4.2"),
    "sip-ystad-sn-bistand-2021": ("sn", "F1", 2021, "5.3.1"),
    "sip-klippan-kf-protokoll-2023": ("kf", "A1", 2023, "1.1.1"),
    "sip-horby-bn-arenden-2023": ("bn", "F1", 2023, "3.4.2"),
}


def demo_tenants() -> list[str]:
    from samarkiv.ingest.demo_sips import SPECS

    return sorted({spec.tenant for spec in SPECS} | set(EXTRA_TENANTS))


def _creators(tenant: str) -> dict[str, RecordsCreator]:
    creators = {}
    for code, name, start, end, text in CREATORS:
        creators[code], _ = RecordsCreator.objects.get_or_create(
            tenant_id=tenant,
            code=code,
            defaults={"name": name, "active_from": start, "active_until": end, "description": text},
        )
    RecordsCreatorRelation.objects.get_or_create(
        tenant_id=tenant,
        source=creators["mbn"],
        target=creators["bn"],
        kind=RelationKind.MERGED_INTO,
        defaults={"date": MERGER, "note": "Byggfrågorna gick till byggnadsnämnden."},
    )
    return creators


def _archives(tenant: str, creators: dict[str, RecordsCreator]) -> dict[tuple[str, str], Series]:
    number = MUNICIPALITY_CODES.get(tenant, tenant.upper())
    found: dict[tuple[str, str], Series] = {}
    for code, creator in creators.items():
        archive, _ = Archive.objects.get_or_create(
            tenant_id=tenant,
            reference_code=f"SE/{number}/{code.upper()}",
            defaults={"records_creator": creator, "title": creator.name},
        )
        for owner, signum, title, years in SERIES:
            if owner != code:
                continue
            found[(code, signum)] = _series(archive, signum, title, years)
    return found


def _series(archive: Archive, signum: str, title: str, years: tuple[int, ...]) -> Series:
    series, created = Series.objects.get_or_create(
        archive=archive,
        code=signum,
        defaults={
            "tenant_id": archive.tenant_id,
            "title": title,
            "date_start": date(years[0], 1, 1),
            "date_end": None
            if archive.records_creator.active_until is None
            else date(years[-1], 12, 31),
        },
    )
    if created:
        for number, year in enumerate(years, start=1):
            Volume.objects.create(
                tenant_id=archive.tenant_id,
                series=series,
                number=number,
                title=f"{title} {year}",
                date_start=date(year, 1, 1),
                date_end=date(year, 12, 31),
            )
    return series


def _add_nodes(scheme: ClassificationScheme, rows) -> None:
    by_code = {node.code: node for node in scheme.nodes.all()}
    for code, title, level in rows:
        by_code[code] = ClassificationNode.objects.create(
            tenant_id=scheme.tenant_id,
            scheme=scheme,
            parent=by_code.get(code.rsplit(".", 1)[0]) if "." in code else None,
            code=code,
            title=title,
            level=level,
        )


def _scheme(tenant: str) -> ClassificationScheme:
    """Version 1 (retired) and version 2 (in force, one class added), once per tenant."""
    current = ClassificationScheme.objects.filter(tenant_id=tenant, name=SCHEME_NAME)
    if current.exists():
        return current.filter(status=SchemeStatus.ACTIVE).first() or current.first()
    first = ClassificationScheme.objects.create(
        tenant_id=tenant,
        name=SCHEME_NAME,
        version=1,
        status=SchemeStatus.RETIRED,
        valid_from=MERGER,
        valid_until=date(2023, 12, 31),
        description="Demostruktur efter KLASSA: verksamhetsområde, processgrupp, process.",
    )
    _add_nodes(first, NODES)
    second = ClassificationScheme.objects.create(
        tenant_id=tenant,
        name=SCHEME_NAME,
        version=2,
        status=SchemeStatus.ACTIVE,
        valid_from=date(2024, 1, 1),
        description=first.description,
        copied_from=first,
    )
    _add_nodes(second, NODES + NEW_IN_V2)
    originals = {node.code: node for node in first.nodes.all()}
    for node in second.nodes.all():
        if node.code in originals:
            node.copied_from = originals[node.code]
            node.save(update_fields=["copied_from"])
    return second


def _link(aip: Aip, creators, series, scheme, plan) -> None:
    creator_code, signum, year, node_code = plan
    if AipDescription.objects.filter(aip=aip).exists():
        return
    chosen = series[(creator_code, signum)]
    AipDescription.objects.create(
        aip=aip,
        tenant_id=aip.tenant_id,
        records_creator=creators[creator_code],
        series=chosen,
        volume=chosen.volumes.filter(title__endswith=str(year)).first(),
        classification_node=scheme.nodes.filter(code=node_code).first(),
    )


def load_demo_description(aips: Iterable[tuple[str, str | None]] = ()) -> list[str]:
    """Seed the demo tenants; link each (demo package name, AIP id) given.

    Returns the tenants seeded. AIPs of unknown packages or missing ids are skipped.
    """
    tenants = [t for t in demo_tenants() if Tenant.objects.filter(code=t).exists()]
    links = dict(aips)
    with transaction.atomic():
        for tenant in tenants:
            creators = _creators(tenant)
            series = _archives(tenant, creators)
            scheme = _scheme(tenant)
            for name, plan in AIP_LINKS.items():
                aip = Aip.objects.filter(pk=links.get(name) or "", tenant_id=tenant).first()
                if aip is not None:
                    _link(aip, creators, series, scheme, plan)
    return tenants
