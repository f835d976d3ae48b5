"""An arkivförteckning as plain data: what the EAD3 and PDF exports both print.

Why one neutral tree first: the two exports must list the same series, volumes and
AIPs in the same order; building it once, through the scope, means neither export can
show more than the person may see, nor drift from the other.

The tree follows the general archive scheme: a fonds per records creator (its archive),
its series, their volumes, with the AIPs linked at each level. AIPs linked to a class
but to no series are listed under their class (the process view of RA-FS 2008:4), so
no described AIP is missing from the inventory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.accounts.scope import Scope
from samarkiv.catalog import description
from samarkiv.catalog.editing import READ
from samarkiv.catalog.models import (
    AipDescription,
    Archive,
    ClassificationNode,
    RecordsCreator,
    Series,
    Tenant,
)


@dataclass(frozen=True)
class AipRef:
    id: str
    label: str


@dataclass(frozen=True)
class Neighbour:
    """A predecessor or successor, as the finding aid names it."""

    name: str
    code: str
    kind: str  # the relation kind's value
    kind_label: str
    date: date | None


@dataclass
class CreatorInfo:
    code: str
    name: str
    org_number: str
    active_from: date | None
    active_until: date | None
    description: str
    predecessors: list[Neighbour] = field(default_factory=list)
    successors: list[Neighbour] = field(default_factory=list)


@dataclass
class Unit:
    """One level of the finding aid: a fonds, a series, a volume, a class."""

    level: str  # EAD3 @level: recordgrp, fonds, subfonds, series, file, otherlevel
    unitid: str
    title: str
    date_start: date | None = None
    date_end: date | None = None
    note: str = ""
    otherlevel: str = ""  # with level "otherlevel": what it is ("process")
    creator: CreatorInfo | None = None  # the origination of a fonds
    aips: list[AipRef] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)

    @property
    def period(self) -> str:
        """The years covered, as a finding aid prints them: "1971–2018"."""
        return period_text(self.date_start, self.date_end)


@dataclass
class Inventory:
    tenant_code: str
    tenant_name: str
    tenant_org_number: str
    title: str
    record_id: str
    filename: str  # without extension
    top: Unit
    generated_at: datetime


def period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start:
        return f"{start.year}–"
    if end:
        return f"–{end.year}"
    return ""


# --------------------------------------------------------------------------- assembly


def _creator_info(creator: RecordsCreator) -> CreatorInfo:
    def neighbours(links) -> list[Neighbour]:
        return [
            Neighbour(
                link.creator.name,
                link.creator.code,
                link.relation.kind,
                link.kind_label,
                link.relation.date,
            )
            for link in links
        ]

    return CreatorInfo(
        code=creator.code,
        name=creator.name,
        org_number=creator.org_number,
        active_from=creator.active_from,
        active_until=creator.active_until,
        description=creator.description,
        predecessors=neighbours(description.predecessors(creator)),
        successors=neighbours(description.successors(creator)),
    )


@dataclass
class _Links:
    """The creator's AIP links, grouped by where they are listed."""

    by_volume: dict[int, list[AipRef]] = field(default_factory=lambda: defaultdict(list))
    by_series: dict[int, list[AipRef]] = field(default_factory=lambda: defaultdict(list))
    by_node: dict[int, list[AipRef]] = field(default_factory=lambda: defaultdict(list))
    nodes: dict[int, ClassificationNode] = field(default_factory=dict)


def _links(creator: RecordsCreator) -> _Links:
    rows = (
        AipDescription.objects.filter(records_creator=creator)
        .select_related("aip", "classification_node__scheme")
        .order_by("aip__created_at", "aip_id")
    )
    grouped = _Links()
    for row in rows:
        ref = AipRef(row.aip_id, row.aip.label)
        if row.volume_id:
            grouped.by_volume[row.volume_id].append(ref)
        elif row.series_id:
            grouped.by_series[row.series_id].append(ref)
        else:
            grouped.by_node[row.classification_node_id].append(ref)
            grouped.nodes[row.classification_node_id] = row.classification_node
    return grouped


def _series_unit(series: Series, links: _Links) -> Unit:
    volumes = [
        Unit(
            "file",
            str(volume.number),
            volume.title,
            volume.date_start,
            volume.date_end,
            aips=links.by_volume.get(volume.pk, []),
        )
        for volume in series.volumes.all()
    ]
    return Unit(
        "series",
        series.code,
        series.title,
        series.date_start,
        series.date_end,
        note=series.description,
        aips=links.by_series.get(series.pk, []),
        children=volumes,
    )


def _process_units(links: _Links) -> list[Unit]:
    nodes = sorted(links.nodes.values(), key=lambda node: node.sort_key)
    return [
        Unit(
            "otherlevel",
            node.code,
            node.title,
            otherlevel="process",
            note=_("Klassificering: %(scheme)s, version %(version)s")
            % {"scheme": node.scheme.name, "version": node.scheme.version},
            aips=links.by_node[node.pk],
        )
        for node in nodes
    ]


def creator_unit(creator: RecordsCreator) -> Unit:
    """The creator's fonds: its one archive's series, or each archive as a sub-fonds."""
    archives = list(
        Archive.objects.filter(records_creator=creator).prefetch_related("series__volumes")
    )
    links = _links(creator)
    processes = _process_units(links)
    info = _creator_info(creator)
    if len(archives) == 1:
        archive = archives[0]
        series = [_series_unit(s, links) for s in archive.series.all()]
        return _fill_dates(
            Unit(
                "fonds",
                archive.reference_code,
                archive.title,
                archive.date_start or creator.active_from,
                archive.date_end or creator.active_until,
                note=archive.description,
                creator=info,
                children=series + processes,
            )
        )
    parts = [
        Unit(
            "subfonds",
            archive.reference_code,
            archive.title,
            archive.date_start,
            archive.date_end,
            note=archive.description,
            children=[_series_unit(s, links) for s in archive.series.all()],
        )
        for archive in archives
    ]
    unitid = f"{creator.tenant_id.upper()}/{creator.code.upper()}"
    fonds = Unit("fonds", unitid, creator.name, creator.active_from, creator.active_until)
    fonds.creator, fonds.children = info, parts + processes
    return _fill_dates(fonds)


def _fill_dates(unit: Unit) -> Unit:
    """A level without dates of its own covers its children's: the finding aid says so."""
    for child in unit.children:
        _fill_dates(child)
    starts = [c.date_start for c in unit.children if c.date_start]
    ends = [c.date_end for c in unit.children if c.date_end]
    unit.date_start = unit.date_start or (min(starts) if starts else None)
    unit.date_end = unit.date_end or (max(ends) if ends else None)
    return unit


def creator_inventory(scope: Scope, code: str) -> Inventory:
    """The arkivförteckning of one records creator of the acting tenant."""
    creator = description.get_creator(scope, code)
    tenant = creator.tenant
    top = creator_unit(creator)
    return Inventory(
        tenant_code=tenant.code,
        tenant_name=tenant.name,
        tenant_org_number=tenant.org_number,
        title=_("Arkivförteckning: %(name)s") % {"name": creator.name},
        record_id=f"samarkiv:{tenant.code}:{creator.code}",
        filename=f"arkivforteckning-{tenant.code}-{creator.code}",
        top=top,
        generated_at=timezone.now(),
    )


def tenant_inventory(scope: Scope, tenant_code: str | None = None) -> Inventory:
    """Every records creator of the tenant, each as a fonds of the municipality's holdings."""
    code = tenant_code or scope.tenant or ""
    tenant = scope.get(Tenant.objects.all(), tenant_field="code", permission=READ, code=code)
    creators = description.list_creators(scope).filter(tenant=tenant)
    fonds = [creator_unit(creator) for creator in creators]
    title = _("%(tenant)s: arkiv") % {"tenant": tenant.name}
    top = _fill_dates(Unit("recordgrp", tenant.code.upper(), title, children=fonds))
    return Inventory(
        tenant_code=tenant.code,
        tenant_name=tenant.name,
        tenant_org_number=tenant.org_number,
        title=_("Arkivförteckning: %(tenant)s") % {"tenant": tenant.name},
        record_id=f"samarkiv:{tenant.code}",
        filename=f"arkivforteckning-{tenant.code}",
        top=top,
        generated_at=timezone.now(),
    )
