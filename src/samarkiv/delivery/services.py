"""The delivery service layer: resumable uploads and the deliveries made from them.

Used by the REST API and the staff pages alike; every function takes the acting Scope
first and narrows with it, so a business system's token and a registrar's session get
the same rules. Objects outside the scope are "not found", never "forbidden".
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.delivery import uploads as files
from samarkiv.delivery.choices import DeliveryState, UploadState
from samarkiv.delivery.models import MANUAL_AGREEMENT, Delivery, SubmissionAgreement, Upload
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError, SamarkivError
from samarkiv.ingest.queries import receipt_of
from samarkiv.ingest.receipt import Receipt
from samarkiv.ingest.uploads import clean_name, container_suffix


class UploadGoneError(SamarkivError):
    """The upload was terminated or expired (tus: 410 Gone)."""

    code = "upload_gone"
    http_status = 410


class WholeFileMismatchError(files.ChecksumMismatchError):
    """Every byte arrived, but the file is not the one declared: start again."""

    code = "upload_checksum_mismatch"


class NotFinishedError(ConflictError):
    code = "not_finished"


def _uuid(value) -> uuid.UUID:
    """A UUID, or "not found" (a malformed id names nothing, as in another tenant)."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError("no such object") from exc


def _token_id(scope: Scope):
    return getattr(scope, "token_id", None)


# --- agreements -------------------------------------------------------------------


def deliverable_agreements(scope: Scope) -> QuerySet[SubmissionAgreement]:
    """The agreements the scope may deliver under: a token's one agreement; for staff,
    their tenant's agreements in force that list them as depositor, and the manual one."""
    queryset = scope.visible(
        SubmissionAgreement.objects.filter(active=True), "tenant", Permission.DELIVER
    )
    if scope.tenant:  # an operator scope sees every tenant, but acts in one
        queryset = queryset.filter(tenant_id=scope.tenant)
    if scope.token_agreement is not None:
        return queryset.filter(pk=scope.token_agreement)
    return queryset.filter(Q(code=MANUAL_AGREEMENT) | Q(depositors__pk=scope.user_id)).distinct()


def _agreement_for(scope: Scope, agreement_id: int | None) -> SubmissionAgreement:
    allowed = deliverable_agreements(scope)
    if scope.token_agreement is not None:
        if agreement_id not in (None, scope.token_agreement):
            raise AccessDeniedError("a token delivers only under its own agreement")
        found = allowed.first()
    elif agreement_id is None:
        found = allowed.filter(code=MANUAL_AGREEMENT).first()
    else:
        found = allowed.filter(pk=agreement_id).first()
        if found is None:
            # NotFoundError for other tenants' agreements; forbidden for our own.
            scope.get(
                SubmissionAgreement.objects.all(), "tenant", Permission.DELIVER, pk=agreement_id
            )
            raise AccessDeniedError("you may not deliver under this agreement")
    if found is None:
        raise AccessDeniedError("no agreement in force to deliver under")
    return found


# --- uploads ----------------------------------------------------------------------


def _visible_uploads(scope: Scope) -> QuerySet[Upload]:
    queryset = scope.visible(Upload.objects.all(), "tenant", Permission.DELIVER)
    if scope.token_agreement is not None:
        queryset = queryset.filter(agreement_id=scope.token_agreement)
    return queryset


def get_upload(scope: Scope, upload_id) -> Upload:
    """One upload the scope may see; a terminated one is gone (410)."""
    upload = _visible_uploads(scope).filter(pk=_uuid(upload_id)).first()
    if upload is None:
        raise NotFoundError("no such upload")
    if upload.state == UploadState.TERMINATED:
        raise UploadGoneError("the upload was terminated or has expired")
    return upload


def _check_new_upload(length: int, filename: str, sha256: str | None) -> tuple[str, str]:
    if length < 1:
        raise files.InvalidUploadError("Upload-Length must be at least 1")
    if length > settings.SAMARKIV_MAX_UPLOAD_BYTES:
        limit = settings.SAMARKIV_MAX_UPLOAD_BYTES
        raise files.UploadTooLargeError(f"the upload is larger than the {limit} bytes allowed")
    name = clean_name(filename or "")
    try:
        container_suffix(name)
    except SamarkivError as exc:
        raise files.InvalidUploadError(
            "the file name must end in .zip, .tar, .tar.gz or .tgz", path=name
        ) from exc
    digest = (sha256 or "").strip().lower()
    if digest and (len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)):
        raise files.InvalidUploadError("sha256 must be 64 hexadecimal characters")
    return name, digest


def _expiry():
    return timezone.now() + timedelta(hours=settings.SAMARKIV_UPLOAD_EXPIRY_HOURS)


def create_upload(
    scope: Scope,
    length: int,
    filename: str,
    sha256: str | None = None,
    *,
    agreement_id: int | None = None,
) -> Upload:
    """A new, empty upload of ``length`` bytes under the scope's agreement."""
    scope.require(Permission.DELIVER)
    name, digest = _check_new_upload(length, filename, sha256)
    agreement = _agreement_for(scope, agreement_id)
    upload = Upload.objects.create(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        created_by_id=scope.user_id,
        token_id=_token_id(scope),
        filename=name,
        length=length,
        sha256=digest,
        expires_at=_expiry(),
    )
    files.create_part(upload.pk)
    return upload


def append_chunk(
    scope: Scope,
    upload_id,
    offset: int,
    stream: BinaryIO,
    length: int,
    checksum: str | None = None,
) -> Upload:
    """Write one PATCH body at ``offset``; the upload becomes COMPLETE with its last byte.

    ``checksum`` is the tus ``Upload-Checksum`` header; the chunk is checked before the
    offset moves, so a damaged chunk leaves the upload exactly as it was.
    """
    scope.require(Permission.DELIVER)
    if length > settings.SAMARKIV_MAX_CHUNK_BYTES:
        limit = settings.SAMARKIV_MAX_CHUNK_BYTES
        raise files.ChunkTooLargeError(f"one PATCH may carry at most {limit} bytes")
    parsed = files.parse_checksum(checksum)
    upload = get_upload(scope, upload_id)
    with files.locked_part(upload.pk) as fh:
        upload.refresh_from_db()  # the row as it is now that we hold the lock
        _check_append(upload, offset, length)
        upload.offset = files.write_chunk(fh, offset, stream, length, parsed)
        upload.expires_at = _expiry()
        if upload.offset == upload.length:
            _complete(upload)
        else:
            upload.save(update_fields=["offset", "expires_at", "updated_at"])
    return upload


def _check_append(upload: Upload, offset: int, length: int) -> None:
    if upload.state == UploadState.TERMINATED:
        raise UploadGoneError("the upload was terminated or has expired")
    if upload.state != UploadState.RECEIVING:
        raise files.UploadStateError("the upload is complete; nothing more can be added")
    if offset != upload.offset:
        raise files.OffsetMismatchError(
            f"Upload-Offset is {offset}, but the upload is at {upload.offset}"
        )
    if offset + length > upload.length:
        raise files.ChunkTooLargeError("the chunk goes past Upload-Length")


def _complete(upload: Upload) -> None:
    """Every byte is in: check the declared whole-file SHA-256, then mark COMPLETE."""
    if upload.sha256 and files.sha256_of(files.part_path(upload.pk)) != upload.sha256:
        upload.state = UploadState.TERMINATED
        upload.save(update_fields=["offset", "state", "expires_at", "updated_at"])
        files.remove_part(upload.pk)
        raise WholeFileMismatchError(
            "every byte arrived, but the file does not match the sha256 declared in "
            "Upload-Metadata; the upload was discarded, start a new one"
        )
    upload.state = UploadState.COMPLETE
    upload.save(update_fields=["offset", "state", "expires_at", "updated_at"])


def terminate_upload(scope: Scope, upload_id) -> None:
    """tus termination: the upload and its bytes go; one already delivered stays."""
    scope.require(Permission.DELIVER)
    upload = get_upload(scope, upload_id)
    with files.locked_part(upload.pk):
        upload.refresh_from_db()
        if upload.state == UploadState.CONSUMED:
            raise files.UploadStateError("the upload was delivered and cannot be removed")
        upload.state = UploadState.TERMINATED
        upload.save(update_fields=["state", "updated_at"])
        files.remove_part(upload.pk)


def expire_uploads(now=None) -> int:
    """Terminate uploads nobody touched before they expired; returns how many."""
    now = now or timezone.now()
    stale = Upload.objects.filter(
        state__in=(UploadState.RECEIVING, UploadState.COMPLETE), expires_at__lt=now
    )
    count = 0
    for upload in stale:
        Upload.objects.filter(pk=upload.pk, state=upload.state).update(
            state=UploadState.TERMINATED, updated_at=now
        )
        files.remove_part(upload.pk)
        count += 1
    return count


# --- deliveries -------------------------------------------------------------------


def start_delivery(scope: Scope, upload_id) -> Delivery:
    """Hand a complete upload to ingest, once: asking again returns the same delivery."""
    scope.require(Permission.DELIVER)
    upload = _visible_uploads(scope).filter(pk=_uuid(upload_id)).first()
    if upload is None:
        raise NotFoundError("no such upload")
    existing = Delivery.objects.filter(upload=upload).first()
    if existing is not None:
        return existing
    try:
        delivery = _create_delivery(scope, upload.pk)
    except IntegrityError:  # a concurrent request made it first
        return Delivery.objects.get(upload_id=upload.pk)
    from samarkiv.delivery import worker

    worker.dispatch(delivery.pk)
    return delivery


def _create_delivery(scope: Scope, upload_pk) -> Delivery:
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload_pk)
        if upload.state == UploadState.TERMINATED:
            raise UploadGoneError("the upload was terminated or has expired")
        if upload.state != UploadState.COMPLETE:
            raise files.UploadStateError(
                f"the upload has {upload.offset} of {upload.length} bytes; finish it first"
            )
        delivery = Delivery.objects.create(
            tenant_id=upload.tenant_id,
            agreement_id=upload.agreement_id,
            upload=upload,
            submitted_by_id=scope.user_id,
            token_id=_token_id(scope),
            filename=upload.filename,
        )
        upload.state = UploadState.CONSUMED
        upload.save(update_fields=["state", "updated_at"])
        record(
            scope,
            AuditAction.DELIVERY,
            obj=delivery,
            tenant=upload.tenant_id,
            detail={
                "filename": upload.filename,
                "bytes": upload.length,
                "upload": str(upload.pk),
                "agreement": upload.agreement.code,
            },
        )
    return delivery


def list_deliveries(scope: Scope) -> QuerySet[Delivery]:
    """Deliveries the scope may see, newest first; a token sees its agreement's only."""
    permission = (
        Permission.DELIVER if scope.token_agreement is not None else Permission.VIEW_DELIVERIES
    )
    queryset = scope.visible(
        Delivery.objects.select_related("agreement", "ingest"), "tenant", permission
    )
    if scope.token_agreement is not None:
        queryset = queryset.filter(agreement_id=scope.token_agreement)
    return queryset.order_by("-created_at")


def get_delivery(scope: Scope, delivery_id) -> Delivery:
    delivery = list_deliveries(scope).filter(pk=_uuid(delivery_id)).first()
    if delivery is None:
        raise NotFoundError("no such delivery")
    return delivery


def delivery_receipt(scope: Scope, delivery_id) -> Receipt:
    """The ingest's receipt; ConflictError while the delivery is not finished."""
    delivery = get_delivery(scope, delivery_id)
    if delivery.state not in DeliveryState.finished():
        raise NotFinishedError("the delivery is not finished yet")
    receipt = receipt_of(delivery.ingest) if delivery.ingest is not None else None
    if receipt is None:
        raise NotFinishedError(f"the delivery has no receipt: {delivery.message}")
    return receipt
