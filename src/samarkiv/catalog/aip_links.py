"""Linking AIPs into the description: a records creator, and a class or a series.

Why a link row beside the AIP and not fields on it: the AIP row mirrors the stored
package (it can be rebuilt from METS and PREMIS), while the description is the
archivist's decision about it, made and changed after ingest.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samarkiv.accounts.scope import Scope
from samarkiv.catalog import editing
from samarkiv.catalog.choices import SchemeStatus
from samarkiv.catalog.editing import READ, InvalidDescriptionError
from samarkiv.catalog.models import (
    AipDescription,
    ClassificationNode,
    ClassificationScheme,
    RecordsCreator,
)
from samarkiv.preservation.models import Aip

LINK_FIELDS = ("records_creator", "series", "volume", "classification_node")


def get_aip(scope: Scope, aip_id: str) -> Aip:
    """An AIP of the acting tenant (metadata only: the description needs no content)."""
    return scope.get(Aip.objects.select_related("tenant"), permission=READ, pk=aip_id)


def description_of(aip: Aip) -> AipDescription | None:
    return (
        AipDescription.objects.filter(aip=aip)
        .select_related(
            "records_creator", "series__archive", "volume", "classification_node__scheme"
        )
        .first()
    )


def described_aips(scope: Scope) -> QuerySet[Aip]:
    """The tenant's AIPs, newest first, each with its description (if any) at hand."""
    rows = Aip.objects.select_related(
        "archival_description__records_creator",
        "archival_description__series",
        "archival_description__volume",
        "archival_description__classification_node__scheme",
    )
    return scope.visible(rows, permission=READ).order_by("-created_at")


def creator_aips(scope: Scope, creator: RecordsCreator) -> QuerySet[AipDescription]:
    rows = AipDescription.objects.filter(records_creator=creator).select_related(
        "aip", "series", "volume", "classification_node__scheme"
    )
    return scope.visible(rows, permission=READ).order_by("aip__created_at")


def _in_force(node: ClassificationNode) -> bool:
    """Read from the database: the node's cached scheme may be older than its status."""
    status = ClassificationScheme.objects.filter(pk=node.scheme_id).values_list("status", flat=True)
    return status.first() == SchemeStatus.ACTIVE


def describe_aip(scope: Scope, aip_id: str, data: dict) -> AipDescription:
    """Link (or re-link) an AIP; audited with what changed.

    The series follows from the volume when only a volume is given. A class must be of
    a version in force, unless the AIP already has it (a retired class stays valid for
    what was classified under it).
    """
    aip = editing.editable(scope, Aip.objects.all(), pk=aip_id)
    current = AipDescription.objects.filter(aip=aip).first()
    target = current or editing.new_object(scope, AipDescription, aip.tenant_id, aip=aip)
    data = dict(data)
    volume = data.get("volume")
    if volume is not None and not data.get("series"):
        data["series"] = volume.series
    node = data.get("classification_node")
    kept = current is not None and node is not None and node.pk == current.classification_node_id
    if node is not None and not kept and not _in_force(node):
        raise InvalidDescriptionError(
            {"classification_node": _("Klassen hör till en version som inte gäller.")}
        )
    return editing.save(scope, target, data, LINK_FIELDS)
