"""Records creators, their provenance, and their archives, series and volumes.

Reading needs VIEW_DELIVERIES (everyone in the municipality who sees what it has
delivered); changing needs the archivist's permission (see ``editing``). Every read goes
through the scope, so another tenant's creator is "not found" here, on the pages and in
the exports alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from samarkiv.accounts.scope import Scope
from samarkiv.catalog import editing
from samarkiv.catalog.choices import RelationKind
from samarkiv.catalog.editing import READ, InvalidDescriptionError
from samarkiv.catalog.models import (
    Archive,
    RecordsCreator,
    RecordsCreatorRelation,
    Series,
    Volume,
)

CREATOR_FIELDS = ("code", "name", "org_number", "active_from", "active_until", "description")
ARCHIVE_FIELDS = ("reference_code", "title", "date_start", "date_end", "description")
SERIES_FIELDS = ("code", "title", "date_start", "date_end", "description")
VOLUME_FIELDS = ("number", "title", "date_start", "date_end")
RELATION_FIELDS = ("target", "kind", "date", "note")
RESERVED_CODES = {"new"}
CHAIN_LIMIT = 20  # provenance chains longer than this are not drawn (nor followed)


# --------------------------------------------------------------------------- creators


def list_creators(scope: Scope) -> QuerySet[RecordsCreator]:
    """The acting tenant's records creators, with how many AIPs each describes."""
    rows = RecordsCreator.objects.annotate(
        archive_count=Count("archives", distinct=True),
        aip_count=Count("aip_descriptions", distinct=True),
    ).order_by("name")
    return scope.visible(rows, permission=READ)


def get_creator(scope: Scope, code: str, *, for_edit: bool = False) -> RecordsCreator:
    rows = RecordsCreator.objects.select_related("tenant")
    if for_edit:
        return editing.editable(scope, rows, code=code)
    return scope.get(rows, permission=READ, code=code)


def save_creator(scope: Scope, creator: RecordsCreator | None, data: dict) -> RecordsCreator:
    """Create (``creator`` None) or change a records creator; the code is fixed once made.

    "new" is refused as a code: ``creators/new/`` is the page that makes one.
    """
    if creator is None and str(data.get("code", "")).strip().lower() in RESERVED_CODES:
        raise InvalidDescriptionError({"code": _("Koden är reserverad; välj en annan.")})
    if creator is None:
        target = editing.new_object(scope, RecordsCreator, data.get("tenant"))
    else:
        target = editing.editable(scope, RecordsCreator.objects.all(), pk=creator.pk)
    return editing.save(scope, target, data, CREATOR_FIELDS, fixed=("code",))


# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True)
class Link:
    """One neighbour in a creator's provenance: who, how, since when."""

    creator: RecordsCreator
    relation: RecordsCreatorRelation

    @property
    def kind_label(self) -> str:
        return self.relation.get_kind_display()


def _relations(creator: RecordsCreator) -> QuerySet[RecordsCreatorRelation]:
    return RecordsCreatorRelation.objects.filter(
        Q(source=creator) | Q(target=creator), tenant_id=creator.tenant_id
    ).select_related("source", "target")


def predecessors(creator: RecordsCreator) -> list[Link]:
    """Creators whose activity passed to this one (merged into it, or it split off)."""
    return [
        Link(rel.predecessor(), rel) for rel in _relations(creator) if rel.successor() == creator
    ]


def successors(creator: RecordsCreator) -> list[Link]:
    return [
        Link(rel.successor(), rel) for rel in _relations(creator) if rel.predecessor() == creator
    ]


def _earlier(creator: RecordsCreator, limit: int = CHAIN_LIMIT) -> set[int]:
    """Every creator before ``creator`` (transitively), to refuse a circular provenance."""
    seen: set[int] = set()
    frontier = [creator]
    while frontier and len(seen) < limit * 10:
        current = frontier.pop()
        for link in predecessors(current):
            if link.creator.pk not in seen:
                seen.add(link.creator.pk)
                frontier.append(link.creator)
    return seen


def add_relation(scope: Scope, source: RecordsCreator, data: dict) -> RecordsCreatorRelation:
    """Record that ``source`` <kind> ``data["target"]``; a circle in time is refused."""
    source = editing.editable(scope, RecordsCreator.objects.all(), pk=source.pk)
    relation = editing.new_object(scope, RecordsCreatorRelation, source.tenant_id, source=source)
    for name in RELATION_FIELDS:
        if name in data:
            setattr(relation, name, data[name])
    target = data.get("target")
    if isinstance(target, RecordsCreator) and target.tenant_id == source.tenant_id:
        earlier, later = (
            (target, source) if relation.kind == RelationKind.SPLIT_FROM else (source, target)
        )
        if later.pk in _earlier(earlier) or later.pk == earlier.pk:
            raise InvalidDescriptionError(
                {"target": _("Sambandet skulle göra en arkivbildare till sin egen föregångare.")}
            )
    return editing.save(scope, relation, data, RELATION_FIELDS)


def remove_relation(scope: Scope, pk: int) -> RecordsCreatorRelation:
    relation = editing.editable(
        scope, RecordsCreatorRelation.objects.select_related("source", "target"), pk=pk
    )
    editing.audit(scope, relation, "removed", {"relation": str(relation)})
    relation.delete()
    return relation


# --------------------------------------------------------------------------- archives


def creator_archives(scope: Scope, creator: RecordsCreator) -> list[Archive]:
    """The creator's archives with their series and volumes, and AIP counts at each level."""
    volumes = Volume.objects.annotate(aip_count=Count("aip_descriptions")).order_by("number")
    series = (
        Series.objects.annotate(aip_count=Count("aip_descriptions"))
        .order_by("sort_key")  # Meta.ordering does not apply to aggregating queries
        .prefetch_related(Prefetch("volumes", queryset=volumes))
    )
    rows = Archive.objects.filter(records_creator=creator).prefetch_related(
        Prefetch("series", queryset=series)
    )
    return list(scope.visible(rows, permission=READ))


def get_archive(scope: Scope, pk: int, *, for_edit: bool = False) -> Archive:
    rows = Archive.objects.select_related("records_creator", "tenant")
    if for_edit:
        return editing.editable(scope, rows, pk=pk)
    return scope.get(rows, permission=READ, pk=pk)


def save_archive(
    scope: Scope, archive: Archive | None, data: dict, creator: RecordsCreator | None = None
) -> Archive:
    """Create an archive of ``creator``, or change ``archive`` (its creator stays)."""
    if archive is None:
        owner = editing.editable(scope, RecordsCreator.objects.all(), pk=creator.pk)
        target = editing.new_object(scope, Archive, owner.tenant_id, records_creator=owner)
    else:
        target = editing.editable(scope, Archive.objects.all(), pk=archive.pk)
    return editing.save(scope, target, data, ARCHIVE_FIELDS)


# --------------------------------------------------------------------------- series, volumes


def get_series(scope: Scope, pk: int, *, for_edit: bool = False) -> Series:
    rows = Series.objects.select_related("archive__records_creator", "tenant")
    if for_edit:
        return editing.editable(scope, rows, pk=pk)
    return scope.get(rows, permission=READ, pk=pk)


def save_series(
    scope: Scope, series: Series | None, data: dict, archive: Archive | None = None
) -> Series:
    """Create a series in ``archive``, or change ``series``; signa are unique per archive."""
    if series is None:
        owner = editing.editable(scope, Archive.objects.all(), pk=archive.pk)
        target = editing.new_object(scope, Series, owner.tenant_id, archive=owner)
    else:
        target = editing.editable(scope, Series.objects.all(), pk=series.pk)
    if "code" in data:
        data = {**data, "code": str(data["code"] or "").strip().upper()}
    return editing.save(scope, target, data, SERIES_FIELDS)


def get_volume(scope: Scope, pk: int, *, for_edit: bool = False) -> Volume:
    rows = Volume.objects.select_related("series__archive__records_creator", "tenant")
    if for_edit:
        return editing.editable(scope, rows, pk=pk)
    return scope.get(rows, permission=READ, pk=pk)


def next_volume_number(series: Series) -> int:
    last = series.volumes.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def save_volume(
    scope: Scope, volume: Volume | None, data: dict, series: Series | None = None
) -> Volume:
    """Create a volume in ``series``, or change ``volume``; numbers are unique per series."""
    if volume is None:
        owner = editing.editable(scope, Series.objects.all(), pk=series.pk)
        target = editing.new_object(scope, Volume, owner.tenant_id, series=owner)
    else:
        target = editing.editable(scope, Volume.objects.all(), pk=volume.pk)
    return editing.save(scope, target, data, VOLUME_FIELDS)
