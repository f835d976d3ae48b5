"""Two municipalities' worth of objects, for the isolation matrix.

Tenant B (``OTHER``) owns one of everything a page or endpoint can show; tenant A
(``OWN``) has people in every role. Every object of B carries a marker string that
must never appear in a response to A's people.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from samarkiv.accounts.models import ApiToken, EmergencyGrant, Membership
from samarkiv.accounts.roles import Role
from samarkiv.auditlog.chain import append
from samarkiv.auditlog.choices import AuditAction
from samarkiv.catalog.models import RecordsCreator
from samarkiv.catalog.records.models import Record
from samarkiv.delivery.choices import DeliveryState, UploadState
from samarkiv.delivery.models import Delivery, SubmissionAgreement, Upload
from samarkiv.ingest.choices import ValidationSource
from samarkiv.ingest.demo_packages import archive, build_valid_sip
from samarkiv.ingest.models import Ingest, ValidationRun
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.preservation.models import Aip

OWN, OTHER, HOST = "bjuv", "ystad", "lund"
MARK = "ystadhemlig"  # in every name of B's objects

MUNICIPAL_ROLES = (Role.ARCHIVIST, Role.REGISTRAR, Role.AUDITOR, Role.SYSTEM)
HOST_ROLES = (Role.PLATFORM_ADMIN, Role.IT_ARCHIVIST)


@dataclass
class World:
    aip: Aip
    ingest: Ingest
    validation: ValidationRun
    agreement: SubmissionAgreement
    upload: Upload
    delivery: Delivery
    token: ApiToken
    grant: EmergencyGrant
    membership: Membership
    other_user: object
    people: dict[str, object] = field(default_factory=dict)  # role value -> user of A/host
    markers: list[str] = field(default_factory=list)
    record: Record | None = None  # a catalogue record (case) of B, for the search UI
    catalog: dict[str, object] = field(default_factory=dict)  # B's archival description
    extra: dict[str, object] = field(default_factory=dict)  # objects of pages_*.py modules


def _user(username: str, tenant: str, role: Role):
    user = get_user_model().objects.create_user(username, f"{username}@example.se")
    Membership.objects.create(user=user, tenant_id=tenant, role=role)
    return user


def _tenant_b_package(tmp: Path) -> Aip:
    sip = archive(build_valid_sip(tmp / "src", name=f"{MARK}-sip"), tmp / f"{MARK}.zip")
    receipt = ingest(IngestRequest(source=sip, tenant=OTHER))
    return Aip.objects.get(pk=receipt.aip_id)


def build_world(tmp: Path) -> World:
    aip = _tenant_b_package(tmp)
    ingest_row = Ingest.objects.filter(aip_id=aip.pk).latest("created_at")
    validation = ValidationRun.objects.create(
        package_name=f"{MARK}-validering.zip",
        specification="E-ARK",
        valid=True,
        report={"findings": [{"path": f"{MARK}/METS.xml"}]},
        source=ValidationSource.WEB,
        **({"tenant_id": OTHER} if hasattr(ValidationRun, "tenant") else {}),
    )
    creator = RecordsCreator.objects.create(tenant_id=OTHER, code=MARK, name=f"{MARK} nämnd")
    agreement = SubmissionAgreement.objects.create(
        tenant_id=OTHER,
        code=f"{MARK}-avtal",
        name=f"{MARK} avtal",
        records_creator=creator,
        specifications=["eark2"],
    )
    other_user = _user(f"{MARK}.arkivarie", OTHER, Role.ARCHIVIST)
    system = _user(f"{MARK}.system", OTHER, Role.SYSTEM)
    token = ApiToken.objects.create(
        name=f"{MARK} nyckel",
        user=system,
        tenant_id=OTHER,
        agreement=agreement,
        prefix=secrets.token_hex(6),
        digest=hashlib.sha256(b"x").hexdigest(),
    )
    upload = Upload.objects.create(
        tenant_id=OTHER,
        agreement=agreement,
        created_by=system,
        token=token,
        filename=f"{MARK}.zip",
        length=10,
        offset=10,
        state=UploadState.CONSUMED,
    )
    delivery = Delivery.objects.create(
        tenant_id=OTHER,
        agreement=agreement,
        upload=upload,
        submitted_by=system,
        token=token,
        filename=f"{MARK}.zip",
        state=DeliveryState.DONE,
        ingest=ingest_row,
    )
    world = World(
        aip=aip,
        ingest=ingest_row,
        validation=validation,
        agreement=agreement,
        upload=upload,
        delivery=delivery,
        token=token,
        grant=None,  # type: ignore[arg-type]
        membership=Membership.objects.get(user=other_user),
        other_user=other_user,
    )
    for role in MUNICIPAL_ROLES:
        world.people[role.value] = _user(f"{OWN}.{role.value}", OWN, role)
    for role in HOST_ROLES:
        world.people[role.value] = _user(f"{HOST}.{role.value}", HOST, role)
    # Another host technician has an emergency grant in B: A's people must not see or
    # revoke it, and it must not leak B's content to the IT archivist in the matrix.
    world.grant = EmergencyGrant.objects.create(
        user=_user(f"{HOST}.{MARK}.tekniker", HOST, Role.IT_ARCHIVIST),
        tenant_id=OTHER,
        granted_by=world.people[Role.PLATFORM_ADMIN.value],
        reason=f"{MARK} nödåtkomst",
        expires_at=timezone.now() + timedelta(hours=8),
    )
    append(actor=f"user:{MARK}.arkivarie", action=AuditAction.VIEW, tenant=OTHER, object_id=aip.pk)
    world.markers = [
        MARK,
        aip.pk,
        str(ingest_row.pk),
        str(delivery.pk),
        str(upload.pk),
        str(validation.pk),
        token.prefix,
    ]
    world.record = _tenant_b_record(aip)
    world.markers.append(str(world.record.pk))
    world.catalog = _tenant_b_description(creator, aip)  # every name carries MARK
    return world


def _tenant_b_description(creator: RecordsCreator, aip: Aip) -> dict[str, object]:
    """B's creator with a predecessor, archive, series, volume, classification, AIP link."""
    from samarkiv.catalog.models import (
        AipDescription,
        Archive,
        ClassificationNode,
        ClassificationScheme,
        RecordsCreatorRelation,
        Series,
        Volume,
    )

    older = RecordsCreator.objects.create(tenant_id=OTHER, code=f"{MARK}-1", name=f"{MARK} gamla")
    relation = RecordsCreatorRelation.objects.create(
        tenant_id=OTHER, source=older, target=creator, kind="merged_into"
    )
    archive = Archive.objects.create(
        tenant_id=OTHER, records_creator=creator, reference_code=f"SE/{MARK}", title=f"{MARK} arkiv"
    )
    series = Series.objects.create(
        tenant_id=OTHER, archive=archive, code="F1", title=f"{MARK} akter"
    )
    volume = Volume.objects.create(tenant_id=OTHER, series=series, number=1, title=f"{MARK} volym")
    scheme = ClassificationScheme.objects.create(
        tenant_id=OTHER, name=f"{MARK} KLASSA", status="active"
    )
    node = ClassificationNode.objects.create(
        tenant_id=OTHER, scheme=scheme, code="3", title=f"{MARK} klass", level="area"
    )
    AipDescription.objects.create(
        aip=aip, tenant_id=OTHER, records_creator=creator, series=series, classification_node=node
    )
    return {
        "creator": creator,
        "relation": relation,
        "archive": archive,
        "series": series,
        "volume": volume,
        "scheme": scheme,
        "node": node,
    }


def _tenant_b_record(aip: Aip) -> Record:
    """A case of B in the catalogue, found by search only inside B."""
    return Record.objects.create(
        tenant_id=OTHER,
        aip=aip,
        kind="case",
        source_format="other",
        title=f"{MARK} ärende",
        registration_number=f"{MARK} 2024/1",
        parties=[{"name": f"{MARK} person", "personal_id": "19121212-1212"}],
    )
